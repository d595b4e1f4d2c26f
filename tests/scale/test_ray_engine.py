"""The Ray engine gives exactly what the local engine gives, and the batch stages' compute steps
are pure functions of their inputs.

The Ray tests start one private local Ray (2 CPUs, 200 MB object store, loopback only) for the
module and check that no Ray process outlives it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from parallax.compare.stage import Compare, CompareInput, Comparison
from parallax.errors import ConfigError
from parallax.events.stage import Annotate, Annotated, ArticleText
from parallax.export import EXPORTS, export_lines
from parallax.ingest import ingest_paths
from parallax.nlp.annotate import annotate
from parallax.pipeline import analyze, default_stages
from parallax.scale import RAY_MISSING, RayOptions, chunks, local_map, require_ray
from parallax.settings import Settings
from parallax.statements.stage import Quotes
from parallax.store import Store, open_store

#: Wall-clock stamps: the only columns allowed to differ between two runs.
CLOCK = frozenset({"updated_at", "ingested_at", "analyzed_at", "created_at"})

BODY = (
    "The finance minister, Ana Ruiz, met union leaders in Lisbon on Monday. "
    '"We will not cut pensions," Ruiz said after the meeting.\n\n'
    "Union leader Tomas Silva called the talks constructive but warned that a strike "
    "remained possible. The government is expected to publish its budget next week."
)


# -- without Ray ------------------------------------------------------------------------------


def test_missing_ray_is_a_config_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(ConfigError) as err:
        require_ray()
    assert "parallax[ray]" in str(err.value) and str(err.value) == RAY_MISSING
    settings = Settings(db=str(tmp_path / "x.db"))
    with open_store(settings.db) as store, pytest.raises(ConfigError, match=r"parallax\[ray\]"):
        analyze(store, settings, engine="ray")


def test_unknown_engine_and_stray_address_are_config_errors(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "x.db"))
    with open_store(settings.db) as store:
        with pytest.raises(ConfigError, match="unknown engine 'spark'"):
            analyze(store, settings, engine="spark")
        with pytest.raises(ConfigError, match="--engine ray"):
            analyze(store, settings, address="ray://head:10001")


def test_chunks_and_local_map_keep_order() -> None:
    ids = [f"a{i}" for i in range(7)]
    assert list(chunks(ids, 3)) == [["a0", "a1", "a2"], ["a3", "a4", "a5"], ["a6"]]
    with pytest.raises(ValueError):
        list(chunks(ids, 0))

    class Double:
        name = "double"

        def compute(self, items: Sequence[int]) -> list[int]:
            return [2 * i for i in items]

    assert list(local_map(Double(), iter([[1, 2], [3]]))) == [[2, 4], [6]]


def test_batch_compute_steps_are_pure_and_point_into_the_body() -> None:
    """The compute steps the Ray engine ships: plain records in, plain records out, no store;
    the same batch gives the same records."""
    text = ArticleText("art1", "Pension talks in Lisbon", BODY, "2025-03-03")
    annotated = Annotate().compute([text])
    assert _same_annotated(annotated, Annotate().compute([text]))
    (record,) = annotated
    assert isinstance(record, Annotated) and record.article_id == "art1"
    assert record.annotation == annotate([BODY])[0]
    assert all(BODY[e.start : e.end] == e.text for e in record.annotation.entities)
    assert record.vector.shape == (384,)
    assert np.isclose(float(np.linalg.norm(record.vector)), 1.0, atol=1e-4)
    assert record.features.article_id == "art1" and record.features.when is not None
    assert np.array_equal(record.features.vector, record.vector)

    (found,) = Quotes().compute([("art1", BODY)])
    aid, quotes = found
    assert aid == "art1" and quotes
    assert all(BODY[q.start : q.end] == q.text and q.article_id == "art1" for q in quotes)
    assert any(q.text == "We will not cut pensions" and q.kind == "direct" for q in quotes)
    assert Quotes().compute([("art1", BODY)]) == [found]

    item = CompareInput("art1", BODY, record.annotation, tuple(quotes))
    (compared,) = Compare().compute([item])
    assert isinstance(compared, Comparison) and compared.article_id == "art1"
    assert compared.labels and compared.tones
    assert all(BODY[lb.start : lb.end] == lb.surface for lb in compared.labels)
    assert all(BODY[c.start : c.end] == c.text for c in compared.cues)
    assert Compare().compute([item]) == [compared]


def _same_annotated(a: list[Annotated], b: list[Annotated]) -> bool:
    # dataclass equality on numpy vectors is ambiguous; compare field by field
    return all(
        x.article_id == y.article_id
        and x.annotation == y.annotation
        and np.array_equal(x.vector, y.vector)
        and x.features.actors == y.features.actors
        for x, y in zip(a, b, strict=True)
    )


# -- with Ray ---------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    """Live processes below ``pid`` (from /proc), so the test can see Ray's are gone."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # exited, waiting to be reaped
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    """One small private Ray for the module; no Ray process may outlive it."""
    pytest.importorskip("ray")
    from parallax.scale import ray_session

    before = _descendants(os.getpid())
    with ray_session(RayOptions(num_cpus=2, object_store_mb=200)) as ray:
        started = _descendants(os.getpid()) - before
        assert started, "a local Ray runs in processes of its own"
        yield ray
    assert not ray.is_initialized()
    deadline = time.monotonic() + 60
    while (left := _descendants(os.getpid()) & started) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not left, f"Ray processes left running: {sorted(left)}"


