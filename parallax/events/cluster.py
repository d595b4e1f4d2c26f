"""Incremental, deterministic clustering of articles into events, and of events into stories.

Each new article is compared only with the events of its nearest neighbours in an ANN index
(usearch HNSW over lead vectors), so cost grows about linearly with the corpus. The score of an
article against an event weighs what (cosine to the event centroid), who (shared salient actors),
where (shared places), when (days apart, weighed rather than cut) and the occasion (a press
conference is not a meeting with someone else). Above the threshold the article joins the best
event; otherwise it founds a new one whose id derives from its own id, so ids never change when
articles are added.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from parallax.events.features import EventFeatures, Occasion
from parallax.nlp.embeddings import Vectors
from parallax.nlp.neighbours import NeighbourIndex


@dataclass(frozen=True)
class EventModel:
    """The weights of the event score.

    Chosen on the dev events of the gold sets (`parallax.eval.event_tuning`): among the grid's
    combinations that keep apart the occasions of the bundled demo story (the acceptance test of
    issue 3: a meeting, a press conference a day later, a summit in November), the best mean dev
    B-cubed F1. Days apart are weighed on a log curve: the first days after an event separate
    occasions, weeks later add little more, so long-running coverage is not cut. Dev ties were
    broken towards no cap on the days weighed (``max_days`` 365 over 30).
    """

    threshold: float = 0.45
    actor_weight: float = 0.15
    place_weight: float = 0.05
    occasion_match: float = 0.05
    occasion_conflict: float = 0.30
    day_penalty: float = 0.04
    max_days: int = 365
    #: "log": penalty = day_penalty * ln(1 + days); "linear": day_penalty * days.
    day_curve: str = "log"
    neighbours: int = 20


@dataclass(frozen=True)
class StoryModel:
    """Weights for chaining events into stories: same actors and subject, looser in time."""

    threshold: float = 0.55
    actor_weight: float = 0.30
    day_penalty: float = 0.002
    max_days: int = 180


def chaining_model(story: StoryModel) -> EventModel:
    """The event score as story chaining uses it: events are the items, compared on subject,
    actors and time only (no places, no occasions), with days weighed on a straight line."""
    return EventModel(
        threshold=story.threshold,
        actor_weight=story.actor_weight,
        place_weight=0.0,
        occasion_match=0.0,
        occasion_conflict=0.0,
        day_penalty=story.day_penalty,
        max_days=story.max_days,
        day_curve="linear",
    )


@dataclass(frozen=True)
class Membership:
    """An article's event, with how sure the clusterer was (0..1)."""

    article_id: str
    event_id: str
    confidence: float
    score: float


def stable_id(prefix: str, seed: str) -> str:
    """A short id derived from a founding member's id."""
    return prefix + hashlib.sha256(seed.encode()).hexdigest()[:12]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class EventGroup:
    """An event as the clusterer sees it: its members' features aggregated.

    What the score reads (centroid, core actors and places, nearest day) is cached and kept
    current on `add`, so scoring an article against a large event costs no more than against a
    small one: the clustering cost per article stays flat as events grow.
    """

    event_id: str
    #: member articles folded in
    articles: int = 0
    vector_sum: Vectors = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    actors: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    days: list[date] = field(default_factory=list)
    occasions: Counter[Occasion] = field(default_factory=Counter)
    _centroid: Vectors | None = field(default=None, repr=False, compare=False)
    _cores: dict[int, set[str]] = field(default_factory=dict, repr=False, compare=False)
    _sorted_days: list[date] = field(default_factory=list, repr=False, compare=False)

    def add(self, f: EventFeatures) -> None:
        """Fold one member's features in."""
        self.articles += 1
        self.vector_sum = (
            f.vector.copy() if not self.vector_sum.size else self.vector_sum + f.vector
        )
        self.actors.update(f.actors)
        self.places.update(f.places)
        if f.when is not None:
            self.days.append(f.when)
            bisect.insort(self._sorted_days, f.when)
        if f.occasion is not None:
            self.occasions[f.occasion] += 1
        self._centroid = None
        self._cores.clear()

    def centroid(self) -> Vectors:
        """Unit mean vector of the members."""
        if self._centroid is None:
            norm = float(np.linalg.norm(self.vector_sum))
            self._centroid = self.vector_sum / norm if norm else self.vector_sum
        return self._centroid

    def core(self, counts: Counter[str]) -> set[str]:
        """Keys carried by at least half of the members."""
        cached = self._cores.get(id(counts))
        if cached is None:
            need = max(1, math.ceil(self.articles / 2))
            cached = self._cores[id(counts)] = {k for k, n in counts.items() if n >= need}
        return cached

    def days_apart(self, day: date) -> int | None:
        """Days from ``day`` to the nearest member's day (``None`` when no member is dated)."""
        ordered = self._sorted_days
        if not ordered:
            return None
        i = bisect.bisect_left(ordered, day)
        near = [ordered[j] for j in (i - 1, i) if 0 <= j < len(ordered)]
        return min(abs((day - d).days) for d in near)

    def occasion(self) -> Occasion | None:
        """The occasion most members name (ties: the first in sort order)."""
        if not self.occasions:
            return None
        return sorted(self.occasions.items(), key=lambda kv: (-kv[1], repr(kv[0])))[0][0]

    def to_record(self, model: str, last_seq: int) -> dict[str, object]:
        """The event's stored row (`Store.save_event_aggregates`): everything the score reads,
        the vector sum bit for bit, so a group read back scores exactly as this one."""
        return {
            "event_id": self.event_id,
            "model": model,
            "members": self.articles,
            "last_seq": last_seq,
            "vector_sum": np.asarray(self.vector_sum, dtype=np.float32).tobytes(),
            "actors": json.dumps(dict(sorted(self.actors.items())), ensure_ascii=False),
            "places": json.dumps(dict(sorted(self.places.items())), ensure_ascii=False),
            "days": json.dumps([d.isoformat() for d in self._sorted_days]),
            "occasions": json.dumps(
                sorted(
                    ([o.kind, o.counterpart, n] for o, n in self.occasions.items()),
                    key=lambda t: (t[0], t[1] or "", t[1] is not None),
                ),
                ensure_ascii=False,
            ),
        }

    @classmethod
    def from_record(cls, row: Mapping[str, Any]) -> EventGroup:
        """The group a `to_record` row was made from."""
        days = [date.fromisoformat(d) for d in json.loads(row["days"])]
        return cls(
            event_id=row["event_id"],
            articles=int(row["members"]),
            vector_sum=np.frombuffer(row["vector_sum"], dtype=np.float32).copy(),
            actors=Counter(json.loads(row["actors"])),
            places=Counter(json.loads(row["places"])),
            days=list(days),
            occasions=Counter(
                {Occasion(kind, other): n for kind, other, n in json.loads(row["occasions"])}
            ),
            _sorted_days=days,
        )


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


