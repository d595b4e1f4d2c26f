"""Pipeline stages: extract the quotes of new articles, then group quotes into statements.

`Quotes` replaces each new article's stored quotes (re-running never duplicates them).
`Statements` embeds the quotes no statement holds yet and aligns them against every stored
statement: stored decisions are replayed, never re-decided, so statement ids stay stable and a new
quote changes only the statement it joins (or founds) and the repeat links it adds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from parallax.model import Quote
from parallax.nlp.annotate import Parses
from parallax.nlp.embeddings import DEFAULT_BACKEND, Embedder, Vectors, load_embedder
from parallax.nlp.neighbours import NeighbourIndex, load_marked, save_marked
from parallax.reading import Readings
from parallax.scale.batches import BatchMap, local_map, run_batches
from parallax.settings import Settings
from parallax.statements.align import (
    AlignModel,
    QuoteItem,
    StatementAligner,
    StatementGroup,
    order_for_alignment,
    sentences,
)
from parallax.store import Store
from parallax.store.sqlite import now_iso

BATCH = 64


def day_of(published_at: str | None) -> date | None:
    """The calendar day of an ISO 8601 publication time, ``None`` when absent or unreadable."""
    if not published_at:
        return None
    try:
        return date.fromisoformat(published_at[:10])
    except ValueError:
        return None


#: One article's extracted quotes: what `Quotes.compute` returns per ``(article_id, body)``.
ArticleQuotes = tuple[str, list[Quote]]


class Quotes:
    """Direct, partial and indirect quotes with speakers and cues, per new article.

    A batch stage (`parallax.scale.batches`): `compute` (extraction) is pure, `write` stores.
    """

    name = "quotes"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("quotes",)

    def __init__(
        self, batch: int = BATCH, parses: Parses | None = None, readings: Readings | None = None
    ) -> None:
        self.batch = batch
        # the parses `Annotate` made of the same bodies, when the pipeline shares them
        self.parses = parses
        # the quotes the `Read` stage extracted from the round's articles
        self.readings = readings

    def __call__(
        self,
        store: Store,
        article_ids: Sequence[str],
        settings: Settings,
        map_batches: BatchMap = local_map,
    ) -> dict[str, int]:
        """Extract in batches and store each article's quotes in place of earlier ones."""
        found = 0
        touched: set[str] = set()
        missing: Sequence[str] = article_ids
        if self.readings is not None:
            held, missing = self.readings.split(article_ids)
            for start in range(0, len(held), self.batch):
                part = held[start : start + self.batch]
                extracted = [(r.article_id, list(r.quotes)) for r in part]
                touched |= self.write(store, extracted)
                found += sum(len(q) for _, q in extracted)
        for extracted in run_batches(self, store, missing, map_batches):
            touched |= self.write(store, extracted)
            found += sum(len(q) for _, q in extracted)
        for sid in sorted(touched):
            refresh_statement(store, sid)
        return {"quotes": found}

    def read(self, store: Store, article_ids: Sequence[str]) -> list[tuple[str, str]]:
        """``(article_id, body)`` of the articles that exist, in the order given."""
        return [
            (a.article_id, a.body)
            for a in (store.get_article(i) for i in article_ids)
            if a is not None
        ]

    def compute(self, items: Sequence[tuple[str, str]]) -> list[ArticleQuotes]:
        """The quotes of each ``(article_id, body)``, in order. Pure: no store."""
        # Imported here: extraction loads spaCy, which only this stage needs.
        from parallax.statements.quotes import extract_many

        quotes = extract_many(items, parses=self.parses)
        return [(aid, q) for (aid, _), q in zip(items, quotes, strict=True)]

    def write(self, store: Store, extracted: Sequence[ArticleQuotes]) -> set[str]:
        """Store one batch's quotes in place of earlier ones; the statements that lost members.

        The articles are read again here (their offset maps give the quotes' source offsets)
        rather than sent to `compute` and back: they carry their whole source text.
        """
        pairs = []
        for aid, quotes in extracted:
            article = store.get_article(aid)
            if article is not None:
                pairs.append((article, quotes))
        return store.replace_quotes(pairs)


