"""The embedded store's in-memory graph: per node its record, and its relationships
outgoing and incoming, each grouped by type.

Why this layout (measured; docs/benchmarks.md, "Compact embedded store"): a Python
object per relationship costs ~90 bytes and ~1 µs to build, 5.7 M of them at 10^6 nodes
~785 MiB and ~18 s of an open. So the relationships an open loads are `Compact`: rows
of node numbers in arrays (compressed sparse rows, CSR), one for the outgoing and one
for the incoming side, ordered by node, then type, then the table's key order; about
18 bytes a relationship. RelRecords are built when a reader asks for them; readers
that only need the other ends (`out_ends`, `in_ends`, `ends`) get the ids without them.

A write does not change the arrays: the first write touching a node's outgoing (or
incoming) relationships gives that node a list of RelRecords of its own (built from
the arrays), which from then on is what is read and changed for it, exactly as every
node's list was before (`_out`, `_in`). A reopen compacts them again.

Each node's relationships are ordered by type (`TYPE_ORDER`), and by insertion within a
type, so the relationships of one type at a hub (a city with 10^4 incoming COVERS) are a
bisected slice rather than a scan of every edge. A relationship is found by its RelKey
from its source's outgoing slice of that type (short, sources rarely being hubs).

Readers call `record`, `out_rels`, `in_rels`, `between` (and the record-free
`out_ends`, `in_ends`, `out_targets`, `ends`, `degree`) and iterate `nodes`; only the
store changes the graph (`put_node`, `put_rel`, `drop_rel`, `drop_node`, `attach`),
under its lock. Records are
shared or new, never to be changed: treat them (and their property maps) as read-only,
and compare relationships by key or value, not identity (two reads of one relationship
from the arrays are two equal objects).
"""

from __future__ import annotations

import bisect
import json
import json.scanner
from array import array
from collections.abc import Callable, Container, Iterator, Sequence
from operator import attrgetter
from typing import Any

from graph_schema.records import NodeRecord, RelKey, RelRecord, StoredNodeRecord, TextPacker
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import RelType

__all__ = ["TYPES", "TYPE_ORDER", "Compact", "Graph", "key_of", "new_node", "new_rel",
           "new_stored_node"]

TYPES: tuple[RelType, ...] = tuple(sorted(RelType))
"""The types in a node's order: by name, so that lists are bisected by comparing
`rel.type` itself (a str enum), read by C code (`_type`)."""
TYPE_ORDER: dict[RelType, int] = {rel_type: order for order, rel_type in enumerate(TYPES)}
"""Position of each type in `TYPES` (the type numbers of `Compact`)."""

_KEY_NAMES: dict[RelType, tuple[str, ...]] = {t: spec.key for t, spec in REL_SPECS.items()}
_SCAN = 16
"""Lists up to this long are filtered by a plain scan; longer ones are bisected."""
_NONE: tuple[RelRecord, ...] = ()
_TYPES: dict[str, RelType] = {rel_type.value: rel_type for rel_type in RelType}
_EMPTY: dict[str, Any] = {}

_type = attrgetter("type")
_scan: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]

Texts = tuple[bytes | bytearray, "array[int]"]
"""Out-of-line property texts: their UTF-8 bytes end to end, and where each starts
(one more offset than texts: the end)."""

_new = object.__new__
_set_type, _set_source, _set_target, _set_properties = (
    RelRecord.__dict__[name].__set__ for name in ("type", "source", "target", "properties"))


def new_rel(rel_type: RelType, source: str, target: str, properties: dict[str, Any]
            ) -> RelRecord:
    """`RelRecord(rel_type, source, target, properties)` without the frozen dataclass's
    checked `__init__` (a third of the cost of building one from the arrays)."""
    rel: RelRecord = _new(RelRecord)
    _set_type(rel, rel_type)
    _set_source(rel, source)
    _set_target(rel, target)
    _set_properties(rel, properties)
    return rel


