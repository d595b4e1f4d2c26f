from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from parallax.entities import entity_id, entity_key
from parallax.ingest import ingest_paths
from parallax.model import (
    Article,
    Metadata,
    OffsetMap,
    Quote,
    Segment,
    Source,
    Span,
    Speaker,
    article_id,
    content_hash,
    quote_id,
)
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.statements.stage import Quotes, Statements
from parallax.store import SQLiteStore

KOVACS = entity_id(entity_key("Anna Kovacs", "PERSON") or "")
REMARK = "We will not accept any deal that trades away our land for a promise of peace."
TRANSLATED = "No agreement that exchanges our territory for promises of peace is acceptable to us."
REPORTED = "the government would not accept a deal trading territory for peace"
OTHER = "The talks were constructive and we agreed to meet again next month."


def article_with(
    outlet: str, day: str, said: list[tuple[str, str]]
) -> tuple[Article, list[Quote]]:
    """An article whose body carries each (kind, text) as Anna Kovacs's words."""
    body, spans = "Anna Kovacs spoke to reporters.", []
    for kind, text in said:
        body += " " if kind == "indirect" else ' "'
        spans.append((kind, len(body), len(body) + len(text)))
        body += text + (", she said." if kind == "indirect" else '" she said.')
        body += " Reporters then asked her about the border."
    aid = article_id(body, outlet)
    article = Article(
        article_id=aid,
        content_hash=content_hash(body),
        source=Source(f"{outlet}.txt", None),
        kind="text",
        body=body,
        metadata=Metadata(title=f"{outlet} report", outlet=outlet, published_at=day),
        offsets=OffsetMap((Segment(0, 0, len(body)),)),
        removed=(),
        source_text=body,
    )
    speaker = Speaker("Anna Kovacs", KOVACS, Span(0, 11, "Anna Kovacs"), "named")
    quotes = [
        Quote(quote_id(aid, s, e), aid, kind, s, e, body[s:e], speaker, None, 0.9)
        for kind, s, e in spans
    ]
    return article, quotes


def put(store: SQLiteStore, event: str, *items: tuple[Article, list[Quote]]) -> list[str]:
    with store.transaction():
        store.upsert_event(
            {"event_id": event, "title": None, "start": None, "end": None, "place": None,
             "articles": len(items), "seq": store.next_seq("events"), "updated_at": "x"}
        )
        for article, _ in items:
            store.add_article(article)
            store.add_membership(article.article_id, event, 1.0, 1.0,
                                 store.next_seq("event_members"))
        store.replace_quotes(list(items))
    return [a.article_id for a, _ in items]


def run(store: SQLiteStore, ids: list[str], settings: Settings) -> dict[str, int]:
    with store.transaction():
        return Statements()(store, ids, settings)


def test_statements_group_outlets_link_paraphrase_and_repeats_incrementally(
    store: SQLiteStore, settings: Settings
) -> None:
    first = put(
        store,
        "ev_talks",
        article_with("Outlet One", "2025-09-02", [("direct", REMARK), ("direct", OTHER)]),
        article_with("Outlet Two", "2025-09-02", [("direct", TRANSLATED)]),
        article_with("Outlet Three", "2025-09-03", [("indirect", REPORTED)]),
    )
    assert run(store, first, settings) == {
        "statements_new": 2, "statements_joined": 0, "repeats": 0
    }
    statements = store.list_statements()
    main = next(s for s in statements if len(s["quote_ids"]) == 3)
    assert main["outlets"] == ["Outlet One", "Outlet Three", "Outlet Two"]
    assert main["speaker_entity_id"] == KOVACS and main["speaker"] == "Anna Kovacs"
    assert main["event_id"] == "ev_talks"
    assert main["text"] in {REMARK, TRANSLATED}
    relations = {m["kind"]: m["relation"] for m in main["members"]}
    assert relations == {"direct": "same", "indirect": "paraphrase"}
    assert all(0 < m["score"] <= 1 for m in main["members"])

    # A week later, another event: the same words are a new statement linked as a repeat.
    later = put(store, "ev_summit", article_with("Outlet Two", "2025-09-09", [("direct", REMARK)]))
    assert run(store, later, settings)["repeats"] == 1
    after = {s["statement_id"]: s for s in store.list_statements()}
    assert {s["statement_id"] for s in statements} <= set(after)
    assert after[main["statement_id"]]["quote_ids"] == main["quote_ids"]
    repeat = next(s for s in after.values() if s["event_id"] == "ev_summit")
    assert [r["statement_id"] for r in repeat["repeats"]] == [main["statement_id"]]
    assert [r["statement_id"] for r in after[main["statement_id"]]["repeats"]] == [
        repeat["statement_id"]
    ]

    # Re-running on aligned articles changes nothing.
    assert run(store, first + later, settings)["statements_new"] == 0
    assert len(store.quote_rows()) == 5


