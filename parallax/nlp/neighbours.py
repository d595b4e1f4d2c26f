"""Nearest neighbours of embeddings: the candidate generator of the incremental clusterers.

HNSW indexes (usearch) over unit vectors with cosine distance, searched and grown on one thread
so that the same inputs in the same order give the same neighbours (determinism).

The vectors live in segments of at most ``segment`` vectors each: the last one grows in memory;
a full one is sealed, and once saved it is searched straight from its file (memory-mapped), so a
process's own memory holds one segment however many the corpus fills (the operating system keeps
the mapped pages it can spare, and drops them when it needs the room). A search asks every
segment for its nearest and keeps the closest of all. Sealed segments never change, so a save
writes only the segments the folder does not have yet and the growing one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.nlp.embeddings import Vectors

#: Vectors per segment: about 420 MB of 384-dimension float32 vectors with their graph on disk
#: (up to twice that while one grows in memory). Every segment is searched for every query, so
#: fewer, larger segments search faster and smaller ones bound memory tighter.
SEGMENT = 250_000

#: The file naming what a kept index holds (`save_marked`): absent, the index is rebuilt.
MARK = "mark.json"


def _new_graph(dim: int) -> Any:
    from usearch.index import Index

    return Index(
        ndim=dim,
        metric="cos",
        dtype="f32",
        connectivity=16,
        expansion_add=64,
        expansion_search=64,
    )


class NeighbourIndex:
    """Vectors added one at a time under string keys; `nearest` gives the closest keys."""

    def __init__(self, dim: int = 384, segment: int | None = None) -> None:
        segment = SEGMENT if segment is None else segment
        if segment < 1:
            raise ValueError(f"segment must hold at least one vector, not {segment}")
        self.dim = dim
        self.segment = segment
        # sealed segments in order (in memory until saved, then views of their files), and the
        # one that grows; a vector's usearch key is its position among all keys. A sealed
        # segment's keys are packed in one array of fixed-width UTF-8 (16 bytes a key for the
        # corpus's ids, against ~70 as Python strings: ~30 MB instead of ~135 at 1.85M quotes).
        self._sealed: list[Any] = []
        self._sealed_keys: list[npt.NDArray[np.bytes_]] = []
        self._open = _new_graph(dim)
        self._open_keys: list[str] = []
        # the folder whose segment files hold the first `_on_disk` sealed segments
        self._home: Path | None = None
        self._on_disk = 0

    def __len__(self) -> int:
        return len(self._sealed_keys) * self.segment + len(self._open_keys)

    def _key(self, position: int) -> str:
        number, offset = divmod(position, self.segment)
        if number < len(self._sealed_keys):
            return bytes(self._sealed_keys[number][offset]).decode("utf-8")
        return self._open_keys[offset]

    @property
    def segments(self) -> int:
        """How many segments hold the vectors (sealed ones and the growing one)."""
        return len(self._sealed) + 1

    def add(self, key: str, vector: Vectors) -> None:
        """Index ``vector`` under ``key``."""
        if len(self._open) >= self.segment:
            self._sealed.append(self._open)
            self._sealed_keys.append(_packed(self._open_keys))
            self._open, self._open_keys = _new_graph(self.dim), []
        self._open.add(len(self), vector, threads=1)
        self._open_keys.append(key)

    def nearest(self, vector: Vectors, k: int) -> list[str]:
        """Keys of up to ``k`` nearest vectors, closest first (empty when nothing is indexed)."""
        if not len(self):
            return []
        if not self._sealed:
            found = self._open.search(vector, min(k, len(self._open)), threads=1)
            return [self._open_keys[int(key)] for key in found.keys]
        hits: list[tuple[float, int]] = []
        for graph in (*self._sealed, self._open):
            if len(graph):
                found = graph.search(vector, min(k, len(graph)), threads=1)
                hits.extend(zip(found.distances.tolist(), found.keys.tolist(), strict=True))
        # equal distances fall back to the earlier vector, so the merge is deterministic
        return [self._key(key) for _, key in sorted(hits)[:k]]

    def save(self, folder: Path) -> None:
        """Write the index to ``folder``: the sealed segments it lacks, the growing one, their
        keys, and last a layout file naming them (the caller records what the folder holds
        once this returns). Sealed segments are then searched from their files."""
        folder.mkdir(parents=True, exist_ok=True)
        layout = folder / "segments.json"
        if self._home != folder:
            self._home, self._on_disk = folder, 0
        # the layout goes first and comes back last: a crash in between leaves none, and the
        # folder loads as nothing
        layout.unlink(missing_ok=True)
        per = self.segment
        for number in range(self._on_disk, len(self._sealed)):
            keys = _unpacked(self._sealed_keys[number])
            _write(folder, f"segment-{number:05d}", self._sealed[number], keys)
        _write(folder, "open", self._open, self._open_keys)
        for legacy in ("index.usearch", "keys.txt"):  # one whole index, as saved before segments
            (folder / legacy).unlink(missing_ok=True)
        for stale in folder.glob("segment-*.usearch"):
            ordinal = stale.stem.removeprefix("segment-")
            if ordinal.isdigit() and int(ordinal) >= len(self._sealed):
                stale.unlink()
                stale.with_suffix(".keys").unlink(missing_ok=True)
        fresh = layout.with_suffix(".tmp")
        fresh.write_text(
            json.dumps({"segment": per, "sealed": len(self._sealed), "count": len(self)}),
            encoding="utf-8",
        )
        fresh.replace(layout)
        self._view_sealed(folder)

    def _view_sealed(self, folder: Path) -> None:
        from usearch.index import Index

        for number in range(self._on_disk, len(self._sealed)):
            view = Index.restore(str(folder / f"segment-{number:05d}.usearch"), view=True)
            if view is None or len(view) != len(self._sealed[number]):
                raise OSError(f"{folder}: segment {number} did not read back whole")
            self._sealed[number] = view
        self._on_disk = len(self._sealed)

    @classmethod
    def load(cls, folder: Path, dim: int) -> NeighbourIndex:
        """An index `save` wrote: the same graphs, so searches give what the saved one gave.
        It goes on sealing segments at the size it was saved with."""
        layout = json.loads((folder / "segments.json").read_text(encoding="utf-8"))
        per, sealed, count = int(layout["segment"]), int(layout["sealed"]), int(layout["count"])
        index = cls(dim, segment=per)
        for number in range(sealed):
            keys = _read_keys(folder / f"segment-{number:05d}.keys", per)
            index._sealed_keys.append(_packed(keys))
        index._open.load(str(folder / "open.usearch"))
        index._open_keys = _read_keys(folder / "open.keys", len(index._open))
        if len(index) != count:
            raise ValueError(f"{folder}: {len(index)} keys but the layout says {count}")
        # sealed segments are searched from their files; `_view_sealed` checks their sizes
        index._sealed = [_Sized(per) for _ in range(sealed)]
        index._home = folder
        index._view_sealed(folder)
        return index


def load_marked(
    folder: Path | None,
    mark: Sequence[object],
    dim: int,
    stored: Callable[[], Iterable[tuple[str, Vectors]]],
) -> NeighbourIndex:
    """The index kept in ``folder`` when it was saved at ``mark`` (`save_marked`), else one
    rebuilt by adding ``stored()`` in order. A rebuild writes each segment it fills to the
    folder as it goes, so it holds one segment in memory, not the corpus; it writes no mark,
    which the caller's `save_marked` does once what the index holds is committed."""
    if folder is not None:
        try:
            saved = json.loads((folder / MARK).read_text(encoding="utf-8"))
            if saved == json.loads(json.dumps(list(mark))):
                return NeighbourIndex.load(folder, dim)
        except (OSError, ValueError, RuntimeError):
            pass  # missing, stale or damaged: rebuilt below
    index = NeighbourIndex(dim)
    sealed = 0
    for key, vector in stored():
        index.add(key, vector)
        if folder is not None and index.segments - 1 > sealed:
            sealed = index.segments - 1
            try:
                (folder / MARK).unlink(missing_ok=True)
                index.save(folder)
            except OSError:
                pass  # the segments stay in memory; the caller's save tries again
    return index


