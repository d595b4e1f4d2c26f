"""Canonical keys for named entities, good enough to tell whether two articles talk about the same
people, organisations and places across spellings and transliterations.

``entity_key`` folds what varies between outlets and not between referents: case, diacritics,
titles ("President", "Mr"), a leading "the", possessives, the transliteration of Slavic endings
(Zelensky / Zelenskiy / Zelenskyy) and vowel spelling (Kiev / Kyiv). People are keyed by surname,
so "Vladimir Putin", "President Putin" and "Putin" share a key. The per-outlet label work
(which outlet says "Kiev") builds on these keys later.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: spaCy labels that name a participant or a place of a news event.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
EVENT_LABELS = frozenset({"EVENT", "LAW"})
KEYED_LABELS = ACTOR_LABELS | PLACE_LABELS | EVENT_LABELS

TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "president",
        "prime",
        "minister",
        "premier",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "gov",
        "secretary",
        "general",
        "gen",
        "minister",
        "foreign",
        "defense",
        "defence",
        "finance",
        "chief",
        "leader",
        "lord",
        "lady",
        "judge",
        "justice",
        "mayor",
        "speaker",
        "ambassador",
        "envoy",
        "colonel",
        "col",
        "captain",
        "capt",
        "lieutenant",
        "sergeant",
        "st",
        "saint",
        "vice",
        "deputy",
        "former",
        "acting",
        "late",
        "russian",
        "ukrainian",
        "american",
        "us",
        "u.s.",
        "state",
    ]
)

_VOWEL_RUN = re.compile(r"[aeiouy]+")
_SLAVIC_END = re.compile(r"(?:iy|yy|ii|ij|yi|y|i)$")
_NON_LETTER = re.compile(r"[^a-z ]+")


def fold(text: str) -> str:
    """Lowercase ASCII letters and spaces: diacritics removed, punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = re.sub(r"'s\b", "", ascii_text)
    return " ".join(_NON_LETTER.sub(" ", ascii_text).split())


def skeleton(word: str) -> str:
    """A spelling-insensitive form of one word: Slavic endings dropped, vowel runs merged."""
    if len(word) > 4:
        word = _SLAVIC_END.sub("", word)
    if not word:
        return ""
    return word[0] + _VOWEL_RUN.sub("a", word[1:])


def entity_key(text: str, label: str) -> str | None:
    """The canonical key of a mention, or ``None`` for labels that do not name a referent."""
    if label not in KEYED_LABELS:
        return None
    words = fold(text).split()
    if words and words[0] == "the":
        words = words[1:]
    if label == "PERSON":
        words = [w for w in words if w not in TITLES]
        if not words:
            return None
        # People by surname: the last word, unless it is a generational suffix.
        tail = (
            words[-1]
            if words[-1] not in {"jr", "sr", "ii", "iii"} or len(words) == 1
            else (words[-2])
        )
        return "person:" + skeleton(tail)
    if not words:
        return None
    kind = "place" if label in PLACE_LABELS else label.lower()
    return f"{kind}:" + " ".join(skeleton(w) for w in words)


def entity_id(key: str) -> str:
    """The stable public id of a canonical entity key (``person:patan`` -> ``en_...``)."""
    return "en_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
