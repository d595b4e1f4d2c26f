"""Metadata an HTML page states: title, subtitle, author, outlet, URL, publication date, language.

Metadata is read only from places where a page states it: meta tags, JSON-LD, ``<time>``
elements, the canonical link, ``<html lang>``, a byline. A field the page does not state is
``None``. Dates get the strictest treatment because the usual tools guess them: htmldate, which
trafilatura calls, returns a footer's copyright year as January 1st or the crawl date when it
finds nothing. Here a date comes from a date-bearing tag, or from a located dateline inside the
article; the time and zone are kept when stated. Date strings are parsed by
`parallax.clean.dates` (as for text input); this module only decides which element or tag to
trust and rejects placeholder years and dates in the future.

Offsets into HTML are not kept (see `parallax.model`): each field's evidence names the rule that
read it and the text it read.
"""

from __future__ import annotations

import html as html_entities
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement
from trafilatura.metadata import extract_author as _trafilatura_author

from parallax.clean.dates import locate_date, parse_published
from parallax.model import Evidence, Metadata

#: Longest metadata value kept; longer "titles" are page text caught by a loose tag.
_MAX_META_CHARS = 600
#: Earliest plausible publication year (placeholders such as 0001-01-01 or 1970-01-01 fail it).
_MIN_YEAR = 1990

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def plain_text(text: str) -> str:
    """``text`` without control characters, its whitespace runs collapsed to one space."""
    return _WS.sub(" ", _CONTROL.sub("", text)).strip()


def text_key(text: str) -> str:
    """Casefolded words of ``text``, for telling whether two strings say the same thing."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


@dataclass(frozen=True)
class _Found:
    """A metadata value and the rule that read it."""

    value: str
    rule: str
    raw: str = ""


#: Metadata fields, in the order their evidence is listed.
FIELDS = ("url", "outlet", "title", "subtitle", "author", "published_at", "language")
#: The order they are read: the outlet falls back on the URL's domain, and the language comes
#: before the date because it tells the date parser which month names to expect.
_READ_ORDER = ("url", "outlet", "title", "subtitle", "author", "language", "published_at")

_Reader = Callable[[], _Found | None]


def read_metadata(tree: HtmlElement, fields: Mapping[str, Any] | None = None) -> Metadata:
    """Metadata the page (or the container's ``fields``) states, with evidence per field.

    For each field the first reader that yields a usable value wins: the container's field,
    then the page's places in a fixed order. A value that does not normalise (a relative URL,
    an unparseable date) passes the turn to the next reader.
    """
    fields = fields or {}
    meta = _meta_tags(tree)
    ld = _json_ld(tree)
    values: dict[str, str | None] = dict.fromkeys(FIELDS)
    evidence: dict[str, Evidence] = {}
    readers: dict[str, list[_Reader]] = {
        "url": [
            lambda: _canonical(tree),
            lambda: _meta(meta, "url", "og:url", "twitter:url"),
            lambda: _ld(ld, "url", "url"),
        ],
        "outlet": [
            lambda: _meta(meta, "outlet", "og:site_name", "application-name", "publisher",
                          "dc.publisher"),
            lambda: _ld(ld, "outlet", "publisher"),
            lambda: _meta(meta, "outlet", "twitter:site"),
            lambda: _domain(values["url"]),
        ],
        "title": [
            lambda: _ld(ld, "title", "headline"),
            lambda: _meta(meta, "title", "og:title", "twitter:title", "headline", "dc.title",
                          "title"),
            lambda: _h1(tree),
            lambda: _title_element(tree),
        ],
        "subtitle": [
            lambda: _meta(meta, "subtitle", "og:description", "description",
                          "twitter:description", "dc.description"),
            lambda: _ld(ld, "subtitle", "description"),
        ],
        "author": [
            lambda: _ld(ld, "author", "author"),
            lambda: _meta(meta, "author", "author", "article:author", "byl", "dc.creator",
                          "parsely-author", "sailthru.author", "citation_author"),
            lambda: _byline(tree),  # the slowest reader, so last
        ],
        "published_at": [lambda: _published(tree, meta, ld, _languages(values["language"]))],
        "language": [
            lambda: _html_lang(tree),
            lambda: _meta(meta, "language", "content-language", "og:locale", "dc.language",
                          "language"),
            lambda: _ld(ld, "language", "inLanguage"),
        ],
    }
    for name in _READ_ORDER:
        languages = _languages(values["language"])
        candidates: list[_Reader] = [partial(_field, fields, name), *readers[name]]
        for read in candidates:
            item = read()
            value = _normalise(name, item.value, languages) if item is not None else None
            if item is not None and value is not None:
                values[name] = value
                evidence[name] = Evidence(None, None, item.rule, item.raw or item.value)
                break
    title, outlet = values["title"], values["outlet"]
    if title and outlet:
        values["title"] = _strip_site_suffix(title, outlet)
    evidence = {name: evidence[name] for name in FIELDS if name in evidence}
    return Metadata(evidence=evidence, **values)


def _languages(language: str | None) -> tuple[str, ...]:
    """Languages to parse dates in: the page's own, then English (dates.parse_published)."""
    return (language, "en") if language and language != "en" else ("en",)


