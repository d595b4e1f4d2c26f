"""Article text and metadata of an HTML page: trafilatura for the text, stated metadata only.

The body comes from trafilatura (precision mode, tables kept, comments dropped), with
additions measured on the scrapinghub extraction benchmark (``parallax eval extraction``,
F1 0.980 against 0.960 for plain trafilatura): an article body that the page splits into
sibling containers is joined before extraction, lists made mostly of links are dropped, a
headline or dek repeated above the first paragraph is dropped, and body lines that are page
furniture (related-link blocks, share and follow prompts, newsletter offers, read-time
counters, datelines, trailing credits) are dropped afterwards. When precision mode keeps
almost nothing, the balanced mode's result is used if it is several times longer.

Metadata is read only from places where a page states it: meta tags, JSON-LD, ``<time>``
elements, the canonical link, ``<html lang>``, a byline. A field the page does not state is
``None``. Dates get the strictest treatment because the usual tools guess them: htmldate, which
trafilatura calls, returns a footer's copyright year as January 1st or the crawl date when it
finds nothing. Here a date comes from a date-bearing tag, or from a located dateline whose text
is checked to contain the day, month and year; the time and zone are kept when stated.

Offsets into HTML are not kept (see `parallax.model`): ``offsets`` is empty and
``source_text`` is ``""``; each metadata field's evidence names the rule that read it.
"""

from __future__ import annotations

import html as html_entities
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author as _trafilatura_author
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from parallax.errors import InputError
from parallax.model import CleanDocument, Evidence, Metadata, OffsetMap

#: Largest HTML accepted, in characters. Ingest applies the configured byte limit first; this
#: guards direct callers from pathological inputs.
MAX_HTML_CHARS = 20_000_000
#: Longest metadata value kept; longer "titles" are page text caught by a loose tag.
_MAX_META_CHARS = 600
#: Earliest plausible publication year (placeholders such as 0001-01-01 or 1970-01-01 fail it).
_MIN_YEAR = 1990

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class _Found:
    """A metadata value and the rule that read it."""

    value: str
    rule: str
    raw: str = ""


# --- public entry point -------------------------------------------------------------------------


def clean_html(html: str, fields: Mapping[str, Any] | None = None) -> CleanDocument:
    """Main text and metadata of one HTML page.

    ``fields`` are metadata stated by the container (a JSON record, a feed entry, a WARC target
    URI) under Parallax's names; each one given wins over what the page says. Raises
    `InputError` ``no-article-text`` when the page holds no article text, ``oversized`` when it
    is longer than `MAX_HTML_CHARS`.
    """
    fields = fields or {}
    if len(html) > MAX_HTML_CHARS:
        raise InputError(
            "oversized",
            f"the HTML page has {len(html):,} characters, more than the {MAX_HTML_CHARS:,} "
            "that Parallax parses; split the page or extract its text first",
        )
    tree = _parse(html)
    if tree is None:
        raise InputError(
            "no-article-text",
            "the page could not be parsed as HTML (it may be a fragment or another format); "
            "pass the article as plain text or as a full HTML page",
        )
    metadata = read_metadata(tree, fields)
    body = extract_body(tree, url=metadata.url, title=metadata.title, subtitle=metadata.subtitle)
    if not body:
        raise InputError(
            "no-article-text",
            "no article text was found in the HTML page (it may be an index, a login or "
            "consent wall, or a page that builds its text with JavaScript); pass the article "
            "text itself, e.g. as a .txt file or a JSON record with a body field",
        )
    return CleanDocument(
        body=body, offsets=OffsetMap(), removed=(), metadata=metadata, source_text=""
    )


