"""Quotation marks in a body: which spans are quoted, paragraph by paragraph.

Marks are paired per paragraph (straight and curly double marks; curly single marks outside
them). A paragraph that opens a quote without closing it continues into the next paragraph when
that one opens with a mark, the newsroom convention for long quotes. A transcript line's
capitalised speaker label (``"PENCE: Well, ...``) is not content: the region starts after it and
keeps the label's span for attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parallax.entities import fold

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"


@dataclass(frozen=True)
class Region:
    """Text between a pair of quotation marks (or from an opening mark to the paragraph end)."""

    open: int
    close: int
    start: int
    end: int
    para: int
    closed: bool
    #: Continues the quote left open at the end of the previous paragraph.
    continued: bool
    #: A transcript's speaker label ("PENCE:") that opens the quoted text, when there is one.
    label: tuple[int, int] | None = None


def paragraphs(body: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each non-blank line (news bodies put one paragraph on a line)."""
    found = []
    for m in re.finditer(r"[^\n]+", body):
        text = m.group()
        if text.strip():
            lead = len(text) - len(text.lstrip())
            found.append((m.start() + lead, m.start() + len(text.rstrip())))
    return found


def _pair_double(body: str, p0: int, p1: int) -> list[tuple[int, int, bool]]:
    """(open mark, close mark or paragraph end, closed) of double-quoted spans in a paragraph."""
    pairs: list[tuple[int, int, bool]] = []
    open_at: int | None = None
    for i in range(p0, p1):
        ch = body[i]
        if ch in OPEN_DOUBLE:
            if open_at is None:
                open_at = i
        elif ch in CLOSE_DOUBLE:
            if open_at is not None:
                pairs.append((open_at, i, True))
                open_at = None
            elif i == p0 or body[i - 1].isspace():
                open_at = i  # a closing mark used as an opening one
        elif ch == '"':
            if open_at is None:
                open_at = i
            else:
                pairs.append((open_at, i, True))
                open_at = None
    if open_at is not None:
        pairs.append((open_at, p1, False))
    return pairs


# A transcript's speaker label: one to three words in capitals and a colon ("PENCE: Well, ...",
# "SEN. JOHN SMITH: ...").
_TRANSCRIPT_LABEL = re.compile(
    r"(?P<label>[A-Z][A-Z.'’-]*[A-Z.](?: [A-Z][A-Z.'’-]*[A-Z.]){0,2}):[ \t]+(?=\S)"
)
# Capitalised labels that head a line without naming who speaks.
_NOT_SPEAKER_LABELS = frozenset(
    {
        "update",
        "updated",
        "editor note",
        "editors note",
        "clarification",
        "correction",
        "watch",
        "read",
        "read more",
        "related",
        "breaking",
        "breaking news",
        "note",
        "photos",
        "video",
        "live",
        "warning",
        "alert",
        "source",
        "sources",
        "exclusive",
        "opinion",
        "analysis",
        "p s",
    }
)

_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))‘(?=\w)(?P<content>[^‘’\n]*?[\w.,!?])’(?!\w)")


def _pair_single(
    body: str, p0: int, p1: int, taken: list[tuple[int, int, bool]]
) -> list[tuple[int, int, bool]]:
    """Curly single-quoted spans of two words or more outside the double-quoted ones."""
    pairs = []
    for m in _SINGLE.finditer(body, p0, p1):
        a, b = m.start(), m.end() - 1
        if len(m.group("content").split()) < 2:
            continue
        if any(o <= a <= c or o <= b <= c for o, c, _ in taken):
            continue
        pairs.append((a, b, True))
    return pairs


def find_regions(body: str) -> list[Region]:
    """Every quoted span of the body, in order, with multi-paragraph quotes linked."""
    regions: list[Region] = []
    paras = paragraphs(body)
    left_open = False
    for index, (p0, p1) in enumerate(paras):
        pairs = _pair_double(body, p0, p1)
        pairs = sorted(pairs + _pair_single(body, p0, p1, pairs))
        for n, (o, c, closed) in enumerate(pairs):
            start, end = o + 1, c
            while start < end and body[start].isspace():
                start += 1
            while end > start and (body[end - 1].isspace() or body[end - 1] == ","):
                end -= 1
            continued = left_open and n == 0 and o == p0
            label = None
            m = _TRANSCRIPT_LABEL.match(body, start, end)
            if m is not None and fold(m.group("label")) not in _NOT_SPEAKER_LABELS:
                # A transcript line: the label names the speaker; the words follow it.
                label = (m.start("label"), m.end("label"))
                start = m.end()
            if end > start:
                regions.append(Region(o, c, start, end, index, closed, continued, label))
        left_open = bool(pairs) and not pairs[-1][2]
    return regions
