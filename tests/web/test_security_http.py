"""Security of the HTTP server over a real socket: loopback by default, the token-guarded write
endpoint, size caps, and a list of hostile or malformed requests that must each get a 4xx
(never a 5xx, never a dropped connection). Counts go to the "malformed requests" figure."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from livesite import serve

from parallax.settings import Settings, load_settings
from parallax.store import SQLiteStore
from parallax.web.app import create_app, safe_upload_name, token_matches

TOKEN = "s3cret-token-\u00e9"  # non-ASCII on purpose: compared as UTF-8 bytes
ARTICLE = (
    "Council approves budget\n\nThe city council approved the budget on Tuesday after a long "
    "debate. The mayor said the plan would fund new schools and repair roads.\n"
)


@pytest.fixture
def token_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "sec.db"
    settings = Settings(db=str(db), token=TOKEN, max_upload_bytes=200_000, min_body_chars=20)
    SQLiteStore(db).close()
    for base in serve(create_app(str(db), settings)):
        yield base, db


@pytest.fixture
def open_server(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "open.db"
    SQLiteStore(db).close()
    yield from serve(create_app(str(db)))


def _auth(token: str = TOKEN) -> dict[str, bytes]:
    return {"Authorization": b"Bearer " + token.encode("utf-8")}


def raw_status(base: str, request: bytes) -> int:
    """Send raw bytes over a socket; the HTTP status of the answer (0 if none came)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    line = data.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else 0


def test_writes_are_off_without_a_token(open_server: str) -> None:
    with httpx.Client(base_url=open_server, timeout=20) as client:
        r = client.post("/api/ingest", files={"file": ("a.txt", ARTICLE.encode())},
                        headers=_auth())
    assert r.status_code == 403 and "PARALLAX_TOKEN" in r.json()["error"]


def test_upload_with_the_token_ingests_like_the_cli(token_server: tuple[str, Path]) -> None:
    base, db = token_server
    with httpx.Client(base_url=base, timeout=60) as client:
        r = client.post("/api/ingest", headers=_auth(),
                        files=[("file", ("council.txt", ARTICLE.encode())),
                               ("file", ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(300)))])
        assert r.status_code == 200, r.text
        report = r.json()
        assert report["articles"] == 1 and report["by_reason"] == {"binary": 1}
        again = client.post("/api/ingest", headers=_auth(),
                            files={"file": ("council.txt", ARTICLE.encode())}).json()
        assert again["unchanged"] == 1 and again["articles"] == 0
        listed = client.get("/articles.json").json()
    assert listed["total"] == 1 and listed["articles"][0]["title"] == "Council approves budget"
    uploads = Path(f"{db}.uploads")
    assert sorted(p.name for p in uploads.glob("*/*")) == ["council.txt", "photo.txt"]


def test_token_comparison() -> None:
    assert token_matches(b"Bearer abc".decode("latin-1"), "abc")
    assert token_matches("bearer  abc ", "abc")
    assert token_matches(("Bearer " + TOKEN).encode().decode("latin-1"), TOKEN)
    for header in (None, "", "abc", "Basic abc", "Bearer", "Bearer abd", "Bearer abc abc",
                   "Bearer ABC", "Bearer \u0101bc"):
        assert not token_matches(header, "abc"), header
    assert not token_matches("Bearer ", "")


def test_upload_names_cannot_choose_a_path() -> None:
    assert safe_upload_name("story 1.html.gz") == "story 1.html.gz"
    for bad in ("../x.txt", "a/b.txt", "..\\x.txt", "/etc/passwd", ".hidden", "..", "x\x00.txt",
                "x\n.txt", "", None, "a" * 300 + ".txt", "C:\\temp\\x.txt"):
        with pytest.raises(Exception) as caught:
            safe_upload_name(bad)
        assert getattr(caught.value, "status", None) == 400, bad


