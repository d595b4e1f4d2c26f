"""The paged whole-table iterators behind the export (`parallax.store.iterators`): the same rows
in the same order as the list methods, whatever the page size, and never more than a page per
query. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from parallax.store import SQLiteStore

NOW = "2025-01-01T00:00:00+00:00"

#: Page sizes: one row, a few, one that splits groups unevenly, and the default.
BATCHES = (1, 2, 3, 1000)


def _insert(store: SQLiteStore, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
    marks = ", ".join("?" * len(columns.split(", ")))
    store._executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def fill(store: SQLiteStore) -> None:
    """A small corpus with the awkward cases: undated articles, events and statements, articles
    without an outlet, ties on every leading sort key, statements with many members, speakers
    with many labels, labelled entities that never speak, and a speaker with no quotes."""
    outlets = ["Daily", "Herald", None, "Daily", "Gazette", "Herald", None, "Gazette"]
    days = ["2025-03-02", None, "2025-03-01", "2025-03-02", None, "2025-03-01", "2025-03-03",
            "2025-03-02"]
    articles = [f"a{i}" for i in range(len(outlets))]
    with store.transaction():
        _insert(
            store, "articles",
            "article_id, content_hash, source_path, kind, outlet, outlet_key, title, "
            "published_at, body, source_text, offset_map, removed, evidence, ingested_at",
            [
                (aid, f"h{i}", "x.txt", "text", outlets[i], (outlets[i] or "").lower(),
                 f"T{i}", days[i], "body", "body", "[]", "[]", "{}", NOW)
                for i, aid in enumerate(articles)
            ],
        )
        _insert(
            store, "events", "event_id, title, start, end, place, articles, seq, updated_at, "
            "evidence",
            [
                ("e1", "One", "2025-03-01", "2025-03-02", "Here", 3, 2, NOW, '{"title": [1, 2]}'),
                ("e2", "Two", None, None, None, 2, 1, NOW, "{}"),
                ("e3", "Three", "2025-03-01", None, None, 2, 3, NOW, "{}"),
                ("e4", "Four", None, None, None, 1, 4, NOW, "{}"),
            ],
        )
        _insert(
            store, "event_members", "article_id, event_id, confidence, score, seq",
            [("a0", "e1", 0.9, 0.8, 5), ("a1", "e1", 0.7, 0.6, 1), ("a2", "e1", 0.8, 0.7, 2),
             ("a3", "e2", 0.5, 0.5, 3), ("a4", "e2", 0.6, 0.5, 4), ("a5", "e3", 0.9, 0.9, 6),
             ("a6", "e3", 0.4, 0.4, 7), ("a7", "e4", 0.3, 0.3, 8)],
        )
        _insert(
            store, "speaker_entities", "entity_id, name, type",
            [("sp1", "Ana Ruiz", "PERSON"), ("sp2", "Bo Lin", "PERSON"),
             ("sp3", "Ana Ruiz", "PERSON"), ("sp4", "Quiet One", None),
             ("sp5", "Union", "ORG")],
        )
        quotes = []
        for i, aid in enumerate(articles):
            for j in range(4):
                speaker = ["sp1", "sp2", "sp3", "sp5"][(i + j) % 4]
                surface = None if j == 3 else ["Ruiz", "Ana Ruiz", "Minister Ruiz"][(i * j) % 3]
                start = 10 * (j // 2)  # two quotes share each start: the id breaks the tie
                quotes.append(
                    (f"q{i}{j}", aid, "direct" if j % 2 else "indirect", start, start + 5,
                     f"said {i} {j}", speaker, "named", surface, start if surface else None,
                     start + 4 if surface else None, 0.9)
                )
        _insert(
            store, "quotes",
            "quote_id, article_id, kind, start, end, text, speaker_entity_id, speaker_rule, "
            "speaker_text, speaker_start, speaker_end, confidence",
            quotes,
        )
        statements = [
            ("s1", "sp1", "e1", "2025-03-01", 3), ("s2", "sp2", None, None, 1),
            ("s3", "sp1", "e1", "2025-03-01", 2), ("s4", "sp3", "e2", None, 4),
            ("s5", "sp5", None, "2025-03-02", 5), ("s6", "sp2", "e3", "2025-03-01", 2),
        ]
        _insert(
            store, "statements", "statement_id, speaker_entity_id, event_id, day, text, seq, "
            "updated_at",
            [(sid, sp, ev, day, f"text {sid}", seq, NOW) for sid, sp, ev, day, seq in statements],
        )
        members = []
        for n, (qid, *_rest) in enumerate(quotes[:20]):
            sid = ["s1", "s1", "s1", "s2", "s3", "s4", "s5", "s6"][n % 8]
            members.append((qid, sid, "same" if n % 3 else "paraphrase", 0.5 + n / 100,
                            100 - n if n % 5 else 7))
        _insert(store, "statement_members", "quote_id, statement_id, relation, score, seq",
                members)
        _insert(
            store, "statement_repeats", "statement_id, other_id, score",
            [("s1", "s3", 0.8), ("s3", "s1", 0.8), ("s1", "s5", 0.7), ("s5", "s1", 0.7),
             ("s1", "s2", 0.6), ("s2", "s1", 0.6)],
        )
        labels = []
        for i, aid in enumerate(articles):
            for k, (eid, surface) in enumerate(
                [("sp1", "Ruiz"), ("sp1", "the minister"), ("ent9", "Lisbon"),
                 ("ent2", "the union"), ("ent2", "Union"), ("sp4", "Quiet"),
                 ("ent5", "Ruiz's party"), ("sp2", "Lin")]
            ):
                if (i + k) % 3:
                    labels.append((aid, eid, "name", 20 * k, 20 * k + 4, surface, 0.5))
        _insert(store, "labels", "article_id, entity_id, kind, start, end, surface, score",
                labels)
        _insert(
            store, "framing_cues",
            "article_id, kind, start, end, text, lemma, value, target_entity_id, score",
            [(aid, kind, s, e, "w", "w", "v", None if s else "sp1", 0.5)
               for aid in articles[:4] for kind, s, e in
               (("verb", 0, 3), ("adjective", 0, 3), ("verb", 5, 8), ("adjective", 5, 9))],
        )
        _insert(
            store, "position_changes",
            "actor_entity_id, topic, kind, before_article_id, before_quote_id, before_start, "
            "before_end, before_day, after_article_id, after_quote_id, after_start, after_end, "
            "after_day, score",
            [
                ("sp1", "budget", "reversal", "a0", "q00", 0, 5, "2025-03-01", "a1", "q10", 0, 5,
                 None, 0.7),
                ("sp1", "budget", "reversal", "a0", "q01", 0, 5, "2025-03-01", "a2", "q20", 0, 5,
                 "2025-03-02", 0.6),
                ("sp1", "budget", "shift", "a0", "q02", 0, 5, None, "a2", "q21", 0, 5,
                 "2025-03-02", 0.5),
                ("sp1", "taxes", "reversal", "a3", "q30", 0, 5, None, "a4", "q40", 0, 5,
                 "2025-03-01", 0.5),
                ("sp2", "budget", "reversal", "a3", "q31", 0, 5, None, "a5", "q50", 0, 5, None,
                 0.4),
            ],
        )
        _insert(
            store, "provenance", "article_id, source_article_id, kind, score, start, end",
            [("a0", "a1", "duplicate", 0.9, None, None), ("a0", "a1", "cites", 0.6, 3, 9),
             ("a0", "a2", "duplicate", 0.8, None, None),
             ("a3", "a0", "syndicated", 0.7, None, None), ("a5", "a4", "cites", 0.5, 0, 4)],
        )


@pytest.fixture
def filled(store: SQLiteStore) -> SQLiteStore:
    """The store of this backend holding `fill`'s corpus."""
    fill(store)
    return store


