"""Provenance stages on a small corpus written here: near duplicates, syndicated wire copy,
citations, paraphrase, and the incremental and deterministic behaviour of all of them."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from datasketch import MinHashLSH  # type: ignore[import-untyped]

from parallax.ingest import ingest_paths
from parallax.pipeline import Stage, analyze
from parallax.provenance import (
    Citations,
    ExactDuplicates,
    NearDuplicates,
    Paraphrase,
    Syndication,
    extract_citations,
    syndicated_article_ids,
    wire_credits,
)
from parallax.provenance.outlets import outlet_match
from parallax.provenance.text import jaccard, sentence_texts, shingles
from parallax.settings import Settings
from parallax.store import ProvenanceLink, SQLiteStore

BRIDGE = (
    "City engineers closed the Elm Street bridge on Monday after inspectors found cracks in two "
    "of its steel supports. The bridge carries about 18,000 vehicles a day between the harbor "
    "district and the northern suburbs. Traffic is being diverted along Canal Road, where "
    "officials expect delays of up to forty minutes during the morning rush. The public works "
    "director, Maria Lindqvist, said repairs could take six weeks and would cost an estimated "
    "2.4 million dollars. Bus routes 4 and 11 will stop at temporary shelters on Canal Road "
    "until the bridge reopens. Cyclists may still cross on the pedestrian walkway, which "
    "inspectors judged safe. Residents can follow updates on the city's transport page, which "
    "will publish daily reports on the work. The council will hold a public meeting on "
    "Thursday evening to answer questions from shop owners in the harbor district, many of "
    "whom fear a drop in customers while the bridge is shut."
)
# The same report with two small edits, as a second outlet ran it.
BRIDGE_EDITED = BRIDGE.replace("about 18,000 vehicles", "roughly 18,000 vehicles").replace(
    "Thursday evening", "Thursday night"
)

WIRE = (
    "RIVERTON, Ore. (AP) — A wildfire burning in the hills east of Riverton forced the "
    "evacuation of about 600 homes on Saturday as strong winds pushed flames toward the town's "
    "outskirts, fire officials said. The blaze, named the Cedar Ridge fire, had grown to more "
    "than 4,000 acres by the afternoon and was 10% contained. Crews from three counties were "
    "working to protect a water treatment plant and an elementary school on the eastern edge "
    "of town. No injuries had been reported, but at least a dozen barns and sheds were "
    "destroyed. The county sheriff said deputies went door to door in the Pine Hollow "
    "neighborhood after a power outage knocked out the emergency alert system. A shelter was "
    "opened at the Riverton high school gym, where volunteers served meals to evacuated "
    "families. Forecasters expected the winds to ease on Sunday evening.\n"
    "— The Associated Press"
)
WIRE_EDITED = WIRE.replace("on Saturday as strong winds", "Saturday as strong winds")

STRIKE = (
    "Dock workers at the port of Valmora walked off the job on Monday, halting container "
    "traffic at the country's busiest harbour. The union representing 3,000 workers said the "
    "strike would continue until the port authority agreed to a 12 percent pay rise. Ships "
    "were queuing outside the breakwater by the afternoon, and exporters warned of shortages "
    "of spare parts within a week. The port authority called the demands unaffordable and "
    "urged workers to return while talks continue."
)
STRIKE_THREAT = (
    "The union representing dock workers at the port of Valmora threatened on Monday to strike "
    "next month unless wages rise. Union leaders said members had voted overwhelmingly to "
    "authorise a walkout. The port authority said it was open to talks but warned that any "
    "stoppage would hurt exporters."
)
FOOTBALL = (
    "Northbridge United won the national cup final on Sunday, beating Castlefield 3-1 in front "
    "of a sold-out crowd. Striker Paulo Mendes scored twice in the second half after "
    "Castlefield had taken an early lead. It is the club's first trophy in eleven years, and "
    "fans celebrated in the city centre until late at night."
)
CITING = (
    "Exporters in the northern provinces are bracing for delays as the strike at the port of "
    "Valmora enters its second day. Dock workers walked out on Monday demanding a 12 percent "
    "pay rise and will stay out until the port authority gives in, the Al Jazeera reported. "
    "Fruit growers said a week of delays would ruin much of the early harvest. Several "
    "shipping lines have already rerouted vessels to smaller ports along the coast, which lack "
    "cranes for large containers. Business groups urged the government to mediate, and the "
    "opposition called for an emergency debate in parliament."
)

TRAM = (
    "The city council voted 9 to 4 on Tuesday to approve a new tram line linking the central "
    "station with the university campus. The project will cost 310 million euros and is "
    "expected to open in 2028. Construction will begin next spring and will close parts of "
    "Harbour Avenue for about eighteen months. Supporters said the line would take thousands "
    "of cars off the road each day. Opponents on the council argued that the money should "
    "instead be spent on repairing existing bus routes. The mayor said the city had secured "
    "half of the funding from the national government."
)
TRAM_REWRITTEN = (
    "On Tuesday the city council approved a new tram line between the central station and the "
    "university campus by a vote of 9 to 4. The line is expected to cost 310 million euros "
    "and should open in 2028. Work will start next spring, closing sections of Harbour Avenue "
    "for roughly eighteen months. Backers of the plan said the tram would remove thousands of "
    "cars from the roads every day. Council members who opposed it said the money would be "
    "better spent fixing the existing bus routes. Half of the funding has been secured from "
    "the national government, the mayor said."
)

TENNIS = (
    "Top seed Irena Kovac was knocked out of the Lakeshore Open on Tuesday, losing in straight "
    "sets to a qualifier ranked 140th in the world. Kovac struggled with her serve throughout "
    "the match and made 38 unforced errors. The qualifier, 19-year-old Dana Reyes, will face "
    "the defending champion in the quarterfinals on Thursday."
)
PHONE = (
    "A small electronics maker unveiled a repairable smartphone on Tuesday, with a battery "
    "that owners can replace in under a minute. The phone will go on sale in September for "
    "449 dollars. Reviewers praised the modular design but said the camera lagged behind "
    "rival models in low light."
)

#: name -> (outlet, published_at, title, body)
CORPUS: dict[str, tuple[str, str, str, str]] = {
    "bridge": ("Harbor Times", "2024-03-04T08:00:00Z", "Elm Street bridge closed", BRIDGE),
    "bridge_copy": (
        "Coastal Daily",
        "2024-03-04T12:00:00Z",
        "Elm Street bridge shut",
        BRIDGE_EDITED,
    ),
    "wire_ap": ("Associated Press", "2024-05-04T10:00:00Z", "Wildfire forces evacuations", WIRE),
    "wire_gazette": ("Lakeside Gazette", "2024-05-04T10:20:00Z", "Fire near Riverton", WIRE),
    # Stamped earlier than the agency's own copy: the wire original still wins.
    "wire_courier": ("Valley Courier", "2024-05-04T09:50:00Z", "Riverton evacuates", WIRE_EDITED),
    "strike": ("Al Jazeera", "2024-06-10T09:00:00Z", "Valmora dock workers strike", STRIKE),
    "strike_threat": (
        "Al Jazeera",
        "2024-05-20T09:00:00Z",
        "Valmora union threatens strike",
        STRIKE_THREAT,
    ),
    "football": ("Al Jazeera", "2024-06-10T18:00:00Z", "Northbridge win the cup", FOOTBALL),
    "citing": ("Daily Ledger", "2024-06-11T07:00:00Z", "Exporters brace for delays", CITING),
    "tram": ("Metro Wire", "2024-07-02T08:00:00Z", "Council approves tram line", TRAM),
    "tram_rewrite": (
        "Evening Post",
        "2024-07-02T15:00:00Z",
        "Tram line gets green light",
        TRAM_REWRITTEN,
    ),
    "tennis": ("Sports Weekly", "2024-07-02T12:00:00Z", "Kovac knocked out", TENNIS),
    "phone": ("Gadget Review", "2024-07-02T13:00:00Z", "A phone you can fix", PHONE),
}


def write_corpus(folder: Path, names: Sequence[str], file_name: str = "corpus.jsonl") -> Path:
    """Write the named articles as one JSONL file (in reverse order, so ingest order is not
    publication order)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    records: list[dict[str, Any]] = []
    for name in reversed(names):
        outlet, published, title, body = CORPUS[name]
        records.append(
            {
                "title": title,
                "text": body,
                "outlet": outlet,
                "published_at": published,
                "url": f"https://example.org/{name}",
            }
        )
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def all_stages() -> list[Stage]:
    return [ExactDuplicates(), NearDuplicates(), Syndication(), Paraphrase(), Citations()]


