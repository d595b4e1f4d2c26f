"""Scale: articles per second and peak memory as the corpus grows, local engine vs Ray.

Each run ingests and analyzes a corpus of ``size`` articles into a fresh SQLite store in a
*separate process* (`run_one` starts ``python -m parallax.bench.scale``), so its peak resident
memory is its own: the peak of that process (for Ray, of the driver; Ray's worker processes
are not counted). Resident memory counts the pages of memory-mapped files the process has read
(the quote index's full segments), which the operating system can take back at any time, so
the process's own (anonymous) memory is sampled beside it, every 0.2 s: that is what must not
grow with the corpus. The corpus is the AllSides benchmark grown with `parallax.scale.synthetic`
beyond its 5,000 records.

Two growth figures come out of it. Across sizes: the cost per article at each size over the
cost at the smallest (1.00x when cost grows linearly with the corpus). Within one run: the cost
per article of the last analysis round over the first (rounds are `parallax.pipeline.ROUND`
articles; a later round works against a bigger store, so this says what the store's growth
costs, without the model loading that the first round also pays).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Corpus sizes measured by default: the first is the baseline of the growth ratio.
SIZES = (1000, 5000)
#: Engines compared by default.
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class ScaleRun:
    """One ingest + analyze of a corpus of ``size`` articles by one engine."""

    engine: str
    size: int
    articles: int
    ingest_seconds: float
    analyze_seconds: float
    peak_rss_mb: float
    round_size: int
    #: seconds per article of each analysis round, in order
    round_costs: tuple[float, ...]
    #: processes the analysis took (more than one when a kept run was continued)
    legs: int = 1
    #: the highest anonymous memory sampled (0 where not measured: a leg from before it was)
    peak_anon_mb: float = 0.0
    #: seconds per article each stage took in each round, in order (empty for rounds measured
    #: before stages were timed): which stage a later round's extra cost comes from
    round_stage_costs: tuple[dict[str, float], ...] = ()

    @property
    def per_second(self) -> float:
        """Articles analysed per second."""
        return self.articles / self.analyze_seconds if self.analyze_seconds else 0.0

    @property
    def round_growth(self) -> float | None:
        """Cost per article of the last round over the second (the first pays the model
        loads); None with fewer than three rounds."""
        if len(self.round_costs) < 3 or not self.round_costs[1]:
            return None
        return self.round_costs[-1] / self.round_costs[1]

    def stage_growth(self) -> list[tuple[str, float, float]]:
        """``(stage, s/article in the second timed round, in the last)`` for every stage,
        the one that grew most first; empty with fewer than three timed rounds (the first
        pays the model loads)."""
        timed = self.round_stage_costs
        if len(timed) < 3:
            return []
        second, last = timed[1], timed[-1]
        found = [(name, second.get(name, 0.0), last.get(name, 0.0)) for name in {*second, *last}]
        return sorted(found, key=lambda g: (-(g[2] - g[1]), g[0]))


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _anon_mb() -> float:
    # RssAnon: the process's own pages, without mapped files; 0 where /proc has no such line
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


class AnonPeak:
    """The highest `RssAnon` of this process, sampled by a daemon thread while it runs."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.mb = _anon_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="anon-peak", daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.mb = max(self.mb, _anon_mb())

    def __enter__(self) -> AnonPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, _anon_mb())


