"""EmbeddedStore: one SQLite file is the durable truth, a compact graph the read index.

Durability. Every `write` call is one SQLite transaction (`BEGIN IMMEDIATE` ... `COMMIT`)
in WAL mode with `synchronous=FULL`: the WAL is fsynced at every commit, so a write that
returned survives not only `kill -9` of this process but also an OS crash or power loss.
WAL with `synchronous=NORMAL` would survive `kill -9` too (the committed frames sit in the
OS page cache) but may lose the last transactions when the machine itself goes down, and
the architecture promises that no acknowledged write is lost. FULL costs one fsync per
write call (on the development VM 0.5-3 ms: a few hundred to ~2,000 single-node writes/s,
against 2,500-6,500 with NORMAL); a bulk import is one call and pays it once.
(`synchronous="NORMAL"` stays available as a constructor option for throwaway stores.)

Only after COMMIT is the same change applied to the in-memory graph, so a reader never
sees a write that is not durable, and a failed write leaves the graph untouched.

In-memory layout, a contract with `alliance.store.embedded.queries` (and anyone reading
`store.graph`, always under `store.lock.reading()` or `store.lock`):

- `graph`: an `adjacency.Graph`: node id -> NodeRecord, and per node its outgoing and
  incoming relationships grouped by type, as arrays of node numbers with RelRecords
  built on read (see that module for why, and what it costs).
- `by_label`: label or role label ("Park", "Broker") -> ids of the nodes carrying it.

Records handed out are the ones in the graph: treat them as read-only. Equal relationship
property maps are one shared dict (most types have a handful of distinct ones).

One process owns a store file: it holds an OS lock on it (`alliance.store.file_lock`),
and a second opener is refused naming the holder's pid. A `read_only` store takes no
lock, refuses writes and sees the file as it was when opened.

Speed. Opening reads the snapshot beside the file when it fits the file (`snapshot.py`:
node records, label sets, relationship arrays and the evidence index; only `meta` is
read from the file), else the nodes (JSON decoded a chunk at a time), one primary-key
range per relationship type into arrays, and builds the index; a writer then writes the
snapshot. Every write logs the ids and keys it touched in the same transaction
(`write_log`), so a snapshot older than the file is still used: the logged rows are read
again and applied (`_replay`), after a clean stop or a kill alike. `close` rewrites the
snapshot (from the graph as it is) only when the log since it is long (`_REPLAY_SHARE`)
or replaying it was slow (`_REPLAY_SECONDS`).
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import gc
import json
import logging
import pickle
import sqlite3
import sys
import threading
import time
import uuid
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from enum import Enum
from itertools import groupby
from operator import attrgetter, itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import orjson

from alliance.errors import BackendUnavailable, Conflict, Invalid, NotFound
from alliance.store.base import (
    MAX_PAGE,
    CandidateRow,
    CollaboratorEvidence,
    CollaboratorFilter,
    GraphCounts,
    GraphPath,
    LandingFilter,
    Neighbour,
    NumberedSet,
    ParkEvidence,
    ParkFacts,
    ScoreColumns,
    SearchHit,
    WriteBatch,
)
from alliance.store.embedded import index as evidence_index
from alliance.store.embedded import names, queries, write_log
from alliance.store.embedded import people as people_queries
from alliance.store.embedded import snapshot as snapshots
from alliance.store.embedded.adjacency import (
    TYPES,
    Compact,
    Graph,
    key_of,
    new_node,
    new_stored_node,
)
from alliance.store.file_lock import StoreFileLock
from alliance.store.graph_paths import graph_path, simple_paths
from alliance.store.rwlock import ReadWriteLock
from alliance.store.search import normalise_query
from graph_schema.records import NodeRecord, RelKey, RelRecord, StoredNodeRecord, TextPacker
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType, Role

__all__ = ["SCHEMA_VERSION", "EmbeddedStore"]

SCHEMA_VERSION = 1
"""Version of the table layout below, kept in `meta`; a different version refuses to open."""

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    labels TEXT NOT NULL,        -- JSON list, sorted, primary label included
    properties TEXT NOT NULL     -- JSON object
);
CREATE TABLE IF NOT EXISTS relationships (
    type TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    target TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    key TEXT NOT NULL,           -- JSON list of the type's key property values
    properties TEXT NOT NULL,    -- JSON object
    PRIMARY KEY (type, source, target, key)
) WITHOUT ROWID;
"""

_UPSERT_NODE = """
INSERT INTO nodes (id, label, labels, properties) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE
SET label = excluded.label, labels = excluded.labels, properties = excluded.properties
"""
_INSERT_NODE = "INSERT INTO nodes (id, label, labels, properties) VALUES (?, ?, ?, ?)"
_UPSERT_REL = """
INSERT INTO relationships (type, source, target, key, properties) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (type, source, target, key) DO UPDATE SET properties = excluded.properties
"""
_DELETE_REL = "DELETE FROM relationships WHERE type = ? AND source = ? AND target = ? AND key = ?"
_DELETE_NODE = "DELETE FROM nodes WHERE id = ?"  # its relationships go by ON DELETE CASCADE
_COUNT_WRITE = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'writes'"
"""Raised in the transaction of every write: a snapshot stamped with an older count
describes a file that has changed since (`alliance.store.embedded.snapshot`)."""

_REPLAY_SHARE = 200
"""While the ids and keys logged since the snapshot (`write_log`) are at most one per
this many nodes, `close` leaves the snapshot as it is and every open replays them (at
10^5 nodes 1-3 s of CPU for 200-10,000 of them, mostly the index's update); more, and
close rewrites it (at 10^6 ~1 min of CPU and +1.4 GB; docs/benchmarks.md "Compact store
(session 7)")."""

_REPLAY_SECONDS = 1.0
"""When the open's replay took more CPU seconds than this, `close` rewrites the snapshot
however short the log (else every later open would pay it again: a write of 100 COVERS
to cities replays in ~4 s at 10^6, the index refreshing everyone covering them)."""

_SMALL_CHANGE = 64
"""Up to this many membership changes per label and write, sorted id lists are patched
in place; more, and the list is dropped and rebuilt by the next list_nodes."""

_NAMES_PATCHED = 256
"""Up to this many nodes per write, the name index is patched in place; more, and it is
dropped and built again by the next search (patching costs a list insert per name)."""

_BUSY_TIMEOUT_MS = 5000
_CACHE_KIB = 64 * 1024
"""SQLite page cache per connection: big batches and index inserts stay in memory."""

_SCAN_CACHE_KIB = 2 * 1024
"""The page cache while an open reads every row once, in order (a bigger one would only
hold pages that are not read again, and stay resident)."""

_BULK_CACHE_KIB = 256 * 1024
"""The page cache of a streamed load (`write_stream`): its B-tree pages stay in memory."""

_END_INDEXES = tuple(
    (f"relationships_{end}", f"CREATE INDEX IF NOT EXISTS relationships_{end} "
                             f"ON relationships ({end})") for end in ("source", "target"))
"""The relationships' end indexes (created with `_TABLES`), which a load into an empty
table drops and builds again after its rows."""

