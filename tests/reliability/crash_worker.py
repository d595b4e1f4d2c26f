"""A fork server that runs `parallax` commands in child processes and kills them with SIGKILL.

Started once per test module (imports and the spaCy model load once, here); each request forks
a child that runs the CLI in-process, so a kill point costs no interpreter start. Requests and
answers are JSON lines on stdin/stdout:

    {"argv": [...], "kill_at": N | null, "kill_after": SECONDS | null, "log": PATH}
    -> {"killed": true|false, "code": EXIT_CODE | null, "statements": COUNT | null,
        "commits": [statement numbers of the COMMITs]}

``kill_at`` kills the child with SIGKILL just before its N-th SQL statement (counted with
SQLite's trace callback: inside a batch, before a COMMIT, between stages...), deterministic for
a seed. ``kill_after`` has this process SIGKILL the child after a delay, which also lands inside
SQLite's own commit and checkpoint code. ``statements`` and ``commits`` come from a child
that finished.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import sys
import time
from typing import Any

import parallax.cli
from parallax.nlp.annotate import load_nlp
from parallax.pipeline import default_stages


def _child(request: dict[str, Any]) -> None:
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    kill_at = request.get("kill_at")
    count = [0]
    commits: list[int] = []

    def trace(sql: str) -> None:
        count[0] += 1
        if kill_at is not None and count[0] >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if sql.strip().upper() == "COMMIT":
            commits.append(count[0])

    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = connect  # type: ignore[assignment]
    code = 0
    try:
        parallax.cli.main(request["argv"], standalone_mode=False)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # report, never hang the server
        print(f"child failed: {type(exc).__name__}: {exc}", flush=True)
        code = 1
    with open(request["log"] + ".count", "w") as fh:
        json.dump({"statements": count[0], "commits": commits}, fh)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    load_nlp()  # inherited by every child; onnxruntime is loaded in the child (threads)
    default_stages()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(request["log"] + ".count")
        pid = os.fork()
        if pid == 0:
            _child(request)
        delay = request.get("kill_after")
        status: int | None = None
        if delay is not None:
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline:
                done, finished = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = finished
                    break
                time.sleep(0.002)
            else:
                os.kill(pid, signal.SIGKILL)
        if status is None:
            _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        counts: dict[str, Any] = {"statements": None, "commits": []}
        with contextlib.suppress(FileNotFoundError, ValueError), open(
            request["log"] + ".count"
        ) as fh:
            counts = json.load(fh)
        answer = {
            "killed": killed,
            "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            **counts,
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
