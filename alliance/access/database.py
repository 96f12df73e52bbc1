"""The access database: one SQLite file holding API keys and the audit log.

It is separate from the graph store so that a Neo4j deployment keeps keys and audit the
same way, and so that no graph query can ever read a key hash. Like the embedded store
it runs in WAL mode with `synchronous=FULL`: an audit entry that was acknowledged is on
disk. One connection per process, shared by threads under a lock (the statements are
tiny primary-key lookups and appends).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alliance.errors import BackendUnavailable
from alliance.settings import Settings

SCHEMA_VERSION = 2

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,             -- JSON list of scope names as granted
    secret_sha256 TEXT NOT NULL,      -- hex digest of the secret part of the key
    quota_per_minute INTEGER,         -- NULL = the settings' default
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT,
    key_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before TEXT,                      -- JSON, NULL when the entity did not exist
    after TEXT,                       -- JSON, NULL when the entity was deleted
    subject TEXT,                     -- the node whose state follows (change feed)
    state TEXT                        -- JSON snapshot of the subject after the write
);
CREATE INDEX IF NOT EXISTS audit_entity ON audit (entity_id, seq);
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,             -- the HMAC key; needed in clear to sign
    cursor INTEGER NOT NULL,          -- the change-feed seq delivered up to
    created_at TEXT NOT NULL,
    lease_until TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    at TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    status INTEGER,                   -- the receiver's HTTP status, NULL when unreachable
    error TEXT,
    ok INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_hook ON webhook_deliveries (webhook_id, seq);
"""

_MIGRATIONS = (
    ("subject", "ALTER TABLE audit ADD COLUMN subject TEXT"),
    ("state", "ALTER TABLE audit ADD COLUMN state TEXT"),
)
"""Columns added since schema version 1 (the change feed), for older files."""


def access_db_path(settings: Settings) -> Path | str:
    """Where keys and the audit log live: `settings.access_db_path` when the settings
    have it, else beside the graph store's SQLite file.

    A store in memory gets an access database in memory too (tests), so nothing is
    written to the working directory.
    """
    explicit = getattr(settings, "access_db_path", None)
    if explicit is not None:
        return Path(explicit)
    if str(settings.db_path) == ":memory:":
        return ":memory:"
    return settings.db_path.with_name("access.sqlite3")


class AccessDB:
    """The SQLite connection, its lock, and one-transaction-per-call helpers."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.lock = threading.Lock()
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(str(path), isolation_level=None,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_TABLES)
            present = {row[1] for row in self._conn.execute("PRAGMA table_info(audit)")}
            for column, statement in _MIGRATIONS:
                if column not in present:
                    self._conn.execute(statement)
            self._conn.execute("CREATE INDEX IF NOT EXISTS audit_at ON audit (at)")
            self._conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                               ("schema_version", str(SCHEMA_VERSION)))
        except sqlite3.Error as exc:
            msg = f"cannot open the access database {path}: {exc}"
            raise BackendUnavailable(msg) from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed before returning (or rolled back)."""
        with self.lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                msg = f"the access database failed: {exc}"
                raise BackendUnavailable(msg) from exc

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for reads, under the lock."""
        with self.lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                msg = f"the access database failed: {exc}"
                raise BackendUnavailable(msg) from exc

    def close(self) -> None:
        with self.lock:
            self._conn.close()
