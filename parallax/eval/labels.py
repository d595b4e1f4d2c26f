"""Label grouping: NewsWCL50's coded mentions grouped into concepts across outlets.

``parallax eval labels --data DIR`` reads ``DIR`` laid out like ``../shared/data/newswcl50``:
the CDCR CoNLL file under ``Diverse_CDCR_fulltext`` (Zhukova et al. 2022's parse of the
NewsWCL50 annotations onto the full texts: documents ``<event>/-/<event>_<outlet>``, one
token per line, the concept chains in the last column). ``Annotations.csv`` holds the same codes
with token offsets only; the CoNLL file is read because it places every mention in the text.

What is scored: each of the 10 events has 5 articles (outlets L, LL, M, R, RR); every coded
concept mention (ACTOR, ACTOR-I, COUNTRY, GROUP, OBJECT, EVENT, ACTION, MISC: the codebook's
CONCEPTs; PROPERTY codes are judgements on a concept and are not in the chains) is one item,
and its chain is the gold concept. Given the gold mention phrases and their documents, a
system groups the mentions of one event into concepts. Metrics per event: B-cubed, MUC and
CEAF-e precision, recall and F1 and the CoNLL F1 (their mean); ``micro`` pools the mentions of
the test events (B-cubed and MUC pooled counts, CEAF-e pooled similarity), ``macro`` averages
the per-event F1s.

Systems, run in the same process on the same mentions:

- ``parallax``: `parallax.compare.labels.find_labels` on each article (spaCy sentences and
  entities); a mention whose syntactic head lies in a linked label takes that label's entity
  (names, roles and epithets; nationality adjectives ("North Korean") and capitals or seats of
  government ("Pyongyang", "the Kremlin") stand for their country, as the codebook codes
  them); ids are merged across the event's articles with `alias_map`; then
  `parallax.compare.labels.group_phrases` attaches or clusters the rest by MiniLM vectors.
- ``baseline``: mentions with the same lower-cased head word are one concept (a mention whose
  head cannot be found is grouped by its lower-cased phrase).

Thresholds (`ATTACH`, `MERGE`) were chosen for the best B-cubed F1 on the dev events (a third
of the events, by a hash of the event id, the same split as ``parallax eval events``) with
``--tune``; test events are reported. Nothing derived from the gold texts ships in the package.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table

from parallax.compare.labels import (
    ATTACH,
    COUNTRY_FORMS,
    MERGE,
    METONYMS,
    Phrase,
    alias_map,
    country_form,
    find_labels,
    group_phrases,
    label_key,
    same_country,
)
from parallax.entities import entity_id, fold
from parallax.model import Label
from parallax.nlp.annotate import EntitySpan

DEFAULT_DATA = Path("../shared/data/newswcl50")
#: The share of events used to choose thresholds (as in `parallax.eval.events`).
DEV_SHARE = 1 / 3
_SET_NAME = "newswcl50"
_NO_SPACE_BEFORE = re.compile(r"^(?:[,.;:!?%)\]}]|n['’]t|['’](?:s|re|ve|ll|d|m))$")
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$"})


@dataclass(frozen=True)
class GoldMention:
    """One coded concept mention: ``body[start:end]`` of document ``doc_id``."""

    mention_id: str
    doc_id: str
    event_id: str
    start: int
    end: int
    text: str
    concept: str


@dataclass(frozen=True)
class GoldDocument:
    """One article as the CoNLL file has it, detokenised."""

    doc_id: str
    event_id: str
    outlet: str
    body: str


def find_conll(folder: Path) -> Path | None:
    """The NewsWCL50 CoNLL file under ``folder/Diverse_CDCR_fulltext``."""
    found = sorted((folder / "Diverse_CDCR_fulltext").rglob("*.conll"))
    preferred = [p for p in found if "newswcl" in p.name.lower()] or found
    return preferred[0] if preferred else None


def load_gold(folder: Path) -> tuple[list[GoldDocument], list[GoldMention]]:
    """Documents and concept mentions of the CoNLL file (empty when it is absent)."""
    conll = find_conll(folder)
    if conll is None:
        return [], []
    rows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in conll.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) >= 5:
            rows[cols[0]].append((cols[3], cols[4].strip()))
    docs: list[GoldDocument] = []
    mentions: list[GoldMention] = []
    for key in sorted(rows):
        doc_id = key.rsplit("/", 1)[-1]
        event, _, outlet = doc_id.partition("_")
        body, spans = _detokenize([tok for tok, _ in rows[key]])
        docs.append(GoldDocument(doc_id, event, outlet, body))
        open_at: dict[str, list[int]] = defaultdict(list)
        for n, (_, chains) in enumerate(rows[key]):
            if chains in {"", "-"}:
                continue
            for part in chains.split("|"):
                part = part.strip()
                name = part.strip("()")
                if not name:
                    continue
                if part.startswith("("):
                    open_at[name].append(n)
                if part.endswith(")") and open_at[name]:
                    first = open_at[name].pop()
                    start, end = spans[first][0], spans[n][1]
                    mentions.append(
                        GoldMention(
                            f"{doc_id}:{first}:{n}:{name}", doc_id, event, start, end,
                            body[start:end], name,
                        )
                    )  # fmt: skip
    mentions.sort(key=lambda m: (m.doc_id, m.start, m.end, m.concept))
    return docs, mentions


def _detokenize(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Tokens joined as prose, with each token's span; a literal ``\\n`` token is a line
    break."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    previous = "\n"
    quote_open = False
    for tok in tokens:
        if tok == "\\n" or not tok.strip():
            if previous != "\n":
                parts.append("\n")
                length += 1
            spans.append((length, length))
            previous = "\n"
            continue
        tok = tok.strip()
        glue = (
            previous == "\n"
            or _NO_SPACE_BEFORE.match(tok) is not None
            or previous in _NO_SPACE_AFTER
            or tok == "-"
            or previous == "-"
            or (tok == '"' and quote_open)
            or (previous == '"' and quote_open)
        )
        if tok == '"':
            quote_open = not quote_open
        if not glue:
            parts.append(" ")
            length += 1
        spans.append((length, length + len(tok)))
        parts.append(tok)
        length += len(tok)
        previous = tok
    return "".join(parts), spans


def split_events(events: Sequence[str]) -> tuple[list[str], list[str]]:
    """(dev events, test events): ranked by a hash of the set name and event id, the first
    third dev, as `parallax.eval.events.split_events` splits NewsWCL50."""
    ranked = sorted(
        set(events), key=lambda e: hashlib.sha256(f"{_SET_NAME}\x00{e}".encode()).hexdigest()
    )
    n_dev = int(len(ranked) * DEV_SHARE)
    return sorted(ranked[:n_dev]), sorted(ranked[n_dev:])


# --- metrics -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Numerators and denominators of one metric; pooled by adding."""

    p_num: float
    p_den: float
    r_num: float
    r_den: float

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.p_num + other.p_num,
            self.p_den + other.p_den,
            self.r_num + other.r_num,
            self.r_den + other.r_den,
        )

    @property
    def precision(self) -> float:
        """Precision."""
        return self.p_num / self.p_den if self.p_den else 0.0

    @property
    def recall(self) -> float:
        """Recall."""
        return self.r_num / self.r_den if self.r_den else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Clusters = Sequence[frozenset[str]]


