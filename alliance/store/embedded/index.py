"""What EmbeddedStore's evidence questions read instead of traversing the whole graph,
kept up to date by every write (write-through, never stale) and rebuilt at open.

`build` makes the index from a graph; `apply` brings it up to date after a write,
given the ids whose own relationships or record changed (and, for deleted nodes, their
former neighbours). The tests check that after any sequence of writes the two agree.

- `rail`: every HSR_LINK as a RailLink, by relationship key; `routes`: fastest routes
  from an origin, computed on first use and dropped when a link or city changes.
- `hosted_by`: industry -> parks hosting it (so landing looks at related parks only).
- `skills`, `expert_in`: person -> sorted (skill, level) pairs / sorted industry ids.
- `reach`: city -> people who cover it or are based there (covering wins).
- `people`: per-person facts collaborator search filters and scores on (`PeopleFacts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from alliance.store.evidence import person_cities
from alliance.store.rail import RailLink, Route, fastest_routes
from graph_schema.records import RelKey, RelRecord
from graph_schema.vocabulary import Label, RelType


@dataclass
class EvidenceIndex:
    rail: dict[RelKey, RailLink] = field(default_factory=dict)
    hosted_by: dict[str, frozenset[str]] = field(default_factory=dict)
    skills: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    expert_in: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reach: dict[str, dict[str, RelType]] = field(default_factory=dict)
    routes: dict[str, dict[str, Route]] = field(default_factory=dict, compare=False)
    people: PeopleFacts = field(default_factory=lambda: PeopleFacts())

    def routes_from(self, origin: str) -> dict[str, Route]:
        found = self.routes.get(origin)
        if found is None:
            found = self.routes[origin] = fastest_routes(self.rail.values(), origin)
        return found

    def hosting(self, industries: Iterable[str]) -> set[str]:
        """Parks hosting any of the industries."""
        found: set[str] = set()
        for industry in industries:
            found.update(self.hosted_by.get(industry, ()))
        return found


@dataclass
class PeopleFacts:
    """What collaborator search reads of a person besides skills and verticals.

    - `cities`: person -> where they are based (by id), then the other cities they cover,
      directly or through a covered park's IN_CITY (`evidence.person_cities`).
    - `collaborations`: person -> COLLABORATED_WITH relationships either way.
    """

    cities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    collaborations: dict[str, int] = field(default_factory=dict)


def _rels(graph: nx.MultiDiGraph, node: str, rel_type: RelType, outgoing: bool
          ) -> list[RelRecord]:
    adjacency = graph._succ[node] if outgoing else graph._pred[node]
    return [attributes["record"] for edges in adjacency.values()
            for attributes in edges.values() if attributes["record"].type is rel_type]


def _link(rel: RelRecord) -> RailLink:
    return RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                    float(rel.properties["km"]))


def _refresh(index: EvidenceIndex, graph: nx.MultiDiGraph, node: str) -> None:
    """Recompute every entry keyed by `node` from the graph (or drop it)."""
    index.hosted_by.pop(node, None)
    index.skills.pop(node, None)
    index.expert_in.pop(node, None)
    index.reach.pop(node, None)
    if node not in graph:
        return
    label = graph.nodes[node]["record"].label
    if label is Label.INDUSTRY:
        parks = frozenset(rel.source for rel in _rels(graph, node, RelType.HOSTS, False))
        if parks:
            index.hosted_by[node] = parks
    elif label is Label.PERSON:
        skills = tuple(sorted((rel.target, int(rel.properties["level"]))
                              for rel in _rels(graph, node, RelType.HAS_SKILL, True)))
        expert = tuple(sorted(rel.target for rel in _rels(graph, node, RelType.EXPERT_IN,
                                                          True)))
        if skills:
            index.skills[node] = skills
        if expert:
            index.expert_in[node] = expert
    elif label is Label.CITY:
        seen: dict[str, RelType] = {}
        for rel_type in (RelType.COVERS, RelType.BASED_IN):
            for rel in _rels(graph, node, rel_type, False):
                if rel.source not in seen and rel.source.startswith("person:"):
                    seen[rel.source] = rel_type
        if seen:
            index.reach[node] = seen


def _refresh_person_facts(facts: PeopleFacts, graph: nx.MultiDiGraph, person: str) -> None:
    facts.cities.pop(person, None)
    facts.collaborations.pop(person, None)
    if person not in graph or graph.nodes[person]["record"].label is not Label.PERSON:
        return
    base = [rel.target for rel in _rels(graph, person, RelType.BASED_IN, True)]
    covered: set[str] = set()
    for rel in _rels(graph, person, RelType.COVERS, True):
        if graph.nodes[rel.target]["record"].label is Label.CITY:
            covered.add(rel.target)
        else:
            covered.update(r.target for r in _rels(graph, rel.target, RelType.IN_CITY, True))
    cities = person_cities(base, covered)
    if cities:
        facts.cities[person] = cities
    count = (len(_rels(graph, person, RelType.COLLABORATED_WITH, True))
             + len(_rels(graph, person, RelType.COLLABORATED_WITH, False)))
    if count:
        facts.collaborations[person] = count


def _apply_people(facts: PeopleFacts, graph: nx.MultiDiGraph, touched: set[str]) -> None:
    """The touched people, and the people covering a touched node (its label or IN_CITY
    may have changed what they cover)."""
    people = set(touched)
    for node in touched:
        if node in graph:
            people.update(rel.source for rel in _rels(graph, node, RelType.COVERS, False))
    for person in people:
        _refresh_person_facts(facts, graph, person)


def build(graph: nx.MultiDiGraph) -> EvidenceIndex:
    """The index of a whole graph."""
    index = EvidenceIndex(rail=build_rail(graph))
    for node, record in graph.nodes(data="record"):
        if record.label in (Label.INDUSTRY, Label.PERSON, Label.CITY):
            _refresh(index, graph, node)
        if record.label is Label.PERSON:
            _refresh_person_facts(index.people, graph, node)
    return index


def apply(index: EvidenceIndex, graph: nx.MultiDiGraph, touched: Iterable[str]) -> None:
    """Bring the index up to date with `graph` after a write that changed the records or
    relationships of the `touched` ids (both ends of every relationship written or
    deleted, every node written or deleted, and the former neighbours of deleted nodes).
    """
    cities = False
    touched = set(touched)
    for node in touched:
        _refresh(index, graph, node)
        cities = cities or node not in graph or graph.nodes[node]["record"].label is Label.CITY
    _apply_people(index.people, graph, touched)
    if cities:
        index.rail = build_rail(graph)
        index.routes.clear()


def build_rail(graph: nx.MultiDiGraph) -> dict[RelKey, RailLink]:
    """Every HSR_LINK, by key, in key order."""
    found: dict[RelKey, RailLink] = {}
    for node, record in graph.nodes(data="record"):
        if record.label is Label.CITY:
            for rel in _rels(graph, node, RelType.HSR_LINK, True):
                found[rel.key] = _link(rel)
    return dict(sorted(found.items()))
