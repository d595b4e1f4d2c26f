"""Store queries behind the web pages: a story's quotes, per-story outlets and speakers, entity
mentions, and full-text search over articles (the FTS5 index of schema migration 6).

A mixin of `SQLiteStore` (kept apart so each module stays one subject). Everything here reads
precomputed tables; nothing reruns analysis.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from parallax.store.queries import Queries
from parallax.store.statements import _QUOTE_COLUMNS

#: Private-use characters that FTS5's snippet() puts around each match; the view turns them into
#: offsets, so the snippet text itself is plain and escaped like any other article text.
MATCH_OPEN = "\ue000"
MATCH_CLOSE = "\ue001"

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed, or ``None`` when it holds no word.

    Every term is quoted, so operators and punctuation in the input are searched as text rather
    than parsed (a stray ``"`` or ``AND`` cannot make the query fail). ``"two words"`` stays a
    phrase; a trailing ``*`` on a word searches by prefix. Terms are ANDed.
    """
    parts: list[str] = []
    for match in _TERM.finditer(text):
        phrase, word = match.group(1), match.group(2)
        raw = phrase if phrase is not None else word
        words = _WORD.findall(raw)
        if not words:
            continue
        quoted = '"' + " ".join(words) + '"'
        if phrase is None and raw.endswith("*"):
            quoted += "*"
        parts.append(quoted)
    return " ".join(parts) if parts else None


