"""Simple-path search over the embedded graph: bounded, bidirectional, in id order.

Both stores must return the same k shortest simple paths (fewest hops, then the tuple of
node ids), which networkx's `shortest_simple_paths` does not order that way among equal
lengths; this search grows paths from both ends up to the hop limit and joins them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from alliance.store.base import MAX_HOPS, GraphPath
from graph_schema.vocabulary import RelType

if TYPE_CHECKING:  # at run time the graph is duck-typed: embedded/ imports this module
    from alliance.store.embedded.adjacency import Graph


class _Adjacency:
    """Undirected neighbours over the allowed relationship types, memoised for one search.

    A node's lists are grouped by type, so the allowed types' relationships at a hub (a
    city with tens of thousands of edges, when only HSR_LINK is allowed) are a few
    bisected slices, not a scan of the node's degree.
    """

    def __init__(self, graph: Graph, allowed: frozenset[RelType] | None) -> None:
        self._graph = graph
        self._allowed = sorted(allowed) if allowed is not None else None
        self._memo: dict[str, tuple[str, ...]] = {}

    def __call__(self, node: str) -> tuple[str, ...]:
        found = self._memo.get(node)
        if found is None:
            graph = self._graph
            if self._allowed is None:
                ends = [rel.target for rel in graph.out_all(node)]
                ends += [rel.source for rel in graph.in_all(node)]
            else:
                ends = [rel.target for rel_type in self._allowed
                        for rel in graph.out_rels(node, rel_type)]
                ends += [rel.source for rel_type in self._allowed
                         for rel in graph.in_rels(node, rel_type)]
            found = self._memo[node] = tuple(dict.fromkeys(ends))
        return found


def _extend(layer: list[tuple[str, ...]], adjacent: _Adjacency,
            avoid: str) -> list[tuple[str, ...]]:
    """Every simple path one hop longer; a path that reached `avoid` (the other end) stops."""
    return [
        path + (other,)
        for path in layer
        if path[-1] != avoid
        for other in adjacent(path[-1])
        if other not in path
    ]


def _join(forward: list[tuple[str, ...]], backward: list[tuple[str, ...]],
          need: int) -> list[tuple[str, ...]]:
    """Up to `need` simple paths made of a forward half and a backward half meeting at
    the same node, in lexicographic order of the whole path."""
    by_end: dict[str, list[tuple[str, ...]]] = {}
    for half in backward:
        by_end.setdefault(half[-1], []).append(half)
    ordered: set[str] = set()
    out: list[tuple[str, ...]] = []
    for half in sorted(path for path in forward if path[-1] in by_end):
        middle = half[-1]
        others = by_end[middle]
        if middle not in ordered:
            others.sort(key=lambda path: path[::-1])
            ordered.add(middle)
        seen = set(half)
        for other in others:
            if any(node in seen for node in other[:-1]):
                continue
            out.append(half + other[-2::-1])
            if len(out) >= need:
                return out
    return out


def simple_paths(
    graph: Graph,
    source: str,
    target: str,
    *,
    k: int,
    max_hops: int,
    rel_types: Iterable[RelType | str] = (),
) -> list[tuple[str, ...]]:
    """Up to k shortest simple paths between two nodes of `graph`, direction ignored,
    ordered by hop count and then by the tuple of node ids; at most `max_hops` hops
    (capped at MAX_HOPS). Both ends must be in the graph. `source == target` gives the
    one path of zero hops.

    Meet in the middle: simple half-paths grow one hop at a time from whichever end has
    fewer, and each length joins the halves in lexicographic order, stopping after k.
    Only paths of length <= max_hops are ever built, so a hub costs its degree, not the
    whole graph.

    >>> from alliance.store.embedded.adjacency import Graph
    >>> from graph_schema.records import RelRecord
    >>> g = Graph()
    >>> for a, b in [("a", "b"), ("b", "c"), ("a", "d"), ("d", "c")]:
    ...     g.put_rel(RelRecord(RelType.WORKS_AT, a, b))
    >>> simple_paths(g, "a", "c", k=3, max_hops=4)
    [('a', 'b', 'c'), ('a', 'd', 'c')]
    """
    if k <= 0:
        return []
    if source == target:
        return [(source,)]
    allowed = frozenset(RelType(rel_type) for rel_type in rel_types) or None
    adjacent = _Adjacency(graph, allowed)
    forward: list[tuple[str, ...]] = [(source,)]
    backward: list[tuple[str, ...]] = [(target,)]
    found: list[tuple[str, ...]] = []
    for _ in range(min(max_hops, MAX_HOPS)):
        if len(forward) <= len(backward):
            forward = _extend(forward, adjacent, avoid=target)
        else:
            backward = _extend(backward, adjacent, avoid=source)
        if not forward or not backward:
            break
        found.extend(_join(forward, backward, k - len(found)))
        if len(found) >= k:
            break
    return found


def graph_path(
    graph: Graph, nodes: Sequence[str], rel_types: Iterable[RelType | str] = ()
) -> GraphPath:
    """A node sequence as an explained GraphPath: for each hop, the relationship with the
    smallest RelKey (type first) among the allowed ones joining the two nodes either way,
    and whether it points forward."""
    allowed = frozenset(str(rel_type) for rel_type in rel_types) or None
    types: list[str] = []
    forward: list[bool] = []
    for here, there in zip(nodes, nodes[1:], strict=False):
        choices = [(rel.key, rel.source == here) for rel in graph.between(here, there)]
        key, points_forward = min(
            (choice for choice in choices if allowed is None or choice[0][0] in allowed),
            key=lambda choice: choice[0],
        )
        types.append(str(key[0]))
        forward.append(points_forward)
    labels = tuple(graph.nodes[node].label.value for node in nodes)
    return GraphPath(tuple(nodes), labels, tuple(types), tuple(forward))


# --------------------------------------------------------------------------- store


