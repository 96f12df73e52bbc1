"""`alliance serve` as a real process on a free loopback port: it starts, gets ready,
answers reads and a keyed write over real HTTP (uvloop + httptools), stops cleanly on
SIGTERM, and the write is in the store file afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from alliance.access.database import AccessDB
from alliance.access.keys import KeyRing
from alliance.store.embedded import EmbeddedStore

CLI = [sys.executable, "-c", "from alliance.cli import app; app()"]
"""The installed `alliance` command, run by this interpreter."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path,
               timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            pytest.fail(f"alliance serve exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail("alliance serve did not get ready")


@pytest.fixture
def server(seeded_db: Path, tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    db_path = tmp_path / "alliance.sqlite3"
    shutil.copyfile(seeded_db, db_path)
    port = free_port()
    env = {**os.environ, "ALLIANCE_DB_PATH": str(db_path),
           "ALLIANCE_LOAD_SEED_IF_EMPTY": "false", "ALLIANCE_QUOTA_PER_MINUTE": "10000"}
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    process = subprocess.Popen([*CLI, "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--log-level", "warning"],
                               env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, log_path)
        yield base, db_path, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def test_real_server_answers_and_stops_cleanly(
        server: tuple[str, Path, subprocess.Popen[bytes]]) -> None:
    base, db_path, process = server
    ring = KeyRing(AccessDB(db_path.with_name("access.sqlite3")))
    _, key = ring.create(name="serve test", scopes=["staff:write"])
    ring.db.close()
    with httpx.Client(base_url=base, timeout=30.0) as client:
        parks = client.get("/v1/parks", params={"limit": 100})
        assert parks.status_code == 200
        assert parks.headers["content-encoding"] == "gzip"
        assert int(parks.headers["ratelimit-remaining"]) > 0
        tag = parks.headers["etag"]
        assert client.get("/v1/parks", params={"limit": 100},
                          headers={"If-None-Match": tag}).status_code == 304
        hits = client.get("/v1/search", params={"q": "苏州"}).json()["items"]
        assert hits[0]["entity"]["id"] == "city:suzhou"
        landing = client.post("/v1/landing/search",
                              json={"industry": "industry:medical-devices", "top_k": 3})
        assert landing.status_code == 200
        assert len(landing.json()["parks"]) == 3
        bad = client.post("/v1/landing/search", json={"industry": "industry:ai",
                                                      "area_m2": "lots"})
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"
        assert client.get("/v1/parks", headers={"X-API-Key": "nope"}).status_code == 401
        written = client.patch("/v1/cities/city:suzhou", headers={"X-API-Key": key},
                               json={"name_en": "Suzhou (served)"})
        assert written.status_code == 200, written.text
    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal: exit by SIGTERM is clean
    assert process.wait(timeout=20) in (0, -signal.SIGTERM)
    log = (db_path.parent / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
    assert "ERROR" not in log
    store = EmbeddedStore(db_path)
    try:
        record = store.get_node("city:suzhou")
        assert record is not None
        assert record.properties["name_en"] == "Suzhou (served)"
    finally:
        store.close()


def test_serve_refuses_workers_with_the_embedded_store(tmp_path: Path) -> None:
    env = {**os.environ, "ALLIANCE_DB_PATH": str(tmp_path / "a.sqlite3")}
    result = subprocess.run([*CLI, "serve", "--workers", "2"], env=env, capture_output=True,
                            timeout=60, check=False)
    assert result.returncode == 2
    assert b"neo4j" in result.stderr.lower()
