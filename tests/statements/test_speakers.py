"""Speaker resolution and the cue lexicon."""

from __future__ import annotations

from parallax.entities import entity_id, entity_key
from parallax.nlp.annotate import load_nlp
from parallax.statements.cues import is_speech_verb, speech_lemma, verb_forms
from parallax.statements.speakers import build_context, resolve_subject, subject_phrase


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
