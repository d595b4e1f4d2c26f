"""Events are kept in the store folded together (one row per event), so that a process reads
one row per event instead of every member article's features, and decides exactly as one that
replayed every decision."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from postgres_db import fresh_schema

from parallax.events.cluster import EventClusterer, EventGroup, EventModel, event_score
from parallax.events.features import EventFeatures, Occasion
from parallax.events.stage import (
    Events,
    Stories,
    lead_index_folder,
    load_clusterer,
    load_event_groups,
)
from parallax.ingest import ingest_paths
from parallax.nlp.embeddings import DEFAULT_BACKEND
from parallax.nlp.neighbours import NeighbourIndex
from parallax.settings import Settings
from parallax.store import SQLiteStore, open_store

TOPICS = ("budget", "flood", "election", "strike", "summit")


def _features(article_ids: list[str], seed: int = 7) -> list[EventFeatures]:
    """Articles on five topics over two months: vectors near their topic's centre, topic
    actors and places, and occasions with and without a counterpart."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(TOPICS), 384)).astype(np.float32)
    found = []
    for n, article_id in enumerate(article_ids):
        topic = n % len(TOPICS)
        vector = centres[topic] + rng.normal(scale=0.6, size=384).astype(np.float32)
        occasion = (
            None if n % 3 == 0
            else Occasion("meeting", f"en_{TOPICS[(topic + 1) % 5]}") if n % 3 == 1
            else Occasion("press_conference")
        )
        found.append(
            EventFeatures(
                article_id=article_id,
                vector=(vector / np.linalg.norm(vector)).astype(np.float32),
                actors=frozenset({f"en_{TOPICS[topic]}", f"en_person{n % 4}"}),
                places=frozenset({f"gpe_{TOPICS[topic]}"} if n % 2 else set()),
                when=None if n % 7 == 6 else date(2025, 9, 1) + timedelta(days=(n * 5) % 60),
                occasion=occasion,
            )
        )
    return found


def _record(group: EventGroup) -> dict[str, object]:
    return group.to_record(DEFAULT_BACKEND, 0)


def test_an_event_read_back_is_the_event_that_was_saved() -> None:
    features = _features([f"a{n:03d}" for n in range(60)])
    clusterer = EventClusterer(EventModel())
    for f in features[:40]:
        clusterer.add(f)
    assert 3 <= len(clusterer.events) < 40  # some events, several members each
    restored = {
        e: EventGroup.from_record(_record(g)) for e, g in clusterer.events.items()
    }
    for event_id, group in clusterer.events.items():
        again = restored[event_id]
        assert _record(again) == _record(group)  # the vector sum bit for bit
        assert again.articles == group.articles and again.days == sorted(group.days)
        for f in features[40:]:
            assert event_score(f, again, clusterer.model) == event_score(f, group, clusterer.model)


def test_a_restored_clusterer_decides_as_the_one_that_made_the_decisions() -> None:
    features = _features([f"a{n:03d}" for n in range(80)])
    going = EventClusterer(EventModel())
    decided = [going.add(f) for f in features[:50]]
    vectors = {f.article_id: f.vector for f in features}
    index = NeighbourIndex(384)
    for m in decided:  # in decision order, as the store gives them
        index.add(m.article_id, vectors[m.article_id])
    restored = EventClusterer(EventModel()).restore(
        {e: EventGroup.from_record(_record(g)) for e, g in going.events.items()},
        ((m.article_id, m.event_id) for m in decided),
        index,
    )
    assert [restored.add(f) for f in features[50:]] == [going.add(f) for f in features[50:]]


@pytest.fixture(params=["sqlite", "postgresql"])
def analysed(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[SQLiteStore, Settings, list[str]]]:
    """A store (on each backend) of 30 articles with lead vectors and event features, none
    clustered yet (the features are made up: no model runs)."""
    with contextlib.ExitStack() as scope:
        if request.param == "sqlite":
            url = str(tmp_path / "events.db")
        else:
            url = scope.enter_context(fresh_schema())
        yield scope.enter_context(_store_of_articles(tmp_path, url))


@contextlib.contextmanager
def _store_of_articles(
    tmp_path: Path, url: str
) -> Iterator[tuple[SQLiteStore, Settings, list[str]]]:
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(30):
        (folder / f"art{n:02d}.txt").write_text(
            f"Report {n}\n\nOfficials met on day {n} in town {n} to talk about item {n}. "
            f"They said the plan for district {n} would change. Residents asked about {n}.\n",
            encoding="utf-8",
        )
    settings = Settings(db=url)
    with open_store(url) as store:
        assert ingest_paths([str(folder)], store, settings).articles == 30
        ids = store.unanalyzed_article_ids()
        features = _features(ids)
        with store.transaction():
            store.save_event_features(features)
            store.save_vectors("lead", DEFAULT_BACKEND, {f.article_id: f.vector for f in features})
        yield store, settings, ids


