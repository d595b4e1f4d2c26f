"""Fuzzing quote extraction: any body text gives well-formed quotes or none, never a crash.

Bodies are built from the pieces that steer the extractor (quote marks of every kind, cue verbs,
colons, pronouns, names, paragraph breaks) mixed with arbitrary text, so unbalanced and nested
marks, empty quotes, cues with no subject and quotes across paragraphs all occur.
"""

from __future__ import annotations

from typing import Any

import pytest
from fuzzing import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from parallax.model import QUOTE_KINDS

pytestmark = pytest.mark.slow  # parses with spaCy

PIECES = [
    '"', "“", "”", "‘", "’", "'", "«", "»", "„", ": ", ", ", ". ", "? ", "! ", "—", " ", "\n",
    "\n\n", "said", "says", "told reporters", "insisted", "denied that", "according to",
    "he", "she", "they", "it", "The minister", "Maria Lopez", "Reuters", "the Kremlin leader",
    "AFP reported", "We will", "not", "never", "that", "the deal", "is", "Mr.", "U.S.",
]
bodies = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=10)), min_size=1, max_size=80
).map("".join)


def test_quotes_from_any_text_are_well_formed(record_property: Any) -> None:
    from parallax.statements.quotes import extract_many

    seen = [0]

    @FUZZ
    @given(batch=st.lists(bodies, min_size=1, max_size=4))
    def check(batch: list[str]) -> None:
        seen[0] += len(batch)
        items = [(f"a{i}", body) for i, body in enumerate(batch)]
        for (article_id, body), quotes in zip(items, extract_many(items), strict=True):
            assert [q.start for q in quotes] == sorted(q.start for q in quotes)
            for q in quotes:
                assert q.article_id == article_id and q.kind in QUOTE_KINDS
                assert 0 <= q.start < q.end <= len(body) and body[q.start : q.end] == q.text
                assert 0.0 <= q.confidence <= 1.0
                for span in (q.speaker.surface, q.cue):
                    if span is not None:
                        assert body[span.start : span.end] == span.text
                if q.speaker.entity_id is None:
                    assert q.speaker.name is None

    check()
    record_property("inputs_fuzzed", seen[0])
