from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from parallax.cli import main


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_ingest_articles_show_export(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "cli.db"
    code, out, _ = run(db, "ingest", "--json", str(seeds_dir))
    assert code == 0 and json.loads(out)["articles"] == 5
    code, out, _ = run(db, "articles", "--json")
    listing = json.loads(out)
    assert code == 0 and listing["total"] == 5
    first = listing["articles"][0]["article_id"]
    code, out, _ = run(db, "show", first[:8], "--json")
    shown = json.loads(out)
    assert code == 0 and shown["article_id"] == first
    code, out, _ = run(db, "show", first[:8])
    # evidence rules are printed, not swallowed as Rich markup
    assert code == 0 and shown["evidence"]
    for ev in shown["evidence"].values():
        assert f"[{ev['rule']}]" in out
    code, out, _ = run(db, "articles")
    assert code == 0 and first in out
    code, _, err = run(db, "export", "--out", str(tmp_path / "out"))
    assert code == 0 and "articles.jsonl: 5 rows" in err
    code, out, _ = run(db, "analyze", "--json")
    report = json.loads(out)
    assert code == 0 and report["articles"] == 5
    assert set(report["seconds"]) == set(report["stages"]) and report["stages"]
    assert all(s >= 0 for s in report["seconds"].values())


def test_ingest_prints_each_rejection_with_its_reason(tmp_path: Path, seeds_dir: Path) -> None:
    (seeds_dir / "blank.txt").write_text("   \n\n  ")
    code, _, err = run(tmp_path / "x.db", "ingest", str(seeds_dir))
    assert code == 0
    assert "blank.txt" in err and "empty" in err and "articles added" in err
    code, out, _ = run(tmp_path / "x.db", "rejections", "--json")
    assert [r["reason"] for r in json.loads(out)["rejections"]] == ["empty"]


def test_show_unknown_id_says_what_to_do(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "x.db", "show", "ffff")
    assert code == 2 and "no article id starts with 'ffff'" in err


def test_unreachable_database_server_is_a_clear_error() -> None:
    # Port 1 on loopback: refused at once, no name lookup, nothing leaves the machine.
    result = CliRunner().invoke(main, ["--db", "postgresql://127.0.0.1:1/x", "articles"])
    assert result.exit_code == 2
    assert "cannot connect to postgresql://127.0.0.1:1/x" in result.stderr
    assert "check the URL given to --db" in result.stderr


def test_eval_without_data_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "all", "--data", str(tmp_path / "absent")])
    assert result.exit_code == 2
    assert "absent" in result.stderr and "--data" in result.stderr


def test_eval_unknown_task(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "nonsense", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "unknown eval task" in result.stderr


def test_demo_without_serving(tmp_path: Path, seeds_dir: Path) -> None:
    code, out, err = run(tmp_path / "demo.db", "demo", "--no-serve", "--corpus", str(seeds_dir))
    assert code == 0
    assert "Articles (5 of 5)" in out
    code, _, err = run(tmp_path / "demo.db", "demo", "--no-serve", "--corpus", str(seeds_dir))
    assert code == 0 and "Analyzed 0 new articles" in err


def test_eval_data_may_be_the_root_or_the_task_folder(tmp_path: Path) -> None:
    from parallax.eval import task_folder

    root = tmp_path / "data"
    (root / "extraction-scrapinghub").mkdir(parents=True)
    assert task_folder(root, "extraction-scrapinghub") == root / "extraction-scrapinghub"
    task = root / "extraction-scrapinghub"
    assert task_folder(task, "extraction-scrapinghub") == task
