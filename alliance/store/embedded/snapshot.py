"""A snapshot of what an open of EmbeddedStore builds, written beside its SQLite file:
the node records and label sets, the relationship arrays (`adjacency.Compact`) and the
evidence index, so that the next open reads them instead of 10^6 node rows, 5.7 M
relationship rows and a bulk build of the index (measured, docs/benchmarks.md "Compact
store (session 6)").

The file `<store>.snapshot` is used only when its `Stamp` fits the file's: the store's
id, a fingerprint of the code that builds records, arrays and index, and the write
counter (kept in `meta`, raised in the same transaction as every write), which must be
the file's, or older with every write since in the file's write log (`write_log`: the
store then applies the logged changes read from the file). Anything else (missing,
stale, truncated, unreadable, written by other code) is ignored and the open builds from
the file. Written by a writer right after a build from the file (at open, after a bulk
load) and at `close` when the log since the last one is long (from the graph as it is,
its nodes' own lists flattened back into arrays: `Graph.flattened`), under the write
lock, as a temporary file renamed over the old one (atomic: `kill -9` leaves the old
snapshot or the new one, never half of one). Deleting it is always safe.

It is a pickle read by an unpickler that resolves only the classes of this project, the
record makers of `adjacency`, the standard containers and arrays: a snapshot is not
code, though whoever can write the store's folder can change the store itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from array import array
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from alliance.store.embedded import adjacency
from alliance.store.embedded.adjacency import TYPES, Compact, new_node, new_stored_node
from alliance.store.embedded.index import EvidenceIndex
from graph_schema.records import NodeRecord, StoredNodeRecord, TextPacker

__all__ = ["SUFFIX", "Contents", "Stamp", "code_fingerprint", "path_of", "read", "write"]

SUFFIX = ".snapshot"
FORMAT = 3
"""Version of the file's layout below."""

_CODE_ROOTS = ("alliance/store", "graph_schema")
"""Packages whose code decides what the arrays and the index hold."""


@dataclass(frozen=True)
class Stamp:
    """What a snapshot must match to be used (see the module docstring)."""

    store_id: str
    writes: int
    code: str
    format: int = FORMAT


@dataclass(frozen=True)
class Contents:
    """What a snapshot holds: the graph's records by id (in table order), the ids of
    each label in that order, the arrays and the evidence index."""

    nodes: dict[str, NodeRecord]
    labels: dict[str, list[str]]
    compact: Compact
    index: EvidenceIndex
    packer: TextPacker | None
    """What packs the texts of the cold records (and of the ones writes will add)."""


def path_of(store: Path) -> Path:
    return store.with_name(store.name + SUFFIX)


