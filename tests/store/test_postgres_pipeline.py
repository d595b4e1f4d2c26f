"""End to end: the bundled seeds ingested and analysed into PostgreSQL give exactly what they
give in SQLite (every export file, and the tables behind the pages)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from postgres_db import fresh_schema

from parallax.export import EXPORTS, export_lines
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore, Store, open_store

#: Wall-clock stamps: the only columns allowed to differ between two runs.
_CLOCK = frozenset({"updated_at", "ingested_at", "analyzed_at", "created_at"})


def _without_clock(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in _CLOCK} for r in rows]


def _snapshot(store: Store) -> dict[str, Any]:
    """Everything a user can read back, minus wall-clock stamps."""
    snap: dict[str, Any] = {name: list(export_lines(store, name)) for name in EXPORTS}
    snap["stories"] = _without_clock(store.list_stories())
    snap["events"] = _without_clock(store.list_events())
    snap["quotes"] = _without_clock(store.quote_rows())
    snap["statements"] = _without_clock(store.list_statements())
    snap["actors"] = store.actor_rows()
    snap["labels"] = {a["entity_id"]: store.speaker_labels(a["entity_id"]) for a in snap["actors"]}
    snap["outlets"] = store.outlets()
    snap["story_outlets"] = store.story_outlet_rows()
    snap["story_speakers"] = store.story_speaker_rows()
    snap["articles"] = _without_clock(store.list_articles())
    snap["provenance"] = store.provenance()
    snap["memberships"] = store.memberships()
    snap["positions"] = store.positions()
    # And every stored row of every table (the search index aside: its own format per backend).
    tables = [
        r[0]
        for r in SQLiteStore(":memory:")._query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "AND name NOT LIKE 'article_search%' ORDER BY name"
        )
    ]
    for table in tables:
        rows = _without_clock([dict(r) for r in store._query(f"SELECT * FROM {table}")])
        snap[f"table {table}"] = sorted(rows, key=repr)
    return snap


def _run(db: str, seeds: Path) -> dict[str, Any]:
    settings = Settings(db=db)
    with open_store(db) as store:
        ingest_paths([str(seeds)], store, settings)
        report = analyze(store, settings)
        assert report.articles == 5
        return _snapshot(store)


def test_seeds_give_identical_results_on_sqlite_and_postgresql(
    seeds_dir: Path, tmp_path: Path
) -> None:
    with fresh_schema() as url:
        on_postgres = _run(url, seeds_dir)
    on_sqlite = _run(str(tmp_path / "seeds.db"), seeds_dir)
    assert on_sqlite["events.jsonl"] and on_sqlite["quotes.jsonl"]
    assert on_sqlite["statements.jsonl"]
    for key in on_sqlite:
        assert on_postgres[key] == on_sqlite[key], key


def test_a_server_store_keeps_its_quote_index_in_the_cache_folder(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from parallax.nlp.embeddings import DEFAULT_BACKEND, load_embedder
    from parallax.nlp.neighbours import NeighbourIndex
    from parallax.statements import stage as statements_stage

    embedder = load_embedder(DEFAULT_BACKEND)
    with fresh_schema() as url, fresh_schema() as other:
        settings = Settings(db=url)
        with open_store(url) as store, open_store(other) as elsewhere:
            home, other_home = store.index_home(), elsewhere.index_home()
            assert home is not None and other_home is not None and home != other_home
            assert home.parent == Path(os.environ["PARALLAX_INDEX_CACHE"])
            ingest_paths([str(seeds_dir)], store, settings)
            analyze(store, settings, round_size=2)
            folder = statements_stage.index_folder(store, embedder)
            assert folder is not None and folder.parent == home
            count, _ = store.decisions_mark("statement_members")
            assert json.loads((folder / "mark.json").read_text())[0] == count > 10
            with monkeypatch.context() as patch:
                patch.setattr(NeighbourIndex, "add", None)  # a rebuild would fail here
                loaded = statements_stage.load_quote_index(store, embedder)
            assert len(loaded) == count
            # the other schema's store has none: it builds its own (empty) index
            assert not (other_home / folder.name / "mark.json").exists()
            assert isinstance(statements_stage.load_quote_index(elsewhere, embedder),
                              NeighbourIndex)
