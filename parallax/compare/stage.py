"""Pipeline stages of the comparison: per-article labels, framing cues and tone (`Compare`), and
per-actor position changes (`Positions`).

`Compare` replaces each new article's rows, so a re-run never duplicates them. `Positions`
recomputes the changes of the actors the new articles quote, and parses only the statements
whose text changed since their stances were cached.
"""

from __future__ import annotations

import functools
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parallax.compare.positions import (
    Stance,
    StatementPoint,
    merge_topics,
    position_changes,
    stances_of,
)
from parallax.model import FramingCue, Label, PositionPoint, Quote, Tone
from parallax.nlp.annotate import Annotation, Parses, load_nlp, parse_without_entities
from parallax.nlp.embeddings import DEFAULT_BACKEND, Embedder, load_embedder
from parallax.reading import Readings
from parallax.scale.batches import BatchMap, local_map, run_batches
from parallax.settings import Settings
from parallax.store import Store

if TYPE_CHECKING:
    from parallax.compare.tone import ToneReader


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


#: Articles per batch: bounds memory on big corpora.
BATCH = 64
#: Entity kinds whose tone is read: people, organisations, groups and places.
TONE_KINDS = frozenset({"name", "role", "epithet"})


@dataclass(frozen=True)
class CompareInput:
    """What the comparison reads of one article: the input of `Compare.compute`."""

    article_id: str
    body: str
    annotation: Annotation
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Comparison:
    """One article's labels, framing cues and tones: what `Compare.write` stores."""

    article_id: str
    labels: list[Label]
    cues: list[FramingCue]
    tones: list[Tone]


@functools.cache
def _tone_reader() -> ToneReader:
    """One tone reader per process (it loads the lexicon and spaCy; it keeps no state)."""
    from parallax.compare.tone import ToneReader

    return ToneReader()


def compare_article(item: CompareInput, doc: Any | None = None) -> Comparison:
    """Labels, framing cues and tones of one article. Pure: no store. ``doc``, the body's
    spaCy parse, gives the tone reader its sentences' parses (else it parses each alone)."""
    # Imported here: the tone reader loads its lexicon and spaCy, which only this stage needs.
    from parallax.compare.framing import find_cues
    from parallax.compare.labels import find_labels
    from parallax.compare.tone import tones_for_article

    ann = item.annotation
    labels = find_labels(item.article_id, item.body, ann.sentences, ann.entities)
    mentions = [(lb.entity_id, lb.start, lb.end) for lb in labels]
    cues = find_cues(item.article_id, item.body, ann.sentences, list(item.quotes), mentions)
    tones = tones_for_article(
        _tone_reader(), item.article_id, item.body, ann.sentences,
        [m for m, lb in zip(mentions, labels, strict=True) if lb.kind in TONE_KINDS],
        doc,
    )
    return Comparison(item.article_id, labels, cues, tones)


