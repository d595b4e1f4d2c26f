"""Quote extraction on sentences written for the tests: every construction, offsets exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.clean import clean_text
from parallax.entities import entity_id, entity_key
from parallax.model import Quote
from parallax.provenance.outlets import looks_like_outlet
from parallax.statements import extract_many, extract_quotes
from parallax.statements.marks import find_regions

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


# --- layout attributions: transcripts, dash bylines, colons across paragraphs ---------------


def test_transcript_label_names_the_speaker_and_is_not_content() -> None:
    body = (
        "Senator Mike Pence spoke to Fox News on Sunday.\n\n"
        '"WALLACE: Will you be at the debate tomorrow night?\n\n'
        '"PENCE: I will be there. It is a big night for the country.\n\n'
        '"We are ready for it."'
    )
    host = one(body, "Will you be at the debate tomorrow night?")
    answer = one(body, "I will be there. It is a big night for the country.")
    more = one(body, "We are ready for it.")
    assert host.speaker.name == "Wallace" and host.speaker.rule == "named"
    assert host.speaker.surface is not None and host.speaker.surface.text == "WALLACE"
    pence = entity_id(entity_key("Pence", "PERSON") or "")
    assert answer.speaker.name == "Mike Pence" and answer.speaker.entity_id == pence
    assert answer.cue is not None and answer.cue.text == "PENCE:"
    # The unlabelled paragraph that the marks run on into is the same turn.
    assert more.speaker.entity_id == pence and more.cue == answer.cue


def test_capitalised_furniture_label_is_not_a_speaker() -> None:
    body = '"UPDATE: The vote was moved to Friday," the clerk, Anna Berg, said.'
    (q,) = [q for q in quotes(body) if q.kind == "direct"]
    assert q.text.startswith("UPDATE:")
    assert q.cue is not None and q.cue.text == "said"


def test_dash_byline_under_a_quote() -> None:
    body = (
        "Readers wrote to us about the election.\n\n"
        "“We are tired of waiting for change. Nobody listens to us.” ― Maria Lopez\n\n"
        "“The campaign has ignored our towns for years.” — Peter Novak, 41, a farmer.\n\n"
        "“It was over before it started” — and nobody objected."
    )
    lopez = one(body, "We are tired of waiting for change. Nobody listens to us.")
    novak = one(body, "The campaign has ignored our towns for years.")
    assert lopez.speaker.name == "Maria Lopez" and lopez.speaker.rule == "named"
    assert lopez.cue is not None and lopez.cue.text == "―"
    assert novak.speaker.name == "Peter Novak"
    # A dash that goes on with a clause is no byline.
    other = one(body, "It was over before it started")
    assert other.cue is None or other.cue.text not in {"—", "―"}


def test_attribution_sentence_after_a_period_inside_the_marks() -> None:
    body = 'John Smith led the count all night.\n\n"We will win this race." Smith said on Monday.'
    q = one(body, "We will win this race.")
    assert q.speaker.name == "John Smith" and q.speaker.rule == "named"
    assert q.cue is not None and q.cue.text == "said"


def test_sentence_after_the_marks_with_its_own_content_does_not_attribute() -> None:
    body = 'The count went on all night.\n\n"We will win this race." Smith said the vote was close.'
    q = one(body, "We will win this race.")
    assert q.speaker.name is None and q.cue is None


def test_paragraph_ending_with_a_colon_introduces_the_next_one() -> None:
    body = (
        "German Chancellor Angela Merkel spoke about the future of the union:\n\n"
        "“If we stay together, we will prosper. Nobody should doubt it.”"
    )
    q = one(body, "If we stay together, we will prosper. Nobody should doubt it.")
    assert q.speaker.name == "Angela Merkel"
    assert q.cue is not None and q.cue.text == "spoke"


def test_heading_line_is_never_the_speaker() -> None:
    body = (
        "Russian President Vladimir Putin arrived in Geneva on Monday.\n\n"
        "Trump’s Role in the Talks\n\n"
        "The Russian president revealed that Donald Trump had asked him to host the meeting."
    )
    q = one(body, "Donald Trump had asked him to host the meeting")
    assert q.speaker.entity_id == PUTIN
    assert q.speaker.surface is not None and q.speaker.surface.text == "The Russian president"


def test_reported_speech_never_runs_across_page_furniture() -> None:
    body = (
        "Putin Signals Openness to Guarantees\n1 Min Read 0 196\n\n"
        "Russian President Vladimir Putin asserted that Moscow does not oppose guarantees."
    )
    found = quotes(body)
    assert all("\n" not in q.text and "Min Read" not in q.text for q in found)
    q = one(body, "Moscow does not oppose guarantees")
    assert q.speaker.entity_id == PUTIN


def test_inverted_cue_before_a_colon() -> None:
    body = (
        "Tax experts doubt the plan will pass. "
        "Said Ellis: “I don’t get the sense she cares about tax reform.”"
    )
    q = one(body, "I don’t get the sense she cares about tax reform.")
    assert q.speaker.name == "Ellis"
    assert q.cue is not None and q.cue.text == "Said"


def test_verbs_of_raised_voice_are_cues() -> None:
    body = 'Mary Jones walked to the door.\n\n"Get out of here right now," she yelled.'
    q = one(body, "Get out of here right now")
    assert q.speaker.name == "Mary Jones" and q.cue is not None and q.cue.text == "yelled"


def test_nickname_in_marks_neither_quote_nor_end_of_attribution() -> None:
    body = (
        '"This is a big year for all of us!" Smith\'s niece, state Del. Marcia "Cia" Price, '
        "shouted to the crowd."
    )
    found = quotes(body)
    assert [q.text for q in found] == ["This is a big year for all of us!"]
    assert found[0].cue is not None and found[0].cue.text == "shouted"


def test_subjectless_cue_right_after_a_name_takes_the_name() -> None:
    # A parse in which the verb of saying has no subject (as the small model sometimes
    # leaves it after a quote): the name right before the verb is the speaker.
    from spacy.tokens import Doc

    from parallax.nlp.annotate import load_nlp
    from parallax.statements.quotes import quotes_from_doc

    words = ["“", "We", "will", "win", ",", "”", "Chief", "Anna", "Berg", "said", "Monday", "."]
    spaces = [False, True, True, False, False, True, True, True, True, True, False, False]
    heads = [3, 3, 3, 3, 3, 3, 8, 8, 3, 3, 9, 3]
    deps = ["punct", "nsubj", "aux", "ROOT", "punct", "punct", "compound", "compound", "dep",
            "conj", "npadvmod", "punct"]  # fmt: skip
    tags = ["``", "PRP", "MD", "VB", ",", "''", "NNP", "NNP", "NNP", "VBD", "NNP", "."]
    pos = ["PUNCT", "PRON", "AUX", "VERB", "PUNCT", "PUNCT", "PROPN", "PROPN", "PROPN", "VERB",
           "PROPN", "PUNCT"]  # fmt: skip
    ents = ["O"] * 7 + ["B-PERSON", "I-PERSON"] + ["O", "B-DATE", "O"]
    doc = Doc(load_nlp().vocab, words, spaces, tags=tags, pos=pos, heads=heads, deps=deps,
              ents=ents)  # fmt: skip
    body = doc.text
    (q,) = quotes_from_doc("a1", body, doc)
    assert q.text == "We will win"
    assert q.speaker.name == "Anna Berg" and q.speaker.rule == "named"
    assert q.cue is not None and q.cue.text == "said"


@pytest.mark.parametrize(
    ("body", "text", "cue"),
    [
        # A name right after a comma-ended quote, whatever its verb.
        ('"It is dead," Mary Jones laughed.', "It is dead", "laughed"),
        # Inverted verb of saying after a question.
        ('"Is it dead?" asked Mary Jones.', "Is it dead?", "asked"),
        # Nothing but a name before the colon.
        ('Mary Jones: "It is dead."', "It is dead.", ":"),
        # One person named before the colon, not as a subject.
        ('The response of Mary Jones: "It is dead."', "It is dead.", None),
        # A participle describing the name.
        ('Mary Jones, speaking to reporters, was blunt: "It is dead."', "It is dead.", "speaking"),
        # A participle describing a noun: the subject of the verb the noun hangs from.
        (
            'Mary Jones responded with a statement saying, "The plan is dead and we are done."',
            "The plan is dead and we are done.",
            "saying",
        ),
        # "put it" as a verb of saying.
        ('As Mary Jones put it, "It is dead."', "It is dead.", "put"),
        # The name in apposition to the subject.
        ('"It is dead," the senator from Texas, Mary Jones, said.', "It is dead", "said"),
        # A sentence that says whose words the quote before it were.
        ('"It is dead." That is how Mary Jones described the plan.', "It is dead.", "described"),
    ],
)
def test_attribution_constructions(body: str, text: str, cue: str | None) -> None:
    q = one(body, text)
    assert q.kind == "direct"
    assert q.speaker.name == "Mary Jones"
    assert (q.cue.text if q.cue else None) == cue


def test_short_quote_opening_its_sentence_is_direct() -> None:
    q = one('"It’s dead," Mary Jones said at a news conference in Austin.', "It’s dead")
    assert q.kind == "direct" and q.speaker.name == "Mary Jones"


@pytest.mark.parametrize(
    "body",
    [
        # The sentence before refers to the speaker by a pronoun subject.
        'Mary Jones spoke at the rally. She criticized the plan. "It is dead and we are done."',
        # The paragraph before names the speaker as the subject of its last sentence.
        'Mary Jones spoke at the rally on Monday.\n\n"It is dead and we are done with it."',
    ],
)
def test_unattributed_quote_takes_the_person_just_named(body: str) -> None:
    (q,) = quotes(body)
    assert q.speaker.name == "Mary Jones"


def test_fragment_without_a_verb_of_saying_goes_to_the_sentence_subject() -> None:
    body = "Senator Harry Reid has gone after Donald Trump as a “human leech” for weeks."
    q = one(body, "human leech")
    assert q.kind == "partial"
    assert q.speaker.name == "Harry Reid" and q.cue is not None and q.cue.text == "gone"


def test_relative_pronoun_subject_names_the_noun_it_modifies() -> None:
    body = 'Mary Jones, who said the plan "is dead and buried," left early.'
    q = one(body, "is dead and buried")
    assert q.speaker.name == "Mary Jones"
    assert q.speaker.surface is not None and q.speaker.surface.text == "who"


def test_pronoun_skips_a_person_the_article_marks_as_the_other_gender() -> None:
    body = 'Ms. Jones met Mr. Smith on Monday. Mr. Smith spoke first.\n\n"We will win," she said.'
    q = one(body, "We will win")
    assert q.speaker.name == "Jones" and q.speaker.rule == "pronoun"


def test_possessor_of_a_speech_noun_is_the_speaker() -> None:
    body = 'Mary Jones listened to the debate. Her response was blunt: "It is dead."'
    q = one(body, "It is dead.")
    assert q.speaker.name == "Mary Jones"
    assert q.speaker.surface is not None and q.speaker.surface.text == "Her response"
