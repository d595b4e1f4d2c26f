"""Per-unit rules of the junk-line classifier: furniture anywhere, dates, names, titles.

Each rule reads one unit's text and its `Features`; the passes in `parallax.clean.lines` decide
where in the page each rule may apply.
"""

from __future__ import annotations

import re

from parallax.clean.dates import date_at, is_relative_date, locate_date
from parallax.clean.features import CLOSERS, WORD, Features
from parallax.clean.lexicon import (
    AD_HEADS,
    AD_PREFIX,
    BREADCRUMB,
    BYLINE,
    CAPTION_HEADS,
    CAPTION_PREFIX,
    CONTRIBUTED_LINE,
    COUNTER,
    CREDIT_HEADS,
    CREDIT_LINE,
    CREDIT_SIGNALS,
    CREDIT_TRIGGERS,
    DATE_START,
    FOLLOW_ON,
    GALLERY,
    GLUED_NAV,
    HANDLE_LINE,
    IDENTIFIER,
    LABEL_HEADS,
    LABEL_PREFIX,
    LABELS_STRONG,
    NAME_PARTICLES,
    NUMBERS_ONLY,
    PHRASE_MAX_WORDS,
    PROMO_HEADS,
    PROMO_START,
    PROMO_TARGET,
    READING_TIME,
    SEPARATOR,
    SHARE_WORDS,
    SOCIAL,
    STOPWORDS,
    STRONG_PHRASES,
    TAGS_HEADS,
    TAGS_PREFIX,
    TIMER,
    TRIGGERS,
    UI_WORDS,
    label_key,
)

_FOLLOWERS = re.compile(r"\d[\d,.]*[km]?\s*(?:followers|subscribers|fans|likes)", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^\W*copyright\b", re.IGNORECASE)
_STAMP_WORD = re.compile(r"\d|\b(?:published|updated|posted|modified)\b", re.IGNORECASE)
_STAMP_TIME = re.compile(
    r"\W*(?:updated|published|posted|last updated|modified)\b.{0,12}\d{1,2}[:.]\d{2}.{0,16}",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"\b(?:updated|update|published|posted|last|first|modified|on|at|date|dated|created|"
    r"issued|gmt|utc|et|bst|msk|cet|edt|est|pst|pdt|am|pm|a\.m|p\.m|time|read|min|mins)\b"
)
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_DATE_LABEL = re.compile(
    r"\W*(?:date|dated|published(?: on)?|posted(?: on)?|updated(?: on)?|last updated|"
    r"first published(?: on)?)\s*[:\-–|]?\s*",
    re.IGNORECASE,
)
_DATE_TAIL = re.compile(r"\s*(?:\(\s*updated[^)]{0,60}\)|[|•·,;–—-])?\s*", re.IGNORECASE)
_CLOCK = re.compile(r"\d[:.]\d\d")
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-.][^\W\d_]+)*\.?")


def _icons(f: Features, text: str) -> bool:
    if f.n_words < 3:
        return False
    # For ASCII text case folding is lower case, already computed.
    if f.has_stopwords(2) and "icon" not in (f.low if text.isascii() else text.casefold()):
        return False
    with_icon = sum(1 for w in f.low_words if "icon" in w)
    if with_icon >= 3 and with_icon >= 0.2 * f.n_words:
        return True
    ui = sum(1 for w in f.low_words if w in UI_WORDS)
    return f.n_words >= 5 and f.n_stop <= 1 and ui >= 0.6 * f.n_words and not f.ends_sentence



def _share_bar(f: Features, text: str) -> bool:
    if f.n_words == 0 or f.n_words > 25:
        return False
    lowered = f.low_words
    social = 0 if SOCIAL.isdisjoint(f.cues) else sum(1 for w in lowered if w in SOCIAL)
    if social == 0 and "google news" not in f.norm:
        return False
    if f.sentences >= 2:
        return False
    known = sum(1 for w in lowered if w in SOCIAL or w in SHARE_WORDS)
    handles = text.count("@")
    if social >= 2 and (known + handles) >= 0.7 * f.n_words:
        return True
    return social >= 1 and (known + handles) >= 0.85 * f.n_words and f.n_words <= 8


def _promo(f: Features, text: str) -> bool:
    if f.n_words > 30 or f.n_words == 0:
        return False
    if not (_may_start(f, PROMO_HEADS) and PROMO_START.match(text)):
        return False
    return PROMO_TARGET.search(text) is not None


def _lone_ui(f: Features, text: str) -> bool:
    if f.n_words == 0:
        return SEPARATOR.fullmatch(text) is not None or len(text) <= 3
    if (f.n_words == 1 or " " not in text) and len(text) <= 40:
        if text.endswith((".", "!", "?")) and text[:1].isalpha():
            return False
        token = text.strip(" .:;,!?()[]{}\"'")
        if len(token) <= 1:
            return True
        if IDENTIFIER.fullmatch(token) and not token.isdigit():
            return True
    return False



