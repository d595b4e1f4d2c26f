"""ASGI app: every HTML page has a JSON twin built from the same view function.

``/articles`` renders `articles_view` as HTML, ``/articles.json`` returns the same dict. Article
text is untrusted: templates autoescape everything, and a strict Content-Security-Policy forbids
inline scripts and any origin but our own.

The one write endpoint, ``POST /api/ingest``, is off unless a token is configured
(``PARALLAX_TOKEN``); then it needs ``Authorization: Bearer <token>`` (compared in constant
time), caps the request body at ``max_upload_bytes`` and stores uploads under names it makes
itself, so no request can choose a path on the server. The same endpoint takes a JSON body
``{"urls": [...]}`` and fetches each URL (`parallax.ingest.fetch`: http/https only, public
addresses only unless allowed, size cap, timeout, content-type check) before ingesting the bytes
the same way. See SECURITY.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from parallax import __version__
from parallax.api.views import articles_view, rejections_view
from parallax.ingest import ingest_paths
from parallax.ingest.fetch import (
    Fetched,
    Fetcher,
    FetchFailed,
    FetchPolicy,
    fetch_urls,
    fetched_name,
)
from parallax.settings import Settings
from parallax.store import Store, open_store
from parallax.web.downloads import export_router
from parallax.web.pages import pages_router

HERE = Path(__file__).parent

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

#: Longest request target (path and query) served; longer ones get 414. The HTTP parser in use
#: (httptools) sets no limit of its own.
MAX_TARGET_BYTES = 8_192
#: Most header bytes a request may carry; more gets 431.
MAX_HEADER_BYTES = 32_768
#: Most files one upload request may carry.
MAX_UPLOAD_FILES = 200
#: Longest uploaded file name, in UTF-8 bytes.
MAX_NAME_BYTES = 200
#: Most URLs one ingest request may name.
MAX_URLS = 50
#: Largest JSON body (a list of URLs) the ingest endpoint reads, in bytes.
MAX_URL_BODY_BYTES = 200_000


class UploadRejected(Exception):
    """A write request refused before anything was stored; ``status`` is the HTTP code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the client gave (checked) and its bytes."""

    name: str
    data: bytes


def token_matches(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <token>``, compared in constant time.

    The header arrives decoded as latin-1 (each byte one character), so encoding it back gives
    the raw bytes, compared with the token's UTF-8 bytes.
    """
    if not token or not header:
        return False
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    try:
        raw = given.strip().encode("latin-1")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(raw, token.encode("utf-8"))


def safe_upload_name(filename: str | None) -> str:
    """The uploaded file's name if it is a plain file name, else `UploadRejected` (400).

    Names with folders (``../x``, ``a/b``, ``C:\\x``), hidden names, control characters and
    overlong names are refused rather than rewritten, so the client learns what happened.
    """
    if not filename:
        raise UploadRejected(400, "every uploaded part needs a file name (filename=...)")
    if "/" in filename or "\\" in filename or filename in (".", ".."):
        raise UploadRejected(
            400, f"file name {filename[:80]!r} contains a folder; send plain file names"
        )
    if filename.startswith(".") or any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise UploadRejected(
            400, f"file name {filename[:80]!r} is hidden or holds control characters"
        )
    if len(filename.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise UploadRejected(400, f"file names may be at most {MAX_NAME_BYTES} bytes long")
    return filename


def parse_multipart(content_type: str, body: bytes) -> list[Upload]:
    """The files of a ``multipart/form-data`` body (parts named ``file``); `UploadRejected`
    (400) for a body that is not well-formed multipart or holds anything else."""
    try:
        header = content_type.encode("latin-1")
    except UnicodeEncodeError:
        raise UploadRejected(400, "the Content-Type header is not valid") from None
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + header + b"\r\n\r\n" + body
    )
    if message.defects or not message.is_multipart():
        problems = ", ".join(sorted({type(d).__name__ for d in message.defects})) or "no parts"
        raise UploadRejected(
            400, f"the body is not well-formed multipart/form-data ({problems}); send the files "
            "as multipart form fields named 'file'"
        )
    uploads: list[Upload] = []
    for part in message.iter_parts():
        if part.defects or part.is_multipart():
            raise UploadRejected(400, "a part of the multipart body is malformed")
        if part.get_content_disposition() != "form-data":
            raise UploadRejected(400, "every part needs Content-Disposition: form-data")
        field_name = part.get_param("name", header="content-disposition")
        if field_name not in ("file", "files"):
            raise UploadRejected(400, f"unexpected form field {str(field_name)[:40]!r}; "
                                 "send files in fields named 'file'")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        uploads.append(Upload(safe_upload_name(part.get_filename()), data))
        if len(uploads) > MAX_UPLOAD_FILES:
            raise UploadRejected(413, f"at most {MAX_UPLOAD_FILES} files per request")
    if not uploads:
        raise UploadRejected(400, "the request holds no files; send them in fields named 'file'")
    return uploads


