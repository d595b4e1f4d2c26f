from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from parallax.ingest import ingest_paths
from parallax.pipeline import StageError, analyze, check_order, default_stages
from parallax.settings import Settings
from parallax.store import SQLiteStore


class Needs:
    name = "needs-events"
    requires = ("events",)
    assigns = ("statements",)

    def __call__(
        self, store: SQLiteStore, ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        return {}


class Breaks:
    name = "breaks"
    requires = ("articles",)
    assigns = ("nothing",)

    def __call__(
        self, store: SQLiteStore, ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        store.add_provenance([])
        raise KeyError("boom")


def test_default_stages_are_in_a_valid_order() -> None:
    check_order(default_stages())


def test_a_stage_whose_input_nothing_provides_is_refused() -> None:
    with pytest.raises(StageError, match="requires events"):
        check_order([Needs()])


def test_analyze_covers_new_articles_once(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    assert analyze(store, settings).articles == 5
    assert analyze(store, settings).articles == 0
    assert store.unanalyzed_article_ids() == []


def test_failed_stage_names_itself_and_leaves_articles_for_the_next_run(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    with pytest.raises(StageError, match=r"stage .breaks. failed.*KeyError"):
        analyze(store, settings, stages=[Breaks()])
    assert len(store.unanalyzed_article_ids()) == 5
