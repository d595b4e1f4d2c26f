"""Who is speaking: the subject of a cue resolved to a named person or organisation.

A subject is resolved, in this order, as

- ``named``: it is (or contains as its head) a PERSON, ORG or NORP mention;
- ``pronoun``: "he"/"she" to the most recent person named as a subject or speaker before it
  (outside quotation marks), "they"/"it" to the most recent organisation;
- ``role``: a definite description ("the Russian president", "Zelensky's chief of staff") to the
  person the article earlier named with those words (a title before the name or an apposition
  after it), else to the latest named speaker when the description is a leader's title;
- ``unknown``: anything else, with the words kept as the surface but no name.

An outlet or news agency (`parallax.provenance.outlets.looks_like_outlet`) is never a speaker:
``resolve_subject`` returns ``None`` for it so that the caller looks for the person it relays.
Names are canonical across spellings through `parallax.entities.entity_key`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from parallax.entities import TITLES, entity_id, entity_key, fold
from parallax.model import Span, Speaker
from parallax.provenance.outlets import looks_like_outlet
from parallax.statements.cues import (
    GROUP_PRONOUNS,
    OTHER_PRONOUNS,
    PERSON_PRONOUNS,
    ROLE_NOUNS,
    SPEECH_NOUNS,
    speech_lemma,
)

#: Confidence of an attribution by how its speaker was resolved.
RULE_CONFIDENCE: dict[str, float] = {
    "named": 0.9,
    "pronoun": 0.75,
    "role": 0.7,
    "previous": 0.6,
    "unknown": 0.2,
}

# Words of a role that say little about which person is meant.
_ROLE_STOP = frozenset({"the", "a", "an", "of", "s", "former", "then", "current", "new", "top"})
# Titles that make a definite description ("the Kremlin leader") name the latest speaker when
# no person was introduced with those words.
_LEADER_TITLES = frozenset({"president", "leader", "premier", "chancellor", "minister", "head"})
# Dependency labels of a subject, and of the words that belong to a subject's noun phrase.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_NP_LEFT = frozenset({"det", "amod", "compound", "poss", "nmod", "nummod", "case", "quantmod"})
_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "NORP": "ORG"}
_RELATIVE = frozenset({"who", "which", "that"})
_FEMININE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
# Role words that say whether a person is "he" or "she".
_MASCULINE = frozenset(
    {"spokesman", "congressman", "businessman", "husband", "father", "son",
     "brother", "king", "prince", "actor", "uncle", "nephew", "grandfather", "boyfriend"}
)  # fmt: skip
_FEMININE = frozenset(
    {"spokeswoman", "congresswoman", "chairwoman", "businesswoman", "wife", "mother",
     "daughter", "sister", "queen", "princess", "actress", "aunt", "niece", "grandmother",
     "girlfriend", "widow"}
)  # fmt: skip


@dataclass(frozen=True)
class Mention:
    """A named person or organisation in the body, with its canonical key."""

    start: int
    end: int
    text: str
    label: str
    key: str
    #: The mention is the subject of a verb (a likely antecedent of a later "he").
    subject: bool
    #: The mention sits inside quotation marks (someone's words, not the outlet's narration).
    quoted: bool


@dataclass
class SpeakerContext:
    """What one article says about its people: mentions, their roles, and speakers so far."""

    body: str
    mentions: list[Mention]
    #: Entity key -> words that the article uses as that entity's title or role.
    roles: dict[str, set[str]]
    #: (offset, speaker) of the named speakers resolved so far, in body order.
    speakers: list[tuple[int, Speaker]] = field(default_factory=list)
    #: Entity id -> "he" or "she", where the article says (an honorific, a gendered role).
    gender: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._starts = [m.start for m in self.mentions]
        self._people = {entity_id(m.key) for m in self.mentions if m.label == "PERSON"}

    def agrees(self, entity: str | None, pronoun: str) -> bool:
        """Whether a person may be "he" or "she": not when the article marks the other."""
        want = "she" if pronoun in _FEMININE_PRONOUNS else "he"
        return self.gender.get(entity or "", want) == want

    def before(self, offset: int) -> list[Mention]:
        """Mentions that end before ``offset``, latest first."""
        i = bisect.bisect_left(self._starts, offset)
        return [m for m in reversed(self.mentions[:i]) if m.end <= offset]

    def name_for(self, key: str, offset: int) -> str:
        """The display name of an entity: its latest full name before ``offset``, else its
        longest mention anywhere."""
        same = [m for m in self.mentions if m.key == key]
        full = [m for m in same if m.start <= offset and len(m.text.split()) > 1]
        if full:
            return _display(full[-1].text)
        return _display(max(same, key=lambda m: (len(m.text), -m.start)).text) if same else ""

    def remember(self, offset: int, speaker: Speaker) -> None:
        """Record a resolved named speaker (pronouns and roles may refer back to it)."""
        if speaker.entity_id is not None:
            bisect.insort(self.speakers, (offset, speaker), key=lambda item: item[0])

    def latest_speaker(
        self, offset: int, person: bool = True, pronoun: str | None = None
    ) -> Speaker | None:
        """The latest named speaker before ``offset`` (a person unless ``person`` is False; one
        who may be ``pronoun`` when given)."""
        at = self.latest_speaker_at(offset, pronoun) if person else -1
        for when, speaker in reversed(self.speakers):
            if when < offset and (not person or when == at):
                return speaker
        return None

    def latest_speaker_at(self, offset: int, pronoun: str | None = None) -> int:
        """Where the latest named person speaker before ``offset`` (who may be ``pronoun``) was
        attributed (-1: none)."""
        for at, speaker in reversed(self.speakers):
            if (
                at < offset
                and speaker.entity_id in self._people
                and (pronoun is None or self.agrees(speaker.entity_id, pronoun))
            ):
                return at
        return -1


def _display(text: str) -> str:
    """A mention as a display name: no possessive, no leading "the", no verb of saying that the
    model took into the name ("Said Ellis: ..." tagged as one person)."""
    text = text.strip()
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    if text.lower().startswith("the "):
        text = text[4:]
    first, _, rest = text.partition(" ")
    lemma = speech_lemma(first)
    if rest and lemma is not None and lemma != first.casefold():
        text = rest  # an inflected verb ("Said", "Added"), not a name that looks like a base form
    return text.strip()


def build_context(doc: Any, body: str, quoted: Sequence[tuple[int, int]]) -> SpeakerContext:
    """Mentions and roles of one parsed body; ``quoted`` are the spans inside quote marks."""
    mentions: list[Mention] = []
    roles: dict[str, set[str]] = {}
    gender: dict[str, set[str]] = {}
    spans = sorted(quoted)
    starts = [s for s, _ in spans]
    for ent in doc.ents:
        label = _LABELS.get(ent.label_)
        if label is None:
            continue
        text = _display(ent.text)
        if "\n" in text:
            continue  # a span the model ran across a line break is not one name
        if not text or (label == "ORG" and looks_like_outlet(text)):
            # Outlets are sources of reporting, never antecedents of a speaker.
            continue
        key = entity_key(text, label)
        if key is None:
            continue
        root = ent.root
        subject = root.dep_ in SUBJECT_DEPS or (
            root.dep_ == "appos" and root.head.dep_ in SUBJECT_DEPS
        )
        i = bisect.bisect_right(starts, ent.start_char) - 1
        inside = i >= 0 and spans[i][0] <= ent.start_char < spans[i][1]
        mentions.append(Mention(ent.start_char, ent.end_char, text, label, key, subject, inside))
        if label == "PERSON":
            words = _role_words(ent)
            roles.setdefault(key, set()).update(words)
            marked = _gender_of(ent, words)
            if marked is not None:
                gender.setdefault(entity_id(key), set()).add(marked)
    mentions.sort(key=lambda m: (m.start, m.end))
    # A person marked both ways (two people with one surname) has no known gender.
    known = {e: next(iter(g)) for e, g in gender.items() if len(g) == 1}
    return SpeakerContext(body, mentions, roles, gender=known)


def _gender_of(ent: Any, role: set[str]) -> str | None:
    """ "he" or "she" when the article marks the person: an honorific right before the name
    ("Ms. Clinton") or a gendered role word ("spokeswoman", "his wife")."""
    doc = ent.doc
    before = fold(doc[ent.start - 1].text) if ent.start > 0 else ""
    first = fold(ent[0].text)
    for word in (before, first, *role):
        if word in _MASCULINE or word in {"mr", "mister", "sir"}:
            return "he"
        if word in _FEMININE or word in {"mrs", "ms", "miss", "madam"}:
            return "she"
    return None


def _role_words(ent: Any) -> set[str]:
    """Words the article attaches to a person as title or role: the title words before the
    name in its noun phrase ("Russian President Vladimir Putin") and an apposition after it
    ("Dmitry Peskov, the Kremlin spokesman")."""
    words: set[str] = set()
    root = ent.root
    for child in root.children:
        if child.i < ent.start and child.dep_ in {"compound", "amod", "nmod", "poss"}:
            words.update(fold(t.text) for t in child.subtree)
        if child.dep_ == "appos":
            words.update(fold(t.text) for t in child.subtree if not t.is_punct)
    # A title the NER left outside the name ("President" in "President Putin").
    doc = ent.doc
    i = ent.start - 1
    while i >= 0 and i >= ent.start - 4 and doc[i].tag_ in {"NNP", "NNPS", "JJ", "NN"}:
        words.add(fold(doc[i].text))
        i -= 1
    # The person as the apposition of a role ("the Kremlin leader, Vladimir Putin").
    if root.dep_ == "appos":
        words.update(fold(t.text) for t in root.head.subtree if t.i < ent.start and not t.is_punct)
    return {w for w in words if w and w not in _ROLE_STOP}


def subject_phrase(token: Any) -> tuple[int, int]:
    """Token range ``[start, end)`` of the noun phrase headed by ``token``: its determiners,
    modifiers and compounds, and an "of" phrase after it ("chief of staff"); not relative
    clauses or appositions."""
    start = token.i
    for child in token.lefts:
        if child.dep_ in _NP_LEFT:
            start = min(start, child.left_edge.i)
    end = token.i + 1
    for child in token.rights:
        if child.dep_ == "compound" or (child.dep_ == "prep" and child.lower_ == "of"):
            end = max(end, child.right_edge.i + 1)
        else:
            break
    # A noun phrase never runs across a line break (the parse may join a heading to it).
    doc = token.doc
    while start < token.i and "\n" in doc[start : token.i + 1].text:
        start += 1
    while end > token.i + 1 and "\n" in doc[token.i : end].text:
        end -= 1
    return start, end


def resolve_subject(ctx: SpeakerContext, token: Any) -> Speaker | None:
    """The speaker named by the subject ``token`` (a spaCy token), or ``None`` when the subject
    is an outlet or agency, which relays rather than says."""
    doc = token.doc
    start, end = subject_phrase(token)
    span = doc[start:end]
    surface = Span(span.start_char, span.end_char, ctx.body[span.start_char : span.end_char])
    head_text = token.lower_
    # A named entity that the head belongs to.
    for ent in doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in _LABELS and "\n" not in ent.text:
            text = _display(ent.text)
            # A person is never an outlet, whatever words stand beside the name ("White House
            # press secretary Josh Earnest"); an organisation may be one.
            if ent.label_ != "PERSON" and looks_like_outlet(text):
                return None
            label = _LABELS[ent.label_]
            return _named(ctx, text, label, surface, ent.start_char)
    if head_text in SPEECH_NOUNS:
        for child in token.children:
            if child.dep_ == "poss" and (child.pos_ in {"PRON", "PROPN"}):
                # "Her response was blunt", "Jones's reply": the words are the possessor's.
                owner = resolve_subject(ctx, child)
                if owner is not None and owner.entity_id is not None:
                    return Speaker(owner.name, owner.entity_id, surface, owner.rule)
    if token.pos_ == "NOUN":
        for child in token.children:
            if child.dep_ == "appos" and any(
                e.start <= child.i < e.end and e.label_ == "PERSON" for e in doc.ents
            ):
                # "the senator from Texas, Mary Jones, said": the name in apposition.
                named = resolve_subject(ctx, child)
                if named is not None:
                    return Speaker(named.name, named.entity_id, surface, named.rule)
    if head_text in _RELATIVE and token.head.dep_ == "relcl" and token.head.head is not token:
        # "Smith, who said ...": the relative pronoun stands for the noun its clause modifies;
        # the surface stays the pronoun, the words of the sentence that name the speaker.
        meant = resolve_subject(ctx, token.head.head)
        if meant is None:
            return None
        return Speaker(meant.name, meant.entity_id, surface, meant.rule)
    if token.pos_ == "PRON" or head_text in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return _pronoun(ctx, head_text, surface)
    if token.pos_ == "PROPN":
        # A name the NER missed: a person if the article names that person elsewhere.
        text = _display(span.text)
        if looks_like_outlet(text):
            return None
        key = entity_key(text, "PERSON")
        if key is not None and any(m.key == key for m in ctx.mentions):
            return _named(ctx, text, "PERSON", surface, span.start_char)
        first = start == 0 or doc[start].is_sent_start or "\n" in doc[start - 1].whitespace_
        in_entity = any(e.start <= token.i < e.end and "\n" not in e.text for e in doc.ents)
        if len(span) == 1 and not in_entity and (first or "\n" in doc[start - 1].text):
            # One capitalised word opening a sentence that the model did not take for a name
            # ("Reports indicated ...") is a common noun as likely as a name: not a speaker.
            return Speaker(None, None, surface, "unknown")
        return _named(ctx, text, "ORG", surface, span.start_char)
    if head_text in ROLE_NOUNS:
        return _role(ctx, span, token, surface)
    return Speaker(None, None, surface, "unknown")


def resolve_name(
    ctx: SpeakerContext, text: str, surface: Span, label: str = "PERSON"
) -> Speaker | None:
    """The speaker a bare name stands for where the layout, not a verb, attributes the words (a
    transcript's "PENCE:" label, a "― Jane Doe" byline under a quote); ``None`` for an outlet.
    A name in capitals is matched in any case ("PENCE" is the article's "Mike Pence")."""
    display = _display(text)
    if not display or looks_like_outlet(display):
        return None
    if display.isupper():
        display = display.title()
    speaker = _named(ctx, display, label, surface, surface.start)
    if speaker.name is not None and speaker.name.isupper():
        speaker = Speaker(speaker.name.title(), speaker.entity_id, surface, speaker.rule)
    return speaker


def _named(ctx: SpeakerContext, text: str, label: str, surface: Span, offset: int) -> Speaker:
    if label == "ORG":
        # The small model sometimes tags a person as an organisation; the article's other
        # mentions of that surname as a person settle it.
        person = entity_key(text, "PERSON")
        if person is not None and any(m.key == person for m in ctx.mentions):
            label = "PERSON"
    key = entity_key(text, label)
    if key is None:
        return Speaker(None, None, surface, "unknown")
    name = ctx.name_for(key, offset) or text
    if label == "PERSON":
        words = name.split()
        while len(words) > 1 and fold(words[0]) in TITLES:
            words = words[1:]
        name = " ".join(words)
    return Speaker(name, entity_id(key), surface, "named")


def _pronoun(ctx: SpeakerContext, word: str, surface: Span) -> Speaker:
    if word in PERSON_PRONOUNS:
        candidates = [
            m
            for m in ctx.before(surface.start)
            if m.label == "PERSON" and not m.quoted and ctx.agrees(entity_id(m.key), word)
        ]
        # The latest person who was the subject of a sentence, or the latest speaker, whichever
        # is later; else the latest person named at all. "She" is never a man the article calls
        # "Mr." or "spokesman", and "he" never a "Ms." or "congresswoman".
        pick = next((m for m in candidates if m.subject), None)
        spoke = ctx.latest_speaker(surface.start, pronoun=word)
        spoke_at = ctx.latest_speaker_at(surface.start, pronoun=word)
        if spoke is not None and (pick is None or spoke_at > pick.start):
            return Speaker(spoke.name, spoke.entity_id, surface, "pronoun")
        if pick is None and candidates:
            pick = candidates[0]
        if pick is not None:
            name = ctx.name_for(pick.key, surface.start)
            return Speaker(name, entity_id(pick.key), surface, "pronoun")
        return Speaker(None, None, surface, "unknown")
    if word in GROUP_PRONOUNS:
        orgs = [m for m in ctx.before(surface.start) if m.label == "ORG" and not m.quoted]
        if orgs and word in {"it"}:
            return Speaker(
                ctx.name_for(orgs[0].key, surface.start),
                entity_id(orgs[0].key),
                surface,
                "pronoun",
            )
        return Speaker(None, None, surface, "unknown")
    if word in OTHER_PRONOUNS:
        return Speaker(None, None, surface, "unknown")
    return Speaker(None, None, surface, "unknown")


def _role(ctx: SpeakerContext, span: Any, token: Any, surface: Span) -> Speaker:
    """A definite description resolved to the person the article gave that role."""
    words = {fold(t.text) for t in span if not t.is_punct} - _ROLE_STOP
    words.discard("")
    head = fold(token.text)
    best: Mention | None = None
    best_score = 0.0
    seen: set[str] = set()
    for m in ctx.before(surface.start):
        if m.label != "PERSON" or m.key in seen:
            continue
        seen.add(m.key)
        role = ctx.roles.get(m.key, set())
        if head not in role:
            continue
        score = len(words & role) / max(1, len(words))
        if score > best_score:
            best, best_score = m, score
    if best is not None and best_score >= 0.5:
        name = ctx.name_for(best.key, surface.start)
        return Speaker(name, entity_id(best.key), surface, "role")
    definite = span[0].lower_ == "the" and not any(t.dep_ == "poss" for t in span)
    if definite and head in _LEADER_TITLES:
        spoke = ctx.latest_speaker(surface.start)
        if spoke is not None:
            return Speaker(spoke.name, spoke.entity_id, surface, "role")
        subject = next(
            (m for m in ctx.before(surface.start) if m.label == "PERSON" and m.subject), None
        )
        if subject is not None and not subject.quoted:
            name = ctx.name_for(subject.key, surface.start)
            return Speaker(name, entity_id(subject.key), surface, "role")
    return Speaker(None, None, surface, "unknown")
