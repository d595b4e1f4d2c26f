"""Outlet names as the text writes them: news agencies, well-known outlets, and matching a cited
name to the outlets in the store."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from parallax.model import outlet_key
from parallax.provenance.text import word_set

#: Wire services: their copy is republished by other outlets. Canonical name -> other names.
WIRE_AGENCIES: dict[str, tuple[str, ...]] = {
    "Associated Press": ("AP", "AP News", "APnews", "The Associated Press"),
    "Reuters": ("Thomson Reuters",),
    "AFP": ("Agence France-Presse", "Agence France Presse", "France-Presse", "France Presse"),
    "UPI": ("United Press International",),
    "dpa": ("Deutsche Presse-Agentur",),
    "Xinhua": ("Xinhua News Agency",),
    "TASS": ("ITAR-TASS",),
    "RIA Novosti": ("RIA",),
    "Interfax": (),
    "Bloomberg": ("Bloomberg News",),
    "ANSA": (),
    "EFE": (),
    "Kyodo": ("Kyodo News",),
    "Yonhap": ("Yonhap News Agency",),
    "PA Media": ("Press Association", "PA"),
    "Canadian Press": ("The Canadian Press", "CP"),
    "AAP": ("Australian Associated Press",),
    "PTI": ("Press Trust of India",),
    "ANI": ("Asian News International",),
    "Anadolu": ("Anadolu Agency",),
    "Ukrinform": (),
}

#: Other widely cited outlets. Canonical name -> other names.
NEWS_OUTLETS: dict[str, tuple[str, ...]] = {
    "Al Jazeera": ("Aljazeera", "Al Jazeera English"),
    "BBC": ("BBC News", "British Broadcasting Corporation"),
    "CNN": ("Cable News Network",),
    "The New York Times": ("New York Times", "NYT", "NY Times"),
    "The Washington Post": ("Washington Post", "WaPo"),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "Financial Times": ("FT",),
    "The Guardian": ("Guardian",),
    "Fox News": ("Fox",),
    "NBC News": ("NBC",),
    "ABC News": ("ABC",),
    "CBS News": ("CBS",),
    "NPR": ("National Public Radio",),
    "Politico": (),
    "Axios": (),
    "The Hill": (),
    "USA Today": (),
    "Sky News": (),
    "CNBC": (),
    "MSNBC": (),
    "Newsweek": (),
    "The Economist": ("Economist",),
    "The Times": (),
    "The Telegraph": ("Daily Telegraph",),
    "The Independent": (),
    "Daily Mail": ("Mail Online", "MailOnline"),
    "Deutsche Welle": ("DW",),
    "France 24": (),
    "Euronews": (),
    "Le Monde": (),
    "Der Spiegel": ("Spiegel",),
    "RT": ("Russia Today",),
    "Sputnik": (),
    "Kommersant": (),
    "Izvestia": (),
    "Meduza": (),
    "Kyiv Independent": ("The Kyiv Independent",),
    "Ukrainska Pravda": (),
    "Haaretz": (),
    "The Times of Israel": ("Times of Israel",),
    "Al Arabiya": (),
    "South China Morning Post": ("SCMP",),
    "Global Times": (),
    "Nikkei": ("Nikkei Asia",),
    "Los Angeles Times": ("LA Times",),
    "New York Post": (),
    "The Atlantic": (),
    "The New Yorker": ("New Yorker",),
    "Breitbart": ("Breitbart News",),
    "The Daily Caller": ("Daily Caller",),
    "The Washington Times": ("Washington Times",),
    "Vox": (),
    "BuzzFeed News": ("BuzzFeed",),
    "ProPublica": (),
    "The Intercept": (),
}

# Words that make a capitalised name look like a news organisation.
_NEWS_WORDS = word_set(
    "news times post press journal herald tribune telegraph gazette guardian monitor "
    "independent observer chronicle daily weekly magazine radio tv television broadcasting "
    "broadcaster network agency wire media channel mail express star mirror examiner inquirer "
    "bulletin courier dispatch ledger register review today insider bureau newsweek pravda "
    "izvestia gazeta zeitung reporter standard record sentinel globe newspaper outlet "
    "newswire service"
)

# What may follow an outlet's name in a store's outlet label without naming another outlet
# ("CNN (Web News)", "Fox News Opinion", "BBC News").
_GENERIC = word_set(
    "news online web opinion opinions digital tv international us uk world live politics "
    "english edition channel network media group com net org latest breaking"
)

_DOMAIN_SUFFIX = re.compile(r"\.(?:com|org|net|co|uk|us|ru|ua|de|fr|info|news|tv|io)(?:\.\w+)*$")


def name_key(name: str) -> str:
    """Outlet name folded for comparison: `outlet_key`, no leading "the", no domain suffix."""
    key = outlet_key(name)
    key = _DOMAIN_SUFFIX.sub("", key)
    key = key.replace(".", " ").replace("_", " ")
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"\s+", " ", key).strip()


def _alias_table(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for canonical, others in table.items():
        for name in (canonical, *others):
            found[name_key(name)] = canonical
    return found


_WIRE_ALIASES = _alias_table(WIRE_AGENCIES)
_ALIASES = {**_alias_table(NEWS_OUTLETS), **_WIRE_ALIASES}


def canonical_outlet(name: str) -> str | None:
    """The canonical name of a known agency or outlet, or ``None``."""
    return _ALIASES.get(name_key(name))


def wire_agency(name: str | None) -> str | None:
    """The canonical agency name when ``name`` names a wire service (also as a domain)."""
    if not name:
        return None
    key = name_key(name)
    return _WIRE_ALIASES.get(key) or _WIRE_ALIASES.get(key.replace(" ", ""))


def looks_like_outlet(name: str) -> bool:
    """A known outlet, or a name with a word such as News, Times, Post or Agency beside a word
    of its own ("TV" or "Media" alone names no outlet)."""
    if canonical_outlet(name) is not None:
        return True
    tokens = name_key(name).split()
    return any(w in _NEWS_WORDS for w in tokens) and not all(w in _NEWS_WORDS for w in tokens)


def outlet_match(cited: str, stored: str) -> float:
    """How surely the cited name and a store's outlet label are one outlet: 1.0 same key, 0.9
    same known outlet under two names, 0.85 one label is the other plus generic words ("CNN"
    and "CNN (Web News)"), the fuzzy ratio scaled to below 0.8 for near spellings, else 0."""
    a, b = name_key(cited), name_key(stored)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ca, cb = _ALIASES.get(a), _ALIASES.get(b)
    if ca is not None and ca == cb:
        return 0.9
    ta, tb = a.split(), b.split()
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if long[: len(short)] == short and all(w in _GENERIC for w in long[len(short) :]):
        canonical = _ALIASES.get(" ".join(short))
        # Unless the longer label is itself another known outlet.
        if canonical is None or canonical == _ALIASES.get(" ".join(long), canonical):
            return 0.85
    ratio = fuzz.ratio(a.replace(" ", ""), b.replace(" ", ""))
    if ratio >= 90 and min(len(a), len(b)) >= 5:
        return round(0.8 * ratio / 100.0, 4)
    return 0.0
