"""The quotes scorer on tiny PolNeAR- and BASIL-shaped fixtures written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.eval import quotes as ev
from parallax.eval import run_eval

TEXT = (
    "“We will not give up our land,” Vladimir Putin said on Tuesday.\n\n"
    "Olaf Scholz said that Germany would send more air defence systems.\n\n"
    "Analysts expect a long winter."
)


def _span(label: str, start: int, end: int, tid: str) -> str:
    return f"{tid}\t{label} {start} {end}\t{TEXT[start:end]}"


def write_polnear(root: Path, split: str = "train") -> Path:
    base = root / "polnear" / split
    (base / "text").mkdir(parents=True)
    (base / "attributions").mkdir()
    (base / "text" / "doc-one.txt").write_text(TEXT, encoding="utf-8")
    q = TEXT.index("We will")
    content_end = TEXT.index("”")
    putin = TEXT.index("Vladimir Putin")
    said = TEXT.index("said")
    scholz = TEXT.index("Olaf Scholz")
    said2 = TEXT.index("said", scholz)
    clause = TEXT.index("that Germany")
    clause_end = TEXT.index(".", clause)
    # Gold that no system finds: the analysts' expectation.
    analysts = TEXT.index("Analysts")
    expect = TEXT.index("expect")
    winter = TEXT.index("a long winter")
    lines = [
        _span("Content", q, content_end, "T1"),
        _span("Source", putin, putin + len("Vladimir Putin"), "T2"),
        _span("Cue", said, said + 4, "T3"),
        "E1\tAttribution:T3 Source:T2 Cue:T3 Content:T1",
        _span("Source", scholz, scholz + len("Olaf Scholz"), "T4"),
        _span("Cue", said2, said2 + 4, "T5"),
        _span("Content", clause, clause_end, "T6"),
        "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6",
        _span("Source", analysts, analysts + 8, "T7"),
        _span("Cue", expect, expect + 6, "T8"),
        _span("Content", winter, winter + len("a long winter"), "T9"),
        "E3\tAttribution:T8 Source:T7 Cue:T8 Content:T9",
    ]
    (base / "attributions" / "doc-one_abcd.ann").write_text("\n".join(lines), encoding="utf-8")
    return root / "polnear"


def write_basil(root: Path) -> Path:
    base = root / "basil"
    (base / "articles" / "2010").mkdir(parents=True)
    (base / "annotations" / "2010").mkdir(parents=True)
    article = {
        "body-paragraphs": [
            ["Angela Merkel spoke in Berlin.", "“Europe will stand together,” Ms. Merkel said."],
            ["Critics were unconvinced."],
        ]
    }
    ann = {
        "phrase-level-annotations": [
            {"quote": "yes", "speaker": "Angela_Merkel", "start": 1, "end": 27,
             "txt": "Europe will stand together"},
            {"quote": "no", "speaker": "", "start": 0, "end": 7, "txt": "Critics"},
        ]
    }  # fmt: skip
    (base / "articles" / "2010" / "x_1.json").write_text(json.dumps(article), encoding="utf-8")
    (base / "annotations" / "2010" / "x_1_ann.json").write_text(json.dumps(ann), encoding="utf-8")
    return base


def test_parse_ann_reads_events_and_kinds(tmp_path: Path) -> None:
    folder = write_polnear(tmp_path)
    docs = ev.load_polnear(folder, "train")
    assert len(docs) == 1
    gold = docs[0].gold
    assert [g.kind for g in gold] == ["direct", "indirect", "indirect"]
    assert TEXT[gold[0].source[0][0] : gold[0].source[0][1]] == "Vladimir Putin"


def test_scores_on_polnear_fixture(tmp_path: Path) -> None:
    write_polnear(tmp_path)
    write_basil(tmp_path)
    result = ev.score(tmp_path)
    ours = result["polnear"]["parallax"]
    assert ours["direct"]["gold"] == 1 and ours["indirect"]["gold"] == 2
    assert ours["direct"]["exact_r"] == 1.0 and ours["direct"]["exact_p"] == 1.0
    assert ours["direct"]["speaker_acc"] == 1.0
    # Scholz's clause is found exactly ("that" dropped on both sides); the analysts' is not.
    assert ours["indirect"]["exact_r"] == pytest.approx(0.5)
    assert ours["indirect"]["speaker_acc"] == 1.0
    assert ours["all"]["overlap_r"] == pytest.approx(2 / 3)
    basil = result["basil"]["parallax"]["all"]
    assert basil["gold"] == 1 and basil["overlap_r"] == 1.0 and basil["speaker_acc"] == 1.0


def test_basil_offsets_are_found_in_the_joined_body(tmp_path: Path) -> None:
    docs = ev.load_basil(write_basil(tmp_path))
    (gold,) = docs[0].gold
    ((start, end),) = gold.content
    assert docs[0].body[start:end] == "Europe will stand together"
    assert gold.speaker == "Angela Merkel"


def test_grouping_joins_quotes_that_share_a_cue() -> None:
    from parallax.statements import extract_quotes

    body = "“The core issue is not land,” Putin stated, “but the rights of the people.”"
    preds = ev.group_quotes(extract_quotes("a", body))
    assert len(preds) == 1 and len(preds[0].content) == 2


def test_cli_entry_reports_missing_data(tmp_path: Path) -> None:
    assert ev.main(["--data", str(tmp_path / "absent")]) == 2
    write_polnear(tmp_path)
    assert run_eval("quotes", tmp_path) == 0


def _attribution(body: str, content: str, source: str) -> ev.GoldAttribution:
    """A direct attribution whose Source is the first ``source`` after ``content``."""
    c = body.index(content)
    s = body.index(source, c)
    return ev.GoldAttribution(((c, c + len(content)),), ((s, s + len(source)),), "direct")


def test_pronoun_source_is_judged_by_its_antecedent() -> None:
    from parallax.entities import entity_id, entity_key
    from parallax.nlp.annotate import load_nlp

    body = (
        "Angela Merkel spoke in Berlin. “We stand together,” Merkel said.\n\n"
        "“Nobody should doubt it,” she added.\n\n"
        "“We will see,” Olaf Scholz said. Anna Berg met Merkel later. “It is done,” she said."
    )
    gold = [
        _attribution(body, "We stand together", "Merkel"),
        _attribution(body, "Nobody should doubt it", "she"),
        _attribution(body, "We will see", "Olaf Scholz"),
        _attribution(body, "It is done", "she"),
    ]
    doc = load_nlp()(body)
    refers = ev.antecedents(body, gold, doc)
    merkel = entity_id(entity_key("Merkel", "PERSON") or "")
    assert refers[0] == set() and refers[2] == set()  # named Sources need no antecedent
    assert merkel in refers[1]
    # The person named last (Merkel) is not the latest gold Source (Scholz): no judgement.
    assert refers[3] == set()
    # Named by the paragraph before, without a surface: right through the antecedent only.
    pred = ev.Prediction(gold[1].content, "direct", None, merkel)
    assert not ev._speaker_right(body, gold[1], pred)
    assert ev._speaker_right(body, gold[1], pred, refers[1])
    wrong = ev.Prediction(gold[1].content, "direct", None, entity_id("person:scholz"))
    assert not ev._speaker_right(body, gold[1], wrong, refers[1])


def test_swapped_source_and_cue_labels_are_read_the_right_way() -> None:
    body = "“Nobody wants this,” said Hester. “We agree,” Mulgrew said."

    def span(label: str, text: str, tid: str, after: int = 0) -> str:
        start = body.index(text, after)
        return f"{tid}\t{label} {start} {start + len(text)}\t{text}"

    ann = "\n".join(
        [
            span("Content", "Nobody wants this,", "T1"),
            span("Source", "said", "T2"),  # the annotator's swap
            span("Cue", "Hester", "T3"),
            "E1\tAttribution:T3 Content:T1 Cue:T3 Source:T2",
            span("Content", "We agree,", "T4"),
            span("Source", "Mulgrew", "T5"),
            span("Cue", "said", "T6", body.index("Mulgrew")),
            "E2\tAttribution:T6 Content:T4 Cue:T6 Source:T5",
        ]
    )
    first, second = ev.parse_ann(ann, body)
    assert [body[s:e] for s, e in first.source] == ["Hester"]
    assert [body[s:e] for s, e in second.source] == ["Mulgrew"]
