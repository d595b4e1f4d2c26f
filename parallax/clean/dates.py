"""Publication dates: find date strings inside text lines and turn them into ISO 8601.

Only a located date string is ever parsed, never a whole page, and nothing is filled in from
today: a date without a year is no date, a date alone stays a date (``2025-09-03``), a time keeps
a UTC offset only when the text states a zone (``GMT``, ``+0300``, ``EDT``...), and a relative
date ("3 hours ago") is ``None`` because we cannot know when the page was read.

Common layouts are read by the regular expressions below (fast and exact: ``02.09.2025`` is the
2nd of September, as everywhere dots are used); anything else goes to dateparser with explicit
languages and strict settings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}

#: Zone abbreviations whose meaning is not in doubt in news text. Ambiguous ones (IST, CST)
#: are left out on purpose: an unknown zone gives a naive time, not a guessed offset.
_FIXED_ZONES = {
    "gmt": 0, "utc": 0, "z": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
    "msk": 180, "est": -300, "edt": -240, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480,
    "pdt": -420, "jst": 540, "kst": 540, "aest": 600, "aedt": 660, "hkt": 480, "sgt": 480,
}
#: Zones whose offset depends on the date (daylight saving).
_REGION_ZONES = {"et": "America/New_York", "pt": "America/Los_Angeles", "ct": "America/Chicago"}

_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_RE = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)"
_TIME_RE = (
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
)
_ZONE_RE = (
    r"(?P<zone>[+-]\d{2}:?\d{2}\b|(?:gmt|utc)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?\b|z\b"
    r"|(?:bst|cest|cet|eest|eet|msk|est|edt|cst|cdt|mst|mdt|pst|pdt|et|pt|ct|jst|kst|aest|aedt"
    r"|hkt|sgt|ist)\b)"
)
#: An optional time (and zone) after a date: "2 Sep, 2025 10:06", "Sept. 3, 2025 at 5:04 p.m. ET".
_TIME_AFTER = (
    r"(?:\s*,?\s*(?:at\s+|[-|@–]\s*)?" + _TIME_RE + r"(?:\s*\(?" + _ZONE_RE + r"\)?)?)?"
)

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<zone>z"
    r"|[+-]\d{2}:?\d{2})?)?"
    r"(?![\d:])",
    re.IGNORECASE,
)
_DMY_NAME = re.compile(
    _WEEKDAY_RE + r"?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>" + _MONTH_RE
    + r"),?\s+(?P<y>\d{4})\b" + _TIME_AFTER,
    re.IGNORECASE,
)
_MDY_NAME = re.compile(
    _WEEKDAY_RE + r"?(?P<mon>" + _MONTH_RE + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>\d{4})\b"
    + _TIME_AFTER,
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?P<d>\d{1,2})(?P<sep>[./])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{4})\b" + _TIME_AFTER,
    re.IGNORECASE,
)
#: A time stated before the date, as in "09:46 GMT 02.09.2025" or "10:06 AM, Sep 2, 2025".
_TIME_FIRST = re.compile(
    _TIME_RE + r"(?:\s*\(?" + _ZONE_RE + r"\)?)?\s*,?\s*(?:on\s+)?(?P<rest>\S.*)",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:\d+|an?|one|few)\s+(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?"
    r"|years?)\s+ago\b|\b\d+\s*[smhdw]\s+ago\b|\b(?:yesterday|today|just now)\b",
    re.IGNORECASE,
)
_HAS_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b", re.IGNORECASE)
_UPDATED = re.compile(r"\(?\s*\b(?:updated|modified|last updated|edited)\b.*$", re.IGNORECASE)
_LABEL = re.compile(
    r"^\s*(?:date|dated|published(?:\s+on)?|posted(?:\s+on)?|first published(?:\s+on)?"
    r"|created|released|issued|on)\s*[:\-–|]?\s*",
    re.IGNORECASE,
)

#: Where a date can start inside a line; `locate_date` tries the parsers at each candidate.
_LOCATE = re.compile(
    r"\b(?:\d|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)
#: At most this many candidate positions are tried in one line (keeps long lines linear).
_MAX_CANDIDATES = 40
#: How every date the patterns read begins (ISO, day and month, numeric, a time first, a
#: weekday, a month and day): a cheap test that spares most candidates the full patterns.
_CANDIDATE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE
    + r"|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{1,2}[:.]\d{2}|" + _WEEKDAY_RE + r"(?:\d|" + _MONTH_RE
    + r")|" + _MONTH_RE + r"\s+\d",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date expression found in a line: its span in that line and its ISO value."""

    start: int
    end: int
    value: str


def _zone(name: str | None, day: date) -> tzinfo | None:
    if not name:
        return None
    key = name.strip().lower().replace(" ", "")
    if key in _FIXED_ZONES:
        return timezone(timedelta(minutes=_FIXED_ZONES[key]))
    if key in _REGION_ZONES:
        local = datetime.combine(day, time(12), tzinfo=ZoneInfo(_REGION_ZONES[key]))
        offset = local.utcoffset()
        return timezone(offset) if offset is not None else None
    m = re.fullmatch(r"(?:gmt|utc)?([+-])(\d{1,2}):?(\d{2})?", key)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    return None


