"""Metadata read from plain article text: title, subtitle, author, outlet, published time.

The classifier (`parallax.clean.lines`) has already said which lines are the title, subtitle,
date lines, bylines, credits and follow bars; this module reads values out of them, each with an
`Evidence` (source offsets and the rule that read it). A field the text does not state is
``None``. Fields stated by the container (JSON record, feed entry) win over the text; their
evidence has rule ``"field"``, and what the text suggested instead is kept under
``"<field>_text"`` so a reader can see both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parallax.clean.dates import locate_date, parse_published
from parallax.clean.lines import Decision, Unit
from parallax.model import Evidence, Metadata

FIELDS = ("title", "subtitle", "author", "outlet", "url", "published_at", "language")

#: Stock-photo houses and licences: a credit to them names no news outlet.
_NOT_OUTLETS = re.compile(
    r"^(?:getty(?: images)?|shutterstock|istock(?:photo)?|alamy|wikimedia(?: commons)?|"
    r"commons\.wikimedia\.org|flickr|unsplash|pixabay|pexels|depositphotos|creative commons|"
    r"cc[ -]by.*|public domain|handout|courtesy|file|pool|screenshot|screengrab|social media|"
    r"\d+)$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"(?:copyright\s*(?:©|\(c\))?|©|\(c\)|ⓒ)\s*(?P<year>(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?)?"
    r"\s*,?\s*(?:by\s+)?(?P<name>[^\W\d_][\w&.'’ -]{0,60}?)"
    r"(?:,?\s+(?:LLC|L\.L\.C|Inc|Ltd|Limited|Corp|Corporation|GmbH|plc|PLC|S\.A|AG|Co)\.?)?"
    r"\s*(?=$|[.,;|/]|\s+all rights|\s+\(|\s+-\s|\s+–)",
    re.IGNORECASE,
)
_FOLLOW_NAMED = re.compile(
    r"\b(?i:follow)\s+(?!(?i:us|me|him|her|them|the|our)\b)(?P<name>[A-Z][\w&.'’-]*"
    r"(?:\s+[A-Z][\w&.'’-]*){0,3})\s+on\b"
)
_HANDLE = re.compile(r"(?<![\w.])@(?P<handle>[A-Za-z_][\w]{1,30})\b")
_DOMAIN = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?:/\S*)?",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^\W*(?:source|sources|via|read or share this story)\s*:\s*(?P<rest>.+)$",
                     re.IGNORECASE)
_BYLINE_NAME = re.compile(
    r"^[\W_]*(?:by|written by|words by|posted by|story by|text by|report by|reported by|"
    r"interview by|compiled by|von|par|por|door|di|autor|author|authors)\s*:?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_REPORTING_BY = re.compile(
    r"^\W*(?:additional )?reporting by\s+(?P<rest>[^;]+)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Found:
    """A value read from the text, with its evidence."""

    value: str
    evidence: Evidence


def extract_metadata(
    text: str,
    units: Sequence[Unit],
    decisions: Sequence[Decision],
    fields: Mapping[str, Any] | None = None,
    languages: Sequence[str] = ("en",),
) -> Metadata:
    """Metadata of one text: container ``fields`` first, then what the classified lines state."""
    found: dict[str, Found] = {}
    for name, value in (
        ("title", _first_of(units, decisions, "title", "title-line")),
        ("subtitle", _first_of(units, decisions, "subtitle", "subtitle-line")),
        ("published_at", _published(text, units, decisions, languages)),
        ("author", _author(units, decisions)),
        ("outlet", _outlet(units, decisions)),
    ):
        if value is not None:
            found[name] = value

    values: dict[str, str | None] = {}
    evidence: dict[str, Evidence] = {}
    for name in FIELDS:
        stated = _field(fields, name)
        from_text = found.get(name)
        if stated is not None:
            values[name] = stated
            evidence[name] = Evidence(None, None, "field", stated)
            if from_text is not None and from_text.value != stated:
                evidence[name + "_text"] = from_text.evidence
        elif from_text is not None:
            values[name] = from_text.value
            evidence[name] = from_text.evidence
        else:
            values[name] = None
    return Metadata(
        title=values["title"],
        subtitle=values["subtitle"],
        author=values["author"],
        outlet=values["outlet"],
        url=values["url"],
        published_at=values["published_at"],
        language=values["language"],
        evidence=evidence,
    )


def _field(fields: Mapping[str, Any] | None, name: str) -> str | None:
    """A container field as a clean string; lists (authors) are joined; dates normalised."""
    if not fields:
        return None
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [str(v).strip() for v in value if v is not None and str(v).strip()]
        value = ", ".join(parts)
    text = str(value).strip()
    if not text:
        return None
    if name == "published_at":
        return parse_published(text) or None
    return text


def _first_of(
    units: Sequence[Unit], decisions: Sequence[Decision], kind: str, rule: str
) -> Found | None:
    for unit, d in zip(units, decisions, strict=True):
        if d.kind == kind and d.cut == 0:
            first, last = unit.lines[0], unit.lines[-1]
            return Found(unit.text, Evidence(first.start, last.end, rule, unit.text))
    return None


def _published(
    text: str, units: Sequence[Unit], decisions: Sequence[Decision], languages: Sequence[str]
) -> Found | None:
    """The first date line (or glued date, or dated byline) that states a full date."""
    for unit, d in zip(units, decisions, strict=True):
        if d.kind not in ("date", "byline"):
            continue
        line = unit.lines[0]
        span = line.text[: d.cut] if d.cut else line.text
        if d.kind == "date" and not re.search(r"\b(?:updated|modified)\b", span[:12], re.I):
            value = parse_published(span, languages)
            m = locate_date(span)
            if value is not None:
                s, e = (m.start, m.end) if m else (0, len(span))
                rule = "glued-date" if d.cut else "date-line"
                return Found(value, Evidence(line.start + s, line.start + e, rule, span[s:e]))
        elif d.kind == "byline":
            m = locate_date(span)
            if m is not None:
                return Found(
                    m.value,
                    Evidence(line.start + m.start, line.start + m.end, "byline-date",
                             span[m.start:m.end]),
                )
    # An "Updated ..." line only when nothing else dates the article.
    for unit, d in zip(units, decisions, strict=True):
        if d.kind == "date" and d.cut == 0:
            line = unit.lines[0]
            m = locate_date(line.text)
            if m is not None:
                return Found(
                    m.value,
                    Evidence(line.start + m.start, line.start + m.end, "updated-date",
                             line.text[m.start:m.end]),
                )
    return None


def _clean_name(raw: str) -> str | None:
    rest = re.split(r"\s*(?:[|•·;]|\s[-–—]\s|\bpublished\b|\bupdated\b|\bposted\b)\s*", raw,
                    maxsplit=1, flags=re.IGNORECASE)[0]
    m = locate_date(rest)
    if m is not None:
        rest = rest[: m.start]
    rest = re.sub(r"\(\s*@\w+\s*\)|@\w+", "", rest)
    rest = re.sub(r"\s+(?:on|at)\s*$", "", rest.strip(), flags=re.IGNORECASE)
    if "," in rest:
        head, tail = rest.split(",", 1)
        # "Jane Doe, John Roe and Ann Lee" stays whole; "Jane Doe, Staff Writer" is cut.
        if not re.search(r"\band\b|&", tail) or re.search(
            r"\b(?:staff|writer|reporter|correspondent|editor|bureau|desk|contributor)\b",
            tail, re.IGNORECASE,
        ):
            rest = head
    rest = rest.strip(" ,.:;-–—()[]")
    if not rest or len(rest) > 80 or not any(c.isalpha() for c in rest):
        return None
    return rest


def _author(units: Sequence[Unit], decisions: Sequence[Decision]) -> Found | None:
    candidates: list[tuple[int, Found]] = []
    for unit, d in zip(units, decisions, strict=True):
        line = unit.lines[0]
        if d.kind == "byline":
            m = _BYLINE_NAME.match(line.text)
            raw = m.group("rest") if m else line.text
            offset = m.start("rest") if m else 0
            rule = "byline" if m else "byline-name"
            name = _clean_name(raw)
            if name:
                s = line.text.find(name, offset)
                s = s if s >= 0 else offset
                candidates.append(
                    (0 if m else 1, Found(name, Evidence(line.start + s, line.start + s + len(name),
                                                          rule, name)))
                )
        elif d.kind == "credit":
            m = _REPORTING_BY.match(line.text)
            if m:
                name = _clean_name(m.group("rest"))
                if name:
                    s = line.text.find(name)
                    candidates.append(
                        (2, Found(name, Evidence(line.start + max(s, 0),
                                                 line.start + max(s, 0) + len(name),
                                                 "reporting-by", name)))
                    )
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def _split_camel(name: str) -> str:
    if " " in name or name.isupper() or name.islower():
        return name
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def _outlet(units: Sequence[Unit], decisions: Sequence[Decision]) -> Found | None:
    """Outlet named by a copyright notice, a follow bar or handle, a photo credit, a source."""
    best: tuple[int, Found] | None = None

    def offer(rank: int, value: str, line_start: int, s: int, rule: str) -> None:
        nonlocal best
        value = value.strip(" .,;:-–—/")
        if not value or _NOT_OUTLETS.match(value) or len(value) > 60:
            return
        if best is None or rank < best[0]:
            best = (rank, Found(value, Evidence(line_start + s, line_start + s + len(value),
                                                rule, value)))

    for unit, d in zip(units, decisions, strict=True):
        if d.kind is None or d.cut:
            continue
        for line in unit.lines:
            t = line.text
            if d.kind in ("credit", "copyright", "caption"):
                m = _COPYRIGHT.search(t)
                if m:
                    name = m.group("name").strip()
                    after = t[m.end("name"):].lstrip()
                    stated_notice = bool(m.group("year")) or re.search(
                        r"all rights reserved", t, re.IGNORECASE)
                    if stated_notice:
                        offer(0, name, line.start, m.start("name"), "copyright")
                    elif after.startswith("/") or d.kind in ("credit", "caption"):
                        offer(2, name, line.start, m.start("name"), "credit")
            if d.kind in ("share", "promo", "label", "related", "credit"):
                if re.search(r"\b(?:him|her|them|me)\b", t, re.IGNORECASE):
                    continue  # an author's own account, not the outlet's
                m2 = _FOLLOW_NAMED.search(t)
                if m2:
                    offer(1, _split_camel(m2.group("name")), line.start, m2.start("name"),
                          "follow")
                    continue
                h = _HANDLE.search(t)
                if h and (re.search(r"\b(?:us|our)\b", t, re.IGNORECASE) or d.kind == "share"):
                    offer(1, h.group("handle"), line.start, h.start("handle"), "handle")
                    continue
            src = _SOURCE.match(t)
            if src and d.kind in ("credit", "share"):
                dm = _DOMAIN.search(src.group("rest"))
                if dm:
                    offer(3, dm.group("domain").lower(), line.start,
                          src.start("rest") + dm.start("domain"), "source-domain")
    return best[1] if best else None
