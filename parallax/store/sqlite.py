"""The SQLite store: the embedded default, and the only module besides its siblings that writes SQL.

One writer at a time, readers alongside (WAL). Every batch is one transaction: a crash leaves the
database as it was after the last committed batch, and a rerun resumes from there.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parallax.errors import SchemaVersionError, StoreError
from parallax.model import (
    Article,
    Evidence,
    Metadata,
    OffsetMap,
    Rejected,
    RemovedLine,
    Source,
    outlet_key,
)
from parallax.store.analysis import AnalysisQueries
from parallax.store.compare import CompareQueries
from parallax.store.iterators import IteratorQueries
from parallax.store.pages import PageQueries
from parallax.store.schema import MIGRATIONS, SCHEMA_VERSION
from parallax.store.statements import StatementQueries


def now_iso() -> str:
    """Current UTC time, ISO 8601, second precision: the one clock the store stamps rows with."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class InputState:
    """How far ingest got with one input file (identified by path and content hash)."""

    path: str
    sha256: str
    status: str
    records_done: int


@dataclass(frozen=True)
class RejectionRow:
    """A stored rejected input."""

    rejection_id: int
    path: str
    record: str | None
    reason: str
    message: str
    raw_size: int
    article_id: str | None
    created_at: str


@dataclass(frozen=True)
class ProvenanceLink:
    """``article_id`` relates to ``source_article_id`` by ``kind`` (e.g. duplicate), scored 0..1.

    ``start``/``end`` delimit the words in ``article_id``'s body that state the link (the
    "AFP reported" of a citation); ``None`` for links read off whole texts (copies).
    """

    article_id: str
    source_article_id: str
    kind: str
    score: float
    start: int | None = None
    end: int | None = None


_ARTICLE_COLUMNS = (
    "article_id, content_hash, source_path, source_record, kind, outlet, outlet_key, url, title, "
    "subtitle, author, published_at, language, body, source_text, offset_map, removed, evidence, "
    "ingested_at, analyzed_at"
)

_SUMMARY_COLUMNS = (
    "article_id, content_hash, source_path, source_record, kind, outlet, url, title, subtitle, "
    "author, published_at, language, length(body) AS body_chars, ingested_at"
)


def _evidence_json(metadata: Metadata) -> str:
    return json.dumps(
        {
            name: {"start": ev.start, "end": ev.end, "rule": ev.rule, "text": ev.text}
            for name, ev in sorted(metadata.evidence.items())
        },
        ensure_ascii=False,
    )


def _removed_json(removed: Sequence[RemovedLine]) -> str:
    return json.dumps([[r.start, r.end, r.kind, r.text] for r in removed], ensure_ascii=False)


def _article_from_row(row: sqlite3.Row) -> Article:
    evidence = {
        name: Evidence(e["start"], e["end"], e["rule"], e.get("text", ""))
        for name, e in json.loads(row["evidence"]).items()
    }
    metadata = Metadata(
        title=row["title"],
        subtitle=row["subtitle"],
        author=row["author"],
        outlet=row["outlet"],
        url=row["url"],
        published_at=row["published_at"],
        language=row["language"],
        evidence=evidence,
    )
    return Article(
        article_id=row["article_id"],
        content_hash=row["content_hash"],
        source=Source(row["source_path"], row["source_record"]),
        kind=row["kind"],
        body=row["body"],
        metadata=metadata,
        offsets=OffsetMap.from_json(json.loads(row["offset_map"])),
        removed=tuple(RemovedLine(a, b, k, t) for a, b, k, t in json.loads(row["removed"])),
        source_text=row["source_text"],
    )


