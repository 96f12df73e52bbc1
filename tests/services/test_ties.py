"""Trust routes: the fast searches find the same routes as the layered search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.services.ties import Tie, TieGraph, TrustRoute, best_routes, two_hop_route

PEOPLE = [f"p{index}" for index in range(7)]

ties = st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE),
                          st.sampled_from([0.1, 0.25, 0.5, 0.5, 0.9])), max_size=18)


def tie_graph(edges: list[tuple[str, str, float]]) -> TieGraph:
    graph = TieGraph(2025)
    for a, b, strength in edges:
        if a != b:
            tie = Tie((min(a, b), max(a, b)), (), (), strength)
            graph.ties.setdefault(a, {})[b] = graph.ties.setdefault(b, {})[a] = tie
    return graph


@settings(max_examples=150, deadline=None)
@given(ties, st.sets(st.sampled_from(PEOPLE), max_size=2))
def test_two_hop_route_is_the_layered_searchs(edges: list[tuple[str, str, float]],
                                              avoid: set[str]) -> None:
    graph = tie_graph(edges)
    for a in PEOPLE:
        routes = best_routes(graph, a, 2, frozenset(avoid))
        for b in PEOPLE:
            if a != b:
                assert two_hop_route(graph, a, b, frozenset(avoid)) == routes.get(b)


def plain_best_routes(graph: TieGraph, source: str, max_hops: int,
                      avoid: frozenset[str]) -> dict[str, TrustRoute]:
    """The layered search written plainly: every route one hop longer, the best kept
    per person by rank key (what `best_routes` computes with bare keys)."""
    best: dict[str, TrustRoute] = {}
    layer = {source: TrustRoute((source,), 1.0)}
    for _ in range(max_hops):
        following: dict[str, TrustRoute] = {}
        for node, route in sorted(layer.items()):
            if node != source and node in avoid:
                continue
            for other, tie in graph.neighbours(node).items():
                if other not in route.people:
                    candidate = TrustRoute((*route.people, other),
                                           min(route.weakest, tie.strength))
                    known = following.get(other)
                    if known is None or candidate.rank_key() < known.rank_key():
                        following[other] = candidate
        for node, route in following.items():
            if node not in best or route.rank_key() < best[node].rank_key():
                best[node] = route
        layer = following
    best.pop(source, None)
    return best


@settings(max_examples=150, deadline=None)
@given(ties, st.sets(st.sampled_from(PEOPLE), max_size=2), st.integers(1, 4))
def test_best_routes_are_the_plain_layered_searchs(edges: list[tuple[str, str, float]],
                                                   avoid: set[str], hops: int) -> None:
    graph = tie_graph(edges)
    for a in PEOPLE:
        assert best_routes(graph, a, hops, frozenset(avoid)) == plain_best_routes(
            graph, a, hops, frozenset(avoid))
