"""Quotes in one article body: direct, partial and indirect, each with its speaker and cue.

How a quote is found:

- Quotation marks are paired per paragraph (straight and curly double marks; curly single
  marks outside them). A paragraph that opens a quote without closing it continues into the
  next paragraph when that one opens with a mark, the newsroom convention for long quotes;
  each paragraph's piece is its own `Quote` with the same speaker and cue.
- A quoted span that stands as a clause of its own (at the start of a sentence, after a colon
  or a comma, right after a verb of saying, or a capitalised sentence) is ``direct``; a short
  fragment inside the outlet's own sentence is ``partial``; a title-cased name or a nickname
  in marks is not a quote.
- Layout attributes some quotes without a verb: a transcript line opens with the speaker's
  label in capitals (``"PENCE: Well, ...``; the label is not content and starts a new turn),
  and a dash byline closes the paragraph (``"A." ― Jane Doe``).
- A direct quote is attributed by the verb of saying right after it (``"A," he said``; after a
  period inside the marks only by a sentence that is nothing but an attribution: ``"A." Smith
  said on Monday.``), by a person named right after a comma-ended quote whatever the verb
  (``"A," Jones laughed``), else the nearest verb of saying before it in its sentence
  (``He said: "A"``, the second half of a split quote), else, after a colon (also one that
  ends the paragraph before), by the verb of that sentence (``The Kremlin leader was blunt:
  "A"``) with its subject, a name alone before the colon, or the person the sentence before
  names. With no attribution it takes the speaker of the quote before it in the paragraph, the
  person (or "he"/"she") the sentence before has as subject, the previous paragraph's speaker
  or the subject of its last sentence (rule ``previous``), else it stays unknown.
- A partial quote takes the speaker of its sentence: the verb of saying that governs it or the
  nearest one, else the subject of the verb it hangs from (``Reid has gone after Trump as a
  "con artist"``).
- A subject is never a word of another line: a heading or page furniture that the parse runs
  into the next paragraph ("Trump's Role in the Proposal") is not a speaker, and reported
  speech is cut to its cue's paragraph.
- Indirect speech is a verb of saying with a clause (``X said (that) ...``, ``X insisted ...``),
  an object for verbs such as deny and confirm, or ``according to X, ...``; the content is the
  clause.

A verb whose subject is an outlet or agency ("Al Jazeera reported", "AFP said") relays rather
than speaks: it is skipped and the quote goes to the person the sentence names, or to nobody.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parallax.model import Quote, Span, Speaker, quote_id
from parallax.statements.cues import (
    CLAUSE_VERBS,
    CONTENT_OBJECT_VERBS,
    SPEECH_NOUNS,
    speech_lemma,
)
from parallax.statements.marks import CLOSE_DOUBLE, Region, find_regions, paragraphs
from parallax.statements.speakers import (
    RULE_CONFIDENCE,
    SUBJECT_DEPS,
    SpeakerContext,
    build_context,
    resolve_name,
    resolve_subject,
)

if TYPE_CHECKING:
    from parallax.nlp.annotate import Parses

_TERMINAL = ".!?"
# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "sen",
        "rep",
        "gov",
        "jr",
        "sr",
        "del",
        "adm",
        "atty",
        "supt",
        "lt",
        "col",
        "sgt",
        "capt",
        "prof",
        "inc",
        "co",
        "corp",
        "no",
        "vs",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "jan",
        "feb",
        "mar",
        "apr",
        "aug",
        "sept",
        "sep",
        "oct",
        "nov",
        "dec",
        "ave",
        "rev",
        "ft",
        "mt",
    ]
)
# How many tokens after a quote the attribution may take (", Scott Pruitt, the Republican
# attorney general of Oklahoma, one of the states suing the EPA, said").
_TRAILING_TOKENS = 25
# At most this many words in a sentence that only attributes the quote before it.
_BARE_TOKENS = 14
# Dependents of a verb of saying that carry content of its own.
_CONTENT_DEPS = frozenset({"ccomp", "dobj", "xcomp", "attr", "oprd"})
# Verbs of saying whose object is the hearer, not what was said ("told reporters").
_HEARER_VERBS = frozenset({"tell", "inform", "assure", "reassure", "notify", "advise", "ask"})
_KIND_FACTOR = {"direct": 1.0, "partial": 0.9, "indirect": 0.85}
_UNCLOSED_FACTOR = 0.8
_UNKNOWN = Speaker(None, None, None, "unknown")


@dataclass(frozen=True)
class _Cue:
    span: Span
    subject: Any | None


class _Article:
    """One parsed body and what is known about it while its quotes are read."""

    def __init__(self, body: str, doc: Any, regions: list[Region]) -> None:
        self.body = body
        self.doc = doc
        self.regions = regions
        self.marks = sorted((r.open, r.close + 1 if r.closed else r.close) for r in regions)
        self._mark_starts = [a for a, _ in self.marks]
        self.token_starts = [t.idx for t in doc]
        self.paras = paragraphs(body)
        self._para_starts = [a for a, _ in self.paras]
        self.ctx: SpeakerContext = build_context(doc, body, [(r.start, r.end) for r in regions])

    def quoted(self, offset: int) -> bool:
        """Whether ``offset`` is inside quotation marks (marks included)."""
        i = bisect.bisect_right(self._mark_starts, offset) - 1
        return i >= 0 and self.marks[i][0] <= offset < self.marks[i][1]

    def para_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, offset) - 1)

    def tokens(self, start: int, end: int) -> list[Any]:
        """Tokens that start in ``[start, end)`` and are outside quotation marks."""
        i = bisect.bisect_left(self.token_starts, start)
        j = bisect.bisect_left(self.token_starts, end)
        return [t for t in self.doc[i:j] if not self.quoted(t.idx)]

    def sentence_start(self, offset: int, floor: int) -> int:
        """Start of the sentence holding ``offset``, not before ``floor``; sentence ends inside
        quotation marks do not count."""
        body = self.body
        for i in range(offset - 1, floor - 1, -1):
            if body[i] in _TERMINAL and not self.quoted(i) and _ends_sentence(body, i):
                return i + 1
        return floor

    def sentence_end(self, offset: int, ceiling: int) -> int:
        """End (after the terminal mark) of the sentence holding ``offset``."""
        body = self.body
        for i in range(offset, ceiling):
            if body[i] in _TERMINAL and not self.quoted(i) and _ends_sentence(body, i):
                return i + 1
        return ceiling


def _ends_sentence(body: str, i: int) -> bool:
    """Whether the terminal mark at ``i`` ends a sentence (not "Mr." or "U.S." before a name)."""
    after = body[i + 1 : i + 3]
    if after and not after[0].isspace() and after[0] not in "\"”’'":
        return False
    if body[i] != ".":
        return True
    word = re.search(r"([\w.]+)$", body[max(0, i - 12) : i])
    if word is None:
        return True
    w = word.group(1).casefold()
    return not (w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()))


# --- cues ----------------------------------------------------------------------------------


def _is_verb(token: Any) -> bool:
    return str(token.tag_).startswith("VB")


def _according(token: Any) -> Any | None:
    """The object of "according to X" when ``token`` is "according"."""
    if token.lower_ != "according":
        return None
    for child in token.children:
        if child.lower_ == "to":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        for obj in nxt.children:
            if obj.dep_ == "pobj":
                return obj
    return None


def _according_span(token: Any) -> Span:
    """The span of "according to" at ``token``."""
    cue = token.doc[token.i : min(token.i + 2, len(token.doc))]
    return Span(cue.start_char, cue.end_char, cue.text)


def _subject(token: Any, art: _Article, depth: int = 0) -> Any | None:
    """The subject of a cue verb, looking through "went on to say", "adding", "as saying"."""
    para = art.para_of(token.idx)
    subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS and not art.quoted(c.idx)]
    for child in subjects:
        if art.para_of(child.idx) == para:
            return child
    if subjects:
        # The parse ran a heading line into the verb's sentence ("Trump's Role in the
        # Proposal / The Russian president revealed ..."): the subject is the phrase that
        # opens the verb's own paragraph, never a word of another line.
        return _paragraph_subject(token, art, para)
    head = token.head
    if (
        token.dep_ == "compound"
        and head.i == token.i + 1
        and head.pos_ == "PROPN"
        and not art.quoted(head.idx)
    ):
        # "Said Ellis: ..." parsed as a name with "Said" in it: the inverted subject.
        return head
    if depth >= 3 or token.head is token:
        return None
    head = token.head
    if token.dep_ == "acl" and not art.quoted(head.idx):
        if head.pos_ == "PROPN":
            return head  # "Mary Jones, speaking to reporters, ...": the name the verb describes
        # "responded with a statement saying ...": the subject of the verb the noun hangs from.
        while head.dep_ in {"pobj", "dobj", "prep"} and head.head is not head:
            head = head.head
        return _subject(head, art, depth + 1) if _is_verb(head) and depth < 3 else None
    if token.dep_ == "pcomp" and head.lower_ == "as" and head.head is not head:
        # "Reuters quoted Peskov as saying": the speaker is the object of "quoted".
        for child in head.head.children:
            if child.dep_ == "dobj":
                return child
        return None
    if token.dep_ in {"xcomp", "advcl", "conj", "pcomp", "prep"} and not art.quoted(head.idx):
        return _subject(head, art, depth + 1)
    return None


def _paragraph_subject(verb: Any, art: _Article, para: int) -> Any | None:
    """The head of the noun phrase before ``verb`` in its paragraph whose own head lies in
    another paragraph, if any."""
    p0 = art.paras[para][0]
    found = None
    for t in art.tokens(p0, verb.idx):
        if t.pos_ in {"NOUN", "PROPN", "PRON"} and art.para_of(t.head.idx) != para:
            found = t
    return found


def _cue_of(token: Any, art: _Article) -> _Cue | None:
    """A cue at ``token``: a verb of saying (with its subject) or "according to" (with its
    object)."""
    obj = _according(token)
    if obj is not None:
        return _Cue(_according_span(token), obj)
    if _is_verb(token) and (speech_lemma(token.text) is not None or _puts_it(token)):
        return _Cue(Span(token.idx, token.idx + len(token.text), token.text), _subject(token, art))
    return None


def _puts_it(token: Any) -> bool:
    """ "As Mary Jones put it, ..." / "Jones put it bluntly: ...": "put it" is a verb of saying."""
    return token.lower_ in {"put", "puts", "putting"} and any(
        c.dep_ == "dobj" and c.lower_ == "it" for c in token.children
    )


def _speaker(art: _Article, cue: _Cue) -> Speaker | None:
    """The speaker of a cue; ``None`` when the subject is an outlet (it relays)."""
    if cue.subject is None:
        return _UNKNOWN
    return resolve_subject(art.ctx, cue.subject)


def _first_cue(
    art: _Article, tokens: Sequence[Any], reverse: bool = False
) -> tuple[_Cue, Speaker] | None:
    """The first cue in ``tokens`` (the last with ``reverse``) whose speaker is not an outlet.
    A cue with no subject counts only when no cue with one follows."""
    fallback: tuple[_Cue, Speaker] | None = None
    for token in reversed(tokens) if reverse else tokens:
        cue = _cue_of(token, art)
        if cue is None:
            continue
        speaker = _speaker(art, cue)
        if speaker is None:
            continue
        if cue.subject is None:
            fallback = fallback or (cue, speaker)
            continue
        return cue, speaker
    return fallback


# --- direct and partial quotes ---------------------------------------------------------------


def _is_title(text: str) -> bool:
    """A title-cased name in marks (a book, a slogan, a nickname), not someone's words."""
    words = [w for w in re.findall(r"[\w’']+", text) if len(w) > 3]
    return (
        bool(words)
        and len(text.split()) <= 6
        and all(w[0].isupper() for w in words)
        and (text[-1:] not in ".!?")
    )


