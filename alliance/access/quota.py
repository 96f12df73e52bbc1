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

`memory://` is counted here (`ProcessWindows`), with the same windows as the library's:
its memory storage starts a timer thread every 10 ms to expire counters, and starting a
thread blocks the event loop until the thread runs (measured: 244 thread starts in 2,000
GET requests, ~1 ms of the event loop each on this 2-core machine).
"""

from __future__ import annotations

import math
import threading
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


class ProcessWindows:
    """Fixed one-minute windows counted in this process, as `limits` counts them: a
    caller's window starts at its first request, and every request counts (refused ones
    too).

    >>> windows = ProcessWindows()
    >>> [windows.hit("k", 2, now=0.0)[:2] for _ in range(3)]
    [(True, 1), (True, 0), (False, 0)]
    >>> windows.hit("k", 2, now=60.0)[:2]
    (True, 1)
    """

    MAX_CALLERS = 100_000
    """Past this many counters, the ended windows are dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        """caller → (end of its window, requests in it)."""

    def hit(self, caller: str, limit: int, *, now: float | None = None
            ) -> tuple[bool, int, float]:
        """(allowed, remaining, end of the window as a time.time())."""
        now = time.time() if now is None else now
        with self._lock:
            end, count = self._windows.get(caller, (0.0, 0))
            if end <= now:
                end, count = now + 60.0, 0
            count += 1
            self._windows[caller] = (end, count)
            if len(self._windows) > self.MAX_CALLERS:
                self._windows = {key: value for key, value in self._windows.items()
                                 if value[0] > now}
        return count <= limit, max(0, limit - count), end

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


class Quota:
    """Counts requests per caller and minute in the configured storage.

    >>> quota = Quota("memory://")
    >>> [quota.hit("k", 2).allowed for _ in range(3)]
    [True, True, False]
    >>> quota.hit("other", 2).remaining
    1
    """

    def __init__(self, storage_url: str = "memory://") -> None:
        self.local = None if is_shared(storage_url) else ProcessWindows()
        if self.local is not None:
            return
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
        if self.local is not None:
            allowed, remaining, end = self.local.hit(caller, limit)
            return QuotaState(allowed, limit, remaining, max(1, math.ceil(end - time.time())))
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
        if self.local is not None:
            self.local.reset()
        else:
            self.storage.reset()
