"""Article body extraction, scored the way the scrapinghub article-extraction-benchmark scores it.

The benchmark (github.com/scrapinghub/article-extraction-benchmark, ``evaluate.py``) compares
each page's predicted ``articleBody`` with the ground truth as multisets of 4-word shingles
(tokens are ``\\w+`` runs). Per page, TP/FP/FN are normalised to sum to one so long pages do not
weigh more; precision is averaged over pages with a non-empty prediction, recall over pages with
a non-empty truth, and F1 is the harmonic mean of those two averages (not a mean of per-page
F1). Accuracy is the share of pages whose token sequence equals the truth exactly. The ``±`` in
the benchmark's README is the standard deviation of each metric over 1,000 bootstrap resamples
of the pages. Everything here follows that code; only the random generator is seeded, so our
``±`` is close to, not identical with, the published one.

`score` runs Parallax's HTML cleaner and a plain ``trafilatura.extract`` on every page in the
same process pool, re-scores every tool output in ``output/`` and prints them beside the
figures published in the folder's ``README.rst``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

#: Shingle length used by the benchmark.
NGRAM_N = 4
#: Published and reproduced F1 must agree within this to count as reproduced.
REPRODUCE_TOLERANCE = 0.005
#: Where the data sits relative to the repository (``make eval`` passes ``--data`` anyway).
DEFAULT_DATA = Path("../shared/data/extraction-scrapinghub")
#: Folder name of this benchmark inside a data root such as ``../shared/data``.
DATASET_DIRNAME = "extraction-scrapinghub"

# The benchmark's tokeniser, flags included (IGNORECASE/MULTILINE/DOTALL change nothing for \w+).
_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)

#: (tp, fp, fn) for one page, normalised to sum to 1 (all zero when both texts are empty).
Counts = tuple[float, float, float]

#: Output files whose stem differs from the name in the README table.
_README_ALIASES: dict[str, tuple[str, ...]] = {
    "newspaper": ("newspaper4k", "newspaper3k"),
    "readability": ("readability", "readability-lxml"),
}


def tokenize(text: str | None) -> list[str]:
    """Tokens as the benchmark sees them: runs of word characters, case kept."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of ``n``-token shingles; a text shorter than ``n`` tokens is one shingle."""
    return _shingles_of(tokenize(text), n)


