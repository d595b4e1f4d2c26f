from __future__ import annotations

from parallax.entities import entity_id, entity_key
from parallax.model import (
    Article,
    Metadata,
    OffsetMap,
    Quote,
    Segment,
    Source,
    Span,
    Speaker,
    article_id,
    content_hash,
    quote_id,
)
from parallax.store import SQLiteStore

BODY = (
    'The minister spoke in the capital. "We will not sign this deal," Anna Kovacs said on '
    "Tuesday. She added that talks would go on."
)
KOVACS = entity_id(entity_key("Anna Kovacs", "PERSON") or "")


def make_article(body: str = BODY, outlet: str = "Daily Example") -> Article:
    header = "HEADLINE\n\n"
    return Article(
        article_id=article_id(body, outlet),
        content_hash=content_hash(body),
        source=Source(f"{outlet}.txt", None),
        kind="text",
        body=body,
        metadata=Metadata(title="T", outlet=outlet, published_at="2025-09-02"),
        offsets=OffsetMap((Segment(0, len(header), len(body)),)),
        removed=(),
        source_text=header + body,
    )


def quotes_of(article: Article) -> list[Quote]:
    body = article.body
    start = body.index("We will")
    end = body.index(',"')
    name = body.index("Anna Kovacs")
    cue = body.index("said")
    rest = body.index("talks would")
    aid = article.article_id
    speaker = Speaker("Anna Kovacs", KOVACS, Span(name, name + 11, "Anna Kovacs"), "named")
    return [
        Quote(quote_id(aid, start, end), aid, "direct", start, end, body[start:end], speaker,
              Span(cue, cue + 4, "said"), 0.9),
        Quote(quote_id(aid, rest, len(body) - 1), aid, "indirect", rest, len(body) - 1,
              body[rest:-1], Speaker("Anna Kovacs", KOVACS, None, "previous"),
              Span(body.index("added"), body.index("added") + 5, "added"), 0.6),
    ]


def stored(store: SQLiteStore, *articles: Article) -> list[Quote]:
    with store.transaction():
        for a in articles:
            store.add_article(a)
        store.replace_quotes([(a, quotes_of(a)) for a in articles])
    return store.quotes_of(a.article_id for a in articles)


def test_quotes_round_trip_with_source_offsets(store: SQLiteStore) -> None:
    article = make_article()
    quotes = stored(store, article)
    assert quotes == quotes_of(article)
    rows = {r["quote_id"]: r for r in store.quote_rows()}
    for q in quotes:
        row = rows[q.quote_id]
        assert article.source_text[row["source_start"] : row["source_end"]] == q.text
        if q.speaker.surface is not None:
            s, e = row["speaker_source_start"], row["speaker_source_end"]
            assert article.source_text[s:e] == "Anna Kovacs"
        else:
            assert row["speaker_source_start"] is None
    assert row["outlet"] == "Daily Example"


def test_replacing_an_articles_quotes_does_not_duplicate_them(store: SQLiteStore) -> None:
    article = make_article()
    stored(store, article)
    stored(store, article)
    assert len(store.quote_rows()) == 2
    assert store.actor_rows()[0]["quotes"] == 2


def test_speakers_are_entities_with_a_type_and_are_found_by_any_spelling(
    store: SQLiteStore,
) -> None:
    stored(store, make_article())
    actors = store.actor_rows()
    assert [(a["entity_id"], a["name"], a["type"]) for a in actors] == [
        (KOVACS, "Anna Kovacs", "PERSON")
    ]
    assert store.speaker_ids_matching("kovacs") == [KOVACS]
    assert KOVACS in store.speaker_ids_matching("Ms. Kovács")
    assert store.speaker_labels(KOVACS) == [
        {"surface": "Anna Kovacs", "outlet": "Daily Example", "count": 1}
    ]


def test_deleting_quotes_drops_emptied_statements_and_their_repeats(store: SQLiteStore) -> None:
    first, second = make_article(), make_article(outlet="Other Paper")
    q1, q2 = stored(store, first)[0], stored(store, second)[0]
    with store.transaction():
        for sid, q in (("sm_a", q1), ("sm_b", q2)):
            store.upsert_statement(
                {"statement_id": sid, "speaker_entity_id": KOVACS, "event_id": None,
                 "day": "2025-09-02", "text": q.text, "seq": 1, "updated_at": "x"}
            )
            store.add_statement_member(q.quote_id, sid, "same", 1.0, 1)
        store.add_repeat("sm_a", "sm_b", 0.97)
    assert store.statement_repeats("sm_b") == [{"statement_id": "sm_a", "score": 0.97}]
    listed = {s["statement_id"]: s for s in store.list_statements()}
    assert listed["sm_a"]["outlets"] == ["Daily Example"]
    assert listed["sm_a"]["quote_ids"] == [q1.quote_id]
    assert [s["statement_id"] for s in store.list_statements(outlet_key="other paper")] == [
        "sm_b"
    ]
    with store.transaction():
        touched = store.replace_quotes([(first, quotes_of(first))])
    assert touched == set()
    assert [s["statement_id"] for s in store.list_statements()] == ["sm_b"]
    assert store.statement_repeats("sm_b") == []
    # the re-stored quotes wait for the statements stage
    assert {q.quote_id for q in store.unaligned_quotes([first.article_id])} == {
        q.quote_id for q in quotes_of(first)
    }
    assert store.integrity_ok()
