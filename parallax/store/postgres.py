"""The PostgreSQL store: the same interface as `SQLiteStore`, on a server named by a URL.

It runs the store's own SQL (migrations and query mixins, written for SQLite) through
`parallax.store.dialect`, so both backends share one copy of every query. What differs is kept
here: connecting, the schema version (a one-row table instead of ``PRAGMA user_version``),
transactions (one writer at a time per schema, like SQLite's ``BEGIN IMMEDIATE``, through an
advisory lock; foreign keys deferred to commit), and full-text search (``tsvector`` in place of
FTS5).

A transaction is atomic on the server: a process killed mid-run leaves the database as it was
after the last commit, exactly as with SQLite. Rows come back as `Row`, which reads like
``sqlite3.Row`` (by name, by index, ``dict(row)``); ``numeric`` results (``sum`` of integers)
come back as ``int`` or ``float`` as SQLite would give them.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import psycopg
from psycopg import sql
from psycopg.types.numeric import NumericLoader

from parallax.errors import SchemaVersionError, StoreError
from parallax.store.dialect import (
    SEARCH_CHARS,
    SEARCH_CONFIG,
    SEARCH_DOCUMENT,
    Translated,
    UnsupportedSQL,
    translate_query,
    translate_script,
)
from parallax.store.pages import MATCH_CLOSE, MATCH_OPEN
from parallax.store.schema import MIGRATIONS, SCHEMA_VERSION
from parallax.store.sqlite import SQLiteStore

#: Translated statements kept per connection.
_TRANSLATIONS_KEPT = 4096
#: The one-row table that records the schema version (SQLite keeps it in ``user_version``).
VERSION_TABLE = "parallax_schema"

# The same reading of what a user typed as `parallax.store.pages.fts_query`.
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
_PASSWORD = re.compile(r"(://[^:/@]*):[^@/]*@")
_PASSWORD_PARAM = re.compile(r"([?&]password=)[^&]*")


def is_postgres_url(text: str) -> bool:
    """True for what names a PostgreSQL database rather than a SQLite file."""
    return text.startswith(("postgresql://", "postgres://"))


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return _PASSWORD_PARAM.sub(r"\1***", _PASSWORD.sub(r"\1:***@", url))


class Row:
    """One result row, read like ``sqlite3.Row``: ``row["name"]``, ``row[0]``, ``dict(row)``."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = tuple(values)

    def keys(self) -> list[str]:
        """Column names, in order."""
        return list(self._index)

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return self.keys() == other.keys() and self._values == other._values

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _row_factory(cursor: Any) -> Any:
    names = [d.name for d in cursor.description or ()]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)  # as sqlite3.Row: a repeated name reads the first column

    def make(values: Sequence[Any]) -> Row:
        return Row(index, values)

    return make


class _NumberLoader(NumericLoader):
    """``numeric`` as SQLite would return it: whole numbers as ``int``, others as ``float``."""

    def load(self, data: Any) -> Any:
        value = super().load(data)
        if isinstance(value, Decimal) and value.is_finite():
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and exponent >= 0:
                return int(value)
            return float(value)
        return value


@dataclass
class Result:
    """What `PostgresStore._execute` returns: the parts of ``sqlite3.Cursor`` the store uses."""

    rowcount: int
    lastrowid: int | None
    rows: list[Row] = field(default_factory=list)

    def fetchall(self) -> list[Row]:
        """Every remaining row."""
        rows, self.rows = self.rows, []
        return rows

    def fetchone(self) -> Row | None:
        """The next row, or ``None``."""
        return self.rows.pop(0) if self.rows else None