def _clusters(assign: Mapping[str, str | int]) -> list[frozenset[str]]:
    groups: dict[str | int, set[str]] = defaultdict(set)
    for item, c in assign.items():
        groups[c].add(item)
    return [frozenset(g) for _, g in sorted(groups.items(), key=lambda kv: str(kv[0]))]


def b_cubed(gold: Clusters, predicted: Clusters) -> Counts:
    """B-cubed (Bagga and Baldwin 1998) over the mentions of both clusterings."""
    of_gold = {m: c for c in gold for m in c}
    of_pred = {m: c for c in predicted for m in c}
    p = sum(len(c & of_gold[m]) / len(c) for c in predicted for m in c)
    r = sum(len(c & of_pred[m]) / len(c) for c in gold for m in c)
    return Counts(p, len(of_pred), r, len(of_gold))


def muc(gold: Clusters, predicted: Clusters) -> Counts:
    """MUC (Vilain et al. 1995): links kept, counted through partitions."""

    def side(key: Clusters, response: Clusters) -> tuple[float, float]:
        of_resp = {m: i for i, c in enumerate(response) for m in c}
        num = den = 0.0
        for c in key:
            parts = {of_resp.get(m, f"single:{m}") for m in c}
            num += len(c) - len(parts)
            den += len(c) - 1
        return num, den

    r_num, r_den = side(gold, predicted)
    p_num, p_den = side(predicted, gold)
    return Counts(p_num, p_den, r_num, r_den)


