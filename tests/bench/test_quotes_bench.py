"""The quote bench times the same articles three ways and aligns what it found."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.bench.quotes import bench_quotes, quotes_table

pytestmark = pytest.mark.slow


def test_quote_bench_rows(seeds_dir: Path) -> None:
    bodies = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    timings, n_quotes, aligned = bench_quotes(bodies)
    assert timings[0].name.startswith("spaCy parse only")
    assert timings[-1].name.startswith("parallax")
    assert all(t.items == len(bodies) and t.seconds > 0 for t in timings)
    assert n_quotes > len(bodies)  # every seed quotes someone
    assert aligned.items == n_quotes
    table = quotes_table(bodies[:2])
    assert table.row_count in (3, 4)  # floor, (textacy,) parallax, alignment
