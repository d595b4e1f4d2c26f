from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.eval.statements import (
    PRF,
    Unit,
    is_gold_same,
    load_units,
    main,
    overlap_same,
    prf,
    score,
    scored_pairs,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "basil"


def unit(key: str, outlet: str, text: str, triplet: str = "t1") -> Unit:
    return Unit(key, triplet, outlet, None, text, "Jane_Doe")


def write_triplet(root: Path, quotes: dict[str, list[str]]) -> None:
    """A BASIL-shaped folder: one triplet, one article per outlet with its quotes."""
    for n, (outlet, texts) in enumerate(sorted(quotes.items()), start=1):
        (root / "articles" / "2020").mkdir(parents=True, exist_ok=True)
        (root / "annotations" / "2020").mkdir(parents=True, exist_ok=True)
        (root / "articles" / "2020" / f"trip_{n}.json").write_text(
            json.dumps({"source": outlet, "date": "2020-01-02", "triplet-uuid": "trip"})
        )
        phrases = [
            {"id": f"p{i}", "quote": "yes", "speaker": "Jane_Doe", "txt": t, "start": 0,
             "end": len(t)}
            for i, t in enumerate(texts)
        ] + [{"id": "px", "quote": "no", "speaker": "", "txt": "fierce", "start": 0, "end": 6}]
        (root / "annotations" / "2020" / f"trip_{n}_ann.json").write_text(
            json.dumps({"uuid": f"u{n}", "triplet-uuid": "trip",
                        "phrase-level-annotations": phrases})
        )


def test_gold_rule_and_baseline_on_written_quotes() -> None:
    a = unit("a", "fox", "We will never raise taxes on working families")
    b = unit("b", "nyt", "“never raise taxes on working families,”")
    c = unit("c", "nyt", "The budget is balanced")
    d = unit("d", "fox", "a sham")
    e = unit("e", "hpo", "sham")
    assert is_gold_same(a, b) and not is_gold_same(a, c)
    assert is_gold_same(d, e)
    assert overlap_same(a, b) and not overlap_same(a, c)
    pairs = scored_pairs([a, b, c, unit("f", "fox", "x", triplet="t2")])
    assert {(p.key, q.key) for p, q in pairs} == {("a", "b"), ("a", "c")}


def test_prf_counts() -> None:
    r = prf([True, True, False, False], [True, False, True, False])
    assert r == PRF(1, 1, 1)
    assert r.precision == r.recall == r.f1 == 0.5


def test_score_on_a_written_basil_folder(tmp_path: Path) -> None:
    write_triplet(
        tmp_path,
        {
            "fox": ["We will never raise taxes on working families", "The budget is balanced"],
            "nyt": ["never raise taxes on working families", "Our schools need more teachers"],
        },
    )
    assert len(load_units(tmp_path)) == 4
    results = score(tmp_path)
    assert results["parallax"] == PRF(1, 0, 0)
    assert results["overlap baseline"].tp == 1


def test_missing_data_is_exit_code_2(tmp_path: Path) -> None:
    assert main(["--data", str(tmp_path)]) == 2


@pytest.mark.data
@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/basil is absent")
def test_basil_alignment_finds_most_gold_pairs() -> None:
    results = score(DATA)
    assert results["parallax"].tp + results["parallax"].fn > 50
    assert results["parallax"].f1 > 0.8
