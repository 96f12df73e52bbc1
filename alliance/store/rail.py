"""Fastest rail routes over HSR links, with a tie-break both stores share.

networkx's Dijkstra breaks ties between equally fast routes by insertion order, which
differs between stores; this one breaks them by fewer hops, then by the city ids along
the route, so EmbeddedStore and Neo4jStore report the same route for the same graph.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RailLink:
    """One HSR_LINK, travelled both ways."""

    source: str
    target: str
    minutes: int
    km: float


@dataclass(frozen=True)
class Route:
    """A fastest route: total minutes and km, the cities in order, and whether each hop
    follows the stored link direction."""

    minutes: int
    km: float
    cities: tuple[str, ...]
    forward: tuple[bool, ...]


def fastest_routes(links: Iterable[RailLink], origin: str) -> dict[str, Route]:
    """Fastest route from `origin` to every reachable city (origin itself: 0 minutes).

    >>> links = [RailLink("a", "b", 10, 30.0), RailLink("b", "c", 10, 30.0),
    ...          RailLink("a", "c", 20, 55.0)]
    >>> fastest_routes(links, "a")["c"].cities
    ('a', 'c')
    """
    adjacency: dict[str, list[tuple[str, RailLink, bool]]] = defaultdict(list)
    for link in links:
        adjacency[link.source].append((link.target, link, True))
        adjacency[link.target].append((link.source, link, False))
    best: dict[str, Route] = {}
    queue: list[tuple[int, int, tuple[str, ...], float, tuple[bool, ...]]] = [
        (0, 0, (origin,), 0.0, ())
    ]
    while queue:
        minutes, hops, cities, km, forward = heapq.heappop(queue)
        here = cities[-1]
        if here in best:
            continue
        best[here] = Route(minutes, round(km, 3), cities, forward)
        for there, link, is_forward in adjacency[here]:
            if there not in best:
                heapq.heappush(queue, (minutes + link.minutes, hops + 1, (*cities, there),
                                       km + link.km, (*forward, is_forward)))
    return best