class Compare:
    """Per new article: its labels (names, roles, epithets of each entity), its framing cues
    (attribution verbs, hedges, evaluative words) and its tone toward each entity named.

    A batch stage (`parallax.scale.batches`): `compute` is pure, `write` stores.
    """

    name = "compare"
    requires: tuple[str, ...] = ("annotations", "quotes")
    assigns: tuple[str, ...] = ("labels", "framing", "tone")

    def __init__(
        self, batch: int = BATCH, parses: Parses | None = None, readings: Readings | None = None
    ) -> None:
        self.batch = batch
        # the parses `Annotate` made of the same bodies, when the pipeline shares them
        self.parses = parses
        # the comparisons the `Read` stage made of the round's articles
        self.readings = readings

    def __call__(
        self,
        store: Store,
        article_ids: Sequence[str],
        settings: Settings,
        map_batches: BatchMap = local_map,
    ) -> dict[str, int]:
        """Read and store each article's labels, framing cues and tones."""
        counts = {"labels": 0, "framing_cues": 0, "tones": 0}
        missing: Sequence[str] = article_ids
        if self.readings is not None:
            # read from the same body, annotation and quotes that the earlier stages of this
            # pipeline stored from the same readings
            held, missing = self.readings.split(article_ids)
            self.write(store, [r.comparison for r in held], counts)
        for results in run_batches(self, store, missing, map_batches):
            self.write(store, results, counts)
        return counts

    def read(self, store: Store, article_ids: Sequence[str]) -> list[CompareInput]:
        """Body, annotation and stored quotes of each annotated article, in the order given."""
        annotations = store.annotations(article_ids)
        quotes_by_article: dict[str, list[Quote]] = {}
        for q in store.quotes_of(article_ids):
            quotes_by_article.setdefault(q.article_id, []).append(q)
        found = []
        for aid in article_ids:
            body = store.article_body(aid)
            ann = annotations.get(aid)
            if body is None or ann is None:
                continue
            found.append(CompareInput(aid, body, ann, tuple(quotes_by_article.get(aid, []))))
        return found

    def compute(self, items: Sequence[CompareInput]) -> list[Comparison]:
        """`compare_article` of each input, in order, with the parse of its body (the
        tone reader reads its sentences' parses from it)."""
        bodies = [item.body for item in items]
        docs = (
            self.parses.pipe(bodies)
            if self.parses is not None
            else list(load_nlp().pipe(bodies, batch_size=32))
        )
        return [compare_article(item, doc) for item, doc in zip(items, docs, strict=True)]

    def write(self, store: Store, results: Sequence[Comparison], counts: dict[str, int]) -> None:
        """Store each article's rows in place of earlier ones; add to ``counts``."""
        for r in results:
            store.replace_comparison(r.article_id, r.labels, r.cues, r.tones)
            counts["labels"] += len(r.labels)
            counts["framing_cues"] += len(r.cues)
            counts["tones"] += len(r.tones)


