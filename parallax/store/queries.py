"""What every query mixin of the store needs from the store: its three SQL entry points, and
the numbering of stored decisions (``seq``) that incremental stages replay in order."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

#: Tables whose rows record decisions in order, each with a ``seq`` column.
SEQUENCED = frozenset({"events", "event_members", "statements", "statement_members"})
#: The member each membership table's decisions place (what `decisions_key` names last).
MEMBER_KEYS = {"event_members": "article_id", "statement_members": "quote_id"}
#: Ids per ``IN (...)`` query: SQLite's default limit on bound parameters is far above this.
ID_CHUNK = 500


def placeholders(ids: Sequence[str]) -> str:
    """``?, ?, ...``: one placeholder per id, for ``IN (...)``."""
    return ", ".join("?" * len(ids))


def id_chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    """The distinct ids, sorted, in chunks of `ID_CHUNK` (one ``IN (...)`` query each)."""
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), ID_CHUNK):
        yield ordered[i : i + ID_CHUNK]


class Queries:
    """Base of the query mixins; `SQLiteStore` provides the three methods."""

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def _execute(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> sqlite3.Cursor:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _rows_for_ids(self, sql: str, ids: Iterable[str]) -> Iterator[sqlite3.Row]:
        """The rows of ``sql`` for all these ids, one query per chunk of them (under the
        database's cap on bound parameters); ``sql`` writes the chunk's list as ``{ids}``."""
        for chunk in id_chunks(ids):
            yield from self._query(sql.replace("{ids}", placeholders(chunk)), chunk)

    def _any_value(self, expression: str) -> str:
        """SQL for ``expression`` read from any row of a group. SQLite lets a grouped query
        name a column it neither groups nor aggregates; other databases need an aggregate."""
        return expression

    def decisions_mark(self, table: str) -> tuple[int, int]:
        """How many rows a sequenced table holds and its largest decision number: equal marks
        at two moments mean no decision was added or removed in between."""
        if table not in SEQUENCED:
            raise ValueError(f"{table!r} has no decision numbers")
        row = self._query(f"SELECT count(*), coalesce(max(seq), 0) FROM {table}")[0]
        return int(row[0]), int(row[1])

    def decisions_key(self, table: str) -> tuple[int, int, str | None]:
        """`decisions_mark` of a membership table and the member of its latest decision
        (``None`` before any): what an index kept beside the store must have been saved at,
        so that two different rounds of one size do not look alike."""
        key = MEMBER_KEYS.get(table)
        if key is None:
            raise ValueError(f"{table!r} is not a membership table")
        count, last = self.decisions_mark(table)
        rows = self._query(f"SELECT {key} FROM {table} ORDER BY seq DESC, {key} DESC LIMIT 1")
        return count, last, str(rows[0][0]) if rows else None

    def next_seq(self, table: str) -> int:
        """One more than the largest decision number in a sequenced table."""
        if table not in SEQUENCED:
            raise ValueError(f"{table!r} has no decision numbers")
        return int(self._query(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}")[0][0])
