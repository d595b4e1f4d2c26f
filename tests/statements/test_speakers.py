"""Speaker resolution and the cue lexicon."""

from __future__ import annotations

from typing import Any

from parallax.entities import entity_id, entity_key
from parallax.model import Span
from parallax.nlp.annotate import load_nlp
from parallax.statements.cues import is_speech_verb, speech_lemma, verb_forms
from parallax.statements.speakers import (
    build_context,
    resolve_name,
    resolve_subject,
    subject_phrase,
)


def subject_of(body: str, verb: str) -> tuple[object, object]:
    doc = load_nlp()(body)
    ctx = build_context(doc, body, [])
    token = next(t for t in doc if t.text == verb)
    subj = next(c for c in token.children if c.dep_ == "nsubj")
    return ctx, subj


def test_verb_forms_cover_regular_and_irregular_verbs() -> None:
    assert {"said", "says", "saying", "say"} <= verb_forms("say")
    assert {"denied", "denies", "denying"} <= verb_forms("deny")
    assert "admitted" in verb_forms("admit")
    assert speech_lemma("Insisted") == "insist"
    assert is_speech_verb("told") and not is_speech_verb("walked")


def test_named_subject_gets_the_full_name_and_canonical_id() -> None:
    body = "Vladimir Putin visited China. Putin said the talks went well."
    ctx, subj = subject_of(body, "said")
    speaker = resolve_subject(ctx, subj)  # type: ignore[arg-type]
    assert speaker is not None
    assert speaker.name == "Vladimir Putin" and speaker.rule == "named"
    assert speaker.entity_id == entity_id(entity_key("Putin", "PERSON") or "")
    assert speaker.surface is not None and speaker.surface.text == "Putin"


def test_outlet_subject_is_not_a_speaker() -> None:
    ctx, subj = subject_of("The New York Times reported that the deal was done.", "reported")
    assert resolve_subject(ctx, subj) is None  # type: ignore[arg-type]


def test_role_with_possessive_resolves_through_apposition() -> None:
    body = (
        "Zelensky's chief of staff, Andriy Yermak, arrived on Monday. "
        "Zelensky's chief of staff said that the talks had failed."
    )
    doc = load_nlp()(body)
    ctx = build_context(doc, body, [])
    said = next(t for t in doc if t.text == "said")
    subj = next(c for c in said.children if c.dep_ == "nsubj")
    start, end = subject_phrase(subj)
    assert doc[start:end].text == "Zelensky's chief of staff"
    speaker = resolve_subject(ctx, subj)
    assert speaker is not None and speaker.rule == "role"
    assert speaker.entity_id == entity_id(entity_key("Yermak", "PERSON") or "")


def test_common_noun_subject_is_unknown_but_keeps_its_words() -> None:
    ctx, subj = subject_of("Several officials said the plan was dead.", "said")
    speaker = resolve_subject(ctx, subj)  # type: ignore[arg-type]
    assert speaker is not None
    assert speaker.name is None and speaker.entity_id is None and speaker.rule == "unknown"
    assert speaker.surface is not None and speaker.surface.text == "Several officials"


def _parsed(words: list[str], pos: list[str], heads: list[int], deps: list[str]) -> object:
    """A hand-made parse, for the errors of the statistical parser a rule guards against."""
    from spacy.tokens import Doc

    spaces = [not w.isspace() and not nxt.isspace() and nxt not in ".,:" for w, nxt in
              zip(words, [*words[1:], "."], strict=True)]  # fmt: skip
    return Doc(load_nlp().vocab, words, spaces, pos=pos, heads=heads, deps=deps)


def test_lone_capitalised_word_opening_a_sentence_is_no_name() -> None:
    # "Reports" tagged as a proper noun and not recognised as an entity.
    doc: Any = _parsed(
        ["Reports", "indicated", "that", "talks", "failed", "."],
        ["PROPN", "VERB", "SCONJ", "NOUN", "VERB", "PUNCT"],
        [1, 1, 4, 4, 1, 1],
        ["nsubj", "ROOT", "mark", "nsubj", "ccomp", "punct"],
    )
    ctx = build_context(doc, doc.text, [])
    speaker = resolve_subject(ctx, doc[0])
    assert speaker is not None and speaker.name is None and speaker.rule == "unknown"
    assert speaker.surface is not None and speaker.surface.text == "Reports"


def test_subject_phrase_stops_at_a_line_break() -> None:
    # A heading run into the next line's subject by the parse.
    doc: Any = _parsed(
        ["Previous", "Refusal", "\n\n", "The", "minister", "said", "no", "."],
        ["ADJ", "NOUN", "SPACE", "DET", "NOUN", "VERB", "INTJ", "PUNCT"],
        [1, 4, 1, 4, 5, 5, 5, 5],
        ["amod", "compound", "dep", "det", "nsubj", "ROOT", "dobj", "punct"],
    )
    start, end = subject_phrase(doc[4])
    assert doc[start:end].text == "The minister"


def test_name_of_a_transcript_label_or_byline() -> None:
    body = "Mike Pence spoke on Sunday. PENCE: We will win. The Washington Post: no comment."
    doc = load_nlp()(body)
    ctx = build_context(doc, body, [])
    at = body.index("PENCE")
    speaker = resolve_name(ctx, "PENCE", Span(at, at + 5, "PENCE"))
    assert speaker is not None and speaker.name == "Mike Pence" and speaker.rule == "named"
    assert speaker.entity_id == entity_id(entity_key("Pence", "PERSON") or "")
    at = body.index("The Washington Post")
    outlet = Span(at, at + 19, "The Washington Post")
    assert resolve_name(ctx, outlet.text, outlet, "ORG") is None


def test_verb_of_saying_taken_into_a_name_is_dropped() -> None:
    body = "Tax experts doubt it. Said Ellis: “Nobody wants this.”"
    doc = load_nlp()(body)
    ctx = build_context(doc, body, [(body.index("Nobody"), len(body) - 1)])
    assert [m.text for m in ctx.mentions if m.label == "PERSON"] == ["Ellis"]