def ids_by_name(store: SQLiteStore) -> dict[str, str]:
    """Corpus name -> article id (by the URL the corpus gives each article)."""
    return {
        row["url"].rsplit("/", 1)[1]: row["article_id"]
        for row in store.list_articles()
        if row["url"]
    }


def named_links(store: SQLiteStore, kind: str | None = None) -> set[tuple[str, str, str]]:
    names = {v: k for k, v in ids_by_name(store).items()}
    return {
        (names[lk.article_id], names[lk.source_article_id], lk.kind)
        for lk in store.provenance()
        if kind is None or lk.kind == kind
    }


def load(
    tmp_path: Path, store: SQLiteStore, settings: Settings, names: Sequence[str], tag: str = "in"
) -> None:
    ingest_paths([str(write_corpus(tmp_path / tag, names))], store, settings)


# -- near duplicates ---------------------------------------------------------------------------


def test_near_duplicate_links_the_later_copy_to_the_earlier(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["bridge_copy", "bridge", "tennis", "phone"])
    report = analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates()])
    assert named_links(store) == {("bridge_copy", "bridge", "near-duplicate")}
    (link,) = store.provenance()
    assert 0.8 <= link.score < 1.0
    assert report.stages["near-duplicates"]["near_duplicate_links"] == 1