def _parse(html: str) -> HtmlElement | None:
    """The lxml tree, or None when the input is neither an HTML document nor a fragment.

    libxml2 caps nesting depth (255 levels without ``huge_tree``), so deeply nested input is
    flattened by the parser instead of exhausting the recursion of tree walks later.
    """
    if not html.strip():
        return None
    try:
        tree = load_html(html)
        if tree is None and _TAG.search(html[:5000]):
            # A fragment, as feeds carry it ("<p>...</p><p>...</p>"): give it a page to live in.
            tree = load_html(f"<html><body><article>{html}</article></body></html>")
    except (ValueError, TypeError, RecursionError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


_TAG = re.compile(r"<(?:p|div|article|section|h[1-6]|ul|ol|blockquote|span|br|a|em|strong)\b",
                  re.IGNORECASE)


# --- body -------------------------------------------------------------------------------------


def extract_body(
    tree: HtmlElement,
    url: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
) -> str:
    """Article paragraphs of a parsed page joined by blank lines; ``""`` when there are none.

    Precision mode first; when it keeps almost nothing (it sometimes settles on a notice box),
    the balanced mode's result is taken if it is several times longer.
    """
    _join_split_bodies(tree)
    _drop_link_lists(tree)
    lines = _extract_lines(tree, url, title, subtitle, precise=True)
    size = sum(len(line) for line in lines)
    if size < RETRY_BELOW_CHARS:
        wider = _extract_lines(tree, url, title, subtitle, precise=False)
        if sum(len(line) for line in wider) > RETRY_GAIN * max(size, 1):
            lines = wider
    if not any(len(line) >= MIN_LINE_CHARS for line in lines):
        return ""  # only labels and buttons ("Log in", "Share"): no article text
    return "\n\n".join(lines)


#: A body needs at least one line this long; shorter lines alone are labels, not an article.
MIN_LINE_CHARS = 30
#: A precision-mode body shorter than this many characters triggers a balanced-mode retry...
RETRY_BELOW_CHARS = 500
#: ...whose result replaces it when it is this many times longer.
RETRY_GAIN = 3


def _extract_lines(
    tree: HtmlElement, url: str | None, title: str | None, subtitle: str | None, *, precise: bool
) -> list[str]:
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_precision=precise,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
        )
    except RecursionError:
        return []
    body = getattr(doc, "body", None)
    if body is None:
        return []
    _drop_headline_blocks(body, title, subtitle)
    text = xmltotxt(body, False)
    lines = [_clean_line(line) for line in text.split("\n")]
    return drop_furniture([line for line in lines if line], title)


def _drop_headline_blocks(body: Any, title: str | None, subtitle: str | None) -> None:
    """Remove headings above the first paragraph that are the headline or its dek.

    A headline is an ``<h1>`` there or the title repeated; a dek is the description repeated.
    trafilatura keeps them when they sit inside the article container; they are metadata.
    """
    repeats = {_key(t) for t in (title, subtitle) if t}
    seen_paragraph = False
    for block in list(body):
        if block.tag == "head":
            text = _key(" ".join(block.itertext()))
            if not seen_paragraph and (block.get("rend") == "h1" or text in repeats):
                _drop_keep_tail(block)
        elif block.tag == "p":
            seen_paragraph = True


def _drop_keep_tail(el: Any) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _clean_line(line: str) -> str:
    return _WS.sub(" ", _CONTROL.sub("", line)).strip()


# Classes and ids that name an article body container. A page that splits its body into several
# such siblings (ads or embeds between them) loses all but the first to trafilatura, which takes
# the first match of its body XPath.
_BODY_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:article[-_]*body|articlebody|article[-_]*content|story[-_]*body|"
    r"entry[-_]*content|post[-_]*content|body[-_]*text|article[-_]*text|story[-_]*content)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)


