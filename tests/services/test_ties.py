"""Trust routes: the fast searches find the same routes as the layered search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.services.ties import Tie, TieGraph, best_routes, two_hop_route

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
