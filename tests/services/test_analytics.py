"""Analytics figures recomputed here with NetworkX and plain loops over the store."""

from __future__ import annotations

from collections import Counter
from datetime import date

import networkx as nx
import pytest

from alliance.services import analytics
from alliance.services.analytics import FunnelBy
from alliance.store.base import GraphStore
from graph_schema.vocabulary import Label, RelType, Role


def deal_graph(store: GraphStore) -> nx.Graph:
    graph = nx.Graph()
    for rel in store.get_relationships(RelType.COLLABORATED_WITH):
        graph.add_edge(rel.source, rel.target)
    return graph


def test_bridging_brokers_are_the_betweenness_ranking(seed_store: GraphStore) -> None:
    found = analytics.brokers(seed_store, top=8)
    graph = deal_graph(seed_store)
    centrality = nx.betweenness_centrality(graph)
    brokers = {p.id for p in seed_store.list_nodes(Role.BROKER, limit=500)}
    expected = sorted((p for p in centrality if p in brokers),
                      key=lambda p: (-centrality[p], p))[:8]
    assert [b.person for b in found] == expected
    for broker in found:
        assert broker.betweenness == pytest.approx(centrality[broker.person])
        assert broker.collaborators == graph.degree(broker.person)
        homes = {rel.target for p in graph.neighbors(broker.person)
                 for rel in seed_store.get_relationships(RelType.BASED_IN, source=p)}
        assert set(broker.cities) == homes


def test_communities_partition_the_collaborators(seed_store: GraphStore) -> None:
    found = analytics.communities(seed_store, min_size=1)
    graph = deal_graph(seed_store)
    parts = [set(c.members) for c in found.communities]
    assert set().union(*parts) == set(graph)
    assert sum(len(p) for p in parts) == graph.number_of_nodes()
    assert found.modularity == pytest.approx(nx.community.modularity(graph, parts))
    assert found.modularity > 0.3


def test_funnel_counts_and_days(seed_store: GraphStore) -> None:
    groups = {g.group: g for g in analytics.funnel(seed_store, by=FunnelBy.CITY)}
    referrals = seed_store.list_nodes(Label.REFERRAL, limit=500)
    city = {}
    for referral in referrals:
        park = seed_store.get_relationships(RelType.REFERRED_TO, source=referral.id)[0].target
        city[referral.id] = seed_store.get_relationships(RelType.IN_CITY, source=park)[0].target
    per_city = Counter(city.values())
    assert {g: groups[g].referrals for g in groups} == dict(per_city)
    suzhou = [r for r in referrals if city[r.id] == "city:suzhou"]
    first = [r for r in suzhou if r.properties.get("first_meeting_on")]
    stages = {s.stage: s for s in groups["city:suzhou"].stages}
    assert stages["first_meeting"].reached == len(first)
    assert stages["first_meeting"].conversion == pytest.approx(len(first) / len(suzhou))
    days = sorted((date.fromisoformat(r.properties["first_meeting_on"])
                   - date.fromisoformat(r.properties["proposed_on"])).days for r in first)
    middle = len(days) // 2
    median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
    assert stages["first_meeting"].median_days_before == median
    brokers = analytics.funnel(seed_store, by=FunnelBy.BROKER)
    assert sum(g.referrals for g in brokers) == len(referrals)


def test_gaps_have_demand_and_no_covering_broker(seed_store: GraphStore) -> None:
    gaps = analytics.coverage_gaps(seed_store)
    assert gaps
    projection = analytics.project(seed_store)
    for gap in gaps[:10]:
        related = projection.related(gap.industry)
        parks = {rel.source for rel in seed_store.get_relationships(RelType.IN_CITY,
                                                                    target=gap.city)}
        for person in seed_store.list_nodes(Role.BROKER, limit=500):
            places = {rel.target for rel in seed_store.get_relationships(
                RelType.COVERS, source=person.id)}
            expert = {rel.target for rel in seed_store.get_relationships(
                RelType.EXPERT_IN, source=person.id)}
            assert not (places & (parks | {gap.city}) and expert & related), (gap, person.id)
        needing = [c for c in seed_store.list_nodes(Label.COMPANY, limit=500)
                   if c.properties.get("need_area_m2") is not None and any(
                       rel.target == gap.industry for rel in seed_store.get_relationships(
                           RelType.IN_INDUSTRY, source=c.id))]
        assert gap.startups == len(needing) > 0
