"""How a stage's per-article work is split from its store writes, and the local way to run it.

A *batch stage* (`Annotate`, `Quotes`, `Compare`) reads a batch of articles from the store on the
driver, hands the batch to its pure ``compute`` method (no store, no shared state: plain records
in, plain records out) and writes the results on the driver. How the ``compute`` calls are run is
the stage's ``map_batches`` argument: `local_map` runs them one after another in this process;
the Ray engine (`parallax.scale.ray_engine`) runs them on a pool of Ray actors. Either way the
results come back in batch order, so the store sees the same writes in the same order.

Nothing here imports Ray.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol


class BatchCompute(Protocol):
    """The pure half of a batch stage."""

    name: str

    def compute(self, items: Sequence[Any]) -> list[Any]:
        """Results for one batch of inputs, in input order; reads and writes no store."""
        ...


#: Runs ``stage.compute`` over each batch and yields the results in batch order.
BatchMap = Callable[[BatchCompute, Iterable[list[Any]]], Iterator[list[Any]]]


def local_map(stage: BatchCompute, batches: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Compute each batch in this process, lazily: one batch is read, computed and written
    before the next is read (the local engine's memory stays bounded by one batch)."""
    for batch in batches:
        yield stage.compute(batch)


def chunks(article_ids: Sequence[str], size: int) -> Iterator[list[str]]:
    """The ids in consecutive batches of ``size`` (the last may be shorter)."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    for start in range(0, len(article_ids), size):
        yield list(article_ids[start : start + size])


def run_batches(
    stage: Any, store: Any, article_ids: Sequence[str], map_batches: BatchMap
) -> Iterator[list[Any]]:
    """The results of a batch stage over these articles, batch by batch: ``stage.read`` of
    each chunk of ``stage.batch`` ids, computed by ``map_batches``; the caller writes them."""
    inputs = (stage.read(store, ids) for ids in chunks(article_ids, stage.batch))
    return map_batches(stage, inputs)


__all__ = ["BatchCompute", "BatchMap", "chunks", "local_map", "run_batches"]
