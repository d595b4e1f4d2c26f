from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.compare.tone import (
    Evidence,
    ToneReader,
    ToneWeights,
    WordCue,
    score_evidence,
    tones_for_article,
)
from parallax.eval.tone import class_scores, load_items, main, score, tune

pytestmark = pytest.mark.slow  # parses with spaCy


@pytest.fixture(scope="module")
def reader() -> ToneReader:
    return ToneReader()


def at(sentence: str, mention: str, nth: int = 0) -> tuple[str, int, int]:
    start = -1
    for _ in range(nth + 1):
        start = sentence.index(mention, start + 1)
    return sentence, start, start + len(mention)


def test_negative_toward_the_target(reader: ToneReader) -> None:
    label, value = reader.judge(
        *at("Critics accused Jones of lying to Congress and covering up the fraud.", "Jones")
    )
    assert label == "negative" and -1.0 <= value < 0


def test_negative_toward_another_entity_is_not_the_speakers_tone(reader: ToneReader) -> None:
    sentence = "Smith said Jones was a corrupt liar who had betrayed the voters."
    assert reader.judge(*at(sentence, "Smith"))[0] == "neutral"
    assert reader.judge(*at(sentence, "Jones"))[0] == "negative"


def test_one_sentence_two_tones(reader: ToneReader) -> None:
    sentence = "Voters praised Brown for her brave leadership, while Jones was convicted of fraud."
    (brown, b), (jones, j) = reader.judge_many([at(sentence, "Brown"), at(sentence, "Jones")])
    assert brown == "positive" and jones == "negative" and b > 0 > j


def test_neutral_report(reader: ToneReader) -> None:
    sentence = "The committee will meet on Tuesday in Washington to discuss the budget, Smith said."
    assert reader.judge(*at(sentence, "Smith")) == ("neutral", 0.0)
    assert reader.judge(*at(sentence, "committee"))[0] == "neutral"


def test_curly_quotes_and_compounds_still_count(reader: ToneReader) -> None:
    sentence = "Brown called Jones a “fascist” and his town “drug-infested”."
    assert reader.judge(*at(sentence, "Jones"))[0] == "negative"


def test_weights_turn_cues_into_scores() -> None:
    near = Evidence(0.0, (WordCue(-2.0, 1, 0, False, False),))
    far = Evidence(0.0, (WordCue(-2.0, 6, 10, True, False),))
    spoken = Evidence(0.0, (WordCue(-2.0, 1, 0, False, True),))
    w = ToneWeights(tree_decay=0.3, word_decay=0.05, other_factor=0.5, speaker_factor=0.0)
    assert score_evidence(near, w) < score_evidence(far, w) < 0
    assert score_evidence(spoken, w) == 0.0
    assert score_evidence(Evidence(0.0, ()), w) == 0.0
    assert w.label(w.positive_at) == "positive" and w.label(0.0) == "neutral"


def test_tones_for_article_offsets(reader: ToneReader) -> None:
    first = "Critics accused Jones of fraud, and Jones denied it."
    second = "Smith met reporters in Ohio on Monday."
    body = f"{first}\n\n{second}"
    s2 = body.index(second)
    sentences = [(s2, s2 + len(second)), (0, len(first))]  # any order
    jones1, jones2 = body.index("Jones"), body.index("Jones", body.index("Jones") + 1)
    targets = [
        ("e:smith", s2, s2 + 5),
        ("e:jones", jones1, jones1 + 5),
        ("e:jones", jones2, jones2 + 5),
        ("e:across", len(first) - 3, s2 + 3),  # crosses a sentence boundary: skipped
    ]
    tones = tones_for_article(reader, "a1", body, sentences, targets)
    assert [(t.target_entity_id, t.start) for t in tones] == [("e:jones", 0), ("e:smith", s2)]
    for t in tones:
        assert t.article_id == "a1"
        assert body[t.start : t.end] in (first, second)
        assert t.target.text == body[t.target.start : t.target.end]
        assert t.start <= t.target.start < t.target.end <= t.end
        assert t.label in ("negative", "neutral", "positive") and -1 <= t.score <= 1
    assert tones[0].label == "negative" and tones[1].label == "neutral"
    assert tones_for_article(reader, "a1", body, sentences, []) == []


def test_class_scores() -> None:
    got = class_scores(
        ["negative", "neutral", "positive", "neutral"],
        ["negative", "neutral", "neutral", "positive"],
    )
    assert got["accuracy"] == 0.5
    assert got["f1_negative"] == 1.0 and got["f1_neutral"] == 0.5 and got["f1_positive"] == 0.0
    assert got["macro_f1"] == pytest.approx(0.5)


def write_newsmtsc(folder: Path) -> None:
    """A NewsMTSC-shaped folder: three sentences, two targets each."""
    rows = [
        (
            "Voters praised Brown for her brave leadership, while Jones was convicted of fraud.",
            [("Brown", 6.0), ("Jones", 2.0)],
        ),
        (
            "Smith said Jones was a corrupt liar who had betrayed the voters.",
            [("Smith", 4.0), ("Jones", 2.0)],
        ),
        ("Smith met Brown in Ohio on Monday.", [("Smith", 4.0), ("Brown", 4.0)]),
    ]
    lines = []
    for n, (sentence, targets) in enumerate(rows):
        found = []
        for mention, polarity in targets:
            start = sentence.index(mention)
            found.append(
                {
                    "Input.gid": f"g{n}{mention}",
                    "from": start,
                    "to": start + len(mention),
                    "mention": mention,
                    "polarity": polarity,
                }
            )
        lines.append(
            json.dumps({"primary_gid": f"g{n}", "sentence_normalized": sentence, "targets": found})
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "devtest_mt.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_scorer_on_a_tiny_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "newsmtsc"
    write_newsmtsc(data)
    items = load_items(data / "devtest_mt.jsonl")
    assert len(items) == 6 and items[0].sentence[items[0].start : items[0].end] == "Brown"
    assert [i.gold for i in items[:2]] == ["positive", "negative"]
    scores = score(data)
    assert set(scores) >= {"parallax", "baseline", "published"}
    assert scores["published"] == {"macro_f1": 0.825}
    for system in ("parallax", "baseline"):
        assert set(scores[system]) >= {"macro_f1", "accuracy", "f1_negative", "f1_neutral"}
        assert 0.0 <= scores[system]["macro_f1"] <= 1.0
    # the baseline gives both targets of a sentence one label, so it misses at least one of
    # each mixed sentence; the targeted reader gets these written cases right
    assert scores["parallax"]["accuracy"] == 1.0
    assert scores["baseline"]["accuracy"] <= 4 / 6
    assert main(["--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "0.825" in out
    assert main(["--data", str(tmp_path / "absent")]) == 2


def test_tune_picks_weights_from_the_grid(tmp_path: Path, reader: ToneReader) -> None:
    write_newsmtsc(tmp_path)
    items = load_items(tmp_path / "train.jsonl")
    evidence = reader.evidence_many([(i.sentence, i.start, i.end) for i in items])
    grid = {
        "tree_decay": (0.2, 0.5),
        "word_decay": (0.0,),
        "other_factor": (0.5,),
        "speaker_factor": (0.0, 1.0),
        "sentence_mix": (0.0,),
    }
    weights, macro = tune(evidence, [i.gold for i in items], grid)
    assert weights.tree_decay in (0.2, 0.5) and weights.speaker_factor in (0.0, 1.0)
    assert 0.0 <= macro <= 1.0
