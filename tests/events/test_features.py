from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from parallax.entities import entity_key
from parallax.events.cluster import EventModel, cluster
from parallax.events.features import EventFeatures, Occasion, find_occasion


@pytest.mark.parametrize(
    ("spellings", "label"),
    [
        (["Zelensky", "Zelenskiy", "Volodymyr Zelenskyy", "President Zelenskyy's"], "PERSON"),
        (["Kiev", "Kyiv"], "GPE"),
        (["Vladimir Putin", "President Putin", "Putin’s"], "PERSON"),
        (["the Kremlin", "Kremlin"], "ORG"),
    ],
)
def test_spellings_of_one_referent_share_a_key(spellings: list[str], label: str) -> None:
    assert len({entity_key(s, label) for s in spellings}) == 1


def test_different_referents_keep_different_keys() -> None:
    assert entity_key("Donald Trump", "PERSON") != entity_key("Donald Tusk", "PERSON")
    assert entity_key("Moscow", "GPE") != entity_key("Minsk", "GPE")
    assert entity_key("Tuesday", "DATE") is None


def test_occasion_is_the_current_one_not_background() -> None:
    text = (
        "He said it was discussed during his meeting with US President Donald Trump in "
        "Alaska last month. Speaking during bilateral talks with Slovak Prime Minister "
        "Robert Fico in Beijing on Tuesday, he added more."
    )
    assert find_occasion(text) == Occasion("meeting", entity_key("Robert Fico", "PERSON"))
    assert find_occasion("Speaking at a press conference in Rome, she said") == Occasion(
        "press-conference"
    )
    assert find_occasion("The weather was fine.") is None


def feature(
    aid: str,
    vec: list[float],
    day: int | None,
    occasion: str | None = None,
    actors: frozenset[str] = frozenset(),
) -> EventFeatures:
    v = np.array(vec, dtype=np.float32)
    return EventFeatures(
        aid,
        v / np.linalg.norm(v),
        actors,
        frozenset(),
        date(2025, 1, day) if day else None,
        Occasion(occasion) if occasion else None,
    )


def test_clusters_follow_content_time_and_occasion() -> None:
    fs = [
        feature("a1", [1, 0.1, 0], 1, "summit"),
        feature("a2", [1, 0.12, 0], 1, "summit"),
        feature("b1", [0, 1, 0.1], 2),
        feature("b2", [0.05, 1, 0.1], 3),
        # close to a* (cosine 0.86, as leads on one subject are), but a different occasion four
        # weeks later
        feature("c1", [1, 0.1, 0.6], 29, "interview"),
    ]
    labels = {m.article_id: m.event_id for m in cluster(fs, EventModel())}
    assert labels["a1"] == labels["a2"] and labels["b1"] == labels["b2"]
    assert len({labels["a1"], labels["b1"], labels["c1"]}) == 3
    # ids come from the founding article, so they do not depend on batch composition
    again = {m.article_id: m.event_id for m in cluster(fs[:2], EventModel())}
    assert again["a1"] == labels["a1"]
