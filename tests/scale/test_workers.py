"""The per-article work in worker processes gives what one process gives, byte for byte."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from parallax.events.stage import ArticleText
from parallax.export import export
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze, default_stages
from parallax.reading import Read, Readings, read_articles
from parallax.scale.workers import WorkerFailed, WorkerPool
from parallax.settings import Settings
from parallax.store import SQLiteStore

ALLSIDES = Path(__file__).resolve().parents[3] / "shared" / "data" / "corpus-allsides"


def _analysed_export(
    tmp: Path, name: str, inputs: Sequence[str], workers: int, batch: int, round_size: int
) -> tuple[dict[str, bytes], dict[str, dict[str, int]]]:
    """Ingest ``inputs`` into a new store, analyse it with ``workers``, export it; the files'
    bytes and the run's stage counts."""
    settings = Settings(db=str(tmp / f"{name}.db"), workers=workers)
    with SQLiteStore(settings.db) as store:
        ingest_paths(list(inputs), store, settings)
        report = analyze(
            store, settings, stages=default_stages(batch=batch), round_size=round_size
        )
        out = tmp / f"{name}-export"
        export(store, out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}, report.stages


def _same_exports(tmp: Path, inputs: Sequence[str], batch: int, round_size: int) -> None:
    one, one_stages = _analysed_export(tmp, "one", inputs, 1, batch, round_size)
    two, two_stages = _analysed_export(tmp, "two", inputs, 2, batch, round_size)
    assert one_stages["read"]["worker_processes"] == 0
    assert two_stages["read"]["worker_processes"] > 0  # the workers did read
    one_stages["read"].pop("worker_processes")
    two_stages["read"].pop("worker_processes")
    assert one_stages == two_stages
    assert sorted(one) == sorted(two)
    for name in one:
        assert one[name] == two[name], f"{name} differs between one process and two workers"
    assert one["quotes.jsonl"] and one["statements.jsonl"] and one["framing.jsonl"]


@pytest.mark.slow
def test_workers_export_the_seeds_as_one_process_does(seeds_dir: Path, tmp_path: Path) -> None:
    # batches of 2 articles, rounds of 4: several batches per round for the two workers, and
    # a second round that goes on from the first
    _same_exports(tmp_path, [str(seeds_dir)], batch=2, round_size=4)


@pytest.mark.slow
@pytest.mark.skipif(
    not (ALLSIDES / "allsides-5k.jsonl.gz").exists(),
    reason="needs ../shared/data/corpus-allsides (present beside the repository in CI)",
)
def test_workers_export_200_allsides_records_as_one_process_does(tmp_path: Path) -> None:
    with gzip.open(ALLSIDES / "allsides-5k.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = [json.loads(next(fh)) for _ in range(200)]
    corpus = tmp_path / "allsides-200.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    # the engine's own batch size; rounds of 128 so that the second round reads stores
    # holding the first one's statements and events
    _same_exports(tmp_path, [str(corpus)], batch=64, round_size=128)


def test_readings_answer_only_for_what_the_round_read() -> None:
    readings = Readings()
    assert readings.split(["a", "b"]) == ([], ["a", "b"])
    assert readings.quote_vector("q", "text") is None
    assert readings.stances("text") is None


@pytest.mark.slow
def test_a_reading_holds_what_the_stages_would_compute(seeds_dir: Path) -> None:
    from parallax.events.stage import annotate_articles
    from parallax.statements.quotes import extract_many

    bodies = sorted(seeds_dir.iterdir())[:2]
    items = [ArticleText(p.stem, None, p.read_text(encoding="utf-8"), None) for p in bodies]
    readings = read_articles(items)
    annotated = annotate_articles(items)
    quotes = extract_many([(a.article_id, a.body) for a in items])
    assert [r.annotated.annotation for r in readings] == [a.annotation for a in annotated]
    for r, a in zip(readings, annotated, strict=True):
        f, g = r.annotated.features, a.features
        assert (f.actors, f.places, f.when, f.occasion) == (g.actors, g.places, g.when, g.occasion)
        assert (f.vector == g.vector).all() and (r.annotated.vector == a.vector).all()
    assert [list(r.quotes) for r in readings] == quotes
    assert any(r.quotes for r in readings)
    held = Readings()
    held.add(readings)
    found, missing = held.split([items[1].article_id, "nope", items[0].article_id])
    assert [r.article_id for r in found] == [items[1].article_id, items[0].article_id]
    assert missing == ["nope"]
    q = readings[0].quotes[0]
    assert held.quote_vector(q.quote_id, q.text) is not None
    assert held.quote_vector(q.quote_id, q.text + " changed") is None  # a stale text misses
    spoken = [q for r in readings for q in r.quotes if q.speaker.entity_id]
    assert spoken and held.stances(spoken[0].text) is not None
    # every stance word of the batch's quotes comes with its embedding, as one word alone
    from parallax.nlp.embeddings import load_embedder

    words = sorted({w for r in readings for rows in r.stances.values() for _, w, _ in rows})
    assert words and all(held.word_vector(w) is not None for w in words)
    alone = load_embedder().encode(words[:1])[0]
    assert float(held.word_vector(words[0]) @ alone) > 0.999  # type: ignore[operator]
    assert held.word_vector("no-such-word") is None
    # the comparison is the one `Compare` makes of the stored quotes (sorted as stored)
    from parallax.compare.stage import CompareInput, compare_article
    from parallax.nlp.annotate import load_nlp

    first = readings[0]
    alone = compare_article(
        CompareInput(first.article_id, items[0].body, first.annotated.annotation, first.quotes),
        load_nlp()(items[0].body),
    )
    assert alone == first.comparison


class _Doubles:
    name = "doubles"

    def compute(self, items: Sequence[int]) -> list[int]:
        return [2 * i for i in items]


class _Dies:
    name = "dies"

    def compute(self, items: Sequence[int]) -> list[int]:
        if 3 in items:
            os._exit(3)  # a worker killed mid-batch, as the kernel's OOM killer would
        return list(items)


def test_a_pool_gives_results_in_batch_order() -> None:
    pool = WorkerPool(2)
    try:
        batches = [[i, i + 1] for i in range(0, 40, 2)]
        assert list(pool.map(_Doubles(), batches)) == [[2 * i for i in b] for b in batches]
    finally:
        pool.close()


def test_a_worker_that_dies_is_reported_by_stage() -> None:
    pool = WorkerPool(2)
    try:
        with pytest.raises(WorkerFailed, match=r"stage 'dies'.*--workers 1"):
            list(pool.map(_Dies(), [[1], [2], [3], [4]]))
    finally:
        pool.close()


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="at least one worker"):
        WorkerPool(0)


