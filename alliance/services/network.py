"""Fetching the collaboration network around people from any store.

Trust paths, teams and proofs of expertise need the ties around a few people, not the
whole graph: these helpers grow a `TieGraph` layer by layer with one batched store call
per relationship type and layer (or one unsorted read from a `TieSource`: the ties do not
depend on the order), and read a trust search's last layer once, towards its targets, into
a `Fringe`; so the meaning (ties.py) stays in one place and every store answers the same.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from alliance.services.ties import Fringe, TieGraph
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


def grow(store: GraphStore, graph: TieGraph, people: Iterable[str]) -> set[str]:
    """Add every tie of these people (deals, referrals, shared employers) to the graph;
    returns the people they reach."""
    fresh = sorted(set(people) - graph.expanded)
    if not fresh:
        return set()
    graph.expanded.update(fresh)
    collaborations, staff = _tie_relationships(store, fresh)
    graph.add(collaborations, staff, set(fresh))
    reached = {rel.source for rel in collaborations} | {rel.target for rel in collaborations}
    reached = reached.union(*staff.values())
    return reached - set(fresh)


def _tie_relationships(store: GraphStore, people: Sequence[str],
                       towards: Collection[str] | None = None
                       ) -> tuple[list[RelRecord], dict[str, set[str]]]:
    """The COLLABORATED_WITH relationships at these people and the staff of their
    employers, in one read from a `TieSource`, else three sorted reads; with `towards`,
    a `TargetedTieSource` leaves out the deals with no end among them."""
    if towards is not None and isinstance(store, TargetedTieSource):
        return store.tie_relationships_towards(people, towards)
    if isinstance(store, TieSource):
        return store.tie_relationships(people)
    collaborations = relationships_of(store, people, RelType.COLLABORATED_WITH)
    employers = relationships_of(store, people, RelType.WORKS_AT, incoming=False)
    staff: dict[str, set[str]] = {}
    for rel in relationships_of(store, {rel.target for rel in employers}, RelType.WORKS_AT,
                                outgoing=False):
        staff.setdefault(rel.target, set()).add(rel.source)
    return collaborations, staff


def neighbourhood(store: GraphStore, people: Iterable[str], max_hops: int, this_year: int,
                  targets: Collection[str]) -> TieGraph:
    """The ties of everyone within max_hops − 2 of these people, and as the graph's
    `fringe` the ties from those max_hops − 1 out to the targets: every route of up to
    max_hops to a target is visible (`best_routes` with the fringe)."""
    graph = TieGraph(this_year)
    frontier = set(people)
    for _ in range(max_hops - 1):
        frontier = grow(store, graph, frontier)
        if not frontier:
            break
    fresh = sorted(frontier - graph.expanded)
    graph.fringe = Fringe(this_year, *_tie_relationships(store, fresh, targets), set(fresh),
                          targets, towards_targets=isinstance(store, TargetedTieSource))
    return graph
