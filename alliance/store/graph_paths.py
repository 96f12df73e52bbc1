"""Simple-path search over the embedded graph: bounded, from both ends, in id order.

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


_SHORT = 64
"""A neighbour list this short is searched for membership rather than a relationship
list."""


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
                ends = graph.ends(node)
            else:
                ends = [end for rel_type in self._allowed
                        for end in graph.out_ends(node, rel_type)]
                ends += [end for rel_type in self._allowed
                         for end in graph.in_ends(node, rel_type)]
            found = self._memo[node] = tuple(dict.fromkeys(ends))
        return found

    def degree(self, node: str) -> int:
        """Relationships at the node, any type: what reading its neighbours costs."""
        return self._graph.degree(node)

    def linked(self, a: str, b: str) -> bool:
        """Whether an allowed relationship joins a and b, either way: from a neighbour
        list already read, else from the shorter of the lists that hold one (so a hub
        costs its few outgoing relationships, not its degree)."""
        known = self._memo.get(a)
        if known is not None and len(known) <= _SHORT:
            return b in known
        known = self._memo.get(b)
        if known is not None and len(known) <= _SHORT:
            return a in known
        allowed = self._allowed
        return any(allowed is None or rel.type in allowed
                   for rel in self._graph.between(a, b))

    def common(self, a: str, b: str) -> list[str]:
        """The neighbours a and b share, read from the one with fewer relationships."""
        if self.degree(a) > self.degree(b):
            a, b = b, a
        return [node for node in self(a) if self.linked(node, b)]


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

    Paths of up to four hops are built around the two ends (`_few_hop_paths`: work in
    proportion to the ends' neighbours, not to a hub's degree); only when fewer than k
    are found and longer ones are allowed do simple half-paths grow from both ends and
    meet in the middle.

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
    found = _few_hop_paths(adjacent, source, target, k, min(max_hops, _FEW_HOPS))
    if len(found) >= k or max_hops <= _FEW_HOPS:
        return found
    return _meet_in_the_middle(adjacent, source, target, k, max_hops)


def _meet_in_the_middle(adjacent: _Adjacency, source: str, target: str, k: int,
                        max_hops: int) -> list[tuple[str, ...]]:
    """Every simple path up to max_hops, shortest first, halves grown from both ends
    (what answers questions longer than `_few_hop_paths` does)."""
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


_FEW_HOPS = 4
"""Paths up to this long are found from the ends' own neighbours (`_few_hop_paths`)."""


def _few_hop_paths(adjacent: _Adjacency, source: str, target: str, k: int,
                   max_len: int) -> list[tuple[str, ...]]:
    """The first k simple paths of 1 to max_len (at most 4) hops, by hops then ids,
    built around the two ends: a path s-a-m-b-t is a neighbour a of s, a neighbour b of
    t and a node m both share. Only the ends' neighbour lists and the shared neighbours
    of pairs are read, each from its side with fewer relationships, so a hub on a path
    (a city) costs its few outgoing relationships, not its degree; lengths stop as soon
    as k paths are found, and the outer loop runs over the source's side in id order
    (when it is the smaller end) so it stops early too."""
    ends = {source, target}
    found: list[tuple[str, ...]] = []
    if max_len >= 1 and adjacent.linked(source, target):
        found.append((source, target))
    if len(found) >= k or max_len < 2:
        return found
    found += [(source, middle, target)
              for middle in sorted(set(adjacent.common(source, target)) - ends)]
    for length in range(3, max_len + 1):
        if len(found) >= k:
            break
        found += _paths_of_length(adjacent, source, target, length, k - len(found))
    return found[:k]


def _paths_of_length(adjacent: _Adjacency, source: str, target: str, length: int,
                     need: int) -> list[tuple[str, ...]]:
    """The first `need` simple paths of exactly 3 or 4 hops, in id order."""
    from_source = adjacent.degree(source) <= adjacent.degree(target)
    near, far = (source, target) if from_source else (target, source)
    far_side = set(adjacent(far))
    found: list[tuple[str, ...]] = []
    for first in sorted(adjacent(near)) if from_source else adjacent(near):
        if first == source or first == target:
            continue
        halves: list[tuple[str, ...]]
        if length == 3:
            halves = [(first, last) for last in adjacent.common(first, far)
                      if last != source and last != target and last != first]
        else:
            halves = [(first, middle, last)
                      for last in far_side if last != source and last != target
                      and last != first
                      for middle in adjacent.common(first, last)
                      if middle not in (source, target, first, last)]
        found += [(near, *half, far) for half in halves]
        if from_source and len(found) >= need:
            break  # the next first neighbours come later in id order
    paths = found if from_source else [path[::-1] for path in found]
    return sorted(paths)[:need]


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


