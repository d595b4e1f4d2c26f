"""The grown corpus for scale runs: real records first, then new articles, deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.scale.synthetic import DAY_STEP, grow, partner, variant, write_corpus


def _records(n: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Title {i}",
            "content_original": "\n\n".join(f"Paragraph {p} of record {i}." for p in range(3)),
            "date": f"2020-01-{i + 1:02d}",
            "url": f"https://example.org/{i}",
            "ID": f"id{i}",
            "source": f"Outlet {i % 2}",
        }
        for i in range(n)
    ]


def test_the_records_come_first_unchanged_then_copies() -> None:
    records = _records(4)
    grown = list(grow(records, 10))
    assert grown[:4] == records
    assert len(grown) == 10
    assert len({r["content_original"] for r in grown}) == 10  # no exact copy
    assert len({r["url"] for r in grown}) == 10 and len({r["ID"] for r in grown}) == 10
    assert list(grow(records, 10)) == grown  # deterministic


def test_a_copy_alternates_its_records_paragraphs_with_a_partners_and_moves_in_time() -> None:
    records = _records(5)
    copy = variant(records, 2, 3)
    j = partner(2, 3, 5)
    assert j != 2
    paragraphs = copy["content_original"].split("\n\n")
    # the record's own lead opens it; as many paragraphs as one record, not two
    assert paragraphs == [
        "Paragraph 0 of record 2.", f"Paragraph 1 of record {j}.", "Paragraph 2 of record 2."
    ]
    assert copy["title"] == "Title 2" and copy["source"] == "Outlet 0"
    assert copy["date"] == f"2020-01-{3 + 3 * DAY_STEP - 31:02d}".replace("2020-01", "2020-02")
    assert records[2]["date"] == "2020-01-03"  # the source record is not changed


def test_a_copy_takes_alternate_paragraphs_and_at_least_the_partners_lead() -> None:
    records = _records(2)
    records[0]["content_original"] = "\n\n".join(f"P{p} of record 0." for p in range(5))
    records[1]["content_original"] = "Only paragraph of record 1."
    assert variant(records, 0, 1)["content_original"].split("\n\n") == [
        "P0 of record 0.", "Only paragraph of record 1.", "P2 of record 0.", "P4 of record 0."
    ]
    # two one-paragraph records: the copy is both, never its record again
    records[0]["content_original"] = "Only paragraph of record 0."
    assert variant(records, 0, 1)["content_original"].split("\n\n") == [
        "Only paragraph of record 0.", "Only paragraph of record 1."
    ]


def test_partners_differ_between_copies_and_never_self() -> None:
    n = 50
    for i in range(n):
        found = {partner(i, k, n) for k in range(1, 6)}
        assert i not in found
        assert len(found) > 1


def test_write_corpus_writes_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    assert write_corpus(_records(3), 7, path) == 7
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == list(grow(_records(3), 7))
    with pytest.raises(ValueError, match="no records"):
        list(grow([], 3))
