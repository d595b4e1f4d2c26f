"""The comparison sections of a story or event page, as plain dicts read from stored rows:

- ``facts``: per event, the numbers, dates and places its articles state, x outlets;
- ``labels``: per entity, the surface forms each outlet uses for it ("Kiev" / "Kyiv");
- ``framing``: per outlet, the attribution verbs it uses for each speaker, its hedges and its
  evaluative phrases;
- ``tone``: per outlet and entity, how its sentences lean toward the entity;
- ``position_changes``: shifts, contradictions and repeats of the story's speakers.

Every example carries ``article_id``, ``start`` and ``end`` (offsets into the clean body), so the
page links to the words it shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from parallax.compare.facts import fact_order, facts_of
from parallax.model import FramingCue, Label, PositionChange, Tone
from parallax.store import Store

#: Examples kept per table cell: enough to check a claim, few enough for a page.
EXAMPLES = 3
#: Fact rows per event: the facts most outlets share come first.
FACT_ROWS = 40


def _cite(article_id: str, start: int, end: int, text: str) -> dict[str, Any]:
    return {"article_id": article_id, "start": start, "end": end, "text": text}


def _majority_omitted(carried: set[str], covering: Sequence[str]) -> list[str]:
    """Columns that covered the event but left out what most of its coverage carried."""
    covering_set = set(covering)
    if not covering_set or 2 * len(carried & covering_set) <= len(covering_set):
        return []
    return [c for c in covering if c not in carried]


def facts_by_event(
    store: Store, events: Sequence[dict[str, Any]], column_of_article: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Per event id, its key facts x columns: ``cells`` maps a column to ``stated`` or
    ``absent``, ``evidence`` to the spans; a fact one outlet alone states is kept when the event
    has several outlets (what only some report), others when two or more outlets state them."""
    out: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        ids = [m["article_id"] for m in event["members"]]
        covering = sorted({column_of_article[a] for a in ids if a in column_of_article})
        annotations = store.annotations(ids)
        bodies = {a: store.article_body(a) for a in annotations}
        rows: dict[str, dict[str, Any]] = {}
        for aid in ids:
            if aid not in annotations or bodies.get(aid) is None:
                continue
            col = column_of_article[aid]
            for fact in facts_of(bodies[aid] or "", annotations[aid].entities):
                row = rows.setdefault(
                    fact.key,
                    {
                        "key": fact.key,
                        "kind": fact.kind,
                        "text": fact.text,
                        "first": fact.start,
                        "evidence": defaultdict(list),
                    },
                )
                if len(row["evidence"][col]) < EXAMPLES:
                    row["evidence"][col].append(_cite(aid, fact.start, fact.end, fact.text))
        facts = []
        for row in rows.values():
            carried = set(row["evidence"])
            if len(carried) < 2 and not (row["kind"] == "number" and len(covering) > 1):
                continue
            facts.append(
                {
                    "key": row["key"],
                    "kind": row["kind"],
                    "text": row["text"],
                    "cells": {c: ("stated" if c in carried else "absent") for c in covering},
                    "evidence": {c: row["evidence"][c] for c in sorted(carried)},
                    "stated_by": sorted(carried),
                    "omitted_by": _majority_omitted(carried, covering),
                }
            )
        facts.sort(key=lambda f: (-len(f["stated_by"]), fact_order(f["kind"]), f["key"]))
        out[event["event_id"]] = facts[:FACT_ROWS]
    return out


