"""Typed records that flow through the pipeline.

Every record that makes a claim about text carries the article id and character offsets it came
from. Offsets are Python string indices (code points) into `Article.body`, half-open
`[start, end)`. `source_start`/`source_end` are offsets into the original input text (the
file's decoded text, or the record's text field) and are ``None`` when the input was HTML.

Records are plain dataclasses: stages read them and return new values; nothing here touches a
database or a model.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

#: What a raw input is, which decides how it is cleaned.
INPUT_KINDS = ("text", "html")


@dataclass(frozen=True)
class Source:
    """Where an input came from: a file path and, inside container files, the record.

    ``record`` is the line number of a JSONL record, the index of a JSON array element, a WARC
    record id or a feed item id; ``None`` for a file that holds one document.
    """

    path: str
    record: str | None = None

    def label(self) -> str:
        """Human-readable location, used in error reports."""
        return self.path if self.record is None else f"{self.path}#{self.record}"


@dataclass(frozen=True)
class RawDocument:
    """One input document after decoding and before cleaning.

    ``text`` is the decoded text of the document: plain article text for ``kind == "text"``,
    HTML source for ``kind == "html"``. ``fields`` carries metadata that the container stated
    (JSON fields, feed entry fields, WARC target URI), already mapped to Parallax's names:
    title, subtitle, author, outlet, url, published_at, language.
    """

    source: Source
    kind: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejected:
    """An input that could not become an article, with the reason. Nothing is silently dropped.

    ``reason`` is a short stable code (see `parallax.errors.REASONS`); ``message`` says what
    happened and what to do next. ``raw`` keeps the input bytes (capped) so nothing is lost.
    """

    source: Source
    reason: str
    message: str
    raw: bytes = b""


@dataclass(frozen=True)
class Segment:
    """A run of body characters copied verbatim from the source text."""

    body_start: int
    source_start: int
    length: int


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in a cleaned body back to the original input text.

    The body is built from verbatim pieces of the source joined by separators; each piece is a
    `Segment`. Offsets inside separators map to ``None``. An empty map means the body is not
    traceable to text (HTML input).
    """

    segments: tuple[Segment, ...] = ()

    def to_source(self, offset: int) -> int | None:
        """Source offset of the body character at ``offset`` (or of the end of a piece)."""
        if not self.segments:
            return None
        starts = [s.body_start for s in self.segments]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        if offset <= seg.body_start + seg.length:
            return seg.source_start + (offset - seg.body_start)
        return None

    def span_to_source(self, start: int, end: int) -> tuple[int, int] | None:
        """Source span of the body span ``[start, end)``; ``None`` when it is not traceable."""
        if end < start:
            raise ValueError(f"span end {end} before start {start}")
        s = self.to_source(start)
        e = self.to_source(end) if end > start else s
        if s is None or e is None:
            return None
        return s, e

    def to_json(self) -> list[list[int]]:
        """Compact JSON form: ``[[body_start, source_start, length], ...]``."""
        return [[s.body_start, s.source_start, s.length] for s in self.segments]

    @classmethod
    def from_json(cls, data: list[list[int]] | None) -> OffsetMap:
        """Inverse of `to_json`."""
        return cls(tuple(Segment(a, b, c) for a, b, c in (data or [])))


@dataclass(frozen=True)
class RemovedLine:
    """A line of the source text the cleaner removed, with why. Offsets into the source text."""

    start: int
    end: int
    kind: str
    text: str


@dataclass(frozen=True)
class Evidence:
    """Where a metadata value was found: the source span and the rule that read it."""

    start: int | None
    end: int | None
    rule: str
    text: str = ""


@dataclass(frozen=True)
class Metadata:
    """Article metadata. A field the input does not state is ``None``, never invented.

    ``published_at`` is ISO 8601; it has a UTC offset only when the input stated a time zone
    (or an unambiguous one, such as GMT); a date alone stays a date (``2025-09-03``).
    ``evidence`` maps a field name to where its value was found.
    """

    title: str | None = None
    subtitle: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = None
    language: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)


@dataclass(frozen=True)
class CleanDocument:
    """The result of cleaning one `RawDocument`: the article body and what was taken out."""

    body: str
    offsets: OffsetMap
    removed: tuple[RemovedLine, ...]
    metadata: Metadata
    #: The text that offsets point into: the raw text for text inputs, "" for HTML.
    source_text: str


@dataclass(frozen=True)
class Outlet:
    """A news organisation as named by its articles; ``key`` is the normalised name."""

    key: str
    name: str


