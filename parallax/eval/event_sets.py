"""Gold sets for event clustering: one loader per folder laid out like ``../shared/data``.

Each loader reads one set's own folder and returns `GoldDoc` records, one per article, whose
``event_id`` is the gold cluster. The held-out copies of these sets have the same layout, so
nothing here depends on a particular file name beyond what each source's README describes.

- ``events-giveme5w1h``: two sets, ``gold_standard`` and ``google_news``; ``data/*.json`` with the
  event in ``category`` (one gold_standard article has none: it becomes its own event).
- ``basil``: ``articles/<year>/<uuid>_<n>.json``; the event is ``triplet-uuid``.
- ``newswcl50``: the full text is the tokenised CoNLL file under ``Diverse_CDCR_fulltext``
  (documents ``<event>/-/<event>_<outlet code>``); ``urls.tsv`` adds each article's URL.
- ``events-wikiref``: ``WikiRef220/<topic>.<n>.txt`` (or ``<Topic> (<n>).txt``); a coarse topic
  set, used as a sanity check only.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class GoldDoc:
    """One gold article: its text, what metadata the set has, and its gold event."""

    doc_id: str
    event_id: str
    title: str
    body: str
    published_at: str | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class GoldSet:
    """A named gold set; ``role`` is ``"gold"`` (events) or ``"sanity"`` (coarse topics)."""

    name: str
    docs: tuple[GoldDoc, ...]
    role: str = "gold"

    @property
    def events(self) -> int:
        """How many gold events the set has."""
        return len({d.event_id for d in self.docs})


@dataclass(frozen=True)
class SetSource:
    """Where a set lives under a data root and how to read it."""

    folder: str
    load: Callable[[Path], list[GoldSet]]


def load_giveme5w1h(folder: Path) -> list[GoldSet]:
    """The two Giveme5W1H sets (``gold_standard``, ``google_news``), each present one only."""
    sets = []
    for sub in ("gold_standard", "google_news"):
        data = folder / sub / "data"
        if data.is_dir():
            sets.append(GoldSet(f"giveme5w1h-{sub}", tuple(_giveme_docs(data))))
    return sets


def _giveme_docs(data: Path) -> list[GoldDoc]:
    docs = []
    for path in sorted(data.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        doc_id = str(raw.get("dId") or path.stem)
        category = raw.get("category")
        # An article without a category is in no gold event with the others: its own event.
        event = str(category) if category else f"uncategorised:{doc_id}"
        docs.append(
            GoldDoc(
                doc_id=doc_id,
                event_id=event,
                title=_text(raw.get("title")),
                body=_text(raw.get("text")),
                published_at=_iso(raw.get("date_publish")),
                outlet=_outlet(raw.get("publisher") or raw.get("source_domain")),
                url=_text(raw.get("url")) or None,
            )
        )
    return docs


def load_basil(folder: Path) -> list[GoldSet]:
    """BASIL: 3 outlets per event, the event being the article's ``triplet-uuid``."""
    articles = folder / "articles"
    if not articles.is_dir():
        return []
    docs = []
    for path in sorted(articles.glob("*/*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = raw.get("body-paragraphs") or []
        body = "\n\n".join(
            " ".join(_text(s) for s in p) if isinstance(p, list) else _text(p) for p in paragraphs
        )
        docs.append(
            GoldDoc(
                doc_id=str(raw.get("uuid") or path.stem),
                # The file name carries the triplet too (``<triplet>_<n>.json``): a fallback.
                event_id=str(raw.get("triplet-uuid") or path.stem.rsplit("_", 1)[0]),
                title=_text(raw.get("title")),
                body=body,
                published_at=_iso(raw.get("date")),
                outlet=_text(raw.get("source")).lower() or None,
                url=_text(raw.get("url")) or None,
            )
        )
    return [GoldSet("basil", tuple(docs))] if docs else []


_URL_DATE_RE = re.compile(r"/(20\d\d)/(\d\d)/(\d\d)/")
#: Lines of at most this many tokens at the top of a NewsWCL50 text are its headline.
_TITLE_MAX_TOKENS = 40


def load_newswcl50(folder: Path) -> list[GoldSet]:
    """NewsWCL50: 10 events x 5 outlets, text detokenised from the CDCR CoNLL file.

    The CoNLL text has no separate headline: the first line is taken as the title when it is
    short (the NYT texts open with a dateline instead and get none). The date is the one in
    the article's URL where it has one.
    """
    conll = _find_conll(folder)
    if conll is None:
        return []
    urls = _newswcl_urls(folder / "urls.tsv")
    tokens: dict[str, list[str]] = {}
    for line in conll.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 4:
            continue
        tokens.setdefault(cols[0], []).append(cols[3])
    docs = []
    for key in sorted(tokens):
        doc_id = key.rsplit("/", 1)[-1]  # "0/-/0_LL" -> "0_LL"
        event, _, outlet_code = doc_id.partition("_")
        lines = _conll_lines(tokens[key])
        title: list[str] = []
        if lines and len(lines[0]) <= _TITLE_MAX_TOKENS:
            title, lines = lines[0], lines[1:]
        url = urls.get((event, outlet_code))
        match = _URL_DATE_RE.search(url or "")
        docs.append(
            GoldDoc(
                doc_id=doc_id,
                event_id=event,
                title=_detokenize(title),
                body="\n".join(_detokenize(line) for line in lines),
                published_at="-".join(match.groups()) if match else None,
                outlet=_outlet_from_url(url) or outlet_code,
                url=url,
            )
        )
    return [GoldSet("newswcl50", tuple(docs))] if docs else []


def _find_conll(folder: Path) -> Path | None:
    fulltext = folder / "Diverse_CDCR_fulltext"
    if not fulltext.is_dir():
        return None
    found = sorted(fulltext.rglob("*.conll"))
    preferred = [p for p in found if "newswcl" in p.name.lower()] or found
    return preferred[0] if preferred else None


def _newswcl_urls(path: Path) -> dict[tuple[str, str], str]:
    if not path.is_file():
        return {}
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t")
    return {
        (r["Event ID"].strip(), r["Outlet"].strip()): r["URL"].strip()
        for r in rows
        if r.get("Event ID") and r.get("Outlet") and r.get("URL")
    }


def _conll_lines(tokens: Sequence[str]) -> list[list[str]]:
    # The CoNLL text marks line breaks with a literal "\n" token.
    lines: list[list[str]] = [[]]
    for tok in tokens:
        if tok == "\\n":
            lines.append([])
        elif tok.strip():
            lines[-1].append(tok.strip())
    return [line for line in lines if line]


_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]}]|n['’]t\b|['’](?:s|re|ve|ll|d|m)\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")
_HYPHEN = re.compile(r"(\w) - (\w)")


