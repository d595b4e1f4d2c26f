"""Metadata of the seeds and of hand-made texts: values, nulls and evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.clean.text import clean_text

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("000", {"title": "Putin Signals Openness to Ukraine Security Guarantees Amid Tensions "
                          "Over Territorial Disputes",
                 "subtitle": None, "author": "Eric Hill", "outlet": None, "published_at": None}),
        ("001", {"title": None, "subtitle": None, "author": None, "outlet": None,
                 "published_at": "2025-09-03"}),
        ("002", {"title": "Consensus on Ukraine security can be achieved – Putin",
                 "subtitle": "The Russian president has hailed the US shift towards dialogue "
                             "under Donald Trump",
                 "author": None, "outlet": None, "published_at": "2025-09-02T10:06:00"}),
        ("003", {"title": "Putin: Possible To Find Consensus On Ensuring Ukraine's Security "
                          "Guarantees",
                 "subtitle": None, "author": None, "outlet": "Sputnik",
                 "published_at": "2025-09-02T09:46:00+00:00"}),
        ("004", {"title": "Ready to guarantee in writing no Russian attack on Europe: Putin",
                 "subtitle": "Kyiv rejects the terms, saying a withdrawal would open a direct "
                             "path for Russia to advance on the capital",
                 "author": "NH Digital", "outlet": "nationalherald", "published_at": None}),
    ],
)
def test_seed_metadata(seed: str, expected: dict[str, str | None]) -> None:
    text = _seed(seed)
    meta = clean_text(text).metadata
    for name, value in expected.items():
        assert getattr(meta, name) == value, name
        if value is not None:
            ev = meta.evidence[name]
            assert ev.start is not None and ev.end is not None
            assert text[ev.start : ev.end] == ev.text
            if name != "published_at":
                assert ev.text == value


def test_fields_win_and_evidence_says_so() -> None:
    text = "Copyright 2025 The Example Times\n\nThe council met on Tuesday to discuss the budget."
    doc = clean_text(text, {"outlet": "Example Times Online", "published_at": "2025-09-03"})
    assert doc.metadata.outlet == "Example Times Online"
    assert doc.metadata.evidence["outlet"].rule == "field"
    assert doc.metadata.evidence["outlet_text"].rule == "copyright"
    assert doc.metadata.evidence["outlet_text"].text == "The Example Times"
    assert doc.metadata.published_at == "2025-09-03"


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("(c) Reuters", "Reuters"),
        ("Follow NationalHerald on Twitter and Facebook", "National Herald"),
        ("Source: example.com", "example.com"),
        ("Copyright 2025 The Example Times. All rights reserved.", "The Example Times"),
    ],
)
def test_outlet_rules(line: str, outlet: str) -> None:
    text = (
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n\n"
        "Officials said the final vote would take place next month after public hearings.\n\n"
        f"{line}"
    )
    assert clean_text(text).metadata.outlet == outlet


def test_getty_credit_is_no_outlet() -> None:
    text = (
        "© Getty Images / John Smith\n\n"
        "The council met on Tuesday to discuss the budget for the coming year in detail."
    )
    assert clean_text(text).metadata.outlet is None


def test_byline_author_and_date() -> None:
    text = (
        "Council approves new budget\n"
        "By Jane Doe, Staff Writer | September 3, 2025\n"
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n"
    )
    meta = clean_text(text).metadata
    assert meta.title == "Council approves new budget"
    assert meta.author == "Jane Doe"
    assert meta.published_at == "2025-09-03"


def test_nothing_stated_gives_nulls() -> None:
    meta = clean_text("The council met on Tuesday to discuss the budget for next year.").metadata
    assert (meta.title, meta.author, meta.outlet, meta.published_at) == (None, None, None, None)
    assert meta.evidence == {}