def _leg(
    engine: str,
    round_size: int,
    times: Sequence[float],
    counts: Sequence[int],
    articles: int,
    anon_mb: float = 0.0,
    stage_seconds: Sequence[dict[str, float]] = (),
    kept: Sequence[dict[str, int]] = (),
) -> dict[str, Any]:
    """The numbers of one process's run so far: ``times`` are its start, the end of ingest and
    each round's commit; ``counts`` the articles analysed by each commit; ``stage_seconds``
    the seconds each stage took in each round; ``kept`` what the stages kept after each round
    (`kept_by_stages`) with the process's own memory then."""
    sizes = [b - a for a, b in zip([0, *counts], counts, strict=False)]
    costs = [
        round((times[i + 2] - times[i + 1]) / sizes[i], 4) for i in range(len(sizes)) if sizes[i]
    ]
    stage_costs = [
        {name: round(seconds / sizes[i], 4) for name, seconds in sorted(stage_seconds[i].items())}
        for i in range(min(len(sizes), len(stage_seconds)))
        if sizes[i]
    ]
    return {
        "engine": engine,
        "articles": articles,
        "analyzed": counts[-1] if counts else 0,
        "ingest_seconds": round(times[1] - times[0], 2),
        "analyze_seconds": round(times[-1] - times[1], 2),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "peak_anon_mb": round(max(anon_mb, _anon_mb()), 1),
        "round_size": round_size,
        "round_costs": costs,
        "round_stage_costs": stage_costs,
        "round_kept": list(kept),
    }


def kept_by_stages(stages: Sequence[Any]) -> dict[str, int]:
    """What each stage keeps from one round to the next (the stages' ``kept()``, where they
    have one), as ``"stage: what"`` counts, with the process's own memory in MB: what a long
    run's memory between rounds is made of."""
    found = {"anonymous MB": round(_anon_mb())}
    for stage in stages:
        kept = getattr(stage, "kept", None)
        if kept is not None:
            found.update({f"{stage.name}: {what}": n for what, n in kept().items()})
    return found


class StageClock:
    """The seconds each stage takes in each round, from `parallax.pipeline.analyze`'s
    callbacks: a stage runs from its start to the next stage's start or the round's commit."""

    def __init__(self) -> None:
        self.rounds: list[dict[str, float]] = []
        self._round: dict[str, float] = {}
        self._running: tuple[str, float] | None = None

    def _stop(self, now: float) -> None:
        if self._running is not None:
            name, started = self._running
            self._round[name] = self._round.get(name, 0.0) + now - started
            self._running = None

    def stage(self, name: str) -> None:
        """`analyze`'s ``on_stage``: the named stage starts now."""
        now = time.perf_counter()
        self._stop(now)
        self._running = (name, now)

    def commit(self) -> None:
        """A round committed: its stage times are complete."""
        self._stop(time.perf_counter())
        self.rounds.append(self._round)
        self._round = {}


def measure_here(
    corpus: Path, db: Path, engine: str, round_size: int, progress: Path | None = None
) -> dict[str, Any]:
    """Ingest ``corpus`` into the store at ``db`` and analyze what no earlier run did, in this
    process; the numbers of a `ScaleRun` as a dict. With ``progress``, the numbers so far are
    also written there after each committed round (atomically), so a run stopped part-way
    leaves what it measured of the rounds it committed."""
    from parallax.ingest import ingest_paths
    from parallax.pipeline import analyze, default_stages
    from parallax.settings import Settings
    from parallax.store import SQLiteStore

    settings = Settings(db=str(db))
    with AnonPeak() as anon, SQLiteStore(db) as store:
        times = [time.perf_counter()]
        ingest_paths([str(corpus)], store, settings)
        times.append(time.perf_counter())
        articles = store.count_articles()
        counts: list[int] = []
        clock = StageClock()
        stages = default_stages()
        kept: list[dict[str, int]] = []

        def on_round(done: int, total: int) -> None:
            clock.commit()
            times.append(time.perf_counter())
            counts.append(done)
            kept.append(kept_by_stages(stages))
            if progress is not None:
                _write_json(
                    progress,
                    _leg(engine, round_size, times, counts, articles, anon.mb, clock.rounds,
                         kept),
                )

        analyze(
            store,
            settings,
            stages=stages,
            engine=engine,
            round_size=round_size,
            on_stage=clock.stage,
            on_round=on_round,
        )
    return _leg(engine, round_size, times, counts, articles, anon.mb, clock.rounds, kept)


