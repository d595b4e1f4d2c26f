"""Ingest: files and feeds in, clean articles and per-input rejections in the store.

The loop reads each input file (``parallax.ingest.readers``), cleans each document
(``parallax.clean``) and writes articles, rejections and a checkpoint per file in one transaction
per batch. Consequences:

* Idempotent: a file whose path and content hash are recorded as done is skipped; an article
  whose id is stored already is not written twice.
* Resumable: a crash loses at most the uncommitted batch; a container file (JSONL, WARC, feed)
  records how many records were committed and a rerun continues after them.
* Nothing is lost: every input that does not become an article is stored with a reason code,
  a message and its raw bytes.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from parallax.clean import clean_document, to_article
from parallax.errors import InputError
from parallax.ingest.paths import expand_inputs
from parallax.ingest.readers import read_file
from parallax.model import Article, RawDocument, Rejected, Source
from parallax.settings import Settings
from parallax.store import Store

#: Raw bytes kept for a document rejected after decoding (its text, UTF-8 encoded), at most.
RAW_KEEP_BYTES = 1_000_000


@dataclass
class IngestReport:
    """What one ingest run did. ``rejected`` lists every input that did not become an article."""

    files: int = 0
    unchanged: int = 0
    resumed: int = 0
    articles: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def by_reason(self) -> Counter[str]:
        """Rejections counted by reason code."""
        return Counter(r.reason for r in self.rejected)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "files": self.files,
            "unchanged": self.unchanged,
            "resumed": self.resumed,
            "articles": self.articles,
            "rejected": len(self.rejected),
            "by_reason": dict(sorted(self.by_reason.items())),
            "rejections": [
                {
                    "path": r.source.path,
                    "record": r.source.record,
                    "reason": r.reason,
                    "message": r.message,
                }
                for r in self.rejected
            ],
        }


def file_sha256(path: Path) -> tuple[str, int]:
    """Content hash and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _rejected_from(raw: RawDocument, exc: InputError) -> Rejected:
    return Rejected(raw.source, exc.reason, exc.message, raw.text.encode("utf-8")[:RAW_KEEP_BYTES])


@dataclass
class _Batch:
    """Writes waiting for the next commit."""

    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    checkpoints: dict[str, tuple[str, int, bool, int, int, int]] = field(default_factory=dict)

    def size(self) -> int:
        return len(self.articles) + len(self.rejected) + len(self.checkpoints)


class Ingest:
    """One ingest run over a set of paths into a store. Call `run`."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        on_file: Callable[[Path], None] | None = None,
        on_document: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.on_file = on_file
        self.on_document = on_document
        self.report = IngestReport()
        self._batch = _Batch()
        # Source labels of articles waiting in the uncommitted batch, by article id.
        self._pending: dict[str, str] = {}

    def run(self, files: Iterable[Path]) -> IngestReport:
        """Ingest the files in order; commits every ``settings.batch_size`` writes."""
        for path in files:
            self._ingest_file(path)
            if self.on_file is not None:
                self.on_file(path)
        self._flush()
        return self.report

    def reject(self, rejected: Rejected) -> None:
        """Record an input that did not become an article."""
        self.report.rejected.append(rejected)
        self._batch.rejected.append(rejected)

    def _ingest_file(self, path: Path) -> None:
        self.report.files += 1
        key = os.path.abspath(path)
        try:
            sha, size = file_sha256(path)
        except OSError as exc:
            self.reject(
                Rejected(
                    Source(path.as_posix()),
                    "unreadable",
                    f"cannot read {path}: "
                    f"{exc.strerror or exc}; check the path and its permissions",
                )
            )
            return
        state = self.store.input_state(key, sha)
        if state is not None and state.status == "done":
            self.report.unchanged += 1
            return
        skip = state.records_done if state is not None else 0
        if skip:
            self.report.resumed += 1
        index = 0
        articles = rejected = 0
        for item in read_file(path, self.settings):
            index += 1
            if index <= skip:
                continue
            if self.on_document is not None:
                self.on_document()
            if isinstance(item, Rejected):
                self.reject(item)
                rejected += 1
            else:
                ok = self._add_document(item)
                articles += ok
                rejected += not ok
            if self._batch.size() >= self.settings.batch_size:
                self._batch.checkpoints[key] = (sha, size, False, index, articles, rejected)
                articles = rejected = 0
                self._flush()
        self._batch.checkpoints[key] = (sha, size, True, index, articles, rejected)
        if self._batch.size() >= self.settings.batch_size:
            self._flush()

    def _add_document(self, raw: RawDocument) -> bool:
        try:
            article = to_article(raw, clean_document(raw, self.settings))
        except InputError as exc:
            self.reject(_rejected_from(raw, exc))
            return False
        first = self._pending.get(article.article_id) or self.store.find_article(
            article.article_id
        )
        if first is not None and first != raw.source.label():
            self.reject(
                Rejected(
                    raw.source,
                    "duplicate",
                    f"same article as {first} (id {article.article_id}); kept once",
                    raw.text.encode("utf-8")[:RAW_KEEP_BYTES],
                )
            )
            return False
        if first is None:
            self._batch.articles.append(article)
            self._pending[article.article_id] = raw.source.label()
            self.report.articles += 1
        return True

    def _flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        self._pending = {}
        if not batch.size():
            return
        with self.store.transaction():
            for article in batch.articles:
                self.store.add_article(article)
            for rejected in batch.rejected:
                self.store.add_rejection(rejected)
            for key, (sha, size, done, records, n_articles, n_rejected) in sorted(
                batch.checkpoints.items()
            ):
                self.store.record_input(
                    key,
                    sha,
                    size,
                    done=done,
                    records_done=records,
                    articles=n_articles,
                    rejected=n_rejected,
                )


def ingest_paths(
    patterns: Sequence[str],
    store: Store,
    settings: Settings,
    on_file: Callable[[Path], None] | None = None,
    on_document: Callable[[], None] | None = None,
) -> IngestReport:
    """Expand paths, directories and globs, then ingest every file found.

    Paths that match nothing are reported as rejections, like any other bad input.
    ``on_file`` is called after each file, ``on_document`` for each document read (progress).
    """
    files, missing = expand_inputs(patterns)
    job = Ingest(store, settings, on_file, on_document)
    for rejected in missing:
        job.reject(rejected)
    return job.run(files)
