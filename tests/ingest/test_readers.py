"""Readers: every input format, and every kind of bad input, from files the tests write."""

from __future__ import annotations

import gzip
import json
import socket
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from parallax.errors import REASONS
from parallax.ingest.decode import RAW_CAP, sniff_format
from parallax.ingest.readers import map_fields, read_file
from parallax.model import INPUT_KINDS, RawDocument, Rejected
from parallax.settings import DEFAULT_FIELD_MAP, Settings, load_settings

Writer = Callable[[str, bytes | str], Path]
Reader = Callable[..., list[RawDocument | Rejected]]

PARAGRAPHS = [
    "The harbour authority said on Tuesday that the new breakwater would be finished "
    "before the winter storms, after two years of delays caused by supply problems.",
    "Fishermen in the town welcomed the news but said they would wait to see the work "
    "completed. \u201cWe have heard promises before,\u201d one of them told reporters.",
    "The project, paid for jointly by the region and the national government, is expected "
    "to protect about three hundred homes from flooding during high tides.",
]
ARTICLE = "\n\n".join(PARAGRAPHS) + "\n"
HTML = (
    "<!DOCTYPE html><html><head><title>Breakwater</title></head><body><article>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article></body></html>"
)
RUSSIAN = (
    "Городской совет в среду утвердил бюджет на ремонт набережной. По словам мэра, работы "
    "начнутся весной и продлятся около двух лет."
)


def article(n: int) -> str:
    return f"Report number {n}.\n\n" + ARTICLE


def docs(results: list[RawDocument | Rejected]) -> list[RawDocument]:
    return [r for r in results if isinstance(r, RawDocument)]


def rejects(results: list[RawDocument | Rejected]) -> list[Rejected]:
    return [r for r in results if isinstance(r, Rejected)]


def only_reject(results: list[RawDocument | Rejected]) -> Rejected:
    assert len(results) == 1, results
    assert isinstance(results[0], Rejected), results
    return results[0]


def news_please(n: int) -> dict[str, Any]:
    return {
        "authors": ["Ana Lima", "Tom Berg"],
        "date_download": "2025-09-03 12:00:00",
        "date_publish": "2025-09-02 10:06:00",
        "description": "A short teaser.",
        "language": "en",
        "maintext": article(n),
        "source_domain": "harbour-news.example",
        "title": f"Breakwater to be finished {n}",
        "url": f"https://harbour-news.example/a/{n}",
    }


def allsides(n: int) -> dict[str, Any]:
    return {
        "topic": "coastal policy",
        "source": "Coastal Daily",
        "source_url": "www.coastal-daily.example",
        "url": f"https://www.coastal-daily.example/story/{n}",
        "title": f"Harbour works resume {n}",
        "date": "2016-08-10",
        "authors": "Mia Torres, Karl Olsen",
        "content_original": article(n),
        "bias_text": "center",
        "ID": f"id{n}",
    }


def common(n: int) -> dict[str, Any]:
    return {
        "headline": f"Storm season ahead {n}",
        "body": article(n),
        "source": {"id": "wire", "name": "Wire Service"},
        "published_at": "2025-09-03T08:00:00Z",
        "link": f"https://wire.example/{n}",
        "author": [{"name": "Jo Park"}],
    }


