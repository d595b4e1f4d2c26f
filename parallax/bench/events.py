"""Event clustering speed: throughput, and how the cost per article grows with the corpus.

The features (spaCy entities, MiniLM lead vectors, dates, occasions) are computed once for the
largest size; then the same clusterer runs from scratch over the first 1k and over all 5k
articles. With ANN candidates the cost per article should stay about flat (goal: at most 1.2x
from 1k to 5k); the baseline, average-linkage agglomerative clustering of the same lead vectors
(what the evaluation's embedding baseline does), compares every pair and grows with the corpus.

Each run is repeated and the fastest kept, since one run on a busy machine times the machine.
HNSW's search visits about as many vectors as a 1k corpus holds, so 1k -> 5k is where its cost
per article rises most; `bench_neighbour_index` measures the index alone further out (the 5k
leads, then noisy copies of them up to 100k), where the cost per search should stay about flat.

To keep `make bench` within minutes on two cores, entities are read from the first
`LEAD_CHARS` characters of each body (the lead and the next paragraphs, where an article names
its participants); the vectors are exactly those of the stage.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.bench import Timing, timed
from parallax.events.cluster import EventModel, cluster
from parallax.events.features import EventFeatures, event_features, lead_text

#: Characters of each body annotated for the bench's features.
LEAD_CHARS = 700
#: Corpus sizes compared; the growth ratio is the cost per article at the last over the first.
SIZES = (1000, 5000)
#: Times each clustering run is repeated; the fastest counts (as `timeit` does: the slower
#: ones measured the machine's other work, not the clusterer).
REPEATS = 3
#: Sizes of the neighbour-index measurement, beyond the corpus's 5,000 leads.
INDEX_SIZES = (5000, 20000, 100000)
#: Spread of the noise added to a lead vector to make a further one (before normalising).
INDEX_NOISE = 0.02


@dataclass(frozen=True)
class Growth:
    """Cost per article at the smallest and largest size, and their ratio."""

    name: str
    small: Timing
    large: Timing

    @property
    def ratio(self) -> float:
        """Seconds per article at the large size over seconds per article at the small."""
        per_small = self.small.seconds / self.small.items
        per_large = self.large.seconds / self.large.items
        return per_large / per_small if per_small else float("inf")


def corpus_features(records: Sequence[dict[str, Any]]) -> list[EventFeatures]:
    """Event features of AllSides records, computed as the Annotate stage does."""
    from parallax.nlp.annotate import annotate
    from parallax.nlp.embeddings import DEFAULT_BACKEND, load_embedder

    titles = [str(r.get("title") or "") or None for r in records]
    bodies = [str(r.get("content_original") or "")[:LEAD_CHARS] for r in records]
    dates = [str(r.get("date") or "") or None for r in records]
    anns = annotate(bodies)
    leads = [lead_text(t, b, a) for t, b, a in zip(titles, bodies, anns, strict=True)]
    vectors = load_embedder(DEFAULT_BACKEND).encode(leads)
    ids = [f"a{i:06d}" for i in range(len(records))]
    return event_features(ids, titles, bodies, dates, anns, vectors)


def _agglomerative(features: Sequence[EventFeatures]) -> None:
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    vectors = np.stack([f.vector for f in features])
    AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.5
    ).fit(vectors)


_CLUSTERERS: tuple[tuple[str, Callable[[Sequence[EventFeatures]], Any]], ...] = (
    ("agglomerative baseline (all pairs)", _agglomerative),
    ("parallax events (ANN candidates)", cluster),
)


@dataclass(frozen=True)
class ClusteringBench:
    """What `bench_clustering` measured, and the lead vectors it clustered."""

    features: Timing
    growth: list[Growth]
    vectors: npt.NDArray[np.float32]


def bench_clustering(
    records: Sequence[dict[str, Any]], sizes: Sequence[int] = SIZES, repeats: int = REPEATS
) -> ClusteringBench:
    """Feature time for the largest size, then clustering growth for Parallax and the baseline
    (each run repeated ``repeats`` times, the fastest kept)."""
    sizes = sorted({min(s, len(records)) for s in sizes})
    largest = sizes[-1]
    holder: list[list[EventFeatures]] = []
    features_timing = timed(
        f"nlp features (spaCy on first {LEAD_CHARS} chars + MiniLM leads)",
        largest,
        lambda: holder.append(corpus_features(records[:largest])),
    )
    features = holder[0]
    growth = []
    for _, run in _CLUSTERERS:  # warm up: imports and first-call costs are not clustering
        run(features[: min(50, len(features))])
    for name, run in _CLUSTERERS:
        runs = [
            _timed_run(f"{name}, {n} articles", run, features[:n], repeats)
            for n in (sizes[0], largest)
        ]
        growth.append(Growth(name, runs[0], runs[-1]))
    vectors = np.stack([f.vector for f in features]).astype(np.float32)
    return ClusteringBench(features_timing, growth, vectors)


def _timed_run(
    label: str,
    run: Callable[[Sequence[EventFeatures]], Any],
    features: Sequence[EventFeatures],
    repeats: int = 1,
) -> Timing:
    times = [timed(label, len(features), lambda: run(features)) for _ in range(max(1, repeats))]
    return min(times, key=lambda t: t.seconds)


@dataclass(frozen=True)
class IndexCost:
    """The neighbour index's cost per article at one size: an insert, and a search for the
    clusterer's neighbours."""

    size: int
    insert_ms: float
    search_ms: float


def bench_neighbour_index(
    vectors: npt.NDArray[np.float32],
    sizes: Sequence[int] = INDEX_SIZES,
    neighbours: int = EventModel().neighbours,
    probes: int = 500,
    seed: int = 0,
) -> list[IndexCost]:
    """What the clusterer's candidate search costs per article as the corpus grows past the
    real leads: the leads, then copies of them with a little noise (``INDEX_NOISE``; a copy
    sits near its lead as a second article on the same happening does), inserted in order;
    then ``probes`` of the vectors searched for ``neighbours`` (the fastest of `REPEATS`
    passes). Each size builds its own index from scratch, so its inserts are timed at their
    own size."""
    from parallax.nlp.neighbours import NeighbourIndex

    rng = np.random.default_rng(seed)
    found = []
    for size in sizes:
        grown = [vectors]
        while sum(len(v) for v in grown) < size:
            noisy = vectors + rng.normal(0, INDEX_NOISE, vectors.shape).astype(np.float32)
            grown.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
        pool = np.concatenate(grown)[:size].astype(np.float32)
        index = NeighbourIndex(int(pool.shape[1]))
        start = time.perf_counter()
        for i, vector in enumerate(pool):
            index.add(f"v{i}", vector)
        inserted = time.perf_counter() - start
        asked = pool[rng.choice(len(pool), size=min(probes, len(pool)), replace=False)]
        searched = math.inf
        for _ in range(REPEATS):  # the same searches again: the fastest pass counts
            start = time.perf_counter()
            for vector in asked:
                index.nearest(vector, neighbours)
            searched = min(searched, time.perf_counter() - start)
        found.append(
            IndexCost(size, 1000 * inserted / len(pool), 1000 * searched / len(asked))
        )
    return found
