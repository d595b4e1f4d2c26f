"""Choose the event model's weights on the dev events of the gold sets, never on test events.

``python -m parallax.eval.event_tuning --data ../shared/data`` computes each dev document's
features once, clusters them under every combination of a small grid and prints the combination
with the best mean dev B-cubed F1 (each set weighted equally, as for the baselines) among those
that pass the acceptance test of the bundled demo corpus: its three occasions (a meeting, a press
conference a day later, a summit months on) come out as three events. The dev events hold no two
occasions of one subject a day apart, so dev data alone cannot weigh occasions; the demo corpus
is a constraint, never the objective. Ties go to the larger ``max_days`` (time weighed, not cut).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from parallax.eval.event_sets import GoldDoc, load_sets
from parallax.eval.events import measure, split_events
from parallax.events.cluster import EventModel, cluster
from parallax.events.features import EventFeatures, event_features, lead_text
from parallax.nlp.annotate import annotate
from parallax.nlp.embeddings import load_embedder

GRID: dict[str, list[Any]] = {
    "day_curve": ["linear", "log"],
    "threshold": [0.45, 0.5, 0.55, 0.6],
    "day_penalty": [0.005, 0.01, 0.02, 0.04, 0.06],
    "max_days": [30, 365],
    "actor_weight": [0.15, 0.3],
    "occasion_conflict": [0.2, 0.3, 0.45],
}
#: The demo corpus, whose occasions every chosen model must keep apart.
DEMO = Path(__file__).resolve().parents[2] / "examples" / "seeds"
#: Its occasions by file prefix: the Sep 3 press conference, the Sep 2 meeting, the November
#: summit (the acceptance test of issue 3).
DEMO_EVENTS = {frozenset({"000", "001"}), frozenset({"002", "003"}), frozenset({"004"})}


def features_for(docs: Sequence[GoldDoc]) -> list[EventFeatures]:
    """The clusterer's features for gold documents (ids are their positions)."""
    anns = annotate([d.body for d in docs])
    leads = [lead_text(d.title, d.body, a) for d, a in zip(docs, anns, strict=True)]
    vectors = load_embedder().encode(leads)
    return event_features(
        [f"{i:06d}" for i in range(len(docs))], [d.title for d in docs],
        [d.body for d in docs], [d.published_at for d in docs], anns, vectors,
    )


def dev_f1(sets: list[tuple[list[GoldDoc], list[EventFeatures]]], model: EventModel) -> float:
    """Mean B-cubed F1 over the dev parts of the sets."""
    scores = []
    for docs, feats in sets:
        labels = {m.article_id: m.event_id for m in cluster(feats, model)}
        scores.append(measure(docs, [labels[f.article_id] for f in feats])["f1"])
    return sum(scores) / len(scores)


def demo_features() -> tuple[list[EventFeatures], list[str]] | None:
    """Features of the demo corpus and each article's file name, or None where it is absent."""
    import tempfile

    from parallax.ingest import ingest_paths
    from parallax.settings import Settings
    from parallax.store import SQLiteStore

    if not DEMO.is_dir():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.db")
        with SQLiteStore(db) as store:
            ingest_paths([str(DEMO)], store, Settings(db=db))
            articles = [store.get_article(a) for a in sorted(store.unanalyzed_article_ids())]
    found = [a for a in articles if a is not None]
    docs = [
        GoldDoc(doc_id=a.article_id, event_id="", title=a.metadata.title or "", body=a.body,
                published_at=a.metadata.published_at)
        for a in found
    ]
    return features_for(docs), [Path(a.source.path).name[:3] for a in found]


def demo_events(
    feats: Sequence[EventFeatures], names: Sequence[str], model: EventModel
) -> set[frozenset[str]]:
    """The model's events of the demo corpus, as sets of file-name prefixes."""
    by_event: dict[str, set[str]] = {}
    name_of = {f.article_id: n for f, n in zip(feats, names, strict=True)}
    for m in cluster(feats, model):
        by_event.setdefault(m.event_id, set()).add(name_of[m.article_id])
    return {frozenset(v) for v in by_event.values()}


def tune(data: Path, console: Console) -> tuple[EventModel, float]:
    """Grid search on dev events; returns the best model and its mean dev F1."""
    dev = [(docs, feats) for _, docs, feats in split_sets(data, console, "dev")]
    demo = demo_features()
    names = list(GRID)
    results: list[tuple[float, tuple[Any, ...]]] = []
    for values in itertools.product(*(GRID[n] for n in names)):
        model = EventModel(**dict(zip(names, values, strict=True)))
        if demo is not None and demo_events(demo[0], demo[1], model) != DEMO_EVENTS:
            continue
        results.append((dev_f1(dev, model), values))
    console.print(f"{len(results)} combinations keep the demo corpus's occasions apart"
                  if demo is not None else "demo corpus absent: no constraint")
    top = max(f1 for f1, _ in results)
    tied = [values for f1, values in results if f1 == top]
    # Ties: the larger max_days (time weighed, not cut), then the first in grid order.
    chosen = max(tied, key=lambda v: v[names.index("max_days")])
    model = EventModel(**dict(zip(names, chosen, strict=True)))
    console.print(f"{len(tied)} combinations reach the best mean dev F1 {top:.4f}")
    return model, top


