"""Reading the day of the event from the lead."""

from __future__ import annotations

from datetime import date

import pytest

from parallax.events.when import stated_day

WED = date(2025, 9, 3)  # a Wednesday


@pytest.mark.parametrize(
    ("lead", "published", "expected"),
    [
        ("The president met the premier on Tuesday in the capital.", WED, date(2025, 9, 2)),
        ("Talks ended late on Wednesday without a deal.", WED, WED),
        ("The minister resigned yesterday after a vote.", WED, date(2025, 9, 2)),
        ("Protesters gathered today outside parliament.", WED, WED),
        ("The court ruled on Sept. 1 that the law stands.", WED, date(2025, 9, 1)),
        ("The court ruled on 1 September that the law stands.", WED, date(2025, 9, 1)),
        ("Fighting resumed on Monday, September 1, 2025, officials said.", None, date(2025, 9, 1)),
        ("The deal was signed on Dec. 30, officials said.", date(2026, 1, 4), date(2025, 12, 30)),
    ],
)
def test_anchored_days_are_read(lead: str, published: date | None, expected: date) -> None:
    found = stated_day(lead, published)
    assert found is not None and found.day == expected
    assert lead[found.start : found.end].lower().startswith(("on", "yesterday", "today"))


@pytest.mark.parametrize(
    ("lead", "published"),
    [
        ("The president met the premier on Tuesday.", None),  # no anchor for a weekday
        ("The court ruled on Sept. 1 that the law stands.", None),  # no year, no anchor
        ("Talks are planned for next month in Geneva.", WED),
        ("Last month the government fell.", WED),
        ("The summit will open on Sept. 20.", WED),  # after publication: a plan
        ("Nothing here names a day.", WED),
        ("The vote on February 30 was annulled.", WED),  # no such day
    ],
)
def test_unanchored_or_vague_days_stay_unknown(lead: str, published: date | None) -> None:
    assert stated_day(lead, published) is None
