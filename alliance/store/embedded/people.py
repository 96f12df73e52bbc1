"""Collaborator questions over the graph's node numbering: who meets a question's hard
constraints, and the ties of a trust search's last layer, as whole-array operations.

Why (measured at 10^6 nodes, docs/benchmarks.md "Collaborators and team (session 8)"):
a question's candidates are 10^4–10^5 people; as Python sets of ids their unions and
intersections cost 8–37 ms a question, as boolean masks over the node numbers of the
graph's arrays (`adjacency.Compact`) well under a millisecond. So the index's person
sets (skill holders, experts, people of a city, role labels) are read as arrays of node
numbers (`numbered`, kept in `EvidenceIndex.person_arrays` until the next write), and
`collaborator_ids` answers with a `NumberedSet`. Nodes added since the open have no
number: they stay ids (`NumberedSet.extra`), handled by the same set logic.

`ties_towards` reads the COLLABORATED_WITH relationships and employers of a trust
search's last layer (hundreds of people) from the arrays at once, for the people and
employers no write has touched since the open (their rows are the arrays'); the rest as
`Graph` reads them.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

from alliance.store.base import CollaboratorFilter, NumberedSet, ScoreColumns
from alliance.store.embedded.adjacency import TYPE_ORDER, Compact, Graph, new_rel
from alliance.store.embedded.index import EvidenceIndex, PersonColumns
from alliance.store.embedded.queries import _certified, _check_references
from graph_schema.records import RelRecord
from graph_schema.vocabulary import Label, RelType

__all__ = ["collaborator_ids", "deals_towards", "numbered", "score_columns", "ties_towards"]

_Members = tuple[Any, dict[str, int]]
"""Node numbers (an int64 array) and levels (an int64 array, or None), and the members
without a number with their level (0 when the set has none)."""


def numbered(index: EvidenceIndex, compact: Compact, kind: str, key: str,
             members: Iterable[str] | Mapping[str, int]
             ) -> tuple[Any, Any, dict[str, int]]:
    """A person set of the index (`members`; a mapping: person -> level) as the arrays'
    node numbers, their levels (a mapping's values, else None) and the members without
    a number; kept in `index.person_arrays` under (kind, key) until the next write."""
    found = index.person_arrays.get((kind, key))
    if found is None:
        import numpy as np  # as the graph's arrays: imported when first needed

        people = list(members)
        numbers = np.fromiter(map(compact.number.get, people, repeat(-1)), np.int64,
                              len(people))
        levels = (np.fromiter(members.values(), np.int64, len(people))
                  if isinstance(members, Mapping) else None)
        extra: dict[str, int] = {}
        if len(numbers) and numbers.min() < 0:
            missing = numbers < 0
            extra = {people[at]: int(levels[at]) if levels is not None else 0
                     for at in np.flatnonzero(missing).tolist()}
            numbers = numbers[~missing]
            levels = levels[~missing] if levels is not None else None
        found = index.person_arrays[(kind, key)] = (numbers, levels, extra)
    return found


class _Sets:
    """Unions and intersections of person sets as (mask over node numbers, ids without
    a number)."""

    def __init__(self, index: EvidenceIndex, compact: Compact) -> None:
        import numpy as np  # as the graph's arrays: imported when first needed

        self.np, self.index, self.compact = np, index, compact
        self.size = len(compact.ids)

    def empty(self) -> tuple[Any, set[str]]:
        return self.np.zeros(self.size, bool), set()

    def union(self, parts: Iterable[tuple[str, str, Iterable[str] | Mapping[str, int]]],
              min_level: int = 1) -> tuple[Any, set[str]]:
        """The union of these sets (kind, key, members); with levels, of the members at
        min_level or above."""
        mask, extra = self.empty()
        for kind, key, members in parts:
            numbers, levels, outside = numbered(self.index, self.compact, kind, key, members)
            if levels is not None and min_level > 1:
                numbers = numbers[levels >= min_level]
                outside = {person: level for person, level in outside.items()
                           if level >= min_level}
            mask[numbers] = True
            extra.update(outside)
        return mask, extra


def _wanted_verticals(index: EvidenceIndex, query: CollaboratorFilter) -> set[str]:
    """The verticals asked for and every subfield of them (the index's taxonomy)."""
    wanted: set[str] = set(query.verticals)
    for vertical in query.verticals:
        wanted.update(index.taxonomy.get(vertical, ({}, {}))[1])
    return wanted


def collaborator_ids(graph: Graph, index: EvidenceIndex, by_label: Mapping[str, set[str]],
                     query: CollaboratorFilter) -> NumberedSet:
    """The people `collaborator_candidates` returns: the index's skill holders, experts,
    city and role sets as masks over the node numbers, united per constraint and
    intersected across them; only a certification asked for is checked person by
    person."""
    _check_references(graph, query)
    facts, compact = index.people, graph.compact
    sets = _Sets(index, compact)
    found: tuple[Any, set[str]] | None = None
    if query.skills:
        skills = sorted(set(query.skills))
        held = [sets.union([("holders", skill, facts.holders.get(skill, {}))],
                           query.min_level) for skill in skills]
        if query.require_all_skills:
            mask, extra = held[0]
            for other_mask, other_extra in held[1:]:
                mask &= other_mask
                extra &= other_extra
            found = mask, extra
        else:
            found = sets.union([("holders", skill, facts.holders.get(skill, {}))
                                for skill in skills], query.min_level)
    constraints: list[tuple[Any, set[str]]] = []
    if query.verticals:
        constraints.append(sets.union(
            ("experts", industry, facts.experts[industry])
            for industry in sorted(_wanted_verticals(index, query)) if industry in facts.experts))
    if query.cities:
        constraints.append(sets.union(("in_city", city, facts.in_city[city])
                                      for city in query.cities if city in facts.in_city))
    if query.roles:
        constraints.append(sets.union(("label", role.value, by_label[role.value])
                                      for role in query.roles if role.value in by_label))
    if query.among is not None or not (found or constraints):
        people = by_label.get(Label.PERSON.value, set())
        constraints.append(sets.union([("label", Label.PERSON.value, people)]))
    if query.among is not None:
        mask, extra = sets.empty()
        number = compact.number
        mask[[at for at in map(number.get, query.among) if at is not None]] = True
        extra.update(person for person in query.among if person not in number)
        constraints.append((mask, extra))
    for other_mask, other_extra in constraints:
        if found is None:
            found = other_mask, other_extra
        else:
            found[0].__iand__(other_mask)
            found[1].intersection_update(other_extra)
    assert found is not None  # some constraint, or every person
    mask, extra = found
    if query.min_certification is not None:
        min_rank = query.min_certification.rank
        ids, record = compact.ids, graph.record
        for at in mask.nonzero()[0].tolist():
            if not _certified(record(ids[at]), min_rank):
                mask[at] = False
        extra = {person for person in extra if _certified(record(person), min_rank)}
    number = compact.number
    dropped = [*query.exclude, *([query.asker] if query.asker is not None else [])]
    mask[[at for at in map(number.get, dropped) if at is not None]] = False
    return NumberedSet(compact.ids, number, mask, set(extra).difference(dropped))


def ties_towards(graph: Graph, people: Collection[str], towards: NumberedSet
                 ) -> tuple[list[RelRecord], dict[str, set[str]]]:
    """`EmbeddedStore.tie_relationships_towards` for targets held as a `NumberedSet` of
    the graph's numbering: the deals of `people` with an end among `towards` (all of a
    target's), an incoming one only when its source is not asked too; and per employer
    of theirs, its staff among `towards` and `people` (the only staff a last layer
    reads). People and employers with rows of their own (written since the open) are
    read as `Graph` reads them; the rest from the arrays at once."""
    import numpy as np  # as the graph's arrays: imported when first needed

    compact = graph.compact
    number, ids = compact.number, compact.ids
    collaborated, works_at = RelType.COLLABORATED_WITH, RelType.WORKS_AT
    asked = set(people)
    on_arrays = [at for person in asked if not graph.has_own_rows(person)
                 and (at := number.get(person)) is not None]
    by_graph = [person for person in asked if graph.has_own_rows(person)
                or person not in number]
    targets = towards.mask
    asked_mask = np.zeros(len(ids), bool)
    asked_mask[[at for at in map(number.get, asked) if at is not None]] = True
    found: list[RelRecord] = []
    nodes = np.array(on_arrays, np.int64)
    for outgoing in (True, False):
        owner, other, maps = compact.rows_of(nodes, TYPE_ORDER[collaborated], outgoing)
        keep = targets[owner] | targets[other]
        if not outgoing:
            keep &= ~asked_mask[other]
        properties = compact.properties
        for here, there, at in zip(owner[keep].tolist(), other[keep].tolist(),
                                   maps[keep].tolist(), strict=True):
            source, target = (ids[here], ids[there]) if outgoing else (ids[there], ids[here])
            found.append(new_rel(collaborated, source, target, properties(at)))
    _, employed, _ = compact.rows_of(nodes, TYPE_ORDER[works_at], True)
    employers = {ids[at] for at in employed.tolist()}
    for person in by_graph:
        found += deals_towards(graph, person, towards, asked)
        employers.update(graph.out_ends(person, works_at))
    return found, _staff(graph, sorted(employers), towards, asked, asked_mask)


def deals_towards(graph: Graph, person: str, towards: Container[str] | None,
                  asked: Container[str]) -> list[RelRecord]:
    """One person's deals as `Graph` reads them: all of them when `towards` is None or
    holds the person, else those with the other end among `towards`; an incoming one
    only when its source is not `asked` too (the asker's side reads it)."""
    collaborated = RelType.COLLABORATED_WITH
    if towards is None or person in towards:
        outgoing = graph.out_rels(person, collaborated)
        incoming = graph.in_rels(person, collaborated)
    else:
        outgoing = graph.rels_with(person, collaborated, True, towards)
        incoming = graph.rels_with(person, collaborated, False, towards)
    return [*outgoing, *(rel for rel in incoming if rel.source not in asked)]


def _staff(graph: Graph, employers: Sequence[str], towards: NumberedSet, asked: set[str],
           asked_mask: Any) -> dict[str, set[str]]:
    """Per employer, its staff among `towards` or `asked`."""
    import numpy as np  # as the graph's arrays: imported when first needed

    compact = graph.compact
    number, ids = compact.number, compact.ids
    staff: dict[str, set[str]] = {}
    on_arrays = []
    for org in employers:
        at = number.get(org)
        if at is None or graph.has_own_rows(org):
            staff[org] = {person for person in graph.in_ends(org, RelType.WORKS_AT)
                          if person in towards or person in asked}
        else:
            on_arrays.append(at)
    owner, other, _ = compact.rows_of(np.array(on_arrays, np.int64),
                                      TYPE_ORDER[RelType.WORKS_AT], False)
    keep = towards.mask[other] | asked_mask[other]
    for org_at in on_arrays:
        staff[ids[org_at]] = set()
    for org_at, person in zip(owner[keep].tolist(), other[keep].tolist(), strict=True):
        staff[ids[org_at]].add(ids[person])
    return staff


class _Ids(Sequence[str]):
    """The ids of these node numbers (a numpy array), then `extra`, made when read."""

    def __init__(self, ids: Sequence[str], numbers: Any, extra: Sequence[str]) -> None:
        self._ids, self._numbers, self._extra = ids, numbers, extra

    def __len__(self) -> int:
        return len(self._numbers) + len(self._extra)

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, slice):
            return [self[position] for position in range(*at.indices(len(self)))]
        count = len(self._numbers)
        if at < 0:
            at += len(self)
        if not 0 <= at < len(self):
            raise IndexError(at)
        return self._ids[int(self._numbers[at])] if at < count else self._extra[at - count]

    def __iter__(self) -> Iterator[str]:
        ids = self._ids
        yield from (ids[at] for at in self._numbers.tolist())
        yield from self._extra


def _rows_by_number(columns: PersonColumns, compact: Compact) -> Any:
    """Each node number's row of the person table (-1: none), made once per table."""
    if columns.by_number is None or columns.numbered is not compact.ids:
        import numpy as np  # as the graph's arrays: imported when first needed

        columns.by_number = np.fromiter(map(columns.row.get, compact.ids, repeat(-1)),
                                        np.int64, len(compact.ids))
        columns.numbered = compact.ids
    return columns.by_number


def score_columns(graph: Graph, index: EvidenceIndex, people: NumberedSet,
                  skills: Sequence[str], min_level: int) -> ScoreColumns:
    """`queries.score_columns` of the people of a `NumberedSet` of the graph's
    numbering (thousands of cold candidates): their rows of the person table and the
    levels of the skills asked gathered by node number, no id looked up but those of
    `people.extra`."""
    import numpy as np  # as the graph's arrays: imported when first needed

    compact = graph.compact
    columns = index.people_as_columns(graph)
    numbers = people.numbers()
    extra = sorted(people.extra)
    rows = np.concatenate((_rows_by_number(columns, compact)[numbers],
                           np.fromiter(map(columns.row.__getitem__, extra), np.int64,
                                       len(extra))))
    table = columns.table[rows]
    if skills:
        levels = np.zeros((len(rows), len(skills)), np.int64)
        for at, skill in enumerate(skills):
            holders = index.people.holders.get(skill, {})
            held, held_levels, _ = numbered(index, compact, "holders", skill, holders)
            dense = np.zeros(len(compact.ids), np.int64)
            dense[held] = held_levels
            levels[:len(numbers), at] = dense[numbers]
            levels[len(numbers):, at] = [holders.get(person, 0) for person in extra]
        levels[levels < min_level] = 0
    else:
        levels = table[:, :1]
    _, expert, home, collaborations, certification, dated, landed, signed, closed = table.T
    return ScoreColumns(_Ids(compact.ids, numbers, extra), levels, expert.astype(bool), home,
                        tuple(columns.cities), collaborations, certification,
                        tuple(columns.certifications), dated, tuple(columns.dates), landed,
                        signed, closed)
