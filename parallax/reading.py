"""Reading an article: every step of a round that needs only the article itself, done once.

The per-article work of a round (the spaCy parse, sentences and entities, the lead embedding and
event features, quote extraction, labels, framing cues and tone, the quotes' embeddings, the
stances their words take and those words' embeddings) is pure: text in, records out, no store.
`read_articles` does all of it for a batch of articles, parsing each body once; the `Read` stage
runs it over a round's batches in this process, in worker processes (`parallax.scale.workers`,
one per core) or on Ray, and keeps what it found in a `Readings` shared with the stages after
it. Those stages (annotation, quotes, statements, positions, comparison) then only decide and
write, in the one writer process, in their fixed order.

The batches are the round's ids cut in the stages' batch size in id order, whatever runs them, so
the records are the same bit for bit in every engine: the int8 embeddings depend on which texts
share a batch, and nothing else here depends on where it runs.

A stage asks `Readings` first and computes what it does not hold (an article the round did not
read, a statement text no quote of the round had), so a pipeline without `Read` works as before.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parallax.scale.batches import BatchMap, chunks, local_map
from parallax.settings import Settings
from parallax.store import Store

if TYPE_CHECKING:
    from parallax.compare.stage import Comparison
    from parallax.events.stage import Annotated, ArticleText
    from parallax.model import Quote
    from parallax.nlp.embeddings import Vectors
    from parallax.scale.workers import WorkerPool

#: Articles per batch: the batch stages' size, so a batch's lead embeddings are the ones the
#: annotation stage makes of the same batch on its own.
BATCH = 64

#: One stance a statement's words take: (topic, lemma, stance), as `Positions` stores it.
StanceRow = tuple[str, str, str]


@dataclass(frozen=True)
class ArticleReading:
    """Everything one article gives on its own, for the stages that decide and write."""

    article_id: str
    #: sentences, entities, lead embedding and event features (`Annotate` writes them)
    annotated: Annotated
    #: the quotes extracted, by start (`Quotes` writes them)
    quotes: tuple[Quote, ...]
    #: labels, framing cues and tones (`Compare` writes them)
    comparison: Comparison
    #: per quote id: its text's embedding, then one row per sentence of a multi-sentence quote
    quote_vectors: dict[str, Vectors] = field(default_factory=dict)
    #: per quote text (of quotes with a known speaker): the stances its words take
    stances: dict[str, tuple[StanceRow, ...]] = field(default_factory=dict)
    #: the embedding of each stance word (lemma) of those stances, for grouping near-synonyms
    word_vectors: dict[str, Vectors] = field(default_factory=dict)


def read_articles(items: Sequence[ArticleText], threads: int = 0) -> list[ArticleReading]:
    """The reading of each article, in order. Pure: no store. Each body is parsed once for
    annotation, quote extraction and tone; the quotes of the batch are embedded in one call.
    ``threads`` is the embedder's (0: one per core)."""
    # Imported here: these load spaCy and the embedder, and import the stages that use this
    # module's records.
    from parallax.compare.positions import stances_of
    from parallax.compare.stage import CompareInput, compare_article
    from parallax.events.stage import annotate_articles
    from parallax.nlp.annotate import Parses, load_lemmatizer, load_nlp, parse_without_entities
    from parallax.nlp.embeddings import DEFAULT_BACKEND, load_embedder
    from parallax.statements.quotes import extract_many
    from parallax.statements.stage import quote_vectors

    if not items:
        return []
    # bodies and their paragraph pieces, held for the batch only
    parses = Parses(size=4 * len(items))
    annotated = annotate_articles(items, parses, threads=threads)
    pairs = [(a.article_id, a.body) for a in items]
    quotes = [
        sorted(found, key=lambda q: (q.start, q.end, q.quote_id))  # as the store reads them
        for found in extract_many(pairs, parses=parses)
    ]
    docs = parses.pipe([a.body for a in items])
    comparisons = [
        compare_article(CompareInput(a.article_id, a.body, r.annotation, tuple(q)), doc)
        for a, r, q, doc in zip(items, annotated, quotes, docs, strict=True)
    ]
    del docs, parses
    every = [q for found in quotes for q in found]
    vectors = quote_vectors(
        load_embedder(DEFAULT_BACKEND, threads), [(q.quote_id, q.kind, q.text) for q in every]
    )
    # Stances are read from the quote's words parsed alone, as `Positions` parses a
    # statement's text (always one of its quotes' texts); only quotes with a known speaker
    # can make an actor's statement.
    spoken = sorted({q.text for q in every if q.speaker.entity_id})
    lemmatizer = load_lemmatizer()
    stances = {
        text: tuple((s.topic, s.lemma, s.stance) for s in stances_of(lemmatizer(doc)))
        for text, doc in zip(spoken, parse_without_entities(load_nlp(), spoken), strict=True)
    }
    # the stance words, embedded once for the batch: `Positions` groups an actor's
    # near-synonym topics by them
    lemmas = sorted({lemma for rows in stances.values() for _, lemma, _ in rows})
    embedded = load_embedder(DEFAULT_BACKEND, threads).encode(lemmas) if lemmas else None
    word_rows = {w: embedded[i] for i, w in enumerate(lemmas)} if embedded is not None else {}
    readings = []
    for a, r, q, c in zip(items, annotated, quotes, comparisons, strict=True):
        texts = sorted({x.text for x in q if x.speaker.entity_id})
        words = sorted({lemma for t in texts for _, lemma, _ in stances[t]})
        readings.append(
            ArticleReading(
                a.article_id,
                r,
                tuple(q),
                c,
                {x.quote_id: vectors[x.quote_id] for x in q},
                {t: stances[t] for t in texts},
                {w: word_rows[w] for w in words},
            )
        )
    return readings


