"""The attribution lexicon: verbs and phrases that say someone said something, and the words that
name a speaker by role rather than by name.

The parse runs without spaCy's lemmatizer (it is the slowest component and the rest of the
pipeline does not need it), so verbs are matched by their inflected forms, generated here from
the base forms with English spelling rules and a short table of irregular verbs.
"""

from __future__ import annotations

from functools import cache

#: Verbs of saying: a quote next to one of these is attributed to its subject.
SPEECH_VERBS: frozenset[str] = frozenset(
    [
        "say",
        "tell",
        "add",
        "state",
        "insist",
        "stress",
        "deny",
        "warn",
        "claim",
        "argue",
        "explain",
        "note",
        "assert",
        "declare",
        "announce",
        "emphasize",
        "emphasise",
        "reiterate",
        "suggest",
        "acknowledge",
        "admit",
        "urge",
        "write",
        "ask",
        "reply",
        "respond",
        "continue",
        "conclude",
        "predict",
        "promise",
        "vow",
        "threaten",
        "complain",
        "accuse",
        "allege",
        "charge",
        "contend",
        "maintain",
        "observe",
        "recall",
        "remark",
        "report",
        "reveal",
        "confirm",
        "testify",
        "tweet",
        "post",
        "comment",
        "caution",
        "concede",
        "counter",
        "demand",
        "joke",
        "boast",
        "lament",
        "mention",
        "agree",
        "disagree",
        "question",
        "speak",
        "quip",
        "muse",
        "recount",
        "describe",
        "dismiss",
        "call",
        "brand",
        "label",
        "term",
        "signal",
        "indicate",
        "underline",
        "underscore",
        "highlight",
        "point",
        "affirm",
        "retort",
        "scoff",
        "shout",
        "yell",
        "scream",
        "chant",
        "exclaim",
        "plead",
        "cry",
        "whisper",
        "announce",
        "acknowledge",
        "estimate",
        "forecast",
        "project",
        "proclaim",
        "pledge",
        "guarantee",
        "assure",
        "reassure",
        "inform",
        "notify",
        "advise",
        "recommend",
        "propose",
        "suggest",
        "hint",
        "imply",
        "concur",
        "protest",
        "object",
        "lament",
        "bemoan",
        "fume",
        "rail",
        "blast",
        "slam",
        "criticize",
        "criticise",
        "condemn",
        "praise",
        "hail",
        "welcome",
    ]
)

#: Cue verbs that take a quoted description as their object ("called it 'complete nonsense'")
#: rather than a report: good cues for a partial quote, not for indirect speech.
NAMING_VERBS: frozenset[str] = frozenset(
    [
        "call",
        "describe",
        "dismiss",
        "brand",
        "label",
        "term",
        "blast",
        "slam",
        "criticize",
        "criticise",
        "condemn",
        "praise",
        "hail",
        "welcome",
    ]
)

#: Verbs whose direct object is what was said ("denied the rumours", "confirmed the deal"),
#: so the object is the content of indirect speech.
CONTENT_OBJECT_VERBS: frozenset[str] = frozenset(
    [
        "deny",
        "confirm",
        "acknowledge",
        "admit",
        "reiterate",
        "announce",
        "reject",
        "predict",
        "promise",
        "pledge",
        "guarantee",
    ]
)

#: Verbs that introduce indirect speech with a clause ("said (that) ...").
CLAUSE_VERBS: frozenset[str] = SPEECH_VERBS - NAMING_VERBS

#: Nouns for what someone said: their possessor is the speaker ("her response was blunt").
SPEECH_NOUNS: frozenset[str] = frozenset(
    {"response", "reply", "answer", "message", "statement", "remarks", "comment", "comments",
     "words", "retort", "verdict", "assessment", "view", "take", "explanation", "warning"}
)  # fmt: skip

#: Pronouns that can stand for a speaker, by what they may refer to.
PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS: frozenset[str] = frozenset({"they", "it", "them"})
#: First and second person outside a quote: the outlet's own voice or an interviewee whose
#: identity the sentence does not give.
OTHER_PRONOUNS: frozenset[str] = frozenset({"i", "we", "you", "me", "us"})

#: Head nouns of a noun phrase that names a person by role ("the Russian president").
ROLE_NOUNS: frozenset[str] = frozenset(
    [
        "president",
        "leader",
        "minister",
        "premier",
        "chancellor",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "secretary",
        "chief",
        "head",
        "official",
        "governor",
        "senator",
        "congressman",
        "congresswoman",
        "representative",
        "mayor",
        "ambassador",
        "envoy",
        "diplomat",
        "general",
        "commander",
        "king",
        "queen",
        "prince",
        "monarch",
        "pope",
        "candidate",
        "nominee",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "adviser",
        "advisor",
        "aide",
        "lawmaker",
        "founder",
        "ceo",
        "strongman",
        "dictator",
        "ruler",
        "counterpart",
        "host",
        "negotiator",
        "prosecutor",
        "judge",
        "attorney",
        "lawyer",
        "boss",
        "manager",
        "coach",
        "speaker",
    ]
)

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "speak": ("spoke", "spoken"),
    "forecast": ("forecast",),
}
# Only these of the verbs above double their final consonant ("admitted", "quipped").
_DOUBLING = frozenset({"admit", "quip", "slam"})


@cache
def verb_forms(lemma: str) -> frozenset[str]:
    """Every inflected form of ``lemma``: base, -s, -ed, -ing, and irregular past forms."""
    forms = {lemma}
    forms.update(_IRREGULAR.get(lemma, ()))
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and lemma[-2:-1] not in set("aeiou"):
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    stem = lemma + lemma[-1] if lemma in _DOUBLING else lemma
    if lemma in _IRREGULAR:
        pass  # the past forms come from the table
    elif lemma.endswith("e"):
        forms.add(lemma + "d")
    elif lemma.endswith("y") and lemma[-2:-1] not in set("aeiou"):
        forms.add(lemma[:-1] + "ied")
    else:
        forms.add(stem + "ed")
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
        forms.add(lemma[:-1] + "ing")
    else:
        forms.add(stem + "ing")
    return frozenset(forms)


def _index(lemmas: frozenset[str]) -> dict[str, str]:
    return {form: lemma for lemma in sorted(lemmas) for form in verb_forms(lemma)}


_SPEECH_FORMS = _index(SPEECH_VERBS)


def speech_lemma(word: str) -> str | None:
    """The base form of a verb of saying, for any of its forms ("insisted" -> "insist")."""
    return _SPEECH_FORMS.get(word.casefold())


def is_speech_verb(word: str) -> bool:
    """Whether ``word`` is a form of a verb of saying."""
    return speech_lemma(word) is not None
