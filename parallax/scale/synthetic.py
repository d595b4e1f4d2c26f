"""A corpus of any size grown from a real one, for measuring how Parallax scales.

The AllSides benchmark holds 5,000 articles; the scale runs need 100,000 and more. Copying the
records would measure nothing (exact copies are rejected at ingest, near copies stop at the
duplicate stages), so copy ``k`` of record ``i`` (``k >= 1``) is a new article made of real
news prose with the structure the stages work on (quotes, attributions, names, dates):

* its paragraphs alternate between record ``i`` and a partner record ``j`` (chosen by a fixed
  permutation of ``k``, so partners differ per copy): paragraph ``m`` is ``i``'s paragraph
  ``m`` when ``m`` is even and ``j``'s when odd, where that paragraph exists (and ``j``'s lead
  second when ``j`` has no paragraph at an odd place). So it opens with ``i``'s lead, carries
  the quotes, names and dates of two real articles, and is about as long as one record, not
  two (a copy twice as long as a record would cost twice as much to analyse, and the growth
  ratio would measure the copies, not the corpus);
* its title is record ``i``'s title, its URL and id carry the copy number, its outlet is the
  record's outlet (the set of outlets stays real) and its date moves ``k`` * `DAY_STEP` days
  later.

A copy keeps its record's title and lead, and events weigh time rather than cut it, so a copy
joins its record's event: a grown corpus has about as many events as its records, each
``size / len(records)`` times larger. That makes it a stress test of the work done per event
(the statements of one occasion), harder than a real corpus of the same size.

The first ``len(records)`` articles are the records unchanged. Deterministic: the same records
and size give the same corpus, byte for byte. Copies are made as they are read (`grow` is a
generator), so writing a 100k corpus holds one record pair at a time beyond the source.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

#: Days between copy ``k`` and copy ``k + 1`` of a record.
DAY_STEP = 11
#: Multiplier of the partner permutation (coprime with any corpus size that is not a multiple
#: of it); the partner of record ``i`` in copy ``k`` is ``(i * STRIDE + k * OFFSET) % n``.
STRIDE = 7919
OFFSET = 104_729


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _shift_date(value: Any, days: int) -> Any:
    if not isinstance(value, str) or len(value) < 10:
        return value
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return (day + timedelta(days=days)).isoformat() + value[10:]


def partner(i: int, k: int, n: int) -> int:
    """The record whose paragraphs copy ``k`` of record ``i`` borrows (never ``i`` itself
    when ``n > 1``)."""
    j = (i * STRIDE + k * OFFSET) % n
    return (j + 1) % n if j == i and n > 1 else j


def variant(records: Sequence[dict[str, Any]], i: int, k: int) -> dict[str, Any]:
    """Copy ``k`` of record ``i`` (copy 0 is the record itself)."""
    record = records[i]
    if k == 0:
        return dict(record)
    other = records[partner(i, k, len(records))]
    own = _paragraphs(str(record.get("content_original") or ""))
    borrowed = _paragraphs(str(other.get("content_original") or ""))
    body = [
        (own, borrowed)[m % 2][m]
        for m in range(max(len(own), len(borrowed)))
        if m < len((own, borrowed)[m % 2])
    ]
    if len(borrowed) == 1:
        # no paragraph at an odd place: the partner's lead keeps the copy from being its record
        body.insert(1, borrowed[0])
    copy = dict(record)
    copy["content_original"] = "\n\n".join(body)
    copy["date"] = _shift_date(record.get("date"), k * DAY_STEP)
    if record.get("url"):
        copy["url"] = f"{record['url']}#copy-{k}"
    if record.get("ID"):
        copy["ID"] = f"{record['ID']}-{k}"
    return copy


def grow(records: Sequence[dict[str, Any]], size: int) -> Iterator[dict[str, Any]]:
    """``size`` articles: the records, then copies 1, 2, ... of each in turn."""
    if not records:
        raise ValueError("no records to grow a corpus from")
    if size < 0:
        raise ValueError(f"size must be at least 0, got {size}")
    n = len(records)
    for index in range(size):
        yield variant(records, index % n, index // n)


def write_corpus(records: Sequence[dict[str, Any]], size: int, path: Path) -> int:
    """Write `grow` (records, size) as JSONL at ``path`` (via a temporary file); returns the
    number of records written."""
    partial = path.with_name(path.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as fh:
        for record in grow(records, size):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    partial.replace(path)
    return count


__all__ = ["DAY_STEP", "grow", "partner", "variant", "write_corpus"]
