from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from parallax.errors import SchemaVersionError, StoreError
from parallax.model import (
    Article,
    Evidence,
    Metadata,
    OffsetMap,
    Rejected,
    RemovedLine,
    Segment,
    Source,
    article_id,
    content_hash,
)
from parallax.store import ProvenanceLink, SQLiteStore, open_store
from parallax.store.schema import SCHEMA_VERSION


def make_article(
    body: str = "A body of text long enough.",
    outlet: str | None = "Example News",
    path: str = "a.txt",
) -> Article:
    source_text = "HEADER\n" + body
    return Article(
        article_id=article_id(body, outlet),
        content_hash=content_hash(body),
        source=Source(path, None),
        kind="text",
        body=body,
        metadata=Metadata(
            title="T",
            outlet=outlet,
            published_at="2025-09-02T09:46:00+00:00",
            evidence={"title": Evidence(0, 6, "first-line", "HEADER")},
        ),
        offsets=OffsetMap((Segment(0, 7, len(body)),)),
        removed=(RemovedLine(0, 6, "title", "HEADER"),),
        source_text=source_text,
    )


def test_new_database_is_migrated_to_the_current_version(store: SQLiteStore) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.integrity_ok()


def test_reopening_does_not_migrate_again(db_url: str) -> None:
    open_store(db_url).close()
    with open_store(db_url) as again:
        assert again.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused_with_advice(db_url: str, backend: str) -> None:
    if backend == "sqlite":
        conn = sqlite3.connect(db_url)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
    else:
        from parallax.store.postgres import VERSION_TABLE, PostgresStore

        with open_store(db_url) as store:
            assert isinstance(store, PostgresStore)
            store._pg.execute(f"UPDATE {VERSION_TABLE} SET version = version + 1")
    with pytest.raises(SchemaVersionError, match="upgrade Parallax"):
        open_store(db_url)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="not a Parallax database"):
        SQLiteStore(db)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "nope" / "x.db")


def test_unreachable_postgres_server_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    # Port 1 on the loopback address: refused at once, and the password stays out of the message.
    with pytest.raises(StoreError, match="cannot connect to") as caught:
        open_store("postgresql://parallax:secret@127.0.0.1:1/parallax?connect_timeout=5")
    assert "secret" not in str(caught.value)
    assert "--db" in str(caught.value)


def test_wal_mode(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "wal.db") as store:
        assert store._query("PRAGMA journal_mode")[0][0] == "wal"


def test_article_round_trip(store: SQLiteStore) -> None:
    article = make_article()
    with store.transaction():
        assert store.add_article(article) is True
    assert store.get_article(article.article_id) == article
    assert store.count_articles() == 1


def test_adding_the_same_article_twice_is_a_no_op(store: SQLiteStore) -> None:
    article = make_article()
    with store.transaction():
        store.add_article(article)
        assert store.add_article(article) is False
    assert store.count_articles() == 1


