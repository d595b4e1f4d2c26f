"""Framing cues scored against BASIL's lexical-bias spans.

``parallax eval framing --data DIR`` reads ``DIR`` laid out like ``../shared/data/basil``:
``articles/<year>/<triplet>_<n>.json`` (``body-paragraphs``: a list of paragraphs, each a list
of sentences) and ``annotations/<year>/<triplet>_<n>_ann.json`` (``phrase-level-annotations``,
whose ``start``/``end`` are offsets into one sentence of the article, which is not named: the
sentence is the one holding ``txt`` at those offsets).

Gold: the phrases annotated ``bias: lex`` (lexical bias: the writer's choice of words) with
``quote: no``, i.e. in the outlet's own voice. Lexical-bias phrases inside quotes (``quote:
yes``) are the speaker's words, which Parallax never marks by design: they are left out of the
gold, and a predicted span that touches one is not scored. BASIL annotates bias sparsely (some
240 phrases in 150 articles), so most evaluative words in an article are not gold, and
precision is low for every lexicon.

Bodies are built the way `parallax.eval.quotes.load_basil` builds them (sentences joined by a
space, paragraphs by a blank line). Each body runs through the pipeline Parallax uses on an
article: the spaCy parse gives sentences and entity mentions, the quote extractor the quotes,
and `parallax.compare.framing.find_cues` the cues. A predicted span is a cue that frames: every
hedge and evaluative cue, and attribution cues above ``neutral``.

Matching, each as precision / recall / F1:

- exact: the predicted span equals a gold span, both trimmed of surrounding spaces,
  punctuation and quotation marks;
- overlap: a predicted span shares a character with a gold span (precision over predicted
  spans, recall over gold spans);
- token: word tokens inside predicted spans against word tokens inside gold spans.

Baseline, run in the same process: every word in VADER's sentiment lexicon whose absolute
valence is at least a threshold, wherever it stands (quotes included). Its threshold is chosen
on the dev split for the best token F1. Split: events of 2010-2012 are dev (Parallax's one
tuned number, `parallax.compare.framing_lexicon.VADER_MIN_VALENCE`, was chosen there too), those
of 2013-2014 are test; the top-level numbers of `score` are test numbers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from parallax.eval.basil import basil_articles, basil_main, locate
from parallax.model import FramingCue, Quote

DEFAULT_DATA = Path("../shared/data/basil")
DEV_YEARS = frozenset({"2010", "2011", "2012"})
#: Baseline thresholds tried on dev (VADER valence runs -4..4).
BASELINE_GRID = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5)
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")
_TRIM = " \t\n\"'“”‘’.,;:!?()[]—–-…"

Span2 = tuple[int, int]


@dataclass(frozen=True)
class GoldDoc:
    """One BASIL article: its body, its sentences and its lexical-bias spans (body offsets)."""

    key: str
    year: str
    body: str
    sentences: tuple[Span2, ...]
    #: lexical bias in the outlet's voice (``quote: no``)
    lex: tuple[Span2, ...]
    #: lexical bias inside quotes: not scored either way
    ignored: tuple[Span2, ...]


@dataclass(frozen=True)
class PipelineInput:
    """What the earlier stages give `find_cues` for one body."""

    sentences: tuple[Span2, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[tuple[str, int, int], ...]


def load_docs(root: Path) -> list[GoldDoc]:
    """Every article that has both its text and its annotations, with its gold spans."""
    docs = []
    for article in basil_articles(root):
        lex: set[Span2] = set()
        ignored: set[Span2] = set()
        for phrase in article.phrases:
            if phrase.get("bias") != "lex":
                continue
            at = locate(
                article.sentences, str(phrase.get("txt") or ""), int(phrase.get("start") or 0)
            )
            if at is None:
                continue
            (lex if phrase.get("quote") == "no" else ignored).add(at)
        docs.append(
            GoldDoc(
                key=article.key,
                year=article.year,
                body=article.body,
                sentences=tuple((o, o + len(s)) for o, s in article.sentences),
                lex=tuple(sorted(lex)),
                ignored=tuple(sorted(ignored)),
            )
        )
    return docs


def parse_docs(docs: Sequence[GoldDoc]) -> list[PipelineInput]:
    """Sentences, quotes and entity mentions of each body from one spaCy parse."""
    from parallax.entities import KEYED_LABELS, entity_id, entity_key
    from parallax.nlp.annotate import load_nlp
    from parallax.statements.quotes import quotes_from_doc

    nlp = load_nlp()
    inputs = []
    for doc, parsed in zip(docs, nlp.pipe(d.body for d in docs), strict=True):
        sentences = tuple((s.start_char, s.end_char) for s in parsed.sents if s.text.strip())
        mentions = []
        for ent in parsed.ents:
            key = entity_key(ent.text, ent.label_) if ent.label_ in KEYED_LABELS else None
            if key:
                mentions.append((entity_id(key), ent.start_char, ent.end_char))
        quotes = tuple(quotes_from_doc(doc.key, doc.body, parsed))
        inputs.append(PipelineInput(sentences, quotes, tuple(mentions)))
    return inputs


def frames(cue: FramingCue) -> bool:
    """Whether a cue counts as a framing choice: all but neutral attribution verbs."""
    return not (cue.kind == "attribution" and cue.value == "neutral")


def parallax_cues(
    docs: Sequence[GoldDoc], inputs: Sequence[PipelineInput]
) -> list[list[FramingCue]]:
    """`find_cues` on each body."""
    from parallax.compare.framing import find_cues

    return [
        find_cues(d.key, d.body, i.sentences, i.quotes, i.mentions)
        for d, i in zip(docs, inputs, strict=True)
    ]


def baseline_spans(body: str, threshold: float) -> list[Span2]:
    """The baseline: every word of VADER's lexicon with ``|valence| >= threshold``."""
    from parallax.compare.framing import vader_valences

    valences = vader_valences()
    return [
        (m.start(), m.end())
        for m in _WORD.finditer(body)
        if abs(valences.get(m.group().casefold(), 0.0)) >= threshold
    ]