def test_statements_of_different_events_never_merge(
    store: SQLiteStore, settings: Settings
) -> None:
    ids = put(store, "ev_a", article_with("Outlet One", "2025-09-02", [("direct", REMARK)]))
    ids += put(store, "ev_b", article_with("Outlet Two", "2025-09-02", [("direct", REMARK)]))
    run(store, ids, settings)
    statements = store.list_statements()
    assert len(statements) == 2
    assert all(len(s["outlets"]) == 1 for s in statements)


@pytest.mark.skipif(
    importlib.util.find_spec("parallax.statements.quotes") is None,
    reason="quote extraction is not built yet",
)
def test_statements_on_the_seed_corpus_are_consistent(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    analyze(store, settings)
    quotes = {q["quote_id"]: q for q in store.quote_rows()}
    statements = store.list_statements()
    assert statements
    grouped = set()
    for st in statements:
        members = [quotes[qid] for qid in st["quote_ids"]]
        grouped.update(st["quote_ids"])
        # outlets are exactly those of the member quotes' articles
        assert st["outlets"] == sorted({m["outlet"] for m in members if m["outlet"]})
        # members share the speaker (unknown ones may join a known speaker's statement)
        assert len({m["speaker_entity_id"] for m in members if m["speaker_entity_id"]}) <= 1
        # one occasion: never members of two events
        assert len({m["event_id"] for m in members if m["event_id"]}) <= 1
        for r in st["repeats"]:
            assert 0 < r["score"] <= 1
    assert grouped == set(quotes)
    # re-running both stages on the same articles gives the same statements, no duplicates
    before = [(s["statement_id"], s["quote_ids"], s["repeats"]) for s in statements]
    ids = [a["article_id"] for a in store.list_articles()]
    with store.transaction():
        Quotes()(store, ids, settings)
        Statements()(store, ids, settings)
    again = [(s["statement_id"], s["quote_ids"], s["repeats"]) for s in store.list_statements()]
    assert again == before
    assert len(store.quote_rows()) == len(quotes)


QUOTE_KEYS = {"quote_id", "article_id", "kind", "text", "start", "end", "source_start",
              "source_end", "speaker", "cue", "statement_id", "confidence"}
STATEMENT_KEYS = {"statement_id", "speaker_entity_id", "event_id", "text", "quote_ids",
                  "outlets", "repeats"}


def test_export_and_cli_carry_quotes_statements_and_speakers(
    store: SQLiteStore, settings: Settings, tmp_path: Path
) -> None:
    import json

    from click.testing import CliRunner

    from parallax.cli import main
    from parallax.export import export

    ids = put(
        store,
        "ev_talks",
        article_with("Outlet One", "2025-09-02", [("direct", REMARK)]),
        article_with("Outlet Two", "2025-09-02", [("direct", TRANSLATED)]),
    )
    run(store, ids, settings)
    counts = export(store, tmp_path / "out")
    assert counts["quotes.jsonl"] == 2 and counts["statements.jsonl"] == 1
    rows = {
        name: [json.loads(x) for x in (tmp_path / "out" / name).read_text().splitlines()]
        for name in ("quotes.jsonl", "statements.jsonl", "entities.jsonl")
    }
    for q in rows["quotes.jsonl"]:
        assert set(q) >= QUOTE_KEYS
        assert set(q["speaker"]) >= {"name", "entity_id", "surface", "start", "end",
                                     "source_start", "source_end"}
        article = store.get_article(q["article_id"])
        assert article is not None
        assert article.source_text[q["source_start"] : q["source_end"]] == q["text"]
    (st,) = rows["statements.jsonl"]
    assert set(st) >= STATEMENT_KEYS
    assert st["outlets"] == ["Outlet One", "Outlet Two"]
    assert sorted(st["quote_ids"]) == sorted(q["quote_id"] for q in rows["quotes.jsonl"])
    (entity,) = rows["entities.jsonl"]
    assert entity["entity_id"] == KOVACS and entity["type"] == "PERSON"
    assert {lb["outlet"] for lb in entity["labels"]} == {"Outlet One", "Outlet Two"}

    cli = CliRunner()
    db = ["--db", settings.db]
    data = json.loads(cli.invoke(main, [*db, "quotes", "--speaker", "Kovacs", "--json"]).output)
    assert len(data["statements"]) == 1 and len(data["quotes"]) == 2
    data = json.loads(cli.invoke(main, [*db, "quotes", "--outlet", "outlet one", "--json"]).output)
    assert len(data["quotes"]) == 1 and len(data["statements"]) == 1
    data = json.loads(cli.invoke(main, [*db, "quotes", "--event", "ev_none", "--json"]).output)
    assert data["statements"] == [] and data["quotes"] == []
    table = cli.invoke(main, [*db, "quotes"])
    assert table.exit_code == 0 and "Anna Kovacs" in table.output
    actors = json.loads(cli.invoke(main, [*db, "actors", "--json"]).output)["actors"]
    assert [(a["quotes"], a["statements"], a["outlets"]) for a in actors] == [(2, 1, 2)]
    missing = cli.invoke(main, [*db, "quotes", "--speaker", "Nobody Atall"])
    assert missing.exit_code == 2 and "parallax actors" in missing.output


@contextlib.contextmanager
def _seeds_in_rounds_of_two(seeds_dir: Path, tmp_path: Path) -> Iterator[SQLiteStore]:
    """A store at ``tmp_path/s.db`` with the seeds analysed two articles a round."""
    settings = Settings(db=str(tmp_path / "s.db"))
    with SQLiteStore(settings.db) as store:
        ingest_paths([str(seeds_dir)], store, settings)
        analyze(store, settings, round_size=2)
        yield store


@pytest.mark.slow
def test_the_quote_index_is_kept_beside_the_store_and_rebuilt_when_stale(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from parallax.nlp.embeddings import DEFAULT_BACKEND, load_embedder
    from parallax.nlp.neighbours import NeighbourIndex
    from parallax.statements import stage as statements_stage

    embedder = load_embedder(DEFAULT_BACKEND)
    with _seeds_in_rounds_of_two(seeds_dir, tmp_path) as store:
        folder = statements_stage.index_folder(store, embedder)
        assert folder is not None and folder.parent == tmp_path / "s.db.index"
        mark = json.loads((folder / "mark.json").read_text())
        count, _ = store.decisions_mark("statement_members")
        assert mark[0] == count > 10

        rebuilt: list[str] = []
        real_add = NeighbourIndex.add

        def add(self: NeighbourIndex, key: str, vector: object) -> None:
            rebuilt.append(key)
            real_add(self, key, vector)  # type: ignore[arg-type]

        monkeypatch.setattr(NeighbourIndex, "add", add)
        saved = statements_stage.load_quote_index(store, embedder)
        assert rebuilt == [] and len(saved) == count  # read from the files, not rebuilt
        # one decision fewer (as a round rolled back after the files were written): stale
        with store.transaction():
            last = store.decisions_key("statement_members")[2]
            store._execute("DELETE FROM statement_members WHERE quote_id = ?", (last,))
        fresh = statements_stage.load_quote_index(store, embedder)
        assert len(rebuilt) == len(fresh) == count - 1
        # the saved index answers as the one rebuilt from the store would
        vectors = dict(store.aligned_vectors(embedder.name))
        for key in sorted(vectors)[:20]:
            probe = np.frombuffer(vectors[key], dtype=np.float32)[: embedder.dim]
            assert saved.nearest(probe, 5)[0] == key
        assert not (folder / "mark.tmp").exists()
        # a damaged index file under a matching mark is rebuilt, not trusted
        statements_stage.save_quote_index(store, embedder, fresh)
        (folder / "open.usearch").write_bytes(b"not an index")
        rebuilt.clear()
        assert len(statements_stage.load_quote_index(store, embedder)) == len(rebuilt) > 0


@pytest.mark.slow
def test_one_stage_saves_the_index_of_each_store_it_analyses(
    seeds_dir: Path, tmp_path: Path
) -> None:
    from parallax.nlp.embeddings import DEFAULT_BACKEND, load_embedder
    from parallax.pipeline import default_stages
    from parallax.statements import stage as statements_stage

    stages = default_stages()  # shared: the same Statements object analyses both stores
    embedder = load_embedder(DEFAULT_BACKEND)
    for name in ("a.db", "b.db"):  # the same corpus: both stores reach the same mark
        settings = Settings(db=str(tmp_path / name))
        with SQLiteStore(settings.db) as store:
            ingest_paths([str(seeds_dir)], store, settings)
            analyze(store, settings, stages=stages)
            folder = statements_stage.index_folder(store, embedder)
            assert folder is not None and (folder / "mark.json").is_file(), name


@pytest.mark.slow
def test_a_rebuilt_quote_index_keeps_its_full_segments_in_files_as_it_goes(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import parallax.nlp.neighbours as neighbours
    from parallax.nlp.embeddings import DEFAULT_BACKEND, load_embedder
    from parallax.statements import stage as statements_stage

    monkeypatch.setattr(neighbours, "SEGMENT", 8)
    embedder = load_embedder(DEFAULT_BACKEND)
    with _seeds_in_rounds_of_two(seeds_dir, tmp_path) as store:
        folder = statements_stage.index_folder(store, embedder)
        assert folder is not None
        count, _ = store.decisions_mark("statement_members")
        saved = statements_stage.load_quote_index(store, embedder)
        assert len(saved) == count and saved.segments == -(-count // 8)
        # a mark that does not match: rebuilt from the store, each full segment written out
        # as soon as it is full (no mark until a round commits)
        (folder / "mark.json").write_text("[0, 0, null]", encoding="utf-8")
        for old in folder.glob("segment-*"):
            old.unlink()
        written: list[int] = []
        real_save = neighbours.NeighbourIndex.save

        def save(self: neighbours.NeighbourIndex, where: Path) -> None:
            written.append(len(self))
            real_save(self, where)

        monkeypatch.setattr(neighbours.NeighbourIndex, "save", save)
        rebuilt = statements_stage.load_quote_index(store, embedder)
        assert written == [8 * n + 1 for n in range(1, rebuilt.segments)]
        assert not (folder / "mark.json").exists()
        assert len(list(folder.glob("segment-*.usearch"))) == rebuilt.segments - 1
        vectors = dict(store.aligned_vectors(embedder.name))
        for key in sorted(vectors):
            probe = np.frombuffer(vectors[key], dtype=np.float32)[: embedder.dim]
            assert rebuilt.nearest(probe, 5) == saved.nearest(probe, 5)
