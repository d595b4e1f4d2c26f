"""The junk-line classifier: which lines of scraped article text are page furniture.

Scraped text keeps the furniture of the page it came from: icon-sprite names, share and follow
bars, photo captions and credits, read-time counters, comment policies, player timers, "Related"
labels, teasers that repeat the lead, repeated titles, trailing bylines. This module splits a text
into lines, describes each line with cheap features, and decides per line (or per block of a
hard-wrapped text) whether it is article text or furniture of a given kind.

How it decides, in three passes, all linear in the size of the text:

1. *Strong* rules that hold anywhere: lexicons of furniture phrases matched against the whole
   line ("Advertisement", "Follow us on: Facebook, Twitter"), player timers, icon lists, photo
   credits, comment policies, a teaser that is a prefix of a later paragraph, a line repeated
   word for word.
2. The article region: the first to the last *anchor*, a line that reads like prose (long,
   sentence punctuation, function words). Lines before it form the header, lines after it the
   footer.
3. *Weak* rules that only hold in the header or footer, where furniture is expected: the title
   and subtitle, date lines, bylines and lone names, captions without a credit, author bios,
   section labels; and lists of links (`parallax.clean.lists`): blocks of related headlines
   under a label anywhere, and before or after the article unlabelled runs of headlines,
   menus, and whatever follows a "Related" or share line after the last paragraph.

When unsure a line is kept: removing an article sentence is worse than leaving a label in.

The parts live in their own modules: `parallax.clean.units` (lines, units, decisions),
`parallax.clean.features` (per-unit features), `parallax.clean.lexicon` (phrases and
patterns), `parallax.clean.rules` (per-unit rules) and `parallax.clean.lists` (lists of
links); this module holds the other passes and re-exports the names callers use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parallax.clean.dates import locate_date
from parallax.clean.features import CLOSERS, WORD, Features, features
from parallax.clean.lexicon import (
    BIO,
    BYLINE,
    CAPTION_VERB,
    DATE_HEADS,
    DESK,
    SECTION_LABELS,
    STOPWORDS,
    label_key,
)
from parallax.clean.lists import mark_link_lists
from parallax.clean.rules import (
    byline_like,
    date_line,
    date_prefix,
    name_shaped,
    similar_title,
    strong_kind,
    title_like,
)
from parallax.clean.units import Decision, Line, Unit, is_hard_wrapped, make_units, split_lines

__all__ = [
    "STOPWORDS",
    "Decision",
    "Features",
    "Hints",
    "Line",
    "Unit",
    "classify",
    "date_prefix",
    "features",
    "is_hard_wrapped",
    "junk_kinds",
    "make_units",
    "split_lines",
    "strong_kind",
]


@dataclass(frozen=True, slots=True)
class Hints:
    """What the container stated about the text: used to recognise title and subtitle lines."""

    title: str | None = None
    subtitle: str | None = None


#: Repeat and teaser checks look at most this many units (so huge inputs stay linear).
_MAX_COMPARE = 4000
_MAX_TEASERS = 50


def classify(units: list[Unit], hints: Hints | None = None) -> list[Decision]:
    """Decide for each unit whether it is article text or furniture (and which kind)."""
    hints = hints or Hints()
    feats = [features(u.text) for u in units]
    kinds: list[str | None] = [strong_kind(u.text, f) for u, f in zip(units, feats, strict=True)]
    cuts = [0] * len(units)

    _mark_teasers_and_repeats(units, feats, kinds)
    _mark_date_prefixes(units, feats, kinds, cuts)

    _mark_captions_with_dates(units, feats, kinds)
    anchors = [
        i
        for i, f in enumerate(feats)
        if cuts[i] > 0 or (kinds[i] is None and f.anchor and not date_line(units[i].text, f))
    ]
    # An author bio closing the page reads like prose; it must not extend the article.
    while (
        len(anchors) > 1
        and BIO.match(units[anchors[-1]].text)
        and feats[anchors[-1]].n_words <= 60
    ):
        anchors.pop()
    first = anchors[0] if anchors else len(units)
    last = anchors[-1] if anchors else len(units) - 1

    title_index = _mark_header(units, feats, kinds, first, hints)
    if title_index is not None and first < len(units) and _caption_before_byline(
        units, feats, kinds, first
    ):
        kinds[first] = "caption"
        later = [i for i in anchors if i > first]
        first = later[0] if later else len(units)
        _mark_header(units, feats, kinds, first, hints)
    _mark_title_repeats(units, feats, kinds, title_index, hints)
    _mark_footer(units, feats, kinds, last)
    mark_link_lists(units, feats, kinds, first, last)
    _mark_body_dates(units, feats, kinds, first, last)

    # Decisions are immutable, so units with the same outcome share one.
    keep = Decision()
    dropped: dict[str, Decision] = {}
    decisions = []
    for kind, cut in zip(kinds, cuts, strict=True):
        if kind is not None:
            decision = dropped.get(kind)
            if decision is None:
                decision = dropped[kind] = Decision(kind)
            decisions.append(decision)
        elif cut:
            decisions.append(Decision("date", cut))  # a date glued to the first sentence
        else:
            decisions.append(keep)
    return decisions


def _mark_captions_with_dates(
    units: list[Unit], feats: list[Features], kinds: list[str | None]
) -> None:
    """Agency-style captions inside the text: "X speaks during Y in Z, Sunday, Nov. 17, 2019."."""
    for i, unit in enumerate(units):
        f = feats[i]
        if (
            kinds[i] is None
            and f.n_words <= 45
            and CAPTION_VERB.match(unit.text)
            and f.sentences <= 2
        ):
            found = locate_date(unit.text)
            if found is not None and found.end >= len(unit.text.rstrip(CLOSERS + ".")) - 2:
                kinds[i] = "caption"


def _mark_teasers_and_repeats(
    units: list[Unit], feats: list[Features], kinds: list[str | None]
) -> None:
    seen: dict[str, int] = {}
    limit = min(len(units), _MAX_COMPARE)
    teasers = 0
    # The norms of the units, one per line, so that "a later unit starts with this prefix" is
    # one substring search (norms hold no newline and never end with a space).
    joined = ""
    starts: list[int] = []
    for i in range(limit):
        f = feats[i]
        if kinds[i] is not None or not f.norm:
            continue
        if f.anchor and f.norm in seen and f.stop_ratio >= 0.15:
            # A paragraph printed twice (teaser and text). Short lines may repeat in an
            # article (list items, recipe lines), so only prose counts.
            kinds[i] = "repeat"
            continue
        seen.setdefault(f.norm, i)
        if teasers < _MAX_TEASERS and f.n_words >= 5 and (f.ends_ellipsis or i < 12):
            prefix = f.norm
            if f.ends_ellipsis:
                # The last word may be cut ("assur…"): compare without it.
                prefix = prefix.rsplit(" ", 1)[0]
            elif f.n_words < 8:
                continue
            teasers += 1
            if not starts:
                norms = [g.norm for g in feats[:limit]]
                joined = "\n".join(norms)
                pos = 0
                for norm in norms:
                    starts.append(pos)
                    pos += len(norm) + 1
            if i + 1 < limit and joined.find("\n" + prefix + " ", starts[i + 1] - 1) >= 0:
                kinds[i] = "teaser"


def _mark_date_prefixes(
    units: list[Unit], feats: list[Features], kinds: list[str | None], cuts: list[int]
) -> None:
    for i, unit in enumerate(units[:_MAX_COMPARE]):
        if kinds[i] is not None:
            continue
        first_line = unit.lines[0].text
        if not (first_line[:1].isdigit() or first_line[:1].isalpha()):
            continue
        # A glued date starts with a digit, a weekday, a month or a date label; the unit's
        # first word is the first line's.
        head = feats[i].head
        if feats[i].plain_case and not (head[:1].isdigit() or head in DATE_HEADS):
            continue
        cut = date_prefix(first_line)
        if cut:
            cuts[i] = cut


def _mark_header(
    units: list[Unit],
    feats: list[Features],
    kinds: list[str | None],
    first: int,
    hints: Hints,
) -> int | None:
    """Title, subtitle, dates, bylines, captions and labels before the article. Title index."""
    title_norm = " ".join(WORD.findall(hints.title)).lower() if hints.title else None
    sub_norm = " ".join(WORD.findall(hints.subtitle)).lower() if hints.subtitle else None
    title_index: int | None = None
    subtitle_done = False
    pending_kicker: int | None = None
    end = min(first, len(units), 40)
    for i in range(end):
        if kinds[i] is not None:
            continue
        text, f = units[i].text, feats[i]
        if title_norm and similar_title(f.norm, title_norm):
            kinds[i] = "title"
            title_index = i
            continue
        if sub_norm and similar_title(f.norm, sub_norm):
            kinds[i] = "subtitle"
            subtitle_done = True
            continue
        if date_line(text, f):
            kinds[i] = "date"
            continue
        if byline_like(text, f) and not f.sentence_like:
            kinds[i] = "byline"
            continue
        if DESK.match(text) or (title_index is not None and name_shaped(text, f)):
            kinds[i] = "byline"
            continue
        key = label_key(text)
        if key in SECTION_LABELS:
            kinds[i] = "label"
            continue
        if title_index is None and title_norm is None:
            if title_like(f, text):
                if f.n_words <= 2 and pending_kicker is None and _later_title(units, feats, kinds,
                                                                              i, end):
                    pending_kicker = i
                    kinds[i] = "label"
                    continue
                kinds[i] = "title"
                title_index = i
            continue
        if title_index is not None and not subtitle_done and sub_norm is None:
            subtitle_done = True
            if (title_like(f, text) or (f.ends_colon is False and not f.ends_sentence)) and (
                f.n_words >= 4
            ) and not f.ends_sentence:
                kinds[i] = "subtitle"
                continue
        if CAPTION_VERB.match(text) and f.n_words <= 30 and i + 1 < len(units) and (
            title_index is not None
        ):
            kinds[i] = "caption"
    return title_index


def _caption_before_byline(
    units: list[Unit], feats: list[Features], kinds: list[str | None], i: int
) -> bool:
    """A short caption ("X marches through Y.") between the standfirst and the byline."""
    f = feats[i]
    if f.n_words > 30 or not CAPTION_VERB.match(units[i].text) or f.sentences > 1:
        return False
    for j in range(i + 1, min(len(units), i + 4)):
        if kinds[j] is not None:
            continue
        text = units[j].text
        return bool(DESK.match(text) or name_shaped(text, feats[j]) or (
            BYLINE.match(text) and feats[j].n_words <= 16))
    return False


def _later_title(
    units: list[Unit], feats: list[Features], kinds: list[str | None], i: int, end: int
) -> bool:
    """Whether a longer title-like line follows a one- or two-word kicker line."""
    for j in range(i + 1, min(end, i + 4)):
        if kinds[j] is None:
            return title_like(feats[j], units[j].text) and feats[j].n_words >= 3
    return False


def _mark_title_repeats(
    units: list[Unit],
    feats: list[Features],
    kinds: list[str | None],
    title_index: int | None,
    hints: Hints,
) -> None:
    norms = []
    if title_index is not None:
        norms.append(feats[title_index].norm)
    if hints.title:
        norms.append(" ".join(WORD.findall(hints.title)).lower())
    norms = [n for n in norms if n]
    if not norms:
        return
    for i in range(min(len(units), _MAX_COMPARE)):
        if i == title_index or kinds[i] is not None:
            continue
        if any(feats[i].norm == n for n in norms):
            kinds[i] = "repeat"


def _mark_footer(
    units: list[Unit], feats: list[Features], kinds: list[str | None], last: int
) -> None:
    """Trailing bylines, bios, dates, desk credits and labels after the article."""
    for i in range(last + 1, len(units)):
        if kinds[i] is not None:
            continue
        text, f = units[i].text, feats[i]
        if name_shaped(text, f) or DESK.match(text) or byline_like(text, f):
            kinds[i] = "byline"
        elif BIO.match(text) and f.n_words <= 60:
            kinds[i] = "bio"
        elif date_line(text, f):
            kinds[i] = "date"
        elif label_key(text) in SECTION_LABELS:
            kinds[i] = "label"


def _mark_body_dates(
    units: list[Unit], feats: list[Features], kinds: list[str | None], first: int, last: int
) -> None:
    """A line inside the article that is only a date stamp ("Updated 10:52 GMT")."""
    for i in range(first, min(last + 1, len(units))):
        if kinds[i] is None and not feats[i].sentence_like and date_line(units[i].text, feats[i]):
            kinds[i] = "date"


def junk_kinds() -> Iterable[str]:
    """Every kind the classifier can give (stable strings, stored with removed lines)."""
    return (
        "ad", "label", "timer", "counter", "ui", "share", "icons", "credit", "caption", "comments",
        "newsletter", "cookie", "paywall", "copyright", "promo", "related", "teaser", "repeat",
        "title", "subtitle", "date", "byline", "bio", "disclosure", "nav",
    )

