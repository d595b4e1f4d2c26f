"""Pipeline stages: NLP annotation, event clustering and story chaining over the store.

Each stage works on the articles that are new since the last run. Decisions already stored are
replayed, never re-decided, so event and story ids stay stable and adding an article changes
only the event it joins (and that event's story summary).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parallax.events.cluster import (
    EventClusterer,
    EventGroup,
    EventModel,
    StoryModel,
    chaining_model,
    order_for_clustering,
)
from parallax.events.features import (
    PAST_REFERENCE,
    EventFeatures,
    event_features,
    lead_text,
    occasion_span,
)
from parallax.nlp.annotate import MODEL as NLP_MODEL
from parallax.nlp.annotate import Annotation, Parses, annotate
from parallax.nlp.embeddings import BACKENDS, DEFAULT_BACKEND, Vectors, load_embedder
from parallax.nlp.neighbours import load_marked, save_marked
from parallax.reading import Readings
from parallax.scale.batches import BatchMap, local_map, run_batches
from parallax.settings import Settings
from parallax.store import Store
from parallax.store.sqlite import now_iso

BATCH = 64


@dataclass(frozen=True)
class ArticleText:
    """What annotation reads of one article: the input of `Annotate.compute`."""

    article_id: str
    title: str | None
    body: str
    published_at: str | None


@dataclass(frozen=True)
class Annotated:
    """What `Annotate.compute` finds for one article: what `Annotate.write` stores."""

    article_id: str
    annotation: Annotation
    #: the lead embedding, by the embedder named ``model``
    vector: Vectors
    model: str
    features: EventFeatures


def article_texts(store: Store, article_ids: Sequence[str]) -> list[ArticleText]:
    """What annotation (and the read stage) takes of the articles that exist, in the order
    given."""
    articles = [a for a in (store.get_article(i) for i in article_ids) if a is not None]
    return [
        ArticleText(a.article_id, a.metadata.title, a.body, a.metadata.published_at)
        for a in articles
    ]


def annotate_articles(
    items: Sequence[ArticleText], parses: Parses | None = None, threads: int = 0
) -> list[Annotated]:
    """Sentences, entities, lead embedding and event features of each article, in order.

    Pure: no store (``parses`` only keeps the parses for later stages). The lead embeddings of
    the int8 model depend on which leads share a batch (padding and activation scales), so a
    caller that must reproduce stored vectors passes the same batches. ``threads`` is the
    embedder's (0: one per core; the vectors are the same).
    """
    embedder = load_embedder(DEFAULT_BACKEND, threads)
    anns = annotate([a.body for a in items], parses=parses)
    leads = [lead_text(a.title, a.body, ann) for a, ann in zip(items, anns, strict=True)]
    vectors = embedder.encode(leads)
    features = event_features(
        [a.article_id for a in items],
        [a.title for a in items],
        [a.body for a in items],
        [a.published_at for a in items],
        anns,
        vectors,
    )
    return [
        Annotated(a.article_id, ann, vectors[i], embedder.name, f)
        for i, (a, ann, f) in enumerate(zip(items, anns, features, strict=True))
    ]


class Annotate:
    """Sentences, entities (spaCy) and the lead embedding of each new article.

    A batch stage (`parallax.scale.batches`): `read` and `write` touch the store, `compute` is
    pure, and ``map_batches`` decides where the compute steps run (here, or on Ray).
    """

    name = "nlp"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("annotations", "vectors.lead", "event_features")

    def __init__(
        self, batch: int = BATCH, parses: Parses | None = None, readings: Readings | None = None
    ) -> None:
        self.batch = batch
        # shared with the later stages that read the same bodies (quotes), so each is parsed once
        self.parses = parses
        # what the `Read` stage found in the round's articles: written, not computed again
        self.readings = readings

    def kept(self) -> dict[str, int]:
        """What the stage keeps for the next round: the parses it shares with later stages."""
        return {} if self.parses is None else {"parses": len(self.parses)}

    def __call__(
        self,
        store: Store,
        article_ids: Sequence[str],
        settings: Settings,
        map_batches: BatchMap = local_map,
    ) -> dict[str, int]:
        """Annotate and embed in batches; stores annotations, vectors and event features."""
        counts = {"sentences": 0, "entities": 0}
        missing: Sequence[str] = article_ids
        if self.readings is not None:
            held, missing = self.readings.split(article_ids)
            self.write(store, [r.annotated for r in held], counts)
        for records in run_batches(self, store, missing, map_batches):
            self.write(store, records, counts)
        return counts

    def read(self, store: Store, article_ids: Sequence[str]) -> list[ArticleText]:
        """`article_texts`: the texts of the articles that exist, in the order given."""
        return article_texts(store, article_ids)

    def compute(self, items: Sequence[ArticleText]) -> list[Annotated]:
        """`annotate_articles`: the pure step."""
        return annotate_articles(items, self.parses)

    def write(self, store: Store, records: Sequence[Annotated], counts: dict[str, int]) -> None:
        """Store one batch's annotations, lead vectors and event features; add to ``counts``."""
        if not records:
            return
        store.save_annotations(NLP_MODEL, {r.article_id: r.annotation for r in records})
        store.save_vectors("lead", records[0].model, {r.article_id: r.vector for r in records})
        store.save_event_features([r.features for r in records])
        counts["sentences"] += sum(len(r.annotation.sentences) for r in records)
        counts["entities"] += sum(len(r.annotation.entities) for r in records)


