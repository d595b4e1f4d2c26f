from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.model import quote_id
from parallax.nlp.embeddings import load_embedder
from parallax.statements.align import (
    AlignModel,
    QuoteItem,
    StatementAligner,
    StatementGroup,
    _verbatim,
    align,
    containment,
    occasion_key,
    order_for_alignment,
    statement_id,
)

MINISTER = "en_minister"
MAYOR = "en_mayor"

# The same remark as three outlets might carry it (one in a different translation), a paraphrase
# of it, and an unrelated remark of the same speaker on the same day.
REMARK = "We will not accept any deal that trades away our land for a promise of peace."
TRANSLATED = "No agreement that exchanges our territory for promises of peace is acceptable to us."
REPORTED = "the government would not accept a deal trading territory for peace"
OTHER = "The talks were constructive and we agreed to meet again next month."


def item(
    text: str,
    article: str,
    *,
    kind: str = "direct",
    speaker: str | None = MINISTER,
    event: str | None = "ev_1",
    day: date | None = date(2025, 9, 2),
    start: int = 0,
) -> QuoteItem:
    vector = load_embedder().encode([text])[0]
    return QuoteItem(
        quote_id=quote_id(article, start, start + len(text)),
        article_id=article,
        kind=kind,
        text=text,
        speaker=speaker,
        event_id=event,
        day=day,
        start=start,
        vector=vector,
    )


def groups(items: list[QuoteItem], model: AlignModel | None = None) -> dict[str, str]:
    links, _ = align(items, model)
    return {lk.quote_id: lk.statement_id for lk in links}


def test_containment_counts_a_verbatim_piece_of_the_longer_quote() -> None:
    assert containment("complete nonsense", "This is complete nonsense, he said") == 1.0
    assert containment("is not about land", "The core issue is not about land at all") == 1.0
    assert containment("a total disgrace", "the weather is fine") == 0.0
    # a two-word phrase shared by two long quotes is no evidence
    assert containment("we will see what happens next week", "we will win this vote") == 0.0


def test_the_same_remark_across_outlets_and_translations_is_one_statement() -> None:
    a = item(REMARK, "a1")
    b = item(TRANSLATED, "b1")
    c = item(OTHER, "a1", start=200)
    links, _ = align([a, b, c])
    by_quote = {lk.quote_id: lk for lk in links}
    assert by_quote[a.quote_id].statement_id == by_quote[b.quote_id].statement_id
    assert by_quote[c.quote_id].statement_id != by_quote[a.quote_id].statement_id
    joined = [lk for lk in links if not lk.founded]
    assert len(joined) == 1 and 0.6 < joined[0].score <= 1.0


def test_reported_speech_and_fragments_link_as_paraphrase() -> None:
    direct = item(REMARK, "a1")
    reported = item(REPORTED, "b1", kind="indirect")
    fragment = item("trades away our land", "c1", kind="partial")
    links, _ = align([reported, fragment, direct])
    by_quote = {lk.quote_id: lk for lk in links}
    sid = by_quote[direct.quote_id].statement_id
    assert by_quote[direct.quote_id].relation == "same"
    assert by_quote[reported.quote_id].statement_id == sid
    assert by_quote[reported.quote_id].relation == "paraphrase"
    assert by_quote[fragment.quote_id].statement_id == sid
    assert by_quote[fragment.quote_id].relation == "paraphrase"
    # the direct quote founds: reported speech is ordered after it
    assert sid == statement_id(direct.quote_id)


def test_another_speaker_is_never_merged_and_an_unknown_one_only_on_near_equal_text() -> None:
    a = item(REMARK, "a1")
    mayor = item(REMARK, "b1", speaker=MAYOR)
    unknown_translation = item(TRANSLATED, "c1", speaker=None)
    unknown_same = item(REMARK.replace("We will", "We'll"), "d1", speaker=None)
    g = groups([a, mayor, unknown_translation, unknown_same])
    assert g[mayor.quote_id] != g[a.quote_id]
    assert g[unknown_translation.quote_id] != g[a.quote_id]
    # words both known speakers said go to neither
    assert g[unknown_same.quote_id] not in {g[a.quote_id], g[mayor.quote_id]}
    g = groups([a, unknown_translation, unknown_same])
    assert g[unknown_translation.quote_id] != g[a.quote_id]
    assert g[unknown_same.quote_id] == g[a.quote_id]


