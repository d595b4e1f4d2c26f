"""Paraphrase: an article rewritten from another's reporting.

Candidates are pairs whose leads (title and first three sentences) embed close together, found by
a brute-force nearest-neighbour search of the new articles against the stored ones published
around them. A candidate is confirmed by sentence alignment: the share of the later article's
sentences that have a close match (cosine >= 0.8) among the earlier article's sentences. With
the int8 MiniLM, faithful one-sentence rewrites score 0.79-0.95; independent reports of one
event (AllSides pairs with close leads) mostly have under a tenth of their sentences matched at
0.8, at most 0.46. Sentences that are mostly quotation are left out on both sides (two outlets
quoting one speaker share quotes without one rewriting the other), and articles from the same
outlet are not paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import timedelta

import numpy as np

from parallax.nlp.embeddings import Embedder, Vectors
from parallax.provenance.catalog import Catalog, body_of, days_apart
from parallax.provenance.duplicates import COPY_KINDS
from parallax.provenance.text import lead, mostly_quote, sentence_texts, words
from parallax.provenance.vectors import LeadSource, TextVectors
from parallax.settings import Settings
from parallax.store import ProvenanceLink, Store

#: Links that already say "the same text": such a pair is not also a paraphrase.
_SAME_TEXT = COPY_KINDS | {"syndicated"}


def _same_outlet(catalog: Catalog, a: str, b: str) -> bool:
    # An outlet updating its own story is not rewriting another's reporting, and its own
    # template sentences (newsletter boilerplate) would read as shared text.
    key = catalog[a].outlet_key
    return bool(key) and key == catalog[b].outlet_key


class Paraphrase:
    """Pipeline stage: link rewrites to the article they were rewritten from.

    Cost: the lead vectors of the new articles and of the stored articles published within
    ``window_days`` of them (plus every undated one) are read (from ``lead_vectors``, the ones
    the nlp stage stored; embedded only where missing) and compared by one matrix product
    (brute force: fine to about ten thousand articles in the window; an ANN index would take
    over beyond that). Bodies are read and sentences embedded only for the candidate pairs.
    """

    name = "paraphrase"
    requires: tuple[str, ...] = ("provenance.duplicate", "provenance.near-duplicate")
    assigns: tuple[str, ...] = ("provenance.paraphrase",)

    def __init__(
        self,
        lead_threshold: float = 0.8,
        sentence_threshold: float = 0.8,
        min_share: float = 0.5,
        window_days: float = 7.0,
        min_words: int = 6,
        min_sentences: int = 3,
        max_sentences: int = 80,
        embedder: Embedder | None = None,
        lead_vectors: LeadSource | None = None,
    ) -> None:
        self.lead_threshold = lead_threshold
        self.sentence_threshold = sentence_threshold
        self.min_share = min_share
        self.window_days = window_days
        self.min_words = min_words
        self.min_sentences = min_sentences
        self.max_sentences = max_sentences
        self.vectors = TextVectors(embedder)
        self.lead_vectors = lead_vectors
        if lead_vectors is not None:
            # the vectors come from an earlier stage, which must run first
            self.requires = (*type(self).requires, "vectors.lead")

    def pool(
        self, catalog: Catalog, new: Sequence[str], waiting: AbstractSet[str] = frozenset()
    ) -> list[str]:
        """The new articles and the stored ones that may pair with them, sorted. Articles
        ``waiting`` for a later round are left out: a pair is found by whichever of its two
        articles is analysed last, and they have no stored lead vectors yet."""
        found = set(new)
        found.update(catalog.undated)
        window = timedelta(days=self.window_days)
        for aid in new:
            when = catalog[aid].published
            if when is None:
                # An undated article may pair with anything.
                found = set(catalog.entries)
                break
            found.update(catalog.published_between(when - window, when + window))
        return sorted(found - waiting)

    def candidates(
        self, store: Store, catalog: Catalog, new: Sequence[str]
    ) -> tuple[list[tuple[str, str]], dict[str, str]]:
        """Pairs (sorted ids) with close leads, with the bodies that were read."""
        waiting = set(store.unanalyzed_article_ids()) - set(new)
        pool = self.pool(catalog, new, waiting)
        bodies: dict[str, str] = {}

        def lead_of(aid: str) -> str:
            return lead(catalog[aid].title, body_of(store, aid, bodies))

        # bodies are read only for leads the store has no vector of, and for the pairs found
        found = self.vectors.leads(store, pool, lead_of, self.lead_vectors)
        vectors = np.stack([found[a] for a in pool])
        row = {a: i for i, a in enumerate(pool)}
        pairs: set[tuple[str, str]] = set()
        for start in range(0, len(new), 512):
            chunk = list(new[start : start + 512])
            sims = vectors[[row[a] for a in chunk]] @ vectors.T
            for i, j in zip(*np.nonzero(sims >= self.lead_threshold), strict=True):
                a, b = chunk[int(i)], pool[int(j)]
                if a == b:
                    continue
                gap = days_apart(catalog[a].published, catalog[b].published)
                if gap is not None and abs(gap) > self.window_days:
                    continue
                pairs.add((a, b) if a < b else (b, a))
        for pair in pairs:
            for aid in pair:
                body_of(store, aid, bodies)
        return sorted(pairs), bodies

    def _usable(self, body: str) -> list[str]:
        kept = [
            s
            for s in sentence_texts(body)
            if len(words(s)) >= self.min_words and not mostly_quote(s)
        ]
        return kept[: self.max_sentences]

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Link each new article to the articles it rewrites or that rewrite it."""
        catalog = Catalog(store)
        new = sorted(set(article_ids) & set(catalog.entries))
        if not new:
            return {"paraphrase_candidates": 0, "paraphrase_links": 0}
        pairs, bodies = self.candidates(store, catalog, new)
        same_text: dict[str, set[str]] = {}

        def copies(aid: str) -> set[str]:
            if aid not in same_text:
                same_text[aid] = {
                    lk.source_article_id if lk.article_id == aid else lk.article_id
                    for lk in store.provenance(aid)
                    if lk.kind in _SAME_TEXT
                }
            return same_text[aid]

        pairs = [
            (a, b)
            for a, b in pairs
            if catalog[a].content_hash != catalog[b].content_hash
            and not _same_outlet(catalog, a, b)
            and b not in copies(a)
        ]
        sentences = {a: self._usable(bodies[a]) for pair in pairs for a in pair}
        order = sorted(sentences)
        flat = [s for a in order for s in sentences[a]]
        vectors = self.vectors.encode(flat)
        rows: dict[str, Vectors] = {}
        at = 0
        for a in order:
            rows[a] = vectors[at : at + len(sentences[a])]
            at += len(sentences[a])
        links: list[ProvenanceLink] = []
        for a, b in pairs:
            earlier, later = catalog.ordered((a, b))
            if len(rows[later]) < self.min_sentences or len(rows[earlier]) == 0:
                continue
            best = (rows[later] @ rows[earlier].T).max(axis=1)
            share = float(np.mean(best >= self.sentence_threshold))
            if share >= self.min_share:
                links.append(ProvenanceLink(later, earlier, "paraphrase", round(share, 4)))
        store.add_provenance(links)
        return {"paraphrase_candidates": len(pairs), "paraphrase_links": len(links)}