def _small_batches() -> list[Any]:
    """The default stages with batches of 2, so the 5 seeds make 3 batches per batch stage and
    the engine's ordering across actors is exercised."""
    stages: list[Any] = []
    for stage in default_stages():
        if isinstance(stage, Annotate | Quotes | Compare):
            stage = type(stage)(batch=2)
        stages.append(stage)
    return stages


def _snapshot(store: Store) -> dict[str, Any]:
    """Every stored row of every table and every export file, minus wall-clock stamps."""
    snap: dict[str, Any] = {name: list(export_lines(store, name)) for name in EXPORTS}
    tables = [
        r[0]
        for r in store._query(  # type: ignore[attr-defined]
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "AND name NOT LIKE 'article_search%' ORDER BY name"
        )
    ]
    for table in tables:
        rows = [
            {k: v for k, v in dict(r).items() if k not in CLOCK}
            for r in store._query(f"SELECT * FROM {table}")  # type: ignore[attr-defined]
        ]
        snap[f"table {table}"] = sorted(rows, key=repr)
    return snap


def _analyse(
    db: Path, seeds: Path, engine: str, address: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    settings = Settings(db=str(db))
    with open_store(settings.db) as store:
        ingest_paths([str(seeds)], store, settings)
        report = analyze(
            store, settings, stages=_small_batches(), engine=engine, address=address
        )
        assert report.articles == 5
        return report.stages, _snapshot(store)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_ray_engine_stores_exactly_what_the_local_engine_stores(
    ray_cluster: Any, seeds_dir: Path, tmp_path: Path
) -> None:
    local_stats, local = _analyse(tmp_path / "local.db", seeds_dir, "local")
    ray_stats, on_ray = _analyse(tmp_path / "ray.db", seeds_dir, "ray")
    assert ray_cluster.is_initialized(), "the engine reuses a Ray it did not start"
    # what matters is there at all, so that equality says something
    for table in (
        "events", "event_members", "stories", "quotes", "statements", "statement_members",
        "labels", "framing_cues", "tones", "position_changes", "vectors", "annotations",
    ):
        assert local[f"table {table}"], table
    assert ray_stats == local_stats
    assert on_ray.keys() == local.keys()
    for key in local:
        assert on_ray[key] == local[key], key


@pytest.mark.slow
def test_ray_map_yields_batches_in_order_across_windows(ray_cluster: Any) -> None:
    from parallax.scale.ray_engine import ray_map

    class Squares:  # defined here: Ray ships it by value
        name = "squares"

        def compute(self, items: Sequence[int]) -> list[int]:
            # later batches finish first, so arrival order differs from batch order
            time.sleep(0.05 * (10 - items[0] % 10))
            return [i * i for i in items]

    batches = [[i, i + 100] for i in range(7)]
    mapped = list(ray_map(RayOptions(actors=2, window=3))(Squares(), iter(batches)))
    assert mapped == [[i * i for i in b] for b in batches]