class PageQueries(Queries):
    """Read-only queries for the pages; requires ``_query`` from the store."""

    # -- stories and events --------------------------------------------------------------------

    def story_row(self, story_id: str) -> dict[str, Any] | None:
        """One story's summary row with its article count, or ``None``."""
        rows = self._query(
            "SELECT s.story_id, s.title, s.start, s.end, s.events, "
            "(SELECT coalesce(sum(e.articles), 0) FROM events e WHERE e.story_id = s.story_id) "
            "AS articles FROM stories s WHERE s.story_id = ?",
            (story_id,),
        )
        return dict(rows[0]) if rows else None

    def event_row(self, event_id: str) -> dict[str, Any] | None:
        """One event's summary row (evidence decoded), or ``None``."""
        rows = self._query(
            "SELECT event_id, story_id, story_confidence, title, start, end, place, articles, "
            "evidence FROM events WHERE event_id = ?",
            (event_id,),
        )
        if not rows:
            return None
        return {**dict(rows[0]), "evidence": json.loads(rows[0]["evidence"])}

    def story_outlet_rows(self) -> list[dict[str, Any]]:
        """For every story: each member article's outlet, outlet key and publication time."""
        rows = self._query(
            "SELECT e.story_id, a.article_id, a.outlet, a.outlet_key, a.published_at "
            "FROM events e JOIN event_members m ON m.event_id = e.event_id "
            "JOIN articles a ON a.article_id = m.article_id WHERE e.story_id IS NOT NULL "
            "ORDER BY e.story_id, a.published_at IS NULL, a.published_at, a.article_id"
        )
        return [dict(r) for r in rows]

    def story_speaker_rows(self) -> list[dict[str, Any]]:
        """For every story: the speakers of its statements, with statement counts."""
        rows = self._query(
            "SELECT e.story_id, s.speaker_entity_id AS entity_id, n.name, "
            "count(*) AS statements FROM statements s JOIN events e ON e.event_id = s.event_id "
            "LEFT JOIN speaker_entities n ON n.entity_id = s.speaker_entity_id "
            "WHERE s.speaker_entity_id IS NOT NULL AND e.story_id IS NOT NULL "
            # n.name follows from the speaker id; grouping by it too is portable SQL.
            "GROUP BY e.story_id, s.speaker_entity_id, n.name "
            "ORDER BY e.story_id, statements DESC, n.name"
        )
        return [dict(r) for r in rows]

    def statement_quote_rows(self, statement_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Every member quote of these statements with its offsets, speaker, cue, article and
        relation (the columns `parallax.export.quote_record` reads), in decision order."""
        ids = sorted(set(statement_ids))
        found: list[dict[str, Any]] = []
        # SQLite caps bound parameters; chunks keep big stories within the cap.
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = self._query(
                f"SELECT {', '.join('q.' + c for c in _QUOTE_COLUMNS.split(', '))}, "
                "a.outlet, a.outlet_key, a.published_at, a.title AS article_title, "
                "m.statement_id, m.relation, m.score AS statement_score "
                "FROM statement_members m JOIN quotes q ON q.quote_id = m.quote_id "
                "JOIN articles a ON a.article_id = q.article_id "
                f"WHERE m.statement_id IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY m.statement_id, m.seq, m.quote_id",
                chunk,
            )
            found.extend(dict(r) for r in rows)
        return found

    def statement_summaries(self, statement_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Statement rows (id, speaker, event, story, day, text) by id; missing ids omitted."""
        found: dict[str, dict[str, Any]] = {}
        for sid in sorted(set(statement_ids)):
            rows = self._query(
                "SELECT s.statement_id, s.speaker_entity_id, n.name AS speaker, s.event_id, "
                "e.story_id, s.day, s.text FROM statements s "
                "LEFT JOIN speaker_entities n ON n.entity_id = s.speaker_entity_id "
                "LEFT JOIN events e ON e.event_id = s.event_id WHERE s.statement_id = ?",
                (sid,),
            )
            if rows:
                found[sid] = dict(rows[0])
        return found

    def speaker_entity(self, entity_id: str) -> dict[str, Any] | None:
        """A speaker entity's id, name and type, or ``None``."""
        rows = self._query(
            "SELECT entity_id, name, type FROM speaker_entities WHERE entity_id = ?", (entity_id,)
        )
        return dict(rows[0]) if rows else None

    def known_speaker_ids(self, entity_ids: Iterable[str]) -> set[str]:
        """Which of these entity ids have an actor page (they were seen as a speaker)."""
        found: set[str] = set()
        for eid in sorted(set(entity_ids)):
            if self._query("SELECT 1 FROM speaker_entities WHERE entity_id = ?", (eid,)):
                found.add(eid)
        return found

    def article_event_rows(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The event (and its story) each of these articles belongs to."""
        found: dict[str, dict[str, Any]] = {}
        for aid in sorted(set(article_ids)):
            rows = self._query(
                "SELECT m.article_id, m.event_id, m.confidence, e.story_id, e.title "
                "FROM event_members m JOIN events e ON e.event_id = m.event_id "
                "WHERE m.article_id = ?",
                (aid,),
            )
            if rows:
                found[aid] = dict(rows[0])
        return found

    # -- full-text search ----------------------------------------------------------------------

    def search_articles(
        self, text: str, *, limit: int = 50, offset: int = 0, snippet_words: int = 16
    ) -> tuple[list[dict[str, Any]], int]:
        """Articles matching what a user typed, best first, and how many match in all.

        Each row has article id, title, outlet, publication time and a ``snippet`` of the body
        with each match between `MATCH_OPEN` and `MATCH_CLOSE`. No words, no results.
        """
        match = fts_query(text)
        if match is None:
            return [], 0
        total = int(
            self._query("SELECT count(*) FROM article_search WHERE article_search MATCH ?",
                        (match,))[0][0]
        )
        rows = self._query(
            "SELECT s.article_id, a.title, a.outlet, a.published_at, "
            "snippet(article_search, 2, ?, ?, '…', ?) AS snippet, "
            "bm25(article_search) AS rank FROM article_search s "
            "JOIN articles a ON a.article_id = s.article_id "
            "WHERE article_search MATCH ? ORDER BY rank, s.article_id LIMIT ? OFFSET ?",
            (MATCH_OPEN, MATCH_CLOSE, snippet_words, match, limit, offset),
        )
        return [dict(r) for r in rows], total

    def search_index_ids(self) -> list[str]:
        """Article ids in the full-text index (to check it agrees with ``articles``)."""
        return [r[0] for r in self._query("SELECT article_id FROM article_search ORDER BY 1")]