@dataclass
class ArticleReader:
    """`read_articles` as a batch compute (`parallax.scale.batches.BatchCompute`): what a
    worker process or a Ray actor is sent, small and picklable."""

    threads: int = 0
    name: str = "read"

    def compute(self, items: Sequence[ArticleText]) -> list[ArticleReading]:
        """`read_articles` of one batch."""
        return read_articles(items, self.threads)


class Readings:
    """What `Read` found in the articles of the round at work, for the stages after it.

    Holds one round: `Read` clears it before it reads the next. A lookup that misses returns
    nothing, and the stage computes that part itself, with the same result.
    """

    def __init__(self) -> None:
        self._articles: dict[str, ArticleReading] = {}
        self._vectors: dict[str, tuple[str, Vectors]] = {}
        self._stances: dict[str, tuple[StanceRow, ...]] = {}
        self._words: dict[str, Vectors] = {}

    def clear(self) -> None:
        """Forget the last round."""
        self._articles.clear()
        self._vectors.clear()
        self._stances.clear()
        self._words.clear()

    def add(self, readings: Iterable[ArticleReading]) -> None:
        """Keep these readings (a later reading of the same article replaces the earlier)."""
        for r in readings:
            self._articles[r.article_id] = r
            texts = {q.quote_id: q.text for q in r.quotes}
            for qid, vector in r.quote_vectors.items():
                self._vectors[qid] = (texts[qid], vector)
            self._stances.update(r.stances)
            # a word met in two batches keeps its first batch's vector, as one process would
            for word, vector in r.word_vectors.items():
                self._words.setdefault(word, vector)

    def __len__(self) -> int:
        return len(self._articles)

    def split(self, article_ids: Sequence[str]) -> tuple[list[ArticleReading], list[str]]:
        """The readings held of these articles, in order, and the ids of those not held."""
        held, missing = [], []
        for aid in article_ids:
            found = self._articles.get(aid)
            if found is None:
                missing.append(aid)
            else:
                held.append(found)
        return held, missing

    def quote_vector(self, quote_id: str, text: str) -> Vectors | None:
        """The embedding rows of a quote read in this round with this text, else ``None``."""
        found = self._vectors.get(quote_id)
        return found[1] if found is not None and found[0] == text else None

    def word_vector(self, word: str) -> Vectors | None:
        """The embedding of a stance word of this round's quotes, else ``None``."""
        return self._words.get(word)

    def stances(self, text: str) -> tuple[StanceRow, ...] | None:
        """The stances of a statement text that a quote of this round had, else ``None``."""
        return self._stances.get(text)


#: Most worker processes chosen when the setting leaves it to the machine: each holds its own
#: spaCy and MiniLM (about 0.6 GB), so a many-core machine is not filled with copies unasked.
AUTO_WORKERS = 8


