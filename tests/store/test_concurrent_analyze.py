"""Two `parallax analyze` processes started at once on one store (SQLite and PostgreSQL): both
finish, every article is analysed once, and the store holds what one run alone leaves.

Both read which articles are new before either takes the writer lock (`CHILD` makes sure), so
the second, once it holds the lock, must find the round done rather than analyse it again (it
used to fail on a UNIQUE constraint of the events stage).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from postgres_db import fresh_schema

from parallax.export import EXPORTS, export_lines
from parallax.ingest import ingest_paths
from parallax.settings import Settings
from parallax.store import Store, open_store

#: Wall-clock stamps: the only columns allowed to differ from a single run's.
_CLOCK = frozenset({"updated_at", "ingested_at", "analyzed_at", "created_at"})
#: Tables that record the runs themselves (two here, one there) or a backend's own search index.
_NOT_RESULTS = ("runs", "article_search")

#: A second event beside the seeds', covered three times, with quotes to align.
TEXTS = {
    "tram_a.txt": (
        "Brno council approves the new tram line\n\n"
        "The city council of Brno approved the new tram line on Tuesday after a long debate. "
        "Mayor Lena Novak said the decision would shape transport in the city for a decade.\n\n"
        '"This is a good day for Brno," Lena Novak told reporters outside the chamber. '
        "The measure passed with 31 votes in favour and 9 against.\n"
    ),
    "tram_b.txt": (
        "Brno votes through tram line despite cost warnings\n\n"
        "Brno's city council voted through the new tram line on Tuesday. Opposition members "
        "warned that the cost of the line could rise further.\n\n"
        '"This is a good day for Brno," said Mayor Lena Novak. "We will start work in the '
        'spring," she added. Councillor Tomas Kral said: "The budget is not realistic."\n'
    ),
    "tram_c.txt": (
        "Tram line for Brno gets the green light\n\n"
        "Councillors in Brno backed the new tram line on Tuesday, with 31 votes in favour. "
        'Tomas Kral, who voted against, said: "The budget is not realistic, and everyone in '
        'this chamber knows it."\n\n'
        "Work is expected to begin in the spring, officials in Brno said.\n"
    ),
}


def _corpus(root: Path, seeds: Path) -> Path:
    """The bundled seeds and `TEXTS`, in one folder."""
    corpus = root / "corpus"
    shutil.copytree(seeds, corpus)
    for name, text in TEXTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


#: `parallax analyze --json` on a store, in a process of its own that, once it has read which
#: articles are new, waits until ``partners`` processes (itself included) have read them: so
#: the race does not depend on which process loads faster.
CHILD = """
import os, sys, time
from pathlib import Path
from parallax.cli import main
from parallax.store import SQLiteStore

db, meeting, partners = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
read = SQLiteStore.unanalyzed_article_ids

def read_then_meet(self):
    ids = read(self)
    (meeting / str(os.getpid())).touch()
    deadline = time.monotonic() + 120
    while len(list(meeting.iterdir())) < partners and time.monotonic() < deadline:
        time.sleep(0.05)
    return ids

SQLiteStore.unanalyzed_article_ids = read_then_meet
main(["--db", db, "analyze", "--json"])
"""


def _start_analyze(db: str, meeting: Path, partners: int) -> subprocess.Popen[str]:
    """`parallax analyze --json` on ``db`` in a process of its own (see `CHILD`)."""
    meeting.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, db, str(meeting), str(partners)],
        cwd=meeting.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _finished(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """The run's JSON summary, after checking it ended without an error."""
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, f"analyze failed ({proc.returncode}):\n{err[-3000:]}"
    summary: dict[str, Any] = json.loads(out)
    return summary


def _results(store: Store) -> dict[str, Any]:
    """What the analysis stored, minus wall-clock stamps and the record of runs."""
    found: dict[str, Any] = {name: list(export_lines(store, name)) for name in EXPORTS}
    found["memberships"] = store.memberships()
    with open_store(":memory:") as empty:
        tables = [
            r[0]
            for r in empty._query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
                "ORDER BY name"
            )
            if not r[0].startswith(_NOT_RESULTS)
        ]
    for table in tables:
        rows = [
            {k: v for k, v in dict(r).items() if k not in _CLOCK}
            for r in store._query(f"SELECT * FROM {table}")
        ]
        found[f"table {table}"] = sorted(rows, key=repr)
    return found


@pytest.mark.slow
def test_two_analyze_runs_at_once_analyse_each_article_once(
    db_url: str, backend: str, seeds_dir: Path, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path, seeds_dir)
    # a second store of the same kind, for the single run
    elsewhere = fresh_schema() if backend == "postgresql" else nullcontext(str(tmp_path / "1.db"))
    with elsewhere as alone:
        for db in (db_url, alone):
            with open_store(db) as store:
                ingest_paths([str(corpus)], store, Settings(db=db))
        with open_store(db_url) as store:
            total = store.count_articles()
        assert total == len(TEXTS) + 5
        # the pair, and a single run on its own store for reference, all at once
        racing = [_start_analyze(db_url, tmp_path / "pair", 2) for _ in range(2)]
        reference = _start_analyze(alone, tmp_path / "alone", 1)
        summaries = [_finished(p) for p in racing]
        assert _finished(reference)["articles"] == total
        # one run analysed every article (they fit one round), the other found nothing left
        assert sorted(s["articles"] for s in summaries) == [0, total]
        with open_store(db_url) as store, open_store(alone) as single:
            assert store.unanalyzed_article_ids() == []
            together, expected = _results(store), _results(single)
            assert expected["table event_members"] and expected["table quotes"]
            assert expected["table statements"]
            for key in expected:
                assert together[key] == expected[key], key
            analyzed = store._query("SELECT stats FROM runs WHERE command = 'analyze'")
            assert sorted(json.loads(r[0])["articles"] for r in analyzed) == [0, total]
