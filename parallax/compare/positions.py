"""How an actor's stated position moved over time: shifts, contradictions and repeats.

No packaged model reads stance (NLI models download at run time), so a statement's position is
read from its parse, per topic:

- the *topics* of a statement are its common nouns ("land", "territories"), folded to a key
  (lemma, and a 7-letter stem so "territory" / "territories" meet); topics of one actor whose
  word embeddings are near-synonyms ("land" / "territory") are merged into one;
- the *stance* on a topic is ``rejects`` when a negation governs the noun ("not about land",
  "never raised the issue of receiving territories"), ``demands`` when a modal of obligation
  does ("troops must withdraw from the territories"), else ``asserts``.

Two statements of one actor on one topic where one ``rejects`` and the other ``demands`` are a
**shift** when both are dated and a week or more apart, and a **contradiction** otherwise (the
same occasion, days apart, or a time that the coverage does not give); a bare ``asserts`` is too
weak a reading to oppose anything. Undated statements sort after dated ones.
The same words said again on another occasion (the statements stage's repeat links) are a
**repeat**. Changes are read between consecutive runs of one stance along the actor's timeline,
so the output grows with the number of stance changes, not with the square of the statements.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

import numpy as np

from parallax.model import PositionChange, PositionPoint

STANCES = ("rejects", "demands", "asserts")

#: Days apart from which opposed stances are a shift in position rather than a contradiction.
SHIFT_DAYS = 7
#: Cosine between two topic words' embeddings from which they are one topic: high enough that
#: only inflections and near-synonyms meet ("territory" / "territories" 0.87), not neighbours in
#: a field ("troops" / "army" 0.75, "war" / "fighting" 0.72, "land" / "territory" 0.69).
SYNONYM_COSINE = 0.8
#: The stances that can oppose each other.
OPPOSED = ("rejects", "demands")

_NEGATIONS = frozenset({"not", "n't", "never", "no", "neither", "nor", "nothing", "without"})
_OBLIGATIONS = frozenset({"must", "should", "need", "have", "ought", "require", "demand"})
#: Nouns too general to be a topic on their own.
_GENERIC = frozenset(
    [
        "issue",
        "question",
        "thing",
        "way",
        "time",
        "people",
        "year",
        "day",
        "week",
        "month",
        "country",
        "world",
        "fact",
        "part",
        "matter",
        "point",
        "case",
        "process",
        "side",
        "situation",
        "term",
        "kind",
        "lot",
        "number",
        "place",
        "course",
        "word",
        "today",
        "moment",
        "end",
        "idea",
        "reason",
        "result",
        "example",
        "sense",
        "state",
        "side",
        "view",
        "position",
        "statement",
        "comment",
        "remark",
        "interview",
        "conference",
        "meeting",
        "summit",
        "reporter",
        "journalist",
    ]
)


@dataclass(frozen=True)
class Stance:
    """One topic of one statement and the stance taken on it."""

    topic: str
    lemma: str
    stance: str


def topic_key(lemma: str) -> str:
    """The key a topic word is grouped by: its lemma, cut to a 7-letter stem."""
    lemma = lemma.casefold()
    return lemma[:7] if len(lemma) > 7 else lemma


def _governed(token: Any, words: frozenset[str], deps: frozenset[str]) -> bool:
    """Whether the token or a head above it (up to the clause root) has such a child."""
    node = token
    for _ in range(8):
        for child in node.children:
            if child.dep_ in deps or child.lower_ in words or child.lemma_.lower() in words:
                return True
        if node.head is node or node.dep_ in ("ccomp", "advcl", "relcl", "conj"):
            return False
        node = node.head
    return False


_CONDITIONS = frozenset({"if", "unless", "whether", "once", "should"})


def _conditional(token: Any) -> bool:
    """Whether the token sits in a condition ("if ...", "should the conflict be resolved"):
    a modal there states no demand."""
    node = token
    for _ in range(8):
        subjects = [c.i for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        for child in node.children:
            if child.dep_ == "mark" and child.lower_ in _CONDITIONS:
                return True
            # An inverted modal before its subject is a condition, not an obligation.
            if child.dep_ == "aux" and subjects and child.i < min(subjects):
                return True
        if node.head is node or node.dep_ in ("ccomp", "relcl", "conj"):
            return False
        node = node.head
    return False


def stances_of(doc: Any) -> list[Stance]:
    """Topics and stances of one parsed statement (a spaCy ``Doc``), one per topic key."""
    found: dict[str, Stance] = {}
    for token in doc:
        if token.pos_ != "NOUN" or not token.is_alpha or len(token.text) < 3:
            continue
        lemma = token.lemma_.lower()
        if token.is_stop or lemma in _GENERIC:
            continue
        if _governed(token, _NEGATIONS, frozenset({"neg"})) or any(
            c.lower_ == "no" for c in token.children
        ):
            stance = "rejects"
        elif _governed(token, _OBLIGATIONS, frozenset()) and not _conditional(token):
            stance = "demands"
        else:
            stance = "asserts"
        key = topic_key(lemma)
        # The strongest reading wins when a noun comes twice: a "no" is what a reader notices.
        prior = found.get(key)
        if prior is None or STANCES.index(stance) < STANCES.index(prior.stance):
            found[key] = Stance(key, lemma, stance)
    return [found[k] for k in sorted(found)]


@dataclass(frozen=True)
class StatementPoint:
    """One statement of the actor, placed in time, with its stances and evidence quote."""

    statement_id: str
    day: date | None
    event_id: str | None
    stances: tuple[Stance, ...]
    point: PositionPoint


def merge_topics(lemmas: Sequence[str], vectors: np.ndarray) -> dict[str, str]:
    """Map each topic key to the key of its group: near-synonyms (cosine at least
    `SYNONYM_COSINE` to the group's first, most frequent word) share one group."""
    # A word joins the first group (in order of founding) whose seed is close enough; the
    # seeds' cosines come from one matrix product per word, not a Python loop over groups,
    # since a much-quoted actor's words run to thousands.
    seeds = np.empty_like(vectors)
    seed_keys: list[str] = []
    mapping: dict[str, str] = {}
    for i, lemma in enumerate(lemmas):
        key = topic_key(lemma)
        if key in mapping:
            continue
        close = np.flatnonzero(seeds[: len(seed_keys)] @ vectors[i] >= SYNONYM_COSINE)
        if close.size:
            mapping[key] = seed_keys[int(close[0])]
        else:
            seeds[len(seed_keys)] = vectors[i]
            seed_keys.append(key)
            mapping[key] = key
    return mapping


def _day_gap(a: date | None, b: date | None) -> int | None:
    if a is None or b is None:
        return None
    return abs((b - a).days)


def position_changes(
    actor_entity_id: str,
    points: Sequence[StatementPoint],
    topic_groups: dict[str, str] | None = None,
    repeats: Sequence[tuple[str, str, float]] = (),
) -> list[PositionChange]:
    """The shifts, contradictions and repeats in one actor's dated statements.

    ``topic_groups`` maps a topic key to its group (`merge_topics`); ``repeats`` are
    ``(statement_id, other_id, score)`` links of the same words on another occasion.
    """
    groups = topic_groups or {}
    label_counts: dict[str, Counter[str]] = defaultdict(Counter)
    by_topic: dict[str, list[tuple[StatementPoint, str]]] = defaultdict(list)
    for p in points:
        seen: set[str] = set()
        for s in p.stances:
            topic = groups.get(s.topic, s.topic)
            label_counts[topic][s.lemma] += 1
            if topic not in seen:
                seen.add(topic)
                by_topic[topic].append((p, s.stance))
    changes: list[PositionChange] = []
    for topic, items in sorted(by_topic.items()):
        label = min(label_counts[topic].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        items.sort(key=lambda it: (it[0].day or date.max, it[0].statement_id))
        runs: list[list[tuple[StatementPoint, str]]] = []
        for item in items:
            if item[1] not in OPPOSED:
                continue
            if runs and runs[-1][-1][1] == item[1]:
                runs[-1].append(item)
            else:
                runs.append([item])
        for before_run, after_run in pairwise(runs):
            before, after = before_run[-1], after_run[0]
            gap = _day_gap(before[0].day, after[0].day)
            kind = "shift" if gap is not None and gap >= SHIFT_DAYS else "contradiction"
            changes.append(
                PositionChange(actor_entity_id, label, kind, before[0].point, after[0].point, 1.0)
            )
    by_id = {p.statement_id: p for p in points}
    for sid, other, score in repeats:
        a, b = by_id.get(sid), by_id.get(other)
        if a is None or b is None:
            continue
        first, second = sorted((a, b), key=lambda p: (p.day or date.max, p.statement_id))
        # The same words: the statements' own text says what they are about.
        topic = ""
        changes.append(
            PositionChange(
                actor_entity_id, topic, "repeat", first.point, second.point, round(score, 3)
            )
        )
    return sorted(
        changes,
        key=lambda c: (c.topic, c.after.day or "~", c.kind, c.before.quote_id, c.after.quote_id),
    )
