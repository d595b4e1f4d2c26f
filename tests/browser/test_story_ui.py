"""The seed story in real headless Chromium: from the stories list to the story page, its
coverage matrix, and a click through a quote to its source span on the article page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from livesite import serve

from parallax.api.story import story_view
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore
from parallax.web.app import create_app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """The seeds ingested, analyzed and served; yields the base URL and the story's view."""
    root = tmp_path_factory.mktemp("story_ui")
    shutil.copytree(REPO / "examples" / "seeds", root / "seeds")
    db = root / "ui.db"
    settings = Settings(db=str(db))
    with SQLiteStore(db) as store:
        ingest_paths([str(root / "seeds")], store, settings)
        analyze(store, settings)
        data = story_view(store, store.list_stories()[0]["story_id"])
        bodies = {a.article_id: a.body for a in store.iter_articles()}
    data["bodies"] = bodies
    for base in serve(create_app(str(db), settings)):
        yield base, data


def test_seed_story_click_through_to_a_quote_source(
    browser: Any, seed_site: tuple[str, dict[str, Any]], artifacts: Path
) -> None:
    base, data = seed_site
    story_id = data["story"]["story_id"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/")
    page.click(f'#stories a[href="/stories/{story_id}"]')
    page.wait_for_url(f"{base}/stories/{story_id}")
    # The coverage matrix as the analyst sees it agrees with the view's matrix.
    cells = page.eval_on_selector_all(
        "#matrix td[data-cell]", "tds => tds.map(td => td.dataset.cell)"
    )
    assert cells == [c for row in data["matrix"]["rows"] for c in row["cells"]]
    assert page.locator("svg.chart rect").count() >= len(data["coverage_over_time"])
    page.screenshot(path=str(artifacts / "story.png"), full_page=True)

    # Click the first outlet-carried quote of a statement that two outlets carried.
    statement = next(st for st in data["statements"] if len(st["carried_by"]) >= 2)
    quote = statement["quotes"][1]
    link = page.locator(
        f'section[data-statement-id="{statement["statement_id"]}"] '
        f'a.source[href="/articles/{quote["article_id"]}#q-{quote["quote_id"]}"]'
    )
    link.click()
    page.wait_for_url(f"{base}/articles/{quote['article_id']}#q-{quote['quote_id']}")
    target = page.evaluate("() => document.querySelector(':target')?.id")
    assert target == f"q-{quote['quote_id']}"
    shown = page.evaluate(
        "qid => Array.from(document.querySelectorAll(`[data-quote=\"${qid}\"]`))"
        ".map(e => e.textContent).join('')",
        quote["quote_id"],
    )
    body = data["bodies"][quote["article_id"]]
    assert shown == body[quote["start"] : quote["end"]] == quote["text"]
    # The source span is scrolled into the viewport.
    box = page.locator(f"#q-{quote['quote_id']}").bounding_box()
    assert box is not None and box["y"] + box["height"] > 0 and box["y"] < 1000
    page.screenshot(path=str(artifacts / "story_quote_source.png"))
    assert errors == []
    page.close()


def test_framing_verb_and_position_change_link_to_their_words(
    browser: Any, seed_site: tuple[str, dict[str, Any]], artifacts: Path
) -> None:
    base, data = seed_site
    story_id = data["story"]["story_id"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/stories/{story_id}")
    # The position change on territory is shown with both of its quotes.
    rows = page.locator("table.position-changes tr[data-kind='contradiction'], "
                        "table.position-changes tr[data-kind='shift']")
    assert rows.count() >= 1
    assert "territor" in rows.first.inner_text()
    page.locator("table.framing").screenshot(path=str(artifacts / "story_framing.png"))
    # Click a framing verb: the article page opens on the cue, highlighted as a framing span.
    entry = next(f for f in data["framing"] if f["attribution"])
    verb = entry["attribution"][0]["verbs"][0]
    ex = verb["examples"][0]
    href = f"/articles/{ex['article_id']}#s-{ex['start']}-{ex['end']}"
    page.locator(f'table.framing a[href="{href}"]').first.click()
    page.wait_for_url(f"{base}{href}")
    target = page.evaluate(
        "() => { const t = document.querySelector(':target');"
        " return t ? [t.id, t.className, t.textContent] : null; }"
    )
    assert target is not None and target[0] == f"s-{ex['start']}-{ex['end']}"
    body = data["bodies"][ex["article_id"]]
    assert body[ex["start"] : ex["end"]] == ex["text"]
    assert ex["text"].startswith(target[2]) or target[2] == ex["text"]
    page.screenshot(path=str(artifacts / "article_framing_cue.png"))
    page.close()
