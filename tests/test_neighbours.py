"""The nearest-neighbour index the clusterers draw candidates from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parallax.nlp.neighbours import NeighbourIndex, _packed, _unpacked


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_nearest_keys_come_back_closest_first() -> None:
    index = NeighbourIndex(dim=3)
    assert index.nearest(unit(1, 0, 0), 5) == [] and len(index) == 0
    index.add("east", unit(1, 0, 0))
    index.add("north", unit(0, 1, 0))
    index.add("north-east", unit(1, 1, 0))
    assert len(index) == 3
    assert index.nearest(unit(1, 0.1, 0), 2) == ["east", "north-east"]
    assert set(index.nearest(unit(0, 0, 1), 10)) == {"east", "north", "north-east"}


def cloud(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def exact_nearest(rows: np.ndarray, probe: np.ndarray, k: int) -> list[str]:
    order = np.argsort(-(rows @ probe), kind="stable")
    return [f"v{i}" for i in order[:k]]


def test_segments_together_answer_what_one_index_over_all_vectors_would() -> None:
    rows = cloud(230)
    segmented, whole = NeighbourIndex(dim=16, segment=50), NeighbourIndex(dim=16, segment=1000)
    for i, row in enumerate(rows):
        segmented.add(f"v{i}", row)
        whole.add(f"v{i}", row)
    assert segmented.segments == 5 and whole.segments == 1 and len(segmented) == 230
    for probe in cloud(40, seed=1):
        # small graphs are searched exhaustively: both equal the exact top 7, closest first
        assert segmented.nearest(probe, 7) == whole.nearest(probe, 7) == exact_nearest(
            rows, probe, 7
        )
    assert len(segmented.nearest(rows[0], 500)) == 230


def test_a_saved_index_goes_on_as_the_one_that_was_never_saved(tmp_path: Path) -> None:
    rows = cloud(330, seed=2)
    probes = cloud(30, seed=3)
    kept, saved = NeighbourIndex(dim=16, segment=50), NeighbourIndex(dim=16, segment=50)
    for i, row in enumerate(rows[:230]):
        kept.add(f"v{i}", row)
        saved.add(f"v{i}", row)
    folder = tmp_path / "index"
    saved.save(folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [*(f"segment-{n:05d}.{ext}" for n in range(4) for ext in ("keys", "usearch")),
         "open.keys", "open.usearch", "segments.json"]
    )
    first = (folder / "segment-00000.usearch").stat()
    loaded = NeighbourIndex.load(folder, dim=16)
    assert len(loaded) == 230 and loaded.segments == 5 and loaded.segment == 50
    for i, row in enumerate(rows[230:], start=230):
        for index in (kept, saved, loaded):
            index.add(f"v{i}", row)
    for probe in probes:
        assert kept.nearest(probe, 9) == saved.nearest(probe, 9) == loaded.nearest(probe, 9)
    # a second save writes only the segments the folder lacks and the growing one
    loaded.save(folder)
    again = (folder / "segment-00000.usearch").stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert (folder / "segment-00005.usearch").is_file()
    assert not (folder / "segment-00006.usearch").exists()
    reloaded = NeighbourIndex.load(folder, dim=16)
    for probe in probes:
        assert reloaded.nearest(probe, 9) == kept.nearest(probe, 9)


def test_a_smaller_index_saved_over_a_larger_leaves_no_segment_of_it(tmp_path: Path) -> None:
    rows = cloud(260, seed=4)
    large, small = NeighbourIndex(dim=16, segment=50), NeighbourIndex(dim=16, segment=50)
    for i, row in enumerate(rows):
        large.add(f"v{i}", row)
        if i < 120:
            small.add(f"v{i}", row)
    folder = tmp_path / "index"
    large.save(folder)
    (folder / "index.usearch").write_bytes(b"one whole index, as saved before segments")
    (folder / "segment-copy.usearch").write_bytes(b"a file someone left here")
    small.save(folder)
    assert sorted(p.name for p in folder.glob("*.usearch")) == [
        "open.usearch", "segment-00000.usearch", "segment-00001.usearch",
        "segment-copy.usearch",  # not a segment: left alone
    ]
    loaded = NeighbourIndex.load(folder, dim=16)
    assert len(loaded) == 120
    for probe in cloud(20, seed=5):
        assert loaded.nearest(probe, 5) == exact_nearest(rows[:120], probe, 5)
    # a segment that does not match its keys is refused, not searched
    (folder / "segment-00001.keys").write_text("v1\nv2", encoding="utf-8")
    with pytest.raises(ValueError):
        NeighbourIndex.load(folder, dim=16)


def test_sealed_segments_keep_their_keys_packed_and_give_them_back_whole(
    tmp_path: Path,
) -> None:
    rows = cloud(130, seed=6)
    # keys of different lengths, and not only ASCII
    keys = [f"q{i}" + ("é" * (i % 4)) + ("x" * (i % 11)) for i in range(130)]
    index = NeighbourIndex(dim=16, segment=40)
    for key, row in zip(keys, rows, strict=True):
        index.add(key, row)
    # three full segments held as arrays, the growing one as a list
    assert [type(k).__name__ for k in index._sealed_keys] == ["ndarray"] * 3
    assert len(index._open_keys) == 10 and len(index) == 130
    for probe in [*cloud(20, seed=7), *rows[::13]]:
        expected = [keys[int(name[1:])] for name in exact_nearest(rows, probe, 6)]
        assert index.nearest(probe, 6) == expected
    folder = tmp_path / "index"
    index.save(folder)
    assert (folder / "segment-00001.keys").read_text(encoding="utf-8").split("\n") == keys[40:80]
    loaded = NeighbourIndex.load(folder, dim=16)
    assert [type(k).__name__ for k in loaded._sealed_keys] == ["ndarray"] * 3
    assert _unpacked(_packed([])) == [] and _unpacked(_packed(["", "é"])) == ["", "é"]
    for probe in cloud(20, seed=8):
        assert loaded.nearest(probe, 130) == index.nearest(probe, 130)
