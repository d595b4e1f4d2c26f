"""Quote extraction scored on PolNeAR and BASIL, beside textacy's direct-quotation extractor.

``parallax eval quotes --data DIR`` reads, under a data root laid out like ``../shared/data``:

- ``polnear/{dev,train}``: brat standoff attributions (Source, Cue, Content; char offsets into
  ``text/``). The rules were tuned on ``dev``; the scores reported are on ``train``, which was
  not looked at. An article annotated by several annotators is scored against the first
  annotation file (sorted by name). Where an annotator swapped the labels (Source "said", Cue
  "Hester" in ``"...," said Hester``) the Cue is read as the Source.
- ``basil/``: quotes among the annotated bias spans (``quote == "yes"``) with their speaker.
  BASIL annotates only biased spans, so it gives coverage (recall) and speaker accuracy, not
  precision.

A gold content is ``direct`` when most of its letters and digits lie inside double quotation
marks (marks paired per paragraph), else ``indirect``. Predicted quotes that share a cue are one
attribution (the two halves of a split quote, the pieces of a multi-paragraph quote, a partial
quote inside reported speech). Content spans are compared on the letters and digits they cover
(a leading "that" dropped): ``exact`` when those sets are equal, ``overlap`` when they share any;
gold and predicted attributions are paired one to one, largest overlap first. Precision per kind
counts the predictions of that kind matched to any gold attribution; recall per kind the gold
attributions of that kind matched by any prediction. Speaker accuracy is over overlap-matched
pairs whose gold has a Source: right when the predicted speaker's surface overlaps the gold
source, or its entity is the gold source's (`parallax.entities.entity_key`). A gold Source that
is only "he"/"she"/"him"/"her" names nobody, so it is judged by its antecedent when two rules
agree on it (`antecedents`): the person the parse names last before the pronoun outside
quotation marks, and the latest gold Source before it that names someone.

The baseline is ``textacy.extract.triples.direct_quotations`` 0.13 on the same parse (plus
spaCy's lemmatizer, which it needs); where it refuses a document for an odd number of quotation
marks it is run paragraph by paragraph.
"""

from __future__ import annotations

import argparse
import importlib
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from parallax.entities import entity_id, entity_key
from parallax.eval.basil import basil_articles, locate
from parallax.model import Quote
from parallax.statements.cues import speech_lemma
from parallax.statements.quotes import quotes_from_doc

__all__ = [
    "GoldAttribution",
    "GoldDoc",
    "Prediction",
    "load_basil",
    "load_polnear",
    "main",
    "parse_ann",
    "score",
    "score_docs",
]

DEFAULT_DATA = Path("../shared/data")
#: The PolNeAR split the rules were tuned on, and the one reported.
DEV_SPLIT = "dev"
TEST_SPLIT = "train"
KINDS = ("direct", "indirect")
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_QUOTE_MARKS = '"“”„«»'

Fragments = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution: content fragments, source fragments, kind, named speaker."""

    content: Fragments
    source: Fragments
    kind: str
    #: BASIL's speaker name ("Michael_Steele"), when named.
    speaker: str | None = None


@dataclass(frozen=True)
class GoldDoc:
    """A body and its gold attributions."""

    name: str
    body: str
    gold: tuple[GoldAttribution, ...]


@dataclass(frozen=True)
class Prediction:
    """One predicted attribution (quotes that share a cue, grouped)."""

    content: Fragments
    kind: str
    surface: tuple[int, int] | None
    entity: str | None


# --- gold ------------------------------------------------------------------------------------


def quoted_chars(body: str) -> set[int]:
    """Offsets inside double quotation marks, paired per paragraph by a simple toggle."""
    inside: set[int] = set()
    for para in re.finditer(r"[^\n]+", body):
        open_at: int | None = None
        for i in range(para.start(), para.end()):
            if body[i] in _QUOTE_MARKS:
                if open_at is None:
                    open_at = i
                else:
                    inside.update(range(open_at, i + 1))
                    open_at = None
        if open_at is not None:
            inside.update(range(open_at, para.end()))
    return inside


def gold_kind(body: str, fragments: Fragments, quoted: set[int]) -> str:
    """``direct`` when most of the content's letters and digits are inside quotation marks."""
    chars = [i for s, e in fragments for i in range(s, e) if body[i].isalnum()]
    if not chars:
        return "indirect"
    share = sum(1 for i in chars if i in quoted) / len(chars)
    return "direct" if share > 0.5 else "indirect"


