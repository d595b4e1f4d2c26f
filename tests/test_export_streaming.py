"""Every export file streams from the store a page at a time: the bytes do not depend on the page
size, they are those the list methods give, no store query reads more than a page, and no read
stays open between two rows (a writer, and a WAL checkpoint, can run mid-export)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from parallax.export import EXPORTS, export, export_lines, quote_record, statement_record
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import ProvenanceLink, SQLiteStore

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled seeds ingested and analysed (once for the module), plus a few provenance
    links so that every export file has more rows than the small pages below."""
    root = tmp_path_factory.mktemp("streaming")
    shutil.copytree(SEEDS, root / "seeds")
    db = root / "seeds.db"
    settings = Settings(db=str(db))
    with SQLiteStore(db) as store:
        ingest_paths([str(root / "seeds")], store, settings)
        analyze(store, settings)
        ids = sorted(a["article_id"] for a in store.list_articles())
        with store.transaction():
            store.add_provenance(
                [ProvenanceLink(ids[0], ids[1], "cites", 0.5, 0, 5),
                 ProvenanceLink(ids[0], ids[2], "duplicate", 0.9),
                 ProvenanceLink(ids[3], ids[1], "syndicated", 0.7)]
            )
    return db


@pytest.fixture
def seeds(seeds_db: Path) -> Iterator[SQLiteStore]:
    """The analysed seeds store, opened for one test."""
    with SQLiteStore(seeds_db) as store:
        yield store


def test_every_file_is_the_same_bytes_whatever_the_page_size(
    seeds: SQLiteStore, tmp_path: Path
) -> None:
    counts = export(seeds, tmp_path / "default")
    assert all(counts[name] > 2 for name in EXPORTS), counts
    for batch in (1, 2):
        assert export(seeds, tmp_path / str(batch), batch) == counts
        for name in EXPORTS:
            expected = (tmp_path / "default" / name).read_bytes()
            assert (tmp_path / str(batch) / name).read_bytes() == expected, (batch, name)
            assert "".join(export_lines(seeds, name, batch)).encode("utf-8") == expected


def _reference_rows(store: SQLiteStore, name: str) -> list[dict[str, Any]]:
    """Each file's rows as the export built them from the whole-list store methods."""
    if name == "quotes.jsonl":
        return [quote_record(r) for r in store.quote_rows()]
    if name == "statements.jsonl":
        return [statement_record(st) for st in store.list_statements()]
    if name == "events.jsonl":
        rows = []
        for ev in store.list_events():
            members = store.event_member_rows(ev["event_id"])
            rows.append({
                "event_id": ev["event_id"], "story_id": ev["story_id"], "title": ev["title"],
                "start": ev["start"], "end": ev["end"], "place": ev["place"],
                "article_ids": [m["article_id"] for m in members],
                "confidence": min((m["confidence"] for m in members), default=None),
                "member_confidence": {m["article_id"]: m["confidence"] for m in members},
                "evidence": ev["evidence"],
            })
        return rows
    if name == "provenance.jsonl":
        return [dataclasses.asdict(link) for link in store.provenance()]
    if name == "framing.jsonl":
        return [
            {"article_id": c.article_id, "kind": c.kind, "text": c.text, "start": c.start,
             "end": c.end, "target_entity_id": c.target_entity_id, "lemma": c.lemma,
             "value": c.value, "score": c.score}
            for c in store.iter_framing()
        ]
    if name == "positions.jsonl":
        return [
            {"actor_entity_id": c.actor_entity_id, "topic": c.topic, "kind": c.kind,
             "before": dataclasses.asdict(c.before), "after": dataclasses.asdict(c.after),
             "score": c.score}
            for c in store.positions()
        ]
    if name == "entities.jsonl":
        mentions: dict[str, list[dict[str, Any]]] = {}
        for r in store.entity_label_counts():
            mentions.setdefault(r["entity_id"], []).append(
                {"surface": r["surface"], "outlet": r["outlet"], "count": r["n"]}
            )
        rows = [
            {"entity_id": a["entity_id"], "name": a["name"], "type": a["type"],
             "labels": store.speaker_labels(a["entity_id"]),
             "mentions": mentions.pop(a["entity_id"], []), "quotes": a["quotes"],
             "statements": a["statements"]}
            for a in store.actor_rows()
        ]
        for eid, labels in sorted(mentions.items()):
            top = max(labels, key=lambda lb: (lb["count"], len(lb["surface"])))["surface"]
            rows.append({"entity_id": eid, "name": top, "type": None, "labels": labels,
                         "mentions": labels, "quotes": 0, "statements": 0})
        return rows
    assert name == "articles.jsonl"
    return [json.loads(line) for line in export_lines(store, name)]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_rows_and_order_are_those_of_the_whole_list_reads(seeds: SQLiteStore, name: str) -> None:
    streamed = [json.loads(line) for line in export_lines(seeds, name, 2)]
    assert streamed == _reference_rows(seeds, name)


@pytest.mark.parametrize("name", list(EXPORTS))
@pytest.mark.parametrize("batch", [1, 2])
def test_no_store_query_reads_more_than_a_page(
    seeds: SQLiteStore,
    rows_per_query: Callable[[SQLiteStore], list[int]],
    name: str,
    batch: int,
) -> None:
    sizes = rows_per_query(seeds)
    lines = sum(1 for _ in export_lines(seeds, name, batch))
    assert lines > batch  # more rows than a page: the file had to be read in pages
    assert sizes and max(sizes) <= batch, (name, sizes)


@pytest.mark.parametrize("name", list(EXPORTS))
def test_no_read_stays_open_between_rows(seeds: SQLiteStore, seeds_db: Path, name: str) -> None:
    """Mid-export, another connection commits a write and checkpoints the whole WAL back into
    the database, which SQLite refuses while any read transaction is still open."""
    lines = export_lines(seeds, name, 1)
    first = next(lines)
    other = sqlite3.connect(seeds_db, isolation_level=None, timeout=0.1)
    try:
        other.execute("PRAGMA busy_timeout = 0")
        other.execute("INSERT INTO runs (command, started_at) VALUES ('probe', 'now')")
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, name
        assert first + "".join(lines) == "".join(export_lines(seeds, name))
    finally:
        other.execute("DELETE FROM runs WHERE command = 'probe'")
        other.close()
