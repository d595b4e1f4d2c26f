"""Framing cues: the words in an outlet's own voice that frame a person or a claim.

`find_cues` reads one article body with what earlier stages found in it (sentences, quotes,
entity mentions) and returns `parallax.model.FramingCue` records of three kinds:

- ``attribution``: the cue verb of each quote ("said", "claimed", "according to"), valued on
  the scale of `parallax.compare.framing_lexicon.ATTRIBUTION_SCALE` (neutral, emphatic, doubt,
  loaded) and aimed at the quote's speaker. A qualifier next to the verb ("falsely claimed",
  "asserted without basis", "said stiffly") is part of the cue's span and can raise its class.
  Non-neutral speech verbs in the outlet's voice without a found quote ("the senator chided
  the mayor") are attribution cues too, aimed at the nearest entity named before them in the
  sentence.
- ``hedge``: words that keep a claim at arm's length ("reportedly", "so-called", "is said to");
  value ``doubt``. Scare quotes are not cues: on BASIL's dev split the short quoted phrases that
  no quote attributes were mostly terms of art and names of things, not doubt (0 of 9 matched).
- ``evaluative``: loaded or evaluative words outside quotation marks ("baseless", "brutal",
  "regime", "grinding war"), from a curated lexicon and VADER's sentiment lexicon; value
  ``negative``, ``positive``, ``doubt`` or ``intensifier``; aimed at the entity named nearest
  in the same sentence.

Words inside a direct or partial quote, or anywhere between quotation marks, are the speaker's,
not the outlet's, and are never evaluative cues. Every cue satisfies
``body[cue.start:cue.end] == cue.text``; the output is sorted and deterministic.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

from parallax.compare import framing_lexicon as lex
from parallax.errors import ConfigError
from parallax.model import FramingCue, Quote
from parallax.statements.cues import speech_lemma, verb_forms
from parallax.statements.marks import find_regions

_WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")
_RANK = {value: i for i, value in enumerate(lex.ATTRIBUTION_SCALE)}
#: How sure a cue is framing, by where it came from (a found quote's own cue verb is certain).
SCORES = {
    "quote-cue": 1.0,
    "verb": 0.8,
    "hedge": 0.9,
    "curated": 0.8,
    "intensifier": 0.5,
}
#: Quotes whose words are the speaker's own (reported speech is the outlet's paraphrase).
_QUOTED_KINDS = frozenset({"direct", "partial"})


class _Token(NamedTuple):
    """A word of the body (a tuple: an article has thousands)."""

    start: int
    end: int
    text: str
    lower: str


@dataclass(frozen=True)
class _Found:
    """A cue before targets and overlaps are settled; ``rank`` orders who wins an overlap."""

    kind: str
    start: int
    end: int
    lemma: str
    value: str
    score: float
    rank: int
    target: str | None = None
    #: Aim at the entity named before the cue (a verb's subject) rather than the nearest one.
    subject: bool = False


@functools.cache
def vader_valences() -> dict[str, float]:
    """VADER's lexicon (word -> mean valence on -4..4), read from the installed package."""
    try:
        text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ConfigError(
            "vaderSentiment is not installed; run `make install` (framing cues read its lexicon)"
        ) from exc
    valences: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and _WORD.fullmatch(parts[0]):
            valences[parts[0].casefold()] = float(parts[1])
    return valences


@functools.cache
def _verb_index() -> dict[str, str]:
    """Inflected form -> base verb, for the attribution verbs."""
    index: dict[str, str] = {}
    for lemma in sorted(lex.ATTRIBUTION_VERBS):
        for form in sorted(verb_forms(lemma) | set(lex.EXTRA_VERB_FORMS.get(lemma, ()))):
            index.setdefault(form, lemma)
    return index


