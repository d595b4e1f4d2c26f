"""`parallax export`: the JSONL files of DESIGN.md's export contract.

Keys may be added, never renamed. Files are written to a temporary name and renamed into place,
so a reader never sees a half-written file; rows stream from the store, so memory stays bounded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from parallax.model import Article
from parallax.store import Store


def article_record(article: Article) -> dict[str, Any]:
    """One line of ``articles.jsonl``."""
    m = article.metadata
    return {
        "article_id": article.article_id,
        "source": {"path": article.source.path, "record": article.source.record},
        "outlet": m.outlet,
        "url": m.url,
        "title": m.title,
        "subtitle": m.subtitle,
        "author": m.author,
        "published_at": m.published_at,
        "language": m.language,
        "body": article.body,
    }


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=False))
            fh.write("\n")
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return count


def _provenance_rows(store: Store) -> Iterator[dict[str, Any]]:
    for link in store.provenance():
        yield {
            "article_id": link.article_id,
            "source_article_id": link.source_article_id,
            "kind": link.kind,
            "score": link.score,
            # where the citing article states the link ("AFP reported"); null for copies
            "start": link.start,
            "end": link.end,
        }


def _event_rows(store: Store) -> Iterator[dict[str, Any]]:
    for event in store.list_events():
        members = store.event_member_rows(event["event_id"])
        yield {
            "event_id": event["event_id"],
            "story_id": event["story_id"],
            "title": event["title"],
            "start": event["start"],
            "end": event["end"],
            "place": event["place"],
            "article_ids": [m["article_id"] for m in members],
            # the event's confidence is its weakest membership; each one is listed too
            "confidence": min((m["confidence"] for m in members), default=None),
            "member_confidence": {m["article_id"]: m["confidence"] for m in members},
            # member-article spans behind the title, place, dates and occasion
            "evidence": event.get("evidence", {}),
        }


def quote_record(row: dict[str, Any]) -> dict[str, Any]:
    """One line of ``quotes.jsonl`` from a `Store.quote_rows` row."""
    surface = row["speaker_start"] is not None
    return {
        "quote_id": row["quote_id"],
        "article_id": row["article_id"],
        "kind": row["kind"],
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "source_start": row["source_start"],
        "source_end": row["source_end"],
        "speaker": {
            "name": row["speaker_name"],
            "entity_id": row["speaker_entity_id"],
            "surface": row["speaker_text"] if surface else None,
            "start": row["speaker_start"],
            "end": row["speaker_end"],
            "source_start": row["speaker_source_start"],
            "source_end": row["speaker_source_end"],
            "rule": row["speaker_rule"],
        },
        "cue": (
            {"text": row["cue_text"], "start": row["cue_start"], "end": row["cue_end"]}
            if row["cue_start"] is not None
            else None
        ),
        "statement_id": row["statement_id"],
        "relation": row["relation"],
        "statement_score": row["statement_score"],
        "confidence": row["confidence"],
        "outlet": row["outlet"],
    }


def statement_record(st: dict[str, Any]) -> dict[str, Any]:
    """One line of ``statements.jsonl`` from a `Store.list_statements` row."""
    return {
        "statement_id": st["statement_id"],
        "speaker_entity_id": st["speaker_entity_id"],
        "speaker": st["speaker"],
        "event_id": st["event_id"],
        "day": st["day"],
        "text": st["text"],
        "quote_ids": st["quote_ids"],
        "outlets": st["outlets"],
        "repeats": [r["statement_id"] for r in st["repeats"]],
        "repeat_scores": {r["statement_id"]: r["score"] for r in st["repeats"]},
        "members": [
            {"quote_id": m["quote_id"], "relation": m["relation"], "score": m["score"]}
            for m in st["members"]
        ],
    }


def _entity_rows(store: Store) -> Iterator[dict[str, Any]]:
    for actor in store.actor_rows():
        yield {
            "entity_id": actor["entity_id"],
            "name": actor["name"],
            "type": actor["type"],
            "labels": store.speaker_labels(actor["entity_id"]),
            "quotes": actor["quotes"],
            "statements": actor["statements"],
        }


def export(store: Store, out: Path) -> dict[str, int]:
    """Write every export file into ``out`` (created if needed); returns rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    return {
        "articles.jsonl": _write_jsonl(
            out / "articles.jsonl", (article_record(a) for a in store.iter_articles())
        ),
        "events.jsonl": _write_jsonl(out / "events.jsonl", _event_rows(store)),
        "provenance.jsonl": _write_jsonl(out / "provenance.jsonl", _provenance_rows(store)),
        "quotes.jsonl": _write_jsonl(
            out / "quotes.jsonl", (quote_record(r) for r in store.quote_rows())
        ),
        "statements.jsonl": _write_jsonl(
            out / "statements.jsonl", (statement_record(s) for s in store.list_statements())
        ),
        "entities.jsonl": _write_jsonl(out / "entities.jsonl", _entity_rows(store)),
    }
