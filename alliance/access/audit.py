"""The audit log: every write, who made it, when, and the entity before and after.

Services report their changes to an `AuditSink` (see `alliance.services.directory`);
`Auditor` is that sink for one principal, appending to the access database. Entries are
written right after the store committed the change, in one SQLite transaction per
write (a bulk import is one transaction however many entities it touches). If the audit
append itself fails, the request fails with 503 although the graph change stands: the
two live in different databases, and the alternative (auditing before writing) would log
changes that never happened.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from alliance.access.database import AccessDB
from alliance.access.scopes import Principal
from alliance.services.directory import Change


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


def _text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                 default=str)


class AuditLog:
    """Append and read audit entries."""

    def __init__(self, db: AccessDB) -> None:
        self.db = db

    def append(self, principal: Principal, changes: Sequence[Change]) -> None:
        """Log the changes, in order, in one transaction."""
        if not changes:
            return
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        rows = [(at, principal.key_id, principal.name, change.action, change.entity_id,
                 _text(change.before), _text(change.after)) for change in changes]
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO audit (at, key_id, key_name, action, entity_id, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def entries(self, *, entity_id: str | None = None, key_id: str | None = None,
                before_seq: int | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first, optionally for one entity or key, older than `before_seq`."""
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
        return [AuditEntry(seq, at, key, name, action, entity,
                           json.loads(before) if before is not None else None,
                           json.loads(after) if after is not None else None)
                for seq, at, key, name, action, entity, before, after in rows]


class Auditor:
    """The audit sink of one request: logs changes as the given principal."""

    def __init__(self, log: AuditLog, principal: Principal) -> None:
        self.log = log
        self.principal = principal

    @property
    def actor(self) -> str:
        """Who writes, for the `source` of records the API creates."""
        return f"api:{self.principal.name}"

    def record(self, changes: Sequence[Change]) -> None:
        self.log.append(self.principal, changes)