def _actors_expected(store: SQLiteStore) -> list[dict[str, Any]]:
    counts: dict[str, list[dict[str, Any]]] = {}
    for row in store.entity_label_counts():
        row = dict(row)
        counts.setdefault(row.pop("entity_id"), []).append(row)
    return [
        {**actor, "labels": store.speaker_labels(actor["entity_id"]),
         "mentions": counts.get(actor["entity_id"], [])}
        for actor in store.actor_rows()
    ]


def _label_entities_expected(store: SQLiteStore) -> list[dict[str, Any]]:
    actors = {a["entity_id"] for a in store.actor_rows()}
    counts: dict[str, list[dict[str, Any]]] = {}
    for row in store.entity_label_counts():
        row = dict(row)
        eid = row.pop("entity_id")
        if eid not in actors:
            counts.setdefault(eid, []).append(row)
    return [{"entity_id": eid, "mentions": rows} for eid, rows in sorted(counts.items())]


@pytest.mark.parametrize("batch", BATCHES)
def test_iterators_give_the_list_methods_rows_in_their_order(
    filled: SQLiteStore, batch: int
) -> None:
    store = filled
    assert list(store.iter_quote_rows(batch)) == store.quote_rows()
    assert list(store.iter_statements(batch)) == store.list_statements()
    events = list(store.iter_events(batch))
    assert [{k: v for k, v in ev.items() if k != "members"} for ev in events] == (
        store.list_events()
    )
    for ev in events:
        assert ev["members"] == store.event_member_rows(ev["event_id"])
    assert [dataclasses.asdict(store_link) for store_link in store.provenance()] == list(
        store.iter_provenance_rows(batch)
    )
    assert list(store.iter_framing_cues(batch)) == list(store.iter_framing())
    assert list(store.iter_positions(batch)) == store.positions()
    assert list(store.iter_actors(batch)) == _actors_expected(store)
    assert list(store.iter_label_entities(batch)) == _label_entities_expected(store)