def test_the_same_words_on_another_occasion_are_a_linked_repeat() -> None:
    first = item(REMARK, "a1", event="ev_1", day=date(2025, 9, 2))
    again = item(REMARK, "b1", event="ev_2", day=date(2025, 9, 9))
    links, repeats = align([first, again])
    assert links[0].statement_id != links[1].statement_id
    assert len(repeats) == 1
    assert {repeats[0].statement_id, repeats[0].other_id} == {
        links[0].statement_id,
        links[1].statement_id,
    }
    assert repeats[0].score > 0.95


def test_without_events_the_day_decides_the_occasion() -> None:
    a = item(REMARK, "a1", event=None, day=date(2025, 9, 2))
    next_day = item(TRANSLATED, "b1", event=None, day=date(2025, 9, 3))
    week_later = item(REMARK, "c1", event=None, day=date(2025, 9, 10))
    g = groups([a, next_day, week_later])
    assert g[next_day.quote_id] == g[a.quote_id]
    assert g[week_later.quote_id] != g[a.quote_id]


@pytest.mark.parametrize("split", [1, 2, 3])
def test_incremental_alignment_keeps_ids_and_matches_the_batch(split: int) -> None:
    items = order_for_alignment(
        [
            item(REMARK, "a1"),
            item(TRANSLATED, "b1"),
            item(OTHER, "a1", start=200),
            item(REPORTED, "c1", kind="indirect"),
        ]
    )
    batch = groups(items)
    aligner = StatementAligner(AlignModel())
    first = [(it, aligner.add(it)[0]) for it in items[:split]]
    replay = StatementAligner(AlignModel()).fit(
        (it, lk.statement_id, lk.relation) for it, lk in first
    )
    later = {it.quote_id: replay.add(it)[0].statement_id for it in items[split:]}
    incremental = {it.quote_id: lk.statement_id for it, lk in first} | later
    assert incremental == batch


def test_alignment_is_deterministic() -> None:
    items = [item(REMARK, "a1"), item(TRANSLATED, "b1"), item(OTHER, "c1")]
    assert align(items) == align(list(reversed(items)))


def test_a_quote_split_around_its_cue_is_one_statement_and_a_fragment_meets_its_remark() -> None:
    # '"The core question is not land," she said, "but the rights of the people living there."'
    head = item("The core question is not land", "a1", start=1)
    tail = item("but the rights of the people living there.", "a1", start=50)
    later = item("Prices will fall next year.", "a1", start=140)
    fragment = item("not land", "b1", kind="partial")
    g = groups([head, tail, later, fragment])
    assert g[tail.quote_id] == g[head.quote_id]
    assert g[later.quote_id] != g[head.quote_id]
    assert g[fragment.quote_id] == g[head.quote_id]


def item_with_sentences(text: str, article: str, **kw: object) -> QuoteItem:
    """An item whose multi-sentence direct quote carries one vector per sentence, as the
    Statements stage stores it."""
    from dataclasses import replace

    from parallax.statements.stage import quote_vectors

    base = item(text, article, **kw)  # type: ignore[arg-type]
    rows = quote_vectors(load_embedder(), [(base.quote_id, base.kind, text)])[base.quote_id]
    return replace(base, vector=rows[0], pieces=rows[1:])


LONG_A = (
    "Each nation decides for itself how to guarantee its safety. But that safety cannot come at "
    "the cost of the safety of its neighbours."
)
LONG_B = (
    "We were forced to defend our interests and our people. This is where the dispute began. "
    "We have no aim other than defending our interests."
)


def test_reported_speech_joins_the_remark_whose_words_it_renders() -> None:
    a = item_with_sentences(LONG_A, "a1")
    b = item_with_sentences(LONG_B, "a1", start=400)
    reported = item("the country's only aim is to defend its own interests", "b1", kind="indirect")
    links = {lk.quote_id: lk for lk in align([a, b, reported])[0]}
    assert links[reported.quote_id].statement_id == links[b.quote_id].statement_id