def test_exact_copies_are_duplicates_not_near_duplicates(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["wire_ap", "wire_gazette"])
    analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates()])
    assert named_links(store) == {("wire_gazette", "wire_ap", "duplicate")}


def _variants(count: int, seed: int) -> list[dict[str, Any]]:
    """Articles that are edited copies of three base texts, with 0 to 40 of their 150 words
    replaced: Jaccard of their shingle sets from 1.0 down to under 0.1, so that some pairs are
    LSH candidates and some not, some above the 0.8 threshold and some below."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(400)]
    bases = [[rng.choice(vocabulary) for _ in range(150)] for _ in range(3)]
    records = []
    for n in range(count):
        text = list(bases[n % 3])
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 4, 6, 9, 14, 25, 40))):
            text[rng.randrange(len(text))] = rng.choice(vocabulary)
        records.append(
            {
                "title": f"Variant {n}",
                "text": " ".join(text) + ".",
                "outlet": f"Outlet {n % 7}",
                "published_at": f"2024-07-{1 + n % 28:02d}T12:00:00Z",
                "url": f"https://example.org/v{n}",
            }
        )
    return records


def _whole_corpus_pairs(store: SQLiteStore, stage: NearDuplicates) -> set[tuple[str, str]]:
    """The near-duplicate pairs of one datasketch LSH index over every stored article: what the
    stored bands must find, round after round."""
    lsh = MinHashLSH(threshold=0.5, num_perm=stage.sketcher.num_perm)
    sets, digests = {}, {}
    for article in store.iter_articles():
        ids = shingles(article.body, stage.shingle_size)
        if ids.size >= stage.min_shingles:
            sets[article.article_id], digests[article.article_id] = ids, article.content_hash
            lsh.insert(article.article_id, stage.sketcher.sketch(ids))
    found = set()
    for aid, ids in sets.items():
        for other in lsh.query(stage.sketcher.sketch(ids)):
            if (
                other != aid
                and digests[other] != digests[aid]
                and jaccard(ids, sets[other]) >= stage.threshold
            ):
                found.add((min(aid, other), max(aid, other)))
    return found


def _near_pairs(store: SQLiteStore) -> set[tuple[str, str]]:
    return {
        (min(lk.article_id, lk.source_article_id), max(lk.article_id, lk.source_article_id))
        for lk in store.provenance()
        if lk.kind == "near-duplicate"
    }


def test_stored_bands_find_what_one_lsh_over_the_whole_corpus_finds(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    records = _variants(90, seed=3)
    stage = NearDuplicates()
    for part, chunk in enumerate((records[:40], records[40:41], records[41:])):
        path = tmp_path / f"part{part}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in chunk) + "\n", encoding="utf-8")
        ingest_paths([str(path)], store, settings)
        analyze(store, settings, stages=[ExactDuplicates(), stage], round_size=16)
        expected = _whole_corpus_pairs(store, stage)
        assert _near_pairs(store) == expected
    # the corpus has pairs on both sides of the threshold and of the LSH's reach
    assert 30 < len(expected) < 90 * 89 // 2 / 3


def test_a_round_reads_only_its_articles_and_their_candidates(
    tmp_path: Path, store: SQLiteStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _variants(60, seed=5)
    path = tmp_path / "first.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    ingest_paths([str(path)], store, settings)
    analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates()])
    # one more article, unlike every stored one: it has no candidates
    load(tmp_path, store, settings, ["tennis"])
    read: list[str] = []
    bodies = store.article_bodies

    def counted(article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        read.extend(article_ids)
        return bodies(article_ids)

    monkeypatch.setattr(store, "article_bodies", counted)
    monkeypatch.setattr(store, "iter_articles", None)  # a scan of the corpus would fail
    monkeypatch.setattr(store, "get_article", None)
    analyze(store, settings, stages=[NearDuplicates()])
    assert read == [ids_by_name(store)["tennis"]]


def test_articles_analysed_before_bands_were_kept_get_them(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["bridge", "tennis", "phone"], tag="first")
    analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates()])
    with store.transaction():
        store._execute("DELETE FROM article_bands")  # as a store migrated from schema 9
    load(tmp_path, store, settings, ["bridge_copy"], tag="second")
    analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates()])
    assert named_links(store) == {("bridge_copy", "bridge", "near-duplicate")}
    assert store.unbanded_article_ids(NearDuplicates().bands.scheme) == []


# -- syndication -------------------------------------------------------------------------------


def test_wire_copy_in_three_outlets_is_marked_syndicated(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["wire_ap", "wire_gazette", "wire_courier", "tennis"])
    report = analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates(), Syndication()])
    # The agency's copy is the original even though another outlet's copy is stamped earlier.
    assert named_links(store, "syndicated") == {
        ("wire_gazette", "wire_ap", "syndicated"),
        ("wire_courier", "wire_ap", "syndicated"),
    }
    ids = ids_by_name(store)
    assert syndicated_article_ids(store) == {ids["wire_gazette"], ids["wire_courier"]}
    assert report.stages["syndication"]["wire_credited_groups"] == 1


def test_without_the_agency_the_earliest_copy_is_the_original(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["wire_gazette", "wire_courier"])
    analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates(), Syndication()])
    assert named_links(store, "syndicated") == {("wire_gazette", "wire_courier", "syndicated")}


def test_wire_credits_are_recognised() -> None:
    assert wire_credits("KYIV (Reuters) - Officials said") == {"Reuters"}
    assert wire_credits("Text of the story.\n— The Associated Press") == {"Associated Press"}
    assert wire_credits("Photo (c) 2024 Reuters") == {"Reuters"}
    assert wire_credits("PARIS (AFP) — Le texte") == {"AFP"}
    assert wire_credits("Reporting by Jane Doe; Editing by John Roe") == {"Reuters"}
    assert wire_credits("The mayor said she would appeal (again) on Monday.") == set()


# -- citations ---------------------------------------------------------------------------------


def test_citation_links_to_the_cited_outlets_article(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["strike", "strike_threat", "football", "citing"])
    report = analyze(store, settings, stages=[Citations()])
    # Not the same outlet's football report (another subject) nor the strike threat three weeks
    # earlier (outside the window).
    assert named_links(store) == {("citing", "strike", "cites")}
    (link,) = store.provenance()
    assert 0.5 <= link.score <= 1.0
    assert report.stages["citations"]["citation_links"] == 1
    # The link points at the words that state it in the citing article.
    citing = store.get_article(link.article_id)
    assert citing is not None and link.start is not None and link.end is not None
    stated = citing.body[link.start : link.end]
    assert "reported" in stated or "according to" in stated or "told" in stated, stated


def test_citation_of_an_outlet_missing_from_the_store_is_counted(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["citing", "tennis"])
    stats = analyze(store, settings, stages=[Citations()]).stages["citations"]
    assert store.provenance() == []
    assert stats["citations"] == 1
    assert stats["citations_unmatched"] == 1
    assert stats["citations_outlet_not_in_store"] == 1


def test_an_outlet_quoting_its_own_interview_does_not_cite_itself(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    follow_up = (
        "The strike at the port of Valmora entered its second day on Tuesday with no talks "
        'scheduled. "We will stay out until the pay rise is agreed," the union leader told '
        "Al Jazeera. Container ships are still queuing outside the harbour breakwater."
    )
    path = tmp_path / "own.jsonl"
    path.write_text(
        json.dumps(
            {
                "title": "Valmora strike enters second day",
                "text": follow_up,
                "outlet": "Al Jazeera",
                "published_at": "2024-06-11T09:00:00Z",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    load(tmp_path, store, settings, ["strike"])
    ingest_paths([str(path)], store, settings)
    stats = analyze(store, settings, stages=[Citations()]).stages["citations"]
    assert store.provenance() == []
    assert stats["self_citations"] == 1


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Officials later denied the claim, AFP reported.", "AFP"),
        ("The talks collapsed, the Al Jazeera reported.", "Al Jazeera"),
        ("Prices rose again in May, according to Reuters.", "Reuters"),
        ("Reuters reported on Tuesday that the deal was off.", "Reuters"),
        ("The plan, as first reported by The Guardian, was shelved.", "The Guardian"),
        ('"We will not resign," the minister told CNN.', "CNN"),
        ("On Tuesday Bloomberg reported a sharp drop in orders.", "Bloomberg"),
        ("Meanwhile, the Kyiv Post reported heavy shelling overnight.", None),
    ],
)
def test_citation_patterns(text: str, outlet: str | None) -> None:
    (cite,) = extract_citations(text)
    assert cite.outlet == outlet
    assert cite.news
    if outlet is None:
        assert cite.name == "Kyiv Post"


@pytest.mark.parametrize(
    "text",
    [
        "The minister told reporters that the plan was final.",
        "The president told Putin that talks should continue.",
        "Zelensky rejected the proposal, according to agency sources.",
        "Putin reported progress in the talks.",
        "No injuries were reported on Tuesday.",
        "Cases have been reported in the U.S. and Canada.",
        "The TV report showed long queues outside the banks.",
    ],
)
def test_non_citations_are_not_extracted(text: str) -> None:
    assert extract_citations(text) == []


def test_outlet_names_match_store_labels() -> None:
    assert outlet_match("CNN", "CNN (Web News)") > 0
    assert outlet_match("the Al Jazeera", "Al Jazeera") == 1.0
    assert outlet_match("Agence France-Presse", "AFP") > 0
    assert outlet_match("The Times", "The New York Times") == 0.0
    assert outlet_match("ABC News", "CBS News") == 0.0


# -- paraphrase --------------------------------------------------------------------------------


def test_rewrite_is_linked_as_paraphrase(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["tram", "tram_rewrite", "tennis", "phone"])
    stages: list[Stage] = [ExactDuplicates(), NearDuplicates(), Paraphrase()]
    analyze(store, settings, stages=stages)
    assert named_links(store) == {("tram_rewrite", "tram", "paraphrase")}
    (link,) = store.provenance()
    assert 0.5 <= link.score <= 1.0


def test_near_duplicates_are_not_also_paraphrases(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, ["bridge", "bridge_copy"])
    analyze(store, settings, stages=[ExactDuplicates(), NearDuplicates(), Paraphrase()])
    assert named_links(store) == {("bridge_copy", "bridge", "near-duplicate")}


def test_sentence_splitter_keeps_abbreviations_and_quotes_together() -> None:
    text = 'Gov. Smith met Dr. Jones in the U.S. capital. "It went well," he said. Talks resume.'
    assert sentence_texts(text) == [
        "Gov. Smith met Dr. Jones in the U.S. capital.",
        '"It went well," he said.',
        "Talks resume.",
    ]


# -- the whole set: unrelated articles, incremental runs, determinism --------------------------

EXPECTED = {
    ("bridge_copy", "bridge", "near-duplicate"),
    ("bridge_copy", "bridge", "syndicated"),
    ("wire_gazette", "wire_ap", "duplicate"),
    ("wire_ap", "wire_courier", "near-duplicate"),
    ("wire_gazette", "wire_courier", "near-duplicate"),
    ("wire_gazette", "wire_ap", "syndicated"),
    ("wire_courier", "wire_ap", "syndicated"),
    ("citing", "strike", "cites"),
    ("tram_rewrite", "tram", "paraphrase"),
}


def test_all_stages_link_exactly_the_related_articles(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    load(tmp_path, store, settings, list(CORPUS))
    analyze(store, settings, stages=all_stages())
    links = named_links(store)
    assert links == EXPECTED
    unrelated = {"tennis", "phone", "football", "strike_threat"}
    assert not any(a in unrelated or b in unrelated for a, b, _ in links)


def test_adding_one_article_links_only_that_article(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    # The cited article arrives after the citing one: the old article gets its link now.
    load(tmp_path, store, settings, [n for n in CORPUS if n != "strike"], tag="first")
    analyze(store, settings, stages=all_stages())
    before = set(store.provenance())
    load(tmp_path, store, settings, ["strike"], tag="second")
    report = analyze(store, settings, stages=all_stages())
    assert report.articles == 1
    after = set(store.provenance())
    added = after - before
    new_id = ids_by_name(store)["strike"]
    assert before <= after
    assert added and all(new_id in (lk.article_id, lk.source_article_id) for lk in added)
    # The same links as analysing everything at once.
    assert named_links(store) == EXPECTED


@pytest.mark.parametrize("round_size", [1, 2, 3])
def test_rounds_link_what_one_round_links_without_reading_articles_still_waiting(
    tmp_path: Path,
    store: SQLiteStore,
    settings: Settings,
    round_size: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # everything ingested first, then analysed a few articles a round: a pair is linked when
    # the later of its two articles is analysed, never by reading one still waiting
    load(tmp_path, store, settings, list(CORPUS))
    read: list[tuple[set[str], list[str]]] = []
    bodies = store.article_bodies

    def counted(article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        read.append((set(store.unanalyzed_article_ids()), list(article_ids)))
        return bodies(article_ids)

    monkeypatch.setattr(store, "article_bodies", counted)
    stages = all_stages()
    rounds: list[list[str]] = []

    def remember(done: int, total: int) -> None:
        rounds.append(store.unanalyzed_article_ids())

    analyze(store, settings, stages=stages, round_size=round_size, on_round=remember)
    assert named_links(store) == EXPECTED
    assert len(rounds) == -(-len(CORPUS) // round_size)
    # no body was read of an article analysed in a later round than the one reading it
    assert store.unanalyzed_article_ids() == []
    for waiting, ids in read:
        later = sorted(waiting)[round_size:]  # the round being analysed comes first, by id
        assert not set(ids) & set(later), ids


def _links_of_a_fresh_run(folder: Path) -> list[ProvenanceLink]:
    folder.mkdir()
    settings = Settings(db=str(folder / "run.db"))
    with SQLiteStore(settings.db) as store:
        ingest_paths([str(write_corpus(folder, list(CORPUS)))], store, settings)
        analyze(store, settings, stages=all_stages())
        return store.provenance()


def test_runs_are_deterministic(tmp_path: Path) -> None:
    first = _links_of_a_fresh_run(tmp_path / "a")
    second = _links_of_a_fresh_run(tmp_path / "b")
    assert first == second
    assert len(first) == len(EXPECTED)


# -- the bundled seeds -------------------------------------------------------------------------


def test_seeds_have_no_copies_and_cite_outlets_outside_the_corpus(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    report = analyze(store, settings, stages=all_stages())
    kinds = {lk.kind for lk in store.provenance()}
    assert not kinds & {"duplicate", "near-duplicate", "syndicated"}
    cited = {c.outlet for a in store.iter_articles() for c in extract_citations(a.body)}
    assert {"Al Jazeera", "AFP"} <= cited
    stats = report.stages["citations"]
    assert stats["citations_outlet_not_in_store"] >= 2
