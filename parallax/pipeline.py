"""The analysis pipeline: an ordered list of stages run over the articles that are new.

A stage is any object with a ``name``, the data it ``requires``, the data it ``assigns`` and a
call ``stage(store, article_ids, settings) -> stats``. `check_order` refuses a list in which a
stage needs something no earlier stage provides. One run is one transaction: a stage that fails
(or a process killed mid-run) leaves the store as it was before the run, the articles stay marked
as not analysed, and the next `analyze` run starts over for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Protocol

from parallax.errors import ConfigError, ParallaxError
from parallax.provenance import ExactDuplicates
from parallax.settings import Settings
from parallax.store import Store

#: What exists before any analysis stage runs: the ingested, cleaned articles.
GIVEN = ("articles",)
#: Where the stages run: in this process, or with their per-article work on Ray.
ENGINES = ("local", "ray")


class Stage(Protocol):
    """One analysis step."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]: ...


class StageError(ParallaxError):
    """A stage failed; the message names the stage and the cause."""


def default_stages() -> list[Stage]:
    """The stages `parallax analyze` runs, in order."""
    from parallax.compare.stage import Compare, Positions
    from parallax.events.stage import Annotate, Events, Stories, stored_lead_vectors
    from parallax.provenance import Citations, NearDuplicates, Paraphrase, Syndication
    from parallax.statements.stage import Quotes, Statements

    return [
        ExactDuplicates(),
        NearDuplicates(),
        Syndication(),
        Annotate(),
        Events(),
        Stories(),
        Quotes(),
        Statements(),
        Positions(),
        Compare(),
        Paraphrase(lead_vectors=stored_lead_vectors),
        Citations(lead_vectors=stored_lead_vectors),
    ]


def check_order(stages: Sequence[Stage]) -> None:
    """Raise `StageError` if a stage requires data that no earlier stage assigns."""
    available = set(GIVEN)
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise StageError(
                f"stage {stage.name!r} requires {', '.join(missing)}, which no earlier stage "
                "assigns; reorder the pipeline"
            )
        available.update(stage.assigns)


@dataclass
class AnalyzeReport:
    """What one analysis run did, per stage."""

    articles: int = 0
    stages: dict[str, dict[str, int]] = field(default_factory=dict)


def analyze(
    store: Store,
    settings: Settings,
    stages: Sequence[Stage] | None = None,
    on_stage: Callable[[str], None] | None = None,
    engine: str = "local",
    address: str | None = None,
) -> AnalyzeReport:
    """Run every stage over the articles no earlier run analysed, then mark them analysed.

    ``engine="ray"`` runs the per-article work of the batch stages on Ray (a local Ray, or the
    cluster at ``address``) and everything else here; the stored results are the same.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if address is not None and engine != "ray":
        raise ConfigError("--address names a Ray cluster: use it with --engine ray")
    stages = list(default_stages() if stages is None else stages)
    check_order(stages)
    if engine == "ray":
        from parallax.scale import require_ray

        require_ray()  # a missing extra is reported even when nothing is new
    ids = store.unanalyzed_article_ids()
    report = AnalyzeReport(articles=len(ids))
    if not ids:
        return report
    with ExitStack() as scope:
        if engine == "ray":
            from parallax.scale import RayOptions, ray_session, ray_stages

            options = RayOptions(address=address)
            scope.enter_context(ray_session(options))
            stages = ray_stages(stages, options)
        _run_stages(store, settings, stages, ids, report, on_stage)
    return report


def _run_stages(
    store: Store,
    settings: Settings,
    stages: Sequence[Stage],
    ids: list[str],
    report: AnalyzeReport,
    on_stage: Callable[[str], None] | None,
) -> None:
    # One transaction for all stages and the "analysed" mark: stages are not idempotent (a
    # rerun of the events stage over articles it already placed hit a UNIQUE constraint), so a
    # kill -9 or a failure between two stages must leave no stage's rows behind
    # (tests/reliability/test_crash_safety.py). Readers are not blocked (WAL).
    with store.transaction():
        for stage in stages:
            if on_stage is not None:
                on_stage(stage.name)
            try:
                with store.transaction():
                    report.stages[stage.name] = stage(store, ids, settings)
            except ParallaxError:
                raise
            except Exception as exc:
                raise StageError(
                    f"stage {stage.name!r} failed on {len(ids)} new articles: "
                    f"{type(exc).__name__}: {exc}; nothing of this run was saved, fix the cause "
                    "and run `parallax analyze` again"
                ) from exc
        store.mark_analyzed(ids)
