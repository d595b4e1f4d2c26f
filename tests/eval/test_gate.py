"""The accuracy gate fails on a score under its floor, and only on the data it was pinned on."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

from parallax.eval import TASKS

REPO = Path(__file__).resolve().parents[2]


def load_gate() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("eval_gate", REPO / "eval" / "gate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scorer = types.ModuleType("fake_scorer")
    scorer.score = lambda data_dir: {"quality": {"f1": 0.80}}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_scorer", scorer)
    monkeypatch.setitem(TASKS, "fake", ("fake_scorer", "fake-set"))
    data = tmp_path / "data"
    (data / "fake-set").mkdir(parents=True)
    (data / "fake-set" / "gold.txt").write_text("gold")
    return data


def write_floors(tmp_path: Path, fingerprint: str, floor: float) -> Path:
    path = tmp_path / "floors.toml"
    path.write_text(
        f'[fake]\nfingerprint = "{fingerprint}"\nfloors = {{ "quality.f1" = {floor} }}\n'
    )
    return path


def test_score_under_its_floor_fails(fake_task: Path, tmp_path: Path) -> None:
    gate = load_gate()
    fp = gate.fingerprint(fake_task / "fake-set")
    floors = write_floors(tmp_path, fp, 0.85)
    assert gate.main(["--data", str(fake_task), "--floors", str(floors)]) == 1


def test_score_at_or_above_its_floor_passes(fake_task: Path, tmp_path: Path) -> None:
    gate = load_gate()
    fp = gate.fingerprint(fake_task / "fake-set")
    floors = write_floors(tmp_path, fp, 0.80)
    assert gate.main(["--data", str(fake_task), "--floors", str(floors)]) == 0


def test_other_data_is_reported_not_failed_unless_strict(fake_task: Path, tmp_path: Path) -> None:
    gate = load_gate()
    floors = write_floors(tmp_path, "0000000000000000", 0.99)
    assert gate.main(["--data", str(fake_task), "--floors", str(floors)]) == 0
    assert gate.main(["--data", str(fake_task), "--floors", str(floors), "--strict"]) == 1


def test_fingerprint_changes_with_any_byte(fake_task: Path) -> None:
    gate = load_gate()
    before = gate.fingerprint(fake_task / "fake-set")
    (fake_task / "fake-set" / "gold.txt").write_text("gold!")
    assert gate.fingerprint(fake_task / "fake-set") != before


def test_missing_data_is_a_clear_exit(tmp_path: Path) -> None:
    assert load_gate().main(["--data", str(tmp_path / "absent")]) == 2


def test_lookup_reads_dict_levels_and_record_attributes() -> None:
    from dataclasses import dataclass

    @dataclass
    class Score:
        f1: float

    gate = load_gate()
    assert gate.lookup({"a": {"b": 0.5}}, "a.b") == 0.5
    assert gate.lookup({"parallax": Score(0.9)}, "parallax.f1") == 0.9
    with pytest.raises(AttributeError):
        gate.lookup({"parallax": Score(0.9)}, "parallax.recall")