def _may_contain(f: Features, needles: tuple[str, ...]) -> bool:
    """Whether the unit may match a pattern whose every match contains one of ``needles``.

    Case-insensitive patterns also match "İ", "ı" and "ſ" for "i" and "s", which lower case
    does not map to them; such text is always searched.
    """
    return not f.plain_case or any(map(f.low.__contains__, needles))


def _lowered(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The pattern without IGNORECASE, to run on lower-cased text; ``None`` if it keeps case.

    Its literals are in lower case, so on text whose `Features.plain_case` holds it matches
    where the original matches the text, and faster.
    """
    if not pattern.flags & re.IGNORECASE:
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_PHRASES = tuple((kind, needles, p, _lowered(p)) for kind, needles, p in STRONG_PHRASES)
_CREDIT_SIGNALS = tuple((needles, p, _lowered(p)) for needles, p in CREDIT_SIGNALS)


def _search(
    f: Features, text: str, pattern: re.Pattern[str], low_pattern: re.Pattern[str] | None
) -> bool:
    if low_pattern is not None and f.plain_case:
        return low_pattern.search(f.low) is not None
    return pattern.search(text) is not None


def _may_start(f: Features, heads: frozenset[str]) -> bool:
    """Whether the unit may match an anchored pattern whose matches begin with ``heads``."""
    return not f.plain_case or f.head in heads


def _caption_like(f: Features, text: str) -> bool:
    """A photo caption or credit, recognised by a credit signal or a caption/credit prefix."""
    if _may_start(f, CAPTION_HEADS) and CAPTION_PREFIX.match(text):
        # "Photo: AFP. Russian President ..." glued to a long paragraph: unsure, keep.
        return f.n_words <= 60 or f.sentences <= 2
    if f.n_words > 60:
        return False
    if (
        "/" not in text
        and "©" not in text
        and "(" not in text
        and CREDIT_TRIGGERS.isdisjoint(f.cues)
    ):
        return False
    if not any(
        _may_contain(f, needles) and _search(f, text, pattern, low_pattern)
        for needles, pattern, low_pattern in _CREDIT_SIGNALS
    ):
        return False
    # A sentence that merely mentions Getty Images ends with a period after words; a caption
    # ends with the credit, or is short.
    tail = text.rstrip(CLOSERS)
    return not (f.sentence_like and tail.endswith(".") and f.n_words > 25 and f.sentences >= 2)


def _counter(f: Features, text: str) -> bool:
    if f.n_words > 12:
        return False
    key = text.strip(" .|•·")
    if COUNTER.fullmatch(key) or GALLERY.fullmatch(key):
        return True
    if READING_TIME.search(text) and f.n_words <= 8:
        return True
    if _FOLLOWERS.match(key):
        return True  # "299FollowersFollow"
    return NUMBERS_ONLY.fullmatch(key) is not None



def strong_kind(text: str, f: Features) -> str | None:
    """Furniture kind of a unit that is furniture wherever it stands, else ``None``."""
    if f.n_words <= 14:
        if _may_start(f, AD_HEADS) and AD_PREFIX.match(text):
            return "ad"
        if _may_start(f, TAGS_HEADS) and TAGS_PREFIX.match(text) and not f.sentences >= 2:
            return "label"
        if text.startswith(("Prev", "Next")) and GLUED_NAV.match(text):
            return "related"
        key = label_key(text)
        kind = LABELS_STRONG.get(key)
        if kind is not None:
            return kind
        if TIMER.fullmatch(text.strip(" .|•·")):
            return "timer"
        if _counter(f, text):
            return "counter"
        if _lone_ui(f, text):
            return "ui"
        if HANDLE_LINE.fullmatch(text):
            return "share"
        if f.n_words <= 6 and "follow" in f.cues and FOLLOW_ON.match(text):
            return "share"
        if BREADCRUMB.match(text):
            return "nav"
    if _icons(f, text):
        return "icons"
    if text.lstrip(" \t([").startswith(("©", "(c)", "(C)", "ⓒ")) or (
        (not f.plain_case or "copyright" in f.low) and _COPYRIGHT.match(text)
    ):
        return "credit" if f.n_words <= 60 else None
    if _caption_like(f, text):
        return "caption"
    if _share_bar(f, text):
        return "share"
    if f.n_words <= 80 and not TRIGGERS.isdisjoint(f.cues) and not _quoted(text):
        for kind, needles, pattern, low_pattern in _PHRASES:
            if f.n_words > PHRASE_MAX_WORDS.get(kind, 80):
                continue
            if _may_contain(f, needles) and _search(f, text, pattern, low_pattern):
                return kind
    if _promo(f, text):
        return "promo"
    if f.n_words <= 40 and (
        (_may_start(f, CREDIT_HEADS) and CREDIT_LINE.match(text))
        or ((not f.plain_case or "contributed" in f.low) and CONTRIBUTED_LINE.match(text))
    ):
        return "credit"
    if (
        f.n_words <= 30
        and _may_start(f, LABEL_HEADS)
        and LABEL_PREFIX.match(text)
        and not f.sentences >= 2
    ):
        return "related"
    return None


def _quoted(text: str) -> bool:
    """Whether the line is (mostly) a quotation, where furniture words are someone's words."""
    return text.lstrip()[:1] in "\"“„«" and text.rstrip(CLOSERS[:-2]).rstrip()[-1:] in "\"”»“"


def date_line(text: str, f: Features) -> bool:
    """A line that states a date (or time) and little else."""
    if f.n_words > 24:
        return False
    m = locate_date(text)
    if m is None:
        if f.n_words <= 8 and is_relative_date(text) and _STAMP_WORD.search(text):
            return True
        return bool(_STAMP_TIME.fullmatch(text))
    rest = (text[: m.start] + " " + text[m.end:]).lower()
    rest = _DATE_WORDS.sub(" ", rest)
    m2 = locate_date(rest)
    if m2 is not None:
        rest = rest[: m2.start] + " " + rest[m2.end:]
    rest = _NOT_LETTERS.sub(" ", rest).strip()
    return len(rest.split()) <= 2



def date_prefix(text: str) -> int:
    """Length of a date glued to the start of a sentence (" date 2025-09-03 Russian ..."), or 0."""
    m = _DATE_LABEL.match(text)
    labelled = m is not None
    start = m.end() if m else 0
    if not labelled and not DATE_START.match(text):
        return 0
    found = date_at(text[start: start + 80])
    if found is None:
        return 0
    end = start + found.end
    rest = text[end:]
    tail = _DATE_TAIL.match(rest)
    cut = end + (tail.end() if tail else 0)
    remainder = text[cut:]
    if not remainder or (not remainder[0].isupper() and remainder[0] not in "\"“«'‘"):
        return 0
    has_time = _CLOCK.search(text[start:end]) is not None
    if not labelled and not has_time:
        return 0  # "September 3, 2025 marked ..." may be the sentence itself
    if len(WORD.findall(remainder)) < 4:
        return 0
    return cut


def name_shaped(text: str, f: Features, allow_outlet: bool = True) -> bool:
    """A lone personal name such as "Eric Hill" (optionally ", Outlet")."""
    if not 2 <= f.n_words <= 7 or f.ends_sentence or f.n_chars > 60:
        return False
    if allow_outlet and "," in text:
        name, outlet = text.split(",", 1)
        # An outlet or desk has no quantities ("Recharge, 1 tsp. nut butter" is a recipe line).
        if any(c.isdigit() for c in outlet):
            return False
        name = name.strip()
    else:
        name = text.strip()
    tokens = name.split()
    if not 2 <= len(tokens) <= 4:
        return False
    for tok in tokens:
        bare = tok.strip(".")
        if bare.lower() in NAME_PARTICLES:
            continue
        if not bare or not bare[0].isupper() or bare.lower() in STOPWORDS:
            return False
        if not _NAME_TOKEN.fullmatch(tok):
            return False
        if bare.isupper() and len(bare) > 3:
            return False
    return True


#: "By" glued to the name by a scraper that dropped the space between two elements.
_GLUED_BY = re.compile(r"^By(?=[A-Z][a-z])")


def byline_like(text: str, f: Features) -> bool:
    """A byline: "By Jane Doe", "ByJane Doe", or a date followed by "by Jane Doe"."""
    if f.n_words > 16:
        return False
    if BYLINE.match(text):
        return True
    if _GLUED_BY.match(text):
        rest = text[2:]
        return name_shaped(rest, Features(rest))
    if "by" not in f.low_words:
        return False
    m = locate_date(text)
    if m is None:
        return False
    rest = (text[: m.start] + " " + text[m.end:]).strip(" |,;–—-·•")
    return BYLINE.match(rest) is not None


def title_like(f: Features, text: str) -> bool:
    if not 2 <= f.n_words <= 30 or f.n_chars > 250:
        return False
    tail = text.rstrip(CLOSERS)
    if tail.endswith((".", ",", ";")) and not tail.endswith("..."):
        return False
    first = next((c for c in text if c.isalpha()), "")
    return bool(first) and not first.islower()


#: A dated or numbered list item, or one holding a URL, handle, markup or schedule dashes: a
#: list of facts (tour dates, prices, results), not of headlines.
_FACT_ITEM = re.compile(
    r"^\W*(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)|@|https?:|www\.|<|\s--\s",
    re.IGNORECASE,
)


def headline_like(f: Features, text: str) -> bool:
    """Shaped like a headline in a list of links: capitalised, 4-20 words, no final stop."""
    return (
        4 <= f.n_words <= 20
        and not f.ends_sentence
        and not f.ends_colon
        and title_like(f, text)
        and _FACT_ITEM.search(text) is None
    )


def similar_title(a: str, b: str) -> bool:
    """Whether two normalised lines are the same title (one may carry "- Outlet" or "| Site")."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 20 and long_.startswith(short) and len(short) >= 0.5 * len(long_)
