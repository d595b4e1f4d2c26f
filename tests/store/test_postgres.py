"""The PostgreSQL store's own parts: the SQL translation (no server needed), and behaviour that
must match SQLite exactly (null order, byte-order text, integer sums, row ids), checked on both
backends."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from urllib.parse import unquote

import pytest
from postgres_db import fresh_schema, server_url, with_search_path

from parallax.model import Article, Metadata, OffsetMap, Segment, Source, article_id, content_hash
from parallax.store import SQLiteStore, open_store
from parallax.store.dialect import UnsupportedSQL, translate_query, translate_script
from parallax.store.schema import MIGRATIONS, SCHEMA_VERSION

#: table -> (columns, primary key)
TABLES = {"t": (["k", "score", "end", "note"], ["k"]), "pair": (["a", "b"], ["a", "b"])}


class FakeCatalog:
    """Schema facts for the translation tests."""

    def columns(self, table: str) -> Sequence[str]:
        return TABLES[table][0]

    def primary_key(self, table: str) -> Sequence[str]:
        return TABLES[table][1]

    def trigger_table(self, trigger: str) -> str | None:
        return "t" if trigger == "t_insert" else None


def pg(sql: str) -> str:
    return " ".join(translate_query(sql, FakeCatalog()).sql.split())


# -- translation --------------------------------------------------------------------------------


def test_placeholders_and_percent_signs() -> None:
    assert pg("SELECT k FROM t WHERE k = ? AND note LIKE '%x'") == (
        "SELECT k FROM t WHERE k = %s AND note ILIKE '%%x'"
    )
    assert pg("UPDATE t SET note = :note WHERE k = :k") == (
        "UPDATE t SET note = %(note)s WHERE k = %(k)s"
    )


def test_insert_or_ignore_and_or_replace_become_on_conflict() -> None:
    assert pg("INSERT OR IGNORE INTO t (k, note) VALUES (?, ?)") == (
        "INSERT INTO t (k, note) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )
    assert pg("INSERT OR REPLACE INTO t (k, score, note) VALUES (?, ?, ?)") == (
        "INSERT INTO t (k, score, note) VALUES (%s, %s, %s) ON CONFLICT (k) DO UPDATE SET "
        "score = excluded.score, note = excluded.note"
    )
    assert pg("REPLACE INTO pair (a, b) VALUES (?, ?)") == (
        "INSERT INTO pair (a, b) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )


def test_bare_columns_in_do_update_are_qualified_and_scalar_max_is_greatest() -> None:
    assert pg(
        "INSERT INTO t (k, score) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET "
        "score = max(score, excluded.score), end = excluded.end"
    ) == (
        "INSERT INTO t (k, score) VALUES (%s, %s) ON CONFLICT (k) DO UPDATE SET "
        'score = greatest(t.score, excluded.score), "end" = excluded."end"'
    )
    assert pg("SELECT max(score) FROM t") == "SELECT max(score) FROM t"


def test_end_is_quoted_as_a_column_but_not_as_the_end_of_case() -> None:
    assert pg("SELECT CASE WHEN end > 1 THEN 'a' ELSE 'b' END AS x, e.end FROM t e") == (
        "SELECT CASE WHEN \"end\" > 1 THEN 'a' ELSE 'b' END AS x, e.\"end\" FROM t e"
    )


def test_order_by_keeps_sqlites_null_order() -> None:
    assert pg("SELECT k FROM t ORDER BY score IS NULL, score DESC, k LIMIT ? OFFSET ?") == (
        "SELECT k FROM t ORDER BY score IS NULL NULLS FIRST, score DESC NULLS LAST, "
        "k NULLS FIRST LIMIT nullif(greatest(%s, -1), -1) OFFSET %s"
    )
    assert pg("SELECT (SELECT max(k) FROM t ORDER BY k) FROM t ORDER BY 1 NULLS LAST") == (
        "SELECT (SELECT max(k) FROM t ORDER BY k NULLS FIRST) FROM t ORDER BY 1 NULLS LAST"
    )


def test_small_sqlite_idioms() -> None:
    assert pg("SELECT k FROM t WHERE k IN ()") == (
        "SELECT k FROM t WHERE k IN (SELECT NULL WHERE FALSE)"
    )
    assert pg("SELECT ifnull(note, ''), instr(note, 'x'), group_concat(k) FROM t") == (
        "SELECT coalesce(note, ''), strpos(note, 'x'), string_agg(CAST(k AS TEXT), ',') FROM t"
    )
    assert pg("SELECT k FROM t WHERE note IS ? AND score IS NOT NULL LIMIT -1") == (
        "SELECT k FROM t WHERE note IS NOT DISTINCT FROM %s AND score IS NOT NULL LIMIT ALL"
    )
    assert pg("SELECT CAST(score AS REAL), CAST(k AS INTEGER) FROM t") == (
        "SELECT CAST(score AS DOUBLE PRECISION), CAST(k AS BIGINT) FROM t"
    )
    assert pg("PRAGMA foreign_keys = ON") == "SELECT NULL WHERE FALSE"


def test_what_cannot_be_translated_says_so() -> None:
    with pytest.raises(UnsupportedSQL):
        pg("SELECT k FROM t WHERE t MATCH ?")
    with pytest.raises(UnsupportedSQL):
        pg("INSERT OR ABORT INTO t (k) VALUES (?)")


def test_ddl_types_keys_and_triggers() -> None:
    statements = translate_script(
        """CREATE TABLE x (id INTEGER PRIMARY KEY, t TEXT NOT NULL, r REAL, b BLOB,
                           p TEXT REFERENCES t (k) ON DELETE CASCADE);
           CREATE TRIGGER t_insert AFTER INSERT ON t BEGIN
               INSERT INTO x (t) VALUES (new.note);
           END;
           DROP TRIGGER t_insert;""",
        FakeCatalog(),
    )
    assert " ".join(statements[0].split()) == (
        'CREATE TABLE x (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, t TEXT COLLATE '
        '"C" NOT NULL, r DOUBLE PRECISION, b BYTEA, p TEXT COLLATE "C" REFERENCES t (k) ON '
        "DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE)"
    )
    assert "INSERT INTO x (t) VALUES (new.note);" in statements[1]
    assert statements[1].startswith("CREATE OR REPLACE FUNCTION t_insert_fn() RETURNS trigger")
    assert statements[2] == (
        "CREATE TRIGGER t_insert AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_insert_fn()"
    )
    assert statements[3:] == ["DROP TRIGGER t_insert ON t", "DROP FUNCTION IF EXISTS t_insert_fn()"]


def test_passwords_stay_out_of_messages() -> None:
    pytest.importorskip("psycopg")
    from parallax.store.postgres import redacted

    assert redacted("postgresql://me:s3cret@db.example:5432/news?password=x&sslmode=require") == (
        "postgresql://me:***@db.example:5432/news?password=***&sslmode=require"
    )


def test_every_migration_translates() -> None:
    for migration in MIGRATIONS:
        assert translate_script(migration)


# -- the same answers on both backends ----------------------------------------------------------


def make_article(body: str, outlet: str | None, published_at: str | None = None) -> Article:
    return Article(
        article_id=article_id(body, outlet),
        content_hash=content_hash(body),
        source=Source("a.txt", None),
        kind="text",
        body=body,
        metadata=Metadata(title=body[:10], outlet=outlet, published_at=published_at),
        offsets=OffsetMap((Segment(0, 0, len(body)),)),
        removed=(),
        source_text=body,
    )


def test_nulls_sort_first_and_text_sorts_by_code_point(store: SQLiteStore) -> None:
    with store.transaction():
        store.add_article(make_article("undated one", "beta", None))
        store.add_article(make_article("dated one", "Zed", "2025-01-02"))
        store.add_article(make_article("dated two", "Ärzte", "2025-01-03"))
        store.add_article(make_article("dated three", "Alpha", "2025-01-01"))
    # Undated last (IS NULL first), newest first; outlets by count, then by code point.
    assert [a["published_at"] for a in store.list_articles()] == [
        "2025-01-03", "2025-01-02", "2025-01-01", None
    ]
    assert store.list_articles(limit=None, offset=3)[0]["published_at"] is None
    assert [o["outlet"] for o in store.outlets()] == ["Alpha", "Zed", "beta", "Ärzte"]
    ids = sorted(a["article_id"] for a in store.list_articles())
    assert store.resolve_article_id(ids[0][:4].upper()) == [ids[0]]  # LIKE ignores ASCII case


def test_events_without_a_date_come_last_and_sums_are_integers(store: SQLiteStore) -> None:
    with store.transaction():
        store.upsert_story({"story_id": "st", "title": "S", "start": None, "end": None,
                            "events": 2, "updated_at": "x"})
        for eid, start, n in (("ev_b", None, 2), ("ev_a", "2025-01-01", 3)):
            store.upsert_event({"event_id": eid, "title": eid, "start": start, "end": start,
                                "place": None, "articles": n, "seq": 1, "updated_at": "x"})
            store.set_event_story(eid, "st", 0.5)
    assert [e["event_id"] for e in store.list_events()] == ["ev_a", "ev_b"]
    (story,) = store.list_stories()
    assert story["articles"] == 5 and type(story["articles"]) is int
    assert store.next_seq("events") == 2


def test_runs_get_increasing_ids(store: SQLiteStore) -> None:
    first = store.start_run("ingest")
    second = store.start_run("analyze")
    assert 0 < first < second
    store.finish_run(second, {"articles": 1})


def test_failed_nested_transaction_rolls_back_the_outer_one(store: SQLiteStore) -> None:
    with pytest.raises(KeyError), store.transaction():
        store.add_article(make_article("kept until the failure", "x"))
        with store.transaction():
            store.add_article(make_article("inner write", "x"))
            raise KeyError("boom")
    assert store.count_articles() == 0
    with store.transaction():  # the store is usable afterwards
        store.add_article(make_article("after the failure", "x"))
    assert store.count_articles() == 1


# -- PostgreSQL only --------------------------------------------------------------------------


def test_two_processes_opening_a_new_schema_migrate_it_once() -> None:
    with fresh_schema() as url:
        errors: list[BaseException] = []

        def open_it() -> None:
            try:
                open_store(url).close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with open_store(url) as store:
            assert store.schema_version == SCHEMA_VERSION


def test_writers_take_turns_and_readers_see_only_commits() -> None:
    with fresh_schema() as url, open_store(url) as first, open_store(url) as second:
        entered = threading.Event()
        release = threading.Event()
        order: list[str] = []

        def slow_writer() -> None:
            with first.transaction():
                first.add_article(make_article("first writer", "x"))
                entered.set()
                release.wait(10)
                order.append("first commits")

        thread = threading.Thread(target=slow_writer)
        thread.start()
        assert entered.wait(10)
        assert second.count_articles() == 0  # not yet committed

        def second_writer() -> None:
            with second.transaction():
                order.append("second writes")
                second.add_article(make_article("second writer", "x"))

        other = threading.Thread(target=second_writer)
        other.start()
        other.join(0.5)
        assert other.is_alive()  # waiting for the first writer, as BEGIN IMMEDIATE would
        release.set()
        thread.join()
        other.join(10)
        assert order == ["first commits", "second writes"]
        assert second.count_articles() == 2


def test_writers_of_two_schemas_do_not_wait_for_each_other() -> None:
    # The writer lock is an advisory lock keyed by the schema (advisory locks are per database
    # already): one database's stores, in their own schemas, write side by side.
    with (
        fresh_schema() as url, fresh_schema() as other_url,
        open_store(url) as first, open_store(other_url) as second,
    ):
        wrote = threading.Event()

        def other_writer() -> None:
            with second.transaction():
                second.add_article(make_article("the other schema's writer", "x"))
            wrote.set()

        with first.transaction():
            first.add_article(make_article("holds this schema's writer lock", "x"))
            thread = threading.Thread(target=other_writer)
            thread.start()
            committed = wrote.wait(10)
        thread.join(10)
        assert committed  # while the first writer still held its lock
        assert first.count_articles() == second.count_articles() == 1


def test_a_store_further_along_the_search_path_is_left_alone() -> None:
    with fresh_schema() as other_url, fresh_schema() as url:
        with open_store(other_url) as other, other.transaction():
            other.add_article(make_article("in the other schema", "x"))
        mine, theirs = (unquote(u.rsplit("search_path%3D", 1)[1]) for u in (url, other_url))
        both = with_search_path(server_url(), f"{mine},{theirs}")
        with open_store(both) as store:
            assert store.schema_version == SCHEMA_VERSION
            assert store.count_articles() == 0
        with open_store(other_url) as other:
            assert other.count_articles() == 1
