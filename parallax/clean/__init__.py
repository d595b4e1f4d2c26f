"""Clean + metadata stage: a `RawDocument` in, an `Article` out (or an `InputError`).

HTML goes through trafilatura (`parallax.clean.html`); text through our own line classifier
(`parallax.clean.text`). Both return a `CleanDocument`; this module checks that enough article
text is left and gives the article its identity.
"""

from __future__ import annotations

from parallax.clean.html import clean_html
from parallax.clean.text import clean_text
from parallax.errors import InputError
from parallax.model import Article, CleanDocument, RawDocument, article_id, content_hash
from parallax.settings import Settings

__all__ = ["clean_document", "clean_html", "clean_text", "to_article"]


def clean_document(raw: RawDocument, settings: Settings) -> CleanDocument:
    """Clean one document. Raises `InputError` ("no-article-text") when nothing is left."""
    if raw.kind == "html":
        cleaned = clean_html(raw.text, raw.fields)
    elif raw.kind == "text":
        cleaned = clean_text(raw.text, raw.fields)
    else:
        raise ValueError(f"unknown document kind {raw.kind!r}")
    if len(cleaned.body.strip()) < settings.min_body_chars:
        raise InputError(
            "no-article-text",
            f"only {len(cleaned.body.strip())} characters of article text remain after "
            f"removing page furniture (minimum {settings.min_body_chars}); check that the "
            "input is an article, or lower min_body_chars in parallax.toml",
        )
    return cleaned


def to_article(raw: RawDocument, cleaned: CleanDocument) -> Article:
    """Give a cleaned document its identity (see `parallax.model.article_id`)."""
    return Article(
        article_id=article_id(cleaned.body, cleaned.metadata.outlet),
        content_hash=content_hash(cleaned.body),
        source=raw.source,
        kind=raw.kind,
        body=cleaned.body,
        metadata=cleaned.metadata,
        offsets=cleaned.offsets,
        removed=cleaned.removed,
        source_text=cleaned.source_text,
    )
