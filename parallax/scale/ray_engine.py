"""The Ray engine: the same stages, with the per-article work of batch stages on Ray.

`parallax analyze --engine ray` runs the pipeline's stages in the same order as the local engine,
on the driver, inside the same transaction. Only the pure ``compute`` step of a batch stage
(`parallax.scale.batches`: annotation and lead embedding, quote extraction, the per-article
comparison) leaves the driver: each batch of articles becomes one row of a Ray Data dataset,
mapped by a pool of actors that load spaCy and the embedder once each. The driver reads the
inputs from the store, gets the results back in batch order and writes them; the order-dependent
stages (events, stories, statements, positions, provenance) run on the driver as they do locally.
The store stays the only writer, and the batches are the local engine's batches (same ids, same
order, same size), so every stored row is the same as the local engine's: embeddings of the
int8 model depend on which texts share a batch, so batches must not be re-cut.

Ray is an optional extra: importing this module does not import Ray; starting the engine without
it raises `ConfigError` saying what to install.
"""

from __future__ import annotations

import logging
import os
import pickle  # only our own batches, between our own driver and actors
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from parallax.errors import ConfigError
from parallax.scale.batches import BatchCompute, BatchMap

if TYPE_CHECKING:
    from parallax.pipeline import Stage
    from parallax.settings import Settings
    from parallax.store import Store

#: What to tell a user who asks for the Ray engine without Ray installed.
RAY_MISSING = (
    "the Ray engine needs Ray, an optional extra: `pip install 'parallax[ray]'` "
    "(or use the default `--engine local`)"
)


@dataclass(frozen=True)
class RayOptions:
    """How to reach Ray and how much of it to use.

    ``address`` is a running cluster (``ray://host:10001`` through the Ray client, or ``auto``
    on a cluster node); without one a private local Ray is started on loopback and shut down
    afterwards. ``actors`` is the size of each actor pool (default: the cluster's CPUs).
    ``window`` is how many batches one Ray Data pass takes: the driver holds at most that many
    batches of inputs and results at once (each pass starts its actors, and so loads the models,
    again). ``num_cpus`` and ``object_store_mb`` size the local Ray only.
    """

    address: str | None = None
    actors: int | None = None
    window: int = 256
    num_cpus: int | None = None
    object_store_mb: int = 200


def require_ray() -> Any:
    """The ``ray`` module with Ray Data, or `ConfigError` saying how to install it."""
    try:
        import ray
        import ray.data  # Ray Data is a separate part of the extra
    except ImportError as exc:
        raise ConfigError(RAY_MISSING) from exc
    return ray


@contextmanager
def ray_session(options: RayOptions) -> Iterator[Any]:
    """Connect to the Ray of ``options`` (or start a local one) for the duration of the block.

    A Ray this call started is shut down on exit, so no Ray process outlives the run; a Ray the
    caller had already initialised is used as it is and left running.
    """
    ray = require_ray()
    started = False
    if not ray.is_initialized():
        # Offline by design: no usage report leaves this machine (read when Ray starts).
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        try:
            if options.address:
                ray.init(
                    address=options.address, log_to_driver=False, logging_level=logging.WARNING
                )
            else:
                ray.init(
                    # a new Ray of our own, even where `ray start` left one to attach to
                    address="local",
                    num_cpus=options.num_cpus or os.cpu_count() or 1,
                    object_store_memory=options.object_store_mb * 1024 * 1024,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                    # a private instance: nothing listens beyond this machine
                    _node_ip_address="127.0.0.1",
                )
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
            where = options.address or "a local Ray"
            raise ConfigError(f"could not start or reach {where}: {exc}") from exc
        started = True
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        # Results are put back in batch order by `ray_map` whatever Ray does; asking for the
        # order as well keeps the reorder buffer small.
        context.execution_options.preserve_order = True
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        # it warns that the progress bars just turned off are off
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)
        yield ray
    finally:
        if started:
            ray.shutdown()


