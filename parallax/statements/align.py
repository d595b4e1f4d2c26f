"""Group quotes into statements: one utterance by one speaker on one occasion, across outlets.

A new quote is compared only with the statements of its nearest neighbours in an ANN index
(usearch HNSW over quote-text embeddings) and those of its occasion that it could reach
(`OccasionBucket`: a crowded event's statements are found through its indexes, not scored one
by one), so the cost grows about linearly with the corpus.
It joins the best candidate statement when

* the speakers agree: the same canonical entity, or one side unknown and the texts nearly equal
  (an unknown speaker is never matched on a topic alone);
* the texts render the same remark: MiniLM cosine, or, for a quote that carries only part of
  what another outlet quoted, the share of its words found as one run in the other's text;
* the occasion is the same: both articles are in the same event, or, when either article has no
  event, they were published at most ``max_days`` apart. Articles in two different events are
  two occasions, whatever their dates.

Direct quotes join as ``same``; partial and indirect quotes join as ``paraphrase`` (they render
the remark rather than carry it whole) under a lower text threshold. The same words by the same
speaker on another occasion found no merge: the quote founds or joins a statement on its own
occasion, and the two statements are linked as repeats with their score. A founding quote gives
the statement its id, so ids never change when quotes are added. The order of decisions is
fixed (direct quotes first, then by day, article and offset), so results are deterministic.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Protocol

import numpy as np

from parallax.nlp.embeddings import Vectors
from parallax.nlp.neighbours import NeighbourIndex

#: Relations of a quote to its statement.
RELATIONS = ("same", "paraphrase")
_KIND_ORDER = {"direct": 0, "partial": 1, "indirect": 2}
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’]?\s+(?=[\"“‘'(\[]?[A-Z])")


@dataclass(frozen=True)
class AlignModel:
    """Thresholds of the statement aligner (cosines of MiniLM and word-run shares, 0..1).

    MiniLM puts the same remark in two translations at about 0.9 and unrelated quotes of one
    story at about 0.25; two different remarks of one speaker on one topic reach 0.6-0.7, so
    ``same`` sits above that. Reported speech shares fewer words with the quote it renders,
    hence the lower ``paraphrase``. With an unknown speaker only near-identical text links.
    """

    same: float = 0.70
    paraphrase: float = 0.55
    #: Two reported renderings with no direct quote between them: both are the outlets' words,
    #: so only a close match says they report the same remark.
    reported: float = 0.80
    #: Two direct quotes in one article are two remarks unless one contains the other.
    same_article: float = 0.80
    unknown_speaker: float = 0.92
    repeat: float = 0.80
    #: A run of at least this many words, covering the shorter text, counts as containment.
    min_run_words: int = 3
    max_days: int = 1
    neighbours: int = 20
    #: Two direct quotes of one speaker this close in one article are one split quote
    #: ("A," she said, "B.").
    split_gap: int = 30


@dataclass(frozen=True)
class QuoteItem:
    """What the aligner needs of one quote."""

    quote_id: str
    article_id: str
    kind: str
    text: str
    speaker: str | None
    event_id: str | None
    day: date | None
    start: int
    vector: Vectors
    outlet: str = ""
    end: int = -1
    #: Embeddings of the sentences of a multi-sentence quote (rows), empty otherwise: reported
    #: speech usually renders one sentence of a long remark.
    pieces: Vectors = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    @property
    def stop(self) -> int:
        """End offset of the quote in its article body."""
        return self.end if self.end >= 0 else self.start + len(self.text)

    # The text's derived forms are read for every candidate statement the quote meets, and a
    # stored quote meets thousands over a big event: each is computed once per item.
    @functools.cached_property
    def words(self) -> list[str]:
        """`words` of the text."""
        return words(self.text)

    @functools.cached_property
    def content(self) -> set[str]:
        """`_content` of the text: its crudely stemmed content words."""
        return _content(self.text)

    def runs(self, n: int) -> frozenset[tuple[str, ...]]:
        """The text's runs of ``n`` consecutive words."""
        cache: dict[int, frozenset[tuple[str, ...]]] = self.__dict__.setdefault("_runs", {})
        found = cache.get(n)
        if found is None:
            w = self.words
            found = cache[n] = frozenset(tuple(w[i : i + n]) for i in range(len(w) - n + 1))
        return found


@dataclass(frozen=True)
class Link:
    """The decision for one quote: its statement, relation and score (1.0 for a founder)."""

    quote_id: str
    statement_id: str
    relation: str
    score: float
    founded: bool


