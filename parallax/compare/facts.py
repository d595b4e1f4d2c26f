"""Key facts of an event's coverage: the numbers, dates and places each article states.

A fact is a named-entity mention of a number (``CARDINAL``, ``QUANTITY``, ``MONEY``,
``PERCENT``), a date (``DATE``) or a place (``GPE``, ``LOC``, ``FAC``), keyed so that the same
fact written differently meets: "600,000" and "600000" are one number, "Kiev" and "Kyiv" one
place (`parallax.entities.entity_key`). Comparing the keys across outlets shows which facts an
outlet carried, which it left out, and which only one outlet reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parallax.entities import PLACE_LABELS, entity_key, fold
from parallax.nlp.annotate import EntitySpan

NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
DATE_LABELS = frozenset({"DATE"})
FACT_KINDS = ("number", "date", "place")

_DIGIT_GROUPS = re.compile(r"(?<=\d)[,\u202f\u00a0 ](?=\d{3}\b)")
#: Numbers too small or vague to be a fact worth comparing ("one", "two", "first").
_TRIVIAL = frozenset(
    [
        "0",
        "1",
        "2",
        "3",
        "one",
        "two",
        "three",
        "a",
        "single",
        "first",
        "second",
        "both",
        "half",
        "dozens",
        "hundreds",
        "thousands",
    ]
)


@dataclass(frozen=True)
class Fact:
    """One stated fact in one article: ``text == body[start:end]``."""

    kind: str
    key: str
    start: int
    end: int
    text: str


def fact_key(text: str, label: str) -> str | None:
    """The comparison key of a fact mention, or ``None`` when it is no fact worth comparing."""
    if label in PLACE_LABELS:
        return entity_key(text, label)
    folded = fold(text)
    if label in NUMBER_LABELS:
        folded = _DIGIT_GROUPS.sub("", folded)
        if folded in _TRIVIAL:
            return None
        return "number:" + folded
    if label in DATE_LABELS:
        return "date:" + folded
    return None


def facts_of(body: str, entities: Iterable[EntitySpan]) -> list[Fact]:
    """The facts an article states, in reading order."""
    found = []
    for e in entities:
        key = fact_key(e.text, e.label)
        if key is None:
            continue
        kind = (
            "place" if e.label in PLACE_LABELS else "number" if e.label in NUMBER_LABELS else "date"
        )
        found.append(Fact(kind, key, e.start, e.end, body[e.start : e.end]))
    return sorted(found, key=lambda f: (f.start, f.end, f.key))


def fact_order(kind: str) -> int:
    """Numbers first (the facts outlets most often differ on), then dates, then places."""
    return FACT_KINDS.index(kind)


__all__: Sequence[str] = ("FACT_KINDS", "Fact", "fact_key", "fact_order", "facts_of")
