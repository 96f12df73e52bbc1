"""The JSON-lines graph format: synthetic graphs and exports, one record per line.

    {"kind":"node","label":"Park","properties":{...}}
    {"kind":"relationship","type":"HOSTS","source":"park:x","target":"industry:y","properties":{...}}

Node properties are `NodeRecord.properties` (flat, eligibility as a JSON string), so a line
is exactly what a store keeps and a file streams into either store without reshaping.
Relationships may appear anywhere in the file: references are checked after reading it all.

A file of any size loads holding a batch of lines at a time: into a store that writes a
stream as one transaction in one pass (`CheckedStream` feeding
`services.ingest.load_stream`: each line validated once, an error anywhere rolls the
whole load back), into another in two (`check_jsonl`, then `jsonl_batches`);
`read_jsonl` reads a whole file into one batch. All report the same errors.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import orjson
from pydantic import ValidationError

from alliance.ingest.records import (
    Origin,
    RecordBatch,
    RecordError,
    add_node,
    check_references,
    describe_error,
    field_path,
)
from graph_schema.records import (
    NodeRecord,
    RelKey,
    RelRecord,
    SchemaError,
    check_ends,
)
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType

GraphRecord: TypeAlias = NodeRecord | RelRecord

NODE_KEYS = frozenset({"kind", "label", "properties"})
REL_KEYS = frozenset({"kind", "type", "source", "target", "properties"})
_REL_TYPES: dict[str, RelType] = {rel_type.value: rel_type for rel_type in RelType}
_LABELS: dict[str, Label] = {label.value: label for label in Label}


def record_line(record: GraphRecord) -> str:
    """One record as its JSON line (no newline); compact, UTF-8 text kept readable."""
    line: dict[str, Any]
    if isinstance(record, NodeRecord):
        line = {"kind": "node", "label": record.label.value, "properties": record.properties}
    else:
        line = {"kind": "relationship", "type": record.type.value, "source": record.source,
                "target": record.target, "properties": record.properties}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(path: Path | str, records: Iterable[GraphRecord]) -> int:
    """Write every record, one per line, and return how many were written.

    The file appears whole or not at all: lines go to a temporary file in the same folder,
    which is fsynced and renamed over `path`, then the folder is fsynced so the rename
    itself survives a crash. If `records` raises, the old file is left untouched.
    """
    target = Path(path)
    folder = target.parent
    temporary = folder / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    # os.open, not tempfile: the file gets the usual umask-based mode, not 0600.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    count = 0
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(record_line(record))
                handle.write("\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return count


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


BATCH_LINES = 20_000
"""Lines per batch of a streamed load (and per transaction part of its write)."""


def read_jsonl(path: Path | str) -> RecordBatch:
    """Validate every line into a batch; errors name the file, the line and the field.

    Reading never stops at the first problem. After the last line, every relationship's
    ends are checked against the nodes of the file, and single-valued relationship types
    (IN_CITY, BASED_IN, ...) are checked for a second edge from the same node.
    """
    batch = RecordBatch()
    for part in _line_batches(path, None, batch.node_origins):
        batch.nodes += part.nodes
        batch.relationships += part.relationships
        batch.rel_origins += part.rel_origins
        batch.errors += part.errors
    _check_ends_and_singles(batch, {})
    check_references(batch)
    batch.errors.sort(key=_line_number)  # stable: a line's errors keep their order
    return batch


@dataclass
class JsonlCheck:
    """What the first pass of a streamed load found: every error, and the counts."""

    errors: list[RecordError] = field(default_factory=list)
    nodes: int = 0
    relationships: int = 0


def check_jsonl(path: Path | str, *, batch_lines: int = BATCH_LINES) -> JsonlCheck:
    """Every error `read_jsonl` reports, reading `batch_lines` lines at a time and keeping
    only each node's origin (for duplicates and references) and the relationships that
    came before one of their ends; each batch's records are dropped once checked."""
    stream = CheckedStream(path, batch_lines=batch_lines)
    for _ in stream:
        pass
    return stream.check


