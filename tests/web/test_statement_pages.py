"""A story's statements come a page at a time: the pages partition the statements, reach order
sorts them by how many outlets carried them, a link to a statement lands on its page, and the
page, its JSON twin, the CSV and the briefing agree on what they hold."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from parallax.api.story import ALL_STATEMENTS, StatementPage, story_view
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore
from parallax.web.app import create_app

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
SIZE = 4


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("statement-pages")
    shutil.copytree(SEEDS, root / "seeds")
    path = root / "pages.db"
    settings = Settings(db=str(path))
    with SQLiteStore(path) as store:
        ingest_paths([str(root / "seeds")], store, settings)
        analyze(store, settings)
    return path


@pytest.fixture(scope="module")
def store(db: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(db) as s:
        yield s


@pytest.fixture(scope="module")
def story(store: SQLiteStore) -> str:
    stories = store.list_stories()
    story_id = str(stories[0]["story_id"])
    total = story_view(store, story_id, ALL_STATEMENTS)["statements_page"]["total"]
    assert total > 2 * SIZE, f"the seed story needs more than {2 * SIZE} statements to page"
    return story_id


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(str(db)))


def _ids(view: dict) -> list[str]:  # type: ignore[type-arg]
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


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self._rel: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.links.setdefault(str(a.get("rel") or ""), []).append(str(a["href"]))


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_the_page_its_twin_and_the_downloads(
    client: TestClient, store: SQLiteStore, story: str
) -> None:
    path = f"/stories/{story}"
    twin = client.get(f"{path}.json", params={"limit": SIZE, "offset": SIZE}).json()
    assert _ids(twin) == _ids(story_view(store, story, StatementPage(offset=SIZE, limit=SIZE)))
    first = client.get(path, params={"limit": SIZE})
    assert first.status_code == 200
    html = _parse(first.text)
    shown = _ids(story_view(store, story, StatementPage(limit=SIZE)))
    assert set(shown) <= html.ids
    # "next" leads to the second page, whose statements are the twin's
    (following,) = set(html.links["next"])
    second = client.get(urljoin(path, following))
    assert set(_ids(twin)) <= _parse(second.text).ids
    assert not set(shown) & _parse(second.text).ids
    # a speaker's statement on another page is linked to the page that holds it
    away = [h for h in html.links[""] if "statement=" in h]
    assert away, "no link to a statement on another page"
    target = parse_qs(urlsplit(away[0]).query)["statement"][0]
    assert target in _parse(client.get(urljoin(path, away[0])).text).ids
    # the CSV holds every statement, not a page
    total = twin["statements_page"]["total"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"{path}.csv").text)))
    assert len({r["statement_id"] for r in rows}) == total
