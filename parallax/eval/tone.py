"""Tone toward a target: macro-F1 over negative / neutral / positive on NewsMTSC devtest_mt.

``parallax eval tone --data DIR`` reads ``DIR`` laid out like ``../shared/data/newsmtsc``:
``devtest_mt.jsonl`` (scored) and ``train.jsonl`` (only for ``--tune``). Each line is one
sentence (``sentence_normalized``) with one or more ``targets``, each a mention given by
character offsets ``from``/``to`` (end exclusive) and a ``polarity``: 2 negative, 4 neutral,
6 positive. devtest_mt holds only sentences naming at least two targets, often with different
tones, so it rewards reading the tone *toward* a target rather than of the sentence.

Systems, run in the same process on the same mentions:

- ``parallax``: `parallax.compare.tone.ToneReader` with `DEFAULT_WEIGHTS`, which were chosen
  by `tune` on train.jsonl only (grid search for macro-F1).
- ``baseline``: plain VADER compound of the whole sentence, positive at >= 0.05, negative at
  <= -0.05 (VADER's standard thresholds), the same label for every target of a sentence.
- ``published``: GRU-TSC with RoBERTa (Hamborg and Donnay, EACL 2021), macro-F1 82.5 on
  devtest_mt; a fine-tuned transformer, not run here.

Printed: macro-F1 (the paper's metric), accuracy and each class's F1.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from parallax.compare.tone import DEFAULT_WEIGHTS, LABELS, Evidence, ToneReader, ToneWeights

DEFAULT_DATA = Path("../shared/data/newsmtsc")
TEST_FILE = "devtest_mt.jsonl"
TRAIN_FILE = "train.jsonl"
POLARITY = {2: "negative", 4: "neutral", 6: "positive"}
PUBLISHED_MACRO_F1 = 0.825
BASELINE_THRESHOLD = 0.05


@dataclass(frozen=True)
class Item:
    """One gold mention: the sentence, the mention's offsets in it, and its tone."""

    sentence: str
    start: int
    end: int
    gold: str


def load_items(path: Path) -> list[Item]:
    """Every target mention of a NewsMTSC JSONL file, in file order."""
    if not path.is_file():
        raise FileNotFoundError(f"no NewsMTSC file {path}")
    items: list[Item] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            sentence = str(row["sentence_normalized"])
            for target in row["targets"]:
                items.append(
                    Item(
                        sentence,
                        int(target["from"]),
                        int(target["to"]),
                        POLARITY[int(float(target["polarity"]))],
                    )
                )
    return items