#: A gold set's name, documents and their features.
NamedSet = tuple[str, list[GoldDoc], list[EventFeatures]]

#: The wider grid of the ceiling: every weight the score has, from off to strong.
CEILING_GRID: dict[str, list[Any]] = {
    "day_curve": ["linear", "log"],
    "threshold": [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
    "day_penalty": [0.0, 0.005, 0.01, 0.02, 0.04],
    "max_days": [30, 365],
    "actor_weight": [0.0, 0.15, 0.3, 0.5],
    "occasion_conflict": [0.1, 0.2, 0.3, 0.45, 0.6],
}


@dataclass(frozen=True)
class Ceiling:
    """The best the event score can do on test events when its weights are chosen on those
    same events: for one configuration over all sets (the lowest set's F1 is what a goal "on
    every set" asks), and for each set alone. A diagnostic, never a way to choose a model."""

    sets: list[str]
    #: (lowest set F1, each set's F1, the weights) of the configuration with the highest lowest
    best_single: tuple[float, list[float], dict[str, Any]] | None
    #: each set's highest F1 under any configuration
    best_each: list[float]
    configurations: int


def ceiling(
    sets: Sequence[NamedSet],
    grid: dict[str, list[Any]],
    keep: Callable[[EventModel], bool] = lambda model: True,
) -> Ceiling:
    """Score every configuration of ``grid`` that ``keep`` accepts on every set."""
    names = list(grid)
    best_single: tuple[float, list[float], dict[str, Any]] | None = None
    best_each = [0.0] * len(sets)
    configurations = 0
    for values in itertools.product(*(grid[n] for n in names)):
        weights = dict(zip(names, values, strict=True))
        model = EventModel(**weights)
        if not keep(model):
            continue
        configurations += 1
        scores = []
        for _, docs, feats in sets:
            labels = {m.article_id: m.event_id for m in cluster(feats, model)}
            scores.append(measure(docs, [labels[f.article_id] for f in feats])["f1"])
        best_each = [max(a, b) for a, b in zip(best_each, scores, strict=True)]
        if best_single is None or min(scores) > best_single[0]:
            best_single = (min(scores), scores, weights)
    return Ceiling([name for name, _, _ in sets], best_single, best_each, configurations)


def split_sets(data: Path, console: Console, part: str) -> list[NamedSet]:
    """Each gold set's ``"dev"`` or ``"test"`` documents with their features."""
    gold_sets, notes = load_sets(data)
    for note in notes:
        console.print(note)
    found = []
    for gold in gold_sets:
        if gold.role == "sanity":
            continue
        dev_events, test_events = split_events(gold)
        events = dev_events if part == "dev" else test_events
        docs = [d for d in gold.docs if d.event_id in events]
        console.print(f"{gold.name}: {len(docs)} {part} documents in {len(events)} events")
        found.append((gold.name, docs, features_for(docs)))
    return found


def ceiling_table(title: str, found: Ceiling) -> Table:
    """One ceiling as a table: the best single configuration's F1 per set beside each set's
    own best."""
    table = Table(title=f"{title} ({found.configurations} configurations)")
    for column in ("set", "one configuration", "each set alone"):
        table.add_column(column, justify="left" if column == "set" else "right")
    for i, name in enumerate(found.sets):
        single = found.best_single[1][i] if found.best_single else 0.0
        table.add_row(name, f"{single:.3f}", f"{found.best_each[i]:.3f}")
    if found.best_single:
        weights = ", ".join(f"{k}={v}" for k, v in found.best_single[2].items())
        table.caption = f"lowest set {found.best_single[0]:.3f} with {weights}"
    return table


def main(argv: list[str] | None = None) -> int:
    """Print the dev-chosen event model (or, with ``--ceiling``, what no model can pass)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="score every configuration of a wider grid on the TEST events themselves, with "
        "and without the demo corpus's constraint: the most this score can reach, not a model",
    )
    args = parser.parse_args(argv)
    console = Console()
    if not args.data.is_dir():
        console.print(f"[red]gold data folder {args.data} is absent; pass --data DIR[/]")
        return 2
    if args.ceiling:
        sets = split_sets(args.data, console, "test")
        demo = demo_features()
        free = ceiling(sets, CEILING_GRID)
        console.print(ceiling_table("Ceiling on test events, any weights", free))
        if demo is not None:
            apart = ceiling(
                sets, CEILING_GRID, lambda m: demo_events(demo[0], demo[1], m) == DEMO_EVENTS
            )
            console.print(
                ceiling_table("Ceiling on test events, demo occasions kept apart", apart)
            )
        return 0
    model, f1 = tune(args.data, console)
    table = Table(title=f"Event model chosen on dev events (mean dev B-cubed F1 {f1:.4f})")
    table.add_column("parameter")
    table.add_column("value")
    for name in GRID:
        table.add_row(name, str(getattr(model, name)))
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