@functools.cache
def _phrasal_index() -> dict[tuple[str, str], tuple[str, str]]:
    """(head form, particle) -> (lemma "lash out", class)."""
    index: dict[tuple[str, str], tuple[str, str]] = {}
    for (head, particle), cls in sorted(lex.PHRASAL_CUES.items()):
        forms = set(lex.PHRASAL_FORMS.get(head, ())) | set(verb_forms(head))
        for form in sorted(forms):
            index[(form, particle)] = (f"{head} {particle}", cls)
    return index


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for whole-word phrases, longest first."""
    alternatives = sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len)
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(reversed(alternatives)) + r")(?![\w-])", re.IGNORECASE
    )


_HEDGES = _phrase_pattern(lex.HEDGES)
_EVALUATIVE_PHRASES = _phrase_pattern(tuple(lex.EVALUATIVE_PHRASES))
_FALSITY_AFTER = re.compile(
    r"\s*,?\s*(?:" + "|".join(re.escape(p) for p in lex.FALSITY_PHRASES) + r")(?![\w-])",
    re.IGNORECASE,
)
_WITH_AFTER = re.compile(r"\s+with\s+(?:(?:a|an)\s+)?([A-Za-z-]+)(?:\s+([A-Za-z-]+))?")


def attribution_class(lemma: str) -> str:
    """The class of an attribution verb on the attribution scale (unknown verbs: neutral)."""
    return lex.ATTRIBUTION_VERBS.get(lemma, "neutral")


class _Article:
    """One body with its tokens, sentences, quoted regions and mentions, for the finders."""

    def __init__(
        self,
        body: str,
        sentences: Sequence[tuple[int, int]],
        quotes: Sequence[Quote],
        mentions: Sequence[tuple[str, int, int]],
    ) -> None:
        self.body = body
        self.tokens = [
            _Token(m.start(), m.end(), m.group(), m.group().casefold())
            for m in _WORD.finditer(body)
        ]
        self.token_starts = [t.start for t in self.tokens]
        spans = sorted((s, e) for s, e in sentences if e > s) or [(0, len(body))]
        self.sentences = spans
        self.sentence_starts = [s for s, _ in spans]
        self.regions = find_regions(body)
        quoted = [(q.start, q.end) for q in quotes if q.kind in _QUOTED_KINDS]
        quoted += [(r.open, min(len(body), r.close + 1)) for r in self.regions]
        self.quoted = _merge(quoted)
        self.quoted_starts = [s for s, _ in self.quoted]
        self.mentions = sorted((s, e, eid) for eid, s, e in mentions)
        self.quotes = quotes

    def is_quoted(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a quotation."""
        i = bisect.bisect_right(self.quoted_starts, end - 1) - 1
        return i >= 0 and self.quoted[i][1] > start

    def in_mention(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps an entity mention (names are not evaluations)."""
        return any(s < end and start < e for s, e, _ in self.mentions)

    def sentence_of(self, offset: int) -> tuple[int, int]:
        """The sentence holding ``offset`` (or the nearest one starting before it)."""
        i = max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)
        return self.sentences[i]

    def sentence_initial(self, token: _Token) -> bool:
        """Whether ``token`` is the first word of its sentence."""
        start, _ = self.sentence_of(token.start)
        return not _WORD.search(self.body, start, token.start)

    def proper(self, token: _Token) -> bool:
        """A capitalised word inside a sentence: part of a name or title, not an evaluation."""
        return token.text[:1].isupper() and not self.sentence_initial(token)

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.token_starts, offset)

    def target(self, start: int, end: int, subject: bool) -> str | None:
        """The entity named nearest the span in its sentence; with ``subject``, the nearest one
        named before it when there is one."""
        s0, s1 = self.sentence_of(start)
        best: tuple[int, int, str] | None = None
        before: tuple[int, int, str] | None = None
        for ms, me, eid in self.mentions:
            if ms >= s1 or me <= s0 or (ms < end and start < me):
                continue
            distance = start - me if me <= start else ms - end
            key = (distance, ms, eid)
            if best is None or key < best:
                best = key
            if me <= start and (before is None or key < before):
                before = key
        chosen = before if subject and before is not None else best
        return chosen[2] if chosen else None


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of spans."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


# --- attribution -----------------------------------------------------------------------------


def _verb_lemma(art: _Article, start: int, end: int) -> tuple[str, str, int] | None:
    """The attribution verb (or "according to") inside ``[start, end)``: its lemma, its class
    and where it ends (a phrasal verb's particle may stand just after the cue)."""
    text = art.body[start:end].casefold()
    if re.search(r"\baccording\s+to\b", text):
        return "according to", "neutral", end
    i = art.token_at(start)
    while i < len(art.tokens) and art.tokens[i].end <= end:
        tok = art.tokens[i]
        nxt = art.tokens[i + 1] if i + 1 < len(art.tokens) else None
        phrasal = _phrasal_index().get((tok.lower, nxt.lower)) if nxt is not None else None
        if phrasal is not None and nxt is not None and not art.body[tok.end : nxt.start].strip():
            return phrasal[0], phrasal[1], max(end, nxt.end)
        lemma = _verb_index().get(tok.lower) or speech_lemma(tok.lower)
        if lemma is not None:
            return lemma, attribution_class(lemma), end
        i += 1
    return None


def _manner_adverb(art: _Article, tok: _Token) -> str | None:
    """The class an ``-ly`` adverb next to a cue gives it, or None when it is not a qualifier."""
    if not tok.lower.endswith("ly") or tok.lower in lex.NEUTRAL_LY or art.proper(tok):
        return None
    if tok.lower in lex.FALSITY_ADVERBS or tok.lower in lex.JUDGING_ADVERBS:
        return "loaded"
    return "emphatic"


def _qualifiers(art: _Article, start: int, end: int) -> tuple[int, int, str]:
    """Widen a cue span over the qualifiers attached to it; the strongest class they carry."""
    body, cls = art.body, "neutral"
    # before: "falsely claimed", "very loudly claiming" (an intensifier only before an adverb)
    new_start, i = start, art.token_at(start) - 1
    while i >= 0 and start - art.tokens[i].start <= 30:
        tok = art.tokens[i]
        if body[tok.end : new_start].strip():
            break
        adverb = _manner_adverb(art, tok)
        if adverb is not None:
            cls = _stronger(cls, adverb)
        elif new_start == start or (
            lex.EVALUATIVE.get(tok.lower) != "intensifier" and (tok.lower != "very")
        ):
            break
        new_start, i = tok.start, i - 1
    # after: "said stiffly", "asserted without basis", "said with steely clarity"
    new_end = end
    falsity = _FALSITY_AFTER.match(body, end)
    if falsity is not None:
        new_end, cls = falsity.end(), "loaded"
    else:
        j = art.token_at(end)
        if j < len(art.tokens) and not body[end : art.tokens[j].start].strip(" ,"):
            adverb = _manner_adverb(art, art.tokens[j])
            if adverb is not None and "," not in body[end : art.tokens[j].start]:
                new_end, cls = art.tokens[j].end, _stronger(cls, adverb)
        if new_end == end:
            with_phrase = _WITH_AFTER.match(body, end)
            if with_phrase is not None:
                words = [w for w in with_phrase.groups() if w]
                if any(_word_class(w.casefold()) is not None for w in words):
                    new_end, cls = with_phrase.end(), _stronger(cls, "emphatic")
    return new_start, new_end, cls


def _stronger(a: str, b: str) -> str:
    return a if _RANK.get(a, 0) >= _RANK.get(b, 0) else b


def _quote_cues(art: _Article) -> list[_Found]:
    """The cue verb of every found quote, once per cue span."""
    found: dict[tuple[int, int], _Found] = {}
    for q in sorted(art.quotes, key=lambda q: (q.start, q.end)):
        if q.cue is None or (q.cue.start, q.cue.end) in found or q.cue.end <= q.cue.start:
            continue
        verb = _verb_lemma(art, q.cue.start, q.cue.end)
        lemma, cls, end = verb or (q.cue.text.strip().casefold(), "neutral", q.cue.end)
        start, end, qualifier = _qualifiers(art, q.cue.start, end)
        value = _stronger(cls, qualifier)
        found[(q.cue.start, q.cue.end)] = _Found(
            "attribution",
            start,
            end,
            lemma,
            value,
            SCORES["quote-cue"],
            0,
            target=q.speaker.entity_id,
        )
    return list(found.values())


def _verb_cues(art: _Article) -> list[_Found]:
    """Non-neutral speech verbs in the outlet's voice that no found quote uses as its cue."""
    found = []
    verbs, phrasals = _verb_index(), _phrasal_index()
    for i, tok in enumerate(art.tokens):
        nxt = art.tokens[i + 1] if i + 1 < len(art.tokens) else None
        phrasal = phrasals.get((tok.lower, nxt.lower)) if nxt else None
        if phrasal is None and tok.lower not in verbs:
            continue
        if art.is_quoted(tok.start, tok.end) or art.proper(tok):
            continue
        end = tok.end
        if phrasal is not None and nxt is not None and not art.body[tok.end : nxt.start].strip():
            lemma, cls = phrasal
            end = nxt.end
        elif tok.lower not in verbs:
            continue  # a phrasal verb's first word ("goes") split from its particle
        elif tok.lower in lex.NOUN_HOMOGRAPHS or _after_determiner(art, i):
            continue
        elif tok.lower.endswith("s") and not _after_subject(art, i):
            continue  # "claims", "demands": a plural noun unless a subject stands before it
        else:
            lemma = verbs[tok.lower]
            cls = attribution_class(lemma)
        start, end, qualifier = _qualifiers(art, tok.start, end)
        value = _stronger(cls, qualifier)
        if value == "neutral":  # "said" alone is framing only as a found quote's cue
            continue
        found.append(
            _Found("attribution", start, end, lemma, value, SCORES["verb"], 2, subject=True)
        )
    return found


def _after_determiner(art: _Article, i: int) -> bool:
    """Whether token ``i`` follows a determiner or a possessive: a noun ("his claims")."""
    if i == 0 or art.body[art.tokens[i - 1].end : art.tokens[i].start].strip():
        return False
    prev = art.tokens[i - 1].lower
    return prev in lex.DETERMINERS or prev.endswith(("'s", "’s"))


def _after_subject(art: _Article, i: int) -> bool:
    """Whether token ``i`` follows what can be its subject: a pronoun, a relative, a name."""
    if i == 0 or art.body[art.tokens[i - 1].end : art.tokens[i].start].strip():
        return False
    prev = art.tokens[i - 1]
    if prev.lower in lex.DETERMINERS:  # "The alleged plot"
        return False
    return (
        prev.lower in lex.SUBJECT_WORDS
        or prev.text[:1].isupper()
        or any(e == prev.end for _, e, _ in art.mentions)
    )


# --- hedges ----------------------------------------------------------------------------------


def _hedge_cues(art: _Article) -> list[_Found]:
    """Hedge words and phrases outside quotations. "alleged" after its subject ("Smith alleged
    that") is a speech verb, left to the attribution finders; "the alleged plot" is a hedge."""
    found = []
    for m in _HEDGES.finditer(art.body):
        if art.is_quoted(m.start(), m.end()):
            continue
        text = re.sub(r"\s+", " ", m.group().casefold())
        i = art.token_at(m.start())
        if text in _verb_index() and i < len(art.tokens) and _after_subject(art, i):
            continue
        found.append(_Found("hedge", m.start(), m.end(), text, "doubt", SCORES["hedge"], 1))
    return found


# --- evaluative ------------------------------------------------------------------------------


def _word_class(word: str) -> str | None:
    """The evaluative class of one lower-case word, or None."""
    cls = lex.EVALUATIVE.get(word)
    if cls is not None:
        return cls
    if word in lex.FACTUAL_WORDS:
        return None
    valence = vader_valences().get(word)
    if valence is None or abs(valence) < lex.VADER_MIN_VALENCE:
        return None
    return "negative" if valence < 0 else "positive"


def _evaluative_cues(art: _Article) -> list[_Found]:
    """Loaded and evaluative words and phrases outside quotations and names."""
    found = []
    for m in _EVALUATIVE_PHRASES.finditer(art.body):
        if art.is_quoted(m.start(), m.end()):
            continue
        phrase = re.sub(r"\s+", " ", m.group().casefold())
        found.append(
            _Found(
                "evaluative",
                m.start(),
                m.end(),
                phrase,
                lex.EVALUATIVE_PHRASES[phrase],
                SCORES["curated"],
                3,
            )
        )
    valences = vader_valences()
    for tok in art.tokens:
        cls = _word_class(tok.lower)
        if cls is None or art.is_quoted(tok.start, tok.end) or art.proper(tok):
            continue
        if art.in_mention(tok.start, tok.end):
            continue
        if tok.lower in lex.EVALUATIVE:
            score = SCORES["intensifier"] if cls == "intensifier" else SCORES["curated"]
        else:
            score = round(min(1.0, abs(valences[tok.lower]) / 4), 3)
        found.append(_Found("evaluative", tok.start, tok.end, tok.lower, cls, score, 4))
    return found


# --- all together ----------------------------------------------------------------------------


def find_cues(
    article_id: str,
    body: str,
    sentences: Sequence[tuple[int, int]],
    quotes: Sequence[Quote],
    mentions: Sequence[tuple[str, int, int]],
) -> list[FramingCue]:
    """Framing cues of one article body, sorted by start.

    ``sentences`` are ``[start, end)`` body offsets; ``quotes`` the article's quotes (their
    spans are the speakers' words, their cues the attribution verbs); ``mentions`` are
    ``(entity_id, start, end)`` of named entities. Where two candidate cues overlap, a found
    quote's cue wins over a hedge, a hedge over another speech verb, and a phrase over a word.
    """
    art = _Article(body, sentences, quotes, mentions)
    candidates = _quote_cues(art) + _hedge_cues(art) + _verb_cues(art) + _evaluative_cues(art)
    candidates.sort(key=lambda f: (f.rank, f.start, -(f.end - f.start), f.lemma))
    kept: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for f in candidates:
        if any(s < f.end and f.start < e for s, e in taken):
            continue
        taken.append((f.start, f.end))
        kept.append(f)
    cues = [
        FramingCue(
            article_id=article_id,
            kind=f.kind,
            start=f.start,
            end=f.end,
            text=body[f.start : f.end],
            lemma=f.lemma,
            value=f.value,
            target_entity_id=(
                f.target
                if f.kind == "attribution" and f.rank == 0
                else art.target(f.start, f.end, f.subject)
            ),
            score=f.score,
        )
        for f in kept
    ]
    return sorted(cues, key=lambda c: (c.start, c.end, c.kind, c.lemma))


__all__ = ["SCORES", "attribution_class", "find_cues", "vader_valences"]