def parse_url_request(body: bytes) -> list[str]:
    """The URLs of a ``{"urls": ["https://...", ...]}`` body; `UploadRejected` (400/413) for
    anything else."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UploadRejected(400, f"the body is not valid JSON ({exc})") from None
    urls = data.get("urls") if isinstance(data, dict) else None
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise UploadRejected(
            400, 'send {"urls": ["https://...", ...]}: a non-empty list of URL strings'
        )
    if len(urls) > MAX_URLS:
        raise UploadRejected(413, f"at most {MAX_URLS} URLs per request")
    return urls


def fetched_uploads(
    results: list[Fetched | FetchFailed],
) -> tuple[list[Upload], list[dict[str, Any]]]:
    """Uploads of the fetched documents, and one JSON-ready outcome per URL in request order."""
    uploads: list[Upload] = []
    outcomes: list[dict[str, Any]] = []
    for result in results:
        if isinstance(result, Fetched):
            uploads.append(Upload(fetched_name(result), result.data))
            outcomes.append(
                {
                    "url": result.url,
                    "status": "fetched",
                    "final_url": result.final_url,
                    "content_type": result.content_type,
                    "bytes": len(result.data),
                    "file": uploads[-1].name,
                }
            )
        else:
            outcomes.append(
                {
                    "url": result.url,
                    "status": "failed",
                    "reason": result.reason,
                    "message": result.message,
                }
            )
    return uploads, outcomes


async def read_capped_body(request: Request, limit: int) -> bytes:
    """The request body, or `UploadRejected` (413) as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise UploadRejected(400, "the Content-Length header is not a number")
        if int(declared) > limit:
            raise UploadRejected(
                413, f"the upload is larger than max_upload_bytes ({limit:,} bytes); send "
                "fewer files per request or raise the setting"
            )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise UploadRejected(
                413, f"the upload is larger than max_upload_bytes ({limit:,} bytes); send "
                "fewer files per request or raise the setting"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _upload_root(db: str | Store) -> Path:
    """Where uploaded files are kept: beside a database file, else in a temporary folder."""
    path = db if isinstance(db, str) else getattr(db, "path", None)
    if isinstance(path, str) and path != ":memory:" and "://" not in path:
        return Path(f"{path}.uploads")
    return Path(tempfile.gettempdir()) / "parallax-uploads"


def store_uploads(root: Path, uploads: list[Upload]) -> list[Path]:
    """Write uploads under ``root/<content hash>/<name>``: the same file sent twice lands on
    the same path (so ingest finds it unchanged), and no client-chosen path is ever used."""
    paths: list[Path] = []
    for upload in uploads:
        folder = root / hashlib.sha256(upload.data).hexdigest()[:24]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / upload.name
        if folder.resolve() != target.resolve().parent:
            raise UploadRejected(400, f"file name {upload.name[:80]!r} is not a plain name")
        target.write_bytes(upload.data)
        paths.append(target)
    return paths


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def create_app(
    db: str | Store, settings: Settings | None = None, fetcher: Fetcher | None = None
) -> FastAPI:
    """The app over one store (a path/URL to open, or an open store the caller owns).

    ``settings`` supply the write token and upload limits (default: none, writes disabled) and
    the limits ingest applies to uploads. ``fetcher`` is how ``POST /api/ingest`` fetches URLs
    (default: the real network, limits from ``settings``, public addresses only).
    """
    if settings is None:
        settings = Settings(db=db if isinstance(db, str) else "parallax.db")
    if fetcher is None:
        fetcher = Fetcher(FetchPolicy.from_settings(settings))
    store = open_store(db) if isinstance(db, str) else db
    upload_root = _upload_root(db)
    templates = _templates()
    app = FastAPI(
        title="Parallax",
        version=__version__,
        # The interactive docs pages load scripts from a CDN; the OpenAPI document is enough.
        docs_url=None,
        redoc_url=None,
        description="One story, every angle. Every HTML page has a JSON twin at the same path "
        "with `.json` appended; keys may be added, never renamed.",
    )
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # The pages router serves "/" (stories), stories, events, actors, search and the
    # highlighted article page; the routes below serve the article list, rejections and ingest.
    app.include_router(pages_router(store))
    app.include_router(export_router(store))

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        scope = request.scope
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if target > MAX_TARGET_BYTES:
            response: Response = JSONResponse(
                {"error": f"the URL is longer than {MAX_TARGET_BYTES:,} bytes"}, status_code=414
            )
        elif sum(len(k) + len(v) for k, v in scope.get("headers", [])) > MAX_HEADER_BYTES:
            response = JSONResponse(
                {"error": f"the request headers exceed {MAX_HEADER_BYTES:,} bytes"},
                status_code=431,
            )
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def page(template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        html = templates.get_template(template).render(data=data)
        return HTMLResponse(html, status_code=status)

    @app.get("/articles", response_class=HTMLResponse, summary="Articles (HTML)")
    def articles_html(
        outlet: str | None = None,
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0),
    ) -> Response:
        return page(
            "articles.html", articles_view(store, outlet=outlet, limit=limit, offset=offset)
        )

    @app.get("/articles.json", summary="Articles with metadata, newest first")
    def articles_json(
        outlet: str | None = None,
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        return articles_view(store, outlet=outlet, limit=limit, offset=offset)

    @app.get("/rejections", response_class=HTMLResponse, summary="Rejected inputs (HTML)")
    def rejections_html() -> Response:
        return page("rejections.html", rejections_view(store))

    @app.get("/rejections.json", summary="Inputs that did not become articles, with reasons")
    def rejections_json() -> dict[str, Any]:
        return rejections_view(store)

    @app.post(
        "/api/ingest",
        summary="Ingest uploaded article files or fetch URLs (needs the configured token)",
        responses={
            401: {"description": "missing or wrong bearer token"},
            403: {"description": "writes are disabled: no token is configured"},
            413: {"description": "the body is larger than max_upload_bytes"},
        },
    )
    async def api_ingest(request: Request) -> Response:
        """Multipart upload of article files (fields named ``file``), or a JSON body
        ``{"urls": [...]}`` of pages to fetch, ingested like ``parallax ingest``; returns the
        ingest summary (for URLs also one outcome per URL). Run ``parallax analyze`` after."""
        if not settings.token:
            return JSONResponse(
                {
                    "error": "writes are disabled on this server: set PARALLAX_TOKEN (or token "
                    "in parallax.toml) and restart `parallax serve` to enable POST /api/ingest"
                },
                status_code=403,
            )
        if not token_matches(request.headers.get("authorization"), settings.token):
            return JSONResponse(
                {"error": "missing or wrong token: send `Authorization: Bearer <token>`"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        content_type = request.headers.get("content-type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type not in ("multipart/form-data", "application/json"):
            return JSONResponse(
                {
                    "error": "send files as multipart/form-data (curl -F file=@story.txt) or "
                    'URLs as application/json ({"urls": ["https://..."]})'
                },
                status_code=415,
            )
        outcomes: list[dict[str, Any]] | None = None
        try:
            if media_type == "application/json":
                limit = min(settings.max_upload_bytes, MAX_URL_BODY_BYTES)
                urls = parse_url_request(await read_capped_body(request, limit))
                results = await run_in_threadpool(fetch_urls, urls, fetcher)
                uploads, outcomes = fetched_uploads(results)
            else:
                body = await read_capped_body(request, settings.max_upload_bytes)
                uploads = parse_multipart(content_type, body)
                del body
            paths = await run_in_threadpool(store_uploads, upload_root, uploads)
        except UploadRejected as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        except OSError as exc:
            return JSONResponse(
                {"error": f"the server could not store the upload ({exc.strerror or exc})"},
                status_code=507,
            )
        report = await run_in_threadpool(
            ingest_paths, [str(p) for p in paths], store, settings
        )
        if outcomes is None:
            return JSONResponse(report.as_dict())
        return JSONResponse({**report.as_dict(), "urls": outcomes})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "articles": store.count_articles()}

    return app
