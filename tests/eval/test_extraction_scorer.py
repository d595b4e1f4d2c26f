"""The extraction scorer computes the scrapinghub benchmark's metric, on hand-made examples."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from parallax.eval.extraction import (
    evaluate,
    exact_match,
    load_tool_output,
    main,
    match_published,
    metrics_from_counts,
    published_figures,
    score,
    shingle_matching,
    shingles,
    tokenize,
)

A = "the harbour board approved a plan to rebuild the eastern breakwater on tuesday"
B = "engineers said the new wall would be three metres higher than the old one"


def _reference_matching(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """The benchmark's loop, written out literally, to check the faster version against."""

    def grams(text: str) -> Counter[tuple[str, ...]]:
        tokens = re.findall(r"\w+", text or "")
        out = []
        for i in range(0, max(1, len(tokens) - n + 1)):
            shingle = tuple(tokens[i : i + n])
            if shingle:
                out.append(shingle)
        return Counter(out)

    t, p = grams(true), grams(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def test_identical_texts_score_one() -> None:
    scores = evaluate({"p1": A, "p2": B}, {"p1": A, "p2": B}, n_bootstrap=50)
    assert scores.f1 == pytest.approx(1.0)
    assert scores.precision == pytest.approx(1.0)
    assert scores.recall == pytest.approx(1.0)
    assert scores.accuracy == pytest.approx(1.0)
    assert scores.f1_std == pytest.approx(0.0)


def test_disjoint_texts_score_zero() -> None:
    scores = evaluate({"p1": A}, {"p1": B}, n_bootstrap=0)
    assert scores.f1 == 0.0
    assert scores.precision == 0.0
    assert scores.recall == 0.0
    assert scores.accuracy == 0.0


def test_empty_prediction_costs_recall_only() -> None:
    # The benchmark leaves pages with an empty prediction out of the precision mean and counts
    # them as zero recall.
    scores = evaluate({"p1": A, "p2": B}, {"p1": A, "p2": ""}, n_bootstrap=0)
    assert scores.precision == pytest.approx(1.0)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_missing_and_none_predictions_are_empty() -> None:
    with_none = evaluate({"p1": A, "p2": B}, {"p1": A, "p2": None}, n_bootstrap=0)
    missing = evaluate({"p1": A, "p2": B}, {"p1": A}, n_bootstrap=0)
    assert with_none == missing
    assert missing.recall == pytest.approx(0.5)


def test_empty_truth_and_prediction_count_nowhere() -> None:
    assert shingle_matching("", "") == (0.0, 0.0, 0.0)
    scores = evaluate({"p1": A, "p2": ""}, {"p1": A, "p2": ""}, n_bootstrap=0)
    assert scores.f1 == pytest.approx(1.0)
    assert scores.accuracy == pytest.approx(1.0)


def test_extra_text_lowers_precision() -> None:
    tp, fp, fn = shingle_matching(A, A + " " + B)
    assert fn == 0.0
    assert 0.0 < tp < 1.0 and fp > 0.0
    assert tp + fp + fn == pytest.approx(1.0)


def test_repeated_text_counts_twice() -> None:
    # Shingles are a multiset: predicting the article twice is half wrong.
    scores = evaluate({"p": A}, {"p": A + " " + A}, n_bootstrap=0)
    assert scores.recall == pytest.approx(1.0)
    # A has 13 tokens (10 shingles); twice over, 26 tokens make 23 shingles, 10 of them true.
    assert scores.precision == pytest.approx(10 / 23)


def test_pages_weigh_the_same_whatever_their_length() -> None:
    long_true = " ".join([A] * 20)
    scores = evaluate({"short": A, "long": long_true}, {"short": A, "long": ""}, n_bootstrap=0)
    assert scores.recall == pytest.approx(0.5)


def test_short_texts_are_one_shingle() -> None:
    assert shingles("one two") == Counter({("one", "two"): 1})
    assert shingle_matching("one two", "one two") == (1.0, 0.0, 0.0)
    assert shingle_matching("one two", "one three")[0] == 0.0


def test_tokens_ignore_punctuation_but_keep_case() -> None:
    assert tokenize("Hello, world! It's 2019.") == ["Hello", "world", "It", "s", "2019"]
    assert exact_match("Hello, world.", "Hello world") == 1.0
    assert exact_match("Hello world", "hello world") == 0.0


def test_f1_is_harmonic_mean_of_averaged_precision_and_recall() -> None:
    counts = [(0.5, 0.5, 0.0), (0.5, 0.0, 0.5)]  # page 1: P .5 R 1; page 2: P 1 R .5
    metrics = metrics_from_counts(counts)
    assert metrics["precision"] == pytest.approx(0.75)
    assert metrics["recall"] == pytest.approx(0.75)
    assert metrics["f1"] == pytest.approx(0.75)


def test_bootstrap_is_seeded() -> None:
    truth = {f"p{i}": A for i in range(10)}
    pred = {f"p{i}": (A if i % 2 else B) for i in range(10)}
    first = evaluate(truth, pred, n_bootstrap=100, seed=3)
    again = evaluate(truth, pred, n_bootstrap=100, seed=3)
    assert first == again
    assert first.f1_std > 0.0


_WORDS = st.sampled_from(["a", "b", "c", "d", "Harbour", "wall", "2019", "é"])
_TEXT = st.lists(_WORDS, max_size=30).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_matching_equals_the_benchmark_loop(true: str, pred: str) -> None:
    assert shingle_matching(true, pred) == pytest.approx(_reference_matching(true, pred))


README = """Results
-------

Results of the latest evaluation::

                        version      F1             precision      recall         accuracy
    toolx                1.2.3        0.900 ± 0.010  0.800 ± 0.010  0.950 ± 0.010  0.100 ± 0.010
    readability          0.8.4.1      0.922 ± 0.013  0.913 ± 0.014  0.931 ± 0.015  0.315 ± 0.034

Results of the previous evaluation that did not re-run::

                         version    F1             precision      recall         accuracy
    newspaper4k          0.9.3.1    0.949 ± 0.008  0.964 ± 0.008  0.934 ± 0.011  0.326 ± 0.033
    toolx                1.0.0      0.850 ± 0.010  0.800 ± 0.010  0.900 ± 0.010  0.050 ± 0.010

Results of the initial evaluation, done in November 2019::

                      version   F1             precision      recall         accuracy
    AutoExtract       Nov 2019  0.970 ± 0.005  0.984 ± 0.002  0.956 ± 0.010  0.470 ± 0.037
"""


def test_published_table_is_parsed() -> None:
    rows = published_figures(README)
    assert [(r.name, r.version, r.f1) for r in rows] == [
        ("toolx", "1.2.3", 0.900),
        ("readability", "0.8.4.1", 0.922),
        ("newspaper4k", "0.9.3.1", 0.949),
        ("toolx", "1.0.0", 0.850),
        ("AutoExtract", "Nov 2019", 0.970),
    ]
    assert rows[0].accuracy == 0.100
    assert rows[0].section == "Results of the latest evaluation"


def test_published_row_matches_version_then_newest() -> None:
    rows = published_figures(README)
    assert match_published("toolx", "1.0.0", rows).f1 == 0.850  # type: ignore[union-attr]
    assert match_published("toolx", None, rows).f1 == 0.900  # type: ignore[union-attr]
    assert match_published("newspaper", None, rows).name == "newspaper4k"  # type: ignore[union-attr]
    assert match_published("unknown", None, rows) is None


def test_tool_output_wrapped_and_plain(tmp_path: Path) -> None:
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"p1": {"articleBody": A}, "p2": {}}), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(
        json.dumps({"version": "2.0", "output": {"p1": {"articleBody": B}}}), encoding="utf-8"
    )
    assert load_tool_output(plain) == ({"p1": A, "p2": None}, None)
    assert load_tool_output(wrapped) == ({"p1": B}, "2.0")


