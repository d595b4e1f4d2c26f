"""Clean plain article text: drop page furniture, keep every article sentence, map offsets back.

`clean_text` is the text half of the clean stage (HTML goes through trafilatura). The body it
returns is made only of verbatim pieces of the input, stripped of surrounding whitespace and
joined by "\\n\\n" between paragraphs (" " between the lines of a hard-wrapped paragraph), so
that every body offset maps back into the input exactly through the `OffsetMap`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from parallax.clean.lines import Decision, Hints, Unit, classify, make_units, split_lines
from parallax.clean.meta import extract_metadata
from parallax.model import CleanDocument, OffsetMap, RemovedLine, Segment

PARAGRAPH_BREAK = "\n\n"
LINE_JOIN = " "


def clean_text(
    text: str,
    fields: Mapping[str, Any] | None = None,
    languages: Sequence[str] = ("en",),
) -> CleanDocument:
    """Clean one text document (a .txt file, or a JSON record's body field).

    ``fields`` are metadata the container stated (title, subtitle, author, outlet, url,
    published_at, language); they win over what the text suggests. Title and subtitle lines at
    the top go to metadata, not to the body. ``languages`` are used for date parsing.
    """
    fields = fields or {}
    units = make_units(split_lines(text))
    hints = Hints(title=_text_field(fields, "title"), subtitle=_text_field(fields, "subtitle"))
    decisions = classify(units, hints)
    body, segments, removed = assemble(units, decisions)
    language = _text_field(fields, "language")
    metadata = extract_metadata(
        text, units, decisions, fields, languages=(language, *languages) if language else languages
    )
    return CleanDocument(
        body=body,
        offsets=OffsetMap(tuple(segments)),
        removed=tuple(removed),
        metadata=metadata,
        source_text=text,
    )


def _text_field(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def assemble(
    units: Sequence[Unit], decisions: Sequence[Decision]
) -> tuple[str, list[Segment], list[RemovedLine]]:
    """Body text, its segments and the removed lines, from classified units."""
    parts: list[str] = []
    segments: list[Segment] = []
    removed: list[RemovedLine] = []
    pos = 0
    for unit, decision in zip(units, decisions, strict=True):
        if decision.kind is not None and decision.cut == 0:
            kind = decision.kind
            removed.extend(RemovedLine(ln.start, ln.end, kind, ln.text) for ln in unit.lines)
            continue
        separator = PARAGRAPH_BREAK
        for k, line in enumerate(unit.lines):
            piece, start = line.text, line.start
            if k == 0 and decision.cut:
                head = line.text[: decision.cut].rstrip()
                removed.append(RemovedLine(line.start, line.start + len(head), decision.kind or "",
                                           head))
                rest = line.text[decision.cut:]
                stripped = rest.lstrip()
                start = line.start + decision.cut + (len(rest) - len(stripped))
                piece = stripped.rstrip()
                if not piece:
                    continue
            if parts:
                parts.append(separator)
                pos += len(separator)
            parts.append(piece)
            segments.append(Segment(pos, start, len(piece)))
            pos += len(piece)
            separator = LINE_JOIN
    return "".join(parts), segments, removed