def _is_nickname(body: str, region: Region, text: str) -> bool:
    """A capitalised word or two in marks between two parts of a name ('Marcia "Cia" Price')."""
    words = text.split()
    before = re.search(r"(\w+)[^\w\n]*$", body[max(0, region.open - 30) : region.open])
    after = re.match(r"[^\w\n]*(\w+)", body[region.close + 1 : region.close + 30])
    return (
        len(words) <= 2
        and all(w[:1].isupper() for w in words)
        and before is not None
        and after is not None
        and before.group(1)[:1].isupper()
        and after.group(1)[:1].isupper()
    )


def _kind(art: _Article, region: Region, para_start: int) -> str | None:
    """``direct``, ``partial``, or ``None`` for a span that is not a quote."""
    body = art.body
    text = body[region.start : region.end]
    words = len(text.split())
    # Punctuation inside the marks ("Never," he added) is speech; a title has none.
    spoken = region.continued or body[region.end : region.end + 1] in {",", ".", "?", "!"}
    if (not spoken and _is_title(text)) or not re.search(r"\w", text):
        return None
    if not spoken and _is_nickname(body, region, text):
        return None
    before = body[para_start : region.open].rstrip()
    clause_start = (
        not before
        or before[-1] in ".!?:;—–-,"
        or before[-1] in CLOSE_DOUBLE + '"'
        or region.continued
    )
    prev_word = re.search(r"(\w+)\W*$", before)
    after_cue = prev_word is not None and speech_lemma(prev_word.group(1)) in CLAUSE_VERBS
    sentence_like = text[:1].isupper() and words >= 4 and text.rstrip('”’"')[-1:] in ".!?"
    # A short quote opening its sentence with the comma inside the marks is a whole utterance
    # ("Never," he said).
    opening = not before or before[-1] in ".!?:;" or region.continued
    if clause_start and (words >= 3 or text[-1:] in ".!?," or (opening and spoken)):
        if before[-1:] == "," and not _has_cue_before(art, region, para_start) and words < 6:
            return "partial"
        return "direct"
    if after_cue and (text[:1].isupper() or words >= 6):
        return "direct"
    if sentence_like:
        return "direct"
    return "partial"