def _join_split_bodies(tree: HtmlElement) -> None:
    """Move the children of later sibling body containers into the first one.

    Only containers with identical class attributes under the same grandparent, and inside the
    same ``<article>`` if any, are joined, so the posts of an index page stay apart.
    """
    groups: dict[tuple[int, str], list[HtmlElement]] = {}
    for el in tree.iter("div", "section", "article"):
        cls = el.get("class") or ""
        marker = cls if _BODY_CONTAINER.search(cls) else ""
        if not marker and el.get("itemprop") == "articleBody":
            marker = "itemprop=articleBody"
        if not marker:
            continue
        parent = el.getparent()
        anchor = parent.getparent() if parent is not None else None
        if anchor is None:
            continue
        groups.setdefault((id(anchor), marker), []).append(el)
    for members in groups.values():
        if len(members) < 2:
            continue
        # Skip nested matches: a container inside another of the same group is already covered.
        first = members[0]
        home = _enclosing_article(first)
        for other in members[1:]:
            if _is_ancestor(first, other) or _is_ancestor(other, first):
                continue
            if _enclosing_article(other) is not home:
                continue
            for child in list(other):
                first.append(child)


def _enclosing_article(el: HtmlElement) -> HtmlElement | None:
    return next(el.iterancestors("article"), None)


def _is_ancestor(a: HtmlElement, b: HtmlElement) -> bool:
    return any(anc is a for anc in b.iterancestors())


#: A list is navigation (related stories, "more from") when this share of its text is links.
LINK_LIST_RATIO = 0.6


def _drop_link_lists(tree: HtmlElement) -> None:
    """Remove lists of three or more items whose text is mostly link text.

    Such lists are teasers for other pages ("More stories", "Read next"); trafilatura keeps
    them when they sit inside the article container.
    """
    for lst in list(tree.iter("ul", "ol")):
        items = [li for li in lst if li.tag == "li"]
        if len(items) < 3:
            continue
        total = len(_WS.sub("", lst.text_content()))
        if total == 0:
            continue
        linked = sum(len(_WS.sub("", a.text_content())) for a in lst.iter("a"))
        if linked / total >= LINK_LIST_RATIO and lst.getparent() is not None:
            lst.drop_tree()  # keeps the tail text that follows the list


# --- furniture lines ----------------------------------------------------------------------------

# Phrases that introduce links to other articles ("Related: ...", "Read more", "Don't miss").
_RELATED_LEAD = (
    r"related(?: (?:articles?|stories|posts?|content|coverage|reading|news|links))?|"
    r"read (?:more|also|next)|see (?:more|also)|watch|more (?:from|on|about) [\w .'’-]{1,40}|"
    r"you (?:may|might) (?:also )?(?:like|enjoy)|most (?:read|popular|viewed|shared)"
    r"(?: [\w .'’-]{1,30})?|don'?t miss|further reading|editor'?s picks|"
    r"leia (?:mais|também)|veja também|lesen sie auch|mehr zum thema|(?:à )?lire aussi|"
    r"lea también|leer más|ler mais"
)
# Words that are a related-links header only when they stand alone ("More", "Also:").
_RELATED_ONLY_ALONE = (
    r"more|also|trending(?: now)?|recommended(?: for you)?|top stories|more stories"
)
# The phrase alone on a line, or followed by a separator and one link's text.
_RELATED_HEAD = re.compile(rf"^[\[(]?(?:{_RELATED_LEAD})\s*(?:[:|\-–—…]|\.\.\.|$)",
                           re.IGNORECASE)
_RELATED_ALONE = re.compile(
    rf"^[\[(]?(?:{_RELATED_LEAD}|{_RELATED_ONLY_ALONE})\s*[:|\-–—…]?\s*[\])]?$", re.IGNORECASE
)