def parse_ann(text: str, body: str) -> list[GoldAttribution]:
    """Attributions of a brat standoff file: each ``E`` event's Source, Cue and Content."""
    spans: dict[str, tuple[str, Fragments]] = {}
    events: list[dict[str, str]] = []
    for line in text.splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            label, _, offsets = parts[1].partition(" ")
            frags = tuple(
                (int(a), int(b))
                for a, b in (piece.split() for piece in offsets.split(";") if piece.strip())
            )
            spans[parts[0]] = (label, frags)
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            roles = {}
            for arg in parts[1].split():
                role, _, ref = arg.partition(":")
                roles[role] = ref
            events.append(roles)
    quoted = quoted_chars(body)
    found = []
    for roles in events:
        content = spans.get(roles.get("Content", ""), ("", ()))[1]
        if not content:
            continue
        source = spans.get(roles.get("Source", ""), ("", ()))[1]
        cue = spans.get(roles.get("Cue", ""), ("", ()))[1]
        if _swapped(body, source, cue):
            source = cue
        found.append(GoldAttribution(content, source, gold_kind(body, content, quoted)))
    return found


def _swapped(body: str, source: Fragments, cue: Fragments) -> bool:
    """Whether an annotator swapped Source and Cue: the Source is one verb of saying and the Cue
    is not (``"...," said Hester`` marked Source "said", Cue "Hester")."""

    def speech(frags: Fragments) -> bool:
        words = " ".join(body[s:e] for s, e in frags).split()
        return len(words) == 1 and speech_lemma(words[0].strip(".,")) is not None

    return bool(source and cue) and speech(source) and not speech(cue)


def load_polnear(folder: Path, split: str) -> list[GoldDoc]:
    """One split of PolNeAR: ``folder/split/text/*.txt`` with ``attributions/*_ANNOTATOR.ann``."""
    base = folder / split
    texts = base / "text"
    if not texts.is_dir():
        raise FileNotFoundError(f"no PolNeAR texts under {texts}")
    anns: dict[str, Path] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        anns.setdefault(stem, ann)
    docs = []
    for path in sorted(texts.glob("*.txt")):
        ann_path = anns.get(path.stem)
        if ann_path is None:
            continue
        body = path.read_text(encoding="utf-8")
        gold = parse_ann(ann_path.read_text(encoding="utf-8"), body)
        docs.append(GoldDoc(path.stem, body, tuple(gold)))
    return docs


def load_basil(folder: Path) -> list[GoldDoc]:
    """BASIL articles (paragraphs on lines) with their quoted bias spans and speakers."""
    docs = []
    for article in basil_articles(folder):
        gold = []
        for phrase in article.phrases:
            if phrase.get("quote") != "yes":
                continue
            at = locate(article.sentences, phrase.get("txt", ""), int(phrase.get("start", 0)))
            if at is None:
                continue
            speaker = phrase.get("speaker") or ""
            named = None if speaker.startswith("other") else speaker.replace("_", " ") or None
            gold.append(GoldAttribution((at,), (), "direct", named))
        docs.append(GoldDoc(article.key, article.body, tuple(gold)))
    return docs


# --- predictions -------------------------------------------------------------------------------


def group_quotes(quotes: Iterable[Quote]) -> list[Prediction]:
    """Quotes that share a cue as one attribution; its kind: direct if any piece is direct,
    else indirect if any is, else partial."""
    groups: dict[Any, list[Quote]] = {}
    for q in quotes:
        key = (q.cue.start, q.cue.end) if q.cue is not None else ("q", q.start)
        groups.setdefault(key, []).append(q)
    preds = []
    for members in groups.values():
        kinds = {q.kind for q in members}
        kind = next(k for k in ("direct", "indirect", "partial") if k in kinds)
        lead = members[0].speaker
        surface = (lead.surface.start, lead.surface.end) if lead.surface else None
        content = tuple(sorted((q.start, q.end) for q in members))
        preds.append(Prediction(content, kind, surface, lead.entity_id))
    return preds


def _positions(body: str, fragments: Fragments) -> frozenset[int]:
    """Letters and digits a content covers, without a leading "that"."""
    chars = [i for s, e in sorted(fragments) for i in range(s, min(e, len(body)))]
    text = "".join(body[i] for i in chars)
    m = re.match(r"\W*that\b", text, flags=re.IGNORECASE)
    skip = m.end() if m else 0
    return frozenset(i for i in chars[skip:] if body[i].isalnum())


