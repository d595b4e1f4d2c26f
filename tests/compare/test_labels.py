"""Labels per outlet: names keyed across spellings, roles linked on evidence, the table, and
the NewsWCL50 grouping scorer on a tiny folder written here."""

from __future__ import annotations

import re
from pathlib import Path

from parallax.compare.labels import (
    UNLINKED,
    Phrase,
    find_labels,
    group_phrases,
    label_key,
    label_table,
    same_country,
)
from parallax.entities import entity_id
from parallax.eval.labels import b_cubed, ceaf_e, load_gold, main, muc, score
from parallax.model import Label
from parallax.nlp.annotate import EntitySpan


def ents(body: str, *spec: tuple[str, str]) -> list[EntitySpan]:
    """Entity spans for each (text, label), at the text's occurrences in order."""
    found: list[EntitySpan] = []
    for text, label in spec:
        for m in re.finditer(re.escape(text), body):
            span = EntitySpan(m.start(), m.end(), label, text)
            if span not in found:
                found.append(span)
    return sorted(found, key=lambda e: e.start)


def sentences(body: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]", body)]


def labels_of(body: str, spans: list[EntitySpan], keep: bool = False) -> list[Label]:
    found = find_labels("a1", body, sentences(body), spans, keep_unlinked=keep)
    for lb in found:
        assert body[lb.start : lb.end] == lb.surface
    return found


def test_spellings_of_one_place_and_one_person_share_an_entity() -> None:
    body = (
        "Volodymyr Zelensky spoke in Kyiv. Zelenskiy said Kiev would hold. "
        "Fighting went on near Lugansk and in Luhansk."
    )
    spans = ents(
        body, ("Volodymyr Zelensky", "PERSON"), ("Zelenskiy", "PERSON"), ("Kyiv", "GPE"),
        ("Kiev", "GPE"), ("Lugansk", "GPE"), ("Luhansk", "GPE"),
    )  # fmt: skip
    by_surface = {lb.surface: lb for lb in labels_of(body, spans)}
    assert by_surface["Kyiv"].entity_id == by_surface["Kiev"].entity_id
    assert by_surface["Zelenskiy"].entity_id == by_surface["Volodymyr Zelensky"].entity_id
    assert by_surface["Lugansk"].entity_id == by_surface["Luhansk"].entity_id
    assert by_surface["Kyiv"].entity_id != by_surface["Lugansk"].entity_id
    assert all(lb.kind == "name" for lb in by_surface.values())


def test_country_short_forms_share_a_key() -> None:
    assert label_key("U.S.", "GPE") == label_key("the United States", "GPE")
    assert label_key("America", "GPE") == label_key("USA", "ORG")
    assert label_key("North Korea", "GPE") != label_key("South Korea", "GPE")
    assert same_country("russia", "russian") and same_country("ukraine", "ukrainian")
    assert same_country("north korea", "north korean")
    assert not same_country("north korea", "south korean")
    assert not same_country("austria", "australian")


def test_title_and_apposition_link_roles_to_the_person() -> None:
    body = (
        "Russian President Vladimir Putin arrived on Monday. "
        "Dmitry Peskov, the Kremlin spokesman, said little. "
        "The Russian president later met reporters."
    )
    spans = ents(
        body, ("Russian", "NORP"), ("Vladimir Putin", "PERSON"), ("Dmitry Peskov", "PERSON"),
        ("Kremlin", "ORG"),
    )  # fmt: skip
    found = labels_of(body, spans)
    putin = entity_id(label_key("Vladimir Putin", "PERSON") or "")
    peskov = entity_id(label_key("Dmitry Peskov", "PERSON") or "")
    roles = {lb.surface: lb for lb in found if lb.kind == "role"}
    assert roles["Russian President"].entity_id == putin
    assert roles["Russian President"].score > 0.9
    assert roles["the Kremlin spokesman"].entity_id == peskov
    # the same words later in the article, weaker than the title itself
    later = roles["The Russian president"]
    assert later.entity_id == putin and later.score < roles["Russian President"].score


def test_nationality_links_a_leader_and_an_epithet() -> None:
    body = (
        "North Korean leader Kim Jong Un fired a missile. "
        "The North Korean dictator was defiant, and Mr. Kim said so."
    )
    spans = ents(
        body, ("North Korean", "NORP"), ("Kim Jong Un", "PERSON"), ("Kim", "PERSON"),
    )  # fmt: skip
    spans = [
        s for s in spans if not (s.text == "Kim" and body[s.start : s.start + 8] == "Kim Jong")
    ]
    kim = entity_id(label_key("Kim Jong Un", "PERSON") or "")
    found = labels_of(body, spans)
    epithet = next(lb for lb in found if lb.kind == "epithet")
    assert epithet.surface == "The North Korean dictator"
    assert epithet.entity_id == kim
    assert next(lb for lb in found if lb.surface == "Kim").entity_id == kim


