"""Story, event, actor, search and highlighted-article pages: in process, over a real socket,
their JSON twins, downloads, the FTS index, and escaping of hostile article text."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from parallax.api.actors import actor_view, search_view, split_snippet
from parallax.api.story import (
    ALL_STATEMENTS,
    StatementPage,
    column_of,
    event_view,
    md_text,
    stories_index_view,
    story_view,
    word_diff,
)
from parallax.api.views import article_view
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore
from parallax.store.pages import fts_query
from parallax.web.app import create_app
from parallax.web.charts import coverage_svg
from parallax.web.highlight import Mark, article_body_html, marked_snippet, wrap_spans

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"

#: A hand-written article whose text attacks the page: markup inside a quote, an event handler
#: and a javascript: link in the body, and a quote that a later quote's speaker overlaps.
HOSTILE_BODY = (
    "Officials met on Monday in Springfield to discuss the new bridge.\n\n"
    '"<script>alert(1)</script> We will rebuild the bridge before winter," Mayor Jane Doe said '
    "at the town hall. <img src=x onerror=alert(2)>\n\n"
    'Council member John Smith said that <a href="javascript:alert(3)">the plan</a> was far '
    "too costly for the town.\n\n"
    "The session ended late in the evening."
)
HOSTILE_TITLE = '<script>alert("t")</script> Bridge vote'


class _Tree(HTMLParser):
    """Collects text, per-quote text (data-quote), ids, tags and attributes of an HTML piece."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.quote_text: dict[str, list[str]] = {}
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        self._stack.append(a.get("data-quote"))

    def handle_endtag(self, tag: str) -> None:
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for qid in {q for q in self._stack if q}:
            self.quote_text.setdefault(qid, []).append(data)


def parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus the hostile article, ingested and analyzed once for this module."""
    root = tmp_path_factory.mktemp("pages")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "hostile.jsonl").write_text(
        json.dumps(
            {
                "title": HOSTILE_TITLE,
                "text": HOSTILE_BODY,
                "outlet": '"><svg onload=alert(4)> Gazette',
                "published_at": "2025-11-20",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    path = root / "pages.db"
    settings = Settings(db=str(path))
    with SQLiteStore(path) as store:
        report = ingest_paths([str(root / "seeds"), str(root / "hostile.jsonl")], store, settings)
        assert report.articles == 6, report.as_dict()
        analyze(store, settings)
    return path


@pytest.fixture(scope="module")
def store(db: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(db) as s:
        yield s


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(str(db)))


@pytest.fixture(scope="module")
def seed_story(store: SQLiteStore) -> str:
    """The largest story (the seeds' three events)."""
    stories = store.list_stories()
    assert stories, "analysis made no story"
    return str(stories[0]["story_id"])


def _hostile_id(store: SQLiteStore) -> str:
    return next(a["article_id"] for a in store.list_articles() if a["title"] == HOSTILE_TITLE)


# -- JSON twins and pages ---------------------------------------------------------------------


def test_every_new_page_has_a_json_twin_equal_to_its_view(
    client: TestClient, store: SQLiteStore, seed_story: str
) -> None:
    data = story_view(store, seed_story)
    pairs: list[tuple[str, dict[str, Any]]] = [
        (f"/stories/{seed_story}", data),
        ("/stories", stories_index_view(store)),
        ("/search?q=security", search_view(store, "security")),
    ]
    for event in data["events"]:
        pairs.append((f"/events/{event['event_id']}", event_view(store, event["event_id"])))
    for actor in store.actor_rows():
        pairs.append((f"/actors/{actor['entity_id']}", actor_view(store, actor["entity_id"])))
    for row in store.list_articles():
        pairs.append((f"/articles/{row['article_id']}", article_view(store, row["article_id"])))
    for path, view in pairs:
        base, _, query = path.partition("?")
        twin = client.get(f"{base}.json" + (f"?{query}" if query else ""))
        assert twin.status_code == 200, path
        assert twin.json() == json.loads(json.dumps(view)), path
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert "Content-Security-Policy" in page.headers
    home = client.get("/")
    assert home.status_code == 200 and f'href="/stories/{seed_story}"' in home.text
    assert 'action="/search"' in home.text


@pytest.mark.parametrize(
    "path", ["/stories/st_nope", "/events/ev_nope", "/actors/en_nope", "/articles/0000"]
)
def test_unknown_ids_are_404_in_both_forms(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404 and "no " in page.text
    twin = client.get(path + ".json")
    assert twin.status_code == 404 and "error" in twin.json()


def test_story_page_shows_timeline_matrix_and_side_by_side(
    client: TestClient, store: SQLiteStore, seed_story: str
) -> None:
    data = story_view(store, seed_story)
    html = client.get(f"/stories/{seed_story}").text
    tree = parse(html)
    assert len(data["events"]) == 3
    for event in data["events"]:
        assert f'href="/events/{event["event_id"]}"' in html
    for st in data["statements"]:
        assert f'data-statement-id="{st["statement_id"]}"' in html
        for q in st["quotes"]:
            assert f'href="/articles/{q["article_id"]}#q-{q["quote_id"]}"' in html
    cells = [a for tag, a in tree.tags if tag == "td" and a.get("data-cell")]
    assert len(cells) == len(data["statements"]) * len(data["outlets"])
    assert [c["data-cell"] for c in cells] == [
        cell for row in data["matrix"]["rows"] for cell in row["cells"]
    ]
    # Differences between renderings are marked; repeats across events are linked.
    assert '<ins class="diff">' in html
    assert any(st["repeats"] for st in data["statements"])
    assert html.count("<svg") == 1 and "<script" not in html


def test_matrix_cells_agree_with_the_stored_quotes(store: SQLiteStore, seed_story: str) -> None:
    data = story_view(store, seed_story)
    bodies = {a.article_id: a.body for a in store.iter_articles()}
    stored = {r["quote_id"]: r for r in store.quote_rows()}
    for st in data["statements"]:
        members = [r for r in stored.values() if r["statement_id"] == st["statement_id"]]
        assert {q["quote_id"] for q in st["quotes"]} == {r["quote_id"] for r in members}
        for cell in st["cells"]:
            mine = [
                r for r in members
                if column_of(r["article_id"], r["outlet"]).key == cell["column"]
            ]
            assert sorted(cell["quote_ids"]) == sorted(r["quote_id"] for r in mine)
            kinds = {(r["kind"], r["relation"]) for r in mine}
            if not mine:
                assert cell["cell"] == "absent"
            elif ("direct", "same") in kinds:
                assert cell["cell"] == "verbatim"
            elif any(k == "partial" for k, _ in kinds):
                assert cell["cell"] == "partial"
            else:
                assert cell["cell"] == "paraphrase"
        for q in st["quotes"]:
            assert bodies[q["article_id"]][q["start"] : q["end"]] == q["text"]
    # The seed story's first statement reaches two outlets in different words.
    assert any(len(st["carried_by"]) >= 2 for st in data["statements"])


def test_event_page_lists_its_evidence_spans(
    client: TestClient, store: SQLiteStore, seed_story: str
) -> None:
    event = story_view(store, seed_story)["events"][0]
    html = client.get(f"/events/{event['event_id']}").text
    for name, ev in event["evidence"].items():
        assert f"<td>{name}</td>" in html
        if ev.get("start") is not None:
            body = store.get_article(ev["article_id"])
            assert body is not None and body.body[ev["start"] : ev["end"]] == ev["text"]
            assert f"chars {ev['start']}–{ev['end']}" in html


def test_actor_page_shows_statements_over_time(client: TestClient, store: SQLiteStore) -> None:
    actor = store.actor_rows()[0]
    data = actor_view(store, actor["entity_id"])
    assert len(data["statements"]) == actor["statements"]
    days = [s["day"] for s in data["statements"] if s["day"]]
    assert days == sorted(days)
    assert all(q["quote_id"] for s in data["statements"] for q in s["quotes"])
    html = client.get(f"/actors/{actor['entity_id']}").text
    assert html.count('data-statement-id="') == len(data["statements"])
    assert "/actors" in client.get("/actors").text


def test_stories_filters(store: SQLiteStore, seed_story: str, client: TestClient) -> None:
    every = {s["story_id"] for s in stories_index_view(store)["stories"]}
    assert seed_story in every
    assert seed_story in {
        s["story_id"] for s in stories_index_view(store, outlet="sputnik")["stories"]
    }
    assert stories_index_view(store, outlet="No Such Outlet")["stories"] == []
    by_actor = stories_index_view(store, actor="Putin")["stories"]
    assert seed_story in {s["story_id"] for s in by_actor}
    assert stories_index_view(store, actor="Nobody Atall")["stories"] == []
    start = store.story_row(seed_story)
    assert start is not None and start["start"]
    assert seed_story not in {
        s["story_id"] for s in stories_index_view(store, until="2000-01-01")["stories"]
    }
    assert seed_story in {
        s["story_id"] for s in stories_index_view(store, since=start["start"])["stories"]
    }
    assert client.get("/stories.json", params={"since": "not-a-date"}).status_code == 422
    page = client.get("/", params={"outlet": "No Such Outlet"})
    assert page.status_code == 200 and "match these filters" in page.text


# -- downloads --------------------------------------------------------------------------------


def test_story_csv_is_the_coverage_matrix(
    client: TestClient, store: SQLiteStore, seed_story: str
) -> None:
    data = story_view(store, seed_story)
    response = client.get(f"/stories/{seed_story}.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][6:] == [o["label"] for o in data["outlets"]]
    assert [r[0] for r in rows[1:]] == [st["statement_id"] for st in data["statements"]]
    assert [r[6:] for r in rows[1:]] == [row["cells"] for row in data["matrix"]["rows"]]


def test_story_markdown_cites_article_offsets(
    client: TestClient, store: SQLiteStore, seed_story: str
) -> None:
    data = story_view(store, seed_story)
    text = client.get(f"/stories/{seed_story}.md").text
    assert text.startswith("# ")
    for event in data["events"]:
        assert md_text(event["title"]) in text
    bodies = {a.article_id: a.body for a in store.iter_articles()}
    cited = 0
    for st in data["statements"]:
        for q in st["quotes"]:
            assert f"[`{q['article_id']}`, chars {q['start']}-{q['end']}]" in text
            assert bodies[q["article_id"]][q["start"] : q["end"]] == q["text"]
            cited += 1
    assert cited == sum(len(st["quotes"]) for st in data["statements"]) > 0


def test_markdown_text_cannot_inject_links_or_html() -> None:
    hostile = "[click](javascript:alert(1)) <script>x</script> ![img](http://x/y.png)\n# head"
    escaped = md_text(hostile)
    assert "](" not in escaped.replace("\\](", "").replace("\\(", "")
    assert "<script>" not in escaped and "\n" not in escaped
    assert escaped.startswith("\\[click\\]\\(javascript:alert\\(1\\)\\)")


# -- the highlighted article ------------------------------------------------------------------


def test_hostile_article_highlight_is_inert_and_anchors_slice_the_body(
    client: TestClient, store: SQLiteStore
) -> None:
    aid = _hostile_id(store)
    data = article_view(store, aid)
    assert data["quotes"], "the hand-written article's quotes were not extracted"
    html = client.get(f"/articles/{aid}").text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<svg onload" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    section = html.split('<section class="body highlighted" id="body">', 1)[1].split(
        "</section>", 1
    )[0]
    tree = parse(section)
    assert "".join(tree.text) == data["body"]
    for tag, attrs in tree.tags:
        assert tag in {"span", "a"}
        assert not any(name.startswith("on") for name in attrs)
        assert not str(attrs.get("href") or "").lower().startswith("javascript")
    for q in data["quotes"]:
        assert "".join(tree.quote_text[q["quote_id"]]) == data["body"][q["start"] : q["end"]]
        assert tree.ids.count(f"q-{q['quote_id']}") == 1


def test_every_seed_article_anchors_every_quote_exactly(store: SQLiteStore) -> None:
    for row in store.list_articles():
        data = article_view(store, row["article_id"])
        tree = parse(str(article_body_html(data)))
        assert "".join(tree.text) == data["body"]
        for q in data["quotes"]:
            assert "".join(tree.quote_text[q["quote_id"]]) == q["text"]
        # Ids are unique: one per quote, and one citation anchor (s-START-END) per other span.
        assert len(tree.ids) == len(set(tree.ids))
        assert len([i for i in tree.ids if i.startswith("q-")]) == len(data["quotes"])
        spans = {f"s-{c['start']}-{c['end']}" for c in data["framing"]}
        assert spans <= set(tree.ids)
        speakers = [m for m in data["mentions"] if m["entity_id"]]
        for m in speakers:
            assert data["body"][m["start"] : m["end"]] == m["text"]


def test_crossing_and_nested_spans_nest_and_keep_every_character() -> None:
    text = 'He said "a <b>&amp; c" then "x" — done'
    marks = [
        Mark(8, 22, "span", (("data-quote", "A"),), first_attrs=(("id", "q-A"),)),
        Mark(3, 12, "span", (("class", "cue"),), layer=1),  # crosses quote A
        Mark(11, 14, "span", (("class", "ent"),), layer=2),  # inside A
        Mark(29, 30, "span", (("data-quote", "B"),), first_attrs=(("id", "q-B"),)),
        Mark(5, 5, "span", ()),  # empty: left out
        Mark(30, 99, "span", ()),  # past the end: left out
    ]
    html = str(wrap_spans(text, marks))
    tree = parse(html)
    assert "".join(tree.text) == text
    assert "".join(tree.quote_text["A"]) == text[8:22]
    assert "".join(tree.quote_text["B"]) == text[29:30]
    assert tree.ids == ["q-A", "q-B"]
    assert "<b>" not in html and "&amp;amp;" in html and "&lt;" in html


# -- search -----------------------------------------------------------------------------------


def _write_article(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(json.dumps({"title": title, "text": body, "outlet": "Test Wire"}) + "\n")
    return path


def test_search_finds_a_body_word_and_stays_in_sync(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    first = _write_article(
        tmp_path, "a.jsonl", "Harbour dredging approved",
        "The port authority approved dredging of the northern harbour on Tuesday. Engineers "
        "said the quayside would stay open while the barges worked.",
    )
    with SQLiteStore(settings.db) as store:
        ingest_paths([str(first)], store, settings)
        hits = search_view(store, "quayside")
        assert [r["title"] for r in hits["results"]] == ["Harbour dredging approved"]
        snippet, marks = hits["results"][0]["snippet"], hits["results"][0]["marks"]
        assert [snippet[s:e] for s, e in marks] == ["quayside"]
        assert search_view(store, "lighthouse")["total"] == 0
        second = _write_article(
            tmp_path, "b.jsonl", "Lighthouse keeper retires",
            "After forty years the lighthouse keeper handed over the keys to the quayside "
            "museum, which will run tours from the spring.",
        )
        ingest_paths([str(second)], store, settings)
        assert [r["title"] for r in search_view(store, "lighthouse")["results"]] == [
            "Lighthouse keeper retires"
        ]
        assert search_view(store, "quayside")["total"] == 2
        assert search_view(store, "harb*")["total"] == 1
        assert search_view(store, '"keeper handed"')["total"] == 1
        assert search_view(store, '"handed keeper"')["total"] == 0
        assert store.search_index_ids() == sorted(a["article_id"] for a in store.list_articles())
        # Whatever a user types is searched as words, never parsed as FTS syntax.
        for typed in ['"', "AND", "quayside OR", "NEAR(", "*", "-", "col:x", "()"]:
            search_view(store, typed)


def test_search_migration_indexes_articles_stored_before_it(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "old.db"))
    path = _write_article(
        tmp_path, "a.jsonl", "Orchard frost",
        "A late frost hit the apple orchards of the valley overnight, and growers said the "
        "blossom on the lower slopes was lost before the fans could be started.",
    )
    with SQLiteStore(settings.db) as store:
        assert ingest_paths([str(path)], store, settings).articles == 1
        # Put the file back at schema 5, as a database made before the index existed (and
        # before the comparison tables of migration 7, the indexes of migrations 8 and 9 and
        # the near-duplicate bands of migration 10, the event aggregates of migration 11).
        store._conn.executescript(
            "DROP TRIGGER article_search_insert; DROP TRIGGER article_search_delete; "
            "DROP TRIGGER article_search_update; DROP TABLE article_search; "
            "DROP TABLE framing_cues; DROP TABLE labels; DROP TABLE tones; "
            "DROP TABLE statement_stances; DROP TABLE position_changes; "
            "DROP INDEX statements_order; DROP INDEX events_order; "
            "DROP INDEX events_seq; DROP INDEX event_members_seq; "
            "DROP INDEX statements_seq; DROP INDEX statement_members_seq; "
            "DROP TABLE article_bands; DROP TABLE event_aggregates; "
            "PRAGMA user_version = 5;"
        )
    with SQLiteStore(settings.db) as store:
        assert [r["title"] for r in search_view(store, "orchards")["results"]] == [
            "Orchard frost"
        ]


def test_search_page_escapes_snippets(client: TestClient, store: SQLiteStore) -> None:
    data = client.get("/search.json", params={"q": "bridge"}).json()
    assert any(r["article_id"] == _hostile_id(store) for r in data["results"])
    html = client.get("/search", params={"q": "script bridge"}).text
    assert "<script>alert" not in html and "<mark>" in html
    assert client.get("/search", params={"q": '"><script>'}).status_code == 200


def test_query_and_snippet_parsing() -> None:
    assert fts_query("") is None and fts_query('" * ()') is None
    assert fts_query('putin "security guarantees" secur*') == (
        '"putin" "security guarantees" "secur"*'
    )
    assert split_snippet("a \ue000bc\ue001 d \ue000e\ue001") == ("a bc d e", [[2, 4], [7, 8]])
    assert str(marked_snippet("<x> y", [[4, 5]])) == "&lt;x&gt; <mark>y</mark>"


# -- pieces -----------------------------------------------------------------------------------


def test_word_diff_marks_changed_and_missing_words() -> None:
    runs = word_diff(
        "Ukraine can decide how to ensure its security",
        "Ukraine can decide how to guarantee its own security",
    )
    assert {"op": "changed", "text": "guarantee "} in runs
    assert {"op": "removed", "text": "ensure "} in runs
    assert {"op": "changed", "text": "own "} in runs
    same = "".join(r["text"] for r in runs if r["op"] != "removed")
    assert same == "Ukraine can decide how to guarantee its own security"
    assert all(r["op"] == "same" for r in word_diff("Russia’s goal.", "russia's goal"))


def test_coverage_chart_escapes_labels_and_draws_each_point() -> None:
    outlets = [{"column": "a", "label": "<script>x</script>"}, {"column": "b", "label": "B & C"}]
    points = [
        {"day": "2025-09-02", "column": "a", "articles": 2, "quotes": 0},
        {"day": "2025-11-20", "column": "b", "articles": 1, "quotes": 0},
        {"day": None, "column": "a", "articles": 1, "quotes": 0},
    ]
    svg = str(coverage_svg(points, outlets))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "B &amp; C" in svg
    assert svg.count("<rect") == len(points) + len(outlets)
    assert ">undated<" in svg and "style=" not in svg
    assert str(coverage_svg([], outlets)) == ""


# -- over a real socket -----------------------------------------------------------------------


def test_story_pages_over_a_real_socket(live_server: str, analyzed_db: Path) -> None:
    with SQLiteStore(analyzed_db) as store:
        story_id = store.list_stories()[0]["story_id"]
        expected = story_view(store, story_id)
        actor = store.actor_rows()[0]["entity_id"]
        expected_actor = actor_view(store, actor)
    with httpx.Client(base_url=live_server, timeout=20) as http:
        assert http.get(f"/stories/{story_id}.json").json() == json.loads(json.dumps(expected))
        page = http.get(f"/stories/{story_id}")
        assert page.status_code == 200 and 'id="matrix"' in page.text
        assert http.get(f"/actors/{actor}.json").json() == json.loads(json.dumps(expected_actor))
        assert http.get(f"/events/{expected['events'][0]['event_id']}").status_code == 200
        assert http.get(f"/stories/{story_id}.csv").text.startswith("statement_id,")
        assert http.get(f"/stories/{story_id}.md").text.startswith("# ")
        assert http.get("/search.json", params={"q": "Putin"}).json()["total"] >= 1
        assert story_id in http.get("/").text


# -- statements a page at a time --------------------------------------------------------------
# The pages partition the statements, reach order sorts them by how many outlets carried them, a
# link to a statement lands on its page, and the page, its JSON twin and the CSV agree.

SIZE = 4


@pytest.fixture(scope="module")
def story(store: SQLiteStore, seed_story: str) -> str:
    """The seed story, which has enough statements to page through."""
    total = story_view(store, seed_story, ALL_STATEMENTS)["statements_page"]["total"]
    assert total > 2 * SIZE, f"the seed story needs more than {2 * SIZE} statements to page"
    return seed_story


def _ids(view: dict[str, Any]) -> list[str]:
    return [st["statement_id"] for st in view["statements"]]


@pytest.mark.parametrize("order", ["time", "reach"])
def test_pages_partition_the_statements_in_their_order(
    store: SQLiteStore, story: str, order: str
) -> None:
    whole = story_view(store, story, ALL_STATEMENTS)
    total = whole["statements_page"]["total"]
    seen: list[str] = []
    for offset in range(0, total, SIZE):
        view = story_view(store, story, StatementPage(offset=offset, limit=SIZE, order=order))
        page = view["statements_page"]
        assert page == {"offset": offset, "limit": SIZE, "order": order,
                        "shown": min(SIZE, total - offset), "total": total}
        assert [r["statement_id"] for r in view["matrix"]["rows"]] == _ids(view)
        # what does not depend on the page is the same on every page
        for key in ("events", "outlets", "coverage_over_time", "labels", "framing"):
            assert view[key] == whole[key], key
        on_page = {s["statement_id"] for p in view["positions"] for s in p["statements"]
                   if s["on_page"]}
        assert on_page == set(_ids(view))
        seen += _ids(view)
    assert sorted(seen) == sorted(_ids(whole)) and len(set(seen)) == total
    if order == "time":
        assert seen == _ids(whole)
    else:
        reach = {st["statement_id"]: len(st["carried_by"]) for st in whole["statements"]}
        assert [reach[s] for s in seen] == sorted((reach[s] for s in seen), reverse=True)
        assert len(set(reach.values())) > 1, "every statement has the same reach: nothing tested"
    past = story_view(store, story, StatementPage(offset=total + 5, limit=SIZE))
    assert past["statements"] == [] and past["statements_page"]["total"] == total


def test_a_statement_link_opens_the_page_that_holds_it(store: SQLiteStore, story: str) -> None:
    last = _ids(story_view(store, story, ALL_STATEMENTS))[-1]
    view = story_view(store, story, StatementPage(limit=SIZE, statement=last))
    assert last in _ids(view) and view["statements_page"]["offset"] % SIZE == 0
    assert view["statements_page"]["offset"] > 0
    unknown = story_view(store, story, StatementPage(offset=SIZE, limit=SIZE, statement="nope"))
    assert unknown["statements_page"]["offset"] == SIZE


def test_bad_pages_are_refused_with_the_reason(client: TestClient, story: str) -> None:
    for query in ("order=loudest", "limit=0", "limit=100000", "offset=-1"):
        response = client.get(f"/stories/{story}.json?{query}")
        assert response.status_code == 422, query
        assert query.split("=")[0] in response.text
    with pytest.raises(ValueError, match="unknown order"):
        StatementPage(order="loudest")


def _links(html: str) -> tuple[dict[str, list[str]], set[str]]:
    """A page's link targets by their rel ("" for none), and its element ids."""
    tree = parse(html)
    links: dict[str, list[str]] = {}
    for tag, attrs in tree.tags:
        if tag == "a" and attrs.get("href"):
            links.setdefault(str(attrs.get("rel") or ""), []).append(str(attrs["href"]))
    return links, set(tree.ids)


def test_the_page_its_twin_and_the_downloads(
    client: TestClient, store: SQLiteStore, story: str
) -> None:
    path = f"/stories/{story}"
    twin = client.get(f"{path}.json", params={"limit": SIZE, "offset": SIZE}).json()
    assert _ids(twin) == _ids(story_view(store, story, StatementPage(offset=SIZE, limit=SIZE)))
    first = client.get(path, params={"limit": SIZE})
    assert first.status_code == 200
    links, ids = _links(first.text)
    shown = _ids(story_view(store, story, StatementPage(limit=SIZE)))
    assert set(shown) <= ids
    # "next" leads to the second page, whose statements are the twin's
    (following,) = set(links["next"])
    _, second = _links(client.get(urljoin(path, following)).text)
    assert set(_ids(twin)) <= second and not set(shown) & second
    # a speaker's statement on another page is linked to the page that holds it
    away = [h for h in links[""] if "statement=" in h]
    assert away, "no link to a statement on another page"
    target = parse_qs(urlsplit(away[0]).query)["statement"][0]
    assert target in _links(client.get(urljoin(path, away[0])).text)[1]
    # the CSV holds every statement, not a page
    total = twin["statements_page"]["total"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"{path}.csv").text)))
    assert len({r["statement_id"] for r in rows}) == total
