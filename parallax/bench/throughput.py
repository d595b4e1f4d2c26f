"""Throughput: Parallax's ``analyze`` against the bare tools it is built on, same articles.

The first ``limit`` AllSides records (`DEFAULT_LIMIT` when none is given) are ingested once
into a fresh SQLite store in a temporary folder (timed, but apart: ingest has its own bench).
Then each row runs in a *new Python process* (`run_row` starts ``python -m
parallax.bench.throughput --run ...``), so no row inherits another's loaded models or caches
and each row's memory is its own:

* **Parallax analyze**: `parallax.pipeline.analyze` over the store, every stage, end to end;
  the seconds of each stage come from its report.
* **bare spaCy**: ``nlp.pipe`` over the stored (cleaned) bodies with every component of the
  model Parallax uses, with one process and with two.
* **lean script**: what a researcher would glue together for a first look: spaCy with two
  processes over the bodies, the project's MiniLM embedder on each title and lead (the first
  three sentences, taken from the spaCy parse) and MinHash LSH near-duplicates with datasketch
  (128 permutations, word 5-shingles, threshold 0.8).

Every timed piece includes loading its models, as ``analyze`` does. Peak memory is the highest
sum of the resident memory of the measuring process and all its descendants (`TreePeak`,
sampled every 0.2 s from /proc), so worker processes count; pages a forked child shares with
its parent are counted in each, as ``ps`` would. The ratios are what to read: wall-clock
seconds vary between machines, the load average printed beside them says how busy this one was.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

#: Articles measured when no limit is given (``parallax bench`` without ``--limit``).
DEFAULT_LIMIT = 2000
#: Documents per ``nlp.pipe`` batch in the spaCy rows: the batch Parallax's stages use, so a
#: two-process pass splits even a small corpus between both processes (spaCy's own default,
#: 256, would hand a 200-article corpus to one process).
SPACY_BATCH = 64
#: Sentences of the lead the lean script embeds with the title (Parallax's leads have three).
LEAD_SENTENCES = 3
#: The lean script's MinHash settings.
NUM_PERM = 128
SHINGLE_WORDS = 5
LSH_THRESHOLD = 0.8
#: Seconds between two memory samples.
SAMPLE_EVERY = 0.2

#: The rows, in table order: what `run_row` can run. The first is Parallax (the ratio's
#: numerator); ``spacy-N`` is the bare spaCy pass in N processes.
ROWS = ("parallax", "spacy-1", "spacy-2", "lean")
ROW_NAMES = {
    "parallax": "Parallax analyze",
    "spacy-1": "bare spaCy, 1 process",
    "spacy-2": "bare spaCy, 2 processes",
    "lean": "lean script",
}

_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


@dataclass(frozen=True)
class Throughput:
    """One measured row: ``articles`` processed in ``seconds`` with a process-tree peak of
    ``peak_mb``; ``stages`` holds the seconds of each stage where the run has stages."""

    name: str
    articles: int
    seconds: float
    peak_mb: float
    stages: Mapping[str, float] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        """Articles per second."""
        return self.articles / self.seconds if self.seconds else float("inf")

    def as_json(self) -> dict[str, Any]:
        """The row as plain JSON values (what a row's process hands back)."""
        return {"name": self.name, "articles": self.articles, "seconds": self.seconds,
                "peak_mb": self.peak_mb, "stages": dict(self.stages)}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Throughput:
        """The row `as_json` wrote."""
        return cls(str(value["name"]), int(value["articles"]), float(value["seconds"]),
                   float(value["peak_mb"]), {str(k): float(v) for k, v in value["stages"].items()})


@dataclass(frozen=True)
class ThroughputRun:
    """Every row over the same articles, with what the machine was doing meanwhile."""

    rows: tuple[Throughput, ...]
    ingest_seconds: float
    cpus: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    @property
    def parallax(self) -> Throughput:
        """The Parallax row (the numerator of every ratio)."""
        return self.rows[0]

    def ratios(self) -> list[float]:
        """Parallax's articles/s over each row's, in row order (1.0 for Parallax itself)."""
        ours = self.parallax.per_second
        return [ours / row.per_second if row.per_second else 0.0 for row in self.rows]


# --- memory of a process tree -------------------------------------------------------------


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc (this machine's kernel offers no children lists)."""
    found: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:  # gone since the listing
            continue
        # the command name (2nd field) may hold spaces and brackets: split after its last ")"
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            found[int(entry.name)] = int(fields[1])
    return found


def tree_pids(root: int) -> list[int]:
    """``root`` and every process descended from it (children, their children...)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE_MB
    except (OSError, IndexError, ValueError):  # the process ended meanwhile
        return 0.0


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and its descendants together, in MB."""
    return sum(_rss_mb(pid) for pid in tree_pids(root))


class TreePeak:
    """The highest `tree_rss_mb` of a process (this one by default), sampled by a daemon
    thread every ``every`` seconds while the ``with`` block runs."""

    def __init__(self, pid: int | None = None, every: float = SAMPLE_EVERY) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.every = every
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-peak", daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.mb = max(self.mb, tree_rss_mb(self.pid))

    def __enter__(self) -> TreePeak:
        self.mb = tree_rss_mb(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, tree_rss_mb(self.pid))


def measured(
    name: str, articles: int, work: Callable[[], Mapping[str, float] | None]
) -> Throughput:
    """Run ``work`` once, timing it and sampling the memory of this process's tree; what
    ``work`` returns is the row's per-stage seconds."""
    with TreePeak() as peak:
        start = time.perf_counter()
        stages = work()
        seconds = time.perf_counter() - start
    return Throughput(name, articles, seconds, peak.mb, dict(stages or {}))


# --- the timed pieces ---------------------------------------------------------------------


def prepare(records: Sequence[Mapping[str, Any]], folder: Path) -> tuple[Path, float]:
    """Ingest ``records`` (AllSides layout) into a fresh SQLite store in ``folder``; the
    store's path and the seconds ingest took."""
    from parallax.ingest import ingest_paths
    from parallax.settings import Settings
    from parallax.store import SQLiteStore

    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = folder / "throughput.db"
    settings = Settings(db=str(db))
    start = time.perf_counter()
    with SQLiteStore(db) as store:
        ingest_paths([str(corpus)], store, settings)
    return db, time.perf_counter() - start


def stored_texts(db: Path) -> list[tuple[str, str]]:
    """``(title, body)`` of every stored article, bodies as ingest cleaned them."""
    from parallax.store import SQLiteStore

    with SQLiteStore(db) as store:
        return [(a.metadata.title or "", a.body) for a in store.iter_articles()]


def time_analyze(db: Path) -> Throughput:
    """`parallax.pipeline.analyze` over every unanalysed article of the store at ``db``."""
    from parallax.pipeline import analyze
    from parallax.settings import Settings
    from parallax.store import SQLiteStore

    articles = 0

    def work() -> dict[str, float]:
        nonlocal articles
        with SQLiteStore(db) as store:
            report = analyze(store, Settings(db=str(db)))
        articles = report.articles
        return report.seconds

    row = measured(ROW_NAMES["parallax"], 0, work)
    return Throughput(row.name, articles, row.seconds, row.peak_mb, row.stages)


def _spacy() -> Any:
    import spacy

    from parallax.nlp.annotate import MODEL

    return spacy.load(MODEL)  # every component, as a researcher would load it


def time_spacy(bodies: Sequence[str], n_process: int) -> Throughput:
    """``nlp.pipe`` over ``bodies`` with every component, in ``n_process`` processes."""

    def work() -> None:
        nlp = _spacy()
        for _doc in nlp.pipe(bodies, batch_size=SPACY_BATCH, n_process=n_process):
            pass

    name = f"bare spaCy, {n_process} process{'es' if n_process > 1 else ''}"
    return measured(name, len(bodies), work)


def shingles(body: str, words: int = SHINGLE_WORDS) -> set[bytes]:
    """The word ``words``-shingles of a body, lowercased (a text shorter than that is one)."""
    tokens = body.lower().split()
    return {
        " ".join(tokens[i : i + words]).encode("utf-8")
        for i in range(max(1, len(tokens) - words + 1))
    }


def near_duplicate_pairs(bodies: Sequence[str]) -> int:
    """Pairs of bodies MinHash LSH puts together (query each, then insert it)."""
    from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    pairs = 0
    for i, body in enumerate(bodies):
        sketch = MinHash(num_perm=NUM_PERM)
        sketch.update_batch(list(shingles(body)))
        pairs += len(lsh.query(sketch))
        lsh.insert(str(i), sketch)
    return pairs


def time_lean(texts: Sequence[tuple[str, str]], n_process: int = 2) -> Throughput:
    """The lean script over ``(title, body)`` pairs: spaCy, MiniLM leads, MinHash LSH."""
    from parallax.nlp.embeddings import load_embedder

    bodies = [body for _, body in texts]

    def work() -> None:
        nlp = _spacy()
        leads = []
        for (title, _), doc in zip(
            texts, nlp.pipe(bodies, batch_size=SPACY_BATCH, n_process=n_process), strict=True
        ):
            sentences = [s.text for _, s in zip(range(LEAD_SENTENCES), doc.sents, strict=False)]
            leads.append(" ".join([title, *sentences]).strip())
        # after the spaCy pass: its worker processes are forked before onnxruntime's threads
        load_embedder().encode(leads)
        near_duplicate_pairs(bodies)

    return measured(ROW_NAMES["lean"], len(texts), work)


def run_here(kind: str, db: Path, texts: Path) -> Throughput:
    """Run row ``kind`` (one of `ROWS`) in this process: the store at ``db`` for Parallax,
    the ``(title, body)`` JSON list at ``texts`` for the others."""
    if kind == "parallax":
        return time_analyze(db)
    pairs = [(str(t), str(b)) for t, b in json.loads(texts.read_text(encoding="utf-8"))]
    if kind == "lean":
        return time_lean(pairs, 2)
    if kind in ("spacy-1", "spacy-2"):
        return time_spacy([b for _, b in pairs], int(kind.rsplit("-", 1)[1]))
    raise ValueError(f"unknown throughput row {kind!r}; choose one of {', '.join(ROWS)}")


def run_row(kind: str, db: Path, texts: Path, work: Path) -> Throughput:
    """`run_here` in a new Python process (so its models, caches and memory are its own)."""
    out = work / f"{kind}.json"
    command = [
        sys.executable, "-m", "parallax.bench.throughput", "--run", kind,
        "--db", str(db), "--texts", str(texts), "--out", str(out),
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run(command, check=True, env=env)  # noqa: S603 - our own module, fixed arguments
    return Throughput.from_json(json.loads(out.read_text(encoding="utf-8")))


def bench_throughput(
    records: Sequence[Mapping[str, Any]],
    rows: Sequence[str] = ROWS,
    log: Callable[[str], None] | None = None,
) -> ThroughputRun:
    """Ingest ``records`` once, then measure each of ``rows`` (Parallax first) in its own
    process over the stored articles."""
    load_before = os.getloadavg()
    measured_rows = []
    with tempfile.TemporaryDirectory(prefix="parallax-throughput-") as tmp:
        folder = Path(tmp)
        db, ingest_seconds = prepare(records, folder)
        texts = folder / "texts.json"
        texts.write_text(json.dumps(stored_texts(db)), encoding="utf-8")
        for kind in rows:
            if log is not None:
                log(f"{ROW_NAMES[kind]}: running")
            row = run_row(kind, db, texts, folder)
            if log is not None:
                log(f"{row.name}: {row.articles} articles in {row.seconds:.1f}s, "
                    f"peak {row.peak_mb:.0f} MB")
            measured_rows.append(row)
    return ThroughputRun(tuple(measured_rows), ingest_seconds, os.cpu_count() or 1,
                         load_before, os.getloadavg())


# --- report -------------------------------------------------------------------------------


def _load(load: Sequence[float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


def throughput_tables(run: ThroughputRun) -> list[Table]:
    """The comparison table (one row per run) and Parallax's seconds per stage."""
    ours = run.parallax
    table = Table(
        title=(
            f"Throughput on the same {ours.articles} AllSides articles, each run in its own "
            f"process ({run.cpus} CPUs, load average {_load(run.load_before)} before, "
            f"{_load(run.load_after)} after; ingest into the store took "
            f"{run.ingest_seconds:.1f}s, not counted)"
        ),
        caption=(
            "Parallax analyze: every stage, default settings. Bare spaCy: nlp.pipe of the "
            f"stored bodies, every component, batches of {SPACY_BATCH}. Lean script: spaCy "
            f"with 2 processes, MiniLM on title + first {LEAD_SENTENCES} sentences, MinHash "
            f"LSH ({NUM_PERM} permutations, word {SHINGLE_WORDS}-shingles, threshold "
            f"{LSH_THRESHOLD}). Parallax vs row = Parallax's articles/s over that row's (0.60x: "
            "Parallax goes at 0.6 times its speed). Seconds include loading the models. Peak "
            "memory = highest summed RSS of the run's process and its child processes, "
            f"sampled every {SAMPLE_EVERY} s."
        ),
    )
    table.add_column("run")
    for column in ("articles", "seconds", "articles/s", "Parallax vs row", "peak memory MB"):
        table.add_column(column, justify="right")
    for row, ratio in zip(run.rows, run.ratios(), strict=True):
        table.add_row(
            row.name,
            str(row.articles),
            f"{row.seconds:.2f}",
            f"{row.per_second:.2f}",
            f"{ratio:.2f}x",
            f"{row.peak_mb:.0f}",
        )
    stages = Table(title=f"Parallax analyze: seconds per stage ({ours.articles} articles)")
    stages.add_column("stage")
    for column in ("seconds", "share", "ms/article"):
        stages.add_column(column, justify="right")
    # what analyze does outside its stages: each round's commit and the kept index files
    rest = ("(outside stages: round commits, index files)",
            ours.seconds - sum(ours.stages.values()))
    for name, seconds in [*ours.stages.items(), rest]:
        stages.add_row(
            name,
            f"{seconds:.2f}",
            f"{seconds / ours.seconds:.0%}" if ours.seconds else "-",
            f"{1000 * seconds / ours.articles:.1f}" if ours.articles else "-",
        )
    return [table, stages]


def run_throughput_bench(
    data: Path, limit: int | None = None, console: Any = None
) -> list[Table]:
    """Measure the first ``limit`` (default `DEFAULT_LIMIT`) AllSides records of ``data``;
    the tables (for `parallax.bench.run_bench`). With a Rich ``console``, the machine's load
    and CPU count are printed before the runs start."""
    from parallax.bench import load_records

    def log(message: str) -> None:
        print(f"[bench throughput] {message}", file=sys.stderr, flush=True)

    size = DEFAULT_LIMIT if limit is None else limit
    if console is not None:
        console.print(
            f"Throughput bench: {size} articles, {os.cpu_count()} CPUs, "
            f"load average {_load(os.getloadavg())} (1, 5, 15 min)"
        )
    run = bench_throughput(load_records(data, size), log=log)
    return throughput_tables(run)


def main(argv: Sequence[str] | None = None) -> int:
    """``--run KIND``: one row in this process, its JSON written to ``--out`` (what `run_row`
    starts). Otherwise the whole throughput bench over ``--data``, printed."""
    parser = argparse.ArgumentParser(prog="python -m parallax.bench.throughput")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--run", choices=ROWS, default=None)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--texts", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.run is not None:
        if args.db is None or args.texts is None or args.out is None:
            parser.error("--run needs --db, --texts and --out")
        row = run_here(args.run, args.db, args.texts)
        args.out.write_text(json.dumps(row.as_json()), encoding="utf-8")
        return 0
    from rich.console import Console

    from parallax.bench import CORPUS

    console = Console()
    if not (args.data / CORPUS).is_file():
        Console(stderr=True).print(f"[red]{args.data / CORPUS} is absent.[/] Pass --data DIR "
                                   "laid out like ../shared/data.")
        return 2
    for table in run_throughput_bench(args.data, args.limit, console):
        console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

__all__ = [
    "DEFAULT_LIMIT",
    "ROWS",
    "Throughput",
    "ThroughputRun",
    "TreePeak",
    "bench_throughput",
    "measured",
    "near_duplicate_pairs",
    "prepare",
    "run_here",
    "run_row",
    "run_throughput_bench",
    "shingles",
    "stored_texts",
    "throughput_tables",
    "time_analyze",
    "time_lean",
    "time_spacy",
    "tree_pids",
    "tree_rss_mb",
]
