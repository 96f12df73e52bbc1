"""Who is calling, and may they call again: the API-key and quota middleware.

For every /v1 request: an `X-API-Key` header is checked (unknown or revoked: 401, before
any work is done); the caller becomes a `Principal` in the request state (anonymous
without a key); the quota of the key, or of the client address for anonymous callers,
is counted; and every response gets `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset`, a refusal 429 with `Retry-After`. Scope checks happen per operation
in `alliance.api.deps`, where the scope each needs is declared.

Authenticated keys are remembered for `KEY_CACHE_SECONDS`, so a key revoked on any host
(or from the command line) stops working everywhere within that time, while a burst of
requests with one key costs one lookup.

Where keys and the audit log live follows the backend: the access SQLite file for the
embedded store, the shared Neo4j for the neo4j backend (`open_access`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alliance.access.audit import AuditLog, AuditStore
from alliance.access.database import AccessDB, access_db_path
from alliance.access.keys import KeyInfo, KeyRing, KeyStore
from alliance.access.quota import Quota
from alliance.access.scopes import ANONYMOUS, Principal
from alliance.access.webhooks import WebhookLog, WebhookStore
from alliance.api.errors import problem_response
from alliance.errors import BackendUnavailable
from alliance.settings import Settings

API_KEY_HEADER = "X-API-Key"
KEY_CACHE_SECONDS = 0.5
API_PREFIX = "/v1/"


@dataclass
class Access:
    """The access resources of a running app (opened in the lifespan)."""

    keys: KeyStore
    audit: AuditStore
    webhooks: WebhookStore
    closer: Callable[[], None]
    _cache: dict[str, tuple[float, KeyInfo]] = field(default_factory=dict)

    @classmethod
    def open(cls, db: AccessDB) -> Access:
        """Keys and audit in the access SQLite file."""
        return cls(keys=KeyRing(db), audit=AuditLog(db), webhooks=WebhookLog(db),
                   closer=db.close)

    def forget(self, key_id: str) -> None:
        """Drop a key from this process's cache (after revoking it here)."""
        self._cache = {digest: entry for digest, entry in self._cache.items()
                       if entry[1].id != key_id}

    def authenticate(self, key: str) -> KeyInfo | None:
        """The key's info, from the short cache or the database."""
        digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        info = self.keys.authenticate(key)
        if info is None:
            self._cache.pop(digest, None)
            return None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (now + KEY_CACHE_SECONDS, info)
        return info

    def close(self) -> None:
        self.closer()


def open_access(settings: Settings) -> Access:
    """Keys and audit where every process of this deployment finds them: the shared
    Neo4j for the neo4j backend, else the access SQLite file."""
    if settings.backend == "neo4j":
        from alliance.access.neo4j import (
            Neo4jAccess,
            Neo4jAuditLog,
            Neo4jKeyRing,
            Neo4jWebhooks,
        )

        shared = Neo4jAccess(settings.neo4j_uri,
                             auth=(settings.neo4j_user,
                                   settings.neo4j_password.get_secret_value()),
                             database=settings.neo4j_database)
        return Access(keys=Neo4jKeyRing(shared), audit=Neo4jAuditLog(shared),
                      webhooks=Neo4jWebhooks(shared), closer=shared.close)
    return Access.open(AccessDB(access_db_path(settings)))


def principal_of(scope: Scope) -> Principal | None:
    """The principal the middleware put in the request state, if it ran."""
    state = scope.get("state") or {}
    found = state.get("principal")
    return found if isinstance(found, Principal) else None


def _caller(scope: Scope, info: KeyInfo | None, settings: Settings
            ) -> tuple[Principal, str, int]:
    """The principal, the quota's counter name and the quota of a request."""
    if info is not None:
        return (info.principal(), f"key:{info.id}",
                info.quota_per_minute or settings.quota_per_minute)
    client = scope.get("client")
    return (ANONYMOUS, f"ip:{client[0] if client else 'unknown'}",
            settings.anonymous_quota_per_minute)


class AccessMiddleware:
    """API key → principal, quota counting and RateLimit headers, for /v1 paths."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX) \
                or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        access: Access | None = getattr(state, "access", None)
        settings: Settings = state.settings
        quota: Quota = state.quota
        if access is None:  # not started (no lifespan): the store dependency says 503
            await self.app(scope, receive, send)
            return
        key = Headers(scope=scope).get(API_KEY_HEADER)
        try:
            info = access.authenticate(key) if key is not None else None
            if key is not None and info is None:
                response = problem_response(
                    401, "unknown or revoked API key", instance=scope["path"],
                    headers={"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'})
                await response(scope, receive, send)
                return
            principal, caller, limit = _caller(scope, info, settings)
            counted = quota.hit(caller, limit)
        except BackendUnavailable as exc:
            response = problem_response(503, str(exc), instance=scope["path"],
                                        headers={"Retry-After": "1"})
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        extra = counted.headers()
        if not counted.allowed:
            response = problem_response(
                429, f"quota of {limit} requests per minute used; retry in "
                     f"{counted.reset_seconds} s", instance=scope["path"],
                headers={name.decode(): value.decode() for name, value in extra})
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
