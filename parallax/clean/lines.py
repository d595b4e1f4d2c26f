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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from parallax.clean.dates import date_at, is_relative_date, locate_date

# --------------------------------------------------------------------------------------------
# Lines and units


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a lexicon written as prose."""
    return text.split()


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line of the source: 1-based line ``number``, span of its stripped text."""

    number: int
    start: int
    end: int
    text: str
    blank_before: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a unit: keep it (``kind is None``), drop it, or drop a leading part.

    ``cut`` is 0 when the whole unit is dropped; otherwise the first ``cut`` characters of the
    unit's first line are furniture of ``kind`` (a date glued to the first sentence) and the
    rest is kept.
    """

    kind: str | None = None
    cut: int = 0

    @property
    def keeps(self) -> bool:
        """Whether any text of the unit stays in the body."""
        return self.kind is None or self.cut > 0


_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` with exact source offsets of their stripped text."""
    lines: list[Line] = []
    pos = 0
    number = 1
    blank = False
    for m in _LINE_BREAK.finditer(text):
        _add_line(lines, text, pos, m.start(), number, blank)
        blank = not lines or lines[-1].number != number
        pos = m.end()
        number += 1
    _add_line(lines, text, pos, len(text), number, blank)
    return lines


def _add_line(lines: list[Line], text: str, start: int, end: int, number: int, blank: bool) -> None:
    raw = text[start:end]
    stripped = raw.strip()
    if not stripped:
        return
    lead = len(raw) - len(raw.lstrip())
    s = start + lead
    lines.append(Line(number, s, s + len(stripped), stripped, blank or not lines))


@dataclass(frozen=True, slots=True)
class Unit:
    """What the classifier judges: one line, or a paragraph of a hard-wrapped text."""

    lines: tuple[Line, ...]
    text: str


def is_hard_wrapped(lines: list[Line]) -> bool:
    """Whether the text is wrapped at a fixed width, so that a paragraph spans several lines."""
    long_lines = [ln for ln in lines if len(ln.text) >= 30]
    if len(long_lines) < 8:
        return False
    lengths = sorted(len(ln.text) for ln in long_lines)
    if lengths[-1] > 100 or lengths[int(len(lengths) * 0.7)] > 80:
        return False
    # Wrapping breaks lines at arbitrary words, so most continuation lines start in lower case.
    pairs = [(a, b) for a, b in pairwise(lines) if not b.blank_before]
    if len(pairs) < 6:
        return False
    lower_next = sum(1 for _, b in pairs if b.text[0].islower())
    return lower_next >= 0.4 * len(pairs)


def make_units(lines: list[Line]) -> list[Unit]:
    """One unit per line, or per blank-line-separated block when the text is hard-wrapped."""
    if not is_hard_wrapped(lines):
        return [Unit((ln,), ln.text) for ln in lines]
    units: list[Unit] = []
    block: list[Line] = []
    for ln in lines:
        if block and ln.blank_before:
            units.append(Unit(tuple(block), " ".join(b.text for b in block)))
            block = []
        block.append(ln)
    if block:
        units.append(Unit(tuple(block), " ".join(b.text for b in block)))
    return units


# --------------------------------------------------------------------------------------------
# Features

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
_CLOSERS = "\"'”’»)]*_ \t"
_TERMINALS = frozenset(".!?…。！？")
_SENTENCE_BREAK = re.compile(r"[a-z0-9\"”’)\]][.!?…][\"'”’»)]*\s+[\"“‘(]?[A-Z]")

#: Function words of English and of a few other languages news is often scraped in; prose
#: has many of them, furniture few.
STOPWORDS = frozenset(
    _words(
        """
        a about above after again against all also am an and any are as at be because been
        before being below between both but by can could did do does doing down during each
        few for from further had has have having he her here hers herself him himself his
        how i if in into is it its itself just me more most my myself no nor not now of off
        on once only or other our ours out over own same she should so some such than that
        the their theirs them then there these they this those through to too under until up
        very was we were what when where which while who whom why will with would you your
        yours yet said says told according since der die das und ist nicht ein eine zu den
        von mit sich des auf für dem im auch es an als le la les et est un une des du en que
        qui dans pour pas sur au il elle ce el los las y es un una que en por con para del
        se lo su al il lo gli e di che non per una sono o os as um uma não com para do da em
        het een en van ik je dat niet zijn op te и в не на что с он как это по но из к у за
        от то же она так все
        """
    )
)

_NAME_PARTICLES = frozenset(
    _words(
        """
        de da del della der den di du la le van von bin ibn al el st st. mac mc ter ten dos
        das
        """
    )
)


@dataclass(frozen=True, slots=True)
class Features:
    """Cheap facts about a unit's text that the rules read."""

    n_chars: int
    words: tuple[str, ...]
    lowered: frozenset[str]
    n_words: int
    n_stop: int
    n_capital: int
    ends_sentence: bool
    ends_colon: bool
    ends_ellipsis: bool
    sentences: int
    norm: str

    @property
    def stop_ratio(self) -> float:
        """Share of tokens that are function words."""
        return self.n_stop / self.n_words if self.n_words else 0.0

    @property
    def sentence_like(self) -> bool:
        """Reads like prose: punctuated and made of ordinary words."""
        if self.n_words >= 5 and (self.ends_sentence or self.ends_colon):
            return self.stop_ratio >= 0.1 or self.n_words >= 8
        return self.n_words >= 14 and self.stop_ratio >= 0.2

    @property
    def anchor(self) -> bool:
        """Surely article prose: used to find where the article starts and ends.

        A standfirst has no final full stop, so a line without one is an anchor only when it
        is too long to be one.
        """
        if not self.sentence_like:
            return False
        if not (self.ends_sentence or self.ends_colon):
            return self.n_words >= 45
        return self.n_words >= 10 or (self.sentences >= 2 and self.n_words >= 6)


