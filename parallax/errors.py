"""Errors Parallax raises, and the reasons an input can be rejected.

Exception tree::

    ParallaxError                 anything Parallax reports to a user; the CLI prints its message
    ├── ConfigError               a settings file, environment variable or option is wrong
    ├── StoreError                the database cannot be opened, migrated or written
    │   └── SchemaVersionError    the database was written by a newer Parallax
    └── InputError                one input cannot be read; carries a reason code
        (never escapes ingest: it becomes a `parallax.model.Rejected` value in the run summary)

A dropped input is a value with a reason, not an exception that stops the batch: readers catch
`InputError` per file or record and yield `Rejected`.
"""

from __future__ import annotations

#: Reason codes for rejected inputs, with what they mean. Codes are stable: they are stored in the
#: errors table and appear in the JSON API.
REASONS: dict[str, str] = {
    "empty": "the input has no content",
    "binary": "the input is binary data, not text, HTML, JSON, WARC or a feed",
    "undecodable": "the bytes could not be decoded as text in any known encoding",
    "oversized": "the input is larger than the configured limit",
    "malformed-json": "the JSON could not be parsed",
    "malformed-record": "the record parsed but has no usable text field",
    "malformed-warc": "the WARC file could not be parsed",
    "malformed-feed": "the feed could not be parsed",
    "truncated-gzip": "the gzip stream ends early or is corrupt",
    "no-article-text": "no article text was found in the page",
    "unsupported": "the file type is not one Parallax reads",
    "unreadable": "the file could not be opened",
    "duplicate": "the same article was already ingested",
}


class ParallaxError(Exception):
    """Base class for errors reported to the user; the message says what to do next."""


class ConfigError(ParallaxError):
    """A setting is invalid."""


class StoreError(ParallaxError):
    """The store could not be opened, migrated or written."""


class SchemaVersionError(StoreError):
    """The database schema is newer than this version of Parallax understands."""


class InputError(ParallaxError):
    """One input could not be read. ``reason`` is a key of `REASONS`."""

    def __init__(self, reason: str, message: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.message = message
