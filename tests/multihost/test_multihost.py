"""Several hosts behind one Neo4j: a real Neo4j, a real redis-server and two
`alliance serve --workers 2` processes on different ports (four workers in all).

A key made through one host works on the other at once; a revoked key is refused
everywhere within a second; a quota of N per minute admits N requests in total across
the four workers; writes through either host show in the other's answers and in one
change feed, which brings a partner's export copy to the server's state.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alliance.access.neo4j import Neo4jAccess, Neo4jKeyRing
from alliance.ingest.seed import DEFAULT_SEED_DIR
from alliance.services.ingest import load_seed
from alliance.store.neo4j import Neo4jStore
from tests.api.test_serve import free_port
from tests.store.test_neo4j import empty_database
from tests.sync_replica import Replica

pytestmark = [pytest.mark.neo4j, pytest.mark.redis, pytest.mark.slow,
              pytest.mark.xdist_group("neo4j")]
"""The Neo4j database is shared with the store tests: one xdist worker runs them all."""

CLI = [sys.executable, "-c", "from alliance.cli import app; app()"]
WORKERS = 2



def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300  # four workers starting on a busy 2-core machine
    while True:
        if process.poll() is not None:
            pytest.fail(f"alliance serve exited with {process.returncode}: "
                        f"{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{base} did not get ready: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def hosts(neo4j_uri: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[list[str], str]]:
    """Two hosts (base URLs) with two workers each, and an admin key made for them."""
    store = Neo4jStore(neo4j_uri, auth=None)
    try:
        empty_database(store)
        load_seed(store, DEFAULT_SEED_DIR)
    finally:
        store.close()
    shared = Neo4jAccess(neo4j_uri, auth=None, database="neo4j")
    try:
        _, admin_key = Neo4jKeyRing(shared).create(name="multihost admin", scopes=["admin"])
    finally:
        shared.close()
    folder = tmp_path_factory.mktemp("multihost")
    env = {**os.environ, "ALLIANCE_BACKEND": "neo4j", "ALLIANCE_NEO4J_URI": neo4j_uri,
           "ALLIANCE_QUOTA_STORAGE_URL": redis_url, "ALLIANCE_LOAD_SEED_IF_EMPTY": "false",
           "ALLIANCE_QUOTA_PER_MINUTE": "100000",
           "ALLIANCE_ANONYMOUS_QUOTA_PER_MINUTE": "100000",
           "ALLIANCE_DB_PATH": str(folder / "unused.sqlite3")}
    processes: list[tuple[subprocess.Popen[bytes], Any]] = []
    bases: list[str] = []
    try:
        for index in range(2):
            port = free_port()
            log_path = folder / f"host{index}.log"
            log = log_path.open("wb")
            process = subprocess.Popen(
                [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
                 str(WORKERS), "--log-level", "warning"],
                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
            processes.append((process, log))
            bases.append(f"http://127.0.0.1:{port}")
        for (process, _), base, index in zip(processes, bases, range(2), strict=True):
            _wait_ready(base, process, folder / f"host{index}.log")
        yield bases, admin_key
    finally:
        for process, _ in processes:
            process.send_signal(signal.SIGTERM)
        for process, log in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _get(base: str, path: str, key: str | None = None, **params: Any) -> httpx.Response:
    """A request on a new connection, so the kernel may hand it to either worker."""
    headers = {"X-API-Key": key} if key else {}
    return httpx.get(f"{base}{path}", headers=headers, params=params, timeout=10)


def _new_key(base: str, admin: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{base}/v1/keys", headers={"X-API-Key": admin},
                          json={"name": "partner", "scopes": ["public:read"], **body},
                          timeout=10)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_key_made_on_one_host_works_on_the_other_at_once(hosts: tuple[list[str], str]
                                                           ) -> None:
    (one, other), admin = hosts
    key = _new_key(one, admin)["key"]
    statuses = [_get(other, "/v1/me", key).status_code for _ in range(8)]
    assert statuses == [200] * 8
    assert _get(other, "/v1/me", key).json()["name"] == "partner"


def test_a_revoked_key_is_refused_everywhere_within_a_second(hosts: tuple[list[str], str]
                                                             ) -> None:
    (one, other), admin = hosts
    created = _new_key(one, admin)
    key = created["key"]
    for base in (one, other):  # warm every worker's key cache
        assert all(_get(base, "/v1/me", key).status_code == 200 for _ in range(8))
    revoked = httpx.delete(f"{other}/v1/keys/{created['id']}", headers={"X-API-Key": admin},
                           timeout=10)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"]
    time.sleep(1.0)
    statuses = [_get(base, "/v1/me", key).status_code for base in (one, other)
                for _ in range(8)]
    assert statuses == [401] * 16


def test_a_quota_counts_across_all_four_workers(hosts: tuple[list[str], str]) -> None:
    (one, other), admin = hosts
    quota = 12
    key = _new_key(one, admin, quota_per_minute=quota)["key"]
    statuses = [_get(base, "/v1/stats", key).status_code for _ in range(15)
                for base in (one, other)]
    assert statuses.count(200) == quota
    assert statuses.count(429) == len(statuses) - quota


def test_writes_through_either_host_show_everywhere_and_in_one_feed(
        hosts: tuple[list[str], str]) -> None:
    (one, other), admin = hosts
    writer = _new_key(one, admin, scopes=["staff:write"])["key"]
    export = httpx.get(f"{other}/v1/export", headers={"X-API-Key": writer}, timeout=60)
    assert export.status_code == 200
    copy = Replica.from_export(export.text.splitlines(), export.headers["x-changes-cursor"])
    headers = {"X-API-Key": writer}
    created = httpx.post(f"{one}/v1/cities", headers=headers, timeout=10, json={
        "id": "city:multihost-town", "name_zh": "多机镇", "name_en": "Multihost Town",
        "province": "江苏", "lat": 31.6, "lon": 120.6})
    assert created.status_code == 201, created.text
    assert _get(other, "/v1/cities/city:multihost-town").json()["name_zh"] == "多机镇"
    patched = httpx.patch(f"{other}/v1/parks/park:suzhou-sip-biobay", headers=headers,
                          timeout=10, json={"rent_cny_m2_month": 41.5})
    assert patched.status_code == 200, patched.text
    assert _get(one, "/v1/parks/park:suzhou-sip-biobay").json()["rent_cny_m2_month"] == 41.5
    related = httpx.post(f"{one}/v1/relationships", headers=headers, timeout=10, json={
        "type": "HSR_LINK", "source": "city:multihost-town", "target": "city:suzhou",
        "properties": {"minutes": 15, "km": 25}})
    assert related.status_code in (200, 201), related.text
    assert httpx.delete(f"{other}/v1/cities/city:multihost-town", headers=headers,
                        timeout=10).status_code == 204

    feeds = [_get(base, "/v1/changes", writer, cursor=copy.cursor).json() for base in
             (one, other)]
    assert feeds[0]["items"] == feeds[1]["items"]
    assert [item["action"] for item in feeds[0]["items"]] == ["create", "update", "relate",
                                                               "delete"]

    def changes(cursor: str) -> dict[str, Any]:
        body: dict[str, Any] = _get(one, "/v1/changes", writer, cursor=cursor, limit=1).json()
        return body

    assert copy.follow(changes) == 4
    final = httpx.get(f"{one}/v1/export", headers={"X-API-Key": writer}, timeout=60)
    assert copy.same_as(Replica.from_export(final.text.splitlines(), "0"))
