"""Keys and the audit log (the change feed) in Neo4j, for the neo4j backend: every API
host and worker reads and writes the same ones, so a key made through one host works on
all at once, a revoked key stops everywhere, and there is one ordered change feed.

The access data lives in the directory's database under labels of its own
(`AccessKey`, `AuditEntry`, `AccessCounter`, `Webhook`, `WebhookDelivery`), which no
directory query names: graph
queries only ever match graph_schema labels, so a key hash can never come back from a
graph read. The labels are constants of this module, never built from input.

Ordering: an append takes the next `seq` numbers from one counter node in the same
write transaction that creates the entries. Neo4j holds the counter's write lock until
the transaction commits, so entries become visible in `seq` order: a reader that has
seen `seq` n will never later find a smaller one appear, which is what makes the feed's
cursor resumable across hosts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, LiteralString

from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from alliance.access.audit import (
    AuditEntry,
    FeedEntry,
    SubjectState,
    from_json,
    now_text,
    to_json,
)
from alliance.access.keys import (
    KeyInfo,
    digest,
    key_text,
    matches,
    new_key,
    split_key,
)
from alliance.access.keys import (
    now_text as key_time,
)
from alliance.access.scopes import Principal, Scope
from alliance.access.webhooks import Delivery, Webhook, missing, new_webhook
from alliance.errors import BackendUnavailable, NotFound
from alliance.services.directory import Change

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT access_key_id IF NOT EXISTS FOR (k:AccessKey) REQUIRE k.key_id IS UNIQUE",
    "CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE",
    "CREATE INDEX audit_entry_at IF NOT EXISTS FOR (e:AuditEntry) ON (e.at)",
    "CREATE INDEX audit_entry_entity IF NOT EXISTS FOR (e:AuditEntry) ON (e.entity_id)",
    "CREATE CONSTRAINT access_counter_name IF NOT EXISTS FOR (c:AccessCounter) "
    "REQUIRE c.name IS UNIQUE",
    "CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (w:Webhook) REQUIRE w.webhook_id IS UNIQUE",
    "CREATE INDEX webhook_delivery_hook IF NOT EXISTS FOR (d:WebhookDelivery) "
    "ON (d.webhook_id)",
)

_KEY_FIELDS: LiteralString = (
    "k.key_id AS id, k.name AS name, k.scopes AS scopes, k.quota_per_minute AS quota, "
    "k.created_at AS created_at, k.revoked_at AS revoked_at")


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as exc:
        msg = f"Neo4j is unavailable for keys and audit: {exc}"
        raise BackendUnavailable(msg) from exc
    except (Neo4jError, DriverError) as exc:
        msg = f"the access data in Neo4j failed: {exc}"
        raise BackendUnavailable(msg) from exc


def _key_info(row: dict[str, Any]) -> KeyInfo:
    return KeyInfo(row["id"], row["name"], tuple(Scope(s) for s in row["scopes"]),
                   row["quota"], row["created_at"], row["revoked_at"])


class Neo4jAccess:
    """One driver for the access data, and its schema."""

    def __init__(self, uri: str, *, auth: tuple[str, str] | None, database: str) -> None:
        self.database = database
        with _translated():
            self.driver: Driver = GraphDatabase.driver(uri, auth=auth,
                                                       notifications_min_severity="OFF")
            try:
                self.driver.verify_connectivity()
                for statement in SCHEMA:
                    self.driver.execute_query(statement, database_=database)
            except BaseException:
                self.driver.close()
                raise

    def read(self, query: LiteralString, **parameters: Any) -> list[dict[str, Any]]:
        with _translated():
            records, _, _ = self.driver.execute_query(
                query, parameters, routing_=RoutingControl.READ, database_=self.database)
        return [record.data() for record in records]

    def write(self, query: LiteralString, **parameters: Any) -> list[dict[str, Any]]:
        with _translated():
            records, _, _ = self.driver.execute_query(query, parameters,
                                                      database_=self.database)
        return [record.data() for record in records]

    def close(self) -> None:
        self.driver.close()


class Neo4jKeyRing:
    """API keys as `AccessKey` nodes (hashed secrets, like the SQLite key ring)."""

    def __init__(self, access: Neo4jAccess) -> None:
        self.access = access

    def create(self, *, name: str, scopes: Iterable[Scope | str],
               quota_per_minute: int | None = None) -> tuple[KeyInfo, str]:
        info, secret = new_key(name=name, scopes=scopes, quota_per_minute=quota_per_minute)
        self.access.write(
            "CREATE (k:AccessKey {key_id: $id, name: $name, scopes: $scopes, "
            "quota_per_minute: $quota, created_at: $created, secret_sha256: $digest})",
            id=info.id, name=info.name, scopes=[s.value for s in info.scopes],
            quota=info.quota_per_minute, created=info.created_at, digest=digest(secret))
        return info, key_text(info.id, secret)

    def authenticate(self, key: str) -> KeyInfo | None:
        parts = split_key(key)
        if parts is None:
            return None
        key_id, secret = parts
        rows = self.access.read(
            "MATCH (k:AccessKey {key_id: $id}) RETURN " + _KEY_FIELDS
            + ", k.secret_sha256 AS digest", id=key_id)
        row = rows[0] if rows else None
        if not matches(secret, row["digest"] if row else None) or row is None \
                or row["revoked_at"] is not None:
            return None
        return _key_info(row)

    def list(self) -> list[KeyInfo]:
        rows = self.access.read("MATCH (k:AccessKey) RETURN " + _KEY_FIELDS
                                + " ORDER BY created_at, id")
        return [_key_info(row) for row in rows]

    def revoke(self, key_id: str) -> KeyInfo:
        rows = self.access.write(
            "MATCH (k:AccessKey {key_id: $id}) SET k.revoked_at = coalesce(k.revoked_at, $now) "
            "RETURN " + _KEY_FIELDS, id=key_id, now=key_time())
        if not rows:
            msg = f"no key with id {key_id!r}"
            raise NotFound(msg, field="id")
        return _key_info(rows[0])


def _append(tx: ManagedTransaction, rows: list[dict[str, Any]]) -> None:
    counter = tx.run("MERGE (c:AccessCounter {name: 'audit'}) ON CREATE SET c.value = 0 "
                     "SET c.value = c.value + $n RETURN c.value AS last", n=len(rows)).single()
    assert counter is not None  # MERGE always returns its node
    first = int(counter["last"]) - len(rows) + 1
    tx.run("UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row "
           "CREATE (e:AuditEntry) SET e = row, e.seq = $first + i",
           rows=rows, first=first)


class Neo4jAuditLog:
    """Audit entries as `AuditEntry` nodes numbered by one shared counter."""

    def __init__(self, access: Neo4jAccess) -> None:
        self.access = access

    def append(self, principal: Principal, changes: Sequence[Change],
               states: Sequence[SubjectState]) -> None:
        if not changes:
            return
        at = now_text()
        rows = [{"at": at, "key_id": principal.key_id, "key_name": principal.name,
                 "action": change.action, "entity_id": change.entity_id,
                 "before": to_json(change.before), "after": to_json(change.after),
                 "subject": state.subject, "state": to_json(state.state)}
                for change, state in zip(changes, states, strict=True)]
        with _translated(), self.access.driver.session(database=self.access.database) as session:
            session.execute_write(_append, rows)

    def entries(self, *, entity_id: str | None = None, key_id: str | None = None,
                before_seq: int | None = None, limit: int = 100) -> list[AuditEntry]:
        rows = self.access.read(
            "MATCH (e:AuditEntry) WHERE ($entity IS NULL OR e.entity_id = $entity) "
            "AND ($key IS NULL OR e.key_id = $key) AND ($before IS NULL OR e.seq < $before) "
            "RETURN e {.*} AS e ORDER BY e.seq DESC LIMIT $limit",
            entity=entity_id, key=key_id, before=before_seq, limit=limit)
        return [AuditEntry(row["e"]["seq"], row["e"]["at"], row["e"].get("key_id"),
                           row["e"]["key_name"], row["e"]["action"], row["e"]["entity_id"],
                           from_json(row["e"].get("before")), from_json(row["e"].get("after")))
                for row in rows]

    def feed(self, *, after_seq: int, limit: int) -> list[FeedEntry]:
        rows = self.access.read(
            "MATCH (e:AuditEntry) WHERE e.seq > $after RETURN e.seq AS seq, e.at AS at, "
            "e.action AS action, e.subject AS subject, e.state AS state "
            "ORDER BY e.seq LIMIT $limit", after=after_seq, limit=limit)
        return [FeedEntry(row["seq"], row["at"], row["action"], row["subject"],
                          from_json(row["state"])) for row in rows]

    def last_seq(self) -> int:
        rows = self.access.read("MATCH (c:AccessCounter {name: 'audit'}) RETURN c.value AS v")
        return int(rows[0]["v"]) if rows else 0

    def touched_since(self, at: str) -> set[str]:
        rows = self.access.read("MATCH (e:AuditEntry) WHERE e.at >= $at "
                                "RETURN DISTINCT e.subject AS subject", at=at)
        return {row["subject"] for row in rows}


_HOOK_FIELDS: LiteralString = (
    "w.webhook_id AS id, w.url AS url, w.secret AS secret, w.cursor AS cursor, "
    "w.created_at AS created_at")


class Neo4jWebhooks:
    """Webhook subscriptions (`Webhook` nodes) and deliveries (`WebhookDelivery`)."""

    def __init__(self, access: Neo4jAccess) -> None:
        self.access = access

    def create(self, *, url: str, cursor: int) -> Webhook:
        hook = new_webhook(url, cursor)
        self.access.write(
            "CREATE (w:Webhook {webhook_id: $id, url: $url, secret: $secret, cursor: $cursor, "
            "created_at: $created, lease_until: ''})", id=hook.id, url=hook.url,
            secret=hook.secret, cursor=hook.cursor, created=hook.created_at)
        return hook

    def all(self) -> list[Webhook]:
        rows = self.access.read("MATCH (w:Webhook) RETURN " + _HOOK_FIELDS
                                + " ORDER BY created_at, id")
        return [Webhook(**row) for row in rows]

    def delete(self, webhook_id: str) -> None:
        rows = self.access.write("MATCH (w:Webhook {webhook_id: $id}) DETACH DELETE w "
                                 "RETURN count(*) AS n", id=webhook_id)
        if not rows or rows[0]["n"] == 0:
            raise missing(webhook_id)

    def claim(self, webhook_id: str, *, now: str, until: str) -> Webhook | None:
        # The SET takes the node's write lock, so two hosts cannot both pass the check.
        rows = self.access.write(
            "MATCH (w:Webhook {webhook_id: $id}) WHERE w.lease_until < $now "
            "SET w.lease_until = $until RETURN " + _HOOK_FIELDS,
            id=webhook_id, now=now, until=until)
        return Webhook(**rows[0]) if rows else None

    def finish(self, webhook_id: str, *, cursor: int) -> None:
        self.access.write(
            "MATCH (w:Webhook {webhook_id: $id}) "
            "SET w.cursor = CASE WHEN w.cursor > $cursor THEN w.cursor ELSE $cursor END, "
            "w.lease_until = ''", id=webhook_id, cursor=cursor)

    def log(self, delivery: Delivery) -> None:
        self.access.write("CREATE (d:WebhookDelivery) SET d = $row", row=vars(delivery))

    def deliveries(self, webhook_id: str, *, limit: int = 100) -> list[Delivery]:
        rows = self.access.read(
            "MATCH (d:WebhookDelivery {webhook_id: $id}) RETURN d {.*} AS d "
            "ORDER BY d.at DESC, d.attempt DESC LIMIT $limit", id=webhook_id, limit=limit)
        return [Delivery(**{"status": None, "error": None, **row["d"]}) for row in rows]
