"""Tone of a sentence toward one named target: VADER's lexicon, weighed by where each word sits
relative to the target in the sentence's dependency parse.

Plain VADER scores a whole sentence, so "Smith praised the deal, but Jones called it a disaster"
gets one tone for both people. Here each sentiment word (VADER's valence, after VADER's own
booster, negation and capitalisation rules) counts toward a target by a weight that falls with

- its distance to the target in the dependency tree (edges between the word and the head of the
  mention: a predicate of which the target is subject or object is one edge away) and in words;
- another proper noun being nearer in the tree (the word is then more likely about that one);
- the target being the *speaker* of the clause the word sits in ("Smith said the plan was a
  disaster" judges the plan, not Smith).

The weighted sum is squashed like VADER's compound (``x / sqrt(x^2 + 15)``), optionally mixed
with the whole-sentence compound, and cut into three labels by two thresholds. A sentence with
no sentiment word near the target scores exactly 0 and is neutral, which is what most news
sentences are; the thresholds around 0 are narrow because the tuning split is 65% opinionated
(raise them in `ToneWeights` for a corpus of plain reports). The weights and
thresholds in `DEFAULT_WEIGHTS` were chosen on NewsMTSC's train split only
(`parallax.eval.tone.tune`); no text of any gold set is stored here.

Cost: one spaCy tagger+parser pass per sentence (the NER is not needed) and a dictionary look-up
per word; `ToneReader.judge_many` parses each distinct sentence once for all its targets.
"""

from __future__ import annotations

import bisect
import collections
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parallax.model import Span, Tone
from parallax.nlp.annotate import parse_without_entities

LABELS = ("negative", "neutral", "positive")

#: News words VADER's lexicon lacks, on VADER's -4..4 scale (general newsroom vocabulary, not
#: taken from any gold set). Inflected forms are found by `_base_forms`.
NEWS_VALENCE: dict[str, float] = {
    "slam": -2.0,
    "slammed": -2.0,
    "blast": -1.8,
    "blasted": -1.8,
    "lambaste": -2.2,
    "lambasted": -2.2,
    "denounce": -2.0,
    "denounced": -2.0,
    "rebuke": -1.8,
    "rebuked": -1.8,
    "berate": -2.0,
    "berated": -2.0,
    "heckle": -1.5,
    "heckled": -1.5,
    "booed": -1.6,
    "indict": -2.0,
    "indicted": -2.0,
    "indictment": -1.8,
    "convict": -2.2,
    "convicted": -2.2,
    "impeach": -1.8,
    "impeached": -1.8,
    "impeachment": -1.5,
    "oust": -1.5,
    "ousted": -1.5,
    "embattled": -1.6,
    "misconduct": -2.2,
    "corrupt": -2.6,
    "corruption": -2.6,
    "bribery": -2.5,
    "bribe": -2.2,
    "allegation": -1.2,
    "allegations": -1.2,
    "unfit": -2.0,
    "crimes": -2.5,
    "lauded": 2.2,
    "laud": 2.2,
    "victory": 2.2,
    "bipartisan": 0.8,
    "derogatory": -1.8,
    "bigot": -2.5,
    "bigoted": -2.5,
    "sexist": -2.5,
    "xenophobic": -2.5,
    "controversy": -1.2,
    "divisive": -1.5,
    "extremist": -2.0,
    "hypocrite": -2.2,
    "hypocrisy": -2.0,
    "falsely": -1.5,
    "baseless": -1.5,
    "debunked": -1.5,
    "backlash": -1.5,
    "infested": -1.8,
}

#: Typographic marks VADER's punctuation stripping misses, replaced one character for one so
#: offsets hold: curly quotes by straight ones, dashes by spaces (they join words: "deal—a").
_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": " ", "–": " "})

#: Verbs that introduce what their subject said; a word inside what was said is the speaker's
#: judgement of something else, so it counts less toward the speaker.
SPEECH_VERBS = frozenset(
    [
        "say",
        "says",
        "said",
        "saying",
        "tell",
        "tells",
        "told",
        "telling",
        "add",
        "adds",
        "added",
        "argue",
        "argues",
        "argued",
        "arguing",
        "write",
        "writes",
        "wrote",
        "written",
        "claim",
        "claims",
        "claimed",
        "insist",
        "insists",
        "insisted",
        "suggest",
        "suggests",
        "suggested",
        "explain",
        "explains",
        "explained",
        "state",
        "states",
        "stated",
        "note",
        "notes",
        "noted",
        "tweet",
        "tweets",
        "tweeted",
        "tweeting",
        "declare",
        "declares",
        "declared",
        "announce",
        "announces",
        "announced",
        "respond",
        "responds",
        "responded",
        "reply",
        "replies",
        "replied",
        "ask",
        "asks",
        "asked",
        "asking",
        "warn",
        "warns",
        "warned",
        "contend",
        "contends",
        "contended",
        "assert",
        "asserts",
        "asserted",
    ]
)

