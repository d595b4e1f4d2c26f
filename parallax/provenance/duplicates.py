"""Exact and near duplicates: the same text carried more than once, with small edits at most."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

from parallax.model import Article
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


def _new_articles(store: Store, article_ids: Sequence[str]) -> Iterator[Article]:
    for aid in sorted(set(article_ids)):
        article = store.get_article(aid)
        if article is not None:
            yield article


class NearDuplicates:
    """Pipeline stage: link articles whose bodies share most of their word 5-shingles.

    The new articles go into a MinHash LSH index; every stored article is then read once, in
    batches, and looked up in it, so memory grows with the new articles only. Candidates are
    confirmed by exact Jaccard on the shingle sets. Cost per run: reading and hashing every stored
    body once (linear in the corpus: about 2 ms an article on a small CPU, 10-13 s for 5,000)
    plus the lookups; persisting signatures or LSH band keys in the store would leave only the
    new articles to hash.
    """

    name = "near-duplicates"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("provenance.near-duplicate",)

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
        self.lsh_threshold = lsh_threshold
        self.sketcher = Sketcher(num_perm, seed)
        self.shingle_size = shingle_size
        # Very short texts share a few shingles by chance; exact copies of them are still
        # caught by the exact-duplicate stage.
        self.min_shingles = min_shingles

    def pairs(self, store: Store, article_ids: Sequence[str]) -> dict[tuple[str, str], float]:
        """Jaccard of every near-duplicate pair with at least one new article, keyed by the
        sorted id pair (identical bodies left out: those are exact duplicates)."""
        lsh = MinHashLSH(threshold=self.lsh_threshold, num_perm=self.sketcher.num_perm)
        sets: dict[str, Shingles] = {}
        sketches: dict[str, MinHash] = {}
        hashes: dict[str, str] = {}
        for article in _new_articles(store, article_ids):
            ids = shingles(article.body, self.shingle_size)
            if ids.size < self.min_shingles:
                continue
            sets[article.article_id] = ids
            sketches[article.article_id] = self.sketcher.sketch(ids)
            hashes[article.article_id] = article.content_hash
            lsh.insert(article.article_id, sketches[article.article_id])
        found: dict[tuple[str, str], float] = {}
        if not sets:
            return found
        for article in store.iter_articles():
            aid = article.article_id
            if aid in sets:
                ids, sketch = sets[aid], sketches[aid]
            else:
                ids = shingles(article.body, self.shingle_size)
                if ids.size < self.min_shingles:
                    continue
                sketch = self.sketcher.sketch(ids)
            for other in sorted(lsh.query(sketch)):
                pair = (aid, other) if aid < other else (other, aid)
                if other == aid or pair in found or hashes[other] == article.content_hash:
                    continue
                score = jaccard(ids, sets[other])
                if score >= self.threshold:
                    found[pair] = score
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
