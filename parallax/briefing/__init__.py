"""The briefing of a story: an extractive, multi-source summary in which every sentence is cited.

`build_briefing` turns a story page's data (`parallax.api.story.story_view`) into sections of
sentences: the timeline, what all outlets that covered an event carried, what only some did,
where the renderings and the framing differ, and how speakers' positions moved. Each sentence
is built from words copied out of the articles, and each citation gives the article id and the
offsets of those words (in the clean body, or in the title for ``field: "title"``), so a reader
can check every claim. The tables (coverage matrix, key facts, labels, framing verbs) come with
it. `render_markdown` and `render_html` write the same briefing for people; JSON is the dict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from parallax.api.story import ALL_STATEMENTS, md_text, story_view
from parallax.store import Store

FORMATS = ("html", "md", "json")
#: Statements listed per section: a briefing is read, not searched.
PER_SECTION = 12


def _cite(q: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "article_id": q["article_id"],
        "start": q["start"],
        "end": q["end"],
        "text": q["text"],
    }


def _sentence(section: str, text: str, citations: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"section": section, "text": text, "citations": list(citations)}


def _join(labels: Sequence[str]) -> str:
    if len(labels) <= 2:
        return " and ".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _best_quote(quotes: Sequence[dict[str, Any]], column: str | None = None) -> dict[str, Any]:
    """The quote a sentence cites for a column: a direct rendering first, then the longest."""
    mine = [q for q in quotes if column is None or q["column"] == column]
    order = {"direct": 0, "partial": 1, "indirect": 2}
    return min(mine, key=lambda q: (order.get(q["kind"], 3), -len(q["text"]), q["quote_id"]))


def timeline_sentences(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """One sentence per event: when, what (its title, cited to the article's title), where
    and which outlets covered it."""
    out = []
    for event in data["events"]:
        evidence = event.get("evidence") or {}
        title = evidence.get("title") or {}
        cites: list[dict[str, Any]] = []
        what = event["title"] or event["event_id"]
        if title.get("article_id") and event["title"]:
            cites.append(
                {
                    "article_id": title["article_id"],
                    "field": "title",
                    "start": 0,
                    "end": len(event["title"]),
                    "text": event["title"],
                }
            )
        place = evidence.get("place") or {}
        where = ""
        if place.get("article_id") and place.get("start") is not None:
            where = f" in {place['text']}"
            cites.append(
                {
                    "article_id": place["article_id"],
                    "start": place["start"],
                    "end": place["end"],
                    "text": place["text"],
                }
            )
        if not cites and event["members"]:
            m = event["members"][0]
            if m["title"]:
                cites.append(
                    {
                        "article_id": m["article_id"],
                        "field": "title",
                        "start": 0,
                        "end": len(m["title"]),
                        "text": m["title"],
                    }
                )
        when = event["start"] or "an unstated day"
        if event["end"] and event["end"] != event["start"]:
            when += f" to {event['end']}"
        outlets = sorted({labels.get(m["column"], m["column"]) for m in event["members"]})
        out.append(
            _sentence(
                "timeline",
                f"{when}: “{what}”{where}, covered by {len(outlets)} "
                f"outlet{'s' if len(outlets) != 1 else ''} ({_join(outlets)}).",
                cites,
            )
        )
    return out


def statement_sentences(
    data: Mapping[str, Any], labels: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Sentences for what all covering outlets carried (``agreed``), what only some did
    (``some``), and how the outlets' renderings and attribution verbs differ (``differ``)."""
    agreed: list[dict[str, Any]] = []
    some: list[dict[str, Any]] = []
    differ: list[dict[str, Any]] = []
    ranked = sorted(
        data["statements"],
        key=lambda st: (-len(st["carried_by"]), st["day"] or "~", st["statement_id"]),
    )
    for st in ranked:
        quotes = st["quotes"]
        if not quotes:
            continue
        speaker = st["speaker"] or "An unnamed speaker"
        covering = [c["column"] for c in st["cells"] if c["covered_event"]]
        carried = st["carried_by"]
        lead = _best_quote(quotes)
        if len(covering) >= 2 and set(covering) <= set(carried):
            if len(agreed) < PER_SECTION:
                agreed.append(
                    _sentence(
                        "agreed",
                        f"All {len(covering)} outlets that covered the event carried "
                        f"{speaker}'s words “{lead['text']}”.",
                        [_cite(_best_quote(quotes, c)) for c in carried],
                    )
                )
        elif len(covering) >= 2 and carried and len(some) < PER_SECTION:
            left_out = [labels.get(c, c) for c in covering if c not in carried]
            some.append(
                _sentence(
                    "some",
                    f"Only {_join([labels.get(c, c) for c in carried])} carried {speaker}'s "
                    f"“{lead['text']}”; {_join(left_out)}, which covered the event, "
                    f"did not.",
                    [_cite(_best_quote(quotes, c)) for c in carried],
                )
            )
        # Attribution verbs: the same words introduced differently by different outlets.
        verbs: dict[str, dict[str, Any]] = {}
        for q in quotes:
            if q.get("cue") and q["column"] not in verbs:
                verbs[q["column"]] = q
        distinct = {v["cue"]["text"].casefold() for v in verbs.values()}
        if len(verbs) >= 2 and len(distinct) >= 2 and len(differ) < PER_SECTION:
            parts = [
                f"{labels.get(col, col)} writes that {speaker} “{q['cue']['text']}”"
                for col, q in sorted(verbs.items())
            ]
            differ.append(
                _sentence(
                    "differ",
                    f"Outlets introduce the same statement differently: {'; '.join(parts)}.",
                    [
                        {
                            "article_id": q["article_id"],
                            "start": q["cue"]["start"],
                            "end": q["cue"]["end"],
                            "text": q["cue"]["text"],
                        }
                        for _, q in sorted(verbs.items())
                    ],
                )
            )
        # Renderings: the same utterance in different words (translations, paraphrases).
        renderings: dict[str, dict[str, Any]] = {}
        for q in quotes:
            if q["kind"] == "direct" and q["column"] not in renderings:
                renderings[q["column"]] = q
        texts = {" ".join(q["text"].casefold().split()) for q in renderings.values()}
        if len(renderings) >= 2 and len(texts) >= 2 and len(differ) < PER_SECTION:
            parts = [
                f"{labels.get(col, col)}: “{q['text']}”" for col, q in sorted(renderings.items())
            ]
            differ.append(
                _sentence(
                    "differ",
                    f"{speaker}'s words are rendered differently: {'; '.join(parts)}.",
                    [_cite(q) for _, q in sorted(renderings.items())],
                )
            )
    return agreed, some, differ


def label_sentences(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """One sentence per entity whose outlets name it differently, citing one use of each
    form."""
    out = []
    for entity in data.get("labels", []):
        if not entity["differs"] or len(entity["forms"]) < 2:
            continue
        parts = []
        cites = []
        for form in entity["forms"][:6]:
            cols = sorted(form["columns"])
            parts.append(f"“{form['surface']}” ({_join([labels.get(c, c) for c in cols])})")
            first = form["examples"][cols[0]][0]
            cites.append(dict(first))
        out.append(_sentence("labels", f"{entity['name']} is named {', '.join(parts)}.", cites))
        if len(out) >= PER_SECTION:
            break
    return out


def position_sentences(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One sentence per shift or contradiction, quoting both statements."""
    out = []
    for change in data.get("position_changes", []):
        if change["kind"] == "repeat":
            continue
        before, after = change["before"], change["after"]
        kind = "a shift" if change["kind"] == "shift" else "a contradiction"
        out.append(
            _sentence(
                "positions",
                f"{change['actor']} on {change['topic']}: “{before['text']}” "
                f"({before['day'] or 'undated'}), then “{after['text']}” "
                f"({after['day'] or 'undated'}): {kind}.",
                [
                    {k: before[k] for k in ("article_id", "start", "end", "text")},
                    {k: after[k] for k in ("article_id", "start", "end", "text")},
                ],
            )
        )
    return out


def build_briefing(store: Store, story_id: str) -> dict[str, Any]:
    """The briefing of one story as a dict (the JSON format): ``sentences`` grouped by
    ``section`` with citations, and the tables the page shows."""
    data = story_view(store, story_id, ALL_STATEMENTS)
    labels = {o["column"]: o["label"] for o in data["outlets"]}
    agreed, some, differ = statement_sentences(data, labels)
    sentences = (
        timeline_sentences(data, labels)
        + agreed
        + some
        + differ
        + label_sentences(data, labels)
        + position_sentences(data)
    )
    return {
        "story": data["story"],
        "outlets": data["outlets"],
        "sections": [
            {"section": "timeline", "title": "Timeline"},
            {"section": "agreed", "title": "What all outlets carried"},
            {"section": "some", "title": "What only some outlets carried"},
            {"section": "differ", "title": "Where the outlets differ"},
            {"section": "labels", "title": "Names for the same people and places"},
            {"section": "positions", "title": "How positions moved"},
        ],
        "sentences": sentences,
        "matrix": data["matrix"],
        "statements": [
            {
                k: st[k]
                for k in (
                    "statement_id",
                    "speaker",
                    "event_id",
                    "day",
                    "text",
                    "carried_by",
                    "omitted_by",
                )
            }
            | {"cells": [c["cell"] for c in st["cells"]]}
            for st in data["statements"]
        ],
        "facts": data["facts"],
        "labels": data["labels"],
        "framing": data["framing"],
        "tone": data["tone"],
        "position_changes": data["position_changes"],
    }


def _cite_md(c: Mapping[str, Any]) -> str:
    where = "title" if c.get("field") == "title" else f"chars {c['start']}-{c['end']}"
    return f"[`{c['article_id']}`, {where}]"


def render_markdown(briefing: Mapping[str, Any]) -> str:
    """The briefing as Markdown; article text is escaped so it cannot inject markup."""
    story = briefing["story"]
    labels = {o["column"]: o["label"] for o in briefing["outlets"]}
    lines = [
        f"# Briefing: {md_text(story['title'] or story['story_id'])}",
        "",
        f"Story `{story['story_id']}` · {len(briefing['outlets'])} outlets. Each sentence cites "
        "`[article id, chars start-end]`: offsets into the article's clean body (or its title).",
        "",
    ]
    by_section: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for s in briefing["sentences"]:
        by_section[s["section"]].append(s)
    for section in briefing["sections"]:
        rows = by_section.get(section["section"])
        if not rows:
            continue
        lines += [f"## {section['title']}", ""]
        for s in rows:
            lines.append(f"- {md_text(s['text'])} " + " ".join(_cite_md(c) for c in s["citations"]))
        lines.append("")
    columns = briefing["matrix"]["columns"]
    if briefing["statements"]:
        lines += [
            "## Coverage matrix",
            "",
            "| statement | " + " | ".join(md_text(labels[c]) for c in columns) + " |",
            "|---|" + "---|" * len(columns),
        ]
        for st in briefing["statements"]:
            text = md_text(st["text"][:90])
            lines.append(
                f"| {md_text(st['speaker'] or '?')}: {text} | " + " | ".join(st["cells"]) + " |"
            )
        lines.append("")
    if briefing["framing"]:
        lines += ["## Framing verbs per outlet", ""]
        for entry in briefing["framing"]:
            verbs = [
                f"{md_text(a['speaker'])}: "
                + ", ".join(
                    f"{md_text(v['lemma'])} ({v['value']}, {v['count']})" for v in a["verbs"]
                )
                for a in entry["attribution"]
            ]
            hedges = ", ".join(md_text(h["lemma"]) for h in entry["hedges"])
            lines.append(
                f"- **{md_text(labels.get(entry['column'], entry['column']))}**: "
                + ("; ".join(verbs) or "no attributions")
                + (f"; hedges: {hedges}" if hedges else "")
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_html(briefing: Mapping[str, Any]) -> str:
    """The briefing as one self-contained HTML page (no scripts, no external resources;
    every piece of article text is escaped by the template engine)."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    labels = {o["column"]: o["label"] for o in briefing["outlets"]}
    by_section: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for s in briefing["sentences"]:
        by_section[s["section"]].append(s)
    return env.get_template("briefing.html").render(
        b=briefing, labels=labels, by_section=by_section
    )


def render(briefing: Mapping[str, Any], fmt: str) -> str:
    """The briefing in one of `FORMATS`."""
    if fmt == "md":
        return render_markdown(briefing)
    if fmt == "html":
        return render_html(briefing)
    if fmt == "json":
        import json

        return json.dumps(briefing, ensure_ascii=False, indent=2, default=str) + "\n"
    raise ValueError(f"unknown briefing format {fmt!r}; choose one of {', '.join(FORMATS)}")
