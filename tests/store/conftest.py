"""Every store test runs twice: on SQLite and on PostgreSQL (a fresh schema each time)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_db import fresh_schema

from parallax.settings import Settings
from parallax.store import SQLiteStore, open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """What a user would pass to --db for an empty store on this backend."""
    if backend == "sqlite":
        yield str(tmp_path / "test.db")
    else:
        with fresh_schema() as url:
            yield url


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Default settings pointing at this backend's empty store."""
    return Settings(db=db_url)


@pytest.fixture
def store(db_url: str) -> Iterator[SQLiteStore]:
    """An empty, migrated store on this backend."""
    s = open_store(db_url)
    yield s
    s.close()
