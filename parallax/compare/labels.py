"""Which words each outlet uses for the same entity: names, roles and epithets.

`find_labels` reads one article (its body, sentences and named-entity spans) and returns a
`parallax.model.Label` for every way the article refers to an entity:

- ``name``: a named mention ("Kyiv", "Kiev", "Zelenskyy", "the Kremlin"), keyed through
  `label_key`, which is `parallax.entities.entity_key` plus country short forms ("U.S.",
  "America", "United States") and the Russian/Ukrainian transliteration of place names
  ("Lugansk" / "Luhansk", "Odessa" / "Odesa");
- ``role``: a description that stands for one referent ("the Russian president", "the Kremlin
  leader", "Ukraine's leader");
- ``epithet``: an evaluative description ("dictator", "strongman", "the regime").

Roles and epithets are linked only on evidence in the article, the way
`parallax.statements.speakers` resolves a role to a speaker (a title before a name, an
apposition after it, the same words used again):

1. a title before a name ("Russian President Vladimir Putin", "dictator Kim Jong Un") or an
   apposition ("Vladimir Putin, the Kremlin leader," / "the Kremlin leader, Vladimir Putin,")
   links the phrase to that person and records the words as the person's role;
2. a later (or earlier) phrase whose words are all among one person's recorded role words,
   with the same head ("the Kremlin leader", "the president") links to that person;
3. a phrase with a nationality, country or seat-of-government modifier ("the North Korean
   leader", "Ukraine's president", "the Kremlin leader") links to the one person the article
   ties to that country with a leader's title;
4. "regime" after a country or a person ("the Iranian regime", "the Assad regime") denotes that
   country or person.

Anything else is left unlinked (``find_labels(..., keep_unlinked=True)`` returns it with
``entity_id == UNLINKED`` and score 0). Every label satisfies ``body[start:end] == surface``.

`label_table` aggregates labels per entity and outlet; `alias_map` merges the keys of one
person named in two ways across articles ("Kim" and "Kim Jong Un"); `group_phrases` groups
mention phrases of several documents into concepts (used by ``parallax eval labels``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parallax.entities import TITLES, entity_id, entity_key, fold
from parallax.model import Label
from parallax.nlp.annotate import EntitySpan
from parallax.provenance.outlets import looks_like_outlet
from parallax.statements.cues import ROLE_NOUNS
from parallax.statements.speakers import RULE_CONFIDENCE

#: ``entity_id`` of a role or epithet the article gives no evidence to link.
UNLINKED = ""

#: Heads of evaluative descriptions of a person or a state.
EPITHETS = frozenset(
    {"dictator", "strongman", "autocrat", "despot", "tyrant", "warlord", "regime", "thug",
     "madman", "butcher", "junta", "kleptocrat", "demagogue"}
)  # fmt: skip
#: Heads of role descriptions: the speaker module's role nouns, less the collective ones.
ROLE_HEADS = (ROLE_NOUNS | {"premier", "ruler", "monarch", "emperor", "chairman"}) - EPITHETS - {
    "official", "counterpart", "host", "candidate", "speaker"
}  # fmt: skip
# Heads of state or government, and the words that may stand for any of them.
_HEADS_OF_STATE = frozenset(
    {"president", "premier", "chancellor", "king", "queen", "monarch", "emperor", "leader",
     "ruler", "dictator", "strongman", "autocrat", "despot", "tyrant"}
)  # fmt: skip
_GENERIC_LEADERS = frozenset(
    {"leader", "ruler", "dictator", "strongman", "autocrat", "despot", "tyrant"}
)  # fmt: skip
# Lower-case words that may stand between a determiner and a role's head.
_MODIFIERS = frozenset(
    {"former", "current", "then", "new", "top", "longtime", "long-time", "acting", "interim",
     "deputy", "vice", "foreign", "defense", "defence", "prime", "supreme", "chief", "senior",
     "authoritarian", "communist", "elected", "incumbent", "military", "state", "national",
     "first", "de", "facto", "democratic", "republican", "sitting", "outgoing", "incoming",
     "ousted", "exiled", "opposition", "brutal", "ruthless", "murderous", "defiant", "young",
     "hardline", "hard-line", "populist", "nationalist", "socialist", "conservative", "liberal"}
)  # fmt: skip
_DETERMINERS = frozenset({"the", "a", "an"})
# Capitalised words that open sentences and are never a name missed by the model.
_STOPWORDS = frozenset(
    {"the", "a", "an", "he", "she", "it", "they", "we", "but", "and", "or", "in", "on", "at",
     "this", "that", "his", "her", "their", "its", "mr", "mrs", "ms", "after", "before"}
)  # fmt: skip
# What may follow a head inside a role: "secretary of state", "chief of staff".
_OF_ROLE = frozenset({"state", "staff", "defense", "defence", "government", "mission"})
# Words that say little about which referent a role means.
_ROLE_STOP = frozenset({"the", "a", "an", "of", "s", "former", "then", "current", "new", "top"})
# Entity labels whose spans may modify a role ("the Kremlin leader", "the Russian president").
_AFFILIATION_LABELS = frozenset({"NORP", "GPE", "ORG", "LOC", "FAC"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Punctuation that closes an apposition ("Putin, the Kremlin leader, said").
_APPOS_END = frozenset({",", ".", ";", ":", ")", "—", "–", "!", "?"})

#: Short and long forms of one country, and the demonyms that do not follow the usual suffixes.
COUNTRY_FORMS: dict[str, str] = {
    "us": "united states", "u s": "united states", "usa": "united states",
    "u s a": "united states", "america": "united states", "united states of america":
    "united states", "american": "united states", "americans": "united states",
    "uk": "united kingdom", "u k": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom", "british": "united kingdom",
    "french": "france", "dutch": "netherlands", "spanish": "spain", "swiss": "switzerland",
    "greek": "greece", "irish": "ireland", "welsh": "wales", "scottish": "scotland",
    "afghan": "afghanistan", "saudi": "saudi arabia", "ksa": "saudi arabia",
    "emirati": "united arab emirates", "uae": "united arab emirates",
    "filipino": "philippines", "thai": "thailand", "danish": "denmark", "finnish": "finland",
    "norwegian": "norway", "swedish": "sweden", "dprk": "north korea", "prc": "china",
    "russian federation": "russia", "soviet": "soviet union", "ussr": "soviet union",
    "eu": "european union", "un": "united nations", "uzbek": "uzbekistan", "kazakh":
    "kazakhstan", "kyrgyz": "kyrgyzstan", "tajik": "tajikistan", "turkmen": "turkmenistan",
}  # fmt: skip
_ORG_FORMS = frozenset({"european union", "united nations"})
#: Seats of government and capitals that stand for their country ("the Kremlin leader").
METONYMS: dict[str, str] = {
    "kremlin": "russia", "moscow": "russia", "white house": "united states",
    "washington": "united states", "pentagon": "united states", "kyiv": "ukraine",
    "kiev": "ukraine", "beijing": "china", "pyongyang": "north korea", "seoul": "south korea",
    "tehran": "iran", "downing street": "united kingdom", "london": "united kingdom",
    "elysee": "france", "paris": "france", "berlin": "germany", "tokyo": "japan",
    "damascus": "syria", "ankara": "turkey", "riyadh": "saudi arabia", "minsk": "belarus",
    "caracas": "venezuela", "havana": "cuba", "brussels": "european union",
    "jerusalem": "israel", "baghdad": "iraq", "kabul": "afghanistan", "islamabad": "pakistan",
    "new delhi": "india", "delhi": "india", "ottawa": "canada", "canberra": "australia",
    "rome": "italy", "madrid": "spain", "warsaw": "poland", "budapest": "hungary",
}  # fmt: skip
# Suffixes that turn a country's name into its adjective (Russia -> Russian, China -> Chinese).
_DEMONYM_SUFFIXES = ("", "n", "an", "ian", "ean", "ese", "i", "ish", "ic")

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[-'’.]\w+)*|[^\w\s]")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Name:
    """A named mention trimmed to the name: no title, leading "the" or possessive."""

    start: int
    end: int
    text: str
    label: str
    key: str


@dataclass
class _Role:
    """A role or epithet phrase and what the article says it denotes."""

    start: int
    end: int
    head: str
    words: frozenset[str]
    countries: tuple[str, ...]
    #: Named entities that modify the phrase ("Assad" in "the Assad regime").
    modifiers: tuple[_Name, ...]
    entity: str = UNLINKED
    score: float = 0.0


# --- keys ----------------------------------------------------------------------------------------


def country_form(text: str) -> str:
    """The folded form of a place name or adjective with country short forms resolved
    ("U.S." -> "united states", "Kremlin" -> "russia" only through `METONYMS`, not here)."""
    folded = fold(text)
    if folded.startswith("the "):
        folded = folded[4:]
    return COUNTRY_FORMS.get(folded, folded)


def _place_fold(key: str) -> str:
    # Russian and Ukrainian spellings of one place: g/h between vowels (Lugansk / Luhansk,
    # Chernigov / Chernihiv) and doubled consonants (Odessa / Odesa). Only place keys, where a
    # collision between two real places that differ this way alone is not known to happen.
    key = re.sub(r"(?<=[a])h(?=[a])", "g", key)
    return re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", key)


def label_key(text: str, label: str) -> str | None:
    """The canonical key of a named mention: `entity_key`, with one key for a country's short
    and long forms and for the Russian and Ukrainian spellings of a place."""
    if label in _PLACE_LABELS or label == "ORG":
        form = country_form(text)
        if form in COUNTRY_FORMS.values():
            return entity_key(form, "ORG" if form in _ORG_FORMS else "GPE")
    key = entity_key(text, label)
    if key is not None and key.startswith("place:"):
        key = "place:" + _place_fold(key[len("place:") :])
    return key


def same_country(a: str, b: str) -> bool:
    """Whether two folded place names or adjectives name one country ("russia" and "russian",
    "north korea" and "north korean", "united states" and "american")."""
    a, b = METONYMS.get(a, COUNTRY_FORMS.get(a, a)), METONYMS.get(b, COUNTRY_FORMS.get(b, b))
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or wa[:-1] != wb[:-1]:
        return False
    return _demonym_of(wa[-1], wb[-1]) or _demonym_of(wb[-1], wa[-1])


def _demonym_of(place: str, adjective: str) -> bool:
    # Ukraine -> Ukrain+ian, Britain -> Brit+ish, Poland -> Pol+ish, Japan -> Japan+ese.
    for cut in range(0, 4):
        stem = place[: len(place) - cut]
        if len(stem) < 3:
            break
        if any(stem + suffix == adjective for suffix in _DEMONYM_SUFFIXES if cut or suffix):
            return True
    return False


# --- one article ---------------------------------------------------------------------------------


def _tokens(body: str, start: int, end: int) -> list[_Token]:
    return [
        _Token(start + m.start(), start + m.end(), m.group())
        for m in _TOKEN.finditer(body[start:end])
    ]


def _trim_name(body: str, ent: EntitySpan) -> tuple[int, int] | None:
    """The span of the name inside an entity span: no leading "the" or title words, no
    possessive; ``None`` when nothing is left or the span runs across a line break."""
    start, end = ent.start, ent.end
    text = body[start:end]
    if "\n" in text.strip():
        return None
    match = _POSSESSIVE.search(text)
    if match and match.start() > 0:
        end = start + match.start()
    words = list(re.finditer(r"\S+", body[start:end]))
    skip = 0
    for w in words[:-1]:
        word = fold(w.group())
        if word == "the" or (
            ent.label == "PERSON" and (word in TITLES or word in ROLE_HEADS or word in EPITHETS)
        ):
            skip += 1
            continue
        break
    if skip:
        start += words[skip].start()
    while end > start and not body[end - 1].isalnum() and body[end - 1] != ".":
        end -= 1
    while start < end and not body[start].isalnum():
        start += 1
    return (start, end) if end > start else None


def _names(
    body: str, entities: Sequence[EntitySpan], sentences: Sequence[tuple[int, int]]
) -> list[_Name]:
    names: list[_Name] = []
    for ent in entities:
        if ent.label not in _NAME_LABELS:
            continue
        span = _trim_name(body, ent)
        if span is None:
            continue
        text = body[span[0] : span[1]]
        if ent.label != "PERSON" and looks_like_outlet(text):
            continue  # outlets report; they are not what a story is about
        key = label_key(text, ent.label)
        if key is not None:
            names.append(_Name(span[0], span[1], text, ent.label, key))
    names = _coordinated_places(body, _relabel(names))
    names.extend(_missed(body, sentences, names))
    return sorted(names, key=lambda n: (n.start, n.end))


_CONJUNCTS = frozenset({" and ", ", ", " or ", ", and ", ", or "})


def _coordinated_places(body: str, names: Sequence[_Name]) -> list[_Name]:
    """A one-word "person" coordinated with a place is a place too: in "withdraw from Donetsk
    and Luhansk" the small model tags Luhansk PERSON. A person the article names in full
    elsewhere keeps its label."""
    ordered = sorted(names, key=lambda n: (n.start, n.end))
    named_in_full = {n.key for n in ordered if n.label == "PERSON" and len(n.text.split()) > 1}
    fixed = list(ordered)
    for i in range(len(ordered)):
        n = ordered[i]
        if n.label != "PERSON" or len(n.text.split()) != 1 or n.key in named_in_full:
            continue
        neighbours = [ordered[j] for j in (i - 1, i + 1) if 0 <= j < len(ordered)]
        for other in neighbours:
            between = body[min(n.end, other.end) : max(n.start, other.start)]
            if other.label in _PLACE_LABELS and between in _CONJUNCTS:
                key = label_key(n.text, "GPE")
                if key is not None:
                    fixed[i] = _Name(n.start, n.end, n.text, "GPE", key)
                break
    return fixed


def _relabel(names: Sequence[_Name]) -> list[_Name]:
    """Settle the model's inconsistent labels by the article's other mentions: a surname
    tagged ORG or GPE is the person, a place tagged PERSON or ORG is the place, and a person
    named in full ("Kim Jong Un") is meant by the first word alone ("Mr. Kim")."""
    people = {n.key for n in names if n.label == "PERSON"}
    places = {n.key for n in names if n.label in _PLACE_LABELS}
    surnames = {n.key for n in names if n.label == "PERSON" and len(n.text.split()) > 1}
    full: dict[str, set[str]] = defaultdict(set)
    for n in names:
        words = fold(n.text).split()
        if n.label == "PERSON" and len(words) > 1:
            full[words[0]].add(n.key)
    fixed: list[_Name] = []
    for n in names:
        label, key = n.label, n.key
        single = fold(n.text).split()
        as_place = label_key(n.text, "GPE")
        if label != "PERSON" and len(single) == 1:
            as_person = entity_key(n.text, "PERSON")
            if as_person in people and country_form(n.text) not in COUNTRY_FORMS.values():
                label, key = "PERSON", as_person
        if (label != "PERSON" and as_place in places) or (
            label == "PERSON"
            and (as_place in places or fold(n.text) in METONYMS)
            and as_place is not None
            and not (key in surnames and len(single) > 1)
        ):
            label, key = "GPE", as_place
        if label == "PERSON" and len(single) == 1 and key not in surnames:
            owners = full.get(single[0], set())
            if len(owners) == 1:
                key = next(iter(owners))
        fixed.append(_Name(n.start, n.end, n.text, label, key))
    return fixed


def _missed(body: str, sentences: Sequence[tuple[int, int]], names: Sequence[_Name]) -> list[_Name]:
    """Capitalised words the model did not tag that spell a person or place the article
    names elsewhere ("Zelenskiy" after "Volodymyr Zelensky")."""
    keys = {(n.key, n.label) for n in names}
    by_key = {n.key: n.label for n in names if n.label == "PERSON" or n.label in _PLACE_LABELS}
    taken = sorted((n.start, n.end) for n in names)
    found: list[_Name] = []
    for s, e in sentences:
        for m in re.finditer(r"\b[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?\b", body[s:e]):
            start, end = s + m.start(), s + m.end()
            if any(a <= start < b for a, b in taken) or m.group().lower() in _STOPWORDS:
                continue
            for label in ("PERSON", "GPE"):
                key = label_key(m.group(), label)
                if key is not None and key in by_key and (key, by_key[key]) in keys:
                    found.append(_Name(start, end, m.group(), by_key[key], key))
                    break
    return found


def _role_phrases(
    body: str, tokens: Sequence[_Token], names: Sequence[_Name], entities: Sequence[EntitySpan]
) -> list[_Role]:
    """Role and epithet phrases in one sentence's tokens."""
    roles: list[_Role] = []
    affiliations = [e for e in entities if e.label in _AFFILIATION_LABELS | {"PERSON"}]
    for i, tok in enumerate(tokens):
        head = tok.text.lower()
        if head not in ROLE_HEADS and head not in EPITHETS:
            continue
        # A word of a name ("King" in "Martin Luther King", "Leader" in an organisation's
        # name) is no description; a title the model left inside a person's span is.
        if any(n.start <= tok.start < n.end for n in names) or any(
            e.start <= tok.start < e.end and e.label not in {"PERSON", "NORP"} for e in entities
        ):
            continue
        end_i = i
        if (
            i + 2 < len(tokens)
            and tokens[i + 1].text.lower() == "of"
            and tokens[i + 2].text.lower() in _OF_ROLE
        ):
            end_i = i + 2
        start_i = i
        modifiers: list[_Name] = []
        countries: list[str] = []
        j = i - 1
        steps = 0
        while j >= 0 and steps < 5:
            t = tokens[j]
            if body[t.end : tokens[j + 1].start].count("\n"):
                break
            ent = next((e for e in affiliations if e.start <= t.start < e.end), None)
            if t.text in {"'s", "’s", "'", "’"} and j > 0:
                ent = next(
                    (e for e in affiliations if e.start <= tokens[j - 1].start < e.end), None
                )
            if ent is not None:
                if "\n" in body[ent.start : ent.end]:
                    break
                k = j
                while k >= 0 and tokens[k].start >= ent.start:
                    k -= 1
                start_i = k + 1
                name = next((n for n in names if ent.start <= n.start < ent.end), None)
                if name is not None:
                    modifiers.append(name)
                if ent.label != "PERSON":
                    countries.append(country_form(body[ent.start : ent.end]))
                j = k
                steps += 1
                continue
            word = t.text.lower()
            if word in _DETERMINERS:
                start_i = j
                break
            if word in _MODIFIERS or fold(t.text) in TITLES or fold(t.text) in METONYMS:
                if fold(t.text) in METONYMS:
                    countries.append(fold(t.text))
                start_i = j
                j -= 1
                steps += 1
                continue
            break
        # "the president of France": the country after the head.
        if end_i == i and i + 2 < len(tokens) and tokens[i + 1].text.lower() == "of":
            ent = next((e for e in affiliations if e.start == tokens[i + 2].start), None)
            if ent is not None and ent.label in {"GPE", "NORP", "ORG", "LOC"}:
                countries.append(country_form(body[ent.start : ent.end]))
                end_i = max(k for k, t in enumerate(tokens) if t.start < ent.end)
        start, end = tokens[start_i].start, tokens[end_i].end
        words = (
            frozenset(
                fold(t.text)
                for t in tokens[start_i : end_i + 1]
                if t.text.isalnum() or "." in t.text
            )
            - _ROLE_STOP
        )
        roles.append(
            _Role(start, end, head, words, tuple(dict.fromkeys(countries)), tuple(modifiers))
        )
    return roles


