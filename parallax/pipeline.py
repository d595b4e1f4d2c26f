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
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

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


@runtime_checkable
class LooksAhead(Protocol):
    """A stage that can start on the next round's articles while this round is written
    (`parallax.reading.Read`: its workers read them while the writer works)."""

    def next_round(self, article_ids: Sequence[str]) -> None:
        """The articles of the round after the one the next call runs over."""
        ...


class StageError(ParallaxError):
    """A stage failed; the message names the stage and the cause."""


def default_stages(batch: int | None = None) -> list[Stage]:
    """The stages `parallax analyze` runs, in order. ``batch`` is the articles per batch of
    the per-article work (default `parallax.reading.BATCH`; tests make it small to reach
    several workers with a few articles)."""
    from parallax.compare.stage import Compare, Positions
    from parallax.events.stage import Annotate, Events, Stories, stored_lead_vectors
    from parallax.provenance import Citations, NearDuplicates, Paraphrase, Syndication
    from parallax.reading import Read, Readings
    from parallax.statements.stage import Quotes, Statements

    # The per-article work of a round (parse, quotes, tone, embeddings) is done once, by `Read`,
    # on every core; the stages after it write what it found and make the decisions.
    readings = Readings()
    read = Read(readings) if batch is None else Read(readings, batch=batch)
    return [
        ExactDuplicates(),
        NearDuplicates(),
        Syndication(),
        read,
        Annotate(readings=readings),
        Events(),
        Stories(),
        Quotes(readings=readings),
        Statements(readings=readings),
        Positions(readings=readings),
        Compare(readings=readings),
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
        for stage in stages:
            # a stage that holds processes (`Read`'s workers) stops them when the run ends
            if isinstance(stage, AbstractContextManager):
                scope.enter_context(stage)
        done = 0
        for start in range(0, len(ids), round_size):
            batch = ids[start : start + round_size]
            for stage in stages:
                if isinstance(stage, LooksAhead):
                    stage.next_round(ids[start + round_size : start + 2 * round_size])
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
) -> list[str]:
    """Run the stages over those of the round's ``ids`` still new once the writer lock is
    held, and mark them analysed, in one transaction; returns the ids it ran (none when
    another run took the whole round), and counts only those in ``report.articles``."""
    # One transaction for all stages and the round's "analysed" mark: stages are not idempotent
    # (a rerun of the events stage over articles it already placed hit a UNIQUE constraint), so
    # a kill -9 or a failure between two stages must leave none of the round's rows behind
    # (tests/reliability/test_crash_safety.py). Readers are not blocked (WAL).
    with store.transaction():
        # The round is claimed under the writer lock: `analyze` read the new ids before taking
        # it, and another run that read them too may have analysed some while this one waited.
        # Running the stages on them again would place them twice.
        claimed = store.still_unanalyzed(ids)
        report.articles -= len(ids) - len(claimed)
        if not claimed:
            return claimed
        ids = claimed
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
    return ids