def refresh_statement(store: Store, sid: str, seq: int | None = None) -> None:
    """Recompute a statement's summary row (speaker, text, occasion) from its members."""
    members = store.statement_member_rows(sid)
    if not members:
        return
    founder = members[0]
    occasion = store.quote_occasions([founder["article_id"]]).get(founder["article_id"], {})
    group = StatementGroup(sid, occasion.get("event_id"), day_of(founder["published_at"]))
    empty = np.zeros(0, dtype=np.float32)
    for m in members:
        group.members.append(
            QuoteItem(
                m["quote_id"], m["article_id"], m["kind"], m["text"], m["speaker_entity_id"],
                None, None, 0, empty,
            )
        )
    row = {
        "statement_id": sid,
        "speaker_entity_id": group.speaker(),
        "event_id": group.event_id,
        "day": group.day.isoformat() if group.day else None,
        "text": group.text(),
        "seq": seq if seq is not None else store.next_seq("statements"),
        "updated_at": now_iso(),
    }
    store.upsert_statement(row)


def quote_items(
    store: Store, quotes: Sequence[Quote], vectors: dict[str, Vectors]
) -> list[QuoteItem]:
    """Aligner items for quotes, with the occasion (event, day) of their articles."""
    occasions = store.quote_occasions({q.article_id for q in quotes})
    items = []
    for q in quotes:
        occ = occasions.get(q.article_id, {})
        items.append(
            QuoteItem(
                quote_id=q.quote_id,
                article_id=q.article_id,
                kind=q.kind,
                text=q.text,
                speaker=q.speaker.entity_id,
                event_id=occ.get("event_id"),
                day=day_of(occ.get("published_at")),
                start=q.start,
                vector=vectors[q.quote_id][0],
                outlet=occ.get("outlet_key") or "",
                end=q.end,
                pieces=vectors[q.quote_id][1:],
            )
        )
    return items


def quote_vectors(
    embedder: Embedder, quotes: Sequence[tuple[str, str, str]]
) -> dict[str, Vectors]:
    """Per (quote_id, kind, text): the text's embedding (row 0) and, for a direct quote of
    several sentences, one row per sentence."""
    texts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    for quote_id, kind, text in quotes:
        parts = sentences(text) if kind == "direct" else []
        parts = parts if len(parts) > 1 else []
        spans[quote_id] = (len(texts), len(texts) + 1 + len(parts))
        texts.extend([text, *parts])
    matrix = embedder.encode(texts)
    return {qid: matrix[a:b] for qid, (a, b) in spans.items()}


def _split(rows: Vectors) -> tuple[Vectors, Vectors]:
    """The whole-text vector and the sentence rows of a stored quote embedding."""
    return rows[0], rows[1:]


def aligned_item(row: Mapping[str, Any], dim: int) -> QuoteItem:
    """The aligner's item for a stored statement member (`Store.aligned_quotes` row)."""
    whole, pieces = _split(
        np.frombuffer(row["vector"], dtype=np.float32).reshape(-1, dim).copy()
    )
    return QuoteItem(
        quote_id=row["quote_id"],
        article_id=row["article_id"],
        kind=row["kind"],
        text=row["text"],
        speaker=row["speaker_entity_id"],
        event_id=row["event_id"],
        day=day_of(row["published_at"]),
        start=row["start"],
        vector=whole,
        outlet=row["outlet_key"] or "",
        end=row["end"],
        pieces=pieces,
    )


def load_aligner(store: Store, model: AlignModel, embedder: Embedder) -> StatementAligner:
    """An aligner holding every stored statement, replayed in decision order."""
    known = [
        (aligned_item(r, embedder.dim), r["statement_id"], r["relation"])
        for r in store.aligned_quotes(embedder.name)
    ]
    return StatementAligner(model, dim=embedder.dim).fit(known)