def ceaf_e(gold: Clusters, predicted: Clusters) -> Counts:
    """Entity-based CEAF (Luo 2005) with phi4 similarity and an optimal one-to-one match."""
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

    if not gold or not predicted:
        return Counts(0.0, float(len(predicted)), 0.0, float(len(gold)))
    sim = np.array(
        [[2 * len(g & p) / (len(g) + len(p)) for p in predicted] for g in gold], dtype=float
    )
    rows, cols = linear_sum_assignment(-sim)
    total = float(sim[rows, cols].sum())
    return Counts(total, float(len(predicted)), total, float(len(gold)))


def metrics(gold: Clusters, predicted: Clusters) -> dict[str, Counts]:
    """B-cubed, MUC and CEAF-e counts of one event."""
    return {
        "b3": b_cubed(gold, predicted),
        "muc": muc(gold, predicted),
        "ceafe": ceaf_e(gold, predicted),
    }


def summary(per_event: Mapping[str, Mapping[str, Counts]]) -> dict[str, float]:
    """Micro (pooled) and macro (mean over events) figures, and the CoNLL F1."""
    out: dict[str, float] = {}
    names = ("b3", "muc", "ceafe")
    for name in names:
        pooled = Counts(0.0, 0.0, 0.0, 0.0)
        for m in per_event.values():
            pooled = pooled + m[name]
        out[f"{name}_p"] = round(pooled.precision, 4)
        out[f"{name}_r"] = round(pooled.recall, 4)
        out[f"{name}_f1"] = round(pooled.f1, 4)
        out[f"{name}_f1_macro"] = round(
            sum(m[name].f1 for m in per_event.values()) / max(1, len(per_event)), 4
        )
    out["conll_f1"] = round(sum(out[f"{n}_f1"] for n in names) / 3, 4)
    out["conll_f1_macro"] = round(sum(out[f"{n}_f1_macro"] for n in names) / 3, 4)
    return out


# --- systems -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What both systems need of the data, computed once: phrases and vectors per mention."""

    mentions: tuple[GoldMention, ...]
    phrases: tuple[Phrase, ...]
    vectors: npt.NDArray[np.float32]


def _parse(docs: Sequence[GoldDocument]) -> list[Any]:
    from parallax.nlp.annotate import load_nlp

    return list(load_nlp().pipe((d.body for d in docs), batch_size=8))


