"""Whole-corpus export over HTTP: every file of the registry, streamed, equal to `parallax export`.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from livesite import serve

from parallax.cli import main
from parallax.export import EXPORTS, article_record
from parallax.ingest import ingest_paths
from parallax.settings import Settings
from parallax.store import SQLiteStore, Store
from parallax.web.app import create_app
from parallax.web.downloads import CHUNK_BYTES, chunked

#: Articles in the large store: together well over a few chunks and socket buffers.
LARGE = 3_000


def _cli_export(db: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(db), "export", "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_every_export_file_over_http_equals_the_cli_file(
    analyzed_db: Path, tmp_path: Path
) -> None:
    _cli_export(analyzed_db, tmp_path / "out")
    client = TestClient(create_app(str(analyzed_db)))
    index = client.get("/api/export").json()
    assert [f["name"] for f in index["files"]] == list(EXPORTS)
    for name in EXPORTS:
        response = client.get(f"/api/export/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        assert f'filename="{name}"' in response.headers["content-disposition"]
        assert response.content == (tmp_path / "out" / name).read_bytes(), name
    assert client.get("/api/export/articles.jsonl").content.count(b"\n") == 6


def test_unknown_export_files_are_404(analyzed_db: Path) -> None:
    client = TestClient(create_app(str(analyzed_db)))
    for name in ("nope.jsonl", "articles.json", "ARTICLES.JSONL", ".articles.jsonl"):
        response = client.get(f"/api/export/{name}")
        assert response.status_code == 404, name
        assert response.json()["files"] == list(EXPORTS)
    for target in ("/api/export/..%2Fweb.db", "/api/export/../../web.db"):
        assert client.get(target).status_code == 404, target


def test_export_is_served_with_the_security_headers(analyzed_db: Path) -> None:
    response = TestClient(create_app(str(analyzed_db))).get("/api/export/events.jsonl")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_chunks_hold_whole_lines_and_lose_nothing() -> None:
    lines = [f"{i:05d} " + "é" * (i % 300) + "\n" for i in range(2_000)]
    chunks = list(chunked(lines, size=4_096))
    assert b"".join(chunks) == "".join(lines).encode("utf-8")
    assert all(c.endswith(b"\n") for c in chunks)
    assert all(len(c) < 4_096 + 700 for c in chunks) and len(chunks) > 10
    assert list(chunked([])) == []


def _fill(store: Store, settings: Settings, tmp_path: Path, count: int) -> None:
    """``count`` distinct small articles, inserted through the store API from one cleaned
    article (ingesting thousands of files would only test ingest)."""
    sample = tmp_path / "sample.txt"
    sample.write_text(
        "Harbour opens new pier\n\nThe harbour authority opened a new pier on Monday. "
        "Officials said ferries would dock there from next week.\n",
        encoding="utf-8",
    )
    ingest_paths([str(sample)], store, settings)
    [template] = list(store.iter_articles())
    with store.transaction():
        for i in range(count):
            store.add_article(
                dataclasses.replace(
                    template,
                    article_id=f"{i:08d}" + template.article_id[8:],
                    content_hash=f"{i:08d}" + template.content_hash[8:],
                    metadata=dataclasses.replace(template.metadata, title=f"Pier story {i}"),
                    body=template.body + f" Item {i}." + " Filler words here." * 20,
                )
            )


@pytest.fixture
def large_db(tmp_path: Path) -> Path:
    db = tmp_path / "large.db"
    settings = Settings(db=str(db), min_body_chars=20)
    with SQLiteStore(db) as store:
        _fill(store, settings, tmp_path, LARGE)
        assert store.count_articles() == LARGE + 1
    return db


@pytest.fixture
def large_server(large_db: Path) -> Iterator[str]:
    yield from serve(create_app(str(large_db)))


def test_a_large_store_streams_in_full_over_a_real_socket(
    large_db: Path, large_server: str, tmp_path: Path
) -> None:
    _cli_export(large_db, tmp_path / "out")
    expected = (tmp_path / "out" / "articles.jsonl").read_bytes()
    assert len(expected) > 20 * CHUNK_BYTES
    sizes: list[int] = []
    with (
        httpx.Client(base_url=large_server, timeout=60) as http,
        http.stream("GET", "/api/export/articles.jsonl") as response,
    ):
        assert response.status_code == 200
        # streamed: chunked transfer, no length known in advance
        assert "content-length" not in response.headers
        assert response.headers["transfer-encoding"] == "chunked"
        body = b""
        for piece in response.iter_raw():
            sizes.append(len(piece))
            body += piece
    assert body == expected
    assert len(sizes) > 1
    rows = [json.loads(line) for line in body.splitlines()]
    assert len(rows) == LARGE + 1
    assert [r["article_id"] for r in rows] == sorted(r["article_id"] for r in rows)


def test_rows_are_sent_while_later_rows_are_still_unread(
    large_db: Path, large_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server sends the first chunk before it has read the rest of the store: the row
    function stops after a few chunks' worth of rows until the client has received bytes.
    A server that collected every row first would send nothing until the wait gave up."""
    received = threading.Event()
    produced: list[int] = []
    state: dict[str, Any] = {"waited_out": None}

    def paused_rows(store: Store) -> Iterator[dict[str, Any]]:
        for n, article in enumerate(store.iter_articles()):
            if n == 400:  # about 4 chunks of rows
                state["waited_out"] = not received.wait(timeout=30)
            produced.append(n)
            yield article_record(article)

    monkeypatch.setitem(EXPORTS, "articles.jsonl", paused_rows)
    with (
        httpx.Client(base_url=large_server, timeout=60) as http,
        http.stream("GET", "/api/export/articles.jsonl") as response,
    ):
        pieces = response.iter_raw()
        first = next(pieces)
        rows_when_first_arrived = len(produced)
        received.set()
        rest = b"".join(pieces)
    assert first and rows_when_first_arrived <= 400 < LARGE
    assert state["waited_out"] is False
    assert (first + rest).count(b"\n") == LARGE + 1
