"""Shared checks for the fuzz tests: what every reader and cleaner result must look like."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings

from parallax.clean import clean_document, to_article
from parallax.errors import REASONS, InputError
from parallax.ingest.decode import RAW_CAP
from parallax.ingest.readers import read_file
from parallax.model import CleanDocument, RawDocument, Rejected
from parallax.settings import Settings

#: Every fuzz test runs derandomized (the same examples on every machine, so CI is repeatable),
#: with no per-example deadline (no wall-clock assertion) and no example database on disk.
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_rejected(item: Rejected) -> None:
    """A rejection names a known reason and says something."""
    assert item.reason in REASONS, item
    assert isinstance(item.message, str) and item.message.strip(), item
    assert isinstance(item.raw, bytes) and len(item.raw) <= RAW_CAP


def check_cleaned(raw: RawDocument, cleaned: CleanDocument) -> None:
    """A cleaned body is text the store can hold, and every mapped piece of it is verbatim
    source text (the export contract's offsets)."""
    cleaned.body.encode("utf-8")
    for seg in cleaned.offsets.segments:
        piece = cleaned.body[seg.body_start : seg.body_start + seg.length]
        assert piece == cleaned.source_text[seg.source_start : seg.source_start + seg.length]
    if raw.kind == "text":
        assert cleaned.source_text == raw.text


def check_document(raw: RawDocument, cfg: Settings) -> str:
    """Clean one raw document; returns "article" or the rejection reason."""
    assert raw.kind in ("text", "html")
    raw.text.encode("utf-8")  # no lone surrogates: SQLite and JSON export must take it
    try:
        cleaned = clean_document(raw, cfg)
    except InputError as exc:
        assert exc.reason in REASONS and exc.message.strip()
        return exc.reason
    check_cleaned(raw, cleaned)
    to_article(raw, cleaned)
    return "article"


def read_and_clean(path: Path, cfg: Settings) -> list[str]:
    """Every outcome of reading ``path``: "article" or a rejection reason, one per document.
    Fails the test on an exception or on a result that breaks the contract."""
    outcomes: list[str] = []
    for item in read_file(path, cfg):
        if isinstance(item, Rejected):
            check_rejected(item)
            outcomes.append(item.reason)
        else:
            assert isinstance(item, RawDocument)
            outcomes.append(check_document(item, cfg))
    assert outcomes, f"{path.name}: no result at all"
    return outcomes
