from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from parallax.ingest import ingest_paths
from parallax.pipeline import (
    COMMIT,
    AnalyzeReport,
    StageError,
    analyze,
    check_order,
    default_stages,
)
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


class Records:
    """Records the ids each call saw, and fails on the call numbered ``fail_on`` (1-based)."""

    name = "records"
    requires = ("articles",)
    assigns = ("nothing",)

    def __init__(self, fail_on: int | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_on = fail_on

    def __call__(
        self, store: SQLiteStore, ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        self.calls.append(list(ids))
        if len(self.calls) == self.fail_on:
            raise KeyError("boom")
        return {"seen": len(ids)}


def _in_rounds_of_two(
    store: SQLiteStore, settings: Settings
) -> tuple[Records, list[tuple[int, int]], list[str], AnalyzeReport]:
    """Analyze with one `Records` stage in rounds of 2: the stage, the progress heard, the
    stages and rounds heard in order, and the report."""
    stage = Records()
    progress: list[tuple[int, int]] = []
    heard: list[str] = []
    report = analyze(
        store, settings, stages=[stage], round_size=2,
        on_stage=heard.append,
        on_round=lambda done, total: (heard.append("round"), progress.append((done, total))),
    )
    return stage, progress, heard, report


def test_analyze_goes_in_rounds_each_committed_with_its_mark(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    ids = store.unanalyzed_article_ids()
    stage, progress, heard, report = _in_rounds_of_two(store, settings)
    assert stage.calls == [ids[0:2], ids[2:4], ids[4:5]]  # id order, rounds of 2
    assert progress == [(2, 5), (4, 5), (5, 5)]
    # each stage's start, then the round's commit, then the round is reported done
    assert heard == ["records", COMMIT, "round"] * 3
    assert report.articles == 5 and report.stages == {"records": {"seen": 5}}
    assert store.unanalyzed_article_ids() == []


def test_a_round_runs_only_on_what_no_other_run_analysed_while_it_waited(
    seeds_dir: Path, store: SQLiteStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    ids = store.unanalyzed_article_ids()
    read = store.unanalyzed_article_ids

    def read_then_lose_some() -> list[str]:
        new = read()
        # another run read them too, and committed a round with two of them first
        with SQLiteStore(settings.db) as other, other.transaction():
            other.mark_analyzed([ids[1], ids[4]])
        return new

    monkeypatch.setattr(store, "unanalyzed_article_ids", read_then_lose_some)
    stage, progress, heard, report = _in_rounds_of_two(store, settings)
    # rounds of 2 as read; the last round, all taken, runs no stage
    assert stage.calls == [[ids[0]], ids[2:4]]
    assert heard == ["records", COMMIT, "round"] * 2 + ["round"]
    assert progress == [(2, 5), (4, 5), (5, 5)]  # through what it read, whoever analysed it
    assert report.articles == 3 and report.stages == {"records": {"seen": 3}}
    assert read() == []


class Clock:
    """A stand-in for `time.perf_counter` that stages move forward by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Slow(Records):
    """A stage that takes one (fake) second per article."""

    name = "slow"

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def __call__(
        self, store: SQLiteStore, ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        self.clock.now += len(ids)
        return super().__call__(store, ids, settings)


def test_the_report_says_how_long_each_stage_took_over_all_rounds(
    seeds_dir: Path, store: SQLiteStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    clock = Clock()
    monkeypatch.setattr("parallax.pipeline.time.perf_counter", clock)
    report = analyze(store, settings, stages=[Records(), Slow(clock)], round_size=2)
    assert report.seconds == {"records": 0.0, "slow": 5.0}  # rounds of 2, 2 and 1 articles


def test_a_failed_round_keeps_the_rounds_before_it(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    ids = store.unanalyzed_article_ids()
    with pytest.raises(StageError, match="round of 2"):
        analyze(store, settings, stages=[Records(fail_on=2)], round_size=2)
    assert store.unanalyzed_article_ids() == ids[2:]  # round 1 committed, round 2 rolled back
    stage = Records()
    analyze(store, settings, stages=[stage], round_size=2)
    assert stage.calls == [ids[2:4], ids[4:5]]  # the next run resumes after round 1


def test_a_round_needs_an_article(store: SQLiteStore, settings: Settings) -> None:
    from parallax.errors import ConfigError

    with pytest.raises(ConfigError, match="at least one article"):
        analyze(store, settings, stages=[Records()], round_size=0)


@pytest.mark.slow
@pytest.mark.parametrize("segment", [None, 16])
def test_events_and_statements_go_on_from_the_last_round_exactly_as_if_reloaded(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, segment: int | None
) -> None:
    import parallax.events.stage as events_stage
    import parallax.nlp.neighbours as neighbours
    import parallax.statements.stage as statements_stage
    from parallax.export import export

    if segment is not None:
        # the quote index in segments of 16 quotes: sealed ones are searched from their files
        monkeypatch.setattr(neighbours, "SEGMENT", segment)

    loads: list[str] = []
    real_aligner, real_clusterer = statements_stage.load_aligner, events_stage.load_clusterer
    real_index = statements_stage.load_quote_index

    def index(*args: object) -> object:
        loads.append("aligner")
        return real_index(*args)  # type: ignore[arg-type]

    def clusterer(*args: object) -> object:
        loads.append("clusterer")
        return real_clusterer(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(statements_stage, "load_quote_index", index)
    monkeypatch.setattr(events_stage, "load_clusterer", clusterer)
    exports = []
    for variant in ("kept", "replayed", "index from files"):
        settings = Settings(db=str(tmp_path / f"{variant}.db"))
        stages = default_stages()
        for stage in stages:
            if isinstance(stage, statements_stage.Statements):
                # "kept": the aligner goes on from the last round's index and reads the
                # statements each round meets from the store (it holds none over a round)
                stage.hold = 0
                if variant == "replayed":
                    # every stored decision replayed into an aligner that holds them all
                    stage._aligner = (  # type: ignore[method-assign]
                        lambda store, embedder, s=stage: real_aligner(store, s.model, embedder)
                    )
                if variant == "index from files":
                    # a new aligner each round, on the index the last round saved
                    stage._aligner = (  # type: ignore[method-assign]
                        lambda store, embedder, s=stage: statements_stage.StatementAligner(
                            s.model,
                            dim=embedder.dim,
                            source=statements_stage.StoreQuotes(store, embedder),
                            index=statements_stage.load_quote_index(store, embedder),
                        )
                    )
            if isinstance(stage, events_stage.Events) and variant == "replayed":
                stage._clusterer = (  # type: ignore[method-assign]
                    lambda store, s=stage: real_clusterer(store, s.model)
                )
        with SQLiteStore(settings.db) as store:
            ingest_paths([str(seeds_dir)], store, settings)
            loads.clear()
            analyze(store, settings, stages=stages, round_size=2)
            if variant == "kept":
                # rounds 2 and 3 went on from round 1's clusterer and aligner
                assert sorted(loads) == ["aligner", "clusterer"]
            if variant == "index from files":
                assert loads.count("aligner") == 3
                folder = tmp_path / f"{variant}.db.index"
                sealed = len(list(folder.glob("quotes-*/segment-*.usearch")))
                assert (sealed > 2) if segment else (sealed == 0)
            out = tmp_path / f"export-{variant}"
            export(store, out)
            exports.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert exports[0] == exports[1] == exports[2]
    assert exports[0]["statements.jsonl"].strip() and exports[0]["events.jsonl"].strip()