def features(text: str) -> Features:
    """Compute the `Features` of one unit of text."""
    words = tuple(_WORD.findall(text))
    lowered = [w.lower() for w in words]
    n_stop = sum(1 for w in lowered if w in STOPWORDS)
    n_capital = sum(1 for w in words if w[0].isupper())
    tail = text.rstrip(_CLOSERS)
    # Looking at the tail only: a search anchored with $ would scan the whole line.
    ends_sentence = tail[-1:] in _TERMINALS if tail else False
    return Features(
        n_chars=len(text),
        words=words,
        lowered=frozenset(lowered),
        n_words=len(words),
        n_stop=n_stop,
        n_capital=n_capital,
        ends_sentence=ends_sentence,
        ends_colon=tail.endswith(":"),
        ends_ellipsis=tail.endswith(("…", "...")),
        sentences=len(_SENTENCE_BREAK.findall(text)) + (1 if ends_sentence else 0),
        norm=" ".join(lowered),
    )


# --------------------------------------------------------------------------------------------
# Lexicons: furniture phrases, by kind. Matched against a whole line (after `_label_key`).

_LABELS_STRONG: dict[str, str] = {}


def _add_labels(kind: str, words: str) -> None:
    for phrase in " ".join(words.split()).split(","):
        phrase = phrase.strip()
        if phrase:
            _LABELS_STRONG[phrase] = kind


_add_labels("ad", """
advertisement, advertisements, advertising, ad, ads, sponsored, sponsored content, paid content,
promoted, promoted content, partner content, paid post, advertisement continue reading the main
story, advertisement advertisement, ad feedback, report this ad, story continues below
advertisement, content continues below advertisement, article continues below advertisement,
advertisement scroll to continue, ads by google
""")
_add_labels("share", """
share, shares, share this, share this article, share this story, share this post,
share on facebook, share on twitter, share on whatsapp, share via email, share article,
tweet, tweet this, email, e-mail, email this, facebook, twitter, whatsapp, telegram, linkedin,
pinterest, reddit, instagram, youtube, tiktok, flipboard, messenger, threads, bluesky, vk,
google news, rss
""")
_add_labels("label", """
podcast, podcasts, video, videos, watch, watch now, watch live, watch video, live, live updates,
listen, listen now, audio, photo, photos, gallery, photo gallery, image, images, slideshow,
infographic, play video, play, pause, mute, unmute, replay, fullscreen, enlarge, enlarge image,
enlarge this image, toggle caption, caption, hide caption, show caption, image caption,
media caption, expand, collapse, close, open, menu, search, home, toggle navigation, navigation,
loading, please wait, more, see more, view more, show more, load more, continue reading,
continue reading below, continue reading the main story, keep reading, read full story,
read full article, read the full story, read the full article, full story, read more,
read more below, story continues below, story continued below, story continues,
article continues below, content continues below, scroll to continue, scroll down,
scroll to continue with content, skip to content, skip to main content, back to top, top,
listen to this article, listen to article, listen to this story, audio version, print,
print this article, print this page, copy link, link copied, copy url, save, save article,
save for later, saved, bookmark, add to bookmarks, font size, text size, a a, aa, zoom,
this article is more than 1 year old, next, previous, prev, next article, previous article,
next story, previous story, up next, tags, topics, filed under, categories, category, see all,
view all, view gallery, view comments, leave a comment, add a comment, post a comment,
show comments, hide comments, comments, comment, join the conversation, join the discussion,
breaking, breaking news, developing story, just in, exclusive, trending, trending now,
most read, most popular, most viewed, most shared, popular, latest, latest news,
latest stories, latest videos, top stories, top news, editor's picks, editors' picks,
editor picks, don't miss, must read, must watch, also read, see also, also see, read also,
in other news, what to read next, recommended, recommended for you, recommended stories,
recommended articles, you may also like, you might also like, you may be interested in,
more stories, more news, more from, more on this, more on this story, more in, related,
related articles, related stories, related news, related content, related posts,
related topics, related coverage, related links, related video, related videos, from the web,
around the web, sponsored stories, promoted stories, more for you, for you,
subscribe, subscribe now, subscribe today, sign up, sign up now, sign in,
log in, login, logout, log out, register, join, join now, my account, account, profile, user,
username, password, forgot password, newsletter, newsletters, newsletter sign up,
newsletter signup, newsletter sign-up, get alerts, notifications, turn on notifications,
follow, follow us, follow us on, following, unfollow, like, likes, reply, replies, report,
report an error, send feedback, feedback, contact us, about us, privacy policy, cookie policy,
terms of use, terms of service, terms and conditions, accept, accept all, reject all,
manage preferences, cookie settings, ok, got it, i agree, dismiss, image copyright, getty,
advert, sponsored by, presented by, post a comment, like this, source, sources, author, authors,
by, posted by, written by, more on, contribute, donate, donate now, support us, thanks for watching,
you may also be interested in, request reprint & licensing, reprints, licensing, permalink,
click to email this to a friend, click to print, opens in new window, view original, show more
comments, load comments, read comments, skip ad, ad loading, close ad, iklan, anzeige, werbung,
publicité, publicidad, pubblicità, реклама, mehr, lesen sie auch, lire aussi, leer más, leia mais,
teilen, partager, compartir, condividi, partilhar, поделиться, delen, drucken, imprimer,
kommentare, commentaires, comentarios, abonnieren, s'abonner, abonnez-vous, suscríbete,
like loading, loading..., end, (end), keywords, media contact, media contacts, press contact,
contact, contacts, for immediate release, more like this, related reading, further reading
""")


def _label_key(text: str) -> str:
    """A line reduced for lexicon lookup: lower case, no bullets, pipes or end punctuation."""
    key = text.casefold().replace("’", "'")
    key = re.sub(r"[\s|•·▶►»«›‹→←↓↑>#*_=~+]+", " ", key)
    return key.strip(" .:;,!?-–—()[]{}\"'").strip()


#: Section and kicker labels: removed only in the header or footer, since a one-word
#: subheading inside an article looks the same.
_SECTION_LABELS = frozenset(
    _words(
        """
        news world politics business economy markets sport sports entertainment lifestyle
        culture technology tech science health opinion opinions analysis editorial
        editorials commentary columns column features feature investigation investigations
        local national international us u.s uk europe asia africa americas middle east
        elections election environment climate travel food style arts books media education
        weather crime justice military defense defence diplomacy russia ukraine china india
        usa world news top story main story breaking live blog explainer fact check
        factcheck interview report special report insight insights perspective perspectives
        voices letters obituaries
        """
    )
)