def stored_lead_vectors(store: Store, article_ids: Sequence[str]) -> dict[str, Vectors]:
    """The lead vectors `Annotate` saved, for stages that compare leads (provenance)."""
    return store.vectors("lead", DEFAULT_BACKEND, article_ids)


def _span(article_id: str, start: int, end: int, text: str) -> dict[str, object]:
    return {"article_id": article_id, "start": start, "end": end, "text": text}


def _event_summary(store: Store, group: EventGroup, seq: int) -> dict[str, object]:
    """The event's row: title, dates, place, and the member-article evidence for each."""
    members = store.event_member_rows(group.event_id)
    titled = [m for m in members if m["title"]]
    dated = sorted((m["published_at"][:10], m["article_id"]) for m in members if m["published_at"])
    evidence: dict[str, object] = {}
    if titled:
        evidence["title"] = {"article_id": titled[0]["article_id"], "field": "title"}
    if dated:
        evidence["start"] = {"article_id": dated[0][1], "field": "published_at"}
        evidence["end"] = {"article_id": dated[-1][1], "field": "published_at"}
    places: Counter[str] = Counter()
    first_place: dict[str, dict[str, object]] = {}
    occasion = group.occasion()
    for aid, ann in store.annotations([m["article_id"] for m in members[:20]]).items():
        article = store.get_article(aid)
        if article is None:
            continue
        lead_end = ann.sentences[2][1] if len(ann.sentences) >= 3 else len(article.body)
        for e in ann.entities:
            if e.label == "GPE" and e.start < lead_end:
                # "in Beijing" names where it happened; a bare "Russia" is usually a subject.
                located = article.body[max(0, e.start - 4) : e.start].lower().endswith(
                    "in "
                ) and not PAST_REFERENCE.match(article.body, e.end)
                places[e.text] += 3 if located else 1
                first_place.setdefault(e.text, _span(aid, e.start, e.end, e.text))
        if occasion is not None and "occasion" not in evidence:
            found = occasion_span(article.body)
            if found is not None and found[0] == occasion:
                _, start, end = found
                evidence["occasion"] = _span(aid, start, end, article.body[start:end])
    place = sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if places else None
    if place is not None:
        evidence["place"] = first_place[place]
    return {
        "event_id": group.event_id,
        "title": titled[0]["title"] if titled else None,
        "start": dated[0][0] if dated else None,
        "end": dated[-1][0] if dated else None,
        "place": place,
        "articles": len(members),
        "seq": seq,
        "updated_at": now_iso(),
        "evidence": evidence,
    }


#: Events whose stored aggregate is rebuilt from their members' features at a time.
REBUILD_CHUNK = 500


def load_event_groups(store: Store) -> dict[str, EventGroup]:
    """Every stored event's aggregated member features (no ANN index: nothing is decided).

    Read from the events' stored aggregates, one row per event; an event whose aggregate is
    missing or does not match its memberships (a store analysed before aggregates were kept)
    is folded again from its members' features, in decision order, and its aggregate saved."""
    marks = store.event_member_marks()
    groups: dict[str, EventGroup] = {}
    for row in store.event_aggregates(DEFAULT_BACKEND):
        if marks.get(row["event_id"]) == (row["members"], row["last_seq"]):
            groups[row["event_id"]] = EventGroup.from_record(row)
    stale = sorted(set(marks) - set(groups))
    for start in range(0, len(stale), REBUILD_CHUNK):
        members = store.members_of_events(stale[start : start + REBUILD_CHUNK])
        feats = store.event_features([a for a, _ in members], DEFAULT_BACKEND)
        rebuilt: dict[str, EventGroup] = {}
        for article_id, event_id in members:
            if article_id in feats:
                rebuilt.setdefault(event_id, EventGroup(event_id)).add(feats[article_id])
        store.save_event_aggregates(
            group.to_record(DEFAULT_BACKEND, marks[event_id][1])
            for event_id, group in sorted(rebuilt.items())
            if group.articles == marks[event_id][0]
        )
        groups.update(rebuilt)
    return groups


