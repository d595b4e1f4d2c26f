"""The scale bench measures a run in its own process and reports growth against the smallest."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.bench.scale import ScaleRun, bench_scale, scale_table


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
    cost = table.columns[5]._cells  # rich keeps the cells here
    rss = table.columns[6]._cells
    assert cost == ["1.00x", "1.50x", "1.00x"]
    assert rss == ["1.00x", "1.10x", "1.00x"]
    assert runs[0].round_growth == pytest.approx(1.2)
