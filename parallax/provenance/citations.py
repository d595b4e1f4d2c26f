"""Citations: "AFP reported", "according to Reuters", "told CNN" linked to the cited outlet.

`extract_citations` finds the outlet names a text cites. The `Citations` stage links (kind
``cites``) a citing article to the articles of the cited outlet in the store that were published
shortly before it and report the same thing (lead embedding close to the citing sentence).
Citations of outlets with no such article in the store are counted in the stage's statistics
only: a provenance link needs an article at both ends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from parallax.nlp.embeddings import Embedder
from parallax.provenance.catalog import Catalog, body_of, days_apart
from parallax.provenance.outlets import canonical_outlet, looks_like_outlet, outlet_match
from parallax.provenance.text import lead, sentences, word_set
from parallax.provenance.vectors import LeadSource, TextVectors
from parallax.settings import Settings
from parallax.store import ProvenanceLink, Store

# A capitalised word; a period stays inside only before another letter ("U.S"), so a name
# never runs into the next sentence.
_NAME_WORD = r"[A-Z](?:[\w'’&/-]|\.(?=\w))*"
_CONNECT = r"(?:of|de|du|des|der|di|la|le|al|el)"
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_CONNECT}[ \t]+)?{_NAME_WORD}){{0,5}}"
_THE = r"(?P<the>\b[Tt]he[ \t]+)?"

#: Patterns whose subject reports: any organisation-like name counts ("the Pentagon reported").
_REPORTS = (
    (
        "reported",
        re.compile(
            rf"{_THE}(?P<name>{_NAME})\s+(?:(?:first|also|previously|earlier|later|originally|"
            r"initially|exclusively|separately|has|had|have|was|were)\s+){0,2}"
            r"(?:reported|reports|revealed|said in a report)\b"
        ),
    ),
    (
        "reported by",
        re.compile(
            rf"\b(?:reported|revealed)\s+(?:first\s+)?by\s+"
            rf"{_THE}(?P<name>{_NAME})"
        ),
    ),
)
#: Patterns that also fit people and governments ("told Congress", "according to Putin"): only
#: names that look like news outlets count.
_MENTIONS = (
    (
        "according to",
        re.compile(
            r"\b[Aa]ccording to\s+(?:(?:a|an|the)\s+)?(?:(?:new|recent|earlier|exclusive|"
            r"separate)\s+)?(?:(?:report|reports|reporting|story|article|investigation|analysis|"
            r"interview|broadcast|tally|count|survey)\s+(?:by|from|in|on|with|of)\s+)?"
            rf"{_THE}(?P<name>{_NAME})"
        ),
    ),
    ("told", re.compile(rf"\b(?:told|telling|tells)\s+{_THE}(?P<name>{_NAME})")),
    (
        "interview with",
        re.compile(
            rf"\binterview\s+(?:with|on|to)\s+{_THE}(?P<name>{_NAME})",
        ),
    ),
    ("citing", re.compile(rf"\b(?:citing|cited by|quoted by)\s+{_THE}(?P<name>{_NAME})")),
    (
        "a report",
        re.compile(
            rf"\b(?:[Aa]n?|[Tt]he)\s+(?P<name>{_NAME})(?:['’]s?)?\s+(?:report|investigation|"
            r"analysis|story|article|interview|tally|poll)\b"
        ),
    ),
)

# Capitalised words that start a sentence or clause rather than a name.
_LEADING = word_set(
    "on in at as by meanwhile however but and also earlier later last this that while when then "
    "so yet now today yesterday tonight separately previously first initially according after "
    "before since if although though because monday tuesday wednesday thursday friday saturday "
    "sunday january february march april may june july august september october november "
    "december"
)
_NOT_NAMES = _LEADING | {"it", "he", "she", "they", "we", "i", "you", "there", "what", "which"}


@dataclass(frozen=True)
class Citation:
    """One mention of a cited outlet in a text."""

    name: str
    #: Canonical name when the outlet is a known one.
    outlet: str | None
    start: int
    end: int
    pattern: str
    #: The name looks like a news outlet (else another organisation that reported something).
    news: bool


def _clean_name(raw: str) -> tuple[str, bool]:
    """Drop clause openers and a leading "The" from a matched name; True if "The" was there."""
    tokens = raw.split()
    the = False
    while tokens and (tokens[0].casefold() in _LEADING or tokens[0] in {"The", "the"}):
        the = the or tokens[0] in {"The", "the"}
        tokens = tokens[1:]
    name = " ".join(tokens)
    name = re.sub(r"['’]s?$", "", name).rstrip(".,;:")
    return name, the


def _acronym(name: str) -> bool:
    return re.fullmatch(r"[A-Z]{2,6}", name) is not None


def extract_citations(text: str, known_outlets: Sequence[str] = ()) -> list[Citation]:
    """Outlets the text cites, in order of appearance.

    ``known_outlets`` (for example the outlets in the store) count as outlet names besides the
    built-in list of agencies and outlets and names containing words such as News or Times.
    """
    known = {o.casefold() for o in known_outlets}

    def is_outlet(name: str) -> bool:
        return looks_like_outlet(name) or name.casefold() in known

    found: dict[tuple[int, int], Citation] = {}
    for strict, patterns in ((False, _REPORTS), (True, _MENTIONS)):
        for label, pattern in patterns:
            for m in pattern.finditer(text):
                name, leading_the = _clean_name(m.group("name"))
                if not name or name.casefold() in _NOT_NAMES:
                    continue
                the = leading_the or bool(m.groupdict().get("the"))
                news = is_outlet(name)
                # Reporting is what organisations do; a bare person's name is not one.
                if not (news or (not strict and (_acronym(name) or the))):
                    continue
                span = (m.start("name"), m.end("name"))
                if not any(s <= span[0] < e or span[0] <= s < span[1] for s, e in found):
                    found[span] = Citation(
                        name, canonical_outlet(name), m.start(), m.end(), label, news
                    )
    return [found[k] for k in sorted(found)]


def _sentence_at(text: str, offset: int) -> str:
    for start, end in sentences(text):
        if start <= offset < end:
            return text[start:end]
    return text[max(0, offset - 200) : offset + 200]


class Citations:
    """Pipeline stage: link citing articles to the cited outlet's articles in the store.

    A cited article must come from an outlet whose name matches the cited one (`outlet_match`)
    and is not the citing article's own ("told CNN" in a CNN story is CNN's own reporting), be
    published between ``days_before`` days before and ``days_after`` days after the citing
    article (both times known), and have a lead whose embedding is at least ``min_relevance``
    (cosine) from the citing article's title and citing sentence. Score: 0.5 plus up to 0.5 for
    the name match quality times the relevance. New articles are checked both as citing (against
    every stored article) and as cited (against stored articles published around them), so the
    links do not depend on the order articles arrived in.

    Statistics (new articles only): ``citations`` (mentions of news outlets),
    ``organisation_reports`` (other organisations' reports), ``self_citations`` (the article's
    own outlet), ``citations_unmatched`` (cited names that got no link, once per article) and of
    those ``citations_outlet_not_in_store``, ``citation_links``.
    """

    name = "citations"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("provenance.cites",)

    def __init__(
        self,
        days_before: float = 3.0,
        days_after: float = 1.0,
        min_relevance: float = 0.5,
        embedder: Embedder | None = None,
        lead_vectors: LeadSource | None = None,
    ) -> None:
        self.days_before = days_before
        self.days_after = days_after
        self.min_relevance = min_relevance
        self.vectors = TextVectors(embedder)
        self.lead_vectors = lead_vectors
        if lead_vectors is not None:
            # the vectors come from an earlier stage, which must run first
            self.requires = (*type(self).requires, "vectors.lead")

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Link the new articles' citations, and stored articles' citations of new articles."""
        catalog = Catalog(store)
        new = sorted(set(article_ids) & set(catalog.entries))
        resolver = _OutletResolver(catalog)
        new_set = set(new)
        # Articles waiting for a later round are neither read as citing nor linked as cited
        # now: the link is made when the later of its two articles is analysed.
        waiting = set(store.unanalyzed_article_ids()) - new_set
        citing, bodies = self._citing_articles(store, catalog, new, resolver.known, waiting)
        stats = dict.fromkeys(
            (
                "citations",
                "organisation_reports",
                "self_citations",
                "citations_unmatched",
                "citations_outlet_not_in_store",
            ),
            0,
        )
        # Every (citing article, citation, candidate article, name quality) to score.
        pending: list[tuple[str, Citation, str, float]] = []
        # (new article, cited name) -> whether the store has that outlet at all.
        cited: dict[tuple[str, str], bool] = {}
        for aid, cites in sorted(citing.items()):
            is_new = aid in new_set
            own = catalog[aid].outlet_key
            for cite in cites:
                matches = resolver.matches(cite.name)
                if own and any(key == own for key, _ in matches):
                    stats["self_citations"] += is_new
                    continue
                pending.extend(
                    (aid, cite, cand, quality)
                    for key, quality in matches
                    for cand in resolver.articles(key)
                    if (is_new or cand in new_set)
                    and cand not in waiting
                    and self._in_window(catalog, aid, cand)
                )
                if is_new:
                    stats["citations" if cite.news else "organisation_reports"] += 1
                    cited[(aid, cite.name)] = bool(matches)
        links, linked = self._score(store, pending, bodies, catalog)
        store.add_provenance(links)
        # Citations left without a link are counted once per article and cited name.
        unmatched = [known for key, known in cited.items() if key not in linked]
        stats["citations_unmatched"] = len(unmatched)
        stats["citations_outlet_not_in_store"] = unmatched.count(False)
        stats["citation_links"] = len(links)
        return stats

    def _in_window(self, catalog: Catalog, citing: str, cited: str) -> bool:
        gap = days_apart(catalog[citing].published, catalog[cited].published)
        return cited != citing and gap is not None and -self.days_after <= gap <= self.days_before

    def _citing_articles(
        self,
        store: Store,
        catalog: Catalog,
        new: Sequence[str],
        known: Sequence[str],
        waiting: AbstractSet[str] = frozenset(),
    ) -> tuple[dict[str, list[Citation]], dict[str, str]]:
        """Citations of the new articles and of the stored articles that may cite them."""
        citing: dict[str, list[Citation]] = {}
        bodies: dict[str, str] = {}

        def read(aid: str) -> None:
            found = store.article_bodies([aid]).get(aid)
            if found is not None:
                bodies[aid] = found[1]
                citing[aid] = extract_citations(found[1], known)

        for aid in new:
            read(aid)
        for aid in new:
            entry = catalog[aid]
            if entry.published is None or not entry.outlet_key:
                continue
            window = catalog.published_between(
                entry.published - timedelta(days=self.days_after),
                entry.published + timedelta(days=self.days_before),
            )
            for other in window:
                if other not in citing and other not in waiting:
                    read(other)
        return citing, bodies

    def _score(
        self,
        store: Store,
        pending: list[tuple[str, Citation, str, float]],
        bodies: dict[str, str],
        catalog: Catalog,
    ) -> tuple[list[ProvenanceLink], set[tuple[str, str]]]:
        """The links, and the (citing article, cited name) pairs that got one."""
        if not pending:
            return [], set()
        contexts: dict[tuple[str, int], str] = {}
        for aid, cite, _, _ in pending:
            title = catalog[aid].title or ""
            contexts[(aid, cite.start)] = f"{title} {_sentence_at(bodies[aid], cite.start)}"
        context_keys = sorted(contexts)
        cv = self.vectors.encode([contexts[k] for k in context_keys])
        crow = {k: i for i, k in enumerate(context_keys)}

        def lead_of(aid: str) -> str:
            return lead(catalog[aid].title, body_of(store, aid, bodies))

        # a candidate's body is read only when the store has no lead vector of it
        lv = self.vectors.leads(store, {c for _, _, c, _ in pending}, lead_of, self.lead_vectors)
        best: dict[tuple[str, str], tuple[float, int, int]] = {}
        linked: set[tuple[str, str]] = set()
        span = max(0.8 - self.min_relevance, 1e-6)
        for aid, cite, cand, quality in pending:
            cos = float(np.dot(cv[crow[(aid, cite.start)]], lv[cand]))
            if cos < self.min_relevance:
                continue
            relevance = min(1.0, (cos - self.min_relevance) / span)
            score = round(0.5 + 0.5 * quality * relevance, 4)
            key = (aid, cand)
            # The strongest citation of the same article is the one shown as evidence; on a tie,
            # the first in the text.
            if key not in best or (score, -cite.start) > (best[key][0], -best[key][1]):
                best[key] = (score, cite.start, cite.end)
            linked.add((aid, cite.name))
        links = [
            ProvenanceLink(a, c, "cites", s, start, end)
            for (a, c), (s, start, end) in sorted(best.items())
        ]
        return links, linked


class _OutletResolver:
    """Cited names to the store's outlets and their articles (cached per name)."""

    def __init__(self, catalog: Catalog) -> None:
        names = {e.outlet_key: e.outlet or "" for e in catalog.entries.values()}
        names.pop("", None)
        self._names = names
        self._articles = catalog.by_outlet()
        self._cache: dict[str, list[tuple[str, float]]] = {}
        self.known = sorted(set(names.values()))

    def matches(self, name: str) -> list[tuple[str, float]]:
        """(outlet key, match quality) of the store's outlets that the name may mean."""
        if name not in self._cache:
            scored = ((k, outlet_match(name, shown)) for k, shown in self._names.items())
            self._cache[name] = sorted((k, q) for k, q in scored if q > 0)
        return self._cache[name]

    def articles(self, key: str) -> list[str]:
        """Ids of the outlet's articles."""
        return self._articles.get(key, [])
