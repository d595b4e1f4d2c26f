"""`parallax export`: the JSONL files of DESIGN.md's export contract.

Keys may be added, never renamed. `EXPORTS` names every file and the function that yields its
rows; both `export` (files on disk) and the web server's ``/api/export/<name>`` (a streamed
download) read it, and both write each row with `jsonl_line`, so the two are byte-identical.
Adding a file is one line in `EXPORTS`.

Files are written to a temporary name and renamed into place, so a reader never sees a
half-written file; rows are written as they are produced, never collected into a list. Every row
function reads the store a page of ``batch`` rows at a time (`parallax.store.iterators`), so an
export holds one page, not the corpus, in memory; the page size never changes the bytes written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from parallax.model import Article
from parallax.store import Store
from parallax.store.iterators import BATCH


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


def jsonl_line(row: dict[str, Any]) -> str:
    """One row as a line of an export file (UTF-8 text, newline included)."""
    return json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n"


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(jsonl_line(row))
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return count


def _provenance_rows(store: Store, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    for link in store.iter_provenance_rows(batch):
        yield {
            "article_id": link["article_id"],
            "source_article_id": link["source_article_id"],
            "kind": link["kind"],
            "score": link["score"],
            # where the citing article states the link ("AFP reported"); null for copies
            "start": link["start"],
            "end": link["end"],
        }


def _event_rows(store: Store, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    for event in store.iter_events(batch):
        members = event["members"]
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
    """One line of ``quotes.jsonl`` from a `Store.quote_rows` (or `Store.iter_quote_rows`) row."""
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
    """One line of ``statements.jsonl`` from a `Store.list_statements` (or
    `Store.iter_statements`) row."""
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


def _mention(row: dict[str, Any]) -> dict[str, Any]:
    return {"surface": row["surface"], "outlet": row["outlet"], "count": row["n"]}


def _entity_rows(store: Store, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    # Speakers first (named as quotes attribute them), then every other entity the articles
    # name, by id, with the surface forms each outlet uses (the compare stage's labels).
    for actor in store.iter_actors(batch):
        yield {
            "entity_id": actor["entity_id"],
            "name": actor["name"],
            "type": actor["type"],
            "labels": actor["labels"],
            "mentions": [_mention(r) for r in actor["mentions"]],
            "quotes": actor["quotes"],
            "statements": actor["statements"],
        }
    for entity in store.iter_label_entities(batch):
        labels = [_mention(r) for r in entity["mentions"]]
        name = max(labels, key=lambda lb: (lb["count"], len(lb["surface"])))["surface"]
        yield {
            "entity_id": entity["entity_id"],
            "name": name,
            "type": None,
            "labels": labels,
            "mentions": labels,
            "quotes": 0,
            "statements": 0,
        }


#: Articles per store query by default: fewer than other rows, as each carries its whole body.
ARTICLE_BATCH = 500


def _article_rows(store: Store, batch: int = ARTICLE_BATCH) -> Iterator[dict[str, Any]]:
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    for article in store.iter_articles(batch):
        yield article_record(article)


def _quote_rows(store: Store, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    for row in store.iter_quote_rows(batch):
        yield quote_record(row)


def _statement_rows(store: Store, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    for st in store.iter_statements(batch):
        yield statement_record(st)


def _framing_rows(store: Store, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    for cue in store.iter_framing_cues(batch):
        yield {
            "article_id": cue.article_id,
            "kind": cue.kind,
            "text": cue.text,
            "start": cue.start,
            "end": cue.end,
            "target_entity_id": cue.target_entity_id,
            "lemma": cue.lemma,
            "value": cue.value,
            "score": cue.score,
        }


def _position_rows(store: Store, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    for c in store.iter_positions(batch):
        yield {
            "actor_entity_id": c.actor_entity_id,
            "topic": c.topic,
            "kind": c.kind,
            "before": {"article_id": c.before.article_id, "quote_id": c.before.quote_id,
                       "start": c.before.start, "end": c.before.end, "day": c.before.day},
            "after": {"article_id": c.after.article_id, "quote_id": c.after.quote_id,
                      "start": c.after.start, "end": c.after.end, "day": c.after.day},
            "score": c.score,
        }


class Rows(Protocol):
    """Rows of one export file, read from a store as they are written, at most ``batch`` rows
    per store query (each function has its own default)."""

    def __call__(self, store: Store, batch: int = ..., /) -> Iterator[dict[str, Any]]: ...


#: Every export file, in the order `export` writes them: file name -> its rows.
EXPORTS: dict[str, Rows] = {
    "articles.jsonl": _article_rows,
    "events.jsonl": _event_rows,
    "provenance.jsonl": _provenance_rows,
    "quotes.jsonl": _quote_rows,
    "statements.jsonl": _statement_rows,
    "entities.jsonl": _entity_rows,
    "framing.jsonl": _framing_rows,
    "positions.jsonl": _position_rows,
}


def _rows(rows: Rows, store: Store, batch: int | None) -> Iterator[dict[str, Any]]:
    return rows(store) if batch is None else rows(store, batch)


def export_lines(store: Store, name: str, batch: int | None = None) -> Iterator[str]:
    """The lines of export file ``name`` (a key of `EXPORTS`), produced one row at a time from
    store reads of at most ``batch`` rows (default: `BATCH`, `ARTICLE_BATCH` for articles);
    `KeyError` for a name that is not an export file."""
    rows = EXPORTS[name]  # looked up now, so a wrong name fails before any response starts
    return (jsonl_line(row) for row in _rows(rows, store, batch))


def export(store: Store, out: Path, batch: int | None = None) -> dict[str, int]:
    """Write every export file into ``out`` (created if needed), reading the store at most
    ``batch`` rows at a time (default: as `export_lines`); returns rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    return {
        name: _write_jsonl(out / name, _rows(rows, store, batch)) for name, rows in EXPORTS.items()
    }