#: Dependency labels under a speech verb that hold what was said.
_SAID = frozenset(("ccomp", "parataxis", "xcomp", "advcl", "dobj"))
_SPEAKER = frozenset(("nsubj", "nsubjpass"))
_INFLECTIONS = re.compile(r"(?:ing|ed|es|s|d)$")


@dataclass(frozen=True)
class ToneWeights:
    """How word cues add up to a tone; `DEFAULT_WEIGHTS` was chosen on NewsMTSC train.

    A word of valence ``v`` at tree distance ``t`` and word distance ``w`` from the target adds
    ``v * exp(-tree_decay * t) * exp(-word_decay * w)``, times ``other_factor`` when another
    proper noun is nearer in the tree and ``speaker_factor`` when the target is the speaker of
    the clause holding the word. The squashed sum plus ``sentence_mix`` times the sentence's
    compound is the score; at or above ``positive_at`` it is positive, at or below
    ``-negative_at`` negative, else neutral.
    """

    # chosen by `parallax.eval.tone.tune` on NewsMTSC train.jsonl (macro-F1 0.599 there)
    tree_decay: float = 0.2
    word_decay: float = 0.03
    other_factor: float = 0.5
    # what the target is reported as saying says nothing about the target, on train
    speaker_factor: float = 0.0
    # the whole-sentence compound added nothing on train once the targeted sum was there
    sentence_mix: float = 0.0
    positive_at: float = 0.06
    negative_at: float = 0.04

    def label(self, score: float) -> str:
        """The label of a score under these thresholds."""
        if score >= self.positive_at:
            return "positive"
        if score <= -self.negative_at:
            return "negative"
        return "neutral"


DEFAULT_WEIGHTS = ToneWeights()


@dataclass(frozen=True)
class WordCue:
    """One sentiment-bearing word of a sentence, as seen from one target."""

    valence: float  # VADER valence after its booster/negation rules (-4..4 and a little over)
    tree: int  # dependency edges between the word and the head of the mention
    words: int  # words between the word and the mention (0 inside or next to it)
    other_nearer: bool  # another proper noun is nearer in the tree
    spoken_by_target: bool  # the word is in what the target is reported as saying


@dataclass(frozen=True)
class Evidence:
    """Everything the score of one (sentence, target) depends on: cheap to re-weigh."""

    compound: float  # VADER compound of the whole sentence
    cues: tuple[WordCue, ...]


def squash(x: float, alpha: float = 15.0) -> float:
    """VADER's normalisation of a valence sum into (-1, 1)."""
    return x / math.sqrt(x * x + alpha) if x else 0.0


def score_evidence(evidence: Evidence, weights: ToneWeights = DEFAULT_WEIGHTS) -> float:
    """The tone score in [-1, 1] of one (sentence, target) under ``weights``."""
    total = 0.0
    for cue in evidence.cues:
        w = math.exp(-weights.tree_decay * cue.tree - weights.word_decay * cue.words)
        if cue.other_nearer:
            w *= weights.other_factor
        if cue.spoken_by_target:
            w *= weights.speaker_factor
        total += cue.valence * w
    score = squash(total) + weights.sentence_mix * evidence.compound
    return max(-1.0, min(1.0, score))


def _base_forms(word: str) -> list[str]:
    """Candidate dictionary forms of an inflected word ("slammed" -> "slamm", "slam", ...)."""
    found: list[str] = []
    m = _INFLECTIONS.search(word)
    if m and len(word) - len(m.group()) >= 3:
        stem = word[: m.start()]
        found += [stem, stem + "e"]
        if len(stem) >= 4 and stem[-1] == stem[-2]:
            found.append(stem[:-1])  # doubled consonant: slammed -> slam
        if stem.endswith("i"):
            found.append(stem[:-1] + "y")  # denied -> deny
    return found


