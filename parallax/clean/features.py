"""Cheap per-unit features the junk-line rules read (word counts, punctuation, prose-ness)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parallax.clean.lexicon import STOPWORDS

WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
CLOSERS = "\"'”’»)]*_ \t"
_TERMINALS = frozenset(".!?…。！？")
_SENTENCE_BREAK = re.compile(r"[a-z0-9\"”’)\]][.!?…][\"'”’»)]*\s+[\"“‘(]?[A-Z]")

@dataclass(frozen=True, slots=True)
class Features:
    """Cheap facts about a unit's text that the rules read."""

    n_chars: int
    words: tuple[str, ...]
    lowered: frozenset[str]
    n_words: int
    n_stop: int
    n_capital: int
    ends_sentence: bool
    ends_colon: bool
    ends_ellipsis: bool
    sentences: int
    norm: str

    @property
    def stop_ratio(self) -> float:
        """Share of tokens that are function words."""
        return self.n_stop / self.n_words if self.n_words else 0.0

    @property
    def sentence_like(self) -> bool:
        """Reads like prose: punctuated and made of ordinary words."""
        if self.n_words >= 5 and (self.ends_sentence or self.ends_colon):
            return self.stop_ratio >= 0.1 or self.n_words >= 8
        return self.n_words >= 14 and self.stop_ratio >= 0.2

    @property
    def anchor(self) -> bool:
        """Surely article prose: used to find where the article starts and ends.

        A standfirst has no final full stop, so a line without one is an anchor only when it
        is too long to be one.
        """
        if not self.sentence_like:
            return False
        if not (self.ends_sentence or self.ends_colon):
            return self.n_words >= 45
        return self.n_words >= 10 or (self.sentences >= 2 and self.n_words >= 6)


def features(text: str) -> Features:
    """Compute the `Features` of one unit of text."""
    words = tuple(WORD.findall(text))
    lowered = [w.lower() for w in words]
    n_stop = sum(1 for w in lowered if w in STOPWORDS)
    n_capital = sum(1 for w in words if w[0].isupper())
    tail = text.rstrip(CLOSERS)
    # Looking at the tail only: a search anchored with $ would scan the whole line.
    ends_sentence = tail[-1:] in _TERMINALS if tail else False
    return Features(
        n_chars=len(text),
        words=words,
        lowered=frozenset(lowered),
        n_words=len(words),
        n_stop=n_stop,
        n_capital=n_capital,
        ends_sentence=ends_sentence,
        ends_colon=tail.endswith(":"),
        ends_ellipsis=tail.endswith(("…", "...")),
        sentences=len(_SENTENCE_BREAK.findall(text)) + (1 if ends_sentence else 0),
        norm=" ".join(lowered),
    )