class BatchWorker:
    """One Ray Data actor: a stage's compute step, on batches sent as pickled rows.

    Models are loaded by the stage's compute on first use and cached per process
    (`functools.cache`), so each actor loads spaCy and the embedder once for all its batches.
    (Ray 2.58 logs "Actor ... has constructor arguments in the object store" for every Ray Data
    actor pool, whatever its arguments: ray-project/ray#57733. It is noise.)
    """

    def __init__(self, stage: BatchCompute) -> None:
        self.stage = stage

    def __call__(self, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Compute every stage batch in this Ray Data batch (one, with ``batch_size=1``)."""
        out = [
            pickle.dumps(self.stage.compute(pickle.loads(payload)), protocol=5)  # noqa: S301
            for payload in rows["payload"]
        ]
        payloads = np.empty(len(out), dtype=object)
        payloads[:] = out
        return {"seq": np.asarray(rows["seq"], dtype=np.int64), "payload": payloads}


def _windows(batches: Iterable[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    it = iter(batches)
    while window := list(islice(it, size)):
        yield window


def window_results(stage: BatchCompute, payloads: list[bytes], actors: int) -> Iterator[bytes]:
    """Map one window of pickled batches through a Ray Data actor pool of ``actors`` actors;
    yield the pickled results in batch order, each as soon as the ones before it are in.

    Runs where a Ray driver (or a Ray task) runs: Ray Data's executor cannot run over the Ray
    client, so `ray_map` calls this inside a task on the cluster when connected by ``ray://``.
    """
    import ray.data
    from ray.data import ActorPoolStrategy

    rows = [{"seq": i, "payload": p} for i, p in enumerate(payloads)]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
        BatchWorker,
        fn_constructor_args=(stage,),
        batch_size=1,
        batch_format="numpy",
        compute=ActorPoolStrategy(size=max(1, min(actors, len(rows)))),
        num_cpus=1,
    )
    del rows
    pending: dict[int, bytes] = {}
    expected = 0
    for row in dataset.iter_rows():
        pending[int(row["seq"])] = row["payload"]
        while expected in pending:
            yield pending.pop(expected)
            expected += 1
    if pending or expected != len(payloads):
        raise RuntimeError(f"Ray returned {expected} of {len(payloads)} batches in order")


def _window_on_cluster(stage: BatchCompute, payloads: list[bytes], actors: int) -> list[bytes]:
    """`window_results` collected, for running as a task next to the cluster's Ray."""
    return list(window_results(stage, payloads, actors))


def ray_map(options: RayOptions) -> BatchMap:
    """A `BatchMap` that computes batches on a Ray Data actor pool, ``options.window`` batches
    per pass, and yields the results in batch order."""

    def run(stage: BatchCompute, batches: Iterable[list[Any]]) -> Iterator[list[Any]]:
        ray = require_ray()
        on_client = ray.util.client.ray.is_connected()
        for window in _windows(batches, max(1, options.window)):
            actors = options.actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
            payloads = [pickle.dumps(batch, protocol=5) for batch in window]
            del window  # the pickled batches are all the driver keeps of this window's inputs
            if on_client:
                # the task only drives Ray Data: it takes no CPU from the actor pool
                task = ray.remote(num_cpus=0)(_window_on_cluster)
                results: Iterable[bytes] = ray.get(task.remote(stage, payloads, actors))
            else:
                results = window_results(stage, payloads, actors)
            del payloads
            for result in results:
                yield pickle.loads(result)  # noqa: S301

    return run


class RayStage:
    """A batch stage whose compute step runs on Ray; same name, requirements and outputs."""

    def __init__(self, stage: Stage, map_batches: BatchMap) -> None:
        self.stage = stage
        self.name = stage.name
        self.requires = stage.requires
        self.assigns = stage.assigns
        self._map = map_batches

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Run the wrapped stage with its batches computed on Ray."""
        result: dict[str, int] = self.stage(  # type: ignore[call-arg]
            store, article_ids, settings, map_batches=self._map
        )
        return result


def is_batch_stage(stage: object) -> bool:
    """Whether a stage splits its per-article compute from its writes (see `batches`)."""
    return callable(getattr(stage, "compute", None))


def ray_stages(stages: Sequence[Stage], options: RayOptions) -> list[Stage]:
    """The stages, with each batch stage's compute step sent to Ray; the others unchanged."""
    mapper = ray_map(options)
    return [RayStage(s, mapper) if is_batch_stage(s) else s for s in stages]


__all__ = [
    "RAY_MISSING",
    "BatchWorker",
    "RayOptions",
    "RayStage",
    "is_batch_stage",
    "ray_map",
    "ray_session",
    "ray_stages",
    "require_ray",
    "window_results",
]
