"""The ingest loop: idempotence, duplicates, per-input rejections, crash safety and resume."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import SQLiteStore

BODY = (
    "The city council approved the new budget on Monday after a long debate about road repairs. "
    "Council member Ana Ruiz said the plan would fix forty bridges within two years."
)


def jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_seed_corpus_ingests_once(seeds_dir: Path, store: SQLiteStore, settings: Settings) -> None:
    first = ingest_paths([str(seeds_dir)], store, settings)
    assert (first.files, first.articles, first.rejected) == (5, 5, [])
    again = ingest_paths([str(seeds_dir)], store, settings)
    assert (again.files, again.unchanged, again.articles, again.rejected) == (5, 5, 0, [])
    assert store.count_articles() == 5


def test_a_copy_under_another_name_is_reported_as_duplicate(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    first = sorted(seeds_dir.iterdir())[0]
    shutil.copy(first, seeds_dir / "zzz_copy.txt")
    report = ingest_paths([str(seeds_dir)], store, settings)
    assert report.articles == 5
    assert [(Path(r.source.path).name, r.reason) for r in report.rejected] == [
        ("zzz_copy.txt", "duplicate")
    ]
    assert first.name in report.rejected[0].message
    assert [r.reason for r in store.list_rejections()] == ["duplicate"]


def test_same_body_from_two_outlets_is_two_articles_linked_as_duplicates(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    path = jsonl(
        tmp_path / "wire.jsonl",
        [
            {
                "title": "Budget passes",
                "text": BODY,
                "outlet": "Wire Service",
                "published_at": "2025-03-03T10:00:00+00:00",
            },
            {
                "title": "Budget passes",
                "text": BODY,
                "outlet": "Local Paper",
                "published_at": "2025-03-03T12:00:00+00:00",
            },
        ],
    )
    report = ingest_paths([str(path)], store, settings)
    assert report.articles == 2
    analyze(store, settings)
    links = [link for link in store.provenance() if link.kind == "duplicate"]
    assert len(links) == 1
    # the same text under two outlets is also wire copy republished
    assert {link.kind for link in store.provenance()} == {"duplicate", "syndicated"}
    by_outlet = {a["article_id"]: a["outlet"] for a in store.list_articles()}
    # The later copy points at the earlier one.
    assert by_outlet[links[0].article_id] == "Local Paper"
    assert by_outlet[links[0].source_article_id] == "Wire Service"
    assert links[0].kind == "duplicate"


def test_bad_inputs_are_reported_and_the_rest_of_the_batch_proceeds(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    (seeds_dir / "empty.txt").write_bytes(b"")
    (seeds_dir / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    jsonl(seeds_dir / "records.jsonl", [{"text": BODY, "outlet": "Paper"}])
    with (seeds_dir / "records.jsonl").open("a") as fh:
        fh.write("{not json\n")
    report = ingest_paths([str(seeds_dir), str(seeds_dir / "missing.txt")], store, settings)
    assert report.articles == 6
    reasons = sorted((Path(r.source.path).name, r.reason) for r in report.rejected)
    assert reasons == [
        ("empty.txt", "empty"),
        ("image.txt", "binary"),
        ("missing.txt", "unreadable"),
        ("records.jsonl", "malformed-json"),
    ]
    stored = sorted((Path(r.path).name, r.reason) for r in store.list_rejections())
    assert stored == reasons
    binary = next(r for r in store.list_rejections() if r.reason == "binary")
    assert (store.rejection_raw(binary.rejection_id) or b"").startswith(b"\x89PNG")


class Crash(Exception):
    pass


def crash_after(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """Make the store fail on the nth article insert, as a power cut mid-batch would."""
    real = store.add_article
    count = {"n": 0}

    def add_article(article):  # type: ignore[no-untyped-def]
        count["n"] += 1
        if count["n"] == calls:
            raise Crash("simulated crash")
        return real(article)

    monkeypatch.setattr(store, "add_article", add_article)


def test_crash_mid_batch_leaves_committed_batches_and_a_rerun_resumes(
    tmp_path: Path, store: SQLiteStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [{"text": f"Report number {i}. " + BODY, "outlet": "Paper"} for i in range(10)]
    path = jsonl(tmp_path / "many.jsonl", records)
    small = settings.replace(batch_size=3)
    crash_after(store, monkeypatch, calls=8)  # batches of 3: two commits, then a crash
    with pytest.raises(Crash):
        ingest_paths([str(path)], store, small)
    monkeypatch.undo()
    assert store.count_articles() == 6
    assert store.integrity_ok()
    report = ingest_paths([str(path)], store, small)
    assert report.resumed == 1
    assert report.articles == 4
    assert report.rejected == []
    assert store.count_articles() == 10


def test_crash_before_the_first_commit_loses_nothing_on_rerun(
    seeds_dir: Path, store: SQLiteStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_after(store, monkeypatch, calls=2)
    with pytest.raises(Crash):
        ingest_paths([str(seeds_dir)], store, settings)
    monkeypatch.undo()
    assert store.count_articles() == 0
    report = ingest_paths([str(seeds_dir)], store, settings)
    assert (report.articles, report.rejected) == (5, [])


def test_edited_file_is_read_again(seeds_dir: Path, store: SQLiteStore, settings: Settings) -> None:
    ingest_paths([str(seeds_dir)], store, settings)
    target = sorted(seeds_dir.iterdir())[0]
    target.write_text(
        target.read_text(encoding="utf-8") + "\n\nA correction was added later "
        "to this article by the editors.\n",
        encoding="utf-8",
    )
    report = ingest_paths([str(seeds_dir)], store, settings)
    assert (report.unchanged, report.articles) == (4, 1)
    assert store.count_articles() == 6


def test_progress_callbacks_count_files_and_documents(
    tmp_path: Path, store: SQLiteStore, settings: Settings
) -> None:
    path = jsonl(tmp_path / "three.jsonl", [{"text": f"{i}. " + BODY} for i in range(3)])
    (tmp_path / "one.txt").write_text(BODY, encoding="utf-8")
    files: list[str] = []
    documents: list[int] = []
    ingest_paths(
        [str(path), str(tmp_path / "one.txt")],
        store,
        settings,
        on_file=lambda p: files.append(p.name),
        on_document=lambda: documents.append(1),
    )
    assert files == ["three.jsonl", "one.txt"]
    assert len(documents) == 4


def test_every_kind_of_bad_input_in_one_batch(
    seeds_dir: Path, store: SQLiteStore, settings: Settings
) -> None:
    import gzip

    bad = seeds_dir / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 50)
    # Invalid UTF-8 and not plausible in any single-byte encoding either: NUL-free noise.
    (bad / "undecodable.txt").write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 400)
    (bad / "huge.txt").write_text(BODY * 60, encoding="utf-8")
    (bad / "broken.jsonl").write_text(
        '{"text": "' + BODY + '"}\n{"text": oops}\n', encoding="utf-8"
    )
    lines = [json.dumps({"text": f"Item {i * 7919 % 10007}: {BODY}"}) for i in range(400)]
    whole = gzip.compress("\n".join(lines).encode())
    (bad / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (bad / "nav.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>",
        encoding="utf-8",
    )
    small = settings.replace(max_document_bytes=len(BODY) * 30)  # seeds are under 5 kB
    report = ingest_paths([str(seeds_dir)], store, small)
    reasons = {Path(r.source.path).name: r.reason for r in report.rejected}
    assert reasons == {
        "empty.txt": "empty",
        "binary.txt": "binary",
        "undecodable.txt": "undecodable",
        "huge.txt": "oversized",
        "broken.jsonl": "malformed-json",
        "cut.jsonl.gz": "truncated-gzip",
        "nav.html": "no-article-text",
    }
    broken = next(r for r in report.rejected if r.reason == "malformed-json")
    assert broken.source.record == "2" and "line 2" in broken.message
    # five seeds, the good JSONL line, and the records before the gzip cut
    assert report.articles >= 7
    assert store.count_articles() == report.articles
    assert len(store.list_rejections()) == len(report.rejected)
    assert all(r.message for r in report.rejected)
