"""Nearest neighbours of embeddings: the candidate generator of the incremental clusterers.

One HNSW index (usearch) over unit vectors with cosine distance, searched and grown on one
thread so that the same inputs in the same order give the same neighbours (determinism).
"""

from __future__ import annotations

from pathlib import Path

from parallax.nlp.embeddings import Vectors


class NeighbourIndex:
    """Vectors added one at a time under string keys; `nearest` gives the closest keys."""

    def __init__(self, dim: int = 384) -> None:
        from usearch.index import Index

        self.dim = dim
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

    def save(self, folder: Path) -> None:
        """Write the index and its keys to ``folder``, each file replaced whole (the caller
        records what they hold once both are written)."""
        folder.mkdir(parents=True, exist_ok=True)
        graph, keys = folder / "index.usearch", folder / "keys.txt"
        self._index.save(str(graph.with_suffix(".tmp")))
        keys.with_suffix(".tmp").write_text("\n".join(self._keys), encoding="utf-8")
        graph.with_suffix(".tmp").replace(graph)
        keys.with_suffix(".tmp").replace(keys)

    @classmethod
    def load(cls, folder: Path, dim: int) -> NeighbourIndex:
        """An index `save` wrote: the same graph, so searches give what the saved one gave."""
        index = cls(dim)
        index._index.load(str(folder / "index.usearch"))
        text = (folder / "keys.txt").read_text(encoding="utf-8")
        index._keys = text.split("\n") if text else []
        if len(index._index) != len(index._keys):
            raise ValueError(f"{folder}: {len(index._index)} vectors but {len(index._keys)} keys")
        return index