def test_one_batch_is_read_here_without_starting_processes(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    read = Read(Readings())
    _, reader, workers = read._map(settings.replace(workers=4), batches=1)
    assert workers == 0 and reader.threads == 0 and read._pool is None
    _, reader, workers = read._map(settings.replace(workers=1), batches=8)
    assert workers == 0 and read._pool is None
    stats = read(store, store.unanalyzed_article_ids(), settings.replace(workers=4))
    assert stats == {"articles_read": 5, "worker_processes": 0}
    assert read._pool is None and len(read.readings) == 5


class _CountingRead(Read):
    """`Read` that counts the articles it reads from the store."""

    def __init__(self, readings: Readings, batch: int) -> None:
        super().__init__(readings, batch)
        self.looked_up: list[str] = []

    def read(self, store: SQLiteStore, article_ids: Sequence[str]) -> list[ArticleText]:
        self.looked_up.extend(article_ids)
        return super().read(store, article_ids)


@pytest.mark.slow
def test_the_next_round_is_read_while_this_one_is_written(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    ids = store.unanalyzed_article_ids()
    two = settings.replace(workers=2)
    with _CountingRead(Readings(), batch=1) as read:
        read.next_round(ids[2:4])
        assert read(store, ids[:2], two)["worker_processes"] == 2
        # this round's two, then the announced round's two, sent to the workers at once
        assert read.looked_up == ids[:4]
        assert read.kept() == {"articles held": 2, "articles read ahead": 2}
        first = read.readings.split(ids[:2])[0]
        assert [r.article_id for r in first] == ids[:2]
        assert read(store, ids[2:4], two)["worker_processes"] == 2
        assert read.looked_up == ids[:4]  # read ahead: not looked up again
        assert [r.article_id for r in read.readings.split(ids[2:4])[0]] == ids[2:4]
        assert read.readings.split(ids[:2])[0] == []  # a round holds only its own
        # a round other than the one announced is read as it comes
        read.next_round(ids[4:])
        read(store, ids[:1], two)
        assert read.looked_up == [*ids[:4], ids[0]]
        assert read.readings.split(ids[:1])[1] == []
    assert read._pool is None  # closed with the block


def test_one_worker_per_core_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from parallax.reading import AUTO_WORKERS, worker_count

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert worker_count(Settings()) == 2
    assert worker_count(Settings(workers=5)) == 5
    monkeypatch.setattr(os, "cpu_count", lambda: 96)
    assert worker_count(Settings()) == AUTO_WORKERS  # each worker holds its own models
    assert worker_count(Settings(workers=32)) == 32
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert worker_count(Settings()) == 1


def test_the_workers_setting_takes_zero_for_the_machine_and_refuses_negatives() -> None:
    from parallax.errors import ConfigError
    from parallax.settings import load_settings

    assert load_settings(env={"PARALLAX_WORKERS": "0"}).workers == 0
    assert load_settings(env={"PARALLAX_WORKERS": "3"}).workers == 3
    with pytest.raises(ConfigError, match="workers must be 0 or more"):
        load_settings(env={"PARALLAX_WORKERS": "-1"})
    with pytest.raises(ConfigError, match="port must be positive"):
        load_settings(env={"PARALLAX_PORT": "0"})  # zero still means nothing elsewhere