def _write_json(path: Path, value: Any) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value), encoding="utf-8")
    partial.replace(path)


def combine_legs(size: int, legs: Sequence[dict[str, Any]]) -> ScaleRun:
    """One run of a store analysed by several processes (`bench_scale` with ``keep``): their
    seconds summed, the highest peak, the rounds in order. Legs that analysed nothing (the
    store was done) add only their ingest check."""
    if not legs:
        raise ValueError("no measured run to combine")
    working = [leg for leg in legs if leg["analyzed"]] or [legs[-1]]
    return ScaleRun(
        engine=legs[-1]["engine"],
        size=size,
        articles=legs[-1]["articles"],
        ingest_seconds=round(sum(leg["ingest_seconds"] for leg in working), 2),
        analyze_seconds=round(sum(leg["analyze_seconds"] for leg in working), 2),
        peak_rss_mb=max(leg["peak_rss_mb"] for leg in working),
        round_size=legs[-1]["round_size"],
        round_costs=tuple(c for leg in working for c in leg["round_costs"]),
        legs=len(working),
        peak_anon_mb=max(leg.get("peak_anon_mb", 0.0) for leg in working),
        round_stage_costs=tuple(
            costs for leg in working for costs in leg.get("round_stage_costs", [])
        ),
    )


def run_one(
    corpus: Path, size: int, engine: str, round_size: int, work: Path, keep: bool = False
) -> ScaleRun:
    """`measure_here` in a new Python process (so its peak memory is its own). With ``keep``
    the store in ``work`` is continued rather than started afresh, and the run is every
    process's part of it (`combine_legs`)."""
    db = work / f"scale-{engine}-{size}.db"
    legs = work / f"scale-{engine}-{size}.legs"
    if not keep:
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(db.with_name(db.name + ".index"), ignore_errors=True)
        shutil.rmtree(legs, ignore_errors=True)
    legs.mkdir(parents=True, exist_ok=True)
    out = legs / f"{len(list(legs.glob('*.json'))):04d}.json"
    command = [
        sys.executable, "-m", "parallax.bench.scale",
        "--corpus", str(corpus), "--db", str(db), "--engine", engine,
        "--round", str(round_size), "--out", str(out),
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run(command, check=True, env=env)  # noqa: S603 - our own module, fixed arguments
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(legs.glob("*.json"))]
    if not keep:
        shutil.rmtree(legs, ignore_errors=True)
    return combine_legs(size, found)


def bench_scale(
    records: Sequence[dict[str, Any]],
    sizes: Sequence[int] = SIZES,
    engines: Sequence[str] = ENGINES,
    round_size: int | None = None,
    work: Path | None = None,
    log: Any = None,
    keep: Path | None = None,
) -> list[ScaleRun]:
    """Every (engine, size) run over the first ``size`` articles of the grown corpus.

    With ``keep`` (a folder), the corpora and stores stay there and a later call goes on
    where this one stopped: a 100k-article run can take several sittings, each a process that
    analyses what the last left, and its row sums them."""
    from parallax.pipeline import ROUND
    from parallax.scale.synthetic import write_corpus

    runs = []
    with contextlib.ExitStack() as scope:
        if keep is None:
            folder = Path(scope.enter_context(tempfile.TemporaryDirectory(dir=work)))
        else:
            folder = keep
            folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            corpus = folder / f"corpus-{size}.jsonl"
            if keep is None or not corpus.is_file():
                write_corpus(records, size, corpus)
            for engine in engines:
                if log is not None:
                    log(f"{engine}: {size} articles")
                run = run_one(corpus, size, engine, round_size or ROUND, folder, keep is not None)
                runs.append(run)
                if log is not None:
                    log(
                        f"{engine}: {size} articles analyzed in {run.analyze_seconds:.0f}s "
                        f"over {run.legs} process(es), peak {run.peak_rss_mb:.0f} MB"
                        + (f" (anonymous {run.peak_anon_mb:.0f} MB)" if run.peak_anon_mb else "")
                    )
                    grown = run.stage_growth()
                    if grown:
                        log(
                            f"{engine}: {size} articles, s/article per stage, second timed "
                            "round -> last: "
                            + ", ".join(f"{name} {a:.3f} -> {b:.3f}" for name, a, b in grown)
                        )
            if keep is None:
                corpus.unlink()
    return runs


