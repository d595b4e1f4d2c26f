"""Story, event and story-list pages as plain dicts, plus a story's CSV and Markdown downloads.

Everything is read from the precomputed tables (events, statements, quotes); nothing reruns
analysis. The coverage matrix is statement x outlet: each cell says how the outlet carried the
statement, from the quotes stored as the statement's members:

- ``verbatim``: a direct quote of the same utterance;
- ``partial``: only a short quoted fragment;
- ``paraphrase``: reported speech, or a quote linked as a paraphrase;
- ``absent``: nothing (``covered_event`` says whether the outlet covered the event at all, so an
  omission can be told from an outlet that was not there).

Articles whose outlet is unknown each get their own column, labelled by article, rather than
being pooled into one invented "unknown" outlet.

A page shows one page of statements (`StatementPage`: 100 at a time, in timeline order or carried
by most outlets first): a story of 150 articles holds thousands, and all of them with their
quotes, word differences and matrix cells made a 19 MB page that took seconds to build. Counts,
coverage over time and each speaker's statements still cover every statement; the CSV, the
briefing and the export hold them all.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from parallax.api.compare import comparison
from parallax.api.views import NotFound
from parallax.export import quote_record
from parallax.model import outlet_key
from parallax.store import Store

#: Cell values, strongest first: a cell shows the strongest way any of its quotes carried it.
CELLS = ("verbatim", "partial", "paraphrase", "absent")
#: Statements on one page of a story or event, by default and at most.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
#: How a page orders statements: as the timeline does, or carried by most outlets first.
ORDERS = ("time", "reach")

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TOKEN = re.compile(r"\S+\s*")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$", re.UNICODE)


def day_of(timestamp: str | None) -> str | None:
    """The ``YYYY-MM-DD`` day of an ISO timestamp or date, ``None`` when unknown."""
    if timestamp and _DAY.match(timestamp):
        return timestamp[:10]
    return None


@dataclass(frozen=True)
class Column:
    """One column of the coverage matrix: an outlet, or a single article of unknown outlet."""

    key: str
    outlet: str | None
    label: str


def column_of(article_id: str, outlet: str | None) -> Column:
    """The matrix column an article counts under."""
    key = outlet_key(outlet)
    if key:
        return Column(key, outlet, outlet or key)
    return Column(f"article:{article_id}", None, f"unknown outlet ({article_id[:8]})")


@dataclass(frozen=True)
class StatementPage:
    """Which statements a page shows: ``limit`` from ``offset`` in ``order`` (``None``: all).

    ``statement`` asks for the page that holds that statement (a link from elsewhere on the
    page or from another story); it overrides ``offset``.
    """

    offset: int = 0
    limit: int | None = PAGE_SIZE
    order: str = "time"
    statement: str | None = None

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(f"unknown order {self.order!r}; use one of {', '.join(ORDERS)}")
        if self.offset < 0 or (self.limit is not None and not 1 <= self.limit <= MAX_PAGE_SIZE):
            raise ValueError(
                f"a page is 1 to {MAX_PAGE_SIZE} statements from offset 0 or more; "
                f"got {self.limit} from {self.offset}"
            )


#: Every statement: what the CSV, the Markdown download and the briefing read.
ALL_STATEMENTS = StatementPage(limit=None)


def cell_of(quotes: Iterable[dict[str, Any]]) -> str:
    """How a set of one outlet's quotes carried a statement (see the module docstring)."""
    best = "absent"
    for q in quotes:
        if q["kind"] == "direct" and q.get("relation") != "paraphrase":
            kind = "verbatim"
        elif q["kind"] == "partial":
            kind = "partial"
        else:
            kind = "paraphrase"
        if CELLS.index(kind) < CELLS.index(best):
            best = kind
    return best


def _word_key(token: str) -> str:
    word = token.strip().replace("\u2019", "'").replace("\u2018", "'").casefold()
    stripped = _EDGE_PUNCT.sub("", word)
    return stripped or word


def word_diff(reference: str, text: str, *, removed: bool = True) -> list[dict[str, str]]:
    """``text`` as runs of words that are the ``same`` as in ``reference`` or ``changed``, and
    (when ``removed``) the reference's words it lacks, as ``removed`` runs, in reading order.

    Words are compared case-insensitively without their edge punctuation and with curly and
    straight apostrophes equal, so "Russia’s," and "russia's" are the same word.
    """
    ref_tokens = _TOKEN.findall(reference)
    tokens = _TOKEN.findall(text)
    matcher = difflib.SequenceMatcher(
        None, [_word_key(t) for t in ref_tokens], [_word_key(t) for t in tokens], autojunk=False
    )
    runs: list[dict[str, str]] = []

    def add(op: str, words: list[str]) -> None:
        if not words:
            return
        if runs and runs[-1]["op"] == op:
            runs[-1]["text"] += "".join(words)
        else:
            runs.append({"op": op, "text": "".join(words)})

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", tokens[j1:j2])
            continue
        if removed and tag in ("delete", "replace"):
            add("removed", ref_tokens[i1:i2])
        if tag in ("insert", "replace"):
            add("changed", tokens[j1:j2])
    return runs


