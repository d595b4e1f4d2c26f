"""The nearest-neighbour index the clusterers draw candidates from."""

from __future__ import annotations

import numpy as np

from parallax.nlp.neighbours import NeighbourIndex


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_nearest_keys_come_back_closest_first() -> None:
    index = NeighbourIndex(dim=3)
    assert index.nearest(unit(1, 0, 0), 5) == [] and len(index) == 0
    index.add("east", unit(1, 0, 0))
    index.add("north", unit(0, 1, 0))
    index.add("north-east", unit(1, 1, 0))
    assert len(index) == 3
    assert index.nearest(unit(1, 0.1, 0), 2) == ["east", "north-east"]
    assert set(index.nearest(unit(0, 0, 1), 10)) == {"east", "north", "north-east"}