class CheckedStream:
    """One pass over a file, for a store that writes a whole stream as one transaction
    (`StreamWriter`): each line is parsed and validated once, not once to check and
    again to load. Iterating yields the file's records a batch of lines at a time as
    long as no error has been found; the relationships read before one of their ends
    (and any later one with the same key, so the last still wins) come in the last
    batch. When the file has errors, that last batch carries them instead, all of
    them, exactly `check_jsonl`'s (in `check` too): the load consuming the stream then
    fails and its transaction stores nothing."""

    def __init__(self, path: Path | str, *, batch_lines: int = BATCH_LINES) -> None:
        self.path = path
        self.batch_lines = batch_lines
        self.check = JsonlCheck()

    def __iter__(self) -> Iterator[RecordBatch]:
        found = self.check
        origins: dict[str, Origin] = {}
        first_single: dict[tuple[RelType, str], Origin] = {}
        before_source: list[tuple[RelRecord, tuple[Origin, str, str], RecordError | None]] = []
        """Relationships read before their source node, with their single-type error."""
        before_target = RecordBatch(node_origins=origins)
        """Relationships read before their target node."""
        held = RecordBatch()
        held_keys: set[RelKey] = set()
        for part in _line_batches(self.path, self.batch_lines, origins):
            found.errors += part.errors
            found.nodes += len(part.nodes)
            found.relationships += len(part.relationships)
            ready = RecordBatch(nodes=part.nodes)
            for rel, where in zip(part.relationships, part.rel_origins, strict=True):
                second = _second_single(rel, where, first_single)  # in file order
                known = True
                if rel.source in origins:
                    found.errors += [second] if second else []
                else:
                    before_source.append((rel, where, second))
                    known = False
                if rel.target not in origins:
                    before_target.relationships.append(rel)
                    before_target.rel_origins.append(where)
                    known = False
                if known and not (held_keys and rel.key in held_keys):
                    ready.relationships.append(rel)
                else:
                    held.relationships.append(rel)
                    held_keys.add(rel.key)
            if not found.errors:
                yield ready
        for rel, where, second in before_source:
            missing = _missing_source(rel, where, origins)
            found.errors += [error for error in (missing, second) if error is not None]
        check_references(before_target)
        found.errors += before_target.errors
        found.errors.sort(key=_line_number)  # stable: a line's errors keep their order
        if found.errors:
            held = RecordBatch(errors=list(found.errors))
        yield held


def jsonl_batches(path: Path | str, *, batch_lines: int = BATCH_LINES
                  ) -> Iterator[RecordBatch]:
    """The file's validated records, `batch_lines` lines at a time, for a file that
    `check_jsonl` passed. A batch carries only its lines' own errors; a file changed since
    (its size or modification time) stops the stream with an error, so a load that
    consumes it stores nothing."""
    source = Path(path)
    before = _identity(source)
    yield from _line_batches(path, batch_lines, {})
    if _identity(source) != before:
        stale = RecordBatch()
        stale.error(Origin(str(path), "line 0"), None, None,
                    "the file changed while it was loaded; nothing was stored")
        yield stale


def _identity(path: Path) -> tuple[int, int, int]:
    facts = path.stat()
    return facts.st_ino, facts.st_size, facts.st_mtime_ns


def _line_batches(path: Path | str, size: int | None, origins: dict[str, Origin]
                  ) -> Iterator[RecordBatch]:
    """Batches of `size` lines (None: the whole file), sharing one map of node origins."""
    display = str(path)
    batch = RecordBatch(node_origins=origins)
    memo = _PropertiesMemo()
    try:
        handle = Path(path).open("rb")
    except OSError as exc:
        batch.error(Origin(display, "line 0"), None, None, f"cannot read the file: {exc}")
        yield batch
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            _read_line(batch, raw, Origin(display, f"line {number}"), memo)
            if size is not None and number % size == 0:
                yield batch
                batch = RecordBatch(node_origins=origins)
    yield batch


def _line_number(error: RecordError) -> int:
    return int(error.position.removeprefix("line "))


_MISREAD = 2.0 ** 63
"""orjson reads an integer beyond 64 bits as a float: one at least this large may be
such an integer (the json module reads it exactly, and the schema refuses it so)."""


def _parsed(raw: bytes) -> Any:
    """The line's JSON value by orjson (a third of the json module's time), or None
    when the json module must decide: orjson refused the line (not UTF-8, a BOM, NaN,
    a lone surrogate, a blank line, bad syntax: the json module then reads it or
    reports why, as before) or may have read a huge integer as a float. Where both
    read a line, they read the same value."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float and not -_MISREAD < item < _MISREAD:
            return None
    return value


def _read_line(batch: RecordBatch, raw: bytes, origin: Origin, memo: _PropertiesMemo
               ) -> None:
    """Decode, parse and validate one line into `batch`."""
    item: Any = _parsed(raw)
    if item is None:
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            batch.error(origin, None, None, f"not UTF-8 text: {exc}")
            return
        if not text.strip():
            return
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            batch.error(origin, None, None, f"not valid JSON: {exc}")
            return
    if not isinstance(item, dict):
        batch.error(origin, None, None, "expected a JSON object")
        return
    kind = item.get("kind")
    if kind == "node":
        _read_node(batch, item, origin)
    elif kind == "relationship":
        _read_relationship(batch, item, origin, memo)
    else:
        batch.error(origin, None, "kind", f"expected 'node' or 'relationship', got {kind!r}")


def _properties(batch: RecordBatch, item: dict[str, Any], origin: Origin,
                record_id: str | None, allowed: frozenset[str]) -> dict[str, Any] | None:
    """The line's properties object, or None after reporting what is wrong with the line."""
    for key in item:
        if key not in allowed:
            batch.error(origin, record_id, key, f"unknown key; a line has {sorted(allowed)}")
    props = item.get("properties", {})
    if not isinstance(props, dict):
        batch.error(origin, record_id, "properties", "expected a JSON object")
        return None
    return props


