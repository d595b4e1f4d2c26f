"""The analyst's pages: stories, a story, an event, actors, search, and the highlighted article.

Each HTML page has a JSON twin at the same path plus ``.json``, both from one view function in
`parallax.api`; a story also downloads as CSV (its coverage matrix) and Markdown (a briefing).
Every route reads precomputed tables. `create_app` includes this router before its own routes,
so ``/`` (the stories list) and ``/articles/{id}`` (the highlighted article) are served here.

JSON routes are declared before their HTML routes: ``/stories/{story_id}`` would otherwise take
``abc.json`` as a story id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from parallax import __version__
from parallax.api.actors import actor_view, search_view
from parallax.api.story import (
    ALL_STATEMENTS,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    StatementPage,
    event_view,
    stories_index_view,
    story_csv,
    story_markdown,
    story_view,
)
from parallax.api.views import NotFound, actors_view, article_view
from parallax.store import Store
from parallax.web.charts import coverage_svg
from parallax.web.highlight import article_body_html, diff_html, marked_snippet

HERE = Path(__file__).parent


def page_templates() -> Environment:
    """The Jinja environment of these pages: autoescaping on for every template and string,
    with the filters that build highlighted markup from escaped text."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["marked_snippet"] = marked_snippet
    env.filters["diff_html"] = diff_html
    env.globals["coverage_svg"] = coverage_svg
    env.globals["article_body_html"] = article_body_html
    return env


def _download(text: str, media_type: str, filename: str) -> Response:
    return Response(
        text,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def statement_page(
    offset: int = Query(0, ge=0, description="First statement shown (0-based)"),
    limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Statements shown"),
    order: Literal["time", "reach"] = Query(
        "time", description="time: as the timeline; reach: carried by most outlets first"
    ),
    statement: str | None = Query(None, description="Show the page that holds this statement"),
) -> StatementPage:
    """The page of statements a story or event request asks for (the same on HTML and JSON)."""
    return StatementPage(offset=offset, limit=limit, order=order, statement=statement)


PageParam = Annotated[StatementPage, Depends(statement_page)]


def pages_router(store: Store) -> APIRouter:
    """The routes of these pages over one open store."""
    router = APIRouter()
    templates = page_templates()

    def page(template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        return HTMLResponse(templates.get_template(template).render(data=data), status_code=status)

    def html_or_404(template: str, view: Callable[[], dict[str, Any]]) -> Response:
        try:
            return page(template, view())
        except NotFound as exc:
            return page("error.html", {"error": str(exc)}, status=404)

    def json_or_404(view: Callable[[], dict[str, Any]]) -> Response:
        try:
            return JSONResponse(view())
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    # -- stories -----------------------------------------------------------------------------

    @router.get("/stories.json", summary="Stories with events, outlets and speakers; filters")
    def stories_json(
        outlet: str | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> dict[str, Any]:
        return stories_index_view(
            store, outlet=outlet, actor=actor, since=day(since), until=day(until)
        )

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    @router.get("/stories", response_class=HTMLResponse, summary="Stories (HTML)")
    def stories_html(
        outlet: str | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Response:
        return page(
            "stories.html",
            stories_index_view(
                store, outlet=outlet or None, actor=actor or None, since=day(since),
                until=day(until),
            ),
        )

    @router.get("/stories/{story_id}.json", summary="One story: timeline, coverage matrix, quotes")
    def story_json(story_id: str, at: PageParam) -> Response:
        return json_or_404(lambda: story_view(store, story_id, at))

    @router.get("/stories/{story_id}.csv", summary="A story's coverage matrix as CSV")
    def story_csv_download(story_id: str) -> Response:
        try:
            data = story_view(store, story_id, ALL_STATEMENTS)
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        return _download(story_csv(data), "text/csv; charset=utf-8", f"{story_id}.csv")

    @router.get("/stories/{story_id}.md", summary="A story's cited briefing as Markdown")
    def story_md_download(story_id: str) -> Response:
        try:
            data = story_view(store, story_id, ALL_STATEMENTS)
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        return _download(story_markdown(data), "text/markdown; charset=utf-8", f"{story_id}.md")

    @router.get(
        "/stories/{story_id}/briefing.{fmt}",
        summary="A story's cited briefing (html, md or json): agreed, some, differ, positions",
    )
    def story_briefing(story_id: str, fmt: str) -> Response:
        from parallax.briefing import FORMATS, build_briefing, render

        if fmt not in FORMATS:
            return JSONResponse(
                {"error": f"unknown briefing format {fmt!r}; use one of {', '.join(FORMATS)}"},
                status_code=404,
            )
        try:
            briefing = build_briefing(store, story_id)
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        if fmt == "json":
            return JSONResponse(briefing)
        if fmt == "html":
            return HTMLResponse(render(briefing, "html"))
        return _download(
            render(briefing, "md"), "text/markdown; charset=utf-8", f"{story_id}-briefing.md"
        )

    @router.get("/stories/{story_id}", response_class=HTMLResponse, summary="One story (HTML)")
    def story_html(story_id: str, at: PageParam) -> Response:
        return html_or_404("story.html", lambda: story_view(store, story_id, at))

    # -- events ------------------------------------------------------------------------------

    @router.get("/events/{event_id}.json", summary="One event: members, evidence, coverage")
    def event_json(event_id: str, at: PageParam) -> Response:
        return json_or_404(lambda: event_view(store, event_id, at))

    @router.get("/events/{event_id}", response_class=HTMLResponse, summary="One event (HTML)")
    def event_html(event_id: str, at: PageParam) -> Response:
        return html_or_404("event.html", lambda: event_view(store, event_id, at))

    # -- actors ------------------------------------------------------------------------------

    @router.get("/actors.json", summary="Speakers with counts and how outlets name them")
    def actors_json() -> dict[str, Any]:
        return actors_view(store)

    @router.get("/actors", response_class=HTMLResponse, summary="Speakers (HTML)")
    def actors_html() -> Response:
        return page("actors.html", actors_view(store))

    @router.get("/actors/{entity_id}.json", summary="One speaker's statements over time")
    def actor_json(entity_id: str) -> Response:
        return json_or_404(lambda: actor_view(store, entity_id))

    @router.get("/actors/{entity_id}", response_class=HTMLResponse, summary="One speaker (HTML)")
    def actor_html(entity_id: str) -> Response:
        return html_or_404("actor.html", lambda: actor_view(store, entity_id))

    # -- search ------------------------------------------------------------------------------

    @router.get("/search.json", summary="Full-text search over article titles and bodies")
    def search_json(
        q: str = "",
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        return search_view(store, q, limit=limit, offset=offset)

    @router.get("/search", response_class=HTMLResponse, summary="Search (HTML)")
    def search_html(
        q: str = "",
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> Response:
        return page("search.html", search_view(store, q, limit=limit, offset=offset))

    # -- the article page, highlighted ---------------------------------------------------------

    @router.get("/articles/{article_id}.json", summary="One article: evidence, offsets, quotes")
    def article_json(article_id: str) -> Response:
        return json_or_404(lambda: article_view(store, article_id))

    @router.get("/articles/{article_id}", response_class=HTMLResponse, summary="One article (HTML)")
    def article_html(article_id: str) -> Response:
        return html_or_404("article.html", lambda: article_view(store, article_id))

    return router
