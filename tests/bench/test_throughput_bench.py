"""The throughput bench measures Parallax and the bare tools on the same stored articles."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.bench import CORPUS, load_records
from parallax.bench.throughput import (
    ROWS,
    Throughput,
    ThroughputRun,
    TreePeak,
    bench_throughput,
    near_duplicate_pairs,
    shingles,
    throughput_tables,
    tree_pids,
    tree_rss_mb,
)


def _data_dir(seeds_dir: Path, folder: Path) -> Path:
    """A folder laid out like ../shared/data with a few AllSides records (one a near copy)."""
    records = [
        {"title": f"Story {i}", "content_original": p.read_text(encoding="utf-8"),
         "source": f"Outlet {i}", "date": "2024-05-0" + str(i + 1),
         "url": f"https://outlet{i}.example/story"}
        for i, p in enumerate(sorted(seeds_dir.glob("*.txt")))
    ]
    copy = dict(records[0], source="Copier", url="https://copier.example/story")
    copy["content_original"] = records[0]["content_original"] + "\nA line the copier added."
    corpus = folder / CORPUS
    corpus.parent.mkdir(parents=True)
    with gzip.open(corpus, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in [*records, copy, records[1]])
    return folder


def _cells(table: object, column: int) -> list[str]:
    return list(table.columns[column]._cells)  # type: ignore[attr-defined]  # rich keeps them here


@pytest.mark.slow
def test_every_row_is_measured_on_the_same_articles(seeds_dir: Path, tmp_path: Path) -> None:
    from parallax.pipeline import default_stages

    records = load_records(_data_dir(seeds_dir, tmp_path / "data"), 6)
    assert len(records) == 6  # the limit: the last record is not read
    run = bench_throughput(records)
    assert [r.name for r in run.rows] == [
        "Parallax analyze", "bare spaCy, 1 process", "bare spaCy, 2 processes", "lean script",
    ]
    for row in run.rows:
        assert row.articles == 6 and row.seconds > 0
        assert row.peak_mb > 50  # a real process that loaded spaCy at least
    # the ratio is Parallax's articles/s over each row's
    ours = run.parallax.per_second
    assert run.ratios() == pytest.approx([ours / r.per_second for r in run.rows])
    assert run.ratios()[0] == 1.0
    # Parallax's seconds stage by stage, every stage analyze ran, inside its total time
    assert set(run.parallax.stages) == {s.name for s in default_stages()}
    assert all(s >= 0 for s in run.parallax.stages.values())
    assert 0 < sum(run.parallax.stages.values()) <= run.parallax.seconds
    assert all(not r.stages for r in run.rows[1:])
    assert run.ingest_seconds > 0 and run.cpus >= 1 and len(run.load_before) == 3
    table, stages = throughput_tables(run)
    assert table.row_count == len(ROWS)
    assert _cells(table, 4) == [f"{x:.2f}x" for x in run.ratios()]
    assert stages.row_count == len(run.parallax.stages) + 1  # and the time outside stages


def test_ratios_and_tables_come_from_the_rows() -> None:
    rows = (
        Throughput("Parallax analyze", 100, 50.0, 900.0, {"nlp": 30.0, "events": 15.0}),
        Throughput("bare spaCy, 1 process", 100, 20.0, 500.0),
        Throughput("bare spaCy, 2 processes", 100, 12.5, 800.0),
        Throughput("lean script", 100, 40.0, 850.0),
    )
    run = ThroughputRun(rows, 1.5, 2, (0.5, 0.4, 0.3), (1.9, 1.0, 0.5))
    assert run.ratios() == pytest.approx([1.0, 0.4, 0.25, 0.8])
    table, stages = throughput_tables(run)
    assert _cells(table, 0) == [r.name for r in rows]
    assert _cells(table, 3) == ["2.00", "5.00", "8.00", "2.50"]
    assert _cells(table, 4) == ["1.00x", "0.40x", "0.25x", "0.80x"]
    assert _cells(table, 5) == ["900", "500", "800", "850"]
    assert _cells(stages, 0)[:2] == ["nlp", "events"]
    assert _cells(stages, 1) == ["30.00", "15.00", "5.00"]  # 5 s outside the stages
    assert _cells(stages, 3) == ["300.0", "150.0", "50.0"]  # ms per article
    assert Throughput.from_json(rows[0].as_json()) == rows[0]


def test_peak_memory_counts_child_processes() -> None:
    # a child that holds 200 MB of written (so resident) memory until it is killed
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import time; b = b'x' * (200 << 20); print(flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        with TreePeak(every=0.05) as peak:
            child.stdout.readline()  # the child holds its memory now
            assert child.pid in tree_pids(os.getpid())
            held = tree_rss_mb(child.pid)
            mine = tree_rss_mb(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert held > 200
    # this process and its child together (the last sample may be a page or two behind `mine`)
    assert mine > held + 20 and peak.mb > held + 20


def test_lean_near_duplicates_find_a_lightly_edited_copy() -> None:
    body = " ".join(f"word{i}" for i in range(300))
    assert len(shingles(body)) == 296
    assert shingles("too short") == {b"too short"}
    edited = body.replace("word150", "changed")
    other = " ".join(f"other{i}" for i in range(300))
    assert near_duplicate_pairs([body, other, edited]) == 1
