"""Quote extraction on sentences written for the tests: every construction, offsets exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.clean import clean_text
from parallax.entities import entity_id, entity_key
from parallax.model import Quote
from parallax.provenance.outlets import looks_like_outlet
from parallax.statements import extract_many, extract_quotes
from parallax.statements.quotes import find_regions

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def quotes(body: str) -> list[Quote]:
    found = extract_quotes("a1", body)
    for q in found:
        assert q.text == body[q.start : q.end]
        if q.speaker.surface is not None:
            s = q.speaker.surface
            assert s.text == body[s.start : s.end]
        if q.cue is not None:
            assert q.cue.text == body[q.cue.start : q.cue.end]
    assert [q.start for q in found] == sorted(q.start for q in found)
    return found


def one(body: str, text: str) -> Quote:
    match = [q for q in quotes(body) if q.text == text]
    assert len(match) == 1, [q.text for q in quotes(body)]
    return match[0]


PUTIN = entity_id(entity_key("Putin", "PERSON") or "")


def test_straight_marks_trailing_attribution() -> None:
    body = '"We will not give up our land," Vladimir Putin said on Tuesday.'
    q = one(body, "We will not give up our land")
    assert q.kind == "direct"
    assert q.speaker.name == "Vladimir Putin" and q.speaker.rule == "named"
    assert q.speaker.entity_id == PUTIN
    assert q.cue is not None and q.cue.text == "said"
    assert q.start == 1


def test_curly_marks_and_inverted_cue() -> None:
    body = "“The sanctions have failed completely,” said Dmitry Peskov."
    q = one(body, "The sanctions have failed completely")
    assert q.kind == "direct"
    assert q.speaker.name == "Dmitry Peskov"
    assert q.speaker.surface is not None and q.speaker.surface.text == "Dmitry Peskov"


def test_split_quote_shares_speaker_and_cue() -> None:
    body = "“The core issue is not land,” Putin stated, “but the rights of the people.”"
    first = one(body, "The core issue is not land")
    second = one(body, "but the rights of the people.")
    for q in (first, second):
        assert q.kind == "direct" and q.speaker.entity_id == PUTIN
        assert q.cue is not None and q.cue.text == "stated"
    assert first.cue == second.cue


def test_multi_paragraph_quote() -> None:
    body = (
        "Angela Merkel spoke to reporters in Berlin on Friday.\n\n"
        "“We have always been clear about this. Europe will stand together.\n\n"
        "“Nobody should doubt our resolve,” she said."
    )
    first = one(body, "We have always been clear about this. Europe will stand together.")
    second = one(body, "Nobody should doubt our resolve")
    merkel = entity_id(entity_key("Merkel", "PERSON") or "")
    assert first.kind == second.kind == "direct"
    assert first.speaker.entity_id == second.speaker.entity_id == merkel
    assert second.speaker.rule == "pronoun"


def test_colon_quote_with_speaker_in_the_sentence_before() -> None:
    body = (
        "Russian President Vladimir Putin took questions in Beijing on Wednesday.\n\n"
        "The Kremlin leader had a blunt message for Western capitals: "
        "“We will not be intimidated by anyone.”"
    )
    q = one(body, "We will not be intimidated by anyone.")
    assert q.kind == "direct"
    assert q.speaker.entity_id == PUTIN
    assert q.speaker.rule == "role"
    assert q.speaker.surface is not None and q.speaker.surface.text == "The Kremlin leader"


def test_colon_quote_named_in_the_sentence() -> None:
    body = "Senator Elizabeth Warren was blunt: “This bank broke the law and must pay.”"
    q = one(body, "This bank broke the law and must pay.")
    assert q.speaker.name == "Elizabeth Warren"


def test_partial_quote_gets_the_sentence_speaker_not_the_outlet() -> None:
    body = (
        "Kremlin spokesman Dmitry Peskov called the reports “complete nonsense,” "
        "Al Jazeera reported."
    )
    q = one(body, "complete nonsense")
    assert q.kind == "partial"
    assert q.speaker.name == "Dmitry Peskov"
    assert q.cue is not None and q.cue.text == "called"


@pytest.mark.parametrize(
    ("body", "content", "cue", "name"),
    [
        (
            "Olaf Scholz said that Germany would send more air defence systems.",
            "Germany would send more air defence systems",
            "said",
            "Olaf Scholz",
        ),
        (
            "According to Emmanuel Macron, the talks will resume in Geneva next week.",
            "the talks will resume in Geneva next week",
            "According to",
            "Emmanuel Macron",
        ),
        (
            "Keir Starmer insisted the alliance had never been stronger.",
            "the alliance had never been stronger",
            "insisted",
            "Keir Starmer",
        ),
        (
            "Pedro Sanchez warned that the deal could collapse within days.",
            "the deal could collapse within days",
            "warned",
            "Pedro Sanchez",
        ),
        (
            "Giorgia Meloni denied any involvement in the leak.",
            "any involvement in the leak",
            "denied",
            "Giorgia Meloni",
        ),
    ],
)
def test_indirect_speech(body: str, content: str, cue: str, name: str) -> None:
    q = one(body, content)
    assert q.kind == "indirect"
    assert q.cue is not None and q.cue.text == cue
    assert q.speaker.name == name


def test_pronoun_resolves_to_the_latest_named_person() -> None:
    body = (
        "Chancellor Olaf Scholz arrived in Kyiv on Monday.\n\n"
        "“Germany stands with Ukraine for as long as it takes,” he told reporters."
    )
    q = one(body, "Germany stands with Ukraine for as long as it takes")
    assert q.speaker.name == "Olaf Scholz" and q.speaker.rule == "pronoun"
    assert q.speaker.surface is not None and q.speaker.surface.text == "he"


def test_role_resolves_to_the_person_with_that_title() -> None:
    body = (
        "Ukrainian President Volodymyr Zelenskyy met European leaders in Brussels.\n\n"
        "“We need more air defence now,” the Ukrainian president said."
    )
    q = one(body, "We need more air defence now")
    assert q.speaker.rule == "role"
    assert q.speaker.entity_id == entity_id(entity_key("Zelensky", "PERSON") or "")


def test_previous_paragraph_speaker() -> None:
    body = (
        "“The offer remains on the table,” Antony Blinken said on Thursday.\n\n"
        "“There will be no better deal than this one.”"
    )
    q = one(body, "There will be no better deal than this one.")
    assert q.speaker.rule == "previous"
    assert q.speaker.name == "Antony Blinken"
    assert q.speaker.surface is None


def test_cited_outlet_is_not_the_speaker() -> None:
    body = "“The negotiations are over,” the Kremlin official told Reuters, AFP reported."
    for q in quotes(body):
        name = q.speaker.name or ""
        assert not looks_like_outlet(name)
    body = "“Nothing has been agreed yet,” Reuters reported."
    q = one(body, "Nothing has been agreed yet")
    assert q.speaker.name is None and q.speaker.entity_id is None
    assert q.speaker.rule == "unknown"


def test_unknown_stays_unknown_with_low_confidence() -> None:
    body = "The city was quiet on Sunday.\n\n“It is a dark day for all of us.”"
    q = one(body, "It is a dark day for all of us.")
    assert q.speaker.name is None and q.speaker.entity_id is None
    assert q.speaker.rule == "unknown"
    assert q.confidence < 0.5
    named = one('"We will win," Vladimir Putin said.', "We will win")
    assert named.confidence > q.confidence


def test_spellings_share_one_entity() -> None:
    body = (
        "“We are ready to talk,” Volodymyr Zelenskyy said.\n\n"
        "“Our army is holding the line,” Vladimir Zelensky added."
    )
    found = quotes(body)
    assert len({q.speaker.entity_id for q in found}) == 1
    assert found[0].speaker.entity_id is not None


def test_titles_in_marks_are_not_quotes() -> None:
    body = "She reviewed the film “Grand Budapest Hotel” for the magazine."
    assert quotes(body) == []


def test_deterministic_and_batched_equal_single() -> None:
    bodies = [
        ("a", "“We will win,” Putin said. He added that the war would end soon."),
        ("b", "According to Emmanuel Macron, Europe must rearm quickly."),
    ]
    batched = extract_many(bodies, batch_size=1)
    assert batched == [extract_quotes(aid, body) for aid, body in bodies]
    assert batched == extract_many(bodies)


def test_regions_pair_marks_per_paragraph() -> None:
    body = "He said “one two three” and “four five.\n\n“six seven”"
    regions = find_regions(body)
    texts = [body[r.start : r.end] for r in regions]
    assert texts == ["one two three", "four five.", "six seven"]
    assert [r.closed for r in regions] == [True, False, True]
    assert [r.continued for r in regions] == [False, False, True]


def test_seed_articles_general_properties() -> None:
    bodies = []
    for path in sorted(SEEDS.glob("*.txt")):
        cleaned = clean_text(path.read_text(encoding="utf-8"), {})
        bodies.append((path.stem, cleaned.body))
    assert bodies
    for (_, body), found in zip(bodies, extract_many(bodies), strict=True):
        assert found
        for q in found:
            assert q.text == body[q.start : q.end] and q.kind in {"direct", "partial", "indirect"}
            assert not looks_like_outlet(q.speaker.name or "")
            assert 0.0 < q.confidence <= 1.0
        assert any(q.speaker.entity_id == PUTIN for q in found)