def save_marked(folder: Path | None, mark: Sequence[object], index: NeighbourIndex) -> None:
    """Keep ``index`` in ``folder`` with the ``mark`` of what it holds (after a commit), for
    `load_marked`. Nothing is kept when ``folder`` is ``None`` (an in-memory store)."""
    if folder is None:
        return
    path = folder / MARK
    try:
        # the mark goes first and comes back last: a crash in between leaves no mark, and the
        # next run rebuilds the index from the store
        path.unlink(missing_ok=True)
        index.save(folder)
        fresh = path.with_suffix(".tmp")
        fresh.write_text(json.dumps(list(mark)), encoding="utf-8")
        fresh.replace(path)
    except OSError:
        # a full disk or a read-only folder costs the next run a rebuild, not this run's work
        path.unlink(missing_ok=True)


class _Sized:
    """Stands for a sealed segment of known size until its file is viewed."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size


def _packed(keys: Sequence[str]) -> npt.NDArray[np.bytes_]:
    """Keys as one array of fixed-width UTF-8 (a key never ends in NUL, which the width pads
    with and `bytes` of an element strips)."""
    encoded = [key.encode("utf-8") for key in keys]
    return np.array(encoded, dtype=f"S{max([1, *map(len, encoded)])}")


def _unpacked(keys: npt.NDArray[np.bytes_]) -> list[str]:
    return [bytes(key).decode("utf-8") for key in keys]


def _read_keys(path: Path, expected: int) -> list[str]:
    text = path.read_text(encoding="utf-8")
    keys = text.split("\n") if text else []
    if len(keys) != expected:
        raise ValueError(f"{path}: {len(keys)} keys, expected {expected}")
    return keys


def _write(folder: Path, name: str, graph: Any, keys: list[str]) -> None:
    # each file replaced whole, so a reader never sees half of one
    graph_path, keys_path = folder / f"{name}.usearch", folder / f"{name}.keys"
    graph.save(str(graph_path.with_suffix(".tmp")))
    keys_path.with_suffix(".ktmp").write_text("\n".join(keys), encoding="utf-8")
    graph_path.with_suffix(".tmp").replace(graph_path)
    keys_path.with_suffix(".ktmp").replace(keys_path)
