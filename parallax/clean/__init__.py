"""Clean + metadata stage: a `RawDocument` in, an `Article` out (or an `InputError`).

HTML goes through trafilatura (`parallax.clean.html`); text through our own line classifier
(`parallax.clean.text`). Both return a `CleanDocument`; this module checks that enough article
text is left and gives the article its identity.
"""

from __future__ import annotations

import dataclasses

from courlan import extract_domain

from parallax.clean.html import clean_html
from parallax.clean.text import clean_text
from parallax.errors import InputError
from parallax.model import (
    Article,
    CleanDocument,
    Evidence,
    RawDocument,
    article_id,
    content_hash,
)
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
    cleaned = with_outlet_from_url(cleaned)
    if len(cleaned.body.strip()) < settings.min_body_chars:
        raise InputError(
            "no-article-text",
            f"only {len(cleaned.body.strip())} characters of article text remain after "
            f"removing page furniture (minimum {settings.min_body_chars}); check that the "
            "input is an article, or lower min_body_chars in parallax.toml",
        )
    return cleaned


def with_outlet_from_url(cleaned: CleanDocument) -> CleanDocument:
    """Name the outlet by the URL's registered domain when nothing else named it.

    A URL states where the article was published, so its domain ("bbc.co.uk" for
    news.bbc.co.uk) is the outlet's name of last resort; the evidence rule says so.
    """
    meta = cleaned.metadata
    if meta.outlet or not meta.url:
        return cleaned
    domain = extract_domain(meta.url)
    if not domain:
        return cleaned
    evidence = dict(meta.evidence)
    evidence["outlet"] = Evidence(None, None, "url-domain", meta.url)
    return dataclasses.replace(
        cleaned, metadata=dataclasses.replace(meta, outlet=domain, evidence=evidence)
    )


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
