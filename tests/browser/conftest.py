"""Real-browser tests: Debian's Chromium (/usr/bin/chromium) driven by Playwright.

No browser is ever downloaded: Playwright launches the system Chromium by path. Without it the
tests skip with the reason, except under CI (env CI set), where a missing browser fails the run,
so a green CI always means the browser tests ran. Screenshots go to $PARALLAX_ARTIFACTS or
artifacts/browser (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from livesite import serve

__all__ = ["CHROMIUM", "REPO", "serve"]  # prefer `from livesite import serve` (tests/livesite.py)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium shared by the session's browser tests."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: `apt-get install chromium` to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: `make install` installs it")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots."""
    folder = Path(os.environ.get("PARALLAX_ARTIFACTS") or REPO / "artifacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
