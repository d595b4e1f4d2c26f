"""Framing cues (`parallax.compare.framing`) on sentences written here, and their scorer
(`parallax.eval.framing`) on a tiny BASIL-shaped folder."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from parallax.compare.framing import find_cues
from parallax.eval.basil import locate
from parallax.eval.framing import (
    baseline_spans,
    evaluate,
    frames,
    load_docs,
    main,
    score,
)
from parallax.model import FramingCue, Quote, Span, Speaker

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "basil"


def sentences_of(body: str) -> list[tuple[int, int]]:
    """Sentence spans split after '.', '!' or '?' followed by space (good enough here)."""
    spans, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+", body):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(body)))
    return spans


def quote(body: str, content: str, cue: str, speaker: str | None, kind: str = "direct") -> Quote:
    """A quote of ``content`` with the cue ``cue`` (both first occurrences in ``body``)."""
    s, c = body.index(content), body.index(cue)
    return Quote(
        quote_id=f"q{s}",
        article_id="a1",
        kind=kind,
        start=s,
        end=s + len(content),
        text=content,
        speaker=Speaker(speaker, speaker, None, "named" if speaker else "unknown"),
        cue=Span(c, c + len(cue), cue),
        confidence=1.0,
    )


def mention(body: str, name: str, entity: str, nth: int = 0) -> tuple[str, int, int]:
    starts = [m.start() for m in re.finditer(re.escape(name), body)]
    return entity, starts[nth], starts[nth] + len(name)


def cues_of(
    body: str, quotes: list[Quote] | None = None, mentions: list[tuple[str, int, int]] | None = None
) -> list[FramingCue]:
    cues = find_cues("a1", body, sentences_of(body), quotes or [], mentions or [])
    for c in cues:
        assert body[c.start : c.end] == c.text
        assert c.article_id == "a1"
    assert [(c.start, c.end) for c in cues] == sorted((c.start, c.end) for c in cues)
    return cues


def only(cues: list[FramingCue], kind: str) -> list[FramingCue]:
    return [c for c in cues if c.kind == kind]


def test_said_is_a_neutral_attribution_aimed_at_the_speaker() -> None:
    body = '"We will rebuild the bridge," Jane Doe said on Monday.'
    q = quote(body, "We will rebuild the bridge,", "said", "jane")
    cues = cues_of(body, [q], [mention(body, "Jane Doe", "jane")])
    [cue] = only(cues, "attribution")
    assert (cue.start, cue.end, cue.text) == (body.index("said"), body.index("said") + 4, "said")
    assert (cue.lemma, cue.value, cue.target_entity_id) == ("say", "neutral", "jane")
    assert not frames(cue)


def test_claimed_casts_doubt_and_insisted_is_emphatic() -> None:
    body = 'Jane Doe claimed that "the bridge is safe." Bob Roe insisted "it is not."'
    q1 = quote(body, "the bridge is safe.", "claimed", "jane")
    q2 = quote(body, "it is not.", "insisted", "bob")
    cues = only(cues_of(body, [q1, q2]), "attribution")
    assert [(c.text, c.lemma, c.value, c.target_entity_id) for c in cues] == [
        ("claimed", "claim", "doubt", "jane"),
        ("insisted", "insist", "emphatic", "bob"),
    ]


def test_qualifiers_widen_the_cue_and_raise_its_class() -> None:
    body = (
        'The mayor asserted without basis that "the audit was rigged." '
        'The governor falsely claimed "nobody lost a job." '
        'The senator said with steely clarity "we will not yield." '
        'The judge said stiffly "next case."'
    )
    qs = [
        quote(body, "the audit was rigged.", "asserted", "mayor"),
        quote(body, "nobody lost a job.", "claimed", "governor"),
        quote(body, "we will not yield.", "said", "senator"),
        quote(body, "next case.", "said stiffly", "judge"),
    ]
    # the judge's cue is given as the bare verb, as the quote extractor gives it
    judge_cue = body.index("said stiffly")
    qs[3] = dataclasses.replace(qs[3], cue=Span(judge_cue, judge_cue + 4, "said"))
    cues = only(cues_of(body, qs), "attribution")
    assert [(c.text, c.lemma, c.value) for c in cues] == [
        ("asserted without basis", "assert", "loaded"),
        ("falsely claimed", "claim", "loaded"),
        ("said with steely clarity", "say", "emphatic"),
        ("said stiffly", "say", "emphatic"),
    ]
    assert body[cues[0].start : cues[0].end] == "asserted without basis"


def test_loaded_verb_without_a_quote_is_aimed_at_its_subject() -> None:
    body = "Senator Smith lashed out at Governor Jones on Tuesday."
    ms = [mention(body, "Smith", "smith"), mention(body, "Jones", "jones")]
    [cue] = cues_of(body, [], ms)
    assert (cue.kind, cue.text, cue.lemma, cue.value) == (
        "attribution",
        "lashed out",
        "lash out",
        "loaded",
    )
    assert cue.target_entity_id == "smith"


def test_a_noun_is_not_an_attribution() -> None:
    body = "The council rejected the claims about the budget. Her warnings went unheeded."
    assert only(cues_of(body), "attribution") == []


def test_hedges_are_doubt_with_exact_offsets() -> None:
    body = "The minister reportedly met the envoy. The so-called reform is said to cost more."
    cues = only(cues_of(body), "hedge")
    assert [(c.text, c.value) for c in cues] == [
        ("reportedly", "doubt"),
        ("so-called", "doubt"),
        ("is said to", "doubt"),
    ]
    assert cues[0].start == body.index("reportedly")
    alleged = cues_of("The alleged plot failed. Smith alleged that the count was wrong.")
    assert [(c.kind, c.text, c.value) for c in alleged] == [
        ("hedge", "alleged", "doubt"),
        ("attribution", "alleged", "doubt"),
    ]
    assert cues[1].end == body.index("so-called") + len("so-called")


def test_evaluative_words_in_the_outlets_voice_but_not_inside_quotes() -> None:
    body = (
        'The regime made baseless accusations against Jones. "It is a brutal regime," Jones said.'
    )
    q = quote(body, "It is a brutal regime,", "said", "jones")
    ms = [mention(body, "Jones", "jones", 0), mention(body, "Jones", "jones", 1)]
    cues = only(cues_of(body, [q], ms), "evaluative")
    assert [(c.text, c.value) for c in cues] == [("regime", "negative"), ("baseless", "doubt")]
    assert all(c.end <= body.index('"') for c in cues)
    assert cues[1].target_entity_id == "jones"
    # the same words between quotation marks no quote was found for are not cues either
    assert only(cues_of('Critics called it "a brutal regime" last week.'), "evaluative") == []


def test_phrases_and_capitalised_names() -> None:
    body = "Residents endured a grinding war. Brutal Street was renamed."
    cues = only(cues_of(body), "evaluative")
    # "Brutal" opens its sentence, so it counts; a capitalised word mid-sentence would not
    assert [c.text for c in cues] == ["grinding war", "Brutal"]
    assert only(cues_of("They walked down Brutal Street."), "evaluative") == []


def test_find_cues_is_deterministic_and_empty_for_plain_text() -> None:
    body = "The committee met on Tuesday and adjourned at noon."
    assert cues_of(body) == []
    text = 'Jones falsely claimed "it was fine." The brutal regime reportedly fell.'
    q = quote(text, "it was fine.", "claimed", "jones")
    assert cues_of(text, [q]) == cues_of(text, [q])


def test_empty_input_and_a_quote_without_a_cue() -> None:
    assert find_cues("a1", "", [], [], []) == []
    body = 'Protesters chanted "brutal regime" outside.'
    q = dataclasses.replace(quote(body, "brutal regime", "chanted", None), cue=None)
    assert cues_of(body, [q]) == []


# --- the scorer ------------------------------------------------------------------------------


def write_basil(root: Path) -> None:
    """Two BASIL-shaped articles: one of a dev year, one of a test year. Phrases are (text,
    sentence index, quote) and their offsets are relative to that sentence, as in BASIL."""
    articles = {
        ("2011", "t1_1"): (
            [
                ["Mayor Lee reportedly met the donors.", "The brutal regime fell on Friday."],
                ["Critics slammed the plan."],
            ],
            [("reportedly", 0, "no"), ("brutal", 1, "no"), ("slammed", 2, "no")],
        ),
        ("2013", "t2_1"): (
            [["Senator Ames hailed the bill.", "Her so-called reform passed on Monday."]],
            [("so-called", 1, "no"), ("reform", 1, "yes")],
        ),
    }
    for (year, stem), (paragraphs, phrases) in articles.items():
        sentences = [s for para in paragraphs for s in para]
        (root / "articles" / year).mkdir(parents=True, exist_ok=True)
        (root / "annotations" / year).mkdir(parents=True, exist_ok=True)
        (root / "articles" / year / f"{stem}.json").write_text(
            json.dumps({"source": "fox", "body-paragraphs": paragraphs})
        )
        annotations = [
            {
                "id": f"p{n}",
                "bias": "lex",
                "quote": q,
                "txt": txt,
                "start": sentences[i].index(txt),
                "end": sentences[i].index(txt) + len(txt),
            }
            for n, (txt, i, q) in enumerate(phrases)
        ] + [{"id": "px", "bias": "inf", "quote": "no", "txt": "met", "start": 21, "end": 24}]
        (root / "annotations" / year / f"{stem}_ann.json").write_text(
            json.dumps({"uuid": stem, "phrase-level-annotations": annotations})
        )


def test_gold_spans_are_located_in_the_body(tmp_path: Path) -> None:
    write_basil(tmp_path)
    docs = {d.key: d for d in load_docs(tmp_path)}
    dev, test = docs["t1_1"], docs["t2_1"]
    assert dev.year == "2011" and test.year == "2013"
    assert dev.body.split("\n\n")[1] == "Critics slammed the plan."
    assert [dev.body[s:e] for s, e in dev.lex] == ["reportedly", "brutal", "slammed"]
    assert [test.body[s:e] for s, e in test.ignored] == ["reform"]
    assert locate([(0, "abc"), (4, "xbcd")], "bc", 1) == (1, 3)
    assert locate([(0, "abc")], "zz", 0) is None


def test_matching_exact_overlap_and_tokens(tmp_path: Path) -> None:
    write_basil(tmp_path)
    docs = [d for d in load_docs(tmp_path) if d.key == "t1_1"]
    body = docs[0].body
    brutal = body.index("brutal")
    slammed = body.index("slammed")
    r = evaluate(docs, [[(brutal, brutal + 13), (slammed - 1, slammed + 8), (0, 5)]])
    # "brutal regime" overlaps "brutal" (not exact); " slammed" trims to "slammed" (exact);
    # "Mayor" is wrong; "reportedly" is missed
    assert (r["predicted"], r["gold"]) == (3, 3)
    assert r["precision"] == round(1 / 3, 4) and r["recall"] == round(1 / 3, 4)
    assert r["overlap_precision"] == round(2 / 3, 4)
    assert r["overlap_recall"] == round(2 / 3, 4)
    assert r["token_precision"] == round(2 / 4, 4)  # brutal, regime, slammed, Mayor
    assert r["token_recall"] == round(2 / 3, 4)


def test_baseline_marks_lexicon_words() -> None:
    body = "A brutal, horrible day; the table was fine."
    found = [body[s:e] for s, e in baseline_spans(body, 2.5)]
    assert "brutal" in found and "horrible" in found and "table" not in found


@pytest.mark.slow  # parses with spaCy
def test_score_on_a_written_basil_folder(tmp_path: Path) -> None:
    write_basil(tmp_path)
    results = score(tmp_path)
    assert results["articles"] == {"dev": 1, "test": 1}
    dev = results["dev"]["parallax"]
    assert dev["gold"] == 3 and dev["recall"] == 1.0  # reportedly, brutal, slammed
    test = results["parallax"]
    assert test["gold"] == 1 and test["recall"] == 1.0  # so-called
    assert set(results["baseline"]) >= {"precision", "recall", "f1", "token_f1"}


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/basil is absent")
def test_basil_cues_beat_the_lexicon_baseline_on_test_events() -> None:
    results = score(DATA)
    assert results["parallax"]["gold"] > 50
    for metric in ("f1", "overlap_f1", "token_f1"):
        assert results["parallax"][metric] > results["baseline"][metric]


def test_missing_data_is_exit_code_2(tmp_path: Path) -> None:
    assert main(["--data", str(tmp_path)]) == 2


def test_a_phrasal_head_split_from_its_particle_is_no_cue() -> None:
    # "goes" heads the phrasal "go on" only when "on" follows at once; here a comma sits
    # between them (this crashed the stage on a real corpus).
    body = "It goes, on the other hand, well, the mayor said, and the talks go on."
    cues = find_cues("a1", body, sentences_of(body), [], [])
    assert all(body[c.start : c.end] == c.text for c in cues)
    assert not any(c.text.startswith("goes") for c in cues)