def lead_index_folder(store: Store) -> Path | None:
    """Where the lead index is kept between runs: the store's `index_home` (beside a SQLite
    file, or a cache folder for a PostgreSQL store); ``None`` when it has none."""
    home = store.index_home()
    return None if home is None else home / f"leads-{DEFAULT_BACKEND}"


def load_clusterer(store: Store, model: EventModel) -> EventClusterer:
    """An event clusterer holding every stored decision: the events as stored
    (`load_event_groups`), which event each article is in, and the neighbour index of their
    leads: the one the last committed round kept, else rebuilt in decision order from the
    stored vectors, read a batch at a time."""
    dim = BACKENDS[DEFAULT_BACKEND].dim  # the class's, not a loaded model's
    index = load_marked(
        lead_index_folder(store),
        store.decisions_key("event_members"),
        dim,
        lambda: (
            (article_id, np.frombuffer(vector, dtype=np.float32)[:dim])
            for article_id, _, vector in store.decided_lead_vectors(DEFAULT_BACKEND)
        ),
    )
    return EventClusterer(model, dim=dim).restore(
        load_event_groups(store), store.event_memberships(), index
    )


class Events:
    """Put each new article in an event (or found one)."""

    name = "events"
    requires: tuple[str, ...] = ("event_features",)
    assigns: tuple[str, ...] = ("events",)

    def __init__(self, model: EventModel | None = None) -> None:
        self.model = model or EventModel()
        # The clusterer as the last call left it, with its store and that store's membership
        # mark: the next round of a run goes on from it rather than reloading every stored
        # article's features; any other change to the memberships moves the mark (a rolled-back
        # round, another writer) and the clusterer is loaded again.
        self._kept: tuple[Store, tuple[int, int], EventClusterer] | None = None
        # the store and mark the lead index was last saved at
        self._saved: tuple[Store, tuple[int, int]] | None = None

    def kept(self) -> dict[str, int]:
        """What the stage keeps for the next round: the clusterer's events and the articles
        in its index."""
        if self._kept is None:
            return {}
        clusterer = self._kept[2]
        return {"events": len(clusterer.events), "articles indexed": len(clusterer.index)}

    def committed(self, store: Store) -> None:
        """After a round commits: keep the lead index the clusterer grew, if it grew, so the
        next run loads it instead of rebuilding it from every stored lead."""
        kept = self._kept
        if kept is None or kept[0] is not store:
            return
        key = store.decisions_key("event_members")
        mark = key[:2]
        if mark == kept[1] and (store, mark) != self._saved:
            save_marked(lead_index_folder(store), key, kept[2].index)
            self._saved = (store, mark)

    def _clusterer(self, store: Store) -> EventClusterer:
        kept = self._kept
        self._kept = None
        if kept is not None and kept[0] is store and kept[1] == store.decisions_mark(
            "event_members"
        ):
            return kept[2]
        return load_clusterer(store, self.model)

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Cluster the new articles against all stored events."""
        clusterer = self._clusterer(store)
        feats = store.event_features(article_ids, DEFAULT_BACKEND)
        seq = store.next_seq("event_members")
        before = set(clusterer.events)
        last_seq: dict[str, int] = {}  # per touched event, its last membership's number
        for f in order_for_clustering([feats[a] for a in article_ids if a in feats]):
            m = clusterer.add(f)
            store.add_membership(m.article_id, m.event_id, m.confidence, m.score, seq)
            last_seq[m.event_id] = seq
            seq += 1
        touched = set(last_seq)
        event_seq = store.next_seq("events")
        for event_id in sorted(touched):
            store.upsert_event(_event_summary(store, clusterer.events[event_id], event_seq))
            event_seq += 1
        store.save_event_aggregates(
            clusterer.events[event_id].to_record(DEFAULT_BACKEND, last_seq[event_id])
            for event_id in sorted(touched)
        )
        self._kept = (store, store.decisions_mark("event_members"), clusterer)
        new = touched - before
        return {"events_new": len(new), "events_updated": len(touched - new)}


def _event_as_features(group: EventGroup) -> EventFeatures:
    """An event seen as one item for story chaining: its centroid, core actors and first day."""
    return EventFeatures(
        article_id=group.event_id,
        vector=group.centroid(),
        actors=frozenset(group.core(group.actors)),
        places=frozenset(group.core(group.places)),
        when=min(group.days) if group.days else None,
        occasion=None,
    )


class Stories:
    """Chain new events into stories by shared actors and subject over time."""

    name = "stories"
    requires: tuple[str, ...] = ("events",)
    assigns: tuple[str, ...] = ("stories",)

    def __init__(self, model: StoryModel | None = None) -> None:
        self.model = model or StoryModel()

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Give every event without a story one; refresh the summaries of touched stories."""
        events = load_event_groups(store)
        rows = store.event_rows(sorted(events))
        chains = EventClusterer(chaining_model(self.model), prefix="st_")
        known = sorted(
            (e for e in rows.values() if e["story_id"]),
            key=lambda e: (e["seq"], e["event_id"]),
        )
        chains.fit((_event_as_features(events[e["event_id"]]), e["story_id"]) for e in known)
        unassigned = [
            _event_as_features(events[eid]) for eid, e in sorted(rows.items()) if not e["story_id"]
        ]
        touched: set[str] = set()
        for f in order_for_clustering(unassigned):
            m = chains.add(f)
            store.set_event_story(m.article_id, m.event_id, m.confidence)
            touched.add(m.event_id)
        for event_id in {e for e in article_events(store, article_ids)}:
            story = store.event_rows([event_id])[event_id]["story_id"]
            if story:
                touched.add(story)
        for story_id in sorted(touched):
            members = store.list_events(story_id)
            starts = [e["start"] for e in members if e["start"]]
            ends = [e["end"] for e in members if e["end"]]
            biggest = sorted(members, key=lambda e: (-e["articles"], e["start"] or "~"))[0]
            store.upsert_story(
                {
                    "story_id": story_id,
                    "title": biggest["title"],
                    "start": min(starts) if starts else None,
                    "end": max(ends) if ends else None,
                    "events": len(members),
                    "updated_at": now_iso(),
                }
            )
        return {"stories_touched": len(touched), "events_chained": len(unassigned)}


