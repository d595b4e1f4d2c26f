"""The ceiling diagnostic scores every configuration it is given and keeps the best lowest set."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from parallax.eval.event_sets import GoldDoc
from parallax.eval.event_tuning import ceiling, ceiling_table
from parallax.events.features import EventFeatures


def _set(name: str, spread: float, seed: int) -> tuple[str, list[GoldDoc], list[EventFeatures]]:
    """Three gold events of four documents, their vectors ``spread`` around each centre."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 32))
    docs, feats = [], []
    for n in range(12):
        event = n % 3
        vector = centres[event] + rng.normal(scale=spread, size=32)
        doc_id = f"{name}{n:02d}"
        docs.append(GoldDoc(doc_id=doc_id, event_id=f"e{event}", title="", body="",
                            published_at=None))
        feats.append(EventFeatures(
            article_id=doc_id,
            vector=(vector / np.linalg.norm(vector)).astype(np.float32),
            actors=frozenset(), places=frozenset(),
            when=date(2025, 1, 1) + timedelta(days=event), occasion=None,
        ))
    return name, docs, feats


def test_the_best_lowest_set_and_each_sets_best_are_kept() -> None:
    sets = [_set("tight", 0.05, 1), _set("loose", 1.2, 2)]
    grid = {"threshold": [0.2, 0.5, 0.9, 1.5], "day_penalty": [0.0]}
    found = ceiling(sets, grid)
    assert found.sets == ["tight", "loose"] and found.configurations == 4
    assert found.best_single is not None
    lowest, scores, weights = found.best_single
    assert lowest == min(scores) and set(weights) == {"threshold", "day_penalty"}
    # each set's own best is at least what the one configuration gives it
    assert all(each >= one for each, one in zip(found.best_each, scores, strict=True))
    assert found.best_each[0] == 1.0  # tight events come apart under some threshold
    # a threshold no article can reach founds an event per article: F1 below 1
    alone = ceiling(sets, {"threshold": [5.0]})
    assert alone.best_single is not None and alone.best_single[0] < 0.7


def test_a_constraint_leaves_configurations_out() -> None:
    sets = [_set("tight", 0.05, 1)]
    grid = {"threshold": [0.2, 0.5, 0.9]}
    found = ceiling(sets, grid, keep=lambda m: m.threshold != 0.5)
    assert found.configurations == 2
    none = ceiling(sets, grid, keep=lambda m: False)
    assert none.best_single is None and none.configurations == 0
    assert "0 configurations" in str(ceiling_table("t", none).title)