def _shingles_of(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def shingle_matching(true: str | None, pred: str | None, n: int = NGRAM_N) -> Counts:
    """Per-page TP/FP/FN over shingle counts, normalised so the three sum to 1.

    TP sums ``min(true, pred)`` per shingle; FP and FN are what is left of each side, which is
    the benchmark's ``max(0, pred - true)`` and ``max(0, true - pred)`` summed.
    """
    return _matching(shingles(true, n), shingles(pred, n))


def _matching(true_sh: Counter[tuple[str, ...]], pred_sh: Counter[tuple[str, ...]]) -> Counts:
    small, large = (true_sh, pred_sh) if len(true_sh) <= len(pred_sh) else (pred_sh, true_sh)
    tp = float(sum(min(c, large[k]) for k, c in small.items() if k in large))
    fp = sum(pred_sh.values()) - tp
    fn = sum(true_sh.values()) - tp
    total = tp + fp + fn
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def precision_score(tp: float, fp: float, fn: float) -> float:
    """Page precision; 1.0 when nothing is wrong, 0.0 when nothing was predicted right."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    """Page recall; 1.0 when nothing is wrong, 0.0 when nothing true was found."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics_from_counts(counts: Sequence[Counts]) -> dict[str, float]:
    """Precision, recall and F1 over pages, as the benchmark aggregates them.

    Pages with an empty prediction (``tp + fp == 0``) are left out of the precision mean and
    count as zero recall; pages with an empty truth are left out of the recall mean. An empty
    mean is 0.0 here (the benchmark would raise).
    """
    precisions = [precision_score(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [recall_score(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def exact_match(true: str | None, pred: str | None) -> float:
    """The benchmark's accuracy for one page: 1.0 when the token sequences are equal."""
    return float(tokenize(true) == tokenize(pred))


@dataclass(frozen=True)
class Scores:
    """Benchmark metrics for one system, each with its bootstrap standard deviation."""

    f1: float
    precision: float
    recall: float
    accuracy: float
    f1_std: float = 0.0
    precision_std: float = 0.0
    recall_std: float = 0.0
    accuracy_std: float = 0.0
    pages: int = 0

    def as_dict(self) -> dict[str, float]:
        """Plain numbers, for JSON output and the gate."""
        return {
            "f1": self.f1,
            "precision": self.precision,
            "recall": self.recall,
            "accuracy": self.accuracy,
            "f1_std": self.f1_std,
            "precision_std": self.precision_std,
            "recall_std": self.recall_std,
            "accuracy_std": self.accuracy_std,
        }


def _bootstrap_std(
    counts: Sequence[Counts], accuracies: Sequence[float], n_bootstrap: int, seed: int
) -> dict[str, float]:
    """Standard deviation of each metric over resamples of the pages, with replacement.

    Same aggregation as `metrics_from_counts`, with the per-page scores computed once.
    """
    n = len(counts)
    samples: dict[str, list[float]] = {"f1": [], "precision": [], "recall": [], "accuracy": []}
    if n == 0 or n_bootstrap < 2:
        return {k: 0.0 for k in samples}
    p_val = [precision_score(*c) if c[0] + c[1] > 0 else 0.0 for c in counts]
    p_use = [1 if c[0] + c[1] > 0 else 0 for c in counts]
    r_val = [recall_score(*c) if c[0] + c[2] > 0 else 0.0 for c in counts]
    r_use = [1 if c[0] + c[2] > 0 else 0 for c in counts]
    rng = random.Random(seed)
    population = range(n)
    for _ in range(n_bootstrap):
        idx = rng.choices(population, k=n)
        p_n, r_n = sum(p_use[i] for i in idx), sum(r_use[i] for i in idx)
        precision = sum(p_val[i] for i in idx) / p_n if p_n else 0.0
        recall = sum(r_val[i] for i in idx) / r_n if r_n else 0.0
        both = precision + recall
        samples["precision"].append(precision)
        samples["recall"].append(recall)
        samples["f1"].append(2 * precision * recall / both if both > 0 else 0.0)
        samples["accuracy"].append(sum(accuracies[i] for i in idx) / n)
    return {k: statistics.stdev(v) for k, v in samples.items()}


def evaluate(
    truth: Mapping[str, str | None],
    prediction: Mapping[str, str | None],
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> Scores:
    """Score ``prediction`` against ``truth`` (both: page id -> article body).

    A page missing from ``prediction`` counts as an empty prediction (the benchmark refuses
    mismatched keys; we score instead and let the empty prediction cost recall).
    """
    counts: list[Counts] = []
    accuracies: list[float] = []
    for key, true in truth.items():
        true_tokens, pred_tokens = tokenize(true), tokenize(prediction.get(key))
        counts.append(_matching(_shingles_of(true_tokens, NGRAM_N),
                                _shingles_of(pred_tokens, NGRAM_N)))
        accuracies.append(float(true_tokens == pred_tokens))
    metrics = metrics_from_counts(counts)
    accuracy = statistics.fmean(accuracies) if accuracies else 0.0
    std = _bootstrap_std(counts, accuracies, n_bootstrap, seed)
    return Scores(
        f1=metrics["f1"],
        precision=metrics["precision"],
        recall=metrics["recall"],
        accuracy=accuracy,
        f1_std=std["f1"],
        precision_std=std["precision"],
        recall_std=std["recall"],
        accuracy_std=std["accuracy"],
        pages=len(counts),
    )


# --- the data folder ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One row of a results table in the benchmark's README."""

    name: str
    version: str
    f1: float
    precision: float
    recall: float
    accuracy: float | None
    section: str


_ROW_RE = re.compile(
    r"^\s+(?P<name>[A-Za-z][\w.\-]*)\s+(?P<version>\S.*?)\s+"
    r"(?P<f1>\d\.\d+)\s*±\s*\d\.\d+\s+"
    r"(?P<precision>\d\.\d+)\s*±\s*\d\.\d+\s+"
    r"(?P<recall>\d\.\d+)\s*±\s*\d\.\d+"
    r"(?:\s+(?P<accuracy>\d\.\d+)\s*±\s*\d\.\d+)?\s*$"
)


def published_figures(readme: str) -> list[Published]:
    """Rows of every results table in the README, newest table first, in README order."""
    rows: list[Published] = []
    section = ""
    for line in readme.splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith("::"):
            section = line.rstrip(":").strip()
            continue
        m = _ROW_RE.match(line)
        if m:
            acc = m.group("accuracy")
            rows.append(
                Published(
                    name=m.group("name"),
                    version=m.group("version").strip(),
                    f1=float(m.group("f1")),
                    precision=float(m.group("precision")),
                    recall=float(m.group("recall")),
                    accuracy=float(acc) if acc else None,
                    section=section,
                )
            )
    return rows


def match_published(
    stem: str, version: str | None, rows: Sequence[Published]
) -> Published | None:
    """The README row for an output file: same name (or a known alias), same version if known.

    Without a version the newest row of that name wins, as the README lists newest first.
    """
    names = (stem, *_README_ALIASES.get(stem, ()))
    candidates = [r for r in rows if r.name in names]
    if version:
        for row in candidates:
            if row.version == version:
                return row
    return candidates[0] if candidates else None


def resolve_data_dir(data: Path) -> Path | None:
    """The benchmark folder: ``data`` itself, or ``data/extraction-scrapinghub``."""
    for candidate in (data, data / DATASET_DIRNAME):
        if (candidate / "ground-truth.json").is_file():
            return candidate
    return None


def load_ground_truth(data_dir: Path) -> dict[str, str]:
    """Page id -> true article body."""
    raw = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: str(v.get("articleBody") or "") for k, v in sorted(raw.items())}


def load_tool_output(path: Path) -> tuple[dict[str, str | None], str | None]:
    """Page id -> predicted body from an ``output/*.json`` file, and the tool version if stated.

    Files may be wrapped as ``{"version": ..., "output": {...}}`` (see the benchmark README).
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    version: str | None = None
    if isinstance(raw, dict) and isinstance(raw.get("output"), dict) and "version" in raw:
        version = str(raw["version"]) or None
        raw = raw["output"]
    preds = {str(k): (v or {}).get("articleBody") for k, v in raw.items()}
    return preds, version


# --- running the extractors -------------------------------------------------------------------


@dataclass(frozen=True)
class PageResult:
    """What the extractors produced for one page, and how long they took."""

    key: str
    parallax: str
    baseline: str
    parallax_seconds: float
    baseline_seconds: float
    error: str = ""


def extract_page(path: str) -> PageResult:
    """Run Parallax's cleaner and plain trafilatura on one ``.html.gz`` page.

    A page Parallax rejects (``InputError``) predicts an empty body, which the metric charges
    as zero recall, exactly as an extractor that returned nothing; so does a page whose file
    cannot be read.
    """
    import trafilatura

    from parallax.clean.html import clean_html
    from parallax.errors import InputError

    p = Path(path)
    key = p.name.split(".")[0]
    try:
        with gzip.open(p, "rt", encoding="utf-8", errors="replace") as fh:
            html = fh.read()
    except (OSError, EOFError) as exc:  # a damaged page scores as an empty prediction
        return PageResult(key, "", "", 0.0, 0.0, f"unreadable: {exc}")
    error = ""
    t0 = time.perf_counter()
    try:
        body = clean_html(html).body
    except InputError as exc:
        body, error = "", exc.reason
    t1 = time.perf_counter()
    # The benchmark's own trafilatura run: extract(html, include_comments=False).
    baseline = trafilatura.extract(html, include_comments=False) or ""
    t2 = time.perf_counter()
    return PageResult(key, body, baseline, t1 - t0, t2 - t1, error)


def run_extractors(pages: Sequence[Path], jobs: int = 2) -> list[PageResult]:
    """Extract every page, in a process pool when ``jobs > 1``; results in page order."""
    paths = [str(p) for p in pages]
    if jobs <= 1:
        return [extract_page(p) for p in paths]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(extract_page, paths, chunksize=4))


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the printed table."""

    name: str
    version: str
    scores: Scores
    published: Published | None = None

    @property
    def delta(self) -> float | None:
        """Reproduced minus published F1."""
        return None if self.published is None else self.scores.f1 - self.published.f1


def render_table(rows: Iterable[Row], title: str) -> Table:
    """A Rich table of systems with their scores beside the published F1."""
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("system", no_wrap=True)
    table.add_column("version", no_wrap=True)
    for name in ("F1", "±", "precision", "recall", "accuracy", "published F1", "Δ F1"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in rows:
        s = row.scores
        delta = row.delta
        if delta is None:
            delta_cell = ""
        else:
            style = "green" if abs(delta) <= REPRODUCE_TOLERANCE else "red"
            delta_cell = f"[{style}]{round(delta, 3) + 0.0:+.3f}[/{style}]"
        table.add_row(
            row.name,
            row.version,
            f"{s.f1:.3f}",
            f"{s.f1_std:.3f}",
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.accuracy:.3f}",
            f"{row.published.f1:.3f}" if row.published else "",
            delta_cell,
        )
    return table


def score(
    data_dir: Path,
    *,
    n_bootstrap: int = 1000,
    jobs: int = 2,
    seed: int = 0,
    console: Console | None = None,
) -> dict[str, float]:
    """Score Parallax, plain trafilatura and every tool in ``output/`` on the benchmark.

    Prints a Rich table and returns flat numbers: ``f1``/``precision``/``recall``/``accuracy``
    for Parallax, the same with a ``baseline_`` prefix for trafilatura run here,
    ``reproduced`` (tools whose F1 is within 0.005 of the README), ``compared`` (tools that
    have a published figure), ``pages`` and ``seconds`` (Parallax's extraction time, summed
    over pages). Raises FileNotFoundError when ``data_dir`` holds no ``ground-truth.json``.
    """
    import trafilatura

    from parallax import __version__ as parallax_version

    console = console or Console()
    found = resolve_data_dir(data_dir)
    if found is None:
        raise FileNotFoundError(f"no ground-truth.json in {data_dir}")
    data_dir = found
    truth = load_ground_truth(data_dir)
    readme = data_dir / "README.rst"
    published = published_figures(readme.read_text(encoding="utf-8")) if readme.is_file() else []

    pages = [data_dir / "html" / f"{key}.html.gz" for key in truth]
    present = [p for p in pages if p.is_file()]
    if len(present) < len(pages):
        console.print(f"[yellow]{len(pages) - len(present)} pages have no html file[/yellow]")
    wall = time.perf_counter()
    results = run_extractors(present, jobs=jobs)
    wall = time.perf_counter() - wall

    ours = evaluate(truth, {r.key: r.parallax for r in results}, n_bootstrap, seed)
    base = evaluate(truth, {r.key: r.baseline for r in results}, n_bootstrap, seed)
    rows = [
        Row("parallax", parallax_version, ours),
        Row("trafilatura (here)", trafilatura.__version__, base,
            match_published("trafilatura", None, published)),
    ]
    tool_rows: list[Row] = []
    out_dir = data_dir / "output"
    for path in sorted(out_dir.glob("*.json")) if out_dir.is_dir() else []:
        preds, version = load_tool_output(path)
        row = match_published(path.stem, version, published)
        tool_rows.append(
            Row(path.stem, version or (row.version if row else ""),
                evaluate(truth, preds, n_bootstrap, seed), row)
        )
    tool_rows.sort(key=lambda r: -r.scores.f1)
    compared = [r for r in tool_rows if r.delta is not None]
    reproduced = [r for r in compared if abs(r.delta or 0.0) <= REPRODUCE_TOLERANCE]

    console.print(render_table(rows + tool_rows, f"Article body extraction: {data_dir}"))
    failures = sum(1 for r in results if r.error)
    para_s = sum(r.parallax_seconds for r in results)
    base_s = sum(r.baseline_seconds for r in results)
    console.print(
        f"{len(reproduced)} of {len(compared)} published tool figures reproduced within "
        f"{REPRODUCE_TOLERANCE}. Parallax rejected {failures} of {len(results)} pages. "
        f"Extraction: parallax {para_s:.1f} s, trafilatura {base_s:.1f} s "
        f"(CPU seconds summed over pages; {wall:.1f} s wall with {jobs} process(es))."
    )
    numbers: dict[str, float] = dict(ours.as_dict())
    numbers.update({f"baseline_{k}": v for k, v in base.as_dict().items()})
    numbers.update(
        {
            "reproduced": float(len(reproduced)),
            "compared": float(len(compared)),
            "pages": float(len(truth)),
            "rejected": float(failures),
            "seconds": para_s,
            "baseline_seconds": base_s,
        }
    )
    for r in tool_rows:
        numbers[f"tool_{r.name}_f1"] = r.scores.f1
    return numbers


def main(argv: list[str] | None = None) -> int:
    """``parallax eval extraction``: 0 when scored, 2 when the data folder is missing."""
    parser = argparse.ArgumentParser(
        prog="parallax eval extraction",
        description="Score article body extraction on the scrapinghub benchmark.",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="benchmark folder (ground-truth.json, html/, output/, README.rst)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--jobs", type=int, default=2, help="extraction processes")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:  # logs and pipes: wide enough for the table on one line a row
        console = Console(width=120)
    if resolve_data_dir(args.data) is None:
        console.print(
            f"[red]No benchmark data at {args.data}[/red]: expected {args.data}/ground-truth.json "
            f"(or {args.data}/{DATASET_DIRNAME}/ground-truth.json) with html/*.html.gz. "
            "Pass the folder with --data, e.g. --data ../shared/data/extraction-scrapinghub."
        )
        return 2
    numbers = score(args.data, n_bootstrap=args.bootstrap, jobs=args.jobs, seed=args.seed,
                    console=console)
    if args.json is not None:
        args.json.write_text(json.dumps(numbers, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
