"""kill -9 during `parallax ingest` and `parallax analyze`, many times; the rerun must finish with
nothing lost and nothing duplicated, a clean `PRAGMA integrity_check`, and the same
`parallax export` as a run that was never interrupted.

Kill points (seeded): just before the COMMIT of every transaction the uninterrupted run made
(all of a batch or stage done, none of it saved), then random SQL statements, then random
delays (an external SIGKILL that can land inside SQLite's own commit). Runs are chained: each
kill is followed by a rerun that may itself be killed, and every chain ends with a run that
completes and is compared with the reference. Only kills that really interrupted a run count
toward the "kill points survived" figure.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus import make_corpus

HERE = Path(__file__).parent
SEED = 20250903


class Worker:
    """Client of crash_worker.py (a fork server with Parallax already imported)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "crash_worker.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def run(self, argv: list[str], log: Path, kill_at: int | None = None,
            kill_after: float | None = None) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        request = {"argv": argv, "kill_at": kill_at, "kill_after": kill_after, "log": str(log)}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer: dict[str, Any] = json.loads(self.proc.stdout.readline())
        return answer

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    import os

    env = dict(os.environ, PARALLAX_BATCH_SIZE="5", HF_HUB_OFFLINE="1")
    w = Worker(env)
    yield w
    w.close()


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def _integrity(db: Path) -> None:
    assert _rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(db, "PRAGMA foreign_key_check") == []


def _export(worker: Worker, db: Path, out: Path, log: Path) -> dict[str, str]:
    answer = worker.run(["--db", str(db), "export", "--out", str(out)], log)
    assert answer["code"] == 0, log.read_text()
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.jsonl"))}


def _kill_plan(commits: list[int], total: int, duration: float, rng: random.Random,
               randoms: int, delays: int) -> list[tuple[str, float]]:
    plan: list[tuple[str, float]] = [("statement", c) for c in commits]
    plan += [("statement", rng.randint(1, total)) for _ in range(randoms)]
    plan += [("delay", rng.uniform(0.05, duration)) for _ in range(delays)]
    return plan


def _crash_chain(worker: Worker, argv: list[str], db: Path, fresh: Any, tmp: Path,
                 plan: list[tuple[str, float]], check: Any) -> int:
    """Run ``argv`` against ``db`` killing at each planned point; a run that completes ends the
    chain (its state is checked) and the next point starts a new chain from ``fresh()``.
    Returns how many kills interrupted a run."""
    survived = 0
    fresh()
    for n, (kind, point) in enumerate(plan):
        log = tmp / f"run{n}.log"
        answer = worker.run(argv, log, kill_at=int(point) if kind == "statement" else None,
                            kill_after=point if kind == "delay" else None)
        _integrity(db)
        if answer["killed"]:
            check(partial=True)
            survived += 1
            continue
        assert answer["code"] == 0, log.read_text()
        check(partial=False)
        fresh()
    final = worker.run(argv, tmp / "final.log")
    assert final["code"] == 0 and not final["killed"]
    check(partial=False)
    return survived


def _reference_run(worker: Worker, argv: list[str], log: Path) -> tuple[list[int], int, float]:
    """Run once uninterrupted; returns the statement numbers of its COMMITs, its statement
    count, and its duration (used only to place the delay kills)."""
    started = time.monotonic()
    answer = worker.run(argv, log)
    duration = time.monotonic() - started
    assert answer["code"] == 0 and answer["statements"], log.read_text()
    return list(answer["commits"]), int(answer["statements"]), duration