def event_score(f: EventFeatures, group: EventGroup, model: EventModel) -> float:
    """How well an article fits an event; the threshold separates join from found."""
    score = float(np.dot(f.vector, group.centroid()))
    score += model.actor_weight * _jaccard(f.actors, group.core(group.actors))
    score += model.place_weight * _jaccard(f.places, group.core(group.places))
    apart = group.days_apart(f.when) if f.when is not None else None
    if apart is not None:
        days = min(apart, model.max_days)
        score -= model.day_penalty * (math.log1p(days) if model.day_curve == "log" else days)
    theirs = group.occasion()
    if f.occasion is not None and theirs is not None:
        if f.occasion.kind != theirs.kind or (
            f.occasion.counterpart
            and theirs.counterpart
            and f.occasion.counterpart != theirs.counterpart
        ):
            score -= model.occasion_conflict
        else:
            score += model.occasion_match
    return score


class EventClusterer:
    """Holds the events of a corpus and adds articles one at a time.

    `fit` replays existing memberships (from the store) without re-deciding them; `add` decides
    for a new article. The ANN index holds one vector per article; a neighbour's event is a
    candidate.
    """

    def __init__(
        self, model: EventModel | None = None, dim: int = 384, prefix: str = "ev_"
    ) -> None:
        self.model = model or EventModel()
        self.prefix = prefix
        self.events: dict[str, EventGroup] = {}
        self.event_of: dict[str, str] = {}
        self._index = NeighbourIndex(dim)

    def _remember(self, f: EventFeatures, event_id: str) -> None:
        group = self.events.setdefault(event_id, EventGroup(event_id))
        group.add(f)
        self.event_of[f.article_id] = event_id
        self._index.add(f.article_id, f.vector)

    def fit(self, known: Iterable[tuple[EventFeatures, str]]) -> EventClusterer:
        """Load articles whose events are already decided (in a deterministic order)."""
        for f, event_id in known:
            self._remember(f, event_id)
        return self

    @property
    def index(self) -> NeighbourIndex:
        """The nearest-neighbour index of the decided articles' leads."""
        return self._index

    def restore(
        self,
        events: Mapping[str, EventGroup],
        members: Iterable[tuple[str, str]],
        index: NeighbourIndex,
    ) -> EventClusterer:
        """Go on from stored decisions without replaying them: the events as they stand,
        ``(article_id, event_id)`` of their members, and the neighbour index of the members'
        leads in decision order (the graph `fit` builds on the same decisions, rebuilt or
        kept from the run that built it)."""
        self.events = dict(events)
        self._index = index
        for article_id, event_id in members:
            if event_id in self.events:
                self.event_of[article_id] = event_id
        return self

    def candidates(self, f: EventFeatures) -> list[str]:
        """Events of the article's nearest neighbours, in id order."""
        near = self._index.nearest(f.vector, self.model.neighbours)
        return sorted({self.event_of[key] for key in near})

    def add(self, f: EventFeatures) -> Membership:
        """Put one new article in the best event, or found a new one."""
        best_id, best = None, -math.inf
        for event_id in self.candidates(f):
            score = event_score(f, self.events[event_id], self.model)
            if score > best:
                best_id, best = event_id, score
        margin = best - self.model.threshold
        if best_id is not None and margin >= 0:
            confidence = _sigmoid(10 * margin)
            event_id = best_id
        else:
            confidence = _sigmoid(-10 * margin) if best_id is not None else 1.0
            event_id = stable_id(self.prefix, f.article_id)
        self._remember(f, event_id)
        return Membership(
            f.article_id,
            event_id,
            round(confidence, 4),
            round(best, 4) if best_id is not None else 0.0,
        )


def order_for_clustering(features: Sequence[EventFeatures]) -> list[EventFeatures]:
    """Dated articles first, in time order, then undated ones; ties by id. Deterministic."""
    return sorted(features, key=lambda f: (f.when is None, f.when or date.min, f.article_id))


def cluster(features: Sequence[EventFeatures], model: EventModel | None = None) -> list[Membership]:
    """Cluster a whole batch from scratch (used by evaluation and tests)."""
    return clustered(features, model)[0]


def clustered(
    features: Sequence[EventFeatures], model: EventModel | None = None
) -> tuple[list[Membership], EventClusterer]:
    """`cluster`, with the clusterer that holds the events it made."""
    clusterer = EventClusterer(model, dim=int(features[0].vector.shape[0]) if features else 384)
    return [clusterer.add(f) for f in order_for_clustering(features)], clusterer