_FURNITURE: list[tuple[str, re.Pattern[str]]] = [
    ("share", re.compile(
        r"^(?:share(?: this)?(?: article| story| post| page)?(?: on \w+)?|tweet|print(?: article)?|"
        r"e-?mail(?: this)?(?: article| story)?|order reprints|comments?|\d+ comments?|"
        r"(?:view|show|load) comments|tags?|advertisement|advertising|sponsored(?: content)?|"
        r"skip advert(?:isement)?|tell us what you think\W*)\W*$"
        r"|click to (?:share|tweet)\W*$"
        r"|^like this (?:story|article)\?",
        re.IGNORECASE)),
    ("follow", re.compile(
        r"(?:^|[.!?]\s+)(?:follow (?:us|him|her|them|me|@\w+|[\w.'’ -]{1,40}?) on "
        r"(?:twitter|facebook|instagram|linkedin|youtube|tiktok|x|threads|bluesky)\b"
        r"|follow (?:us|him|her|them|me) @\w+|like us on facebook)"
        r"|^(?:e-?mail|contact|reach|write to) [\w.'’ -]{1,40}? at [\w.+-]+@[\w-]+\.\w"
        r"|^follow .{1,80} at (?:https?://|www\.)\S+$",
        re.IGNORECASE)),
    ("subscribe", re.compile(
        r"^(?:sign up|subscribe)\b.{0,120}(?:newsletter|inbox|updates|alerts)"
        r"|delivered (?:straight |right |directly )?to your inbox"
        r"|^get (?:the|our) .{0,60}newsletter"
        r"|^subscribe to (?:our|the) .{0,60}$"
        r"|^if you (?:enjoyed|liked|value|appreciate)d? (?:this|our) (?:article|story|journalism)",
        re.IGNORECASE)),
    ("read-time", re.compile(
        r"^(?:\d+\s*(?:min(?:ute)?s?|mins?)\.?\s*(?:read|de leitura|de lectura|lesezeit)"
        r"|(?:reading time|read time|tempo de leitura|tiempo de lectura|lesezeit|"
        r"temps de lecture)\s*:?\s*\d+\s*\w*)\W*$",
        re.IGNORECASE)),
    ("credit", re.compile(
        r"^\(?(?:(?:additional |with )?reporting by\b.{0,200}(?:editing|writing) by\b"
        r"|(?:additional |with )?reporting by\b[^.]{0,150}\)?\.?$"
        r"|[^.]{0,160}\bcontributed (?:reporting|to (?:this|the) (?:report|story|article))"
        r"(?: from [^.]{1,60})?\.?$"
        r"|(?:source|sources)\s*:\s*[^.]{0,60}$"
        r"|filed under\s*:.{0,120}$)",
        re.IGNORECASE)),
    ("copyright", re.compile(
        r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\))?\s*(?:\d{4}|by\b)|all rights reserved)"
        r"|for (?:your )?personal,? non-?commercial use only",
        re.IGNORECASE)),
    ("timestamp", re.compile(
        r"^(?:updated|last updated|published|posted|first published)(?: on| at)?:?\s"
        r"[^.]{0,40}\d[^.]{0,30}(?:[ap]\.?m\.?)?$",
        re.IGNORECASE)),
]
#: How many lines at the top of a body may be taken for a dateline.
DATELINE_TOP_LINES = 3
_LIST_ITEM = re.compile(r"^(?:[-•*▪►]\s)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+")
# A date in a line: numeric, "Nov 19, 2019", "19 November 2019", "22 de outubro de 2010".
_ANY_DATE = re.compile(
    r"(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d\d|(?:19|20)\d\d[/.-]\d{1,2}[/.-]\d{1,2})(?!\d)"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:de\s+)?[^\W\d]{3,}\.?,?\s+(?:de\s+)?(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# "Listen: https://..." - a one- or two-word label and a bare link.
_LABELLED_LINK = re.compile(r"^[^\W\d]+(?: [^\W\d]+)?\s*:\s*(?:https?://|www\.)\S+$")
_CLOCK = re.compile(r"\b\d{1,2}[:h.]\d{2}\b\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)


def drop_furniture(lines: list[str], title: str | None = None) -> list[str]:
    """Lines that are article text: furniture lines removed, the rest in order.

    A related-links header takes the list items after it along, and, when it stands alone
    ("Don't miss"), the headline-like lines after it too. A line equal to the headline is a
    repeated title.
    """
    title_key = _key(title) if title else ""
    kept: list[str] = []
    block = ""  # "", "items" (list items follow a header) or "headlines" (teaser lines follow)
    for i, line in enumerate(lines):
        if block and (_LIST_ITEM.match(line) or (block == "headlines" and _headline_like(line))):
            continue
        block = ""
        if title_key and _key(line) == title_key:
            continue
        # A bare date or time line is a dateline only at the top; further down it can be a
        # live blog's time stamp or a list of event dates.
        kind = "dateline" if i < DATELINE_TOP_LINES and _dateline_only(line) else None
        kind = kind or furniture_kind(line)
        if kind:
            if kind == "related":
                block = "headlines" if _RELATED_ALONE.match(line) else "items"
            continue
        kept.append(line)
    return kept


def furniture_kind(line: str) -> str | None:
    """The kind of page furniture a body line is, or None for article text."""
    line = _LIST_ITEM.sub("", line)
    if _RELATED_HEAD.match(line) or _RELATED_ALONE.match(line):
        return "related"
    for kind, pattern in _FURNITURE:
        if pattern.search(line):
            return kind
    if _link_heavy(line) or _LABELLED_LINK.match(line):
        return "links"
    return None


def _link_heavy(line: str) -> bool:
    """A line made mostly of two or more URLs or e-mail addresses ("More: URL and URL")."""
    found = [m.group() for m in _URL.finditer(line)]
    return len(found) >= 2 and sum(map(len, found)) >= 0.4 * len(line.replace(" ", ""))


def _dateline_only(line: str) -> bool:
    """A short line that gives a date or time and little else (a dateline, not a sentence)."""
    if len(line) > 80 or line[0] in "-–—" or not (_ANY_DATE.search(line) or _CLOCK.search(line)):
        return False
    if re.search(r"[!?\"”]$", line) or (line.endswith(".") and not re.search(r"[ap]\.m\.$", line)):
        return False
    rest = _CLOCK.sub(" ", _ANY_DATE.sub(" ", line))
    words = [w for w in re.findall(r"[^\W\d_]+", rest) if w.casefold() not in _DATE_WORDS]
    return len(words) <= 3


_DATE_WORDS = {
    "by", "at", "on", "de", "às", "um", "am", "pm", "a", "m", "p", "updated", "published",
    "posted", "utc", "gmt", "est", "edt", "pst", "pdt", "cst", "cdt", "bst", "cet", "cest",
    "ist", "msk", "amt",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "segunda", "terça", "quarta", "quinta",
    "sexta", "sábado", "domingo", "feira", "lunes", "martes", "miércoles", "jueves", "viernes",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
}


def _headline_like(line: str) -> bool:
    """A teaser headline: short, and not ending as a sentence does."""
    return len(line.split()) <= 20 and not re.search(r"[.!?:\"”]$", line)


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


# --- metadata -----------------------------------------------------------------------------------


#: Metadata fields in the order they are read (the outlet falls back on the URL's domain).
FIELDS = ("url", "outlet", "title", "subtitle", "author", "published_at", "language")

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
        "published_at": [lambda: _published(tree, meta, ld)],
        "language": [
            lambda: _html_lang(tree),
            lambda: _meta(meta, "language", "content-language", "og:locale", "dc.language",
                          "language"),
            lambda: _ld(ld, "language", "inLanguage"),
        ],
    }
    for name in FIELDS:
        candidates: list[_Reader] = [partial(_field, fields, name), *readers[name]]
        for read in candidates:
            item = read()
            value = _normalise(name, item.value) if item is not None else None
            if item is not None and value is not None:
                values[name] = value
                evidence[name] = Evidence(None, None, item.rule, item.raw or item.value)
                break
    title, outlet = values["title"], values["outlet"]
    if title and outlet:
        values["title"] = _strip_site_suffix(title, outlet)
    return Metadata(evidence=evidence, **values)


def _first(*items: _Found | None) -> _Found | None:
    return next((i for i in items if i is not None and i.value.strip()), None)


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


def _normalise(name: str, value: str) -> str | None:
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
        return iso_datetime(value)
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
    key = _key(outlet)
    for sep in (" | ", " - ", " – ", " — ", " :: ", " · "):
        head, _, tail = title.rpartition(sep)
        if head and key and _key(tail) == key:
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


def _ld_text(value: Any) -> str | None:
    """A name out of a JSON-LD value: a string, ``{"name": ...}`` or a list of those."""
    if isinstance(value, str):
        # Script text is not entity-decoded by the HTML parser; "&amp;" in JSON-LD means "&".
        return html_entities.unescape(value).strip() or None
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("@value"))
    if isinstance(value, list):
        names = [n for n in (_ld_text(v) for v in value[:20]) if n]
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
    tree: HtmlElement, meta: dict[str, list[str]], ld: list[dict[str, Any]]
) -> _Found | None:
    """The publication date from a date-bearing place, never a guess."""
    for name in _PUBLISHED_META:
        for content in meta.get(name, ()):
            if iso_datetime(content):
                return _Found(content, f"meta:{name}", content)
    for key in ("datePublished", "dateCreated"):
        for node in ld:
            stated = node.get(key)
            if isinstance(stated, str) and iso_datetime(stated):
                return _Found(stated, f"json-ld:{key}", stated)
    for el in tree.iter():
        if isinstance(el.tag, str) and (el.get("itemprop") or "").lower() == "datepublished":
            text = el.get("datetime") or el.get("content") or el.text_content()
            if text and iso_datetime(text):
                return _Found(text, "itemprop:datePublished", text)
    scopes = _article_scopes(tree)
    times = [t for t in tree.iter("time") if _in_article(t, scopes)]
    for el in times:
        if el.get("pubdate") is not None or "publish" in (el.get("class") or "").lower():
            text = el.get("datetime") or ""
            if iso_datetime(text):
                return _Found(text, "time:pubdate", text)
    for el in times:
        text = el.get("datetime") or ""
        if iso_datetime(text) and not _is_modified(el):
            return _Found(text, "time:datetime", text)
    return _dateline(tree, scopes)


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