def _has_cue_before(art: _Article, region: Region, para_start: int) -> bool:
    start = art.sentence_start(region.open, para_start)
    return any(_cue_of(t, art) is not None for t in art.tokens(start, region.open))


def _name_next_to(art: _Article, cue: Span, after: int) -> tuple[_Cue, Speaker] | None:
    """A verb of saying the parse left without a subject, right after a name (”... Police Chief
    Chuck Jordan said Monday.") or, inverted, right before one (”...?” asked Mary Jones.): the
    name is its subject."""
    mentions = art.ctx.before(cue.start)[:1]
    mentions += [m for m in art.ctx.mentions if m.start >= cue.end][:1]
    for m in mentions:
        gap = art.body[m.end : cue.start] if m.end <= cue.start else art.body[cue.end : m.start]
        if m.start <= after or m.quoted or gap.strip() or m.label != "PERSON":
            continue
        span = art.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        speaker = resolve_subject(art.ctx, span.root)
        if speaker is not None and speaker.entity_id is not None:
            return _Cue(cue, span.root), speaker
    return None


def _spliced_subject(art: _Article, trailing: Sequence[Any]) -> tuple[_Cue, Speaker] | None:
    """”..., ” Mary Jones laughed. A person named right after a quote that ends in a comma, as
    the subject of the next verb, is its speaker whatever the verb."""
    first = trailing[0]
    for m in art.ctx.mentions:
        if m.start < first.idx:
            continue
        if m.start > first.idx or m.label != "PERSON" or m.quoted:
            return None
        span = art.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or span.root.dep_ not in SUBJECT_DEPS:
            return None
        verb = span.root.head
        if not _is_verb(verb) or verb.i - span.root.i > 3:
            return None
        speaker = resolve_subject(art.ctx, span.root)
        if speaker is None or speaker.entity_id is None:
            return None
        return _Cue(Span(verb.idx, verb.idx + len(verb.text), verb.text), span.root), speaker
    return None