_TIMER = re.compile(
    r"(?:(?:duration|video|audio|watch|listen|play(?:ing)?|length|runtime|time)\s*:?\s*)?"
    r"[(\[]?(?:\d{1,2}:)?\d{1,2}:\d{2}[)\]]?(?:\s*/\s*(?:\d{1,2}:)?\d{1,2}:\d{2})?"
    r"(?:\s*(?:min|mins|minutes))?",
    re.IGNORECASE,
)
_COUNTER = re.compile(
    r"(?:(?:reading time|read time|time to read|estimated reading time)\s*:?\s*)?"
    r"(?:\d+\s*(?:-\s*\d+\s*)?(?:min(?:ute)?s?|mins?|m)\.?\s*(?:read|reading|watch|listen)\b"
    r"|(?:\d[\d,.]*\s*[km]?\s*(?:comments?|views?|shares?|likes?|reads?|reactions?|replies|"
    r"responses|votes?|photos?|images?|pictures|videos?|followers|subscribers|fans)))"
    r"(?:[\s|•·,/]*(?:\d[\d,.]*\s*[km]?|\d[\d,.]*\s*[km]?\s*(?:comments?|views?|shares?|likes?)))*",
    re.IGNORECASE,
)
_READING_TIME = re.compile(r"(?:reading|read) time\s*:?\s*\d+|\d+\s*min(?:ute)?s?\.? read", re.I)
_NUMBERS_ONLY = re.compile(r"\d[\d,.]*[kKmM]?(?:[\s|·•]+\d[\d,.]*[kKmM]?){0,4}")
_GALLERY = re.compile(
    r"(?:(?:next|prev|previous|back)\s+)?(?:image|photo|picture|slide|item)?\s*\d+\s*(?:of|/)\s*\d+"
    r"(?:\s+(?:next|prev|previous))?|(?:slideshow|gallery|photos?|images?|video)\s*\(\s*\d+\s*"
    r"(?:images?|photos?|pictures|slides|videos?)?\s*\)|\d+\s+(?:photos|images|pictures)",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[\W_]+")
_IDENTIFIER = re.compile(
    r"[a-z0-9]+(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+){2,}|[a-z0-9]+(?:-[a-z0-9]+){2,}"
    r"|[a-z]{1,14}|\S*%[0-9A-F]{2}\S*"
)

_SOCIAL = frozenset(
    _words(
        """
        facebook twitter x whatsapp telegram linkedin pinterest reddit instagram youtube
        tiktok flipboard messenger threads bluesky mastodon vk vkontakte ok odnoklassniki
        weibo wechat line viber snapchat tumblr email e-mail mail print rss sms copy link
        google news gmail outlook yahoo pocket digg mix koo
        """
    )
)
_SHARE_WORDS = frozenset(
    _words(
        """
        share shares sharing tweet post pin save follow us on via this article story page
        our and or the to with in link copy url comment comments send like subscribe join
        channel channels official account accounts find connect latest updates news page
        stay updated
        """
    )
)
_PROMO_START = re.compile(
    r"^[\W_]*(?:click here|tap here|follow|join|subscribe|sign up|signup|register|download|"
    r"get|like|add|stay (?:updated|informed|connected|tuned)|never miss|don't miss|do not miss|"
    r"want|interested in|support|become a (?:member|subscriber|patron)|for (?:the )?(?:latest"
    r"|more)|"
    r"be the first|read (?:our|the latest|more)|check out|visit|watch|listen|catch up)\b",
    re.IGNORECASE,
)
_PROMO_TARGET = re.compile(
    r"\b(?:app|apps|newsletters?|channel|channels|inbox|podcast|notifications?|alerts?|"
    r"facebook|twitter|telegram|whatsapp|instagram|youtube|tiktok|linkedin|google news|"
    r"updates|headlines|our (?:site|website|page|coverage|journalism)|membership|"
    r"subscription|subscribers?|donat\w*|homepage|feed)\b|@\w+",
    re.IGNORECASE,
)
_STRONG_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("comments", re.compile(
        r"\bdear readers\b|\bcomment(?:ing)?s? (?:system|policy|policies|section|guidelines|"
        r"rules|are closed|have been closed|are moderated|are disabled)\b"
        r"|\bcommenting\b.*\bregister"
        r"|\bto (?:leave|post|write|add) (?:a )?comments?\b|\bcomments? (?:is"
        r"|are) (?:now )?closed\b"
        r"|\bcommunity (?:guidelines|standards)\b.*\bcomment|\bshow comments\b|\bview comments\b"
        r"|\bjoin the (?:conversation|discussion)\b|\bhide comments\b|\bcomments \(\d+\)"
        r"|\bcomments?\b.{0,24}\b(?:not been |been |are |is )?moderated\b",
        re.IGNORECASE)),
    ("newsletter", re.compile(
        r"\bsign(?:ing)? up (?:for|to) (?:our|daily|weekly|free|breaking)\b|\bsign up here\b"
        r"|\bsign up (?:for|to) the (?:\w+ ){0,3}(?:newsletter|briefing|alerts)\b"
        r"|\bnewsletter sign[- ]?up\b|\bmanage newsletters\b|\bdelivered (?:straight "
        r"|directly |right )?"
        r"(?:to|into) your inbox\b|\b(?:in|to|into) your inbox\b|\benter your e-?mail\b"
        r"|\bby signing up\b|\bthanks? (?:you )?for (?:signing up|subscribing)\b"
        r"|\bsubscribe to (?:our|the) (?:\w+ )?newsletter|\bunsubscribe at any time\b"
        r"|\byou (?:have|'ve) (?:successfully )?subscribed\b|\bget (?:our"
        r"|the) (?:\w+ ){0,3}newsletter"
        r"|\byou(?:'re| are) receiving this (?:e-?mail|newsletter)\b|\bunsubscribe\b",
        re.IGNORECASE)),
    ("cookie", re.compile(
        r"\bwe use cookies\b|\buses cookies\b|\bcookie (?:policy|settings|preferences|consent|"
        r"notice)\b|\baccept (?:all )?cookies\b|\bby continuing to (?:use|browse|visit)\b"
        r"|\b(?:manage|privacy) (?:preferences|settings)\b.*\bcookies?\b",
        re.IGNORECASE)),
    ("paywall", re.compile(
        r"\bsubscribe (?:now )?to (?:continue|keep) reading\b|\balready a (?:subscriber|member)\b"
        r"|\bto continue reading\b|\byou(?:'ve| have) reached your (?:\w+ )?(?:article|story) "
        r"limit\b|\b(?:this|the) (?:content|article|story) is (?:only )?(?:available )?for "
        r"(?:subscribers|members)\b|\blog ?in to (?:continue|read)\b|\bfree articles? (?:left|"
        r"remaining)\b|\bsupport (?:our|independent|quality) journalism\b"
        r"|\bsubscribe (?:now )?for (?:as little as|just|only)\b|\bbecome a (?:member|subscriber)\b"
        r"|\bréservée? aux abonnés\b|\bdéjà abonné|\bil vous reste \d+ ?% de cet article"
        r"|\bnur für abonnenten\b|\bbereits abonnent|\bexclusivo para (?:suscriptores|assinantes)"
        r"|\bya (?:eres|soy) suscriptor",
        re.IGNORECASE)),
    ("copyright", re.compile(
        r"\ball rights reserved\b|\bmay not be (?:published|broadcast|rewritten|redistributed|"
        r"reproduced)\b|\breprint permission\b|\bclick here for reprint|\bopinions expressed\b.*\b"
        r"(?:own|not necessarily)\b|\bdo(?:es)? not necessarily reflect\b|\bavailable without "
        r"charge\b.*\bpublisher",
        re.IGNORECASE)),
    ("disclosure", re.compile(
        r"\b(?:if|when) you (?:buy|purchase|click)\b.{0,40}\b(?:links?|this post|our site)\b"
        r"|\bwe may (?:earn|receive|get) (?:a )?(?:small )?(?:commission|share|affiliate)"
        r"|\baffiliate (?:links?|commissions?)\b|\bmay (?:earn|get) (?:a )?(?:commission|share "
        r"of the sale)",
        re.IGNORECASE)),
    ("share", re.compile(
        r"\(opens in (?:a )?new window\)|\bopens? (?:in )?(?:a )?new (?:tab|window)\b|"
        r"\bsave (?:this |the )?articles? (?:to read later|for later)\b|\breading list\b|"
        r"^\W*share\b.{0,24}\b(?:this|the) (?:article|story|post|page)\b"
        r"|\bread or share this story\b|\bshare this (?:article|story|post)\b|\bshare on "
        r"(?:facebook|twitter|whatsapp|x)\b|\bshare (?:via|by) e-?mail\b",
        re.IGNORECASE)),
    ("promo", re.compile(
        r"\bclick here to\b|\btap here to\b|\bsubscribe to our\b|\bdownload (?:the"
        r"|our) (?:\w+ ){0,3}app\b"
        r"|\bget the (?:\w+ ){0,4}app\b|\b(?:got|have) a (?:news )?(?:tip|story)\b"
        r"|\bsend (?:us )?(?:your )?(?:news )?tips\b|\bvisit (?:our|the) homepage\b"
        r"|\bfollow (?:us|him|her|them) on (?:twitter|x|facebook|instagram|telegram|threads|"
        r"bluesky)\b|\bjoin (?:us|our) (?:on|official|\w+ channel)",
        re.IGNORECASE)),
)

