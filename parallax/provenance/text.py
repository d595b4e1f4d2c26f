"""Text features the provenance stages compare: word shingles, sentences and leads."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import numpy.typing as npt

Shingles = npt.NDArray[np.uint64]

_WORD = re.compile(r"\w+")
# An FNV prime: mixes the word hashes of a shingle in order, so "a b" and "b a" differ.
_MIX = np.uint64(1099511628211)


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (keeps long word lists readable)."""
    return frozenset(text.split())


def words(text: str) -> list[str]:
    """Case-folded word tokens of the NFKC-normalised text (punctuation dropped)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


# Word -> 64-bit hash, shared across calls: a corpus has far fewer distinct words than words.
_WORD_HASHES: dict[str, int] = {}
_WORD_HASHES_MAX = 1 << 20


def _word_hash(word: str) -> int:
    if len(_WORD_HASHES) >= _WORD_HASHES_MAX:
        _WORD_HASHES.clear()
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    _WORD_HASHES[word] = value
    return value


def shingles(text: str, size: int = 5) -> Shingles:
    """Sorted unique 64-bit ids of the word ``size``-grams (one id for a shorter text)."""
    tokens = words(text)
    get = _WORD_HASHES.get
    values = [get(w) or _word_hash(w) for w in tokens]
    hashes = np.fromiter(values, dtype=np.uint64, count=len(values))
    if hashes.size == 0:
        return hashes
    width = min(size, int(hashes.size))
    count = int(hashes.size) - width + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for k in range(width):
        # Array arithmetic in uint64 wraps modulo 2**64, which is what a hash wants.
        mixed = mixed * _MIX + hashes[k : k + count]
    return np.unique(mixed)


def jaccard(a: Shingles, b: Shingles) -> float:
    """Exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    if a.size == 0 and b.size == 0:
        return 0.0
    inter = int(np.intersect1d(a, b, assume_unique=True).size)
    return inter / (int(a.size) + int(b.size) - inter)


# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep pres rev hon "
    "jan feb mar apr jun jul aug sep sept oct nov dec no vs etc inc ltd co corp dept est "
    "fig approx u.s u.k u.n e.g i.e a.m p.m"
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``: paragraphs split at line breaks, then at
    end punctuation followed by a capitalised word, except after common abbreviations and
    initials."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        chunk = para.group()
        for m in _BOUNDARY.finditer(chunk):
            before = chunk[: m.start()].rsplit(None, 1)
            last = before[-1].casefold().rstrip(".") if before else ""
            if chunk[m.start()] == "." and (
                last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())
            ):
                continue
            end = para.start() + m.end()
            spans.append((start, end))
            start = end
        spans.append((start, para.end()))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_texts(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[s:e] for s, e in sentences(text)]


def lead(title: str | None, body: str, count: int = 3) -> str:
    """Title and the first ``count`` sentences: what a rewrite keeps closest to its source."""
    parts = ([title] if title else []) + sentence_texts(body)[:count]
    return " ".join(parts)


_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")


def mostly_quote(sentence: str) -> bool:
    """True when quoted speech makes up most of the sentence.

    Two outlets quoting the same speaker share those sentences without one copying the other,
    so quotes are no evidence of paraphrase.
    """
    text = unicodedata.normalize("NFKC", sentence).strip()
    if not text:
        return False
    opens, closes = text.count("“"), text.count("”")
    # A quote running over several sentences leaves one side unmatched in each piece.
    if (text[0] in '"“' and closes == 0 and text.count('"') < 2) or (
        text[-1] in '"”' and opens == 0 and text.count('"') < 2
    ):
        return True
    quoted = sum(len(m.group()) for m in _QUOTED.finditer(text))
    return quoted * 2 > len(text)
