"""Junk-line scorer: precision and recall of the lines the text cleaner removes.

A line is *junk* when it is page furniture (or title/subtitle/date/byline, which go to metadata)
and *article* when it belongs in the body. The cleaner's removed lines are scored against that:
precision = junk removed / all removed, recall = junk removed / all junk, and "article lines
removed" counts the mistakes that matter most (each is an article line lost from the body).

Three gold sets:

1. ``tests/data/junk``: pages written by hand in the style of varied outlets, labelled by hand
   (see its README). `score_labelled` reads it.
2. An automatic set built at eval time from the scrapinghub extraction benchmark
   (``extraction-scrapinghub``: ``html/*.html.gz`` + ``ground-truth.json``). Each page is
   rendered to text lines (one per block element, as a naive scraper would), and a line is
   labelled article when it is contained in the ground-truth ``articleBody``, else junk. Only
   the region around the article is kept (from ``MARGIN`` lines before its first line to
   ``MARGIN`` lines after its last), because the classifier cleans scraped article text, not
   whole pages: furniture *inside* and *next to* the text is what it must remove, while site
   menus far from the article are the HTML extractor's job. Lines that are only partly in the
   article body are left out of the score (they are neither clean article nor clean junk).
   `score` builds and scores it; nothing of it is written to disk.
3. The five bundled seeds, labelled by hand in ``tests/data/junk/seeds_labels.json``.

Run: ``python -m parallax.eval.junk --data ../shared/data/extraction-scrapinghub
[--gold tests/data/junk] [--seeds examples/seeds]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from parallax.clean.lines import Hints, classify, features, make_units, split_lines

#: Lines kept on each side of the article region of a rendered benchmark page.
MARGIN = 8
#: The hand-labelled pages and the seeds of a source checkout (absent from an installed package).
_ROOT = Path(__file__).resolve().parents[2]
HAND_GOLD = _ROOT / "tests" / "data" / "junk"
SEEDS = _ROOT / "examples" / "seeds"
#: Share of a line's word trigrams that must be in the article body for it to count as article
#: (and at most ``1 - ARTICLE_SHARE`` for junk; in between the line is left out).
ARTICLE_SHARE = 0.8
DATASET_DIRNAME = "extraction-scrapinghub"

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a lexicon written as prose."""
    return text.split()


@dataclass
class Tally:
    """Counts of removed and kept lines against gold labels."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    article_sentences_removed: int = 0
    pages: int = 0
    missed: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)

    def add(self, gold_junk: bool, removed: bool, text: str, kind: str = "") -> None:
        """Count one line."""
        if gold_junk and removed:
            self.tp += 1
        elif gold_junk:
            self.fn += 1
            self.missed[kind or "junk"] += 1
        elif removed:
            self.fp += 1
            f = features(text)
            if f.sentence_like and f.n_words >= 6:
                self.article_sentences_removed += 1
            if len(self.wrong) < 200:
                self.wrong.append(text[:160])
        else:
            self.tn += 1

    def summary(self) -> dict[str, Any]:
        """Precision, recall and counts as a plain dict."""
        removed = self.tp + self.fp
        junk = self.tp + self.fn
        return {
            "pages": self.pages,
            "lines": self.tp + self.fp + self.fn + self.tn,
            "junk_lines": junk,
            "removed_lines": removed,
            "precision": round(self.tp / removed, 4) if removed else 1.0,
            "recall": round(self.tp / junk, 4) if junk else 1.0,
            "article_lines_removed": self.fp,
            "article_sentences_removed": self.article_sentences_removed,
            # Share of article lines left in the body: higher is better, so a gate floor fits.
            "article_kept": round(self.tn / (self.tn + self.fp), 4) if self.tn + self.fp else 1.0,
            "missed_by_kind": dict(self.missed.most_common()),
        }


def removed_line_numbers(text: str, title: str | None = None) -> dict[int, str]:
    """Line numbers (1-based) that the cleaner removes whole, with the kind it gave."""
    units = make_units(split_lines(text))
    decisions = classify(units, Hints(title=title))
    out: dict[int, str] = {}
    for unit, d in zip(units, decisions, strict=True):
        if d.kind is not None and d.cut == 0:
            for line in unit.lines:
                out[line.number] = d.kind
    return out


def _baseline_removed(text: str) -> set[int]:
    """A naive cleaner to compare with: drop every short line without sentence punctuation."""
    out: set[int] = set()
    for line in split_lines(text):
        f = features(line.text)
        if f.n_words < 5 and not f.ends_sentence:
            out.add(line.number)
    return out


# --------------------------------------------------------------------------------------------
# Hand-labelled sets (tests/data/junk, seeds)


def load_labels(path: Path) -> dict[str, dict[str, Any]]:
    """Labels file: ``{file name: {"junk": {line: kind}, "glued": {line: kind}, ...}}``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object mapping file names to labels")
    return {k: v for k, v in data.items() if not k.startswith("_")}


