"""Keys and the audit log behave the same in the access SQLite file and in Neo4j (the
store every host of a neo4j deployment shares), and quotas counted in redis are shared
by every limiter that uses it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alliance.access.audit import AuditLog, AuditStore, SubjectState
from alliance.access.database import AccessDB
from alliance.access.keys import KeyRing, KeyStore
from alliance.access.neo4j import Neo4jAccess, Neo4jAuditLog, Neo4jKeyRing, Neo4jWebhooks
from alliance.access.quota import Quota
from alliance.access.scopes import Principal, Scope, expand
from alliance.access.webhooks import Delivery, WebhookLog, WebhookStore
from alliance.errors import NotFound
from alliance.services.directory import Change

STAFF = Principal(key_id="0123456789abcdef", name="staff", scopes=expand([Scope.STAFF_WRITE]))


Stores = tuple[KeyStore, AuditStore, WebhookStore]


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=[pytest.mark.neo4j,
                                                             pytest.mark.xdist_group("neo4j")])])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "sqlite":
        db = AccessDB(tmp_path / "access.sqlite3")
        yield KeyRing(db), AuditLog(db), WebhookLog(db)
        db.close()
        return
    uri: str = request.getfixturevalue("neo4j_uri")
    shared = Neo4jAccess(uri, auth=None, database="neo4j")
    shared.write("MATCH (n) WHERE n:AccessKey OR n:AuditEntry OR n:AccessCounter "
                 "OR n:Webhook OR n:WebhookDelivery DETACH DELETE n")
    yield Neo4jKeyRing(shared), Neo4jAuditLog(shared), Neo4jWebhooks(shared)
    shared.close()


def _changes(n: int, start: int = 0) -> tuple[list[Change], list[SubjectState]]:
    changes = [Change("create", f"city:c{i}", None, {"n": i}) for i in range(start, start + n)]
    states = [SubjectState(change.entity_id, {"id": change.entity_id, "properties": {"n": i}})
              for i, change in enumerate(changes, start)]
    return changes, states


def test_keys_authenticate_until_revoked(stores: Stores) -> None:
    keys, _, _ = stores
    info, key = keys.create(name="partner", scopes=["public:read"], quota_per_minute=30)
    found = keys.authenticate(key)
    assert found is not None
    assert found.scopes == (Scope.PUBLIC_READ,)
    assert found.quota_per_minute == 30
    assert keys.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert keys.authenticate("ak.nonsense") is None
    assert [k.id for k in keys.list()] == [info.id]
    revoked = keys.revoke(info.id)
    assert revoked.revoked_at is not None
    assert keys.revoke(info.id).revoked_at == revoked.revoked_at  # idempotent
    assert keys.authenticate(key) is None


def test_audit_entries_and_feed(stores: Stores) -> None:
    _, audit, _ = stores
    assert audit.last_seq() == 0
    assert audit.feed(after_seq=0, limit=10) == []
    audit.append(STAFF, *_changes(3))
    audit.append(STAFF, *_changes(2, start=3))
    newest = audit.entries(limit=2)
    assert [e.entity_id for e in newest] == ["city:c4", "city:c3"]
    assert newest[0].after == {"n": 4}
    assert newest[0].key_id == STAFF.key_id
    feed = audit.feed(after_seq=0, limit=3)
    assert [e.subject for e in feed] == ["city:c0", "city:c1", "city:c2"]
    assert [e.seq for e in feed] == sorted(e.seq for e in feed)
    rest = audit.feed(after_seq=feed[-1].seq, limit=10)
    assert [e.subject for e in rest] == ["city:c3", "city:c4"]
    assert rest[-1].state == {"id": "city:c4", "properties": {"n": 4}}
    assert audit.last_seq() == rest[-1].seq
    assert audit.touched_since(feed[0].at) == {f"city:c{i}" for i in range(5)}
    assert audit.touched_since("9999") == set()
    assert [e.entity_id for e in audit.entries(entity_id="city:c1")] == ["city:c1"]


def test_concurrent_appends_get_distinct_ordered_numbers(
        stores: Stores) -> None:
    _, audit, _ = stores

    def writer(worker: int) -> None:
        for batch in range(5):
            audit.append(STAFF, *_changes(2, start=worker * 100 + batch * 2))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    feed = audit.feed(after_seq=0, limit=500)
    assert len(feed) == 40
    assert len({e.seq for e in feed}) == 40
    by_worker: dict[int, list[int]] = {}
    for entry in feed:  # each writer's entries appear in the order it wrote them
        number = int(entry.subject.removeprefix("city:c"))
        by_worker.setdefault(number // 100, []).append(number)
    assert all(numbers == sorted(numbers) for numbers in by_worker.values())


def test_webhook_leases_cursors_and_log(stores: Stores) -> None:
    _, _, hooks = stores
    hook = hooks.create(url="https://partner.example/hook", cursor=7)
    assert [h.id for h in hooks.all()] == [hook.id]
    claimed = hooks.claim(hook.id, now="2025-01-01T00:00:00", until="2025-01-01T00:01:00")
    assert claimed is not None
    assert claimed.secret == hook.secret
    assert claimed.cursor == 7
    assert hooks.claim(hook.id, now="2025-01-01T00:00:30", until="2025-01-01T00:02:00") is None
    hooks.finish(hook.id, cursor=9)
    hooks.finish(hook.id, cursor=8)  # never backwards
    again = hooks.claim(hook.id, now="2025-01-01T00:00:31", until="2025-01-01T00:02:00")
    assert again is not None
    assert again.cursor == 9
    for attempt in (1, 2):
        hooks.log(Delivery(hook.id, f"2025-01-01T00:00:3{attempt}", 8, 9, attempt,
                           500 if attempt == 1 else 200, None, attempt == 2))
    assert [(d.attempt, d.ok) for d in hooks.deliveries(hook.id)] == [(2, True), (1, False)]
    hooks.delete(hook.id)
    assert hooks.all() == []
    with pytest.raises(NotFound):
        hooks.delete(hook.id)


@pytest.mark.redis
def test_redis_quota_is_shared_by_every_limiter(redis_url: str) -> None:
    first, second = Quota(redis_url), Quota(redis_url)
    first.reset()
    caller = "key:shared-test"
    outcomes: list[Any] = [limiter.hit(caller, 5).allowed
                           for _ in range(4) for limiter in (first, second)]
    assert outcomes.count(True) == 5
    assert outcomes[5:] == [False, False, False]
    assert second.hit("key:someone-else", 5).allowed