def test_kill_9_during_ingest(worker: Worker, tmp_path: Path, record_property: Any) -> None:
    corpus = tmp_path / "corpus"
    info = make_corpus(corpus, events=10)
    ref_db, db = tmp_path / "ref.db", tmp_path / "crash.db"
    argv_ref = ["--db", str(ref_db), "ingest", "--quiet", "--json", str(corpus)]
    commits, total, duration = _reference_run(worker, argv_ref, tmp_path / "ref.log")
    reference = _export(worker, ref_db, tmp_path / "ref_export", tmp_path / "ref_export.log")
    ref_articles = {json.loads(x)["article_id"] for x in reference["articles.jsonl"].splitlines()}
    assert len(ref_articles) >= 50, info
    ref_rejections = _rows(ref_db, "SELECT path, record, reason FROM rejections ORDER BY 1, 2, 3")
    ref_inputs = _rows(ref_db, "SELECT path, sha256, status, records_done FROM inputs ORDER BY 1")

    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    def check(partial: bool) -> None:
        ids = _rows(db, "SELECT article_id FROM articles")
        assert len(ids) == len(set(ids)) and {i for (i,) in ids} <= ref_articles
        rejections = _rows(db, "SELECT path, record, reason FROM rejections ORDER BY 1, 2, 3")
        assert len(rejections) == len(set(rejections)) and set(rejections) <= set(ref_rejections)
        if not partial:
            assert {i for (i,) in ids} == ref_articles
            assert rejections == ref_rejections
            assert _rows(db, "SELECT path, sha256, status, records_done FROM inputs "
                         "ORDER BY 1") == ref_inputs

    rng = random.Random(SEED)
    # Just before a COMMIT: the whole batch written, none of it saved.
    before_commit = sorted(rng.sample(commits, min(6, len(commits))))
    plan = _kill_plan(before_commit, total, duration, rng, randoms=22, delays=8)
    argv = ["--db", str(db), "ingest", "--quiet", "--json", str(corpus)]
    survived = _crash_chain(worker, argv, db, fresh, tmp_path, plan, check)
    assert _export(worker, db, tmp_path / "export", tmp_path / "export.log") == reference
    # Most planned points interrupt a run; how many exactly depends on timing (a delay kill can
    # land after a fast run ended), so the floor is half the plan, not a count.
    assert survived >= len(plan) // 2, f"only {survived} of {len(plan)} kills interrupted a run"
    record_property("kill_points_survived", survived)


@pytest.mark.parametrize("round_size", [None, 3], ids=["one-round", "rounds-of-3"])
def test_kill_9_during_analyze(
    worker: Worker, tmp_path: Path, record_property: Any, round_size: int | None
) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, events=2, seed=11)
    base, ref_db, db = tmp_path / "base.db", tmp_path / "ref.db", tmp_path / "crash.db"
    answer = worker.run(["--db", str(base), "ingest", "--quiet", "--json", str(corpus)],
                        tmp_path / "ingest.log")
    assert answer["code"] == 0

    def copy(target: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(base) as src, sqlite3.connect(target) as dst:
            src.backup(dst)

    rounds = [] if round_size is None else ["--round", str(round_size)]
    copy(ref_db)
    commits, total, duration = _reference_run(
        worker, ["--db", str(ref_db), "analyze", "--json", *rounds], tmp_path / "ref.log"
    )
    reference = _export(worker, ref_db, tmp_path / "ref_export", tmp_path / "ref_export.log")
    assert reference["events.jsonl"].strip(), "the corpus should form events"
    n_articles = len(reference["articles.jsonl"].splitlines())

    step = round_size or n_articles
    assert step >= n_articles or n_articles > 2 * step, "the corpus should need 3+ rounds"
    committed = {min(k * step, n_articles) for k in range(n_articles // step + 2)}

    def check(partial: bool) -> None:
        analyzed = _rows(db, "SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL")[0][0]
        assert analyzed in committed  # a round analyses all its articles or none
        if not partial:
            assert analyzed == n_articles

    rng = random.Random(SEED + 1)
    before_commit = sorted(rng.sample(commits, min(5, len(commits))))
    plan = _kill_plan(before_commit, total, duration, rng, randoms=12, delays=4)
    argv = ["--db", str(db), "analyze", "--json", *rounds]
    survived = _crash_chain(worker, argv, db, lambda: copy(db), tmp_path, plan, check)
    assert _export(worker, db, tmp_path / "export", tmp_path / "export.log") == reference
    # Most planned points interrupt a run; how many exactly depends on timing (a delay kill can
    # land after a fast run ended), so the floor is half the plan, not a count.
    assert survived >= len(plan) // 2, f"only {survived} of {len(plan)} kills interrupted a run"
    record_property("kill_points_survived", survived)