def score_labelled(
    texts_dir: Path, labels_path: Path, baseline: bool = False
) -> dict[str, Any]:
    """Score the cleaner (or the naive baseline) on hand-labelled text files."""
    labels = load_labels(labels_path)
    tally = Tally()
    for name in sorted(labels):
        text = (texts_dir / name).read_text(encoding="utf-8")
        junk = {int(k): str(v) for k, v in labels[name].get("junk", {}).items()}
        removed: Mapping[int, str] | set[int] = (
            _baseline_removed(text) if baseline else removed_line_numbers(text)
        )
        tally.pages += 1
        for line in split_lines(text):
            tally.add(line.number in junk, line.number in removed, line.text,
                      junk.get(line.number, ""))
    return tally.summary()


# --------------------------------------------------------------------------------------------
# Automatic set from the extraction benchmark

_SKIP_TAGS = frozenset(
    _words(
        """
        script style noscript template svg iframe head title meta link object embed canvas
        select option math
        """
    )
)
_BLOCK_TAGS = frozenset(
    _words(
        """
        address article aside blockquote body br dd details dialog div dl dt fieldset
        figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre
        section table tbody thead tfoot td th tr ul summary caption center legend button
        label
        """
    )
)


def render_lines(html: bytes) -> list[str]:
    """Text of a page as a naive scraper sees it: one line per block element, chrome and all."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    parts: list[str] = []
    skipping = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS:
                skipping += 1
                continue
            if skipping:
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if el.text and isinstance(el.tag, str):
                parts.append(el.text)
        else:
            if tag in _SKIP_TAGS:
                skipping -= 1
            elif not skipping and tag in _BLOCK_TAGS:
                parts.append("\n")
            if not skipping and el.tail:
                parts.append(el.tail)
    text = "".join(parts)
    lines = (re.sub(r"\s+", " ", ln).strip() for ln in text.split("\n"))
    return [ln for ln in lines if ln]


@dataclass(frozen=True)
class GoldPage:
    """One rendered benchmark page: its lines and a label per line (True junk, None unsure)."""

    name: str
    lines: tuple[str, ...]
    junk: tuple[bool | None, ...]


def label_lines(lines: Sequence[str], article_body: str) -> list[bool | None]:
    """Junk (True), article (False) or unsure (None) for each line, against the true body."""
    body_tokens = [t.lower() for t in _TOKEN.findall(article_body)]
    body_norm = " " + " ".join(body_tokens) + " "
    trigrams = {tuple(body_tokens[i: i + 3]) for i in range(len(body_tokens) - 2)}
    paragraphs = {
        " ".join(t.lower() for t in _TOKEN.findall(p)) for p in article_body.split("\n")
    }
    out: list[bool | None] = []
    for line in lines:
        tokens = [t.lower() for t in _TOKEN.findall(line)]
        if not tokens:
            out.append(True)
            continue
        norm = " ".join(tokens)
        if len(tokens) < 4:
            # Short lines: article only if the body has them as a paragraph of their own
            # (a word like "World" occurs in most bodies; a subheading stands alone).
            out.append(norm not in paragraphs)
            continue
        if " " + norm + " " in body_norm:
            out.append(False)
            continue
        grams = [tuple(tokens[i: i + 3]) for i in range(len(tokens) - 2)]
        share = sum(1 for g in grams if g in trigrams) / len(grams)
        if share >= ARTICLE_SHARE:
            out.append(False)
        elif share <= 1 - ARTICLE_SHARE:
            out.append(True)
        else:
            out.append(None)
    return out


def _unsure_duplicates(lines: Sequence[str], labels: list[bool | None], body: str) -> None:
    """A line printed more often than the body has it (a teaser, a repeated paragraph) is
    article by containment but furniture in fact; which copy is which cannot be told, so every
    copy is left out of the score."""
    body_norm = " " + " ".join(t.lower() for t in _TOKEN.findall(body)) + " "
    norms = [" ".join(t.lower() for t in _TOKEN.findall(ln)) for ln in lines]
    counts = Counter(norms)
    article_norms = [n for n, lab in zip(norms, labels, strict=True) if lab is False and n]
    for i, n in enumerate(norms):
        if labels[i] is not False or not n:
            continue
        if counts[n] > 1 and body_norm.count(" " + n + " ") < counts[n]:
            labels[i] = None
        elif len(n) >= 40 and any(o != n and o.startswith(n) for o in article_norms):
            labels[i] = None  # a teaser: the start of a longer article paragraph


def build_gold(data_dir: Path, limit: int | None = None) -> list[GoldPage]:
    """Render and label every benchmark page (the region around its article)."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages: list[GoldPage] = []
    for name in sorted(truth)[:limit]:
        path = data_dir / "html" / f"{name}.html.gz"
        if not path.is_file():
            continue
        body = truth[name].get("articleBody") or ""
        if not body.strip():
            continue
        with gzip.open(path, "rb") as fh:
            lines = render_lines(fh.read())
        labels = label_lines(lines, body)
        article = [i for i, lab in enumerate(labels) if lab is False]
        if not article:
            continue
        lo, hi = max(0, article[0] - MARGIN), min(len(lines), article[-1] + MARGIN + 1)
        _unsure_duplicates(lines, labels, body)
        pages.append(GoldPage(name, tuple(lines[lo:hi]), tuple(labels[lo:hi])))
    return pages