# Month names as datelines write them, in the languages most news pages use; numbers 1-12.
_MONTH_NAMES = (
    "january jan|february feb|march mar|april apr|may|june jun|july jul|august aug|"
    "september sep sept|october oct|november nov|december dec",
    # es / pt / fr / it / de / nl / ru (genitive, as in "19 ноября 2019")
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre setiembre|octubre|"
    "noviembre|diciembre",
    "janeiro|fevereiro|março marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|"
    "dezembro",
    "janvier|février fevrier|mars|avril|mai|juin|juillet|août aout|septembre|octobre|"
    "novembre|décembre decembre",
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|"
    "dicembre",
    "januar jänner|februar|märz maerz|april|mai|juni|juli|august|september|oktober|"
    "november|dezember",
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december",
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
)
_MONTHS: dict[str, int] = {}
for _table in _MONTH_NAMES:
    for _number, _names in enumerate(_table.split("|"), start=1):
        for _name in _names.split():
            _MONTHS.setdefault(_name, _number)
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
# An optional clock time after the date: ", 9:02 AM", " at 11:04 a.m. EST", " - 11:28 GMT".
_TIME_AFTER = (
    r"(?:\s*(?:,|-|–|—|\||at|às|um|à|a las|alle)?\s*(?P<hh>\d{1,2})[:h](?P<mm>\d{2})"
    r"(?::(?P<ss>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?\s*(?P<tz>[A-Z]{2,4}\b)?)?"
)
_DATELINE_PATTERNS = [
    # 2019-11-19, 2019/11/19, 2019.11.19
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"
               + _TIME_AFTER),
    # November 19, 2019 / Nov. 19th 2019
    re.compile(rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
               rf"(?P<y>(?:19|20)\d\d)\b" + _TIME_AFTER, re.IGNORECASE),
    # 19 November 2019 / 19. November 2019 / 22 de outubro de 2010 / 19 ноября 2019
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?"
               rf"(?P<mon>{_MONTH_RE})\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)\b" + _TIME_AFTER,
               re.IGNORECASE),
    # 19.11.2019 (day first, as written outside the US)
    re.compile(r"(?<!\d)(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?!\d)"
               + _TIME_AFTER),
]
#: Zone abbreviations with one meaning; others (IST, CST, BST) are left out, not guessed.
_ZONES = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00", "EST": "-05:00", "EDT": "-04:00",
    "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00",
    "CET": "+01:00", "CEST": "+02:00", "MSK": "+03:00", "JST": "+09:00", "KST": "+09:00",
    "AEST": "+10:00", "AEDT": "+11:00",
}
_DATELINE_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:date|dateline|time|timestamp|published|pubdate|post-?date|entry-?date|"
    r"article-?date|byline|meta)(?:$|[\s_-])",
    re.IGNORECASE,
)


