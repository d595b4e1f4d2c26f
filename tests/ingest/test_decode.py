"""Decoding bytes to text, and bounded (gzip-aware) streaming."""

from __future__ import annotations

import gzip
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from parallax.errors import InputError
from parallax.ingest.decode import (
    RAW_CAP,
    BoundedReader,
    binary_kind,
    declared_charset,
    decode_bytes,
    http_charset,
    iter_lines,
    read_head,
)

Writer = Callable[[str, bytes | str], Path]

FRENCH = (
    "Le maire a déclaré mercredi que les travaux du théâtre municipal reprendraient à "
    "l'automne. « Nous avons réglé les problèmes de financement », a-t-il précisé devant "
    "le conseil, où l'opposition a exprimé des réserves sur le coût élevé du chantier.\n"
)
RUSSIAN = (
    "Городской совет в среду утвердил бюджет на ремонт набережной. По словам мэра, работы "
    "начнутся весной и продлятся около двух лет. Жители давно просили обновить этот участок.\n"
)


def test_utf8_is_decoded_exactly_with_newlines_kept() -> None:
    text = "First line\r\nSecond line\rThird — line\n\n  indented\t\n"
    assert decode_bytes(text.encode("utf-8")) == text


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_byte_order_marks(codec: str) -> None:
    text = "Crème brûlée and ёлка\r\nsecond line"
    data = text.encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + text).encode(codec)
    assert decode_bytes(data) == text


def test_utf16_without_bom_is_recognised() -> None:
    text = "A plain ASCII article saved by an old Windows tool.\r\n" * 3
    assert decode_bytes(text.encode("utf-16-le")) == text
    assert decode_bytes(text.encode("utf-16-be")) == text


def test_latin1_text() -> None:
    data = FRENCH.encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_bytes(data) == FRENCH


def test_cp1252_smart_quotes_and_euro() -> None:
    text = (
        "The council said the repairs would cost \u20ac4.5 million. "
        "\u201cIt is a fair price,\u201d the mayor\u2019s office said \u2013 adding that "
        "work would start in May.\n"
    ) * 3
    assert decode_bytes(text.encode("cp1252")) == text


def test_declared_charset_is_honoured() -> None:
    data = RUSSIAN.encode("windows-1251")
    assert decode_bytes(data, declared="windows-1251") == RUSSIAN
    # The same bytes read as if they were KOI8-R when a page says so: the declaration wins
    # over guessing (UTF-8 is still tried first, and these bytes are not UTF-8).
    assert decode_bytes(data, declared="koi8-r") == data.decode("koi8-r")


def test_declared_utf16_without_bom_is_not_binary() -> None:
    data = RUSSIAN.encode("utf-16-be")
    assert decode_bytes(data, declared="UTF-16BE") == RUSSIAN
    # Pages that say utf-16 but are plain ASCII/UTF-8 are read as UTF-8.
    assert decode_bytes(b"<p>plain</p>", declared="utf-16") == "<p>plain</p>"


def test_declared_latin1_reads_as_windows_1252_like_browsers() -> None:
    data = "\u201cQuoted\u201d".encode("cp1252")
    assert decode_bytes(data, declared="iso-8859-1") == "\u201cQuoted\u201d"


@pytest.mark.parametrize("label", ["no-such-charset", "unicode_escape", "rot13", "base64", ""])
def test_bogus_declared_charsets_are_ignored(label: str) -> None:
    data = FRENCH.encode("latin-1")
    assert decode_bytes(data, declared=label) == FRENCH


def test_valid_utf8_wins_over_a_wrong_declaration() -> None:
    data = RUSSIAN.encode("utf-8")
    assert decode_bytes(data, declared="windows-1252") == RUSSIAN


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "ELF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"Some text\x00with a NUL byte in it", "NUL"),
        (bytes(range(1, 9)) * 100, "control"),
    ],
)
def test_binary_is_rejected(data: bytes, needle: str) -> None:
    what = binary_kind(data)
    assert what is not None and needle in what
    with pytest.raises(InputError) as info:
        decode_bytes(data)
    assert info.value.reason == "binary"
    assert needle in info.value.message


def test_text_is_not_binary() -> None:
    assert binary_kind(FRENCH.encode("latin-1")) is None
    assert binary_kind(b"Tabs\tand\r\nnewlines\x0cform feeds") is None
    assert binary_kind(RUSSIAN.encode("utf-16")) is None


def test_undecodable_says_what_to_do() -> None:
    # A UTF-8 byte-order mark followed by bytes that are not UTF-8.
    with pytest.raises(InputError) as info:
        decode_bytes(b"\xef\xbb\xbfabc \xff\xfe\xfd def")
    assert info.value.reason == "undecodable"
    assert "UTF-8" in info.value.message


def test_byte_noise_is_undecodable_not_mojibake() -> None:
    # charset-normalizer can read these bytes as cp949 "Korean" with zero coherence.
    with pytest.raises(InputError) as info:
        decode_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 400)
    assert info.value.reason == "undecodable"


def test_single_byte_encodings_still_decode() -> None:
    text = "Привет, как дела? Это обычный текст о новостях дня. " * 5
    assert decode_bytes(text.encode("cp1251")) == text


