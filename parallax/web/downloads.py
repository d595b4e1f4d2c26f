"""Whole-corpus export over HTTP: ``GET /api/export/<name>`` streams one export file.

Every file of `parallax.export.EXPORTS` (the registry `parallax export` writes from) is served,
byte-identical to the file the command writes, with no cap on rows: the response is a stream
of lines produced from the store's row functions while it is sent, gathered into chunks of
about `CHUNK_BYTES` so a large export is not one network write (and one thread hop) per row.
The row functions read the store a page at a time (`parallax.store.iterators`), each page one
short query under the store's lock, so a download holds one page and one chunk in memory, and
other requests get the shared connection between pages. ``GET /api/export`` lists the files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response, StreamingResponse

from parallax.export import EXPORTS, export_lines
from parallax.store import Store

#: Bytes gathered before a chunk is sent.
CHUNK_BYTES = 64 * 1024

#: Media type of a JSONL stream.
JSONL_MEDIA_TYPE = "application/x-ndjson; charset=utf-8"


def chunked(lines: Iterable[str], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """UTF-8 chunks of about ``size`` bytes (whole lines, at least one per chunk) from
    ``lines``, produced as the lines are."""
    buffer: list[bytes] = []
    held = 0
    for line in lines:
        data = line.encode("utf-8")
        buffer.append(data)
        held += len(data)
        if held >= size:
            yield b"".join(buffer)
            buffer, held = [], 0
    if buffer:
        yield b"".join(buffer)


def export_router(store: Store) -> APIRouter:
    """The export routes over one open store."""
    router = APIRouter()

    @router.get("/api/export", summary="The export files, each streamed from /api/export/<name>")
    def export_index() -> dict[str, Any]:
        return {
            "files": [{"name": name, "url": f"/api/export/{name}"} for name in EXPORTS],
        }

    @router.get(
        "/api/export/{name}",
        summary="One file of the JSONL export, streamed in full (same bytes as `parallax export`)",
        responses={
            200: {"content": {"application/x-ndjson": {}}},
            404: {"description": "not an export file; the body lists them"},
        },
    )
    def export_file(name: str) -> Response:
        if name not in EXPORTS:
            return JSONResponse(
                {"error": f"no export file {name[:80]!r}", "files": list(EXPORTS)},
                status_code=404,
            )
        return StreamingResponse(
            chunked(export_lines(store, name)),
            media_type=JSONL_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return router
