"""Input readers: one file in, a stream of `RawDocument` and `Rejected` values out.

`read_file` decides what a file is from its suffix and its first bytes (a ``.txt`` that is
really HTML, gzip without a ``.gz`` name, a feed without an ``.xml`` name, a PNG named ``.txt``),
then hands it to one reader per format. Readers never raise for a bad input: an unreadable file
or record becomes a `Rejected` with a reason code and a message that says what to do, and the
rest of the file (and the batch) goes on. Line-oriented containers (JSONL, WARC) stream, so
memory is bounded by the largest record, not the file.

Nothing here opens a network connection: feeds are parsed from the bytes already read.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import stat
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeadersParserException

from parallax.errors import InputError
from parallax.ingest.decode import (
    GZIP_MAGIC,
    RAW_CAP,
    SNIFF_BYTES,
    BoundedReader,
    binary_kind,
    declared_charset,
    decode_bytes,
    http_charset,
    iter_lines,
    oversized,
    read_head,
    sniff_format,
)
from parallax.model import RawDocument, Rejected, Source
from parallax.settings import Settings

Result = RawDocument | Rejected

#: File suffixes (after removing ``.gz``) and the format each one names.
SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".warc": "warc",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
_GZIP_SUFFIXES = (".gz", ".gzip")
_SUPPORTED = ".txt, .html/.htm, .json, .jsonl/.ndjson, .warc, .xml/.rss/.atom (each also .gz)"

_HTML_MIMES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_MIMES = frozenset({"text/plain"})
_MARKUP = re.compile(r"<[A-Za-z/!]")
_TAGS = re.compile(r"<[^>]*>")
_SURROGATES = re.compile("[\ud800-\udfff]")

#: A feed entry's summary is taken as the article only when it is at least this long (in
#: characters of text, tags removed): shorter ones are teasers, not articles.
MIN_SUMMARY_CHARS = 500

#: Container keys that hold a list of records in wrapped JSON (``{"articles": [...]}``),
#: tried before any other list-of-objects value.
_WRAPPER_KEYS = (
    "articles",
    "items",
    "records",
    "documents",
    "docs",
    "data",
    "results",
    "entries",
    "posts",
    "stories",
    "news",
    "hits",
    "response",
)

#: Errors warcio raises on bytes that are not a well-formed WARC file.
_WARC_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    ChunkedDataException,
    ValueError,
    IndexError,
    KeyError,
    EOFError,
    AttributeError,
    TypeError,
    zlib.error,
)


def read_file(path: Path, settings: Settings) -> Iterator[Result]:
    """Read one input file into raw documents, or rejections saying why not.

    Yields one `RawDocument` per document the file holds (one for a text or HTML file, one per
    record of a JSON/JSONL/WARC/feed container) and a `Rejected` for each file or record that
    cannot be read. Never raises for bad input.
    """
    source = Source(str(path))
    try:
        yield from _read(path, source, settings)
    except InputError as exc:
        yield Rejected(source, exc.reason, exc.message, _raw_head(path))
    except OSError as exc:
        yield Rejected(
            source,
            "unreadable",
            f"{path} could not be read ({exc.strerror or exc}); check that it exists and that "
            "you may read it",
        )


def map_fields(
    record: Mapping[str, Any], field_map: Mapping[str, tuple[str, ...]]
) -> dict[str, Any]:
    """Metadata of a JSON record under Parallax's names (title, author, outlet, url,
    published_at, ...), taking for each name the first key in ``field_map`` with a usable value.

    Keys match exactly first, then case-insensitively. A list of authors becomes ``"A, B"``; a
    nested object such as ``{"name": "Reuters"}`` gives its name; an epoch number for
    ``published_at`` becomes ISO 8601 in UTC.
    """
    find = _finder(record)
    fields: dict[str, Any] = {}
    for name, keys in field_map.items():
        if name in ("body", "html"):
            continue
        for key in keys:
            value = _field_value(find(key), name)
            if value is not None:
                fields[name] = value
                break
    return fields


# -- dispatch -------------------------------------------------------------------------------


def _read(path: Path, source: Source, settings: Settings) -> Iterator[Result]:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputError("unreadable", f"{path} is not a regular file; pass files or directories")
    if info.st_size == 0:
        raise InputError("empty", "the file is empty (0 bytes); check that it was saved fully")
    raw_head, head = read_head(path)
    gzipped = raw_head.startswith(GZIP_MAGIC)
    suffix = _inner_suffix(path)
    complete = not gzipped and info.st_size <= SNIFF_BYTES
    sniffed = sniff_format(head, complete)
    fmt = _choose(SUFFIX_FORMATS.get(suffix), sniffed)
    if fmt == "warc" and sniffed != "warc":
        # warcio would also take old ARC files and mis-parse plain text as ARC headers.
        raise InputError(
            "malformed-warc",
            "the file does not start with a WARC header (WARC/1.0 or WARC/1.1); check that it "
            "is a WARC file (`warcio check` tells)",
        )
    if fmt != "warc":
        what = binary_kind(head)
        if what:
            if suffix in SUFFIX_FORMATS or not suffix:
                raise InputError(
                    "binary",
                    f"the file is named {path.name!r} but holds {what}, not text; check that "
                    "the right file was given",
                )
            raise InputError(
                "unsupported",
                f"{suffix} files ({what}) are not a type Parallax reads; it reads {_SUPPORTED}",
            )
    readers: dict[str, Callable[[Path, Source, Settings, int, bool], Iterator[Result]]] = {
        "text": _read_text,
        "html": _read_html,
        "json": _read_json,
        "jsonl": _read_jsonl,
        "warc": _read_warc,
        "feed": _read_feed,
    }
    yield from readers[fmt](path, source, settings, info.st_size, gzipped)


def _inner_suffix(path: Path) -> str:
    """The suffix that names the format, looking through a ``.gz`` suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _GZIP_SUFFIXES:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _choose(by_suffix: str | None, sniffed: str | None) -> str:
    """The format to read: the suffix's, unless the content clearly says otherwise."""
    if sniffed == "warc":
        return "warc"
    if by_suffix in ("json", "jsonl", "warc"):
        # A .json file holding one object per line streams as JSONL.
        return "jsonl" if by_suffix == "json" and sniffed == "jsonl" else by_suffix
    if sniffed in ("feed", "html"):
        return sniffed
    if by_suffix:
        return by_suffix
    return sniffed or "text"


