"""Who is calling, and may they call again: the API-key and quota middleware.

For every /v1 request: an `X-API-Key` header is checked (unknown or revoked: 401, before
any work is done); the caller becomes a `Principal` in the request state (anonymous
without a key); the quota of the key, or of the client address for anonymous callers,
is counted; and every response gets `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset`, a refusal 429 with `Retry-After`. Scope checks happen per operation
in `alliance.api.deps`, where the scope each needs is declared.

Authenticated keys are remembered for `KEY_CACHE_SECONDS`, so a key revoked from the
command line stops working within that time, and the hot path does no SQLite lookup.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alliance.access.audit import AuditLog
from alliance.access.database import AccessDB
from alliance.access.keys import KeyInfo, KeyRing
from alliance.access.quota import FixedWindowQuota
from alliance.access.scopes import ANONYMOUS, Principal
from alliance.api.errors import problem_response
from alliance.settings import Settings

API_KEY_HEADER = "X-API-Key"
KEY_CACHE_SECONDS = 10.0
API_PREFIX = "/v1/"


@dataclass
class Access:
    """The access resources of a running app (opened in the lifespan)."""

    db: AccessDB
    keys: KeyRing
    audit: AuditLog
    _cache: dict[str, tuple[float, KeyInfo]] = field(default_factory=dict)

    @classmethod
    def open(cls, db: AccessDB) -> Access:
        return cls(db=db, keys=KeyRing(db), audit=AuditLog(db))

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
        self.db.close()


def principal_of(scope: Scope) -> Principal | None:
    """The principal the middleware put in the request state, if it ran."""
    state = scope.get("state") or {}
    found = state.get("principal")
    return found if isinstance(found, Principal) else None


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
        quota: FixedWindowQuota = state.quota
        if access is None:  # not started (no lifespan): the store dependency says 503
            await self.app(scope, receive, send)
            return
        key = Headers(scope=scope).get(API_KEY_HEADER)
        if key is not None:
            info = access.authenticate(key)
            if info is None:
                response = problem_response(
                    401, "unknown or revoked API key", instance=scope["path"],
                    headers={"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'})
                await response(scope, receive, send)
                return
            principal = info.principal()
            caller = f"key:{info.id}"
            limit = info.quota_per_minute or settings.quota_per_minute
        else:
            principal = ANONYMOUS
            client = scope.get("client")
            caller = f"ip:{client[0] if client else 'unknown'}"
            limit = settings.anonymous_quota_per_minute
        scope.setdefault("state", {})["principal"] = principal
        counted = quota.hit(caller, limit)
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