@dataclass
class _Evidence:
    """What the article says about one entity: role words, heads and countries."""

    words: set[str]
    heads: set[str]
    countries: set[str]


def _next_token(tokens: Sequence[_Token], offset: int) -> _Token | None:
    return next((t for t in tokens if t.start >= offset), None)


def _link_by_position(
    body: str, tokens: Sequence[_Token], role: _Role, names: Sequence[_Name]
) -> tuple[_Name, float] | None:
    """The person a role is a title or an apposition of."""
    people = [n for n in names if n.label == "PERSON"]
    after = _next_token(tokens, role.end)
    if after is not None:
        gap = body[role.end : after.start]
        # "Russian President Vladimir Putin", "dictator Kim Jong Un"
        follower = next((n for n in people if n.start == after.start), None)
        if follower is not None and gap.strip() == "" and "\n" not in gap:
            return follower, 0.95
        # "the Kremlin leader, Vladimir Putin, said"
        if after.text == ",":
            nxt = _next_token(tokens, after.end)
            follower = next((n for n in people if nxt is not None and n.start == nxt.start), None)
            if follower is not None and _closes(body, tokens, follower.end):
                return follower, 0.9
    # "Vladimir Putin, the Kremlin leader, said"
    before = [t for t in tokens if t.end <= role.start]
    if len(before) >= 2 and before[-1].text == "," and _closes(body, tokens, role.end):
        leader = next((n for n in people if n.end == before[-2].end), None)
        if leader is not None:
            return leader, 0.9
    return None