def _raw_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(RAW_CAP)
    except OSError:
        return b""


def _read_all(path: Path, limit: int, setting: str) -> bytes:
    """The whole (decompressed) content of ``path``; `InputError` past ``limit`` bytes."""
    with BoundedReader(path, limit, "the decompressed file", setting) as stream:
        chunks = []
        while chunk := stream.read(1 << 20):
            chunks.append(chunk)
        if stream.failure is not None:
            raise stream.failure
    return b"".join(chunks)


def _check_plain_size(size: int, gzipped: bool, limit: int, setting: str) -> None:
    # An uncompressed file's size is known before reading; a gzip file's is checked while
    # streaming by `BoundedReader`.
    if not gzipped and size > limit:
        raise oversized(f"the file ({size:,} bytes)", limit, setting)


def _empty(what: str) -> InputError:
    return InputError("empty", f"{what} holds only whitespace; check that it was saved fully")


# -- single documents -----------------------------------------------------------------------


def _read_text(
    path: Path, source: Source, settings: Settings, size: int, gzipped: bool
) -> Iterator[Result]:
    yield _read_document(path, source, settings, size, gzipped, "text")


def _read_html(
    path: Path, source: Source, settings: Settings, size: int, gzipped: bool
) -> Iterator[Result]:
    yield _read_document(path, source, settings, size, gzipped, "html")


