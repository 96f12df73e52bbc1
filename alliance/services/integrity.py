"""The graph's invariants, checked on every write before the store sees it.

Each record is already valid on its own (graph_schema); what only the whole graph can
say is checked here: every property value is storable (finite, within int64; this also
catches records built in code rather than parsed), and the SUBFIELD_OF taxonomy stays a
forest: a write that would make an industry its own ancestor is a Conflict naming the
cycle. Directory writes, relationship writes, imports and seed/JSONL loads all call
`check_write`, so no path stores what another would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from alliance.errors import Conflict, Invalid
from alliance.store.base import GraphStore
from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.values import number_problems
from graph_schema.vocabulary import RelType

ACYCLIC: tuple[RelType, ...] = (RelType.SUBFIELD_OF,)
"""Relationship types that must never close a cycle (each has one parent per node)."""


def check_storable(nodes: Sequence[NodeRecord], relationships: Sequence[RelRecord]) -> None:
    """Invalid naming the first property no store can hold the same way."""
    for node in nodes:
        for path, problem in number_problems(node.properties):
            msg = f"{node.id}: {path} {problem}"
            raise Invalid(msg, field=path)
    for rel in relationships:
        for path, problem in number_problems(rel.properties):
            msg = f"{rel.type.value} {rel.source}->{rel.target}: {path} {problem}"
            raise Invalid(msg, field=f"properties.{path}")


def find_cycle(parents: dict[str, str], start: str) -> list[str] | None:
    """The cycle through `start` when following `parents` from it comes back to it.

    >>> find_cycle({"a": "b", "b": "c", "c": "a"}, "a")
    ['a', 'b', 'c', 'a']
    >>> find_cycle({"a": "b"}, "a") is None
    True
    """
    path = [start]
    seen = {start}
    node = start
    while node in parents:
        node = parents[node]
        path.append(node)
        if node == start:
            return path
        if node in seen:  # a cycle not through start: already stored, reported elsewhere
            return None
        seen.add(node)
    return None


FieldOf = Callable[[RelRecord], str | None]
"""How the caller names the input a relationship came from (`target`, `parent`)."""


def _target(rel: RelRecord) -> str | None:
    del rel
    return "target"


def check_acyclic(store: GraphStore, relationships: Sequence[RelRecord],
                  delete_relationships: Sequence[RelKey] = (), *,
                  field_of: FieldOf = _target) -> None:
    """Conflict when the written relationships would close a cycle of an ACYCLIC type."""
    for rel_type in ACYCLIC:
        added = [rel for rel in relationships if rel.type is rel_type]
        if not added:
            continue
        parents = {rel.source: rel.target for rel in store.get_relationships(rel_type)}
        for key in delete_relationships:
            if key[0] == rel_type.value and parents.get(key[1]) == key[2]:
                del parents[key[1]]
        for rel in added:
            parents[rel.source] = rel.target
        for rel in added:
            cycle = find_cycle(parents, rel.source)
            if cycle is not None:
                msg = (f"{rel_type.value} from {rel.source!r} to {rel.target!r} would close "
                       f"the cycle {' -> '.join(cycle)}")
                raise Conflict(msg, field=field_of(rel))


def check_write(store: GraphStore, *, nodes: Sequence[NodeRecord] = (),
                relationships: Sequence[RelRecord] = (),
                delete_relationships: Sequence[RelKey] = (), field_of: FieldOf = _target
                ) -> None:
    """Every invariant of the graph after this write; raises before anything is stored."""
    check_storable(nodes, relationships)
    check_acyclic(store, relationships, delete_relationships, field_of=field_of)


def stored_cycles(store: GraphStore) -> list[list[str]]:
    """Cycles already stored (by an older version) in each ACYCLIC type."""
    cycles: list[list[str]] = []
    for rel_type in ACYCLIC:
        parents = {rel.source: rel.target for rel in store.get_relationships(rel_type)}
        reported: set[str] = set()
        for start in sorted(parents):
            if start in reported:
                continue
            cycle = find_cycle(parents, start)
            if cycle is not None:
                reported.update(cycle)
                cycles.append(cycle)
    return cycles