def _window_before(art: _Article, region: Region, para_start: int) -> int:
    """Where the text that may attribute a quote from before it starts."""
    floor = para_start
    for other in art.regions:
        if other.para == region.para and other.close < region.open:
            floor = max(floor, other.close + 1)
    return art.sentence_start(region.open, floor)


def _trailing(art: _Article, region: Region, para_end: int) -> list[Any]:
    """The few tokens after a quote's closing mark, up to the next mark or sentence end."""
    if not region.closed:
        return []
    text = art.body[region.start : region.end].rstrip('”’"')
    limit = para_end
    for other in art.regions:
        words = art.body[other.start : other.end]
        if other.open > region.close and (len(words.split()) > 2 or re.search(r"[.,!?]", words)):
            # The next quote ends the attribution; a nickname in marks ('Marcia "Cia" Price')
            # does not.
            limit = min(limit, other.open)
            break
    limit = art.sentence_end(region.close + 1, limit)
    tokens = art.tokens(region.close + 1, limit)
    if text.endswith("."):
        # A period inside the marks ends the sentence: what follows is another one, which
        # attributes the quote only when it is nothing but an attribution ("Smith said on
        # Monday.").
        return tokens if _bare_attribution(tokens) else []
    return tokens[:_TRAILING_TOKENS]