def _cluster_in_rounds(
    store: SQLiteStore, settings: Settings, ids: list[str], variant: str
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    events, stories = Events(), Stories()
    for start in range(0, len(ids), 7):
        if variant in ("reloaded", "kept index"):
            events = Events()  # a new process each round: events read from the store
        if variant == "legacy":
            events = Events()
            with store.transaction():  # a store analysed before events were kept folded
                store._execute("DELETE FROM event_aggregates")
        with store.transaction():
            events(store, ids[start : start + 7], settings)
            stories(store, ids[start : start + 7], settings)
        if variant == "kept index":  # the lead index saved after the commit, loaded next
            events.committed(store)
    story_of = {e["event_id"]: e["story_id"] for e in store.list_events()}
    return store.memberships(), story_of


@pytest.mark.parametrize("variant", ["reloaded", "legacy", "kept index"])
def test_rounds_decide_the_same_from_stored_events_as_from_kept_ones(
    analysed: tuple[SQLiteStore, Settings, list[str]], tmp_path: Path, variant: str
) -> None:
    store, settings, ids = analysed
    kept = _cluster_in_rounds(store, settings, ids, "kept")
    assert len(set(kept[1])) >= 3 and len(set(kept[1].values())) >= 2
    with store.transaction():
        for table in ("event_aggregates", "event_members", "events", "stories"):
            store._execute(f"DELETE FROM {table}")
    assert _cluster_in_rounds(store, settings, ids, variant) == kept
    # every event's row is current: a fresh read folds nothing again
    rows = {r["event_id"]: r for r in store.event_aggregates(DEFAULT_BACKEND)}
    marks = store.event_member_marks()
    assert {e: (r["members"], r["last_seq"]) for e, r in rows.items()} == marks


def test_stories_read_one_row_per_event_not_the_articles(
    analysed: tuple[SQLiteStore, Settings, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings, ids = analysed
    with store.transaction():
        Events()(store, ids[:20], settings)
    asked: list[str] = []
    real = store.event_features

    def features(article_ids: Any, model: str) -> Any:
        article_ids = list(article_ids)
        asked.extend(article_ids)
        return real(article_ids, model)

    monkeypatch.setattr(store, "event_features", features)
    with store.transaction():
        Stories()(store, ids[:20], settings)
        assert asked == []  # every event's aggregate was current
        load_clusterer(store, EventModel())
        assert asked == []
        # an aggregate that no longer matches its event's members is folded again
        groups = load_event_groups(store)
        stale = sorted(groups)[0]
        store._execute(
            "UPDATE event_aggregates SET members = members + 1, vector_sum = ? "
            "WHERE event_id = ?",
            (np.zeros(384, dtype=np.float32).tobytes(), stale),
        )
        again = load_event_groups(store)
    members = dict(store.memberships())
    assert sorted(asked) == sorted(a for a, e in members.items() if e == stale)
    assert {e: _record(g) for e, g in again.items()} == {e: _record(g) for e, g in groups.items()}
    fixed = {r["event_id"]: r for r in store.event_aggregates(DEFAULT_BACKEND)}[stale]
    assert (fixed["members"], fixed["last_seq"]) == store.event_member_marks()[stale]


def test_event_rows_come_in_the_order_asked(
    analysed: tuple[SQLiteStore, Settings, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings, ids = analysed
    with store.transaction():
        Events()(store, ids, settings)
    events = sorted({e for _, e in store.memberships()}, reverse=True)
    monkeypatch.setattr("parallax.store.queries.ID_CHUNK", 2)  # several queries
    rows = store.event_rows([*events, "ev_missing", events[0]])
    assert list(rows) == events  # unknown ids left out, each id once
    assert all(rows[e]["event_id"] == e and rows[e]["articles"] >= 1 for e in events)


def test_a_committed_round_keeps_the_lead_index_and_the_next_process_reads_it(
    analysed: tuple[SQLiteStore, Settings, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings, ids = analysed
    events = Events()
    with store.transaction():
        events(store, ids[:20], settings)
    folder = lead_index_folder(store)
    assert folder is not None and not (folder / "mark.json").exists()  # nothing committed yet
    events.committed(store)
    assert (folder / "mark.json").is_file()
    rebuilt: list[str] = []
    real = store.decided_lead_vectors

    def leads(model: str, batch: int = 2000) -> Any:
        for row in real(model, batch):
            rebuilt.append(row[0])
            yield row

    monkeypatch.setattr(store, "decided_lead_vectors", leads)
    kept = load_clusterer(store, EventModel())
    assert rebuilt == [] and len(kept.index) == 20  # read from the files
    assert kept.event_of == dict(store.memberships())
    # a decision the files do not hold (a round rolled back after the save, another writer):
    # the index is rebuilt from the store, never trusted
    with store.transaction():
        last = store.decisions_key("event_members")[2]
        store._execute("DELETE FROM event_members WHERE article_id = ?", (last,))
    again = load_clusterer(store, EventModel())
    assert len(rebuilt) == len(again.index) == 19 and last not in again.event_of
    # the kept index answers as the rebuilt one does
    vectors = {a: np.frombuffer(v, dtype=np.float32) for a, _, v in real(DEFAULT_BACKEND)}
    for article_id, vector in sorted(vectors.items()):
        assert kept.index.nearest(vector, 3)[0] == article_id
        assert again.index.nearest(vector, 5) == [
            k for k in kept.index.nearest(vector, 6) if k != last
        ][:5]


def test_the_decisions_key_names_the_count_the_last_number_and_the_last_member(
    analysed: tuple[SQLiteStore, Settings, list[str]],
) -> None:
    store, settings, ids = analysed
    assert store.decisions_key("event_members") == (0, 0, None)
    with store.transaction():
        Events()(store, ids[:5], settings)
    count, last, member = store.decisions_key("event_members")
    assert (count, last) == store.decisions_mark("event_members") and count == 5
    assert member == dict((seq, a) for a, seq in store._query(
        "SELECT article_id, seq FROM event_members"))[last]
    with pytest.raises(ValueError):
        store.decisions_key("events")  # numbered, but it places no member