@dataclass(frozen=True)
class Repeat:
    """Two statements with the same words by the same speaker on different occasions."""

    statement_id: str
    other_id: str
    score: float


@dataclass
class StatementGroup:
    """A statement as the aligner sees it: its members and the occasion it belongs to."""

    statement_id: str
    event_id: str | None
    day: date | None
    members: list[QuoteItem] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)

    def speaker(self) -> str | None:
        """The known speaker most members name (ties: the first in sort order)."""
        # Asked of every candidate statement for every new quote; members are only ever
        # appended, so the answer holds while their number does.
        kept: tuple[int, str | None] | None = self.__dict__.get("_speaker")
        if kept is not None and kept[0] == len(self.members):
            return kept[1]
        counts = Counter(m.speaker for m in self.members if m.speaker)
        found = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else None
        self.__dict__["_speaker"] = (len(self.members), found)
        return found

    def days(self) -> list[date]:
        """Publication days of the members' articles."""
        return [m.day for m in self.members if m.day is not None]

    def text(self) -> str:
        """The representative rendering: the longest direct member, else the longest member."""
        direct = [m for m in self.members if m.kind == "direct"]
        pool = direct or self.members
        return sorted(pool, key=lambda m: (-len(m.text), m.quote_id))[0].text


def statement_id(founder_quote_id: str) -> str:
    """A statement's id, derived from the id of the quote that founded it."""
    return "sm_" + hashlib.sha256(founder_quote_id.encode()).hexdigest()[:12]


def words(text: str) -> list[str]:
    """Lowercased word tokens (apostrophes folded), the unit of word-run overlap."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def needed_run(short: Sequence[str], min_run: int) -> int:
    """The words a common run needs to count for a text of ``short``'s words (the shorter of
    two): ``min_run``, or all of the shorter text when it has fewer, and never under two."""
    return max(2, min(min_run, len(short)))


def run_share(short: Sequence[str], long_: Sequence[str], min_run: int) -> float:
    """Share of ``short``'s words covered by its longest common word run with ``long_``, 0.0
    when that run is shorter than `needed_run`."""
    if len(short) < 2:
        return 0.0
    match = SequenceMatcher(None, short, long_, autojunk=False).find_longest_match(
        0, len(short), 0, len(long_)
    )
    return match.size / len(short) if match.size >= needed_run(short, min_run) else 0.0


def containment(a: str, b: str, min_run: int = 3) -> float:
    """Share of the shorter text's words covered by its longest common word run with the other.

    1.0 when one quote carries a piece of the other verbatim ("complete nonsense" inside "this
    is complete nonsense"); 0.0 when the run is shorter than ``min_run`` words (or than the
    shorter text, when that has fewer words), so that common phrases do not count.
    """
    wa, wb = words(a), words(b)
    return run_share(wa, wb, min_run) if len(wa) <= len(wb) else run_share(wb, wa, min_run)


def _verbatim(a: QuoteItem, b: QuoteItem, min_run: int) -> float:
    """`containment` of two quotes' texts, from their cached words.

    The same number, sooner: a common run long enough to count is a shared ``n``-word run, so
    two texts without one score 0.0 before any matching.
    """
    short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
    n = needed_run(short.words, min_run)
    if len(short.words) < 2 or short.runs(n).isdisjoint(long_.runs(n)):
        return 0.0
    return run_share(short.words, long_.words, min_run)


def _piece_cosine(item: QuoteItem, other: QuoteItem) -> float:
    """Best cosine of ``item`` to one sentence of ``other`` (-1 when other has no pieces)."""
    if other.pieces.size == 0 or item.vector.size == 0:
        return -1.0
    return float(np.max(other.pieces @ item.vector))


def content_overlap(reported: QuoteItem, quoted: QuoteItem) -> float:
    """Share of the reported text's content words (crudely stemmed) that the quote also uses."""
    mine = reported.content
    if not mine:
        return 0.0
    return len(mine & quoted.content) / len(mine)


def _content(text: str) -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w[:5] for w in words(text) if len(w) > 2 and w not in STOP_WORDS}