def _read_node(batch: RecordBatch, item: dict[str, Any], origin: Origin) -> None:
    props = _properties(batch, item, origin, None, NODE_KEYS)
    node_id = props.get("id") if props is not None else None
    record_id = node_id if isinstance(node_id, str) else None
    label = _LABELS.get(str(item.get("label")))
    if label is None:
        known = ", ".join(label.value for label in Label)
        batch.error(origin, record_id, "label",
                    f"unknown label {item.get('label')!r}; one of {known}")
        return
    if props is None:
        return
    add_node(batch, label, props, origin, record_id)


def _read_relationship(batch: RecordBatch, item: dict[str, Any], origin: Origin,
                       memo: _PropertiesMemo) -> None:
    source, target = item.get("source"), item.get("target")
    ends_known = isinstance(source, str) and isinstance(target, str)
    record_id = f"{source} -[{item.get('type')}]-> {target}" if ends_known else None
    props = _properties(batch, item, origin, record_id, REL_KEYS)
    rel_type = _REL_TYPES.get(str(item.get("type")))
    if rel_type is None:
        known = ", ".join(rel_type.value for rel_type in RelType)
        batch.error(origin, record_id, "type",
                    f"unknown relationship type {item.get('type')!r}; one of {known}")
        return
    for name, end in (("source", source), ("target", target)):
        if not isinstance(end, str):
            batch.error(origin, record_id, name, f"expected an id string, got {end!r}")
    if props is None or not isinstance(source, str) or not isinstance(target, str):
        return
    try:
        check_ends(rel_type, source, target)
        rel = RelRecord(rel_type, source, target, memo.validated(rel_type, props))
    except SchemaError as exc:
        batch.error(origin, record_id, exc.field, str(exc))
        return
    except ValidationError as exc:
        for err in exc.errors():
            batch.error(origin, record_id, field_path(err["loc"]), describe_error(dict(err)))
        return
    batch.relationships.append(rel)
    batch.rel_origins.append((origin, record_id or source, "target"))


_MEMO_PER_TYPE = 1_024
"""Distinct property maps remembered per relationship type (most types repeat a few:
HAS_SKILL's five levels; a type whose maps all differ stops adding at the cap)."""


class _PropertiesMemo:
    """Validated properties of a relationship type by the raw map they came from, for
    one pass over a file: a map seen before (same keys in the same order, same values
    of the same types) is not validated again. Only valid maps are remembered, so every
    error is found and reported as before; each record gets its own copy."""

    def __init__(self) -> None:
        self._known: dict[RelType, dict[tuple[tuple[str, type, Any], ...], dict[str, Any]]] = {}

    def validated(self, rel_type: RelType, props: dict[str, Any]) -> dict[str, Any]:
        """The properties as `validate_relationship` stores them; pydantic's
        ValidationError when they are invalid."""
        key = _plain_key(props)
        known = self._known.setdefault(rel_type, {})
        found = known.get(key) if key is not None else None
        if found is None:
            model = REL_SPECS[rel_type].properties.model_validate(props)
            found = model.model_dump(mode="json", exclude_none=True)
            if key is not None and len(known) < _MEMO_PER_TYPE:
                known[key] = found
        return dict(found)


def _plain_key(props: dict[str, Any]) -> tuple[tuple[str, type, Any], ...] | None:
    """A map of plain scalars as a hashable key (the value's type too: 1, 1.0 and true
    are equal in Python but not to the schema); None for any list or object value."""
    key = []
    for name, value in props.items():
        kind = type(value)
        if kind is not str and kind is not int and kind is not float and kind is not bool \
                and value is not None:
            return None
        key.append((name, kind, value))
    return tuple(key)


def _check_ends_and_singles(batch: RecordBatch,
                            first_single: dict[tuple[RelType, str], Origin]) -> None:
    """Report missing sources and second edges of single types (targets: check_references)."""
    for rel, where in zip(batch.relationships, batch.rel_origins, strict=True):
        _check_one(batch, rel, where, first_single)


def _check_one(batch: RecordBatch, rel: RelRecord, where: tuple[Origin, str, str],
               first_single: dict[tuple[RelType, str], Origin]) -> None:
    """A relationship's source exists, and it is the first of a single type from there."""
    for error in (_missing_source(rel, where, batch.node_origins),
                  _second_single(rel, where, first_single)):
        if error is not None:
            batch.errors.append(error)


def _missing_source(rel: RelRecord, where: tuple[Origin, str, str],
                    origins: dict[str, Origin]) -> RecordError | None:
    origin, record_id, _ = where
    if rel.source in origins:
        return None
    return RecordError(origin.file, origin.position, record_id, "source",
                       f"starts at {rel.source!r}, which does not exist")


def _second_single(rel: RelRecord, where: tuple[Origin, str, str],
                   first_single: dict[tuple[RelType, str], Origin]) -> RecordError | None:
    """The error of a second relationship of a single type from one node (file order)."""
    origin, record_id, _ = where
    if not REL_SPECS[rel.type].single:
        return None
    first = first_single.setdefault((rel.type, rel.source), origin)
    if first is origin:
        return None
    return RecordError(origin.file, origin.position, record_id, "source",
                       f"{rel.source!r} may have one {rel.type.value} relationship; "
                       f"another is on {first.position}")