#: Words one of which every strong phrase contains: a cheap test before the regexes.
_TRIGGERS = frozenset(
    _words(
        """
        reader readers comment comments commenting moderated conversation discussion sign
        signing newsletter newsletters inbox enter thanks thank subscribed subscribing
        unsubscribe receiving cookies cookie continuing privacy preferences subscribe
        subscriber subscribers become reading reached log login journalism abonnés abonné
        abonnent abonnenten reste suscriptores assinantes suscriptor rights reprint opinions
        reflect charge share buy purchase click commission affiliate earn window tab later
        tap download app tip tips follow join homepage got
        """
    )
)
#: Phrase kinds that describe one short prompt, not a notice: a long sentence that happens to
#: contain "follow him on Twitter" is prose.
_PHRASE_MAX_WORDS = {"promo": 25, "share": 25, "disclosure": 45}

_CAPTION_PREFIX = re.compile(
    r"^[\W_]*(?:photo(?:graph|s)?|image|images|picture|pictured|foto|file(?: photo| image)?|"
    r"photo credit|image credit|credits?|image source|image caption|media caption|caption|"
    r"illustration|graphic|cover (?:photo|image)|top image|featured image|main image|"
    r"header image|lead image|screenshot|screengrab|video|watch)\s*(?:[:|/—–]|-\s|by\b)"
    r"|^[\W_]*(?:image|photo|media|video) (?:source|caption|credit|copyright)\s*,",
    re.IGNORECASE,
)
_AGENCY = (
    r"(?:AP|AFP|Reuters|REUTERS|EPA|EPA-EFE|Getty Images|Getty|Bloomberg|Xinhua|TASS|Sputnik|"
    r"RIA Novosti|Anadolu(?: Agency)?|NurPhoto|ZUMA(?: Press)?|SOPA Images|Shutterstock|Pool|"
    r"Polaris|Alamy|iStock|PA|PA Images|PA Wire|Rex|Rex Features|Sipa|Sipa USA|UPI|Kyodo|"
    r"Yonhap|IANS|PTI|ANI|dpa|DPA|ANSA|Kremlin|Wikimedia Commons|Wikimedia|Flickr|Unsplash|"
    r"Pixabay|Handout|Courtesy|File)"
)
_CREDIT_SIGNAL = re.compile(
    r"(?i:getty images)|shutterstock|istockphoto|\bistock\b|\balamy\b|\bap photo\b|\bafp photo\b|"
    r"\breuters photo\b|(?i:\bphoto(?:graph)?(?:ed)? (?:by|courtesy)\b|\bphoto credit\b|"
    r"\bimage credit\b|\bimage copyright\b|\bimage source\b|\btoggle caption\b|\bhide caption\b|"
    r"\benlarge this image\b|\bmediabank\b|\bvia getty\b|[.!?]\s+(?:photo|image|picture|foto|"
    r"credit|source)s?\s*(?::|by)\s*[^.!?]{2,60}$)|[(\[](?:photo|image|picture|credit|"
    r"file photo|foto)s?\s*(?::|by)[^)\]]{1,80}[)\]]|\((?:AP|AFP|Reuters|Getty Images|EPA|"
    r"Xinhua|Bloomberg|Pool|Handout)(?: Photo)?(?:/[^)]{1,40})?\)\s*$"
    r"|\b[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*\s?/\s?"
    + _AGENCY + r"\b|\b(?:REUTERS|AFP|AP|EPA|TASS|SPUTNIK)\s?/\s?[A-Z]|(?:©|\(c\))\s*\w",
)
_CAPTION_VERB = re.compile(
    r"^(?:[A-Z“\"][\w.'’\-–]*,?\s+){1,8}(?:\([^)]{1,40}\)\s+)?(?:(?:is|are) (?:seen|pictured|"
    r"shown)|speaks|speak|gestures|gesture|attends|attend|arrives|arrive|looks on|look on|"
    r"looks|listens|listen|walks|walk|waves|wave|poses|pose|sits|sit|stands|stand|holds|hold|"
    r"shakes hands|shake hands|talks|talk|meets|meet|delivers|addresses|leaves|leave|reacts|"
    r"react|gather|gathers|smiles|smile|votes|vote|marches|march|inspects|inspect|greets|greet|"
    r"salutes|salute|prays|pray|walk past|stand guard|take part|takes part|pictured|seen)\b",
)
_BYLINE = re.compile(
    r"^[\W_]*(?:by|written by|words by|posted by|story by|text by|report by|reported by|"
    r"interview by|compiled by|von|par|por|door|di|autor|author|authors)\s*:?\s+"
    r"(?P<name>(?-i:[A-Z@])[^|•·\n]{0,80}?)\s*(?:$|[|•·,;–—]|\s-\s|\bpublished\b|\bupdated\b|"
    r"\bon\s+(?=\w+\s+\d)|\d)",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"^[\W_]*(?:\(?\s*(?:additional )?(?:reporting|writing|editing|research|graphics|"
    r"photography|production) by\b.*|(?:contributing|contributors?|with reporting from)\s*:.*"
    r"|.{0,80}\bcontributed (?:to )?(?:this|the) (?:report|story|article|reporting)\b.*"
    r"|\(?\s*(?:with )?(?:inputs|input) from\b.{0,60}|(?:source|sources|via)\s*:\s*\S.{0,60}"
    r"|(?:this (?:story|article|report) (?:was|is|has been) (?:first )?(?:published|updated|"
    r"produced|written|edited|translated|originally published)).{0,120}"
    r"|(?:this article (?:is|was) (?:based|produced|written) (?:in part )?(?:on|by|in)).{0,120}"
    r"|(?:editing|edited) by\b.*|(?-i:SOURCE)\s+[A-Z].{0,60})$",
    re.IGNORECASE,
)
_DESK = re.compile(
    r"^(?:[A-Z][\w.&'’-]*\s+){0,3}(?:Digital|Desk|Staff|Bureau|Team|Newsroom|Online|Web Desk|"
    r"News Desk|Correspondent|News Service|Wire|Agencies|Staff Writer|Staff Reporter|Web Team|"
    r"Editorial Board|Editors|Reporters|News Agency|Agency|Monitoring|Report)$"
    r"|^(?:[A-Z][\w&'’-]*\s+){0,3}(?i:correspondent|editor|reporter|staff writer|writer|columnist|"
    r"contributor|political editor|chief correspondent)$"
)
_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s+){1,3}(?:(?:is|was|has been|serves as)\s+(?:a|an|the|our)?\s*"
    r"(?:[\w-]+\s+){0,6}(?:reporter|editor|correspondent|columnist|writer|contributor|journalist|"
    r"author|fellow|host|producer|professor|analyst|commentator|director|blogger|"
    r"photographer|researcher|chief|intern|anchor|planner)\b|(?:covers|writes about|reports on)"
    r"\b.*\b(?:for|at)\b)|\b(?:reach|contact|email|follow) (?:him|her|them|the (?:reporter|writer|"
    r"author))\b",
)
#: A lone social handle. (A lone URL may be a reference the article lists: kept.)
_HANDLE_LINE = re.compile(r"^[\W_]*(?:@\w+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)[\W_]*$")
_LABEL_PREFIX = re.compile(
    r"^[\W_]*(?:read more|read also|also read|see also|also see|more|related|recommended|"
    r"don't miss|must read|must watch|trending|watch|listen|photos?|videos?|gallery|opinion|"
    r"related coverage|related stories|related articles|more on this|in case you missed it|"
    r"icymi|read|read next|up next|next|previously|explainer|lesen sie auch|mehr zum thema|"
    r"lire aussi|à lire aussi|leer más|lea también|leia mais|leia também|leggi anche|"
    r"читайте также)\s*(?:[:|]|\s[-–—]\s|-\s)\s*\S",
    re.IGNORECASE,
)
_RELATED_OPENER_KEYS = frozenset(
    k.strip()
    for k in """related, related articles, related stories, related news, related content,
    related posts, related coverage, related links, related video, related videos, read more,
    also read, read also, see also, also see, more stories, more news, more from, more on this,
    more on this story, recommended, recommended for you, recommended stories,
    recommended articles, you may also like, you might also like, you may be interested in,
    you may also be interested in, most read, most popular, most viewed, most shared, trending,
    trending now, latest, latest news, latest stories, top stories, top news, editor's picks,
    editors' picks, in other news, what to read next, up next, from the web, around the web,
    sponsored stories, promoted stories, more for you, don't miss, must read, more like this,
    related reading, further reading, lesen sie auch, lire aussi, leer más, leia mais, mehr zum
    thema, à lire aussi""".replace("\n", " ").split(",")
)
#: Openers of a list of tags, whose items are one or two words.
_TAG_OPENER_KEYS = frozenset(
    ["tags", "topics", "related topics", "keywords", "filed under", "categories", "subjects",
     "more about", "themen", "mots-clés", "temas"]
)