def text_score(a: QuoteItem, b: QuoteItem, model: AlignModel) -> float:
    """How surely two quotes render the same remark, from their text alone.

    Two direct quotes: the cosine of their embeddings (translations of one remark sit near
    0.9). Reported speech against a direct quote: the mean of the best cosine (to the whole quote
    or one of its sentences) and the share of the reported content words the quote uses, since
    MiniLM alone puts different remarks of one speaker on one topic as close as a paraphrase.
    Either way, a verbatim run covering the shorter text scores its share.
    """
    verbatim = _verbatim(a, b, model.min_run_words)
    if a.kind != "direct" and b.kind == "direct":
        a, b = b, a
    if b.kind != "direct" and a.kind == "direct":
        cosine = max(float(np.dot(a.vector, b.vector)), _piece_cosine(b, a))
        return max(verbatim, (cosine + content_overlap(b, a)) / 2)
    return max(verbatim, float(np.dot(a.vector, b.vector)))


def sentences(text: str) -> list[str]:
    """The sentences of a quote, split at end punctuation followed by a capital."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if len(words(p)) >= 3]


def same_occasion(item: QuoteItem, group: StatementGroup, model: AlignModel) -> bool:
    """Same event when both articles have one; otherwise published at most max_days apart."""
    if item.event_id is not None and group.event_id is not None:
        return item.event_id == group.event_id
    days = group.days()
    if item.day is None or not days:
        return True
    return min(abs((item.day - d).days) for d in days) <= model.max_days


def occasion_key(item: QuoteItem) -> str:
    """The bucket of a quote's occasion: its event, else its day, else its own article (an
    undated corpus without events must not become one bucket)."""
    if item.event_id is not None:
        return "event:" + item.event_id
    if item.day is not None:
        return "day:" + item.day.isoformat()
    return "article:" + item.article_id


def order_for_alignment(items: Iterable[QuoteItem]) -> list[QuoteItem]:
    """Direct quotes first (they found statements that reported speech then joins), then by
    day (undated last), article and offset. Deterministic."""
    return sorted(
        items,
        key=lambda q: (
            _KIND_ORDER.get(q.kind, 3),
            q.day is None,
            q.day or date.min,
            q.article_id,
            q.start,
            q.quote_id,
        ),
    )


def relation_of(kind: str) -> str:
    """A direct quote carries the remark; partial and indirect ones render it."""
    return "same" if kind == "direct" else "paraphrase"


def lowest_threshold(model: AlignModel) -> float:
    """The least score any decision asks for: a statement scoring below it cannot be joined
    nor linked as a repeat."""
    return min(
        model.same, model.paraphrase, model.reported, model.same_article,
        model.unknown_speaker, model.repeat,
    )


class OccasionBucket:
    """The quotes of one occasion, kept so that the statements a new quote could reach are
    found without scoring every statement of the occasion.

    A quote's score against a statement is the best over its members of: the share of a
    common word run (zero without a shared run of the length it needs), the cosine (two direct
    quotes, or two renderings), or, for reported speech against a direct quote, the mean of a
    cosine (at most 1) and the share of content words they share (zero without one). So a
    member can reach `lowest_threshold` only if it shares a word run, or a content word (mixed
    kinds), or has a cosine that high (same kinds); one matrix product and two inverted indexes
    find those members, and the other statements of the occasion are skipped unscored, which
    leaves every decision as scoring them would.
    """

    #: Rows before the bucket is indexed: scoring a small occasion whole costs less than
    #: keeping its index.
    INDEX_FROM = 64

    def __init__(self, dim: int, min_run: int) -> None:
        self.dim = dim
        self.min_run = min_run
        #: the length of the runs indexed: a shared run counts from two words up
        self.run = max(2, min_run)
        self.rows: list[tuple[QuoteItem, str]] = []
        self.sids: set[str] = set()
        #: statements with members on another occasion too: always candidates (their other
        #: members are not rows here)
        self.spanning: set[str] = set()
        self._indexed = False
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._direct = np.zeros(0, dtype=bool)
        self._runs: dict[int, list[int]] = {}
        #: content words, apart for direct quotes and the rest (only mixed kinds read them)
        self._content: dict[tuple[bool, str], list[int]] = {}
        #: rows too short for an indexed run (but two words or more): checked one by one
        self._short: list[int] = []

    def add(self, item: QuoteItem, sid: str) -> None:
        """Keep a quote that statement ``sid`` holds."""
        self.rows.append((item, sid))
        self.sids.add(sid)
        if self._indexed:
            self._index(len(self.rows) - 1)
        elif len(self.rows) >= self.INDEX_FROM:
            self._indexed = True
            for row in range(len(self.rows)):
                self._index(row)

    def _index(self, row: int) -> None:
        item = self.rows[row][0]
        if row >= len(self._vectors):
            grown = max(2 * len(self._vectors), self.INDEX_FROM)
            vectors = np.zeros((grown, self.dim), dtype=np.float32)
            vectors[: len(self._vectors)] = self._vectors
            direct = np.zeros(grown, dtype=bool)
            direct[: len(self._direct)] = self._direct
            self._vectors, self._direct = vectors, direct
        is_direct = item.kind == "direct"
        self._vectors[row] = item.vector
        self._direct[row] = is_direct
        # Indexed from the text, not the item's cached forms: a stored quote that no new quote
        # ever scores against keeps no word lists. Runs are keyed by hash: a collision only
        # adds a candidate, which is then scored.
        tokens = words(item.text)
        for i in range(len(tokens) - self.run + 1):
            self._runs.setdefault(hash(tuple(tokens[i : i + self.run])), []).append(row)
        if 2 <= len(tokens) < self.run:
            self._short.append(row)
        for word in _content(item.text):
            self._content.setdefault((is_direct, word), []).append(row)

    def reachable(self, item: QuoteItem, floor: float) -> AbstractSet[str]:
        """The statements of this occasion that ``item`` might score ``floor`` or more against
        (a superset: the caller scores them)."""
        # Below 0.5 a mixed pair reaches the floor on its cosine alone; a short quote's own
        # words are the run to look for, which any row may hold.
        if not self._indexed or floor <= 0.5 or 2 <= len(item.words) < self.run:
            return self.sids
        n = len(self.rows)
        direct = item.kind == "direct"
        found: set[int] = set()
        if len(item.words) >= 2:
            for run in item.runs(self.run):
                found.update(self._runs.get(hash(run), ()))
            found.update(
                r for r in self._short if _verbatim(item, self.rows[r][0], self.min_run) > 0
            )
        # the cosines as `text_score` takes them one pair at a time, less a margin for the
        # order of summation in a matrix product
        cosines = self._vectors[:n] @ item.vector
        same_kind = self._direct[:n] == direct
        found.update(np.flatnonzero(same_kind & (cosines >= floor - 1e-4)).tolist())
        for word in item.content:
            found.update(self._content.get((not direct, word), ()))
        return {self.rows[r][1] for r in found} | self.spanning


class QuoteSource(Protocol):
    """Where an aligner that does not hold the corpus reads the decided statements it needs
    (the store: `parallax.statements.stage.StoreQuotes`)."""

    def members(self, statement_ids: Iterable[str]) -> list[tuple[QuoteItem, str, str]]:
        """``(item, statement_id, relation)`` of every member of these statements, in
        decision order."""
        ...

    def on_occasion(self, key: str) -> set[str]:
        """Statements with a member on the occasion `occasion_key` names (a superset will
        do: members are checked)."""
        ...

    def in_article(self, article_id: str) -> set[str]:
        """Statements with a member quoted in the article."""
        ...

    def statement_of(self, quote_ids: Iterable[str]) -> dict[str, str]:
        """The statement of each decided quote."""
        ...


class StatementAligner:
    """Holds the statements of a corpus and adds quotes one at a time.

    `fit` replays stored memberships without re-deciding them; `add` decides for a new quote.
    Given a `QuoteSource` and the nearest-neighbour index of every decided quote instead, it
    holds only the statements its quotes meet, read when first needed, and `forget` drops
    them: memory follows a round's neighbourhood, not the corpus, and every decision is the
    one the replayed aligner makes (the statements read are the ones it would hold).
    """

    def __init__(
        self,
        model: AlignModel | None = None,
        dim: int = 384,
        source: QuoteSource | None = None,
        index: NeighbourIndex | None = None,
    ) -> None:
        self.model = model or AlignModel()
        self.statements: dict[str, StatementGroup] = {}
        self.statement_of: dict[str, str] = {}
        # Buckets beside the ANN index: the statements of one occasion (event, else day), so
        # that a fragment whose embedding is far from the whole remark still meets it, and the
        # quotes of one article, for split quotes.
        self._occasion: dict[str, OccasionBucket] = {}
        self._occasions_of: dict[str, set[str]] = {}
        self._article: dict[str, list[QuoteItem]] = {}
        self._index = index if index is not None else NeighbourIndex(dim)
        self._dim = dim
        self._floor = lowest_threshold(self.model)
        self._source = source
        #: occasions and statements already asked of the source (an answer may be "none")
        self._asked_occasions: set[str] = set()
        self._asked_statements: set[str] = set()
        self._held = 0

    @property
    def index(self) -> NeighbourIndex:
        """The nearest-neighbour index of every quote the aligner has decided or was given."""
        return self._index

    @property
    def held(self) -> int:
        """How many quotes the aligner holds beside the index (members of its statements)."""
        return self._held

    def forget(self, beyond: int = 0) -> None:
        """Drop the statements read from the source when more than ``beyond`` quotes are held
        (the index stays): the next quotes read what they need again. An aligner without a
        source holds the corpus and keeps it."""
        if self._source is None or self._held <= beyond:
            return
        self._held = 0
        self.statements.clear()
        self.statement_of.clear()
        self._occasion.clear()
        self._occasions_of.clear()
        self._article.clear()
        self._asked_occasions.clear()
        self._asked_statements.clear()

    def _read(self, statement_ids: Iterable[str]) -> None:
        """Read from the source the statements not held yet."""
        if self._source is None:
            return
        todo = sorted(
            {s for s in statement_ids if s not in self.statements} - self._asked_statements
        )
        if not todo:
            return
        self._asked_statements.update(todo)
        for item, sid, relation in self._source.members(todo):
            group = self.statements.get(sid)
            if group is None:
                group = self.statements[sid] = StatementGroup(sid, item.event_id, item.day)
            group.members.append(item)
            group.relations.append(relation)
            self.statement_of[item.quote_id] = sid
            self._occasions_of.setdefault(sid, set()).add(occasion_key(item))
            self._held += 1

    def group(self, sid: str) -> StatementGroup | None:
        """The statement ``sid`` (read from the source when not held), ``None`` if unknown."""
        if sid not in self.statements:
            self._read([sid])
        return self.statements.get(sid)

    def _bucket(self, key: str) -> OccasionBucket | None:
        bucket = self._occasion.get(key)
        if bucket is not None or self._source is None or key in self._asked_occasions:
            return bucket
        self._asked_occasions.add(key)
        sids = sorted(self._source.on_occasion(key))
        self._read(sids)
        rows = [
            (m, sid)
            for sid in sids
            if sid in self.statements
            for m in self.statements[sid].members
            if occasion_key(m) == key
        ]
        if not rows:
            return None
        # Row order does not matter: `reachable` answers a set.
        bucket = self._occasion[key] = OccasionBucket(self._dim, self.model.min_run_words)
        for item, sid in rows:
            bucket.add(item, sid)
        bucket.spanning.update(s for _, s in rows if len(self._occasions_of[s]) > 1)
        return bucket

    def _article_items(self, article_id: str) -> list[QuoteItem]:
        found = self._article.get(article_id)
        if found is None:
            found = self._article[article_id] = []
            if self._source is not None:
                sids = self._source.in_article(article_id)
                # in decision order, as the replayed aligner appended them
                found.extend(
                    item
                    for item, _, _ in self._source.members(sids)
                    if item.article_id == article_id
                )
                self._read(sids)
        return found

    def _remember(self, item: QuoteItem, sid: str, relation: str) -> None:
        group = self.group(sid)
        if group is None:
            group = self.statements[sid] = StatementGroup(sid, item.event_id, item.day)
        key = occasion_key(item)
        bucket = self._bucket(key)
        if bucket is None:
            bucket = self._occasion[key] = OccasionBucket(self._dim, self.model.min_run_words)
        articles = self._article_items(item.article_id)
        self._held += 1
        group.members.append(item)
        group.relations.append(relation)
        self.statement_of[item.quote_id] = sid
        bucket.add(item, sid)
        keys = self._occasions_of.setdefault(sid, set())
        keys.add(key)
        if len(keys) > 1:
            # an occasion not held yet finds this on reading (the source has the member then)
            for k in keys:
                if k in self._occasion:
                    self._occasion[k].spanning.add(sid)
        articles.append(item)
        self._index.add(item.quote_id, item.vector)

    def fit(self, known: Iterable[tuple[QuoteItem, str, str]]) -> StatementAligner:
        """Load quotes whose statements are decided: (item, statement_id, relation), in the
        order they were decided."""
        for item, sid, relation in known:
            self._remember(item, sid, relation)
        return self

    def candidates(self, item: QuoteItem) -> list[str]:
        """Statements of the quote's nearest neighbours and of its occasion, in id order."""
        nearest = self._index.nearest(item.vector, self.model.neighbours)
        unknown = [q for q in nearest if q not in self.statement_of]
        if unknown and self._source is not None:
            self.statement_of.update(self._source.statement_of(unknown))
        near = {self.statement_of[q] for q in nearest}
        bucket = self._bucket(occasion_key(item))
        if bucket is None:
            return sorted(near)
        return sorted(near | bucket.reachable(item, self._floor))

    def split_part(self, item: QuoteItem) -> str | None:
        """The statement of the direct quote this one continues across the cue, if any."""
        # The second half of a split quote continues its sentence ("but ensuring ..."); a
        # capital starts a new remark.
        if item.kind != "direct" or not item.text[:1].islower():
            return None
        for other in self._article_items(item.article_id):
            gap = item.start - other.stop
            if (
                other.kind == "direct"
                and other.speaker == item.speaker
                and 0 <= gap <= self.model.split_gap
                # a head that ends its sentence is a remark of its own, not half of one
                and not other.text.rstrip(" \"'”’").endswith((".", "?", "!", "…"))
            ):
                return self.statement_of[other.quote_id]
        return None

    def score(self, item: QuoteItem, group: StatementGroup) -> float:
        """Best text score of the quote against the statement's members.

        Reported speech is scored against the direct quotes when the statement has any: the
        remark itself, not another outlet's rendering of it, so that renderings do not chain
        one statement into the next.
        """
        direct = [m for m in group.members if m.kind == "direct"]
        pool = direct if item.kind != "direct" and direct else group.members
        return max(text_score(item, m, self.model) for m in pool)

    def threshold(self, item: QuoteItem, group: StatementGroup) -> float | None:
        """The score a quote needs to join, or ``None`` when the speakers rule it out."""
        theirs = group.speaker()
        if item.speaker and theirs and item.speaker != theirs:
            return None
        if not item.speaker or not theirs:
            return self.model.unknown_speaker
        has_direct = any(m.kind == "direct" for m in group.members)
        if item.kind == "direct" and has_direct:
            same_article = any(
                m.kind == "direct" and m.article_id == item.article_id for m in group.members
            )
            # One article quoting two remarks of one speaker is the rule, not a repeat.
            return self.model.same_article if same_article else self.model.same
        if not has_direct and item.kind != "direct":
            return self.model.reported
        return self.model.paraphrase

    def add(self, item: QuoteItem) -> tuple[Link, list[Repeat]]:
        """Put one quote in the best statement on its occasion, or found one; link repeats."""
        fits: list[tuple[float, str]] = []
        elsewhere: list[tuple[str, float]] = []
        found = self.candidates(item)
        self._read(found)
        for sid in found:
            group = self.statements[sid]
            need = self.threshold(item, group)
            if need is None:
                continue
            score = self.score(item, group)
            if same_occasion(item, group, self.model):
                if score >= need:
                    fits.append((score, sid))
            elif item.speaker and group.speaker() == item.speaker and score >= self.model.repeat:
                elsewhere.append((sid, score))
        fits.sort(key=lambda f: (-f[0], f[1]))
        best = fits[0] if fits else None
        if best is not None and not item.speaker and len(fits) > 1:
            # Words two known speakers both said cannot be given to either on text alone.
            runner = fits[1]
            theirs = self.statements[best[1]].speaker()
            if runner[0] >= best[0] - 0.02 and self.statements[runner[1]].speaker() != theirs:
                best = None
        split = self.split_part(item)
        if split is not None:
            best = (1.0, split)
        relation = relation_of(item.kind)
        if best is not None:
            link = Link(item.quote_id, best[1], relation, round(best[0], 4), founded=False)
        else:
            link = Link(item.quote_id, statement_id(item.quote_id), relation, 1.0, founded=True)
        self._remember(item, link.statement_id, relation)
        repeats = [
            Repeat(link.statement_id, other, round(score, 4))
            for other, score in sorted(elsewhere)
            if other != link.statement_id
        ]
        return link, repeats


def align(
    items: Sequence[QuoteItem], model: AlignModel | None = None
) -> tuple[list[Link], list[Repeat]]:
    """Align a whole batch from scratch (evaluation and tests)."""
    dim = int(items[0].vector.shape[0]) if items else 384
    aligner = StatementAligner(model, dim=dim)
    links: list[Link] = []
    repeats: list[Repeat] = []
    for item in order_for_alignment(items):
        link, found = aligner.add(item)
        links.append(link)
        repeats.extend(found)
    return links, repeats
