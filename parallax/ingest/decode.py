"""Bytes: what they hold (sniffing), how to decode them to text, and bounded reading of files
that may be gzip-compressed.

Decoding keeps the text exactly as the bytes say (no newline or whitespace changes): offsets
into the decoded text are part of the export contract. Only a byte-order mark is dropped, since
it is an encoding marker, not text.

Reading is bounded: `BoundedReader` decompresses gzip while streaming and stops at a byte limit,
so a gzip bomb or a huge file never has to fit in memory. Failures while streaming (a truncated
gzip member, the limit reached) are recorded on the reader instead of raised, so that a caller
keeps the records it already read and reports one rejection for the rest.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from parallax.errors import InputError

#: Raw bytes kept on a `Rejected` (a constant, not a setting: it bounds what the errors table
#: stores whatever the document limits are).
RAW_CAP = 64 * 1024

#: How much of a file is looked at to decide what it is.
SNIFF_BYTES = 64 * 1024

GZIP_MAGIC = b"\x1f\x8b"

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: the UTF-32-LE mark starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Signatures of binary formats people mistake for text inputs, with a name for messages.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"%PDF-", "a PDF document"),
    (0, b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub file)"),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"\x7fELF", "an ELF executable"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"\xfd7zXZ\x00", "an xz archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"\x28\xb5\x2f\xfd", "a zstd archive"),
    *((0, b"BZh%d1AY&SY" % level, "a bzip2 archive") for level in range(1, 10)),
    (0, b"\xca\xfe\xba\xbe", "a Java class or Mach-O file"),
    (0, b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (0, b"\x00asm", "a WebAssembly module"),
    (0, b"OggS", "an Ogg media file"),
    (0, b"RIFF", "a RIFF media file (WAV, AVI or WebP)"),
    (0, b"PAR1", "a Parquet file"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, GZIP_MAGIC, "gzip data inside gzip data"),
    (4, b"ftyp", "an MP4/QuickTime media file"),
    (257, b"ustar", "a tar archive"),
)

#: Control bytes that do not occur in text (tab, newlines, form feed and ESC excluded).
_CONTROL = (
    frozenset(range(0x00, 0x09))
    | frozenset(range(0x0E, 0x1B))
    | frozenset((0x1C, 0x1D, 0x1E, 0x1F, 0x7F))
)
#: Share of control bytes above which data is binary.
_CONTROL_SHARE = 0.10

#: Codecs that Python knows but that are never a document's charset; a declaration naming one
#: is ignored rather than trusted.
_NOT_CHARSETS = frozenset(
    {
        "unicode_escape",
        "raw_unicode_escape",
        "punycode",
        "idna",
        "undefined",
        "utf_7",
        "mbcs",
        "oem",
        "charmap",
        "palmos",
    }
)
#: Labels that browsers decode as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp819"})

#: Elements that can start an HTML document (or fragment) saved under any name.
_HTML_TAG_NAMES = (
    "html head body meta title div p article section main header footer nav span a table link "
    "script style h1 h2 h3 h4 h5 h6 br img ul ol li form iframe noscript base"
)
_HTML_TAGS = frozenset(_HTML_TAG_NAMES.split())
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf"})
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_DOCTYPE = re.compile(r"<!doctype\s+([\w:.-]+)[^>]*>\s*", re.I)
_FIRST_TAG = re.compile(r"<([A-Za-z][\w:.-]*)")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]{1,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_:.+-]{1,40})["']""", re.IGNORECASE
)