def _field(fields: Mapping[str, Any], name: str) -> _Found | None:
    value = fields.get(name)
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, (list, tuple)):
        text = "; ".join(str(v).strip() for v in value if str(v).strip())
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value)
    return _Found(text, f"field:{name}", text) if text.strip() else None


def _normalise(name: str, value: str, languages: Sequence[str] = ("en",)) -> str | None:
    """A clean value for a field, or None when the value is unusable."""
    value = _WS.sub(" ", _CONTROL.sub("", unicodedata.normalize("NFC", value))).strip()
    if not value or len(value) > _MAX_META_CHARS:
        return None
    if name == "url":
        parts = urlsplit(value)
        return value if parts.scheme in ("http", "https") and parts.netloc else None
    if name == "language":
        m = _LANG.match(value)
        return m.group(1).lower() if m else None
    if name == "published_at":
        return iso_datetime(value, languages)
    if name == "author":
        value = re.sub(r"^(?:by|von|por|par|di)\s+", "", value, flags=re.IGNORECASE).strip()
        if re.match(r"^(?:https?:|www\.)", value):
            return None
    if name == "outlet":
        if re.match(r"^(?:https?://|www\.)", value):
            value = (urlsplit(value if "//" in value else "//" + value).hostname or "")
            value = value.removeprefix("www.")
        value = value.lstrip("@").strip()
    return value or None


def _strip_site_suffix(title: str, outlet: str) -> str:
    """``"Headline | Outlet"`` -> ``"Headline"``; other titles unchanged."""
    key = text_key(outlet)
    for sep in (" | ", " - ", " – ", " — ", " :: ", " · "):
        head, _, tail = title.rpartition(sep)
        if head and key and text_key(tail) == key:
            return head.strip()
    return title


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """Meta tag contents by lowercased ``property``/``name``/``itemprop``/``http-equiv``."""
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                out.setdefault(key.strip().lower(), []).append(content.strip())
    return out


def _meta(meta: dict[str, list[str]], field: str, *names: str) -> _Found | None:
    for name in names:
        for value in meta.get(name, ()):
            if field == "author" and value.startswith(("http://", "https://")):
                continue
            return _Found(value, f"meta:{name}", value)
    return None


_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
    "scholarlyarticle", "techarticle", "liveblogposting", "socialmediaposting", "posting",
}


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """JSON-LD objects of the page, article-typed ones first."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if not text.strip() or len(text) > 2_000_000:
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            continue
        nodes.extend(_ld_nodes(data))
    return sorted(nodes, key=lambda n: 0 if _ld_types(n) & _ARTICLE_TYPES else 1)


def _ld_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document (``@graph`` and nested lists), without recursion."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > 20:
            continue
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in reversed(item))
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend((x, depth + 1) for x in reversed(graph))


def _ld_types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    types = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in types if x}


def _ld_text(value: Any, depth: int = 0) -> str | None:
    """A name out of a JSON-LD value: a string, ``{"name": ...}`` or a list of those."""
    if depth > 8:
        return None  # hostile nesting ([[[[...]]]]) must not exhaust the recursion limit
    if isinstance(value, str):
        # Script text is not entity-decoded by the HTML parser; "&amp;" in JSON-LD means "&".
        return html_entities.unescape(value).strip() or None
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("@value"), depth + 1)
    if isinstance(value, list):
        names = [n for n in (_ld_text(v, depth + 1) for v in value[:20]) if n]
        return "; ".join(dict.fromkeys(names)) or None
    return None


def _ld(nodes: list[dict[str, Any]], field: str, key: str) -> _Found | None:
    for node in nodes:
        if key not in node:
            continue
        value = node[key]
        if key == "url" and not (_ld_types(node) & _ARTICLE_TYPES):
            continue
        if key == "url" and isinstance(value, dict):
            value = value.get("@id")
        text = _ld_text(value)
        if text and not (field == "author" and text.startswith(("http://", "https://"))):
            return _Found(text, f"json-ld:{key}", text)
    return None


def _canonical(tree: HtmlElement) -> _Found | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if href.startswith(("http://", "https://")):
                return _Found(href, "link:canonical", href)
    return None


def _domain(url: str | None) -> _Found | None:
    if not url:
        return None
    host = (urlsplit(url.strip()).hostname or "").removeprefix("www.")
    return _Found(host, "url:domain", url) if "." in host else None


def _h1(tree: HtmlElement) -> _Found | None:
    """The page's headline when it has exactly one ``<h1>``."""
    h1s = list(tree.iter("h1"))
    if len(h1s) != 1:
        return None
    text = _WS.sub(" ", h1s[0].text_content()).strip()
    return _Found(text, "h1", text) if text else None