def test_two_different_remarks_in_one_article_stay_two_statements() -> None:
    first = item("As for meetings with the premier, I have not ruled them out.", "a1")
    second = item(
        "The premier asked me to hold such a meeting; if he comes, it will take place.",
        "a1",
        start=300,
    )
    links = {lk.quote_id: lk for lk in align([first, second])[0]}
    assert links[first.quote_id].statement_id != links[second.quote_id].statement_id


def test_two_reported_renderings_of_different_remarks_are_not_merged() -> None:
    one = item(
        "the ministry had never asked for land in exchange for guarantees", "a1", kind="indirect"
    )
    two = item(
        "the ministry has no objection to guarantees that threaten no one", "b1", kind="indirect"
    )
    links = {lk.quote_id: lk for lk in align([one, two])[0]}
    assert links[one.quote_id].statement_id != links[two.quote_id].statement_id


def _bare(text: str, speaker: str | None = MINISTER) -> QuoteItem:
    """An item without an embedding: enough for the word-level checks."""
    return QuoteItem(quote_id(text, 0, len(text)), "a1", "direct", text, speaker, None, None, 0,
                     np.zeros(0, dtype=np.float32))


_VOCAB = ["we", "will", "not", "accept", "the", "deal", "land", "peace", "it's", "Land"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_VOCAB), max_size=12),
    st.lists(st.sampled_from(_VOCAB), max_size=12),
    st.integers(min_value=1, max_value=5),
)
def test_cached_verbatim_share_equals_containment(a: list[str], b: list[str], run: int) -> None:
    # The aligner scores from each item's cached words and skips pairs without a shared run;
    # that must be the same number `containment` gives from the texts.
    left, right = _bare(" ".join(a)), _bare(", ".join(b))
    assert _verbatim(left, right, run) == containment(left.text, right.text, run)
    assert _verbatim(right, left, run) == containment(right.text, left.text, run)


def test_a_statements_speaker_follows_its_members_as_they_are_added() -> None:
    group = StatementGroup("sm_1", None, None)
    group.members.append(_bare("one", speaker=None))
    assert group.speaker() is None
    group.members.append(_bare("two", speaker=MAYOR))
    assert group.speaker() == MAYOR
    group.members.extend([_bare("three"), _bare("four")])
    assert group.speaker() == MINISTER


class _ScoresEveryStatement(StatementAligner):
    """The aligner before occasion buckets were indexed: every statement of the occasion is
    a candidate."""

    def candidates(self, item: QuoteItem) -> list[str]:
        near = {self.statement_of[q] for q in self._index.nearest(item.vector, 20)}
        bucket = self._occasion.get(occasion_key(item))
        return sorted(near | (bucket.sids if bucket else set()))


def _crowded_occasion(seed: int, n: int = 240) -> list[QuoteItem]:
    """One event's quotes, many more than a bucket indexes from: few words (so word runs and
    content words are shared often), three speakers, every kind, and vectors near two
    centres (so more quotes pass the cosine thresholds than the 20 nearest neighbours hold)."""
    rng = np.random.default_rng(seed)
    vocab = ["peace", "deal", "land", "we", "will", "not", "accept", "the", "talks", "war",
             "Kyiv", "never"]
    centres = rng.normal(size=(2, 16))
    items = []
    for i in range(n):
        text = " ".join(rng.choice(vocab, size=int(rng.integers(1, 9))))
        vector = centres[rng.integers(2)] + rng.normal(scale=0.5, size=16)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        pieces = np.stack([vector, rng.normal(size=16).astype(np.float32)]) / [[1.0], [4.0]]
        items.append(QuoteItem(
            quote_id=f"q{i:03d}", article_id=f"a{i // 4}",
            kind=str(rng.choice(["direct", "direct", "partial", "indirect"])),
            text=text, speaker=[MINISTER, MAYOR, None][int(rng.integers(3))], event_id="ev_1",
            day=date(2025, 9, 2), start=200 * (i % 4), vector=vector, outlet=f"o{i % 5}",
            pieces=pieces.astype(np.float32),
        ))
    return order_for_alignment(items)


