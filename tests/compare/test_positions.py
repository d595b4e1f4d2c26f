"""Stances and position changes read from parses of sentences written here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from parallax.compare.positions import (
    Stance,
    StatementPoint,
    merge_topics,
    position_changes,
    stances_of,
    topic_key,
)
from parallax.ingest import ingest_paths
from parallax.model import PositionPoint
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore


@pytest.fixture(scope="module")
def parse():  # type: ignore[no-untyped-def]
    from parallax.nlp.annotate import load_lemmatizer, load_nlp

    nlp, lemmatizer = load_nlp(), load_lemmatizer()
    return lambda text: lemmatizer(nlp(text))


def _stances(parse, text: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s.lemma: s.stance for s in stances_of(parse(text))}


def test_negation_obligation_and_condition(parse) -> None:  # type: ignore[no-untyped-def]
    assert _stances(parse, "The city has never asked for new bridges.")["bridge"] == "rejects"
    assert _stances(parse, "The council must close the old bridges.")["bridge"] == "demands"
    assert _stances(parse, "The council opened two bridges.")["bridge"] == "asserts"
    # A modal inside a condition is no demand.
    assert (
        _stances(parse, "Talks can start, should the bridges be repaired.")["bridge"] == "asserts"
    )
    assert (
        _stances(parse, "If the mayor must close bridges, he will say so.")["bridge"] == "asserts"
    )


def test_topic_keys_meet_across_inflections() -> None:
    assert topic_key("territory") == topic_key("territories") == topic_key("territorial")
    assert topic_key("land") == "land"


def _point(
    sid: str, day: date | None, event: str, stance: str, topic: str = "bridg"
) -> StatementPoint:
    return StatementPoint(
        sid,
        day,
        event,
        (Stance(topic, "bridge", stance),),
        PositionPoint("a" + sid, "q" + sid, 0, 10, day.isoformat() if day else None),
    )


def test_shift_contradiction_and_quiet_asserts() -> None:
    points = [
        _point("1", date(2025, 1, 1), "e1", "rejects"),
        _point("2", date(2025, 1, 3), "e2", "asserts"),
        _point("3", date(2025, 3, 1), "e3", "demands"),
        _point("4", date(2025, 3, 1), "e3", "rejects"),
    ]
    changes = position_changes("en_x", points)
    kinds = [(c.kind, c.before.quote_id, c.after.quote_id) for c in changes]
    # rejects (Jan) -> demands (Mar): a shift; the "asserts" between opposes nothing;
    # demands -> rejects on the same day: a contradiction.
    assert ("shift", "q1", "q3") in kinds
    assert ("contradiction", "q3", "q4") in kinds
    assert len(changes) == 2
    assert all(c.topic == "bridge" for c in changes)


def test_undated_statement_is_a_contradiction_not_a_shift() -> None:
    changes = position_changes(
        "en_x", [_point("1", date(2025, 1, 1), "e1", "rejects"), _point("2", None, "e2", "demands")]
    )
    assert [(c.kind, c.before.quote_id, c.after.quote_id) for c in changes] == [
        ("contradiction", "q1", "q2")
    ]


def test_same_stance_twice_is_no_change_and_repeats_are_kept() -> None:
    points = [
        _point("1", date(2025, 1, 1), "e1", "rejects"),
        _point("2", date(2025, 2, 1), "e2", "rejects"),
    ]
    assert position_changes("en_x", points) == []
    repeats = position_changes("en_x", points, repeats=[("2", "1", 0.9)])
    assert [(c.kind, c.before.quote_id, c.after.quote_id, c.score) for c in repeats] == [
        ("repeat", "q1", "q2", 0.9)
    ]


def test_merge_topics_joins_only_close_words() -> None:
    vectors = np.array([[1.0, 0.0], [0.9, 0.436], [0.0, 1.0]], dtype=np.float32)
    groups = merge_topics(["territory", "landmass", "bridge"], vectors)
    assert groups[topic_key("landmass")] == topic_key("territory")
    assert groups["bridge"] == "bridge"


def test_merge_topics_puts_a_word_in_the_first_close_group_in_founding_order() -> None:
    # Unit vectors at these angles: cosine >= 0.8 means at most ~36.9 degrees apart.
    angles = np.radians([0.0, 60.0, 0.0, 30.0, 95.0, 120.0])
    vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    lemmas = ["talks", "bridge", "Talks", "negotiation", "crossing", "ceasefire"]
    groups = merge_topics(lemmas, vectors)
    talks, bridge = topic_key("talks"), topic_key("bridge")
    assert groups == {
        talks: talks,  # "Talks" is the same key and keeps its group
        bridge: bridge,  # 60 degrees from "talks": a group of its own
        topic_key("negotiation"): talks,  # close to both seeds: the first founded wins
        topic_key("crossing"): bridge,  # close to "bridge" only
        # close to "crossing" (25 degrees) but only seeds gather words: a group of its own
        topic_key("ceasefire"): topic_key("ceasefire"),
    }


class _Counting:
    """The default embedder, noting every text it is asked to embed."""

    def __init__(self) -> None:
        from parallax.nlp.embeddings import load_embedder

        self.inner = load_embedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.words: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        self.words.extend(texts)
        return self.inner.encode(texts, batch_size)


def test_in_the_pipeline_the_stance_words_come_from_the_read_stage(
    seeds_dir: Path, settings: Settings, store: SQLiteStore
) -> None:
    from parallax.compare.stage import Positions
    from parallax.pipeline import default_stages

    ingest_paths([str(seeds_dir)], store, settings)
    stages = default_stages()
    positions = next(s for s in stages if isinstance(s, Positions))
    embedder = _Counting()
    positions._embedder = embedder
    report = analyze(store, settings, stages=stages)
    assert report.stages["positions"]["position_changes"] > 0
    assert positions.kept()["stance words"] > 0  # it grouped words...
    assert embedder.words == []  # ...that the read stage had embedded, not this stage


def test_the_positions_stage_embeds_a_stance_word_once_across_rounds(
    seeds_dir: Path, settings: Settings, store: SQLiteStore
) -> None:
    from parallax.compare.stage import Positions, stance_words_file

    ingest_paths([str(seeds_dir)], store, settings)
    analyze(store, settings)
    ids = [a["article_id"] for a in store.list_articles()]

    def changes() -> list[Any]:
        rows = store._query("SELECT * FROM position_changes ORDER BY 1, 2, 3, 4, 5")
        return [tuple(r) for r in rows]

    before = changes()
    embedder = _Counting()
    kept = stance_words_file(store, embedder.name)
    assert kept is not None
    kept.unlink()  # no file beside the store: this process embeds its words itself
    stage = Positions(embedder=embedder)
    with store.transaction():
        first = stage(store, ids, settings)
    assert embedder.words and len(set(embedder.words)) == len(embedder.words)
    seen = len(embedder.words)
    with store.transaction():
        assert stage(store, ids, settings) == first  # a second round over the same actors
    assert len(embedder.words) == seen  # its words were embedded in the first
    assert changes() == before  # and the result is what the pipeline stored


def test_a_new_process_reads_the_stance_words_a_committed_round_kept(
    seeds_dir: Path, settings: Settings, store: SQLiteStore
) -> None:
    from parallax.compare.stage import Positions, stance_words_file
    from parallax.nlp.embeddings import load_embedder

    ingest_paths([str(seeds_dir)], store, settings)
    analyze(store, settings)  # the pipeline's Positions committed its words
    ids = [a["article_id"] for a in store.list_articles()]
    inner = load_embedder()
    path = stance_words_file(store, inner.name)
    assert path is not None and path.is_file()

    def changes() -> list[Any]:
        return [tuple(r) for r in store._query("SELECT * FROM position_changes ORDER BY 1, 2, 3")]

    before = changes()
    embedder = _Counting()
    with store.transaction():
        Positions(embedder=embedder)(store, ids, settings)  # a new process
    assert embedder.words == [] and changes() == before  # every word read, the same changes
    # a file that is not whole is passed over: the words are embedded again, same changes
    path.write_bytes(path.read_bytes()[:100])
    stage = Positions(embedder=embedder)
    with store.transaction():
        stage(store, ids, settings)
    assert embedder.words and changes() == before
    stage.committed(store)  # and written whole again
    again = _Counting()
    with store.transaction():
        Positions(embedder=again)(store, ids, settings)
    assert again.words == []


def test_stance_words_survive_a_write_and_read_whole(tmp_path: Path) -> None:
    from parallax.compare.stage import read_word_vectors, write_word_vectors

    rng = np.random.default_rng(3)
    words = {w: rng.normal(size=8).astype(np.float32) for w in ("land", "Kyiv", "été", "n't")}
    path = tmp_path / "sub" / "words.npz"
    assert write_word_vectors(path, words)
    back = read_word_vectors(path, 8)
    assert set(back) == set(words)
    assert all(np.array_equal(back[w], words[w]) for w in words)
    assert read_word_vectors(path, 9) == {}  # another model's width: not these vectors
    assert read_word_vectors(tmp_path / "missing.npz", 8) == {}
    assert not list(path.parent.glob("*.tmp"))


def test_the_lone_lemmatizer_gives_the_full_pipelines_lemmas() -> None:
    import spacy

    from parallax.nlp.annotate import MODEL, load_lemmatizer, load_nlp

    nlp, lone = load_nlp(), load_lemmatizer()
    full = spacy.load(MODEL)
    text = (
        "The troops must withdraw from the territories, he insisted; they were never "
        "negotiating about lands, and Kyiv's leaders had rejected the demands."
    )
    assert [t.lemma_ for t in lone(nlp(text))] == [t.lemma_ for t in full(text)]
    assert "territory" in {t.lemma_ for t in lone(nlp(text))}


def test_a_round_commits_the_words_to_its_own_stores_file_only(tmp_path: Path) -> None:
    from parallax.compare.stage import Positions, stance_words_file

    class Named:
        name, dim = "fake", 4

    with SQLiteStore(str(tmp_path / "a.db")) as a, SQLiteStore(str(tmp_path / "b.db")) as b:
        stage = Positions()
        stage._read_words(a, Named())  # type: ignore[arg-type]
        stage._word_vectors["land"] = np.ones(4, dtype=np.float32)
        path = stance_words_file(a, "fake")
        assert path is not None
        stage.committed(b)  # another store's commit writes no file, its own or a's
        assert not path.exists() and not (tmp_path / "b.db.index").exists()
        stage.committed(a)
        assert path.is_file()