def test_failed_transaction_leaves_nothing(store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(make_article("first body of text"))
        store.add_article(make_article("second body of text"))
        raise RuntimeError("crash mid-batch")
    assert store.count_articles() == 0
    assert store.integrity_ok()


def test_rejections_keep_raw_bytes_and_are_recorded_once(store: SQLiteStore) -> None:
    rejected = Rejected(Source("bad.txt"), "binary", "binary data", b"\x89PNG\x00\x01")
    with store.transaction():
        assert store.add_rejection(rejected) is True
        assert store.add_rejection(rejected) is False
    rows = store.list_rejections()
    assert [(r.path, r.reason, r.raw_size) for r in rows] == [("bad.txt", "binary", 6)]
    assert store.rejection_raw(rows[0].rejection_id) == b"\x89PNG\x00\x01"


def test_list_articles_filters_by_outlet_case_insensitively(store: SQLiteStore) -> None:
    with store.transaction():
        store.add_article(make_article("one body here", "Example News"))
        store.add_article(make_article("another body", "Other Daily"))
    rows = store.list_articles(outlet="example news")
    assert [r["outlet"] for r in rows] == ["Example News"]
    assert {o["outlet"] for o in store.outlets()} == {"Example News", "Other Daily"}


def test_iter_articles_reads_everything_in_batches(store: SQLiteStore) -> None:
    with store.transaction():
        for i in range(7):
            store.add_article(make_article(f"body number {i}"))
    ids = [a.article_id for a in store.iter_articles(batch=3)]
    assert len(ids) == 7 and ids == sorted(ids)


def test_resolve_article_id_by_prefix_treats_wildcards_literally(store: SQLiteStore) -> None:
    article = make_article()
    with store.transaction():
        store.add_article(article)
    assert store.resolve_article_id(article.article_id[:6]) == [article.article_id]
    assert store.resolve_article_id("%") == []
    assert store.resolve_article_id("_") == []


def test_input_checkpoints_accumulate(store: SQLiteStore) -> None:
    with store.transaction():
        store.record_input(
            "/x.jsonl", "abc", 10, done=False, records_done=3, articles=2, rejected=1
        )
    state = store.input_state("/x.jsonl", "abc")
    assert state is not None and (state.status, state.records_done) == ("partial", 3)
    with store.transaction():
        store.record_input("/x.jsonl", "abc", 10, done=True, records_done=5, articles=2, rejected=0)
    state = store.input_state("/x.jsonl", "abc")
    assert state is not None and (state.status, state.records_done) == ("done", 5)
    assert store.input_state("/x.jsonl", "other") is None


def test_provenance_links_are_upserted(store: SQLiteStore) -> None:
    a, b = make_article("body a", "A"), make_article("body a", "B")
    with store.transaction():
        store.add_article(a)
        store.add_article(b)
        store.add_provenance([ProvenanceLink(b.article_id, a.article_id, "duplicate", 0.5)])
        store.add_provenance([ProvenanceLink(b.article_id, a.article_id, "duplicate", 1.0)])
    assert store.provenance() == [ProvenanceLink(b.article_id, a.article_id, "duplicate", 1.0)]
    assert store.provenance(a.article_id) == store.provenance(b.article_id)


def test_band_keys_round_trip_and_find_the_articles_sharing_them(store: SQLiteStore) -> None:
    a, b, c = (make_article(f"body {n}", "A") for n in "abc")
    low, high = -(2**63), 2**63 - 1  # keys are signed 64-bit hashes: both ends must survive
    with store.transaction():
        for article in (a, b, c):
            store.add_article(article)
        store.save_bands("s1", [(a.article_id, 0, low), (a.article_id, 1, 7)])
        store.save_bands("s1", [(b.article_id, 0, 5), (b.article_id, 1, 7)])
        store.save_bands("s1", [(a.article_id, 0, low)])  # again: ignored
        store.save_bands("s2", [(c.article_id, 0, high)])
        store.save_bands("s1", [(c.article_id, -1, 0)])  # c: too short, no bands
        store.mark_analyzed([a.article_id, c.article_id])
    assert store.articles_sharing_bands("s1", [(0, low)]) == {a.article_id}
    assert store.articles_sharing_bands("s1", [(1, 7), (0, 5)]) == {a.article_id, b.article_id}
    assert store.articles_sharing_bands("s1", [(0, 7)]) == set()  # same key, other band
    assert store.articles_sharing_bands("s2", [(0, high)]) == {c.article_id}
    assert store.articles_sharing_bands("s2", [(1, 7)]) == set()  # other scheme
    # b is not analysed yet (its round will band it); a and c have s1 rows, none has s2 but c
    assert store.unbanded_article_ids("s1") == []
    assert store.unbanded_article_ids("s2") == [a.article_id]
    assert store.article_bodies([b.article_id, "missing"]) == {
        b.article_id: (b.content_hash, b.body)
    }


def test_still_unanalyzed_keeps_the_new_ones_in_the_order_asked(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c, d = (make_article(f"article {n}", "A") for n in "abcd")
    with store.transaction():
        for article in (a, b, c, d):
            store.add_article(article)
        store.mark_analyzed([a.article_id, c.article_id])
    asked = [d.article_id, c.article_id, "missing", b.article_id, a.article_id, d.article_id]
    assert store.still_unanalyzed(asked) == [d.article_id, b.article_id]
    assert store.still_unanalyzed([]) == []
    assert store.still_unanalyzed([a.article_id, c.article_id]) == []
    # one IN (...) query per chunk of ids: the order asked survives the chunking
    monkeypatch.setattr("parallax.store.queries.ID_CHUNK", 2)
    assert store.still_unanalyzed(asked) == [d.article_id, b.article_id]


class _Impatient(SQLiteStore):
    """A store whose single lock waits are short, so a test sees several of them pass."""

    BUSY_TIMEOUT = 0.1


@contextmanager
def _locked_by_another(path: Path, seconds: float) -> Iterator[None]:
    """Another connection holds the write lock of ``path`` for ``seconds`` from the start of
    the block."""
    SQLiteStore(path).close()
    held = threading.Event()

    def hold() -> None:
        with SQLiteStore(path) as other, other.transaction():
            held.set()
            time.sleep(seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    try:
        yield
    finally:
        holder.join()


def test_a_writer_waits_its_turn_past_one_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "turns.db"
    with _locked_by_another(path, 1.0):
        started = time.monotonic()
        with _Impatient(path) as waiting, waiting.transaction():
            waited = time.monotonic() - started  # ten busy timeouts and more
    assert waited > 0.5


def test_a_writer_gives_up_after_its_wait(tmp_path: Path) -> None:
    path = tmp_path / "turns.db"
    with _locked_by_another(path, 1.5), _Impatient(path) as store:
        store.WRITER_WAIT = 0.3
        with pytest.raises(sqlite3.OperationalError, match="locked"), store.transaction():
            pass