def entity_names(labels: Sequence[Label], known: Mapping[str, str]) -> dict[str, str]:
    """A display name per entity: the known speaker name, else its most used name form
    (longer forms first on a tie, so "Vladimir Putin" beats "Putin")."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for lb in labels:
        if lb.kind == "name":
            counts[lb.entity_id][lb.surface] += 1
    names = {}
    for eid, c in counts.items():
        names[eid] = (
            known.get(eid) or min(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
        )
    for eid, name in known.items():
        names.setdefault(eid, name)
    return names


def labels_table(
    labels: Sequence[Label],
    column_of_article: Mapping[str, str],
    names: Mapping[str, str],
    *,
    min_columns: int = 2,
) -> list[dict[str, Any]]:
    """Entities named by at least ``min_columns`` outlets, each with its surface forms, the
    kind of each (name / role / epithet) and per column the count and a few examples. An entity
    comes first when its outlets disagree on the form."""
    by_entity: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    entity_columns: dict[str, set[str]] = defaultdict(set)
    for lb in labels:
        col = column_of_article.get(lb.article_id)
        if col is None:
            continue
        entity_columns[lb.entity_id].add(col)
        form = by_entity[lb.entity_id].setdefault(
            lb.surface, {"surface": lb.surface, "kind": lb.kind, "columns": {}, "examples": {}}
        )
        form["columns"][col] = form["columns"].get(col, 0) + 1
        examples = form["examples"].setdefault(col, [])
        if len(examples) < EXAMPLES:
            examples.append(_cite(lb.article_id, lb.start, lb.end, lb.surface))
    table = []
    for eid, forms in by_entity.items():
        if len(entity_columns[eid]) < min_columns:
            continue
        surfaces = sorted(forms.values(), key=lambda f: (-sum(f["columns"].values()), f["surface"]))
        # Outlets differ when some outlet uses a form another never does.
        used = [set(f["columns"]) for f in surfaces]
        differs = any(u != set(entity_columns[eid]) for u in used)
        table.append(
            {
                "entity_id": eid,
                "name": names.get(eid, surfaces[0]["surface"]),
                "columns": sorted(entity_columns[eid]),
                "mentions": sum(sum(f["columns"].values()) for f in surfaces),
                "differs": differs,
                "forms": surfaces,
            }
        )
    table.sort(key=lambda e: (not e["differs"], -len(e["forms"]), -e["mentions"], e["name"]))
    return table


def framing_table(
    cues: Sequence[FramingCue],
    column_of_article: Mapping[str, str],
    names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Per column: its attribution verbs per speaker (with the value of each: neutral,
    emphatic, doubt, loaded), its hedges and its evaluative phrases, each with examples."""
    columns: dict[str, dict[str, Any]] = {}
    for cue in cues:
        col = column_of_article.get(cue.article_id)
        if col is None:
            continue
        entry = columns.setdefault(
            col, {"column": col, "attribution": {}, "hedge": {}, "evaluative": {}, "counts": {}}
        )
        entry["counts"][cue.value] = entry["counts"].get(cue.value, 0) + 1
        group = entry.setdefault(cue.kind, {})
        if cue.kind == "attribution":
            speaker = names.get(cue.target_entity_id or "", "unknown speaker")
            group = group.setdefault(speaker, {})
        item = group.setdefault(
            cue.lemma, {"lemma": cue.lemma, "value": cue.value, "count": 0, "examples": []}
        )
        item["count"] += 1
        if len(item["examples"]) < EXAMPLES:
            item["examples"].append(_cite(cue.article_id, cue.start, cue.end, cue.text))
    out = []
    for col in sorted(columns):
        entry = columns[col]

        def ranked(items: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
            return sorted(items.values(), key=lambda i: (-i["count"], i["lemma"]))

        out.append(
            {
                "column": col,
                "counts": entry["counts"],
                "attribution": [
                    {"speaker": sp, "verbs": ranked(verbs)}
                    for sp, verbs in sorted(entry["attribution"].items())
                ],
                "hedges": ranked(entry["hedge"]),
                "evaluative": ranked(entry["evaluative"]),
            }
        )
    return out


def tone_table(
    tones: Sequence[Tone],
    column_of_article: Mapping[str, str],
    names: Mapping[str, str],
    text_of: Callable[[str, int, int], str],
    *,
    entities: int = 8,
) -> list[dict[str, Any]]:
    """For the most mentioned entities: per column the counts of negative / neutral / positive
    sentences toward the entity, the mean score, and the strongest sentences as evidence."""
    mentions = Counter(t.target_entity_id for t in tones)
    top = [eid for eid, _ in sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))][:entities]
    cells: dict[tuple[str, str], list[Tone]] = defaultdict(list)
    for t in tones:
        col = column_of_article.get(t.article_id)
        if col is not None and t.target_entity_id in top:
            cells[(t.target_entity_id, col)].append(t)
    out = []
    for eid in top:
        row_columns: dict[str, dict[str, Any]] = {}
        row = {"entity_id": eid, "name": names.get(eid, eid), "columns": row_columns}
        for (target, col), items in sorted(cells.items()):
            if target != eid:
                continue
            counts = Counter(t.label for t in items)
            strongest = sorted(
                (t for t in items if t.label != "neutral"), key=lambda t: (-abs(t.score), t.start)
            )[:EXAMPLES]
            row_columns[col] = {
                "negative": counts.get("negative", 0),
                "neutral": counts.get("neutral", 0),
                "positive": counts.get("positive", 0),
                "mean": round(sum(t.score for t in items) / len(items), 3),
                "examples": [
                    {
                        **_cite(
                            t.article_id, t.start, t.end, text_of(t.article_id, t.start, t.end)
                        ),
                        "label": t.label,
                        "score": t.score,
                        "target": t.target.text,
                    }
                    for t in strongest
                ],
            }
        out.append(row)
    return out


