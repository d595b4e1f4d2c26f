"""Accuracy gate: fail when a measured score drops below its pinned floor.

Modelled on trafilatura's ``tests/eval_gate.py``: floors are pinned in ``eval/floors.toml``
together with a fingerprint of the gold data they were measured on. Against the same data a
score under its floor fails the gate; against other data laid out the same way (a held-out set)
the scores are printed and a fingerprint mismatch is reported, not failed, unless ``--strict``.

Run with ``make gate`` (CI does) or ``python eval/gate.py --data ../shared/data``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import sys
import tomllib
from pathlib import Path
from typing import Any

from parallax.eval import TASKS, task_folder

FLOORS = Path(__file__).with_name("floors.toml")


def fingerprint(folder: Path) -> str:
    """Hash of every file's relative path and bytes under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def lookup(scores: dict[str, Any], dotted: str) -> float:
    """``scores["a"]["b"]`` for ``"a.b"`` (an attribute where a level is a record)."""
    value: Any = scores
    for part in dotted.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return float(value)


def main(argv: list[str] | None = None) -> int:
    """Score every task that has floors; exit 1 if any score is below its floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--strict", action="store_true", help="fail on a data fingerprint mismatch too"
    )
    parser.add_argument("--print-fingerprints", action="store_true")
    parser.add_argument("--floors", type=Path, default=FLOORS, help="floors file (TOML)")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"gate: gold data folder {args.data} is absent; pass --data DIR", file=sys.stderr)
        return 2
    floors = tomllib.loads(args.floors.read_text(encoding="utf-8"))
    failures: list[str] = []
    for task, spec in sorted(floors.items()):
        module_name, folder = TASKS[task]
        data_dir = task_folder(args.data, folder)
        actual_fp = fingerprint(data_dir)
        if args.print_fingerprints:
            print(f"{task}: {actual_fp}")
            continue
        same_data = actual_fp == spec["fingerprint"]
        scores = importlib.import_module(module_name).score(data_dir)
        for key, floor in sorted(spec["floors"].items()):
            value = lookup(scores, key)
            ok = value >= floor
            print(f"{'ok  ' if ok else 'FAIL'} {task}.{key} = {value:.4f} (floor {floor:.4f})")
            if not ok and same_data:
                failures.append(f"{task}.{key} {value:.4f} < {floor:.4f}")
        if not same_data:
            message = (
                f"{task}: data fingerprint {actual_fp} differs from the pinned "
                f"{spec['fingerprint']}; floors apply to the pinned data"
            )
            print(message)
            if args.strict:
                failures.append(message)
    if failures:
        print("gate failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
