"""Actor, search and article-annotation data as plain dicts (see `parallax.api.views`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from parallax.api.story import column_of, day_of
from parallax.api.views import NotFound
from parallax.entities import entity_id, entity_key
from parallax.export import quote_record
from parallax.model import Article
from parallax.store import Store
from parallax.store.pages import MATCH_CLOSE, MATCH_OPEN


def actor_view(store: Store, actor_id: str) -> dict[str, Any]:
    """One speaker: how outlets name them, the cue verbs outlets attribute to them, and their
    statements over time, each with the outlets and quotes that carried it and its event."""
    actor = store.speaker_entity(actor_id)
    if actor is None:
        raise NotFound(f"no actor with id {actor_id!r}; see /actors for the list")
    statements = store.list_statements(speaker_ids=[actor_id])
    rows = store.statement_quote_rows(st["statement_id"] for st in statements)
    quotes_by: dict[str, list[dict[str, Any]]] = {}
    cues: Counter[tuple[str, str]] = Counter()
    for row in rows:
        record = quote_record(row)
        col = column_of(row["article_id"], row["outlet"])
        record["column"] = col.key
        record["outlet_label"] = col.label
        record["published_at"] = row["published_at"]
        quotes_by.setdefault(row["statement_id"], []).append(record)
        if row["cue_text"] and row["speaker_entity_id"] == actor_id:
            cues[(col.label, row["cue_text"].casefold())] += 1
    events = store.event_rows({st["event_id"] for st in statements if st["event_id"]})
    timeline = []
    for st in statements:
        quotes = quotes_by.get(st["statement_id"], [])
        event = events.get(st["event_id"] or "")
        timeline.append(
            {
                "statement_id": st["statement_id"],
                "day": st["day"],
                "event_id": st["event_id"],
                "event_title": event["title"] if event else None,
                "story_id": event["story_id"] if event else None,
                "text": st["text"],
                "kinds": st["kinds"],
                "outlets": sorted({q["outlet_label"] for q in quotes}),
                "quotes": quotes,
                "repeats": st["repeats"],
            }
        )
    # Quotes credited to the actor that no statement holds yet (analysis still to run on them).
    unaligned = [
        quote_record(r)
        for r in store.quote_rows(speaker_ids=[actor_id])
        if r["statement_id"] is None
    ]
    return {
        "actor": actor,
        "labels": store.speaker_labels(actor_id),
        "cues": [
            {"outlet": outlet, "cue": cue, "count": n}
            for (outlet, cue), n in sorted(cues.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "statements": timeline,
        "days": sorted({d for d in (s["day"] for s in timeline) if d}),
        "unaligned_quotes": unaligned,
    }


def split_snippet(snippet: str) -> tuple[str, list[list[int]]]:
    """FTS5 snippet text without its match markers, and the ``[start, end)`` of each match."""
    text: list[str] = []
    marks: list[list[int]] = []
    length = 0
    start: int | None = None
    for ch in snippet:
        if ch == MATCH_OPEN:
            start = length
        elif ch == MATCH_CLOSE:
            if start is not None and length > start:
                marks.append([start, length])
            start = None
        else:
            text.append(ch)
            length += 1
    return "".join(text), marks


def search_view(store: Store, q: str | None, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Articles whose title or body hold every word of ``q`` (``"a phrase"`` and ``word*``
    work), best match first, each with a snippet and the offsets of the matches in it."""
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    rows, total = store.search_articles(q or "", limit=limit, offset=offset)
    results = []
    for row in rows:
        snippet, marks = split_snippet(row["snippet"] or "")
        results.append(
            {
                "article_id": row["article_id"],
                "title": row["title"],
                "outlet": row["outlet"],
                "published_at": row["published_at"],
                "day": day_of(row["published_at"]),
                "snippet": snippet,
                "marks": marks,
            }
        )
    return {
        "q": q or "",
        "results": results,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if offset + len(results) < total else None,
    }


def article_marks(store: Store, article: Article) -> dict[str, Any]:
    """An article's stored quotes (with speaker and cue spans) and entity mentions, in body
    offsets, for highlighting; mentions of someone seen as a speaker carry their actor id."""
    quotes = [
        {
            "quote_id": q.quote_id,
            "kind": q.kind,
            "start": q.start,
            "end": q.end,
            "text": q.text,
            "confidence": q.confidence,
            "speaker": {
                "name": q.speaker.name,
                "entity_id": q.speaker.entity_id,
                "rule": q.speaker.rule,
                "surface": q.speaker.surface.text if q.speaker.surface else None,
                "start": q.speaker.surface.start if q.speaker.surface else None,
                "end": q.speaker.surface.end if q.speaker.surface else None,
            },
            "cue": (
                {"text": q.cue.text, "start": q.cue.start, "end": q.cue.end} if q.cue else None
            ),
        }
        for q in store.quotes_of([article.article_id])
    ]
    annotation = store.annotations([article.article_id]).get(article.article_id)
    mentions = []
    if annotation is not None:
        keyed = []
        for e in annotation.entities:
            key = entity_key(e.text, e.label)
            keyed.append((e, entity_id(key) if key else None))
        actors = store.known_speaker_ids(eid for _, eid in keyed if eid)
        mentions = [
            {
                "start": e.start,
                "end": e.end,
                "label": e.label,
                "text": e.text,
                "entity_id": eid if eid in actors else None,
            }
            for e, eid in keyed
        ]
    event = store.article_event_rows([article.article_id]).get(article.article_id)
    return {"quotes": quotes, "mentions": mentions, "event": event}