def worker_count(settings: Settings) -> int:
    """Processes for the per-article work: ``settings.workers``, or one per core (at most
    `AUTO_WORKERS`) when 0."""
    if settings.workers > 0:
        return settings.workers
    return max(1, min(os.cpu_count() or 1, AUTO_WORKERS))


class Read:
    """The per-article work of a round, once per article, before the stages that write it.

    With more than one worker (`Settings.workers`; one per core by default) and more than one
    batch in the round, the batches run in worker processes started on the first such round
    and kept until the pipeline closes the stage (it is a context manager); otherwise here. The
    Ray engine passes its own ``map_batches``. The results are the same either way.
    """

    name = "read"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("readings",)

    def __init__(self, readings: Readings, batch: int = BATCH) -> None:
        self.readings = readings
        self.batch = batch
        self._pool: WorkerPool | None = None
        # the next round's articles, when the pipeline says which they are
        self._upcoming: list[str] = []
        # the next round's batches, sent to the workers: its ids, results and worker count
        self._pending: tuple[list[str], Iterator[list[ArticleReading]], int] | None = None

    def __enter__(self) -> Read:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def kept(self) -> dict[str, int]:
        """What the stage keeps for the next round: the readings of the round just read (until
        the next clears them) and the articles sent to the workers ahead of their round."""
        ahead = len(self._pending[0]) if self._pending is not None else 0
        return {"articles held": len(self.readings), "articles read ahead": ahead}

    def next_round(self, article_ids: Sequence[str]) -> None:
        """The articles of the round after the next call: once this round's batches are read,
        the workers read those while the stages after this one decide and write."""
        self._upcoming = list(article_ids)

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        self._pending = None
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def compute(self, items: Sequence[ArticleText]) -> list[ArticleReading]:
        """`read_articles` of one batch, in this process."""
        return read_articles(items)

    def read(self, store: Store, article_ids: Sequence[str]) -> list[ArticleText]:
        """What reading needs of the articles that exist, in the order given."""
        from parallax.events.stage import article_texts

        return article_texts(store, article_ids)

    def _map(self, settings: Settings, batches: int) -> tuple[BatchMap, ArticleReader, int]:
        """How this round's batches run: the map, the compute it is given, and the worker
        processes (0: here)."""
        workers = worker_count(settings)
        if min(workers, batches) < 2:
            # one batch, or one worker: starting processes would cost more than it saves
            return local_map, ArticleReader(), 0
        if self._pool is None or self._pool.workers != workers:
            from parallax.scale.workers import WorkerPool

            self.close()
            self._pool = WorkerPool(workers)
            # a stage dropped without `close` does not leave its processes behind
            weakref.finalize(self, self._pool.close)
        # one core each: the processes already use every core between them
        return self._pool.map, ArticleReader(threads=1), workers

    def __call__(
        self,
        store: Store,
        article_ids: Sequence[str],
        settings: Settings,
        map_batches: BatchMap | None = None,
    ) -> dict[str, int]:
        """Read the round's articles into `readings`, in place of the last round's."""
        self.readings.clear()
        pending, self._pending = self._pending, None
        upcoming, self._upcoming = self._upcoming, []
        if pending is not None and pending[0] == list(article_ids) and map_batches is None:
            _, results, workers = pending  # sent while the last round was written
        else:
            del pending  # another round than was announced (another writer took some)
            batches = list(chunks(article_ids, self.batch))
            workers = 0
            if map_batches is None:
                map_batches, reader, workers = self._map(settings, len(batches))
            else:
                reader = ArticleReader()
            results = map_batches(reader, (self.read(store, ids) for ids in batches))
        for found in results:
            self.readings.add(found)
        if upcoming and workers and self._pool is not None:
            # the pool takes batches in the order sent: these wait behind none of this round's
            ahead = [self.read(store, ids) for ids in chunks(upcoming, self.batch)]
            self._pending = (upcoming, self._pool.map(ArticleReader(threads=1), ahead), workers)
        # summed over rounds by the report: more than 0 when worker processes did the reading
        return {"articles_read": len(self.readings), "worker_processes": workers}


__all__ = [
    "AUTO_WORKERS",
    "BATCH",
    "ArticleReader",
    "ArticleReading",
    "Read",
    "Readings",
    "read_articles",
    "worker_count",
]