_set_id, _set_label, _set_labels, _set_node_properties = (
    NodeRecord.__dict__[name].__set__ for name in ("id", "label", "labels", "properties"))
_set_text, _set_packer = (
    StoredNodeRecord.__dict__[name].__set__ for name in ("text", "packer"))


def new_node(node_id: str, label: Any, labels: frozenset[str], properties: dict[str, Any]
             ) -> NodeRecord:
    """`NodeRecord(...)` without the frozen dataclass's checked `__init__` (an open makes
    10^6 of them, from the file or a snapshot)."""
    record: NodeRecord = _new(NodeRecord)
    _set_id(record, node_id)
    _set_label(record, label)
    _set_labels(record, labels)
    _set_node_properties(record, properties)
    return record


def new_stored_node(node_id: str, label: Any, labels: frozenset[str], text: bytes,
                    packer: TextPacker | None = None) -> StoredNodeRecord:
    """`StoredNodeRecord(node_id, label, labels, text)`, the same way; `text` packed by
    `packer` when given."""
    record: StoredNodeRecord = _new(StoredNodeRecord)
    _set_id(record, node_id)
    _set_label(record, label)
    _set_labels(record, labels)
    _set_text(record, text)
    _set_packer(record, packer)
    return record


def key_of(rel: RelRecord) -> RelKey:
    """`rel.key` (type name, ends, key property values) without the spec lookup."""
    names = _KEY_NAMES[rel.type]
    return (rel.type.value, rel.source, rel.target,
            tuple(rel.properties.get(name) for name in names) if names else ())


def _span(rels: Sequence[RelRecord], rel_type: RelType) -> tuple[int, int]:
    """Where the relationships of a type lie in a type-ordered list."""
    low = bisect.bisect_left(rels, rel_type, key=_type)
    return low, bisect.bisect_right(rels, rel_type, lo=low, key=_type)


def _of_type(rels: Sequence[RelRecord], rel_type: RelType) -> list[RelRecord]:
    if len(rels) <= _SCAN:
        return [rel for rel in rels if rel.type is rel_type]
    low, high = _span(rels, rel_type)
    return list(rels[low:high])


def _index_of(rels: list[RelRecord], rel: RelRecord) -> int:
    """Position of the relationship with rel's key (keys are unique in a graph)."""
    low, high = _span(rels, rel.type)
    key = key_of(rel)
    for at in range(low, high):
        item = rels[at]
        if item is rel or (item.target == rel.target and item.source == rel.source
                           and key_of(item) == key):
            return at
    msg = f"{rel!r} is not in the list"  # a broken invariant, never user input
    raise LookupError(msg)


_type_target, _type_source = attrgetter("type", "target"), attrgetter("type", "source")


def _in_table_order(rels: list[RelRecord], outgoing: bool,
                    key_text: Callable[[RelRecord], str]) -> None:
    """Sort one node's relationships of one side (in place) in the order the table's
    primary key (type, source, target, key column) gives them at a build: by type (the
    enum compares as its name, the order of `TYPES`) and other end in C, then runs of
    parallel relationships (same type and ends: rare) by `key_text`."""
    ends = _type_target if outgoing else _type_source
    rels.sort(key=ends)
    start = 0
    for end in range(1, len(rels) + 1):
        if end == len(rels) or ends(rels[end]) != ends(rels[start]):
            if end - start > 1:
                rels[start:end] = sorted(rels[start:end], key=key_text)
            start = end


def _kept_texts(np: Any, map_columns: Sequence[Any], texts: bytearray,
                text_at: array[int]) -> Texts:
    """The out-of-line texts the map columns refer to, renumbered in place in the columns
    (texts of relationships since replaced or dropped would only take room)."""
    used = np.unique(np.concatenate([-1 - column[column < 0] for column in map_columns]))
    if len(used) == len(text_at) - 1:
        return bytes(texts), text_at
    starts = np.frombuffer(text_at, np.int64)
    lengths = starts[used + 1] - starts[used]
    new_at = np.zeros(len(used) + 1, np.int64)
    np.cumsum(lengths, out=new_at[1:])
    picked = np.repeat(starts[used] - new_at[:-1], lengths) + np.arange(new_at[-1])
    renumbered = np.zeros(len(text_at), np.int32)
    renumbered[used] = np.arange(len(used), dtype=np.int32)
    for column in map_columns:
        outside = column < 0
        column[outside] = -1 - renumbered[-1 - column[outside]]
    return (np.frombuffer(bytes(texts), np.uint8)[picked].tobytes(),
            array("q", new_at.tobytes()))