def _reference_text(statement: dict[str, Any], quotes: list[dict[str, Any]]) -> str:
    """The rendering others are compared with: the statement's representative text."""
    return str(statement.get("text") or (quotes[0]["text"] if quotes else ""))


def coverage(
    store: Store, events: list[dict[str, Any]], page: StatementPage = ALL_STATEMENTS
) -> dict[str, Any]:
    """Timeline, columns, statements with their quotes, and the coverage matrix of some events.

    ``events`` are event rows (`Store.list_events`); they are returned with their member
    articles, the ids of their statements, and per-column membership. Statements, with their
    quotes, word differences and matrix rows, are those of ``page``; ``statements_page`` says
    which of how many.
    """
    columns: dict[str, Column] = {}
    column_articles: dict[str, list[str]] = defaultdict(list)
    event_columns: dict[str, set[str]] = defaultdict(set)
    article_column: dict[str, str] = {}
    timeline: list[dict[str, Any]] = []
    day_counts: Counter[tuple[str | None, str]] = Counter()
    for event in events:
        members = []
        for m in store.event_member_rows(event["event_id"]):
            col = column_of(m["article_id"], m["outlet"])
            columns.setdefault(col.key, col)
            column_articles[col.key].append(m["article_id"])
            event_columns[event["event_id"]].add(col.key)
            article_column[m["article_id"]] = col.key
            day_counts[(day_of(m["published_at"]), col.key)] += 1
            members.append({**m, "column": col.key})
        timeline.append({**event, "members": members, "statement_ids": []})

    statements: list[dict[str, Any]] = []
    for event in timeline:
        for st in store.list_statements(event_id=event["event_id"]):
            event["statement_ids"].append(st["statement_id"])
            statements.append(st)
    quote_rows = store.statement_quote_rows(st["statement_id"] for st in statements)
    by_statement: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in quote_rows:
        record = quote_record(row)
        col = column_of(row["article_id"], row["outlet"])
        if col.key not in columns:
            # A member quote from an article outside these events still earns its column.
            columns[col.key] = col
            column_articles[col.key].append(row["article_id"])
        record["column"] = col.key
        record["article_title"] = row["article_title"]
        record["published_at"] = row["published_at"]
        by_statement[row["statement_id"]].append(record)

    reach = {
        st["statement_id"]: len({q["column"] for q in by_statement.get(st["statement_id"], [])})
        for st in statements
    }
    shown, offset = _page_of(statements, reach, page)
    repeat_ids = {r["statement_id"] for st in shown for r in st["repeats"]}
    repeat_rows = store.statement_summaries(repeat_ids)
    order = sorted(columns, key=lambda k: (-len(set(column_articles[k])), columns[k].label, k))
    out_statements: list[dict[str, Any]] = []
    for st in shown:
        quotes = by_statement.get(st["statement_id"], [])
        reference = _reference_text(st, quotes)
        for q in quotes:
            q["diff"] = word_diff(reference, q["text"], removed=q["kind"] == "direct")
        covering = event_columns.get(st["event_id"] or "", set())
        cells = []
        for key in order:
            mine = [q for q in quotes if q["column"] == key]
            cells.append(
                {
                    "column": key,
                    "cell": cell_of(mine),
                    "quote_ids": [q["quote_id"] for q in mine],
                    "covered_event": key in covering,
                }
            )
        carried = [c["column"] for c in cells if c["cell"] != "absent"]
        covering_cells = [c for c in cells if c["covered_event"]]
        carried_covering = [c for c in covering_cells if c["cell"] != "absent"]
        # An omission is news only when most of the event's coverage carried the statement.
        omitted = (
            [c["column"] for c in covering_cells if c["cell"] == "absent"]
            if covering_cells and 2 * len(carried_covering) > len(covering_cells)
            else []
        )
        out_statements.append(
            {
                "statement_id": st["statement_id"],
                "speaker": st["speaker"],
                "speaker_entity_id": st["speaker_entity_id"],
                "event_id": st["event_id"],
                "day": st["day"],
                "text": st["text"],
                "kinds": st["kinds"],
                "outlets": st["outlets"],
                "quotes": quotes,
                "cells": cells,
                "carried_by": carried,
                "omitted_by": omitted,
                "repeats": [
                    {**repeat_rows.get(r["statement_id"], {"statement_id": r["statement_id"]}),
                     "score": r["score"]}
                    for r in st["repeats"]
                ],
            }
        )

    quote_days: Counter[tuple[str | None, str]] = Counter()
    for quotes in by_statement.values():
        for q in quotes:
            quote_days[(day_of(q["published_at"]), q["column"])] += 1
    over_time = [
        {"day": day, "column": key, "articles": n, "quotes": quote_days.get((day, key), 0)}
        for (day, key), n in sorted(day_counts.items(), key=lambda kv: (kv[0][0] or "~", kv[0][1]))
    ]
    on_page = {st["statement_id"] for st in shown}
    speakers: dict[str, dict[str, Any]] = {}
    for st in statements:
        sid = st["speaker_entity_id"] or ""
        entry = speakers.setdefault(
            sid, {"entity_id": st["speaker_entity_id"], "name": st["speaker"], "statements": []}
        )
        entry["statements"].append(
            {"statement_id": st["statement_id"], "day": st["day"], "event_id": st["event_id"],
             "text": st["text"], "outlets": reach[st["statement_id"]],
             "on_page": st["statement_id"] in on_page}
        )
    positions = sorted(speakers.values(), key=lambda s: (-len(s["statements"]), s["name"] or "~"))
    for entry in positions:
        entry["statements"].sort(key=lambda s: (s["day"] or "~", s["statement_id"]))
    article_column.update(
        {aid: key for key in columns for aid in column_articles[key]}
    )
    compared = comparison(
        store,
        timeline,
        article_column,
        {e["entity_id"]: e["name"] for e in positions if e["entity_id"] and e["name"]},
    )
    return {
        "events": timeline,
        "outlets": [
            {
                "column": key,
                "outlet": columns[key].outlet,
                "label": columns[key].label,
                "article_ids": sorted(set(column_articles[key])),
            }
            for key in order
        ],
        "statements": out_statements,
        "statements_page": {
            "offset": offset,
            "limit": page.limit,
            "order": page.order,
            "shown": len(out_statements),
            "total": len(statements),
        },
        "matrix": {
            "columns": order,
            "rows": [
                {"statement_id": st["statement_id"], "cells": [c["cell"] for c in st["cells"]]}
                for st in out_statements
            ],
        },
        "coverage_over_time": over_time,
        "positions": positions,
        **compared,
    }


