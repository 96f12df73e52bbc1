"""Remembered "did you mean" answers, so the next upload of the same sheet does not ask.

An admin confirms that a name in a file means a stored entity (`苏州园区` is
`park:suzhou-sip`) or rejects a suggested match (it is a different park). The answers
live in a small SQLite file beside the store (graph-independent, like the access
database), keyed by label and the name as normalised for matching.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alliance.errors import BackendUnavailable
from graph_schema.aliases import normalise
from graph_schema.vocabulary import Label

_TABLE = """
CREATE TABLE IF NOT EXISTS match_decisions (
    label TEXT NOT NULL,
    text TEXT NOT NULL,            -- the name as written, normalised (aliases.normalise)
    candidate TEXT NOT NULL,       -- the stored entity's id
    verdict TEXT NOT NULL CHECK (verdict IN ('confirm', 'reject')),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (label, text, candidate)
);
"""


@dataclass(frozen=True)
class Decision:
    label: Label
    text: str
    candidate: str
    confirm: bool
    decided_by: str


class Decisions:
    """The remembered answers: read once per import, written one at a time."""

    def __init__(self, path: Path | str) -> None:
        self.lock = threading.Lock()
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(str(path), isolation_level=None,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_TABLE)
        except sqlite3.Error as exc:
            msg = f"cannot open the match decisions {path}: {exc}"
            raise BackendUnavailable(msg) from exc

    def record(self, decision: Decision) -> None:
        """Remember one answer; confirming a candidate forgets other confirmations of the
        same name (a name means one entity)."""
        text = normalise(decision.text)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        verdict = "confirm" if decision.confirm else "reject"
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            if decision.confirm:
                self._conn.execute(
                    "DELETE FROM match_decisions WHERE label = ? AND text = ? "
                    "AND verdict = 'confirm'", (decision.label.value, text))
            self._conn.execute(
                "INSERT OR REPLACE INTO match_decisions VALUES (?, ?, ?, ?, ?, ?)",
                (decision.label.value, text, decision.candidate, verdict,
                 decision.decided_by, at))
            self._conn.execute("COMMIT")

    def snapshot(self) -> DecisionSet:
        with self.lock:
            rows = self._conn.execute(
                "SELECT label, text, candidate, verdict FROM match_decisions").fetchall()
        out = DecisionSet()
        for label, text, candidate, verdict in rows:
            if verdict == "confirm":
                out.confirmed[(label, text)] = candidate
            else:
                out.rejected.setdefault((label, text), set()).add(candidate)
        return out

    def close(self) -> None:
        with self.lock:
            self._conn.close()


@dataclass
class DecisionSet:
    """Every answer, in memory for one import."""

    confirmed: dict[tuple[str, str], str]
    rejected: dict[tuple[str, str], set[str]]

    def __init__(self) -> None:
        self.confirmed = {}
        self.rejected = {}

    def confirmed_for(self, label: Label, text: str) -> str | None:
        return self.confirmed.get((label.value, normalise(text)))

    def rejected_for(self, label: Label, text: str) -> set[str]:
        return self.rejected.get((label.value, normalise(text)), set())


def decisions_path(db_path: Path) -> Path | str:
    """Beside the store's SQLite file; in memory for an in-memory store (tests)."""
    if str(db_path) == ":memory:":
        return ":memory:"
    return db_path.with_name("match-decisions.sqlite3")
