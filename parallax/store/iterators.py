"""Whole-table reads in pages, for the export: memory bounded by the page size, not the corpus.

A mixin of the store. Every iterator here reads a page with one query (``WHERE key > last ORDER
BY key LIMIT n``, keyset pagination on a unique order), yields its rows, and only then reads the
next page: no cursor stays open across a yield, so a reader never holds SQLite's WAL back nor a
PostgreSQL portal open, and writers may commit between pages. The orders are those of the list
methods the export used before (`quote_rows`, `list_statements`, `list_events`, ...), each made
unique by a last tie-break on the primary key where it was not already.

Details that belong to a page's rows (a statement's members and repeats, an event's members, an
actor's labels and mentions, an article's quotes) are read for a window of the page's ids at a
time, never one query per row: a window holds about a page of detail rows, so each query sorts
only its own rows and the whole read stays linear. No query here returns more than ``batch``
rows; what is held at once is a page of rows with their details.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from parallax.model import FramingCue, PositionChange
from parallax.store.compare import _CUE_COLUMNS, _POSITION_COLUMNS, _cue, position_from_row
from parallax.store.queries import Queries
from parallax.store.statements import _QUOTE_COLUMNS

#: Rows per query unless the caller asks for another page size.
BATCH = 1000

#: Ids per ``IN (...)`` list: far under any database's limit on bound parameters.
_IDS = 500

_PROVENANCE_COLUMNS = "article_id, source_article_id, kind, score, start, end"

#: The column that names the id a detail row belongs to (see `IteratorQueries._details`).
_ID = "of_id"


class IteratorQueries(Queries):
    """Paged whole-table reads; requires ``_query`` from the store."""

    # -- the paging ---------------------------------------------------------------------------

    def _pages(
        self,
        columns: str,
        source: str,
        keys: Sequence[str],
        *,
        batch: int,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of ``SELECT columns FROM source WHERE where`` in the order of ``keys``.

        ``keys`` are SQL expressions that are never NULL and together unique over the rows;
        ``params`` fill the placeholders of ``source`` and ``where``, in that order. Each page
        is one query of at most ``batch`` rows, as dicts of ``columns``.
        """
        if batch < 1:
            raise ValueError(f"batch must be at least 1, not {batch}")
        select = (
            f"SELECT {columns}, "
            + ", ".join(f"{k} AS _k{i}" for i, k in enumerate(keys))
            + f" FROM {source}"
        )
        order = " ORDER BY " + ", ".join(keys) + " LIMIT ?"
        after = f"({', '.join(keys)}) > ({', '.join('?' * len(keys))})"
        last: tuple[Any, ...] | None = None
        while True:
            conditions, args = list(where), list(params)
            if last is not None:
                # The plain bound on the leading key lets an index on it start the scan there.
                conditions += [f"{keys[0]} >= ?", after]
                args += [last[0], *last]
            sql = select + (" WHERE " + " AND ".join(conditions) if conditions else "") + order
            rows = self._query(sql, [*args, batch])
            if rows:
                names = list(rows[0].keys())[: -len(keys)]
                yield [dict(zip(names, r, strict=False)) for r in rows]
                last = tuple(rows[-1])[len(names) :]
            if len(rows) < batch:
                return

    def _pages_nulls_last(
        self,
        columns: str,
        source: str,
        nullable: str,
        keys: Sequence[str],
        *,
        batch: int,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
    ) -> Iterator[list[dict[str, Any]]]:
        """`_pages` in the order ``nullable IS NULL, nullable, *keys``: the rows where the
        leading expression is set, by it, then those where it is NULL."""
        yield from self._pages(
            columns, source, [nullable, *keys], batch=batch,
            where=[*where, f"{nullable} IS NOT NULL"], params=params,
        )
        yield from self._pages(
            columns, source, keys, batch=batch,
            where=[*where, f"{nullable} IS NULL"], params=params,
        )

    def _rows(self, pages: Iterable[list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        for page in pages:
            yield from page

    def _details(
        self,
        ids: Sequence[str],
        columns: str,
        source: str,
        keys: Sequence[str],
        *,
        batch: int,
        where: Sequence[str] = (),
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """``(id, rows about it)`` for each of ``ids``, in their order, each id's rows in the
        order of ``keys`` (the first of which is the id). Columns must include the id as
        ``of_id`` (`_ID`, dropped from the rows); ``{ids}`` in ``source`` or ``where`` stands for
        an IN list of them.

        The ids go a window at a time, each window read in pages of at most ``batch`` rows. A
        window's size follows the rows per id seen so far, aiming at one page per window: every
        page query reads and sorts only its window's rows, so the work stays linear in the rows
        whether one id has many (an entity named in many outlets) or each has few, and at most
        a window's rows are held.
        """
        size = max(1, min(_IDS, batch // 8))
        at = 0
        while at < len(ids):
            window = list(ids[at : at + size])
            at += size
            marks = ", ".join("?" * len(window))
            found: dict[str, list[dict[str, Any]]] = {}
            read = 0
            for page in self._pages(
                columns, source.replace("{ids}", marks), keys, batch=batch,
                where=[w.replace("{ids}", marks) for w in where], params=window,
            ):
                read += len(page)
                for row in page:
                    found.setdefault(row.pop(_ID), []).append(row)
            for key in window:
                yield key, found.get(key, [])
            per_id = read / len(window)
            size = max(1, min(_IDS, 2 * size, int(batch / per_id) if per_id else _IDS))

    # -- provenance, framing, positions: one table each -----------------------------------------

    def iter_provenance_rows(self, batch: int = BATCH) -> Iterator[dict[str, Any]]:
        """Every provenance link (the columns of ``provenance``), in the order of
        `provenance`: by article, source article and kind (the primary key)."""
        return self._rows(
            self._pages(
                _PROVENANCE_COLUMNS, "provenance", ["article_id", "source_article_id", "kind"],
                batch=batch,
            )
        )

    def iter_framing_cues(self, batch: int = BATCH) -> Iterator[FramingCue]:
        """Every framing cue, by article and offset (the order of `iter_framing`)."""
        for row in self._rows(
            self._pages(
                _CUE_COLUMNS, "framing_cues", ["article_id", "start", "end", "kind"], batch=batch
            )
        ):
            yield _cue(row)

    def iter_positions(self, batch: int = BATCH) -> Iterator[PositionChange]:
        """Every position change, in the order of `positions` (by actor, topic and time), ties
        broken by the earlier quote."""
        keys = [
            "actor_entity_id", "topic", "coalesce(after_day, '~')", "kind", "after_quote_id",
            "before_quote_id",
        ]
        for row in self._rows(
            self._pages(_POSITION_COLUMNS, "position_changes", keys, batch=batch)
        ):
            yield position_from_row(row)

    # -- quotes ---------------------------------------------------------------------------------

    def iter_quote_rows(self, batch: int = BATCH) -> Iterator[dict[str, Any]]:
        """Every quote with its article, event, statement and relation: the rows of
        `quote_rows` (unfiltered), in its order (by article, undated articles last, then by
        offset). Articles are read a page at a time in that order, their quotes a window of
        articles at a time (a join of every quote sorted again for each page would make the
        whole read quadratic)."""
        columns = (
            f"q.article_id AS {_ID}, "
            f"{', '.join('q.' + c for c in _QUOTE_COLUMNS.split(', '))}, "
            "a.outlet, a.published_at, e.event_id, m.statement_id, m.relation, "
            "m.score AS statement_score"
        )
        source = (
            "quotes q JOIN articles a ON a.article_id = q.article_id "
            "LEFT JOIN event_members e ON e.article_id = q.article_id "
            "LEFT JOIN statement_members m ON m.quote_id = q.quote_id"
        )
        articles = self._pages_nulls_last(
            "article_id", "articles", "published_at", ["article_id"], batch=batch
        )
        for page in articles:
            ids = [a["article_id"] for a in page]
            for _aid, quotes in self._details(
                ids, columns, source, ["q.article_id", "q.start", "q.quote_id"],
                batch=batch, where=["q.article_id IN ({ids})"],
            ):
                yield from quotes

    # -- statements -----------------------------------------------------------------------------

    def iter_statements(self, batch: int = BATCH) -> Iterator[dict[str, Any]]:
        """Every statement as `list_statements` gives it (unfiltered: outlets, kinds, members,
        member quote ids, repeats), in its order (undated last)."""
        pages = self._pages_nulls_last(
            "s.statement_id, s.speaker_entity_id, e.name AS speaker, s.event_id, s.day, s.text",
            "statements s LEFT JOIN speaker_entities e ON e.entity_id = s.speaker_entity_id",
            "s.day",
            ["s.seq", "s.statement_id"],
            batch=batch,
        )
        for page in pages:
            ids = [st["statement_id"] for st in page]
            details = zip(
                page, self._statement_members(ids, batch), self._statement_repeats(ids, batch),
                strict=True,
            )
            for st, (_, members), (_, repeats) in details:
                st["quote_ids"] = [m["quote_id"] for m in members]
                st["outlets"] = sorted({m["outlet"] for m in members if m["outlet"]})
                st["kinds"] = sorted({m["kind"] for m in members})
                st["members"] = members
                st["repeats"] = repeats
                yield st

    def _statement_members(
        self, statement_ids: Sequence[str], batch: int
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """`statement_member_rows` of each of these statements."""
        return self._details(
            statement_ids,
            f"m.statement_id AS {_ID}, m.relation, m.score, q.quote_id, q.article_id, q.kind, "
            "q.text, q.speaker_entity_id, a.outlet, a.published_at",
            "statement_members m JOIN quotes q ON q.quote_id = m.quote_id "
            "JOIN articles a ON a.article_id = q.article_id",
            ["m.statement_id", "m.seq", "m.quote_id"],
            batch=batch, where=["m.statement_id IN ({ids})"],
        )

    def _statement_repeats(
        self, statement_ids: Sequence[str], batch: int
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """`statement_repeats` of each of these statements."""
        return self._details(
            statement_ids,
            f"statement_id AS {_ID}, other_id AS statement_id, score",
            "statement_repeats",
            ["statement_id", "other_id"],
            batch=batch, where=["statement_id IN ({ids})"],
        )

    # -- events ---------------------------------------------------------------------------------

    def iter_events(self, batch: int = BATCH) -> Iterator[dict[str, Any]]:
        """Every event as `list_events` gives it (unfiltered), in its order (undated last),
        each with ``members``: its `event_member_rows`."""
        pages = self._pages_nulls_last(
            "event_id, story_id, story_confidence, title, start, end, place, articles, evidence",
            "events",
            "start",
            ["seq", "event_id"],
            batch=batch,
        )
        for page in pages:
            members = self._event_members([ev["event_id"] for ev in page], batch)
            for ev, (_, rows) in zip(page, members, strict=True):
                ev["evidence"] = json.loads(ev["evidence"])
                ev["members"] = rows
                yield ev

    def _event_members(
        self, event_ids: Sequence[str], batch: int
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """`event_member_rows` of each of these events."""
        return self._details(
            event_ids,
            f"m.event_id AS {_ID}, m.article_id, m.confidence, m.score, a.title, a.outlet, "
            "a.published_at",
            "event_members m JOIN articles a ON a.article_id = m.article_id",
            # `event_member_rows`' order (undated last), the article id breaking ties
            ["m.event_id", "(a.published_at IS NULL)", "coalesce(a.published_at, '')", "m.seq",
             "m.article_id"],
            batch=batch, where=["m.event_id IN ({ids})"],
        )

    # -- entities -------------------------------------------------------------------------------

    def iter_actors(self, batch: int = BATCH) -> Iterator[dict[str, Any]]:
        """Every speaker as `actor_rows` gives it, in its order (most quoted first), each with
        ``labels`` (as `speaker_labels`: how each outlet names it) and ``mentions`` (as
        `entity_label_counts`: its labelled mentions per surface form and outlet)."""
        # The order needs every speaker's quote count, so each page counts them all again:
        # only the count (an index scan), the other columns are read for the page's speakers.
        pages = self._pages(
            "entity_id, name, quotes",
            "(SELECT e.entity_id, e.name, count(q.quote_id) AS quotes FROM speaker_entities e "
            "JOIN quotes q ON q.speaker_entity_id = e.entity_id "
            "JOIN articles a ON a.article_id = q.article_id GROUP BY e.entity_id) t",
            ["-quotes", "name", "entity_id"],
            batch=batch,
        )
        for page in pages:
            ids = [actor["entity_id"] for actor in page]
            counts = self._details(
                ids,
                f"{_ID}, type, statements, outlets",
                f"(SELECT e.entity_id AS {_ID}, e.type, "
                "count(DISTINCT m.statement_id) AS statements, "
                "count(DISTINCT a.outlet_key) AS outlets FROM speaker_entities e "
                "JOIN quotes q ON q.speaker_entity_id = e.entity_id "
                "JOIN articles a ON a.article_id = q.article_id "
                "LEFT JOIN statement_members m ON m.quote_id = q.quote_id "
                "WHERE e.entity_id IN ({ids}) GROUP BY e.entity_id) t",
                [_ID],
                batch=batch,
            )
            details = zip(
                page, counts, self._speaker_labels(ids, batch), self._label_counts(ids, batch),
                strict=True,
            )
            for actor, (_, (more,)), (_, labels), (_, mentions) in details:
                yield {
                    "entity_id": actor["entity_id"],
                    "name": actor["name"],
                    "type": more["type"],
                    "quotes": actor["quotes"],
                    "statements": more["statements"],
                    "outlets": more["outlets"],
                    "labels": labels,
                    "mentions": mentions,
                }

    def iter_label_entities(self, batch: int = BATCH) -> Iterator[dict[str, Any]]:
        """Every labelled entity that is not a speaker of `actor_rows`, by id, with its
        ``mentions`` (as `entity_label_counts`)."""
        pages = self._pages(
            "DISTINCT l.entity_id",
            "labels l",
            ["l.entity_id"],
            batch=batch,
            where=[
                "NOT EXISTS (SELECT 1 FROM speaker_entities e "
                "JOIN quotes q ON q.speaker_entity_id = e.entity_id "
                "JOIN articles a ON a.article_id = q.article_id WHERE e.entity_id = l.entity_id)"
            ],
        )
        for page in pages:
            for eid, mentions in self._label_counts([row["entity_id"] for row in page], batch):
                yield {"entity_id": eid, "mentions": mentions}

    def _speaker_labels(
        self, entity_ids: Sequence[str], batch: int
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """`speaker_labels` of each of these speakers. An outlet's name is the least of its
        spellings (`speaker_labels` reads any one on SQLite)."""
        return self._details(
            entity_ids,
            f"{_ID}, surface, outlet, count",
            f"(SELECT q.speaker_entity_id AS {_ID}, q.speaker_text AS surface, "
            "min(a.outlet) AS outlet, count(*) AS count FROM quotes q "
            "JOIN articles a ON a.article_id = q.article_id "
            "WHERE q.speaker_entity_id IN ({ids}) AND q.speaker_text IS NOT NULL "
            "GROUP BY q.speaker_entity_id, q.speaker_text, a.outlet_key) t",
            # `speaker_labels`' order: count DESC, surface, outlet (NULL first)
            [_ID, "-count", "surface", "(outlet IS NOT NULL)", "coalesce(outlet, '')"],
            batch=batch,
        )

    def _label_counts(
        self, entity_ids: Sequence[str], batch: int
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """`entity_label_counts` rows (``surface``, ``outlet``, ``n``) of each of these
        entities."""
        return self._details(
            entity_ids,
            f"{_ID}, surface, outlet, n",
            f"(SELECT l.entity_id AS {_ID}, l.surface, a.outlet, count(*) AS n FROM labels l "
            "JOIN articles a ON a.article_id = l.article_id "
            "WHERE l.entity_id IN ({ids}) GROUP BY l.entity_id, l.surface, a.outlet) t",
            # `entity_label_counts`' order: n DESC, surface, outlet (NULL first)
            [_ID, "-n", "surface", "(outlet IS NOT NULL)", "coalesce(outlet, '')"],
            batch=batch,
        )
