"""Nearest neighbours of embeddings: the candidate generator of the incremental clusterers.

One HNSW index (usearch) over unit vectors with cosine distance, searched and grown on one
thread so that the same inputs in the same order give the same neighbours (determinism).
"""

from __future__ import annotations

from parallax.nlp.embeddings import Vectors


class NeighbourIndex:
    """Vectors added one at a time under string keys; `nearest` gives the closest keys."""

    def __init__(self, dim: int = 384) -> None:
        from usearch.index import Index

        self._keys: list[str] = []
        self._index = Index(
            ndim=dim,
            metric="cos",
            dtype="f32",
            connectivity=16,
            expansion_add=64,
            expansion_search=64,
        )

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str, vector: Vectors) -> None:
        """Index ``vector`` under ``key``."""
        self._index.add(len(self._keys), vector, threads=1)
        self._keys.append(key)

    def nearest(self, vector: Vectors, k: int) -> list[str]:
        """Keys of up to ``k`` nearest vectors (empty when nothing is indexed)."""
        if not self._keys:
            return []
        found = self._index.search(vector, min(k, len(self._keys)), threads=1)
        return [self._keys[int(key)] for key in found.keys]
