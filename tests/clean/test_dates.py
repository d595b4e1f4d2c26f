"""Table-driven tests of date location and parsing (parallax.clean.dates)."""

from __future__ import annotations

import pytest

from parallax.clean.dates import date_at, locate_date, parse_published

PARSED = [
    ("2 Sep, 2025 10:06", "2025-09-02T10:06:00"),
    ("09:46 GMT 02.09.2025 (Updated: 09:52 GMT 02.09.2025)", "2025-09-02T09:46:00+00:00"),
    ("date 2025-09-03", "2025-09-03"),
    ("September 3, 2025", "2025-09-03"),
    ("Published 3 hours ago", None),
    ("2025-09-02T09:46:00Z", "2025-09-02T09:46:00+00:00"),
    ("2025-09-02T09:46:00+03:00", "2025-09-02T09:46:00+03:00"),
    ("Tue, 02 Sep 2025 09:46:00 +0000", "2025-09-02T09:46:00+00:00"),
    ("Tue, 02 Sep 2025 09:46:00 GMT", "2025-09-02T09:46:00+00:00"),
    ("Published: 03 September 2025, 14:02 BST", "2025-09-03T14:02:00+01:00"),
    ("Sept. 3, 2025 at 5:04 p.m. ET", "2025-09-03T17:04:00-04:00"),
    ("Jan 5, 2024 11:30 ET", "2024-01-05T11:30:00-05:00"),
    ("Jan 5, 2024 11:30 IST", "2024-01-05T11:30:00"),  # ambiguous zone: naive, not guessed
    ("10:06 AM, Sep 2, 2025", "2025-09-02T10:06:00"),
    ("Posted on March 3rd, 2024 by admin", "2024-03-03"),
    ("25/09/2025", "2025-09-25"),
    ("09/25/2025", "2025-09-25"),
    ("02/09/2025", None),  # day and month cannot be told apart
    ("3 Sept 2025", "2025-09-03"),
    ("Sept 3", None),  # no year: never filled in from today
    ("2025", None),
    ("September 31, 2025", None),
    ("yesterday", None),
    ("Mittwoch, 3. September 2025", "2025-09-03"),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_published(text: str, expected: str | None) -> None:
    assert parse_published(text, languages=("en", "de")) == expected


@pytest.mark.parametrize(
    ("line", "found", "value"),
    [
        (" date 2025-09-03 Russian President Vladimir Putin", "2025-09-03", "2025-09-03"),
        ("By Jane Doe | September 3, 2025 Most people", "September 3, 2025", "2025-09-03"),
        ("KYIV, Sept 3 (Reuters) - Ukraine's air force said", None, None),
        ("The vote is at 10:30 a.m. on Thursday.", None, None),
    ],
)
def test_locate_date(line: str, found: str | None, value: str | None) -> None:
    m = locate_date(line)
    if found is None:
        assert m is None
    else:
        assert m is not None
        assert line[m.start : m.end] == found
        assert m.value == value


def test_date_at_only_matches_at_start() -> None:
    assert date_at("2 Sep, 2025 10:06 Putin said") is not None
    assert date_at("Putin said on 2 Sep, 2025") is None


def test_candidate_filter_never_skips_a_date() -> None:
    # `locate_date` tries the full patterns only where `_CANDIDATE` matches: every date the
    # patterns read, at any position of any line here, must pass that test.
    from parallax.clean.dates import _CANDIDATE, _LOCATE, _fast

    lines = [text for text, _ in PARSED] + [
        "Updated 3rd of May 2024, 10:00 GMT; first published Fri. March 7 2025 12.30",
        "On 1.2.2024 and 2024-01-01T08:00Z, and Monday, 4 November 2019 at 9:15 p.m. ET",
        "Wednesday September 3 2025 | 10:06 AM, Sep 2, 2025 | 09:46 GMT 02.09.2025",
    ]
    tried = 0
    for line in lines:
        for cand in _LOCATE.finditer(line):
            if _fast(line, cand.start()) is not None:
                tried += 1
                assert _CANDIDATE.match(line, cand.start()), line[cand.start():]
    assert tried >= 20
