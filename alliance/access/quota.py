"""Per-key request quotas: a fixed window of one minute.

A fixed window is the simplest quota a partner can reason about ("600 requests per
clock minute") and needs one counter per caller. Its known weakness, a burst of twice
the quota across a window boundary, is acceptable for a directory API. Counters live in
this process: with several API workers (Neo4j backend) each worker counts on its own,
so the effective quota is workers × quota.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60


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


class FixedWindowQuota:
    """Counts requests per caller and clock minute.

    >>> now = [120.0]
    >>> quota = FixedWindowQuota(clock=lambda: now[0])
    >>> [quota.hit("k", 2).allowed for _ in range(3)]
    [True, True, False]
    >>> now[0] = 180.0
    >>> quota.hit("k", 2).remaining
    1
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[str, int] = {}

    def hit(self, caller: str, limit: int) -> QuotaState:
        """Count one request of `caller` against `limit` requests per window."""
        now = self._clock()
        window = int(now // WINDOW_SECONDS)
        reset = max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
        with self._lock:
            if window != self._window:  # a new minute: every caller starts afresh
                self._window = window
                self._counts.clear()
            used = self._counts.get(caller, 0)
            if used >= limit:
                return QuotaState(False, limit, 0, reset)
            self._counts[caller] = used + 1
        return QuotaState(True, limit, limit - used - 1, reset)