class Compact:
    """Relationships as compressed sparse rows of node numbers (see the module docstring).

    `ids[n]` is node n's id (the graph's own string), `number` the reverse. Side
    `out`: node n's outgoing relationships are positions `out_at[n]` to `out_at[n + 1]`
    of `out_end` (target numbers), `out_type` (numbers into `TYPES`, ascending within a
    node) and `out_map` (numbers into `maps`, the property maps, `maps[0]` empty); side
    `in` the same with source numbers. Within a node and type the order is the store
    table's key order (`Compact.rows` is given rows in it). Never changed once made.

    Property maps that are not shared (beyond the first texts of a type: a deal per
    COLLABORATED_WITH) stay UTF-8 JSON, out of line: map number -1 - k is text k,
    `texts[text_at[k]:text_at[k + 1]]`, decoded on each read (a 3-key dict is ~340
    bytes, its text ~80)."""

    __slots__ = ("counts", "ids", "in_at", "in_end", "in_map", "in_type", "maps", "number",
                 "out_at", "out_end", "out_map", "out_type", "text_at", "texts")

    def __init__(self, ids: list[str], number: dict[str, int], sides: Sequence[array[int]],
                 maps: list[dict[str, Any]], counts: Sequence[int],
                 texts: Texts = (b"", array("q", [0]))) -> None:
        self.ids, self.number, self.maps = ids, number, maps
        self.texts, self.text_at = texts
        (self.out_at, self.out_end, self.out_type, self.out_map,
         self.in_at, self.in_end, self.in_type, self.in_map) = sides
        self.counts = list(counts)
        """Relationships per type number."""

    @classmethod
    def empty(cls) -> Compact:
        return cls([], {}, [array("i", [0]), array("i"), array("b"), array("i")] * 2, [_EMPTY],
                   [0] * len(TYPES))

    @classmethod
    def rows(cls, ids: list[str], number: dict[str, int],
             runs: Sequence[tuple[int, array[int], array[int], array[int]]],
             maps: list[dict[str, Any]], texts: Texts = (b"", array("q", [0]))) -> Compact:
        """From runs (type number, source numbers, target numbers, map numbers) in type
        order, each in the table's key order: a stable sort by (node, type) of their
        concatenation keeps that order within a node and type on both sides."""
        import numpy as np  # imported by the first open: the CLI's other commands start without it

        count = len(ids)
        width = len(TYPES)
        sources = np.concatenate([np.frombuffer(run[1], np.int32) for run in runs]
                                 or [np.zeros(0, np.int32)])
        targets = np.concatenate([np.frombuffer(run[2], np.int32) for run in runs]
                                 or [np.zeros(0, np.int32)])
        type_numbers = np.concatenate([np.full(len(run[1]), run[0], np.int8) for run in runs]
                                      or [np.zeros(0, np.int8)])
        map_numbers = np.concatenate([np.frombuffer(run[3], np.int32) for run in runs]
                                     or [np.zeros(0, np.int32)])
        sides: list[array[int]] = []
        for here, there in ((sources, targets), (targets, sources)):
            order = np.argsort(here.astype(np.int64) * width + type_numbers, kind="stable")
            at = np.zeros(count + 1, np.int32)
            np.cumsum(np.bincount(here, minlength=count), out=at[1:])
            sides += [array("i", at.tobytes()), array("i", there[order].tobytes()),
                      array("b", type_numbers[order].tobytes()),
                      array("i", map_numbers[order].tobytes())]
        return cls(ids, number, sides, maps,
                   np.bincount(type_numbers, minlength=width).tolist(), texts)

    def text(self, number: int) -> dict[str, Any]:
        """The map of out-of-line text `-1 - number` (a new dict on each read), by the
        json module's own scanner, without `json.loads`' checks of text the store wrote
        (a third of the cost: trust paths read thousands)."""
        at = self.text_at
        decoded: dict[str, Any] = _scan(self.texts[at[-1 - number]:at[-number]].decode(), 0)[0]
        return decoded

    def properties(self, number: int) -> dict[str, Any]:
        return self.maps[number] if number >= 0 else self.text(number)

    def _side(self, outgoing: bool) -> tuple[array[int], array[int], array[int], array[int]]:
        if outgoing:
            return self.out_at, self.out_end, self.out_type, self.out_map
        return self.in_at, self.in_end, self.in_type, self.in_map

    def span(self, node_id: str, rel_type: RelType, outgoing: bool
             ) -> tuple[int, int, int]:
        """(node number, first, end) positions of the node's relationships of a type."""
        number = self.number.get(node_id)
        if number is None:
            return -1, 0, 0
        at, _, types, _ = self._side(outgoing)
        low, high = at[number], at[number + 1]
        if low == high:
            return number, 0, 0
        order = TYPE_ORDER[rel_type]
        first = bisect.bisect_left(types, order, low, high)
        return number, first, bisect.bisect_right(types, order, first, high)

    def rels(self, node_id: str, rel_type: RelType, outgoing: bool) -> list[RelRecord]:
        number, first, end = self.span(node_id, rel_type, outgoing)
        if first == end:
            return []
        _, ends, _, maps_of = self._side(outgoing)
        ids, maps, me, text = self.ids, self.maps, self.ids[number], self.text
        if outgoing:
            return [new_rel(rel_type, me, ids[other], maps[at] if at >= 0 else text(at))
                    for other, at in zip(ends[first:end], maps_of[first:end], strict=True)]
        return [new_rel(rel_type, ids[other], me, maps[at] if at >= 0 else text(at))
                for other, at in zip(ends[first:end], maps_of[first:end], strict=True)]

    def ends(self, node_id: str, rel_type: RelType, outgoing: bool) -> list[str]:
        _, first, end = self.span(node_id, rel_type, outgoing)
        if first == end:
            return []
        ids = self.ids
        return [ids[other] for other in self._side(outgoing)[1][first:end]]

    def targets(self, node_id: str, rel_type: RelType) -> list[tuple[str, dict[str, Any]]]:
        _, first, end = self.span(node_id, rel_type, True)
        if first == end:
            return []
        ids, maps, text = self.ids, self.maps, self.text
        return [(ids[other], maps[at] if at >= 0 else text(at)) for other, at in zip(
            self.out_end[first:end], self.out_map[first:end], strict=True)]

    def all_rels(self, node_id: str, outgoing: bool) -> list[RelRecord]:
        number = self.number.get(node_id)
        if number is None:
            return []
        at, ends, types, maps_of = self._side(outgoing)
        low, high = at[number], at[number + 1]
        ids, maps, me, text = self.ids, self.maps, self.ids[number], self.text
        if outgoing:
            return [new_rel(TYPES[kind], me, ids[other], maps[m] if m >= 0 else text(m))
                    for other, kind, m in zip(
                ends[low:high], types[low:high], maps_of[low:high], strict=True)]
        return [new_rel(TYPES[kind], ids[other], me, maps[m] if m >= 0 else text(m))
                for other, kind, m in zip(
            ends[low:high], types[low:high], maps_of[low:high], strict=True)]

    def all_ends(self, node_id: str, outgoing: bool) -> list[str]:
        number = self.number.get(node_id)
        if number is None:
            return []
        at, ends, _, _ = self._side(outgoing)
        ids = self.ids
        return [ids[other] for other in ends[at[number]:at[number + 1]]]

    def degree(self, node_id: str, outgoing: bool) -> int:
        number = self.number.get(node_id)
        if number is None:
            return 0
        at = self.out_at if outgoing else self.in_at
        return at[number + 1] - at[number]

    def joining(self, source: str, target: str) -> list[RelRecord]:
        """The relationships source -> target, read from the shorter of the two rows."""
        if self.degree(source, True) <= self.degree(target, False):
            here, there, outgoing = source, target, True
        else:
            here, there, outgoing = target, source, False
        number, other = self.number.get(here), self.number.get(there)
        if number is None or other is None:
            return []
        at, ends, types, maps_of = self._side(outgoing)
        return [new_rel(TYPES[types[position]], source, target, self.properties(
            maps_of[position])) for position in range(at[number], at[number + 1])
                if ends[position] == other]

    def rows_of(self, nodes: Any, type_number: int, outgoing: bool) -> tuple[Any, Any, Any]:
        """The rows of one type at these nodes (a numpy array of node numbers), all at
        once: per row its node, other end and map number (numpy arrays, by node in
        `nodes` order, then as the rows lie)."""
        import numpy as np  # as in `Compact.rows`

        at, ends, types, maps_of = (
            np.frombuffer(column, kind) if len(column) else np.zeros(0, kind)
            for column, kind in zip(self._side(outgoing), (np.int32, np.int32, np.int8, np.int32),
                                    strict=True))
        nodes = np.asarray(nodes, np.int64)
        low = at[nodes].astype(np.int64)
        lengths = at[nodes + 1] - low
        total = int(lengths.sum())
        positions = np.repeat(low - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        kept = types[positions] == type_number
        positions = positions[kept]
        return (np.repeat(nodes, lengths)[kept], ends[positions].astype(np.int64),
                maps_of[positions])

    def rels_with(self, node_id: str, rel_type: RelType, outgoing: bool,
                  others: Container[str]) -> list[RelRecord]:
        """`rels` of those whose other end is among `others`: the ends are read from the
        arrays first, so the properties of the rest are never decoded."""
        number, first, end = self.span(node_id, rel_type, outgoing)
        if first == end:
            return []
        _, ends, _, maps_of = self._side(outgoing)
        ids, me = self.ids, self.ids[number]
        found = []
        for position in range(first, end):
            other = ids[ends[position]]
            if other in others:
                properties = self.properties(maps_of[position])
                found.append(new_rel(rel_type, me, other, properties) if outgoing
                             else new_rel(rel_type, other, me, properties))
        return found


class Graph:
    """Nodes by id and their relationships; see the module docstring."""

    __slots__ = ("_base", "_counts", "_in", "_out", "nodes", "record")

    def __init__(self, nodes: dict[str, NodeRecord] | None = None) -> None:
        self.nodes: dict[str, NodeRecord] = {} if nodes is None else nodes
        """id -> record; iterate it for every node."""
        self._base = Compact.empty()
        self._out: dict[str, list[RelRecord]] = {}
        """The outgoing relationships of the nodes a write has touched since `attach`
        (these override the arrays); `_in` the same for incoming ones."""
        self._in: dict[str, list[RelRecord]] = {}
        self._counts: dict[RelType, int] = dict.fromkeys(RelType, 0)
        self.record: Callable[[str], NodeRecord] = self.nodes.__getitem__
        """The node's record; KeyError when it is not in the graph (the dict's own
        lookup: readers call it millions of times)."""

    def attach(self, base: Compact) -> None:
        """Take the relationships of a graph with none yet (at open)."""
        if any(self._counts.values()) or self._out or self._in:
            msg = "attach is for a graph without relationships"  # a caller's bug
            raise ValueError(msg)
        self._base = base
        self._counts = {rel_type: base.counts[order] for rel_type, order in TYPE_ORDER.items()}

    @property
    def compact(self) -> Compact:
        """The arrays attached at open (what a snapshot holds)."""
        return self._base

    # ----------------------------------------------------------------- reads

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def out_rels(self, node_id: str, rel_type: RelType) -> list[RelRecord]:
        """Outgoing relationships of a type (a new list), in insertion order."""
        live = self._out.get(node_id)
        if live is not None:
            return _of_type(live, rel_type)
        return self._base.rels(node_id, rel_type, True)

    def in_rels(self, node_id: str, rel_type: RelType) -> list[RelRecord]:
        """Incoming relationships of a type (a new list), in insertion order."""
        live = self._in.get(node_id)
        if live is not None:
            return _of_type(live, rel_type)
        return self._base.rels(node_id, rel_type, False)

    def out_ends(self, node_id: str, rel_type: RelType) -> list[str]:
        """The targets of `out_rels(node_id, rel_type)`, without building records."""
        live = self._out.get(node_id)
        if live is not None:
            return [rel.target for rel in _of_type(live, rel_type)]
        return self._base.ends(node_id, rel_type, True)

    def in_ends(self, node_id: str, rel_type: RelType) -> list[str]:
        """The sources of `in_rels(node_id, rel_type)`, without building records."""
        live = self._in.get(node_id)
        if live is not None:
            return [rel.source for rel in _of_type(live, rel_type)]
        return self._base.ends(node_id, rel_type, False)

    def out_targets(self, node_id: str, rel_type: RelType) -> list[tuple[str, dict[str, Any]]]:
        """(target, properties) of `out_rels(node_id, rel_type)`, without records."""
        live = self._out.get(node_id)
        if live is not None:
            return [(rel.target, rel.properties) for rel in _of_type(live, rel_type)]
        return self._base.targets(node_id, rel_type)

    def rels_with(self, node_id: str, rel_type: RelType, outgoing: bool,
                  others: Container[str]) -> list[RelRecord]:
        """`out_rels` (outgoing) or `in_rels` of a type whose other end is among
        `others`, without reading the properties of the rest."""
        live = (self._out if outgoing else self._in).get(node_id)
        if live is not None:
            return [rel for rel in _of_type(live, rel_type)
                    if (rel.target if outgoing else rel.source) in others]
        return self._base.rels_with(node_id, rel_type, outgoing, others)

    def has_own_rows(self, node_id: str) -> bool:
        """True when a write gave the node a list of its own (either side): its
        relationships are no longer (only) the arrays' rows (`compact`)."""
        return node_id in self._out or node_id in self._in

    def ends(self, node_id: str) -> list[str]:
        """The other end of every relationship at the node: targets of the outgoing,
        then sources of the incoming ones (each by type), repeated as they occur."""
        live = self._out.get(node_id)
        found = ([rel.target for rel in live] if live is not None
                 else self._base.all_ends(node_id, True))
        live = self._in.get(node_id)
        found += ([rel.source for rel in live] if live is not None
                  else self._base.all_ends(node_id, False))
        return found

    def degree(self, node_id: str) -> int:
        """How many relationships start or end at the node."""
        out, into = self._out.get(node_id), self._in.get(node_id)
        return ((len(out) if out is not None else self._base.degree(node_id, True))
                + (len(into) if into is not None else self._base.degree(node_id, False)))

    def out_all(self, node_id: str) -> Sequence[RelRecord]:
        """Every outgoing relationship, by type (do not change the sequence)."""
        live = self._out.get(node_id)
        return live if live is not None else self._base.all_rels(node_id, True)

    def in_all(self, node_id: str) -> Sequence[RelRecord]:
        """Every incoming relationship, by type (do not change the sequence)."""
        live = self._in.get(node_id)
        return live if live is not None else self._base.all_rels(node_id, False)

    def between(self, a: str, b: str) -> list[RelRecord]:
        """Every relationship joining a and b, either way: a->b first, then b->a. Each
        direction reads the shorter of the two lists that hold it."""
        found: list[RelRecord] = []
        for source, target in ((a, b), (b, a)):
            outgoing, incoming = self._out.get(source), self._in.get(target)
            if outgoing is None and incoming is None:
                found += self._base.joining(source, target)
            elif incoming is None or (outgoing is not None and len(outgoing) <= len(incoming)):
                found += [rel for rel in self.out_all(source) if rel.target == target]
            else:
                found += [rel for rel in incoming if rel.source == source]
        return found

    def relationships(self) -> Iterator[RelRecord]:
        """Every relationship once (by source node in `nodes` order, then type)."""
        for node_id in self.nodes:
            yield from self.out_all(node_id)

    def count(self, rel_type: RelType) -> int:
        return self._counts[rel_type]

    def find(self, key: RelKey) -> RelRecord | None:
        """The relationship with this key, if any (a scan of the source's slice of the
        type: sources are rarely hubs)."""
        rel_type = _TYPES.get(key[0])
        if rel_type is None:
            return None
        names = _KEY_NAMES[rel_type]
        target, values = key[2], tuple(key[3])
        for rel in self.out_rels(key[1], rel_type):
            if rel.target == target and (
                    not names or tuple(rel.properties.get(name) for name in names) == values):
                return rel
        return None

    def flattened(self, key_text: Callable[[RelRecord], str],
                  text_of: Callable[[dict[str, Any]], str]) -> Compact:
        """The arrays a build from the file would make of the graph as it is now (what a
        snapshot written after writes holds): nodes numbered in `nodes` order (the
        table's), the rows of nodes without an own list copied and renumbered, each own
        list put in the table's key order (type, the other end, then `key_text`, the
        key column). Property maps of the arrays keep their numbers; another map is one
        of those when `text_of` (its JSON text) matches, else out-of-line text. Texts no
        row refers to any more are dropped."""
        import numpy as np  # as in `Compact.rows`

        base, width = self._base, len(TYPES)
        ids = list(self.nodes)
        number = dict(zip(ids, range(len(ids)), strict=True))
        count = len(base.ids)
        if ids[:count] == base.ids:  # no node dropped: old numbers stay
            renumber = np.arange(count, dtype=np.int32)
        else:
            renumber = np.fromiter((number.get(node_id, -1) for node_id in base.ids),
                                   np.int32, count)
        known = {text_of(properties): at for at, properties in enumerate(base.maps) if at}
        by_object = {id(properties): at for at, properties in enumerate(base.maps)}
        texts, text_at = bytearray(base.texts), array("q", base.text_at)

        def map_number(properties: dict[str, Any]) -> int:
            found = by_object.get(id(properties))  # the maps stay alive meanwhile
            if found is None:
                text = text_of(properties)
                found = known.get(text)
                if found is None:
                    found = -len(text_at)
                    texts.extend(text.encode())
                    text_at.append(len(texts))
                by_object[id(properties)] = found
            return found

        sides: list[Any] = []
        for outgoing, live in ((True, self._out), (False, self._in)):
            at, ends, types, maps_of = (
                np.frombuffer(column, kind) for column, kind in zip(
                    base._side(outgoing), (np.int32, np.int32, np.int8, np.int32), strict=True))
            kept = renumber.copy()
            for node_id in live:
                old = base.number.get(node_id)
                if old is not None:
                    kept[old] = -1
            row_node = kept[np.repeat(np.arange(count, dtype=np.int32), np.diff(at))]
            mask = row_node >= 0
            nodes, others = array("i"), array("i")
            kinds, numbers = array("b"), array("i")
            for node_id, rels in live.items():
                here = number.get(node_id)
                if here is None:  # dropped
                    continue
                rels = list(rels)
                _in_table_order(rels, outgoing, key_text)
                for rel in rels:
                    nodes.append(here)
                    others.append(number[rel.target if outgoing else rel.source])
                    kinds.append(TYPE_ORDER[rel.type])
                    numbers.append(map_number(rel.properties) if rel.properties else 0)
            here_all = np.concatenate((row_node[mask], np.frombuffer(nodes, np.int32)))
            there_all = np.concatenate((renumber[ends[mask]], np.frombuffer(others, np.int32)))
            kind_all = np.concatenate((types[mask], np.frombuffer(kinds, np.int8)))
            map_all = np.concatenate((maps_of[mask], np.frombuffer(numbers, np.int32)))
            order = np.argsort(here_all.astype(np.int64) * width + kind_all, kind="stable")
            offsets = np.zeros(len(ids) + 1, np.int32)
            np.cumsum(np.bincount(here_all, minlength=len(ids)), out=offsets[1:])
            sides += [offsets, there_all[order], kind_all[order], map_all[order]]
        kept_texts = _kept_texts(np, (sides[3], sides[7]), texts, text_at)
        return Compact(ids, number, [
            array(kind, column.tobytes()) for kind, column in zip("iibi" * 2, sides, strict=True)],
            base.maps, np.bincount(sides[2], minlength=width).tolist(), kept_texts)

    def in_table_order(self, key_text: Callable[[RelRecord], str]) -> None:
        """Put every node's own lists in the order a build from the file gives them (by
        type, the other end, then `key_text`, the key column), e.g. after changes
        replayed from the file."""
        for outgoing, lists in ((True, self._out), (False, self._in)):
            for rels in lists.values():
                _in_table_order(rels, outgoing, key_text)

    # ----------------------------------------------------------------- changes

    def _live(self, node_id: str, outgoing: bool) -> list[RelRecord]:
        """The node's own list of one side, made from the arrays on first use."""
        lists = self._out if outgoing else self._in
        live = lists.get(node_id)
        if live is None:
            live = lists[node_id] = self._base.all_rels(node_id, outgoing)
        return live

    def put_node(self, record: NodeRecord) -> NodeRecord | None:
        """Add or replace a node's record (its relationships stay); the old record."""
        old = self.nodes.get(record.id)
        self.nodes[record.id] = record
        return old

    def put_rel(self, rel: RelRecord, key: RelKey | None = None) -> None:
        """Add a relationship, or replace the one with the same key (`key_of(rel)`, when
        not given) in place. Both ends must be nodes."""
        old = self.find(key if key is not None else key_of(rel))
        outgoing, incoming = self._live(rel.source, True), self._live(rel.target, False)
        if old is not None:
            outgoing[_index_of(outgoing, old)] = rel
            incoming[_index_of(incoming, old)] = rel
            return
        for rels in (outgoing, incoming):
            if not rels or rels[-1].type <= rel.type:
                rels.append(rel)
            else:
                rels.insert(bisect.bisect_right(rels, rel.type, key=_type), rel)
        self._counts[rel.type] += 1

    def drop_rel(self, key: RelKey) -> RelRecord | None:
        """Remove the relationship with this key; the one removed, if there was one."""
        rel = self.find(key)
        if rel is not None:
            self._unlink(rel.source, True, rel)
            self._unlink(rel.target, False, rel)
            self._counts[rel.type] -= 1
        return rel

    def drop_node(self, node_id: str) -> tuple[NodeRecord, set[str]] | None:
        """Remove a node and its relationships; its record and former neighbours."""
        record = self.nodes.pop(node_id, None)
        if record is None:
            return None
        neighbours: set[str] = set()
        for rel in self.out_all(node_id):
            neighbours.add(rel.target)
            if rel.target != node_id:
                self._unlink(rel.target, False, rel)
            self._counts[rel.type] -= 1
        for rel in self.in_all(node_id):
            neighbours.add(rel.source)
            if rel.source != node_id:
                self._unlink(rel.source, True, rel)
                self._counts[rel.type] -= 1
        for lists in (self._out, self._in):  # an empty own list hides the arrays' rows
            if node_id in self._base.number:
                lists[node_id] = []
            else:
                lists.pop(node_id, None)
        neighbours.discard(node_id)
        return record, neighbours

    def _unlink(self, node_id: str, outgoing: bool, rel: RelRecord) -> None:
        rels = self._live(node_id, outgoing)
        del rels[_index_of(rels, rel)]
        if not rels and node_id not in self._base.number:
            del (self._out if outgoing else self._in)[node_id]