def _bare_attribution(tokens: Sequence[Any]) -> bool:
    """Whether a short sentence is only a speaker and a verb of saying, with no content of its
    own: no clause, object or quoted words after the verb ("Smith said on Monday.")."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words or len(words) > _BARE_TOKENS:
        return False
    if [w.lower_ for w in words[:2]] in (["that", "is"], ["that", "'s"], ["that", "’s"]) and (
        len(words) > 2 and words[2].lower_ in {"how", "what"}
    ):
        return True  # "That is how Mary Jones described the plan."
    for t in words:
        if not (_is_verb(t) and speech_lemma(t.text) is not None):
            continue
        lemma = speech_lemma(t.text)
        if any(
            c.dep_ in _CONTENT_DEPS and not (c.dep_ == "dobj" and lemma in _HEARER_VERBS)
            for c in t.children
        ):
            return False
        return any(c.dep_ in SUBJECT_DEPS for c in t.children) or (
            t.i + 1 < len(t.doc) and t.nbor(1).pos_ in {"PROPN", "PRON", "DET", "NOUN"}
        )
    return False


def _colon_cue(
    art: _Article, region: Region, window: int, para_start: int
) -> tuple[_Cue | None, Speaker] | None:
    """Attribution of a quote introduced by a colon: the sentence's main verb and subject, else
    the person the sentence or the one before names as a subject."""
    tokens = art.tokens(window, region.open)
    # The clause's own verbs: those whose head lies outside the clause (or the root).
    verbs = [
        t
        for t in tokens
        if t.pos_ in {"VERB", "AUX"}
        and (t.dep_ == "ROOT" or not window <= t.head.idx < region.open)
    ]
    for verb in verbs:
        subj = _subject(verb, art)
        if subj is None:
            continue
        speaker = resolve_subject(art.ctx, subj)
        if speaker is not None and speaker.entity_id is not None:
            cue = Span(verb.idx, verb.idx + len(verb.text), verb.text)
            return _Cue(cue, subj), speaker
    cue_span = (
        Span(verbs[0].idx, verbs[0].idx + len(verbs[0].text), verbs[0].text) if verbs else None
    )
    lead = art.body[window : region.open].rstrip()
    lead_end = window + len(lead[:-1].rstrip())
    for m in art.ctx.mentions:
        if not (window <= m.start and m.end == lead_end and m.label == "PERSON"):
            continue
        # Nothing but a name (and a title) before the colon: 'Sen. Mary Jones: "..."'.
        words = art.body[window : m.start].split()
        if len(words) <= 3 and all(w[:1].isupper() for w in words) and not m.quoted:
            colon = art.body.rindex(":", window, region.open)
            named = resolve_name(art.ctx, m.text, Span(m.start, m.end, art.body[m.start : m.end]))
            if named is not None:
                return _Cue(Span(colon, colon + 1, ":"), None), named
    # The sentence before: in this paragraph, or the last one of the previous paragraph.
    before = art.sentence_start(window - 1, 0) if window > 0 else 0
    for lo, hi in ((window, region.open), (before, window)):
        for m in art.ctx.mentions:
            if lo <= m.start < hi and m.label == "PERSON" and m.subject and not m.quoted:
                tok = art.doc.char_span(m.start, m.end, alignment_mode="expand")
                if tok is None:
                    continue
                speaker = resolve_subject(art.ctx, tok.root)
                if speaker is not None and speaker.entity_id is not None:
                    return (_Cue(cue_span, None) if cue_span else None), speaker
    # One person named before the colon, as no subject ("Jones's answer was short: ..."):
    # the words are that person's.
    people = [
        m
        for m in art.ctx.mentions
        if window <= m.start < region.open and m.label == "PERSON" and not m.quoted
    ]
    if people and len({m.key for m in people}) == 1:
        m = people[-1]
        named = resolve_name(art.ctx, m.text, Span(m.start, m.end, art.body[m.start : m.end]))
        if named is not None:
            return (_Cue(cue_span, None) if cue_span else None), named
    return None


@dataclass
class _Found:
    kind: str
    start: int
    end: int
    speaker: Speaker
    cue: Span | None
    factor: float = 1.0


def _attribute_direct(
    art: _Article, region: Region, kind: str
) -> tuple[Speaker | None, Span | None]:
    """Speaker and cue of a direct or partial quote from its own sentence; (None, None) when
    the sentence does not attribute it."""
    p0, p1 = art.paras[region.para]
    if kind == "partial":
        start = art.sentence_start(region.open, p0)
        end = art.sentence_end(region.end, p1)
        tokens = art.tokens(start, end)
        # The verb that governs the fragment first, then the nearest.
        at = min(bisect.bisect_left(art.token_starts, region.start), len(art.doc) - 1)
        ancestors = {a.i for a in art.doc[at].ancestors}
        ranked = sorted(tokens, key=lambda t: (t.i not in ancestors, abs(t.idx - region.start)))
        found = _first_cue(art, ranked)
        if found is not None:
            return found[1], found[0].span
        # No verb of saying: a fragment echoed in a sentence about someone ("Reid has gone
        # after Trump as a “con artist”") is the words of the person the governing verb has
        # as subject.
        for verb in art.doc[at].ancestors:
            if not _is_verb(verb) or art.quoted(verb.idx) or not start <= verb.idx < end:
                continue
            subj = _subject(verb, art)
            if subj is None:
                continue
            speaker = resolve_subject(art.ctx, subj)
            if speaker is not None and speaker.entity_id is not None:
                return speaker, Span(verb.idx, verb.idx + len(verb.text), verb.text)
            break
        return None, None
    byline = _dash_byline(art, region, p1)
    if byline is not None:
        return byline
    trailing = _trailing(art, region, p1)
    found = _first_cue(art, trailing)
    if found is not None and found[0].subject is None:
        found = _name_next_to(art, found[0].span, region.close) or found
    spliced = art.body[region.end : region.close].strip() in {",", ""}
    if found is None and trailing and spliced and art.body[region.end - 1] != ".":
        found = _spliced_subject(art, trailing)
    if (
        found is not None
        and found[0].subject is None
        and found[0].span.start > trailing[min(2, len(trailing) - 1)].idx
    ):
        found = None  # a subjectless verb far from the quote says nothing about it
    if found is not None and found[0].subject is not None and found[0].subject.idx < region.close:
        found = None  # the verb's subject is before the quote: another clause's verb
    if found is None:
        window = _window_before(art, region, p0)
        found = _first_cue(art, art.tokens(window, region.open), reverse=True)
        if found is None and art.body[p0 : region.open].rstrip().endswith(":"):
            colon = _colon_cue(art, region, window, p0)
            if colon is not None:
                cue, speaker = colon
                return speaker, cue.span if cue else None
        if found is None and region.para > 0 and not art.body[p0 : region.open].strip():
            # A paragraph that ends with a colon introduces the quote that opens the next one
            # ("Putin also spoke on the end of the conflict:" / "“If common sense ...”").
            q0, q1 = art.paras[region.para - 1]
            if art.body[q0:q1].endswith(":"):
                start = art.sentence_start(q1 - 1, q0)
                found = _first_cue(art, art.tokens(start, q1), reverse=True)
                if found is None:
                    colon = _colon_cue(art, region, start, q0)
                    if colon is not None:
                        cue, speaker = colon
                        return speaker, cue.span if cue else None
    if found is None:
        return None, None
    return found[1], found[0].span


# A name under a quote after a dash, closing the paragraph: ”― Jane Doe", "” — Jane Doe, 34, a
# nurse from Ohio."
_DASH_BYLINE = re.compile(
    r"[^\S\n]*(?:[―—–]|--?)[^\S\n]*(?P<name>[^\W\d_][^,;:()\n]{0,60}?)"
    r"[^\S\n]*(?:[,(][^\n]*)?[.]?[^\S\n]*$"
)


def _dash_byline(art: _Article, region: Region, para_end: int) -> tuple[Speaker, Span] | None:
    """The speaker a dash byline after a quote names: a person or organisation the parse found
    there, else two to five capitalised words; ``None`` when there is no such byline."""
    if not region.closed:
        return None
    m = _DASH_BYLINE.match(art.body, region.close + 1, para_end)
    if m is None:
        return None
    a, b = m.span("name")
    name = art.body[a:b].rstrip(" .\xa0")
    b = a + len(name)
    words = name.split()
    label: str | None = None
    for ent in art.doc.ents:
        if ent.start_char <= a and b <= ent.end_char + 1 and ent.label_ in {"PERSON", "ORG"}:
            label = "PERSON" if ent.label_ == "PERSON" else "ORG"
            break
    if label is None:
        capitalised = all(w[0].isupper() for w in words if w.isalpha() or w.endswith("."))
        if not (2 <= len(words) <= 5 and capitalised):
            return None
        label = "PERSON"
    surface = Span(a, b, name)
    speaker = resolve_name(art.ctx, name, surface, label)
    if speaker is None:
        return None
    dash = m.group().lstrip()[:1]
    at = art.body.index(dash, region.close + 1)
    return speaker, Span(at, at + 1, dash)


def _label_speaker(art: _Article, label: tuple[int, int]) -> tuple[Speaker | None, Span | None]:
    """Speaker and cue of a transcript line: the name in its label, the label as the cue."""
    a, b = label
    surface = Span(a, b, art.body[a:b])
    speaker = resolve_name(art.ctx, surface.text, surface)
    cue = Span(a, b + 1, art.body[a : b + 1])
    return speaker, cue


def _previous_sentence_person(art: _Article, region: Region) -> Speaker | None:
    """The person named as a subject in the sentence before a quote in its paragraph, or
    referred to there by a subject "he" or "she" ('She criticized the plan. "..."')."""
    p0, _ = art.paras[region.para]
    end = art.sentence_start(region.open, p0)
    if end <= p0:
        return None
    return _sentence_person(art, art.sentence_start(end - 1, p0), end)


def _sentence_person(art: _Article, start: int, end: int) -> Speaker | None:
    """The last person named as a subject in ``[start, end)``, or a subject "he"/"she" or "her
    response" there."""
    for m in reversed(art.ctx.mentions):
        if start <= m.start < end and m.label == "PERSON" and m.subject and not m.quoted:
            tok = art.doc.char_span(m.start, m.end, alignment_mode="expand")
            if tok is not None:
                speaker = resolve_subject(art.ctx, tok.root)
                if speaker is not None and speaker.entity_id is not None:
                    return speaker
    for t in art.tokens(start, end):
        pronoun = t.lower_ in {"he", "she"} or (t.lower_ in SPEECH_NOUNS and t.pos_ == "NOUN")
        if pronoun and t.dep_ in SUBJECT_DEPS:
            speaker = resolve_subject(art.ctx, t)
            if speaker is not None and speaker.entity_id is not None:
                return speaker
    return None