class ToneReader:
    """Judges the tone of sentences toward targets in them.

    The VADER lexicon (plus `NEWS_VALENCE`) is loaded once here. ``nlp`` is a spaCy pipeline
    with a parser; by default the project's (`parallax.nlp.annotate.load_nlp`). With
    ``parse=False`` no parse is made and only word distance and the sentence count.
    """

    def __init__(
        self,
        weights: ToneWeights = DEFAULT_WEIGHTS,
        nlp: Any | None = None,
        parse: bool = True,
    ) -> None:
        from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
            BOOSTER_DICT,
            SentimentIntensityAnalyzer,
        )

        self.weights = weights
        self._vader = SentimentIntensityAnalyzer()
        # an instance copy: the package's own analyzers elsewhere keep the plain lexicon
        self._vader.lexicon = {**self._vader.lexicon, **NEWS_VALENCE}
        self._boosters = frozenset(BOOSTER_DICT)
        self._parse = parse
        self._nlp = nlp
        if parse and nlp is None:
            from parallax.nlp.annotate import load_nlp

            self._nlp = load_nlp()

    def judge(self, sentence: str, target_start: int, target_end: int) -> tuple[str, float]:
        """Label ("negative", "neutral", "positive") and score in [-1, 1] of ``sentence``
        toward the mention at ``sentence[target_start:target_end]``."""
        return self.judge_many([(sentence, target_start, target_end)])[0]

    def judge_many(
        self, items: Sequence[tuple[str, int, int]], parsed: Mapping[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """`judge` for many (sentence, start, end); each distinct sentence is parsed once
        (unless ``parsed`` holds its parse already)."""
        found = []
        for evidence in self.evidence_many(items, parsed):
            score = score_evidence(evidence, self.weights)
            found.append((self.weights.label(score), score))
        return found

    def evidence_many(
        self, items: Sequence[tuple[str, int, int]], parsed: Mapping[str, Any] | None = None
    ) -> list[Evidence]:
        """The word cues of each (sentence, start, end), for `score_evidence`. ``parsed`` maps
        sentences to parses made already (e.g. cut from the article's parse); the rest are
        parsed here."""
        sentences = sorted({s for s, _, _ in items})
        docs: dict[str, Any] = {}
        if self._parse and self._nlp is not None:
            docs = {s: parsed[s] for s in sentences if parsed is not None and s in parsed}
            todo = [s for s in sentences if s not in docs]
            docs.update(zip(todo, parse_without_entities(self._nlp, todo), strict=True))
        words = {s: self._word_valences(s) for s in sentences}
        compounds = {s: self._compound(s, words[s]) for s in sentences}
        trees = {s: _Tree(doc) for s, doc in docs.items()}
        return [
            Evidence(compounds[s], _cues(words[s], trees.get(s), start, end))
            for s, start, end in items
        ]

    def _word_valences(self, sentence: str) -> list[tuple[int, int, float]]:
        """(start, end, valence) of every whitespace word, by VADER's own rules."""
        from vaderSentiment.vaderSentiment import SentiText  # type: ignore[import-untyped]

        plain = sentence.translate(_PLAIN)
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", plain)]
        senti = SentiText(plain)
        tokens = senti.words_and_emoticons
        lexicon = self._vader.lexicon
        for i, token in enumerate(tokens):
            low = token.lower()
            if low not in lexicon:
                # an inflection, or the part of a compound that carries it ("drug-infested")
                forms = [f for part in low.split("-") for f in (part, *_base_forms(part))]
                base = next((f for f in forms if f in lexicon), None)
                if base is not None:
                    tokens[i] = base
        valences: list[float] = []
        for i, token in enumerate(tokens):
            low = token.lower()
            if low in self._boosters or (
                low == "kind" and i + 1 < len(tokens) and tokens[i + 1].lower() == "of"
            ):
                valences.append(0.0)
                continue
            valences = self._vader.sentiment_valence(0.0, senti, token, i, valences)
        return [(a, b, float(v)) for (a, b), v in zip(spans, valences, strict=True)]

    def _compound(self, sentence: str, words: list[tuple[int, int, float]]) -> float:
        """VADER's compound of the whole sentence (punctuation emphasis included)."""
        values = [v for _, _, v in words]
        return float(self._vader.score_valence(values, sentence.translate(_PLAIN))["compound"])


def _cues(
    words: list[tuple[int, int, float]], tree: _Tree | None, start: int, end: int
) -> tuple[WordCue, ...]:
    """The sentiment words of a sentence (``words`` with their valences) as seen from the
    mention ``[start, end)``; without a parse only word distance counts."""
    index = [i for i, (a, b, _) in enumerate(words) if a < end and b > start]
    first = index[0] if index else sum(1 for a, _, _ in words if a < start)
    last = index[-1] if index else first - 1
    head = tree.mention_head(start, end) if tree is not None else None
    cues: list[WordCue] = []
    if tree is None or head is None:
        for i, (_, _, valence) in enumerate(words):
            gap = first - i if i < first else i - last if i > last else 0
            if valence:
                cues.append(WordCue(valence, gap, max(0, gap - 1), False, False))
        return tuple(cues)
    from_head = tree.distances(head)
    said = tree.said_by(head)
    others = [tree.distances(p) for p in tree.proper if not start <= tree.doc[p].idx < end]
    for i, (a, b, valence) in enumerate(words):
        if not valence:
            continue
        token = tree.word_token(a, b)
        if token is None or tree.doc[token].pos_ == "PROPN":
            continue  # a name ("Justice Department", "Hope Hicks") is not an opinion
        gap = first - i if i < first else i - last if i > last else 0
        d = from_head[token]
        nearer = any(o[token] < d for o in others)
        cues.append(WordCue(valence, d, max(0, gap - 1), nearer, token in said))
    return tuple(cues)


class _Tree:
    """One parse seen as an undirected tree: token distances, mention heads, speech clauses.
    Roots of separate sentences in one parse are joined by an edge."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.proper = [t.i for t in doc if t.pos_ == "PROPN"]
        self._next: list[list[int]] = [[] for _ in range(len(doc))]
        roots = [t.i for t in doc if t.head.i == t.i]
        for t in doc:
            if t.head.i != t.i:
                self._next[t.i].append(t.head.i)
                self._next[t.head.i].append(t.i)
        for a, b in itertools.pairwise(roots):
            self._next[a].append(b)
            self._next[b].append(a)
        self._from: dict[int, list[int]] = {}

    def distances(self, i: int) -> list[int]:
        """Edges from token ``i`` to every token (breadth-first, cached per token)."""
        if i not in self._from:
            dist = [-1] * len(self._next)
            dist[i] = 0
            queue = collections.deque([i])
            while queue:
                n = queue.popleft()
                for m in self._next[n]:
                    if dist[m] < 0:
                        dist[m] = dist[n] + 1
                        queue.append(m)
            self._from[i] = dist
        return self._from[i]

    def mention_head(self, start: int, end: int) -> int | None:
        """The token of the mention whose head lies outside it (or the token nearest it)."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            near = min(self.doc, key=lambda t: abs(t.idx - start), default=None)
            return None if near is None else int(near.i)
        return int(span.root.i)

    def word_token(self, start: int, end: int) -> int | None:
        """The longest token inside a whitespace word (the word, not its punctuation)."""
        span = self.doc.char_span(start, end, alignment_mode="contract")
        if span is None or not len(span):
            return None
        return int(max(span, key=lambda t: len(t.text)).i)

    def said_by(self, head: int) -> frozenset[int]:
        """Token indices of what the mention is reported as saying: the content clauses of a
        speech verb of which the mention is the subject."""
        token = self.doc[head]
        if token.dep_ not in _SPEAKER or token.head.text.lower() not in SPEECH_VERBS:
            return frozenset()
        return frozenset(
            t.i for child in token.head.children if child.dep_ in _SAID for t in child.subtree
        )


def tones_for_article(
    reader: ToneReader,
    article_id: str,
    body: str,
    sentences: Sequence[tuple[int, int]],
    targets: Sequence[tuple[str, int, int]],
    doc: Any | None = None,
) -> list[Tone]:
    """One `Tone` per (sentence, entity) for the entity mentions ``(entity_id, start, end)``
    (body offsets) that lie inside a sentence ``(start, end)``; the sentence is the evidence.
    ``doc``, the body's parse when there is one, gives each sentence's parse (in its context,
    and without parsing it again); sentences it does not align with are parsed alone.

    When an entity is named more than once in a sentence the mention with the strongest tone
    (largest absolute score, the first on ties) stands for it. Mentions across a sentence
    boundary are skipped. Sorted by sentence, then entity id.
    """
    spans = sorted(sentences)
    jobs: list[tuple[int, int, str, int, int]] = []  # sentence start, end, entity, mention
    for entity, m_start, m_end in targets:
        for s, e in _containing(spans, m_start, m_end):
            jobs.append((s, e, entity, m_start, m_end))
    parsed: dict[str, Any] = {}
    if doc is not None:
        for s, e in sorted({(s, e) for s, e, *_ in jobs}):
            span = doc.char_span(s, e)
            if span is not None and span.text == body[s:e]:
                parsed.setdefault(body[s:e], span.as_doc())
    judged = reader.judge_many([(body[s:e], a - s, b - s) for s, e, _, a, b in jobs], parsed)
    best: dict[tuple[int, int, str], tuple[str, float, int, int]] = {}
    for (s, e, entity, a, b), (label, score) in zip(jobs, judged, strict=True):
        key = (s, e, entity)
        held = best.get(key)
        if (
            held is None
            or abs(score) > abs(held[1])
            or (abs(score) == abs(held[1]) and a < held[2])
        ):
            best[key] = (label, score, a, b)
    return [
        Tone(article_id, entity, label, score, s, e, Span(a, b, body[a:b]))
        for (s, e, entity), (label, score, a, b) in sorted(best.items())
    ]


def _containing(
    spans: Sequence[tuple[int, int]], start: int, end: int
) -> Iterable[tuple[int, int]]:
    """The sentence (of sentences sorted by start) that holds all of ``[start, end)``, if any."""
    k = bisect.bisect_right(spans, (start, math.inf))
    if k and spans[k - 1][0] <= start and end <= spans[k - 1][1]:
        yield spans[k - 1]
