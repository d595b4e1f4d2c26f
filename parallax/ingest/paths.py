"""Turn the paths, directories and globs a user typed into a sorted list of files to read."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from parallax.model import Rejected, Source

#: Files that are Parallax's own store (SQLite file and its journals), never inputs.
_OWN_FILES = ("parallax.db",)


def expand_inputs(patterns: Sequence[str]) -> tuple[list[Path], list[Rejected]]:
    """Files named by ``patterns``, in a deterministic order, and a rejection for each pattern
    that names nothing.

    A pattern is a file, a directory (read recursively, sorted, skipping hidden files and
    folders such as ``.git`` and Parallax's own ``parallax.db*`` files) or a glob (``*``, ``?``,
    ``[...]``, and ``**`` for any depth). Files keep the order of the patterns, sorted within
    each; a file reached twice is listed once. A missing path or a glob matching no file becomes
    a `Rejected` with reason ``unreadable``.
    """
    files: list[Path] = []
    rejected: list[Rejected] = []
    seen: set[Path] = set()
    for pattern in patterns:
        found, problem = _expand(pattern)
        if problem is not None:
            rejected.append(Rejected(Source(pattern), problem[0], problem[1]))
        for path in found:
            key = _identity(path)
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files, rejected


def _expand(pattern: str) -> tuple[list[Path], tuple[str, str] | None]:
    path = Path(pattern).expanduser()
    if path.is_dir():
        found = _walk(path)
        if not found:
            return [], (
                "empty",
                f"the directory {pattern} holds no files to read (hidden files are skipped)",
            )
        return found, None
    if path.is_file():
        # A file named explicitly is read even when hidden: the user asked for it.
        return [path], None
    if path.exists() or path.is_symlink():
        return [], (
            "unreadable",
            f"{pattern} is not a regular file or directory (or is a broken "
            "link); pass files, directories or globs",
        )
    if glob.has_magic(pattern):
        found = _glob(pattern)
        if not found:
            return [], (
                "unreadable",
                f"no files match {pattern!r}; check the pattern and the "
                f"working directory ({Path.cwd()})",
            )
        return found, None
    return [], (
        "unreadable",
        f"{pattern} does not exist; check the spelling and the working directory ({Path.cwd()})",
    )


def _glob(pattern: str) -> list[Path]:
    found: list[Path] = []
    names = glob.glob(os.path.expanduser(pattern), recursive=True)
    # Sorted by path components, like a directory walk ("a/b.txt" after "a/b/c.txt").
    for name in sorted(names, key=lambda n: Path(n).parts):
        path = Path(name)
        if path.is_dir():
            found.extend(_walk(path))
        elif path.is_file() and not path.name.startswith(_OWN_FILES):
            # glob leaves out hidden names unless the pattern asks for them.
            found.append(path)
    return found


def _walk(root: Path) -> list[Path]:
    """Regular files under ``root``, depth first, sorted by path components."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        # Pruning in place stops os.walk from descending into hidden folders.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder)
        found.extend(
            base / name for name in names if not _skipped(name) and (base / name).is_file()
        )
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.startswith(_OWN_FILES)


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