# --- indirect speech ---------------------------------------------------------------------------


def _trim(doc: Any, i: int, j: int) -> tuple[int, int]:
    """Token range without leading "that" and surrounding punctuation."""
    while i < j and (doc[i].is_punct or (doc[i].dep_ == "mark" and doc[i].lower_ == "that")):
        i += 1
    while j > i and doc[j - 1].is_punct:
        j -= 1
    return i, j


def _in_paragraph(art: _Article, token: Any, i: int, j: int) -> tuple[int, int]:
    """Token range ``[i, j)`` cut to the paragraph of ``token``: reported speech never runs
    across a line break (a parse that joins a heading or page furniture to the next line)."""
    p0, p1 = art.paras[art.para_of(token.idx)]
    doc = art.doc
    while i < j and doc[i].idx < p0:
        i += 1
    while j > i and doc[j - 1].idx >= p1:
        j -= 1
    return i, j


def _indirect(art: _Article, token: Any) -> tuple[int, int, _Cue] | None:
    """(content start, content end, cue) of reported speech at ``token``, if it is a cue."""
    doc = art.doc
    if art.quoted(token.idx):
        return None
    obj = _according(token)
    if obj is not None:
        sent = token.sent
        phrase = (token.i, obj.right_edge.i + 1)
        if phrase[0] <= sent.start + 1:
            i, j = _trim(doc, *_in_paragraph(art, token, phrase[1], sent.end))
        elif phrase[1] >= sent.end - 2:
            i, j = _trim(doc, *_in_paragraph(art, token, sent.start, phrase[0]))
        else:
            return None
        if j - i < 2:
            return None
        return i, j, _Cue(_according_span(token), obj)
    lemma = speech_lemma(token.text)
    if lemma is None or lemma not in CLAUSE_VERBS or not _is_verb(token):
        return None
    clauses = [c for c in token.children if c.dep_ == "ccomp"]
    if not clauses and lemma in CONTENT_OBJECT_VERBS:
        clauses = [c for c in token.children if c.dep_ == "dobj"]
    if not clauses:
        return None
    clause = clauses[0]
    i, j = _trim(doc, *_in_paragraph(art, token, clause.left_edge.i, clause.right_edge.i + 1))
    if j - i < 3 and clause.dep_ == "ccomp":
        return None
    if j - i < 2:
        return None
    if i <= token.i < j:
        return None
    cue = Span(token.idx, token.idx + len(token.text), token.text)
    return i, j, _Cue(cue, _subject(token, art))