_COLD_LABELS = frozenset({Label.COMPANY, Label.ORGANIZATION})
"""Labels whose nodes the graph holds with their properties as stored text, decoded on
each read (`StoredNodeRecord`): no evidence question or index reads their properties
(the index reads people, parks, policies, skills, industries, cities; landing reads
referrals' stages), and they are half the nodes; a decoded map is 3-4x its text, and the
text ~6x what a `TextPacker` packs it to (see `_pack_cold`)."""
_COLD_NAMES = frozenset(label.value for label in _COLD_LABELS)

_PACK_AT_LEAST = 1_000
"""Cold records a build from the file must find to pack their texts (`TextPacker`)."""
_PACK_SAMPLES = 64
"""Texts spread over the cold records that make the packer's dictionary."""

_set_text, _set_packer = (StoredNodeRecord.__dict__[name].__set__ for name in ("text", "packer"))

_LOAD_CHUNK = 10_000
"""Rows fetched and JSON-decoded together at open (one parse per chunk, not per row)."""

_LOOKUP = 500
"""Ids per `IN (...)` lookup (SQLite allows 32,766 parameters; shorter is as fast)."""

_BULK = 1_000
"""Writes of at least this many records run with the garbage collector paused."""

_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, allow_nan=False).encode
_LABELS: dict[str, Label] = {label.value: label for label in Label}
_REL_TYPES: dict[str, tuple[RelType, str, tuple[str, ...]]] = {
    rel_type.value: (rel_type, rel_type.value, spec.key) for rel_type, spec in REL_SPECS.items()
}
"""Type name -> (enum, the one name string, key property names): the hot paths' lookups."""

Synchronous = Literal["FULL", "NORMAL"]
_log = logging.getLogger(__name__)


