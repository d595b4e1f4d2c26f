"""The store: the only package that writes SQL. SQLite is the embedded default.

`open_store` takes what a user types for ``--db``: a file path (SQLite) or a ``postgresql://``
URL (PostgreSQL, planned behind the same interface).
"""

from __future__ import annotations

from pathlib import Path

from parallax.errors import StoreError
from parallax.store.sqlite import InputState, ProvenanceLink, RejectionRow, SQLiteStore

Store = SQLiteStore

__all__ = ["InputState", "ProvenanceLink", "RejectionRow", "SQLiteStore", "Store", "open_store"]


def open_store(url: str | Path) -> Store:
    """Open (and migrate) the store named by a path or URL."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreError(
            "PostgreSQL stores are not supported by this version yet; use a SQLite file path "
            "for --db (for example parallax.db)"
        )
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    return SQLiteStore(text)