@pytest.mark.parametrize("seed", range(4))
def test_an_indexed_occasion_decides_as_scoring_every_statement_would(seed: int) -> None:
    items = _crowded_occasion(seed)
    pruned, whole = StatementAligner(dim=16), _ScoresEveryStatement(dim=16)
    skipped = 0
    for it in items:
        skipped += len(whole.candidates(it)) - len(pruned.candidates(it))
        assert pruned.add(it) == whole.add(it)
    assert skipped > 0  # the index did leave statements unscored
    assert len(pruned.statements) > 20


class _Decided:
    """Decisions as the store keeps them, for an aligner that reads what it needs."""

    def __init__(self) -> None:
        self.rows: list[tuple[QuoteItem, str, str]] = []
        self.asked = 0

    def members(self, statement_ids: Iterable[str]) -> list[tuple[QuoteItem, str, str]]:
        wanted = set(statement_ids)
        self.asked += len(wanted)
        return [r for r in self.rows if r[1] in wanted]

    def on_occasion(self, key: str) -> set[str]:
        return {sid for item, sid, _ in self.rows if occasion_key(item) == key}

    def in_article(self, article_id: str) -> set[str]:
        return {sid for item, sid, _ in self.rows if item.article_id == article_id}

    def statement_of(self, quote_ids: Iterable[str]) -> dict[str, str]:
        wanted = set(quote_ids)
        return {item.quote_id: sid for item, sid, _ in self.rows if item.quote_id in wanted}


def _several_occasions(seed: int, n: int = 720) -> list[QuoteItem]:
    """Quotes of three events and of articles in none (dated on four days, or undated), so
    that statements join across a day, span occasions and repeat on others; four quotes an
    article, some split ("A," she said, "b...")."""
    rng = np.random.default_rng(seed)
    vocab = ["peace", "deal", "land", "we", "will", "not", "accept", "talks", "war", "never"]
    centres = rng.normal(size=(3, 16))
    items = []
    for i in range(n):
        article = i // 4
        event = [None, "ev_1", "ev_2", "ev_3"][article % 4] if article % 7 else None
        day = None if article % 11 == 0 else date(2025, 9, 1 + article % 4)
        text = " ".join(rng.choice(vocab, size=int(rng.integers(2, 9))))
        if i % 9 == 1:
            text = "and " + text  # continues the quote before it
        vector = centres[rng.integers(3)] + rng.normal(scale=0.6, size=16)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        items.append(QuoteItem(
            quote_id=f"q{i:03d}", article_id=f"a{article:03d}",
            kind=str(rng.choice(["direct", "direct", "partial", "indirect"])),
            text=text, speaker=[MINISTER, MAYOR, None][int(rng.integers(3))], event_id=event,
            day=day, start=60 * (i % 4), end=60 * (i % 4) + 40, vector=vector,
            outlet=f"o{article % 5}",
        ))
    return items


@pytest.mark.parametrize("seed", range(3))
def test_an_aligner_reading_what_it_meets_decides_as_one_holding_everything(seed: int) -> None:
    items = _several_occasions(seed)
    held = StatementAligner(dim=16)
    source = _Decided()
    reading = StatementAligner(dim=16, source=source)
    repeats = 0
    most = 0
    # rounds of 40 quotes, each in alignment order; the reading aligner forgets between them
    # (each event gets over 64 quotes, so its bucket is indexed)
    for start in range(0, len(items), 40):
        for item in order_for_alignment(items[start : start + 40]):
            link, found = reading.add(item)
            assert (link, found) == held.add(item)
            source.rows.append((item, link.statement_id, link.relation))
            repeats += len(found)
        most = max(most, len(reading.statements))
        count = len(reading.statements)
        reading.forget(beyond=reading.held)  # holding no more than that: kept
        assert len(reading.statements) == count
        reading.forget()
        assert not reading.statements and len(reading.index) == len(held.index)
    assert repeats > 0  # the corpus exercises the neighbours and the repeats
    assert any(len(keys) > 1 for keys in held._occasions_of.values())  # spanning statements
    assert most < len(held.statements)  # a round read part of the corpus, not all of it
