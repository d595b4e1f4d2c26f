"""Store queries for analysis results: annotations, vectors, event features, events, stories.

A mixin of `SQLiteStore` (kept apart so each module stays one subject). Every method here runs
inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import numpy as np

from parallax.events.features import EventFeatures, Occasion
from parallax.nlp.annotate import Annotation, EntitySpan
from parallax.nlp.embeddings import Vectors
from parallax.store.queries import Queries, placeholders

#: The columns of an `event_aggregates` row, as `save_event_aggregates` takes them.
AGGREGATE_COLUMNS = (
    "event_id", "model", "members", "last_seq", "vector_sum", "actors", "places", "days",
    "occasions",
)


class AnalysisQueries(Queries):
    """Analysis tables; requires ``_query``/``_execute``/``_executemany`` from the store."""

    # -- which articles a run covers ---------------------------------------------------------

    def still_unanalyzed(self, article_ids: Iterable[str]) -> list[str]:
        """Those of these articles that no analysis run has covered yet, in the order given.

        Asked inside a writer's transaction, the answer holds until it commits: another
        ``analyze`` that read the same new articles before this one took the writer lock may
        have analysed them since, and must not analyse them again.
        """
        asked = list(dict.fromkeys(article_ids))
        rows = self._rows_for_ids(
            "SELECT article_id FROM articles WHERE analyzed_at IS NULL AND article_id IN ({ids})",
            asked,
        )
        left = {r[0] for r in rows}
        return [a for a in asked if a in left]

    # -- annotations and vectors -------------------------------------------------------------

    def save_annotations(self, model: str, annotations: dict[str, Annotation]) -> None:
        """Sentences and entities per article (replacing earlier ones)."""
        self._executemany(
            "INSERT OR REPLACE INTO annotations (article_id, model, sentences, entities) "
            "VALUES (?, ?, ?, ?)",
            [
                (
                    aid,
                    model,
                    json.dumps([list(s) for s in ann.sentences]),
                    json.dumps(
                        [[e.start, e.end, e.label, e.text] for e in ann.entities],
                        ensure_ascii=False,
                    ),
                )
                for aid, ann in sorted(annotations.items())
            ],
        )

    def annotations(self, article_ids: Iterable[str]) -> dict[str, Annotation]:
        """Stored annotations of the given articles."""
        found: dict[str, Annotation] = {}
        for aid in article_ids:
            rows = self._query(
                "SELECT sentences, entities FROM annotations WHERE article_id = ?", (aid,)
            )
            if rows:
                found[aid] = Annotation(
                    tuple((s, e) for s, e in json.loads(rows[0]["sentences"])),
                    tuple(EntitySpan(*e) for e in json.loads(rows[0]["entities"])),
                )
        return found

    def save_vectors(self, kind: str, model: str, vectors: dict[str, Vectors]) -> None:
        """Float32 vectors per article."""
        self._executemany(
            "INSERT OR REPLACE INTO vectors (article_id, kind, model, vector) VALUES (?, ?, ?, ?)",
            [
                (aid, kind, model, np.asarray(v, dtype=np.float32).tobytes())
                for aid, v in sorted(vectors.items())
            ],
        )

    def vectors(self, kind: str, model: str, article_ids: Iterable[str]) -> dict[str, Vectors]:
        """Stored vectors of one kind and model for the given articles (missing ones omitted)."""
        found: dict[str, Vectors] = {}
        for aid in article_ids:
            rows = self._query(
                "SELECT vector FROM vectors WHERE article_id = ? AND kind = ? AND model = ?",
                (aid, kind, model),
            )
            if rows:
                found[aid] = np.frombuffer(rows[0]["vector"], dtype=np.float32).copy()
        return found

    # -- event features ------------------------------------------------------------------------

    def save_event_features(self, features: Iterable[EventFeatures]) -> None:
        """What the clusterer needs per article, except the vector (stored in `vectors`)."""
        self._executemany(
            "INSERT OR REPLACE INTO event_features (article_id, day, actors, places, occasion) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    f.article_id,
                    f.when.isoformat() if f.when else None,
                    json.dumps(sorted(f.actors)),
                    json.dumps(sorted(f.places)),
                    json.dumps([f.occasion.kind, f.occasion.counterpart]) if f.occasion else None,
                )
                for f in features
            ],
        )

    def event_features(self, article_ids: Iterable[str], model: str) -> dict[str, EventFeatures]:
        """Stored features with their lead vectors."""
        found: dict[str, EventFeatures] = {}
        for aid in article_ids:
            rows = self._query(
                "SELECT f.day, f.actors, f.places, f.occasion, v.vector FROM event_features f "
                "JOIN vectors v ON v.article_id = f.article_id AND v.kind = 'lead' "
                "AND v.model = ? WHERE f.article_id = ?",
                (model, aid),
            )
            if not rows:
                continue
            r = rows[0]
            occasion = json.loads(r["occasion"]) if r["occasion"] else None
            found[aid] = EventFeatures(
                article_id=aid,
                vector=np.frombuffer(r["vector"], dtype=np.float32).copy(),
                actors=frozenset(json.loads(r["actors"])),
                places=frozenset(json.loads(r["places"])),
                when=date.fromisoformat(r["day"]) if r["day"] else None,
                occasion=Occasion(occasion[0], occasion[1]) if occasion else None,
            )
        return found

    # -- events ----------------------------------------------------------------------------------

    def memberships(self) -> list[tuple[str, str]]:
        """(article_id, event_id) in the order the decisions were made."""
        rows = self._query("SELECT article_id, event_id FROM event_members ORDER BY seq")
        return [(r["article_id"], r["event_id"]) for r in rows]

    def members_of_events(self, event_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(article_id, event_id) of the members of these events, in decision order."""
        rows = self._rows_for_ids(
            "SELECT seq, article_id, event_id FROM event_members WHERE event_id IN ({ids})",
            event_ids,
        )
        return [(a, e) for _, a, e in sorted((int(r[0]), r[1], r[2]) for r in rows)]

    def events_of_articles(self, article_ids: Iterable[str]) -> set[str]:
        """The events the given articles belong to."""
        rows = self._rows_for_ids(
            "SELECT DISTINCT event_id FROM event_members WHERE article_id IN ({ids})",
            article_ids,
        )
        return {r[0] for r in rows}

    def event_member_marks(self) -> dict[str, tuple[int, int]]:
        """Per event: how many members it has and the decision number of the last."""
        rows = self._query(
            "SELECT event_id, count(*), max(seq) FROM event_members GROUP BY event_id"
        )
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    def decided_lead_vectors(
        self, model: str, batch: int = 2000
    ) -> Iterator[tuple[str, str, bytes]]:
        """``(article_id, event_id, lead vector)`` of every article placed in an event (with
        its features, as `event_features` reads them), in decision order, read a batch at a
        time (the clusterer's index is rebuilt from them)."""
        after = -1
        while True:
            rows = self._query(
                "SELECT m.seq, m.article_id, m.event_id, v.vector FROM event_members m "
                "JOIN event_features f ON f.article_id = m.article_id "
                "JOIN vectors v ON v.article_id = m.article_id AND v.kind = 'lead' "
                "AND v.model = ? WHERE m.seq > ? ORDER BY m.seq LIMIT ?",
                (model, after, batch),
            )
            for r in rows:
                yield r[1], r[2], bytes(r[3])
            if len(rows) < batch:
                return
            after = int(rows[-1][0])

    def event_memberships(self, batch: int = 5000) -> Iterator[tuple[str, str]]:
        """``(article_id, event_id)`` of every article placed in an event, in decision order,
        read a batch at a time."""
        after = -1
        while True:
            rows = self._query(
                "SELECT seq, article_id, event_id FROM event_members WHERE seq > ? "
                "ORDER BY seq LIMIT ?",
                (after, batch),
            )
            for r in rows:
                yield r[1], r[2]
            if len(rows) < batch:
                return
            after = int(rows[-1][0])

    def save_event_aggregates(self, rows: Iterable[dict[str, Any]]) -> None:
        """Replace the folded features of these events (`event_aggregates` rows)."""
        columns = AGGREGATE_COLUMNS
        self._executemany(
            f"INSERT OR REPLACE INTO event_aggregates ({', '.join(columns)}) "
            f"VALUES ({placeholders(columns)})",
            [tuple(row[c] for c in columns) for row in rows],
        )

    def event_aggregates(self, model: str) -> list[dict[str, Any]]:
        """Every event's folded features for one embedding model, by event id."""
        rows = self._query(
            f"SELECT {', '.join(AGGREGATE_COLUMNS)} FROM event_aggregates WHERE model = ? "
            "ORDER BY event_id",
            (model,),
        )
        return [{**dict(r), "vector_sum": bytes(r["vector_sum"])} for r in rows]

    def add_membership(
        self, article_id: str, event_id: str, confidence: float, score: float, seq: int
    ) -> None:
        """Record which event an article belongs to."""
        self._execute(
            "INSERT INTO event_members (article_id, event_id, confidence, score, seq) "
            "VALUES (?, ?, ?, ?, ?)",
            (article_id, event_id, confidence, score, seq),
        )

    def event_member_rows(self, event_id: str) -> list[dict[str, Any]]:
        """Members of an event with article metadata, oldest first."""
        rows = self._query(
            "SELECT m.article_id, m.confidence, m.score, a.title, a.outlet, a.published_at "
            "FROM event_members m JOIN articles a ON a.article_id = m.article_id "
            "WHERE m.event_id = ? ORDER BY a.published_at IS NULL, a.published_at, m.seq",
            (event_id,),
        )
        return [dict(r) for r in rows]

    def upsert_event(self, event: dict[str, Any]) -> None:
        """Insert or update an event's summary row (story link untouched on update).

        ``evidence`` (optional) maps a summary field to the member-article span it was read from.
        """
        row = dict(event)
        row["evidence"] = json.dumps(row.get("evidence") or {}, sort_keys=True)
        self._execute(
            """INSERT INTO events (event_id, title, start, end, place, articles, seq, updated_at,
                                   evidence)
               VALUES (:event_id, :title, :start, :end, :place, :articles, :seq, :updated_at,
                       :evidence)
               ON CONFLICT (event_id) DO UPDATE SET title = excluded.title,
                   start = excluded.start, end = excluded.end, place = excluded.place,
                   articles = excluded.articles, updated_at = excluded.updated_at,
                   evidence = excluded.evidence""",
            row,
        )

    def set_event_story(self, event_id: str, story_id: str, confidence: float) -> None:
        """Put an event in a story."""
        self._execute(
            "UPDATE events SET story_id = ?, story_confidence = ? WHERE event_id = ?",
            (story_id, confidence, event_id),
        )

    def upsert_story(self, story: dict[str, Any]) -> None:
        """Insert or update a story's summary row."""
        self._execute(
            """INSERT INTO stories (story_id, title, start, end, events, updated_at)
               VALUES (:story_id, :title, :start, :end, :events, :updated_at)
               ON CONFLICT (story_id) DO UPDATE SET title = excluded.title,
                   start = excluded.start, end = excluded.end, events = excluded.events,
                   updated_at = excluded.updated_at""",
            story,
        )

    def list_events(self, story_id: str | None = None) -> list[dict[str, Any]]:
        """Events, in time order (undated last), optionally of one story."""
        where, params = ("WHERE story_id = ?", [story_id]) if story_id else ("", [])
        rows = self._query(
            f"SELECT event_id, story_id, story_confidence, title, start, end, place, articles, "
            f"evidence FROM events {where} ORDER BY start IS NULL, start, seq",
            params,
        )
        return [{**dict(r), "evidence": json.loads(r["evidence"])} for r in rows]

    def list_stories(self) -> list[dict[str, Any]]:
        """Stories, largest first, then by time."""
        rows = self._query(
            "SELECT s.story_id, s.title, s.start, s.end, s.events, "
            "(SELECT coalesce(sum(e.articles), 0) FROM events e WHERE e.story_id = s.story_id) "
            "AS articles FROM stories s ORDER BY articles DESC, s.start, s.story_id"
        )
        return [dict(r) for r in rows]

    def event_rows(self, event_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Event rows by id."""
        asked = list(dict.fromkeys(event_ids))
        rows = self._rows_for_ids("SELECT * FROM events WHERE event_id IN ({ids})", asked)
        found = {r["event_id"]: dict(r) for r in rows}
        return {eid: found[eid] for eid in asked if eid in found}  # in the order asked