def _read_document(
    path: Path, source: Source, settings: Settings, size: int, gzipped: bool, kind: str
) -> Result:
    limit = settings.max_document_bytes
    _check_plain_size(size, gzipped, limit, "max_document_bytes")
    data = _read_all(path, limit, "max_document_bytes")
    try:
        text = decode_bytes(data, declared_charset(data) if kind == "html" else None)
        if not text.strip():
            raise _empty("the file")
    except InputError as exc:
        return Rejected(source, exc.reason, exc.message, data[:RAW_CAP])
    return RawDocument(source, kind, text)


# -- JSON and JSONL -------------------------------------------------------------------------


def _read_json(
    path: Path, source: Source, settings: Settings, size: int, gzipped: bool
) -> Iterator[Result]:
    # A JSON document has to be parsed whole; files larger than memory should be JSONL.
    _check_plain_size(size, gzipped, settings.max_container_bytes, "max_container_bytes")
    data = _read_all(path, settings.max_container_bytes, "max_container_bytes")
    try:
        text = decode_bytes(data)
        if not text.strip():
            raise _empty("the file")
    except InputError as exc:
        yield Rejected(source, exc.reason, exc.message, data[:RAW_CAP])
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            # Several JSON values one after another: one record per line.
            yield from _lines_as_records(path, settings, text.split("\n"))
            return
        yield Rejected(
            source,
            "malformed-json",
            f"the file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
            "fix it there (a file with one JSON record per line should be named .jsonl)",
            data[:RAW_CAP],
        )
        return
    except (ValueError, RecursionError) as exc:
        yield Rejected(
            source, "malformed-json", f"the file is not valid JSON: {exc}", data[:RAW_CAP]
        )
        return
    yield from _json_records(document, path, source, settings)


def _json_records(
    document: Any, path: Path, source: Source, settings: Settings
) -> Iterator[Result]:
    if isinstance(document, dict):
        items = _wrapped_records(document, settings)
        if items is None:
            # One record (or an object with no records: `_record` says what it lacks).
            yield _record(document, source, settings, _record_raw(document))
            return
    elif isinstance(document, list):
        items = document
    else:
        yield Rejected(
            source,
            "malformed-record",
            f"the JSON holds a {_json_type(document)}, not an object or a list of objects",
            _record_raw(document),
        )
        return
    if not items:
        yield Rejected(source, "empty", "the JSON list holds no records")
        return
    for index, item in enumerate(items):
        record_source = Source(str(path), str(index))
        if isinstance(item, dict):
            yield _record(item, record_source, settings, _record_raw(item))
        else:
            yield Rejected(
                record_source,
                "malformed-record",
                f"element {index} is a {_json_type(item)}, not an object with article fields",
                _record_raw(item),
            )


def _wrapped_records(document: dict[str, Any], settings: Settings) -> list[Any] | None:
    """The record list of a wrapper such as ``{"articles": [...]}``; ``None`` for a record.

    A list under a usual wrapper key counts; a list under any other key counts only when its
    first element has a text field, so that a record's own list of author objects is not taken
    for records.
    """
    keys = _text_keys(settings)
    if _first_text(_finder(document), keys) is not None:
        return None

    def records_in(value: Any, wrapper: bool) -> bool:
        return (
            isinstance(value, list)
            and bool(value)
            and isinstance(value[0], dict)
            and (wrapper or _first_text(_finder(value[0]), keys) is not None)
        )

    candidates = [(document[k], True) for k in _WRAPPER_KEYS if k in document]
    candidates += [(v, False) for k, v in document.items() if k not in _WRAPPER_KEYS]
    for value, wrapper in candidates:
        if records_in(value, wrapper):
            return list(value)
        if isinstance(value, dict):
            # One level deeper, as in {"response": {"docs": [...]}}.
            for key, inner in value.items():
                if records_in(inner, key in _WRAPPER_KEYS):
                    return list(inner)
    return None