def test_a_role_without_evidence_is_left_unlinked() -> None:
    body = "The dictator said nothing. Jane Smith, a farmer, met the Russian president."
    spans = ents(body, ("Jane Smith", "PERSON"), ("Russian", "NORP"))
    linked = labels_of(body, spans)
    assert {lb.surface for lb in linked} == {"Jane Smith"}
    kept = labels_of(body, spans, keep=True)
    unlinked = {lb.surface: lb for lb in kept if lb.entity_id == UNLINKED}
    assert set(unlinked) == {"The dictator", "the Russian president"}
    assert unlinked["The dictator"].kind == "epithet"
    assert all(lb.score == 0.0 for lb in unlinked.values())


def test_find_labels_is_deterministic() -> None:
    body = "Russian President Vladimir Putin spoke. Putin, the Kremlin leader, left Moscow."
    spans = ents(
        body, ("Russian", "NORP"), ("Vladimir Putin", "PERSON"), ("Putin", "PERSON"),
        ("Kremlin", "ORG"), ("Moscow", "GPE"),
    )  # fmt: skip
    spans = [s for s in spans if not (s.text == "Putin" and s.start == body.index("Putin"))]
    assert labels_of(body, spans) == labels_of(body, list(reversed(spans)))


def test_label_table_counts_surfaces_per_outlet() -> None:
    kyiv = entity_id(label_key("Kyiv", "GPE") or "")
    kim = entity_id(label_key("Kim Jong Un", "PERSON") or "")
    by_article = {
        "a1": [
            Label(kyiv, "a1", "name", 0, 4, "Kyiv"),
            Label(kyiv, "a1", "name", 10, 14, "Kyiv"),
            Label(kim, "a1", "name", 20, 31, "Kim Jong Un"),
            Label(kim, "a1", "name", 40, 43, "Kim"),  # the article ties "Kim" to Kim Jong Un
        ],
        "a2": [
            Label(kyiv, "a2", "name", 5, 9, "Kiev"),
            Label(entity_id(label_key("Kim", "PERSON") or ""), "a2", "name", 0, 3, "Kim"),
            Label(UNLINKED, "a2", "role", 12, 24, "the dictator", 0.0),
        ],
    }
    rows = label_table(by_article, {"a1": "Outlet A", "a2": "Outlet B"})
    cells = {(r.entity_id, r.outlet, r.surface): r for r in rows}
    assert cells[(kyiv, "Outlet A", "Kyiv")].count == 2
    assert cells[(kyiv, "Outlet A", "Kyiv")].examples == (("a1", 0, 4), ("a1", 10, 14))
    assert cells[(kyiv, "Outlet B", "Kiev")].count == 1
    # "Kim" alone in article a2 is the Kim Jong Un of article a1
    assert (kim, "Outlet B", "Kim") in cells
    assert all(r.entity_id for r in rows)  # unlinked roles are left out


def test_group_phrases_keeps_entities_and_clusters_the_rest() -> None:
    import numpy as np

    phrases = [
        Phrase("d1", "Kim Jong Un", "un", "en_kim"),
        Phrase("d2", "the North Korean leader", "leader", "en_kim"),
        Phrase("d1", "the summit", "summit", None),
        Phrase("d2", "the summit meeting", "meeting", None),
        Phrase("d2", "tariffs", "tariffs", None),
    ]
    vectors = np.array(
        [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0.95, 0.31], [0, 0, 1]], dtype=np.float32
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = group_phrases(phrases, vectors, attach=0.75, merge=0.5)
    assert groups[0] == groups[1]
    assert groups[2] == groups[3] != groups[0]
    assert groups[4] not in {groups[0], groups[2]}


def test_metrics_on_known_clusterings() -> None:
    gold = [frozenset({"a", "b", "c"}), frozenset({"d"})]
    assert b_cubed(gold, gold).f1 == 1.0 and muc(gold, gold).f1 == 1.0
    assert ceaf_e(gold, gold).f1 == 1.0
    split = [frozenset({"a", "b"}), frozenset({"c"}), frozenset({"d"})]
    b3 = b_cubed(gold, split)
    assert b3.precision == 1.0 and abs(b3.recall - (4 / 3 + 1 / 3 + 1) / 4) < 1e-9
    assert muc(gold, split).recall == 0.5


