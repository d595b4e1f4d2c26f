"""Server-side HTML for untrusted text: an article body with its spans highlighted, a search
snippet with its matches marked, and a word diff. Every piece of text goes through
`markupsafe.escape`; only the wrapping elements, whose attributes we build from ids, fixed class
names and escaped values, are markup.

Spans may nest or cross (a speaker's name inside an indirect quote, an entity inside a quote).
The body is cut at every span boundary; each piece is wrapped in the spans that cover it, outer
spans first. A span that crosses another is closed and reopened, so it may become several
elements: the first carries its ``id``, all carry its ``data-*`` key, and their texts joined are
exactly ``body[start:end]``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

_CLASS_SAFE = re.compile(r"[^a-z0-9_-]+")


def css_token(text: str) -> str:
    """A value made safe to use as a CSS class name."""
    return _CLASS_SAFE.sub("-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Mark:
    """One span to wrap: ``[start, end)`` of the text, the element and its attributes.

    ``layer`` orders spans that start and end together (smaller is outer). ``first_attrs`` go
    only on the first element of a span split by a crossing one (an ``id`` must be unique).
    """

    start: int
    end: int
    tag: str
    attrs: tuple[tuple[str, str], ...]
    layer: int = 0
    first_attrs: tuple[tuple[str, str], ...] = field(default=())

    def open(self, first: bool) -> Markup:
        """The opening tag, with attribute values escaped."""
        attrs = (self.first_attrs if first else ()) + self.attrs
        rendered = Markup("").join(Markup(' {}="{}"').format(n, v) for n, v in attrs)
        return Markup("<{}{}>").format(self.tag, rendered)

    def close(self) -> Markup:
        """The closing tag."""
        return Markup("</{}>").format(self.tag)


def wrap_spans(text: str, marks: Iterable[Mark]) -> Markup:
    """``text`` escaped, with each mark's span wrapped in its element (see the module docstring).
    Marks that are empty or fall outside the text are left out."""
    usable = sorted(
        (m for m in marks if 0 <= m.start < m.end <= len(text)),
        key=lambda m: (m.start, -m.end, m.layer),
    )
    rank = {id(m): i for i, m in enumerate(usable)}
    cuts = sorted({0, len(text)} | {m.start for m in usable} | {m.end for m in usable})
    out: list[Markup] = []
    stack: list[Mark] = []
    opened: set[int] = set()
    for a, b in itertools.pairwise(cuts):
        # Outer (earlier, longer) spans first, so nesting follows the sort order.
        want = [m for m in usable if m.start <= a and b <= m.end]
        want.sort(key=lambda m: rank[id(m)])
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
            keep += 1
        for m in reversed(stack[keep:]):
            out.append(m.close())
        stack = stack[:keep]
        for m in want[keep:]:
            out.append(m.open(first=id(m) not in opened))
            opened.add(id(m))
            stack.append(m)
        out.append(escape(text[a:b]))
    for m in reversed(stack):
        out.append(m.close())
    return Markup("").join(out)


def article_body_html(data: dict[str, Any]) -> Markup:
    """An `article_view` body with its quotes (``id="q-<quote_id>"``), speakers, cue words and
    entity mentions wrapped; mentions of an actor link to the actor's page."""
    body: str = data["body"]
    marks: list[Mark] = []
    for q in data.get("quotes", []):
        qid = str(q["quote_id"])
        speaker = q["speaker"]["name"] or "unknown speaker"
        marks.append(
            Mark(
                q["start"], q["end"], "span",
                (("class", f"q q-{css_token(q['kind'])}"), ("data-quote", qid),
                 ("title", f"{q['kind']} quote · {speaker} · confidence {q['confidence']:.2f}")),
                layer=0,
                first_attrs=(("id", f"q-{qid}"),),
            )
        )
        if q["speaker"]["start"] is not None:
            marks.append(
                Mark(q["speaker"]["start"], q["speaker"]["end"], "span",
                     (("class", "spk"), ("data-speaker-of", qid),
                      ("title", f"speaker: {speaker} ({q['speaker']['rule']})")), layer=1)
            )
        if q["cue"] is not None:
            marks.append(
                Mark(q["cue"]["start"], q["cue"]["end"], "span",
                     (("class", "cue"), ("data-cue-of", qid)), layer=1)
            )
    # Citations elsewhere link to ``#s-<start>-<end>``: the first mark of each span carries it.
    anchored: set[tuple[int, int]] = set()

    def anchor(start: int, end: int) -> tuple[tuple[str, str], ...]:
        if (start, end) in anchored:
            return ()
        anchored.add((start, end))
        return (("id", f"s-{start}-{end}"),)

    for e in data.get("mentions", []):
        label = str(e["label"])
        if e.get("entity_id"):
            marks.append(
                Mark(e["start"], e["end"], "a",
                     (("class", f"ent ent-{css_token(label)}"),
                      ("href", f"/actors/{e['entity_id']}"), ("title", label)), layer=2,
                     first_attrs=anchor(e["start"], e["end"]))
            )
        else:
            marks.append(
                Mark(e["start"], e["end"], "span",
                     (("class", f"ent ent-{css_token(label)}"), ("title", label)), layer=2,
                     first_attrs=anchor(e["start"], e["end"]))
            )
    for c in data.get("framing", []):
        marks.append(
            Mark(c["start"], c["end"], "span",
                 (("class", f"frame frame-{css_token(c['kind'])} "
                            f"frame-{css_token(c['value'])}"),
                  ("title", f"{c['kind']}: {c['lemma']} ({c['value']})")), layer=3,
                 first_attrs=anchor(c["start"], c["end"]))
        )
    for lb in data.get("labels", []):
        if lb["kind"] != "name":
            marks.append(
                Mark(lb["start"], lb["end"], "span",
                     (("class", f"label label-{css_token(lb['kind'])}"),
                      ("title", f"{lb['kind']} for {lb['name']}")), layer=3,
                     first_attrs=anchor(lb["start"], lb["end"]))
            )
    return wrap_spans(body, marks)


def marked_snippet(snippet: str, marks: Sequence[Sequence[int]]) -> Markup:
    """A search snippet, escaped, with each ``[start, end)`` match in ``<mark>``."""
    return wrap_spans(snippet, [Mark(int(s), int(e), "mark", ()) for s, e in marks])


def diff_html(runs: Sequence[dict[str, str]]) -> Markup:
    """A `parallax.api.story.word_diff` result: changed words in ``<ins>``, the reference's
    words this rendering lacks in ``<del>``, everything escaped."""
    out: list[Markup] = []
    for run in runs:
        text = escape(run["text"])
        if run["op"] == "changed":
            out.append(Markup('<ins class="diff">{}</ins>').format(text))
        elif run["op"] == "removed":
            out.append(Markup('<del class="diff">{}</del>').format(text))
        else:
            out.append(text)
    return Markup("").join(out)