def _is_related_opener(key: str) -> bool:
    if key in _RELATED_OPENER_KEYS or key in _TAG_OPENER_KEYS or key.startswith(
        ("more from ", "more in ", "more stories", "more on ", "related ", "latest from ",
         "also on ", "most read", "most popular", "recommended ", "more news")
    ):
        return True
    return _LABELS_STRONG.get(key) == "label" and key in {
        "related", "read more", "also read", "see also", "more on this", "recommended",
        "you may also like", "you might also like", "most read", "most popular", "trending",
        "latest news", "top stories", "more stories", "don't miss", "must read", "tags",
        "topics", "in other news", "up next", "editor's picks", "more news",
    }


# --------------------------------------------------------------------------------------------
# Rules


def _icons(f: Features, text: str) -> bool:
    if f.n_words < 3 or (f.n_stop > 1 and "icon" not in text.casefold()):
        return False
    with_icon = sum(1 for w in f.words if "icon" in w.lower())
    if with_icon >= 3 and with_icon >= 0.2 * f.n_words:
        return True
    ui = sum(1 for w in f.words if w.lower() in _UI_WORDS)
    return f.n_words >= 5 and f.n_stop <= 1 and ui >= 0.6 * f.n_words and not f.ends_sentence


_UI_WORDS = frozenset(
    _words(
        """
        icon icons arrow arrows chevron caret close menu search share bookmark camera check
        download edit expand compress filter flag play pause mute unmute muted volume sign
        in up out login logout user account mail email print fb tw vk yt ig gp ok tg ins wt
        fm left right down up full tag tags trash swipe step back forward stepback stepfor
        move music file hamburger burger plus minus star heart like home settings gear bell
        notification notifications logo svg sprite facebook twitter whatsapp telegram
        linkedin youtube instagram rss more less next prev previous first last copy link
        zoom fullscreen
        """
    )
)