def article_events(store: Store, article_ids: Sequence[str]) -> set[str]:
    """The events the given articles belong to."""
    return store.events_of_articles(article_ids)


def _event_clusterer(
    titles: Sequence[str | None],
    bodies: Sequence[str],
    published: Sequence[str | None],
    model: EventModel | None,
) -> tuple[list[str], dict[str, str], EventClusterer]:
    """Document ids, their event ids and the clusterer, for documents held in memory."""
    from parallax.events.cluster import clustered

    anns = annotate(bodies)
    leads = [lead_text(t, b, a) for t, b, a in zip(titles, bodies, anns, strict=True)]
    vectors = load_embedder(DEFAULT_BACKEND).encode(leads)
    ids = [f"doc{i:06d}" for i in range(len(bodies))]
    feats = event_features(ids, titles, bodies, published, anns, vectors)
    memberships, clusterer = clustered(feats, model)
    return ids, {m.article_id: m.event_id for m in memberships}, clusterer


def cluster_texts(
    titles: Sequence[str | None],
    bodies: Sequence[str],
    published: Sequence[str | None],
    model: EventModel | None = None,
) -> list[str]:
    """Event labels for documents held in memory (evaluation): the stages without a store."""
    ids, labels, _ = _event_clusterer(titles, bodies, published, model)
    return [labels[i] for i in ids]


def story_texts(
    titles: Sequence[str | None],
    bodies: Sequence[str],
    published: Sequence[str | None],
    model: EventModel | None = None,
    story: StoryModel | None = None,
) -> tuple[list[str], list[str]]:
    """Event and story labels for documents held in memory: their events chained as the
    Stories stage chains them."""
    ids, labels, clusterer = _event_clusterer(titles, bodies, published, model)
    chains = EventClusterer(chaining_model(story or StoryModel()), prefix="st_")
    events = [_event_as_features(clusterer.events[e]) for e in sorted(clusterer.events)]
    story_of = {m.article_id: m.event_id for m in map(chains.add, order_for_clustering(events))}
    return [labels[i] for i in ids], [story_of[labels[i]] for i in ids]


__all__ = [
    "Annotate",
    "Annotated",
    "ArticleText",
    "Events",
    "Stories",
    "annotate_articles",
    "cluster_texts",
    "story_texts",
]
