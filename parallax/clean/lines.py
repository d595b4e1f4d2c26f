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
   section labels, blocks of related headlines.

When unsure a line is kept: removing an article sentence is worse than leaving a label in.

The parts live in their own modules: `parallax.clean.units` (lines, units, decisions),
`parallax.clean.features` (per-unit features), `parallax.clean.lexicon` (phrases and
patterns) and `parallax.clean.rules` (per-unit rules); this module holds the passes and
re-exports the names callers use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parallax.clean.features import STOPWORDS, WORD, Features, features
from parallax.clean.lexicon import (
    BIO,
    BYLINE,
    CAPTION_VERB,
    CLOSERS_DOT,
    DESK,
    SECTION_LABELS,
    TAG_OPENER_KEYS,
    is_related_opener,
    label_key,
)
from parallax.clean.rules import (
    date_line,
    date_prefix,
    name_shaped,
    similar_title,
    strong_kind,
    title_like,
)
from parallax.clean.units import Decision, Line, Unit, is_hard_wrapped, make_units, split_lines
from parallax.clean.dates import locate_date

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