# --- the article -------------------------------------------------------------------------------


def _find(art: _Article) -> Iterator[_Found]:
    """Every quote of the article, in body order of discovery."""
    doc = art.doc
    para_speaker: dict[int, Speaker] = {}
    para_cue: dict[int, tuple[Speaker, Span | None]] = {}
    kinds: dict[Region, str] = {}
    for region in art.regions:
        kind = "direct" if region.label else _kind(art, region, art.paras[region.para][0])
        if kind is not None:
            kinds[region] = kind
    # Multi-paragraph quotes: a chain of pieces shares one attribution.
    chains: list[list[Region]] = []
    for region in art.regions:
        if region not in kinds:
            continue
        # A transcript label starts a new speaker's turn even where the marks run on.
        if (
            region.continued
            and region.label is None
            and chains
            and chains[-1][-1].para == region.para - 1
        ):
            chains[-1].append(region)
            kinds[region] = "direct"
            kinds[chains[-1][0]] = "direct"
        else:
            chains.append([region])
    direct_spans = [(r.start, r.end) for r in kinds if kinds[r] == "direct"]
    # Indirect speech candidates, by cue position.
    items: list[tuple[int, str, Any]] = [(chain[0].open, "chain", chain) for chain in chains]
    for token in doc:
        if token.lower_ == "according" or (
            _is_verb(token) and speech_lemma(token.text) is not None
        ):
            items.append((token.idx, "token", token))
    items.sort(key=lambda item: (item[0], item[1]))
    taken: list[tuple[int, int]] = []
    for _, what, value in items:
        if what == "chain":
            chain: list[Region] = value
            speaker: Speaker | None = None
            cue: Span | None = None
            for piece in chain:
                if piece.label is not None:
                    speaker, cue = _label_speaker(art, piece.label)
                else:
                    speaker, cue = _attribute_direct(art, piece, kinds[piece])
                if speaker is not None:
                    break
            first = chain[0]
            if speaker is None:
                same = para_cue.get(first.para)
                if same is not None:
                    # The quote goes on from the paragraph's previous one: same speaker, cue.
                    speaker, cue = same
                else:
                    speaker = _carry_over(art, first, para_speaker, kinds[first])
            elif speaker.entity_id is not None:
                art.ctx.remember(first.open, speaker)
            for piece in chain:
                factor = 1.0 if piece.closed else _UNCLOSED_FACTOR
                yield _Found(kinds[piece], piece.start, piece.end, speaker, cue, factor)
                if speaker.name is not None or speaker.surface is not None:
                    para_speaker[piece.para] = speaker
                    if kinds[piece] == "direct":
                        para_cue[piece.para] = (speaker, cue)
            continue
        token = value
        found = _indirect(art, token)
        if found is None:
            continue
        i, j, icue = found
        start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
        if any(s < end and start < e for s, e in direct_spans):
            continue
        if any(s <= token.idx < e for s, e in taken):
            continue  # reported speech inside reported speech belongs to the outer one
        speaker = _speaker(art, icue)
        if speaker is None:
            continue
        if icue.subject is None:
            continue
        if icue.span.text.lower().startswith("according") and speaker.name is None:
            continue  # "according to a report": no speaker
        if speaker.entity_id is not None:
            art.ctx.remember(token.idx, speaker)
        taken.append((start, end))
        para_speaker[art.para_of(token.idx)] = speaker
        yield _Found("indirect", start, end, speaker, icue.span)