@dataclass(frozen=True)
class Article:
    """One outlet's article: a clean body plus metadata and the way back to its source."""

    article_id: str
    content_hash: str
    source: Source
    kind: str
    body: str
    metadata: Metadata
    offsets: OffsetMap
    removed: tuple[RemovedLine, ...]
    source_text: str

    @property
    def outlet(self) -> str | None:
        """The outlet's display name, if known."""
        return self.metadata.outlet

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Offsets into the original input text for a body span, when traceable."""
        return self.offsets.span_to_source(start, end)


_WS = re.compile(r"\s+")


def normalize_body(body: str) -> str:
    """The form of a body that identity is computed on: NFKC, whitespace collapsed, trimmed.

    Two files whose bodies differ only in Unicode compatibility forms or whitespace are the same
    content.
    """
    return _WS.sub(" ", unicodedata.normalize("NFKC", body)).strip()


def outlet_key(name: str | None) -> str:
    """Normalised outlet name used in ids and grouping (case- and punctuation-insensitive)."""
    if not name:
        return ""
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = re.sub(r"^(www\.)", "", folded)
    return re.sub(r"[^\w.]+", " ", folded).strip()


def content_hash(body: str) -> str:
    """Hash of the normalised body: equal for the same text, whoever published it."""
    return hashlib.sha256(normalize_body(body).encode("utf-8")).hexdigest()


def article_id(body: str, outlet: str | None) -> str:
    """Stable article id: the same body from the same outlet is the same article.

    The outlet is part of the id because the same wire text carried by two outlets is two pieces
    of coverage (linked as duplicates), while re-ingesting a file is a no-op.
    """
    digest = hashlib.sha256(
        (outlet_key(outlet) + "\x00" + normalize_body(body)).encode("utf-8")
    ).hexdigest()
    return digest[:16]


# --- Who said what -------------------------------------------------------------------------------

#: What a quote is: the speaker's own words in quotation marks, a short quoted fragment inside a
#: sentence of the outlet's, or reported (indirect) speech.
QUOTE_KINDS = ("direct", "partial", "indirect")


@dataclass(frozen=True)
class Span:
    """A piece of an article body: ``text == body[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Speaker:
    """Who a quote is attributed to, and how that was decided.

    ``name`` is the canonical display name ("Vladimir Putin") and ``entity_id`` the canonical
    entity (`parallax.entities.entity_id`); both are ``None`` when the speaker is unknown, which
    is said rather than guessed. ``surface`` is the span in this article that names the speaker
    ("he", "the Kremlin leader"), ``None`` when the speaker is carried over from an earlier
    paragraph. ``rule`` says how it was resolved: named, role, pronoun, previous, unknown.
    """

    name: str | None
    entity_id: str | None
    surface: Span | None
    rule: str


@dataclass(frozen=True)
class Quote:
    """One utterance as one article carries it.

    ``start``/``end`` delimit the content (without the quotation marks) in the article body;
    ``cue`` is the attribution verb or phrase ("said", "insisted", "according to").
    """

    quote_id: str
    article_id: str
    kind: str
    start: int
    end: int
    text: str
    speaker: Speaker
    cue: Span | None
    confidence: float


def quote_id(article_id: str, start: int, end: int) -> str:
    """Stable quote id: the same span of the same article is the same quote."""
    return hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StatementMember:
    """A quote's place in a statement: ``relation`` is ``same`` (the utterance as carried, in
    any translation) or ``paraphrase`` (reported speech of it); ``score`` is how sure."""

    quote_id: str
    relation: str
    score: float


@dataclass(frozen=True)
class Statement:
    """One utterance by one speaker on one occasion, as carried across outlets.

    ``text`` is a representative rendering (the longest direct quote). The same words said on
    another occasion are another statement, linked through ``repeats`` with a score.
    """

    statement_id: str
    speaker_entity_id: str | None
    event_id: str | None
    text: str
    members: tuple[StatementMember, ...]
    outlets: tuple[str, ...]
    repeats: tuple[tuple[str, float], ...] = ()


# --- How outlets tell it -------------------------------------------------------------------------

#: What a framing cue is: the verb an outlet uses to attribute a quote ("said", "claimed"), a
#: hedge on a claim ("reportedly", "allegedly"), or an evaluative / editorial phrase in the
#: outlet's own voice ("without basis", "brutal").
FRAMING_KINDS = ("attribution", "hedge", "evaluative")


@dataclass(frozen=True)
class FramingCue:
    """A word or phrase in the outlet's own voice that frames a person or a claim.

    ``text == body[start:end]`` of article ``article_id``. ``value`` is the lexicon class the cue
    falls in (for attribution verbs: ``neutral`` "said" or ``loaded`` "claimed"; for the others a
    short class name such as ``doubt`` or ``negative``), ``lemma`` its base form, and
    ``target_entity_id`` the entity it frames when one is known.
    """

    article_id: str
    kind: str
    start: int
    end: int
    text: str
    lemma: str
    value: str
    target_entity_id: str | None = None
    score: float = 1.0


#: How an article refers to an entity: by a ``name`` ("Kyiv", "Zelenskyy"), a ``role``
#: ("the Kremlin leader", "the Russian president") or an ``epithet`` ("dictator").
LABEL_KINDS = ("name", "role", "epithet")


@dataclass(frozen=True)
class Label:
    """One mention of an entity under one surface form: ``surface == body[start:end]``."""

    entity_id: str
    article_id: str
    kind: str
    start: int
    end: int
    surface: str
    score: float = 1.0


#: Tone toward a target, as NewsMTSC codes it.
TONES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Tone:
    """The tone of one sentence toward one entity named in it.

    ``start``/``end`` delimit the evidence sentence in the article body; ``target`` the mention
    of the entity inside it; ``score`` is in [-1, 1] (negative to positive).
    """

    article_id: str
    target_entity_id: str
    label: str
    score: float
    start: int
    end: int
    target: Span


@dataclass(frozen=True)
class PositionPoint:
    """Where an actor's stated position sits: one quote of one article."""

    article_id: str
    quote_id: str
    start: int
    end: int
    day: str | None


#: How two statements of one actor on one topic relate over time.
POSITION_KINDS = ("shift", "contradiction", "repeat")


@dataclass(frozen=True)
class PositionChange:
    """Two statements of one actor on one topic, ``before`` and ``after`` in time."""

    actor_entity_id: str
    topic: str
    kind: str
    before: PositionPoint
    after: PositionPoint
    score: float
