"""The web server reads while another process ingests and analyses into the same SQLite file.

SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout of 30 s, so no
reader sees "database is locked": every response is a 200 with JSON or HTML, counted in the
"concurrent reads" figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from corpus import make_corpus
from livesite import serve

from parallax.settings import Settings
from parallax.store import SQLiteStore
from parallax.web.app import create_app


@pytest.fixture
def served_db(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "live.db"
    SQLiteStore(db).close()
    for base in serve(create_app(str(db), Settings(db=str(db)))):
        yield base, db


def test_reads_during_ingest_and_analyze(served_db: tuple[str, Path], tmp_path: Path,
                                         record_property: Any) -> None:
    base, db = served_db
    corpus = tmp_path / "corpus"
    make_corpus(corpus, events=3, seed=5)
    env = dict(os.environ, PARALLAX_BATCH_SIZE="2", HF_HUB_OFFLINE="1")
    cli = [sys.executable, "-m", "parallax.cli", "--db", str(db)]
    writer = subprocess.Popen(
        [*cli, "ingest", "--quiet", "--json", str(corpus)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    failures: list[str] = []
    served = [0]
    seen_articles: set[int] = set()

    def read() -> None:
        nonlocal writer
        with httpx.Client(base_url=base, timeout=60) as client:
            while writer.poll() is None or served[0] < 20:
                for path in ("/articles.json", "/articles", "/healthz", "/rejections.json"):
                    response = client.get(path)
                    served[0] += 1
                    if response.status_code != 200 or "locked" in response.text.lower():
                        failures.append(f"{path}: {response.status_code} {response.text[:200]}")
                    if path == "/healthz":
                        seen_articles.add(response.json()["articles"])

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    _, err = writer.communicate(timeout=240)
    assert writer.returncode == 0, err
    writer = subprocess.Popen([*cli, "analyze", "--json"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    _, err = writer.communicate(timeout=240)
    assert writer.returncode == 0, err
    for t in readers:
        t.join(timeout=120)
    assert not failures, failures[:5]
    assert len(seen_articles) >= 2, "the readers should have seen the count grow"
    with httpx.Client(base_url=base, timeout=30) as client:
        data = client.get("/articles.json", params={"limit": 1000}).json()
    with SQLiteStore(db) as store:
        assert data["total"] == store.count_articles() > 0
    record_property("concurrent_reads", served[0])
