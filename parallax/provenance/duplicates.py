"""Exact and near duplicates: the same text carried more than once, with small edits at most."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

from parallax.provenance.catalog import Catalog, order_key
from parallax.provenance.text import Shingles, jaccard, shingles
from parallax.settings import Settings
from parallax.store import ProvenanceLink, Store

#: Kinds of link that say "the same text" (the syndication and paraphrase stages read them).
COPY_KINDS = frozenset({"duplicate", "near-duplicate"})


def _earliest_first(row: dict[str, Any]) -> tuple[int, float, str, str]:
    return order_key(row["published_at"], row["ingested_at"], row["article_id"])


def duplicate_links(groups: dict[str, list[dict[str, Any]]]) -> list[ProvenanceLink]:
    """Links from each later copy to the earliest article of its content-hash group."""
    links: list[ProvenanceLink] = []
    for rows in groups.values():
        if len(rows) < 2:
            continue
        ordered = sorted(rows, key=_earliest_first)
        original = ordered[0]["article_id"]
        links.extend(
            ProvenanceLink(r["article_id"], original, "duplicate", 1.0) for r in ordered[1:]
        )
    return links


class ExactDuplicates:
    """Pipeline stage: link articles whose normalised bodies are identical."""

    name = "duplicates"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("provenance.duplicate",)

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Link the new articles' duplicates (old articles in the same group are re-linked)."""
        groups = store.articles_by_content_hash(store.content_hashes(article_ids))
        links = duplicate_links(groups)
        store.add_provenance(links)
        return {"duplicate_links": len(links)}


def _low32(value: Any) -> int:
    # The shingle ids are already hashes; MinHash's 32-bit scheme needs only their low half.
    return int(value) & 0xFFFFFFFF


