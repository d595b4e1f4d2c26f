"""Reading BASIL (``../shared/data/basil``) once for every scorer that uses it.

BASIL stores an article as paragraphs of sentences and annotates phrases with offsets relative
to an unnamed sentence. `basil_articles` rebuilds one body per article (sentences joined by a
space, paragraphs by a blank line) with each sentence's body offset, and `locate` turns a
phrase's sentence-relative offset into a body span. The quotes and framing scorers read the same
bodies this way, so their spans agree.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

DEFAULT_DATA = Path("../shared/data/basil")


@dataclass(frozen=True)
class BasilArticle:
    """One BASIL article that has annotations: its rebuilt body and its phrase annotations."""

    key: str
    year: str
    body: str
    #: ``(body offset, sentence text)`` of every sentence
    sentences: tuple[tuple[int, str], ...]
    phrases: tuple[dict[str, Any], ...]


def basil_articles(folder: Path) -> Iterator[BasilArticle]:
    """Every article under ``folder/articles`` with its ``folder/annotations`` file, sorted."""
    for path in sorted((folder / "articles").glob("*/*.json")):
        ann_path = folder / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        if not ann_path.is_file():
            continue
        article = json.loads(path.read_text(encoding="utf-8"))
        sentences: list[tuple[int, str]] = []
        parts: list[str] = []
        offset = 0
        for para in article.get("body-paragraphs", []):
            pieces = []
            for sent in para:
                sentences.append((offset, sent))
                pieces.append(sent)
                offset += len(sent) + 1
            parts.append(" ".join(pieces))
            offset = sum(len(p) + 2 for p in parts)
        annotations = json.loads(ann_path.read_text(encoding="utf-8"))
        yield BasilArticle(
            key=path.stem,
            year=path.parent.name,
            body="\n\n".join(parts),
            sentences=tuple(sentences),
            phrases=tuple(annotations.get("phrase-level-annotations", [])),
        )


def locate(sentences: Sequence[tuple[int, str]], text: str, start: int) -> tuple[int, int] | None:
    """Body span of a phrase whose offsets are relative to an unnamed sentence: the sentence
    holding ``text`` at ``start``, else the first holding it anywhere."""
    if not text:
        return None
    for offset, sent in sentences:
        if sent[start : start + len(text)] == text:
            return offset + start, offset + start + len(text)
    for offset, sent in sentences:
        at = sent.find(text)
        if at >= 0:
            return offset + at, offset + at + len(text)
    return None


def basil_main(
    argv: list[str] | None,
    task: str,
    doc: str | None,
    score: Callable[[Path, Console], Any],
    width: int = 120,
) -> int:
    """``parallax eval TASK --data DIR`` for a BASIL scorer: print its table; 2 when the data
    is absent."""
    parser = argparse.ArgumentParser(prog=f"parallax eval {task}", description=doc)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the basil/ folder")
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=width)
    try:
        score(args.data, console)
    except FileNotFoundError as exc:
        Console(stderr=True).print(
            f"[red]{exc}.[/red] Pass --data DIR, a folder laid out like ../shared/data/basil "
            "(articles/ and annotations/)."
        )
        return 2
    return 0
