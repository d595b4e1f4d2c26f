"""What the provenance stages know about every stored article without reading bodies.

Direction of a link follows publication time where known, then ingest order, then id; the
`Catalog` holds the few columns that decision (and the time windows of the citation and
paraphrase stages) needs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from parallax.model import outlet_key
from parallax.store import Store

#: How a link's direction is decided: known publication times first, then ingest time, then id.
OrderKey = tuple[int, float, str, str]


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 date or timestamp as an aware UTC datetime; ``None`` when absent or invalid."""
    if not value:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Naive timestamps are taken as UTC so that every time compares with every other.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def order_key(published_at: str | None, ingested_at: str, article_id: str) -> OrderKey:
    """Sort key that puts the original before its copies (see the module docstring)."""
    when = parse_time(published_at)
    if when is None:
        return (1, 0.0, ingested_at, article_id)
    return (0, when.timestamp(), ingested_at, article_id)


@dataclass(frozen=True)
class Entry:
    """One stored article's summary."""

    article_id: str
    content_hash: str
    outlet: str | None
    outlet_key: str
    title: str | None
    published: datetime | None
    order: OrderKey


class Catalog:
    """Summaries of every stored article (no bodies), indexed by id, outlet and time.

    Built from one `Store.list_articles` read per stage run: linear in the corpus but cheap (a few
    columns a row); a store query by time window would make it proportional to the window.
    """

    def __init__(self, store: Store) -> None:
        self.entries: dict[str, Entry] = {}
        for row in store.list_articles():
            self.entries[row["article_id"]] = Entry(
                article_id=row["article_id"],
                content_hash=row["content_hash"],
                outlet=row["outlet"],
                outlet_key=outlet_key(row["outlet"]),
                title=row["title"],
                published=parse_time(row["published_at"]),
                order=order_key(row["published_at"], row["ingested_at"], row["article_id"]),
            )
        dated = sorted(
            (e.published.timestamp(), e.article_id)
            for e in self.entries.values()
            if e.published is not None
        )
        self._times = [t for t, _ in dated]
        self._dated_ids = [a for _, a in dated]
        self.undated = sorted(a for a, e in self.entries.items() if e.published is None)

    def __getitem__(self, article_id: str) -> Entry:
        return self.entries[article_id]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.entries

    def ordered(self, article_ids: Iterable[str]) -> list[str]:
        """The ids, earliest (the likely original) first."""
        return sorted(article_ids, key=lambda a: self.entries[a].order)

    def published_between(self, start: datetime, end: datetime) -> list[str]:
        """Ids of articles published in ``[start, end]``, in time order."""
        lo = bisect.bisect_left(self._times, start.timestamp())
        hi = bisect.bisect_right(self._times, end.timestamp())
        return self._dated_ids[lo:hi]

    def by_outlet(self) -> dict[str, list[str]]:
        """Article ids per outlet key (articles without an outlet left out)."""
        found: dict[str, list[str]] = {}
        for entry in self.entries.values():
            if entry.outlet_key:
                found.setdefault(entry.outlet_key, []).append(entry.article_id)
        return {k: sorted(v) for k, v in found.items()}


def days_apart(a: datetime | None, b: datetime | None) -> float | None:
    """``a - b`` in days, or ``None`` when either time is unknown."""
    if a is None or b is None:
        return None
    return (a - b).total_seconds() / 86400.0


def body_of(store: Store, aid: str, bodies: dict[str, str]) -> str:
    """An article's body through ``bodies`` (read from the store once; "" when missing)."""
    if aid not in bodies:
        found = store.article_bodies([aid]).get(aid)
        bodies[aid] = found[1] if found is not None else ""
    return bodies[aid]
