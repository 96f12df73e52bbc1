"""A snapshot of what an open of EmbeddedStore builds, written beside its SQLite file:
the relationship arrays (`adjacency.Compact`) and the evidence index, so that the next
open reads them instead of 5.7 M relationship rows and a bulk build of the index
(measured, docs/benchmarks.md "Compact embedded store (session 5)"). Node records still
come from the file at every open: they are the check that the snapshot fits.

The file `<store>.snapshot` is used only when its `Stamp` equals the file's: the store's
id and write counter (kept in `meta`, the counter raised in the same transaction as
every write, so a snapshot never describes a file that has changed since), a hash of
the node ids in table order (what the arrays' node numbers mean), and a fingerprint of
the code that builds arrays and index. Anything else (missing, stale, truncated,
unreadable, written by other code) is ignored and the open builds from the file.
Written only right after a build from the file (at open, after a bulk load), under the
write lock, as a temporary file renamed over the old one (atomic: `kill -9` leaves the
old snapshot or the new one, never half of one). Deleting it is always safe.

It is a pickle read by an unpickler that resolves only the classes of this project, the
standard containers and arrays: a snapshot is not code, though whoever can write the
store's folder can change the store itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from alliance.store.embedded.adjacency import TYPES, Compact
from alliance.store.embedded.index import EvidenceIndex
from graph_schema.records import NodeRecord, StoredNodeRecord

__all__ = ["SUFFIX", "Stamp", "code_fingerprint", "ids_hash", "path_of", "read", "write"]

SUFFIX = ".snapshot"
FORMAT = 1
"""Version of the file's layout below."""

_CODE_ROOTS = ("alliance/store", "graph_schema")
"""Packages whose code decides what the arrays and the index hold."""


@dataclass(frozen=True)
class Stamp:
    """What a snapshot must match to be used (see the module docstring)."""

    store_id: str
    writes: int
    ids: str
    code: str
    format: int = FORMAT


def path_of(store: Path) -> Path:
    return store.with_name(store.name + SUFFIX)


def ids_hash(ids: Sequence[str]) -> str:
    """A hash of the node ids in table order (the arrays' numbering)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\n".join(ids).encode())
    return digest.hexdigest()


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


def _node(node_id: str) -> NodeRecord:  # pragma: no cover - resolved by _Reader instead
    """Stands for a node record in the index's pickle (see `_Reader.find_class`)."""
    raise LookupError(node_id)


def _as_node(record: NodeRecord) -> tuple[Any, tuple[str]]:
    return _node, (record.id,)


_PACKAGES = frozenset({"alliance", "graph_schema"})
_ALLOWED_BUILTINS = frozenset({"frozenset", "set", "dict", "list", "tuple", "bytes",
                               "bytearray", "int", "float", "str", "complex"})


class _Reader(pickle.Unpickler):
    """Resolves node records to the graph's own (by id) and refuses any class that is not
    the project's, a builtin container or an array."""

    def __init__(self, file: BinaryIO, nodes: Mapping[str, NodeRecord]) -> None:
        super().__init__(file)
        self._nodes = nodes

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_node":
            return self._nodes.__getitem__
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


def write(path: Path, stamp: Stamp, compact: Compact, index: EvidenceIndex) -> None:
    """Write the snapshot atomically: a temporary file beside it, fsynced, renamed over
    the old one, and the folder fsynced (so the rename itself is durable)."""
    for stale in path.parent.glob(f"{path.name}.*.tmp"):  # left by a killed writer
        with contextlib.suppress(OSError):
            stale.unlink()
    index = replace(index, routes={}, listed_parks=None, park_table=None,  # made on first use
                    person_columns=None)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as file:
            pickle.dump(stamp, file, protocol=pickle.HIGHEST_PROTOCOL)
            writer = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            writer.dispatch_table = {NodeRecord: _as_node, StoredNodeRecord: _as_node}
            sides = (compact.out_at, compact.out_end, compact.out_type, compact.out_map,
                     compact.in_at, compact.in_end, compact.in_type, compact.in_map)
            writer.dump((sides, compact.maps, compact.counts, (compact.texts, compact.text_at),
                         index))
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


def read(path: Path, stamp: Stamp, ids: list[str], number: dict[str, int],
         nodes: Mapping[str, NodeRecord]) -> tuple[Compact, EvidenceIndex] | None:
    """The arrays and index of the snapshot at `path` if its stamp is `stamp`, else None
    (also when it is missing, cut short or not a snapshot of this code)."""
    try:
        with path.open("rb") as file:
            if _Reader(file, nodes).load() != stamp:
                return None
            sides, maps, counts, texts, index = _Reader(file, nodes).load()  # its own memo
    except FileNotFoundError:
        return None
    except (OSError, EOFError, KeyError, ValueError, TypeError, AttributeError,
            pickle.UnpicklingError):
        return None  # unreadable: built again from the file, and rewritten
    if not (isinstance(index, EvidenceIndex) and len(sides) == 8
            and all(isinstance(side, array) for side in sides)
            and len(sides[0]) == len(ids) + 1 and len(counts) == len(TYPES)
            and isinstance(texts[1], array)):
        return None
    return Compact(ids, number, sides, maps, counts, texts), index