def position_rows(
    changes: Sequence[PositionChange],
    article_ids: set[str],
    names: Mapping[str, str],
    text_of: Callable[[str, int, int], str],
) -> list[dict[str, Any]]:
    """Position changes with at least one side in these articles, with the words of both."""
    out: list[dict[str, Any]] = []
    for c in changes:
        if c.before.article_id not in article_ids and c.after.article_id not in article_ids:
            continue
        out.append(
            {
                "actor_entity_id": c.actor_entity_id,
                "actor": names.get(c.actor_entity_id, c.actor_entity_id),
                "topic": c.topic,
                "kind": c.kind,
                "score": c.score,
                "before": {
                    **_cite(
                        c.before.article_id,
                        c.before.start,
                        c.before.end,
                        text_of(c.before.article_id, c.before.start, c.before.end),
                    ),
                    "quote_id": c.before.quote_id,
                    "day": c.before.day,
                },
                "after": {
                    **_cite(
                        c.after.article_id,
                        c.after.start,
                        c.after.end,
                        text_of(c.after.article_id, c.after.start, c.after.end),
                    ),
                    "quote_id": c.after.quote_id,
                    "day": c.after.day,
                },
            }
        )
    kinds = {"shift": 0, "contradiction": 1, "repeat": 2}
    out.sort(
        key=lambda r: (kinds.get(r["kind"], 3), r["actor"], r["topic"], r["after"]["day"] or "~")
    )
    return out


def comparison(
    store: Store,
    events: Sequence[dict[str, Any]],
    column_of_article: Mapping[str, str],
    speakers: Mapping[str, str],
) -> dict[str, Any]:
    """The comparison sections for the articles of these events (see the module docstring)."""
    ids = sorted(column_of_article)
    labels = store.labels_of(ids)
    names = entity_names(labels, speakers)
    bodies: dict[str, str] = {}

    def text_of(article_id: str, start: int, end: int) -> str:
        if article_id not in bodies:
            bodies[article_id] = store.article_body(article_id) or ""
        return bodies[article_id][start:end]

    actor_ids = sorted({eid for eid in speakers if eid})
    return {
        "facts": facts_by_event(store, events, column_of_article),
        "labels": labels_table(labels, column_of_article, names),
        "framing": framing_table(store.framing_of(ids), column_of_article, names),
        "tone": tone_table(store.tones_of(ids), column_of_article, names, text_of),
        "position_changes": position_rows(store.positions(actor_ids), set(ids), names, text_of),
    }