def resolve_data_dir(data_dir: Path) -> Path:
    """The benchmark folder: ``data_dir`` itself or its ``extraction-scrapinghub`` child."""
    if (data_dir / "ground-truth.json").is_file():
        return data_dir
    if (data_dir / DATASET_DIRNAME / "ground-truth.json").is_file():
        return data_dir / DATASET_DIRNAME
    raise FileNotFoundError(
        f"no extraction benchmark at {data_dir}: expected ground-truth.json and html/*.html.gz "
        f"(the {DATASET_DIRNAME} folder of ../shared/data); pass --data DIR"
    )


def score_pages(pages: Iterable[GoldPage], baseline: bool = False) -> dict[str, Any]:
    """Score removed lines on rendered, labelled pages."""
    tally = Tally()
    unsure = 0
    for page in pages:
        text = "\n".join(page.lines)
        removed: Mapping[int, str] | set[int] = (
            _baseline_removed(text) if baseline else removed_line_numbers(text)
        )
        tally.pages += 1
        for number, (line, junk) in enumerate(zip(page.lines, page.junk, strict=True), start=1):
            if junk is None:
                unsure += 1
                continue
            tally.add(junk, number in removed, line)
    result = tally.summary()
    result["unsure_lines_left_out"] = unsure
    if not baseline:
        result["examples_article_removed"] = tally.wrong[:40]
    return result


