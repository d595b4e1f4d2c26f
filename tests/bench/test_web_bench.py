"""The web latency bench builds a store once, reuses it, and times what it says it times."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.bench.web import (
    BuiltStore,
    build_store,
    measure,
    percentile,
    sample_stories,
    web_table,
)

pytestmark = pytest.mark.slow


def _records(seeds_dir: Path) -> list[dict[str, str]]:
    return [
        {"title": p.stem, "content_original": p.read_text(encoding="utf-8"), "source": "Wire"}
        for p in sorted(seeds_dir.glob("*.txt"))
    ]


def test_store_is_built_once_then_reused_and_measured(seeds_dir: Path, tmp_path: Path) -> None:
    records = _records(seeds_dir)
    first = build_store(records, tmp_path / "cache", "seeds")
    assert not first.reused and first.articles == len(records) and first.stories >= 1
    again = build_store(records, tmp_path / "cache", "seeds")
    assert again.reused
    assert (again.articles, again.stories, again.analyze_seconds) == (
        first.articles, first.stories, first.analyze_seconds,
    )
    # other records: the cache is not reused
    other = build_store(records[:2], tmp_path / "cache", "seeds")
    assert not other.reused and other.articles == 2
    run = measure(first, sample=3, requests=2)
    assert len(run.stories) == min(3, first.stories)
    for lat in (run.html, run.json):
        assert lat.requests == 2 * len(run.stories)
        assert 0 < lat.p50 <= lat.p95 <= lat.max
        assert lat.mean_bytes > 0
    table = web_table([run, run])
    assert table.row_count == 4


def test_a_bigger_store_grows_from_the_smaller_one(seeds_dir: Path, tmp_path: Path) -> None:
    records = _records(seeds_dir)
    small = build_store(records[:2], tmp_path / "cache", "small")
    grown = build_store(records, tmp_path / "cache", "grown", base=small)
    assert not grown.reused and grown.extends == "small"
    assert grown.articles == len(records) and grown.stories >= 1
    from parallax.store import SQLiteStore

    with SQLiteStore(grown.db) as store:
        assert store.unanalyzed_article_ids() == []
        assert store.list_rejections() == []  # the base's records were not ingested again
    with SQLiteStore(small.db) as store:
        assert store.count_articles() == 2  # the base store is untouched
    again = build_store(records, tmp_path / "cache", "grown", base=small)
    assert again.reused and again.extends == "small"
    with pytest.raises(ValueError, match="cannot grow"):
        build_store(records[:1], tmp_path / "cache", "shrunk", base=small)


def test_stories_are_sampled_evenly_and_deterministically() -> None:
    stories = [{"story_id": f"s{i:02d}"} for i in range(10)]
    assert sample_stories(stories, 3) == ["s00", "s04", "s09"]  # largest, middle, smallest
    assert sample_stories(stories, 4) == ["s00", "s03", "s06", "s09"]
    assert sample_stories(stories, 3) == sample_stories(list(stories), 3)
    assert sample_stories(stories, 20) == [s["story_id"] for s in stories]
    assert sample_stories(stories, 1) == ["s00"]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 1.0) == 100
    assert percentile([3.0], 0.95) == 3.0
    assert percentile([1.0, 2.0], 0.5) == 1.0


def test_built_store_fields_round_trip() -> None:
    built = BuiltStore(Path("x.db"), 5, 5, 2, 0.1, 3.0, False)
    assert built.analyze_seconds == 3.0
