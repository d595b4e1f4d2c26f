"""The web UI and JSON API over a real socket (uvicorn) and in process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from parallax.api.views import article_view, articles_view
from parallax.store import SQLiteStore
from parallax.web.app import SECURITY_HEADERS, create_app


def test_article_list_over_a_real_socket(live_server: str, analyzed_db: Path) -> None:
    with httpx.Client(base_url=live_server, timeout=10) as client:
        page = client.get("/articles")
        data = client.get("/articles.json").json()
    assert page.status_code == 200
    assert data["total"] == 6
    for row in data["articles"]:
        assert f'href="/articles/{row["article_id"]}"' in page.text
    with SQLiteStore(analyzed_db) as store:
        assert data == articles_view(store)


def test_every_page_has_a_json_twin_equal_to_its_view(analyzed_db: Path) -> None:
    client = TestClient(create_app(str(analyzed_db)))
    with SQLiteStore(analyzed_db) as store:
        for row in store.list_articles():
            aid = row["article_id"]
            assert client.get(f"/articles/{aid}.json").json() == article_view(store, aid)
            html = client.get(f"/articles/{aid}")
            assert html.status_code == 200
            assert f"/articles/{aid}.json" in html.text
    assert client.get("/rejections.json").json() == {"rejections": []}
    assert "Nothing was rejected" in client.get("/rejections").text


def test_unknown_article_is_404_in_both_forms(analyzed_db: Path) -> None:
    client = TestClient(create_app(str(analyzed_db)))
    assert client.get("/articles/0000.json").status_code == 404
    page = client.get("/articles/0000")
    assert page.status_code == 404 and "no article with id" in page.text


def test_hostile_article_text_renders_inert(analyzed_db: Path, hostile: dict[str, str]) -> None:
    client = TestClient(create_app(str(analyzed_db)))
    data = client.get("/articles.json").json()
    row = next(a for a in data["articles"] if a["title"] == hostile["title"])
    for url in ("/articles", f"/articles/{row['article_id']}"):
        html = client.get(url).text
        assert "<script>alert" not in html
        assert "<img src=x" not in html and "<svg onload" not in html
        assert "<b>Mallory</b>" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;alert(" in html
    body = client.get(f"/articles/{row['article_id']}.json").json()["body"]
    assert "onerror" in body and hostile["body"].split(" <img")[0] in body


@pytest.mark.parametrize("path", ["/", "/articles", "/articles.json", "/rejections"])
def test_security_headers_on_every_response(analyzed_db: Path, path: str) -> None:
    response = TestClient(create_app(str(analyzed_db))).get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_openapi_documents_the_json_api_without_cdn_docs(analyzed_db: Path) -> None:
    client = TestClient(create_app(str(analyzed_db)))
    spec = client.get("/openapi.json").json()
    assert {"/articles.json", "/articles/{article_id}.json", "/rejections.json"} <= set(
        spec["paths"]
    )
    assert client.get("/docs").status_code == 404


def test_outlet_filter_and_paging(analyzed_db: Path) -> None:
    client = TestClient(create_app(str(analyzed_db)))
    first = client.get("/articles.json", params={"limit": 2}).json()
    assert len(first["articles"]) == 2 and first["next_offset"] == 2
    rest = client.get("/articles.json", params={"limit": 10, "offset": 2}).json()
    ids = [a["article_id"] for a in first["articles"] + rest["articles"]]
    assert len(ids) == len(set(ids)) == 6
    assert client.get("/articles.json", params={"limit": 0}).status_code == 422
