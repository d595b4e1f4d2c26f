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
    measured = bench_clustering(_records(seeds_dir, 12), sizes=(4, 12), repeats=2)
    features, growth = measured.features, measured.growth
    assert features.items == 12 and measured.vectors.shape == (12, 384)
    assert [g.name.split()[0] for g in growth] == ["agglomerative", "parallax"]
    for g in growth:
        assert (g.small.items, g.large.items) == (4, 12)
        assert g.small.seconds > 0 and g.large.seconds > 0
        assert g.ratio == pytest.approx((g.large.seconds / 12) / (g.small.seconds / 4))


def test_sizes_beyond_the_corpus_are_capped(seeds_dir: Path) -> None:
    growth = bench_clustering(_records(seeds_dir, 5), sizes=(3, 1000)).growth
    assert all(g.large.items == 5 for g in growth)


def test_the_fastest_of_the_repeats_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from parallax.bench import events as bench_events

    clock = iter([0.0, 5.0, 10.0, 12.0, 20.0, 23.0])  # runs of 5, 2 and 3 seconds
    monkeypatch.setattr("parallax.bench.time.perf_counter", lambda: next(clock))
    timing = bench_events._timed_run("x", lambda f: None, ["a", "b"], repeats=3)
    assert (timing.items, timing.seconds) == (2, 2.0)


def test_the_index_is_measured_at_each_size_past_the_leads() -> None:
    import numpy as np

    from parallax.bench.events import bench_neighbour_index

    rng = np.random.default_rng(1)
    leads = rng.normal(size=(40, 16)).astype(np.float32)
    leads /= np.linalg.norm(leads, axis=1, keepdims=True)
    costs = bench_neighbour_index(leads, sizes=(40, 100), neighbours=5, probes=30)
    assert [c.size for c in costs] == [40, 100]
    assert all(c.insert_ms > 0 and c.search_ms > 0 for c in costs)


def test_growth_ratio_of_equal_costs_is_one() -> None:
    from parallax.bench import Timing

    g = Growth("x", Timing("a", 10, 1.0), Timing("b", 50, 5.0))
    assert g.ratio == pytest.approx(1.0)
