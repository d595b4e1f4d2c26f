"""Hypothesis fuzzing of every reader (text, HTML, JSON, JSONL, WARC, RSS/Atom, gzip), the text
and HTML cleaners and date parsing.

The promise checked: no input makes Parallax raise; each file or record yields an article or a
rejection with a reason code from `parallax.errors.REASONS` and a message; cleaned bodies map
back verbatim to their source text. Counts go to the "inputs fuzzed" figure.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fuzzing import FUZZ, read_and_clean
from hypothesis import given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from parallax.clean.dates import date_at, is_relative_date, locate_date, parse_published
from parallax.clean.html import clean_html
from parallax.clean.html_meta import iso_datetime
from parallax.clean.text import clean_text
from parallax.errors import REASONS, InputError
from parallax.ingest import ingest_paths
from parallax.ingest.decode import decode_bytes, sniff_format
from parallax.settings import Settings
from parallax.store import SQLiteStore

SUFFIXES = [
    ".txt", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".warc", ".xml", ".rss", ".atom",
    ".md", "", ".bin", ".txt.gz", ".html.gz", ".jsonl.gz", ".warc.gz", ".xml.gz", ".gz",
]
#: Starts that lead the sniffer into each parser, so random bytes reach past format detection.
PREFIXES = [
    b"", b"WARC/1.0\r\n", b"WARC/1.1\r\nWARC-Type: response\r\n", b"<html><body><p>",
    b"<!DOCTYPE html>", b"<?xml version='1.0'?><rss version='2.0'><channel><item>",
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>', b"{", b"[", b'{"text": "',
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x1f\x8b\x08\x00", b"<rdf:RDF>",
]

WORDS = (  # noqa: SIM905 (a sentence is easier to read than a list of words)
    "the minister said on Monday that talks would resume Reuters AP Photo Share this article "
    "By Jane Doe Updated 12:04 GMT 3 Sept 2025 Sept. 3, 2025 comments min read Getty Images "
    "Advertisement Read more: Follow us Subscribe © 2025 « » | • — “quoted” 'x' ½ ü ß 日本 "
    "Україна 12 1,200 5k 2025-09-03T10:00:00Z"
).split()
#: Text that looks like news with page furniture: words, digits, punctuation, many line breaks.
news_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from([" ", "  ", "\n", "\n\n", "\r\n", "\t", "\u00a0", ". ", ", ", ": "]),
        st.text(max_size=12),
    ),
    max_size=120,
).map("".join)

ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1",
             "shift_jis", "koi8-r", "gb18030", "big5", "iso-8859-7", "utf-8-sig"]


@pytest.fixture
def cfg(tmp_path: Path) -> Settings:
    """Settings with small limits, so oversized paths are reached by fuzzed sizes too."""
    return Settings(db=str(tmp_path / "fuzz.db"), max_document_bytes=200_000,
                    max_container_bytes=2_000_000, min_body_chars=20)


def fuzz(record_property: Any, run: Callable[[], None], counter: list[int]) -> None:
    """Run a Hypothesis test and report how many inputs it tried."""
    run()
    record_property("inputs_fuzzed", counter[0])


def test_any_bytes_under_any_name(tmp_path: Path, cfg: Settings, record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(prefix=st.sampled_from(PREFIXES), data=st.binary(max_size=3000),
           suffix=st.sampled_from(SUFFIXES), compress=st.booleans())
    def check(prefix: bytes, data: bytes, suffix: str, compress: bool) -> None:
        seen[0] += 1
        payload = prefix + data
        if compress and suffix.endswith(".gz"):
            payload = gzip.compress(payload, mtime=0)
        path = tmp_path / f"input{suffix}"
        path.write_bytes(payload)
        read_and_clean(path, cfg)

    fuzz(record_property, check, seen)


def test_whole_ingest_into_the_store_on_any_bytes(tmp_path: Path, record_property: Any) -> None:
    """Through `ingest_paths` into a real SQLite store: every file is counted as an article, a
    rejection, or unchanged, and the database stays consistent."""
    cfg = Settings(db=str(tmp_path / "ingest.db"), min_body_chars=20, batch_size=3)
    seen = [0]
    with SQLiteStore(cfg.db) as store:

        @FUZZ
        @given(prefix=st.sampled_from(PREFIXES), data=st.binary(max_size=2000),
               text=news_text, suffix=st.sampled_from(SUFFIXES))
        def check(prefix: bytes, data: bytes, text: str, suffix: str) -> None:
            seen[0] += 1
            folder = tmp_path / f"in{seen[0]}"
            folder.mkdir()
            (folder / f"a{suffix}").write_bytes(prefix + data)
            (folder / "b.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
            before = store.count_articles()
            report = ingest_paths([str(folder)], store, cfg)
            assert report.files == 2
            assert store.count_articles() - before == report.articles
            for rejected in report.rejected:
                assert rejected.reason in REASONS

        fuzz(record_property, check, seen)
        assert store.integrity_ok()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=60) | news_text,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(
        st.sampled_from(["text", "title", "author", "authors", "outlet", "url", "date",
                         "published_at", "html", "body", "articles", "items", "x", "maintext",
                         "source", "language", "name"]) | st.text(max_size=8),
        children,
        max_size=6,
    ),
    max_leaves=30,
)


def test_json_and_jsonl_records(tmp_path: Path, cfg: Settings, record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(records=st.lists(json_values, max_size=6), layout=st.sampled_from(
        ["jsonl", "list", "wrapped", "single", "concatenated", "broken"]))
    def check(records: list[Any], layout: str) -> None:
        seen[0] += 1
        if layout == "jsonl":
            text, name = "\n".join(json.dumps(r) for r in records), "r.jsonl"
        elif layout == "list":
            text, name = json.dumps(records), "r.json"
        elif layout == "wrapped":
            text, name = json.dumps({"articles": records}), "r.json"
        elif layout == "single":
            text, name = json.dumps(records[0] if records else {}), "r.json"
        elif layout == "concatenated":
            text, name = "".join(json.dumps(r) for r in records), "r.json"
        else:
            whole = json.dumps(records)
            text, name = whole[: len(whole) // 2], "r.jsonl"
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        read_and_clean(path, cfg)

    fuzz(record_property, check, seen)


TAGS = ["html", "head", "body", "title", "meta", "p", "div", "article", "main", "span", "a", "h1",
        "script", "style", "table", "td", "tr", "ul", "li", "br", "img", "time", "iframe",
        "svg", "noscript", "template", "figure", "figcaption", "header", "footer", "nav"]
attrs = st.dictionaries(
    st.sampled_from(["class", "id", "href", "content", "name", "property", "datetime", "lang",
                     "charset", "onload", "src", "type", "itemprop", "style"]),
    st.text(max_size=20) | st.sampled_from(["article", "byline", "2025-09-03", "og:title",
                                             "application/ld+json", "javascript:alert(1)"]),
    max_size=3,
)
html_tokens = st.one_of(
    st.builds(lambda t, a: f"<{t}" + "".join(f' {k}="{v}"' for k, v in a.items()) + ">",
              st.sampled_from(TAGS), attrs),
    st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
    news_text,
    st.sampled_from(["&amp;", "&#x0;", "&#99999999;", "&bogus;", "<!--", "-->", "<![CDATA[",
                     "]]>", "<!DOCTYPE html>", "<?xml version='1.0'?>", "<", ">", "\"", "'",
                     '{"@type": "NewsArticle", "author": {"name": "A"}}', "\x00", "\ufffd"]),
)
html_documents = st.lists(html_tokens, max_size=80).map("".join)


def test_html_pages(tmp_path: Path, cfg: Settings, record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(html=html_documents, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    def check(html: str, encoding: str) -> None:
        seen[0] += 1
        path = tmp_path / "page.html"
        path.write_bytes(html.encode(encoding, errors="replace"))
        read_and_clean(path, cfg)
        try:
            check_cleaned_html(html)
        except InputError as exc:
            assert exc.reason in REASONS

    fuzz(record_property, check, seen)


def check_cleaned_html(html: str) -> None:
    """`clean_html` called directly (as feeds and JSON records reach it)."""
    cleaned = clean_html(html, {"title": "T"})
    cleaned.body.encode("utf-8")


def _warc(payloads: list[tuple[str, bytes, str]]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for uri, body, ctype in payloads:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                           http_headers=headers)
        writer.write_record(record)
    return out.getvalue()


def test_warc_files_whole_cut_and_corrupted(tmp_path: Path, cfg: Settings,
                                            record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(
        pages=st.lists(st.tuples(
            st.sampled_from(["http://example.org/a", "https://n.example/b?x=1", "dns:x", ""]),
            html_documents.map(lambda h: h.encode("utf-8", "surrogatepass")) | st.binary(
                max_size=500),
            st.sampled_from(["text/html; charset=utf-8", "text/plain", "image/png", "",
                             "text/html; charset=bogus"]),
        ), min_size=1, max_size=4),
        cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                            max_size=3),
        compress=st.booleans(),
    )
    def check(pages: list[tuple[str, bytes, str]], cut: float, flips: list[tuple[float, int]],
              compress: bool) -> None:
        seen[0] += 1
        data = bytearray(_warc(pages))
        for where, value in flips:
            data[int(where * (len(data) - 1))] = value
        data = data[: max(1, int(len(data) * cut))] if cut < 0.98 else data
        payload = gzip.compress(bytes(data), mtime=0) if compress else bytes(data)
        path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
        path.write_bytes(payload)
        read_and_clean(path, cfg)

    fuzz(record_property, check, seen)


FEED_TEMPLATES = [
    "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{0}</title>"
    "<item><title>{1}</title><link>{0}</link><pubDate>{1}</pubDate><description>{2}"
    "</description><content:encoded xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
    "<![CDATA[{2}]]></content:encoded></item></channel></rss>",
    "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>{0}</title><entry>"
    "<title>{1}</title><id>{0}</id><updated>{1}</updated><author><name>{0}</name></author>"
    "<content type='html'>{2}</content></entry></feed>",
]


def test_rss_and_atom_feeds(tmp_path: Path, cfg: Settings, record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(template=st.sampled_from(FEED_TEMPLATES), a=news_text, b=news_text,
           body=st.lists(news_text | html_tokens, max_size=40).map("".join),
           cut=st.integers(0, 40))
    def check(template: str, a: str, b: str, body: str, cut: int) -> None:
        seen[0] += 1
        text = template.format(a, b, body * 3)
        if cut:
            text = text[: -cut]
        path = tmp_path / "feed.xml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        read_and_clean(path, cfg)

    fuzz(record_property, check, seen)


def test_mixed_and_legacy_encodings(tmp_path: Path, cfg: Settings, record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(parts=st.lists(st.tuples(news_text, st.sampled_from(ENCODINGS)), min_size=1,
                          max_size=3),
           suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json"]))
    def check(parts: list[tuple[str, str]], suffix: str) -> None:
        seen[0] += 1
        data = b"".join(t.encode(enc, errors="ignore") for t, enc in parts)
        path = tmp_path / f"enc{suffix}"
        path.write_bytes(data)
        read_and_clean(path, cfg)
        text = parts[0][0]
        if len(parts) == 1 and parts[0][1] == "utf-8":
            # UTF-8 text comes back exactly as written, or is refused with a reason.
            try:
                assert decode_bytes(text.encode("utf-8", "surrogatepass")) == text
            except InputError as exc:
                assert exc.reason in ("binary", "undecodable")
            except UnicodeDecodeError:
                pass
        sniff_format(data[:4096])

    fuzz(record_property, check, seen)


def test_text_cleaner_keeps_offsets_verbatim(record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(text=news_text, title=st.none() | news_text)
    def check(text: str, title: str | None) -> None:
        seen[0] += 1
        cleaned = clean_text(text, {"title": title} if title else None)
        check_cleaned_text(text, cleaned)

    fuzz(record_property, check, seen)


def check_cleaned_text(text: str, cleaned: Any) -> None:
    assert cleaned.source_text == text
    for seg in cleaned.offsets.segments:
        assert (cleaned.body[seg.body_start : seg.body_start + seg.length]
                == text[seg.source_start : seg.source_start + seg.length])
    for line in cleaned.removed:
        assert 0 <= line.start <= line.end <= len(text)


DATE_PARTS = ["2025", "09", "9", "3", "31", "12", "-", "/", ".", ":", " ", ",", "T", "Z", "+03:00",
              "GMT", "EDT", "ET", "Sept.", "September", "Mar", "Monday", "at", "a.m.", "pm",
              "Updated", "Published", "ago", "3 hours", "yesterday", "0", "99999", "1e9", "24:61"]
date_strings = st.lists(st.sampled_from(DATE_PARTS) | st.text(max_size=5), max_size=14).map(
    "".join)


def test_dates_parse_or_say_none(record_property: Any) -> None:
    seen = [0]

    @FUZZ
    @given(text=date_strings)
    def check(text: str) -> None:
        seen[0] += 1
        for value in (parse_published(text), iso_datetime(text)):
            if value is not None:
                if "T" in value:
                    datetime.fromisoformat(value)
                else:
                    date.fromisoformat(value)
        for found in (locate_date(text), date_at(text)):
            if found is not None:
                assert 0 <= found.start <= found.end <= len(text)
                (datetime if "T" in found.value else date).fromisoformat(found.value)
        is_relative_date(text)

    fuzz(record_property, check, seen)
