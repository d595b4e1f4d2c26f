"""Lexicons and patterns of page furniture: phrases, labels, credits, bylines, by kind.

Data only (word sets, phrase tables, compiled patterns) plus the two lookups that read them;
the rules that combine them live in `parallax.clean.rules`.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a lexicon written as prose."""
    return text.split()


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

NAME_PARTICLES = frozenset(
    _words(
        """
        de da del della der den di du la le van von bin ibn al el st st. mac mc ter ten dos
        das
        """
    )
)



# --------------------------------------------------------------------------------------------
# Lexicons: furniture phrases, by kind. Matched against a whole line (after `label_key`).

LABELS_STRONG: dict[str, str] = {}


def _add_labels(kind: str, words: str) -> None:
    for phrase in " ".join(words.split()).split(","):
        phrase = phrase.strip()
        if phrase:
            LABELS_STRONG[phrase] = kind


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
contact, contacts, for immediate release, more like this, related reading, further reading,
updated, posted, published, publish date, published date, date published, last updated,
last modified, learn more, get short url, short url, browse all posts, all posts, sections,
email me
""")
_add_labels("share", """
share on, share via, share to, share permalink, share this entry, share this page,
share with friends, share it with friends
""")


def label_key(text: str) -> str:
    """A line reduced for lexicon lookup: lower case, no bullets, pipes or end punctuation."""
    key = text.casefold().replace("’", "'")
    key = re.sub(r"[\s|•·▶►»«›‹→←↓↑>#*_=~+]+", " ", key)
    return key.strip(" .:;,!?-–—()[]{}\"'").strip()


#: Section and kicker labels: removed only in the header or footer, since a one-word
#: subheading inside an article looks the same.
SECTION_LABELS = frozenset(
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

TIMER = re.compile(
    r"(?:(?:duration|video|audio|watch|listen|play(?:ing)?|length|runtime|time)\s*:?\s*)?"
    r"[(\[]?(?:\d{1,2}:)?\d{1,2}:\d{2}[)\]]?(?:\s*/\s*(?:\d{1,2}:)?\d{1,2}:\d{2})?"
    r"(?:\s*(?:min|mins|minutes))?",
    re.IGNORECASE,
)
# Possessive quantifiers (*+, ++) and atomic groups keep these linear: the earlier forms let a
# run of digits or spaces be split many ways, so a short line such as "5 comments 111...1x"
# took exponential time to fail (found by tests/reliability).
COUNTER = re.compile(
    r"(?:(?:reading time|read time|time to read|estimated reading time)\s*+:?\s*+)?"
    r"(?:\d++\s*+(?:-\s*+\d++\s*+)?(?:min(?:ute)?s?|mins?|m)\.?\s*+(?:read|reading|watch|listen)\b"
    r"|(?:\d[\d,.]*+\s*+[km]?\s*+(?:comments?|views?|shares?|likes?|reads?|reactions?|replies|"
    r"responses|votes?|photos?|images?|pictures|videos?|followers|subscribers|fans)))"
    r"(?>[\s|•·,/]*+\d[\d,.]*+\s*+[km]?(?:\s*+(?:comments?|views?|shares?|likes?))?)*",
    re.IGNORECASE,
)
READING_TIME = re.compile(
    r"(?:reading|read) time\s*+:?\s*+\d|(?<!\d)\d++\s*+min(?:ute)?s?\.? read", re.I
)
NUMBERS_ONLY = re.compile(r"\d[\d,.]*[kKmM]?(?:[\s|·•]+\d[\d,.]*[kKmM]?){0,4}")
GALLERY = re.compile(
    r"(?:(?:next|prev|previous|back)\s+)?(?:image|photo|picture|slide|item)?\s*\d+\s*(?:of|/)\s*\d+"
    r"(?:\s+(?:next|prev|previous))?|(?:slideshow|gallery|photos?|images?|video)\s*\(\s*\d+\s*"
    r"(?:images?|photos?|pictures|slides|videos?)?\s*\)|\d+\s+(?:photos|images|pictures)",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"[\W_]+")
IDENTIFIER = re.compile(
    r"[a-z0-9]+(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+){2,}|[a-z0-9]+(?:-[a-z0-9]+){2,}"
    r"|[a-z]{1,14}|\S*%[0-9A-F]{2}\S*"
)

SOCIAL = frozenset(
    _words(
        """
        facebook twitter x whatsapp telegram linkedin pinterest reddit instagram youtube
        tiktok flipboard messenger threads bluesky mastodon vk vkontakte ok odnoklassniki
        weibo wechat line viber snapchat tumblr email e-mail mail print rss sms copy link
        google news gmail outlook yahoo pocket digg mix koo
        """
    )
)
SHARE_WORDS = frozenset(
    _words(
        """
        share shares sharing tweet post pin save follow us on via this article story page
        our and or the to with in link copy url comment comments send like subscribe join
        channel channels official account accounts find connect latest updates news page
        stay updated
        """
    )
)
PROMO_START = re.compile(
    r"^[\W_]*(?:click here|tap here|follow|join|subscribe|sign up|signup|register|download|"
    r"get|like|add|stay (?:updated|informed|connected|tuned)|never miss|don't miss|do not miss|"
    r"want|interested in|support|become a (?:member|subscriber|patron)|for (?:the )?(?:latest"
    r"|more)|"
    r"be the first|read (?:our|the latest|more)|check out|visit|watch|listen|catch up)\b",
    re.IGNORECASE,
)
PROMO_TARGET = re.compile(
    r"\b(?:app|apps|newsletters?|channel|channels|inbox|podcast|notifications?|alerts?|"
    r"facebook|twitter|telegram|whatsapp|instagram|youtube|tiktok|linkedin|google news|"
    r"updates|headlines|our (?:site|website|page|coverage|journalism)|membership|"
    r"subscription|subscribers?|donat\w*|homepage|feed)\b|@\w+",
    re.IGNORECASE,
)
#: Furniture phrases by kind, tried in order, each with the literals (in lower case) one of
#: which its every match contains (a line without them skips the pattern).
STRONG_PHRASES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "comments",
        ("comment", "reader", "join the"),
        re.compile(
            r"\bdear readers\b|\bcomment(?:ing)?s? (?:system|policy|policies|section|guidelines|"
            r"rules|are closed|have been closed|are moderated|are disabled)\b"
            r"|\bcommenting\b.*\bregister"
            r"|\bto (?:leave|post|write|add) (?:a )?comments?\b|\bcomments? (?:is"
            r"|are) (?:now )?closed\b"
            r"|\bcommunity (?:guidelines|standards)\b.*\bcomment|\bshow comments\b"
            r"|\bview comments\b"
            r"|\bjoin the (?:conversation|discussion)\b|\bhide comments\b|\bcomments \(\d+\)"
            r"|\bcomments?\b.{0,24}\b(?:not been |been |are |is )?moderated\b",
            re.IGNORECASE,
        ),
    ),
    (
        "newsletter",
        ("sign", "newsletter", "inbox", "enter your", "thank", "subscribe", "receiving this"),
        re.compile(
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
            re.IGNORECASE,
        ),
    ),
    (
        "cookie",
        ("cookie", "by continuing"),
        re.compile(
            r"\bwe use cookies\b|\buses cookies\b|\bcookie (?:policy|settings|preferences|consent|"
            r"notice)\b|\baccept (?:all )?cookies\b|\bby continuing to (?:use|browse|visit)\b"
            r"|\b(?:manage|privacy) (?:preferences|settings)\b.*\bcookies?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "paywall",
        ("subscribe", "already a", "continue reading", "reached your", "for subscribers",
         "for members", "log", "free article", "journalism", "become a", "abonn", "il vous reste",
         "exclusivo para", "suscriptor"),
        re.compile(
            r"\bsubscribe (?:now )?to (?:continue|keep) reading\b"
            r"|\balready a (?:subscriber|member)\b"
            r"|\bto continue reading\b|\byou(?:'ve| have) reached your (?:\w+ )?(?:article|story) "
            r"limit\b|\b(?:this|the) (?:content|article|story) is (?:only )?(?:available )?for "
            r"(?:subscribers|members)\b|\blog ?in to (?:continue|read)\b|\bfree articles? (?:left|"
            r"remaining)\b|\bsupport (?:our|independent|quality) journalism\b"
            r"|\bsubscribe (?:now )?for (?:as little as|just|only)\b"
            r"|\bbecome a (?:member|subscriber)\b"
            r"|\bréservée? aux abonnés\b|\bdéjà abonné|\bil vous reste \d+ ?% de cet article"
            r"|\bnur für abonnenten\b|\bbereits abonnent"
            r"|\bexclusivo para (?:suscriptores|assinantes)"
            r"|\bya (?:eres|soy) suscriptor",
            re.IGNORECASE,
        ),
    ),
    (
        "copyright",
        ("all rights reserved", "may not be", "reprint", "opinions expressed",
         "not necessarily reflect", "available without charge"),
        re.compile(
            r"\ball rights reserved\b|\bmay not be (?:published|broadcast|rewritten|redistributed|"
            r"reproduced)\b|\breprint permission\b|\bclick here for reprint"
            r"|\bopinions expressed\b.*\b"
            r"(?:own|not necessarily)\b|\bdo(?:es)? not necessarily reflect\b|\bavailable without "
            r"charge\b.*\bpublisher",
            re.IGNORECASE,
        ),
    ),
    (
        "disclosure",
        ("you buy", "you purchase", "you click", "we may", "affiliate", "may earn", "may get"),
        re.compile(
            r"\b(?:if|when) you (?:buy|purchase|click)\b.{0,40}\b(?:links?|this post|our site)\b"
            r"|\bwe may (?:earn|receive|get) (?:a )?(?:small )?(?:commission|share|affiliate)"
            r"|\baffiliate (?:links?|commissions?)\b|\bmay (?:earn|get) (?:a )?(?:commission|share "
            r"of the sale)",
            re.IGNORECASE,
        ),
    ),
    (
        "share",
        ("opens in", "new tab", "new window", "later", "reading list", "share"),
        re.compile(
            r"\(opens in (?:a )?new window\)|\bopens? (?:in )?(?:a )?new (?:tab|window)\b|"
            r"\bsave (?:this |the )?articles? (?:to read later|for later)\b|\breading list\b|"
            r"^\W*share\b.{0,24}\b(?:this|the) (?:article|story|post|page)\b"
            r"|\bread or share this story\b|\bshare this (?:article|story|post)\b|\bshare on "
            r"(?:facebook|twitter|whatsapp|x)\b|\bshare (?:via|by) e-?mail\b",
            re.IGNORECASE,
        ),
    ),
    (
        "promo",
        ("click here", "tap here", "subscribe", "download", "get the", "got a", "have a", "send",
         "homepage", "follow", "join"),
        re.compile(
            r"\bclick here to\b|\btap here to\b|\bsubscribe to our\b|\bdownload (?:the"
            r"|our) (?:\w+ ){0,3}app\b"
            r"|\bget the (?:\w+ ){0,4}app\b|\b(?:got|have) a (?:news )?(?:tip|story)\b"
            r"|\bsend (?:us )?(?:your )?(?:news )?tips\b|\bvisit (?:our|the) homepage\b"
            r"|\bfollow (?:us|him|her|them) on (?:twitter|x|facebook|instagram|telegram|threads|"
            r"bluesky)\b|\bjoin (?:us|our) (?:on|official|\w+ channel)",
            re.IGNORECASE,
        ),
    ),
)

#: Words one of which every strong phrase contains: a cheap test before the regexes.
TRIGGERS = frozenset(
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
PHRASE_MAX_WORDS = {"promo": 25, "share": 25, "disclosure": 45}

CAPTION_PREFIX = re.compile(
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
#: Photo-credit signals, each with the literals (in lower case) one of which its every match
#: contains, so that a line without them skips the pattern. (Only the first ignores case.)
CREDIT_SIGNALS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (
        ("getty", "photo", "image", "caption", "mediabank", "picture", "foto", "credit",
         "source"),
        re.compile(
            r"getty images|\bphoto(?:graph)?(?:ed)? (?:by|courtesy)\b|\bphoto credit\b"
            r"|\bimage credit\b|\bimage copyright\b|\bimage source\b|\btoggle caption\b"
            r"|\bhide caption\b|\benlarge this image\b|\bmediabank\b|\bvia getty\b"
            r"|[.!?]\s+(?:photo|image|picture|foto|credit|source)s?\s*(?::|by)\s*[^.!?]{2,60}$",
            re.IGNORECASE,
        ),
    ),
    (
        ("shutterstock", "istock", "alamy", "photo"),
        re.compile(
            r"shutterstock|istockphoto|\bistock\b|\balamy\b|\bap photo\b|\bafp photo\b"
            r"|\breuters photo\b"
        ),
    ),
    (
        ("(", "[", "©"),
        re.compile(
            r"[(\[](?i:photo|image|picture|credit|file photo|foto)s?\s*(?::|by)[^)\]]{1,80}[)\]]"
            r"|\((?:AP|AFP|Reuters|Getty Images|EPA|Xinhua|Bloomberg|Pool|Handout)(?: Photo)?"
            r"(?:/[^)]{1,40})?\)\s*$|(?:©|\(c\))\s*\w"
        ),
    ),
    (
        ("/",),
        re.compile(
            r"\b[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*\s?/\s?" + _AGENCY
            + r"\b|\b(?:REUTERS|AFP|AP|EPA|TASS|SPUTNIK)\s?/\s?[A-Z]"
        ),
    ),
)
CAPTION_VERB = re.compile(
    r"^(?:[A-Z“\"][\w.'’\-–]*,?\s+){1,8}(?:\([^)]{1,40}\)\s+)?(?:(?:is|are) (?:seen|pictured|"
    r"shown)|speaks|speak|gestures|gesture|attends|attend|arrives|arrive|looks on|look on|"
    r"looks|listens|listen|walks|walk|waves|wave|poses|pose|sits|sit|stands|stand|holds|hold|"
    r"shakes hands|shake hands|talks|talk|meets|meet|delivers|addresses|leaves|leave|reacts|"
    r"react|gather|gathers|smiles|smile|votes|vote|marches|march|inspects|inspect|greets|greet|"
    r"salutes|salute|prays|pray|walk past|stand guard|take part|takes part|pictured|seen)\b",
)
BYLINE = re.compile(
    r"^[\W_]*(?:by|written by|words by|posted by|story by|text by|report by|reported by|"
    r"interview by|compiled by|von|par|por|door|di|autor|author|authors)\s*:?\s+"
    r"(?P<name>(?-i:[A-Z@])[^|•·\n]{0,80}?)\s*(?:$|[|•·,;–—]|\s-\s|\bpublished\b|\bupdated\b|"
    r"\bon\s+(?=\w+\s+\d)|\d)",
    re.IGNORECASE,
)
CREDIT_LINE = re.compile(
    r"^[\W_]*(?:\(?\s*(?:additional )?(?:reporting|writing|editing|research|graphics|"
    r"photography|production) by\b.*|(?:contributing|contributors?|with reporting from)\s*:.*"
    r"|\(?\s*(?:with )?(?:inputs|input) from\b.{0,60}|(?:source|sources|via)\s*:\s*\S.{0,60}"
    r"|(?:this (?:story|article|report) (?:was|is|has been) (?:first )?(?:published|updated|"
    r"produced|written|edited|translated|originally published)).{0,120}"
    r"|(?:this article (?:is|was) (?:based|produced|written) (?:in part )?(?:on|by|in)).{0,120}"
    r"|(?:editing|edited) by\b.*|(?-i:SOURCE)\s+[A-Z].{0,60})$",
    re.IGNORECASE,
)
#: The other credit line, "... contributed to this report": its match may start anywhere in the
#: first 80 characters, so it is tried only on lines that contain the word.
CONTRIBUTED_LINE = re.compile(
    r"^[\W_]*.{0,80}\bcontributed (?:to )?(?:this|the) (?:report|story|article|reporting)\b.*$",
    re.IGNORECASE,
)
DESK = re.compile(
    r"^(?:[A-Z][\w.&'’-]*\s+){0,3}(?:Digital|Desk|Staff|Bureau|Team|Newsroom|Online|Web Desk|"
    r"News Desk|Correspondent|News Service|Wire|Agencies|Staff Writer|Staff Reporter|Web Team|"
    r"Editorial Board|Editors|Reporters|News Agency|Agency|Monitoring|Report)$"
    r"|^(?:[A-Z][\w&'’-]*\s+){0,3}(?i:correspondent|editor|reporter|staff writer|writer|columnist|"
    r"contributor|political editor|chief correspondent)$"
)
BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s+){1,3}(?:(?:is|was|has been|serves as)\s+(?:a|an|the|our)?\s*"
    r"(?:[\w-]+\s+){0,6}(?:reporter|editor|correspondent|columnist|writer|contributor|journalist|"
    r"author|fellow|host|producer|professor|analyst|commentator|director|blogger|"
    r"photographer|researcher|chief|intern|anchor|planner)\b|(?:covers|writes about|reports on)"
    r"\b.*\b(?:for|at)\b)|\b(?:reach|contact|email|follow) (?:him|her|them|the (?:reporter|writer|"
    r"author))\b",
)
#: A follow bar whose icons were dropped: "Follow RT on", "Follow us on:".
FOLLOW_ON = re.compile(r"^\W*follow\b[\w\s@&.'’-]{0,40}\bon\W*$", re.IGNORECASE)
#: A breadcrumb trail: "You are here: Home > News".
BREADCRUMB = re.compile(r"^\W*you are (?:here|at)\s*:", re.IGNORECASE)
#: A lone social handle. (A lone URL may be a reference the article lists: kept.)
HANDLE_LINE = re.compile(r"^[\W_]*(?:@\w+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)[\W_]*$")
LABEL_PREFIX = re.compile(
    r"^[\W_]*(?:read more|read also|also read|see also|also see|more|related|recommended|"
    r"don't miss|must read|must watch|trending|watch|listen|photos?|videos?|gallery|opinion|"
    r"related coverage|related stories|related articles|more on this|in case you missed it|"
    r"icymi|read|read next|up next|next|previously|explainer|lesen sie auch|mehr zum thema|"
    r"lire aussi|à lire aussi|leer más|lea también|leia mais|leia também|leggi anche|"
    r"читайте также)\s*(?:[:|]|\s[-–—]\s|-\s)\s*\S",
    re.IGNORECASE,
)
RELATED_OPENER_KEYS = frozenset(
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
TAG_OPENER_KEYS = frozenset(
    ["tags", "topics", "related topics", "keywords", "filed under", "categories", "subjects",
     "more about", "themen", "mots-clés", "temas"]
)


#: A label naming a list of stories: "Trending News", "More Great WIRED Stories", "Top Videos".
_LIST_LABEL = re.compile(
    r"(?:more|other|latest|top|popular|recommended|related|trending|similar|featured)\b"
    r"(?: \S+){0,3} (?:stories|news|articles|posts|videos|reads|headlines|links)"
)


def is_related_opener(key: str) -> bool:
    """Whether a line (its `label_key`) is the label of a list of links or tags."""
    if key in RELATED_OPENER_KEYS or key in TAG_OPENER_KEYS or key.startswith(
        ("more from ", "more in ", "more stories", "more on ", "related ", "latest from ",
         "also on ", "most read", "most popular", "recommended ", "more news", "next up",
         "up next", "read next", "you may like", "you might like", "popular on ", "popular in ",
         "trending on ", "trending in ")
    ) or _LIST_LABEL.fullmatch(key):
        return True
    return LABELS_STRONG.get(key) == "label" and key in {
        "related", "read more", "also read", "see also", "more on this", "recommended",
        "you may also like", "you might also like", "most read", "most popular", "trending",
        "latest news", "top stories", "more stories", "don't miss", "must read", "tags",
        "topics", "in other news", "up next", "editor's picks", "more news",
    }


UI_WORDS = frozenset(
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


CREDIT_TRIGGERS = frozenset(
    _words(
        """
        getty shutterstock istockphoto istock alamy photo photograph photographed image
        caption credit mediabank picture foto source
        """
    )
)


AD_PREFIX = re.compile(
    r"^[\W_]*(?:advertisement|sponsored|paid content|partner content|ad)\s*(?:[:|]|\s[-–—]\s)",
    re.IGNORECASE,
)
TAGS_PREFIX = re.compile(
    r"^[\W_]*(?:tags|tagged|topics|subjects|categories|category|filed under|keywords|"
    r"more about|related topics)\s*:\s*\S",
    re.IGNORECASE,
)
GLUED_NAV = re.compile(r"^(?:Prev|Previous|Next)(?:Previous|Next|Post|Article)?(?=[A-Z])")


DATE_START = re.compile(
    r"\W*(?:\d|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s)",
    re.IGNORECASE,
)


# Heads: the start (three letters, or the whole word when shorter) of the word that every match
# of an anchored pattern begins with, after leading punctuation. A line whose first word starts
# otherwise cannot match (see `Features.head`), so the pattern is not run on it.

AD_HEADS = frozenset(["adv", "spo", "pai", "par", "ad"])
TAGS_HEADS = frozenset(["tag", "top", "sub", "cat", "fil", "key", "mor", "rel"])
CAPTION_HEADS = frozenset(
    _words(
        """
        pho ima pic fot fil cre cap med ill gra cov top fea mai hea lea scr vid wat
        """
    )
)
PROMO_HEADS = frozenset(
    _words(
        """
        cli tap fol joi sub sig reg dow get lik add sta nev don do wan int sup bec for be rea
        che vis wat lis cat
        """
    )
)
LABEL_HEADS = frozenset(
    _words(
        """
        rea als see mor rel rec don mus tre wat lis pho vid gal opi in icy up nex pre exp les
        meh lir à lee lea lei leg чит
        """
    )
)
CREDIT_HEADS = frozenset(
    _words("add rep wri edi res gra pho pro con wit inp sou via thi")
)
#: Heads of a date label ("Published on") or of a date that starts with a weekday or month;
#: a date may also start with a digit.
DATE_HEADS = frozenset(
    _words(
        """
        dat pub pos upd las fir mon tue wed thu fri sat sun jan feb mar apr may jun jul aug
        sep oct nov dec
        """
    )
)

#: Every word some word-set rule looks for; each unit keeps the ones it has (`Features.cues`).
CUE_WORDS = TRIGGERS | CREDIT_TRIGGERS | SOCIAL