def _head(doc: Any, start: int, end: int) -> tuple[str, int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    root = span.root
    return root.text.lower(), root.idx, root.idx + len(root.text)


def _country_id(text: str) -> str | None:
    form = METONYMS.get(country_form(text), country_form(text))
    if form in COUNTRY_FORMS.values() or form in METONYMS.values():
        key = label_key(form, "GPE")
        return entity_id(key) if key else None
    return None


def _head_entity(
    labels: Sequence[Label],
    entities: Sequence[EntitySpan],
    places: Mapping[str, str],
    head: tuple[str, int, int],
) -> str | None:
    """The entity a mention's head belongs to: a linked label that covers it (the shortest),
    else a nationality adjective that names a country of the event."""
    _, hs, he = head
    covering = sorted(
        (lb for lb in labels if lb.entity_id and lb.start <= hs and he <= lb.end),
        key=lambda lb: (lb.end - lb.start, lb.start),
    )
    if covering:
        lb = covering[0]
        if lb.kind == "name" and (fold(lb.surface) in METONYMS or _country_id(lb.surface)):
            # The codebook codes capitals and seats of government as their country.
            return _country_id(lb.surface) or lb.entity_id
        return lb.entity_id
    for ent in entities:
        if ent.label == "NORP" and ent.start <= hs and he <= ent.end:
            form = country_form(ent.text)
            for place, pid in sorted(places.items()):
                if same_country(place, form):
                    return pid
            return _country_id(ent.text)
    return None


def prepare(docs: Sequence[GoldDocument], mentions: Sequence[GoldMention]) -> Prepared:
    """Parse the articles, find their labels, and embed the mention phrases."""
    from parallax.nlp.embeddings import load_embedder

    parsed = _parse(docs)
    by_doc = {d.doc_id: (d, p) for d, p in zip(docs, parsed, strict=True)}
    labels: dict[str, list[Label]] = {}
    entities: dict[str, list[EntitySpan]] = {}
    for d, p in zip(docs, parsed, strict=True):
        sentences = [(s.start_char, s.end_char) for s in p.sents if s.text.strip()]
        ents = [EntitySpan(e.start_char, e.end_char, e.label_, e.text) for e in p.ents]
        entities[d.doc_id] = ents
        labels[d.doc_id] = find_labels(d.doc_id, d.body, sentences, ents)
    # One id per entity across the articles of an event.
    aliases: dict[str, dict[str, str]] = {}
    places: dict[str, dict[str, str]] = defaultdict(dict)
    for event in sorted({d.event_id for d in docs}):
        members = {d.doc_id: labels[d.doc_id] for d in docs if d.event_id == event}
        aliases[event] = alias_map(members)
        for doc_labels in members.values():
            for lb in doc_labels:
                if lb.kind == "name":
                    key = label_key(lb.surface, "GPE")
                    if key is not None and entity_id(key) == lb.entity_id:
                        places[event].setdefault(country_form(lb.surface), lb.entity_id)
    phrases = []
    for m in mentions:
        _, parsed_doc = by_doc[m.doc_id]
        head = _head(parsed_doc, m.start, m.end)
        entity = None
        if head is not None:
            entity = _head_entity(labels[m.doc_id], entities[m.doc_id], places[m.event_id], head)
        if entity is not None:
            entity = aliases[m.event_id].get(entity, entity)
        phrases.append(Phrase(m.doc_id, m.text, head[0] if head else "", entity))
    vectors = load_embedder().encode([m.text for m in mentions])
    return Prepared(tuple(mentions), tuple(phrases), vectors)


def parallax_clusters(
    prepared: Prepared, events: Sequence[str], attach: float = ATTACH, merge: float = MERGE
) -> dict[str, dict[str, str]]:
    """Event -> mention id -> predicted concept."""
    out: dict[str, dict[str, str]] = {}
    for event in events:
        idx = [i for i, m in enumerate(prepared.mentions) if m.event_id == event]
        groups = group_phrases(
            [prepared.phrases[i] for i in idx], prepared.vectors[idx], attach, merge
        )
        out[event] = {
            prepared.mentions[i].mention_id: str(g) for i, g in zip(idx, groups, strict=True)
        }
    return out


def baseline_clusters(prepared: Prepared, events: Sequence[str]) -> dict[str, dict[str, str]]:
    """Event -> mention id -> the mention's lower-cased head word (or phrase)."""
    out: dict[str, dict[str, str]] = {e: {} for e in events}
    for m, p in zip(prepared.mentions, prepared.phrases, strict=True):
        if m.event_id in out:
            out[m.event_id][m.mention_id] = p.head or " ".join(m.text.lower().split())
    return out


def evaluate(
    prepared: Prepared, predicted: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, Counts]]:
    """Per-event metric counts of one system."""
    gold: dict[str, dict[str, str]] = defaultdict(dict)
    for m in prepared.mentions:
        gold[m.event_id][m.mention_id] = m.concept
    return {e: metrics(_clusters(gold[e]), _clusters(predicted[e])) for e in sorted(predicted)}


def tune(prepared: Prepared, dev: Sequence[str]) -> list[tuple[float, float, float, float]]:
    """(dev B-cubed F1, dev CoNLL F1, attach, merge) over a grid, best B-cubed F1 first."""
    grid = []
    for attach in (0.6, 0.7, 0.75, 0.8, 0.9, 1.01):
        for merge in (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6):
            s = summary(evaluate(prepared, parallax_clusters(prepared, dev, attach, merge)))
            grid.append((s["b3_f1"], s["conll_f1"], attach, merge))
    return sorted(grid, key=lambda g: (-g[0], -g[1], g[2], g[3]))