def _closes(body: str, tokens: Sequence[_Token], offset: int) -> bool:
    """An apposition ends here: punctuation or the sentence's end, and not a list's comma."""
    nxt = _next_token(tokens, offset)
    if nxt is None:
        return True
    if nxt.text not in _APPOS_END:
        return False
    if nxt.text == ",":
        again = _next_token(tokens, nxt.end)
        return again is None or again.text.lower() not in {"and", "or"}
    return True


def _evidence(body: str, names: Sequence[_Name]) -> dict[str, _Evidence]:
    """Countries the article ties people to outside roles: "Russia's Vladimir Putin"."""
    found: dict[str, _Evidence] = {}
    by_end = {n.end: n for n in names}
    for n in names:
        if n.label != "PERSON":
            continue
        for end in (n.start - 3, n.start - 4):
            owner = by_end.get(end)
            if owner is None or owner.label not in _PLACE_LABELS:
                continue
            if body[owner.end : n.start] in {"'s ", "’s "}:
                item = found.setdefault(entity_id(n.key), _Evidence(set(), set(), set()))
                item.countries.add(country_form(owner.text))
    return found


def find_labels(
    article_id: str,
    body: str,
    sentences: Sequence[tuple[int, int]],
    entities: Sequence[EntitySpan],
    keep_unlinked: bool = False,
) -> list[Label]:
    """Every name, role and epithet of one article, linked to the entity it denotes.

    ``sentences`` and ``entities`` come from `parallax.nlp.annotate.annotate` on ``body``.
    Roles and epithets without evidence are dropped, or kept with ``entity_id == UNLINKED`` and
    score 0 when ``keep_unlinked``. Sorted by offset; deterministic.
    """
    spans = sorted(sentences) or [(0, len(body))]
    names = _names(body, entities, spans)
    roles: list[_Role] = []
    for s, e in spans:
        tokens = _tokens(body, s, e)
        inside = [n for n in names if s <= n.start < e]
        ents = [x for x in entities if s <= x.start < e]
        for role in _role_phrases(body, tokens, inside, ents):
            linked = _link_by_position(body, tokens, role, inside)
            if linked is not None:
                role.entity, role.score = entity_id(linked[0].key), linked[1]
            roles.append(role)
    evidence = _evidence(body, names)
    for role in roles:
        if role.entity:
            item = evidence.setdefault(role.entity, _Evidence(set(), set(), set()))
            item.words.update(role.words)
            item.heads.add(role.head)
            item.countries.update(role.countries)
    for role in roles:
        if not role.entity:
            _link_by_evidence(role, evidence, names)
    labels = [
        Label(entity_id(n.key), article_id, "name", n.start, n.end, n.text, 1.0) for n in names
    ]
    for role in roles:
        if role.entity or keep_unlinked:
            labels.append(
                Label(
                    role.entity,
                    article_id,
                    "epithet" if role.head in EPITHETS else "role",
                    role.start,
                    role.end,
                    body[role.start : role.end],
                    round(role.score, 3),
                )
            )
    # A role that covers a name ("Assad" in "the Assad regime") keeps both; duplicates go.
    unique = {(lb.start, lb.end, lb.kind): lb for lb in labels}
    return sorted(unique.values(), key=lambda lb: (lb.start, lb.end, lb.kind))