def _read_jsonl(
    path: Path, source: Source, settings: Settings, size: int, gzipped: bool
) -> Iterator[Result]:
    _check_plain_size(size, gzipped, settings.max_container_bytes, "max_container_bytes")
    records = 0
    tail = b""
    with BoundedReader(
        path, settings.max_container_bytes, "the decompressed file", "max_container_bytes"
    ) as stream:
        last = 0
        for line in iter_lines(stream, settings.max_document_bytes):
            last = line.number
            if line.cut:
                tail = line.data
                break
            data = line.data.removeprefix(codecs.BOM_UTF8) if line.number == 1 else line.data
            line_source = Source(str(path), str(line.number))
            if line.oversized:
                yield Rejected(
                    line_source,
                    "oversized",
                    f"line {line.number}: "
                    + oversized(
                        "the record", settings.max_document_bytes, "max_document_bytes"
                    ).message,
                    data,
                )
                records += 1
                continue
            if not data.strip():
                continue
            records += 1
            yield _line_record(data, line.number, path, settings)
        failure = stream.failure
    if failure is not None:
        yield Rejected(
            source,
            failure.reason,
            f"{failure.message}; {records:,} records before line {last} were read, the rest "
            "of the file was not",
            tail[:RAW_CAP],
        )
    elif records == 0:
        yield Rejected(
            source, "empty", "the file holds no records, only blank lines", _raw_head(path)
        )


def _lines_as_records(path: Path, settings: Settings, lines: Iterable[str]) -> Iterator[Result]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield _parse_line(line, line.encode("utf-8", "surrogatepass"), number, path, settings)


def _line_record(data: bytes, number: int, path: Path, settings: Settings) -> Result:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = decode_bytes(data)
        except InputError as exc:
            return Rejected(
                Source(str(path), str(number)),
                exc.reason,
                f"line {number}: {exc.message}",
                data[:RAW_CAP],
            )
    return _parse_line(text, data, number, path, settings)


def _parse_line(text: str, raw: bytes, number: int, path: Path, settings: Settings) -> Result:
    source = Source(str(path), str(number))
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejected(
            source,
            "malformed-json",
            f"line {number} is not valid JSON: {exc.msg} (column {exc.colno}); fix or delete "
            "that line and ingest the file again (the other lines were read)",
            raw[:RAW_CAP],
        )
    except (ValueError, RecursionError) as exc:
        return Rejected(
            source, "malformed-json", f"line {number} is not valid JSON: {exc}", raw[:RAW_CAP]
        )
    if not isinstance(record, dict):
        return Rejected(
            source,
            "malformed-record",
            f"line {number} holds a JSON {_json_type(record)}, not an object with article fields",
            raw[:RAW_CAP],
        )
    return _record(record, source, settings, raw[:RAW_CAP])


def _record(record: dict[str, Any], source: Source, settings: Settings, raw: bytes) -> Result:
    """A raw document from one JSON record, or why it cannot be one."""
    find = _finder(record)
    kind = "text"
    found = _first_text(find, settings.field_map.get("body", ()))
    if found is None:
        kind = "html"
        found = _first_text(find, settings.field_map.get("html", ()))
    if found is None:
        return Rejected(source, "malformed-record", _no_text_message(record, settings), raw)
    key, body = found
    limit = settings.max_document_bytes
    # UTF-8 takes at most 4 bytes a character: most bodies need no encoding to be measured.
    if len(body) > limit or (
        len(body) * 4 > limit and len(body.encode("utf-8", "surrogatepass")) > limit
    ):
        return Rejected(
            source,
            "oversized",
            oversized(f"field {key!r}", settings.max_document_bytes, "max_document_bytes").message,
            raw,
        )
    return RawDocument(source, kind, _valid_text(body), map_fields(record, settings.field_map))


def _text_keys(settings: Settings) -> tuple[str, ...]:
    return tuple(settings.field_map.get("body", ())) + tuple(settings.field_map.get("html", ()))


