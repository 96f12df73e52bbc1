"""Per-key request quotas: a fixed window of one minute, counted by the `limits` library
in a storage every worker shares.

A fixed window is the simplest quota a partner can reason about ("600 requests per
minute") and needs one counter per caller. Its known weakness, a burst of twice the
quota across a window boundary, is acceptable for a directory API.

Where the counters live is a setting (`quota_storage_url`): `memory://` (the default)
counts in this process, which is right for the embedded store's single process;
`redis://host:port` counts in one Redis that every worker on every host uses, so four
workers admit N requests per minute in total, not 4N. Settings refuse several workers
with a per-process storage.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.errors import ConfigurationError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from alliance.errors import BackendUnavailable


@dataclass(frozen=True)
class QuotaState:
    """The outcome of one request against a quota, as the RateLimit-* headers say it."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    """Seconds until the window ends (at least 1)."""

    def headers(self) -> list[tuple[bytes, bytes]]:
        out = [(b"ratelimit-limit", str(self.limit).encode()),
               (b"ratelimit-remaining", str(self.remaining).encode()),
               (b"ratelimit-reset", str(self.reset_seconds).encode())]
        if not self.allowed:
            out.append((b"retry-after", str(self.reset_seconds).encode()))
        return out


def is_shared(storage_url: str) -> bool:
    """Whether counters in this storage are seen by every process (not `memory://`)."""
    return not storage_url.startswith("memory://")


class Quota:
    """Counts requests per caller and minute in the configured storage.

    >>> quota = Quota("memory://")
    >>> [quota.hit("k", 2).allowed for _ in range(3)]
    [True, True, False]
    >>> quota.hit("other", 2).remaining
    1
    """

    def __init__(self, storage_url: str = "memory://") -> None:
        try:
            storage = storage_from_string(storage_url)
        except ConfigurationError as exc:
            msg = f"cannot use the quota storage {storage_url!r}: {exc}"
            raise BackendUnavailable(msg) from exc
        if not isinstance(storage, Storage):
            msg = f"{storage_url!r} is an asyncio storage; use the plain scheme (redis://)"
            raise BackendUnavailable(msg)
        self.storage = storage
        self.limiter = FixedWindowRateLimiter(self.storage)

    def hit(self, caller: str, limit: int) -> QuotaState:
        """Count one request of `caller` against `limit` requests per minute."""
        item = RateLimitItemPerMinute(limit)
        try:
            allowed = self.limiter.hit(item, caller)
            stats = self.limiter.get_window_stats(item, caller)
        except Exception as exc:  # the storage's client errors (redis, ...) vary by backend
            msg = f"the quota storage is unavailable: {exc}"
            raise BackendUnavailable(msg) from exc
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        return QuotaState(allowed, limit, max(0, stats.remaining), reset)

    def reset(self) -> None:
        """Forget every counter (tests)."""
        self.storage.reset()
