"""Store queries for how outlets tell it: framing cues, labels, tone toward entities, statement
stances and actors' position changes.

A mixin of the store (kept apart so each module stays one subject). Every method runs inside the
caller's transaction. Per-article rows are replaced whole, so re-running a stage never
duplicates them; position changes are replaced per actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from parallax.model import FramingCue, Label, PositionChange, PositionPoint, Span, Tone
from parallax.store.queries import Queries

_CUE_COLUMNS = "article_id, kind, start, end, text, lemma, value, target_entity_id, score"
_LABEL_COLUMNS = "article_id, entity_id, kind, start, end, surface, score"
_TONE_COLUMNS = (
    "article_id, target_entity_id, label, score, start, end, target_start, target_end, "
    "target_text"
)
_POSITION_COLUMNS = (
    "actor_entity_id, topic, kind, before_article_id, before_quote_id, before_start, "
    "before_end, before_day, after_article_id, after_quote_id, after_start, after_end, "
    "after_day, score"
)


def _marks(columns: str) -> str:
    return ", ".join("?" * len(columns.split(", ")))


def _cue(r: Any) -> FramingCue:
    return FramingCue(r["article_id"], r["kind"], r["start"], r["end"], r["text"], r["lemma"],
                      r["value"], r["target_entity_id"], r["score"])


def position_from_row(row: Any) -> PositionChange:
    """A `PositionChange` from a ``position_changes`` row."""
    return PositionChange(
        actor_entity_id=row["actor_entity_id"],
        topic=row["topic"],
        kind=row["kind"],
        before=PositionPoint(
            row["before_article_id"], row["before_quote_id"], row["before_start"],
            row["before_end"], row["before_day"],
        ),
        after=PositionPoint(
            row["after_article_id"], row["after_quote_id"], row["after_start"],
            row["after_end"], row["after_day"],
        ),
        score=row["score"],
    )


class CompareQueries(Queries):
    """Framing cues, labels, tones, stances and position changes."""

    def replace_comparison(
        self,
        article_id: str,
        labels: Sequence[Label],
        cues: Sequence[FramingCue],
        tones: Sequence[Tone],
    ) -> None:
        """Store one article's labels, framing cues and tones in place of earlier ones."""
        for table in ("labels", "framing_cues", "tones"):
            self._execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        self._executemany(
            f"INSERT INTO labels ({_LABEL_COLUMNS}) VALUES ({_marks(_LABEL_COLUMNS)})",
            sorted(
                {
                    (article_id, lb.entity_id, lb.kind, lb.start, lb.end, lb.surface, lb.score)
                    for lb in labels
                }
            ),
        )
        self._executemany(
            f"INSERT INTO framing_cues ({_CUE_COLUMNS}) VALUES ({_marks(_CUE_COLUMNS)})",
            sorted(
                {
                    (c.start, c.end, c.kind): (
                        article_id, c.kind, c.start, c.end, c.text, c.lemma, c.value,
                        c.target_entity_id, c.score,
                    )
                    for c in cues
                }.values()
            ),
        )
        self._executemany(
            f"INSERT INTO tones ({_TONE_COLUMNS}) VALUES ({_marks(_TONE_COLUMNS)})",
            sorted(
                {
                    (t.target_entity_id, t.start): (
                        article_id, t.target_entity_id, t.label, t.score, t.start, t.end,
                        t.target.start, t.target.end, t.target.text,
                    )
                    for t in tones
                }.values()
            ),
        )

    def article_body(self, article_id: str) -> str | None:
        """An article's clean body alone (cheaper than `get_article` for citations)."""
        rows = self._query("SELECT body FROM articles WHERE article_id = ?", (article_id,))
        return str(rows[0][0]) if rows else None

    def _article_rows(
        self, columns: str, table: str, order: str, article_ids: Iterable[str]
    ) -> Iterator[Any]:
        """Rows of a per-article table for these articles, chunked under the parameter cap."""
        yield from self._rows_for_ids(
            f"SELECT {columns} FROM {table} WHERE article_id IN ({{ids}}) ORDER BY {order}",
            article_ids,
        )

    def labels_of(self, article_ids: Iterable[str]) -> list[Label]:
        """Stored labels of the given articles, by article and offset."""
        rows = self._article_rows(
            _LABEL_COLUMNS, "labels", "article_id, start, end, entity_id", article_ids
        )
        return [
            Label(r["entity_id"], r["article_id"], r["kind"], r["start"], r["end"],
                  r["surface"], r["score"])
            for r in rows
        ]

    def framing_of(self, article_ids: Iterable[str]) -> list[FramingCue]:
        """Stored framing cues of the given articles, by article and offset."""
        rows = self._article_rows(
            _CUE_COLUMNS, "framing_cues", "article_id, start, end, kind", article_ids
        )
        return [_cue(r) for r in rows]

    def tones_of(self, article_ids: Iterable[str]) -> list[Tone]:
        """Stored tones of the given articles, by article and offset."""
        rows = self._article_rows(
            _TONE_COLUMNS, "tones", "article_id, start, target_entity_id", article_ids
        )
        return [
            Tone(r["article_id"], r["target_entity_id"], r["label"], r["score"], r["start"],
                 r["end"], Span(r["target_start"], r["target_end"], r["target_text"]))
            for r in rows
        ]

    def iter_framing(self) -> Iterator[FramingCue]:
        """Every stored framing cue, by article and offset (for the export)."""
        last: tuple[str, int, int, str] = ("", -1, -1, "")
        while True:
            rows = self._query(
                f"SELECT {_CUE_COLUMNS} FROM framing_cues "
                "WHERE (article_id, start, end, kind) > (?, ?, ?, ?) "
                "ORDER BY article_id, start, end, kind LIMIT 1000",
                last,
            )
            if not rows:
                return
            for r in rows:
                yield _cue(r)
            r = rows[-1]
            last = (r["article_id"], r["start"], r["end"], r["kind"])

    def entity_label_counts(self) -> list[dict[str, Any]]:
        """Per entity, outlet and surface form: how many mentions (for ``entities.jsonl``)."""
        rows = self._query(
            "SELECT l.entity_id, l.surface, a.outlet, count(*) AS n FROM labels l "
            "JOIN articles a ON a.article_id = l.article_id "
            "GROUP BY l.entity_id, l.surface, a.outlet "
            "ORDER BY l.entity_id, n DESC, l.surface, a.outlet"
        )
        return [dict(r) for r in rows]

    # -- positions ------------------------------------------------------------------------------

    def actor_statement_points(self, actor_entity_id: str) -> list[dict[str, Any]]:
        """An actor's statements, each with its text, day (the event's first day when no
        member article is dated), event and one member quote as the evidence (a direct quote
        first, then the earliest published)."""
        rows = self._query(
            "SELECT s.statement_id, s.text, coalesce(s.day, substr(e.start, 1, 10)) AS day, "
            "s.event_id, q.quote_id, q.article_id, q.start, q.end, q.kind, a.published_at "
            "FROM statements s LEFT JOIN events e ON e.event_id = s.event_id "
            "JOIN statement_members m ON m.statement_id = s.statement_id "
            "JOIN quotes q ON q.quote_id = m.quote_id "
            "JOIN articles a ON a.article_id = q.article_id "
            "WHERE s.speaker_entity_id = ? "
            "ORDER BY s.statement_id, CASE q.kind WHEN 'direct' THEN 0 ELSE 1 END, "
            "coalesce(a.published_at, '~'), q.article_id, q.start",
            (actor_entity_id,),
        )
        points: dict[str, dict[str, Any]] = {}
        for r in rows:
            points.setdefault(r["statement_id"], dict(r))
        return list(points.values())

    def statement_speakers_of(self, article_ids: Iterable[str]) -> set[str]:
        """Speakers of the statements that quotes of these articles belong to."""
        rows = self._rows_for_ids(
            "SELECT DISTINCT s.speaker_entity_id FROM statements s "
            "JOIN statement_members m ON m.statement_id = s.statement_id "
            "JOIN quotes q ON q.quote_id = m.quote_id "
            "WHERE q.article_id IN ({ids}) AND s.speaker_entity_id IS NOT NULL",
            article_ids,
        )
        return {r[0] for r in rows}

    def repeat_links(self, statement_ids: Iterable[str]) -> list[tuple[str, str, float]]:
        """Repeat links (same words, another occasion) from any of these statements."""
        rows = self._rows_for_ids(
            "SELECT statement_id, other_id, score FROM statement_repeats "
            "WHERE statement_id IN ({ids}) ORDER BY statement_id, other_id",
            statement_ids,
        )
        return [(r[0], r[1], float(r[2])) for r in rows]

    def statement_stances(self, statement_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Cached stances per statement: ``{sid: {"text": ..., "topics": [(topic, lemma,
        stance), ...]}}``; a statement whose text changed since is recomputed by the caller."""
        found: dict[str, dict[str, Any]] = {}
        rows = self._rows_for_ids(
            "SELECT statement_id, text, topic, lemma, stance FROM statement_stances "
            "WHERE statement_id IN ({ids}) ORDER BY statement_id, topic",
            statement_ids,
        )
        for r in rows:
            entry = found.setdefault(r["statement_id"], {"text": r["text"], "topics": []})
            if r["topic"]:
                entry["topics"].append((r["topic"], r["lemma"], r["stance"]))
        return found

    def save_statement_stances(
        self, statement_id: str, text: str, topics: Sequence[tuple[str, str, str]]
    ) -> None:
        """Cache a statement's stances (an empty topic row marks "parsed, no topic")."""
        self._execute("DELETE FROM statement_stances WHERE statement_id = ?", (statement_id,))
        rows = [(statement_id, text, t, lemma, stance) for t, lemma, stance in topics] or [
            (statement_id, text, "", "", "")
        ]
        self._executemany(
            "INSERT INTO statement_stances (statement_id, text, topic, lemma, stance) "
            "VALUES (?, ?, ?, ?, ?)",
            sorted(set(rows)),
        )

    def replace_positions(self, actor_entity_id: str, changes: Sequence[PositionChange]) -> None:
        """Store an actor's position changes in place of earlier ones."""
        self._execute(
            "DELETE FROM position_changes WHERE actor_entity_id = ?", (actor_entity_id,)
        )
        rows = {
            (c.topic, c.kind, c.before.quote_id, c.after.quote_id): (
                c.actor_entity_id, c.topic, c.kind, c.before.article_id, c.before.quote_id,
                c.before.start, c.before.end, c.before.day, c.after.article_id,
                c.after.quote_id, c.after.start, c.after.end, c.after.day, c.score,
            )
            for c in changes
        }
        self._executemany(
            f"INSERT INTO position_changes ({_POSITION_COLUMNS}) "
            f"VALUES ({_marks(_POSITION_COLUMNS)})",
            [rows[k] for k in sorted(rows)],
        )

    def positions(self, actor_entity_ids: Iterable[str] | None = None) -> list[PositionChange]:
        """Stored position changes (of some actors, or all), by actor, topic and time."""
        order = "ORDER BY actor_entity_id, topic, coalesce(after_day, '~'), kind, after_quote_id"
        if actor_entity_ids is None:
            rows = self._query(f"SELECT {_POSITION_COLUMNS} FROM position_changes {order}")
            return [position_from_row(r) for r in rows]
        return [
            position_from_row(r)
            for r in self._rows_for_ids(
                f"SELECT {_POSITION_COLUMNS} FROM position_changes "
                f"WHERE actor_entity_id IN ({{ids}}) {order}",
                actor_entity_ids,
            )
        ]
