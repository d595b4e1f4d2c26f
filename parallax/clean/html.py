"""Article text and metadata of an HTML page: trafilatura for the text, stated metadata only.

The body comes from trafilatura (precision mode, tables kept, comments dropped), with
additions measured on the scrapinghub extraction benchmark (``parallax eval extraction``,
F1 0.980 against 0.960 for plain trafilatura): an article body that the page splits into
sibling containers is joined before extraction, lists made mostly of links are dropped, a
headline or dek repeated above the first paragraph is dropped, and body lines that are page
furniture (related-link blocks, share and follow prompts, newsletter offers, read-time
counters, datelines, trailing credits) are dropped afterwards. When precision mode keeps
almost nothing, the balanced mode's result is used if it is several times longer.

Metadata comes from `parallax.clean.html_meta`: only what the page states, with evidence.

Offsets into HTML are not kept (see `parallax.model`): ``offsets`` is empty and
``source_text`` is ``""``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from parallax.clean.html_meta import plain_text, read_metadata, text_key
from parallax.errors import InputError
from parallax.model import CleanDocument, OffsetMap

__all__ = [
    "MAX_HTML_CHARS",
    "MAX_HTML_ELEMENTS",
    "clean_html",
    "drop_furniture",
    "extract_body",
    "furniture_kind",
]

#: Largest HTML accepted, in characters. Ingest applies the configured byte limit first; this
#: guards direct callers from pathological inputs.
MAX_HTML_CHARS = 20_000_000
#: Most elements a page may have. Extraction costs about linear time per element (~150 us here),
#: so this bounds the time one page can take; news pages have a few thousand.
MAX_HTML_ELEMENTS = 100_000

_WS = re.compile(r"\s+")


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
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_HTML_ELEMENTS:
        raise InputError(
            "oversized",
            f"the HTML page has {elements:,} elements, more than the {MAX_HTML_ELEMENTS:,} that "
            "Parallax extracts text from; save the article's own page, or pass its text",
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
    lines = [plain_text(line) for line in text.split("\n")]
    return drop_furniture([line for line in lines if line], title)


def _drop_headline_blocks(body: Any, title: str | None, subtitle: str | None) -> None:
    """Remove headings above the first paragraph that are the headline or its dek.

    A headline is an ``<h1>`` there or the title repeated; a dek is the description repeated.
    trafilatura keeps them when they sit inside the article container; they are metadata.
    """
    repeats = {text_key(t) for t in (title, subtitle) if t}
    seen_paragraph = False
    for block in list(body):
        if block.tag == "head":
            text = text_key(" ".join(block.itertext()))
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
    # Keyed by the element itself, not id(): lxml makes a new proxy object for a node that no
    # Python reference holds, so id() of an unkept parent can change or be reused mid-loop.
    groups: dict[tuple[HtmlElement, str], list[HtmlElement]] = {}
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
        groups.setdefault((anchor, marker), []).append(el)
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
        # A reuse notice opening the line, in the wording publishers and wires share: "This
        # copy is for your personal, non-commercial use only", "This material may not be
        # published, broadcast, rewritten or redistributed".
        r"|^(?:this (?:copy|article|story|material|content) (?:is )?)?"
        r"(?:(?:intended |licensed )?for (?:your )?personal,? non-?commercial use only"
        r"|may not be (?:re)?published, broadcast, rewritten,? or redistributed)",
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
    title_key = text_key(title) if title else ""
    kept: list[str] = []
    block = ""  # "", "items" (list items follow a header) or "headlines" (teaser lines follow)
    for i, line in enumerate(lines):
        if block and (_LIST_ITEM.match(line) or (block == "headlines" and _headline_like(line))):
            continue
        block = ""
        if title_key and text_key(line) == title_key:
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