class SQLiteStore(
    AnalysisQueries, StatementQueries, PageQueries, CompareQueries, IteratorQueries
):
    """Articles, inputs, rejections and provenance in one SQLite file.

    Use as a context manager or call `close`. Writes happen inside `transaction()`; reads may
    happen anywhere. The connection is opened in autocommit mode so that transactions are
    explicit and never silently left open.
    """

    #: Seconds a statement waits on a lock another connection holds (SQLite's busy timeout).
    BUSY_TIMEOUT = 30.0
    #: Seconds a writer waits for another's transaction before it gives up (each try waits
    #: one busy timeout).
    WRITER_WAIT = 6 * 3600.0

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            parent = Path(self.path).resolve().parent
            if not parent.is_dir():
                raise StoreError(
                    f"cannot create database {self.path}: folder {parent} does not exist"
                )
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False,
                timeout=self.BUSY_TIMEOUT
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        # One lock serialises use of the shared connection across the web server's threads.
        self._lock = threading.RLock()
        self._in_transaction = False
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute(f"PRAGMA busy_timeout={int(self.BUSY_TIMEOUT * 1000)}")
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(
                f"{self.path} is not a Parallax database ({exc}); pass another --db path"
            ) from exc
        self.migrate()

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The version recorded in the database file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply pending migrations, each in its own transaction."""
        with self._lock:
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path} has schema version {version}, newer than this Parallax "
                    f"understands ({SCHEMA_VERSION}); upgrade Parallax"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                script = MIGRATIONS[number - 1]
                try:
                    # executescript commits first, so the BEGIN must be inside the script.
                    self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                    )
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise StoreError(f"migration {number} failed on {self.path}: {exc}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes: all of it is committed, or none of it."""
        with self._lock:
            if self._in_transaction:
                yield
                return
            self._begin_writing()
            # Foreign keys are checked at commit: a batch may write children before parents.
            self._conn.execute("PRAGMA defer_foreign_keys = ON")
            self._in_transaction = True
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._in_transaction = False

    def _begin_writing(self) -> None:
        """Take the write lock (BEGIN IMMEDIATE), waiting up to `WRITER_WAIT` seconds for
        another writer's transaction: an analysis round can hold it for minutes, far past one
        busy timeout, and writers take turns rather than fail."""
        waited = time.monotonic()
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                locked = "locked" in str(exc) or "busy" in str(exc)
                if not locked or time.monotonic() - waited > self.WRITER_WAIT:
                    raise

    def _execute(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, params)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock:
            self._conn.executemany(sql, rows)

    # -- inputs ----------------------------------------------------------------------------

    def input_state(self, path: str, sha256: str) -> InputState | None:
        """What ingest recorded for this file content, if anything."""
        rows = self._query(
            "SELECT path, sha256, status, records_done FROM inputs WHERE path = ? AND sha256 = ?",
            (path, sha256),
        )
        if not rows:
            return None
        r = rows[0]
        return InputState(r["path"], r["sha256"], r["status"], r["records_done"])

    def record_input(
        self,
        path: str,
        sha256: str,
        size: int,
        *,
        done: bool,
        records_done: int,
        articles: int,
        rejected: int,
    ) -> None:
        """Checkpoint an input file; called inside the transaction that wrote its records."""
        self._execute(
            """INSERT INTO inputs (path, sha256, size, status, records_done, articles, rejected,
                                   updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (path, sha256) DO UPDATE SET
                   status = excluded.status, records_done = excluded.records_done,
                   articles = inputs.articles + excluded.articles,
                   rejected = inputs.rejected + excluded.rejected,
                   updated_at = excluded.updated_at""",
            (
                path,
                sha256,
                size,
                "done" if done else "partial",
                records_done,
                articles,
                rejected,
                now_iso(),
            ),
        )

    # -- articles --------------------------------------------------------------------------

    def find_article(self, article_id: str) -> str | None:
        """The source label of an article already stored under this id, if any."""
        rows = self._query(
            "SELECT source_path, source_record FROM articles WHERE article_id = ?", (article_id,)
        )
        if not rows:
            return None
        return Source(rows[0]["source_path"], rows[0]["source_record"]).label()

    def add_article(self, article: Article) -> bool:
        """Insert an article; ``False`` when one with the same id is already stored."""
        m = article.metadata
        cur = self._execute(
            f"""INSERT INTO articles ({_ARTICLE_COLUMNS})
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT (article_id) DO NOTHING""",
            (
                article.article_id,
                article.content_hash,
                article.source.path,
                article.source.record,
                article.kind,
                m.outlet,
                outlet_key(m.outlet),
                m.url,
                m.title,
                m.subtitle,
                m.author,
                m.published_at,
                m.language,
                article.body,
                article.source_text,
                json.dumps(article.offsets.to_json()),
                _removed_json(article.removed),
                _evidence_json(m),
                now_iso(),
            ),
        )
        return cur.rowcount == 1

    def get_article(self, article_id: str) -> Article | None:
        """The full article, or ``None``."""
        rows = self._query(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id = ?", (article_id,)
        )
        return _article_from_row(rows[0]) if rows else None

    def resolve_article_id(self, prefix: str) -> list[str]:
        """Article ids starting with ``prefix`` (so users can type a short id), at most 10."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._query(
            "SELECT article_id FROM articles WHERE article_id LIKE ? ESCAPE '\\' "
            "ORDER BY article_id LIMIT 10",
            (escaped + "%",),
        )
        return [r["article_id"] for r in rows]

    def list_articles(
        self,
        *,
        outlet: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Article summaries (no bodies), newest first, then by id for a stable order."""
        where, params = "", list[Any]()
        if outlet:
            where, params = "WHERE outlet_key = ?", [outlet_key(outlet)]
        sql = (
            f"SELECT {_SUMMARY_COLUMNS} FROM articles {where} "
            "ORDER BY published_at IS NULL, published_at DESC, article_id "
            "LIMIT ? OFFSET ?"
        )
        params += [-1 if limit is None else limit, offset]
        return [dict(r) for r in self._query(sql, params)]

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every article in id order, read in batches so memory stays bounded."""
        last = ""
        while True:
            rows = self._query(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id > ? "
                "ORDER BY article_id LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            for row in rows:
                yield _article_from_row(row)
            last = rows[-1]["article_id"]

    def count_articles(self) -> int:
        """Number of stored articles."""
        return int(self._query("SELECT count(*) FROM articles")[0][0])

    def unanalyzed_article_ids(self) -> list[str]:
        """Ids of articles no analysis run has covered yet, in id order."""
        rows = self._query(
            "SELECT article_id FROM articles WHERE analyzed_at IS NULL ORDER BY article_id"
        )
        return [r["article_id"] for r in rows]

    def mark_analyzed(self, article_ids: Iterable[str]) -> None:
        """Stamp articles as covered by the current analysis run."""
        stamp = now_iso()
        self._executemany(
            "UPDATE articles SET analyzed_at = ? WHERE article_id = ?",
            [(stamp, a) for a in article_ids],
        )

    def articles_by_content_hash(self, hashes: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """For each content hash, the articles that carry that body (id, outlet, published_at)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for h in sorted(set(hashes)):
            rows = self._query(
                "SELECT article_id, outlet, published_at, ingested_at FROM articles "
                "WHERE content_hash = ? ORDER BY article_id",
                (h,),
            )
            found[h] = [dict(r) for r in rows]
        return found

    def content_hashes(self, article_ids: Iterable[str]) -> list[str]:
        """The content hashes of the given articles."""
        hashes: set[str] = set()
        for a in article_ids:
            rows = self._query("SELECT content_hash FROM articles WHERE article_id = ?", (a,))
            hashes.update(r[0] for r in rows)
        return sorted(hashes)

    def outlets(self) -> list[dict[str, Any]]:
        """Outlets with their article counts, largest first."""
        outlet = self._any_value("coalesce(outlet, '')")
        rows = self._query(
            f"SELECT {outlet} AS outlet, count(*) AS articles FROM articles "
            "GROUP BY outlet_key ORDER BY articles DESC, outlet"
        )
        return [dict(r) for r in rows]

    # -- rejections ------------------------------------------------------------------------

    def add_rejection(self, rejected: Rejected, article_id: str | None = None) -> bool:
        """Store a rejected input with its raw bytes; ``False`` if already recorded."""
        cur = self._execute(
            """INSERT INTO rejections (path, record, reason, message, raw, article_id, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (path, record, reason) DO NOTHING""",
            (
                rejected.source.path,
                rejected.source.record or "",
                rejected.reason,
                rejected.message,
                rejected.raw,
                article_id,
                now_iso(),
            ),
        )
        return cur.rowcount == 1

    def list_rejections(self, limit: int | None = None) -> list[RejectionRow]:
        """Stored rejections in the order they were recorded."""
        rows = self._query(
            "SELECT rejection_id, path, record, reason, message, length(raw) AS raw_size, "
            "article_id, created_at FROM rejections ORDER BY rejection_id LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [
            RejectionRow(
                r["rejection_id"],
                r["path"],
                r["record"] or None,
                r["reason"],
                r["message"],
                r["raw_size"],
                r["article_id"],
                r["created_at"],
            )
            for r in rows
        ]

    def rejection_raw(self, rejection_id: int) -> bytes | None:
        """The raw bytes kept for a rejection."""
        rows = self._query("SELECT raw FROM rejections WHERE rejection_id = ?", (rejection_id,))
        return bytes(rows[0][0]) if rows else None

    # -- provenance ------------------------------------------------------------------------

    def add_provenance(self, links: Iterable[ProvenanceLink]) -> int:
        """Insert or update links; returns how many were given."""
        rows = [
            (lk.article_id, lk.source_article_id, lk.kind, lk.score, lk.start, lk.end)
            for lk in links
        ]
        self._executemany(
            """INSERT INTO provenance (article_id, source_article_id, kind, score, start, end)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (article_id, source_article_id, kind)
               DO UPDATE SET score = excluded.score, start = excluded.start,
                             end = excluded.end""",
            rows,
        )
        return len(rows)

    def provenance(self, article_id: str | None = None) -> list[ProvenanceLink]:
        """Provenance links, all or those touching one article."""
        if article_id is None:
            rows = self._query(
                "SELECT * FROM provenance ORDER BY article_id, source_article_id, kind"
            )
        else:
            rows = self._query(
                "SELECT * FROM provenance WHERE article_id = ? OR source_article_id = ? "
                "ORDER BY article_id, source_article_id, kind",
                (article_id, article_id),
            )
        return [
            ProvenanceLink(
                r["article_id"], r["source_article_id"], r["kind"], r["score"], r["start"], r["end"]
            )
            for r in rows
        ]

    def index_home(self) -> Path | None:
        """A folder beside the database file for indexes kept between runs (``None`` for an
        in-memory database)."""
        if self.path == ":memory:":
            return None
        return Path(self.path).parent / f"{Path(self.path).name}.index"

    # -- near-duplicate bands ----------------------------------------------------------------

    def save_bands(self, scheme: str, rows: Iterable[tuple[str, int, int]]) -> None:
        """Keep ``(article_id, band, key)`` rows of one banding scheme (repeats are ignored)."""
        self._executemany(
            "INSERT OR IGNORE INTO article_bands (scheme, band, key, article_id) "
            "VALUES (?, ?, ?, ?)",
            [(scheme, band, key, aid) for aid, band, key in rows],
        )

    def articles_sharing_bands(self, scheme: str, keys: Iterable[tuple[int, int]]) -> set[str]:
        """Ids of the articles with at least one of the ``(band, key)`` pairs."""
        found: set[str] = set()
        for band, key in keys:
            found.update(
                r[0]
                for r in self._query(
                    "SELECT article_id FROM article_bands WHERE scheme = ? AND band = ? "
                    "AND key = ?",
                    (scheme, band, key),
                )
            )
        return found

    def unbanded_article_ids(self, scheme: str) -> list[str]:
        """Analysed articles without bands of ``scheme`` (stored before it existed), by id."""
        return [
            r[0]
            for r in self._query(
                "SELECT a.article_id FROM articles a WHERE a.analyzed_at IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM article_bands b WHERE b.article_id = a.article_id "
                "AND b.scheme = ?) ORDER BY a.article_id",
                (scheme,),
            )
        ]

    def article_bodies(self, article_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """``(content_hash, body)`` of the given articles that exist."""
        found: dict[str, tuple[str, str]] = {}
        for aid in article_ids:
            rows = self._query(
                "SELECT content_hash, body FROM articles WHERE article_id = ?", (aid,)
            )
            if rows:
                found[aid] = (rows[0][0], rows[0][1])
        return found

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, command: str) -> int:
        """Record the start of a command run."""
        cur = self._execute(
            "INSERT INTO runs (command, started_at) VALUES (?, ?)", (command, now_iso())
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, stats: dict[str, Any]) -> None:
        """Record the end of a run with its counts."""
        self._execute(
            "UPDATE runs SET finished_at = ?, stats = ? WHERE run_id = ?",
            (now_iso(), json.dumps(stats, sort_keys=True), run_id),
        )

    def integrity_ok(self) -> bool:
        """SQLite's own integrity check passes."""
        return bool(self._query("PRAGMA integrity_check")[0][0] == "ok")
