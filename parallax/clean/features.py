"""Cheap per-unit features the junk-line rules read (word counts, punctuation, prose-ness).

Every unit gets the counts the article-region pass needs (words, function words, end
punctuation, the normalised text). Facts only some rules read (the words in their original
case, capitalised words, sentence breaks, the word set) are computed on first use, since most
units are prose paragraphs that never reach those rules.
"""

from __future__ import annotations

import re

from parallax.clean.lexicon import STOPWORDS

WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
#: `WORD` for text without an underscore (then ``[^\W_]`` is ``\w``, which matches faster).
_WORD_NO_UNDERSCORE = re.compile(r"\w+(?:['’.\-]\w+)*")
CLOSERS = "\"'”’»)]*_ \t"
_TERMINALS = frozenset(".!?…。！？")
_SENTENCE_BREAK = re.compile(r"[a-z0-9\"”’)\]][.!?…][\"'”’»)]*\s+[\"“‘(]?[A-Z]")


class Features:
    """Cheap facts about a unit's text that the rules read.

    ``low_words`` are the words in lower case; ``norm`` is them joined by one space. The
    attributes ``words``, ``lowered``, ``n_capital``, ``sentences`` and ``anchor`` are computed
    when first read.
    """

    __slots__ = (
        "_anchor",
        "_lowered",
        "_n_capital",
        "_sentences",
        "_words",
        "ends_colon",
        "ends_ellipsis",
        "ends_sentence",
        "low",
        "low_words",
        "n_chars",
        "n_stop",
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
        # Case-insensitive patterns match these for "i" and "s" though lower case keeps them.
        self.plain_case = not ("İ" in text or "ı" in text or "ſ" in text)
        if "Σ" in text or "İ" in text:
            # Their lower case depends on context or is two characters: lower word by word.
            low_words = [w.lower() for w in WORD.findall(text)]
        else:
            # Lower case maps every other character to one character of the same word class
            # (checked over all of Unicode), so the words of the lowered text are the lowered
            # words.
            low_words = (WORD if "_" in low else _WORD_NO_UNDERSCORE).findall(low)
        self.low_words: list[str] = low_words
        self.n_words = n_words = len(low_words)
        self.n_stop = n_stop = sum(map(STOPWORDS.__contains__, low_words))
        self.norm = " ".join(low_words)
        tail = text.rstrip(CLOSERS)
        # Looking at the tail only: a search anchored with $ would scan the whole line.
        self.ends_sentence = ends_sentence = tail[-1:] in _TERMINALS if tail else False
        self.ends_colon = ends_colon = tail.endswith(":")
        self.ends_ellipsis = tail.endswith(("…", "..."))
        # Reads like prose: punctuated and made of ordinary words.
        if n_words >= 5 and (ends_sentence or ends_colon):
            self.sentence_like = n_stop / n_words >= 0.1 or n_words >= 8
        else:
            self.sentence_like = n_words >= 14 and n_stop / n_words >= 0.2
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