def _title_element(tree: HtmlElement) -> _Found | None:
    el = tree.find(".//title")
    if el is None:
        return None
    text = _WS.sub(" ", el.text_content()).strip()
    return _Found(text, "title-element", text) if text else None


def _html_lang(tree: HtmlElement) -> _Found | None:
    lang = (tree.get("lang") or tree.get("xml:lang") or "").strip()
    return _Found(lang, "html:lang", lang) if lang else None


def _byline(tree: HtmlElement) -> _Found | None:
    """An author named in a byline element (trafilatura's byline XPaths)."""
    try:
        author = _trafilatura_author(tree)
    except (ValueError, TypeError, RecursionError):
        return None
    return _Found(author, "byline", author) if author else None


# --- dates --------------------------------------------------------------------------------------

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "article:published", "datepublished", "published_time", "publish-date", "publish_date",
    "publishdate", "pubdate", "dc.date.issued", "dcterms.issued", "dc.date.created",
    "dcterms.created", "dc.date", "dcterms.date", "parsely-pub-date", "sailthru.date",
    "article.published", "article_date_original", "original-publish-date", "date",
    "citation_publication_date", "citation_date",
)


def _published(
    tree: HtmlElement,
    meta: dict[str, list[str]],
    ld: list[dict[str, Any]],
    languages: Sequence[str] = ("en",),
) -> _Found | None:
    """The publication date from a date-bearing place, never a guess."""
    is_date = partial(iso_datetime, languages=languages)
    for name in _PUBLISHED_META:
        for content in meta.get(name, ()):
            if is_date(content):
                return _Found(content, f"meta:{name}", content)
    for key in ("datePublished", "dateCreated"):
        for node in ld:
            stated = node.get(key)
            if isinstance(stated, str) and is_date(stated):
                return _Found(stated, f"json-ld:{key}", stated)
    for el in tree.iter():
        if isinstance(el.tag, str) and (el.get("itemprop") or "").lower() == "datepublished":
            text = el.get("datetime") or el.get("content") or el.text_content()
            if text and is_date(text):
                return _Found(text, "itemprop:datePublished", text)
    scopes = _article_scopes(tree)
    times = [t for t in tree.iter("time") if _in_article(t, scopes)]
    for el in times:
        if el.get("pubdate") is not None or "publish" in (el.get("class") or "").lower():
            text = el.get("datetime") or ""
            if is_date(text):
                return _Found(text, "time:pubdate", text)
    for el in times:
        text = el.get("datetime") or ""
        if is_date(text) and not _is_modified(el):
            return _Found(text, "time:datetime", text)
    return _dateline(tree, scopes, languages)


_OFF_ARTICLE = re.compile(
    r"related|sidebar|recommend|promo|teaser|trending|popular|comment|footer|nav|"
    r"widget|most-?read|more-?stories|outbrain|taboola",
    re.IGNORECASE,
)


def _article_scopes(tree: HtmlElement) -> list[HtmlElement]:
    """Elements that hold the article itself: ``<article>``, ``<main>``, the headline's block.

    Dates are read only inside these, so a masthead's "today" or a sidebar teaser's date is
    never taken for the article's.
    """
    scopes = [*tree.iter("article"), *tree.iter("main")]
    for el in tree.iter():
        if isinstance(el.tag, str) and (el.get("itemprop") or "") == "articleBody":
            scopes.append(el)
    h1 = next(tree.iter("h1"), None)
    if h1 is not None:
        block = h1
        for _ in range(3):
            parent = block.getparent()
            if parent is None or parent.tag == "body":
                break
            block = parent
        scopes.append(block)
    return scopes


def _in_article(el: HtmlElement, scopes: list[HtmlElement]) -> bool:
    """Inside an article scope and not inside an aside, nav, footer or teaser list."""
    inside = False
    for anc in (el, *el.iterancestors()):
        if anc.tag in ("aside", "nav", "footer"):
            return False
        marks = f"{anc.get('class') or ''} {anc.get('id') or ''}"
        if _OFF_ARTICLE.search(marks):
            return False
        if any(anc is s for s in scopes):
            inside = True
            break
    return inside


