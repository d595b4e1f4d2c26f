"""Command line: each command parses its arguments, calls one library function and turns a
`ParallaxError` into a clear message and a non-zero exit code."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from parallax import __version__
from parallax.api.views import (
    NotFound,
    actors_view,
    article_view,
    articles_view,
    events_view,
    quotes_view,
    rejections_view,
    stories_view,
)
from parallax.errors import ParallaxError
from parallax.export import export as export_store
from parallax.ingest import IngestReport, ingest_paths
from parallax.ingest.paths import expand_inputs
from parallax.pipeline import ROUND, AnalyzeReport
from parallax.pipeline import analyze as analyze_store
from parallax.settings import Settings, load_settings
from parallax.store import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])

console = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
# Piped output has no terminal width; 80 columns would fold every table cell.
for _c in (console, out):
    if not _c.is_terminal and "COLUMNS" not in os.environ:
        _c.width = 160

#: The bundled demo corpus, relative to the repository root.
DEMO_CORPUS = Path("examples/seeds")


def reports_errors(func: F) -> F:
    """Turn `ParallaxError` into ``error: message`` on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ParallaxError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj["settings"]
    return settings


def _store(ctx: click.Context) -> Store:
    store = open_store(_settings(ctx).db)
    ctx.call_on_close(store.close)
    return store


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group()
@click.version_option(__version__, prog_name="parallax")
@click.option(
    "--db",
    envvar="PARALLAX_DB",
    default=None,
    help="SQLite file (default parallax.db) or postgresql:// URL.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file (TOML); default ./parallax.toml if present.",
)
@click.pass_context
@reports_errors
def main(ctx: click.Context, db: str | None, config: str | None) -> None:
    """Parallax: one story, every angle."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = load_settings(config, db=db)


class RateColumn(ProgressColumn):
    """Items per second since the task started: done over time elapsed, so a bar that moves a
    round at a time still reads the run's own rate."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        """``"12.3 articles/s"``, or nothing before the first item is done."""
        elapsed = task.finished_time or task.elapsed
        if not task.completed or not elapsed:
            return Text("")
        return Text(f"{task.completed / elapsed:.1f} {self.unit}/s", style="progress.data.speed")


