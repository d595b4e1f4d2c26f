"""Store queries for who said what: quotes, statements, their members and repeats, speakers.

A mixin of `SQLiteStore` (kept apart so each module stays one subject). Every method runs inside
the caller's transaction. Statement outlets are not stored: they are read from the member
quotes' articles, so they can never disagree with the members.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from parallax.entities import entity_id, entity_key
from parallax.model import Article, Quote, Span, Speaker
from parallax.nlp.embeddings import Vectors
from parallax.store.queries import Queries

#: A stored statement member with what the aligner needs of it (`aligned_quotes`).
_ALIGNED = (
    "SELECT q.quote_id, q.article_id, q.kind, q.start, q.end, q.text, q.speaker_entity_id, "
    "q.vector, m.statement_id, m.relation, m.seq, a.published_at, a.outlet_key, e.event_id "
    "FROM statement_members m JOIN quotes q ON q.quote_id = m.quote_id "
    "JOIN articles a ON a.article_id = q.article_id "
    "LEFT JOIN event_members e ON e.article_id = q.article_id "
)

_QUOTE_COLUMNS = (
    "quote_id, article_id, kind, start, end, text, source_start, source_end, speaker_name, "
    "speaker_entity_id, speaker_rule, speaker_start, speaker_end, speaker_text, "
    "speaker_source_start, speaker_source_end, cue_start, cue_end, cue_text, confidence"
)


def speaker_type(name: str, eid: str) -> str | None:
    """The entity type whose canonical key of ``name`` gives ``eid`` (PERSON, ORG, NORP)."""
    for label in ("PERSON", "ORG", "NORP", "GPE"):
        key = entity_key(name, label)
        if key is not None and entity_id(key) == eid:
            return label
    return None


def quote_from_row(row: sqlite3.Row) -> Quote:
    """A `Quote` record from a ``quotes`` row."""
    surface = (
        Span(row["speaker_start"], row["speaker_end"], row["speaker_text"] or "")
        if row["speaker_start"] is not None
        else None
    )
    cue = (
        Span(row["cue_start"], row["cue_end"], row["cue_text"] or "")
        if row["cue_start"] is not None
        else None
    )
    return Quote(
        quote_id=row["quote_id"],
        article_id=row["article_id"],
        kind=row["kind"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        speaker=Speaker(
            row["speaker_name"], row["speaker_entity_id"], surface, row["speaker_rule"]
        ),
        cue=cue,
        confidence=row["confidence"],
    )


def _quote_row(article: Article, q: Quote) -> tuple[Any, ...]:
    source = article.source_span(q.start, q.end)
    surface = q.speaker.surface
    speaker_source = article.source_span(surface.start, surface.end) if surface else None
    return (
        q.quote_id,
        q.article_id,
        q.kind,
        q.start,
        q.end,
        q.text,
        source[0] if source else None,
        source[1] if source else None,
        q.speaker.name,
        q.speaker.entity_id,
        q.speaker.rule,
        surface.start if surface else None,
        surface.end if surface else None,
        surface.text if surface else None,
        speaker_source[0] if speaker_source else None,
        speaker_source[1] if speaker_source else None,
        q.cue.start if q.cue else None,
        q.cue.end if q.cue else None,
        q.cue.text if q.cue else None,
        q.confidence,
    )


class StatementQueries(Queries):
    """Quote and statement tables; requires ``_query``/``_execute``/``_executemany``."""

    # -- quotes --------------------------------------------------------------------------------

    def replace_quotes(self, extracted: Sequence[tuple[Article, Sequence[Quote]]]) -> set[str]:
        """Store each article's quotes in place of any stored before (re-running is a no-op).

        Statements that lose members keep their ids; those left empty are deleted with their
        repeat links. Returns the ids of the surviving statements that lost members, whose
        summaries the caller refreshes.
        """
        touched = self.delete_quotes([a.article_id for a, _ in extracted])
        rows = [_quote_row(a, q) for a, quotes in extracted for q in quotes]
        marks = ", ".join("?" * len(_QUOTE_COLUMNS.split(", ")))
        self._executemany(f"INSERT INTO quotes ({_QUOTE_COLUMNS}) VALUES ({marks})", rows)
        speakers = {
            q.speaker.entity_id: q.speaker.name
            for _, quotes in extracted
            for q in quotes
            if q.speaker.entity_id and q.speaker.name
        }
        self._executemany(
            "INSERT INTO speaker_entities (entity_id, name, type) VALUES (?, ?, ?) "
            "ON CONFLICT (entity_id) DO NOTHING",
            [(eid, name, speaker_type(name, eid)) for eid, name in sorted(speakers.items())],
        )
        return touched

    def delete_quotes(self, article_ids: Sequence[str]) -> set[str]:
        """Delete the quotes of these articles and their statement memberships."""
        touched: set[str] = set()
        for aid in sorted(set(article_ids)):
            rows = self._query(
                "SELECT DISTINCT m.statement_id FROM statement_members m "
                "JOIN quotes q ON q.quote_id = m.quote_id WHERE q.article_id = ?",
                (aid,),
            )
            touched.update(r[0] for r in rows)
            self._execute(
                "DELETE FROM statement_members WHERE quote_id IN "
                "(SELECT quote_id FROM quotes WHERE article_id = ?)",
                (aid,),
            )
            self._execute("DELETE FROM quotes WHERE article_id = ?", (aid,))
        for sid in sorted(touched):
            left = self._query(
                "SELECT count(*) FROM statement_members WHERE statement_id = ?", (sid,)
            )[0][0]
            if not left:
                self._execute(
                    "DELETE FROM statement_repeats WHERE statement_id = ? OR other_id = ?",
                    (sid, sid),
                )
                self._execute("DELETE FROM statements WHERE statement_id = ?", (sid,))
        return {
            sid
            for sid in touched
            if self._query("SELECT 1 FROM statements WHERE statement_id = ?", (sid,))
        }

    def quotes_of(self, article_ids: Iterable[str]) -> list[Quote]:
        """Stored quotes of the given articles, by article and offset."""
        found: list[Quote] = []
        for aid in sorted(set(article_ids)):
            rows = self._query(
                f"SELECT {_QUOTE_COLUMNS} FROM quotes WHERE article_id = ? "
                "ORDER BY start, end, quote_id",
                (aid,),
            )
            found.extend(quote_from_row(r) for r in rows)
        return found

    def unaligned_quotes(self, article_ids: Iterable[str]) -> list[Quote]:
        """Quotes of these articles that belong to no statement yet."""
        found: list[Quote] = []
        for aid in sorted(set(article_ids)):
            rows = self._query(
                f"SELECT {_QUOTE_COLUMNS} FROM quotes q WHERE article_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM statement_members m WHERE m.quote_id = q.quote_id) "
                "ORDER BY start, end, quote_id",
                (aid,),
            )
            found.extend(quote_from_row(r) for r in rows)
        return found

    def save_quote_vectors(self, model: str, vectors: Mapping[str, Vectors]) -> None:
        """The text embedding of each quote: one row for the whole text, then one row per
        sentence for a multi-sentence quote (read back by the embedder's dimension)."""
        self._executemany(
            "UPDATE quotes SET model = ?, vector = ? WHERE quote_id = ?",
            [
                (model, np.asarray(v, dtype=np.float32).tobytes(), qid)
                for qid, v in sorted(vectors.items())
            ],
        )

    def quote_occasions(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Per article: outlet, publication time and event (``None`` when unknown)."""
        found: dict[str, dict[str, Any]] = {}
        for aid in sorted(set(article_ids)):
            rows = self._query(
                "SELECT a.outlet, a.outlet_key, a.published_at, m.event_id FROM articles a "
                "LEFT JOIN event_members m ON m.article_id = a.article_id "
                "WHERE a.article_id = ?",
                (aid,),
            )
            if rows:
                found[aid] = dict(rows[0])
        return found

    # -- statements ----------------------------------------------------------------------------

    def aligned_quotes(self, model: str) -> list[dict[str, Any]]:
        """Every quote already in a statement, with its vector and occasion, in decision order."""
        rows = self._query(_ALIGNED + "WHERE q.model = ? ORDER BY m.seq, m.quote_id", (model,))
        return [dict(r) for r in rows]

    def aligned_quotes_of_statements(
        self, model: str, statement_ids: Iterable[str]
    ) -> list[dict[str, Any]]:
        """The members of these statements as `aligned_quotes` gives them, in decision order."""
        ids = sorted(set(statement_ids))
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.extend(
                dict(r)
                for r in self._query(
                    _ALIGNED + f"WHERE q.model = ? AND m.statement_id IN "
                    f"({', '.join('?' * len(chunk))})",
                    (model, *chunk),
                )
            )
        return sorted(found, key=lambda r: (r["seq"], r["quote_id"]))

    def statements_on(
        self,
        model: str,
        *,
        event_id: str | None = None,
        day: date | None = None,
        article_id: str | None = None,
    ) -> set[str]:
        """Statements with a member quoted on one occasion: in the event, else (articles in no
        event) published on the day, else (neither) in the article. A superset for a day or an
        article: the caller checks each member's occasion."""
        if event_id is not None:
            where, params = "e.event_id = ?", [event_id]
        elif day is not None:
            where = "e.event_id IS NULL AND a.published_at >= ? AND a.published_at < ?"
            params = [day.isoformat(), (day + timedelta(days=1)).isoformat()]
        elif article_id is not None:
            where, params = "e.event_id IS NULL AND q.article_id = ?", [article_id]
        else:
            raise ValueError("an occasion needs an event, a day or an article")
        rows = self._query(
            "SELECT DISTINCT m.statement_id FROM statement_members m "
            "JOIN quotes q ON q.quote_id = m.quote_id "
            "JOIN articles a ON a.article_id = q.article_id "
            "LEFT JOIN event_members e ON e.article_id = q.article_id "
            f"WHERE q.model = ? AND {where}",
            (model, *params),
        )
        return {r[0] for r in rows}

    def statements_quoted_in(self, article_id: str) -> set[str]:
        """Statements with a member quoted in the article."""
        rows = self._query(
            "SELECT DISTINCT m.statement_id FROM statement_members m "
            "JOIN quotes q ON q.quote_id = m.quote_id WHERE q.article_id = ?",
            (article_id,),
        )
        return {r[0] for r in rows}

    def statement_ids_of_quotes(self, quote_ids: Iterable[str]) -> dict[str, str]:
        """The statement each of these quotes belongs to (quotes in none left out)."""
        ids = sorted(set(quote_ids))
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(
                (r[0], r[1])
                for r in self._query(
                    "SELECT quote_id, statement_id FROM statement_members WHERE quote_id IN "
                    f"({', '.join('?' * len(chunk))})",
                    chunk,
                )
            )
        return found

    def aligned_vectors(self, model: str, batch: int = 2000) -> Iterator[tuple[str, bytes]]:
        """``(quote_id, vector)`` of every quote in a statement, in decision order, read a
        batch at a time (the nearest-neighbour index is rebuilt from them)."""
        after: tuple[int, str] = (-1, "")
        while True:
            rows = self._query(
                "SELECT m.seq, m.quote_id, q.vector FROM statement_members m "
                "JOIN quotes q ON q.quote_id = m.quote_id "
                "WHERE q.model = ? AND (m.seq > ? OR (m.seq = ? AND m.quote_id > ?)) "
                "ORDER BY m.seq, m.quote_id LIMIT ?",
                (model, after[0], after[0], after[1], batch),
            )
            for r in rows:
                yield r[1], bytes(r[2])
            if len(rows) < batch:
                return
            after = (int(rows[-1][0]), str(rows[-1][1]))

    def add_statement_member(
        self, quote_id: str, statement_id: str, relation: str, score: float, seq: int
    ) -> None:
        """Record which statement a quote belongs to, how and how surely."""
        self._execute(
            "INSERT INTO statement_members (quote_id, statement_id, relation, score, seq) "
            "VALUES (?, ?, ?, ?, ?)",
            (quote_id, statement_id, relation, score, seq),
        )

    def upsert_statement(self, statement: Mapping[str, Any]) -> None:
        """Insert or update a statement's summary row (its seq is kept on update)."""
        self._execute(
            """INSERT INTO statements (statement_id, speaker_entity_id, event_id, day, text, seq,
                                       updated_at)
               VALUES (:statement_id, :speaker_entity_id, :event_id, :day, :text, :seq,
                       :updated_at)
               ON CONFLICT (statement_id) DO UPDATE SET
                   speaker_entity_id = excluded.speaker_entity_id,
                   event_id = excluded.event_id, day = excluded.day, text = excluded.text,
                   updated_at = excluded.updated_at""",
            statement,
        )

    def add_repeat(self, statement_id: str, other_id: str, score: float) -> None:
        """Link two statements as the same words on different occasions (both directions)."""
        for a, b in ((statement_id, other_id), (other_id, statement_id)):
            self._execute(
                "INSERT INTO statement_repeats (statement_id, other_id, score) VALUES (?, ?, ?) "
                "ON CONFLICT (statement_id, other_id) DO UPDATE SET "
                "score = max(score, excluded.score)",
                (a, b, score),
            )

    def statement_member_rows(self, statement_id: str) -> list[dict[str, Any]]:
        """Members of a statement with their quotes and articles, in decision order."""
        rows = self._query(
            "SELECT m.relation, m.score, q.quote_id, q.article_id, q.kind, q.text, "
            "q.speaker_entity_id, a.outlet, a.published_at FROM statement_members m "
            "JOIN quotes q ON q.quote_id = m.quote_id "
            "JOIN articles a ON a.article_id = q.article_id "
            "WHERE m.statement_id = ? ORDER BY m.seq, m.quote_id",
            (statement_id,),
        )
        return [dict(r) for r in rows]

    def list_statements(
        self,
        *,
        speaker_ids: Sequence[str] | None = None,
        outlet_key: str | None = None,
        event_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Statements with outlets, member quote ids and repeats; filters narrow to statements
        whose speaker is one of ``speaker_ids``, carried by the outlet, or in the event."""
        where: list[str] = []
        params: list[Any] = []
        if speaker_ids is not None:
            where.append(f"s.speaker_entity_id IN ({', '.join('?' * len(speaker_ids))})")
            params.extend(speaker_ids)
        if outlet_key is not None:
            where.append(
                "EXISTS (SELECT 1 FROM statement_members m JOIN quotes q ON "
                "q.quote_id = m.quote_id JOIN articles a ON a.article_id = q.article_id "
                "WHERE m.statement_id = s.statement_id AND a.outlet_key = ?)"
            )
            params.append(outlet_key)
        if event_id is not None:
            where.append("s.event_id = ?")
            params.append(event_id)
        rows = self._query(
            "SELECT s.statement_id, s.speaker_entity_id, e.name AS speaker, s.event_id, s.day, "
            "s.text FROM statements s LEFT JOIN speaker_entities e "
            "ON e.entity_id = s.speaker_entity_id "
            + ("WHERE " + " AND ".join(where) + " " if where else "")
            + "ORDER BY s.day IS NULL, s.day, s.seq, s.statement_id",
            params,
        )
        found = []
        for r in rows:
            st = dict(r)
            members = self.statement_member_rows(st["statement_id"])
            st["quote_ids"] = [m["quote_id"] for m in members]
            st["outlets"] = sorted({m["outlet"] for m in members if m["outlet"]})
            st["kinds"] = sorted({m["kind"] for m in members})
            st["members"] = members
            st["repeats"] = self.statement_repeats(st["statement_id"])
            found.append(st)
        return found

    def statement_repeats(self, statement_id: str) -> list[dict[str, Any]]:
        """Statements with the same words on other occasions, with scores."""
        rows = self._query(
            "SELECT other_id AS statement_id, score FROM statement_repeats "
            "WHERE statement_id = ? ORDER BY other_id",
            (statement_id,),
        )
        return [dict(r) for r in rows]

    def quote_rows(
        self,
        *,
        speaker_ids: Sequence[str] | None = None,
        outlet_key: str | None = None,
        event_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Quotes with their article, statement and relation, filtered like `list_statements`
        (the event filter is the event of the quote's article)."""
        where: list[str] = []
        params: list[Any] = []
        if speaker_ids is not None:
            where.append(f"q.speaker_entity_id IN ({', '.join('?' * len(speaker_ids))})")
            params.extend(speaker_ids)
        if outlet_key is not None:
            where.append("a.outlet_key = ?")
            params.append(outlet_key)
        if event_id is not None:
            where.append("e.event_id = ?")
            params.append(event_id)
        rows = self._query(
            f"SELECT {', '.join('q.' + c for c in _QUOTE_COLUMNS.split(', '))}, "
            "a.outlet, a.published_at, e.event_id, m.statement_id, m.relation, "
            "m.score AS statement_score FROM quotes q "
            "JOIN articles a ON a.article_id = q.article_id "
            "LEFT JOIN event_members e ON e.article_id = q.article_id "
            "LEFT JOIN statement_members m ON m.quote_id = q.quote_id "
            + ("WHERE " + " AND ".join(where) + " " if where else "")
            + "ORDER BY a.published_at IS NULL, a.published_at, q.article_id, q.start, q.quote_id",
            params,
        )
        return [dict(r) for r in rows]

    def speaker_ids_matching(self, text: str) -> list[str]:
        """Speaker entity ids whose id is ``text``, whose name contains it, or whose canonical
        key equals that of ``text`` read as a person's or organisation's name."""
        keys = {entity_key(text, label) for label in ("PERSON", "ORG", "NORP")}
        ids = sorted({text} | {entity_id(k) for k in keys if k})
        rows = self._query(
            f"SELECT entity_id FROM speaker_entities WHERE entity_id IN "
            f"({', '.join('?' * len(ids))}) OR lower(name) LIKE ? ESCAPE '\\' "
            "ORDER BY entity_id",
            [*ids, "%" + text.lower().replace("%", "\\%").replace("_", "\\_") + "%"],
        )
        return [r[0] for r in rows]

    def actor_rows(self) -> list[dict[str, Any]]:
        """Speakers with counts of quotes, statements and outlets, most quoted first."""
        rows = self._query(
            "SELECT e.entity_id, e.name, e.type, count(q.quote_id) AS quotes, "
            "count(DISTINCT m.statement_id) AS statements, "
            "count(DISTINCT a.outlet_key) AS outlets FROM speaker_entities e "
            "JOIN quotes q ON q.speaker_entity_id = e.entity_id "
            "JOIN articles a ON a.article_id = q.article_id "
            "LEFT JOIN statement_members m ON m.quote_id = q.quote_id "
            "GROUP BY e.entity_id ORDER BY quotes DESC, e.name, e.entity_id"
        )
        return [dict(r) for r in rows]

    def speaker_labels(self, entity_id: str) -> list[dict[str, Any]]:
        """How each outlet names a speaker: surface text, outlet and count."""
        rows = self._query(
            f"SELECT q.speaker_text AS surface, {self._any_value('a.outlet')} AS outlet, "
            "count(*) AS count FROM quotes q JOIN articles a ON a.article_id = q.article_id "
            "WHERE q.speaker_entity_id = ? AND q.speaker_text IS NOT NULL "
            "GROUP BY q.speaker_text, a.outlet_key ORDER BY count DESC, surface, outlet",
            (entity_id,),
        )
        return [dict(r) for r in rows]