def jsonl(records: list[Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def gz(data: bytes | str) -> bytes:
    return gzip.compress(data.encode() if isinstance(data, str) else data, mtime=0)


# -- text and HTML --------------------------------------------------------------------------


def test_text_file_is_one_document_kept_exactly(write: Writer, read: Reader) -> None:
    text = "Title line\r\n\r\n" + ARTICLE.replace("\n", "\r\n")
    path = write("story.txt", text)
    [doc] = read(path)
    assert isinstance(doc, RawDocument)
    assert (doc.kind, doc.text, doc.fields) == ("text", text, {})
    assert doc.source.path == str(path) and doc.source.record is None


def test_seed_files_read_as_text() -> None:
    seeds = sorted(Path(__file__).resolve().parents[2].joinpath("examples", "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("no bundled seeds in this checkout")
    for seed in seeds:
        [doc] = list(read_file(seed, Settings()))
        assert isinstance(doc, RawDocument), doc
        assert doc.kind == "text"
        assert doc.text == seed.read_bytes().decode("utf-8-sig")


def test_unknown_suffix_text_is_read_as_text(write: Writer, read: Reader) -> None:
    [doc] = read(write("notes.article", ARTICLE))
    assert isinstance(doc, RawDocument) and doc.kind == "text" and doc.text == ARTICLE
    [doc] = read(write("README", ARTICLE))
    assert isinstance(doc, RawDocument) and doc.kind == "text"


def test_html_file(write: Writer, read: Reader) -> None:
    [doc] = read(write("page.htm", HTML))
    assert isinstance(doc, RawDocument) and doc.kind == "html" and doc.text == HTML


def test_txt_that_is_really_html_is_read_as_html(write: Writer, read: Reader) -> None:
    [doc] = read(write("saved.txt", "\n  " + HTML))
    assert isinstance(doc, RawDocument) and doc.kind == "html"


def test_text_that_mentions_tags_stays_text(write: Writer, read: Reader) -> None:
    text = "Use <b> for bold, the manual says.\n" + ARTICLE
    [doc] = read(write("manual.txt", text))
    assert isinstance(doc, RawDocument) and doc.kind == "text"


def test_html_meta_charset_windows_1251(write: Writer, read: Reader) -> None:
    page = (
        '<html><head><meta charset="windows-1251"><title>Новости</title></head>'
        f"<body><p>{RUSSIAN}</p></body></html>"
    )
    [doc] = read(write("ru.html", page.encode("windows-1251")))
    assert isinstance(doc, RawDocument)
    assert doc.text == page


def test_html_http_equiv_charset(write: Writer, read: Reader) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
        f"</head><body><p>{RUSSIAN}</p></body></html>"
    )
    [doc] = read(write("ru.html", page.encode("koi8-r")))
    assert isinstance(doc, RawDocument) and doc.text == page


def test_html_gz_and_gzip_without_gz_suffix(write: Writer, read: Reader) -> None:
    [doc] = read(write("page.html.gz", gz(HTML)))
    assert isinstance(doc, RawDocument) and doc.kind == "html" and doc.text == HTML
    [doc] = read(write("page.html", gz(HTML)))
    assert isinstance(doc, RawDocument) and doc.kind == "html" and doc.text == HTML
    [doc] = read(write("story.gz", gz(ARTICLE)))
    assert isinstance(doc, RawDocument) and doc.kind == "text" and doc.text == ARTICLE


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        (
            "latin-1",
            "Le maire a déclaré que les travaux du théâtre reprendraient à l'automne, "
            "après des mois de négociations difficiles avec l'État.\n",
        ),
        (
            "cp1252",
            "The repairs will cost \u20ac4.5 million. \u201cIt is a fair price,\u201d "
            "the mayor\u2019s office said \u2013 adding that work starts in May.\n",
        ),
        ("utf-16", ARTICLE + RUSSIAN),
    ],
)
def test_legacy_encodings(write: Writer, read: Reader, codec: str, text: str) -> None:
    [doc] = read(write("legacy.txt", text.encode(codec)))
    assert isinstance(doc, RawDocument) and doc.text == text


# -- bad single files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["empty.txt", "empty.html", "empty.jsonl", "empty.json", "empty.warc", "empty.xml"]
)
def test_zero_byte_files_are_empty(write: Writer, read: Reader, name: str) -> None:
    assert only_reject(read(write(name, b""))).reason == "empty"


@pytest.mark.parametrize(
    "name", ["blank.txt", "blank.html", "blank.jsonl", "blank.json", "blank.txt.gz"]
)
def test_whitespace_only_files_are_empty(write: Writer, read: Reader, name: str) -> None:
    data = b" \n\t\r\n  \n"
    rejected = only_reject(read(write(name, gz(data) if name.endswith(".gz") else data)))
    assert rejected.reason == "empty"
    assert rejected.message


def test_png_named_txt_is_binary(write: Writer, read: Reader) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4
    rejected = only_reject(read(write("photo.txt", png)))
    assert rejected.reason == "binary"
    assert "PNG" in rejected.message and "photo.txt" in rejected.message
    assert rejected.raw == png


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("archive.tar.gz", gz(b"story.txt".ljust(257, b"\x00") + b"ustar\x0000" + bytes(300))),
    ],
)
def test_unsupported_binary_types(write: Writer, read: Reader, name: str, data: bytes) -> None:
    rejected = only_reject(read(write(name, data)))
    assert rejected.reason == "unsupported"
    assert ".txt" in rejected.message  # says what is supported


def test_undecodable_text(write: Writer, read: Reader) -> None:
    # Claims UTF-16 with a byte-order mark but has an odd number of bytes and a lone surrogate.
    data = b"\xff\xfe" + "Article text".encode("utf-16-le") + b"\x00\xd8\x41"
    rejected = only_reject(read(write("broken.txt", data)))
    assert rejected.reason == "undecodable"
    assert "UTF-8" in rejected.message
    assert rejected.raw == data