def _progress(fields: str, quiet: bool, rate: str | None = None) -> Progress:
    """A Rich progress bar: description, bar, done/total, ``rate`` items/s when given,
    ``fields``, time elapsed (hidden when quiet or not a terminal)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        *([RateColumn(rate)] if rate else []),
        TextColumn(fields),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )


def run_analyze(
    store: Store,
    settings: Settings,
    engine: str = "local",
    address: str | None = None,
    round_size: int = ROUND,
    quiet: bool = False,
) -> AnalyzeReport:
    """Analyze the new articles with a progress bar over articles, round by round, with the
    articles per second and the stage at work (hidden when quiet or not a terminal)."""
    with _progress("· {task.fields[stage]}", quiet, rate="articles") as progress:
        task = progress.add_task("analyze", total=None, stage="")
        return analyze_store(
            store,
            settings,
            engine=engine,
            address=address,
            round_size=round_size,
            on_stage=lambda name: progress.update(task, stage=name),
            on_round=lambda done, total: progress.update(task, completed=done, total=total),
        )


def run_ingest(store: Store, settings: Settings, paths: Sequence[str], quiet: bool) -> IngestReport:
    """Ingest with a progress bar over files (hidden when quiet or not a terminal)."""
    files, _ = expand_inputs(paths)
    with _progress("files · {task.fields[documents]} documents", quiet) as progress:
        task = progress.add_task("ingest", total=len(files), documents=0)
        documents = 0

        def on_document() -> None:
            nonlocal documents
            documents += 1
            if documents % 50 == 0:
                progress.update(task, documents=documents)

        run_id = store.start_run("ingest")
        report = ingest_paths(
            paths,
            store,
            settings,
            on_file=lambda _p: progress.update(task, advance=1, documents=documents),
            on_document=on_document,
        )
        store.finish_run(run_id, report.as_dict())
    return report


def print_ingest_report(report: IngestReport) -> None:
    """The end-of-run summary: counts, then one row per rejected input."""
    summary = Table(title="Ingest", show_header=False)
    summary.add_row("files read", str(report.files))
    summary.add_row("unchanged since last run (skipped)", str(report.unchanged))
    summary.add_row("resumed after an interruption", str(report.resumed))
    summary.add_row("articles added", str(report.articles))
    summary.add_row("inputs rejected", str(len(report.rejected)))
    for reason, count in sorted(report.by_reason.items()):
        summary.add_row(f"  {reason}", str(count))
    console.print(summary)
    if report.rejected:
        table = Table(title="Rejected inputs (kept in the store: `parallax rejections`)")
        table.add_column("input", overflow="fold")
        table.add_column("reason")
        table.add_column("what happened", overflow="fold")
        for r in report.rejected[:200]:
            table.add_row(r.source.label(), r.reason, r.message)
        if len(report.rejected) > 200:
            table.caption = f"{len(report.rejected) - 200} more: run `parallax rejections`"
        console.print(table)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@reports_errors
def ingest(ctx: click.Context, paths: tuple[str, ...], as_json: bool, quiet: bool) -> None:
    """Read files, directories or globs (.txt .html .json .jsonl .warc feeds, also .gz)."""
    report = run_ingest(_store(ctx), _settings(ctx), paths, quiet or as_json)
    if as_json:
        _print_json(report.as_dict())
    else:
        print_ingest_report(report)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
    help="Where the per-article work runs: here, or on Ray (pip install 'parallax[ray]').",
)
@click.option(
    "--address", default=None, metavar="ADDRESS",
    help="A running Ray cluster (ray://host:10001, host:6379 or auto); default: a private "
    "local Ray. Needs --engine ray.",
)
@click.option(
    "--round", "round_size", type=click.IntRange(min=1), default=ROUND, show_default=True,
    help="Articles analysed and committed together: memory is bounded by a round, and an "
    "interrupted run keeps the rounds it finished.",
)
@click.option(
    "--workers", type=click.IntRange(min=0), default=None,
    help="Processes for the per-article work (parse, quotes, tone, embeddings): 0 for one per "
    "core, at most 8 (the default, or the `workers` setting), 1 to keep it in this process. "
    "The results are the same.",
)
@click.pass_context
@reports_errors
def analyze(
    ctx: click.Context, as_json: bool, engine: str, address: str | None, round_size: int,
    workers: int | None,
) -> None:
    """Run every analysis stage on the articles that are new since the last run."""
    store = _store(ctx)
    settings = _settings(ctx)
    if workers is not None:
        settings = settings.replace(workers=workers)
    run_id = store.start_run("analyze")
    report = run_analyze(
        store, settings, engine=engine, address=address, round_size=round_size, quiet=as_json,
    )
    seconds = {name: round(s, 2) for name, s in report.seconds.items()}
    stats = {"articles": report.articles, "stages": report.stages, "seconds": seconds}
    store.finish_run(run_id, stats)
    if as_json:
        _print_json(stats)
        return
    if not report.articles:
        console.print("Nothing new to analyze.")
        return
    total = sum(report.seconds.values())
    table = Table(title=f"Analyzed {report.articles} new articles in {total:.1f} s")
    table.add_column("stage")
    table.add_column("result")
    table.add_column("seconds", justify="right")
    table.add_column("share", justify="right")
    for name, counts in report.stages.items():
        spent = report.seconds.get(name, 0.0)
        table.add_row(
            name,
            ", ".join(f"{k}: {v}" for k, v in counts.items()) or "-",
            f"{spent:.1f}",
            f"{spent / total:.0%}" if total else "-",
        )
    console.print(table)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def print_articles(rows: list[dict[str, Any]], total: int) -> None:
    """The articles table."""
    table = Table(title=f"Articles ({len(rows)} of {total})")
    table.add_column("id", no_wrap=True, min_width=16)
    table.add_column("outlet", max_width=18, overflow="fold")
    table.add_column("published", no_wrap=True, min_width=10)
    table.add_column("title", max_width=60, overflow="fold")
    table.add_column("author", max_width=16, overflow="fold")
    table.add_column("chars", justify="right", no_wrap=True)
    for a in rows:
        table.add_row(
            a["article_id"],
            _cell(a["outlet"]),
            _cell(a["published_at"]),
            _cell(a["title"]),
            _cell(a["author"]),
            str(a["body_chars"]),
        )
    out.print(table)


@main.command()
@click.option("--outlet", default=None, help="Only this outlet.")
@click.option("--limit", default=100, show_default=True)
@click.option("--offset", default=0)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def articles(
    ctx: click.Context, outlet: str | None, limit: int, offset: int, as_json: bool
) -> None:
    """List articles with their metadata (unknown fields show as -)."""
    data = articles_view(_store(ctx), outlet=outlet, limit=limit, offset=offset)
    if as_json:
        _print_json(data)
    else:
        print_articles(data["articles"], data["total"])


@main.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def show(ctx: click.Context, article_id: str, as_json: bool) -> None:
    """Show one article (an id prefix is enough): metadata, evidence, body, removed lines."""
    store = _store(ctx)
    matches = store.resolve_article_id(article_id)
    if len(matches) != 1:
        hint = (
            f"{len(matches)} articles start with {article_id!r}; give more characters"
            if matches
            else f"no article id starts with {article_id!r}; see `parallax articles`"
        )
        raise ParallaxError(hint)
    try:
        data = article_view(store, matches[0])
    except NotFound as exc:
        raise ParallaxError(str(exc)) from exc
    if as_json:
        _print_json(data)
        return
    meta = Table(show_header=False, title=data["title"] or "(untitled)")
    for field in ("article_id", "outlet", "author", "published_at", "url", "language", "subtitle"):
        ev = data["evidence"].get(field)
        where = f"  [{ev['rule']}]" if ev else ""
        meta.add_row(field, escape(_cell(data[field]) + where))
    meta.add_row(
        "source",
        data["source"]["path"]
        + (f"#{data['source']['record']}" if data["source"]["record"] else ""),
    )
    out.print(meta)
    out.print(data["body"], markup=False)
    if data["removed"]:
        out.print(f"\n[dim]removed {len(data['removed'])} lines of page furniture:[/]")
        for r in data["removed"]:
            out.print(f"[dim]  {r['kind']:>14}  {r['text'][:100]!r}[/]", markup=True)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", default=500, show_default=True)
@click.pass_context
@reports_errors
def rejections(ctx: click.Context, as_json: bool, limit: int) -> None:
    """Inputs that did not become articles, with the reason (their raw bytes are kept)."""
    data = rejections_view(_store(ctx), limit=limit)
    if as_json:
        _print_json(data)
        return
    table = Table(title=f"Rejected inputs ({len(data['rejections'])})")
    table.add_column("input", overflow="fold")
    table.add_column("reason")
    table.add_column("what happened", overflow="fold")
    for r in data["rejections"]:
        table.add_row(
            r["path"] + (f"#{r['record']}" if r["record"] else ""), r["reason"], r["message"]
        )
    out.print(table)


@main.command()
@click.option("--story", "story_id", default=None, help="Only the events of this story.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def events(ctx: click.Context, story_id: str | None, as_json: bool) -> None:
    """Events (what happened, when, where) with their articles and confidences."""
    data = events_view(_store(ctx), story_id=story_id)
    if as_json:
        _print_json(data)
        return
    table = Table(title=f"Events ({len(data['events'])})")
    table.add_column("event", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("where")
    table.add_column("title", max_width=50, overflow="fold")
    table.add_column("articles (outlet, confidence)", overflow="fold")
    for e in data["events"]:
        when = e["start"] if e["start"] == e["end"] else f"{_cell(e['start'])}..{_cell(e['end'])}"
        members = ", ".join(
            f"{m['article_id'][:8]} ({_cell(m['outlet'])}, {m['confidence']:.2f})"
            for m in e["members"]
        )
        table.add_row(e["event_id"], _cell(when), _cell(e["place"]), _cell(e["title"]), members)
    out.print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def stories(ctx: click.Context, as_json: bool) -> None:
    """Stories: events chained by shared actors and subject over time."""
    data = stories_view(_store(ctx))
    if as_json:
        _print_json(data)
        return
    print_stories(data["stories"])


@main.command()
@click.argument("story_id")
@click.option(
    "--format", "fmt", type=click.Choice(["html", "md", "json"]), default="md", show_default=True
)
@click.option(
    "--out", "out_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: print).",
)
@click.pass_context
@reports_errors
def report(ctx: click.Context, story_id: str, fmt: str, out_file: Path | None) -> None:
    """A story's briefing with every sentence cited (STORY: an id or its first characters)."""
    from parallax.briefing import build_briefing, render

    store = _store(ctx)
    matches = [s["story_id"] for s in store.list_stories() if s["story_id"].startswith(story_id)]
    if len(matches) != 1:
        raise ParallaxError(
            f"{len(matches)} stories start with {story_id!r}; give more characters"
            if matches
            else f"no story id starts with {story_id!r}; see `parallax stories`"
        )
    try:
        text = render(build_briefing(store, matches[0]), fmt)
    except NotFound as exc:
        raise ParallaxError(str(exc)) from exc
    if out_file is None:
        click.echo(text, nl=False)
        return
    out_file.write_text(text, encoding="utf-8")
    console.print(f"briefing of story {matches[0]} written to {out_file}")


