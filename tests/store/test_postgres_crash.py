"""kill -9 in the middle of `analyze` on PostgreSQL: the server rolls the run back (nothing of
it is kept, the articles stay unanalysed, the writer lock is released), and a rerun finishes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from postgres_db import fresh_schema

from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store import open_store

#: The child: ingest the seeds (committed), then analyse and SIGKILL itself just before its
#: KILL_AT-th SQL statement of the analysis.
CHILD = """
import os, signal, sys
from parallax.ingest import ingest_paths
from parallax.pipeline import analyze
from parallax.settings import Settings
from parallax.store.postgres import PostgresStore

url, seeds, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = PostgresStore(url)
settings = Settings(db=url)
ingest_paths([seeds], store, settings)
count = [0]

def counted(real):
    def run(self, *args, **kwargs):
        count[0] += 1
        if count[0] >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, *args, **kwargs)
    return run

for name in ("_execute", "_query", "_executemany"):
    setattr(PostgresStore, name, counted(getattr(PostgresStore, name)))
analyze(store, settings)
print("finished without being killed")
"""


@pytest.mark.slow
def test_a_killed_analysis_leaves_nothing_and_the_rerun_finishes(seeds_dir: Path) -> None:
    with fresh_schema() as url:
        child = subprocess.run(
            [sys.executable, "-c", CHILD, url, str(seeds_dir), "150"],
            capture_output=True, text=True, timeout=600,
        )
        assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
        with open_store(url) as store:
            assert store.count_articles() == 5
            assert len(store.unanalyzed_article_ids()) == 5
            assert store.list_events() == [] and store.quote_rows() == []
            assert store.list_statements() == []
            settings = Settings(db=url)
            assert analyze(store, settings).articles == 5  # the writer lock was released
            assert store.list_events() and store.quote_rows()
            assert store.unanalyzed_article_ids() == []
            assert store.integrity_ok()