def test_declared_charset_from_markup() -> None:
    assert declared_charset(b'<html><head><meta charset="windows-1251">') == "windows-1251"
    assert (
        declared_charset(
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-2" />'
        )
        == "ISO-8859-2"
    )
    assert declared_charset(b"<?xml version='1.0' encoding='koi8-r'?><rss>") == "koi8-r"
    assert declared_charset(b"<html><head><title>x</title></head>") is None
    assert http_charset("text/html; charset=UTF-8") == "UTF-8"
    assert http_charset('text/html;charset="windows-1251"') == "windows-1251"
    assert http_charset("text/html") is None
    assert http_charset(None) is None


def test_bounded_reader_plain_limit(write: Writer) -> None:
    path = write("a.txt", b"x" * 100)
    with BoundedReader(path, 100, "the file", "max_document_bytes") as stream:
        assert stream.read() == b"x" * 100
        assert stream.failure is None
    with BoundedReader(path, 99, "the file", "max_document_bytes") as stream:
        assert len(stream.read()) == 99
        assert stream.failure is not None
        assert stream.failure.reason == "oversized"
        assert "max_document_bytes" in stream.failure.message


def test_bounded_reader_stops_a_gzip_bomb_without_allocating_it(
    gzip_bomb: Callable[..., Path],
) -> None:
    path = gzip_bomb("zeros.gz", b"", 200 << 20)
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with BoundedReader(path, 1 << 20, "the decompressed file", "max_document_bytes") as s:
            total = 0
            while chunk := s.read(1 << 16):
                total += len(chunk)
            failure = s.failure
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 1 << 20
    assert failure is not None and failure.reason == "oversized"
    assert peak < 16 << 20


def test_bounded_reader_truncated_gzip_keeps_what_was_read(write: Writer) -> None:
    data = "".join(f"line {i} of the file\n" for i in range(5000)).encode()
    packed = gzip.compress(data, mtime=0)
    path = write("cut.txt.gz", packed[: len(packed) // 2])
    with BoundedReader(path, 10**9, "the decompressed file", "max_container_bytes") as stream:
        out = stream.read()
        failure = stream.failure
    assert failure is not None and failure.reason == "truncated-gzip"
    assert 0 < len(out) < len(data)
    assert data.startswith(out)


def test_read_head_never_decompresses_more_than_asked(gzip_bomb: Callable[..., Path]) -> None:
    path = gzip_bomb("head.gz", b"<html>", 8 << 20, b" ")
    raw, inner = read_head(path, 4096)
    assert raw.startswith(b"\x1f\x8b")
    assert inner.startswith(b"<html>") and len(inner) == 4096


def test_read_head_corrupt_gzip(write: Writer) -> None:
    path = write("bad.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 40)
    with pytest.raises(InputError) as info:
        read_head(path)
    assert info.value.reason == "truncated-gzip"


def test_iter_lines_numbers_and_caps_long_lines(write: Writer) -> None:
    long_line = b"y" * 5000
    path = write("lines.jsonl", b"one\r\n\ntwo\n" + long_line + b"\nthree")
    with BoundedReader(path, 10**6, "f", "max_container_bytes") as stream:
        lines = list(iter_lines(stream, max_line=1000, chunk=256))
    assert [(x.number, x.data, x.oversized, x.cut) for x in lines[:3]] == [
        (1, b"one", False, False),
        (2, b"", False, False),
        (3, b"two", False, False),
    ]
    assert lines[3].number == 4 and lines[3].oversized
    assert len(lines[3].data) <= RAW_CAP and lines[3].data.startswith(b"yyy")
    assert (lines[4].number, lines[4].data, lines[4].cut) == (5, b"three", False)


def test_iter_lines_marks_a_cut_last_line(write: Writer) -> None:
    data = "".join(f'{{"n": {i}}}\n' for i in range(3000)).encode()
    packed = gzip.compress(data, mtime=0)
    path = write("cut.jsonl.gz", packed[: len(packed) * 2 // 3])
    with BoundedReader(path, 10**9, "f", "max_container_bytes") as stream:
        lines = list(iter_lines(stream, max_line=1000))
        assert stream.failure is not None
    whole = data.split(b"\n")
    assert [x.data for x in lines[:-1]] == whole[: len(lines) - 1]
    assert all(not x.cut for x in lines[:-1])
    # The data stops mid-line: that last piece is marked, not passed on as a record.
    last = lines[-1]
    assert last.cut and whole[last.number - 1].startswith(last.data)
    assert whole[last.number - 1] != last.data


def test_iter_lines_utf16(write: Writer) -> None:
    text = '{"text": "ёлка"}\n{"text": "second \u2028 line"}\n'
    path = write("wide.jsonl", text.encode("utf-16"))
    with BoundedReader(path, 10**6, "f", "max_container_bytes") as stream:
        lines = list(iter_lines(stream, max_line=1000))
    assert [x.data.decode("utf-8") for x in lines] == [
        '{"text": "ёлка"}',
        '{"text": "second \u2028 line"}',
    ]
