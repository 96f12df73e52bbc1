"""Keys (hashed, constant-time checked, revocable), quotas and the audit log, without
HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.access.audit import AuditLog, Auditor
from alliance.access.database import AccessDB, access_db_path
from alliance.access.keys import KeyRing
from alliance.access.quota import Quota
from alliance.access.scopes import ANONYMOUS, Scope, expand
from alliance.errors import Invalid, NotFound
from alliance.services.directory import Change
from alliance.settings import Settings
from alliance.store.embedded import EmbeddedStore


@pytest.fixture
def db(tmp_path: Path) -> AccessDB:
    return AccessDB(tmp_path / "access.sqlite3")


def test_scopes_imply_the_lesser_ones() -> None:
    assert expand([Scope.ADMIN]) == frozenset(Scope)
    assert expand([Scope.STAFF_WRITE]) == {Scope.STAFF_WRITE, Scope.STAFF_READ,
                                           Scope.PUBLIC_READ}
    assert not ANONYMOUS.reveal_contacts
    assert not ANONYMOUS.allows(Scope.STAFF_READ)


def test_keys_authenticate_until_revoked(db: AccessDB) -> None:
    ring = KeyRing(db)
    info, key = ring.create(name="partner", scopes=["public:read"], quota_per_minute=30)
    found = ring.authenticate(key)
    assert found is not None
    assert found.principal().scopes == {Scope.PUBLIC_READ}
    assert found.quota_per_minute == 30
    assert ring.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert ring.authenticate(f"ak.{'0' * 16}.{key.split('.')[2]}") is None
    ring.revoke(info.id)
    assert ring.authenticate(key) is None
    assert ring.list()[0].revoked_at is not None


def test_keys_are_stored_as_hashes_only(db: AccessDB, tmp_path: Path) -> None:
    _, key = KeyRing(db).create(name="x", scopes=["admin"])
    db.close()
    raw = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    assert key.split(".")[2].encode() not in raw


def test_key_creation_checks_its_input(db: AccessDB) -> None:
    ring = KeyRing(db)
    with pytest.raises(Invalid):
        ring.create(name="x", scopes=[])
    with pytest.raises(Invalid):
        ring.create(name=" ", scopes=["admin"])
    with pytest.raises(ValueError, match="bogus"):
        ring.create(name="x", scopes=["bogus"])
    with pytest.raises(NotFound):
        ring.revoke("0123456789abcdef")


def test_quota_counts_callers_apart_in_one_minute() -> None:
    quota = Quota("memory://")
    states = [quota.hit("a", 2) for _ in range(3)]
    assert [s.allowed for s in states] == [True, True, False]
    assert [s.remaining for s in states] == [1, 0, 0]
    assert 1 <= states[2].reset_seconds <= 60
    assert (b"retry-after", str(states[2].reset_seconds).encode()) in states[2].headers()
    assert quota.hit("b", 2).allowed  # callers are counted apart


def test_audit_log_pages_newest_first(db: AccessDB) -> None:
    principal = KeyRing(db).create(name="staff", scopes=["staff:write"])[0].principal()
    auditor = Auditor(AuditLog(db), principal, EmbeddedStore(":memory:"))
    assert auditor.actor == "api:staff"
    auditor.record([Change("create", f"city:c{i}", None, {"n": i}) for i in range(5)])
    log = AuditLog(db)
    first = log.entries(limit=2)
    assert [e.entity_id for e in first] == ["city:c4", "city:c3"]
    assert first[0].key_id == principal.key_id
    rest = log.entries(before_seq=first[-1].seq, limit=10)
    assert [e.entity_id for e in rest] == ["city:c2", "city:c1", "city:c0"]
    assert log.entries(entity_id="city:c1")[0].after == {"n": 1}


def test_access_db_lives_beside_the_store(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "data" / "alliance.sqlite3")
    assert access_db_path(settings) == tmp_path / "data" / "access.sqlite3"
    assert access_db_path(Settings(db_path=Path(":memory:"))) == ":memory:"
