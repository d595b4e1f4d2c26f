"""The junk-line classifier on the hand-written gold set, the seeds and targeted cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.clean.lines import Hints, classify, features, make_units, split_lines
from parallax.eval.junk import score_labelled

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "junk"
SEEDS = ROOT / "examples" / "seeds"

#: Floors pinned on the hand-written set (measured: precision 1.000, recall 0.995). The set was
#: written before the rules were tuned, then used to tune them, so these floors guard against
#: regressions; generalisation is measured on the benchmark by `parallax eval junk`.
HAND_PRECISION = 0.98
HAND_RECALL = 0.93


def _kinds(text: str, title: str | None = None) -> dict[int, str | None]:
    units = make_units(split_lines(text))
    return {
        u.lines[0].number: d.kind
        for u, d in zip(units, classify(units, Hints(title=title)), strict=True)
    }


def test_hand_written_gold_set_floors() -> None:
    result = score_labelled(GOLD, GOLD / "labels.json")
    assert result["pages"] >= 25
    assert result["precision"] >= HAND_PRECISION
    assert result["recall"] >= HAND_RECALL
    assert result["article_sentences_removed"] == 0


def test_hand_written_set_covers_every_kind() -> None:
    labels = json.loads((GOLD / "labels.json").read_text(encoding="utf-8"))
    kinds = {k for name, lab in labels.items() if not name.startswith("_")
             for k in lab["junk"].values()}
    for kind in ("icons", "share", "caption", "credit", "counter", "comments", "timer", "label",
                 "ui", "teaser", "repeat", "byline", "newsletter", "cookie", "title", "date"):
        assert kind in kinds


def test_seeds_every_junk_line_removed_and_no_article_line() -> None:
    result = score_labelled(SEEDS, GOLD / "seeds_labels.json")
    assert result["pages"] == 5
    assert result["article_lines_removed"] == 0
    assert result["recall"] == 1.0


def test_baseline_is_worse_than_classifier() -> None:
    ours = score_labelled(GOLD, GOLD / "labels.json")
    naive = score_labelled(GOLD, GOLD / "labels.json", baseline=True)
    assert ours["recall"] > naive["recall"]
    assert ours["article_lines_removed"] < naive["article_lines_removed"]


def test_split_lines_offsets_and_blank_flags() -> None:
    text = "  Title here \r\n\r\nFirst line.\nSecond line.\u2028Third"
    lines = split_lines(text)
    assert [ln.text for ln in lines] == ["Title here", "First line.", "Second line.", "Third"]
    for ln in lines:
        assert text[ln.start : ln.end] == ln.text
    assert [ln.blank_before for ln in lines] == [True, True, False, False]
    assert [ln.number for ln in lines] == [1, 3, 4, 5]


@pytest.mark.parametrize(
    "line",
    [
        "KYIV, Sept 3 (Reuters) - Ukraine's air force said on Wednesday it shot down 40 drones.",
        "He declined to comment.",
        "“We will not back down.”",
        "No.",
        "The vote is scheduled for 10:30 a.m. on Thursday, the clerk said.",
        "The S&P 500 gained 0.8% to 5,642.10, while the Nasdaq added 1.1%.",
        "Trump said on Twitter that he would follow the talks closely.",
        "Subscribers to the service will pay $5 a month from January, the company said.",
    ],
)
def test_hard_negatives_inside_an_article_are_kept(line: str) -> None:
    body = (
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n\n"
        f"{line}\n\n"
        "Officials said the final vote would take place next month after public hearings."
    )
    assert _kinds(body)[3] is None


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Follow us on: Facebook, Twitter, Google News, Instagram", "share"),
        ("Share this article", "share"),
        ("Advertisement", "ad"),
        ("3 min read", "counter"),
        ("12:04", "timer"),
        ("Photo: Jane Roe/Example Agency", "caption"),
        ("© Example Agency / John Smith", "credit"),
        ("Sign up for our daily newsletter", "newsletter"),
        ("We use cookies to improve your experience on our site.", "cookie"),
        ("google_preferred_badge", "ui"),
        ("Read more: Minister resigns over expenses row", "related"),
    ],
)
def test_furniture_inside_an_article_is_removed(line: str, kind: str) -> None:
    body = (
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n\n"
        f"{line}\n\n"
        "Officials said the final vote would take place next month after public hearings."
    )
    assert _kinds(body)[3] == kind


def test_teaser_with_ellipsis_is_removed_and_full_paragraph_kept() -> None:
    text = (
        "Storm hits coast\n\n"
        "Heavy rain and strong winds battered the coast on Monday, forcing…\n\n"
        "Heavy rain and strong winds battered the coast on Monday, forcing schools to close "
        "and cutting power to thousands of homes.\n\n"
        "Officials said repairs would take several days to complete across the region."
    )
    kinds = _kinds(text)
    assert kinds[3] == "teaser"
    assert kinds[5] is None


def test_subheadings_and_lists_stay() -> None:
    text = (
        "The plan has three parts, the minister told parliament on Wednesday afternoon.\n"
        "What changes\n"
        "Fares will rise by 2% in January for most passengers on regional routes.\n"
        "Key points\n"
        "Schools in three counties are closed\n"
        "Ferries cancelled until Thursday\n"
        "The opposition said the plan came too late and would cost too much money."
    )
    kinds = _kinds(text)
    assert all(kind is None for kind in kinds.values())


def test_trailing_lone_name_is_a_byline() -> None:
    text = (
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n\n"
        "Officials said the final vote would take place next month after public hearings.\n\n"
        "Maria Lopez"
    )
    assert _kinds(text)[5] == "byline"


def test_hard_wrapped_text_is_judged_by_paragraph() -> None:
    para = (
        "The committee said on Monday that it would publish its findings\n"
        "before the end of the month, after hearing evidence from more than\n"
        "forty witnesses, including two former ministers and several officials\n"
        "from the department concerned.\n"
    )
    text = "\n".join([para] * 3)
    units = make_units(split_lines(text))
    assert len(units) == 3
    assert all(len(u.lines) == 4 for u in units)


def test_features_sentence_like() -> None:
    assert features("He said the talks would continue next week in Geneva.").sentence_like
    assert not features("icon bookmark icon camera icon check").sentence_like
