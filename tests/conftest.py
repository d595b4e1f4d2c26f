"""Shared fixtures. A socket guard makes any connection off this machine fail loudly, so a hidden
download at run time cannot pass unnoticed."""

from __future__ import annotations

import atexit
import ipaddress
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from parallax.settings import Settings
from parallax.store import SQLiteStore

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# PostgreSQL stores keep their indexes in a cache folder: the tests' own, not the user's
os.environ["PARALLAX_INDEX_CACHE"] = tempfile.mkdtemp(prefix="parallax-test-indexes-")
atexit.register(shutil.rmtree, os.environ["PARALLAX_INDEX_CACHE"], ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "examples" / "seeds"

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if host != "localhost" and (ip is None or not ip.is_loopback):
            raise ConnectionRefusedError(f"test tried to reach {address!r}: no network in tests")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled demo corpus."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with the database in a temporary folder."""
    return Settings(db=str(tmp_path / "test.db"))


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    """An empty, migrated store."""
    s = SQLiteStore(settings.db)
    yield s
    s.close()


@pytest.fixture
def rows_per_query(monkeypatch: pytest.MonkeyPatch) -> Callable[[SQLiteStore], list[int]]:
    """Watch a store: the list filled with how many rows each of its queries returns from now
    on (to prove a read goes page by page)."""

    def watch(store: SQLiteStore) -> list[int]:
        sizes: list[int] = []
        real = store._query

        def query(sql: str, params: Sequence[Any] = ()) -> list[Any]:
            rows = real(sql, params)
            sizes.append(len(rows))
            return rows

        monkeypatch.setattr(store, "_query", query)
        return sizes

    return watch