def _page_of(
    statements: list[dict[str, Any]], reach: dict[str, int], page: StatementPage
) -> tuple[list[dict[str, Any]], int]:
    """The statements on the page, in its order, and the offset of the first."""
    ordered = (
        sorted(statements, key=lambda st: -reach[st["statement_id"]])  # stable: time within
        if page.order == "reach"
        else list(statements)
    )
    if page.limit is None:
        return ordered, 0
    offset = page.offset
    if page.statement is not None:
        at = next((i for i, st in enumerate(ordered) if st["statement_id"] == page.statement), None)
        if at is not None:
            offset = at // page.limit * page.limit
    return ordered[offset : offset + page.limit], offset


def story_view(
    store: Store, story_id: str, page: StatementPage | None = None
) -> dict[str, Any]:
    """One story: its events as a timeline, outlets, statements with the quotes that carried
    them in each outlet, the coverage matrix, repeats, coverage over time and each speaker's
    statements in time order. Statements come a ``page`` at a time (default: the first 100 in
    timeline order; `ALL_STATEMENTS` for every one)."""
    story = store.story_row(story_id)
    if story is None:
        raise NotFound(f"no story with id {story_id!r}; see /stories for the list")
    data = coverage(store, store.list_events(story_id), page or StatementPage())
    return {"story": story, **data, "cells": list(CELLS)}


def event_view(
    store: Store, event_id: str, page: StatementPage | None = None
) -> dict[str, Any]:
    """One event: its member articles, evidence spans, statements (a ``page`` of them, as for
    `story_view`) and coverage matrix."""
    event = store.event_row(event_id)
    if event is None:
        raise NotFound(f"no event with id {event_id!r}; events are listed on their story pages")
    data = coverage(store, [event], page or StatementPage())
    story = store.story_row(event["story_id"]) if event["story_id"] else None
    return {"event": data["events"][0], "story": story, **data, "cells": list(CELLS)}