def _carry_over(
    art: _Article, region: Region, para_speaker: dict[int, Speaker], kind: str
) -> Speaker:
    """The speaker of an unattributed quote: the quote before it in the paragraph, the person
    the sentence before names, the previous paragraph's speaker, else unknown."""
    previous = para_speaker.get(region.para)
    if previous is None:
        person = _previous_sentence_person(art, region)
        if person is not None:
            return person
    if previous is None and kind == "direct":
        previous = para_speaker.get(region.para - 1)
        p0 = art.paras[region.para][0]
        if previous is None and region.para > 0 and not art.body[p0 : region.open].strip():
            # A quote that opens its paragraph after one that names a person as the subject of
            # its last sentence ("Mary Jones spoke at the rally." / "“It is dead ...”").
            q0, q1 = art.paras[region.para - 1]
            person = _sentence_person(art, art.sentence_start(q1 - 1, q0), q1)
            if person is not None:
                previous = person
    if previous is None or previous.name is None:
        return _UNKNOWN
    return Speaker(previous.name, previous.entity_id, None, "previous")


def quotes_from_doc(article_id: str, body: str, doc: Any) -> list[Quote]:
    """The quotes of ``body`` given its spaCy parse ``doc``."""
    art = _Article(body, doc, find_regions(body))
    quotes: dict[tuple[int, int], Quote] = {}
    for f in _find(art):
        if (f.start, f.end) in quotes:
            continue
        confidence = RULE_CONFIDENCE[f.speaker.rule] * _KIND_FACTOR[f.kind] * f.factor
        quotes[(f.start, f.end)] = Quote(
            quote_id=quote_id(article_id, f.start, f.end),
            article_id=article_id,
            kind=f.kind,
            start=f.start,
            end=f.end,
            text=body[f.start : f.end],
            speaker=f.speaker,
            cue=f.cue,
            confidence=round(confidence, 4),
        )
    return sorted(quotes.values(), key=lambda q: (q.start, q.end))


def extract_quotes(article_id: str, body: str, doc: Any | None = None) -> list[Quote]:
    """Direct, partial and indirect quotes of one article body, sorted by start.

    ``doc`` is a spaCy parse of ``body`` by `parallax.nlp.annotate.load_nlp`; it is parsed here
    when not given. ``quote.text == body[quote.start:quote.end]``, the content without marks.
    """
    if doc is None:
        from parallax.nlp.annotate import load_nlp

        doc = load_nlp()(body)
    return quotes_from_doc(article_id, body, doc)


def extract_many(
    items: Sequence[tuple[str, str]], batch_size: int = 32, parses: Parses | None = None
) -> list[list[Quote]]:
    """Quotes of each ``(article_id, body)`` pair, parsing the bodies in batches (or taking
    their parses from ``parses`` where it holds them)."""
    from parallax.nlp.annotate import load_nlp

    bodies = [body for _, body in items]
    docs: Iterable[Any] = (
        parses.pipe(bodies, batch_size)
        if parses is not None
        else load_nlp().pipe(bodies, batch_size=batch_size)
    )
    return [quotes_from_doc(aid, body, doc) for (aid, body), doc in zip(items, docs, strict=True)]


__all__ = ["Region", "extract_many", "extract_quotes", "find_regions", "paragraphs"]
