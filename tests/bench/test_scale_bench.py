"""The scale bench measures a run in its own process and reports growth against the smallest."""

from __future__ import annotations

import json
from itertools import pairwise
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
        # every round timed stage by stage; the stages run inside the round's time
        assert len(run.round_stage_costs) == len(run.round_costs)
        for cost, stages in zip(run.round_costs, run.round_stage_costs, strict=True):
            assert {"nlp", "events", "statements", "commit"} <= set(stages)
            assert 0 < sum(stages.values()) <= cost + 1e-3
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
    assert table.columns[9]._cells == ["-", "-", "-"]  # nor stages timed
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


def test_each_round_records_what_the_stages_keep_for_the_next(tmp_path: Path) -> None:
    from parallax.bench.scale import kept_by_stages

    class Keeps:
        name = "statements"

        def kept(self) -> dict[str, int]:
            return {"quotes held": 7, "quotes indexed": 9}

    class KeepsNothing:
        name = "stories"

    kept = kept_by_stages([Keeps(), KeepsNothing()])
    assert kept["statements: quotes held"] == 7 and kept["statements: quotes indexed"] == 9
    assert set(kept) == {"anonymous MB", "statements: quotes held", "statements: quotes indexed"}
    assert kept["anonymous MB"] > 10  # this test process's own memory


@pytest.mark.slow
def test_a_measured_process_says_what_its_stages_kept_after_each_round(
    seeds_dir: Path, tmp_path: Path
) -> None:
    from parallax.bench.scale import measure_here

    corpus = tmp_path / "corpus.jsonl"
    write_corpus(_records(seeds_dir), 5, corpus)
    leg = measure_here(corpus, tmp_path / "s.db", "local", 2)
    kept = leg["round_kept"]
    assert len(kept) == 3  # rounds of 2, 2 and 1
    for before, after in pairwise(kept):
        # the aligner's index and the clusterer's articles only grow over these rounds
        for what in ("statements: quotes indexed", "events: articles indexed"):
            assert 0 < before[what] <= after[what]
    assert kept[-1]["events: articles indexed"] == 5
    # the read stage holds one round's readings: the rounds are one batch each, read here
    assert [k["read: articles held"] for k in kept] == [2, 2, 1]
    assert all(k["read: articles read ahead"] == 0 for k in kept)
    assert all(k["anonymous MB"] > 50 and "positions: stance words" in k for k in kept)


def test_the_stage_that_grew_most_is_named() -> None:
    timed = ({"nlp": 9.0, "stories": 1.0}, {"nlp": 1.0, "stories": 0.1},
             {"nlp": 1.1, "stories": 0.1}, {"nlp": 1.05, "stories": 0.3, "commit": 0.01})
    run = ScaleRun("local", 10, 10, 1.0, 10.0, 100.0, 2, (10.0, 1.1, 1.2, 1.36),
                   round_stage_costs=timed)
    # the first round pays the model loads: the second is the reference
    assert run.stage_growth() == [("stories", 0.1, 0.3), ("nlp", 1.0, 1.05),
                                  ("commit", 0.0, 0.01)]
    assert scale_table([run], 5).columns[9]._cells == ["stories 0.100 -> 0.300"]
    assert ScaleRun("local", 10, 10, 1.0, 10.0, 100.0, 2, (1.0, 1.0),
                    round_stage_costs=timed[:2]).stage_growth() == []


def test_the_stage_clock_gives_each_round_its_stages_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import parallax.bench.scale as scale
    from parallax.pipeline import COMMIT

    now = iter([0.0, 2.0, 2.5, 3.0, 10.0, 12.0, 15.0, 16.0])
    monkeypatch.setattr(scale.time, "perf_counter", lambda: next(now))
    clock = scale.StageClock()
    for name in ("nlp", "events", COMMIT):  # starts at 0, 2, 2.5; the commit ends at 3
        clock.stage(name)
    clock.commit()
    for name in ("nlp", "nlp", COMMIT):  # 10, 12, 15, 16: a stage heard twice adds up
        clock.stage(name)
    clock.commit()
    assert clock.rounds == [{"nlp": 2.0, "events": 0.5, COMMIT: 0.5},
                            {"nlp": 5.0, COMMIT: 1.0}]
    leg = scale._leg("local", 2, [0.0, 1.0, 4.0, 10.0], [2, 4], 4, 0.0, clock.rounds)
    assert leg["round_costs"] == [1.5, 3.0]
    assert leg["round_stage_costs"] == [{"nlp": 1.0, "events": 0.25, COMMIT: 0.25},
                                        {"nlp": 2.5, COMMIT: 0.5}]


def test_a_run_over_several_processes_sums_them() -> None:
    timed = _leg(6, 9.0, 250.0, [1.0, 1.5, 1.5], anon=210.0)
    timed["round_stage_costs"] = [{"nlp": 0.9}, {"nlp": 1.4}, {"nlp": 1.3}]
    run = combine_legs(10, [_leg(4, 8.0, 300.0, [2.0, 2.0]),  # before stages were timed
                            timed,
                            _leg(0, 0.0, 900.0, [], anon=800.0)])  # the last found the store done
    assert (run.articles, run.analyze_seconds, run.peak_rss_mb, run.legs) == (10, 17.0, 300.0, 2)
    assert run.peak_anon_mb == 210.0
    assert run.ingest_seconds == 2.0 and run.round_costs == (2.0, 2.0, 1.0, 1.5, 1.5)
    assert run.round_stage_costs == ({"nlp": 0.9}, {"nlp": 1.4}, {"nlp": 1.3})
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