def _share_bar(f: Features, text: str) -> bool:
    if f.n_words == 0 or f.n_words > 25 or f.sentences >= 2:
        return False
    lowered = [w.lower() for w in f.words]
    social = sum(1 for w in lowered if w in _SOCIAL)
    if social == 0 and "google news" not in f.norm:
        return False
    known = sum(1 for w in lowered if w in _SOCIAL or w in _SHARE_WORDS)
    handles = text.count("@")
    if social >= 2 and (known + handles) >= 0.7 * f.n_words:
        return True
    return social >= 1 and (known + handles) >= 0.85 * f.n_words and f.n_words <= 8


def _promo(f: Features, text: str) -> bool:
    if f.n_words > 30 or f.n_words == 0:
        return False
    if not _PROMO_START.search(text):
        return False
    return _PROMO_TARGET.search(text) is not None


def _lone_ui(f: Features, text: str) -> bool:
    if f.n_words == 0:
        return _SEPARATOR.fullmatch(text) is not None or len(text) <= 3
    if (f.n_words == 1 or " " not in text) and len(text) <= 40:
        if text.endswith((".", "!", "?")) and text[:1].isalpha():
            return False
        token = text.strip(" .:;,!?()[]{}\"'")
        if len(token) <= 1:
            return True
        if _IDENTIFIER.fullmatch(token) and not token.isdigit():
            return True
    return False


_CREDIT_TRIGGERS = frozenset(
    _words(
        """
        getty shutterstock istockphoto istock alamy photo photograph photographed image
        caption credit mediabank picture foto source
        """
    )
)


def _caption_like(f: Features, text: str) -> bool:
    """A photo caption or credit, recognised by a credit signal or a caption/credit prefix."""
    if _CAPTION_PREFIX.search(text):
        # "Photo: AFP. Russian President ..." glued to a long paragraph: unsure, keep.
        return f.n_words <= 60 or f.sentences <= 2
    if f.n_words > 60:
        return False
    if (
        "/" not in text
        and "©" not in text
        and "(" not in text
        and _CREDIT_TRIGGERS.isdisjoint(f.lowered)
    ):
        return False
    if _CREDIT_SIGNAL.search(text) is None:
        return False
    # A sentence that merely mentions Getty Images ends with a period after words; a caption
    # ends with the credit, or is short.
    tail = text.rstrip(_CLOSERS)
    return not (f.sentence_like and tail.endswith(".") and f.n_words > 25 and f.sentences >= 2)


def _counter(f: Features, text: str) -> bool:
    if f.n_words > 12:
        return False
    key = text.strip(" .|•·")
    if _COUNTER.fullmatch(key) or _GALLERY.fullmatch(key):
        return True
    if _READING_TIME.search(text) and f.n_words <= 8:
        return True
    if re.match(r"\d[\d,.]*[km]?\s*(?:followers|subscribers|fans|likes)", key, re.I):
        return True  # "299FollowersFollow"
    return _NUMBERS_ONLY.fullmatch(key) is not None


_AD_PREFIX = re.compile(
    r"^[\W_]*(?:advertisement|sponsored|paid content|partner content|ad)\s*(?:[:|]|\s[-–—]\s)",
    re.IGNORECASE,
)
_TAGS_PREFIX = re.compile(
    r"^[\W_]*(?:tags|tagged|topics|subjects|categories|category|filed under|keywords|"
    r"more about|related topics)\s*:\s*\S",
    re.IGNORECASE,
)
_GLUED_NAV = re.compile(r"^(?:Prev|Previous|Next)(?:Previous|Next|Post|Article)?(?=[A-Z])")