def _fingerprint() -> str:
    """A hash of the source of the packages in `_CODE_ROOTS`, as they were when this
    module was imported (the code this process runs)."""
    root = Path(__file__).resolve().parents[3]
    digest = hashlib.blake2b(digest_size=16)
    digest.update(",".join(TYPES).encode())
    for package in _CODE_ROOTS:
        for source in sorted((root / package).rglob("*.py")):
            digest.update(source.relative_to(root).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


_CODE = _fingerprint()


def code_fingerprint() -> str:
    """The fingerprint of the code that builds arrays and index (see `_fingerprint`)."""
    return _CODE


class _Labels:
    """Stands for a node's label set in the pickle: read back as `frozenset` of the sorted
    labels, as a build from the file makes it (so it iterates in the same order; the
    labels column is a sorted list). One per distinct set, so the set is read once."""

    __slots__ = ("labels",)

    def __init__(self, labels: frozenset[str]) -> None:
        self.labels = tuple(sorted(labels))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return frozenset, (self.labels,)


class _Records:
    """How node records are pickled: by the record makers of `adjacency`, with their
    label sets as `_Labels`."""

    def __init__(self) -> None:
        self._labels: dict[frozenset[str], _Labels] = {}

    def _of(self, labels: frozenset[str]) -> _Labels:
        found = self._labels.get(labels)
        if found is None:
            found = self._labels[labels] = _Labels(labels)
        return found

    def node(self, record: NodeRecord) -> tuple[Any, tuple[Any, ...]]:
        return new_node, (record.id, record.label, self._of(record.labels), record.properties)

    def stored_node(self, record: StoredNodeRecord) -> tuple[Any, tuple[Any, ...]]:
        return new_stored_node, (record.id, record.label, self._of(record.labels),
                                 record.text, record.packer)


_MAKERS = frozenset({new_node.__name__, new_stored_node.__name__})
"""The functions a snapshot may call: they make records without running their checks."""


_PACKAGES = frozenset({"alliance", "graph_schema"})
_ALLOWED_BUILTINS = frozenset({"frozenset", "set", "dict", "list", "tuple", "bytes",
                               "bytearray", "int", "float", "str", "complex"})


class _Reader(pickle.Unpickler):
    """Refuses any class that is not the project's, a builtin container or an array,
    and any function but the record makers."""

    def find_class(self, module: str, name: str) -> Any:
        if module == adjacency.__name__ and name in _MAKERS:
            return super().find_class(module, name)
        if module == "array" and name in {"array", "_array_reconstructor"}:
            return super().find_class(module, name)
        if "." not in name and (module.split(".")[0] in _PACKAGES
                                or (module == "builtins" and name in _ALLOWED_BUILTINS)):
            found = super().find_class(module, name)
            if isinstance(found, type) and (found.__module__ == "builtins" or str(
                    found.__module__).split(".")[0] in _PACKAGES):
                return found
        msg = f"a snapshot may not refer to {module}.{name}"
        raise pickle.UnpicklingError(msg)


def write(path: Path, stamp: Stamp, contents: Contents) -> None:
    """Write the snapshot atomically: a temporary file beside it, fsynced, renamed over
    the old one, and the folder fsynced (so the rename itself is durable). One pickle
    of everything, so that a string or record held in several places (ids in the
    records, label lists and index) is read back as one object."""
    for stale in path.parent.glob(f"{path.name}.*.tmp"):  # left by a killed writer
        with contextlib.suppress(OSError):
            stale.unlink()
    index = replace(  # the entries left out are made on first use
        contents.index, routes={}, listed_parks=None, park_table=None
    )
    compact = contents.compact
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as file:
            pickle.dump(stamp, file, protocol=pickle.HIGHEST_PROTOCOL)
            writer = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            records = _Records()
            writer.dispatch_table = {NodeRecord: records.node,
                                     StoredNodeRecord: records.stored_node}
            sides = (compact.out_at, compact.out_end, compact.out_type, compact.out_map,
                     compact.in_at, compact.in_end, compact.in_type, compact.in_map)
            writer.dump((contents.nodes, contents.labels, compact.ids, sides, compact.maps,
                         compact.counts, (compact.texts, compact.text_at), index,
                         contents.packer))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def read(path: Path, fits: Callable[[Stamp], bool]) -> tuple[Stamp, Contents] | None:
    """The stamp of the snapshot at `path` and what it holds, if `fits` accepts that
    stamp (read before the rest), else None (also when it is missing, cut short or not
    a snapshot)."""
    try:
        with path.open("rb") as file:
            stamp = _Reader(file).load()
            if not (isinstance(stamp, Stamp) and fits(stamp)):
                return None
            nodes, labels, ids, sides, maps, counts, texts, index, packer = _Reader(
                file).load()
    except FileNotFoundError:
        return None
    except (OSError, EOFError, KeyError, ValueError, TypeError, AttributeError,
            pickle.UnpicklingError):
        return None  # unreadable: built again from the file, and rewritten
    if not (isinstance(index, EvidenceIndex) and isinstance(nodes, dict)
            and isinstance(labels, dict) and isinstance(ids, list) and len(sides) == 8
            and all(isinstance(side, array) for side in sides)
            and len(sides[0]) == len(ids) + 1 and len(counts) == len(TYPES)
            and isinstance(texts[1], array)
            and (packer is None or isinstance(packer, TextPacker))):
        return None
    number = dict(zip(ids, range(len(ids)), strict=True))
    return stamp, Contents(nodes, labels, Compact(ids, number, sides, maps, counts, texts),
                           index, packer)