def class_scores(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """Macro-F1, accuracy and each label's F1 (``f1_negative`` ...)."""
    found: dict[str, float] = {}
    for label in LABELS:
        tp = sum(p == label and g == label for p, g in zip(predicted, gold, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        found[f"f1_{label}"] = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
    found["macro_f1"] = sum(found[f"f1_{label}"] for label in LABELS) / len(LABELS)
    hits = sum(p == g for p, g in zip(predicted, gold, strict=True))
    found["accuracy"] = hits / len(gold) if gold else 0.0
    return found


def baseline_labels(items: Sequence[Item]) -> list[str]:
    """Whole-sentence VADER compound with its standard +-0.05 thresholds."""
    from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
        SentimentIntensityAnalyzer,
    )

    vader = SentimentIntensityAnalyzer()
    compounds: dict[str, float] = {}
    labels = []
    for item in items:
        if item.sentence not in compounds:
            compounds[item.sentence] = vader.polarity_scores(item.sentence)["compound"]
        c = compounds[item.sentence]
        labels.append(
            "positive"
            if c >= BASELINE_THRESHOLD
            else "negative"
            if c <= -BASELINE_THRESHOLD
            else "neutral"
        )
    return labels


def score(data_dir: Path, console: Console | None = None) -> dict[str, Any]:
    """Score parallax and the baseline on devtest_mt; prints a table when given a console."""
    items = load_items(data_dir / TEST_FILE)
    gold = [i.gold for i in items]
    reader = ToneReader()
    began = time.perf_counter()
    judged = reader.judge_many([(i.sentence, i.start, i.end) for i in items])
    seconds = time.perf_counter() - began
    n_sentences = len({i.sentence for i in items})
    results: dict[str, Any] = {
        "parallax": class_scores([label for label, _ in judged], gold),
        "baseline": class_scores(baseline_labels(items), gold),
        "published": {"macro_f1": PUBLISHED_MACRO_F1},
        "sentences_per_s": n_sentences / seconds if seconds else 0.0,
    }
    if console is not None:
        table = Table(
            title=(
                f"Tone toward a target, NewsMTSC {TEST_FILE}: {len(items)} mentions in "
                f"{n_sentences} sentences "
                f"({', '.join(f'{gold.count(label)} {label}' for label in LABELS)})"
            )
        )
        for column in ("system", "macro-F1", "accuracy", *(f"F1 {lb}" for lb in LABELS)):
            table.add_column(column, justify="left" if column == "system" else "right")
        names = {
            "parallax": "parallax (targeted VADER + parse)",
            "baseline": "baseline (sentence VADER +-0.05)",
        }
        for key, name in names.items():
            r = results[key]
            table.add_row(
                name,
                f"{r['macro_f1']:.3f}",
                f"{r['accuracy']:.3f}",
                *(f"{r[f'f1_{lb}']:.3f}" for lb in LABELS),
            )
        table.add_row("published GRU-TSC (RoBERTa)", f"{PUBLISHED_MACRO_F1:.3f}", "", "", "", "")
        console.print(table)
        console.print(
            f"parallax: {results['sentences_per_s']:.0f} sentences/s (parse included); "
            "weights chosen on train.jsonl (`parallax.eval.tone --tune`)"
        )
    return results


#: The grid `tune` searches; thresholds are searched finer, for each point of it.
TUNE_GRID: dict[str, tuple[float, ...]] = {
    "tree_decay": (0.0, 0.2, 0.35, 0.5, 0.75, 1.0),
    "word_decay": (0.0, 0.03, 0.08, 0.15),
    "other_factor": (0.25, 0.5, 0.75, 1.0),
    "speaker_factor": (0.0, 0.5, 1.0),
    "sentence_mix": (0.0, 0.2, 0.4, 0.7),
}
THRESHOLDS = tuple(round(0.02 * k, 2) for k in range(1, 26))


def tune(
    evidence: Sequence[Evidence],
    gold: Sequence[str],
    grid: dict[str, tuple[float, ...]] = TUNE_GRID,
) -> tuple[ToneWeights, float]:
    """The weights of ``grid`` (and thresholds of `THRESHOLDS`) with the best macro-F1 on
    ``evidence`` against ``gold``. Vectorised: one grid point costs a few milliseconds."""
    import numpy as np

    cues = [(n, c) for n, ev in enumerate(evidence) for c in ev.cues]
    index = np.array([n for n, _ in cues], dtype=np.int64)
    valence = np.array([c.valence for _, c in cues])
    tree = np.array([c.tree for _, c in cues], dtype=float)
    words = np.array([c.words for _, c in cues], dtype=float)
    other = np.array([c.other_nearer for _, c in cues], dtype=bool)
    spoken = np.array([c.spoken_by_target for _, c in cues], dtype=bool)
    compound = np.array([ev.compound for ev in evidence])
    y = np.array([LABELS.index(g) for g in gold])
    cuts = np.array(THRESHOLDS)
    best = (-1.0, DEFAULT_WEIGHTS)
    names = list(grid)
    for values in itertools.product(*(grid[k] for k in names)):
        p = dict(zip(names, values, strict=True))
        w = np.exp(-p["tree_decay"] * tree - p["word_decay"] * words)
        w = np.where(other, w * p["other_factor"], w)
        w = np.where(spoken, w * p["speaker_factor"], w)
        total = np.bincount(index, valence * w, minlength=len(evidence))
        s = np.clip(total / np.sqrt(total * total + 15.0) + p["sentence_mix"] * compound, -1, 1)
        pos = s[None, :] >= cuts[:, None]  # (cut, item)
        neg = s[None, :] <= -cuts[:, None]
        # every (positive cut, negative cut) pair at once: (pos cut, neg cut, item)
        label = np.where(pos[:, None, :], 2, np.where(neg[None, :, :], 0, 1))
        f1s = []
        for k in range(3):
            pred_k, gold_k = label == k, y == k
            tp = (pred_k & gold_k).sum(-1)
            f1s.append(2 * tp / np.maximum(pred_k.sum(-1) + gold_k.sum(), 1))
        macro = sum(f1s) / 3
        i, j = np.unravel_index(int(np.argmax(macro)), macro.shape)
        if float(macro[i, j]) > best[0]:
            weights = replace(
                DEFAULT_WEIGHTS, **p, positive_at=float(cuts[i]), negative_at=float(cuts[j])
            )
            best = (float(macro[i, j]), weights)
    return best[1], best[0]


def main(argv: list[str] | None = None) -> int:
    """``parallax eval tone --data DIR``: print the table; 2 when the data is absent.

    ``--tune`` instead searches the weights on train.jsonl and prints them.
    """
    parser = argparse.ArgumentParser(prog="parallax eval tone", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the newsmtsc/ folder")
    parser.add_argument("--tune", action="store_true", help="choose weights on train.jsonl")
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    try:
        if args.tune:
            items = load_items(args.data / TRAIN_FILE)
            evidence = ToneReader().evidence_many([(i.sentence, i.start, i.end) for i in items])
            weights, macro = tune(evidence, [i.gold for i in items])
            console.print(f"train macro-F1 {macro:.4f} with {weights}")
        else:
            score(args.data, console)
    except FileNotFoundError as exc:
        Console(stderr=True).print(
            f"[red]{exc}.[/red] Pass --data DIR, a folder laid out like "
            "../shared/data/newsmtsc (devtest_mt.jsonl, train.jsonl)."
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