def _finder(record: Mapping[str, Any]) -> Callable[[str], Any]:
    """Key lookup on ``record``: exact match first, then case-insensitive."""
    folded: dict[str, str] | None = None

    def find(key: str) -> Any:
        nonlocal folded
        if key in record:
            return record[key]
        if folded is None:
            folded = {}
            for name in record:
                folded.setdefault(str(name).casefold(), name)
        original = folded.get(key.casefold())
        return None if original is None else record[original]

    return find


def _first_text(find: Callable[[str], Any], keys: Iterable[str]) -> tuple[str, str] | None:
    for key in keys:
        value = find(key)
        if isinstance(value, str) and value.strip():
            return key, value
    return None


#: Nesting followed inside a metadata value (``{"author": [{"name": ...}]}`` is two levels);
#: deeper values are unusable, so a hostile record cannot exhaust the recursion limit.
MAX_FIELD_DEPTH = 8


def _field_value(value: Any, name: str, depth: int = 0) -> str | None:
    """A record value as a metadata string, or ``None`` when it is absent or unusable."""
    if isinstance(value, bool) or value is None or depth > MAX_FIELD_DEPTH:
        return None
    if isinstance(value, str):
        value = value.strip()
        return _valid_text(value) if value else None
    if isinstance(value, int | float):
        if name == "published_at":
            return _epoch_iso(float(value))
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "title", "url", "href", "value", "text"):
            inner = _field_value(value.get(key), name, depth + 1)
            if inner is not None:
                return inner
        return None
    if isinstance(value, list):
        parts = [p for p in (_field_value(v, name, depth + 1) for v in value) if p is not None]
        parts = list(dict.fromkeys(parts))
        return ", ".join(parts) if parts else None
    return None


