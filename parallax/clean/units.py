"""Lines and units of a scraped text, and the decision the classifier takes on each unit.

A *line* is a non-blank line of the source with exact offsets; a *unit* is what the classifier
judges: one line, or a blank-line-separated paragraph when the text is hard-wrapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple


class Line(NamedTuple):
    """A non-blank line of the source: 1-based line ``number``, span of its stripped text.

    A named tuple rather than a frozen dataclass: a text has thousands of lines and a tuple is
    made several times faster.
    """

    number: int
    start: int
    end: int
    text: str
    blank_before: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a unit: keep it (``kind is None``), drop it, or drop a leading part.

    ``cut`` is 0 when the whole unit is dropped; otherwise the first ``cut`` characters of the
    unit's first line are furniture of ``kind`` (a date glued to the first sentence) and the
    rest is kept.
    """

    kind: str | None = None
    cut: int = 0

    @property
    def keeps(self) -> bool:
        """Whether any text of the unit stays in the body."""
        return self.kind is None or self.cut > 0


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` with exact source offsets of their stripped text.

    Lines end where `str.splitlines` ends them (``\\r\\n``, ``\\n``, ``\\r``, ``\\v``, ``\\f``,
    ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028``, ``\\u2029``).
    """
    lines: list[Line] = []
    pos = 0
    blank = True
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        stripped = raw.strip()
        if stripped:
            start = pos + len(raw) - len(raw.lstrip())
            lines.append(Line(number, start, start + len(stripped), stripped, blank))
            blank = False
        else:
            blank = True
        pos += len(raw)
    return lines


class Unit(NamedTuple):
    """What the classifier judges: one line, or a paragraph of a hard-wrapped text."""

    lines: tuple[Line, ...]
    text: str


def is_hard_wrapped(lines: list[Line]) -> bool:
    """Whether the text is wrapped at a fixed width, so that a paragraph spans several lines."""
    long_lines = [ln for ln in lines if len(ln.text) >= 30]
    if len(long_lines) < 8:
        return False
    lengths = sorted(len(ln.text) for ln in long_lines)
    if lengths[-1] > 100 or lengths[int(len(lengths) * 0.7)] > 80:
        return False
    # Wrapping breaks lines at arbitrary words, so most continuation lines start in lower case.
    pairs = [(a, b) for a, b in pairwise(lines) if not b.blank_before]
    if len(pairs) < 6:
        return False
    lower_next = sum(1 for _, b in pairs if b.text[0].islower())
    return lower_next >= 0.4 * len(pairs)


def make_units(lines: list[Line]) -> list[Unit]:
    """One unit per line, or per blank-line-separated block when the text is hard-wrapped."""
    if not is_hard_wrapped(lines):
        return [Unit((ln,), ln.text) for ln in lines]
    units: list[Unit] = []
    block: list[Line] = []
    for ln in lines:
        if block and ln.blank_before:
            units.append(Unit(tuple(block), " ".join(b.text for b in block)))
            block = []
        block.append(ln)
    if block:
        units.append(Unit(tuple(block), " ".join(b.text for b in block)))
    return units