class Sketcher:
    """MinHash signatures of shingle sets, all with the same permutations (fixed seed)."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.seed = seed
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=_low32)

    def sketch(self, ids: Shingles) -> MinHash:
        """The signature of one shingle set."""
        m = MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashfunc=_low32,
            permutations=self._template.permutations,
            scheme=self._template.scheme,
        )
        m.update_batch(ids.tolist())
        return m


class Bands:
    """LSH banding of MinHash signatures: two signatures that agree on every value of one band
    are candidates. The band count and width are datasketch's `MinHashLSH` choice for the
    threshold, so the candidates are those its index would give.

    Keys are stable across processes (blake2b of the band's values), unlike Python's ``hash``,
    because they are stored.
    """

    def __init__(self, sketcher: Sketcher, threshold: float, shingle_size: int) -> None:
        lsh = MinHashLSH(threshold=threshold, num_perm=sketcher.num_perm)
        self.count = int(lsh.b)
        self.width = int(lsh.r)
        #: names the signature and the banding: stored keys of another scheme are not read
        self.scheme = (
            f"minhash-{sketcher.num_perm}-{sketcher.seed}-w{shingle_size}-{self.count}x{self.width}"
        )

    def keys(self, sketch: MinHash) -> list[tuple[int, int]]:
        """``(band, key)`` of each band of a signature."""
        values = np.asarray(sketch.hashvalues, dtype=np.uint64)
        return [
            (
                band,
                int.from_bytes(
                    hashlib.blake2b(
                        values[band * self.width : (band + 1) * self.width].tobytes(),
                        digest_size=8,
                    ).digest(),
                    "little",
                    signed=True,
                ),
            )
            for band in range(self.count)
        ]


#: The band row that marks an article too short to sketch (no band has a negative number).
NO_BANDS = (-1, 0)


class NearDuplicates:
    """Pipeline stage: link articles whose bodies share most of their word 5-shingles.

    Each article's MinHash signature is cut into LSH bands whose keys are kept in the store
    (`Bands`, the ``article_bands`` table): a round hashes its new articles only, finds the
    stored and new articles sharing a band with each by lookup, and confirms them by exact
    Jaccard on the shingle sets (re-read from the candidates' bodies). So a round costs what its
    articles and their candidates cost, not the corpus. Articles analysed before the table
    existed get their bands on the first round that finds them missing.
    """

    name = "near-duplicates"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("provenance.near-duplicate",)

    #: Articles hashed per read when bands are filled in for stored articles.
    BATCH = 256

    def __init__(
        self,
        threshold: float = 0.8,
        lsh_threshold: float = 0.5,
        num_perm: int = 128,
        seed: int = 1,
        shingle_size: int = 5,
        min_shingles: int = 10,
    ) -> None:
        self.threshold = threshold
        self.sketcher = Sketcher(num_perm, seed)
        self.bands = Bands(self.sketcher, lsh_threshold, shingle_size)
        self.shingle_size = shingle_size
        # Very short texts share a few shingles by chance; exact copies of them are still
        # caught by the exact-duplicate stage.
        self.min_shingles = min_shingles

    def _shingles(self, body: str) -> Shingles | None:
        ids = shingles(body, self.shingle_size)
        return ids if ids.size >= self.min_shingles else None

    def _band(
        self,
        store: Store,
        article_ids: Sequence[str],
        kept: dict[str, tuple[str, Shingles]] | None = None,
    ) -> dict[str, list[tuple[int, int]]]:
        """Store the bands of the given articles; the keys of each that has bands (and its
        content hash and shingles in ``kept``, when given)."""
        keys: dict[str, list[tuple[int, int]]] = {}
        for start in range(0, len(article_ids), self.BATCH):
            rows: list[tuple[str, int, int]] = []
            batch = store.article_bodies(article_ids[start : start + self.BATCH])
            for aid, (digest, body) in batch.items():
                ids = self._shingles(body)
                found = [NO_BANDS] if ids is None else self.bands.keys(self.sketcher.sketch(ids))
                rows.extend((aid, band, key) for band, key in found)
                if ids is not None:
                    keys[aid] = found
                    if kept is not None:
                        kept[aid] = (digest, ids)
            store.save_bands(self.bands.scheme, rows)
        return keys

    def pairs(self, store: Store, article_ids: Sequence[str]) -> dict[tuple[str, str], float]:
        """Jaccard of every near-duplicate pair with at least one new article, keyed by the
        sorted id pair (identical bodies left out: those are exact duplicates)."""
        new = sorted(set(article_ids))
        # stored articles without bands first (a store from before bands were kept), so that
        # the new articles meet them
        is_new = set(new)
        unbanded = store.unbanded_article_ids(self.bands.scheme)
        self._band(store, [a for a in unbanded if a not in is_new])
        own: dict[str, tuple[str, Shingles]] = {}
        keys = self._band(store, new, own)
        found: dict[tuple[str, str], float] = {}
        texts: dict[str, tuple[str, Shingles | None]] = dict(own)

        def text(aid: str) -> tuple[str, Shingles | None]:
            if aid not in texts:
                for other, (digest, body) in store.article_bodies([aid]).items():
                    texts[other] = (digest, self._shingles(body))
            return texts[aid]

        seen: set[tuple[str, str]] = set()
        for aid in new:
            if aid not in keys:
                continue
            digest, ids = text(aid)
            for other in sorted(store.articles_sharing_bands(self.bands.scheme, keys[aid])):
                pair = (aid, other) if aid < other else (other, aid)
                if other == aid or pair in seen:
                    continue
                seen.add(pair)
                other_digest, other_ids = text(other)
                if ids is None or other_ids is None or other_digest == digest:
                    continue
                score = jaccard(ids, other_ids)
                if score >= self.threshold:
                    found[pair] = score
            # a new article's shingles are not needed once its own candidates are checked
            texts.pop(aid, None)
        return found

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Link each new article to its near duplicates, the later copy pointing at the earlier."""
        found = self.pairs(store, article_ids)
        links: list[ProvenanceLink] = []
        if found:
            catalog = Catalog(store)
            for (a, b), score in sorted(found.items()):
                earlier, later = catalog.ordered((a, b))
                links.append(
                    ProvenanceLink(later, earlier, "near-duplicate", round(float(score), 4))
                )
        store.add_provenance(links)
        return {"near_duplicate_links": len(links)}


def copy_groups(
    store: Store, article_ids: Sequence[str], kinds: frozenset[str] = COPY_KINDS
) -> list[set[str]]:
    """The groups of articles joined, directly or through others, by links of ``kinds`` that
    contain at least one of ``article_ids`` (groups of one left out), in a stable order.

    Reads the link table once (linear in the links, not in the articles).
    """
    parent: dict[str, str] = {}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for link in store.provenance():
        if link.kind in kinds:
            parent.setdefault(link.article_id, link.article_id)
            parent.setdefault(link.source_article_id, link.source_article_id)
            ra, rb = root(link.article_id), root(link.source_article_id)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, set[str]] = {}
    for a in parent:
        members.setdefault(root(a), set()).add(a)
    wanted = {root(a) for a in article_ids if a in parent}
    return [members[r] for r in sorted(wanted)]