def stories_index_view(
    store: Store,
    *,
    outlet: str | None = None,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Stories, largest first, each with its events, outlets and speakers; filtered to stories
    an outlet covered, an actor (name in any spelling, or entity id) spoke in, or that overlap
    the days ``since``..``until`` (ISO dates; undated stories drop out of a date filter)."""
    outlets_by_story: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in store.story_outlet_rows():
        col = column_of(row["article_id"], row["outlet"])
        entry = outlets_by_story[row["story_id"]].setdefault(
            col.key, {"column": col.key, "outlet": col.outlet, "label": col.label, "articles": 0}
        )
        entry["articles"] += 1
    speakers_by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in store.story_speaker_rows():
        speakers_by_story[row["story_id"]].append(
            {"entity_id": row["entity_id"], "name": row["name"], "statements": row["statements"]}
        )
    actor_ids = set(store.speaker_ids_matching(actor)) if actor else None
    key = outlet_key(outlet) if outlet else None
    stories = []
    for story in store.list_stories():
        sid = story["story_id"]
        outlets = sorted(outlets_by_story[sid].values(), key=lambda o: (-o["articles"], o["label"]))
        speakers = speakers_by_story[sid]
        if key and key not in outlets_by_story[sid]:
            continue
        if actor_ids is not None and not actor_ids & {s["entity_id"] for s in speakers}:
            continue
        if since and (story["end"] is None or story["end"][:10] < since):
            continue
        if until and (story["start"] is None or story["start"][:10] > until):
            continue
        stories.append(
            {**story, "events": store.list_events(sid), "outlets": outlets, "speakers": speakers}
        )
    return {
        "stories": stories,
        "filters": {"outlet": outlet, "actor": actor, "since": since, "until": until},
        "all_outlets": [o for o in store.outlets() if o["outlet"]],
        "actors": store.actor_rows()[:50],
    }


# -- downloads ------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    """Article text opened in a spreadsheet must not run as a formula: prefix a quote mark."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def story_csv(data: dict[str, Any]) -> str:
    """The coverage matrix of a `story_view` as CSV: one row per statement, one column per
    outlet, each cell verbatim / partial / paraphrase / absent."""
    labels = {o["column"]: o["label"] for o in data["outlets"]}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(
        ["statement_id", "event_id", "day", "speaker", "text", "carried_by"]
        + [labels[c] for c in data["matrix"]["columns"]]
    )
    for st in data["statements"]:
        writer.writerow(
            [_csv_safe(v) for v in (
                st["statement_id"], st["event_id"], st["day"] or "", st["speaker"] or "",
                st["text"], len(st["carried_by"]),
            )]
            + [c["cell"] for c in st["cells"]]
        )
    return buf.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~-])")


def md_text(text: Any) -> str:
    """Untrusted text for Markdown: one line, every character Markdown acts on escaped, so an
    article cannot inject links, images, HTML or headings into a briefing."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def story_markdown(data: dict[str, Any]) -> str:
    """A plain briefing of a `story_view`: the events in time order, and for each statement the
    outlets that carried it, how, and in which words, each cited to article id and offsets."""
    story = data["story"]
    labels = {o["column"]: o["label"] for o in data["outlets"]}
    lines = [
        f"# {md_text(story['title'] or story['story_id'])}",
        "",
        f"Story `{story['story_id']}` · {story['start'] or 'undated'} to "
        f"{story['end'] or 'undated'} · {story['articles']} articles from "
        f"{len(data['outlets'])} outlets: "
        + ", ".join(md_text(o["label"]) for o in data["outlets"]),
        "",
        "Citations are `[article id, chars start-end]`: character offsets into the article's "
        "clean body (the article page and its JSON show the same offsets).",
        "",
    ]
    statements = {st["statement_id"]: st for st in data["statements"]}
    for event in data["events"]:
        when = event["start"] or "undated"
        if event["end"] and event["end"] != event["start"]:
            when += f" to {event['end']}"
        place = f" · {md_text(event['place'])}" if event["place"] else ""
        lines += [f"## {when}: {md_text(event['title'] or event['event_id'])}{place}", ""]
        lines.append("Coverage:")
        for m in event["members"]:
            lines.append(
                f"- {md_text(labels.get(m['column'], m['column']))}: "
                f"{md_text(m['title'] or 'untitled')} [`{m['article_id']}`] "
                f"(confidence {m['confidence']:.2f})"
            )
        lines.append("")
        for sid in event["statement_ids"]:
            st = statements[sid]
            carried = ", ".join(
                f"{md_text(labels[c['column']])} ({c['cell']})"
                for c in st["cells"] if c["cell"] != "absent"
            )
            lines.append(
                f"- **{md_text(st['speaker'] or 'unknown speaker')}**: "
                f"“{md_text(st['text'])}”. Carried by {carried or 'no outlet'}."
            )
            if st["omitted_by"]:
                lines.append(
                    "  - Left out by " + ", ".join(md_text(labels[c]) for c in st["omitted_by"])
                )
            for q in st["quotes"]:
                lines.append(
                    f"  - {md_text(labels[q['column']])}, {q['kind']}: “{md_text(q['text'])}” "
                    f"[`{q['article_id']}`, chars {q['start']}-{q['end']}]"
                )
            for r in st["repeats"]:
                lines.append(
                    f"  - Repeated on another occasion ({r.get('day') or 'undated'}, "
                    f"score {r['score']:.2f}): statement `{r['statement_id']}`"
                )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
