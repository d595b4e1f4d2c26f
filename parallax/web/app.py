"""ASGI app: every HTML page has a JSON twin built from the same view function.

``/articles`` renders `articles_view` as HTML, ``/articles.json`` returns the same dict. Article
text is untrusted: templates autoescape everything, and a strict Content-Security-Policy forbids
inline scripts and any origin but our own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from parallax import __version__
from parallax.api.views import NotFound, article_view, articles_view, rejections_view
from parallax.store import Store, open_store

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
}


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def create_app(db: str | Store) -> FastAPI:
    """The app over one store (a path/URL to open, or an open store the caller owns)."""
    store = open_store(db) if isinstance(db, str) else db
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

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def page(template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        html = templates.get_template(template).render(data=data)
        return HTMLResponse(html, status_code=status)

    def not_found(exc: NotFound, as_json: bool) -> Response:
        if as_json:
            return JSONResponse({"error": str(exc)}, status_code=404)
        return page("error.html", {"error": str(exc)}, status=404)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        outlet: str | None = None,
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0),
    ) -> Response:
        return page(
            "articles.html", articles_view(store, outlet=outlet, limit=limit, offset=offset)
        )

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

    @app.get("/articles/{article_id}.json", summary="One article with evidence and offsets")
    def article_json(article_id: str) -> Response:
        try:
            return JSONResponse(article_view(store, article_id))
        except NotFound as exc:
            return not_found(exc, as_json=True)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, summary="One article (HTML)")
    def article_html(article_id: str) -> Response:
        try:
            return page("article.html", article_view(store, article_id))
        except NotFound as exc:
            return not_found(exc, as_json=False)

    @app.get("/rejections", response_class=HTMLResponse, summary="Rejected inputs (HTML)")
    def rejections_html() -> Response:
        return page("rejections.html", rejections_view(store))

    @app.get("/rejections.json", summary="Inputs that did not become articles, with reasons")
    def rejections_json() -> dict[str, Any]:
        return rejections_view(store)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "articles": store.count_articles()}

    return app
