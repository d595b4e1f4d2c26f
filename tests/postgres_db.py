"""A fresh PostgreSQL schema per test, on the server named by ``PARALLAX_TEST_POSTGRES``.

Start a throwaway server with ``eval "$(tests/pg_server.sh start)"``. Without the variable the
PostgreSQL variants of the store tests are skipped, except under ``CI=true``, where they fail:
CI must not pass by silently testing one backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

ENV = "PARALLAX_TEST_POSTGRES"


def server_url() -> str:
    """The test server's URL, or skip (fail under CI) when none is configured."""
    url = os.environ.get(ENV, "").strip()
    if not url:
        message = (
            f"{ENV} is not set: no PostgreSQL server to test against "
            '(eval "$(tests/pg_server.sh start)")'
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def with_search_path(url: str, schema: str) -> str:
    """The URL with its connections' search_path set to ``schema``."""
    option = quote(f"-csearch_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A URL whose tables land in a new, empty schema; the schema is dropped afterwards."""
    import psycopg  # only the PostgreSQL variants need it

    url = server_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
