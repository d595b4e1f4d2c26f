"""Events and stories on the bundled seeds, determinism, and incremental updates."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore

pytestmark = pytest.mark.slow  # loads spaCy and the embedding model


def run(seeds: Path, db: Path) -> SQLiteStore:
    settings = Settings(db=str(db))
    store = SQLiteStore(db)
    ingest_paths([str(seeds)], store, settings)
    analyze(store, settings)
    return store


def grouping(store: SQLiteStore) -> set[frozenset[str]]:
    """Events as sets of seed file prefixes (000..004)."""
    by_event: dict[str, set[str]] = {}
    for article_id, event_id in store.memberships():
        article = store.get_article(article_id)
        assert article is not None
        by_event.setdefault(event_id, set()).add(Path(article.source.path).name[:3])
    return {frozenset(v) for v in by_event.values()}


def test_seed_corpus_is_three_events_in_one_story(seeds_dir: Path, tmp_path: Path) -> None:
    store = run(seeds_dir, tmp_path / "seeds.db")
    # Sep 2 talks with Fico (002, 003), Sep 3 press conference (000, 001), November summit (004)
    assert grouping(store) == {
        frozenset({"002", "003"}),
        frozenset({"000", "001"}),
        frozenset({"004"}),
    }
    stories = store.list_stories()
    assert len(stories) == 1 and stories[0]["events"] == 3 and stories[0]["articles"] == 5
    events = store.list_events()
    assert [e["start"] for e in events] == ["2025-09-02", "2025-09-03", None]
    assert all(e["story_id"] == stories[0]["story_id"] for e in events)
    assert {e["place"] for e in events} >= {"Beijing", "Bishkek"}
    for event in events:
        for member in store.event_member_rows(event["event_id"]):
            assert 0.0 < member["confidence"] <= 1.0


def test_the_eval_path_groups_the_seeds_as_the_pipeline_does(
    seeds_dir: Path, tmp_path: Path
) -> None:
    """`cluster_for_eval` and `events_and_stories_for_eval` (what `parallax eval events` scores)
    make the pipeline's three events and one story from the same texts."""
    from parallax.events import cluster_for_eval, events_and_stories_for_eval

    store = run(seeds_dir, tmp_path / "seeds.db")
    docs = [
        SimpleNamespace(title=a.metadata.title, body=a.body,
                        published_at=a.metadata.published_at, name=Path(a.source.path).name[:3])
        for a in (store.get_article(r["article_id"]) for r in store.list_articles())
        if a is not None
    ]
    by_event: dict[str, set[str]] = {}
    for doc, label in zip(docs, cluster_for_eval(docs), strict=True):
        by_event.setdefault(label, set()).add(doc.name)
    assert {frozenset(v) for v in by_event.values()} == grouping(store)
    events, stories = events_and_stories_for_eval(docs)
    assert events == cluster_for_eval(docs) and len(set(stories)) == 1


def test_same_input_same_ids(seeds_dir: Path, tmp_path: Path) -> None:
    a = run(seeds_dir, tmp_path / "a.db")
    b = run(seeds_dir, tmp_path / "b.db")
    assert a.memberships() == b.memberships()
    assert a.list_stories() == b.list_stories()


def test_adding_one_article_touches_only_its_neighbourhood(seeds_dir: Path, tmp_path: Path) -> None:
    late = sorted(seeds_dir.iterdir())[0]  # 000: joins the Sep 3 press conference event
    held = tmp_path / "held"
    held.mkdir()
    shutil.move(str(late), held / late.name)
    store = run(seeds_dir, tmp_path / "inc.db")
    before_members = dict(store.memberships())
    before_events = {e["event_id"]: e for e in store.list_events()}
    settings = Settings(db=str(tmp_path / "inc.db"))
    ingest_paths([str(held)], store, settings)
    report = analyze(store, settings)
    assert report.articles == 1
    after_members = dict(store.memberships())
    new = set(after_members) - set(before_members)
    assert len(new) == 1
    # nothing already decided moved
    assert {a: after_members[a] for a in before_members} == before_members
    joined = after_members[new.pop()]
    after_events = {e["event_id"]: e for e in store.list_events()}
    assert set(after_events) == set(before_events)  # joined an existing event, ids stable
    changed = {e for e in after_events if after_events[e] != before_events[e]}
    assert changed == {joined}
    assert report.stages["events"] == {"events_new": 0, "events_updated": 1}


def test_cli_and_export_show_events_and_stories(seeds_dir: Path, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from parallax.cli import main

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "ingest", str(seeds_dir)]).exit_code == 0
    assert runner.invoke(main, ["--db", db, "analyze"]).exit_code == 0
    events = json.loads(runner.invoke(main, ["--db", db, "events", "--json"]).stdout)["events"]
    stories = json.loads(runner.invoke(main, ["--db", db, "stories", "--json"]).stdout)
    assert len(events) == 3 and len(stories["stories"]) == 1
    table = runner.invoke(main, ["--db", db, "events"]).stdout
    assert all(e["event_id"] in table for e in events)
    out = tmp_path / "export"
    assert runner.invoke(main, ["--db", db, "export", "--out", str(out)]).exit_code == 0
    rows = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    keys = {"event_id", "story_id", "title", "start", "end", "place", "article_ids", "confidence"}
    assert len(rows) == 3 and all(keys <= set(r) for r in rows)
    assert sorted(a for r in rows for a in r["article_ids"]) == sorted(
        a["article_id"] for a in json.loads(
            runner.invoke(main, ["--db", db, "articles", "--json"]).stdout)["articles"])


def test_event_summaries_point_at_member_spans(seeds_dir: Path, tmp_path: Path) -> None:
    store = run(seeds_dir, tmp_path / "seeds.db")
    events = store.list_events()
    assert any("occasion" in e["evidence"] for e in events)
    for event in events:
        members = {m["article_id"] for m in store.event_member_rows(event["event_id"])}
        evidence = event["evidence"]
        for name, ev in evidence.items():
            assert ev["article_id"] in members, name
            article = store.get_article(ev["article_id"])
            assert article is not None
            if "field" in ev:  # a metadata field: its own evidence is stored with the article
                value = getattr(article.metadata, ev["field"])
                assert value is not None
                if name in {"start", "end"}:
                    assert value[:10] == event[name]
                else:
                    assert value == event[name]
            else:  # a body span that says it
                assert article.body[ev["start"] : ev["end"]] == ev["text"]
        if event["place"] is not None:
            assert evidence["place"]["text"] == event["place"]
        if "occasion" in evidence:
            assert any(
                word in evidence["occasion"]["text"]
                for word in ("conference", "talks", "meeting", "summit", "visit", "briefing")
            )
