"""`analyze --engine ray --address ray://...`: a Ray cluster reached through the Ray client (here a
head node started on this machine for the test) stores exactly what the local engine stores.

Ray Data cannot execute over the Ray client, so this path runs each window inside a task on the
cluster (`parallax.scale.ray_engine.ray_map`); the test keeps that path honest.

Opt-in (``PARALLAX_TEST_RAY_CLIENT=1``): on a loaded 2-core machine the head's client proxy
sometimes fails to start its per-client server (psutil ZombieProcess in Ray's proxier), and a
failed client connection can leave the process unfit for the local-Ray tests that follow.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_ray_engine import _analyse, _descendants

if os.environ.get("PARALLAX_TEST_RAY_CLIENT") != "1":
    pytest.skip("PARALLAX_TEST_RAY_CLIENT=1 runs the Ray client test", allow_module_level=True)
pytest.importorskip("ray")
pytest.importorskip("grpc", reason="the Ray client needs ray[client]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session_members(sid: int) -> set[int]:
    """Live processes of one session (the head node runs in a session of its own)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[3]) == sid:
                found.add(int(entry.name))
    return found


@pytest.fixture(scope="module")
def ray_head() -> Iterator[tuple[str, int]]:
    """A Ray head node on loopback with a client server; stopped (every process) afterwards."""
    ray_cli = Path(sys.executable).with_name("ray")
    client_port, gcs_port = _free_port(), _free_port()
    head = subprocess.Popen(
        [
            str(ray_cli), "start", "--head", "--block",
            f"--port={gcs_port}", f"--ray-client-server-port={client_port}",
            "--num-cpus=2", "--object-store-memory=200000000", "--include-dashboard=false",
            "--node-ip-address=127.0.0.1", "--disable-usage-stats",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"},
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert head.poll() is None, "ray start --head exited"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", client_port)) == 0:
                    break
            time.sleep(1)
        yield f"ray://127.0.0.1:{client_port}", head.pid
    finally:
        head.send_signal(signal.SIGINT)  # `ray start --block` stops its processes on SIGINT
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            head.kill()
        deadline = time.monotonic() + 60
        while (left := _session_members(head.pid)) and time.monotonic() < deadline:
            time.sleep(0.5)
        for pid in left:  # only processes of the session this fixture started
            os.kill(pid, signal.SIGKILL)
        # `ray start` leaves its address behind; a later local `ray.init()` would try it
        current = Path("/tmp/ray/ray_current_cluster")
        if current.exists() and current.read_text().strip().endswith(f":{gcs_port}"):
            current.unlink()
        assert not left, f"Ray head processes left running: {sorted(left)}"


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_ray_client_address_stores_exactly_what_the_local_engine_stores(
    ray_head: tuple[str, int], seeds_dir: Path, tmp_path: Path
) -> None:
    import ray

    address, head_pid = ray_head
    local_stats, local = _analyse(tmp_path / "local.db", seeds_dir, "local")
    before = _descendants(os.getpid())
    ray_stats, on_ray = _analyse(tmp_path / "ray.db", seeds_dir, "ray", address=address)
    assert not ray.is_initialized(), "the engine disconnects from a cluster it connected to"
    assert ray_stats == local_stats
    assert on_ray.keys() == local.keys()
    for key in local:
        assert on_ray[key] == local[key], key
    # the head's processes (and the workers it starts) run in the head's session
    started = _descendants(os.getpid()) - before - _session_members(head_pid)
    assert not started, "a client starts no local Ray"