def bom_encoding(data: bytes) -> str | None:
    """The codec named by a byte-order mark at the start of ``data``, or ``None``."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def wide_encoding(sample: bytes) -> str | None:
    """UTF-16 without a byte-order mark, recognised by ASCII text with every other byte NUL."""
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(even)
    even_nul, odd_nul = even.count(0), odd.count(0)
    if odd_nul >= 0.9 * half and even_nul <= 0.1 * half:
        return "utf-16-le"
    if even_nul >= 0.9 * half and odd_nul <= 0.1 * half:
        return "utf-16-be"
    return None


def binary_kind(head: bytes) -> str | None:
    """Describe ``head`` (the first bytes of an input) when it is binary data, else ``None``.

    Known file signatures are named ("a PNG image"); other data counts as binary when it holds
    NUL bytes or a high share of control bytes. Text with a UTF-16/32 byte-order mark (or
    BOM-less ASCII-range UTF-16) is not binary even though it holds NULs.
    """
    for offset, magic, name in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name
    if bom_encoding(head) or wide_encoding(head[:SNIFF_BYTES]):
        return None
    sample = head[:SNIFF_BYTES]
    if not sample:
        return None
    if b"\x00" in sample:
        return "binary data (it holds NUL bytes)"
    controls = sum(1 for byte in sample if byte in _CONTROL)
    if controls > _CONTROL_SHARE * len(sample):
        return "binary data (it is mostly control bytes)"
    return None


def _charset(label: str | None) -> str | None:
    """Python codec name for a declared charset label; ``None`` when unknown or unsafe."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except (LookupError, ValueError):
        return None
    if name in _NOT_CHARSETS or not codecs.lookup(name)._is_text_encoding:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def declared_charset(head: bytes) -> str | None:
    """The charset an HTML or XML document declares in its first bytes, if any.

    Reads ``<meta charset=...>``, ``<meta http-equiv="Content-Type" content="...; charset=...">``
    and an XML declaration's ``encoding``.
    """
    window = head[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(window)
        if match:
            return match.group(1).decode("ascii")
    return None


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type header value, if any."""
    if not content_type:
        return None
    match = re.search(r"""charset\s*=\s*["']?([A-Za-z0-9_:.+-]+)""", content_type, re.I)
    return match.group(1) if match else None


def _undecodable(detail: str) -> InputError:
    return InputError(
        "undecodable",
        f"the bytes are not valid text in any encoding tried ({detail}); re-save the file as UTF-8",
    )


def sniff_format(head: bytes, complete: bool = False) -> str | None:
    """What the first bytes of an input look like: ``warc``, ``feed``, ``html``, ``json``,
    ``jsonl`` or ``None`` (plain text or unknown). ``complete`` says ``head`` is the whole input.
    """
    text = _head_text(head).lstrip("\ufeff \t\r\n")
    if text.startswith("WARC/"):
        return "warc"
    if text.startswith("<"):
        prolog = _PROLOG.match(text)
        rest = text[prolog.end() :] if prolog else text
        doctype = _DOCTYPE.match(rest)
        if doctype:
            if doctype.group(1).lower() == "html":
                return "html"
            rest = _PROLOG.sub("", rest[doctype.end() :], count=1)
        tag = _FIRST_TAG.match(rest)
        if tag:
            name = tag.group(1).lower()
            if name in _FEED_ROOTS:
                return "feed"
            if name in _HTML_TAGS:
                return "html"
        return None
    if text.startswith(("{", "[")):
        first, newline, more = text.partition("\n")
        if newline and more.strip() and first.lstrip().startswith("{"):
            try:
                if isinstance(json.loads(first), dict):
                    return "jsonl"
            except (ValueError, RecursionError):
                pass
        if complete:
            try:
                json.loads(text)
            except (ValueError, RecursionError):
                return None
        return "json"
    return None


def _head_text(head: bytes) -> str:
    encoding = bom_encoding(head) or wide_encoding(head)
    if encoding:
        return head.decode(encoding, errors="replace")
    # Markup and JSON signatures are ASCII, so latin-1 reads them from any ASCII-compatible
    # encoding without failing.
    return head.decode("latin-1")


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` to text, trying in order: a byte-order mark, strict UTF-8, the
    ``declared`` charset (from HTTP or a ``<meta>`` tag), then charset-normalizer's guess.

    The text is returned exactly as encoded (newlines and whitespace untouched); only a
    byte-order mark is removed. Raises `InputError` with reason ``binary`` for binary data and
    ``undecodable`` when no encoding fits.
    """
    bom = bom_encoding(data)
    if bom:
        try:
            return data.decode(bom)
        except UnicodeDecodeError as exc:
            raise _undecodable(f"it starts with a {bom} byte-order mark but {exc.reason}") from None
    wide = wide_encoding(data[:SNIFF_BYTES])
    if wide:
        try:
            return data.decode(wide)
        except UnicodeDecodeError:
            pass
    codec = _charset(declared)
    if codec and codec.startswith(("utf_16", "utf_32")) and b"\x00" in data[:SNIFF_BYTES]:
        # Declared wide text without a byte-order mark holds NULs: try it before calling it
        # binary. (Without NULs the declaration is wrong, as browsers assume: see below.)
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    what = binary_kind(data[:SNIFF_BYTES])
    if what:
        raise InputError(
            "binary",
            f"the input is {what}, not text; Parallax reads text, HTML, "
            "JSON, WARC and RSS/Atom files",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec == "cp1252":  # five bytes are unassigned in cp1252 but not in latin-1
                return data.decode("latin-1")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise _undecodable("not UTF-8" + (f" nor the declared {declared}" if declared else ""))
    if best.coherence <= 0.0:
        # Any byte soup decodes in some multi-byte codec; without a single coherent word in the
        # guessed language the "text" would be mojibake stored as an article.
        raise _undecodable(
            f"not UTF-8, and the best guess ({best.encoding}) yields no words of any language"
        )
    guess = _charset(best.encoding) or "utf-8"
    for codec in (guess, "latin-1") if guess == "cp1252" else (guess,):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise _undecodable(f"not UTF-8 and not {best.encoding}")


def oversized(what: str, limit: int, setting: str) -> InputError:
    """The `InputError` for an input over a size limit, saying which setting to raise."""
    env = "PARALLAX_" + setting.upper()
    return InputError(
        "oversized",
        f"{what} is larger than {setting} ({limit:,} bytes); raise {setting} in parallax.toml "
        f"(or {env}) if it is meant to be read, or split the input",
    )


class BoundedReader(io.RawIOBase):
    """A read-only stream over a file that decompresses gzip and stops after ``limit`` bytes.

    When the limit is passed, or the gzip data ends early or is corrupt, the stream ends
    (``read`` returns ``b""``) and `failure` holds the `InputError` to report. Callers keep what
    they read before and check `failure` at the end.
    """

    def __init__(self, path: Path, limit: int, what: str, setting: str) -> None:
        super().__init__()
        self.limit = limit
        self.count = 0
        self.failure: InputError | None = None
        self._what = what
        self._setting = setting
        self._file: io.BufferedReader = path.open("rb")
        self.gzipped = self._file.read(2) == GZIP_MAGIC
        self._file.seek(0)
        self._source: io.BufferedReader | gzip.GzipFile = (
            gzip.GzipFile(fileobj=self._file, mode="rb") if self.gzipped else self._file
        )

    def readable(self) -> bool:
        """Always true: this is an input stream."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` with the next bytes; 0 at the end, at the limit or after a failure."""
        if self.failure is not None:
            return 0
        room = self.limit - self.count
        if room <= 0:
            # One byte more tells "exactly at the limit" from "over it".
            if self._read(1):
                self.failure = oversized(self._what, self.limit, self._setting)
            return 0
        data = self._read(min(len(buffer), room))
        view = memoryview(buffer).cast("B")
        view[: len(data)] = data
        self.count += len(data)
        return len(data)

    def _read(self, size: int) -> bytes:
        try:
            # read1: one decompression step at most, so bytes decoded before a truncation are
            # returned instead of being lost with the exception.
            return self._source.read1(size)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            self.failure = InputError(
                "truncated-gzip",
                f"the gzip data ends early or is corrupt after {self.count:,} bytes ({exc}); "
                "re-download or re-compress the file (`gzip -t FILE` checks it)",
            )
        except OSError as exc:
            self.failure = InputError("unreadable", f"reading failed: {exc}")
        return b""

    def close(self) -> None:
        """Close the decompressor and the file."""
        try:
            if self._source is not self._file:
                self._source.close()
        finally:
            self._file.close()
            super().close()


def open_maybe_gzip(
    path: Path,
    limit: int,
    what: str = "the decompressed file",
    setting: str = "max_container_bytes",
) -> BoundedReader:
    """Open ``path`` for bounded streaming, decompressing it when it starts with gzip magic.

    ``what`` and ``setting`` name the input and the limit in the oversized message.
    """
    return BoundedReader(path, limit, what, setting)


def read_head(path: Path, size: int = SNIFF_BYTES) -> tuple[bytes, bytes]:
    """The first ``size`` raw bytes of ``path`` and, for gzip data, up to ``size`` bytes of its
    decompressed start (else the raw bytes again). Never decompresses more than ``size``.

    Raises `InputError` ``truncated-gzip`` when the gzip header or data is corrupt.
    """
    with path.open("rb") as handle:
        raw = handle.read(size)
    if not raw.startswith(GZIP_MAGIC):
        return raw, raw
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inner = decompressor.decompress(raw, size)
    except zlib.error as exc:
        raise InputError(
            "truncated-gzip",
            f"the gzip data is corrupt ({exc}); re-download or re-compress the file",
        ) from None
    return raw, inner


@dataclass(frozen=True)
class Line:
    """One line of a line-oriented container, as bytes without its line ending.

    ``oversized`` lines hold only their first `RAW_CAP` bytes: the rest was skipped unread.
    ``cut`` is true for a last line that ended because the stream failed (not at a newline).
    """

    number: int
    data: bytes
    oversized: bool = False
    cut: bool = False


def iter_lines(stream: BoundedReader, max_line: int, chunk: int = 1 << 16) -> Iterator[Line]:
    """Lines of ``stream``, numbered from 1, holding at most ``max_line`` bytes in memory each.

    A longer line is yielded with ``oversized=True`` and its first `RAW_CAP` bytes, after the
    rest of it has been read and dropped. UTF-16/32 text (with a byte-order mark) is transcoded
    to UTF-8 so that lines split on real newlines.
    """
    buffered = io.BufferedReader(stream, buffer_size=chunk)
    head = buffered.peek(4)[:4]
    wide = bom_encoding(head)
    if wide in ("utf-16", "utf-32"):
        yield from _iter_wide_lines(buffered, stream, wide, max_line)
        return
    number = 0
    while True:
        data = buffered.readline(max_line + 1)
        if not data:
            return
        number += 1
        if data.endswith(b"\n"):
            yield Line(number, data.rstrip(b"\r\n"))
            continue
        if len(data) <= max_line:
            # The last line, without a newline: complete unless the stream failed.
            yield Line(number, data, cut=stream.failure is not None)
            return
        kept = data[:RAW_CAP]
        del data
        while True:
            rest = buffered.readline(chunk)
            if not rest or rest.endswith(b"\n"):
                break
        yield Line(number, kept, oversized=True)


def _iter_wide_lines(
    buffered: io.BufferedReader[BoundedReader], stream: BoundedReader, encoding: str, max_line: int
) -> Iterator[Line]:
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="\n")
    number = 0
    while True:
        try:
            part = text.readline(max_line + 1)
        except UnicodeDecodeError as exc:
            stream.failure = _undecodable(f"{encoding} text broken after line {number}: {exc}")
            return
        if not part:
            return
        number += 1
        data = part.encode("utf-8", errors="surrogatepass")
        if part.endswith("\n"):
            yield Line(number, data.rstrip(b"\r\n"))
        elif len(part) <= max_line:
            yield Line(number, data, cut=stream.failure is not None)
            return
        else:
            while True:
                try:
                    rest = text.readline(1 << 16)
                except UnicodeDecodeError:
                    rest = ""
                if not rest or rest.endswith("\n"):
                    break
            yield Line(number, data[:RAW_CAP], oversized=True)
