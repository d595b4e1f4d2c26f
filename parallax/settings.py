"""Settings: frozen, read once, passed in. No module reads the environment on its own.

Precedence, lowest first: built-in defaults, a TOML file (``--config``, ``PARALLAX_CONFIG`` or
``./parallax.toml``), environment variables ``PARALLAX_<NAME>``, explicit overrides.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parallax.errors import ConfigError

#: Field names of JSON/feed records mapped to Parallax's names, first match wins. Covers
#: news-please (maintext, date_publish, source_domain, authors), the AllSides corpus
#: (content_original, source, date) and other common layouts.
DEFAULT_FIELD_MAP: dict[str, tuple[str, ...]] = {
    "body": (
        "maintext",
        "text",
        "content_original",
        "body",
        "content",
        "article",
        "full_text",
        "article_text",
        "story",
        "description",
    ),
    "html": ("html", "raw_html", "content_html"),
    "title": ("title", "headline"),
    "subtitle": ("subtitle", "description_short", "dek", "standfirst"),
    "author": ("authors", "author", "byline", "creator"),
    "outlet": (
        "outlet",
        "source_domain",
        "source",
        "publisher",
        "site_name",
        "sitename",
        "media_outlet",
    ),
    "url": ("url", "link", "source_url", "canonical_url"),
    "published_at": (
        "published_at",
        "date_publish",
        "published",
        "pubdate",
        "date",
        "publish_date",
        "datetime",
        "timestamp",
    ),
    "language": ("language", "lang"),
}


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Construct with `load_settings`; never mutate."""

    db: str = "parallax.db"
    #: Largest single document (file or record) accepted, in bytes.
    max_document_bytes: int = 5_000_000
    #: Largest container file (JSONL, WARC, feed) streamed, in bytes after decompression.
    max_container_bytes: int = 4_000_000_000
    #: Articles written per transaction.
    batch_size: int = 200
    #: Record-field mapping for JSON/JSONL inputs (see `DEFAULT_FIELD_MAP`).
    field_map: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_FIELD_MAP)
    )
    #: Bodies shorter than this many characters after cleaning are rejected as no article text.
    min_body_chars: int = 40
    #: Processes for the per-article work of `parallax analyze` (parse, quotes, tone,
    #: embeddings): 0 for one per core (at most 8), 1 to keep it in the analysing process.
    workers: int = 0
    #: Web server address.
    host: str = "127.0.0.1"
    port: int = 8000
    #: Bearer token that enables the web server's write endpoint (``POST /api/ingest``); empty
    #: disables it. Set it with ``PARALLAX_TOKEN`` rather than in a shared file.
    token: str = field(default="", repr=False)
    #: Largest request body the write endpoint accepts, in bytes.
    max_upload_bytes: int = 20_000_000

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_INT_FIELDS = {
    "max_document_bytes",
    "max_container_bytes",
    "batch_size",
    "min_body_chars",
    "port",
    "max_upload_bytes",
    "workers",
}
#: Integer settings where 0 asks for the default chosen at run time.
_ZERO_MEANS_AUTO = {"workers"}


def _coerce(name: str, value: Any) -> Any:
    known = {f.name for f in dataclasses.fields(Settings)}
    if name not in known:
        raise ConfigError(f"unknown setting {name!r}; known settings: {', '.join(sorted(known))}")
    if name in _INT_FIELDS:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"setting {name} must be an integer, got {value!r}") from None
        if number < 0 or (number == 0 and name not in _ZERO_MEANS_AUTO):
            least = "0 or more" if name in _ZERO_MEANS_AUTO else "positive"
            raise ConfigError(f"setting {name} must be {least}, got {number}")
        return number
    if name == "field_map":
        if not isinstance(value, Mapping):
            raise ConfigError("setting field_map must be a table of name = [field, ...]")
        merged = dict(DEFAULT_FIELD_MAP)
        for key, fields in value.items():
            if key not in DEFAULT_FIELD_MAP:
                raise ConfigError(
                    f"field_map key {key!r} is not one of {', '.join(DEFAULT_FIELD_MAP)}"
                )
            if isinstance(fields, str):
                fields = [fields]
            merged[key] = tuple(str(f) for f in fields) + tuple(
                f for f in DEFAULT_FIELD_MAP[key] if f not in fields
            )
        return merged
    return str(value)


def load_settings(
    config: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build settings from defaults, a TOML file, the environment and explicit overrides.

    Overrides whose value is ``None`` are ignored, so CLI options can be passed straight through.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path = Path(config) if config else None
    if path is None and env.get("PARALLAX_CONFIG"):
        path = Path(env["PARALLAX_CONFIG"])
    if path is None and Path("parallax.toml").is_file():
        path = Path("parallax.toml")
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"settings file {path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from None
        for name, value in data.get("parallax", data).items():
            values[name] = _coerce(name, value)
    for f in dataclasses.fields(Settings):
        env_name = "PARALLAX_" + f.name.upper()
        if env_name in env and f.name != "field_map":
            values[f.name] = _coerce(f.name, env[env_name])
    for name, value in overrides.items():
        if value is not None:
            values[name] = _coerce(name, value)
    return Settings(**values)