def _gold_entities(body: str, gold: GoldAttribution) -> set[str]:
    names = [gold.speaker] if gold.speaker else [body[s:e] for s, e in gold.source]
    # "Victor Cha, a Korea scholar at ...": the name is before the apposition.
    names += [re.split(r"[,(]", n)[0] for n in names]
    found = set()
    for name in names:
        found |= _name_entities(name)
    return found


def _name_entities(name: str) -> set[str]:
    """The entity ids a name may stand for, as a person and as an organisation."""
    found = set()
    for label in ("PERSON", "ORG"):
        key = entity_key(name, label)
        if key is not None:
            found.add(entity_id(key))
    return found


def _is_pronoun_source(body: str, gold: GoldAttribution) -> bool:
    """Whether a gold Source is only a third-person pronoun ("she", "He")."""
    text = " ".join(body[s:e] for s, e in gold.source).strip().casefold()
    return text in _PERSON_PRONOUNS


def antecedents(body: str, gold: Sequence[GoldAttribution], doc: Any) -> list[set[str]]:
    """Per gold attribution, the entities its pronoun Source stands for (empty for a Source that
    is not a pronoun, or whose antecedent is not clear): the person named last before the
    pronoun outside quotation marks, when that person is also the latest Source the gold
    names before it.

    PolNeAR marks "she" as the Source of ``"...," she said`` but links no antecedent, so
    without this a system that names the speaker (from the pronoun, or from the paragraph
    before) could never be judged right on such a quote. Either rule alone would accept a
    wrong antecedent now and then ("Clinton ... after she attacked" follows a quote of
    Christie's); requiring both to agree keeps the judgement strict."""
    named = sorted(
        (g.source[0][0], ents)
        for g in gold
        if g.source and not _is_pronoun_source(body, g)
        for ents in [_gold_entities(body, g)]
        if ents
    )
    quoted = quoted_chars(body)
    people = [
        (ent.start_char, ent.text)
        for ent in getattr(doc, "ents", ())
        if ent.label_ == "PERSON" and ent.start_char not in quoted
    ]
    found: list[set[str]] = []
    for g in gold:
        ents: set[str] = set()
        at = g.source[0][0] if g.source else -1
        if at >= 0 and at not in quoted and _is_pronoun_source(body, g):
            prior = [text for start, text in people if start < at]
            sources = [e for start, e in named if start < at]
            if prior and sources:
                ents = _name_entities(prior[-1]) & sources[-1]
        found.append(ents)
    return found


def _speaker_right(
    body: str, gold: GoldAttribution, pred: Prediction, antecedent: set[str] | None = None
) -> bool:
    if pred.surface is not None and any(
        s < pred.surface[1] and pred.surface[0] < e for s, e in gold.source
    ):
        return True
    if pred.entity is None:
        return False
    return pred.entity in _gold_entities(body, gold) or pred.entity in (antecedent or set())