def _link_by_evidence(
    role: _Role, evidence: Mapping[str, _Evidence], names: Sequence[_Name]
) -> None:
    """Rules 2-4 of the module docstring; leaves the role unlinked when they do not agree on
    one entity."""
    if role.head == "regime":
        if role.modifiers:
            owner = role.modifiers[-1]
            role.entity, role.score = entity_id(owner.key), 0.8
            return
        places = {
            entity_id(n.key)
            for n in names
            if n.label in _PLACE_LABELS
            and any(same_country(fold(n.text), c) for c in role.countries)
        }
        if len(places) == 1:
            role.entity, role.score = next(iter(places)), 0.8
            return
    if any(m.label == "PERSON" for m in role.modifiers):
        return  # "Zelensky's chief of staff" is someone else, named only by an apposition
    # Rule 2: the same words as a role the article gave one person.
    same = sorted(
        e for e, ev in evidence.items() if role.head in ev.heads and role.words <= ev.words
    )
    if len(same) == 1:
        role.entity, role.score = same[0], RULE_CONFIDENCE["role"] + 0.1
        return
    # Rule 3: a country's leader, where the article ties one leader to that country.
    if role.countries:
        leaders = sorted(
            e
            for e, ev in evidence.items()
            if _same_office(role, ev)
            and any(same_country(a, b) for a in role.countries for b in ev.countries)
        )
        if len(leaders) == 1:
            role.entity, role.score = leaders[0], RULE_CONFIDENCE["role"]


