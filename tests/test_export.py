from __future__ import annotations

import json
from pathlib import Path

from parallax.export import export
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore

CONTRACT_KEYS = {
    "article_id",
    "source",
    "outlet",
    "url",
    "title",
    "author",
    "published_at",
    "language",
    "body",
}


def test_articles_jsonl_follows_the_contract(
    seeds_dir: Path, store: SQLiteStore, settings: Settings, tmp_path: Path
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    analyze(store, settings)
    counts = export(store, tmp_path / "out")
    assert counts["articles.jsonl"] == 5
    lines = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    for row in rows:
        assert set(row) >= CONTRACT_KEYS
        assert set(row["source"]) == {"path", "record"}
        assert row["body"]
        stored = store.get_article(row["article_id"])
        assert stored is not None and stored.body == row["body"]
        # every body piece is traceable to the original text
        for seg in stored.offsets.segments:
            assert (
                stored.body[seg.body_start : seg.body_start + seg.length]
                == stored.source_text[seg.source_start : seg.source_start + seg.length]
            )
    assert sorted(Path(r["source"]["path"]).name for r in rows) == sorted(
        p.name for p in seeds_dir.iterdir()
    )
    assert not list((tmp_path / "out").glob("*.tmp"))