def strong_kind(text: str, f: Features) -> str | None:
    """Furniture kind of a unit that is furniture wherever it stands, else ``None``."""
    if f.n_words <= 14:
        if _AD_PREFIX.match(text):
            return "ad"
        if _TAGS_PREFIX.match(text) and not f.sentences >= 2:
            return "label"
        if _GLUED_NAV.match(text):
            return "related"
        key = _label_key(text)
        kind = _LABELS_STRONG.get(key)
        if kind is not None:
            return kind
        if _TIMER.fullmatch(text.strip(" .|•·")):
            return "timer"
        if _counter(f, text):
            return "counter"
        if _lone_ui(f, text):
            return "ui"
        if _HANDLE_LINE.fullmatch(text):
            return "share"
    if _icons(f, text):
        return "icons"
    if text.lstrip(" \t([").startswith(("©", "(c)", "(C)", "ⓒ")) or re.match(
        r"^\W*copyright\b", text, re.IGNORECASE
    ):
        return "credit" if f.n_words <= 60 else None
    if _caption_like(f, text):
        return "caption"
    if _share_bar(f, text):
        return "share"
    if f.n_words <= 80 and not _TRIGGERS.isdisjoint(f.lowered) and not _quoted(text):
        for kind, pattern in _STRONG_PHRASES:
            if f.n_words > _PHRASE_MAX_WORDS.get(kind, 80):
                continue
            if pattern.search(text):
                return kind
    if _promo(f, text):
        return "promo"
    if f.n_words <= 40 and _CREDIT_LINE.match(text):
        return "credit"
    if f.n_words <= 30 and _LABEL_PREFIX.match(text) and not f.sentences >= 2:
        return "related"
    return None


def _quoted(text: str) -> bool:
    """Whether the line is (mostly) a quotation, where furniture words are someone's words."""
    return text.lstrip()[:1] in "\"“„«" and text.rstrip(_CLOSERS[:-2]).rstrip()[-1:] in "\"”»“"


def _date_line(text: str, f: Features) -> bool:
    """A line that states a date (or time) and little else."""
    if f.n_words > 24:
        return False
    m = locate_date(text)
    if m is None:
        if is_relative_date(text) and f.n_words <= 8 and (
            re.search(r"\d|\b(?:published|updated|posted|modified)\b", text, re.IGNORECASE)
        ):
            return True
        return bool(
            re.fullmatch(
                r"\W*(?:updated|published|posted|last updated|modified)\b.{0,12}\d{1,2}[:.]\d{2}"
                r".{0,16}",
                text,
                re.IGNORECASE,
            )
        )
    rest = (text[: m.start] + " " + text[m.end:]).lower()
    rest = re.sub(
        r"\b(?:updated|update|published|posted|last|first|modified|on|at|date|dated|created|"
        r"issued|gmt|utc|et|bst|msk|cet|edt|est|pst|pdt|am|pm|a\.m|p\.m|time|read|min|mins)\b",
        " ",
        rest,
    )
    m2 = locate_date(rest)
    if m2 is not None:
        rest = rest[: m2.start] + " " + rest[m2.end:]
    rest = re.sub(r"[\W\d_]+", " ", rest).strip()
    return len(rest.split()) <= 2


_DATE_START = re.compile(
    r"\W*(?:\d|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s)",
    re.IGNORECASE,
)


def date_prefix(text: str) -> int:
    """Length of a date glued to the start of a sentence (" date 2025-09-03 Russian ..."), or 0."""
    m = re.match(
        r"\W*(?:date|dated|published(?: on)?|posted(?: on)?|updated(?: on)?|last updated|"
        r"first published(?: on)?)\s*[:\-–|]?\s*",
        text,
        re.IGNORECASE,
    )
    labelled = m is not None
    start = m.end() if m else 0
    if not labelled and not _DATE_START.match(text):
        return 0
    found = date_at(text[start: start + 80])
    if found is None:
        return 0
    end = start + found.end
    rest = text[end:]
    tail = re.match(r"\s*(?:\(\s*updated[^)]{0,60}\)|[|•·,;–—-])?\s*", rest, re.IGNORECASE)
    cut = end + (tail.end() if tail else 0)
    remainder = text[cut:]
    if not remainder or (not remainder[0].isupper() and remainder[0] not in "\"“«'‘"):
        return 0
    has_time = re.search(r"\d[:.]\d\d", text[start:end]) is not None
    if not labelled and not has_time:
        return 0  # "September 3, 2025 marked ..." may be the sentence itself
    if len(_WORD.findall(remainder)) < 4:
        return 0
    return cut


def _name_shaped(text: str, f: Features, allow_outlet: bool = True) -> bool:
    """A lone personal name such as "Eric Hill" (optionally ", Outlet")."""
    if not 2 <= f.n_words <= 7 or f.ends_sentence or f.n_chars > 60:
        return False
    name = text.split(",")[0].strip() if allow_outlet and "," in text else text.strip()
    tokens = name.split()
    if not 2 <= len(tokens) <= 4:
        return False
    for tok in tokens:
        bare = tok.strip(".")
        if bare.lower() in _NAME_PARTICLES:
            continue
        if not bare or not bare[0].isupper() or bare.lower() in STOPWORDS:
            return False
        if not re.fullmatch(r"[^\W\d_]+(?:['’\-.][^\W\d_]+)*\.?", tok):
            return False
        if bare.isupper() and len(bare) > 3:
            return False
    return True


def _title_like(f: Features, text: str) -> bool:
    if not 2 <= f.n_words <= 30 or f.n_chars > 250:
        return False
    tail = text.rstrip(_CLOSERS)
    if tail.endswith((".", ",", ";")) and not tail.endswith("..."):
        return False
    first = next((c for c in text if c.isalpha()), "")
    return bool(first) and not first.islower()


