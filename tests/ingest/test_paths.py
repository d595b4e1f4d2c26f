"""Expanding the paths, directories and globs given to `parallax ingest`."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.ingest.paths import expand_inputs


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder of inputs with hidden files, a .git folder and a Parallax database in it."""
    names = [
        "b.txt",
        "a/z.txt",
        "a/b/c.txt",
        "a/b.txt",
        "a/B.html",
        "c/d.jsonl.gz",
        ".hidden.txt",
        ".git/config",
        "a/.cache/x.txt",
        "parallax.db",
        "parallax.db-wal",
        "c/parallax.db-shm",
    ]
    for name in names:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"contents of {name}\n")
    return tmp_path / "in"


def rel(paths: list[Path], root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_directory_recursion_is_sorted_and_skips_hidden_and_own_files(tree: Path) -> None:
    files, rejected = expand_inputs([str(tree)])
    assert rejected == []
    assert rel(files, tree) == [
        "a/B.html",
        "a/b/c.txt",
        "a/b.txt",
        "a/z.txt",
        "b.txt",
        "c/d.jsonl.gz",
    ]


def test_order_is_deterministic(tree: Path) -> None:
    assert expand_inputs([str(tree)]) == expand_inputs([str(tree)])


def test_glob_with_double_star(tree: Path) -> None:
    files, rejected = expand_inputs([f"{tree}/**/*.txt"])
    assert rejected == []
    assert rel(files, tree) == ["a/b/c.txt", "a/b.txt", "a/z.txt", "b.txt"]


def test_single_level_glob_recurses_into_matched_directories(tree: Path) -> None:
    files, _ = expand_inputs([f"{tree}/[ac]"])
    assert rel(files, tree) == ["a/B.html", "a/b/c.txt", "a/b.txt", "a/z.txt", "c/d.jsonl.gz"]


def test_missing_path_is_rejected_with_advice(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    files, [rejected] = expand_inputs([missing])
    assert files == []
    assert rejected.reason == "unreadable"
    assert rejected.source.path == missing
    assert "does not exist" in rejected.message


def test_glob_matching_nothing_is_rejected(tree: Path) -> None:
    files, [rejected] = expand_inputs([f"{tree}/*.warc"])
    assert files == []
    assert rejected.reason == "unreadable"
    assert "no files match" in rejected.message


def test_bad_patterns_do_not_stop_good_ones(tree: Path) -> None:
    files, rejected = expand_inputs(
        [str(tree / "b.txt"), str(tree / "missing"), str(tree / "a" / "z.txt")]
    )
    assert rel(files, tree) == ["b.txt", "a/z.txt"]
    assert [r.source.path for r in rejected] == [str(tree / "missing")]


def test_same_file_twice_is_listed_once_in_first_position(tree: Path) -> None:
    files, _ = expand_inputs([str(tree / "b.txt"), str(tree), f"{tree}/a/../b.txt"])
    assert rel(files, tree)[0] == "b.txt"
    assert len(files) == len({p.resolve() for p in files}) == 6


def test_explicit_hidden_file_is_read(tree: Path) -> None:
    files, rejected = expand_inputs([str(tree / ".hidden.txt")])
    assert rel(files, tree) == [".hidden.txt"] and rejected == []


def test_globs_skip_hidden_names_unless_asked_for_and_never_take_the_database(
    tree: Path,
) -> None:
    files, _ = expand_inputs([f"{tree}/*"])
    assert rel(files, tree)[-1] == "c/d.jsonl.gz"
    assert not any(p.name.startswith((".", "parallax.db")) for p in files)
    files, _ = expand_inputs([f"{tree}/.hid*"])
    assert rel(files, tree) == [".hidden.txt"]


def test_empty_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty" / ".git").mkdir(parents=True)
    files, [rejected] = expand_inputs([str(tmp_path / "empty")])
    assert files == [] and rejected.reason == "empty"


def test_relative_patterns_stay_relative(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    files, _ = expand_inputs(["a/b", "*.txt"])
    assert [p.as_posix() for p in files] == ["a/b/c.txt", "b.txt"]