class _Catalog:
    """Live schema facts the translation needs, cached until the schema changes."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        self._cache: dict[tuple[str, str], Any] = {}

    def clear(self) -> None:
        """Forget what was read (after DDL)."""
        self._cache.clear()

    def _cached(self, kind: str, name: str, sql: str) -> list[Any]:
        key = (kind, name)
        if key not in self._cache:
            self._cache[key] = [r[0] for r in self._conn.execute(sql, (name,)).fetchall()]
        return cast(list[Any], self._cache[key])

    def columns(self, table: str) -> Sequence[str]:
        """Column names of a table in the current schema, in order."""
        return self._cached(
            "columns",
            table,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        )

    def primary_key(self, table: str) -> Sequence[str]:
        """Primary key columns of a table in the current schema, in key order."""
        return self._cached(
            "key",
            table,
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = %s "
            "AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
        )

    def identity(self, table: str) -> str | None:
        """The identity column of a table (SQLite's ``INTEGER PRIMARY KEY``), if it has one."""
        found = self._cached(
            "identity",
            table,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s AND is_identity = 'YES'",
        )
        return str(found[0]) if found else None

    def trigger_table(self, trigger: str) -> str | None:
        """The table a trigger of the current schema is defined on."""
        found = self._cached(
            "trigger",
            trigger,
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_schema = current_schema() AND trigger_name = %s",
        )
        return str(found[0]) if found else None


def search_query(text: str) -> tuple[str, list[str]] | None:
    """A ``tsquery`` expression and its parameters for what a user typed, or ``None``.

    Reads the input as `parallax.store.pages.fts_query` does: every term is words (operators
    are searched as text), ``"two words"`` is a phrase, a trailing ``*`` searches by prefix,
    and terms are ANDed.
    """
    parts: list[str] = []
    for match in _TERM.finditer(text):
        phrase, word = match.group(1), match.group(2)
        raw = phrase if phrase is not None else word
        words = _WORD.findall(raw)
        if not words:
            continue
        query = " <-> ".join(f"'{w}'" for w in words)
        if phrase is None and raw.endswith("*"):
            query += ":*"
        parts.append(query)
    if not parts:
        return None
    expression = " && ".join(f"to_tsquery('{SEARCH_CONFIG}', %s)" for _ in parts)
    return expression, parts


class PostgresStore(SQLiteStore):
    """The store on a PostgreSQL server; ``url`` is a libpq URL (``postgresql://...``).

    The tables live in the connection's current schema (the first of its ``search_path``), so
    one database can hold several stores: add ``?options=-csearch_path%3Dname`` to the URL.
    """

    def index_home(self) -> Path | None:
        """A folder for indexes kept between runs, one per server, database and schema (a
        server's store has no file to keep them beside): under ``$PARALLAX_INDEX_CACHE``, else
        the user's cache (``$XDG_CACHE_HOME`` or ``~/.cache``, then ``parallax/indexes``). What
        is there is used only while it matches the store's marks."""
        info = self._pg.info
        where = f"{info.host}:{info.port}/{info.dbname}/{self.schema}"
        base = os.environ.get("PARALLAX_INDEX_CACHE")
        if not base:
            cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
            base = str(Path(cache) / "parallax" / "indexes")
        return Path(base) / hashlib.sha256(where.encode()).hexdigest()[:16]

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = redacted(url)
        try:
            self._pg: psycopg.Connection[Any] = psycopg.connect(
                url, autocommit=True, row_factory=_row_factory
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to {self.path}: {str(exc).strip()}; check the URL given to "
                "--db (or PARALLAX_DB) and that the server is running"
            ) from exc
        self._pg.adapters.register_loader("numeric", _NumberLoader)
        self._lock = threading.RLock()
        self._in_transaction = False
        self._catalog = _Catalog(self._pg)
        self._translations: dict[tuple[str, bool], Translated] = {}
        schema = self._pg.execute("SELECT current_schema()").fetchone()
        if schema is None or schema[0] is None:
            self._pg.close()
            raise StoreError(
                f"{self.path} has no schema to create tables in (the search_path names none "
                "that exists); create it or fix the search_path"
            )
        self.schema = str(schema[0])
        self._version_table = sql.Identifier(self.schema, VERSION_TABLE)
        digest = hashlib.sha256(f"parallax:{self.schema}".encode()).digest()
        self._lock_key = int.from_bytes(digest[:8], "big", signed=True)
        try:
            self.migrate()
        except BaseException:
            self._pg.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._pg.close()

    @property
    def schema_version(self) -> int:
        """The version recorded in the database (0 for an empty schema)."""
        with self._lock:
            # Only this schema's table counts, whatever else the search_path reaches.
            found = self._pg.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = %s",
                (VERSION_TABLE,),
            ).fetchone()
            if found is None:
                return 0
            row = self._pg.execute(
                sql.SQL("SELECT max(version) FROM {}").format(self._version_table)
            ).fetchone()
            return int(row[0]) if row is not None and row[0] is not None else 0

    def migrate(self) -> None:
        """Apply pending migrations, each in its own transaction, one process at a time."""
        with self._lock:
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path} has schema version {version}, newer than this Parallax "
                    f"understands ({SCHEMA_VERSION}); upgrade Parallax"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                try:
                    with self._pg.transaction():
                        self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                        self._pg.execute(
                            sql.SQL("CREATE TABLE IF NOT EXISTS {} (version BIGINT NOT NULL)")
                            .format(self._version_table)
                        )
                        if self.schema_version >= number:  # another process got here first
                            continue
                        for statement in translate_script(MIGRATIONS[number - 1], self._catalog):
                            # Always with parameters, so psycopg turns %% back into %.
                            self._pg.execute(statement, ())
                            self._catalog.clear()
                        self._pg.execute(
                            sql.SQL("DELETE FROM {}").format(self._version_table)
                        )
                        self._pg.execute(
                            sql.SQL("INSERT INTO {} (version) VALUES (%s)").format(
                                self._version_table
                            ),
                            (number,),
                        )
                except (psycopg.Error, UnsupportedSQL) as exc:
                    raise StoreError(
                        f"migration {number} failed on {self.path}: {str(exc).strip()}"
                    ) from exc
                finally:
                    self._catalog.clear()
                    self._translations.clear()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes: all of it is committed, or none of it."""
        with self._lock:
            if self._in_transaction:
                yield
                return
            self._in_transaction = True
            try:
                with self._pg.transaction():
                    # One writer per store at a time, as SQLite's BEGIN IMMEDIATE gives.
                    self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                    # Foreign keys are checked at commit: a batch may write children first.
                    self._pg.execute("SET CONSTRAINTS ALL DEFERRED")
                    yield
            finally:
                self._in_transaction = False

    # -- the three SQL entry points the query mixins use -----------------------------------

    def _translate(self, sql: str, returning: bool = False) -> Translated:
        key = (sql, returning)
        found = self._translations.get(key)
        if found is None:
            identity = self._catalog.identity if returning else None
            try:
                found = translate_query(sql, self._catalog, identity)
            except UnsupportedSQL as exc:
                raise StoreError(f"this query does not run on PostgreSQL: {exc}") from exc
            if len(self._translations) >= _TRANSLATIONS_KEPT:
                self._translations.clear()  # IN-lists of every length: keep the cache bounded
            self._translations[key] = found
        return found

    def _execute(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> sqlite3.Cursor:
        with self._lock:
            translated = self._translate(sql, returning=True)
            cur = self._pg.execute(translated.sql, params)
            rows = cur.fetchall() if cur.description else []
            lastrowid = None
            if translated.returning is not None:
                lastrowid = int(rows[0][0]) if rows else None
                rows = []
            result = Result(cur.rowcount, lastrowid, rows)
            # Result offers what callers read off a sqlite3.Cursor (rowcount, lastrowid, fetch*).
            return cast(sqlite3.Cursor, result)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._pg.execute(self._translate(sql).sql, params)
            rows = cur.fetchall() if cur.description else []
            # Row reads like sqlite3.Row (by name, by index, dict()).
            return cast(list[sqlite3.Row], rows)

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock:
            batch = list(rows)
            if batch:
                with self._pg.cursor() as cur:
                    cur.executemany(self._translate(sql).sql, batch)

    # -- what differs from SQLite ----------------------------------------------------------

    def _any_value(self, expression: str) -> str:
        return f"min({expression})"

    def integrity_ok(self) -> bool:
        """The server answers and the search index holds exactly the stored articles."""
        row = self._pg.execute(
            "SELECT (SELECT count(*) FROM articles) = (SELECT count(*) FROM article_search)"
        ).fetchone()
        return bool(row is not None and row[0])

    def search_articles(
        self, text: str, *, limit: int = 50, offset: int = 0, snippet_words: int = 16
    ) -> tuple[list[dict[str, Any]], int]:
        """Articles matching what a user typed, best first, and how many match in all.

        As `PageQueries.search_articles`, on PostgreSQL text search: words are lower-cased but
        not stemmed; ``rank`` is the negated ``ts_rank`` (lower is better, as FTS5's bm25);
        the snippet is ``ts_headline`` of the body with matches between `MATCH_OPEN` and
        `MATCH_CLOSE`.
        """
        query = search_query(text)
        if query is None:
            return [], 0
        expression, terms = query
        with self._lock:
            total_row = self._pg.execute(
                f"SELECT count(*) FROM article_search WHERE {SEARCH_DOCUMENT} @@ ({expression})",
                terms,
            ).fetchone()
            total = int(total_row[0]) if total_row is not None else 0
            words = max(snippet_words, 2)
            options = (
                f'StartSel="{MATCH_OPEN}", StopSel="{MATCH_CLOSE}", MaxWords={words}, '
                f"MinWords={max(1, words // 2)}, ShortWord=0"
            )
            rows = self._pg.execute(
                "SELECT s.article_id, a.title, a.outlet, a.published_at, "
                f"ts_headline('{SEARCH_CONFIG}', left(s.body, {SEARCH_CHARS}), q.query, %s) "
                f"AS snippet, -ts_rank(s.{SEARCH_DOCUMENT}, q.query) AS rank "
                f"FROM (SELECT {expression} AS query) q, article_search s "
                "JOIN articles a ON a.article_id = s.article_id "
                f"WHERE s.{SEARCH_DOCUMENT} @@ q.query "
                "ORDER BY rank, s.article_id LIMIT %s OFFSET %s",
                [options, *terms, limit, offset],
            ).fetchall()
        return [dict(r) for r in rows], total