def score(root: Path, console: Console | None = None) -> dict[str, Any]:
    """Score parallax and the baseline on the test events; prints tables when given a console.

    Returns ``{"parallax": {...}, "baseline": {...}, "dev": {"parallax": ..., "baseline": ...},
    "events": {event: {"parallax": ..., "baseline": ...}}, "test_events": [...]}`` where each
    system's figures are `summary` keys (``b3_f1``, ``conll_f1``, ``b3_f1_macro``, ...).
    """
    docs, mentions = load_gold(root)
    if not mentions:
        raise FileNotFoundError(f"no NewsWCL50 CoNLL file with concept chains under {root}")
    prepared = prepare(docs, mentions)
    dev, test = split_events([d.event_id for d in docs])
    if not test:
        dev, test = [], dev
    result: dict[str, Any] = {"test_events": test, "dev_events": dev, "events": {}}
    for part, events in (("test", test), ("dev", dev)):
        per = {
            "parallax": evaluate(prepared, parallax_clusters(prepared, events)),
            "baseline": evaluate(prepared, baseline_clusters(prepared, events)),
        }
        for system, counts in per.items():
            if part == "test":
                result[system] = summary(counts)
            elif events:
                result.setdefault("dev", {})[system] = summary(counts)
            for event, m in counts.items():
                result["events"].setdefault(event, {})[system] = summary({event: m})
    if console is not None:
        _print(console, result, prepared)
    return result


def _print(console: Console, result: Mapping[str, Any], prepared: Prepared) -> None:
    table = Table(
        title=(
            f"Label grouping, NewsWCL50: {len(prepared.mentions)} concept mentions, "
            f"{len({(m.event_id, m.concept) for m in prepared.mentions})} concepts, "
            f"test events {', '.join(result['test_events'])} "
            f"(dev {', '.join(result['dev_events'])})"
        )
    )
    for column in ("event", "system", "mentions", "B3 P", "B3 R", "B3 F1", "MUC F1", "CEAFe F1",
                   "CoNLL F1"):  # fmt: skip
        table.add_column(column, justify="left" if column in {"event", "system"} else "right")
    counts: dict[str, int] = defaultdict(int)
    for m in prepared.mentions:
        counts[m.event_id] += 1
    rows: list[tuple[str, Mapping[str, float], str]] = []
    for event in result["test_events"]:
        for system in ("parallax", "baseline"):
            rows.append((event, result["events"][event][system], system))
    for system in ("parallax", "baseline"):
        rows.append(("test micro", result[system], system))
    for system in ("parallax", "baseline"):
        macro: dict[str, float] = dict(result[system])
        macro.update({k: macro[f"{k}_macro"] for k in ("b3_f1", "muc_f1", "ceafe_f1", "conll_f1")})
        macro.update({"b3_p": float("nan"), "b3_r": float("nan")})
        rows.append(("test macro", macro, system))
    for system in ("parallax", "baseline"):
        if "dev" in result:
            rows.append(("dev micro", result["dev"][system], system))
    for event, figures, system in rows:
        n = counts.get(event, 0)
        table.add_row(
            event, system, str(n) if n else "",
            *(
                # NaN: a macro row has no pooled precision or recall
                "" if figures[k] != figures[k] else f"{figures[k]:.3f}"
                for k in ("b3_p", "b3_r", "b3_f1", "muc_f1", "ceafe_f1", "conll_f1")
            ),
        )  # fmt: skip
    console.print(table)
    console.print(
        "baseline: one concept per lower-cased head word. No published figure for this "
        "grouping is given in the data's README."
    )


def main(argv: list[str] | None = None) -> int:
    """``parallax eval labels --data DIR``: print the table; 2 when the data is absent."""
    parser = argparse.ArgumentParser(prog="parallax eval labels", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the newswcl50/ folder")
    parser.add_argument(
        "--tune", action="store_true", help="print the threshold grid on the dev events"
    )
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    try:
        if args.tune:
            docs, mentions = load_gold(args.data)
            if not mentions:
                raise FileNotFoundError(f"no NewsWCL50 CoNLL file under {args.data}")
            dev, _ = split_events([d.event_id for d in docs])
            for b3, conll, attach, merge in tune(prepare(docs, mentions), dev)[:10]:
                console.print(
                    f"dev B3 F1 {b3:.4f}  CoNLL F1 {conll:.4f}  attach {attach}  merge {merge}"
                )
            return 0
        score(args.data, console)
    except FileNotFoundError as exc:
        Console(stderr=True).print(
            f"[red]{exc}.[/red] Pass --data DIR, a folder laid out like "
            "../shared/data/newswcl50 (Diverse_CDCR_fulltext/ with the CoNLL file)."
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
