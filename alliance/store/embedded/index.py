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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from alliance.store.embedded.adjacency import Graph
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


def _rels(graph: Graph, node: str, rel_type: RelType, outgoing: bool) -> list[RelRecord]:
    return graph.out_rels(node, rel_type) if outgoing else graph.in_rels(node, rel_type)


def _link(rel: RelRecord) -> RailLink:
    return RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                    float(rel.properties["km"]))


def _refresh(index: EvidenceIndex, graph: Graph, node: str) -> None:
    """Recompute every entry keyed by `node` from the graph (or drop it)."""
    index.hosted_by.pop(node, None)
    index.skills.pop(node, None)
    index.expert_in.pop(node, None)
    index.reach.pop(node, None)
    if node not in graph:
        return
    label = graph.record(node).label
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


def build(graph: Graph) -> EvidenceIndex:
    """The index of a whole graph."""
    index = EvidenceIndex(rail=build_rail(graph))
    for node, record in graph.nodes.items():
        if record.label in (Label.INDUSTRY, Label.PERSON, Label.CITY):
            _refresh(index, graph, node)
    return index


def apply(index: EvidenceIndex, graph: Graph, touched: Iterable[str]) -> None:
    """Bring the index up to date with `graph` after a write that changed the records or
    relationships of the `touched` ids (both ends of every relationship written or
    deleted, every node written or deleted, and the former neighbours of deleted nodes).
    """
    cities = False
    for node in set(touched):
        _refresh(index, graph, node)
        cities = cities or node not in graph or graph.record(node).label is Label.CITY
    if cities:
        index.rail = build_rail(graph)
        index.routes.clear()


def build_rail(graph: Graph) -> dict[RelKey, RailLink]:
    """Every HSR_LINK, by key, in key order."""
    found: dict[RelKey, RailLink] = {}
    for node, record in graph.nodes.items():
        if record.label is Label.CITY:
            for rel in _rels(graph, node, RelType.HSR_LINK, True):
                found[rel.key] = _link(rel)
    return dict(sorted(found.items()))
