"""The audit log: every write, who made it, when, and the entity before and after; and,
read oldest first, the change feed partners sync from.

Services report their changes to an `AuditSink` (see `alliance.services.directory`);
`Auditor` is that sink for one principal. Besides the service's own before/after, each
entry keeps the *subject* (the node whose state changed: the entity, or the source of a
relationship) and its whole state after the write (labels, properties, outgoing
relationships; null once deleted). So a partner replays the feed by replacing a node
and its outgoing edges with each state, or deleting it, whatever the action was.

Entries are written right after the store committed the change, in one transaction per
write (a bulk import is one transaction however many entities it touches). If the audit
append itself fails, the request fails with 503 although the graph change stands: the
two live in different databases, and the alternative (auditing before writing) would log
changes that never happened.

Two implementations: `AuditLog` in the access SQLite file (embedded default) and
`alliance.access.neo4j.Neo4jAuditLog` in the shared Neo4j (many hosts, one feed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from alliance.access.database import AccessDB
from alliance.access.scopes import Principal
from alliance.services.directory import Change, snapshot
from alliance.store.base import GraphStore

RELATIONSHIP_ACTIONS = frozenset({"relate", "unrelate"})
"""Actions whose entity id names a relationship (`TYPE:source->target`)."""


@dataclass(frozen=True)
class AuditEntry:
    """One logged change."""

    seq: int
    at: str
    key_id: str | None
    key_name: str
    action: str
    entity_id: str
    before: Any
    after: Any


@dataclass(frozen=True)
class FeedEntry:
    """One change as the feed tells it: the subject node and its state after the write
    (None: deleted)."""

    seq: int
    at: str
    action: str
    subject: str
    state: dict[str, Any] | None


@dataclass(frozen=True)
class SubjectState:
    """What `AuditStore.append` records beside a change: the node it changed, and that
    node's state after the write."""

    subject: str
    state: dict[str, Any] | None


class AuditStore(Protocol):
    """Where audit entries live; `seq` grows with every entry, in commit order."""

    def append(self, principal: Principal, changes: Sequence[Change],
               states: Sequence[SubjectState]) -> None: ...

    def entries(self, *, entity_id: str | None = None, key_id: str | None = None,
                before_seq: int | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first, optionally for one entity or key, older than `before_seq`."""
        ...

    def feed(self, *, after_seq: int, limit: int) -> list[FeedEntry]:
        """Oldest first, after `after_seq`."""
        ...

    def last_seq(self) -> int:
        """The newest entry's seq (0 when the log is empty)."""
        ...

    def touched_since(self, at: str) -> set[str]:
        """Subjects of entries at or after the ISO time `at`."""
        ...


def now_text() -> str:
    """An entry's time: UTC ISO 8601 with microseconds, which sorts as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def to_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                 default=str)


def from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def subject_of(change: Change) -> str:
    """The node whose state a change altered: the entity, or a relationship's source."""
    if change.action in RELATIONSHIP_ACTIONS:
        rel_type, _, ends = change.entity_id.partition(":")
        del rel_type
        return ends.partition("->")[0]
    return change.entity_id


class AuditLog:
    """Audit entries in the access SQLite file."""

    def __init__(self, db: AccessDB) -> None:
        self.db = db

    def append(self, principal: Principal, changes: Sequence[Change],
               states: Sequence[SubjectState]) -> None:
        """Log the changes, in order, in one transaction."""
        if not changes:
            return
        at = now_text()
        rows = [(at, principal.key_id, principal.name, change.action, change.entity_id,
                 to_json(change.before), to_json(change.after), state.subject,
                 to_json(state.state))
                for change, state in zip(changes, states, strict=True)]
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO audit (at, key_id, key_name, action, entity_id, before, after, "
                "subject, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def entries(self, *, entity_id: str | None = None, key_id: str | None = None,
                before_seq: int | None = None, limit: int = 100) -> list[AuditEntry]:
        clauses: list[str] = []
        params: list[str | int] = []
        for column, value in (("entity_id", entity_id), ("key_id", key_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if before_seq is not None:
            clauses.append("seq < ?")
            params.append(before_seq)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT seq, at, key_id, key_name, action, entity_id, before, after "
                f"FROM audit {where} ORDER BY seq DESC LIMIT ?", (*params, limit),
            ).fetchall()
        return [AuditEntry(seq, at, key, name, action, entity, from_json(before),
                           from_json(after))
                for seq, at, key, name, action, entity, before, after in rows]

    def feed(self, *, after_seq: int, limit: int) -> list[FeedEntry]:
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT seq, at, action, entity_id, subject, state FROM audit "
                "WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)).fetchall()
        return [FeedEntry(seq, at, action, subject or entity, from_json(state))
                for seq, at, action, entity, subject, state in rows]

    def last_seq(self) -> int:
        with self.db.reading() as conn:
            row = conn.execute("SELECT MAX(seq) FROM audit").fetchone()
        return int(row[0] or 0)

    def touched_since(self, at: str) -> set[str]:
        with self.db.reading() as conn:
            rows = conn.execute("SELECT DISTINCT COALESCE(subject, entity_id) FROM audit "
                                "WHERE at >= ?", (at,)).fetchall()
        return {row[0] for row in rows}


class Auditor:
    """The audit sink of one request: logs changes as the given principal, with each
    subject's state read back from the store the change was written to."""

    def __init__(self, log: AuditStore, principal: Principal, store: GraphStore) -> None:
        self.log = log
        self.principal = principal
        self.store = store

    @property
    def actor(self) -> str:
        """Who writes, for the `source` of records the API creates."""
        return f"api:{self.principal.name}"

    def _state(self, subject: str) -> dict[str, Any] | None:
        node = self.store.get_node(subject)
        return None if node is None else {"id": node.id, "label": node.label.value,
                                          **snapshot(self.store, node)}

    def record(self, changes: Sequence[Change]) -> None:
        subjects = [subject_of(change) for change in changes]
        states = {subject: self._state(subject) for subject in dict.fromkeys(subjects)}
        self.log.append(self.principal, changes,
                        [SubjectState(subject, states[subject]) for subject in subjects])
