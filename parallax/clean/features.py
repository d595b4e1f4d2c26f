"""Cheap per-unit features the junk-line rules read (word counts, punctuation, prose-ness).

Every unit gets the counts the article-region pass needs (words, function words, end
punctuation, the normalised text). Facts only some rules read (the words in their original
case, capitalised words, sentence breaks, the word set) are computed on first use, since most
units are prose paragraphs that never reach those rules.
"""

from __future__ import annotations

import re

from parallax.clean.lexicon import CUE_WORDS, STOPWORDS

WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
#: `WORD` for text without an underscore (then ``[^\W_]`` is ``\w``, which matches faster).
_WORD_NO_UNDERSCORE = re.compile(r"\w+(?:['’.\-]\w+)*")
CLOSERS = "\"'”’»)]*_ \t"
_TERMINALS = frozenset(".!?…。！？")
_SENTENCE_BREAK = re.compile(r"[a-z0-9\"”’)\]][.!?…][\"'”’»)]*\s+[\"“‘(]?[A-Z]")
#: Characters a case-insensitive pattern matches for a letter other than their lower case
#: ("ı" and "İ" for "i", "ſ" for "s", old Cyrillic forms for "в", "д", "о", "с", "т", "ъ").
ODD_CASE = re.compile("[\u0130\u0131\u017f\u1c80-\u1c88]")


class Features:
    """Cheap facts about a unit's text that the rules read.

    ``low`` is the text in lower case, ``low_words`` its words and ``norm`` them joined by one
    space; ``head`` is the start (three letters) of the first word and ``cues`` the words of
    `CUE_WORDS` present. When ``plain_case`` is true a case-insensitive pattern can only match
    text whose lower case contains its literals, so ``low`` and ``head`` may rule it out
    without running it. ``words``, ``lowered``, ``n_stop``, ``n_capital``, ``sentences`` and
    ``anchor`` are computed when first read.
    """

    __slots__ = (
        "_anchor",
        "_lowered",
        "_n_capital",
        "_n_stop",
        "_sentences",
        "_words",
        "cues",
        "ends_colon",
        "ends_ellipsis",
        "ends_sentence",
        "head",
        "low",
        "low_words",
        "n_chars",
        "n_words",
        "norm",
        "plain_case",
        "sentence_like",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.n_chars = len(text)
        self.low = low = text.lower()
        ascii_only = text.isascii()
        self.plain_case = ascii_only or ODD_CASE.search(text) is None
        if not ascii_only and ("Σ" in text or "İ" in text):
            # Their lower case depends on context or is two characters: lower word by word.
            low_words = [w.lower() for w in WORD.findall(text)]
        else:
            # Lower case maps every other character to one character of the same word class
            # (checked over all of Unicode), so the words of the lowered text are the lowered
            # words.
            low_words = (WORD if "_" in low else _WORD_NO_UNDERSCORE).findall(low)
        self.low_words: list[str] = low_words
        self.n_words = n_words = len(low_words)
        self.norm = " ".join(low_words)
        self.head = low_words[0][:3] if low_words else ""
        self.cues = CUE_WORDS.intersection(low_words)
        tail = text.rstrip(CLOSERS)
        # Looking at the tail only: a search anchored with $ would scan the whole line.
        self.ends_sentence = ends_sentence = tail[-1:] in _TERMINALS if tail else False
        self.ends_colon = ends_colon = tail.endswith(":")
        self.ends_ellipsis = tail.endswith(("…", "..."))
        # Reads like prose: punctuated and made of ordinary words.
        self._n_stop: int | None = None
        if n_words >= 5 and (ends_sentence or ends_colon):
            self.sentence_like = n_words >= 8 or self.n_stop / n_words >= 0.1
        else:
            self.sentence_like = n_words >= 14 and self.n_stop / n_words >= 0.2
        self._words: tuple[str, ...] | None = None
        self._lowered: frozenset[str] | None = None
        self._n_capital: int | None = None
        self._sentences: int | None = None
        self._anchor: bool | None = None

    @property
    def words(self) -> tuple[str, ...]:
        """The words in their original case."""
        if self._words is None:
            self._words = tuple(WORD.findall(self.text))
        return self._words

    @property
    def lowered(self) -> frozenset[str]:
        """The set of lower-cased words."""
        if self._lowered is None:
            self._lowered = frozenset(self.low_words)
        return self._lowered

    @property
    def n_capital(self) -> int:
        """How many words start with a capital letter."""
        if self._n_capital is None:
            self._n_capital = sum(1 for w in self.words if w[0].isupper())
        return self._n_capital

    @property
    def sentences(self) -> int:
        """Sentence breaks inside the text, plus one when it ends like a sentence."""
        if self._sentences is None:
            self._sentences = len(_SENTENCE_BREAK.findall(self.text)) + (
                1 if self.ends_sentence else 0
            )
        return self._sentences

    @property
    def n_stop(self) -> int:
        """How many words are function words."""
        if self._n_stop is None:
            self._n_stop = sum(map(STOPWORDS.__contains__, self.low_words))
        return self._n_stop

    def has_stopwords(self, count: int) -> bool:
        """Whether at least ``count`` words are function words (stops counting there)."""
        if self._n_stop is not None:
            return self._n_stop >= count
        found = 0
        for word in self.low_words:
            if word in STOPWORDS:
                found += 1
                if found >= count:
                    return True
        return False

    @property
    def stop_ratio(self) -> float:
        """Share of tokens that are function words."""
        return self.n_stop / self.n_words if self.n_words else 0.0

    @property
    def anchor(self) -> bool:
        """Surely article prose: used to find where the article starts and ends.

        A standfirst has no final full stop, so a line without one is an anchor only when it
        is too long to be one.
        """
        if self._anchor is None:
            if not self.sentence_like:
                self._anchor = False
            elif not (self.ends_sentence or self.ends_colon):
                self._anchor = self.n_words >= 45
            else:
                self._anchor = self.n_words >= 10 or (self.sentences >= 2 and self.n_words >= 6)
        return self._anchor


def features(text: str) -> Features:
    """Compute the `Features` of one unit of text."""
    return Features(text)
