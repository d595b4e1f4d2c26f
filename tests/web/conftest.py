from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from livesite import serve

from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore
from parallax.web.app import create_app

XSS_TITLE = '<script>alert("title")</script>'
XSS_BODY = (
    'Officials met on Monday. <img src=x onerror=alert("body")> The mayor said the vote was '
    'close. <a href="javascript:alert(1)">click</a> and the session ended late in the evening.'
)


@pytest.fixture
def hostile() -> dict[str, str]:
    """The hostile article's title and body as ingested."""
    return {"title": XSS_TITLE, "body": XSS_BODY}


@pytest.fixture
def analyzed_db(tmp_path: Path, seeds_dir: Path) -> Path:
    """A database holding the seeds plus one hostile article."""
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(
        json.dumps(
            {
                "title": XSS_TITLE,
                "text": XSS_BODY,
                "outlet": '"><svg onload=alert(2)>',
                "author": "<b>Mallory</b>",
                "url": "javascript:alert(3)",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "web.db"
    settings = Settings(db=str(db))
    with SQLiteStore(db) as store:
        report = ingest_paths([str(seeds_dir), str(hostile)], store, settings)
        assert report.articles == 6, report.as_dict()
        analyze(store, settings)
    return db


@pytest.fixture
def live_server(analyzed_db: Path) -> Iterator[str]:
    """The app served by uvicorn on a real loopback socket; yields the base URL."""
    yield from serve(create_app(str(analyzed_db)))
