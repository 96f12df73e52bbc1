"""API keys: created once, shown once, stored hashed, compared in constant time.

A key reads `ak.<id>.<secret>`: the id (public, 16 hex digits) finds the row, and the
SHA-256 of the secret (32 random bytes from `secrets.token_urlsafe`) is compared with
`hmac.compare_digest`, so timing says nothing about how much of a guess was right.

Why SHA-256 and not bcrypt/argon2: slow hashes exist to make guessing *low-entropy*
passwords expensive after a database leak. A 256-bit random secret cannot be guessed
whatever the hash speed, so a slow hash would add no safety, only ~100 ms of CPU to
every request. (A leaked access database still reveals no usable key.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from alliance.access.database import AccessDB
from alliance.access.scopes import Principal, Scope, expand
from alliance.errors import Invalid, NotFound

KEY_PREFIX = "ak"


@dataclass(frozen=True)
class KeyInfo:
    """A key as listed: never the key itself nor its hash."""

    id: str
    name: str
    scopes: tuple[Scope, ...]
    quota_per_minute: int | None
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def principal(self) -> Principal:
        return Principal(key_id=self.id, name=self.name, scopes=expand(self.scopes),
                         quota_per_minute=self.quota_per_minute)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _info(row: tuple[str, str, str, int | None, str, str | None]) -> KeyInfo:
    key_id, name, scopes, quota, created, revoked = row
    return KeyInfo(key_id, name, tuple(Scope(s) for s in json.loads(scopes)), quota, created,
                   revoked)


def split_key(key: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed key, else None.

    >>> split_key("ak.0123456789abcdef.s3cr3t")
    ('0123456789abcdef', 's3cr3t')
    >>> split_key("nonsense") is None
    True
    """
    prefix, _, rest = key.strip().partition(".")
    key_id, _, secret = rest.partition(".")
    if prefix != KEY_PREFIX or len(key_id) != 16 or not secret:
        return None
    return key_id, secret


def new_key(*, name: str, scopes: Iterable[Scope | str], quota_per_minute: int | None
            ) -> tuple[KeyInfo, str]:
    """A checked new key's listing and its secret (to be stored hashed by a key store)."""
    granted = tuple(dict.fromkeys(Scope(scope) for scope in scopes))
    if not granted:
        msg = "a key needs at least one scope"
        raise Invalid(msg, field="scopes")
    if not name.strip():
        msg = "a key needs a name (who or what uses it)"
        raise Invalid(msg, field="name")
    if quota_per_minute is not None and quota_per_minute < 1:
        msg = "quota_per_minute must be at least 1"
        raise Invalid(msg, field="quota_per_minute")
    info = KeyInfo(secrets.token_hex(8), name.strip(), granted, quota_per_minute, now_text(),
                   None)
    return info, secrets.token_urlsafe(32)


def key_text(key_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}.{key_id}.{secret}"


def matches(secret: str, stored_digest: str | None) -> bool:
    """Whether the secret hashes to the stored digest, compared in constant time (and
    compared even when there is no stored key, so timing tells nothing)."""
    expected = stored_digest if stored_digest is not None else digest("")
    return hmac.compare_digest(digest(secret), expected) and stored_digest is not None


class KeyStore(Protocol):
    """Where keys live: the access SQLite file, or the shared Neo4j."""

    def create(self, *, name: str, scopes: Iterable[Scope | str],
               quota_per_minute: int | None = None) -> tuple[KeyInfo, str]: ...

    def authenticate(self, key: str) -> KeyInfo | None: ...

    def list(self) -> list[KeyInfo]: ...

    def revoke(self, key_id: str) -> KeyInfo: ...


_COLUMNS = "id, name, scopes, quota_per_minute, created_at, revoked_at"


class KeyRing:
    """Create, authenticate, list and revoke keys in the access database."""

    def __init__(self, db: AccessDB) -> None:
        self.db = db

    def create(self, *, name: str, scopes: Iterable[Scope | str],
               quota_per_minute: int | None = None) -> tuple[KeyInfo, str]:
        """A new key: its listing and the key text, which is shown this once only."""
        info, secret = new_key(name=name, scopes=scopes, quota_per_minute=quota_per_minute)
        with self.db.transaction() as conn:
            conn.execute(
                f"INSERT INTO api_keys ({_COLUMNS}, secret_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (info.id, info.name, json.dumps([s.value for s in info.scopes]),
                 info.quota_per_minute, info.created_at, None, digest(secret)),
            )
        return info, key_text(info.id, secret)

    def authenticate(self, key: str) -> KeyInfo | None:
        """The active key this text is, or None (malformed, unknown, revoked, wrong)."""
        parts = split_key(key)
        if parts is None:
            return None
        key_id, secret = parts
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS}, secret_sha256 FROM api_keys WHERE id = ?", (key_id,)
            ).fetchone()
        expected = row[6] if row else digest("")  # compare anyway: same work either way
        matches = hmac.compare_digest(digest(secret), expected)
        if row is None or not matches or row[5] is not None:
            return None
        return _info(row[:6])

    def list(self) -> list[KeyInfo]:
        """Every key, oldest first, revoked ones included."""
        with self.db.reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, id"
            ).fetchall()
        return [_info(row) for row in rows]

    def revoke(self, key_id: str) -> KeyInfo:
        """Revoke a key (idempotent); NotFound for an unknown id."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (now_text(), key_id),
            )
            row = conn.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE id = ?",
                               (key_id,)).fetchone()
        if row is None:
            msg = f"no key with id {key_id!r}"
            raise NotFound(msg, field="id")
        return _info(row)
