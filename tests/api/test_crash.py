"""Crash tests on a real `alliance serve`: SIGKILL while a large import is being written
leaves nothing of it; SIGKILL right after an answer leaves everything answered."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from alliance.access.database import AccessDB
from alliance.access.keys import KeyRing
from alliance.access.scopes import Scope
from alliance.store.embedded import EmbeddedStore
from tests.api.test_serve import CLI, free_port, wait_ready

IMPORT_SIZE = 20_000


def start(db_path: Path, folder: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """A server on the file, and an admin key for it."""
    ring = KeyRing(AccessDB(db_path.with_name("access.sqlite3")))
    _, key = ring.create(name="crash", scopes=[Scope.ADMIN])
    port = free_port()
    env = {**os.environ, "ALLIANCE_DB_PATH": str(db_path), "ALLIANCE_LOAD_SEED_IF_EMPTY":
           "false", "ALLIANCE_QUOTA_PER_MINUTE": "100000",
           "ALLIANCE_MAX_REQUEST_BYTES": "50000000"}
    log_path = folder / f"serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([*CLI, "serve", "--port", str(port), "--log-level",
                                    "warning"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process, log_path)
    return process, base, key


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def stored_ids(db_path: Path, prefix: str) -> set[str]:
    with EmbeddedStore(db_path, read_only=True) as store:
        return {node_id for node_id in store.graph.nodes if node_id.startswith(prefix)}


def big_import(tag: str) -> bytes:
    records: list[dict[str, Any]] = [
        {"label": "Industry", "id": f"industry:crash-{tag}-{n:05d}", "name_zh": "崩溃测试",
         "name_en": f"Crash {n}", "source": "crash test", "as_of": "2025-01-01"}
        for n in range(IMPORT_SIZE)]
    return json.dumps({"records": records}, ensure_ascii=False).encode("utf-8")


def post_in_background(url: str, body: bytes, key: str
                       ) -> tuple[threading.Thread, list[int]]:
    """POST from a thread; its status lands in the list (0: the connection broke)."""
    answers: list[int] = []

    def send() -> None:
        try:
            answers.append(httpx.post(url, content=body, timeout=120, headers={
                "X-API-Key": key, "Content-Type": "application/json"}).status_code)
        except httpx.TransportError:
            answers.append(0)

    sender = threading.Thread(target=send)
    sender.start()
    return sender, answers


def test_sigkill_during_a_large_import_leaves_nothing_of_it(seeded_db: Path,
                                                            tmp_path: Path) -> None:
    db_path = tmp_path / "alliance.sqlite3"
    shutil.copyfile(seeded_db, db_path)
    for round_number, delay in enumerate((0.5, 2.5)):
        process, base, key = start(db_path, tmp_path)
        tag = f"r{round_number}"
        body = big_import(tag)
        sender, answers = post_in_background(f"{base}/v1/import?dry_run=false", body, key)
        time.sleep(delay)
        kill(process)
        sender.join()
        found = stored_ids(db_path, f"industry:crash-{tag}-")
        assert len(found) in (0, IMPORT_SIZE), f"round {round_number}: {len(found)} stored"
        if answers == [200]:
            assert len(found) == IMPORT_SIZE  # answered, so all of it


def test_sigkill_after_the_answer_leaves_all_of_it(seeded_db: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "alliance.sqlite3"
    shutil.copyfile(seeded_db, db_path)
    process, base, key = start(db_path, tmp_path)
    staff = {"X-API-Key": key}
    acknowledged = []
    with httpx.Client(base_url=base, headers=staff, timeout=30) as client:
        for n in range(10):
            entity_id = f"industry:acked-{n}"
            answer = client.post("/v1/industries", json={
                "id": entity_id, "name_zh": "确认", "name_en": f"Acked {n}",
                "parent": "industry:new-materials"})
            assert answer.status_code == 201, answer.text
            acknowledged.append(entity_id)
        answer = client.post("/v1/import?dry_run=false", content=json.dumps({"records": [
            {"label": "Industry", "id": f"industry:acked-import-{n}", "name_zh": "导入",
             "name_en": f"Import {n}"}
            for n in range(500)]}).encode(), headers={"Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
        patched = client.patch("/v1/industries/industry:acked-0", json={"name_en": "Patched"})
        assert patched.status_code == 200
    kill(process)
    with EmbeddedStore(db_path, read_only=True) as store:
        assert all(store.get_node(entity_id) is not None for entity_id in acknowledged)
        assert len([n for n in store.graph.nodes if n.startswith("industry:acked-import-")]) \
            == 500
        node = store.get_node("industry:acked-0")
        assert node is not None
        assert node.properties["name_en"] == "Patched"
    process, _, _ = start(db_path, tmp_path)  # the dead holder's lock is free again
    kill(process)