def _dateline(tree: HtmlElement, scopes: list[HtmlElement]) -> _Found | None:
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
        value = _date_in_text(text)
        if value and _in_article(el, scopes) and not any(
            a.tag in ("blockquote", "q") for a in el.iterancestors()
        ):
            return _Found(value, "dateline", text)
    return None


def _date_in_text(text: str) -> str | None:
    """ISO date (and time, with its zone when one is named) of the first full date in text."""
    for pattern in _DATELINE_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groupdict()
            month = _MONTHS.get(g["mon"].lower()) if g.get("mon") else int(g["m"])
            try:
                day = date(int(g["y"]), month or 0, int(g["d"]))
            except ValueError:
                continue
            if g.get("hh") is None:
                return day.isoformat()
            hour, minute = int(g["hh"]), int(g["mm"])
            ampm = (g.get("ampm") or "").replace(".", "").replace(" ", "").lower()
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                return day.isoformat()
            zone = _ZONES.get((g.get("tz") or "").upper(), "")
            second = int(g["ss"]) if g.get("ss") else 0
            return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{zone}"
    return None


_ISO_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<frac>[.,]\d+)?"
    r"\s*(?P<tz>Z|z|[+-]\d{2}:?\d{2}|[+-]\d{2}|UTC|GMT)?)?$"
)


