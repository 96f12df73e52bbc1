"""The GraphStore contract: one suite every backend runs, demanding identical answers.

A backend's test class subclasses `GraphStoreContract` and overrides the `store` fixture
with one that yields an EMPTY store of that backend (and closes it afterwards):

    class TestEmbeddedStore(GraphStoreContract):
        @pytest.fixture
        def store(self, tmp_path: Path) -> Iterator[GraphStore]: ...

Expected answers are spelled out by hand from `tests.factories.corridor()`, never
computed by one backend and compared with the other.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from alliance.errors import Conflict, Invalid, NotFound
from alliance.store.base import (
    MAX_PAGE,
    CollaboratorFilter,
    GraphPath,
    GraphStore,
    IndustryRelation,
    LandingFilter,
)
from alliance.store.evidence import park_policies
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import CertificationLevel, FacilityType, Label, RelType, Role
from tests import factories as f


def load_corridor(store: GraphStore) -> None:
    nodes, rels = f.corridor()
    store.write(nodes=nodes, relationships=rels)


def ids(records: list[NodeRecord]) -> list[str]:
    return [record.id for record in records]


class GraphStoreContract:
    """Behaviour every GraphStore must show; see the module docstring for how to use it."""

    @pytest.fixture
    def store(self) -> GraphStore:
        """Overridden by each backend's test class: an EMPTY store, closed afterwards."""
        pytest.fail("a GraphStoreContract subclass must override the `store` fixture")

    # ------------------------------------------------------------------ empty, upsert

    def test_new_store_is_empty(self, store: GraphStore) -> None:
        counts = store.counts()
        assert set(counts.labels) >= {label.value for label in Label} | {r.value for r in Role}
        assert set(counts.relationships) == {rel_type.value for rel_type in RelType}
        assert all(n == 0 for n in counts.labels.values())
        assert all(n == 0 for n in counts.relationships.values())
        assert store.list_nodes(Label.CITY) == []
        assert store.get_node("city:suzhou") is None
        assert store.search("苏州") == []

    def test_upsert_then_get(self, store: GraphStore) -> None:
        node = f.city("suzhou", name_zh="苏州", name_en="Suzhou")
        store.write(nodes=[node])
        assert store.get_node("city:suzhou") == node
        assert store.get_nodes(["city:nope", "city:suzhou"]) == [node]

    def test_get_nodes_keeps_the_order_asked(self, store: GraphStore) -> None:
        nodes = [f.city("a"), f.city("b"), f.city("c")]
        store.write(nodes=nodes)
        assert ids(store.get_nodes(["city:c", "city:x", "city:a", "city:b"])) == [
            "city:c", "city:a", "city:b"]

    def test_upsert_is_idempotent_and_replaces_properties(self, store: GraphStore) -> None:
        first = f.park("p", established_year=2001, rent_cny_m2_month=40.0)
        store.write(nodes=[first])
        store.write(nodes=[first])
        assert store.counts().labels["Park"] == 1
        second = f.park("p", rent_cny_m2_month=50.0)
        store.write(nodes=[second])
        stored = store.get_node("park:p")
        assert stored == second
        assert stored is not None
        assert "established_year" not in stored.properties
        assert store.counts().labels["Park"] == 1

    def test_role_labels_are_listed_and_replaced(self, store: GraphStore) -> None:
        both = f.person("ann", roles=[Role.BROKER, Role.LAWYER])
        store.write(nodes=[both, f.person("bob", roles=[Role.ACCOUNTANT])])
        assert ids(store.list_nodes(Role.BROKER)) == ["person:ann"]
        assert ids(store.list_nodes("Lawyer")) == ["person:ann"]
        assert ids(store.list_nodes(Label.PERSON)) == ["person:ann", "person:bob"]
        assert store.counts().labels["Broker"] == 1
        store.write(nodes=[f.person("ann", roles=[Role.LAWYER])])
        assert store.list_nodes(Role.BROKER) == []
        assert ids(store.list_nodes(Role.LAWYER)) == ["person:ann"]
        assert store.counts().labels["Broker"] == 0

    # ------------------------------------------------------------------ list_nodes

    def test_list_nodes_filters(self, store: GraphStore) -> None:
        load_corridor(store)
        cleanroom = store.list_nodes(Label.PARK,
                                     filters={"facility_types": FacilityType.CLEANROOM})
        assert ids(cleanroom) == ["park:wuxi-hitech"]
        cheap = store.list_nodes(Label.PARK, filters={"rent_cny_m2_month": 35.0})
        assert ids(cheap) == ["park:kunshan-hitech"]
        both = store.list_nodes(Label.PARK, filters={
            "facility_types": FacilityType.GMP_CLEANROOM, "rent_cny_m2_month": 60.0})
        assert ids(both) == ["park:suzhou-sip"]
        assert store.list_nodes(Label.PARK, filters={"rent_cny_m2_month": 1.0}) == []
        assert store.list_nodes(Label.PARK, filters={"no_such_property": 1}) == []
        zhejiang = store.list_nodes(Label.CITY, filters={"province": "浙江"})
        assert ids(zhejiang) == ["city:zhoushan"]

    def test_list_nodes_pages_through_everything_once(self, store: GraphStore) -> None:
        people = [f.person(f"p-{n:02d}") for n in range(23)]
        store.write(nodes=[*people, f.city("suzhou")])
        seen: list[str] = []
        after: str | None = None
        while True:
            page = store.list_nodes(Label.PERSON, after=after, limit=5)
            if not page:
                break
            assert len(page) <= 5
            seen.extend(ids(page))
            after = page[-1].id
        assert seen == sorted(node.id for node in people)
        assert len(set(seen)) == len(seen)

    def test_list_nodes_limit_is_capped(self, store: GraphStore) -> None:
        store.write(nodes=[f.industry(f"i-{n:04d}") for n in range(MAX_PAGE + 5)])
        assert len(store.list_nodes(Label.INDUSTRY, limit=MAX_PAGE + 100)) == MAX_PAGE

    # ------------------------------------------------------------------ write failures

    def test_relationship_to_missing_node_stores_nothing(self, store: GraphStore) -> None:
        with pytest.raises(NotFound) as caught:
            store.write(nodes=[f.city("suzhou"), f.park("p")],
                        relationships=[f.in_city("park:p", "city:suzhou"),
                                       f.in_city("park:p", "city:missing")])
        assert caught.value.field == "target"
        assert "city:missing" in caught.value.message
        assert store.get_node("city:suzhou") is None
        assert store.get_node("park:p") is None
        counts = store.counts()
        assert sum(counts.labels.values()) == 0
        assert sum(counts.relationships.values()) == 0

    def test_relationship_from_missing_node_names_the_source(self, store: GraphStore) -> None:
        store.write(nodes=[f.city("suzhou")])
        with pytest.raises(NotFound) as caught:
            store.write(relationships=[f.in_city("park:ghost", "city:suzhou")])
        assert caught.value.field == "source"
        assert "park:ghost" in caught.value.message

    def test_relationship_joining_wrong_labels_is_invalid(self, store: GraphStore) -> None:
        store.write(nodes=[f.city("suzhou"), f.park("p")])
        backwards = RelRecord(RelType.IN_CITY, "city:suzhou", "park:p")
        with pytest.raises(Invalid) as caught:
            store.write(nodes=[f.city("wuxi")], relationships=[backwards])
        assert caught.value.field == "source"
        assert store.get_node("city:wuxi") is None
        assert store.get_relationships(RelType.IN_CITY) == []

    def test_create_only_refuses_an_existing_id(self, store: GraphStore) -> None:
        store.write(nodes=[f.city("suzhou")], create_only=True)
        with pytest.raises(Conflict) as caught:
            store.write(nodes=[f.city("wuxi"), f.city("suzhou", name_en="Soochow")],
                        create_only=True)
        assert caught.value.field == "id"
        assert "city:suzhou" in caught.value.message
        assert store.get_node("city:wuxi") is None
        stored = store.get_node("city:suzhou")
        assert stored is not None
        assert stored.properties["name_en"] == "Suzhou"

    def test_deleting_what_does_not_exist_is_fine(self, store: GraphStore) -> None:
        store.write(nodes=[f.city("suzhou")])
        store.write(delete_nodes=["city:nowhere"],
                    delete_relationships=[("HSR_LINK", "city:suzhou", "city:nowhere", ())])
        assert store.get_node("city:suzhou") is not None

    def test_deleting_a_node_deletes_its_relationships(self, store: GraphStore) -> None:
        load_corridor(store)
        store.write(delete_nodes=["city:suzhou"])
        assert store.get_node("city:suzhou") is None
        links = store.get_relationships(RelType.HSR_LINK)
        assert all("city:suzhou" not in (r.source, r.target) for r in links)
        assert len(links) == 3
        assert ids(store.list_nodes(Label.CITY))[-1] == "city:zhoushan"
        counts = store.counts()
        assert counts.labels["City"] == 6
        assert counts.relationships["HSR_LINK"] == 3
        assert counts.relationships["IN_CITY"] == 2
        assert store.neighbours("park:suzhou-sip", rel_types=[RelType.IN_CITY]) == []

    def test_delete_relationship_by_key(self, store: GraphStore) -> None:
        load_corridor(store)
        link = f.hsr_link("city:suzhou", "city:wuxi", minutes=15, km=42.0)
        store.write(delete_relationships=[link.key])
        assert store.get_relationships(RelType.HSR_LINK, source="city:suzhou",
                                       target="city:wuxi") == []
        assert store.counts().relationships["HSR_LINK"] == 6

    def test_relationships_are_keyed_upserts(self, store: GraphStore) -> None:
        store.write(nodes=[f.person("ann"), f.person("bob")])
        store.write(relationships=[
            f.collaborated_with("person:ann", "person:bob", deal="deal-a", year=2022),
            f.collaborated_with("person:ann", "person:bob", deal="deal-b", year=2023),
        ])
        assert store.counts().relationships["COLLABORATED_WITH"] == 2
        store.write(relationships=[
            f.collaborated_with("person:ann", "person:bob", deal="deal-a", year=2024)])
        deals = store.get_relationships(RelType.COLLABORATED_WITH, source="person:ann")
        assert [(r.properties["deal"], r.properties["year"]) for r in deals] == [
            ("deal-a", 2024), ("deal-b", 2023)]
        # Without key properties, a second edge between the same ends replaces the first.
        store.write(nodes=[f.park("p"), f.industry("bio")])
        store.write(relationships=[f.hosts("park:p", "industry:bio", strength=1.0)])
        store.write(relationships=[f.hosts("park:p", "industry:bio", strength=0.5)])
        hosted = store.get_relationships(RelType.HOSTS)
        assert [r.properties["strength"] for r in hosted] == [0.5]

    # ------------------------------------------------------------------ relationships

    def test_get_relationships_filters_and_sorts(self, store: GraphStore) -> None:
        load_corridor(store)
        links = store.get_relationships(RelType.HSR_LINK)
        assert [r.key for r in links] == sorted(r.key for r in links)
        assert len(links) == 7
        from_suzhou = store.get_relationships(RelType.HSR_LINK, source="city:suzhou")
        assert [r.target for r in from_suzhou] == ["city:shanghai", "city:wuxi"]
        into_suzhou = store.get_relationships(RelType.HSR_LINK, target="city:suzhou")
        assert [r.source for r in into_suzhou] == ["city:kunshan", "city:taicang"]
        one = store.get_relationships(RelType.HSR_LINK, source="city:suzhou",
                                      target="city:wuxi")
        assert one == [f.hsr_link("city:suzhou", "city:wuxi", minutes=15, km=42.0)]
        assert store.get_relationships(RelType.HSR_LINK, source="city:nowhere") == []

    def test_relationships_of_many_nodes(self, store: GraphStore) -> None:
        store.write(nodes=[f.person("ann"), f.person("bob"), f.person("cat"), f.person("dan"),
                           f.organization("firm")])
        store.write(relationships=[
            f.collaborated_with("person:ann", "person:bob", deal="d1", year=2022,
                                stage="signed", value_cny=1e6),
            f.collaborated_with("person:cat", "person:ann", deal="d2"),
            f.collaborated_with("person:cat", "person:dan", deal="d3"),
            f.works_at("person:bob", "org:firm"), f.works_at("person:dan", "org:firm")])
        both = store.relationships_of(["person:ann", "person:nobody", "person:ann"],
                                      RelType.COLLABORATED_WITH)
        assert [(r.source, r.target, r.properties["deal"]) for r in both] == [
            ("person:ann", "person:bob", "d1"), ("person:cat", "person:ann", "d2")]
        assert both[0].properties["stage"] == "signed"
        assert both[0].properties["value_cny"] == 1e6
        out = store.relationships_of(["person:ann", "person:cat"], RelType.COLLABORATED_WITH,
                                     incoming=False)
        assert [r.properties["deal"] for r in out] == ["d1", "d2", "d3"]
        staff = store.relationships_of(["org:firm"], RelType.WORKS_AT, outgoing=False)
        assert [r.source for r in staff] == ["person:bob", "person:dan"]
        assert store.relationships_of([], RelType.WORKS_AT) == []

    def test_neighbours_both_ways_sorted(self, store: GraphStore) -> None:
        load_corridor(store)
        found = store.neighbours("city:suzhou")
        assert [(n.relationship.type.value, n.node.id, n.outgoing) for n in found] == [
            ("HSR_LINK", "city:kunshan", False),
            ("HSR_LINK", "city:shanghai", True),
            ("HSR_LINK", "city:taicang", False),
            ("HSR_LINK", "city:wuxi", True),
            ("IN_CITY", "park:suzhou-sip", False),
        ]
        assert found[0].relationship.properties == {"minutes": 10, "km": 35.0, "line": ""}
        assert found[4].node == store.get_node("park:suzhou-sip")
        only_parks = store.neighbours("city:suzhou", rel_types=[RelType.IN_CITY])
        assert [n.node.id for n in only_parks] == ["park:suzhou-sip"]
        assert len(store.neighbours("city:suzhou", limit=2)) == 2
        with pytest.raises(NotFound):
            store.neighbours("city:atlantis")

    def test_neighbours_order_two_deals_with_the_same_person(self, store: GraphStore) -> None:
        store.write(nodes=[f.person("ann"), f.person("bob"), f.person("cat")])
        store.write(relationships=[
            f.collaborated_with("person:bob", "person:ann", deal="z-deal"),
            f.collaborated_with("person:ann", "person:bob", deal="y-deal"),
            f.collaborated_with("person:ann", "person:cat", deal="a-deal"),
            f.collaborated_with("person:ann", "person:bob", deal="b-deal"),
        ])
        found = store.neighbours("person:ann")
        assert [(n.node.id, n.relationship.properties["deal"], n.outgoing) for n in found] == [
            ("person:bob", "b-deal", True),
            ("person:bob", "y-deal", True),
            ("person:bob", "z-deal", False),
            ("person:cat", "a-deal", True),
        ]

    # ------------------------------------------------------------------ paths

    def test_shortest_paths_order_by_hops_then_ids(self, store: GraphStore) -> None:
        load_corridor(store)
        paths = store.shortest_paths("city:shanghai", "city:suzhou", k=3,
                                     rel_types=[RelType.HSR_LINK])
        assert [p.nodes for p in paths] == [
            ("city:shanghai", "city:suzhou"),
            ("city:shanghai", "city:kunshan", "city:suzhou"),
            ("city:shanghai", "city:taicang", "city:suzhou"),
        ]
        assert paths[0] == GraphPath(("city:shanghai", "city:suzhou"), ("City", "City"),
                                     ("HSR_LINK",), (False,))
        assert paths[1].forward == (True, True)
        assert paths[2].forward == (False, True)
        two = store.shortest_paths("city:shanghai", "city:suzhou", k=2,
                                   rel_types=[RelType.HSR_LINK])
        assert [p.nodes for p in two] == [p.nodes for p in paths[:2]]

    def test_shortest_paths_max_hops(self, store: GraphStore) -> None:
        load_corridor(store)
        hsr = [RelType.HSR_LINK]
        assert store.shortest_paths("city:shanghai", "city:nanjing", max_hops=2,
                                    rel_types=hsr) == []
        paths = store.shortest_paths("city:shanghai", "city:nanjing", k=10, max_hops=4,
                                     rel_types=hsr)
        assert [p.nodes for p in paths] == [
            ("city:shanghai", "city:suzhou", "city:wuxi", "city:nanjing"),
            ("city:shanghai", "city:kunshan", "city:suzhou", "city:wuxi", "city:nanjing"),
            ("city:shanghai", "city:taicang", "city:suzhou", "city:wuxi", "city:nanjing"),
        ]
        assert all(p.hops <= 4 for p in paths)
        assert store.shortest_paths("city:shanghai", "city:zhoushan", rel_types=hsr) == []

    def test_shortest_paths_rel_types(self, store: GraphStore) -> None:
        load_corridor(store)
        any_rel = store.shortest_paths("park:suzhou-sip", "park:wuxi-hitech", k=1)
        assert any_rel == [GraphPath(
            ("park:suzhou-sip", "industry:biomedicine", "park:wuxi-hitech"),
            ("Park", "Industry", "Park"), ("HOSTS", "HOSTS"), (True, False))]
        by_rail = store.shortest_paths("park:suzhou-sip", "park:wuxi-hitech", k=1,
                                       rel_types=[RelType.IN_CITY, RelType.HSR_LINK])
        assert by_rail == [GraphPath(
            ("park:suzhou-sip", "city:suzhou", "city:wuxi", "park:wuxi-hitech"),
            ("Park", "City", "City", "Park"), ("IN_CITY", "HSR_LINK", "IN_CITY"),
            (True, True, False))]
        assert store.shortest_paths("park:suzhou-sip", "park:wuxi-hitech",
                                    rel_types=[RelType.IN_CITY]) == []

    def test_shortest_paths_missing_end(self, store: GraphStore) -> None:
        load_corridor(store)
        with pytest.raises(NotFound) as caught:
            store.shortest_paths("city:shanghai", "city:atlantis")
        assert caught.value.field == "target"
        with pytest.raises(NotFound) as caught:
            store.shortest_paths("city:atlantis", "city:shanghai")
        assert caught.value.field == "source"

    def test_shortest_path_to_itself_is_one_node(self, store: GraphStore) -> None:
        load_corridor(store)
        assert store.shortest_paths("city:wuxi", "city:wuxi") == [
            GraphPath(("city:wuxi",), ("City",), (), ())]

    # ------------------------------------------------------------------ search

    def test_search_chinese(self, store: GraphStore) -> None:
        load_corridor(store)
        hits = store.search("苏州")
        assert [(h.node.id, h.score) for h in hits] == [
            ("city:suzhou", 1.0), ("park:suzhou-sip", 0.9)]

    def test_search_pinyin(self, store: GraphStore) -> None:
        load_corridor(store)
        assert [(h.node.id, h.score) for h in store.search("suzhou")] == [
            ("city:suzhou", 1.0), ("park:suzhou-sip", 0.9)]
        assert [(h.node.id, h.score) for h in store.search("su zhou gong")] == [
            ("park:suzhou-sip", 0.8)]
        assert [(h.node.id, h.score) for h in store.search("gongye")] == [
            ("park:suzhou-sip", 0.7)]

    def test_search_english_ignores_case(self, store: GraphStore) -> None:
        load_corridor(store)
        assert [(h.node.id, h.score) for h in store.search("INDUSTRIAL park")] == [
            ("park:suzhou-sip", 0.7)]
        assert [h.node.id for h in store.search("hi-tech ZONE")] == ["park:kunshan-hitech"]

    def test_search_labels_limit_and_blank(self, store: GraphStore) -> None:
        load_corridor(store)
        assert [h.node.id for h in store.search("苏州", labels=[Label.PARK])] == [
            "park:suzhou-sip"]
        assert [h.node.id for h in store.search("wuxi", limit=1)] == ["city:wuxi"]
        assert store.search("") == []
        assert store.search("   ") == []
        assert store.search("北京") == []

    # ------------------------------------------------------------------ counts

    def test_landing_policies_carry_their_no_stacking_partners(self, store: GraphStore
                                                               ) -> None:
        """NOT_STACKABLE_WITH is read both ways, and only for policies that apply."""
        load_corridor(store)
        store.write(nodes=[f.policy("park-reward"), f.policy("city-reward"),
                           f.policy("other-city-reward")],
                    relationships=[
                        f.rel(RelType.OFFERED_IN, "policy:park-reward", "park:suzhou-sip"),
                        f.rel(RelType.OFFERED_IN, "policy:city-reward", "city:suzhou"),
                        f.rel(RelType.OFFERED_IN, "policy:other-city-reward", "city:wuxi"),
                        f.rel(RelType.NOT_STACKABLE_WITH, "policy:park-reward",
                              "policy:city-reward"),
                        f.rel(RelType.NOT_STACKABLE_WITH, "policy:other-city-reward",
                              "policy:park-reward"),
                    ])
        query = LandingFilter(origin_city="city:shanghai", industry="industry:biomedicine",
                              as_of=date(2025, 1, 1))
        found = {c.park.id: {p.policy.id: p.not_stackable_with for p in park_policies(c)}
                 for c in store.landing_candidates(query)}
        assert found["park:suzhou-sip"] == {
            "policy:city-reward": ("policy:park-reward",),
            "policy:park-reward": ("policy:city-reward", "policy:other-city-reward"),
        }
        assert found["park:wuxi-hitech"] == {
            "policy:other-city-reward": ("policy:park-reward",)}

    def test_counts(self, store: GraphStore) -> None:
        load_corridor(store)
        store.write(nodes=[f.person("ann", roles=[Role.BROKER, Role.INVESTOR])])
        counts = store.counts()
        assert {k: v for k, v in counts.labels.items() if v} == {
            "City": 7, "Park": 3, "Industry": 2, "Person": 1, "Broker": 1, "Investor": 1}
        assert {k: v for k, v in counts.relationships.items() if v} == {
            "HSR_LINK": 7, "IN_CITY": 3, "SUBFIELD_OF": 1, "HOSTS": 3}

    # ------------------------------------------------------------------ evidence

    def _evidence_corridor(self, store: GraphStore) -> None:
        """The corridor plus policies, people and a landing whose evidence is known."""
        load_corridor(store)
        store.write(nodes=[
            f.policy("suzhou-rent", valid_from=date(2024, 1, 1)),
            f.policy("suzhou-old", valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31)),
            f.policy("kunshan-devices", valid_from=date(2025, 1, 1)),
            f.policy("kunshan-other", valid_from=date(2025, 1, 1)),
            f.industry("semiconductors"),
            f.person("ann", roles=[Role.BROKER],
                     certification_level=CertificationLevel.SENIOR),
            f.person("ben", roles=[Role.BROKER],
                     certification_level=CertificationLevel.JUNIOR),
            f.person("cai", roles=[Role.LAWYER]),
            f.skill("ip-law"),
            f.company("maker"),
        ], relationships=[
            f.offered_in("policy:suzhou-rent", "city:suzhou"),
            f.targets("policy:suzhou-rent", "industry:biomedicine"),
            f.offered_in("policy:suzhou-old", "city:suzhou"),
            f.offered_in("policy:kunshan-devices", "park:kunshan-hitech"),
            f.targets("policy:kunshan-devices", "industry:medical-devices"),
            f.offered_in("policy:kunshan-other", "park:kunshan-hitech"),
            f.targets("policy:kunshan-other", "industry:semiconductors"),
            f.covers("person:ann", "city:suzhou"),
            f.expert_in("person:ann", "industry:biomedicine"),
            f.covers("person:ben", "park:suzhou-sip"),
            f.expert_in("person:ben", "industry:medical-devices"),
            f.based_in("person:cai", "city:suzhou"),
            f.has_skill("person:cai", "skill:ip-law", level=4),
            f.in_industry("company:maker", "industry:medical-devices"),
            f.landed_in("company:maker", "park:suzhou-sip"),
        ])

    def test_landing_evidence_by_hand(self, store: GraphStore) -> None:
        """Every piece of landing evidence, worked out by hand on a graph small enough to
        know (so both stores are checked against the truth, not only each other)."""
        self._evidence_corridor(store)
        found = store.landing_candidates(LandingFilter(
            origin_city="city:shanghai", industry="industry:medical-devices",
            max_rail_minutes=40, as_of=date(2025, 6, 30)))
        assert [c.park.id for c in found] == [
            "park:kunshan-hitech", "park:suzhou-sip", "park:wuxi-hitech"]
        kunshan, suzhou, wuxi = found
        # Rail: Shanghai->Kunshan 18; Suzhou by the direct line stored suzhou->shanghai
        # (25, not 18+10 via Kunshan... 28); Wuxi through Suzhou (25+15 = 40, the limit).
        assert (kunshan.rail.minutes, kunshan.rail.path.nodes) == (
            18, ("city:shanghai", "city:kunshan"))
        assert (suzhou.rail.minutes, suzhou.rail.km, suzhou.rail.path.forward) == (
            25, 85.0, (False,))
        assert (wuxi.rail.minutes, wuxi.rail.path.nodes) == (
            40, ("city:shanghai", "city:suzhou", "city:wuxi"))
        # Industries: Kunshan hosts the industry itself; the others its parent.
        assert [(m.industry, m.relation, m.hops) for m in kunshan.industries] == [
            ("industry:medical-devices", IndustryRelation.EXACT, 0)]
        broader = wuxi.industries[0]
        assert (broader.relation, broader.hops, broader.strength) == (
            IndustryRelation.BROADER, 1, 0.5)
        assert broader.path == GraphPath(
            ("park:wuxi-hitech", "industry:biomedicine", "industry:medical-devices"),
            ("Park", "Industry", "Industry"), ("HOSTS", "SUBFIELD_OF"), (True, False))
        # Policies: valid on the date and untargeted or aimed at the industry or broader.
        assert [(p.policy.id, p.offered_in, p.targets) for p in kunshan.policies] == [
            ("policy:kunshan-devices", "park:kunshan-hitech", ("industry:medical-devices",))]
        assert [(p.policy.id, p.path.nodes) for p in park_policies(suzhou)] == [
            ("policy:suzhou-rent", ("policy:suzhou-rent", "city:suzhou", "park:suzhou-sip"))]
        assert (suzhou.policies, wuxi.policies, wuxi.city_policies) == ((), (), ())
        # A city's policies are listed once, as the city offers them, for all its parks.
        assert [(p.policy.id, p.offered_in, p.path.nodes) for p in suzhou.city_policies] == [
            ("policy:suzhou-rent", "city:suzhou", ("policy:suzhou-rent", "city:suzhou"))]
        # Contacts: Ann (senior) covers the city, Ben (junior) the park: both brokers,
        # Ann first; Cai, a lawyer based in the city with a legal skill, a professional.
        assert [(c.person.id, c.kind, c.via, c.path.rel_types) for c in suzhou.contacts] == [
            ("person:ann", "broker", "city:suzhou", ("COVERS", "IN_CITY")),
            ("person:ben", "broker", "park:suzhou-sip", ("COVERS",)),
            ("person:cai", "professional", "city:suzhou", ("BASED_IN", "IN_CITY"))]
        assert (suzhou.broker_total, suzhou.professional_total) == (2, 1)
        assert suzhou.contacts[0].expert_in == ("industry:biomedicine",)
        assert suzhou.contacts[2].skills == (("skill:ip-law", 4),)
        assert (kunshan.contacts, kunshan.broker_total) == ((), 0)
        assert suzhou.track_record.related_landings == ("company:maker",)
        assert suzhou.track_record.all_landings == 1

    def test_park_facts_by_hand(self, store: GraphStore) -> None:
        """Every park with its smallest city id and hosted industries, after writes that
        move a park, drop a HOSTS and add a park without a city."""
        self._evidence_corridor(store)
        assert [(p.park.id, p.city, p.hosts) for p in store.park_facts()] == [
            ("park:kunshan-hitech", "city:kunshan", frozenset({"industry:medical-devices"})),
            ("park:suzhou-sip", "city:suzhou", frozenset({"industry:biomedicine"})),
            ("park:wuxi-hitech", "city:wuxi", frozenset({"industry:biomedicine"}))]
        store.write(nodes=[f.park("nowhere")], relationships=[
            f.in_city("park:wuxi-hitech", "city:taicang"),
            f.hosts("park:wuxi-hitech", "industry:semiconductors")],
            delete_relationships=[f.hosts("park:kunshan-hitech",
                                          "industry:medical-devices").key])
        facts = {p.park.id: (p.city, p.hosts) for p in store.park_facts()}
        assert facts == {
            "park:kunshan-hitech": ("city:kunshan", frozenset()),
            "park:nowhere": (None, frozenset()),
            "park:suzhou-sip": ("city:suzhou", frozenset({"industry:biomedicine"})),
            "park:wuxi-hitech": ("city:taicang", frozenset({"industry:biomedicine",
                                                              "industry:semiconductors"}))}
        assert store.park_facts()[1].park == store.get_node("park:nowhere")

    def test_landing_evidence_limits_by_hand(self, store: GraphStore) -> None:
        self._evidence_corridor(store)
        tight = store.landing_candidates(LandingFilter(
            origin_city="city:shanghai", industry="industry:medical-devices",
            max_rail_minutes=39, max_rent_cny_m2_month=50.0, contacts_per_kind=1,
            as_of=date(2025, 6, 30)))
        assert [c.park.id for c in tight] == ["park:kunshan-hitech"]
        suzhou = store.landing_candidates(LandingFilter(
            origin_city="city:suzhou", industry="industry:biomedicine",
            contacts_per_kind=1, as_of=date(2025, 6, 30)))
        sip = next(c for c in suzhou if c.park.id == "park:suzhou-sip")
        assert [c.person.id for c in sip.contacts] == ["person:ann", "person:cai"]
        assert (sip.broker_total, sip.professional_total) == (2, 1)
        assert sip.rail.path.nodes == ("city:suzhou",)

    def test_landing_evidence_for_shown_parks_by_hand(self, store: GraphStore) -> None:
        """A question ranks on totals (no contacts) and fetches the parks it shows again
        with their contacts: both agree with the full answer, park by park."""
        self._evidence_corridor(store)
        query = LandingFilter(origin_city="city:suzhou", industry="industry:biomedicine",
                              contacts_per_kind=1, as_of=date(2025, 6, 30))
        full = {c.park.id: c for c in store.landing_candidates(query)}
        totals = store.landing_candidates(replace(query, contacts_per_kind=0))
        assert [c.park.id for c in totals] == sorted(full)
        for ranked in totals:
            assert ranked.contacts == ()
            assert replace(ranked, contacts=full[ranked.park.id].contacts) == \
                full[ranked.park.id]
        shown = store.landing_candidates(replace(query, parks=frozenset(
            {"park:suzhou-sip", "park:nowhere"})))
        assert shown == [full["park:suzhou-sip"]]
        assert store.landing_candidates(replace(query, parks=frozenset())) == []

    def test_rail_limit_follows_every_write_of_cities_and_links(self, store: GraphStore
                                                                 ) -> None:
        """The rail limit sees links added and deleted, cities rewritten and deleted."""
        a, b, c = f.city("aa"), f.city("bb"), f.city("cc")
        far = f.park("far")
        ab, bc = f.hsr_link(a, b, minutes=30), f.hsr_link(b, c, minutes=30)
        store.write(nodes=[a, b, c, far, f.industry("biomedicine")],
                    relationships=[ab, bc, f.in_city(far, c),
                                   f.hosts(far, "industry:biomedicine")])

        def reached(minutes: int | None) -> list[tuple[str, int]]:
            return [(x.park.id, x.rail.minutes) for x in store.landing_candidates(
                LandingFilter(origin_city=a.id, industry="industry:biomedicine",
                              max_rail_minutes=minutes, as_of=date(2025, 6, 30)))]

        assert reached(60) == [("park:far", 60)]
        assert reached(59) == []
        store.write(delete_relationships=[bc.key])
        assert reached(None) == []
        store.write(relationships=[f.hsr_link(a, c, minutes=50)])
        assert reached(50) == [("park:far", 50)]
        store.write(nodes=[f.city("cc", name_en="Cee")])  # a city rewritten keeps its links
        assert reached(50) == [("park:far", 50)]
        store.write(relationships=[bc])
        store.write(delete_nodes=[b.id])  # a-b and b-c go with it; a-c stays
        assert reached(50) == [("park:far", 50)]
        assert reached(49) == []

    def test_collaborator_evidence_by_hand(self, store: GraphStore) -> None:
        self._evidence_corridor(store)
        store.write(nodes=[f.organization("firm")], relationships=[
            f.collaborated_with("person:ann", "person:ben", deal="d1", year=2023),
            f.works_at("person:ben", "org:firm"),
            f.works_at("person:cai", "org:firm"),
        ])
        found = store.collaborator_candidates(CollaboratorFilter(
            skills=("skill:ip-law",), asker="person:ann", max_hops=3))
        assert [c.person.id for c in found] == ["person:cai"]
        cai = found[0]
        assert cai.skills == (("skill:ip-law", 4),)
        assert cai.cities == ("city:suzhou",)
        assert [p.path.nodes for p in cai.trust_paths] == [
            ("person:ann", "person:ben", "org:firm", "person:cai")]
        path = cai.trust_paths[0]
        assert path.path.rel_types == ("COLLABORATED_WITH", "WORKS_AT", "WORKS_AT")
        assert path.path.forward == (True, True, False)
        assert path.hops[0].deals == (("d1", 2023),)
        assert store.collaborator_candidates(CollaboratorFilter(
            skills=("skill:ip-law",), min_level=5)) == []

    def test_collaborator_ids_and_among_by_hand(self, store: GraphStore) -> None:
        """The ids counted without evidence, and evidence only for the people asked."""
        self._evidence_corridor(store)
        suzhou = ("city:suzhou",)  # ann covers it, ben a park in it, cai is based there
        assert store.collaborator_ids(CollaboratorFilter()) == {
            "person:ann", "person:ben", "person:cai"}
        assert store.collaborator_ids(CollaboratorFilter(
            verticals=("industry:biomedicine",), cities=suzhou)) == {"person:ann", "person:ben"}
        assert store.collaborator_ids(CollaboratorFilter(
            roles=(Role.BROKER,), min_certification=CertificationLevel.INTERMEDIATE)
        ) == {"person:ann"}
        assert store.collaborator_ids(CollaboratorFilter(
            cities=suzhou, exclude=("person:ben",), asker="person:ann")) == {"person:cai"}
        assert store.collaborator_ids(CollaboratorFilter(
            skills=("skill:ip-law",), min_level=5)) == set()
        among = CollaboratorFilter(cities=suzhou,
                                   among=frozenset({"person:ben", "person:cai", "city:suzhou"}))
        assert store.collaborator_ids(among) == {"person:ben", "person:cai"}
        assert [c.person.id for c in store.collaborator_candidates(among)] == [
            "person:ben", "person:cai"]
        assert store.collaborator_candidates(CollaboratorFilter(among=frozenset())) == []
        assert store.collaborator_ids(CollaboratorFilter(  # only people, whatever is asked
            among=frozenset({"person:ben", "city:suzhou"}))) == {"person:ben"}
        with pytest.raises(NotFound) as missing:
            store.collaborator_ids(CollaboratorFilter(skills=("skill:none",)))
        assert missing.value.field == "skills"
