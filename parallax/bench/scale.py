"""Scale: articles per second and peak memory as the corpus grows, local engine vs Ray.

Each run ingests and analyzes a corpus of ``size`` articles into a fresh SQLite store in a
*separate process* (`run_one` starts ``python -m parallax.bench.scale``), so its peak resident
memory is its own: the peak of that process (for Ray, of the driver; Ray's worker processes
are not counted). The corpus is the AllSides benchmark grown with `parallax.scale.synthetic`
beyond its 5,000 records.

Two growth figures come out of it. Across sizes: the cost per article at each size over the
cost at the smallest (1.00x when cost grows linearly with the corpus). Within one run: the cost
per article of the last analysis round over the first (rounds are `parallax.pipeline.ROUND`
articles; a later round works against a bigger store, so this says what the store's growth
costs, without the model loading that the first round also pays).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
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


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_here(corpus: Path, db: Path, engine: str, round_size: int) -> dict[str, Any]:
    """Ingest ``corpus`` into a new store at ``db`` and analyze it, in this process; the
    numbers of a `ScaleRun` as a dict."""
    from parallax.ingest import ingest_paths
    from parallax.pipeline import analyze
    from parallax.settings import Settings
    from parallax.store import SQLiteStore

    settings = Settings(db=str(db))
    with SQLiteStore(db) as store:
        start = time.perf_counter()
        ingest_paths([str(corpus)], store, settings)
        ingested = time.perf_counter()
        marks = [ingested]
        counts: list[int] = []

        def on_round(done: int, total: int) -> None:
            marks.append(time.perf_counter())
            counts.append(done)

        analyze(store, settings, engine=engine, round_size=round_size, on_round=on_round)
        analyzed = time.perf_counter()
        articles = store.count_articles()
    sizes = [b - a for a, b in zip([0, *counts], counts, strict=False)]
    costs = tuple(
        round((marks[i + 1] - marks[i]) / sizes[i], 4) for i in range(len(sizes)) if sizes[i]
    )
    return {
        "engine": engine,
        "articles": articles,
        "ingest_seconds": round(ingested - start, 2),
        "analyze_seconds": round(analyzed - ingested, 2),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "round_size": round_size,
        "round_costs": costs,
    }


def run_one(corpus: Path, size: int, engine: str, round_size: int, work: Path) -> ScaleRun:
    """`measure_here` in a new Python process (so its peak memory is its own)."""
    db = work / f"scale-{engine}-{size}.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    out = work / f"scale-{engine}-{size}.json"
    command = [
        sys.executable, "-m", "parallax.bench.scale",
        "--corpus", str(corpus), "--db", str(db), "--engine", engine,
        "--round", str(round_size), "--out", str(out),
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run(command, check=True, env=env)  # noqa: S603 - our own module, fixed arguments
    found = json.loads(out.read_text(encoding="utf-8"))
    found["round_costs"] = tuple(found["round_costs"])
    return ScaleRun(size=size, **found)


def bench_scale(
    records: Sequence[dict[str, Any]],
    sizes: Sequence[int] = SIZES,
    engines: Sequence[str] = ENGINES,
    round_size: int | None = None,
    work: Path | None = None,
    log: Any = None,
) -> list[ScaleRun]:
    """Every (engine, size) run over the first ``size`` articles of the grown corpus."""
    from parallax.pipeline import ROUND
    from parallax.scale.synthetic import write_corpus

    runs = []
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        folder = Path(tmp)
        for size in sizes:
            corpus = folder / f"corpus-{size}.jsonl"
            write_corpus(records, size, corpus)
            for engine in engines:
                if log is not None:
                    log(f"{engine}: {size} articles")
                run = run_one(corpus, size, engine, round_size or ROUND, folder)
                runs.append(run)
                if log is not None:
                    log(
                        f"{engine}: {size} articles analyzed in {run.analyze_seconds:.0f}s, "
                        f"peak {run.peak_rss_mb:.0f} MB"
                    )
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
            "second's"
        )
    )
    for column in ("engine", "articles", "ingest art/s", "analyze art/s", "peak RSS MB",
                   "cost ratio", "RSS ratio", "round growth"):
        table.add_column(column, justify="left" if column == "engine" else "right")
    base: dict[str, ScaleRun] = {}
    for run in sorted(runs, key=lambda r: (r.engine != "local", r.engine, r.size)):
        ref = base.setdefault(run.engine, run)
        cost = run.analyze_seconds / run.articles if run.articles else 0.0
        ref_cost = ref.analyze_seconds / ref.articles if ref.articles else 0.0
        growth = run.round_growth
        table.add_row(
            run.engine,
            str(run.articles),
            f"{run.articles / run.ingest_seconds:.0f}" if run.ingest_seconds else "-",
            f"{run.per_second:.2f}",
            f"{run.peak_rss_mb:.0f}",
            f"{cost / ref_cost:.2f}x" if ref_cost else "-",
            f"{run.peak_rss_mb / ref.peak_rss_mb:.2f}x" if ref.peak_rss_mb else "-",
            f"{growth:.2f}x" if growth is not None else "-",
        )
    return table


def run_scale_bench(
    data: Path,
    sizes: Sequence[int] = SIZES,
    engines: Sequence[str] = ENGINES,
    round_size: int | None = None,
) -> Any:
    """Grow the corpus, run every size and engine, return the table (for `run_bench`)."""
    from parallax.bench import load_records

    def log(message: str) -> None:
        print(f"[bench scale] {message}", file=sys.stderr, flush=True)

    records = load_records(data, None)
    runs = bench_scale(records, sizes, engines, round_size, log=log)
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
    found = measure_here(args.corpus, args.db, args.engine, args.round_size)
    args.out.write_text(json.dumps(found), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

__all__ = ["ScaleRun", "bench_scale", "measure_here", "run_one", "run_scale_bench", "scale_table"]