def _epoch_iso(value: float) -> str | None:
    # Epoch seconds, or milliseconds when the number is too large to be seconds.
    if value > 1e11:
        value /= 1000
    try:
        return datetime.fromtimestamp(value, UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _valid_text(text: str) -> str:
    """``text`` with lone surrogates (legal in JSON escapes, not in UTF-8) replaced by U+FFFD;
    one code point for one, so offsets stay the same."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # much faster than searching for surrogates
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


def _no_text_message(record: Mapping[str, Any], settings: Settings) -> str:
    text_keys = _text_keys(settings)
    present = [k for k in text_keys if _finder(record)(k) is not None]
    names = [str(k) for k in record]
    strings = [(len(v), str(k)) for k, v in record.items() if isinstance(v, str) and v.strip()]
    hint = max(strings)[1] if strings else "FIELD"
    listed = ", ".join(names[:25]) + (", ..." if len(names) > 25 else "")
    why = (
        f"its text field {present[0]!r} is empty or not a string"
        if present
        else "it has none of the text fields Parallax knows"
    )
    return (
        f"the record has no article text: {why}; its fields are: {listed or '(none)'}. "
        f'Name the field holding the text in parallax.toml: [parallax.field_map] body = ["{hint}"]'
    )


def _record_raw(value: Any) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False)[:RAW_CAP].encode("utf-8", "surrogatepass")
    except (TypeError, ValueError, RecursionError):
        return b""


def _json_type(value: Any) -> str:
    names = {
        str: "string",
        int: "number",
        float: "number",
        bool: "boolean",
        list: "list",
        dict: "object",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


# -- WARC -----------------------------------------------------------------------------------


def _read_warc(
    path: Path, source: Source, settings: Settings, size: int, gzipped: bool
) -> Iterator[Result]:
    _check_plain_size(size, gzipped, settings.max_container_bytes, "max_container_bytes")
    records = yielded = 0
    skipped: Counter[str] = Counter()
    with BoundedReader(
        path, settings.max_container_bytes, "the decompressed file", "max_container_bytes"
    ) as stream:
        # Decompressing here (not in warcio) caps the total and also reads WARCs gzipped whole
        # rather than per record.
        archive = iter(ArchiveIterator(stream))
        while True:
            # Only warcio's own calls are guarded: on malformed input it raises anything from
            # ArchiveLoadFailed to AttributeError, and it cannot resynchronise afterwards.
            try:
                record = next(archive)
            except StopIteration:
                break
            except _WARC_ERRORS as exc:
                if stream.failure is None:
                    yield Rejected(
                        source,
                        "malformed-warc",
                        f"the WARC file is malformed after {records:,} records "
                        f"({_one_line(str(exc))}); check it with `warcio check` or re-create it",
                        _raw_head(path),
                    )
                    return
                break
            records += 1
            result = _warc_record(record, records, path, settings)
            if isinstance(result, str):
                skipped[result] += 1
            else:
                yielded += 1
                yield result
        failure = stream.failure
    if failure is not None:
        yield Rejected(
            source,
            failure.reason,
            f"{failure.message}; {records:,} WARC records before it were read",
        )
    elif yielded == 0:
        # Nothing silently dropped: a crawl with no pages at all is reported.
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        raise InputError(
            "empty",
            f"the WARC file holds {records} record(s) but no HTML or text page"
            + (f" ({kinds})" if kinds else ""),
        )


def _warc_record(record: Any, number: int, path: Path, settings: Settings) -> Result | str:
    """A raw document from a WARC response or resource record, or (as a string) the kind of
    record skipped because it does not hold a page: requests, metadata, redirects, images..."""
    if record.rec_type not in ("response", "resource"):
        return f"{record.rec_type or 'untyped'} records"
    headers = record.rec_headers
    record_id = headers.get_header("WARC-Record-ID") or f"record {number}"
    source = Source(str(path), record_id)
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return f"HTTP {status[:3] or '???'} responses"
        content_type = record.http_headers.get_header("Content-Type")
    elif record.rec_type == "response" and not str(
        headers.get_header("WARC-Target-URI") or ""
    ).startswith(("http:", "https:")):
        return "non-HTTP responses"
    else:
        content_type = headers.get_header("Content-Type")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and mime not in _HTML_MIMES | _TEXT_MIMES:
        return f"{mime[:40]} payloads"
    limit = settings.max_document_bytes
    try:
        payload = record.content_stream().read(limit + 1)
        missing = _missing_bytes(record) if len(payload) <= limit else 0
    except _WARC_ERRORS as exc:
        return Rejected(
            source,
            "malformed-warc",
            f"the record's payload could not be read ({_one_line(str(exc))})",
        )
    if missing:
        return Rejected(
            source,
            "malformed-warc",
            f"the record is cut short ({missing:,} bytes of its stated Content-Length are "
            "missing): the file is truncated; re-download or re-create it",
            payload[:RAW_CAP],
        )
    if len(payload) > limit:
        return Rejected(
            source,
            "oversized",
            oversized("the record's payload", limit, "max_document_bytes").message,
            payload[:RAW_CAP],
        )
    if not mime:
        sniffed = sniff_format(payload[:SNIFF_BYTES])
        if sniffed != "html":
            return "payloads without a content type"
        mime = "text/html"
    kind = "html" if mime in _HTML_MIMES else "text"
    declared = http_charset(content_type) or (declared_charset(payload) if kind == "html" else None)
    try:
        text = decode_bytes(payload, declared)
        if not text.strip():
            raise _empty("the record's payload")
    except InputError as exc:
        return Rejected(source, exc.reason, exc.message, payload[:RAW_CAP])
    uri = headers.get_header("WARC-Target-URI")
    return RawDocument(source, kind, text, {"url": uri} if uri else {})


def _missing_bytes(record: Any) -> int:
    """Bytes of the record's block that its Content-Length promised but the file lacks."""
    raw = record.raw_stream
    if not isinstance(raw, LimitReader):
        return 0
    # Drain what the payload reader left (chunked-encoding trailers, say) before counting.
    while raw.read(1 << 16):
        pass
    return int(raw.limit)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


# -- RSS / Atom -----------------------------------------------------------------------------


def _read_feed(
    path: Path, source: Source, settings: Settings, size: int, gzipped: bool
) -> Iterator[Result]:
    _check_plain_size(size, gzipped, settings.max_container_bytes, "max_container_bytes")
    data = _read_all(path, settings.max_container_bytes, "max_container_bytes")
    if not data.strip():
        raise _empty("the file")
    # A stream, never a string: feedparser fetches URLs and opens paths given as strings.
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as exc:  # any parser failure on hostile bytes is this file's problem only
        # feedparser's fallback parser raises ValueError on "&#99999999;" (found by fuzzing).
        raise InputError(
            "malformed-feed",
            f"the feed could not be parsed ({type(exc).__name__}: {_one_line(str(exc))}); check "
            "that it is RSS or Atom XML",
        ) from None
    if not parsed.entries:
        if parsed.get("bozo"):
            problem = _one_line(str(parsed.get("bozo_exception", "")))
            raise InputError(
                "malformed-feed",
                f"the feed could not be parsed ({problem}); check that it is RSS or Atom XML",
            )
        if not parsed.get("version"):
            raise InputError(
                "unsupported",
                f"the file is XML but not an RSS or Atom feed; Parallax reads {_SUPPORTED}",
            )
        raise InputError("empty", "the feed has no entries")
    feed = parsed.get("feed", {})
    outlet = _field_value(feed.get("title"), "outlet")
    language = _field_value(feed.get("language"), "language")
    for index, entry in enumerate(parsed.entries):
        yield _feed_entry(entry, index, path, outlet, language, settings)


def _feed_entry(
    entry: Any,
    index: int,
    path: Path,
    outlet: str | None,
    language: str | None,
    settings: Settings,
) -> Result:
    record_id = entry.get("id") or entry.get("link") or str(index)
    source = Source(str(path), str(record_id))
    content, mime = _entry_content(entry)
    if content is None:
        summary = str(entry.get("summary") or "")
        return Rejected(
            source,
            "no-article-text",
            f"the feed entry has no full content, only a summary of "
            f"{len(_TAGS.sub('', summary).strip())} characters; use a full-content feed "
            "(content:encoded or Atom content) or ingest the article pages",
            summary.encode("utf-8", "surrogatepass")[:RAW_CAP],
        )
    if len(content.encode("utf-8", "surrogatepass")) > settings.max_document_bytes:
        return Rejected(
            source,
            "oversized",
            oversized(
                "the entry's content", settings.max_document_bytes, "max_document_bytes"
            ).message,
            content.encode("utf-8", "surrogatepass")[:RAW_CAP],
        )
    kind = "html" if mime in _HTML_MIMES and _MARKUP.search(content) else "text"
    values = {
        "title": _field_value(entry.get("title"), "title"),
        "author": _entry_author(entry),
        "url": _field_value(entry.get("link"), "url"),
        "published_at": _struct_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        "outlet": outlet,
        "language": language,
    }
    fields: dict[str, Any] = {name: value for name, value in values.items() if value}
    return RawDocument(source, kind, _valid_text(content), fields)


def _entry_content(entry: Any) -> tuple[str | None, str]:
    """The entry's full content and its MIME type: the longest ``content`` (content:encoded,
    Atom content), else a summary long enough to be the article."""
    contents = [c for c in entry.get("content") or [] if str(c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value") or ""))
        return str(best["value"]), str(best.get("type") or "text/html").lower()
    summary = str(entry.get("summary") or "")
    if len(_TAGS.sub("", summary).strip()) >= MIN_SUMMARY_CHARS:
        detail = entry.get("summary_detail") or {}
        return summary, str(detail.get("type") or "text/html").lower()
    return None, ""


def _entry_author(entry: Any) -> str | None:
    names = [a.get("name") for a in entry.get("authors") or [] if isinstance(a, dict)]
    return _field_value([n for n in names if n], "author") or _field_value(
        entry.get("author"), "author"
    )


def _struct_iso(value: time.struct_time | None) -> str | None:
    """ISO 8601 (UTC) from feedparser's parsed date, which is always in UTC."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None
