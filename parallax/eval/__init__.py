"""Accuracy scorers, one module per task, each run on a folder laid out like ../shared/data.

`run_eval` dispatches `parallax eval TASK --data DIR`. Each scorer module has
``main(argv) -> int`` taking ``--data`` (the task's own folder) and a ``score(...)`` function
returning the numbers the gate checks.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from rich.console import Console

#: task name -> (module, sub-folder of the data directory it reads)
TASKS: dict[str, tuple[str, str]] = {
    "extraction": ("parallax.eval.extraction", "extraction-scrapinghub"),
    "junk": ("parallax.eval.junk", "extraction-scrapinghub"),
    # reads several gold sets under the data root
    "events": ("parallax.eval.events", "."),
    "statements": ("parallax.eval.statements", "basil"),
    # PolNeAR and BASIL under the data root
    "quotes": ("parallax.eval.quotes", "."),
    "tone": ("parallax.eval.tone", "newsmtsc"),
    "framing": ("parallax.eval.framing", "basil"),
    "labels": ("parallax.eval.labels", "newswcl50"),
}


def run_eval(task: str, data: Path) -> int:
    """Run one task (or ``all``) against ``data``; returns a process exit code."""
    console = Console(stderr=True)
    names = sorted(TASKS) if task == "all" else [task]
    unknown = [n for n in names if n not in TASKS]
    if unknown:
        console.print(
            f"[red]unknown eval task {unknown[0]!r}[/]; choose one of: "
            f"{', '.join(sorted(TASKS))}, all"
        )
        return 2
    if not data.is_dir():
        console.print(
            f"[red]gold data folder {data} is absent.[/] `make eval` reads ../shared/data; "
            "pass --data DIR (laid out like ../shared/data) to score elsewhere."
        )
        return 2
    status = 0
    for name in names:
        module_name, folder = TASKS[name]
        module = importlib.import_module(module_name)
        console.rule(f"eval {name}")
        status = max(status, int(module.main(["--data", str(task_folder(data, folder))])))
    return status


def task_folder(data: Path, folder: str) -> Path:
    """The task's own folder: ``data/folder`` for a data root, else ``data`` itself.

    Both ``--data ../shared/data`` and ``--data ../shared/data/extraction-scrapinghub`` work.
    """
    nested = data / folder
    return nested if nested.is_dir() else data
