"""Lists of links around an article: related headlines, menus, link lists after the text.

A page lists other stories and site sections before and after the article, with or without a
label ("Related", "Most read"). These passes of the junk-line classifier (`parallax.clean.lines`)
find them from the article region it has found: a labelled block anywhere, and unlabelled runs
only outside the article, where a run of headlines or one- and two-word items cannot be the
article's own list once page furniture has closed the article.
"""

from __future__ import annotations

import re

from parallax.clean.features import CLOSERS, Features
from parallax.clean.lexicon import TAG_OPENER_KEYS, is_related_opener, label_key
from parallax.clean.rules import headline_like
from parallax.clean.units import Unit

#: A label followed by its item on the same line ("Related post: Pickled pears").
_INLINE_ITEM = re.compile(r"[:|]\s*[^\s:|]+\s+\S")

#: Furniture of the page around the article (not of the article itself, as a byline, date or
#: caption may be): once one follows the last paragraph, the article has ended.
_PAGE_FURNITURE = frozenset(
    ["ad", "label", "share", "related", "promo", "newsletter", "comments", "cookie", "paywall",
     "icons", "ui", "counter", "copyright", "nav", "disclosure"]
)

#: Furniture that opens the link lists of a page (related stories, share bars, comment
#: prompts): once one follows the last paragraph, the article does not resume. (Newsletter and
#: ad slots are left out: pages put them inside the article too.)
_LIST_OPENERS = frozenset(["related", "share", "comments"])


def mark_link_lists(
    units: list[Unit], feats: list[Features], kinds: list[str | None], first: int, last: int
) -> None:
    """Mark the lists of links of a page, given the article region ``first``..``last``.

    Labelled blocks anywhere ("Related" and its headlines); after the article, everything
    after a link-list opener; then, before the article and past the first piece of page
    furniture after it, unlabelled menus and runs of headlines.
    """
    mark_related_blocks(units, feats, kinds)
    _mark_after_link_lists(units, feats, kinds, last)
    after_furniture = next(
        (i + 1 for i in range(last + 1, len(units)) if kinds[i] in _PAGE_FURNITURE), len(units)
    )
    _mark_menus(units, feats, kinds, after_furniture, len(units))
    _mark_headline_runs(units, feats, kinds, after_furniture, len(units), 3, headed=False)
    if first < len(units):
        _mark_menus(units, feats, kinds, 0, first)
        _mark_headline_runs(units, feats, kinds, 0, first, 4, headed=True)


def _mark_after_link_lists(
    units: list[Unit], feats: list[Features], kinds: list[str | None], last: int
) -> None:
    """Headlines, menu items and labels after the article and after a link-list opener.

    Past the last paragraph a page lists related stories, sections and site links; once a
    "Related", share or comments line stands there, what follows is such lists, except prose:
    a paragraph, a sentence that ends in a full stop (a headline may end in a question mark, a
    late sentence of the article rarely does) or one that introduces what follows ("The
    transcript is below:").
    """
    opened = False
    for i in range(last + 1, len(units)):
        kind = kinds[i]
        if kind is not None:
            opened = opened or kind in _LIST_OPENERS
            continue
        f = feats[i]
        if opened and not (
            f.anchor
            or (f.ends_sentence and not _ends_question(units[i].text))
            or (f.ends_colon and f.sentence_like)
        ):
            kinds[i] = "nav"


def _ends_question(text: str) -> bool:
    return text.rstrip(CLOSERS).endswith(("?", "？"))


def _mark_headline_runs(
    units: list[Unit],
    feats: list[Features],
    kinds: list[str | None],
    start: int,
    end: int,
    min_run: int,
    headed: bool,
) -> None:
    """Unlabelled lists of related headlines before or after the article.

    ``min_run`` or more headline-shaped lines in a row (furniture between them does not break
    the run) outside the article region are a list of links, even without a "Related" label.
    With ``headed``, a run right after a short heading line ("Key points") is kept: the
    article's own list.
    """
    run: list[int] = []
    before: int | None = None  # the kept line before the run
    for i in range(start, end + 1):
        if i < end:
            if kinds[i] is not None:
                continue
            if headline_like(feats[i], units[i].text):
                run.append(i)
                continue
        # A list introduced by a heading of its own ("Key points") belongs to the article.
        introduced = headed and before is not None and feats[before].n_words <= 4
        if len(run) >= min_run and not introduced:
            for j in run:
                kinds[j] = "related"
        run = []
        before = i


def _mark_menus(
    units: list[Unit], feats: list[Features], kinds: list[str | None], start: int, end: int
) -> None:
    """Menus before or after the article: three or more one- or two-word items in a row.

    Section and site links ("Space", "Ideas", "About", "Careers") are too varied for a
    lexicon, but outside the article they come in runs; furniture between them does not
    break a run.
    """
    run: list[int] = []
    for i in range(start, end + 1):
        if i < end:
            if kinds[i] is not None:
                continue
            f = feats[i]
            text = units[i].text
            if 1 <= f.n_words <= 2 and len(text) <= 30 and not f.ends_sentence and not (
                text[:1].isdigit()
            ):
                run.append(i)
                continue
        if len(run) >= 3:
            for j in run:
                kinds[j] = "nav"
        run = []


def mark_related_blocks(
    units: list[Unit], feats: list[Features], kinds: list[str | None]
) -> None:
    """Headlines listed under a "Related" / "Read more" / "Most read" label."""
    i = 0
    n = len(units)
    while i < n:
        f = feats[i]
        opener = kinds[i] in ("label", "related", None) and f.n_words <= 8 and not (
            f.ends_sentence) and is_related_opener(label_key(units[i].text))
        if not opener:
            i += 1
            continue
        key = label_key(units[i].text)
        tags = key in TAG_OPENER_KEYS
        if kinds[i] is None:
            kinds[i] = "label" if tags else "related"
        if _INLINE_ITEM.search(units[i].text):
            i += 1  # "Related post: <headline>" is one link, not the label of a list
            continue
        j = i + 1
        run = 0
        while j < n and run < 10:
            g = feats[j]
            if kinds[j] is not None:
                if g.n_words <= 8 and is_related_opener(label_key(units[j].text)):
                    break  # the next block starts here
                j += 1
                continue
            # Related headlines have no full stop; the article resumes with a sentence, or
            # with a line that introduces what follows ("Here are the highlights:").
            if g.anchor or g.ends_sentence or g.ends_colon or g.n_words > 25:
                break
            if tags:
                if g.n_words > 4:
                    break
                kinds[j] = "label"
                run += 1
                j += 1
                continue
            if g.n_words < 3:
                break
            if g.n_words > 12 and g.n_capital < 0.5 * g.n_words:
                break
            kinds[j] = "related"
            run += 1
            j += 1
        i = j
