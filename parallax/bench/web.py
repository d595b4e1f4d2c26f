"""Web latency: p50/p95/max of the story page (HTML) and its JSON twin, 1k vs 5k articles.

The story pages render from precomputed tables, so their latency should depend on the size of
the story, not of the corpus: the 5k store is compared with a 1k store (the first 1,000 records
of the same corpus) as the baseline ratio.

Building an analyzed store means running every analysis stage over the corpus, which takes a
long time on two cores; each store is built once into a cache folder the caller names and
reused while its marker file says it was built from the same records by the same version. The
marker records how long ingest and analyze took, so the report can say what the cache saved.
A bigger store grows from the smaller one (a copy of it, plus the other records ingested and
analysed incrementally, as a newsroom's store grows), so the 5k store costs 4k articles.

Requests go over a real loopback socket to uvicorn (the server `parallax serve` runs), one at
a time, from one keep-alive httpx client: the numbers are server time plus loopback, without
connection setup. Stories are sampled deterministically: evenly spaced over the stories sorted
by size (largest first), so big and small stories are both measured.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from parallax import __version__
from parallax.settings import Settings

#: Corpus sizes measured: the first is the baseline.
SIZES = (1000, 5000)
#: Stories sampled per store.
SAMPLE_STORIES = 20
#: Timed requests per story and format (after one untimed warm-up request).
REQUESTS_PER_STORY = 5


@dataclass(frozen=True)
class BuiltStore:
    """An analyzed store on disk and what building it cost (read back from its marker)."""

    db: Path
    records: int
    articles: int
    stories: int
    ingest_seconds: float
    analyze_seconds: float
    reused: bool
    #: the smaller store this one grew from (its articles were copied, then the rest added and
    #: analysed incrementally, as a newsroom's store grows); None when built from nothing
    extends: str | None = None


@dataclass(frozen=True)
class Latency:
    """Latency of one kind of request, in milliseconds."""

    name: str
    requests: int
    p50: float
    p95: float
    max: float
    mean_bytes: float


@dataclass(frozen=True)
class WebRun:
    """The measurements over one store."""

    store: BuiltStore
    stories: tuple[str, ...]
    html: Latency
    json: Latency


def corpus_key(records: Sequence[dict[str, Any]]) -> str:
    """A hash of the records and the Parallax version: a cached store is reused only when
    both match."""
    digest = hashlib.sha256(__version__.encode())
    for record in records:
        digest.update(json.dumps(record, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:24]


def build_store(
    records: Sequence[dict[str, Any]],
    cache: Path,
    name: str,
    log: Any = None,
    base: BuiltStore | None = None,
) -> BuiltStore:
    """An analyzed SQLite store of ``records`` at ``cache/<name>.db``, built unless a complete
    build of the same records is there already (``<name>.done.json`` marks one).

    The records are written to ``cache/<name>.jsonl`` (the store's articles point at that file),
    ingested and analyzed. An interrupted build resumes: ingest skips what it committed and
    analyze picks up the articles not yet analyzed. ``log`` (a callable) hears progress.

    ``base``, a built store of the first ``base.records`` of these records, is grown instead
    of starting from nothing: it is copied, and only the other records are written (to
    ``cache/<name>.jsonl``), ingested and analyzed, incrementally.
    """
    from parallax.ingest import ingest_paths
    from parallax.pipeline import analyze
    from parallax.store import SQLiteStore

    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"{name}.db"
    marker = cache / f"{name}.done.json"
    key = corpus_key(records)
    if marker.is_file() and db.is_file():
        done = json.loads(marker.read_text(encoding="utf-8"))
        if done.get("key") == key:
            return BuiltStore(**{**done["store"], "db": db, "reused": True})
    marker.unlink(missing_ok=True)
    started = cache / f"{name}.building"
    if base is not None and not 0 < base.records <= len(records):
        raise ValueError(f"base store of {base.records} records cannot grow to {len(records)}")
    if not (started.is_file() and started.read_text(encoding="utf-8") == key):
        # A store of other records (or of an older version) is rebuilt from nothing; an
        # interrupted build of these records resumes.
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        if base is not None:
            _copy_store(base.db, db)
        started.write_text(key, encoding="utf-8")
    added = records[base.records :] if base is not None else records
    corpus = cache / f"{name}.jsonl"
    corpus.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in added), encoding="utf-8"
    )
    settings = Settings(db=str(db))
    with SQLiteStore(db) as store:
        start = time.perf_counter()
        ingest_paths([str(corpus)], store, settings)
        ingested = time.perf_counter()
        if log is not None:
            log(f"{name}: ingested {store.count_articles()} articles in {ingested - start:.1f}s")
        analyze(store, settings, on_stage=None if log is None else lambda s: log(f"{name}: {s}"))
        analyzed = time.perf_counter()
        built = BuiltStore(
            db=db,
            records=len(records),
            articles=store.count_articles(),
            stories=len(store.list_stories()),
            ingest_seconds=round(ingested - start, 1),
            analyze_seconds=round(analyzed - ingested, 1),
            reused=False,
            extends=base.db.stem if base is not None else None,
        )
    fields = {k: v for k, v in asdict(built).items() if k not in ("db", "reused")}
    marker.write_text(json.dumps({"key": key, "store": fields}, indent=1), encoding="utf-8")
    started.unlink(missing_ok=True)
    if log is not None:
        log(f"{name}: analyzed in {built.analyze_seconds:.1f}s")
    return built


def _copy_store(source: Path, target: Path) -> None:
    """A consistent copy of the SQLite store ``source`` at ``target`` (SQLite's backup API,
    into a temporary file renamed at the end, so a killed copy leaves no half store)."""
    import sqlite3

    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    partial.replace(target)


def sample_stories(stories: Sequence[dict[str, Any]], count: int) -> list[str]:
    """``count`` story ids evenly spaced over ``stories`` (as `Store.list_stories` orders them:
    largest first), always including the largest and the smallest."""
    ids = [s["story_id"] for s in stories]
    if len(ids) <= count:
        return ids
    if count == 1:
        return ids[:1]
    picks = sorted({round(i * (len(ids) - 1) / (count - 1)) for i in range(count)})
    return [ids[i] for i in picks]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of the values
    at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def latency(name: str, millis: Sequence[float], sizes: Sequence[int]) -> Latency:
    """Summary of one kind of request."""
    return Latency(
        name,
        len(millis),
        round(percentile(millis, 0.50), 2),
        round(percentile(millis, 0.95), 2),
        round(max(millis), 2),
        round(statistics.fmean(sizes), 0),
    )


@contextmanager
def served(db: Path) -> Iterator[str]:
    """Serve the store at ``db`` with ``parallax serve`` in its own process, as a user would,
    on a free loopback port; yields the base URL once it answers.

    Not a uvicorn thread in this process: an httpx client in the same process as the server
    waited about 40 ms on every request (2 ms from another process), which swamped the pages'
    own cost.
    """
    import socket
    import subprocess
    import sys
    import tempfile

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from parallax.cli import main; main()",
               "--db", str(db), "serve", "--port", str(port)]
    # the server's log goes to a file, not a pipe nobody reads (a full pipe would stall it)
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            command, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    said = log.read().decode(errors="replace")[-500:]
                    raise RuntimeError(f"parallax serve exited with {server.returncode}: {said}")
                try:
                    if httpx.get(f"{base}/openapi.json", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("parallax serve did not answer within 60 s")
                time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def measure(built: BuiltStore, sample: int = SAMPLE_STORIES,
            requests: int = REQUESTS_PER_STORY) -> WebRun:
    """Time ``requests`` GETs of each sampled story's page and of its JSON twin from
    `parallax serve` over a real socket, after one untimed request of each (templates
    compiled, caches warm)."""
    import httpx

    from parallax.store import SQLiteStore

    with SQLiteStore(built.db) as store:
        stories = sample_stories(store.list_stories(), sample)
        timings: dict[str, list[float]] = {"html": [], "json": []}
        sizes: dict[str, list[int]] = {"html": [], "json": []}
        with served(built.db) as base, httpx.Client(base_url=base, timeout=120) as http:
            for story_id in stories:
                paths = {"html": f"/stories/{story_id}", "json": f"/stories/{story_id}.json"}
                for path in paths.values():
                    http.get(path).raise_for_status()
                for _ in range(requests):
                    for kind, path in paths.items():
                        start = time.perf_counter()
                        response = http.get(path)
                        elapsed = time.perf_counter() - start
                        response.raise_for_status()
                        timings[kind].append(elapsed * 1000)
                        sizes[kind].append(len(response.content))
    return WebRun(
        built,
        tuple(stories),
        latency("story page (HTML)", timings["html"], sizes["html"]),
        latency("story JSON", timings["json"], sizes["json"]),
    )


def bench_web(
    records: Sequence[dict[str, Any]],
    cache: Path,
    sizes: Sequence[int] = SIZES,
    log: Any = None,
) -> list[WebRun]:
    """Build (or reuse) one analyzed store per size, first ``size`` records each, and measure
    each; the first size is the baseline."""
    runs: list[WebRun] = []
    for size in sizes:
        n = min(size, len(records))
        base = runs[-1].store if runs and runs[-1].store.records < n else None
        built = build_store(records[:n], cache, f"allsides-{n}", log=log, base=base)
        runs.append(measure(built))
    return runs


def web_table(runs: Sequence[WebRun]) -> Any:
    """The latency table: one row per store and kind, ratios against the first store."""
    from rich.table import Table

    table = Table(
        title=(
            f"Story page latency over a real socket, AllSides corpus ({SAMPLE_STORIES} stories "
            f"sampled by size, {REQUESTS_PER_STORY} timed requests each; first store is the "
            "baseline)"
        )
    )
    for column in ("store", "stories", "analyze s", "request", "n", "p50 ms", "p95 ms", "max ms",
                   "mean KB", "p50 ratio", "p95 ratio"):
        table.add_column(column, justify="left" if column in ("store", "request") else "right")
    base = runs[0]
    for run in runs:
        built = run.store
        label = (
            f"{built.articles} articles"
            + (f" (grown from {built.extends})" if built.extends else "")
            + (" (cached)" if built.reused else "")
        )
        for kind, lat, ref in (("html", run.html, base.html), ("json", run.json, base.json)):
            table.add_row(
                label if kind == "html" else "",
                str(built.stories) if kind == "html" else "",
                f"{built.analyze_seconds:.0f}" if kind == "html" else "",
                lat.name,
                str(lat.requests),
                f"{lat.p50:.1f}",
                f"{lat.p95:.1f}",
                f"{lat.max:.1f}",
                f"{lat.mean_bytes / 1024:.1f}",
                f"{lat.p50 / ref.p50:.2f}x" if ref.p50 else "-",
                f"{lat.p95 / ref.p95:.2f}x" if ref.p95 else "-",
            )
    return table


def run_web_bench(data: Path, cache: Path, sizes: Sequence[int] = SIZES) -> Any:
    """Build or reuse the stores under ``cache`` and return the latency table (for
    `parallax.bench.run_bench`); progress of a build goes to stderr."""
    import sys

    from parallax.bench import load_records

    def log(message: str) -> None:
        print(f"[bench web] {message}", file=sys.stderr, flush=True)

    records = load_records(data, max(sizes))
    return web_table(bench_web(records, cache, sizes, log=log))
