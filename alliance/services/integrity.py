"""The graph's invariants, checked on every write before the store sees it.

Each record is already valid on its own (graph_schema); what only the whole graph can
say is checked here: every property value is storable (finite, within int64; this also
catches records built in code rather than parsed), and the SUBFIELD_OF taxonomy stays a
forest: a write that would make an industry its own ancestor is a Conflict naming the
cycle. Directory writes, relationship writes, imports and seed/JSONL loads all call
`check_write`, so no path stores what another would refuse; `check_store` (behind
`alliance db check`) finds what older versions stored anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from alliance.errors import Conflict, Invalid
from alliance.store.base import GraphStore
from graph_schema.nodes import label_of_id
from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.values import number_problems, text_problem
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


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Finding:
    """One stored fact that breaks an invariant (written by an older version)."""

    where: str
    """`park:x`, `HOSTS park:x->industry:y`, or `SUBFIELD_OF` for a cycle."""
    field: str | None
    problem: str


def check_records(records: Iterable[NodeRecord | RelRecord]) -> Iterator[Finding]:
    """Unstorable values and relationship ends of undeclared labels, record by record."""
    for record in records:
        if isinstance(record, NodeRecord):
            where = record.id
        else:
            where = f"{record.type.value} {record.source}->{record.target}"
            spec = REL_SPECS[record.type]
            for end, node_id, allowed in (("source", record.source, spec.sources),
                                          ("target", record.target, spec.targets)):
                if label_of_id(node_id) not in allowed:
                    yield Finding(where, end, f"{node_id!r} is not a "
                                              f"{' or '.join(sorted(allowed))} id")
        for path, problem in number_problems(record.properties):
            yield Finding(where, path, problem)
        for name, value in record.properties.items():
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                found = text_problem(text) if isinstance(text, str) else None
                if found is not None:
                    yield Finding(where, name, found)


def check_store(store: GraphStore, records: Iterable[NodeRecord | RelRecord]
                ) -> list[Finding]:
    """Everything stored that a write today would refuse."""
    findings = list(check_records(records))
    findings += [Finding(RelType.SUBFIELD_OF.value, None, "cycle " + " -> ".join(cycle))
                 for cycle in stored_cycles(store)]
    return findings
