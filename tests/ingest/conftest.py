"""Fixtures for the ingest tests: every input file is written here, into ``tmp_path``.

The article texts below are made up for the tests; nothing is copied from ../shared/data.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from parallax.ingest.readers import read_file
from parallax.model import RawDocument, Rejected
from parallax.settings import Settings

Writer = Callable[[str, bytes | str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """Write bytes (or UTF-8 text) to a file named ``name`` under ``tmp_path``."""

    def _write(name: str, data: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    return _write


Results = list[RawDocument | Rejected]


@pytest.fixture
def read(settings: Settings) -> Callable[..., Results]:
    """Everything `read_file` yields for a path (default settings unless given)."""

    def _read(path: Path, custom: Settings | None = None) -> Results:
        return list(read_file(path, custom or settings))

    return _read


@pytest.fixture(scope="session")
def gzip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Write a gzip file that decompresses to ``size`` bytes made of ``prefix`` then ``fill``
    bytes, without ever holding the decompressed data (it is compressed chunk by chunk)."""
    folder = tmp_path_factory.mktemp("bombs")

    def _bomb(name: str, prefix: bytes, size: int, fill: bytes = b"\x00") -> Path:
        path = folder / name
        chunk = fill * (1 << 20)
        with gzip.GzipFile(path, "wb", mtime=0, compresslevel=9) as out:
            out.write(prefix)
            for _ in range(size >> 20):
                out.write(chunk)
        return path

    return _bomb


@pytest.fixture
def make_warc() -> Callable[[list[dict[str, Any]], bool], bytes]:
    """Build WARC bytes with warcio's writer (see `warc_bytes`)."""
    return warc_bytes


def warc_bytes(records: list[dict[str, Any]], gzipped: bool) -> bytes:
    """A WARC file written with warcio's writer.

    Each record dict has ``type`` (response, request, resource, metadata), ``uri``, ``payload``
    (bytes) and for responses ``status`` and ``headers`` (HTTP header pairs).
    """
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    for spec in records:
        payload = io.BytesIO(spec["payload"])
        http = None
        if spec["type"] == "response":
            http = StatusAndHeaders(
                spec.get("status", "200 OK"), spec["headers"], protocol="HTTP/1.1"
            )
        elif spec["type"] == "request":
            http = StatusAndHeaders(
                f"GET {spec['uri']} HTTP/1.1", [("Host", "x.example")], is_http_request=True
            )
        record = writer.create_warc_record(
            spec["uri"],
            spec["type"],
            payload=payload,
            http_headers=http,
            warc_content_type=spec.get("content_type"),
        )
        writer.write_record(record)
    return out.getvalue()
