"""The clean stage as the ingest loop calls it: dispatch by kind, minimum body, outlet fallback."""

from __future__ import annotations

import pytest

from parallax.clean import clean_document
from parallax.errors import InputError
from parallax.model import RawDocument, Source
from parallax.settings import Settings

TEXT = (
    "The council met on Monday and approved the budget after a long debate about roads.\n\n"
    "Council member Ana Ruiz said forty bridges would be repaired within two years."
)


def raw(text: str, kind: str = "text", **fields: str) -> RawDocument:
    return RawDocument(Source("x.json", "1"), kind, text, dict(fields))


def test_outlet_falls_back_to_the_registered_domain_of_the_url() -> None:
    cleaned = clean_document(raw(TEXT, url="https://news.example.co.uk/a/1"), Settings())
    assert cleaned.metadata.outlet == "example.co.uk"
    assert cleaned.metadata.evidence["outlet"].rule == "url-domain"


def test_a_stated_outlet_beats_the_url_domain() -> None:
    cleaned = clean_document(
        raw(TEXT, url="https://news.example.co.uk/a/1", outlet="Example News"), Settings()
    )
    assert cleaned.metadata.outlet == "Example News"


def test_no_url_and_no_outlet_stays_unknown() -> None:
    assert clean_document(raw(TEXT), Settings()).metadata.outlet is None


def test_too_little_text_after_cleaning_is_no_article_text() -> None:
    with pytest.raises(InputError) as caught:
        clean_document(raw("Share\nFacebook\nTwitter\n"), Settings())
    assert caught.value.reason == "no-article-text"
    assert "min_body_chars" in caught.value.message


def test_html_documents_go_through_the_html_cleaner() -> None:
    page = (
        "<html><head><title>Budget passes</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Budget passes</h1><p>{TEXT.replace(chr(10), ' ')}</p>"
        f"<p>{TEXT.replace(chr(10), ' ')} Again, for length.</p></article></body></html>"
    )
    cleaned = clean_document(raw(page, kind="html"), Settings())
    assert "forty bridges" in cleaned.body
    assert "Home" not in cleaned.body
    assert cleaned.source_text == ""
