"""The analysis pipeline: an ordered list of stages run over the articles that are new.

A stage is any object with a ``name``, the data it ``requires``, the data it ``assigns`` and a
call ``stage(store, article_ids, settings) -> stats``; it may also have ``committed(store)``,
called after each round commits. `check_order` refuses a list in which a
stage needs something no earlier stage provides.

A run goes through the new articles in *rounds* of at most `ROUND` articles (in id order): every
stage runs over a round, then the round's articles are marked analysed, all in one transaction.
So memory is bounded by the round, not the corpus, and a stage that fails (or a process killed
mid-run) leaves the store as it was after the last finished round: those articles are analysed,
the rest stay new and the next `analyze` run starts over for them.
"""

from __future__ import annotations

import time
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
#: What `analyze` tells ``on_stage`` once a round's stages have run: the round is being
#: marked and committed, and the stages' outside files (the quote index) saved.
COMMIT = "commit"
#: Articles per round. A multiple of the batch stages' batch (64), so a round's batches are the
#: ones a single pass would make (the int8 lead embeddings depend on batch composition), and at
#: most what `parallax.nlp.annotate.Parses` keeps, so a round's bodies are parsed once.
ROUND = 512


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
    from parallax.nlp.annotate import Parses
    from parallax.provenance import Citations, NearDuplicates, Paraphrase, Syndication
    from parallax.statements.stage import Quotes, Statements

    parses = Parses()  # annotation's parses, reused by quote extraction and tone
    return [
        ExactDuplicates(),
        NearDuplicates(),
        Syndication(),
        Annotate(parses=parses),
        Events(),
        Stories(),
        Quotes(parses=parses),
        Statements(),
        Positions(),
        Compare(parses=parses),
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
    """What one analysis run did, per stage, and how long each stage took over all rounds."""

    articles: int = 0
    stages: dict[str, dict[str, int]] = field(default_factory=dict)
    #: seconds each stage ran, summed over the rounds: where a long run's time goes
    seconds: dict[str, float] = field(default_factory=dict)


def analyze(
    store: Store,
    settings: Settings,
    stages: Sequence[Stage] | None = None,
    on_stage: Callable[[str], None] | None = None,
    engine: str = "local",
    address: str | None = None,
    round_size: int = ROUND,
    on_round: Callable[[int, int], None] | None = None,
) -> AnalyzeReport:
    """Run every stage over the articles no earlier run analysed, a round of ``round_size``
    articles at a time, marking each round analysed as it commits.

    ``engine="ray"`` runs the per-article work of the batch stages on Ray (a local Ray, or the
    cluster at ``address``) and everything else here; the stored results are the same.
    ``on_stage(name)`` hears each stage start and, after a round's last stage, ``"commit"``
    (the round's mark, its commit and what stages keep outside the store); ``on_round(done,
    total)`` hears each round committed.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if address is not None and engine != "ray":
        raise ConfigError("--address names a Ray cluster: use it with --engine ray")
    if round_size < 1:
        raise ConfigError(f"a round needs at least one article, got {round_size}")
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
        done = 0
        for start in range(0, len(ids), round_size):
            batch = ids[start : start + round_size]
            _run_stages(store, settings, stages, batch, report, on_stage)
            for stage in stages:
                # a stage that keeps something outside the store (an index file) writes it
                # only for what the store now holds
                committed = getattr(stage, "committed", None)
                if committed is not None:
                    committed(store)
            done += len(batch)
            if on_round is not None:
                on_round(done, len(ids))
    return report


def _run_stages(
    store: Store,
    settings: Settings,
    stages: Sequence[Stage],
    ids: list[str],
    report: AnalyzeReport,
    on_stage: Callable[[str], None] | None,
) -> None:
    # One transaction for all stages and the round's "analysed" mark: stages are not idempotent
    # (a rerun of the events stage over articles it already placed hit a UNIQUE constraint), so
    # a kill -9 or a failure between two stages must leave none of the round's rows behind
    # (tests/reliability/test_crash_safety.py). Readers are not blocked (WAL).
    with store.transaction():
        for stage in stages:
            if on_stage is not None:
                on_stage(stage.name)
            started = time.perf_counter()
            try:
                with store.transaction():
                    stats = stage(store, ids, settings)
                report.seconds[stage.name] = (
                    report.seconds.get(stage.name, 0.0) + time.perf_counter() - started
                )
                totals = report.stages.setdefault(stage.name, {})
                for key, value in stats.items():
                    totals[key] = totals.get(key, 0) + value
            except ParallaxError:
                raise
            except Exception as exc:
                raise StageError(
                    f"stage {stage.name!r} failed on a round of {len(ids)} new articles: "
                    f"{type(exc).__name__}: {exc}; nothing of this round was saved (earlier "
                    "rounds were), fix the cause and run `parallax analyze` again"
                ) from exc
        if on_stage is not None:
            on_stage(COMMIT)
        store.mark_analyzed(ids)