def _same_office(role: _Role, ev: _Evidence) -> bool:
    """Whether a role may name a person the article gave these role words: the same head
    ("president"), or a generic leader's word ("leader", "dictator") for a head of state or
    government."""
    if role.head == "minister" and "prime" in role.words:
        return "minister" in ev.heads and "prime" in ev.words
    if role.head in ev.heads:
        return role.head != "minister" or "prime" not in ev.words
    top = ev.heads & _HEADS_OF_STATE or ("minister" in ev.heads and "prime" in ev.words)
    return role.head in _GENERIC_LEADERS and bool(top)


# --- the corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelRow:
    """How one outlet refers to one entity under one surface form (case-folded).

    ``surface`` is the spelling the outlet uses most; ``examples`` are up to a few
    ``(article_id, start, end)`` spans for citations; ``score`` is the mean link score.
    """

    entity_id: str
    outlet: str
    kind: str
    surface: str
    count: int
    articles: int
    score: float
    examples: tuple[tuple[str, int, int], ...]


def _surface_key(surface: str) -> str:
    return " ".join(surface.replace("’", "'").split()).casefold()


def alias_map(labels_by_article: Mapping[str, Sequence[Label]]) -> dict[str, str]:
    """Entity id -> canonical id, merging ids that one article shows to be one person.

    An article that links a short name ("Kim", "Mr. Kim") to a full name ("Kim Jong Un")
    shows that the short name's own id and the full name's id are one entity; the id with the
    most name labels in the corpus stands for both (ties: the smaller id).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    counts: Counter[str] = Counter()
    for article in sorted(labels_by_article):
        for lb in labels_by_article[article]:
            if lb.kind != "name" or not lb.entity_id:
                continue
            counts[lb.entity_id] += 1
            own = label_key(lb.surface, "PERSON")
            keyed = {label_key(lb.surface, label) for label in ("PERSON", "GPE", "ORG")}
            if own is None or lb.entity_id in {entity_id(k) for k in keyed if k}:
                continue  # a name keyed by its own words shows no alias
            a, b = find(entity_id(own)), find(lb.entity_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in set(parent) | {p for p in parent.values()}:
        groups[find(x)].append(x)
    result: dict[str, str] = {}
    for members in groups.values():
        best = min(members, key=lambda m: (-counts[m], m))
        result.update({m: best for m in members if m != best})
    return result


def label_table(
    labels_by_article: Mapping[str, Sequence[Label]],
    outlet_of: Mapping[str, str],
    max_examples: int = 3,
) -> list[LabelRow]:
    """Per entity, per outlet, per surface form: how often and where.

    Unlinked roles are left out; entity ids pass through `alias_map`. Articles without an
    outlet count under ``""``. Sorted by entity, outlet, descending count, surface.
    """
    aliases = alias_map(labels_by_article)
    cells: dict[tuple[str, str, str, str], list[Label]] = defaultdict(list)
    for article in sorted(labels_by_article):
        outlet = outlet_of.get(article, "")
        for lb in labels_by_article[article]:
            if not lb.entity_id:
                continue
            entity = aliases.get(lb.entity_id, lb.entity_id)
            cells[(entity, outlet, lb.kind, _surface_key(lb.surface))].append(lb)
    rows = []
    for (entity, outlet, kind, _), found in cells.items():
        spellings = Counter(lb.surface for lb in found)
        surface = min(spellings, key=lambda s: (-spellings[s], s))
        found.sort(key=lambda lb: (lb.article_id, lb.start))
        rows.append(
            LabelRow(
                entity_id=entity,
                outlet=outlet,
                kind=kind,
                surface=surface,
                count=len(found),
                articles=len({lb.article_id for lb in found}),
                score=round(sum(lb.score for lb in found) / len(found), 3),
                examples=tuple((lb.article_id, lb.start, lb.end) for lb in found[:max_examples]),
            )
        )
    rows.sort(key=lambda r: (r.entity_id, r.outlet, -r.count, r.kind, r.surface))
    return rows


# --- concepts across documents -------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """A mention phrase of one document, for grouping into concepts.

    ``entity_id`` is what `find_labels` linked the phrase's head to (``None``: nothing);
    ``head`` is the head word, lower-cased.
    """

    doc_id: str
    text: str
    head: str
    entity_id: str | None = None


#: Grouping thresholds (cosines of MiniLM vectors), chosen for the best B-cubed F1 on the dev
#: events of NewsWCL50 (``parallax eval labels --tune``): an unlinked phrase joins an entity's
#: group at ``ATTACH``; unlinked phrases group among themselves, average link, at ``MERGE``.
ATTACH = 0.75
MERGE = 0.3


def group_phrases(
    phrases: Sequence[Phrase],
    vectors: npt.NDArray[np.float32],
    attach: float = ATTACH,
    merge: float = MERGE,
) -> list[int]:
    """A concept number per phrase.

    Phrases linked to one entity (after `alias_map`-style merging done by the caller) form one
    concept. Each unlinked phrase joins the entity concept whose mean vector is closest when
    the cosine reaches ``attach``; the rest are grouped by average-link clustering at cosine
    ``merge``, where two phrases with one head word count as a little closer.
    ``vectors`` holds one L2-normalised row per phrase.
    """
    n = len(phrases)
    labels = [-1] * n
    entities = sorted({p.entity_id for p in phrases if p.entity_id})
    index = {e: k for k, e in enumerate(entities)}
    for i, p in enumerate(phrases):
        if p.entity_id:
            labels[i] = index[p.entity_id]
    rest = [i for i in range(n) if labels[i] < 0]
    if entities and rest:
        centroids = np.zeros((len(entities), vectors.shape[1]), dtype=np.float32)
        for i, p in enumerate(phrases):
            if p.entity_id:
                centroids[index[p.entity_id]] += vectors[i]
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        centroids /= np.clip(norms, 1e-9, None)
        sims = vectors[rest] @ centroids.T
        still = []
        for row, i in enumerate(rest):
            best = int(np.argmax(sims[row]))
            if sims[row, best] >= attach:
                labels[i] = best
            else:
                still.append(i)
        rest = still
    next_label = len(entities)
    if len(rest) == 1:
        labels[rest[0]] = next_label
    elif rest:
        from sklearn.cluster import AgglomerativeClustering

        sub = vectors[rest]
        sim = sub @ sub.T
        heads = [phrases[i].head for i in rest]
        same_head = np.array([[a == b and a != "" for b in heads] for a in heads])
        sim = np.where(same_head, np.minimum(1.0, sim + 0.15), sim)
        distance = np.clip(1.0 - sim, 0.0, 2.0)
        clusters = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=1.0 - merge,
        ).fit_predict(distance)
        for i, c in zip(rest, clusters, strict=True):
            labels[i] = next_label + int(c)
    return labels