def print_stories(rows: list[dict[str, Any]]) -> None:
    """The stories table: span, title, events and articles."""
    table = Table(title=f"Stories ({len(rows)})")
    table.add_column("story", no_wrap=True)
    table.add_column("span", no_wrap=True)
    table.add_column("title", max_width=50, overflow="fold")
    table.add_column("events", justify="right")
    table.add_column("articles", justify="right")
    for st in rows:
        table.add_row(st["story_id"], f"{_cell(st['start'])}..{_cell(st['end'])}",
                      _cell(st["title"]), str(len(st["events"])), str(st["articles"]))
    out.print(table)


@main.command()
@click.option("--speaker", default=None, help="Only this speaker (a name in any spelling).")
@click.option("--outlet", default=None, help="Only statements this outlet carried.")
@click.option("--event", "event_id", default=None, help="Only statements of this event.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def quotes(
    ctx: click.Context,
    speaker: str | None,
    outlet: str | None,
    event_id: str | None,
    as_json: bool,
) -> None:
    """Statements (one utterance across outlets) with each outlet's quote of it."""
    data = quotes_view(_store(ctx), speaker=speaker, outlet=outlet, event_id=event_id)
    if as_json:
        _print_json(data)
        return
    if speaker and not data["speaker_entity_ids"]:
        raise ParallaxError(f"no speaker matches {speaker!r}; see `parallax actors`")
    names = {q["speaker"]["entity_id"]: q["speaker"]["name"] for q in data["quotes"]}
    table = Table(title=f"Statements ({len(data['statements'])}, {len(data['quotes'])} quotes)")
    table.add_column("statement", no_wrap=True)
    table.add_column("speaker", max_width=20, overflow="fold")
    table.add_column("day / event", no_wrap=True)
    table.add_column("outlet: kind (score)", max_width=30, overflow="fold")
    table.add_column("words", max_width=70, overflow="fold")
    table.add_column("repeats", overflow="fold")
    for st in data["statements"]:
        carried = "\n".join(
            f"{_cell(m['outlet'])}: {m['kind']}"
            + ("" if m["score"] >= 1.0 else f" ({m['score']:.2f})")
            for m in st["members"]
        )
        repeats = ", ".join(f"{r} ({st['repeat_scores'][r]:.2f})" for r in st["repeats"])
        table.add_row(
            st["statement_id"],
            escape(_cell(st["speaker"] or names.get(st["speaker_entity_id"]) or "unknown")),
            f"{_cell(st['day'])}\n{_cell(st['event_id'])}",
            escape(carried),
            escape(st["text"]),
            repeats or "-",
        )
    out.print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def actors(ctx: click.Context, as_json: bool) -> None:
    """Speakers with how many quotes, statements and outlets carry them."""
    data = actors_view(_store(ctx))
    if as_json:
        _print_json(data)
        return
    table = Table(title=f"Actors quoted ({len(data['actors'])})")
    table.add_column("entity", no_wrap=True)
    table.add_column("name")
    table.add_column("type")
    table.add_column("quotes", justify="right")
    table.add_column("statements", justify="right")
    table.add_column("outlets", justify="right")
    table.add_column("named as (outlet, count)", max_width=60, overflow="fold")
    for a in data["actors"]:
        labels = ", ".join(
            f"{lb['surface']} ({_cell(lb['outlet'])}, {lb['count']})" for lb in a["labels"][:6]
        )
        table.add_row(
            a["entity_id"],
            escape(a["name"]),
            _cell(a["type"]),
            str(a["quotes"]),
            str(a["statements"]),
            str(a["outlets"]),
            escape(labels) or "-",
        )
    out.print(table)