def scale_table(runs: Sequence[ScaleRun], source_records: int) -> Any:
    """One row per run; growth ratios against the smallest size of the same engine."""
    from rich.table import Table

    table = Table(
        title=(
            f"Scale: ingest + analyze of a corpus grown from {source_records} AllSides records "
            "(parallax.scale.synthetic), one process per run; cost ratio = s/article over the "
            "smallest size's (1.00x = linear); round growth = last round's s/article over the "
            "second's; grew most = the stage whose s/article rose most between those rounds; "
            "peak anon = the process's own memory, without mapped index files; a run kept with "
            "--keep sums the processes that analysed it"
        )
    )
    for column in ("engine", "articles", "ingest art/s", "analyze art/s", "peak RSS MB",
                   "peak anon MB", "cost ratio", "RSS ratio", "round growth", "grew most",
                   "processes"):
        table.add_column(column, justify="left" if column == "engine" else "right")
    base: dict[str, ScaleRun] = {}
    for run in sorted(runs, key=lambda r: (r.engine != "local", r.engine, r.size)):
        ref = base.setdefault(run.engine, run)
        cost = run.analyze_seconds / run.articles if run.articles else 0.0
        ref_cost = ref.analyze_seconds / ref.articles if ref.articles else 0.0
        growth = run.round_growth
        grown = run.stage_growth()
        table.add_row(
            run.engine,
            str(run.articles),
            f"{run.articles / run.ingest_seconds:.0f}" if run.ingest_seconds else "-",
            f"{run.per_second:.2f}",
            f"{run.peak_rss_mb:.0f}",
            f"{run.peak_anon_mb:.0f}" if run.peak_anon_mb else "-",
            f"{cost / ref_cost:.2f}x" if ref_cost else "-",
            f"{run.peak_rss_mb / ref.peak_rss_mb:.2f}x" if ref.peak_rss_mb else "-",
            f"{growth:.2f}x" if growth is not None else "-",
            f"{grown[0][0]} {grown[0][1]:.3f} -> {grown[0][2]:.3f}" if grown else "-",
            str(run.legs),
        )
    return table


def run_scale_bench(
    data: Path,
    sizes: Sequence[int] = SIZES,
    engines: Sequence[str] = ENGINES,
    round_size: int | None = None,
    keep: Path | None = None,
) -> Any:
    """Grow the corpus, run every size and engine, return the table (for `run_bench`)."""
    from parallax.bench import load_records

    def log(message: str) -> None:
        print(f"[bench scale] {message}", file=sys.stderr, flush=True)

    records = load_records(data, None)
    runs = bench_scale(records, sizes, engines, round_size, log=log, keep=keep)
    return scale_table(runs, len(records))


def main(argv: Sequence[str] | None = None) -> int:
    """One measured run in this process (what `run_one` starts); writes the JSON to --out."""
    parser = argparse.ArgumentParser(prog="python -m parallax.bench.scale")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--engine", default="local")
    parser.add_argument("--round", dest="round_size", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    found = measure_here(args.corpus, args.db, args.engine, args.round_size, progress=args.out)
    _write_json(args.out, found)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

__all__ = [
    "AnonPeak",
    "ScaleRun",
    "StageClock",
    "bench_scale",
    "combine_legs",
    "kept_by_stages",
    "measure_here",
    "run_one",
    "run_scale_bench",
    "scale_table",
]