def test_main_without_data_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    assert main(["--data", str(missing)]) == 2
    out = capsys.readouterr().out
    assert "nowhere" in out and "--data" in out


PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About us</a></nav>
<article><h1>{title}</h1>{paras}</article>
<footer>Copyright 2025 Example Media. All rights reserved.</footer></body></html>"""

TRUTH = {
    "page1": [
        "The harbour board approved a plan on Tuesday to rebuild the eastern breakwater, "
        "which two winter storms damaged last year.",
        "Engineers said the new wall would be three metres higher than the old one and would "
        "take eighteen months to finish.",
    ],
    "page2": [
        "A regional grant and a loan from the national development bank will pay for the "
        "project, according to documents the authority published.",
        "Fishermen welcomed the decision but asked for temporary moorings on the western side "
        "of the bay while the work goes on.",
    ],
}


def _benchmark_folder(root: Path, published_f1: float) -> Path:
    (root / "html").mkdir(parents=True)
    (root / "output").mkdir()
    truth = {}
    for key, paras in TRUTH.items():
        html = PAGE.format(title=f"Story {key}", paras="".join(f"<p>{p}</p>" for p in paras))
        with gzip.open(root / "html" / f"{key}.html.gz", "wt", encoding="utf-8") as fh:
            fh.write(html)
        truth[key] = {"articleBody": "\n".join(paras), "url": f"https://example.org/{key}"}
    (root / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    # A tool that found page1 exactly and nothing on page2.
    output = {"page1": {"articleBody": truth["page1"]["articleBody"]}, "page2": {}}
    (root / "output" / "halfbot.json").write_text(
        json.dumps({"version": "0.1", "output": output}), encoding="utf-8"
    )
    (root / "README.rst").write_text(
        "Results of the latest evaluation::\n\n"
        "                  version  F1             precision      recall         accuracy\n"
        f"    halfbot        0.1      {published_f1:.3f} ± 0.000  1.000 ± 0.000  0.500 ± 0.000"
        "  0.500 ± 0.000\n",
        encoding="utf-8",
    )
    return root


def test_score_on_a_tiny_benchmark(tmp_path: Path) -> None:
    root = _benchmark_folder(tmp_path / "extraction-scrapinghub", published_f1=0.667)
    console = Console(record=True, width=160)
    numbers = score(tmp_path, n_bootstrap=20, jobs=1, console=console)
    # The keys the CI gate reads.
    assert {"f1", "precision", "recall", "baseline_f1", "reproduced"} <= set(numbers)
    assert numbers["pages"] == 2.0
    assert numbers["f1"] == pytest.approx(1.0)  # Parallax finds both articles exactly
    assert numbers["accuracy"] == pytest.approx(1.0)
    assert numbers["baseline_f1"] > 0.5
    assert numbers["tool_halfbot_f1"] == pytest.approx(2 / 3)
    assert numbers["compared"] == 1.0
    assert numbers["reproduced"] == 1.0
    text = console.export_text()
    assert "halfbot" in text and "parallax" in text and "0.667" in text
    assert root.is_dir()


def test_score_flags_a_figure_it_cannot_reproduce(tmp_path: Path) -> None:
    _benchmark_folder(tmp_path, published_f1=0.900)
    # Two worker processes, as `parallax eval extraction` runs by default.
    numbers = score(tmp_path, n_bootstrap=0, jobs=2, console=Console(record=True))
    assert numbers["compared"] == 1.0
    assert numbers["reproduced"] == 0.0


def test_damaged_page_scores_as_empty_prediction(tmp_path: Path) -> None:
    _benchmark_folder(tmp_path, published_f1=0.667)
    (tmp_path / "html" / "page2.html.gz").write_bytes(b"\x1f\x8b not really gzip")
    numbers = score(tmp_path, n_bootstrap=0, jobs=1, console=Console(record=True))
    assert numbers["rejected"] == 1.0
    assert numbers["recall"] == pytest.approx(0.5)
    assert numbers["precision"] == pytest.approx(1.0)