def iso_datetime(value: str) -> str | None:
    """ISO 8601 text for a stated date, keeping time and zone only when stated; else None.

    Accepts ISO 8601 (``2019-11-19``, ``2019-11-19T10:45:00Z``, ``...+05:30``), compact
    ``20191119``, RFC 2822 (``Tue, 19 Nov 2019 10:45:00 GMT``) and day-month-year text.
    Dates before 1990 or more than a day in the future are rejected as placeholders.
    """
    text = value.strip()
    if not text or len(text) > 80:
        return None
    m = _ISO_RE.match(text)
    if m:
        try:
            day = date.fromisoformat(m.group("date"))
        except ValueError:
            return None
        if not m.group("time"):
            return _checked(datetime(day.year, day.month, day.day), day.isoformat())
        clock = m.group("time") + (":00" if len(m.group("time")) == 5 else "")
        tz = m.group("tz") or ""
        if tz.upper() in ("Z", "UTC", "GMT"):
            tz = "+00:00"
        elif tz and ":" not in tz:
            tz = f"{tz[:3]}:{tz[3:] or '00'}"
        try:
            parsed = datetime.fromisoformat(f"{day.isoformat()}T{clock}{tz}")
        except ValueError:
            return None
        return _checked(parsed, parsed.isoformat())
    if re.fullmatch(r"(?:19|20)\d{6}", text):
        try:
            day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
        return _checked(datetime(day.year, day.month, day.day), day.isoformat())
    if re.match(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        return _checked(parsed, parsed.isoformat())
    found = _date_in_text(text)
    if found and len(text) <= 40:
        return _checked(datetime.fromisoformat(found), found)
    return None


def _checked(moment: datetime, text: str) -> str | None:
    now = datetime.now(UTC)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment.year < _MIN_YEAR or aware > now + timedelta(days=1):
        return None
    return text
