"""Speed runs, reported as ratios against a baseline run in the same process (`make bench`).

Wall-clock numbers vary between machines; the ratio to a well-known tool measured seconds
earlier on the same machine does not, much. No test asserts a time.
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from parallax.settings import Settings

CORPUS = Path("corpus-allsides") / "allsides-5k.jsonl.gz"
PAGES = Path("extraction-scrapinghub") / "html"


@dataclass(frozen=True)
class Timing:
    """One measured run."""

    name: str
    items: int
    seconds: float

    @property
    def per_second(self) -> float:
        """Items per second."""
        return self.items / self.seconds if self.seconds else float("inf")


def timed(name: str, items: int, work: Callable[[], Any]) -> Timing:
    """Run ``work`` once and time it."""
    start = time.perf_counter()
    work()
    return Timing(name, items, time.perf_counter() - start)


def _paragraph_html(text: str) -> str:
    from html import escape

    paras = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
    return f"<html><body><article>{paras}</article></body></html>"


def load_records(data: Path, limit: int | None) -> list[dict[str, Any]]:
    """The AllSides benchmark records, the first ``limit`` of them when given."""
    with gzip.open(data / CORPUS, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return records if limit is None else records[:limit]


def bench_ingest(data: Path, limit: int | None) -> list[Timing]:
    """Ingest + clean + store of the AllSides corpus vs trafilatura alone on the same texts."""
    import trafilatura

    from parallax.ingest import ingest_paths
    from parallax.store import SQLiteStore

    records = load_records(data, limit)
    texts = [str(r.get("content_original") or "") for r in records]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        settings = Settings(db=str(Path(tmp) / "bench.db"))

        def parallax_run() -> None:
            with SQLiteStore(settings.db) as store:
                ingest_paths([str(corpus)], store, settings)

        ours = timed("parallax ingest+clean+store (JSONL -> SQLite)", len(records), parallax_run)
    pages = [_paragraph_html(t) for t in texts]

    def trafilatura_run() -> None:
        for page in pages:
            trafilatura.extract(page)

    base = timed("trafilatura.extract only (same texts as <p> HTML)", len(records), trafilatura_run)
    return [base, ours]


def bench_html(data: Path, limit: int | None) -> list[Timing]:
    """Parallax's HTML cleaning vs plain trafilatura.extract on the benchmark pages."""
    import trafilatura

    from parallax.clean.html import clean_html
    from parallax.errors import InputError

    files = sorted((data / PAGES).glob("*.html.gz"))[:limit]
    pages = [gzip.decompress(f.read_bytes()).decode("utf-8", errors="replace") for f in files]

    def ours() -> None:
        for page in pages:
            with suppress(InputError):
                clean_html(page)

    def base() -> None:
        for page in pages:
            trafilatura.extract(page)

    return [
        timed("trafilatura.extract only", len(pages), base),
        timed("parallax clean_html (text + metadata)", len(pages), ours),
    ]


def _table(title: str, timings: Iterable[Timing]) -> Table:
    rows = list(timings)
    table = Table(title=title)
    table.add_column("run")
    table.add_column("items", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("items/s", justify="right")
    table.add_column("ratio to baseline", justify="right")
    base = rows[0].per_second
    for t in rows:
        table.add_row(
            t.name,
            str(t.items),
            f"{t.seconds:.2f}",
            f"{t.per_second:.1f}",
            f"{t.per_second / base:.2f}x",
        )
    return table


def run_bench(data: Path, limit: int | None = None, cache: Path | None = None) -> int:
    """Print every speed table; returns a process exit code. With ``cache``, also the story
    page latency (p50/p95) on analyzed stores kept there (built once; hours for 5k on 2 cores)."""
    console = Console()
    if not (data / CORPUS).is_file():
        Console(stderr=True).print(
            f"[red]{data / CORPUS} is absent.[/] `make bench` reads ../shared/data; pass "
            "--data DIR laid out like ../shared/data."
        )
        return 2
    console.print(
        _table(
            "Ingest + clean throughput, AllSides corpus (first row is the baseline)",
            bench_ingest(data, limit),
        )
    )
    if (data / PAGES).is_dir():
        console.print(
            _table("HTML extraction, scrapinghub benchmark pages", bench_html(data, limit))
        )
    for table in _clustering_tables(load_records(data, limit), limit):
        console.print(table)
    from parallax.bench.quotes import quotes_table

    records = load_records(data, 200 if limit is None else limit)
    console.print(quotes_table([str(r.get("content_original") or "") for r in records]))
    from parallax.bench.throughput import run_throughput_bench

    # analyze vs the bare tools on the first `limit` records (2000 without one)
    for table in run_throughput_bench(data, limit, console):
        console.print(table)
    if cache is not None:
        from parallax.bench.web import SIZES, run_web_bench

        sizes = SIZES if limit is None else (max(1, limit // 5), limit)
        console.print(run_web_bench(data, cache, sizes))
    return 0


def _clustering_tables(records: list[dict[str, Any]], limit: int | None) -> list[Table]:
    from parallax.bench.events import INDEX_SIZES, bench_clustering, bench_neighbour_index

    measured = bench_clustering(records)
    features, growth = measured.features, measured.growth
    table = Table(
        title=(
            f"Event clustering, AllSides corpus: cost per article as the corpus grows "
            f"(features: {features.per_second:.1f} articles/s, computed once)"
        )
    )
    columns = ("clusterer", "small", "s", "large", "s", "articles/s (large)", "growth per article")
    for column in columns:
        table.add_column(column, justify="left" if column == "clusterer" else "right")
    for g in growth:
        table.add_row(
            g.name,
            str(g.small.items),
            f"{g.small.seconds:.2f}",
            str(g.large.items),
            f"{g.large.seconds:.2f}",
            f"{g.large.per_second:.0f}",
            f"{g.ratio:.2f}x",
        )
    sizes = INDEX_SIZES if limit is None else (limit, 4 * limit)
    costs = bench_neighbour_index(measured.vectors, sizes)
    index = Table(
        title=(
            f"Event candidates: the lead index alone, per article, past the corpus "
            f"({len(measured.vectors)} leads, then noisy copies)"
        )
    )
    for column in ("leads indexed", "insert ms", "search ms", "search vs first"):
        index.add_column(column, justify="right")
    for cost in costs:
        index.add_row(
            f"{cost.size:,}",
            f"{cost.insert_ms:.3f}",
            f"{cost.search_ms:.3f}",
            f"{cost.search_ms / costs[0].search_ms:.2f}x",
        )
    return [table, index]
