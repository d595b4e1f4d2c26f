"""The scale bench measures a run in its own process and reports growth against the smallest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.bench.scale import ScaleRun, bench_scale, combine_legs, run_one, scale_table
from parallax.scale.synthetic import write_corpus


def _records(seeds_dir: Path) -> list[dict[str, str]]:
    return [
        {"title": p.stem, "content_original": p.read_text(encoding="utf-8"), "source": "Wire"}
        for p in sorted(seeds_dir.glob("*.txt"))
    ]


@pytest.mark.slow
def test_each_size_runs_in_its_own_process_and_is_measured(
    seeds_dir: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    runs = bench_scale(_records(seeds_dir), sizes=(3, 8), engines=("local",), round_size=3,
                       work=work)
    assert [(r.engine, r.size, r.articles) for r in runs] == [("local", 3, 3), ("local", 8, 8)]
    for run in runs:
        assert run.analyze_seconds > 0 and run.ingest_seconds > 0
        assert run.peak_rss_mb > 50  # a real process that loaded the models
        assert 50 < run.peak_anon_mb <= run.peak_rss_mb + 1
        assert len(run.round_costs) == -(-run.size // 3)  # one cost per round of 3
    assert runs[1].round_growth is not None
    table = scale_table(runs, 5)
    assert table.row_count == 2
    assert list(work.iterdir()) == []  # the work folder is cleaned up


def test_the_table_compares_each_engine_with_its_smallest_run() -> None:
    def run(engine: str, size: int, seconds: float, rss: float) -> ScaleRun:
        return ScaleRun(engine, size, size, 1.0, seconds, rss, 2, (1.0, 0.5, 0.6))

    runs = [run("local", 10, 10.0, 100.0), run("local", 20, 30.0, 110.0),
            run("ray", 10, 20.0, 100.0)]
    table = scale_table(runs, 5)
    anon = table.columns[5]._cells  # rich keeps the cells here
    cost = table.columns[6]._cells
    rss = table.columns[7]._cells
    assert anon == ["-", "-", "-"]  # runs from before it was measured
    assert cost == ["1.00x", "1.50x", "1.00x"]
    assert rss == ["1.00x", "1.10x", "1.00x"]
    assert runs[0].round_growth == pytest.approx(1.2)


def _leg(
    analyzed: int, seconds: float, rss: float, costs: list[float], anon: float | None = None
) -> dict[str, object]:
    leg = {"engine": "local", "articles": 10, "analyzed": analyzed, "ingest_seconds": 1.0,
           "analyze_seconds": seconds, "peak_rss_mb": rss, "round_size": 2,
           "round_costs": costs}
    if anon is not None:  # legs written before the anonymous peak was measured lack it
        leg["peak_anon_mb"] = anon
    return leg


def test_a_run_over_several_processes_sums_them() -> None:
    run = combine_legs(10, [_leg(4, 8.0, 300.0, [2.0, 2.0]),
                            _leg(6, 9.0, 250.0, [1.0, 1.5, 1.5], anon=210.0),
                            _leg(0, 0.0, 900.0, [], anon=800.0)])  # the last found the store done
    assert (run.articles, run.analyze_seconds, run.peak_rss_mb, run.legs) == (10, 17.0, 300.0, 2)
    assert run.peak_anon_mb == 210.0
    assert run.ingest_seconds == 2.0 and run.round_costs == (2.0, 2.0, 1.0, 1.5, 1.5)
    assert combine_legs(10, [_leg(0, 0.0, 90.0, [])]).legs == 1
    with pytest.raises(ValueError):
        combine_legs(10, [])


@pytest.mark.slow
def test_a_kept_run_goes_on_where_the_last_process_stopped(
    seeds_dir: Path, tmp_path: Path
) -> None:
    records = _records(seeds_dir)
    keep = tmp_path / "keep"
    keep.mkdir()
    # a first process got through the first three articles of the 5-article run, then stopped
    first = keep / "first.jsonl"
    write_corpus(records, 3, first)
    part = run_one(first, 5, "local", 3, keep, keep=True)
    assert (part.articles, part.legs, len(part.round_costs)) == (3, 1, 1)
    (run,) = bench_scale(records, sizes=(5,), engines=("local",), round_size=3, keep=keep)
    legs = [json.loads(p.read_text()) for p in sorted((keep / "scale-local-5.legs").glob("*.json"))]
    assert [leg["analyzed"] for leg in legs] == [3, 2]
    assert (run.articles, run.legs, len(run.round_costs)) == (5, 2, 2)
    assert run.analyze_seconds == pytest.approx(sum(leg["analyze_seconds"] for leg in legs))
    # a third call finds the store done: the same run, nothing analysed again
    (again,) = bench_scale(records, sizes=(5,), engines=("local",), round_size=3, keep=keep)
    assert (again.articles, again.legs, again.round_costs) == (5, 2, run.round_costs)
    assert (keep / "scale-local-5.db.index").is_dir()  # the quote index was kept beside it


def test_the_anonymous_peak_sees_memory_held_only_for_a_moment() -> None:
    import time

    import numpy as np

    from parallax.bench.scale import AnonPeak

    with AnonPeak(every=0.01) as anon:
        start = anon.mb
        block = np.ones(40_000_000)  # 320 MB, every page written
        deadline = time.monotonic() + 30
        while anon.mb < start + 250 and time.monotonic() < deadline:
            time.sleep(0.01)
        del block
    assert anon.mb >= start + 250
