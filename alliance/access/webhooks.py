"""Webhook subscriptions and their delivery log, for partners who would rather be told
than poll the change feed.

A subscription is a URL, a secret (the HMAC key: kept in clear, since signing needs it,
and shown once at creation) and a cursor into the change feed: the seq delivered up to.
A new subscription starts at the feed's end (only changes after it are sent). Delivery
(`alliance.services.webhooks`) takes a short lease on a subscription before sending, so
with many workers and hosts one of them delivers each batch; every attempt is logged.

`WebhookLog` keeps them in the access SQLite file; `alliance.access.neo4j.Neo4jWebhooks`
in Neo4j for the neo4j backend.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol

from alliance.access.audit import now_text
from alliance.access.database import AccessDB
from alliance.errors import Invalid, NotFound


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    secret: str
    cursor: int
    created_at: str


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver the feed items first_seq..last_seq."""

    webhook_id: str
    at: str
    first_seq: int
    last_seq: int
    attempt: int
    status: int | None
    error: str | None
    ok: bool


def new_webhook(url: str, cursor: int) -> Webhook:
    """A checked new subscription (http or https URL) starting after `cursor`."""
    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        msg = "the webhook URL must be an http:// or https:// URL"
        raise Invalid(msg, field="url")
    return Webhook(secrets.token_hex(8), url, secrets.token_urlsafe(32), cursor, now_text())


class WebhookStore(Protocol):
    def create(self, *, url: str, cursor: int) -> Webhook: ...

    def all(self) -> list[Webhook]: ...

    def delete(self, webhook_id: str) -> None:
        """NotFound for an unknown id."""
        ...

    def claim(self, webhook_id: str, *, now: str, until: str) -> Webhook | None:
        """The subscription, leased to the caller until `until`, or None when another
        process holds the lease (or it was deleted)."""
        ...

    def finish(self, webhook_id: str, *, cursor: int) -> None:
        """Record the new cursor and release the lease."""
        ...

    def log(self, delivery: Delivery) -> None: ...

    def deliveries(self, webhook_id: str, *, limit: int = 100) -> list[Delivery]:
        """Newest first."""
        ...


def missing(webhook_id: str) -> NotFound:
    return NotFound(f"no webhook with id {webhook_id!r}", field="id")


_COLUMNS = "id, url, secret, cursor, created_at"


class WebhookLog:
    """Subscriptions and deliveries in the access SQLite file."""

    def __init__(self, db: AccessDB) -> None:
        self.db = db

    def create(self, *, url: str, cursor: int) -> Webhook:
        hook = new_webhook(url, cursor)
        with self.db.transaction() as conn:
            conn.execute(f"INSERT INTO webhooks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                         (hook.id, hook.url, hook.secret, hook.cursor, hook.created_at))
        return hook

    def all(self) -> list[Webhook]:
        with self.db.reading() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM webhooks ORDER BY created_at, id"
                                ).fetchall()
        return [Webhook(*row) for row in rows]

    def delete(self, webhook_id: str) -> None:
        with self.db.transaction() as conn:
            if conn.execute("DELETE FROM webhooks WHERE id = ?", (webhook_id,)).rowcount == 0:
                raise missing(webhook_id)

    def claim(self, webhook_id: str, *, now: str, until: str) -> Webhook | None:
        with self.db.transaction() as conn:
            claimed = conn.execute("UPDATE webhooks SET lease_until = ? WHERE id = ? "
                                   "AND lease_until < ?", (until, webhook_id, now)).rowcount
            row = conn.execute(f"SELECT {_COLUMNS} FROM webhooks WHERE id = ?",
                               (webhook_id,)).fetchone()
        return Webhook(*row) if claimed and row else None

    def finish(self, webhook_id: str, *, cursor: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE webhooks SET cursor = MAX(cursor, ?), lease_until = '' "
                         "WHERE id = ?", (cursor, webhook_id))

    def log(self, delivery: Delivery) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO webhook_deliveries (webhook_id, at, first_seq, last_seq, "
                "attempt, status, error, ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (delivery.webhook_id, delivery.at, delivery.first_seq, delivery.last_seq,
                 delivery.attempt, delivery.status, delivery.error, int(delivery.ok)))

    def deliveries(self, webhook_id: str, *, limit: int = 100) -> list[Delivery]:
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT webhook_id, at, first_seq, last_seq, attempt, status, error, ok "
                "FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?",
                (webhook_id, limit)).fetchall()
        return [Delivery(hook, at, first, last, attempt, status, error, bool(ok))
                for hook, at, first, last, attempt, status, error, ok in rows]
