"""Event clustering speed: throughput, and how the cost per article grows with the corpus.

The features (spaCy entities, MiniLM lead vectors, dates, occasions) are computed once for the
largest size; then the same clusterer runs from scratch over the first 1k and over all 5k
articles. With ANN candidates the cost per article should stay about flat (goal: at most 1.2x
from 1k to 5k); the baseline, average-linkage agglomerative clustering of the same lead vectors
(what the evaluation's embedding baseline does), compares every pair and grows with the corpus.

To keep `make bench` within minutes on two cores, entities are read from the first
`LEAD_CHARS` characters of each body (the lead and the next paragraphs, where an article names
its participants); the vectors are exactly those of the stage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from parallax.bench import Timing, timed
from parallax.events.cluster import cluster
from parallax.events.features import EventFeatures, event_features, lead_text

#: Characters of each body annotated for the bench's features.
LEAD_CHARS = 700
#: Corpus sizes compared; the growth ratio is the cost per article at the last over the first.
SIZES = (1000, 5000)


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


def bench_clustering(
    records: Sequence[dict[str, Any]], sizes: Sequence[int] = SIZES
) -> tuple[Timing, list[Growth]]:
    """Feature time for the largest size, then clustering growth for Parallax and the baseline."""
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
        runs = [_timed_run(f"{name}, {n} articles", run, features[:n]) for n in (sizes[0], largest)]
        growth.append(Growth(name, runs[0], runs[-1]))
    return features_timing, growth


def _timed_run(
    label: str,
    run: Callable[[Sequence[EventFeatures]], Any],
    features: Sequence[EventFeatures],
) -> Timing:
    return timed(label, len(features), lambda: run(features))