def score(
    data_dir: Path, gold: Path | None = HAND_GOLD, seeds: Path | None = SEEDS
) -> dict[str, Any]:
    """Score the cleaner on every gold set present; the numbers the gate reads.

    ``{"benchmark": {...}, "hand": {...}, "seeds": {...}}``, each a `Tally.summary` (precision,
    recall, article_lines_removed, article_kept, ...) with the naive baseline's numbers under
    ``"baseline"`` (so ``"benchmark.recall"`` and ``"benchmark.baseline.recall"``). ``"hand"``
    and ``"seeds"`` are left out when ``gold`` (holding ``labels.json`` and
    ``seeds_labels.json``) or ``seeds`` is absent. ``"cleaner"`` and ``"baseline"`` repeat the
    benchmark's numbers (their earlier names).

    Raises `FileNotFoundError` with a clear message when the benchmark folder is absent.
    """
    pages = build_gold(resolve_data_dir(data_dir))
    cleaner, naive = score_pages(pages), score_pages(pages, baseline=True)
    out: dict[str, Any] = {
        "benchmark": {**cleaner, "baseline": naive},
        "cleaner": cleaner,
        "baseline": naive,
    }
    if gold is not None and (gold / "labels.json").is_file():
        out["hand"] = {
            **score_labelled(gold, gold / "labels.json"),
            "baseline": score_labelled(gold, gold / "labels.json", baseline=True),
        }
        if seeds is not None and seeds.is_dir() and (gold / "seeds_labels.json").is_file():
            out["seeds"] = {
                **score_labelled(seeds, gold / "seeds_labels.json"),
                "baseline": score_labelled(seeds, gold / "seeds_labels.json", baseline=True),
            }
    return out


# --------------------------------------------------------------------------------------------
# Command line


def _table(title: str, rows: Mapping[str, Mapping[str, Any]]) -> Table:
    table = Table(title=title)
    for col in ("set", "pages", "lines", "junk", "removed", "precision", "recall",
                "article lines removed", "article sentences removed"):
        table.add_column(col, justify="right" if col != "set" else "left")
    for name, r in rows.items():
        table.add_row(name, str(r["pages"]), str(r["lines"]), str(r["junk_lines"]),
                      str(r["removed_lines"]), f"{r['precision']:.3f}", f"{r['recall']:.3f}",
                      str(r["article_lines_removed"]), str(r["article_sentences_removed"]))
    return table


def main(argv: Sequence[str] | None = None) -> int:
    """Print removed-line precision/recall on the gold sets that are present."""
    parser = argparse.ArgumentParser(prog="parallax eval junk", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data") / DATASET_DIRNAME,
                        help="the extraction-scrapinghub folder (or the data root holding it)")
    parser.add_argument("--gold", type=Path, default=Path("tests/data/junk"),
                        help="hand-labelled pages with labels.json (skipped when absent)")
    parser.add_argument("--seeds", type=Path, default=Path("examples/seeds"),
                        help="the seed texts, labelled in GOLD/seeds_labels.json")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--show-errors", action="store_true",
                        help="list article lines the cleaner removed on the benchmark")
    args = parser.parse_args(list(argv) if argv is not None else None)
    console = Console()
    rows: dict[str, dict[str, Any]] = {}
    status = 0
    if (args.gold / "labels.json").is_file():
        rows["hand-written"] = score_labelled(args.gold, args.gold / "labels.json")
        rows["hand-written (baseline)"] = score_labelled(
            args.gold, args.gold / "labels.json", baseline=True)
    else:
        console.print(f"[yellow]hand-labelled set {args.gold}/labels.json absent; skipped[/]")
    seeds_labels = args.gold / "seeds_labels.json"
    if seeds_labels.is_file() and args.seeds.is_dir():
        rows["seeds"] = score_labelled(args.seeds, seeds_labels)
        rows["seeds (baseline)"] = score_labelled(args.seeds, seeds_labels, baseline=True)
    try:
        bench = score(args.data, gold=None)
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/]")
        status = 2
    else:
        rows["benchmark (auto)"] = bench["cleaner"]
        rows["benchmark (baseline)"] = bench["baseline"]
        if args.show_errors:
            for line in bench["cleaner"].get("examples_article_removed", []):
                console.print(f"  - {line}", markup=False, highlight=False)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        console.print(_table("junk lines removed", rows))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
