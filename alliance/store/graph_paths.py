"""Simple-path search over the embedded graph: bounded, bidirectional, in id order.

Both stores must return the same k shortest simple paths (fewest hops, then the tuple of
node ids), which networkx's `shortest_simple_paths` does not order that way among equal
lengths; this search grows paths from both ends up to the hop limit and joins them.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence

import networkx as nx

from alliance.store.base import MAX_HOPS, GraphPath
from graph_schema.records import RelKey
from graph_schema.vocabulary import RelType


class _Adjacency:
    """Undirected neighbours over the allowed relationship types, memoised for one search.

    Filtering a node's edges by type costs its degree, which hurts at hubs (a city with
    tens of thousands of edges) when few edges are allowed (HSR_LINK). So, given the
    keys of each type, the first node with more neighbours than there are allowed edges
    switches the search to an adjacency built from just those edges.
    """

    def __init__(self, graph: nx.MultiDiGraph, allowed: frozenset[str] | None,
                 keys_by_type: Mapping[str, Collection[RelKey]] | None) -> None:
        self._graph = graph
        self._allowed = allowed
        self._memo: dict[str, tuple[str, ...]] = {}
        self._typed: dict[str, dict[str, None]] | None = None
        self._keys: list[Collection[RelKey]] = []
        if allowed is not None and keys_by_type is not None:
            self._keys = [keys_by_type.get(name, ()) for name in sorted(allowed)]
        self._allowed_edges = sum(map(len, self._keys)) if self._keys else None

    def _typed_adjacency(self) -> dict[str, dict[str, None]]:
        typed: dict[str, dict[str, None]] = {}
        for keys in self._keys:
            for _, source, target, _ in keys:
                typed.setdefault(source, {})[target] = None
                typed.setdefault(target, {})[source] = None
        return typed

    def __call__(self, node: str) -> tuple[str, ...]:
        found = self._memo.get(node)
        if found is None:
            # The adjacency dicts themselves, not networkx's per-item views: hubs make this
            # the hottest loop of a search.
            succ, pred = self._graph._succ[node], self._graph._pred[node]
            if (self._typed is None and self._allowed_edges is not None
                    and len(succ) + len(pred) > self._allowed_edges):
                self._typed = self._typed_adjacency()
            allowed = self._allowed
            if self._typed is not None:
                found = tuple(self._typed.get(node, ()))
            elif allowed is None:
                found = tuple(dict.fromkeys(itertools.chain(succ, pred)))
            else:
                found = tuple(dict.fromkeys(
                    other
                    for items in (succ.items(), pred.items())
                    for other, keys in items
                    if any(key[0] in allowed for key in keys)
                ))
            self._memo[node] = found
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
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    k: int,
    max_hops: int,
    rel_types: Iterable[RelType | str] = (),
    keys_by_type: Mapping[str, Collection[RelKey]] | None = None,
) -> list[tuple[str, ...]]:
    """Up to k shortest simple paths between two nodes of `graph`, direction ignored,
    ordered by hop count and then by the tuple of node ids; at most `max_hops` hops
    (capped at MAX_HOPS). Both ends must be in the graph. `source == target` gives the
    one path of zero hops. `keys_by_type` (type name -> its edge keys), when given, makes
    searches over a few sparse types fast at hubs.

    Meet in the middle: simple half-paths grow one hop at a time from whichever end has
    fewer, and each length joins the halves in lexicographic order, stopping after k.
    Only paths of length <= max_hops are ever built, so a hub costs its degree, not the
    whole graph.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edges_from([("a", "b", ("R", "a", "b", ())), ("b", "c", ("R", "b", "c", ())),
    ...                       ("a", "d", ("R", "a", "d", ())), ("d", "c", ("R", "d", "c", ()))])
    >>> simple_paths(g, "a", "c", k=3, max_hops=4)
    [('a', 'b', 'c'), ('a', 'd', 'c')]
    """
    if k <= 0:
        return []
    if source == target:
        return [(source,)]
    allowed = frozenset(str(rel_type) for rel_type in rel_types) or None
    adjacent = _Adjacency(graph, allowed, keys_by_type)
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
    graph: nx.MultiDiGraph, nodes: Sequence[str], rel_types: Iterable[RelType | str] = ()
) -> GraphPath:
    """A node sequence as an explained GraphPath: for each hop, the relationship with the
    smallest RelKey (type first) among the allowed ones joining the two nodes either way,
    and whether it points forward."""
    allowed = frozenset(str(rel_type) for rel_type in rel_types) or None
    types: list[str] = []
    forward: list[bool] = []
    for here, there in zip(nodes, nodes[1:], strict=False):
        choices = [(key, True) for key in graph.succ[here].get(there, {})]
        choices += [(key, False) for key in graph.succ[there].get(here, {})]
        key, points_forward = min(
            (choice for choice in choices if allowed is None or choice[0][0] in allowed),
            key=lambda choice: choice[0],
        )
        types.append(str(key[0]))
        forward.append(points_forward)
    labels = tuple(graph.nodes[node]["record"].label.value for node in nodes)
    return GraphPath(tuple(nodes), labels, tuple(types), tuple(forward))


# --------------------------------------------------------------------------- store