@contextmanager
def _translated() -> Iterator[None]:
    """sqlite3 errors as alliance errors, so callers handle one exception tree."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        msg = f"the store refused the write: {exc}"
        raise Conflict(msg) from exc
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            msg = f"the store is busy ({text}); retry"
        else:
            msg = f"the store failed: {text}"
        raise BackendUnavailable(msg) from exc
    except sqlite3.Error as exc:
        msg = f"the store failed: {exc}"
        raise BackendUnavailable(msg) from exc


def _return_free_memory() -> None:
    """Hand the heap's free pages back to the OS (glibc's `malloc_trim`; elsewhere
    nothing): an open frees its temporaries (row chunks, JSON texts, sort buffers)
    among the objects it keeps, and without this they stay resident."""
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


@contextmanager
def _gc_paused(pause: bool = True) -> Iterator[None]:
    """No cyclic garbage collection meanwhile: building hundreds of thousands of records
    would otherwise set off collections that rescan the growing heap again and again
    (the records hold no cycles; reference counting still frees them)."""
    collecting = pause and gc.isenabled()
    if collecting:
        gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


_FAST_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
                 | orjson.OPT_PASSTHROUGH_DATACLASS)


def _json(value: Any, what: str) -> str:
    """Stable JSON text of a value (keys sorted); Invalid when it is not plain JSON data.

    orjson first (a third of the json module's time, compact separators); whatever it
    refuses or might have written differently goes to the json module, which decides
    as before: orjson writes NaN and infinities as `null` (so a text holding `null`
    is redone), and refuses integers beyond 64 bits, non-string keys and lone
    surrogates."""
    try:
        fast = orjson.dumps(value, option=_FAST_OPTIONS)
    except TypeError:
        fast = b"null"
    if b"null" not in fast:
        return fast.decode()
    try:
        return _ENCODE(value)
    except (TypeError, ValueError) as exc:
        msg = f"{what} cannot be stored: {exc}"
        raise Invalid(msg, field="properties") from exc


def _key_text(key: RelKey) -> str:
    """The key column: always the json module's text (the primary key matches texts)."""
    if not key[3]:
        return "[]"
    try:
        return _ENCODE(list(key[3]))
    except (TypeError, ValueError) as exc:
        msg = f"relationship key cannot be stored: {exc}"
        raise Invalid(msg, field="properties") from exc


def _node_row(node: NodeRecord, packer: TextPacker | None
              ) -> tuple[tuple[str, str, str, str], NodeRecord]:
    """The table row of a node and the record the graph will hold (decoded from that row,
    so the graph holds exactly what a reopen would load; a cold one's text packed by the
    store's packer, if it has one)."""
    label = _label_of(node)
    labels = sorted({*node.labels, label.value})
    properties = _json(node.properties, f"node {node.id!r}")
    node_id = sys.intern(node.id)
    record: NodeRecord
    if label not in _COLD_LABELS:
        record = NodeRecord(node_id, label, frozenset(labels), json.loads(properties))
    elif packer is None:
        record = StoredNodeRecord(node_id, label, frozenset(labels), properties.encode())
    else:
        record = new_stored_node(node_id, label, frozenset(labels),
                                 packer.pack(properties.encode()), packer)
    return (node_id, label.value, json.dumps(labels), properties), record


def _label_of(node: NodeRecord) -> Label:
    label = _LABELS.get(node.label)
    if label is None:
        msg = f"node {node.id!r} has an unknown label {node.label!r}"
        raise Invalid(msg, field="label")
    return label


_EMPTY: dict[str, Any] = {}
"""The property map of every relationship without properties (shared: never changed)."""

_SHARED_PER_TYPE = 1_024
"""Distinct property maps shared per relationship type (see `_PropertyMaps`)."""


class _PropertyMaps:
    """One dict per distinct property text and type, for up to _SHARED_PER_TYPE texts:
    most types repeat a handful (HAS_SKILL's five levels, HOSTS' strengths), so their
    edges share a map instead of holding one each (a 1-key dict is ~180 bytes); a type
    whose maps all differ (a deal per COLLABORATED_WITH) just stops adding at the cap."""

    def __init__(self) -> None:
        self._maps: dict[str, dict[str, dict[str, Any]]] = {}

    def of(self, type_name: str) -> dict[str, dict[str, Any]]:
        """The shared maps of a type, by JSON text."""
        return self._maps.setdefault(type_name, {})

    def keep(self, maps: dict[str, dict[str, Any]], text: str,
             properties: dict[str, Any]) -> dict[str, Any]:
        if len(maps) < _SHARED_PER_TYPE:
            maps[text] = properties
        return properties

    def shared(self, type_name: str, text: str) -> dict[str, Any]:
        """The map of this JSON text: the shared one, or a decoded (and kept) one."""
        if text == "{}":
            return _EMPTY
        maps = self.of(type_name)
        found = maps.get(text)
        if found is None:
            found = self.keep(maps, text, json.loads(text))
        return found


def _rel_row(rel: RelRecord, maps: _PropertyMaps
             ) -> tuple[tuple[str, str, str, str, str], RelRecord]:
    """The table row of a relationship, and the record the graph will hold (with the
    shared property map of its text, so it holds exactly what a reopen would load)."""
    rel_type, type_name, _ = _rel_type_of(rel)
    source, target = sys.intern(rel.source), sys.intern(rel.target)
    properties = (_json(rel.properties, f"{type_name} {source}->{target}")
                  if rel.properties else "{}")
    record = RelRecord(rel_type, source, target, maps.shared(type_name, properties))
    return (type_name, source, target, _key_text(key_of(record)), properties), record


def _rel_type_of(rel: RelRecord) -> tuple[RelType, str, tuple[str, ...]]:
    found = _REL_TYPES.get(str(rel.type))
    if found is None:
        msg = f"unknown relationship type {rel.type!r}"
        raise Invalid(msg, field="type")
    return found


class _StreamRows:
    """Table rows of a streamed load's batches, and what the end checks need: the label
    of every node this stream wrote (so an end written by an earlier batch is found
    without a query). No records are built (the graph is reloaded from the file after
    COMMIT)."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self._label_texts: dict[tuple[Label, frozenset[str]], str] = {}

    def nodes(self, nodes: Sequence[NodeRecord]) -> list[tuple[str, str, str, str]]:
        """The rows by id (stable: of two with one id the later still wins)."""
        rows = []
        texts, labels = self._label_texts, self.labels
        for node in nodes:
            label = _label_of(node)
            key = (label, frozenset(node.labels))
            text = texts.get(key)
            if text is None:
                text = texts[key] = json.dumps(sorted({*node.labels, label.value}))
            rows.append((node.id, label.value, text,
                         _json(node.properties, f"node {node.id!r}")))
            labels[node.id] = label.value
        rows.sort(key=itemgetter(0))
        return rows

    @staticmethod
    def relationships(relationships: Sequence[RelRecord]
                      ) -> list[tuple[str, str, str, str, str]]:
        """The rows in key order (B-tree pages then fill in sequence)."""
        rows = []
        for rel in relationships:
            _, type_name, names = _rel_type_of(rel)
            source, target, props = rel.source, rel.target, rel.properties
            key = (_key_text((type_name, source, target,
                              tuple(props.get(name) for name in names)))
                   if names else "[]")
            rows.append((type_name, source, target, key,
                         _json(props, f"{type_name} {source}->{target}") if props else "{}"))
        rows.sort(key=itemgetter(0, 1, 2, 3))
        return rows

    def ends_fit(self, rows: Sequence[tuple[str, str, str, str, str]]) -> bool:
        """Whether every end of these rows (in key order) is a node this stream wrote,
        with a label its type may join: per type and end one pass of C loops (`map`,
        `issuperset`). When not, `_check_ends` decides and names the first refusal."""
        labels = self.labels.get
        for type_name, group in groupby(rows, itemgetter(0)):
            part = list(group)
            spec = REL_SPECS[_REL_TYPES[type_name][0]]
            if not (spec.sources.issuperset(map(labels, map(_second, part)))
                    and spec.targets.issuperset(map(labels, map(_third, part)))):
                return False
        return True


_REPEATS = 4_096
"""Distinct string values per property name shared at open (see `_Repeats`)."""


class _Repeats:
    """One string object per distinct value of a property, in the maps an open decodes
    (as_of, source, stage, roles' names, ...: the json module makes a new string per
    value, ~55 bytes each, most of them repeats); a property with more than `_REPEATS`
    distinct values (names, e-mail addresses) is left alone after that."""

    def __init__(self) -> None:
        self._values: dict[str, dict[str, str]] = {}
        self._varied: set[str] = set()

    def shared(self, maps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The maps, their string values (and strings in list values) replaced in
        place by the first equal string seen."""
        values, varied = self._values, self._varied
        for properties in maps:
            for name, value in properties.items():
                kind = type(value)
                if (kind is not str and kind is not list) or name in varied:
                    continue
                seen = values.get(name)
                if seen is None:
                    seen = values[name] = {}
                if kind is str:
                    found = seen.get(value)
                    if found is not None:
                        properties[name] = found
                        continue
                    seen[value] = value
                else:
                    for at, item in enumerate(value):
                        if type(item) is str:
                            value[at] = seen.setdefault(item, item)
                if len(seen) > _REPEATS:
                    varied.add(name)
                    del values[name]
        return maps


class _Numbers(dict[str, int]):
    """id -> node number (the order the nodes were read in), with `ids` the reverse; an
    id not there (a dangling end, which foreign keys prevent) gets the next number."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    @classmethod
    def of(cls, ids: list[str]) -> _Numbers:
        numbers = cls()
        numbers.update(zip(ids, range(len(ids)), strict=True))
        numbers.ids = ids
        return numbers

    def add(self, node_id: str) -> None:
        self[node_id] = len(self.ids)
        self.ids.append(node_id)

    def __missing__(self, key: str) -> int:
        self.add(key)
        return self[key]


_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)

def _decode_many(texts: list[bytes]) -> list[Any]:
    """Many UTF-8 JSON texts in one parse: far cheaper than a json.loads call per row
    (the json module, not orjson: orjson reads integers beyond 64 bits, which old
    versions may have stored, as floats)."""
    decoded: list[Any] = json.loads(b"[" + b",".join(texts) + b"]")
    return decoded


def _decode_texts(texts: list[str]) -> list[Any]:
    """`_decode_many` of str texts."""
    decoded: list[Any] = json.loads(f"[{','.join(texts)}]")
    return decoded


_ends = attrgetter("source", "target")
"""A relationship's (source, target), read by C code (the sort key of `relationships_of`)."""


def _normal_key(key: RelKey) -> RelKey:
    """A RelKey with a plain-str type, equal and hash-equal to the graph's edge key."""
    return (str(key[0]), key[1], key[2], tuple(key[3]))


def _plain(value: Any) -> Any:
    """A filter value as properties store it (enum value, ISO date)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _same(stored: Any, wanted: Any) -> bool:
    """Equality that, like Cypher, never takes a bool for a number."""
    return stored == wanted and isinstance(stored, bool) == isinstance(wanted, bool)


def _matches(properties: dict[str, Any], filters: list[tuple[str, Any]]) -> bool:
    """Every filter holds: equal, or contained in a list property; None = property absent."""
    for name, wanted in filters:
        stored = properties.get(name)
        if wanted is None:
            if stored is not None:
                return False
        elif not (
            _same(stored, wanted)
            or (isinstance(stored, list) and any(_same(item, wanted) for item in stored))
        ):
            return False
    return True


class EmbeddedStore:
    """The GraphStore over one SQLite file (or ":memory:"), read through a compact graph.

    `lock` guards the graph: readers share it (`lock.reading()`, so they never wait for
    each other), the post-commit graph update takes it alone, so a reader never sees
    half a write; the fsync of a commit (under a separate write lock) never blocks
    readers.
    """

    backend: str = "embedded"

    def __init__(self, path: Path | str, *, synchronous: Synchronous = "FULL",
                 read_only: bool = False, snapshot: bool = True) -> None:
        """`read_only`: no file lock (another process may be its writer) and every write
        refused; the graph is the file as it was at open. `snapshot`: read the arrays
        and index from `<path>.snapshot` when it fits the file, and (unless read-only)
        write it after building them from the file (see `alliance.store.embedded.
        snapshot`)."""
        self.path = path
        self.read_only = read_only
        self.lock = ReadWriteLock()
        self._write_lock = threading.Lock()
        self._closed = False
        self.graph = Graph()
        self.by_label: dict[str, set[str]] = {}
        self._maps = _PropertyMaps()
        self._sorted_ids: dict[str, list[str]] = {}
        self._names: names.NameIndex | None = None
        """What `search` reads; built by the first search, kept by every write (dropped
        by a large one, to be built again by the next search)."""
        self.index = evidence_index.EvidenceIndex()
        """What the evidence questions read; rebuilt at open, updated by every write."""
        memory = str(path) == ":memory:"
        self._snapshot = None if memory or not snapshot else snapshots.path_of(Path(path))
        self._packer: TextPacker | None = None
        """Packs the cold records' texts: made of samples at a build from the file."""
        self._snapshot_writes: int | None = None
        """The write counter of the snapshot last read or written (see `close`)."""
        self._replay_seconds = 0.0
        """CPU seconds the open spent replaying the write log (see `close`)."""
        self._synchronous = synchronous
        if not memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._file_lock = None if memory or read_only else StoreFileLock(path)
        try:
            with _translated():
                self._conn = sqlite3.connect(
                    str(path), isolation_level=None, check_same_thread=False
                )
                try:
                    self._open(synchronous)
                    self._load()
                except BaseException:
                    self._conn.close()
                    raise
        except BaseException:
            if self._file_lock is not None:
                self._file_lock.release()
            raise

    # ----------------------------------------------------------------- lifecycle

    def _open(self, synchronous: Synchronous) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {'FULL' if synchronous == 'FULL' else 'NORMAL'}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in (*_TABLES.split(";"), write_log.TABLE):
                if statement.strip():
                    conn.execute(statement)
            for _, statement in _END_INDEXES:
                conn.execute(statement)
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)",
                         (uuid.uuid4().hex,))
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('writes', '0')")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        (version,) = conn.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if version != str(SCHEMA_VERSION):
            msg = (f"{self.path} has store schema version {version}; "
                   f"this code reads version {SCHEMA_VERSION}")
            raise BackendUnavailable(msg)

    def _load(self) -> None:
        """Build the graph and indexes from the tables (the whole store, once, at open),
        or read the relationships and index from a snapshot that fits the file; all in
        one read transaction, so what is read is one state of the file (a read-only
        store may have a writer). After a build, a writer writes the snapshot.

        The garbage collector is paused meanwhile (see `_gc_paused`); then the loaded
        objects are frozen out of future collections (`gc.freeze`): they live as long as
        the store and hold no cycles, so scanning them would only cost pauses of a second
        or more; reference counting still frees whatever a later write drops.
        """
        conn = self._conn
        with _gc_paused():
            try:
                with _translated():
                    conn.execute(f"PRAGMA cache_size = -{_SCAN_CACHE_KIB}")
                    conn.execute("BEGIN")
                    try:
                        store_id, writes = self._stamp()
                        stamp = snapshots.Stamp(store_id, writes, snapshots.code_fingerprint())
                        built = not self._read_snapshot(stamp)
                        if built:
                            self._load_relationships(self._load_nodes())
                            self.index = evidence_index.build(self.graph)
                    finally:
                        conn.execute("COMMIT")
                        conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
                        conn.execute("PRAGMA shrink_memory")
                if built and not self.read_only:
                    self._write_snapshot(stamp, self.graph.compact)
            finally:
                gc.freeze()
                _return_free_memory()

    def _stamp(self) -> tuple[str, int]:
        """The store's id and write counter (see `_COUNT_WRITE`)."""
        meta = dict(self._conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('store_id', 'writes')").fetchall())
        return meta["store_id"], int(meta["writes"])

    def _read_snapshot(self, stamp: snapshots.Stamp) -> bool:
        """Take the graph and index from the snapshot when it is the file's (`stamp`), or
        an older one of this store and code that the write log covers since (then the
        logged changes are read from the file: `_replay`)."""
        if self._snapshot is None:
            return False
        changes: list[write_log.Changes] = []

        def fits(found: snapshots.Stamp) -> bool:
            if found == stamp:
                return True
            if found != replace(stamp, writes=found.writes):
                return False
            logged = write_log.since(self._conn, found.writes, stamp.writes)
            if logged is None:
                return False
            changes.append(logged)
            return True

        read = snapshots.read(self._snapshot, fits)
        if read is None:
            return False
        found, contents = read
        self.graph = Graph(contents.nodes)
        self.graph.attach(contents.compact)
        self.by_label = {label: set(ids) for label, ids in contents.labels.items()}
        self.index = contents.index
        self._packer = contents.packer
        self._snapshot_writes = found.writes
        if changes:
            started = time.process_time()
            self._replay(changes[0])
            self._replay_seconds = time.process_time() - started
        return True

    def _write_snapshot(self, stamp: snapshots.Stamp, compact: Compact) -> None:
        """The snapshot of the graph with these arrays (a failure to write it costs only
        the next open's time, so it is logged, not raised). Label lists are in node
        order, so that the next open's sets are built as a build from the file builds
        them."""
        if self._snapshot is None:
            return
        labels: dict[str, list[str]] = {}
        for node_id, record in self.graph.nodes.items():
            for name in record.labels:
                found = labels.get(name)
                if found is None:
                    found = labels[name] = []
                found.append(node_id)
        try:
            snapshots.write(self._snapshot, stamp, snapshots.Contents(
                self.graph.nodes, labels, compact, self.index, self._packer))
        except (OSError, pickle.PicklingError) as exc:
            _log.warning("could not write the snapshot %s: %s", self._snapshot, exc)
            return
        self._snapshot_writes = stamp.writes
        try:
            with _translated():
                write_log.prune(self._conn, stamp.writes)
        except BackendUnavailable as exc:  # kept rows only take room
            _log.warning("could not prune the write log: %s", exc)

    def _save_snapshot(self) -> None:
        """At close: write the snapshot of the graph as it is when writes came after the
        last snapshot read or written (so that the next open need not build from the
        file). The write lock is held: no write is under way."""
        if self._snapshot is None or self.read_only:
            return
        try:
            with _translated():
                store_id, writes = self._stamp()
                if writes == self._snapshot_writes:
                    return
                logged = (None if self._snapshot_writes is None else
                          write_log.size_since(self._conn, self._snapshot_writes, writes))
                if (logged is not None and logged * _REPLAY_SHARE <= len(self.graph)
                        and self._replay_seconds <= _REPLAY_SECONDS):
                    return  # the next open replays them (`_replay`)
                if self._synchronous != "FULL":  # the commits on disk before the stamp
                    self._conn.execute("PRAGMA wal_checkpoint(FULL)")
        except BackendUnavailable as exc:
            _log.warning("no snapshot written at close: %s", exc)
            return
        with _gc_paused():
            compact = self.graph.flattened(lambda rel: _key_text(key_of(rel)),
                                           lambda properties: _json(properties, "a map"))
            self._write_snapshot(snapshots.Stamp(store_id, writes,
                                                 snapshots.code_fingerprint()), compact)

    def _replay(self, changes: write_log.Changes) -> None:
        """Bring the graph and index read from an older snapshot up to the file: the
        logged nodes and relationships are read again from the tables and applied as a
        write applies them (`_apply`'s steps), and the lists and label sets they changed
        put in the order a build from the file gives them (by node, then the table's key
        order), so that the open holds exactly what a build would.

        Nodes ever deleted go first, with their relationships (the file dropped those by
        cascade; the ones it holds since were written since, so they are logged). New
        nodes are added in the table's row order (the order a build reads them in)."""
        conn, graph = self._conn, self.graph
        wanted = list({**changes.nodes, **changes.deleted})
        rows: list[tuple[int, str, str, str, bytes]] = []
        for start in range(0, len(wanted), _LOOKUP):
            part = wanted[start:start + _LOOKUP]
            rows += conn.execute(
                "SELECT rowid, id, label, labels, CAST(properties AS BLOB) FROM nodes "
                f"WHERE id IN ({','.join('?' * len(part))})", part).fetchall()
        rows.sort(key=_first)
        touched = set(wanted)
        written = set(wanted)  # `evidence_index.apply`'s `changed`
        changed: dict[str, list[tuple[str, bool]]] = {}
        for node_id in changes.deleted:
            dropped = graph.drop_node(node_id)
            if dropped is not None:
                record, neighbours = dropped
                touched |= neighbours
                written |= neighbours
                self._index_node(record, None, changed)
        appended: set[str] = set()
        for _, node_id, label_name, labels_text, text in rows:
            record = self._record_of(node_id, label_name, labels_text, text)
            old = graph.put_node(record)
            if old is None:
                appended.add(node_id)
            self._index_node(old, record, changed)
        for type_name, source, target, key in changes.relationships:
            touched.update((source, target))
            if type_name in evidence_index.CHANGES_SOURCE:  # a str enum: the names match
                written.add(source)
            found = conn.execute(
                "SELECT properties FROM relationships "
                "WHERE type = ? AND source = ? AND target = ? AND key = ?",
                (type_name, source, target, key)).fetchone()
            if found is None:
                graph.drop_rel((type_name, source, target, tuple(json.loads(key))))
                continue
            rel_type = _REL_TYPES[type_name][0]
            graph.put_rel(RelRecord(rel_type, sys.intern(source), sys.intern(target),
                                    self._maps.shared(type_name, found[0])))
        graph.in_table_order(lambda rel: _key_text(key_of(rel)))
        self._in_node_order({label for label, moves in changed.items()
                             if any(not added or node_id not in appended
                                    for node_id, added in moves)})
        evidence_index.apply(self.index, graph, touched, written)

    def _record_of(self, node_id: str, label_name: str, labels_text: str, text: bytes
                   ) -> NodeRecord:
        """The record a build from the file makes of a node row (a cold one's text packed
        by the store's packer, as a write packs it)."""
        label, labels = _LABELS[label_name], frozenset(json.loads(labels_text))
        if label not in _COLD_LABELS:
            return new_node(node_id, label, labels, json.loads(text))
        if self._packer is None:
            return new_stored_node(node_id, label, labels, text)
        return new_stored_node(node_id, label, labels, self._packer.pack(text), self._packer)

    def _in_node_order(self, labels: AbstractSet[str]) -> None:
        """Make the sets of these labels again in node order, as a build from the file
        adds to them (a set's iteration order depends on its history); drop empty ones."""
        if not labels:
            return
        ordered: dict[str, set[str]] = {label: set() for label in labels}
        for node_id, record in self.graph.nodes.items():
            for name in record.labels:
                found = ordered.get(name)
                if found is not None:
                    found.add(node_id)
        for label, ids in ordered.items():
            if ids:
                self.by_label[label] = ids
            else:
                self.by_label.pop(label, None)

    def _load_nodes(self) -> _Numbers:
        """Every node (in table order); returns their numbers, for the relationships'
        arrays. Nodes of `_COLD_LABELS` keep their UTF-8 text."""
        label_sets: dict[str, frozenset[str]] = {}
        nodes = self.graph.nodes
        cursor = self._conn.execute(
            "SELECT id, label, labels, CAST(properties AS BLOB) FROM nodes")
        cold = _COLD_NAMES
        repeats = _Repeats()
        while rows := cursor.fetchmany(_LOAD_CHUNK):
            decoded = iter(repeats.shared(_decode_many(
                [row[3] for row in rows if row[1] not in cold])))
            for node_id, label_name, labels_text, text in rows:
                labels = label_sets.get(labels_text)
                if labels is None:
                    labels = label_sets[labels_text] = frozenset(json.loads(labels_text))
                label = _LABELS[label_name]
                if label_name in cold:
                    nodes[node_id] = new_stored_node(node_id, label, labels, text)
                else:
                    properties = next(decoded)
                    if properties.get("id") == node_id:  # the same string, not a copy
                        properties["id"] = node_id
                    nodes[node_id] = new_node(node_id, label, labels, properties)
                for name in labels:
                    self.by_label.setdefault(name, set()).add(node_id)
        self._pack_cold()
        return _Numbers.of(list(nodes))

    def _pack_cold(self) -> None:
        """Pack the texts of the cold records just read, with a packer made of samples
        spread over them (`_PACK_SAMPLES`); nothing when there are too few to be worth
        it (the next build from the file packs them)."""
        cold = [record for record in self.graph.nodes.values()
                if type(record) is StoredNodeRecord]
        if len(cold) < _PACK_AT_LEAST:
            return
        step = len(cold) // _PACK_SAMPLES
        packer = self._packer = TextPacker.of([record.text for record in cold[::step]])
        pack = packer.pack
        for record in cold:
            _set_text(record, pack(record.text))
            _set_packer(record, packer)

    def _load_relationships(self, numbers: _Numbers) -> None:
        """One query per type (a primary-key range, no type text per row), in the graph's
        type order, into arrays of node numbers (`adjacency.Compact`): per row only C
        loops run (`map`, `array.extend`). The first `_SHARED_PER_TYPE` distinct property
        texts of a type are decoded once and shared (as writes share them); texts after
        those (a deal per COLLABORATED_WITH) are kept as UTF-8, out of line."""
        runs: list[tuple[int, array[int], array[int], array[int]]] = []
        maps: list[dict[str, Any]] = [_EMPTY]
        texts, text_at = bytearray(), array("q", [0])
        number_of = numbers.__getitem__
        for order, rel_type in enumerate(TYPES):
            type_name = rel_type.value
            shared = self._maps.of(type_name)
            known: dict[str, int] = {"{}": 0}
            sources, targets, map_numbers = array("i"), array("i"), array("i")
            cursor = self._conn.execute(
                "SELECT source, target, properties FROM relationships "
                "WHERE type = ?", (type_name,))
            while rows := cursor.fetchmany(_LOAD_CHUNK):
                new = [text for text in {row[2] for row in rows} if text not in known]
                room = max(_SHARED_PER_TYPE + 1 - len(known), 0)
                for text, properties in zip(new[:room], _decode_texts(new[:room])
                                            if new[:room] else (), strict=True):
                    known[text] = len(maps)
                    maps.append(self._maps.keep(shared, text, properties))
                sources.extend(map(number_of, map(_first, rows)))
                targets.extend(map(number_of, map(_second, rows)))
                if len(new) <= room:
                    map_numbers.extend(map(known.__getitem__, map(_third, rows)))
                    continue
                for text in map(_third, rows):  # beyond the shared ones: out of line
                    found = known.get(text)
                    if found is None:
                        found = -len(text_at)
                        texts += text.encode()
                        text_at.append(len(texts))
                    map_numbers.append(found)
            if sources:
                runs.append((order, sources, targets, map_numbers))
        self.graph.attach(Compact.rows(numbers.ids, numbers, runs, maps, (texts, text_at)))

    def close(self) -> None:
        """Close the file; later calls raise BackendUnavailable. Closing twice is fine."""
        with self._write_lock, self.lock:
            if not self._closed:
                self._closed = True
                try:
                    self._save_snapshot()
                finally:
                    self._conn.close()
                    if self._file_lock is not None:
                        self._file_lock.release()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            msg = f"the store {self.path} is closed"
            raise BackendUnavailable(msg)

    # ----------------------------------------------------------------- writes

    def write(
        self,
        *,
        nodes: Sequence[NodeRecord] = (),
        relationships: Sequence[RelRecord] = (),
        delete_relationships: Sequence[RelKey] = (),
        delete_nodes: Sequence[str] = (),
        create_only: bool = False,
    ) -> None:
        """Upsert nodes, then relationships, then delete relationships, then nodes: one
        transaction, committed (and fsynced) before the graph changes and this returns."""
        size = len(nodes) + len(relationships) + len(delete_relationships) + len(delete_nodes)
        if size == 0:
            return
        if self.read_only:
            msg = f"the store {self.path} is open read-only"
            raise BackendUnavailable(msg)
        with _gc_paused(size >= _BULK):
            self._write(nodes, relationships, delete_relationships, delete_nodes, create_only)

    def _write(self, nodes: Sequence[NodeRecord], relationships: Sequence[RelRecord],
               delete_relationships: Sequence[RelKey], delete_nodes: Sequence[str],
               create_only: bool) -> None:
        prepared_nodes = [_node_row(node, self._packer) for node in nodes]
        prepared_rels = [_rel_row(rel, self._maps) for rel in relationships]
        node_rows = [row for row, _ in prepared_nodes]
        node_records = [record for _, record in prepared_nodes]
        rel_rows = [row for row, _ in prepared_rels]
        rel_records = [record for _, record in prepared_rels]
        drop_keys = [_normal_key(key) for key in delete_relationships]
        drop_rows = [(*key[:3], _key_text(key)) for key in drop_keys]
        with self._write_lock:
            self._check_open()
            with self._transaction() as conn:
                self._store_nodes(node_rows, create_only)
                self._check_ends({node.id: node.label.value for node in node_records},
                                 [(rel.type, rel.source, rel.target) for rel in rel_records])
                conn.executemany(_UPSERT_REL, rel_rows)
                conn.executemany(_DELETE_REL, drop_rows)
                conn.executemany(_DELETE_NODE, ((node_id,) for node_id in delete_nodes))
                conn.execute(_COUNT_WRITE)
                if self._snapshot is not None:
                    write_log.record(conn, (row[0] for row in node_rows), delete_nodes,
                                     [row[:4] for row in rel_rows] + drop_rows)
            with self.lock:
                self._apply(node_records, rel_records, drop_keys, delete_nodes)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT on the store's connection, rolled back on any
        error, sqlite3 errors translated; the caller holds the write lock."""
        conn = self._conn
        with _translated():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    def write_stream(self, batches: Iterable[WriteBatch]) -> int:
        """Upsert batch after batch in ONE transaction (see StreamWriter): prepared
        statements (executemany) per batch, nothing held but the batch at hand and each
        written node's label. After COMMIT the graph and indexes are reloaded from the
        file, with the open's code: a load of millions of records is then as fast as an
        open, not a write each. Readers keep reading the old graph until then.

        Bulk-load settings for the transaction (measured, docs/benchmarks.md): foreign
        keys are not enforced (every end is checked here, against this stream's nodes
        and the graph, before its row is written); into an empty relationships table
        the two end indexes are built once, after the rows, instead of row by row; a
        larger page cache."""
        if self.read_only:
            msg = f"the store {self.path} is open read-only"
            raise BackendUnavailable(msg)
        count = 0
        with _gc_paused(), self._write_lock:
            self._check_open()
            stream = _StreamRows()
            with self._bulk_settings(), self._transaction() as conn:
                (fresh,) = conn.execute(
                    "SELECT NOT EXISTS (SELECT 1 FROM relationships)").fetchone()
                if fresh:
                    for name, _ in _END_INDEXES:
                        conn.execute(f"DROP INDEX {name}")
                for nodes, relationships in batches:
                    node_rows = stream.nodes(nodes)
                    self._store_nodes(node_rows, False)
                    rel_rows = stream.relationships(relationships)
                    if not stream.ends_fit(rel_rows):  # an end from the graph, or refused
                        self._check_ends(stream.labels, [
                            (_rel_type_of(rel)[0], rel.source, rel.target)
                            for rel in relationships])
                    conn.executemany(_UPSERT_REL, rel_rows)
                    count += len(node_rows) + len(rel_rows)
                if fresh:
                    for _, statement in _END_INDEXES:
                        conn.execute(statement)
                conn.execute(_COUNT_WRITE)
            with self.lock:
                self._reload()
        return count

    @contextmanager
    def _bulk_settings(self) -> Iterator[None]:
        """Foreign keys off and a bigger page cache meanwhile (PRAGMA foreign_keys
        cannot change inside a transaction: set before BEGIN, restored after)."""
        conn = self._conn
        with _translated():
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
        try:
            yield
        finally:
            with _translated():
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")

    def _reload(self) -> None:
        """Drop the graph and indexes and load them again from the file."""
        self.graph = Graph()
        self.by_label = {}
        self._sorted_ids = {}
        self._names = None
        self._maps = _PropertyMaps()
        self.index = evidence_index.EvidenceIndex()
        self._packer = None
        self._load()

    def _store_nodes(self, rows: Sequence[tuple[str, str, str, str]], create_only: bool) -> None:
        if not create_only:
            self._conn.executemany(_UPSERT_NODE, rows)
            return
        for row in rows:
            try:
                self._conn.execute(_INSERT_NODE, row)
            except sqlite3.IntegrityError as exc:
                msg = f"node {row[0]!r} already exists"
                raise Conflict(msg, field="id") from exc

    def _check_ends(self, labels: dict[str, str], ends: Sequence[tuple[RelType, str, str]]
                    ) -> None:
        """Each end exists and has a label the type may join. `labels` holds the nodes
        this write (or stream) wrote, by id; the graph holds every committed node (only
        this writer, under the write lock, changes either); an id in neither is looked
        up in the open transaction before it is reported missing."""
        graph = self.graph.nodes
        unknown = sorted({node_id for _, source, target in ends for node_id in (source, target)
                          if node_id not in labels and node_id not in graph})
        found: dict[str, str] = {}
        for start in range(0, len(unknown), _LOOKUP):
            part = unknown[start:start + _LOOKUP]
            found.update(self._conn.execute(
                f"SELECT id, label FROM nodes WHERE id IN ({','.join('?' * len(part))})",
                part).fetchall())
        for rel_type, source, target in ends:
            spec = REL_SPECS[rel_type]
            for end, node_id, allowed in (("source", source, spec.sources),
                                          ("target", target, spec.targets)):
                label = labels.get(node_id)
                if label is None:
                    known = graph.get(node_id)
                    label = known.label.value if known is not None else found.get(node_id)
                if label is None:
                    msg = f"{rel_type.value} {end} {node_id!r} does not exist"
                    raise NotFound(msg, field=end)
                if label not in allowed:
                    expected = " or ".join(sorted(allowed))
                    msg = (f"{rel_type.value} {end} must be a {expected}; "
                           f"{node_id!r} is a {label}")
                    raise Invalid(msg, field=end)

    def _apply(self, nodes: Sequence[NodeRecord], relationships: Sequence[RelRecord],
               drop_keys: Sequence[RelKey], drop_nodes: Sequence[str]) -> None:
        """Mirror a committed write in the graph and indexes (plain dict work, cannot fail)."""
        graph = self.graph
        changed: dict[str, list[tuple[str, bool]]] = {}
        written = [node.id for node in nodes]  # `evidence_index.apply`'s `changed`
        touched = list(written)
        if len(nodes) + len(drop_nodes) > _NAMES_PATCHED:
            self._names = None
        for node in nodes:
            self._index_node(graph.put_node(node), node, changed)
        for rel in relationships:
            graph.put_rel(rel)
            touched += (rel.source, rel.target)
            if rel.type in evidence_index.CHANGES_SOURCE:
                written.append(rel.source)
        for key in drop_keys:
            touched += (key[1], key[2])
            if key[0] in evidence_index.CHANGES_SOURCE:
                written.append(key[1])
            graph.drop_rel(key)
        for node_id in drop_nodes:
            touched.append(node_id)
            written.append(node_id)
            dropped = graph.drop_node(node_id)
            if dropped is not None:
                record, neighbours = dropped
                touched += neighbours
                written += neighbours
                self._index_node(record, None, changed)
        for label, changes in changed.items():
            self._patch_sorted(label, changes)
        evidence_index.apply(self.index, graph, touched, written)

    def _index_node(self, old: NodeRecord | None, new: NodeRecord | None,
                    changed: dict[str, list[tuple[str, bool]]]) -> None:
        """Move a node between label sets and the search index; note membership changes."""
        node_id = new.id if new is not None else old.id if old is not None else ""
        old_labels = old.labels if old is not None else frozenset()
        new_labels = new.labels if new is not None else frozenset()
        for label in old_labels - new_labels:
            self.by_label[label].discard(node_id)
            changed.setdefault(label, []).append((node_id, False))
        for label in new_labels - old_labels:
            self.by_label.setdefault(label, set()).add(node_id)
            changed.setdefault(label, []).append((node_id, True))
        if self._names is not None:
            self._names.put(old, new)

    def _patch_sorted(self, label: str, changes: list[tuple[str, bool]]) -> None:
        ids = self._sorted_ids.get(label)
        if ids is None:
            return
        if len(changes) > _SMALL_CHANGE:
            del self._sorted_ids[label]
            return
        for node_id, added in changes:
            at = bisect.bisect_left(ids, node_id)
            present = at < len(ids) and ids[at] == node_id
            if added and not present:
                ids.insert(at, node_id)
            elif not added and present:
                del ids[at]

    # ----------------------------------------------------------------- reads

    def _record(self, node_id: str) -> NodeRecord:
        return self.graph.nodes[node_id]

    def get_node(self, node_id: str) -> NodeRecord | None:
        with self.lock.reading():
            self._check_open()
            return self._record(node_id) if node_id in self.graph else None

    def get_nodes(self, node_ids: Sequence[str]) -> list[NodeRecord]:
        """The nodes that exist, in the order asked (an id asked twice comes twice)."""
        with self.lock.reading():
            self._check_open()
            nodes = self.graph.nodes  # what `_record` reads, without a call per id
            return [nodes[node_id] for node_id in node_ids if node_id in nodes]

    def list_nodes(
        self,
        label: Label | Role | str,
        *,
        filters: dict[str, Any] | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> list[NodeRecord]:
        """Nodes with this primary or role label, by id, after the cursor id.

        A filter holds when the property equals the value or, for a list property,
        contains it; a None value asks for nodes without the property. Enum and date
        values compare as stored (value, ISO text). At most MAX_PAGE nodes.
        """
        limit = min(limit, MAX_PAGE)
        if limit <= 0:
            return []
        wanted = [(name, _plain(value)) for name, value in (filters or {}).items()]
        with self.lock.reading():
            self._check_open()
            ids = self._sorted(str(label))
            start = bisect.bisect_right(ids, after) if after is not None else 0
            out: list[NodeRecord] = []
            for index in range(start, len(ids)):
                record = self._record(ids[index])
                if _matches(record.properties, wanted):
                    out.append(record)
                    if len(out) >= limit:
                        break
            return out

    def _sorted(self, label: str) -> list[str]:
        ids = self._sorted_ids.get(label)
        if ids is None:
            ids = self._sorted_ids[label] = sorted(self.by_label.get(label, ()))
        return ids

    def get_relationships(
        self, rel_type: RelType, *, source: str | None = None, target: str | None = None
    ) -> list[RelRecord]:
        """Relationships of a type, optionally from or to a node, sorted by RelKey."""
        wanted = RelType(rel_type)
        with self.lock.reading():
            self._check_open()
            graph = self.graph
            if source is not None:
                rels = [rel for rel in graph.out_rels(source, wanted)
                        if target is None or rel.target == target]
            elif target is not None:
                rels = graph.in_rels(target, wanted)
            else:  # only nodes of the type's source labels can start one (see _check_ends)
                rels = [rel for label in sorted(REL_SPECS[wanted].sources)
                        for node in self.by_label.get(label.value, ())
                        for rel in graph.out_rels(node, wanted)]
            rels.sort(key=key_of)
            return rels

    def relationships_of(
        self, node_ids: Sequence[str], rel_type: RelType, *, outgoing: bool = True,
        incoming: bool = True,
    ) -> list[RelRecord]:
        """Relationships of a type at any of the nodes (see GraphStore), sorted by key:
        one type, so by ends, then key properties (each relationship once: an incoming
        one whose source is asked for too was found as that source's outgoing one)."""
        wanted = RelType(rel_type)
        names = REL_SPECS[wanted].key
        with self.lock.reading():
            self._check_open()
            graph = self.graph
            asked = set(node_ids)
            found: list[RelRecord] = []
            for node in asked:
                if outgoing:
                    found += graph.out_rels(node, wanted)
                if incoming:
                    found += [rel for rel in graph.in_rels(node, wanted)
                              if not outgoing or rel.source not in asked]
        ordered = sorted(found, key=_ends)
        if names:  # runs of the same ends (short: parallel relationships) by key values
            start = 0
            for end in range(1, len(ordered) + 1):
                if end == len(ordered) or _ends(ordered[end]) != _ends(ordered[start]):
                    if end - start > 1:
                        ordered[start:end] = sorted(ordered[start:end], key=lambda rel: tuple(
                            rel.properties.get(name) for name in names))
                    start = end
        return ordered

    def neighbours(
        self,
        node_id: str,
        *,
        rel_types: Sequence[RelType] = (),
        limit: int = 200,
    ) -> list[Neighbour]:
        """Relationships of the node both ways with the node at the other end, sorted by
        (type, other id, RelKey); NotFound for a missing node."""
        allowed = frozenset(str(rel_type) for rel_type in rel_types) or None
        with self.lock.reading():
            self._check_open()
            graph = self.graph
            if node_id not in graph:
                msg = f"node {node_id!r} does not exist"
                raise NotFound(msg, field="id")
            found: list[tuple[tuple[str, str, RelKey], bool, RelRecord]] = [
                ((key[0], rel.target if outgoing else rel.source, key), outgoing, rel)
                for rels, outgoing in ((graph.out_all(node_id), True),
                                       (graph.in_all(node_id), False))
                for rel in rels
                if allowed is None or rel.type.value in allowed
                for key in (key_of(rel),)
            ]
            found.sort(key=lambda item: (item[0], item[1]))
            return [
                Neighbour(rel, self._record(other), outgoing)
                for (_, other, _), outgoing, rel in found[: max(limit, 0)]
            ]

    def shortest_paths(
        self,
        source: str,
        target: str,
        *,
        k: int = 3,
        max_hops: int = 4,
        rel_types: Sequence[RelType] = (),
    ) -> list[GraphPath]:
        """Up to k shortest simple paths, direction ignored, by hops then node ids (see
        `simple_paths`, `graph_path`); NotFound for a missing end."""
        with self.lock.reading():
            self._check_open()
            for end, node_id in (("source", source), ("target", target)):
                if node_id not in self.graph:
                    msg = f"node {node_id!r} does not exist"
                    raise NotFound(msg, field=end)
            paths = simple_paths(self.graph, source, target, k=k, max_hops=max_hops,
                                 rel_types=rel_types)
            return [graph_path(self.graph, path, rel_types) for path in paths]

    def search(
        self, text: str, *, labels: Sequence[Label | Role] = (), limit: int = 20
    ) -> list[SearchHit]:
        """Names containing the text (see `alliance.store.search`), best first; `labels`
        keeps nodes carrying any of them (role labels too). At most MAX_PAGE hits.
        Read from the name index (`names`), in proportion to the page."""
        needle = normalise_query(text)
        limit = min(limit, MAX_PAGE)
        if not needle or limit <= 0:
            return []
        wanted = frozenset(str(label) for label in labels)
        primary = frozenset(label.value for label in Label)
        with self.lock.reading():
            self._check_open()
            if self._names is None:
                with _gc_paused():
                    self._names = names.build(self.graph.nodes.values())
                    gc.freeze()  # lives as long as the graph, holds no cycles (see _load)
            nodes = self.graph.nodes
            found = self._names.hits(
                needle, limit, label_of=lambda node_id: nodes[node_id].label.value,
                wanted=(lambda node_id: bool(wanted & nodes[node_id].labels)) if wanted
                else None,
                labels=wanted if wanted and wanted <= primary else None,
                record=self._record)
            return [SearchHit(nodes[node_id], score) for node_id, score in found]

    def counts(self) -> GraphCounts:
        """Nodes per label and role label, relationships per type; zeros included."""
        with self.lock.reading():
            self._check_open()
            labels = {name: len(self.by_label.get(name, ()))
                      for name in (*(label.value for label in Label),
                                   *(role.value for role in Role))}
            rels = {rel_type.value: self.graph.count(rel_type) for rel_type in RelType}
            return GraphCounts(labels=labels, relationships=rels)

    # ----------------------------------------------------------------- evidence

    def landing_candidates(self, query: LandingFilter) -> list[ParkEvidence]:
        with self.lock.reading():
            self._check_open()
            found: list[ParkEvidence] = queries.landing_candidates(
                self.graph, self.index, query, self.by_label.get(Role.BROKER.value, set()))
            return found

    def candidate_rows(self, query: LandingFilter) -> list[CandidateRow]:
        """The landing candidates as ranking reads them (`CandidateRanker`), from the
        index's numbers per park and industry asked."""
        with self.lock.reading():
            self._check_open()
            return queries.candidate_rows(self.graph, self.index, query,
                                          self.by_label.get(Role.BROKER.value, set()))

    def park_facts(self) -> Sequence[ParkFacts]:
        with self.lock.reading():
            self._check_open()
            return self.index.park_facts()

    def failure_codes(self, query: LandingFilter) -> Mapping[int, int]:
        """The elimination view's counts (`EliminationCounter`), from the index's park
        columns."""
        with self.lock.reading():
            self._check_open()
            return queries.failure_codes(self.graph, self.index, query)

    def collaborator_candidates(self, query: CollaboratorFilter) -> list[CollaboratorEvidence]:
        with self.lock.reading():
            self._check_open()
            found: list[CollaboratorEvidence] = queries.collaborator_candidates(
                self.graph, self.index, query
            )
            return found

    def tie_relationships(self, people: Collection[str]
                          ) -> tuple[list[RelRecord], dict[str, set[str]]]:
        """What ties are made of, from the adjacency lists unsorted (see TieSource): an
        incoming relationship whose source is asked for too is that source's outgoing
        one; staff are ids, no records."""
        return self._ties(people, None)

    def tie_relationships_towards(self, people: Collection[str], towards: Collection[str]
                                  ) -> tuple[list[RelRecord], dict[str, set[str]]]:
        """`tie_relationships` keeping only the deals with an end among `towards` (see
        TargetedTieSource): the other ends are read before any properties."""
        if isinstance(towards, NumberedSet) and towards.ids is self.graph.compact.ids:
            with self.lock.reading():
                self._check_open()
                return people_queries.ties_towards(self.graph, people, towards)
        return self._ties(people, towards if isinstance(towards, (set, frozenset))
                          else set(towards))

    def _ties(self, people: Collection[str], wanted: Collection[str] | None
              ) -> tuple[list[RelRecord], dict[str, set[str]]]:
        """The deals of `people` (with an end among `wanted`, when given) and the staff
        of their employers."""
        works_at = RelType.WORKS_AT
        with self.lock.reading():
            self._check_open()
            graph = self.graph
            asked = set(people)
            found: list[RelRecord] = []
            employers: set[str] = set()
            for person in asked:
                found += people_queries.deals_towards(graph, person, wanted, asked)
                employers.update(graph.out_ends(person, works_at))
            return found, {org: set(graph.in_ends(org, works_at)) for org in employers}

    def relationship_ends(self, node_ids: Collection[str], rel_type: RelType, *,
                          outgoing: bool) -> list[tuple[str, str]]:
        """(source, target) of the relationships of a type leaving (`outgoing`) or
        entering the nodes, from the adjacency lists, no records built (see EndReader)."""
        wanted = RelType(rel_type)
        with self.lock.reading():
            self._check_open()
            graph = self.graph
            if outgoing:
                out_ends = graph.out_ends
                return [(node, end) for node in dict.fromkeys(node_ids)
                        for end in out_ends(node, wanted)]
            in_ends = graph.in_ends
            return [(end, node) for node in dict.fromkeys(node_ids)
                    for end in in_ends(node, wanted)]

    def proof_counts(self, people: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Referral and closed-deal counts per person, from the index (see
        ProofCounter)."""
        with self.lock.reading():
            self._check_open()
            facts = self.index.people
            referred, closed = facts.referred, facts.closed
            return {person: (referred.get(person, 0), closed.get(person, 0))
                    for person in people}

    def score_columns(self, people: Collection[str], skills: Sequence[str], min_level: int
                      ) -> ScoreColumns:
        """The people's score facts as columns, from the index (see ScoreColumnSource)."""
        with self.lock.reading():
            self._check_open()
            if isinstance(people, NumberedSet) and people.ids is self.graph.compact.ids:
                return people_queries.score_columns(self.graph, self.index, people, skills,
                                                    min_level)
            return queries.score_columns(self.graph, self.index, people, skills, min_level)

    def collaborator_ids(self, query: CollaboratorFilter) -> AbstractSet[str]:
        with self.lock.reading():
            self._check_open()
            return people_queries.collaborator_ids(self.graph, self.index, self.by_label, query)
