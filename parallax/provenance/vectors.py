"""Sentence and lead embeddings for the provenance stages, shared between them within a process.

Embedding is the slow part of provenance (tens to hundreds of texts a second on a small CPU), so
each text is embedded at most once per process while it stays in a bounded cache, and lead
vectors may come from elsewhere (a `LeadSource`, such as the lead vectors the nlp stage stores).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from parallax.nlp.embeddings import Embedder, Vectors, load_embedder
from parallax.store import Store

#: Lead vectors already computed elsewhere, by article id (ids it lacks are embedded here).
LeadSource = Callable[[Store, Sequence[str]], Mapping[str, npt.NDArray[np.float32]]]

_CACHE: OrderedDict[tuple[str, bytes], npt.NDArray[np.float32]] = OrderedDict()
#: About 45 MB of 384-dimensional float32 vectors.
CACHE_SIZE = 30_000


class TextVectors:
    """Embeds texts with one embedder (loaded on first use), through the process-wide cache."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        """The embedder, loaded when first needed."""
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit row per text."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        name = self.embedder.name
        keys = [(name, hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest()) for t in texts]
        missing: dict[tuple[str, bytes], str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key in _CACHE:
                _CACHE.move_to_end(key)
            else:
                missing.setdefault(key, text)
        fresh = self.embedder.encode(list(missing.values())) if missing else None
        found = {key: fresh[i] for i, key in enumerate(missing)} if fresh is not None else {}
        rows = np.stack([found[k] if k in found else _CACHE[k] for k in keys])
        for key, vector in found.items():
            _CACHE[key] = vector
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return rows.astype(np.float32)

    def leads(
        self,
        store: Store,
        ids: Iterable[str],
        text_of: Callable[[str], str],
        source: LeadSource | None = None,
    ) -> dict[str, npt.NDArray[np.float32]]:
        """Lead vectors by article id: from ``source`` where it has them, else embedded from
        ``text_of(article_id)``, which is asked only for those (it may read the body)."""
        ordered = sorted(set(ids))
        given = dict(source(store, ordered)) if source is not None else {}
        todo = [a for a in ordered if a not in given]
        computed = self.encode([text_of(a) for a in todo])
        given.update({a: computed[i] for i, a in enumerate(todo)})
        return given