def _detokenize(tokens: Sequence[str] | str) -> str:
    """Tokens joined as prose: no space before punctuation and clitics, nor inside hyphens."""
    text = tokens if isinstance(tokens, str) else " ".join(tokens)
    text = _NO_SPACE_BEFORE.sub(r"\1", text)
    text = _NO_SPACE_AFTER.sub(r"\1", text)
    return _HYPHEN.sub(r"\1-\2", text)


def _outlet_from_url(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    parts = host.split(".")
    # "www.huffingtonpost.co.uk" -> "huffingtonpost"; "insider.foxnews.com" -> "foxnews"
    core = [p for p in parts if p not in {"www", "com", "co", "uk", "org", "net", "insider"}]
    return core[-1] if core else host


_WIKIREF_NAME_RE = re.compile(r"^(?P<topic>.+?)(?:\.(?P<n>\d+)|\s*\((?P<p>\d+)\))$")


def load_wikiref(folder: Path) -> list[GoldSet]:
    """WikiRef: topic per file name; the largest ``WikiRef*`` folder (WikiRef220 holds the rest)."""
    candidates = [p for p in folder.rglob("WikiRef*") if p.is_dir()]
    if not candidates:
        return []
    best = max(candidates, key=lambda p: (len(list(p.glob("*.txt"))), p.name))
    docs = []
    for path in sorted(best.glob("*.txt")):
        match = _WIKIREF_NAME_RE.match(path.stem)
        if match is None:
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # the files mix UTF-8 and Windows-1252
        lines = [line.strip() for line in text.splitlines()]
        lines = [line for line in lines if line]
        topic = match.group("topic").lower().replace(" ", "")
        docs.append(
            GoldDoc(
                doc_id=path.stem,
                event_id=re.sub(r"[^a-z0-9]", "", topic),
                title=lines[0] if lines else "",
                body="\n".join(lines[1:]),
            )
        )
    return [GoldSet("wikiref", tuple(docs), role="sanity")] if docs else []


#: Every set the scorer knows, in report order.
SOURCES: tuple[SetSource, ...] = (
    SetSource("events-giveme5w1h", load_giveme5w1h),
    SetSource("basil", load_basil),
    SetSource("newswcl50", load_newswcl50),
    SetSource("events-wikiref", load_wikiref),
)


def load_sets(data_root: Path) -> tuple[list[GoldSet], list[str]]:
    """Every set found under ``data_root`` and a note for each source that is absent.

    ``data_root`` is a folder like ``../shared/data``; a single set's own folder (its name as
    in `SOURCES`) works too, and then only that set is read.
    """
    own = [s for s in SOURCES if data_root.name == s.folder and not (data_root / s.folder).is_dir()]
    sets: list[GoldSet] = []
    absent: list[str] = []
    for source in own or SOURCES:
        folder = data_root if own else data_root / source.folder
        found = source.load(folder) if folder.is_dir() else []
        if found:
            sets.extend(found)
        else:
            absent.append(f"{source.folder}: absent or empty under {data_root}, skipped")
    return sets, absent


def _outlet(value: object) -> str | None:
    text = _text(value).lower()
    return text.removeprefix("www.") or None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _iso(value: object) -> str | None:
    """An ISO 8601 string for a date or datetime as the sets write them; None if unreadable.

    Giveme5W1H writes a missing date as the string ``"None"``; that and any other text that
    is not an ISO date comes back as None rather than as a date nobody can parse.
    """
    text = _text(value)
    try:
        # A bare date stays a date: a made-up midnight would read as a known time of day.
        if len(text) == len("2014-04-25"):
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None
