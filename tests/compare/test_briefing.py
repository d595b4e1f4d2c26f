"""The seed story's briefing: every sentence's citations resolve to the words they claim, and the
briefing shows the events, the statements and the outlets that carried them, and the position
change on territory."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from parallax.briefing import build_briefing, render
from parallax.cli import main
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
_QUOTED = re.compile(r"“([^”]*)”")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, str]]:
    root = tmp_path_factory.mktemp("briefing")
    shutil.copytree(SEEDS, root / "seeds")
    settings = Settings(db=str(root / "b.db"))
    with SQLiteStore(settings.db) as store:
        ingest_paths([str(root / "seeds")], store, settings)
        analyze(store, settings)
        (story,) = store.list_stories()
        yield store, story["story_id"]


@pytest.fixture(scope="module")
def briefing(seeded: tuple[SQLiteStore, str]) -> dict[str, Any]:
    store, story_id = seeded
    return build_briefing(store, story_id)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_every_citation_resolves_to_the_words_it_claims(
    seeded: tuple[SQLiteStore, str], briefing: dict[str, Any]
) -> None:
    store, _ = seeded
    assert briefing["sentences"]
    for sentence in briefing["sentences"]:
        assert sentence["citations"], sentence
        cited = []
        for c in sentence["citations"]:
            article = store.get_article(c["article_id"])
            assert article is not None
            source = article.metadata.title or "" if c.get("field") == "title" else article.body
            assert source[c["start"] : c["end"]] == c["text"], (sentence["text"], c)
            cited.append(_norm(c["text"]))
        # Every quoted piece of the sentence is the text of one of its citations.
        for piece in _QUOTED.findall(sentence["text"]):
            assert _norm(piece) in cited, (piece, sentence["text"])


def test_briefing_shows_events_statements_and_the_territory_change(
    briefing: dict[str, Any],
) -> None:
    sections = [s["section"] for s in briefing["sentences"]]
    assert sections.count("timeline") == 3
    assert "agreed" in sections and "differ" in sections
    positions = [s for s in briefing["sentences"] if s["section"] == "positions"]
    territory = [s for s in positions if "territor" in s["text"]]
    assert territory, positions
    # Both sides are cited, from different articles (September and November coverage).
    assert len({c["article_id"] for c in territory[0]["citations"]}) == 2
    assert any("never raised" in c["text"] for c in territory[0]["citations"])
    assert any("must withdraw" in c["text"] for c in territory[0]["citations"])
    # The coverage matrix has one row per statement and one cell per outlet column.
    columns = briefing["matrix"]["columns"]
    assert len(columns) == 5
    assert all(len(st["cells"]) == len(columns) for st in briefing["statements"])


def test_formats_render_and_escape(briefing: dict[str, Any]) -> None:
    md = render(briefing, "md")
    assert md.startswith("# Briefing: ")
    assert "## How positions moved" in md
    html = render(briefing, "html")
    assert "<script" not in html
    assert "Content-Security-Policy" in html
    assert (
        json.loads(render(briefing, "json"))["story"]["story_id"] == briefing["story"]["story_id"]
    )
    with pytest.raises(ValueError):
        render(briefing, "pdf")


def test_report_command_writes_the_briefing(
    seeded: tuple[SQLiteStore, str], tmp_path: Path
) -> None:
    store, story_id = seeded
    out = tmp_path / "b.html"
    result = CliRunner().invoke(
        main, ["--db", store.path, "report", story_id[:6], "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "How positions moved" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(main, ["--db", store.path, "report", "zz_nothing"])
    assert missing.exit_code == 2
    assert "parallax stories" in missing.output


def test_labels_and_framing_tables_compare_outlets(briefing: dict[str, Any]) -> None:
    forms = {e["name"]: {f["surface"] for f in e["forms"]} for e in briefing["labels"]}
    by_surface = {s: name for name, surfaces in forms.items() for s in surfaces}
    # One entity per referent across spellings, each outlet's form kept.
    assert by_surface["Kiev"] == by_surface["Kyiv"]
    assert by_surface["Lugansk"] == by_surface["Luhansk"]
    assert by_surface["Zelensky"] == by_surface["Zelenskyy"] == by_surface["Zelenskiy"]
    # Attribution verbs per outlet: the outlets do not all use the same verbs for Putin.
    verbs = {
        f["column"]: {
            v["lemma"]
            for a in f["attribution"]
            if a["speaker"] == "Vladimir Putin"
            for v in a["verbs"]
        }
        for f in briefing["framing"]
    }
    assert len({frozenset(v) for v in verbs.values() if v}) > 1
    assert any("assert" in v for v in verbs.values())


def test_every_comparison_example_cites_its_words(seeded: tuple[SQLiteStore, str]) -> None:
    from parallax.api.story import story_view

    store, story_id = seeded
    data = story_view(store, story_id)
    bodies = {a.article_id: a.body for a in store.iter_articles()}
    cites = [
        ex
        for facts in data["facts"].values()
        for f in facts
        for examples in f["evidence"].values()
        for ex in examples
    ]
    cites += [
        ex for e in data["labels"] for f in e["forms"] for xs in f["examples"].values() for ex in xs
    ]
    for f in data["framing"]:
        items = [v for a in f["attribution"] for v in a["verbs"]] + f["hedges"] + f["evaluative"]
        cites += [ex for item in items for ex in item["examples"]]
    cites += [ex for t in data["tone"] for c in t["columns"].values() for ex in c["examples"]]
    cites += [side for c in data["position_changes"] for side in (c["before"], c["after"])]
    assert data["facts"] and data["labels"] and data["framing"] and data["tone"]
    for ex in cites:
        assert ex["text"], ex
        assert bodies[ex["article_id"]][ex["start"] : ex["end"]] == ex["text"], ex
    tone_examples = [
        ex for t in data["tone"] for c in t["columns"].values() for ex in c["examples"]
    ]
    assert tone_examples and all(ex["target"] in ex["text"] for ex in tone_examples)
