"""The write log of an EmbeddedStore file: per write, the node ids and relationship keys it
wrote or deleted, kept in the file in the same transaction as the write.

Why: a snapshot (`snapshot.py`) describes the file at one write counter; after writes it
is stale, and an open that could only build from the file took ~110 s of CPU at 10^6
nodes (docs/benchmarks.md, "Compact store (session 7)"). With the log, an open reads the
older snapshot and then only the rows the later writes touched (`Changes`), so a process
killed after writes (`kill -9`, OOM) and a `close` that did not rewrite the snapshot both
leave a file that opens from the snapshot. The log is used only when it holds a row for
every write since the snapshot (a write by a store without a snapshot, or a bulk load by
`write_stream`, logs nothing and so makes older snapshots unusable); rows up to a
snapshot's counter are deleted once that snapshot is on disk.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["TABLE", "Changes", "prune", "record", "since", "size_since"]

TABLE = """
CREATE TABLE IF NOT EXISTS write_log (
    write INTEGER PRIMARY KEY,   -- the write counter the write raised meta's to
    nodes TEXT NOT NULL,         -- JSON list of the ids of the nodes written
    deleted TEXT NOT NULL,       -- JSON list of the ids of the nodes deleted
    relationships TEXT NOT NULL, -- JSON list of [type, source, target, key] written or deleted
    size INTEGER NOT NULL        -- how many ids and keys the three lists hold
)
"""

RelRow = tuple[str, str, str, str]
"""A relationship's primary key in the table: type, source, target, key column text."""

_RECORD = """
INSERT INTO write_log (write, nodes, deleted, relationships, size)
SELECT CAST(value AS INTEGER), ?, ?, ?, ? FROM meta WHERE key = 'writes'
"""


def record(conn: sqlite3.Connection, nodes: Iterable[str], deleted: Iterable[str],
           relationships: Iterable[RelRow]) -> None:
    """Log what the write in the open transaction touched, under the counter it raised
    (call after raising it)."""
    written, dropped, keys = list(nodes), list(deleted), [list(key) for key in relationships]
    conn.execute(_RECORD, (json.dumps(written, ensure_ascii=False),
                           json.dumps(dropped, ensure_ascii=False),
                           json.dumps(keys, ensure_ascii=False),
                           len(written) + len(dropped) + len(keys)))


@dataclass
class Changes:
    """What the writes after a snapshot touched, each id and key once, in the order first
    logged."""

    nodes: dict[str, None] = field(default_factory=dict)
    """Ids of the nodes written."""
    deleted: dict[str, None] = field(default_factory=dict)
    """Ids of the nodes deleted (some may have been written again later)."""
    relationships: dict[RelRow, None] = field(default_factory=dict)
    """Keys of the relationships written or deleted."""


def _complete(conn: sqlite3.Connection, after: int, upto: int) -> bool:
    (count,) = conn.execute("SELECT count(*) FROM write_log WHERE write > ? AND write <= ?",
                            (after, upto)).fetchone()
    return bool(count == upto - after)


def since(conn: sqlite3.Connection, after: int, upto: int) -> Changes | None:
    """What the writes numbered after `after` up to `upto` (the file's counter) touched;
    None when the log misses one of them."""
    if after > upto or not _complete(conn, after, upto):
        return None
    changes = Changes()
    for nodes, deleted, relationships in conn.execute(
            "SELECT nodes, deleted, relationships FROM write_log "
            "WHERE write > ? AND write <= ? ORDER BY write", (after, upto)):
        changes.nodes.update(dict.fromkeys(json.loads(nodes)))
        changes.deleted.update(dict.fromkeys(json.loads(deleted)))
        changes.relationships.update(dict.fromkeys(map(tuple, json.loads(relationships))))
    return changes


def size_since(conn: sqlite3.Connection, after: int, upto: int) -> int | None:
    """How many ids and keys the writes after `after` up to `upto` logged (counted
    again for every write that touched them); None when the log misses one of them."""
    if after > upto or not _complete(conn, after, upto):
        return None
    (size,) = conn.execute("SELECT coalesce(sum(size), 0) FROM write_log "
                           "WHERE write > ? AND write <= ?", (after, upto)).fetchone()
    return int(size)


def prune(conn: sqlite3.Connection, upto: int) -> None:
    """Forget the writes up to `upto`: a snapshot at that counter is on disk."""
    conn.execute("DELETE FROM write_log WHERE write <= ?", (upto,))
