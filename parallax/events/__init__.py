"""Events and stories: which articles report the same happening, and how happenings chain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class TextDocument(Protocol):
    """What evaluation hands the clusterer: a gold document's text and date."""

    title: str | None
    body: str
    published_at: str | None


def cluster_for_eval(docs: Sequence[TextDocument]) -> list[str]:
    """An event label per document, from the same features and clusterer the stages use."""
    from parallax.events.stage import cluster_texts

    return cluster_texts(
        [d.title for d in docs], [d.body for d in docs], [d.published_at for d in docs]
    )


def events_and_stories_for_eval(docs: Sequence[TextDocument]) -> tuple[list[str], list[str]]:
    """An event label and a story label per document: the events of `cluster_for_eval`,
    chained into stories as the Stories stage chains them (one clustering for both)."""
    from parallax.events.stage import story_texts

    return story_texts(
        [d.title for d in docs], [d.body for d in docs], [d.published_at for d in docs]
    )
