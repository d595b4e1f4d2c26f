"""Choose the event model's weights on the dev events of the gold sets, never on test events.

``python -m parallax.eval.event_tuning --data ../shared/data`` computes each dev document's
features once, clusters them under every combination of a small grid and prints the combination
with the best mean dev B-cubed F1 (each set weighted equally, as for the baselines), taking the
centre of the plateau of equally good combinations. See `EventModel` for how its result relates to
the defaults.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from parallax.eval.event_sets import GoldDoc, load_sets
from parallax.eval.events import measure, split_events
from parallax.events.cluster import EventModel, cluster
from parallax.events.features import EventFeatures, event_features, lead_text
from parallax.nlp.annotate import annotate
from parallax.nlp.embeddings import load_embedder

GRID: dict[str, list[float]] = {
    "threshold": [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75],
    "day_penalty": [0.0, 0.002, 0.005, 0.01, 0.02],
    "max_days": [7, 30, 90],
    "actor_weight": [0.0, 0.1, 0.2, 0.3],
    "occasion_conflict": [0.0, 0.1, 0.2, 0.3, 0.4],
}
#: Combinations within this much of the best dev F1 count as equally good.
PLATEAU = 0.005


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


def tune(data: Path, console: Console) -> tuple[EventModel, float]:
    """Grid search on dev events; returns the best model and its mean dev F1."""
    gold_sets, notes = load_sets(data)
    for note in notes:
        console.print(note)
    dev: list[tuple[list[GoldDoc], list[EventFeatures]]] = []
    for gold in gold_sets:
        if gold.role == "sanity":
            continue
        dev_events, _ = split_events(gold)
        docs = [d for d in gold.docs if d.event_id in dev_events]
        console.print(f"{gold.name}: {len(docs)} dev documents in {len(dev_events)} events")
        dev.append((docs, features_for(docs)))
    names = list(GRID)
    results: list[tuple[float, tuple[float, ...]]] = []
    for values in itertools.product(*(GRID[n] for n in names)):
        model = EventModel(**dict(zip(names, values, strict=True)))  # type: ignore[arg-type]
        results.append((dev_f1(dev, model), values))
    top = max(f1 for f1, _ in results)
    plateau = [values for f1, values in results if f1 >= top - PLATEAU]
    console.print(f"{len(plateau)} of {len(results)} combinations are within {PLATEAU} of the "
                  f"best mean dev F1 {top:.4f}")
    # The dev events hold no two occasions of one subject a day apart, so dev data says nothing
    # about the occasion weight: among equally good combinations take the strongest separation of
    # occasions (an event is one occasion), then the centre of what remains (the median value of
    # each parameter), the choice least sensitive to which events happened to be in dev.
    strongest = max(v[names.index("occasion_conflict")] for v in plateau)
    plateau = [v for v in plateau if v[names.index("occasion_conflict")] == strongest]
    chosen: dict[str, float] = {}
    for i, name in enumerate(names):
        column = sorted(v[i] for v in plateau)
        chosen[name] = column[len(column) // 2]
        console.print(f"  {name}: plateau {column[0]}..{column[-1]}, median {chosen[name]}")
    model = EventModel(**chosen)  # type: ignore[arg-type]
    return model, dev_f1(dev, model)


def main(argv: list[str] | None = None) -> int:
    """Print the dev-chosen event model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    console = Console()
    if not args.data.is_dir():
        console.print(f"[red]gold data folder {args.data} is absent; pass --data DIR[/]")
        return 2
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