CONLL_DOCS = {
    "0_L": [
        ("Russian", "(0_RUS_Putin_ACTOR"), ("President", "-"), ("Vladimir", "-"),
        ("Putin", "0_RUS_Putin_ACTOR)"), ("visited", "-"), ("Kiev", "(0_UKR_COUNTRY)"),
        (".", "-"), ("\\n", "-"), ("The", "(0_RUS_Putin_ACTOR"), ("Kremlin", "-"),
        ("leader", "0_RUS_Putin_ACTOR)"), ("praised", "-"), ("the", "(0_Talks_EVENT"),
        ("talks", "0_Talks_EVENT)"), (".", "-"),
    ],
    "0_R": [
        ("Putin", "(0_RUS_Putin_ACTOR)"), ("arrived", "-"), ("in", "-"),
        ("Kyiv", "(0_UKR_COUNTRY)"), ("for", "-"), ("negotiations", "(0_Talks_EVENT)"), (".", "-"),
    ],
    "1_L": [
        ("Emmanuel", "(1_FRA_Macron_ACTOR"), ("Macron", "1_FRA_Macron_ACTOR)"), ("met", "-"),
        ("farmers", "(1_Farmers_GROUP)"), ("in", "-"), ("Paris", "(1_FRA_COUNTRY)"), (".", "-"),
    ],
    "1_R": [
        ("Macron", "(1_FRA_Macron_ACTOR)"), ("angered", "-"), ("the", "(1_Farmers_GROUP"),
        ("farmers", "1_Farmers_GROUP)"), (".", "-"),
    ],
}  # fmt: skip


def write_newswcl(root: Path) -> None:
    """A NewsWCL50-shaped folder: the CDCR CoNLL file with two events of two articles."""
    out = root / "Diverse_CDCR_fulltext" / "NewsWCL50-prep" / "output_data"
    out.mkdir(parents=True)
    lines = []
    for doc, tokens in CONLL_DOCS.items():
        key = f"{doc.split('_')[0]}/-/{doc}"
        lines.append(f"#begin document {key}; part 000")
        for n, (tok, chain) in enumerate(tokens):
            lines.append(f"{key}\t0\t{n}\t{tok}\t{chain}\t")
        lines.append("#end document")
    (out / "NewsWCL50.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_gold_places_mentions_in_the_text(tmp_path: Path) -> None:
    write_newswcl(tmp_path)
    docs, mentions = load_gold(tmp_path)
    assert [d.doc_id for d in docs] == ["0_L", "0_R", "1_L", "1_R"]
    body = {d.doc_id: d.body for d in docs}
    assert body["0_L"].startswith("Russian President Vladimir Putin visited Kiev.\nThe Kremlin")
    texts = {(m.doc_id, m.text): m.concept for m in mentions}
    assert texts[("0_L", "The Kremlin leader")] == "0_RUS_Putin_ACTOR"
    assert texts[("0_R", "Kyiv")] == "0_UKR_COUNTRY"
    assert all(body[m.doc_id][m.start : m.end] == m.text for m in mentions)
    assert len(mentions) == 12


def test_scorer_on_a_tiny_folder(tmp_path: Path) -> None:
    write_newswcl(tmp_path)
    result = score(tmp_path)
    for system in ("parallax", "baseline"):
        for key in ("b3_p", "b3_r", "b3_f1", "muc_f1", "ceafe_f1", "conll_f1", "b3_f1_macro"):
            assert 0.0 <= result[system][key] <= 1.0
    # Kiev and Kyiv, Putin and the Kremlin leader: names and roles join what head words split
    assert result["parallax"]["b3_r"] > result["baseline"]["b3_r"]
    assert set(result["events"]) == {"0", "1"}


def test_main_without_data_says_so(tmp_path: Path) -> None:
    assert main(["--data", str(tmp_path / "absent")]) == 2


def test_a_one_word_person_coordinated_with_a_place_is_that_place() -> None:
    from parallax.nlp.annotate import annotate

    body = (
        "Ukrainian forces must fully withdraw from Donetsk and Luhansk in the Donbas region, "
        "the president said. Earlier Russia had annexed Lugansk."
    )
    ann = annotate([body])[0]
    labels = find_labels("x", body, ann.sentences, ann.entities)
    ids = {lb.surface: lb.entity_id for lb in labels}
    assert ids["Luhansk"] == ids["Lugansk"]
    assert all(body[lb.start : lb.end] == lb.surface for lb in labels)