def _trim(body: str, span: Span2) -> Span2:
    s, e = span
    while s < e and body[s] in _TRIM:
        s += 1
    while e > s and body[e - 1] in _TRIM:
        e -= 1
    return s, e


def _overlaps(a: Span2, spans: Iterable[Span2]) -> bool:
    return any(s < a[1] and a[0] < e for s, e in spans)


def _tokens(body: str, spans: Iterable[Span2]) -> set[int]:
    """Start offsets of the word tokens inside ``spans``."""
    found: set[int] = set()
    for s, e in spans:
        found.update(m.start() for m in _WORD.finditer(body, s, e))
    return found


@dataclass
class Counts:
    """Match counts summed over articles, for the three matchings."""

    predicted: int = 0
    gold: int = 0
    exact: int = 0
    pred_hit: int = 0
    gold_hit: int = 0
    tok_pred: int = 0
    tok_gold: int = 0
    tok_both: int = 0

    def add(self, doc: GoldDoc, predicted: Iterable[Span2]) -> None:
        """Count one article's predicted spans against its gold."""
        body = doc.body
        pred = {_trim(body, p) for p in predicted if not _overlaps(p, doc.ignored)}
        pred = {p for p in pred if p[1] > p[0]}
        gold = {g for g in (_trim(body, g) for g in doc.lex) if g[1] > g[0]}
        self.predicted += len(pred)
        self.gold += len(gold)
        self.exact += len(pred & gold)
        self.pred_hit += sum(_overlaps(p, gold) for p in pred)
        self.gold_hit += sum(_overlaps(g, pred) for g in gold)
        tp, tg = _tokens(body, pred), _tokens(body, gold)
        self.tok_pred += len(tp)
        self.tok_gold += len(tg)
        self.tok_both += len(tp & tg)

    def scores(self) -> dict[str, float]:
        """Precision, recall and F1 for exact, overlap and token matching, with counts."""

        def f1(p: float, r: float) -> float:
            return round(2 * p * r / (p + r), 4) if p + r else 0.0

        def ratio(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0

        p, r = ratio(self.exact, self.predicted), ratio(self.exact, self.gold)
        op, orr = ratio(self.pred_hit, self.predicted), ratio(self.gold_hit, self.gold)
        tp, tr = ratio(self.tok_both, self.tok_pred), ratio(self.tok_both, self.tok_gold)
        return {
            "precision": p,
            "recall": r,
            "f1": f1(p, r),
            "overlap_precision": op,
            "overlap_recall": orr,
            "overlap_f1": f1(op, orr),
            "token_precision": tp,
            "token_recall": tr,
            "token_f1": f1(tp, tr),
            "predicted": self.predicted,
            "gold": self.gold,
        }


def evaluate(docs: Sequence[GoldDoc], spans: Sequence[Iterable[Span2]]) -> dict[str, float]:
    """Scores of predicted spans (one list per doc) against the docs' gold."""
    counts = Counts()
    for doc, predicted in zip(docs, spans, strict=True):
        counts.add(doc, predicted)
    return counts.scores()


def choose_baseline_threshold(docs: Sequence[GoldDoc]) -> float:
    """The baseline threshold with the best token F1 on ``docs`` (the dev split)."""
    best = max(
        BASELINE_GRID,
        key=lambda t: (evaluate(docs, [baseline_spans(d.body, t) for d in docs])["token_f1"], -t),
    )
    return best


def score(root: Path, console: Console | None = None) -> dict[str, Any]:
    """Parallax and the baseline on the test split (top level) and the dev split (``dev``)."""
    docs = load_docs(root)
    if not docs:
        raise FileNotFoundError(f"no BASIL articles with annotations under {root}")
    t0 = time.perf_counter()
    inputs = parse_docs(docs)
    t1 = time.perf_counter()
    cues = parallax_cues(docs, inputs)
    t2 = time.perf_counter()
    dev = [i for i, d in enumerate(docs) if d.year in DEV_YEARS]
    test = [i for i, d in enumerate(docs) if d.year not in DEV_YEARS]
    # a folder without dev years (a small test folder) tunes the baseline on what it has
    threshold = choose_baseline_threshold([docs[i] for i in dev or test])
    results: dict[str, Any] = {}
    for name, split in (("dev", dev), ("test", test)):
        part = [docs[i] for i in split]
        predicted = [[(c.start, c.end) for c in cues[i] if frames(c)] for i in split]
        block = {
            "parallax": evaluate(part, predicted),
            "baseline": evaluate(part, [baseline_spans(d.body, threshold) for d in part]),
        }
        for kind in ("attribution", "hedge", "evaluative"):
            block[f"parallax_{kind}"] = evaluate(
                part,
                [
                    [(c.start, c.end) for c in cues[i] if frames(c) and c.kind == kind]
                    for i in split
                ],
            )
        results[name] = block
    out: dict[str, Any] = {
        **results["test"],
        "dev": results["dev"],
        "baseline_threshold": threshold,
        "articles": {"dev": len(dev), "test": len(test)},
        "seconds": {"parse": round(t1 - t0, 2), "cues": round(t2 - t1, 3)},
        "characters": sum(len(d.body) for d in docs),
    }
    if console is not None:
        console.print(render(out))
    return out


def render(out: dict[str, Any]) -> Table:
    """The scores as a Rich table: test and dev, Parallax (and each kind) beside the baseline."""
    arts = out["articles"]
    table = Table(
        title=(
            f"Framing cues vs BASIL lexical bias (outlet's voice): test = 2013-2014 events "
            f"({arts['test']} articles), dev = 2010-2012 ({arts['dev']}); baseline = VADER "
            f"words with |valence| >= {out['baseline_threshold']} (chosen on dev)"
        )
    )
    for column in (
        "split",
        "system",
        "pred",
        "gold",
        "exact P",
        "exact R",
        "exact F1",
        "overlap P",
        "overlap R",
        "overlap F1",
        "token P",
        "token R",
        "token F1",
    ):
        table.add_column(column, justify="left" if column in ("split", "system") else "right")
    for split, block in (("test", out), ("dev", out["dev"])):
        for name in (
            "parallax",
            "baseline",
            "parallax_attribution",
            "parallax_hedge",
            "parallax_evaluative",
        ):
            r = block[name]
            table.add_row(
                split,
                name.replace("_", ": "),
                str(r["predicted"]),
                str(r["gold"]),
                *(
                    f"{r[k]:.3f}"
                    for k in (
                        "precision",
                        "recall",
                        "f1",
                        "overlap_precision",
                        "overlap_recall",
                        "overlap_f1",
                        "token_precision",
                        "token_recall",
                        "token_f1",
                    )
                ),
            )
    seconds = out["seconds"]
    table.caption = (
        f"find_cues: {seconds['cues']} s for {out['characters']:,} characters "
        f"(spaCy parse and quotes: {seconds['parse']} s)"
    )
    return table


def main(argv: list[str] | None = None) -> int:
    """``parallax eval framing --data DIR``: print the table; 2 when the data is absent."""
    return basil_main(argv, "framing", __doc__, score, width=160)


if __name__ == "__main__":
    raise SystemExit(main())