def test_the_corpus_has_what_the_iterators_must_handle(filled: SQLiteStore) -> None:
    """Guards `fill`: each awkward case is really there."""
    store = filled
    quotes = store.quote_rows()
    assert any(q["published_at"] is None for q in quotes)
    assert any(q["outlet"] is None for q in quotes)
    statements = store.list_statements()
    assert any(st["day"] is None for st in statements)
    assert max(len(st["members"]) for st in statements) > 3
    assert any(len(st["repeats"]) > 1 for st in statements)
    events = store.list_events()
    assert any(ev["start"] is None for ev in events)
    actors = _actors_expected(store)
    assert max(len(a["labels"]) for a in actors) > 3
    assert any(m["outlet"] is None for a in actors for m in a["mentions"])
    assert "sp4" in {e["entity_id"] for e in _label_entities_expected(store)}
    assert any(p.after.day is None for p in store.positions())


@pytest.fixture
def counted(filled: SQLiteStore, rows_per_query: Callable[[SQLiteStore], list[int]]) -> list[int]:
    """Rows returned by each query of the store from now on."""
    return rows_per_query(filled)


ITERATORS = (
    "iter_quote_rows", "iter_statements", "iter_events", "iter_provenance_rows",
    "iter_framing_cues", "iter_positions", "iter_actors", "iter_label_entities",
)


@pytest.mark.parametrize("name", ITERATORS)
@pytest.mark.parametrize("batch", [1, 2])
def test_no_query_reads_more_than_a_page(
    filled: SQLiteStore, counted: list[int], name: str, batch: int
) -> None:
    rows: Iterator[Any] = getattr(filled, name)(batch)
    produced = sum(1 for _ in rows)
    assert produced > batch  # the corpus is larger than a page: the iterator had to page
    assert counted and max(counted) <= batch, counted
    assert len(counted) > 1


def test_a_page_must_hold_a_row(filled: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="batch"):
        list(filled.iter_quote_rows(0))


def test_iterators_read_an_empty_store(store: SQLiteStore) -> None:
    for name in ITERATORS:
        assert list(getattr(store, name)(2)) == [], name
