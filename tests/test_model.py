from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parallax.model import OffsetMap, Segment, article_id, content_hash, normalize_body


def test_offset_map_maps_inside_segments_and_not_inside_separators() -> None:
    source = "JUNK\nfirst para\nmore junk\nsecond para"
    body = "first para\n\nsecond para"
    offsets = OffsetMap((Segment(0, 5, 10), Segment(12, 26, 11)))
    assert body[0:10] == source[5:15]
    assert offsets.span_to_source(0, 5) == (5, 10)
    assert offsets.span_to_source(12, 18) == (26, 32)
    assert source[26:32] == body[12:18]
    assert offsets.to_source(11) is None
    assert OffsetMap().to_source(0) is None
    assert OffsetMap.from_json(offsets.to_json()) == offsets


@given(st.text(min_size=1, max_size=200), st.data())
def test_offset_map_spans_recover_the_body_text(text: str, data: st.DataObject) -> None:
    # A body that is one verbatim slice of the source maps every span back to equal text.
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start, len(text)))
    source = "prefix\n" + text
    body = text[start:end]
    offsets = OffsetMap((Segment(0, 7 + start, len(body)),))
    a = data.draw(st.integers(0, len(body)))
    b = data.draw(st.integers(a, len(body)))
    span = offsets.span_to_source(a, b)
    assert span is not None
    assert source[span[0] : span[1]] == body[a:b]


def test_identity_ignores_whitespace_and_compatibility_forms() -> None:
    assert normalize_body("  Kyiv\u00a0said \n\n it  ") == "Kyiv said it"
    assert content_hash("Kyiv said it") == content_hash("Kyiv  said\nit")
    assert article_id("Kyiv said it", "Reuters") == article_id("Kyiv said  it", "reuters")


def test_same_body_from_two_outlets_is_two_articles_with_one_content_hash() -> None:
    assert article_id("wire copy", "AP") != article_id("wire copy", "Example Times")
    assert content_hash("wire copy") == content_hash("wire copy ")