def test_oversized_text_file(write: Writer, read: Reader) -> None:
    small = Settings(max_document_bytes=1000)
    path = write("long.txt", ARTICLE * 10)
    rejected = only_reject(read(path, small))
    assert rejected.reason == "oversized"
    assert "max_document_bytes" in rejected.message and "parallax.toml" in rejected.message
    [doc] = read(path, Settings(max_document_bytes=len(ARTICLE.encode()) * 10))
    assert isinstance(doc, RawDocument)


def test_oversized_file_is_not_read_into_memory(tmp_path: Path, read: Reader) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.write(ARTICLE.encode() * 200)  # text beyond the first 64 KiB that are sniffed
        out.truncate(400 << 20)  # sparse: 400 MB on paper, little on disk
    tracemalloc.start()
    try:
        rejected = only_reject(read(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rejected.reason == "oversized"
    assert len(rejected.raw) <= RAW_CAP
    assert peak < 8 << 20


def test_gzip_bomb_is_oversized_without_allocating(
    gzip_bomb: Callable[..., Path], read: Reader
) -> None:
    path = gzip_bomb("bomb.html.gz", b"<html><body><p>", 200 << 20, b"a")
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        rejected = only_reject(read(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rejected.reason == "oversized"
    assert peak < 40 << 20  # the 5 MB document limit plus buffers, never the 200 MB


def test_gzip_bomb_of_zeros_is_rejected_without_allocating(
    gzip_bomb: Callable[..., Path], read: Reader
) -> None:
    path = gzip_bomb("zeros.txt.gz", b"", 200 << 20)
    tracemalloc.start()
    try:
        rejected = only_reject(read(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Zeros are binary: that is found from the first 64 KiB, before any size limit applies.
    assert rejected.reason in ("binary", "oversized")
    assert peak < 40 << 20


def test_truncated_gzip_single_document(write: Writer, read: Reader) -> None:
    packed = gz(ARTICLE * 200)
    rejected = only_reject(read(write("cut.txt.gz", packed[: len(packed) // 2])))
    assert rejected.reason == "truncated-gzip"
    assert "gzip" in rejected.message


def test_corrupt_gzip_header(write: Writer, read: Reader) -> None:
    rejected = only_reject(read(write("bad.jsonl.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 64)))
    assert rejected.reason == "truncated-gzip"


def test_missing_file_is_unreadable(tmp_path: Path, read: Reader) -> None:
    rejected = only_reject(read(tmp_path / "gone.txt"))
    assert rejected.reason == "unreadable"
    assert "gone.txt" in rejected.message


def test_directory_is_unreadable(tmp_path: Path, read: Reader) -> None:
    assert only_reject(read(tmp_path)).reason == "unreadable"


def test_rejected_raw_is_capped(write: Writer, read: Reader) -> None:
    data = b"\x00\x01\x02" * 100_000
    rejected = only_reject(read(write("noise.txt", data)))
    assert rejected.reason == "binary"
    assert rejected.raw == data[:RAW_CAP]


# -- JSON -----------------------------------------------------------------------------------


def test_news_please_object(write: Writer, read: Reader) -> None:
    [doc] = read(write("np.json", json.dumps(news_please(1))))
    assert isinstance(doc, RawDocument)
    assert doc.kind == "text" and doc.text == article(1)
    assert doc.source.record is None
    assert doc.fields == {
        "title": "Breakwater to be finished 1",
        "author": "Ana Lima, Tom Berg",
        "outlet": "harbour-news.example",
        "url": "https://harbour-news.example/a/1",
        "published_at": "2025-09-02 10:06:00",
        "language": "en",
    }


def test_allsides_array(write: Writer, read: Reader) -> None:
    path = write("as.json", json.dumps([allsides(0), allsides(1), allsides(2)], indent=2))
    results = read(path)
    assert [r.source.record for r in results] == ["0", "1", "2"]
    found = docs(results)
    assert [d.text for d in found] == [article(0), article(1), article(2)]
    assert found[1].fields == {
        "title": "Harbour works resume 1",
        "author": "Mia Torres, Karl Olsen",
        "outlet": "Coastal Daily",
        "url": "https://www.coastal-daily.example/story/1",
        "published_at": "2016-08-10",
    }


def test_common_layout_in_a_wrapper(write: Writer, read: Reader) -> None:
    wrapped = {"status": "ok", "totalResults": 2, "articles": [common(0), common(1)]}
    found = docs(read(write("api.json", json.dumps(wrapped))))
    assert len(found) == 2
    assert found[0].fields == {
        "title": "Storm season ahead 0",
        "author": "Jo Park",
        "outlet": "Wire Service",
        "url": "https://wire.example/0",
        "published_at": "2025-09-03T08:00:00Z",
    }
    assert found[1].source.record == "1"


def test_nested_wrapper(write: Writer, read: Reader) -> None:
    wrapped = {"response": {"meta": {"hits": 1}, "docs": [allsides(5)]}}
    [doc] = read(write("nested.json", json.dumps(wrapped)))
    assert isinstance(doc, RawDocument) and doc.text == article(5)


def test_record_with_a_list_of_author_objects_is_one_record(write: Writer, read: Reader) -> None:
    record = {"title": "T", "authors": [{"name": "A"}, {"name": "B"}], "summary": "short"}
    rejected = only_reject(read(write("one.json", json.dumps(record))))
    assert rejected.reason == "malformed-record" and rejected.source.record is None
    assert "summary" in rejected.message


def test_html_only_record_is_html(write: Writer, read: Reader) -> None:
    [doc] = read(write("h.json", json.dumps({"title": "T", "raw_html": HTML})))
    assert isinstance(doc, RawDocument) and doc.kind == "html" and doc.text == HTML


def test_record_without_text_names_its_fields(write: Writer, read: Reader) -> None:
    record = {"headline": "A title", "story_text": article(3), "when": "2025-01-02"}
    rejected = only_reject(read(write("odd.json", json.dumps(record))))
    assert rejected.reason == "malformed-record"
    for needle in ("headline", "story_text", "when", "field_map"):
        assert needle in rejected.message
    assert b"story_text" in rejected.raw


def test_field_map_setting_maps_other_layouts(tmp_path: Path, write: Writer, read: Reader) -> None:
    config = tmp_path / "parallax.toml"
    config.write_text('[parallax.field_map]\nbody = ["story_text"]\noutlet = ["paper"]\n')
    custom = load_settings(config=config, env={})
    record = {"headline": "A title", "story_text": article(3), "paper": "The Gazette"}
    [doc] = read(write("odd.json", json.dumps(record)), custom)
    assert isinstance(doc, RawDocument)
    assert doc.text == article(3)
    assert doc.fields == {"title": "A title", "outlet": "The Gazette"}


def test_first_usable_field_wins_and_keys_match_case_insensitively() -> None:
    record = {
        "Title": "Upper",
        "maintext": "",
        "text": "body",
        "Source": "",
        "publisher": "P",
        "timestamp": 1756886400,
        "authors": [],
        "byline": "By Someone",
    }
    fields = map_fields(record, DEFAULT_FIELD_MAP)
    assert fields == {
        "title": "Upper",
        "outlet": "P",
        "published_at": "2025-09-03T08:00:00+00:00",
        "author": "By Someone",
    }


def test_empty_text_field_is_a_malformed_record(write: Writer, read: Reader) -> None:
    rejected = only_reject(read(write("e.json", json.dumps({"title": "T", "maintext": " "}))))
    assert rejected.reason == "malformed-record"
    assert "maintext" in rejected.message


def test_array_with_non_objects(write: Writer, read: Reader) -> None:
    results = read(write("mixed.json", json.dumps([allsides(0), "stray", 3])))
    assert isinstance(results[0], RawDocument)
    assert [(r.source.record, r.reason) for r in rejects(results)] == [
        ("1", "malformed-record"),
        ("2", "malformed-record"),
    ]


def test_malformed_json_file_says_where(write: Writer, read: Reader) -> None:
    bad = '[\n  {"title": "x",\n   "text": "y"\n  ,,\n]'
    rejected = only_reject(read(write("bad.json", bad)))
    assert rejected.reason == "malformed-json"
    assert "line 4" in rejected.message


def test_deeply_nested_json_does_not_crash(write: Writer, read: Reader) -> None:
    rejected = only_reject(read(write("deep.json", "[" * 100_000 + "]" * 100_000)))
    assert rejected.reason == "malformed-json"


def test_json_named_file_holding_lines_streams_as_jsonl(write: Writer, read: Reader) -> None:
    results = read(write("lines.json", jsonl([allsides(0), allsides(1)])))
    assert [(type(r).__name__, r.source.record) for r in results] == [
        ("RawDocument", "1"),
        ("RawDocument", "2"),
    ]


def test_lone_surrogates_in_json_become_replacement_characters(write: Writer, read: Reader) -> None:
    body = article(1)
    line = json.dumps({"text": body}).replace("Report", "Rep\\ud800ort")
    [doc] = read(write("s.jsonl", line + "\n"))
    assert isinstance(doc, RawDocument)
    assert doc.text == body.replace("Report", "Rep\ufffdort")
    doc.text.encode("utf-8")


# -- JSONL ----------------------------------------------------------------------------------


def test_jsonl_broken_line_three(write: Writer, read: Reader) -> None:
    lines = (
        jsonl([allsides(1), allsides(2)]) + '{"title": "broken", "text": \n' + jsonl([allsides(4)])
    )
    results = read(write("feed.jsonl", lines))
    assert [r.source.record for r in results] == ["1", "2", "3", "4"]
    assert [d.text for d in docs(results)] == [article(1), article(2), article(4)]
    [bad] = rejects(results)
    assert bad.reason == "malformed-json"
    assert "line 3" in bad.message
    assert bad.raw == b'{"title": "broken", "text": '


def test_jsonl_blank_lines_bom_and_crlf(write: Writer, read: Reader) -> None:
    data = "\ufeff" + json.dumps(common(1)) + "\r\n\r\n" + json.dumps(common(2)) + "\r\n"
    results = read(write("w.ndjson", data))
    assert [(type(r).__name__, r.source.record) for r in results] == [
        ("RawDocument", "1"),
        ("RawDocument", "3"),
    ]


def test_jsonl_non_object_line(write: Writer, read: Reader) -> None:
    results = read(write("x.jsonl", jsonl([allsides(1), [1, 2], "text"])))
    assert [getattr(r, "reason", None) for r in results] == [
        None,
        "malformed-record",
        "malformed-record",
    ]


def test_jsonl_latin1_line_is_decoded(write: Writer, read: Reader) -> None:
    record = {"text": "Le maire a déclaré que les travaux du théâtre reprendront à l'automne."}
    data = json.dumps(record, ensure_ascii=False).encode("latin-1") + b"\n"
    [doc] = read(write("l.jsonl", data))
    assert isinstance(doc, RawDocument) and doc.text == record["text"]


def test_jsonl_gz(write: Writer, read: Reader) -> None:
    records = [news_please(i) for i in range(30)]
    found = docs(read(write("np.jsonl.gz", gz(jsonl(records)))))
    assert [d.text for d in found] == [article(i) for i in range(30)]
    assert [d.source.record for d in found] == [str(i) for i in range(1, 31)]


def test_truncated_jsonl_gz_keeps_records_read(write: Writer, read: Reader) -> None:
    data = jsonl([allsides(i) for i in range(400)]).encode()
    packed = gz(data)
    results = read(write("cut.jsonl.gz", packed[: len(packed) // 2]))
    *found, last = results
    assert isinstance(last, Rejected) and last.reason == "truncated-gzip"
    assert last.source.record is None
    assert all(isinstance(r, RawDocument) for r in found)
    assert 0 < len(found) < 400
    assert [d.text for d in docs(found)] == [article(i) for i in range(len(found))]
    assert f"{len(found)} records" in last.message
    # The partial line that was cut is kept, not parsed as a broken record.
    assert data.split(b"\n")[len(found)].startswith(last.raw) and last.raw


def test_jsonl_oversized_record_is_skipped_and_the_rest_read(write: Writer, read: Reader) -> None:
    big = {"text": "word " * 2000}
    data = jsonl([allsides(1), big, allsides(3)])
    results = read(write("big.jsonl", data), Settings(max_document_bytes=5000))
    assert [getattr(r, "reason", "ok") for r in results] == ["ok", "oversized", "ok"]
    assert results[1].source.record == "2"
    assert "max_document_bytes" in results[1].message  # type: ignore[union-attr]


def test_jsonl_over_the_container_limit(write: Writer, read: Reader) -> None:
    data = jsonl([allsides(i) for i in range(20)])
    small = Settings(max_container_bytes=len(data) // 2)
    rejected = only_reject(read(write("big.jsonl", data), small))
    assert rejected.reason == "oversized" and "max_container_bytes" in rejected.message
    # Compressed, the size is only known while reading: records before the limit are kept.
    results = read(write("big.jsonl.gz", gz(data)), small)
    assert isinstance(results[-1], Rejected) and results[-1].reason == "oversized"
    assert 0 < len(docs(results)) < 20


def test_jsonl_streams_without_loading_the_file(
    gzip_bomb: Callable[..., Path], read: Reader, tmp_path: Path
) -> None:
    # 16 MB of records, read one at a time: memory stays near one record, not the file.
    path = tmp_path / "many.jsonl.gz"
    line = (json.dumps(allsides(7)) + "\n").encode()
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        for _ in range((16 << 20) // len(line)):
            out.write(line)
    tracemalloc.start()
    try:
        count = 0
        for result in read_file(path, Settings()):
            assert isinstance(result, RawDocument)
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == (16 << 20) // len(line)
    assert peak < 2 << 20


# -- WARC -----------------------------------------------------------------------------------


def warc_specs() -> list[dict[str, Any]]:
    ru_page = f"<html><head><title>Новости</title></head><body><p>{RUSSIAN}</p></body></html>"
    return [
        {"type": "request", "uri": "https://news.example/a", "payload": b""},
        {
            "type": "response",
            "uri": "https://news.example/a",
            "headers": [("Content-Type", "text/html; charset=utf-8")],
            "payload": HTML.encode(),
        },
        {
            "type": "response",
            "uri": "https://news.example/ru",
            "headers": [("Content-Type", "text/html; charset=windows-1251")],
            "payload": ru_page.encode("windows-1251"),
        },
        {
            "type": "response",
            "uri": "https://news.example/logo.png",
            "headers": [("Content-Type", "image/png")],
            "payload": b"\x89PNG\r\n\x1a\n" + bytes(100),
        },
        {
            "type": "response",
            "uri": "https://news.example/moved",
            "status": "301 Moved Permanently",
            "headers": [("Location", "https://news.example/a"), ("Content-Type", "text/html")],
            "payload": b"<html><body>moved</body></html>",
        },
        {
            "type": "response",
            "uri": "https://news.example/plain.txt",
            "headers": [("Content-Type", "text/plain")],
            "payload": ARTICLE.encode(),
        },
        {
            "type": "metadata",
            "uri": "https://news.example/a",
            "payload": b"via: crawler",
            "content_type": "application/warc-fields",
        },
    ]


def test_warc_without_pages_is_reported(
    write: Writer, read: Reader, make_warc: Callable[..., bytes]
) -> None:
    specs = [s for s in warc_specs() if s["type"] != "response" or "png" in s["uri"]]
    rejected = only_reject(read(write("assets.warc", make_warc(specs, False))))
    assert rejected.reason == "empty"
    assert "image/png" in rejected.message and "request" in rejected.message


@pytest.mark.parametrize("gzipped", [False, True])
def test_warc_response_records(
    write: Writer, read: Reader, make_warc: Callable[..., bytes], gzipped: bool
) -> None:
    data = make_warc(warc_specs(), gzipped)
    results = read(write("crawl.warc.gz" if gzipped else "crawl.warc", data))
    assert all(isinstance(r, RawDocument) for r in results), results
    found = docs(results)
    assert [d.fields["url"] for d in found] == [
        "https://news.example/a",
        "https://news.example/ru",
        "https://news.example/plain.txt",
    ]
    assert [d.kind for d in found] == ["html", "html", "text"]
    assert found[0].text == HTML
    assert RUSSIAN in found[1].text
    assert found[2].text == ARTICLE
    for d in found:
        assert d.source.record is not None and d.source.record.startswith("<urn:uuid:")
    assert len({d.source.record for d in found}) == 3


def test_warc_sniffed_without_suffix(
    write: Writer, read: Reader, make_warc: Callable[..., bytes]
) -> None:
    found = docs(read(write("crawl.dat", make_warc(warc_specs(), False))))
    assert len(found) == 3


def test_warc_gzipped_as_one_member(
    write: Writer, read: Reader, make_warc: Callable[..., bytes]
) -> None:
    # `gzip crawl.warc` makes one gzip member, not one per record; it still reads.
    found = docs(read(write("whole.warc.gz", gz(make_warc(warc_specs(), False)))))
    assert len(found) == 3


def test_malformed_warc(write: Writer, read: Reader, make_warc: Callable[..., bytes]) -> None:
    rejected = only_reject(read(write("notes.warc", ARTICLE)))
    assert rejected.reason == "malformed-warc"
    assert "warcio" in rejected.message
    bare = only_reject(read(write("bare.warc", b"WARC/1.0\r\n")))
    assert bare.reason == "empty" and "no HTML or text page" in bare.message
    # Garbage after good records: the good ones are kept, then one rejection.
    data = make_warc(warc_specs()[:2], False) + b"WARC/1.0\r\nWARC-Type: response\r\nno colon\r\n"
    results = read(write("tail.warc", data))
    assert len(docs(results)) == 1
    assert [r.reason for r in rejects(results)] == ["malformed-warc"]


@pytest.mark.parametrize("gzipped", [False, True])
def test_truncated_warc_keeps_whole_records_and_reports_the_cut(
    write: Writer, read: Reader, make_warc: Callable[..., bytes], gzipped: bool
) -> None:
    pages = [
        {
            "type": "response",
            "uri": f"https://news.example/{i}",
            "headers": [("Content-Type", "text/html")],
            "payload": f"<html><body><p>{i} {ARTICLE * 20}</p></body></html>".encode(),
        }
        for i in range(4)
    ]
    data = make_warc(pages, gzipped)
    results = read(write("cut.warc.gz" if gzipped else "cut.warc", data[: len(data) * 3 // 10]))
    *found, last = results
    assert [d.fields["url"] for d in docs(found)] == ["https://news.example/0"]
    assert all(isinstance(r, RawDocument) for r in found)
    assert isinstance(last, Rejected)
    assert last.reason == ("truncated-gzip" if gzipped else "malformed-warc")


def test_warc_oversized_record(
    write: Writer, read: Reader, make_warc: Callable[..., bytes]
) -> None:
    big = {
        "type": "response",
        "uri": "https://news.example/big",
        "headers": [("Content-Type", "text/html")],
        "payload": b"<html><body>" + b"<p>words</p>" * 2000 + b"</body></html>",
    }
    data = make_warc([big, *warc_specs()], True)
    results = read(write("big.warc.gz", data), Settings(max_document_bytes=10_000))
    assert [getattr(r, "reason", "ok") for r in results] == ["oversized", "ok", "ok", "ok"]


# -- RSS / Atom -----------------------------------------------------------------------------

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Harbour News</title>
  <link>https://harbour-news.example/</link>
  <language>en</language>
  <item>
    <title>Breakwater finished</title>
    <link>https://harbour-news.example/a/1</link>
    <guid isPermaLink="false">hn-1</guid>
    <dc:creator>Ana Lima</dc:creator>
    <pubDate>Tue, 02 Sep 2025 10:06:00 +0200</pubDate>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}]]></content:encoded>
  </item>
  <item>
    <title>Teaser only</title>
    <link>https://harbour-news.example/a/2</link>
    <description>Just a teaser, not the article.</description>
  </item>
  <item>
    <title>Long summary</title>
    <link>https://harbour-news.example/a/3</link>
    <description>{ARTICLE * 2}</description>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wire Service</title>
  <id>urn:wire</id>
  <updated>2025-09-03T08:00:00Z</updated>
  <entry>
    <title>Storm season ahead</title>
    <id>urn:wire:1</id>
    <link rel="alternate" href="https://wire.example/1"/>
    <author><name>Jo Park</name></author>
    <published>2025-09-03T08:00:00-04:00</published>
    <updated>2025-09-03T09:00:00Z</updated>
    <content type="html">{"".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in PARAGRAPHS)}</content>
  </entry>
  <entry>
    <title>Plain entry</title>
    <id>urn:wire:2</id>
    <updated>2025-09-04T10:00:00Z</updated>
    <content type="text">{ARTICLE}</content>
  </entry>
</feed>
"""


def test_rss_with_content_encoded(write: Writer, read: Reader) -> None:
    results = read(write("feed.rss", RSS))
    first, second, third = results
    assert isinstance(first, RawDocument)
    assert first.kind == "html"
    assert all(p in first.text for p in PARAGRAPHS)
    assert first.source.record == "hn-1"
    assert first.fields == {
        "title": "Breakwater finished",
        "author": "Ana Lima",
        "url": "https://harbour-news.example/a/1",
        "published_at": "2025-09-02T08:06:00+00:00",
        "outlet": "Harbour News",
        "language": "en",
    }
    assert isinstance(second, Rejected) and second.reason == "no-article-text"
    assert second.source.record == "https://harbour-news.example/a/2"
    assert isinstance(third, RawDocument) and third.kind == "text"
    assert PARAGRAPHS[0] in third.text


def test_atom_with_content(write: Writer, read: Reader) -> None:
    first, second = read(write("wire.atom", ATOM))
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.kind == "html" and PARAGRAPHS[1] in first.text
    assert first.source.record == "urn:wire:1"
    assert first.fields["published_at"] == "2025-09-03T12:00:00+00:00"
    assert first.fields["author"] == "Jo Park"
    assert first.fields["url"] == "https://wire.example/1"
    assert first.fields["outlet"] == "Wire Service"
    assert second.kind == "text" and second.text.strip() == ARTICLE.strip()


def test_feed_sniffed_without_xml_suffix(write: Writer, read: Reader) -> None:
    found = docs(read(write("downloaded.txt", ATOM)))
    assert [d.source.record for d in found] == ["urn:wire:1", "urn:wire:2"]
    found = docs(read(write("feed.gz", gz(RSS))))
    assert len(found) == 2


def test_feed_never_touches_the_network(
    write: Writer, read: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during ingest")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    rejected = only_reject(read(write("url.xml", "https://feeds.example/rss.xml")))
    assert rejected.reason == "malformed-feed"
    rss = RSS.replace("<channel>", '<channel><atom:link href="http://x.example/self"/>')
    assert len(docs(read(write("self.rss", rss)))) == 2


def test_xml_that_is_not_a_feed(write: Writer, read: Reader) -> None:
    data = '<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>'
    rejected = only_reject(read(write("sitemap.xml", data)))
    assert rejected.reason == "unsupported"


def test_malformed_feed(write: Writer, read: Reader) -> None:
    rejected = only_reject(read(write("bad.rss", "<rss version='2.0'><channel><<>>&&&")))
    assert rejected.reason == "malformed-feed"
    assert "RSS or Atom" in rejected.message


def test_feed_without_entries(write: Writer, read: Reader) -> None:
    data = "<rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    assert only_reject(read(write("quiet.rss", data))).reason == "empty"


# -- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b'<?xml version="1.0"?>\n<!-- hi -->\n<rss version="2.0">', "feed"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"<rdf:RDF xmlns:rdf='x'>", "feed"),
        (b"\xef\xbb\xbf<!DOCTYPE html>\n<html>", "html"),
        (b"  <html lang='en'><head>", "html"),
        (b'{"a": 1}\n{"a": 2}\n', "jsonl"),
        (b'[{"a": 1},\n {"a": 2}]', "json"),
        (b"Plain text that starts with words.", None),
        (b"<<< not markup", None),
    ],
)
def test_sniff_format(head: bytes, expected: str | None) -> None:
    assert sniff_format(head) == expected


def test_sniff_json_needs_valid_json_when_complete() -> None:
    assert sniff_format(b"{Updated} the story", complete=True) is None
    assert sniff_format(b'{"title": "x"}', complete=True) == "json"


# -- never raises ---------------------------------------------------------------------------

SUFFIXES = [
    ".txt",
    ".html",
    ".json",
    ".jsonl",
    ".jsonl.gz",
    ".warc",
    ".warc.gz",
    ".xml",
    ".rss",
    ".atom",
    ".gz",
    ".bin",
    "",
]
PREFIXES = [
    b"",
    b"WARC/1.0\r\n",
    b"<rss version='2.0'><channel><item>",
    b"<feed><entry>",
    b'{"text": "',
    b"[{",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"<html>",
    b"\x1f\x8b\x08\x00",
]


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from(SUFFIXES),
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=3000),
    compress=st.booleans(),
    cut=st.integers(min_value=0, max_value=4000),
)
def test_read_file_never_raises(
    suffix: str, prefix: bytes, body: bytes, compress: bool, cut: int
) -> None:
    data = prefix + body
    if compress:
        data = gz(data)[: cut or None]
    small = Settings(max_document_bytes=1500, max_container_bytes=4000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        results = list(read_file(path, small))
    assert results
    for result in results:
        assert isinstance(result, RawDocument | Rejected)
        if isinstance(result, Rejected):
            assert result.reason in REASONS
            assert result.message
            assert len(result.raw) <= RAW_CAP
        else:
            assert result.kind in INPUT_KINDS
            assert result.text.strip()
            result.text.encode("utf-8")


@hsettings(max_examples=150, deadline=None)
@given(
    records=st.lists(
        st.dictionaries(
            st.text(max_size=12),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.floats(),
                st.text(max_size=200),
                st.lists(st.text(max_size=20), max_size=3),
                st.dictionaries(st.text(max_size=6), st.text(max_size=20), max_size=3),
            ),
            max_size=8,
        ),
        max_size=6,
    )
)
def test_arbitrary_json_records_never_raise(records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.jsonl"
        path.write_text(jsonl(records), encoding="utf-8")
        results = list(read_file(path, Settings()))
    assert len(results) == max(len(records), 1)
    for result in results:
        assert isinstance(result, RawDocument | Rejected)
        if isinstance(result, RawDocument):
            assert all(isinstance(v, str) for v in result.fields.values())