@main.command(name="export")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def export_cmd(ctx: click.Context, out_dir: Path) -> None:
    """Write the JSONL export (articles, events, provenance, quotes, statements, entities)."""
    counts = export_store(_store(ctx), out_dir)
    for name, n in counts.items():
        console.print(f"{out_dir / name}: {n} rows")


def serve_app(settings: Settings, host: str | None, port: int | None) -> None:
    """Run the web UI and JSON API until interrupted."""
    import uvicorn

    from parallax.web.app import create_app

    app = create_app(settings.db, settings)
    host = host or settings.host
    port = port or settings.port
    console.print(
        f"Parallax is serving {settings.db} at [bold]http://{host}:{port}/[/] (Ctrl-C to stop)"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.pass_context
@reports_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the web UI and JSON API on 127.0.0.1:8000."""
    settings = _settings(ctx)
    open_store(settings.db).close()  # fail early, with a clear message, on a bad --db
    serve_app(settings, host, port)


@main.command()
@click.option(
    "--corpus", default=str(DEMO_CORPUS), show_default=True, help="Folder of articles to analyze."
)
@click.option(
    "--serve/--no-serve",
    "do_serve",
    default=True,
    help="Serve the web UI afterwards (--no-serve for scripts).",
)
@click.option("--port", default=None, type=int)
@click.pass_context
@reports_errors
def demo(ctx: click.Context, corpus: str, do_serve: bool, port: int | None) -> None:
    """Ingest and analyze the bundled corpus, print a summary, serve the UI."""
    settings = _settings(ctx)
    if not Path(corpus).exists():
        raise ParallaxError(
            f"demo corpus {corpus} not found; run from the repository root or pass --corpus"
        )
    store = _store(ctx)
    print_ingest_report(run_ingest(store, settings, [corpus], quiet=False))
    report = run_analyze(store, settings)
    console.print(f"Analyzed {report.articles} new articles.")
    data = articles_view(store, limit=50)
    print_articles(data["articles"], data["total"])
    print_stories(stories_view(store)["stories"])
    console.print(
        "Who said what: `parallax quotes`; speakers: `parallax actors`; each story's page shows "
        "its timeline, the coverage matrix, the statements side by side, the labels and "
        "framing verbs per outlet and how positions moved; `parallax report STORY` writes its "
        "cited briefing (also at /stories/STORY/briefing.html)."
    )
    if do_serve:
        store.close()
        serve_app(settings, None, port)


@main.command(name="eval")
@click.argument("task")
@click.option(
    "--data",
    default="../shared/data",
    show_default=True,
    help="Folder of gold data (laid out like ../shared/data).",
)
@reports_errors
def eval_cmd(task: str, data: str) -> None:
    """Measure accuracy against gold data: TASK is one of the scorers, or `all`."""
    from parallax.eval import run_eval

    sys.exit(run_eval(task, Path(data)))


@main.command()
@click.option("--data", default="../shared/data", show_default=True)
@click.option("--limit", default=None, type=int, help="Use only the first N corpus articles.")
@click.option(
    "--cache", default=None, type=click.Path(file_okay=False, path_type=Path),
    help="Also time the story page (p50/p95) on analyzed stores kept here, built once "
    "(hours for 5k articles on 2 cores); `make bench` uses .bench-cache.",
)
@click.option(
    "--scale", is_flag=True,
    help="Instead: articles/s and peak memory of ingest + analyze at growing corpus sizes "
    "(AllSides grown by parallax.scale.synthetic), local vs Ray, with the growth ratios.",
)
@click.option(
    "--sizes", default="1000,5000", show_default=True, metavar="N,N,...",
    help="Corpus sizes for --scale (the first is the baseline); e.g. 1000,5000,100000.",
)
@click.option(
    "--engines", default="local,ray", show_default=True, metavar="E,E",
    help="Engines for --scale.",
)
@click.option(
    "--round", "round_size", type=click.IntRange(min=1), default=None,
    help="Articles per analysis round for --scale (default: analyze's).",
)
@click.option(
    "--keep", default=None, type=click.Path(file_okay=False, path_type=Path),
    help="For --scale: keep the corpora and stores in this folder and go on from them, so a "
    "run stopped part-way (a 100k corpus takes about a day on 2 cores) is continued by the "
    "next --keep run; its row sums the processes.",
)
@reports_errors
def bench(
    data: str,
    limit: int | None,
    cache: Path | None,
    scale: bool,
    sizes: str,
    engines: str,
    round_size: int | None,
    keep: Path | None,
) -> None:
    """Measure speed as ratios against a baseline run in the same process."""
    if scale:
        from parallax.bench import CORPUS
        from parallax.bench.scale import run_scale_bench

        try:
            size_list = [int(x) for x in sizes.split(",") if x.strip()]
        except ValueError:
            raise click.BadParameter(
                f"not a list of numbers: {sizes!r}", param_hint="--sizes"
            ) from None
        if not size_list or min(size_list) < 1:
            raise click.BadParameter("sizes must be positive", param_hint="--sizes")
        engine_list = [e.strip() for e in engines.split(",") if e.strip()]
        unknown = [e for e in engine_list if e not in ("local", "ray")]
        if unknown or not engine_list:
            raise click.BadParameter("engines are local and ray", param_hint="--engines")
        if not (Path(data) / CORPUS).is_file():
            raise ParallaxError(
                f"{Path(data) / CORPUS} is absent; `parallax bench --scale` grows its corpus "
                "from it: pass --data DIR laid out like ../shared/data"
            )
        console.print(run_scale_bench(Path(data), size_list, engine_list, round_size, keep))
        return
    from parallax.bench import run_bench

    sys.exit(run_bench(Path(data), limit=limit, cache=cache))


if __name__ == "__main__":  # pragma: no cover
    main()
