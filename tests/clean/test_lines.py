"""The junk-line classifier on the hand-written gold set, the seeds and targeted cases."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.clean.features import ODD_CASE, Features
from parallax.clean.lexicon import (
    AD_HEADS,
    CAPTION_HEADS,
    CREDIT_HEADS,
    CREDIT_SIGNALS,
    DATE_HEADS,
    LABEL_HEADS,
    PROMO_HEADS,
    STRONG_PHRASES,
    TAGS_HEADS,
)
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


def _page_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(GOLD.glob("*.txt"))] + [
        p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))
    ]


def test_shortcuts_decide_as_the_full_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    # With `plain_case` false every shortcut (literal guards, first-word heads, patterns run
    # on lower-cased text) is skipped and the full case-insensitive patterns run: the
    # decisions must not change.
    import parallax.clean.lines as lines_mod

    pages = _page_texts()
    fast = [classify(make_units(split_lines(t))) for t in pages]

    def full(text: str) -> Features:
        f = Features(text)
        f.plain_case = False
        return f

    monkeypatch.setattr(lines_mod, "features", full)
    slow = [classify(make_units(split_lines(t))) for t in pages]
    assert fast == slow
    assert sum(d.kind is not None for page in fast for d in page) > 200


def test_odd_case_lists_every_letter_lower_case_misses() -> None:
    # A guard looks for a literal in the lower-cased text; that is sound only if every
    # character a case-insensitive pattern matches for a literal letter lowers to that letter,
    # or is one of ODD_CASE (then the guards are skipped).
    letters = {c for group in (AD_HEADS, CAPTION_HEADS, CREDIT_HEADS, DATE_HEADS, LABEL_HEADS,
                               PROMO_HEADS, TAGS_HEADS) for head in group for c in head}
    letters |= {c for _, needles, _ in STRONG_PHRASES for n in needles for c in n}
    letters |= {c for needles, _ in CREDIT_SIGNALS for n in needles for c in n}
    letters = {c for c in letters if c.isalpha()}
    assert {"i", "s", "т"} <= letters
    cased = [chr(cp) for cp in range(sys.maxunicode + 1)
             if chr(cp).lower() != chr(cp) or chr(cp).upper() != chr(cp)]
    for letter in letters:
        pattern = re.compile(re.escape(letter), re.IGNORECASE)
        for c in cased:
            if pattern.fullmatch(c) and c.lower() != letter:
                assert ODD_CASE.search(c), (letter, c)


_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _reference_split(text: str) -> list[tuple[int, int, int, str, bool]]:
    """Line splitting as specified, by a regular expression of the line breaks."""
    out: list[tuple[int, int, int, str, bool]] = []
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    ends = [m.start() for m in _BREAK.finditer(text)] + [len(text)]
    blank = True
    for number, (a, b) in enumerate(zip(starts, ends, strict=True), start=1):
        raw = text[a:b]
        stripped = raw.strip()
        if stripped:
            start = a + len(raw) - len(raw.lstrip())
            out.append((number, start, start + len(stripped), stripped, blank))
        blank = not stripped
    return out


_ALPHABET = "ab \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\xa0é"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_ALPHABET)), max_size=40))
def test_split_lines_matches_reference(text: str) -> None:
    got = [(ln.number, ln.start, ln.end, ln.text, ln.blank_before) for ln in split_lines(text)]
    assert got == _reference_split(text)


_PROSE = (
    "The council met on Tuesday to discuss the budget for the coming year in detail.\n"
    "Officials said the final vote would take place next month after public hearings.\n"
)
_MORE_PROSE = (
    "Residents will be able to comment on the plans at the library until the end of May.\n"
    "The opposition said the proposals came too late and would cost far too much money.\n"
)


def test_link_lists_after_the_article_are_removed_but_late_prose_is_kept() -> None:
    text = _PROSE + (
        "Share this article\n"
        "Council to vote on new bus lanes\n"
        "Who will pay for the new bridge?\n"
        "Careers\n"
        "He declined to comment.\n"
        "The full transcript is below:\n"
    )
    kinds = _kinds(text)
    assert kinds[3] == "share"
    assert kinds[4] == kinds[5] == kinds[6] == "nav"
    assert kinds[7] is None
    assert kinds[8] is None


def test_unlabelled_headlines_after_page_furniture_are_removed() -> None:
    headlines = (
        "Flooded homes wait for insurance payouts months later\n"
        "Mayor defends new parking charges in busy town centre\n"
        "How the harbour wall was rebuilt after the winter storms\n"
    )
    kinds = _kinds(_PROSE + "Advertisement\n" + headlines)
    assert [kinds[n] for n in (4, 5, 6)] == ["related"] * 3
    # The same lines right after the last paragraph, introduced by a heading, are the
    # article's own list.
    kinds = _kinds(_PROSE + "Key points\n" + headlines)
    assert [kinds[n] for n in (3, 4, 5, 6)] == [None] * 4


def test_menus_and_headline_runs_before_the_article_are_removed() -> None:
    text = (
        "Ideas\nCities\nGear\nPlanet\n"
        "Flooded homes wait for insurance payouts months later\n"
        "Mayor defends new parking charges in busy town centre\n"
        "How the harbour wall was rebuilt after the winter storms\n"
        "Ferry operators warn of delays over the holiday weekend\n"
        "Storm damage bill for the council tops two million\n"
        "Repairs could take most of the year, engineers say\n"
    ) + _PROSE
    kinds = _kinds(text)
    assert [kinds[n] for n in (1, 2, 3, 4)] == ["nav"] * 4
    assert all(kinds[n] is not None for n in range(5, 11))
    assert kinds[11] is None and kinds[12] is None


def test_related_block_stops_at_an_intro_line_and_inline_items_open_no_block() -> None:
    text = _PROSE + (
        "More in Council News\n"
        "Here are the main points of the budget:\n"
        "Bus fares frozen for a year\n"
    ) + _MORE_PROSE
    kinds = _kinds(text)
    assert kinds[3] == "related"
    assert kinds[4] is None
    text = _PROSE + "Related post: Pickled pear chutney\nWHAT YOU NEED FOR THE JAM\n" + _MORE_PROSE
    kinds = _kinds(text)
    assert kinds[3] == "related"
    assert kinds[4] is None


def test_list_labels_open_related_blocks() -> None:
    text = _PROSE + (
        "More Great Example Stories\n"
        "Flooded homes wait for insurance payouts months later\n"
        "Mayor defends new parking charges in busy town centre\n"
    ) + _MORE_PROSE
    kinds = _kinds(text)
    assert [kinds[n] for n in (3, 4, 5)] == ["related"] * 3
    assert kinds[6] is None


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Crowds gather in the square after the vote (Image: Example Agency)", "caption"),
        ("Follow Example News on", "share"),
        ("You are here: Home > News > Local", "nav"),
        ("Updated:", "label"),
        ("Share via", "share"),
    ],
)
def test_more_furniture_inside_an_article(line: str, kind: str) -> None:
    kinds = _kinds(_PROSE + line + "\n" + _MORE_PROSE)
    assert kinds[3] == kind


def test_bylines_glued_or_after_a_date() -> None:
    for line in ("ByJane Doe", "September 3, 2025 10:04 am by Jane Doe"):
        text = "Storm hits the coast overnight\n" + line + "\n" + _PROSE
        assert _kinds(text)[2] == "byline", line
    # A name-shaped line with a quantity after the comma is a recipe line, not a byline.
    assert _kinds(_PROSE + "Morning Shake Blend, 2 tbsp. honey\n")[3] is None
    assert _kinds(_PROSE + "Jane Doe, Example News\n")[3] == "byline"


def test_score_gives_every_set_for_the_gate(tmp_path: Path) -> None:
    import gzip

    from parallax.eval.junk import score

    body = (
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n"
        "Officials said the final vote would take place next month after public hearings."
    )
    html = (
        "<html><body><nav><a>Home</a><a>News</a></nav><h1>Council budget</h1>"
        + "".join(f"<p>{p}</p>" for p in body.split("\n"))
        + "<div>Share this article</div><div>Advertisement</div></body></html>"
    )
    (tmp_path / "html").mkdir()
    with gzip.open(tmp_path / "html" / "page.html.gz", "wt", encoding="utf-8") as fh:
        fh.write(html)
    (tmp_path / "ground-truth.json").write_text(
        json.dumps({"page": {"articleBody": body}}), encoding="utf-8"
    )
    result = score(tmp_path)
    for name in ("benchmark", "hand", "seeds"):
        for key in ("precision", "recall", "article_lines_removed", "article_kept"):
            assert 0 <= result[name][key] <= (1 if key != "article_lines_removed" else 10**6)
        assert "recall" in result[name]["baseline"]
    assert result["benchmark"]["pages"] == 1
    assert result["benchmark"]["recall"] == result["cleaner"]["recall"]
    assert result["benchmark"]["article_lines_removed"] == 0
    assert result["seeds"]["recall"] == 1.0
    assert "hand" not in score(tmp_path, gold=None)
