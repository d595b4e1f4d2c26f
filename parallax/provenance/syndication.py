"""Syndication: the same wire copy republished by several outlets.

A group of exact or near duplicates that spans two or more outlets is one piece of copy carried
several times. Each republication links (kind ``syndicated``) to the original: the copy from the
wire service itself when one is in the group (its name as outlet, or credited in the text), else
the earliest copy. `syndicated_article_ids` lists the republications so coverage counts can leave
them out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parallax.model import Article
from parallax.provenance.catalog import Catalog
from parallax.provenance.duplicates import copy_groups
from parallax.provenance.outlets import WIRE_AGENCIES, wire_agency
from parallax.provenance.text import jaccard, shingles
from parallax.settings import Settings
from parallax.store import ProvenanceLink, Store


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


_AGENCY_NAMES = _alternation([n for c, others in WIRE_AGENCIES.items() for n in (c, *others)])
# Short forms as they appear in datelines: "WASHINGTON (AP) —", "KYIV (Reuters) -".
_DATELINE = re.compile(
    r"\((AP|Reuters|AFP|UPI|dpa|DPA|Xinhua|TASS|AAP|CP|PA|Bloomberg|EFE|ANSA|Kyodo|Yonhap|ANI|"
    r"PTI|Anadolu|Interfax|Ukrinform)\)"
)
_CREDITS = (
    # "(c) 2024 Reuters", "© The Associated Press", "Copyright 2023 AFP"
    re.compile(
        rf"(?:©|\([cC]\)|\b[Cc]opyright)\s*(?:\d{{4}}\s*)?(?:[Tt]he\s+)?({_AGENCY_NAMES})\b"
    ),
    # A sign-off line: "— The Associated Press", "- Reuters"
    re.compile(rf"^\s*[—–-]+\s*(?:[Tt]he\s+)?({_AGENCY_NAMES})\.?\s*$", re.MULTILINE),
    # "Associated Press writer Jane Doe contributed", "Reuters reporters ..."
    re.compile(
        rf"\b(?:[Tt]he\s+)?({_AGENCY_NAMES})\s+(?:staff\s+)?(?:writers?|reporters?|"
        r"correspondents?|journalists?)\s+[A-Z]"
    ),
)
# Reuters' house sign-off: "Reporting by A; Editing by B".
_REUTERS_SIGNOFF = re.compile(r"\bReporting by [A-Z][^\n]{0,200}?\bEditing by [A-Z]")


def wire_credits(text: str) -> set[str]:
    """Canonical names of the wire services the text credits as its source."""
    found = {wire_agency(m.group(1)) for m in _DATELINE.finditer(text)}
    for pattern in _CREDITS:
        found.update(wire_agency(m.group(1)) for m in pattern.finditer(text))
    if _REUTERS_SIGNOFF.search(text):
        found.add("Reuters")
    return {f for f in found if f is not None}


def choose_original(members: Sequence[str], catalog: Catalog, credits: dict[str, set[str]]) -> str:
    """The copy the others republish: the earliest copy from a credited wire service, else the
    earliest from any wire service, else the earliest copy."""
    ordered = catalog.ordered(members)
    credited = set().union(*credits.values()) if credits else set()
    agencies = {m: wire_agency(catalog[m].outlet) for m in ordered}
    for m in ordered:
        if agencies[m] is not None and agencies[m] in credited:
            return m
    for m in ordered:
        if agencies[m] is not None:
            return m
    return ordered[0]


def syndication_links(
    store: Store, members: set[str], catalog: Catalog
) -> tuple[list[ProvenanceLink], bool]:
    """Links from each republication in a copy group to its original, and whether the group
    carries a wire credit. No links (and no credit looked for) when the group does not span two
    known outlets."""
    outlets = {catalog[m].outlet_key for m in members if m in catalog}
    outlets.discard("")
    if len(outlets) < 2:
        return [], False
    articles: dict[str, Article] = {}
    for m in sorted(members):
        article = store.get_article(m)
        if article is not None and m in catalog:
            articles[m] = article
    credits = {m: wire_credits(a.body) for m, a in articles.items()}
    credited = any(credits.values())
    if len(articles) < 2:
        return [], credited
    original = choose_original(sorted(articles), catalog, credits)
    source = articles[original]
    source_shingles = shingles(source.body)
    links: list[ProvenanceLink] = []
    for m, article in sorted(articles.items()):
        key = catalog[m].outlet_key
        # Another copy from the original's own outlet is a duplicate, not a republication; a
        # copy of unknown outlet cannot be said to be another outlet's.
        if m == original or not key or key == catalog[original].outlet_key:
            continue
        if article.content_hash == source.content_hash:
            score = 1.0
        else:
            score = round(jaccard(shingles(article.body), source_shingles), 4)
        links.append(ProvenanceLink(m, original, "syndicated", score))
    return links, credited


class Syndication:
    """Pipeline stage: mark republished wire copy, from each republication to its original.

    Reads the duplicate and near-duplicate links and re-links the copy groups the new articles
    belong to (cost: one read of the link table plus the bodies of those groups). When a
    new article becomes a group's original, the group is re-linked to it; links to the former
    original stay until the store can delete links, which leaves `syndicated_article_ids`
    correct (the former original is then itself a republication).
    """

    name = "syndication"
    requires: tuple[str, ...] = ("provenance.duplicate", "provenance.near-duplicate")
    assigns: tuple[str, ...] = ("provenance.syndicated",)

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Link the republications in every copy group that a new article belongs to."""
        catalog: Catalog | None = None
        links: list[ProvenanceLink] = []
        groups = credited_groups = 0
        for members in copy_groups(store, article_ids):
            catalog = catalog or Catalog(store)
            group_links, credited = syndication_links(store, members, catalog)
            if group_links:
                groups += 1
                credited_groups += credited
                links.extend(group_links)
        store.add_provenance(links)
        return {
            "syndicated_links": len(links),
            "syndicated_groups": groups,
            "wire_credited_groups": credited_groups,
        }


def syndicated_article_ids(store: Store) -> set[str]:
    """Ids of articles that republish another outlet's copy (leave them out of coverage counts)."""
    return {link.article_id for link in store.provenance() if link.kind == "syndicated"}
