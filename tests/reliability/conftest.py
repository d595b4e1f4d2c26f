"""Reliability suite: fuzzing, kill -9 crash safety, concurrency. Prints its figures.

Tests report what they tried with ``record_property(NAME, count)``; the terminal summary adds
up the counts of tests that passed (a failed test's count is not a figure) from every folder of
the run, so the security tests in tests/web and tests/browser are counted too.
"""

from __future__ import annotations

from collections import Counter

import pytest

#: Figure names, in print order, with what each one counts.
FIGURES = {
    "inputs_fuzzed": "inputs fuzzed (readers, cleaners, dates, quotes; no crash, per-input reason)",
    "pathological_inputs": "pathological inputs (bombs, deep nesting, huge lines) with a reason",
    "kill_points_survived": "kill -9 points survived (integrity ok, rerun = uninterrupted export)",
    "concurrent_reads": "HTTP reads served while another process wrote (none 'locked')",
    "malformed_requests": "malformed or hostile HTTP requests answered 4xx, never 5xx",
    "xss_payloads": "XSS payloads rendered inert in headless Chromium",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the reliability figures after the run."""
    totals: Counter[str] = Counter()
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name in FIGURES:
                totals[name] += int(value)
    if not totals:
        return
    terminalreporter.write_sep("-", "reliability figures")
    for name, label in FIGURES.items():
        if name in totals:
            terminalreporter.write_line(f"{totals[name]:>8,}  {label}")
