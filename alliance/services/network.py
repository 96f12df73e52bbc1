"""Fetching the collaboration network around people from any store.

Trust paths, teams and proofs of expertise need the ties around a few people, not the
whole graph: these helpers grow a `TieGraph` layer by layer with one batched store call
per relationship type and layer (or one unsorted read from a `TieSource`: the ties do not
depend on the order), so the meaning (ties.py) stays in one place and every store answers
the same.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from alliance.services.ties import TieGraph
from alliance.store.base import GraphStore, TargetedTieSource, TieSource
from graph_schema.records import RelRecord
from graph_schema.vocabulary import RelType

__all__ = ["grow", "neighbourhood", "relationships_of"]


def relationships_of(store: GraphStore, node_ids: Iterable[str], rel_type: RelType, *,
                     outgoing: bool = True, incoming: bool = True) -> list[RelRecord]:
    """Relationships of a type that start (outgoing) or end (incoming) at these nodes,
    each once, sorted by key."""
    ids: Sequence[str] = sorted(set(node_ids))
    if not ids:
        return []
    return store.relationships_of(ids, rel_type, outgoing=outgoing, incoming=incoming)


def grow(store: GraphStore, graph: TieGraph, people: Iterable[str],
         towards: Collection[str] | None = None) -> set[str]:
    """Add every tie of these people (deals, referrals, shared employers) to the graph;
    returns the people they reach. With `towards`, only their ties to those people are
    added, and they are not marked expanded (a later grow adds the rest); a
    `TargetedTieSource` then reads no others (the people returned are those of the
    ties read)."""
    fresh = sorted(set(people) - graph.expanded)
    if not fresh:
        return set()
    if towards is None:
        graph.expanded.update(fresh)
    staff: dict[str, set[str]]
    if towards is not None and isinstance(store, TargetedTieSource):
        collaborations, staff = store.tie_relationships_towards(fresh, towards)
    elif isinstance(store, TieSource):
        collaborations, staff = store.tie_relationships(fresh)
    else:
        collaborations = relationships_of(store, fresh, RelType.COLLABORATED_WITH)
        employers = relationships_of(store, fresh, RelType.WORKS_AT, incoming=False)
        staff = {}
        for rel in relationships_of(store, {rel.target for rel in employers},
                                    RelType.WORKS_AT, outgoing=False):
            staff.setdefault(rel.target, set()).add(rel.source)
    graph.add(collaborations, staff, set(fresh), towards)
    reached = {rel.source for rel in collaborations} | {rel.target for rel in collaborations}
    reached = reached.union(*staff.values())
    return reached - set(fresh)


def neighbourhood(store: GraphStore, people: Iterable[str], max_hops: int, this_year: int,
                  graph: TieGraph | None = None, targets: Collection[str] | None = None
                  ) -> TieGraph:
    """The ties of everyone within max_hops − 1 of these people (so routes of up to
    max_hops are all visible). With `targets`, the last layer's ties are kept only to
    them: routes to anyone else are not wanted (and that layer is not marked expanded)."""
    graph = graph or TieGraph(this_year)
    frontier = set(people)
    for depth in range(max_hops):
        frontier = grow(store, graph, frontier, targets if depth == max_hops - 1 else None)
        if not frontier:
            break
    return graph