class StoreQuotes:
    """The store as an aligner's `QuoteSource`: decided statements read when a quote meets
    them."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.model = embedder.name
        self.dim = embedder.dim

    def members(self, statement_ids: Iterable[str]) -> list[tuple[QuoteItem, str, str]]:
        """Members of the statements, in decision order."""
        return [
            (aligned_item(r, self.dim), r["statement_id"], r["relation"])
            for r in self.store.aligned_quotes_of_statements(self.model, statement_ids)
        ]

    def on_occasion(self, key: str) -> set[str]:
        """Statements with a member on the occasion (`occasion_key`)."""
        kind, _, value = key.partition(":")
        if kind == "event":
            return self.store.statements_on(self.model, event_id=value)
        if kind == "day":
            return self.store.statements_on(self.model, day=date.fromisoformat(value))
        return self.store.statements_on(self.model, article_id=value)

    def in_article(self, article_id: str) -> set[str]:
        """Statements with a member quoted in the article."""
        return self.store.statements_quoted_in(article_id)

    def statement_of(self, quote_ids: Iterable[str]) -> dict[str, str]:
        """The statement of each decided quote."""
        return self.store.statement_ids_of_quotes(quote_ids)


def index_folder(store: Store, embedder: Embedder) -> Path | None:
    """Where the quote index is kept between runs: the store's `index_home` (beside a SQLite
    file, or a cache folder for a PostgreSQL store); ``None`` when it has none (an in-memory
    database), and the index is rebuilt by each run."""
    home = store.index_home()
    return None if home is None else home / f"quotes-{embedder.name}"


def load_quote_index(store: Store, embedder: Embedder) -> NeighbourIndex:
    """The nearest-neighbour index of every decided quote: the saved one when it was saved at
    the store's present mark, else rebuilt by adding the stored vectors in decision order
    (the graph the replayed aligner builds)."""
    return load_marked(
        index_folder(store, embedder),
        store.decisions_key("statement_members"),
        embedder.dim,
        lambda: (
            (quote_id, np.frombuffer(vector, dtype=np.float32)[: embedder.dim])
            for quote_id, vector in store.aligned_vectors(embedder.name)
        ),
    )


def save_quote_index(
    store: Store, embedder: Embedder, index: NeighbourIndex, key: Sequence[object] | None = None
) -> None:
    """Keep the index in the store's index folder with the mark it matches (after a
    commit); ``key`` is the store's `decisions_key`, when the caller has just read it."""
    if key is None:
        key = store.decisions_key("statement_members")
    save_marked(index_folder(store, embedder), key, index)


