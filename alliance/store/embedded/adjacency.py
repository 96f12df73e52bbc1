"""The embedded store's in-memory graph: per node its record, and its relationships
outgoing and incoming, each list grouped by type.

Why this layout and not networkx's MultiDiGraph (measured; docs/benchmarks.md, "Compact
embedded store"): a MultiDiGraph edge costs ~630 bytes (a key dict per node pair, an
attribute dict per edge, entries in both ends' adjacency dicts), plus the RelRecord
(~176) and its RelKey tuple in a per-type set (~114). Here an edge is its RelRecord
(slotted, 72 bytes, property maps shared where the store shares them) and one slot in
each end's list (16 bytes): about a tenth.

Each node's lists are ordered by type (`TYPE_ORDER`), and by insertion within a type,
so the relationships of one type at a hub (a city with 10^4 incoming COVERS) are a
bisected slice rather than a scan of every edge. A relationship is found by its RelKey
from its source's outgoing slice of that type (short, sources rarely being hubs).

Readers call `record`, `out_rels`, `in_rels`, `between` and iterate `nodes`; only the
store changes the graph (`put_node`, `put_rel`, `drop_rel`, `drop_node`), under its lock.
Records are shared, never copied: treat them (and their property maps) as read-only.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any

from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import RelType

__all__ = ["TYPE_ORDER", "Graph", "key_of"]

TYPE_ORDER: dict[RelType, int] = {rel_type: order for order, rel_type in enumerate(sorted(RelType))}
"""Position of each type in a node's lists: the order of the type names, so that lists
are bisected by comparing `rel.type` itself (a str enum), read by C code (`_type`)."""

_KEY_NAMES: dict[RelType, tuple[str, ...]] = {t: spec.key for t, spec in REL_SPECS.items()}
_SCAN = 16
"""Lists up to this long are filtered by a plain scan; longer ones are bisected."""
_NONE: tuple[RelRecord, ...] = ()
_TYPES: dict[str, RelType] = {rel_type.value: rel_type for rel_type in RelType}


_type = attrgetter("type")


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
    """Position of this very object (identity, not equality: no __eq__ per item)."""
    low, high = _span(rels, rel.type)
    for at in range(low, high):
        if rels[at] is rel:
            return at
    msg = f"{rel!r} is not in the list"  # a broken invariant, never user input
    raise LookupError(msg)


class Graph:
    """Nodes by id and their relationship lists; see the module docstring."""

    __slots__ = ("_counts", "_in", "_out", "nodes", "record")

    def __init__(self) -> None:
        self.nodes: dict[str, NodeRecord] = {}
        """id -> record; iterate it for every node."""
        # defaultdicts: `lists[node].append(rel)` is the cheapest way to load millions;
        # readers use .get, so a missing node never gains an empty list.
        self._out: defaultdict[str, list[RelRecord]] = defaultdict(list)
        self._in: defaultdict[str, list[RelRecord]] = defaultdict(list)
        self._counts: dict[RelType, int] = dict.fromkeys(RelType, 0)
        self.record: Callable[[str], NodeRecord] = self.nodes.__getitem__
        """The node's record; KeyError when it is not in the graph (the dict's own
        lookup: readers call it millions of times)."""

    # ----------------------------------------------------------------- reads

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def out_rels(self, node_id: str, rel_type: RelType) -> list[RelRecord]:
        """Outgoing relationships of a type (a new list), in insertion order."""
        return _of_type(self._out.get(node_id, _NONE), rel_type)

    def in_rels(self, node_id: str, rel_type: RelType) -> list[RelRecord]:
        """Incoming relationships of a type (a new list), in insertion order."""
        return _of_type(self._in.get(node_id, _NONE), rel_type)

    def out_all(self, node_id: str) -> Sequence[RelRecord]:
        """Every outgoing relationship, by type (the graph's own list: do not change it)."""
        return self._out.get(node_id, _NONE)

    def in_all(self, node_id: str) -> Sequence[RelRecord]:
        """Every incoming relationship, by type (the graph's own list: do not change it)."""
        return self._in.get(node_id, _NONE)

    def between(self, a: str, b: str) -> list[RelRecord]:
        """Every relationship joining a and b, either way: a->b first, then b->a. Each
        direction reads the shorter of the two lists that hold it."""
        found: list[RelRecord] = []
        for source, target in ((a, b), (b, a)):
            outgoing, incoming = self.out_all(source), self.in_all(target)
            if len(outgoing) <= len(incoming):
                found += [rel for rel in outgoing if rel.target == target]
            else:
                found += [rel for rel in incoming if rel.source == source]
        return found

    def relationships(self) -> Iterator[RelRecord]:
        """Every relationship once (by source node, then type)."""
        for rels in self._out.values():
            yield from rels

    def count(self, rel_type: RelType) -> int:
        return self._counts[rel_type]

    def find(self, key: RelKey) -> RelRecord | None:
        """The relationship with this key, if any (a scan of the source's slice of the
        type: sources are rarely hubs)."""
        rel_type = _TYPES.get(key[0])
        rels = self._out.get(key[1])
        if rel_type is None or not rels:
            return None
        names = _KEY_NAMES[rel_type]
        target, values = key[2], tuple(key[3])
        low, high = (0, len(rels)) if len(rels) <= _SCAN else _span(rels, rel_type)
        for at in range(low, high):
            rel = rels[at]
            if rel.target == target and rel.type is rel_type and (
                    not names or tuple(rel.properties.get(name) for name in names) == values):
                return rel
        return None

    # ----------------------------------------------------------------- changes

    def put_node(self, record: NodeRecord) -> NodeRecord | None:
        """Add or replace a node's record (its relationships stay); the old record."""
        old = self.nodes.get(record.id)
        self.nodes[record.id] = record
        return old

    def load(self, rel_type: RelType, rows: Iterable[tuple[str, str, str]],
             ids: Mapping[str, str], maps: Mapping[str, dict[str, Any]]) -> None:
        """Add relationships of one type known to be new, from (source, target, property
        text) rows, at the ends of the lists: only for types after every type already
        loaded (open loads type after type); anything else goes through `put_rel`.
        `ids` gives each end its node's own id string, `maps` each text its property map
        (the hottest loop of an open: nothing else is done per row)."""
        outgoing, incoming = self._out, self._in
        added = 0
        source_text: str | None = None
        start, out_list = "", []
        for source, target, text in rows:
            if source != source_text:  # rows come by source: reuse its id and list
                source_text = source
                start = ids[source]
                out_list = outgoing[start]
            end = ids[target]
            rel = RelRecord(rel_type, start, end, maps[text])
            out_list.append(rel)
            incoming[end].append(rel)
            added += 1
        self._counts[rel_type] += added

    def put_rel(self, rel: RelRecord, key: RelKey | None = None) -> None:
        """Add a relationship, or replace the one with the same key (`key_of(rel)`, when
        not given) in place. Both ends must be nodes."""
        old = self.find(key if key is not None else key_of(rel))
        if old is not None:
            outgoing, incoming = self._out[rel.source], self._in[rel.target]
            outgoing[_index_of(outgoing, old)] = rel
            incoming[_index_of(incoming, old)] = rel
            return
        for rels in (self._out[rel.source], self._in[rel.target]):
            if not rels or rels[-1].type <= rel.type:
                rels.append(rel)
            else:
                rels.insert(bisect.bisect_right(rels, rel.type, key=_type), rel)
        self._counts[rel.type] += 1

    def drop_rel(self, key: RelKey) -> RelRecord | None:
        """Remove the relationship with this key; the one removed, if there was one."""
        rel = self.find(key)
        if rel is not None:
            self._unlink(self._out, rel.source, rel)
            self._unlink(self._in, rel.target, rel)
            self._counts[rel.type] -= 1
        return rel

    def drop_node(self, node_id: str) -> tuple[NodeRecord, set[str]] | None:
        """Remove a node and its relationships; its record and former neighbours."""
        record = self.nodes.pop(node_id, None)
        if record is None:
            return None
        neighbours: set[str] = set()
        for rel in self._out.pop(node_id, _NONE):
            neighbours.add(rel.target)
            if rel.target != node_id:
                self._unlink(self._in, rel.target, rel)
            self._counts[rel.type] -= 1
        for rel in self._in.pop(node_id, _NONE):
            neighbours.add(rel.source)
            if rel.source != node_id:
                self._unlink(self._out, rel.source, rel)
                self._counts[rel.type] -= 1
        neighbours.discard(node_id)
        return record, neighbours

    @staticmethod
    def _unlink(lists: defaultdict[str, list[RelRecord]], node_id: str, rel: RelRecord
                ) -> None:
        rels = lists[node_id]
        del rels[_index_of(rels, rel)]
        if not rels:
            del lists[node_id]
