"""The clustering bench measures what it says: same features, two sizes, both clusterers."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.bench.events import Growth, bench_clustering

pytestmark = pytest.mark.slow


def _records(seeds_dir: Path, copies: int) -> list[dict[str, str]]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    return [
        {
            "title": f"Report {i}",
            "content_original": texts[i % len(texts)],
            "date": f"2025-09-0{1 + i % 5}",
        }
        for i in range(copies)
    ]


def test_growth_is_timed_on_the_two_sizes(seeds_dir: Path) -> None:
    features, growth = bench_clustering(_records(seeds_dir, 12), sizes=(4, 12))
    assert features.items == 12
    assert [g.name.split()[0] for g in growth] == ["agglomerative", "parallax"]
    for g in growth:
        assert (g.small.items, g.large.items) == (4, 12)
        assert g.small.seconds > 0 and g.large.seconds > 0
        assert g.ratio == pytest.approx((g.large.seconds / 12) / (g.small.seconds / 4))


def test_sizes_beyond_the_corpus_are_capped(seeds_dir: Path) -> None:
    _, growth = bench_clustering(_records(seeds_dir, 5), sizes=(3, 1000))
    assert all(g.large.items == 5 for g in growth)


def test_growth_ratio_of_equal_costs_is_one() -> None:
    from parallax.bench import Timing

    g = Growth("x", Timing("a", 10, 1.0), Timing("b", 50, 5.0))
    assert g.ratio == pytest.approx(1.0)