@dataclass
class Tally:
    """Counts for one system on one data set."""

    pred: dict[str, int] = field(default_factory=dict)
    gold: dict[str, int] = field(default_factory=dict)
    hit_pred: dict[str, dict[str, int]] = field(default_factory=dict)
    hit_gold: dict[str, dict[str, int]] = field(default_factory=dict)
    speaker: dict[str, list[int]] = field(default_factory=dict)

    def add(
        self,
        body: str,
        gold: Sequence[GoldAttribution],
        preds: Sequence[Prediction],
        doc: Any = None,
    ) -> None:
        """Match one document's predictions to its gold and count; ``doc`` (the body's parse)
        lets a pronoun Source be judged by its antecedent."""
        gpos = [_positions(body, g.content) for g in gold]
        ppos = [_positions(body, p.content) for p in preds]
        pairs = sorted(
            (
                (len(gp & pp), gi, pi)
                for gi, gp in enumerate(gpos)
                for pi, pp in enumerate(ppos)
                if gp & pp
            ),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        used_g: dict[int, int] = {}
        used_p: set[int] = set()
        for _, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g[gi] = pi
            used_p.add(pi)
        for p in preds:
            for kind in (p.kind, "all"):
                self.pred[kind] = self.pred.get(kind, 0) + 1
        for g in gold:
            for kind in (g.kind, "all"):
                self.gold[kind] = self.gold.get(kind, 0) + 1
        refers = antecedents(body, gold, doc)
        for gi, pi in used_g.items():
            g, p = gold[gi], preds[pi]
            exact = gpos[gi] == ppos[pi]
            for kind, table in ((p.kind, self.hit_pred), (g.kind, self.hit_gold)):
                for k in (kind, "all"):
                    row = table.setdefault(k, {"overlap": 0, "exact": 0})
                    row["overlap"] += 1
                    row["exact"] += exact
            if g.source or g.speaker:
                right = _speaker_right(body, g, p, refers[gi])
                for k in (g.kind, "all"):
                    row2 = self.speaker.setdefault(k, [0, 0])
                    row2[0] += right
                    row2[1] += 1

    def metrics(self) -> dict[str, dict[str, float]]:
        """Per kind: exact and overlap P/R/F1, speaker accuracy and the counts."""
        out: dict[str, dict[str, float]] = {}
        for kind in ("all", *KINDS, "partial"):
            n_pred, n_gold = self.pred.get(kind, 0), self.gold.get(kind, 0)
            row: dict[str, float] = {"pred": n_pred, "gold": n_gold}
            for match in ("exact", "overlap"):
                hp = self.hit_pred.get(kind, {}).get(match, 0)
                hg = self.hit_gold.get(kind, {}).get(match, 0)
                p = hp / n_pred if n_pred else 0.0
                r = hg / n_gold if n_gold else 0.0
                row[f"{match}_p"] = p
                row[f"{match}_r"] = r
                row[f"{match}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
            right, total = self.speaker.get(kind, [0, 0])
            row["speaker_acc"] = right / total if total else 0.0
            row["speaker_n"] = total
            out[kind] = row
        return out


# --- systems -----------------------------------------------------------------------------------


def parallax_predictions(name: str, body: str, doc: Any) -> list[Prediction]:
    """Parallax's quotes of one parsed body, grouped by cue."""
    return group_quotes(quotes_from_doc(name, body, doc))


@cache
def _textacy() -> tuple[Any, Any] | None:
    """textacy's extractor and spaCy's lemmatizer, or None when textacy is not installed."""
    try:
        triples = importlib.import_module("textacy.extract.triples")
    except ImportError:
        return None
    import spacy

    from parallax.nlp.annotate import MODEL

    lemmatizer = spacy.load(MODEL).get_pipe("lemmatizer")
    return triples.direct_quotations, lemmatizer


def textacy_predictions(body: str, doc: Any) -> list[Prediction]:
    """textacy's direct quotations of a parsed body (paragraph by paragraph when it refuses
    the whole for an odd number of quotation marks)."""
    loaded = _textacy()
    if loaded is None:
        return []
    extract, lemmatizer = loaded
    doc = lemmatizer(doc)
    try:
        triples = [(0, t) for t in extract(doc)]
    except ValueError:
        triples = []
        for para in re.finditer(r"[^\n]+", body):
            span = doc.char_span(para.start(), para.end(), alignment_mode="expand")
            if span is None or not len(span):
                continue
            try:
                found = list(extract(span.as_doc()))
            except ValueError:
                continue
            triples.extend((span.start_char, t) for t in found)
    groups: dict[tuple[int, int], list[tuple[int, Any]]] = {}
    for offset, t in triples:
        cue = (offset + t.cue[0].idx, offset + t.cue[-1].idx + len(t.cue[-1].text))
        groups.setdefault(cue, []).append((offset, t))
    preds = []
    for members in groups.values():
        offset, t = members[0]
        speaker = t.speaker
        surface = (offset + speaker[0].idx, offset + speaker[-1].idx + len(speaker[-1].text))
        text = body[surface[0] : surface[1]]
        key = entity_key(text, "PERSON")
        content = tuple(
            sorted((off + c.content.start_char, off + c.content.end_char) for off, c in members)
        )
        preds.append(Prediction(content, "direct", surface, entity_id(key) if key else None))
    return preds


# --- scoring -----------------------------------------------------------------------------------


def score_docs(docs: Sequence[GoldDoc], batch_size: int = 16) -> dict[str, Any]:
    """Tallies of Parallax and textacy on ``docs`` (parsed once), with Parallax's speed."""
    from parallax.nlp.annotate import load_nlp

    nlp = load_nlp()
    ours, theirs = Tally(), Tally()
    spent = 0.0
    quotes = 0
    has_textacy = _textacy() is not None
    parsed = nlp.pipe((d.body for d in docs), batch_size=batch_size)
    for gold_doc, doc in zip(docs, parsed, strict=True):
        started = time.perf_counter()
        preds = parallax_predictions(gold_doc.name, gold_doc.body, doc)
        spent += time.perf_counter() - started
        quotes += len(preds)
        ours.add(gold_doc.body, gold_doc.gold, preds, doc)
        if has_textacy:
            theirs.add(gold_doc.body, gold_doc.gold, textacy_predictions(gold_doc.body, doc), doc)
    result: dict[str, Any] = {"parallax": ours.metrics(), "docs": len(docs)}
    if has_textacy:
        result["textacy"] = theirs.metrics()
    result["rules_seconds"] = spent
    return result


def score(data: Path, console: Console | None = None, split: str = TEST_SPLIT) -> dict[str, Any]:
    """Scores on PolNeAR ``split`` and BASIL under the data root ``data``; prints tables."""
    console = console or Console(quiet=True)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    polnear = _folder(data, "polnear")
    basil = _folder(data, "basil")
    if polnear is None and basil is None:
        raise FileNotFoundError(f"neither polnear/ nor basil/ under {data}")
    if polnear is not None:
        docs = load_polnear(polnear, split)
        results["polnear"] = score_docs(docs)
        console.print(render(f"PolNeAR {split} ({len(docs)} articles)", results["polnear"]))
    if basil is not None:
        docs = load_basil(basil)
        results["basil"] = score_docs(docs)
        console.print(render_basil(f"BASIL ({len(docs)} articles)", results["basil"]))
    if _textacy() is None:
        console.print("textacy is not installed: baseline skipped (pip install textacy==0.13.0)")
    console.print(f"quotes eval: {time.perf_counter() - started:.1f}s")
    return results


def _folder(data: Path, name: str) -> Path | None:
    for candidate in (data / name, data):
        if candidate.name == name and candidate.is_dir():
            return candidate
    return None


def render(title: str, result: dict[str, Any]) -> Table:
    """Exact and overlap P/R/F1 and speaker accuracy per system and kind."""
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for column in (
        "system", "kind", "#pred", "#gold", "exact P", "exact R", "exact F1",
        "overlap P", "overlap R", "overlap F1", "speaker acc", "#spk",
    ):  # fmt: skip
        table.add_column(column, justify="left" if column in {"system", "kind"} else "right")
    for system in ("parallax", "textacy"):
        if system not in result:
            continue
        for kind, m in result[system].items():
            if system == "textacy" and kind in {"indirect", "partial"} and not m["pred"]:
                continue
            table.add_row(
                system, kind, str(int(m["pred"])), str(int(m["gold"])),
                *(f"{m[k]:.3f}" for k in (
                    "exact_p", "exact_r", "exact_f1", "overlap_p", "overlap_r", "overlap_f1",
                    "speaker_acc",
                )),
                str(int(m["speaker_n"])),
            )  # fmt: skip
    return table


def render_basil(title: str, result: dict[str, Any]) -> Table:
    """BASIL: coverage of the annotated quoted spans and speaker accuracy on named speakers."""
    table = Table(title=title + " — quoted bias spans: recall only", box=box.SIMPLE_HEAD)
    for column in ("system", "#spans", "covered (overlap R)", "speaker acc (named)", "#named"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for system in ("parallax", "textacy"):
        if system in result:
            m = result[system]["all"]
            table.add_row(
                system, str(int(m["gold"])), f"{m['overlap_r']:.3f}", f"{m['speaker_acc']:.3f}",
                str(int(m["speaker_n"])),
            )  # fmt: skip
    return table


def main(argv: list[str] | None = None, run: Callable[..., Any] = score) -> int:
    """``parallax eval quotes --data DIR``: print the tables; 2 when the data is absent."""
    parser = argparse.ArgumentParser(prog="parallax eval quotes", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data root")
    parser.add_argument(
        "--split", default=TEST_SPLIT, help=f"PolNeAR split to report (tuning used {DEV_SPLIT})"
    )
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    try:
        run(args.data, console, args.split)
    except FileNotFoundError as exc:
        Console(stderr=True).print(
            f"[red]{exc}.[/red] Pass --data DIR, a folder laid out like ../shared/data "
            "(polnear/ with dev/ and train/, basil/)."
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
