"""Webhook delivery: the change feed pushed to partners' URLs, signed, retried, logged.

Each round, for every subscription: take its lease (so one worker of one host sends a
batch), read the feed items after its cursor (at most `batch`), and POST them as JSON
(`{"webhook": id, "items": [...], "next_cursor": "..."}`, the items exactly as
`/v1/changes` gives them to a public key). The body is signed with HMAC-SHA256 under the
subscription's secret: `X-Alliance-Signature: sha256=<hex>`; a receiver recomputes it
over the raw body and compares in constant time. A 2xx answer moves the cursor on; any
other answer or a network error is retried `attempts` times with doubling pauses, and
then left for the next round (delivery is at least once, in feed order; the
`X-Alliance-Delivery` id names the batch, so a receiver can drop a repeat). Every
attempt is in the delivery log.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from starlette.concurrency import run_in_threadpool

from alliance.access.audit import AuditStore, now_text
from alliance.access.webhooks import Delivery, WebhookStore
from alliance.services.changes import item_out

logger = logging.getLogger("alliance.webhooks")

SIGNATURE_HEADER = "X-Alliance-Signature"
DELIVERY_HEADER = "X-Alliance-Delivery"


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for a body.

    >>> sign("s3cret", b'{"items":[]}')[:15]
    'sha256=2d2f319f'
    """
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header)


@dataclass
class Deliverer:
    """Sends feed batches to every subscription; `run_once` is one round."""

    hooks: WebhookStore
    audit: AuditStore
    batch: int = 100
    attempts: int = 3
    backoff_seconds: float = 0.5
    lease_seconds: float = 60.0
    timeout_seconds: float = 10.0
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10.0))

    def run_once(self) -> int:
        """Deliver one batch per subscription; how many items were delivered."""
        return sum(self.deliver(hook.id) for hook in self.hooks.all())

    def deliver(self, webhook_id: str) -> int:
        now = datetime.now(UTC)
        hook = self.hooks.claim(webhook_id, now=now.isoformat(timespec="microseconds"),
                                until=(now + timedelta(seconds=self.lease_seconds))
                                .isoformat(timespec="microseconds"))
        if hook is None:
            return 0
        delivered_to = hook.cursor
        try:
            entries = self.audit.feed(after_seq=hook.cursor, limit=self.batch)
            if not entries:
                return 0
            first, last = entries[0].seq, entries[-1].seq
            body = json.dumps({"webhook": hook.id,
                               "items": [item_out(e, reveal_contacts=False) for e in entries],
                               "next_cursor": str(last)},
                              ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(hook.secret,
                                                                                 body),
                       DELIVERY_HEADER: f"{hook.id}:{first}-{last}"}
            for attempt in range(1, self.attempts + 1):
                status: int | None = None
                error: str | None = None
                try:
                    response = self.client.post(hook.url, content=body, headers=headers,
                                                timeout=self.timeout_seconds)
                    status = response.status_code
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"
                ok = status is not None and 200 <= status < 300
                if not ok and error is None:
                    error = f"the receiver answered {status}"
                self.hooks.log(Delivery(hook.id, now_text(), first, last, attempt, status,
                                        error, ok))
                if ok:
                    delivered_to = last
                    return len(entries)
                if attempt < self.attempts:
                    time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
            return 0
        finally:
            self.hooks.finish(hook.id, cursor=delivered_to)

    def close(self) -> None:
        self.client.close()


async def deliver_forever(deliverer: Deliverer, *, every_seconds: float) -> None:
    """Rounds of delivery every `every_seconds`, until cancelled (the app's lifespan
    runs this in every worker; the leases keep them from sending a batch twice)."""
    while True:
        try:
            await run_in_threadpool(deliverer.run_once)
        except Exception:  # a broken round must not end delivery; the log shows why
            logger.exception("webhook delivery round failed")
        await asyncio.sleep(every_seconds)