class Statements:
    """Group new quotes into statements across outlets; link repeats on other occasions.

    The aligner reads from the store only the statements the round's quotes meet (their
    occasions, their nearest neighbours, their articles), and keeps them for the next round
    until it holds more than ``hold`` quotes, then forgets them; what it always keeps is the
    nearest-neighbour index of every decided quote, which is saved in the store's index
    folder after each committed round and loaded by the next run.
    """

    name = "statements"
    requires: tuple[str, ...] = ("quotes", "events")
    assigns: tuple[str, ...] = ("statements",)

    #: Quotes the aligner may keep from one round to the next (about 2.5 KB each with their
    #: vectors): the statements a corpus's later rounds meet again are not read again, and
    #: memory stays bounded when the corpus is larger.
    HOLD = 200_000

    def __init__(
        self, model: AlignModel | None = None, hold: int = HOLD, readings: Readings | None = None
    ) -> None:
        self.model = model or AlignModel()
        self.hold = hold
        # the quote embeddings the `Read` stage made of the round's quotes
        self.readings = readings
        # The aligner as the last call left it, with the store it matches and that store's
        # membership mark then: the next round of the same run goes on from its index instead
        # of loading it again. Any other change to the memberships (a rolled-back round,
        # another writer, re-extracted quotes) moves the mark, and the index is loaded again.
        self._kept: tuple[Store, tuple[int, int], StatementAligner, Embedder] | None = None
        # the store and mark the index was last saved at
        self._saved: tuple[Store, tuple[int, int]] | None = None

    def _aligner(self, store: Store, embedder: Embedder) -> StatementAligner:
        kept = self._kept
        self._kept = None
        if kept is not None and kept[0] is store and kept[1] == store.decisions_mark(
            "statement_members"
        ):
            return kept[2]
        return StatementAligner(
            self.model,
            dim=embedder.dim,
            source=StoreQuotes(store, embedder),
            index=load_quote_index(store, embedder),
        )

    def kept(self) -> dict[str, int]:
        """What the stage keeps for the next round: quotes the aligner holds beside its
        index, and the quotes in the index."""
        if self._kept is None:
            return {}
        aligner = self._kept[2]
        return {"quotes held": aligner.held, "quotes indexed": len(aligner.index)}

    def committed(self, store: Store) -> None:
        """After a round commits: save the index the aligner grew, if it grew."""
        kept = self._kept
        if kept is None or kept[0] is not store:
            return
        key = store.decisions_key("statement_members")
        mark = key[:2]
        if mark == kept[1] and (store, mark) != self._saved:
            save_quote_index(store, kept[3], kept[2].index, key)
            self._saved = (store, mark)

    def _vectors(self, embedder: Embedder, quotes: Sequence[Quote]) -> dict[str, Vectors]:
        """Each quote's embedding rows: the round's reading of it where it has one (the same
        model), else embedded here."""
        vectors: dict[str, Vectors] = {}
        if self.readings is not None and embedder.name == DEFAULT_BACKEND:
            for q in quotes:
                found = self.readings.quote_vector(q.quote_id, q.text)
                if found is not None:
                    vectors[q.quote_id] = found
        rest = [(q.quote_id, q.kind, q.text) for q in quotes if q.quote_id not in vectors]
        if rest:
            vectors.update(quote_vectors(embedder, rest))
        return vectors

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Embed the quotes no statement holds yet and align them against stored statements."""
        quotes = store.unaligned_quotes(article_ids)
        if not quotes:
            return {"statements_new": 0, "statements_joined": 0, "repeats": 0}
        embedder = load_embedder(DEFAULT_BACKEND)
        vectors = self._vectors(embedder, quotes)
        store.save_quote_vectors(embedder.name, vectors)
        aligner = self._aligner(store, embedder)
        seq = store.next_seq("statement_members")
        touched: set[str] = set()
        new: set[str] = set()
        repeats = 0
        for item in order_for_alignment(quote_items(store, quotes, vectors)):
            link, found = aligner.add(item)
            if link.founded:
                # The member row refers to the statement: write a summary first, refine below.
                refresh_placeholder(store, link.statement_id, item)
                new.add(link.statement_id)
            store.add_statement_member(link.quote_id, link.statement_id, link.relation,
                                       link.score, seq)
            seq += 1
            touched.add(link.statement_id)
            for r in found:
                store.add_repeat(r.statement_id, r.other_id, r.score)
                repeats += 1
        stmt_seq = store.next_seq("statements")
        for sid in sorted(touched):
            refresh_statement(store, sid, stmt_seq)
            stmt_seq += 1
        aligner.forget(beyond=self.hold)
        self._kept = (store, store.decisions_mark("statement_members"), aligner, embedder)
        return {
            "statements_new": len(new),
            "statements_joined": len(touched - new),
            "repeats": repeats,
        }


def refresh_placeholder(store: Store, sid: str, founder: QuoteItem) -> None:
    """A founding summary row, so that member rows can refer to the statement at once."""
    store.upsert_statement(
        {
            "statement_id": sid,
            "speaker_entity_id": founder.speaker,
            "event_id": founder.event_id,
            "day": founder.day.isoformat() if founder.day else None,
            "text": founder.text,
            "seq": store.next_seq("statements"),
            "updated_at": now_iso(),
        }
    )


__all__ = ["ArticleQuotes", "Quotes", "Statements", "refresh_statement"]
