"""clean_text: exact offsets, seeds cleaned without losing article sentences, robustness."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.clean.lines import split_lines
from parallax.clean.text import clean_text
from parallax.model import CleanDocument

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"
LABELS = json.loads((ROOT / "tests" / "data" / "junk" / "seeds_labels.json").read_text("utf-8"))


def _assert_offsets(doc: CleanDocument, text: str) -> None:
    covered = 0
    for seg in doc.offsets.segments:
        piece = doc.body[seg.body_start : seg.body_start + seg.length]
        assert piece == text[seg.source_start : seg.source_start + seg.length]
        covered += seg.length
    separators = doc.body
    for seg in sorted(doc.offsets.segments, key=lambda s: -s.body_start):
        separators = separators[: seg.body_start] + separators[seg.body_start + seg.length :]
    assert separators.strip() == ""  # everything that is not a segment is a separator
    assert covered + len(separators) == len(doc.body)
    for removed in doc.removed:
        assert text[removed.start : removed.end] == removed.text


def test_seed_bodies_keep_article_lines_and_drop_junk() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = clean_text(text)
        _assert_offsets(doc, text)
        labels = LABELS[path.name]
        junk = {int(k) for k in labels["junk"]}
        glued = {int(k) for k in labels["glued"]}
        paragraphs = set(doc.body.split("\n\n"))
        for line in split_lines(text):
            if line.number in junk:
                assert line.text not in paragraphs, (path.name, line.number)
            elif line.number in glued:
                assert line.text not in paragraphs
                assert any(line.text.endswith(p) for p in paragraphs)
            else:
                assert line.text in paragraphs, (path.name, line.number)


def test_glued_date_is_split_off_seed_001() -> None:
    (path,) = SEEDS.glob("001_*.txt")
    text = path.read_text(encoding="utf-8")
    doc = clean_text(text)
    assert doc.body.startswith("Russian President Vladimir Putin declared")
    assert doc.removed[0].kind == "date"
    assert doc.removed[0].text == "date 2025-09-03"
    assert doc.offsets.to_source(0) == text.index("Russian President")


def test_paragraphs_joined_by_blank_line() -> None:
    text = "First paragraph of the article, long enough to be prose.\n\n\n  Second one here.  \n"
    doc = clean_text(text)
    expected = "First paragraph of the article, long enough to be prose.\n\nSecond one here."
    assert doc.body == expected
    _assert_offsets(doc, text)
    assert doc.source_text == text


def test_title_repeated_later_is_removed_as_repeat() -> None:
    text = (
        "Council approves budget\n\n"
        "Council approves budget\n\n"
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n"
    )
    doc = clean_text(text)
    assert [r.kind for r in doc.removed] == ["title", "repeat"]
    assert doc.metadata.title == "Council approves budget"


def test_container_title_is_recognised() -> None:
    text = (
        "Council approves budget - Example Times\n\n"
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n"
    )
    doc = clean_text(text, {"title": "Council approves budget"})
    assert doc.removed[0].kind == "title"
    assert doc.body.startswith("The council met")


def test_huge_single_line_input_is_handled() -> None:
    text = ("word " * 200_000).strip()
    doc = clean_text(text)
    assert len(doc.body) == len(text)


def test_many_repeated_lines_stay_linear() -> None:
    line = "The council met on Tuesday to discuss the budget for the coming year in detail."
    text = "\n".join(f"{i}: {line}" for i in range(20_000))
    doc = clean_text(text)
    assert doc.body.count("\n\n") == 19_999


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_offsets_verify(text: str) -> None:
    doc = clean_text(text)
    _assert_offsets(doc, text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "Advertisement", "By Jane Doe", "3 min read", "0:00", "", "Share", "Photo: AP",
    "The council met on Tuesday to discuss the budget for the coming year in detail.",
    "He declined to comment.", "date 2025-09-03 The mayor said the works would end soon.",
    "© Example / Name", "Eric Hill", "icon menu icon close icon search", "Related",
    "September 3, 2025", "…", "\r", "\u2028", "  ",
]), max_size=30))
def test_furniture_mixtures_verify(lines: list[str]) -> None:
    text = "\n".join(lines)
    doc = clean_text(text)
    _assert_offsets(doc, text)