class Positions:
    """Shifts, contradictions and repeats in the stated positions of the actors quoted."""

    name = "positions"
    requires: tuple[str, ...] = ("statements",)
    assigns: tuple[str, ...] = ("positions",)

    def __init__(self, embedder: Embedder | None = None, readings: Readings | None = None) -> None:
        self._embedder = embedder
        # the stances the `Read` stage read from the round's quotes
        self.readings = readings
        # Embeddings of the stance words, kept across rounds: the words an actor's statements
        # take a stance on repeat from round to round, and a word's vector never changes. They
        # are also kept in a file beside the store (`stance_words_file`), so a new process
        # does not embed again every word of the histories it recomputes.
        self._word_vectors: dict[str, np.ndarray] = {}
        # the file the words were last read from or written to, and how many it then held
        self._words_file: tuple[Path | None, int] | None = None

    def kept(self) -> dict[str, int]:
        """What the stage keeps for the next round: the stance words' vectors."""
        return {"stance words": len(self._word_vectors)}

    def _read_words(self, store: Store, embedder: Embedder) -> None:
        path = stance_words_file(store, embedder.name)
        if self._words_file is not None and self._words_file[0] == path:
            return
        found = read_word_vectors(path, embedder.dim) if path is not None else {}
        for word, vector in found.items():
            self._word_vectors.setdefault(word, vector)
        self._words_file = (path, len(found))

    def committed(self, store: Store) -> None:
        """After a round commits: write the stance words to this store's file when this
        stage holds words the file lacks."""
        path, held = self._words_file or (None, 0)
        words = self._word_vectors
        home = store.index_home()
        if path is None or home is None or path.parent != home:
            return  # this store's file was not read: its round found no actor
        if len(words) > held and write_word_vectors(path, words):
            self._words_file = (path, len(words))

    def __call__(
        self, store: Store, article_ids: Sequence[str], settings: Settings
    ) -> dict[str, int]:
        """Recompute the position changes of every actor quoted in the new articles."""
        actors = sorted(store.statement_speakers_of(article_ids))
        if not actors:
            return {"actors": 0, "position_changes": 0}
        embedder = self._embedder or load_embedder(DEFAULT_BACKEND)
        self._read_words(store, embedder)
        word_vectors = self._word_vectors
        total = 0
        for actor in actors:
            rows = store.actor_statement_points(actor)
            cached = store.statement_stances(r["statement_id"] for r in rows)
            stale = [r for r in rows if cached.get(r["statement_id"], {}).get("text") != r["text"]]
            for row, topics in zip(stale, self._stances([r["text"] for r in stale]), strict=True):
                store.save_statement_stances(row["statement_id"], row["text"], topics)
                cached[row["statement_id"]] = {"text": row["text"], "topics": topics}
            points = [
                StatementPoint(
                    r["statement_id"],
                    _day(r["day"]),
                    r["event_id"],
                    tuple(Stance(*t) for t in cached.get(r["statement_id"], {}).get("topics", [])),
                    PositionPoint(
                        r["article_id"], r["quote_id"], r["start"], r["end"], r["day"]
                    ),
                )
                for r in rows
            ]
            counts = Counter(s.lemma for p in points for s in p.stances)
            lemmas = sorted(counts, key=lambda w: (-counts[w], w))
            missing = [w for w in lemmas if w not in word_vectors]
            if missing and self.readings is not None and embedder.name == DEFAULT_BACKEND:
                # the words of this round's quotes, embedded by the read stage
                for word in missing:
                    vector = self.readings.word_vector(word)
                    if vector is not None:
                        word_vectors[word] = vector
                missing = [w for w in missing if w not in word_vectors]
            if missing:
                word_vectors.update(zip(missing, embedder.encode(missing), strict=True))
            groups = (
                merge_topics(lemmas, np.stack([word_vectors[w] for w in lemmas]))
                if lemmas
                else {}
            )
            repeats = store.repeat_links(p.statement_id for p in points)
            changes = position_changes(actor, points, groups, repeats)
            store.replace_positions(actor, changes)
            total += len(changes)
        return {"actors": len(actors), "position_changes": total}

    def _stances(self, texts: Sequence[str]) -> list[list[tuple[str, str, str]]]:
        """The (topic, lemma, stance) rows of each statement text: the round's reading of the
        text where a quote had it, else parsed here."""
        found: dict[int, list[tuple[str, str, str]]] = {}
        if self.readings is not None:
            for i, text in enumerate(texts):
                rows = self.readings.stances(text)
                if rows is not None:
                    found[i] = list(rows)
        todo = [i for i in range(len(texts)) if i not in found]
        if todo:
            from parallax.nlp.annotate import load_lemmatizer

            lemmatizer = load_lemmatizer()
            # stances read parts of speech, lemmas and the parse, never entities
            docs = parse_without_entities(load_nlp(), (texts[i] for i in todo))
            for i, doc in zip(todo, docs, strict=True):
                found[i] = [(s.topic, s.lemma, s.stance) for s in stances_of(lemmatizer(doc))]
        return [found[i] for i in range(len(texts))]


def stance_words_file(store: Store, model: str) -> Path | None:
    """Where the stance words' vectors are kept beside the store (its `index_home`); ``None``
    for a store without one (in memory)."""
    home = store.index_home()
    return None if home is None else home / f"stance-words-{model}.npz"


def read_word_vectors(path: Path, dim: int) -> dict[str, np.ndarray]:
    """The words and vectors `write_word_vectors` kept; none when the file is missing or not
    whole (the words are then embedded again)."""
    try:
        with np.load(path, allow_pickle=False) as kept:
            words, vectors = kept["words"], kept["vectors"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return {}
    if vectors.ndim != 2 or vectors.shape != (len(words), dim):
        return {}
    return {str(w): v for w, v in zip(words, vectors.astype(np.float32), strict=True)}


def write_word_vectors(path: Path, words: dict[str, np.ndarray]) -> bool:
    """Write every word and its vector to ``path`` whole (a reader never sees half a file);
    ``False`` when the folder cannot take it (the next process embeds those words again)."""
    ordered = sorted(words)
    fresh = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with fresh.open("wb") as out:
            np.savez(
                out,
                words=np.array(ordered, dtype=str),
                vectors=np.stack([words[w] for w in ordered]).astype(np.float32),
            )
        fresh.replace(path)
    except OSError:
        fresh.unlink(missing_ok=True)
        return False
    return True