def _is_modified(el: HtmlElement) -> bool:
    """Whether a ``<time>`` element sits in an "updated"/"modified" context."""
    parent = el.getparent()
    for node in (el, parent):
        if node is None:
            continue
        marks = " ".join(filter(None, (node.get("class"), node.get("id"), node.get("itemprop"))))
        if re.search(r"updat|modif", marks, re.IGNORECASE):
            return True
    text = (parent.text_content() if parent is not None else "")[:80]
    return bool(re.search(r"\b(?:updated|modified)\b", text, re.IGNORECASE))


_DATELINE_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:date|dateline|time|timestamp|published|pubdate|post-?date|entry-?date|"
    r"article-?date|byline|meta)(?:$|[\s_-])",
    re.IGNORECASE,
)


def _dateline(
    tree: HtmlElement, scopes: list[HtmlElement], languages: Sequence[str] = ("en",)
) -> _Found | None:
    """A date written in a short element, inside the article, whose class or id says date.

    Only a full day-month-year counts; a year alone (a copyright line) never does. Skipped: a
    line that says "updated" or "modified", an attribution ("— Name on October 13th, 2019")
    and anything inside a quotation (embedded posts carry their own dates).
    """
    for el in tree.iter("span", "div", "p", "time", "li", "small", "abbr"):
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _DATELINE_CONTAINER.search(marks) or re.search(r"updat|modif", marks, re.I):
            continue
        if len(el) > 12:  # a dateline is a short element; skip big containers unread
            continue
        text = _WS.sub(" ", el.text_content()).strip()
        if (
            not text
            or len(text) > 120
            or text[0] in "-–—"
            or re.search(r"updated|modified|©|copyright", text, re.I)
        ):
            continue
        value = _date_in_text(text, languages)
        if value and _in_article(el, scopes) and not any(
            a.tag in ("blockquote", "q") for a in el.iterancestors()
        ):
            return _Found(value, "dateline", text)
    return None


def _date_in_text(text: str, languages: Sequence[str]) -> str | None:
    """ISO value of the first full date in a dateline's text, with its time and zone if stated.

    `locate_date` finds numeric dates and English month names anywhere in the text; for a page
    in another language the whole text goes to `parse_published` in that language (which reads
    a dateline that is only a date, "22 de outubro de 2010", but not one with words around it).
    """
    found = locate_date(text)
    if found is not None:
        return found.value
    return parse_published(text, languages) if languages[0] != "en" else None


# Forms of ISO 8601 that tags and attributes use but `parse_published`, written for dates in
# running text, does not read: a compact date ("20191119"), and after a time a zone name
# ("17:19:53 GMT"), an hour-only offset ("+01") or a decimal comma ("10:45:00,5Z").
_COMPACT_DATE = re.compile(r"(?:19|20)\d{6}")
_ISO_STAMP = re.compile(
    r"(?P<stamp>\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?)(?:[.,]\d+)?"
    r"\s*(?P<zone>Z|GMT|UTC|[+-]\d\d(?::?\d\d)?)?",
    re.IGNORECASE,
)


def iso_datetime(value: str, languages: Sequence[str] = ("en",)) -> str | None:
    """ISO 8601 text for a stated date, keeping time and zone only when stated; else None.

    Accepts what `parse_published` reads (ISO 8601 such as ``2019-11-19T10:45:00Z``, RFC 2822
    such as ``Tue, 19 Nov 2019 10:45:00 GMT``, day-month-year text in ``languages``) plus the
    compact ``20191119`` and the ISO variants of tags and attributes (``...10:45:00 GMT``).
    Dates before 1990 or more than a day in the future are rejected as placeholders.
    """
    text = value.strip()
    if not text or len(text) > 80:
        return None
    if _COMPACT_DATE.fullmatch(text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    stamp = _ISO_STAMP.fullmatch(text)
    if stamp:
        zone = (stamp.group("zone") or "").upper()
        if zone in ("GMT", "UTC"):
            zone = "Z"
        elif len(zone) == 3:  # "+01"
            zone += ":00"
        text = stamp.group("stamp") + zone
    found = parse_published(text, languages)
    return _checked(found) if found else None


def _checked(found: str) -> str | None:
    """``found`` unless it is a placeholder year or more than a day in the future."""
    try:
        moment = datetime.fromisoformat(found)
    except ValueError:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment.year < _MIN_YEAR or aware > datetime.now(UTC) + timedelta(days=1):
        return None
    return found
