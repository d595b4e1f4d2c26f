"""When it happened, as the lead states it: "on Tuesday", "yesterday", "on Sept. 2".

News is often published the day after the event it reports, and some articles carry no
publication date at all. The lead usually says when: a weekday counted back from the
publication day, "yesterday" or "today", or a calendar date. Only these anchored forms are read,
and only in the lead, where the news is; "last month" or "in 2019" is background, not the day of
the event. A weekday or a date without a year needs the publication day to be placed; without
it the day stays unknown rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
#: "on Tuesday", "on Tuesday night", "late on Friday"; a bare weekday may be a future plan.
_WEEKDAY = re.compile(r"\bon\s+(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?P<word>yesterday|today|tonight|this morning)\b", re.IGNORECASE)
_DATE = re.compile(
    r"\bon\s+(?:(?:"
    + "|".join(_WEEKDAYS)
    + r"),?\s+)?(?:"
    + _MONTH
    + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+"
    + _MONTH.replace("month", "month2")
    + r")(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatedDay:
    """The day the lead says the event happened, and the words that say it."""

    day: date
    start: int
    end: int


def _calendar(match: re.Match[str], published: date | None) -> date | None:
    month = _MONTHS[(match.group("month") or match.group("month2"))[:3].lower()]
    day = int(match.group("d1") or match.group("d2"))
    year = match.group("year")
    if year is None:
        if published is None:
            return None
        year_n = published.year
        # "on Dec. 30" in a January article is last year's December.
        if month - published.month > 6:
            year_n -= 1
    else:
        year_n = int(year)
    try:
        return date(year_n, month, day)
    except ValueError:
        return None


def stated_day(lead: str, published: date | None) -> StatedDay | None:
    """The event day the lead states, first mention first; ``None`` if it states none."""
    found: list[StatedDay] = []
    for match in _DATE.finditer(lead):
        day = _calendar(match, published)
        if day is not None:
            found.append(StatedDay(day, match.start(), match.end()))
    if published is not None:
        for match in _WEEKDAY.finditer(lead):
            target = _WEEKDAYS.index(match.group("weekday").lower())
            back = (published.weekday() - target) % 7
            found.append(StatedDay(published - timedelta(days=back), match.start(), match.end()))
        for match in _RELATIVE.finditer(lead):
            back = 1 if match.group("word").lower() == "yesterday" else 0
            found.append(StatedDay(published - timedelta(days=back), match.start(), match.end()))
    if not found:
        return None
    first = min(found, key=lambda s: (s.start, -s.end))
    # A stated day after publication is a plan ("talks on Friday"), not what happened.
    if published is not None and first.day > published:
        return None
    return first
