"""Worker processes for the local engine: a batch stage's pure compute on every core.

The writer process (the one holding the store) reads a round's inputs, hands the batches to a
pool of worker processes, and gets the results back in batch order, as `local_map` would give
them; only the writer touches the store. The workers are started with ``spawn`` (a fresh
interpreter: forking a process that already runs onnxruntime's or BLAS's threads can hang the
child) and load their models once, on their first batch. Each keeps to one thread, since the
processes already use every core between them.

The Ray engine (`parallax.scale.ray_engine`) does the same on a cluster; this is the one-machine
path that needs no Ray.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from parallax.errors import ParallaxError
from parallax.scale.batches import BatchCompute

#: Thread pools that would otherwise start one thread per core in every worker.
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def _start_worker() -> None:
    """Runs first in each worker: one thread for the numeric libraries."""
    for name in _ONE_THREAD:
        os.environ[name] = "1"
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - threadpoolctl comes with the pinned dependencies
        return
    threadpool_limits(1)


def _compute(stage: BatchCompute, batch: list[Any]) -> list[Any]:
    return stage.compute(batch)


class WorkerFailed(ParallaxError):
    """A worker process died (killed, or out of memory) while computing a batch."""


class WorkerPool:
    """``workers`` processes computing batches; `map` is a `parallax.scale.batches.BatchMap`."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"a pool needs at least one worker, got {workers}")
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
        )

    def map(self, stage: BatchCompute, batches: Iterable[list[Any]]) -> Iterator[list[Any]]:
        """Compute every batch in the workers; yield the results in batch order.

        All batches are sent at once (the caller bounds them: one round), so the workers never
        wait on the writer while it takes the results in order.
        """
        futures: list[Future[list[Any]]] = [
            self._executor.submit(_compute, stage, batch) for batch in batches
        ]
        return self._results(stage.name, futures)

    @staticmethod
    def _results(name: str, futures: list[Future[list[Any]]]) -> Iterator[list[Any]]:
        try:
            for future in futures:
                try:
                    yield future.result()
                except BrokenProcessPool as exc:
                    raise WorkerFailed(
                        f"a worker process of stage {name!r} died (killed, or out of memory); "
                        "run `parallax analyze` again, with `--workers 1` to keep the work in "
                        "one process"
                    ) from exc
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Stop the workers (waits for the batches they are computing)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


__all__ = ["WorkerFailed", "WorkerPool"]
