"""The store: the only package that writes SQL. SQLite is the embedded default.

`open_store` takes what a user types for ``--db``: a file path (SQLite) or a ``postgresql://``
URL (PostgreSQL, `parallax.store.postgres`, which needs the ``psycopg`` package).
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
        try:
            from parallax.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(
                f"a postgresql:// --db needs the psycopg package ({exc}); install it with "
                "pip install 'psycopg[binary]==3.3.6', or use a SQLite file path"
            ) from exc
        return PostgresStore(text)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    return SQLiteStore(text)
