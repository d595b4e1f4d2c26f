"""Full-text search over articles, on both backends (FTS5 in SQLite, tsvector in PostgreSQL)."""

from __future__ import annotations

from parallax.api.actors import split_snippet
from parallax.model import Article, Metadata, OffsetMap, Segment, Source, article_id, content_hash
from parallax.store import SQLiteStore


def make_article(title: str, body: str, outlet: str = "Test Wire") -> Article:
    return Article(
        article_id=article_id(body, outlet),
        content_hash=content_hash(body),
        source=Source(f"{title}.txt", None),
        kind="text",
        body=body,
        metadata=Metadata(title=title, outlet=outlet),
        offsets=OffsetMap((Segment(0, 0, len(body)),)),
        removed=(),
        source_text=body,
    )


HARBOUR = make_article(
    "Harbour dredging approved",
    "The port authority approved dredging of the northern harbour on Tuesday. Engineers said "
    "the quayside would stay open while the barges worked.",
)
LIGHTHOUSE = make_article(
    "Lighthouse keeper retires",
    "After forty years the lighthouse keeper handed over the keys to the quayside museum, "
    "which will run tours from the spring.",
)


def titles(store: SQLiteStore, text: str) -> list[str]:
    rows, _ = store.search_articles(text)
    return sorted(r["title"] for r in rows)


def test_search_finds_words_phrases_and_prefixes_and_follows_the_articles(
    store: SQLiteStore,
) -> None:
    with store.transaction():
        store.add_article(HARBOUR)
    rows, total = store.search_articles("quayside")
    assert total == 1 and [r["title"] for r in rows] == ["Harbour dredging approved"]
    snippet, marks = split_snippet(rows[0]["snippet"])
    assert [snippet[s:e] for s, e in marks] == ["quayside"]
    assert store.search_articles("lighthouse") == ([], 0)
    with store.transaction():
        store.add_article(LIGHTHOUSE)
    assert titles(store, "lighthouse") == ["Lighthouse keeper retires"]
    assert store.search_articles("quayside")[1] == 2
    assert store.search_articles("QUAYSIDE")[1] == 2
    assert store.search_articles("harb*")[1] == 1
    assert store.search_articles("quayside keeper")[1] == 1
    assert store.search_articles('"keeper handed"')[1] == 1
    assert store.search_articles('"handed keeper"')[1] == 0
    assert titles(store, "dredging") == ["Harbour dredging approved"]  # a title word
    assert store.search_index_ids() == sorted([HARBOUR.article_id, LIGHTHOUSE.article_id])
    assert store.integrity_ok()


def test_search_pages_through_results_in_a_stable_order(store: SQLiteStore) -> None:
    with store.transaction():
        store.add_article(HARBOUR)
        store.add_article(LIGHTHOUSE)
    first, total = store.search_articles("quayside", limit=1)
    second, _ = store.search_articles("quayside", limit=1, offset=1)
    assert total == 2
    assert len(first) == len(second) == 1
    assert {first[0]["article_id"], second[0]["article_id"]} == {
        HARBOUR.article_id,
        LIGHTHOUSE.article_id,
    }


def test_whatever_a_user_types_is_searched_as_words(store: SQLiteStore) -> None:
    with store.transaction():
        store.add_article(HARBOUR)
    for typed in ['"', "AND", "quayside OR", "NEAR(", "*", "-", "col:x", "()", "a & b | !c",
                  "'", "it's", ":*", "<->", "%", "_", "\\"]:
        store.search_articles(typed)
    assert store.search_articles("") == ([], 0)
    assert store.search_articles("  *  ") == ([], 0)
