"""Data for every page, as plain dicts. No HTML here, no HTTP: the web layer renders these."""

from __future__ import annotations

from typing import Any

from parallax.export import article_record, quote_record, statement_record
from parallax.model import outlet_key
from parallax.store import Store


class NotFound(LookupError):
    """The requested object does not exist."""


def articles_view(
    store: Store, *, outlet: str | None = None, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """Article list with metadata, newest first."""
    limit = max(1, min(limit, 1000))
    offset = max(0, offset)
    rows = store.list_articles(outlet=outlet, limit=limit, offset=offset)
    total = store.count_articles()
    return {
        "articles": rows,
        "total": total,
        "limit": limit,
        "offset": offset,
        "outlet": outlet,
        "outlets": store.outlets(),
        "next_offset": offset + limit if offset + limit < total and len(rows) == limit else None,
    }


def article_view(store: Store, article_id: str) -> dict[str, Any]:
    """One article: metadata with its evidence, clean body, removed furniture, provenance."""
    article = store.get_article(article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id!r}")
    record = article_record(article)
    record["kind"] = article.kind
    record["content_hash"] = article.content_hash
    record["evidence"] = {
        name: {"start": ev.start, "end": ev.end, "rule": ev.rule, "text": ev.text}
        for name, ev in sorted(article.metadata.evidence.items())
    }
    record["removed"] = [
        {"start": r.start, "end": r.end, "kind": r.kind, "text": r.text} for r in article.removed
    ]
    record["offset_map"] = article.offsets.to_json()
    record["provenance"] = [
        {
            "article_id": p.article_id,
            "source_article_id": p.source_article_id,
            "kind": p.kind,
            "score": p.score,
        }
        for p in store.provenance(article.article_id)
    ]
    # Imported here: the page modules import NotFound from this one.
    from parallax.api.actors import article_marks

    # quotes (with speaker and cue spans), entity mentions and the article's event
    record.update(article_marks(store, article))
    labels = store.labels_of([article.article_id])
    names = {q["speaker"]["entity_id"]: q["speaker"]["name"] for q in record.get("quotes", [])
             if q["speaker"]["entity_id"]}
    record["framing"] = [
        {"kind": c.kind, "start": c.start, "end": c.end, "text": c.text, "lemma": c.lemma,
         "value": c.value, "target_entity_id": c.target_entity_id, "score": c.score}
        for c in store.framing_of([article.article_id])
    ]
    record["labels"] = [
        {"entity_id": lb.entity_id, "name": names.get(lb.entity_id) or lb.surface,
         "kind": lb.kind, "start": lb.start, "end": lb.end, "surface": lb.surface,
         "score": lb.score}
        for lb in labels
    ]
    record["tones"] = [
        {"target_entity_id": t.target_entity_id, "label": t.label, "score": t.score,
         "start": t.start, "end": t.end, "target": {"start": t.target.start,
                                                    "end": t.target.end, "text": t.target.text}}
        for t in store.tones_of([article.article_id])
        if t.label != "neutral"
    ]
    return record


def rejections_view(store: Store, *, limit: int = 500) -> dict[str, Any]:
    """Inputs that did not become articles, with the reason and what to do."""
    rows = store.list_rejections(limit=limit)
    return {
        "rejections": [
            {
                "rejection_id": r.rejection_id,
                "path": r.path,
                "record": r.record,
                "reason": r.reason,
                "message": r.message,
                "raw_bytes": r.raw_size,
                "article_id": r.article_id,
                "created_at": r.created_at,
            }
            for r in rows
        ]
    }


def events_view(store: Store, *, story_id: str | None = None) -> dict[str, Any]:
    """Events in time order with their member articles and confidences."""
    events = store.list_events(story_id)
    for event in events:
        event["members"] = store.event_member_rows(event["event_id"])
    return {"events": events, "story_id": story_id}


def stories_view(store: Store) -> dict[str, Any]:
    """Stories, largest first, each with its events in time order."""
    stories = store.list_stories()
    for story in stories:
        story["events"] = store.list_events(story["story_id"])
    return {"stories": stories}


def quotes_view(
    store: Store,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Quotes and the statements they form, filtered by speaker (a name in any spelling or an
    entity id), outlet, or event."""
    speaker_ids = store.speaker_ids_matching(speaker) if speaker else None
    key = outlet_key(outlet) if outlet else None
    quotes = [
        quote_record(r)
        for r in store.quote_rows(speaker_ids=speaker_ids, outlet_key=key, event_id=event_id)
    ]
    statements = []
    for st in store.list_statements(speaker_ids=speaker_ids, outlet_key=key, event_id=event_id):
        record = statement_record(st)
        record["kinds"] = st["kinds"]
        record["members"] = [
            {
                "quote_id": m["quote_id"],
                "article_id": m["article_id"],
                "outlet": m["outlet"],
                "kind": m["kind"],
                "text": m["text"],
                "relation": m["relation"],
                "score": m["score"],
            }
            for m in st["members"]
        ]
        statements.append(record)
    return {
        "quotes": quotes,
        "statements": statements,
        "speaker": speaker,
        "speaker_entity_ids": speaker_ids,
        "outlet": outlet,
        "event_id": event_id,
    }


def actors_view(store: Store) -> dict[str, Any]:
    """Speakers with their counts of quotes, statements and outlets, and how outlets name them."""
    actors = store.actor_rows()
    for actor in actors:
        actor["labels"] = store.speaker_labels(actor["entity_id"])
    return {"actors": actors}