def _build(y: int, mo: int, d: int, groups: dict[str, str | None]) -> str | None:
    if not 1800 <= y <= 2200:
        return None
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    if groups.get("h") is None:
        return day.isoformat()
    hour, minute = int(groups["h"] or 0), int(groups["mi"] or 0)
    second = int(groups.get("s") or 0)
    ampm = (groups.get("ampm") or "").lower()
    if ampm and 1 <= hour <= 12:
        hour = hour % 12 + (12 if ampm == "p" else 0)
    elif ampm and hour == 0:
        return None
    try:
        moment = datetime.combine(day, time(hour, minute, second))
    except ValueError:
        return None
    # An abbreviation we do not trust (IST, CST) gives None here: the time stays naive.
    zone = _zone(groups.get("zone"), day)
    return (moment.replace(tzinfo=zone) if zone else moment).isoformat()


def _from_groups(g: dict[str, str | None]) -> str | None:
    month_name = g.get("mon")
    if month_name:
        mo = _MONTHS.get(month_name.lower().rstrip("."))
        if mo is None:
            return None
    else:
        mo = int(g["mo"] or 0)
    day_text = g["d"] or "0"
    if g.get("sep") == "/":
        first, second = int(day_text), mo
        if first > 12 >= second:
            pass  # day first: 25/09/2025
        elif second > 12 >= first:
            first, second = second, first  # month first: 09/25/2025
        elif first != second:
            return None  # 02/09/2025 is ambiguous: unknown rather than guessed
        return _build(int(g["y"] or 0), second, first, g)
    return _build(int(g["y"] or 0), mo, int(day_text), g)


def _fast(text: str, pos: int = 0) -> tuple[str | None, int, int] | None:
    """Parse a date at ``pos`` in ``text`` with the exact patterns; (value, start, end).

    Matching at a position instead of on a slice saves a copy per candidate; no pattern looks
    behind its start, so the result is the same.
    """
    for pattern in (_ISO, _DMY_NAME, _MDY_NAME, _NUMERIC):
        m = pattern.match(text, pos)
        if m:
            return _from_groups(m.groupdict()), m.start(), m.end()
    m = _TIME_FIRST.match(text, pos)
    if m:
        offset = m.start("rest")
        for pattern in (_ISO, _DMY_NAME, _MDY_NAME, _NUMERIC):
            d = pattern.match(text, offset)
            if d and d.group("y"):
                merged = {**d.groupdict(), "h": m.group("h"), "mi": m.group("mi"),
                          "s": m.group("s"), "ampm": m.group("ampm"),
                          "zone": m.group("zone") or d.groupdict().get("zone")}
                return _from_groups(merged), m.start(), d.end()
    return None


def _dateparser(text: str, languages: Sequence[str]) -> str | None:
    import dateparser  # slow import; only needed for unusual layouts

    settings = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "STRICT_PARSING": True,
        "PARSERS": ["absolute-time", "custom-formats"],
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
    }
    try:
        parsed = dateparser.parse(text, languages=list(languages), settings=settings)  # type: ignore[arg-type]
    except (ValueError, TypeError, OverflowError, AttributeError):
        return None
    if parsed is None or not 1800 <= parsed.year <= 2200:
        return None
    if not _HAS_TIME.search(text):
        return parsed.date().isoformat()
    return parsed.isoformat()


def parse_published(text: str, languages: Sequence[str] = ("en",)) -> str | None:
    """ISO 8601 value of a located date string, or ``None`` when it states no full date.

    ``"2 Sep, 2025 10:06"`` gives ``"2025-09-02T10:06:00"`` (no zone stated, so naive);
    ``"09:46 GMT 02.09.2025 (Updated: 09:52 GMT 02.09.2025)"`` gives the first (published) time
    with its offset; ``"date 2025-09-03"`` gives ``"2025-09-03"``; ``"Published 3 hours ago"``
    gives ``None``. ``languages`` are passed to dateparser for layouts the fast patterns miss.
    """
    if not text or len(text) > 200:
        return None
    body = _LABEL.sub("", text.strip(), count=1)
    if re.match(r"\(?\s*(?:updated|modified)\b", body, re.IGNORECASE) is None:
        body = _UPDATED.sub("", body).strip()
    else:
        body = re.sub(r"^\(?\s*(?:updated|modified)\s*[:\-–]?\s*", "", body, flags=re.IGNORECASE)
    body = body.strip(" \t()[]|,;-–—")
    if not body or _RELATIVE.search(body):
        return None
    fast = _fast(body)
    if fast is not None:
        return fast[0]
    if not re.search(r"\d{4}", body):
        return None  # no year: nothing to fill it from but today
    return _dateparser(body, languages)


def locate_date(line: str) -> DateMatch | None:
    """The first date expression in ``line`` that parses to a full date, with its span."""
    line = line[:2000]
    for n, cand in enumerate(_LOCATE.finditer(line)):
        if n >= _MAX_CANDIDATES:
            break
        if not _CANDIDATE.match(line, cand.start()):
            continue
        fast = _fast(line, cand.start())
        if fast is not None and fast[0] is not None:
            return DateMatch(fast[1], fast[2], fast[0])
    return None


def date_at(text: str) -> DateMatch | None:
    """A full date expression starting at the very beginning of ``text``, or ``None``."""
    fast = _fast(text[:200])
    if fast is None or fast[0] is None or fast[1] != 0:
        return None
    return DateMatch(0, fast[2], fast[0])


def is_relative_date(line: str) -> bool:
    """Whether ``line`` states a relative time such as "3 hours ago"."""
    return _RELATIVE.search(line) is not None