def _similar_title(a: str, b: str) -> bool:
    """Whether two normalised lines are the same title (one may carry "- Outlet" or "| Site")."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 20 and long_.startswith(short) and len(short) >= 0.5 * len(long_)


# --------------------------------------------------------------------------------------------
# The classifier


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
        if cuts[i] > 0 or (kinds[i] is None and f.anchor and not _date_line(units[i].text, f))
    ]
    # An author bio closing the page reads like prose; it must not extend the article.
    while (
        len(anchors) > 1
        and _BIO.match(units[anchors[-1]].text)
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
    _mark_related_blocks(units, feats, kinds)
    _mark_body_dates(units, feats, kinds, first, last)

    decisions = []
    for kind, cut in zip(kinds, cuts, strict=True):
        if kind is not None:
            decisions.append(Decision(kind))
        elif cut:
            decisions.append(Decision("date", cut))  # a date glued to the first sentence
        else:
            decisions.append(Decision())
    return decisions


def _mark_captions_with_dates(
    units: list[Unit], feats: list[Features], kinds: list[str | None]
) -> None:
    """Agency-style captions inside the text: "X speaks during Y in Z, Sunday, Nov. 17, 2019."."""
    for i, unit in enumerate(units):
        f = feats[i]
        if kinds[i] is None and f.n_words <= 45 and f.sentences <= 2 and _CAPTION_VERB.match(
            unit.text
        ):
            found = locate_date(unit.text)
            if found is not None and found.end >= len(unit.text.rstrip(_CLOSERS + ".")) - 2:
                kinds[i] = "caption"


def _mark_teasers_and_repeats(
    units: list[Unit], feats: list[Features], kinds: list[str | None]
) -> None:
    seen: dict[str, int] = {}
    limit = min(len(units), _MAX_COMPARE)
    teasers = 0
    for i in range(limit):
        f = feats[i]
        if kinds[i] is not None or not f.norm:
            continue
        if f.anchor and f.stop_ratio >= 0.15 and f.norm in seen:
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
            for j in range(i + 1, limit):
                other = feats[j].norm
                if len(other) > len(prefix) + 1 and other.startswith(prefix + " "):
                    kinds[i] = "teaser"
                    break


def _mark_date_prefixes(
    units: list[Unit], feats: list[Features], kinds: list[str | None], cuts: list[int]
) -> None:
    for i, unit in enumerate(units[:_MAX_COMPARE]):
        if kinds[i] is not None:
            continue
        first_line = unit.lines[0].text
        if not (first_line[:1].isdigit() or first_line[:1].isalpha()):
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
    title_norm = " ".join(_WORD.findall(hints.title)).lower() if hints.title else None
    sub_norm = " ".join(_WORD.findall(hints.subtitle)).lower() if hints.subtitle else None
    title_index: int | None = None
    subtitle_done = False
    pending_kicker: int | None = None
    end = min(first, len(units), 40)
    for i in range(end):
        if kinds[i] is not None:
            continue
        text, f = units[i].text, feats[i]
        if title_norm and _similar_title(f.norm, title_norm):
            kinds[i] = "title"
            title_index = i
            continue
        if sub_norm and _similar_title(f.norm, sub_norm):
            kinds[i] = "subtitle"
            subtitle_done = True
            continue
        if _date_line(text, f):
            kinds[i] = "date"
            continue
        if _BYLINE.match(text) and f.n_words <= 16 and not f.sentence_like:
            kinds[i] = "byline"
            continue
        if _DESK.match(text) or (title_index is not None and _name_shaped(text, f)):
            kinds[i] = "byline"
            continue
        key = _label_key(text)
        if key in _SECTION_LABELS:
            kinds[i] = "label"
            continue
        if title_index is None and title_norm is None:
            if _title_like(f, text):
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
            if (_title_like(f, text) or (f.ends_colon is False and not f.ends_sentence)) and (
                f.n_words >= 4
            ) and not f.ends_sentence:
                kinds[i] = "subtitle"
                continue
        if _CAPTION_VERB.match(text) and f.n_words <= 30 and i + 1 < len(units) and (
            title_index is not None
        ):
            kinds[i] = "caption"
    return title_index


def _caption_before_byline(
    units: list[Unit], feats: list[Features], kinds: list[str | None], i: int
) -> bool:
    """A short caption ("X marches through Y.") between the standfirst and the byline."""
    f = feats[i]
    if f.n_words > 30 or f.sentences > 1 or not _CAPTION_VERB.match(units[i].text):
        return False
    for j in range(i + 1, min(len(units), i + 4)):
        if kinds[j] is not None:
            continue
        text = units[j].text
        return bool(_DESK.match(text) or _name_shaped(text, feats[j]) or (
            _BYLINE.match(text) and feats[j].n_words <= 16))
    return False


def _later_title(
    units: list[Unit], feats: list[Features], kinds: list[str | None], i: int, end: int
) -> bool:
    """Whether a longer title-like line follows a one- or two-word kicker line."""
    for j in range(i + 1, min(end, i + 4)):
        if kinds[j] is None:
            return _title_like(feats[j], units[j].text) and feats[j].n_words >= 3
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
        norms.append(" ".join(_WORD.findall(hints.title)).lower())
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
        if _name_shaped(text, f) or _DESK.match(text) or (_BYLINE.match(text) and f.n_words <= 16):
            kinds[i] = "byline"
        elif _BIO.match(text) and f.n_words <= 60:
            kinds[i] = "bio"
        elif _date_line(text, f):
            kinds[i] = "date"
        elif _label_key(text) in _SECTION_LABELS:
            kinds[i] = "label"


def _mark_related_blocks(
    units: list[Unit], feats: list[Features], kinds: list[str | None]
) -> None:
    """Headlines listed under a "Related" / "Read more" / "Most read" label."""
    i = 0
    n = len(units)
    while i < n:
        f = feats[i]
        opener = kinds[i] in ("label", "related", None) and f.n_words <= 8 and not (
            f.ends_sentence) and _is_related_opener(_label_key(units[i].text))
        if not opener:
            i += 1
            continue
        key = _label_key(units[i].text)
        tags = key in _TAG_OPENER_KEYS
        if kinds[i] is None:
            kinds[i] = "label" if tags else "related"
        j = i + 1
        run = 0
        while j < n and run < 10:
            g = feats[j]
            if kinds[j] is not None:
                if g.n_words <= 8 and _is_related_opener(_label_key(units[j].text)):
                    break  # the next block starts here
                j += 1
                continue
            # Related headlines have no full stop; the article resumes with a sentence.
            if g.anchor or g.ends_sentence or g.n_words > 25:
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


def _mark_body_dates(
    units: list[Unit], feats: list[Features], kinds: list[str | None], first: int, last: int
) -> None:
    """A line inside the article that is only a date stamp ("Updated 10:52 GMT")."""
    for i in range(first, min(last + 1, len(units))):
        if kinds[i] is None and not feats[i].sentence_like and _date_line(units[i].text, feats[i]):
            kinds[i] = "date"


def junk_kinds() -> Iterable[str]:
    """Every kind the classifier can give (stable strings, stored with removed lines)."""
    return (
        "ad", "label", "timer", "counter", "ui", "share", "icons", "credit", "caption", "comments",
        "newsletter", "cookie", "paywall", "copyright", "promo", "related", "teaser", "repeat",
        "title", "subtitle", "date", "byline", "bio",
    )
