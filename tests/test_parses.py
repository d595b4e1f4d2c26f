"""One parse per body: `Parses` hands the annotation's spaCy parses to the later stages."""

from __future__ import annotations

import pickle
from pathlib import Path

from parallax.nlp.annotate import Parses, annotate, load_nlp
from parallax.statements.quotes import extract_many


def _bodies(seeds_dir: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))][:3]


def _tokens(doc: object) -> list[tuple[str, str, str, int, str]]:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in doc]  # type: ignore[attr-defined]


def test_a_held_parse_is_the_parse_and_is_not_made_again(seeds_dir: Path) -> None:
    bodies = _bodies(seeds_dir)
    parses = Parses(size=8)
    first = parses.pipe(bodies)
    assert (parses.misses, parses.hits, len(parses)) == (3, 0, 3)
    again = parses.pipe(list(reversed(bodies)))
    assert (parses.misses, parses.hits) == (3, 3)
    assert [id(d) for d in again] == [id(d) for d in reversed(first)]
    for body, doc in zip(bodies, first, strict=True):
        assert doc.text == body
        assert _tokens(doc) == _tokens(load_nlp()(body))


def test_the_oldest_parses_go_first_and_pickles_carry_none(seeds_dir: Path) -> None:
    bodies = _bodies(seeds_dir)
    parses = Parses(size=2)
    parses.pipe(bodies[:2])
    parses.pipe(bodies[:1])  # body 0 is now the most recently used
    parses.pipe(bodies[2:3])  # evicts body 1
    assert len(parses) == 2
    parses.pipe(bodies[:1])
    assert parses.hits == 2
    parses.pipe(bodies[1:2])
    assert parses.misses == 4  # body 1 was parsed again
    copy = pickle.loads(pickle.dumps(parses))
    assert copy.size == 2 and len(copy) == 0


def test_stages_sharing_parses_find_what_they_find_alone(seeds_dir: Path) -> None:
    bodies = _bodies(seeds_dir)
    items = [(f"a{i}", body) for i, body in enumerate(bodies)]
    parses = Parses()
    assert annotate(bodies, parses=parses) == annotate(bodies)
    assert extract_many(items, parses=parses) == extract_many(items)
    assert parses.hits == len(bodies)  # quote extraction parsed nothing again
