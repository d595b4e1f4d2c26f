"""Provenance: which article repeats, syndicates, paraphrases or cites which.

This version links exact duplicates: the same normalised body carried by more than one outlet
(or twice by one outlet under different metadata). Near duplicates, syndication, paraphrase and
citations build on the same `ProvenanceLink` records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parallax.settings import Settings
from parallax.store import ProvenanceLink, Store


def _earliest_first(row: dict[str, Any]) -> tuple[int, str, str, str]:
    # Direction follows publication time where known; unknown times sort after known ones and
    # then by ingest time and id, so the order is deterministic.
    published = row["published_at"] or ""
    return (0 if published else 1, published, row["ingested_at"], row["article_id"])


def duplicate_links(groups: dict[str, list[dict[str, Any]]]) -> list[ProvenanceLink]:
    """Links from each later copy to the earliest article of its content-hash group."""
    links: list[ProvenanceLink] = []
    for rows in groups.values():
        if len(rows) < 2:
            continue
        ordered = sorted(rows, key=_earliest_first)
        original = ordered[0]["article_id"]
        links.extend(
            ProvenanceLink(r["article_id"], original, "duplicate", 1.0) for r in ordered[1:]
        )
    return links


class ExactDuplicates:
    """Pipeline stage: link articles whose normalised bodies are identical."""

    name = "duplicates"
    requires: tuple[str, ...] = ("articles",)
    assigns: tuple[str, ...] = ("provenance.duplicate",)

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Link the new articles' duplicates (old articles in the same group are re-linked)."""
        groups = store.articles_by_content_hash(store.content_hashes(article_ids))
        links = duplicate_links(groups)
        store.add_provenance(links)
        return {"duplicate_links": len(links)}
