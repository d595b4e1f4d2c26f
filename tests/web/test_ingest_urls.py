"""URL ingest: ``POST /api/ingest`` with ``{"urls": [...]}`` fetches each URL and ingests it.

The network is an ``httpx.MockTransport`` and names resolve through an injected table, so no
test reaches the network (the socket guard in conftest.py would fail one that tried).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from livesite import serve

from parallax.ingest.fetch import (
    Fetched,
    Fetcher,
    FetchFailed,
    FetchPolicy,
    fetch_urls,
    fetched_name,
)
from parallax.settings import Settings
from parallax.store import SQLiteStore
from parallax.web.app import MAX_URLS, create_app

TOKEN = "url-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

ARTICLE_HTML = (
    "<html><head><title>Council approves budget</title></head><body><article>"
    "<h1>Council approves budget</h1>"
    "<p>The city council approved the budget on Tuesday after a long debate.</p>"
    "<p>The mayor said the plan would fund new schools and repair roads across the city.</p>"
    "</article></body></html>"
)
ARTICLE_TEXT = (
    "Bridge reopens after repairs\n\nThe old bridge over the river reopened on Friday after "
    "eight months of repairs. Drivers said the detour had added an hour to their commute.\n"
)
#: Hosts the injected resolver knows, and their (documentation-range or private) addresses.
HOSTS = {
    "news.example": ["93.184.216.34"],
    "wire.example": ["93.184.216.35"],
    "intranet.example": ["10.1.2.3"],
    "mixed.example": ["93.184.216.36", "127.0.0.1"],
    "meta.example": ["169.254.169.254"],
}


def resolve(host: str, port: int) -> list[str]:
    """Name resolution from `HOSTS`; unknown names fail as the system resolver would."""
    if host not in HOSTS:
        raise OSError(f"[Errno -2] Name or service not known: {host}")
    return HOSTS[host]


def handler(request: httpx.Request) -> httpx.Response:
    """The fake web: a few pages, redirects, errors and oversized answers. Requests arrive at
    the checked address, so the site is told by the Host header, as a real server does."""
    path = request.url.path
    host = request.headers["host"].split(":")[0]
    if host == "wire.example" and path == "/story.txt":
        # Latin-1 text declared in the header only: the readers must decode it as declared.
        body = ARTICLE_TEXT.replace("reopens", "reopens in Zürich").encode("latin-1")
        return httpx.Response(200, content=body,
                              headers={"Content-Type": "text/plain; charset=iso-8859-1"})
    routes: dict[str, httpx.Response] = {
        "/budget": httpx.Response(200, text=ARTICLE_HTML,
                                  headers={"Content-Type": "text/html; charset=utf-8"}),
        "/moved": httpx.Response(301, headers={"Location": "/budget"}),
        "/to-private": httpx.Response(302, headers={"Location": "http://10.0.0.5/admin"}),
        "/to-metadata": httpx.Response(302, headers={"Location": "http://meta.example/x"}),
        "/to-file": httpx.Response(302, headers={"Location": "file:///etc/passwd"}),
        "/loop": httpx.Response(302, headers={"Location": "/loop"}),
        "/image": httpx.Response(200, content=b"\x89PNG\r\n\x1a\n" + b"0" * 64,
                                 headers={"Content-Type": "image/png"}),
        "/untyped": httpx.Response(200, content=b"hello"),
        "/missing": httpx.Response(404, text="not here"),
        "/huge-declared": httpx.Response(
            200, headers={"Content-Type": "text/html", "Content-Length": "999999999"},
            content=b"",
        ),
        "/huge-streamed": httpx.Response(
            200, headers={"Content-Type": "text/html"},
            content=iter([b"<p>" + b"a" * 4096 + b"</p>"] * 100),
        ),
    }
    if path == "/slow":
        raise httpx.ReadTimeout("timed out", request=request)
    if path == "/reset":
        raise httpx.ConnectError("connection reset", request=request)
    return routes.get(path, httpx.Response(404))


def fetcher(**policy: object) -> Fetcher:
    """A fetcher over the fake web; ``policy`` overrides `FetchPolicy` fields."""
    return Fetcher(FetchPolicy(max_bytes=100_000, timeout=5.0, **policy),  # type: ignore[arg-type]
                   httpx.MockTransport(handler), resolve)


def one(url: str, **policy: object) -> Fetched | FetchFailed:
    """The result of fetching one URL."""
    [result] = fetch_urls([url], fetcher(**policy))
    return result


def reason(url: str, **policy: object) -> str:
    """The reason a fetch failed ("" when it succeeded)."""
    result = one(url, **policy)
    return result.reason if isinstance(result, FetchFailed) else ""


# -- the fetch itself ---------------------------------------------------------------------------


def test_a_page_is_fetched_with_its_type_and_a_plain_name() -> None:
    result = one("https://news.example/budget")
    assert isinstance(result, Fetched)
    assert result.suffix == ".html" and result.content_type == "text/html"
    assert result.data == ARTICLE_HTML.encode()
    assert fetched_name(result) == "news-example-budget.html"


def test_redirects_are_followed_and_reported() -> None:
    result = one("http://news.example/moved")
    assert isinstance(result, Fetched)
    assert result.final_url == "http://news.example/budget"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://news.example/budget", "bad-url"),
        ("file:///etc/passwd", "bad-url"),
        ("javascript:alert(1)", "bad-url"),
        ("gopher://news.example:70/", "bad-url"),
        ("not a url at all", "bad-url"),
        ("https://", "bad-url"),
        ("https://user:pw@news.example/budget", "bad-url"),
        ("https://news.example/" + "a" * 3000, "bad-url"),
        ("http://127.0.0.1/", "blocked-address"),
        ("http://127.1.2.3:8000/admin", "blocked-address"),
        ("http://[::1]/", "blocked-address"),
        ("http://[::ffff:127.0.0.1]/", "blocked-address"),
        ("http://[::ffff:10.0.0.1]/", "blocked-address"),
        ("http://0.0.0.0/", "blocked-address"),
        ("http://10.0.0.1/", "blocked-address"),
        ("http://172.16.5.4/", "blocked-address"),
        ("http://192.168.1.1/", "blocked-address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked-address"),
        ("http://[fe80::1]/", "blocked-address"),
        ("http://[fd00::1]/", "blocked-address"),
        ("http://224.0.0.1/", "blocked-address"),
        ("http://intranet.example/", "blocked-address"),
        ("http://mixed.example/", "blocked-address"),
        ("http://nowhere.example/", "unresolvable"),
        ("http://news.example/to-private", "blocked-address"),
        ("http://news.example/to-metadata", "blocked-address"),
        ("http://news.example/to-file", "bad-url"),
        ("http://news.example/loop", "too-many-redirects"),
        ("http://news.example/image", "content-type"),
        ("http://news.example/untyped", "content-type"),
        ("http://news.example/missing", "http-status"),
        ("http://news.example/huge-declared", "too-large"),
        ("http://news.example/huge-streamed", "too-large"),
        ("http://news.example/slow", "timeout"),
        ("http://news.example/reset", "network"),
    ],
)
def test_refused_urls_say_why(url: str, expected: str) -> None:
    result = one(url)
    assert isinstance(result, FetchFailed), result
    assert result.reason == expected, result
    assert result.url == url and result.message


def test_the_connection_goes_to_the_checked_address() -> None:
    seen: list[httpx.Request] = []
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        # public when checked, loopback a moment later: the second answer must never be used
        return next(answers)

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    fetcher = Fetcher(FetchPolicy(), httpx.MockTransport(record), rebinding)
    [result] = fetch_urls(["https://news.example:8443/budget"], fetcher)
    assert isinstance(result, Fetched)
    assert result.final_url == "https://news.example:8443/budget"
    [request] = seen
    assert request.url.host == "93.184.216.34" and request.url.port == 8443
    assert request.headers["host"] == "news.example:8443"
    assert request.extensions["sni_hostname"] == "news.example"


def test_private_addresses_are_fetched_only_when_allowed() -> None:
    assert reason("http://intranet.example/budget") == "blocked-address"
    assert reason("http://intranet.example/budget", allow_private=True) == ""
    assert reason("http://127.0.0.1/budget", allow_private=True) == ""
    # the scheme check stays on
    assert reason("file:///etc/passwd", allow_private=True) == "bad-url"


def test_the_header_charset_is_honoured() -> None:
    result = one("https://wire.example/story.txt")
    assert isinstance(result, Fetched)
    assert "Zürich".encode() in result.data  # re-encoded as UTF-8


def test_one_bad_url_does_not_stop_the_others() -> None:
    results = fetch_urls(
        ["http://127.0.0.1/", "https://news.example/budget", "http://news.example/missing"],
        fetcher(),
    )
    assert [type(r).__name__ for r in results] == ["FetchFailed", "Fetched", "FetchFailed"]


# -- the endpoint -------------------------------------------------------------------------------


@pytest.fixture
def url_settings(tmp_path: Path) -> Settings:
    db = tmp_path / "urls.db"
    SQLiteStore(db).close()
    return Settings(db=str(db), token=TOKEN, min_body_chars=20)


@pytest.fixture
def client(url_settings: Settings) -> TestClient:
    return TestClient(create_app(url_settings.db, url_settings, fetcher()))


URLS = [
    "https://news.example/budget",
    "https://wire.example/story.txt",
    "http://127.0.0.1:8000/api/ingest",
    "http://news.example/image",
]


def _check_ingested(data: dict[str, object], db: str) -> None:
    outcomes = data["urls"]
    assert isinstance(outcomes, list)
    assert [o["status"] for o in outcomes] == ["fetched", "fetched", "failed", "failed"]
    assert [o.get("reason") for o in outcomes[2:]] == ["blocked-address", "content-type"]
    assert outcomes[0]["final_url"] == URLS[0] and outcomes[0]["content_type"] == "text/html"
    assert data["articles"] == 2 and data["files"] == 2
    with SQLiteStore(db) as store:
        titles = sorted(r["title"] for r in store.list_articles())
        bodies = " ".join(a.body for a in store.iter_articles())
    assert titles == ["Bridge reopens in Zürich after repairs", "Council approves budget"]
    assert "fund new schools" in bodies and "eight months of repairs" in bodies


def test_urls_are_fetched_and_ingested_in_process(
    client: TestClient, url_settings: Settings
) -> None:
    response = client.post("/api/ingest", headers=AUTH, json={"urls": URLS})
    assert response.status_code == 200, response.text
    _check_ingested(response.json(), url_settings.db)
    again = client.post("/api/ingest", headers=AUTH, json={"urls": URLS[:2]}).json()
    assert again["articles"] == 0 and again["unchanged"] == 2


@pytest.fixture
def url_server(url_settings: Settings) -> Iterator[str]:
    yield from serve(create_app(url_settings.db, url_settings, fetcher()))


def test_urls_are_fetched_and_ingested_over_a_real_socket(
    url_server: str, url_settings: Settings
) -> None:
    with httpx.Client(base_url=url_server, timeout=30) as http:
        refused = http.post("/api/ingest", json={"urls": URLS})
        response = http.post("/api/ingest", headers=AUTH, json={"urls": URLS})
        listed = http.get("/articles.json").json()
    assert refused.status_code == 401
    assert response.status_code == 200, response.text
    _check_ingested(response.json(), url_settings.db)
    assert listed["total"] == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{}", 400),
        (b"not json", 400),
        (b'{"urls": []}', 400),
        (b'{"urls": "https://news.example/budget"}', 400),
        (b'{"urls": [1, 2]}', 400),
        (b'["https://news.example/budget"]', 400),
        (b"\xff\xfe", 400),
        (json.dumps({"urls": ["https://news.example/budget"] * (MAX_URLS + 1)}).encode(), 413),
        (json.dumps({"urls": ["https://news.example/" + "a" * 2000] * 120}).encode(), 413),
    ],
)
def test_malformed_url_requests_are_refused(client: TestClient, body: bytes, status: int) -> None:
    response = client.post(
        "/api/ingest", headers={**AUTH, "Content-Type": "application/json"}, content=body
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]


def test_url_ingest_is_off_without_a_token(tmp_path: Path) -> None:
    db = tmp_path / "open.db"
    SQLiteStore(db).close()
    calls: list[httpx.Request] = []

    def spy(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return handler(request)

    app = create_app(str(db), None, Fetcher(transport=httpx.MockTransport(spy), resolve=resolve))
    client = TestClient(app)
    response = client.post("/api/ingest", json={"urls": URLS[:1]})
    assert response.status_code == 403
    wrong = TestClient(create_app(str(db), Settings(db=str(db), token=TOKEN),
                                  Fetcher(transport=httpx.MockTransport(spy), resolve=resolve)))
    assert wrong.post("/api/ingest", headers={"Authorization": "Bearer nope"},
                      json={"urls": URLS[:1]}).status_code == 401
    assert calls == []  # nothing was fetched for an unauthorised request