def test_serve_binds_loopback_by_default(tmp_path: Path) -> None:
    assert load_settings(env={}).host == "127.0.0.1"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "serve.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "parallax.cli", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    try:
        listening: list[str] = []
        deadline = time.monotonic() + 60
        while not listening and time.monotonic() < deadline and proc.poll() is None:
            for table in ("/proc/net/tcp", "/proc/net/tcp6"):
                if not Path(table).exists():
                    pytest.skip("no /proc/net/tcp on this system to read listening sockets")
                for line in Path(table).read_text().splitlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    if state == "0A" and local.endswith(f":{port:04X}"):
                        listening.append(local.split(":")[0])
            time.sleep(0.1)
        assert listening == ["0100007F"], listening  # 127.0.0.1 only, not 0.0.0.0 or ::
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _multipart(boundary: str, parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def _post(path: str, headers: dict[str, str | bytes], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    lines += [k.encode() + b": " + (v if isinstance(v, bytes) else v.encode())
              for k, v in headers.items()]
    if not any(k.lower() in ("content-length", "transfer-encoding") for k in headers):
        lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _get(target: bytes, extra: bytes = b"") -> bytes:
    return b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra \
        + b"\r\n"


AUTH = b"Bearer " + TOKEN.encode()
MP = "multipart/form-data; boundary=XyZ"
GOOD = _multipart("XyZ", [("file", "a.txt", ARTICLE.encode())])

#: (name, raw request, allowed statuses). Each one is hostile or malformed.
REQUESTS: list[tuple[str, bytes, set[int]]] = [
    ("traversal in article id", _get(b"/articles/../../etc/passwd"), {404}),
    ("encoded traversal in article id", _get(b"/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), {404}),
    ("traversal in static", _get(b"/static/../../../../etc/passwd"), {404}),
    ("encoded traversal in static", _get(b"/static/%2e%2e/%2e%2e/app.py"), {404}),
    ("double-encoded traversal", _get(b"/static/%252e%252e/app.py"), {404}),
    ("backslash traversal", _get(b"/static/..\\..\\app.py"), {400, 404}),
    ("NUL in path", _get(b"/articles/%00"), {404}),
    ("NUL in static path", _get(b"/static/style.css%00.txt"), {404}),
    ("absolute path as id", _get(b"/articles//etc/passwd"), {404}),
    ("huge article id", _get(b"/articles/" + b"a" * 8000), {404, 414, 431, 400}),
    ("invalid UTF-8 in path", _get(b"/articles/%ff%fe"), {404}),
    ("invalid UTF-8 in query", _get(b"/articles.json?outlet=%ff%fe"), {200, 400, 422}),
    ("non-numeric limit", _get(b"/articles.json?limit=abc"), {422}),
    ("negative offset", _get(b"/articles.json?offset=-1"), {422}),
    ("limit over the cap", _get(b"/articles.json?limit=100000000000000000000000"), {422}),
    ("float limit", _get(b"/articles.json?limit=1e999"), {422}),
    ("unknown route", _get(b"/admin"), {404}),
    ("PUT on a page", b"PUT /articles HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", {405}),
    ("DELETE on an article", b"DELETE /articles/x HTTP/1.1\r\nHost: x\r\n\r\n", {405}),
    ("unknown method", b"FROB / HTTP/1.1\r\nHost: x\r\n\r\n", {400, 405}),
    ("GET on the write endpoint", _get(b"/api/ingest"), {405}),
    ("garbage request line", b"GARBAGE\r\n\r\n", {400}),
    ("binary request", bytes(range(256)) + b"\r\n\r\n", {400}),
    ("header without colon", b"GET / HTTP/1.1\r\nHost x\r\n\r\n", {400}),
    ("NUL in header", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x00b\r\n\r\n", {400}),
    ("oversized header", _get(b"/", b"X-Big: " + b"a" * 70_000 + b"\r\n"), {400, 431}),
    ("huge URL", _get(b"/articles.json?outlet=" + b"a" * 70_000), {400, 414, 431}),
    ("no token", _post("/api/ingest", {"Content-Type": MP}, GOOD), {401}),
    ("wrong token", _post("/api/ingest", {"Content-Type": MP, "Authorization": "Bearer no"},
                          GOOD), {401}),
    ("basic auth", _post("/api/ingest", {"Content-Type": MP, "Authorization": "Basic YTpi"},
                         GOOD), {401}),
    ("token prefix only", _post("/api/ingest", {"Content-Type": MP, "Authorization":
                                                AUTH[:-2]}, GOOD), {401}),
    ("token with suffix", _post("/api/ingest", {"Content-Type": MP, "Authorization":
                                                AUTH + b"x"}, GOOD), {401}),
    ("JSON instead of multipart", _post("/api/ingest", {"Content-Type": "application/json",
                                                        "Authorization": AUTH}, b"{}"), {400}),
    ("no content type", _post("/api/ingest", {"Authorization": AUTH}, GOOD), {415}),
    ("multipart without boundary", _post("/api/ingest", {"Content-Type": "multipart/form-data",
                                                         "Authorization": AUTH}, GOOD), {400}),
    ("wrong boundary", _post("/api/ingest", {"Content-Type": MP.replace("XyZ", "Other"),
                                             "Authorization": AUTH}, GOOD), {400}),
    ("truncated multipart", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                                  GOOD[:-12]), {400}),
    ("garbage body", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                           bytes(range(256)) * 4), {400}),
    ("empty body", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH}, b""), {400}),
    ("part without file name", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                                     _multipart("XyZ", [("file", None, b"x")])), {400}),
    ("unexpected field", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                               _multipart("XyZ", [("path", "a.txt", b"/etc/passwd")])), {400}),
    ("traversal in file name", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                                     _multipart("XyZ", [("file", "../../x.txt", b"x")])), {400}),
    ("absolute file name", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                                 _multipart("XyZ", [("file", "/etc/cron.d/x", b"x")])), {400}),
    ("windows traversal name", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                                     _multipart("XyZ", [("file", "..\\..\\x.txt", b"x")])),
     {400}),
    ("hidden file name", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                               _multipart("XyZ", [("file", ".bashrc", b"x")])), {400}),
    ("declared size over the cap", _post("/api/ingest", {"Content-Type": MP, "Authorization":
                                                         AUTH, "Content-Length": "10000000000"},
                                         b""), {413}),
    ("body over the cap", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                                _multipart("XyZ", [("file", "big.txt", b"a" * 300_000)])),
     {413}),
    ("chunked body over the cap", _post(
        "/api/ingest", {"Content-Type": MP, "Authorization": AUTH,
                        "Transfer-Encoding": "chunked"},
        b"".join(b"%x\r\n%s\r\n" % (50_000, b"a" * 50_000) for _ in range(6)) + b"0\r\n\r\n"),
     {413}),
    ("non-numeric content length", _post("/api/ingest", {"Content-Type": MP, "Authorization":
                                                         AUTH, "Content-Length": "abc"}, b""),
     {400}),
    ("too many files", _post("/api/ingest", {"Content-Type": MP, "Authorization": AUTH},
                             _multipart("XyZ", [("file", f"f{i}.txt", b"x")
                                                for i in range(250)])), {413}),
]


def test_hostile_and_malformed_requests_get_4xx(token_server: tuple[str, Path],
                                                record_property: Any) -> None:
    base, db = token_server
    wrong = []
    for name, request, allowed in REQUESTS:
        status = raw_status(base, request)
        if status not in allowed or (not 400 <= status < 500 and status != 200):
            wrong.append(f"{name}: {status} (expected {sorted(allowed)})")
    assert not wrong, "\n".join(wrong)
    # Nothing was written by any refused request, and nothing outside the uploads folder.
    assert not Path(f"{db}.uploads").exists()
    assert sorted(p.name for p in db.parent.iterdir()) == sorted(
        p.name for p in db.parent.iterdir() if p.name.startswith("sec.db"))
    with httpx.Client(base_url=base, timeout=20) as client:
        assert client.get("/healthz").json()["articles"] == 0
    record_property("malformed_requests", len(REQUESTS))


def test_error_bodies_are_json_not_tracebacks(token_server: tuple[str, Path]) -> None:
    base, _ = token_server
    with httpx.Client(base_url=base, timeout=20) as client:
        r = client.post("/api/ingest", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert "Traceback" not in r.text and json.loads(r.text)["error"]
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
            assert name in r.headers
