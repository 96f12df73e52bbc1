"""EmbeddedStore and Neo4jStore give identical answers on the same data.

Both stores are loaded with the seed set and with a synthetic corridor graph; then many
questions (evidence queries, paths, search, listings, and the services' answers built on
them) are put to both and the answers compared value for value. The contract suite checks
each store against hand-written answers on a tiny graph; this checks them against each
other where the graphs are big enough for ties, hubs and long paths to occur.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from alliance.ingest.records import RecordBatch
from alliance.ingest.synth import synthesize
from alliance.services import analytics, collaborators, corridor, landing, paths
from alliance.services import search as search_service
from alliance.services.ingest import load
from alliance.store.base import CollaboratorFilter, GraphStore, LandingFilter
from alliance.store.embedded import EmbeddedStore
from alliance.store.neo4j import Neo4jStore
from graph_schema.vocabulary import (
    BenefitKind,
    CertificationLevel,
    FacilityType,
    Label,
    RelType,
    Role,
)
from tests.store.test_neo4j import empty_database

pytestmark = [pytest.mark.neo4j, pytest.mark.xdist_group("neo4j")]

AS_OF = date(2025, 6, 30)
SYNTH_NODES = 3000
SYNTH_SEED = 20250630


@dataclasses.dataclass
class Pair:
    """The same graph in both stores, plus ids to ask about."""

    name: str
    embedded: EmbeddedStore
    neo4j: Neo4jStore
    ids: dict[str, list[str]]

    def both(self) -> tuple[GraphStore, GraphStore]:
        return self.embedded, self.neo4j


def synthetic_batch() -> RecordBatch:
    batch = RecordBatch.of(synthesize(nodes=SYNTH_NODES, seed=SYNTH_SEED))
    return batch


@pytest.fixture(scope="module", params=["seed", "synthetic"])
def pair(request: pytest.FixtureRequest, neo4j_uri: str) -> Iterator[Pair]:
    batch: RecordBatch = (request.getfixturevalue("seed_batch") if request.param == "seed"
                          else synthetic_batch())
    embedded = EmbeddedStore(":memory:", synchronous="NORMAL")
    neo4j = Neo4jStore(neo4j_uri)
    empty_database(neo4j)
    load(embedded, batch, chunk_size=5000)
    load(neo4j, batch, chunk_size=5000)
    ids = {label.value: [node.id for node in batch.nodes if node.label is label]
           for label in Label}
    try:
        yield Pair(request.param, embedded, neo4j, ids)
    finally:
        embedded.close()
        neo4j.close()


def first_difference(a: Any, b: Any, where: str = "answer") -> str | None:
    """Where two answers first differ, readably (pytest's diff of big dataclasses is not)."""
    if a == b:
        return None
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b) and type(a) is type(b):
        for field in dataclasses.fields(a):
            found = first_difference(getattr(a, field.name), getattr(b, field.name),
                                     f"{where}.{field.name}")
            if found:
                return found
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return f"{where}: {len(a)} items (embedded) vs {len(b)} (neo4j)"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{where}[{index}]")
            if found:
                return found
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            found = first_difference(a.get(key), b.get(key), f"{where}[{key!r}]")
            if found:
                return found
    return f"{where}: {a!r} (embedded) vs {b!r} (neo4j)"


def assert_same(a: Any, b: Any, question: object = "") -> None:
    difference = first_difference(a, b)
    assert difference is None, f"{question}: {difference}"


# --------------------------------------------------------------------------- requests


def landing_filters(pair: Pair, count: int) -> list[LandingFilter]:
    rng = random.Random(f"landing-{pair.name}")
    cities, industries = pair.ids["City"], pair.ids["Industry"]
    facilities = [FacilityType.CLEANROOM, FacilityType.GMP_CLEANROOM, FacilityType.OFFICE,
                  FacilityType.RD_LAB, FacilityType.STANDARD_FACTORY]
    found = [LandingFilter(origin_city=city, industry=industry, as_of=AS_OF)
             for city in cities[:2] for industry in industries[:6]]
    for _ in range(count - len(found)):
        found.append(LandingFilter(
            origin_city=rng.choice(cities), industry=rng.choice(industries),
            min_area_m2=rng.choice([0.0, 500.0, 2000.0, 8000.0]),
            facility_types=tuple(rng.sample(facilities, rng.choice([0, 0, 1, 2]))),
            max_rent_cny_m2_month=rng.choice([None, None, 35.0, 60.0]),
            max_rail_minutes=rng.choice([None, 30, 60, 120]),
            as_of=rng.choice([AS_OF, date(2023, 1, 1), date(2027, 12, 31)]),
            contact_skill_categories=rng.choice([("legal", "ip"), ("landing", "legal", "ip",
                                                 "tax", "accounting", "finance")]),
            contacts_per_kind=rng.choice([5, 5, 0, 1, 3, 1000]),
        ))
    return found


def collaborator_filters(pair: Pair, count: int) -> list[CollaboratorFilter]:
    rng = random.Random(f"collaborators-{pair.name}")
    people, skills = pair.ids["Person"], pair.ids["Skill"]
    cities, industries = pair.ids["City"], pair.ids["Industry"]
    found = [CollaboratorFilter(), CollaboratorFilter(asker=people[0], max_hops=4)]
    for _ in range(count - len(found)):
        found.append(CollaboratorFilter(
            skills=tuple(rng.sample(skills, rng.choice([0, 1, 1, 2, 3]))),
            require_all_skills=rng.random() < 0.3,
            min_level=rng.choice([1, 1, 3, 5]),
            verticals=tuple(rng.sample(industries, rng.choice([0, 0, 1, 2]))),
            cities=tuple(rng.sample(cities, rng.choice([0, 0, 1, 2]))),
            roles=tuple(rng.sample(list(Role), rng.choice([0, 0, 1, 2]))),
            min_certification=rng.choice([None, None, *CertificationLevel]),
            asker=rng.choice([None, *rng.sample(people, 3)]),
            max_hops=rng.choice([1, 2, 3, 4]),
            exclude=tuple(rng.sample(people, rng.choice([0, 2]))),
        ))
    return found


def path_questions(pair: Pair, count: int) -> list[tuple[str, str, dict[str, Any]]]:
    rng = random.Random(f"paths-{pair.name}")
    ends = [node_id for label in ("City", "Park", "Person", "Company", "Organization",
                                  "Industry", "Policy") for node_id in pair.ids[label][:40]]
    type_sets: list[tuple[RelType, ...]] = [
        (), (), (RelType.HSR_LINK,), (RelType.COLLABORATED_WITH, RelType.WORKS_AT),
        (RelType.IN_CITY, RelType.HSR_LINK, RelType.COVERS, RelType.BASED_IN)]
    return [(rng.choice(ends), rng.choice(ends),
             {"k": rng.choice([1, 3, 5, 10]), "max_hops": rng.choice([1, 2, 3, 4]),
              "rel_types": rng.choice(type_sets)})
            for _ in range(count)]


# --------------------------------------------------------------------------- evidence


def test_landing_candidates(pair: Pair) -> None:
    answered = 0
    for query in landing_filters(pair, 40):
        expected = pair.embedded.landing_candidates(query)
        assert_same(expected, pair.neo4j.landing_candidates(query), query)
        answered += bool(expected)
    assert answered >= 5, "too few questions had any park: the comparison proves little"


def test_collaborator_candidates(pair: Pair) -> None:
    with_paths = 0
    for query in collaborator_filters(pair, 40):
        expected = pair.embedded.collaborator_candidates(query)
        assert_same(expected, pair.neo4j.collaborator_candidates(query), query)
        with_paths += any(c.trust_paths for c in expected)
        counted = {c.person.id for c in expected}
        assert pair.embedded.collaborator_ids(query) == counted, query
        assert pair.neo4j.collaborator_ids(query) == counted, query
        among = frozenset(sorted(counted)[::3])
        shown = [c for c in expected if c.person.id in among]
        for store in (pair.embedded, pair.neo4j):
            assert_same(shown, store.collaborator_candidates(
                dataclasses.replace(query, among=among)), query)
    assert with_paths >= 3, "too few questions had trust paths"


def test_shortest_paths(pair: Pair) -> None:
    found = 0
    for source, target, options in path_questions(pair, 60):
        expected = pair.embedded.shortest_paths(source, target, **options)
        assert_same(expected, pair.neo4j.shortest_paths(source, target, **options),
                    (source, target, options))
        found += len(expected)
    assert found >= 20


# --------------------------------------------------------------------------- reads


@pytest.mark.parametrize("text", ["苏州", "suzhou", "su zhou", "SHANGHAI", "ndustri",
                                  "Park", "园区", "医疗", "bio", "a", "e", "zz-none"])
def test_search(pair: Pair, text: str) -> None:
    for labels in ((), (Label.PARK,), (Role.BROKER, Label.COMPANY)):
        for limit in (3, 20, 500):
            assert_same(pair.embedded.search(text, labels=labels, limit=limit),
                        pair.neo4j.search(text, labels=labels, limit=limit),
                        (text, labels, limit))


@pytest.mark.parametrize("text", ["苏州", "苏州 生物", "szgx", "律师", "技术经理人", "suzou",
                                  "ip litigation", "medical devices", "无锡 lawyer", "zz-none"])
def test_search_service(pair: Pair, text: str) -> None:
    for labels in ((), (Label.PARK,), (Role.LAWYER,)):
        pages = [search_service.search(store, text=text, labels=labels, limit=7)
                 for store in pair.both()]
        assert_same(pages[0], pages[1], (text, labels))
        if pages[0].next_cursor:
            again = [search_service.search(store, text=text, labels=labels, limit=7,
                                           cursor=pages[0].next_cursor)
                     for store in pair.both()]
            assert_same(again[0], again[1], (text, labels, "page 2"))


def test_relationships_of(pair: Pair) -> None:
    rng = random.Random(f"relationships-of-{pair.name}")
    people = rng.sample(pair.ids["Person"], min(40, len(pair.ids["Person"])))
    for rel_type in (RelType.COLLABORATED_WITH, RelType.WORKS_AT, RelType.REFERRED_BY):
        for outgoing, incoming in ((True, True), (True, False), (False, True)):
            assert_same(pair.embedded.relationships_of(people, rel_type, outgoing=outgoing,
                                                       incoming=incoming),
                        pair.neo4j.relationships_of(people, rel_type, outgoing=outgoing,
                                                    incoming=incoming),
                        (rel_type, outgoing, incoming))


def test_listing_neighbours_and_counts(pair: Pair) -> None:
    assert_same(pair.embedded.counts(), pair.neo4j.counts(), "counts")
    for label in [*Label, *Role]:
        after = None
        for _ in range(3):
            page = pair.embedded.list_nodes(label, after=after, limit=37)
            assert_same(page, pair.neo4j.list_nodes(label, after=after, limit=37),
                        (label, after))
            if not page:
                break
            after = page[-1].id
    for label, filters in ((Label.PARK, {"facility_types": FacilityType.CLEANROOM}),
                           (Label.POLICY, {"benefit_kind": BenefitKind.RENT_SUBSIDY}),
                           (Label.PERSON, {"languages": "en"}),
                           (Label.PERSON, {"certification_level": None})):
        assert_same(pair.embedded.list_nodes(label, filters=filters, limit=500),
                    pair.neo4j.list_nodes(label, filters=filters, limit=500), filters)
    rng = random.Random(f"neighbours-{pair.name}")
    for label in ("City", "Park", "Person", "Industry", "Company"):
        for node_id in rng.sample(pair.ids[label], min(5, len(pair.ids[label]))):
            for types in ((), (RelType.COVERS, RelType.BASED_IN)):
                assert_same(pair.embedded.neighbours(node_id, rel_types=types, limit=50),
                            pair.neo4j.neighbours(node_id, rel_types=types, limit=50),
                            (node_id, types))
    for rel_type in RelType:
        assert_same(pair.embedded.get_relationships(rel_type),
                    pair.neo4j.get_relationships(rel_type), rel_type)


# --------------------------------------------------------------------------- services


def test_landing_and_corridor_services(pair: Pair) -> None:
    parks = [node.id for node in pair.embedded.list_nodes(Label.PARK, limit=40)]
    brokers = [node.id for node in pair.embedded.list_nodes(Role.BROKER, limit=10)]
    for index, query in enumerate(landing_filters(pair, 16)):
        request = landing.LandingRequest(
            origin_city=query.origin_city, industry=query.industry,
            area_m2=query.min_area_m2, facility_types=list(query.facility_types),
            max_rent_cny_m2_month=query.max_rent_cny_m2_month,
            max_rail_minutes=query.max_rail_minutes, as_of=query.as_of,
            benefit_kinds=[BenefitKind.RENT_SUBSIDY], top_k=5,
            horizon_years=1 + index % 5, planned_capex_cny=(index % 3) * 2e6 or None,
            headcount=index * 7 if index % 2 else None,
            why_not=parks[index % len(parks)], asker=brokers[index % len(brokers)],
        )
        answers = [landing.search(store, request, reveal_contacts=True).model_dump()
                   for store in pair.both()]
        assert_same(answers[0], answers[1], ("landing.search", request))
        answers = [corridor.compare(store, request).model_dump() for store in pair.both()]
        assert_same(answers[0], answers[1], ("corridor.compare", request))


def test_collaborator_and_team_services(pair: Pair) -> None:
    rng = random.Random(f"services-{pair.name}")
    for query in collaborator_filters(pair, 12):
        request = collaborators.CollaboratorRequest(
            asker=query.asker, skills=list(query.skills), min_level=query.min_level,
            verticals=list(query.verticals), cities=list(query.cities),
            roles=list(query.roles), max_hops=max(query.max_hops, 1), top_k=5)
        answers = [collaborators.search(store, request).model_dump()
                   for store in pair.both()]
        assert_same(answers[0], answers[1], ("collaborators.search", request))
    for _ in range(4):
        team_request = collaborators.TeamRequest(
            asker=rng.choice(pair.ids["Person"]), vertical=rng.choice(pair.ids["Industry"]),
            cities=rng.sample(pair.ids["City"], 1), max_hops=3)
        answers = [collaborators.team(store, team_request).model_dump()
                   for store in pair.both()]
        assert_same(answers[0], answers[1], ("collaborators.team", team_request))


def test_analytics(pair: Pair) -> None:
    questions: list[list[Any]] = [
        [analytics.brokers(store, top=15) for store in pair.both()],
        [analytics.coverage_gaps(store) for store in pair.both()],
        [analytics.communities(store, min_size=2) for store in pair.both()],
        *([analytics.funnel(store, by=by) for store in pair.both()]
          for by in analytics.FunnelBy)]
    for store_answers in questions:
        assert_same(store_answers[0], store_answers[1], "analytics")


def test_paths_service(pair: Pair) -> None:
    for source, target, options in path_questions(pair, 20):
        request = paths.PathRequest(source=source, target=target, k=options["k"],
                                    max_hops=options["max_hops"],
                                    rel_types=list(options["rel_types"]))
        answers = [paths.connect(store, request).model_dump() for store in pair.both()]
        assert_same(answers[0], answers[1], ("paths.connect", request))


def test_collection_queries(pair: Pair) -> None:
    """Partners' listings (relationship filters, sort, cursor pages, totals, include)
    are the same on both stores."""
    from alliance.services import listing

    rng = random.Random(f"listing-{pair.name}")
    cities, industries = pair.ids["City"], pair.ids["Industry"]
    requests = [
        listing.ListQuery(Label.PARK, {}, {"city": [city]}) for city in cities[:4]
    ] + [
        listing.ListQuery(Label.PARK, {}, {"industry": [industry]},
                          sort=listing.parse_sort(Label.PARK, "-rent_cny_m2_month"), limit=3)
        for industry in rng.sample(industries, min(5, len(industries)))
    ] + [
        listing.ListQuery(Label.POLICY, {}, {"city": [rng.choice(cities)]}, valid_on=AS_OF),
        listing.ListQuery(Label.POLICY, {}, {"industry": [rng.choice(industries)]}),
        listing.ListQuery(Label.PERSON, {"roles": "Broker"}, {"city": cities[:2]},
                          sort=listing.parse_sort(Label.PERSON, "name_en"), limit=7),
        listing.ListQuery(Label.PERSON, {}, {"vertical": [rng.choice(industries)]}),
        listing.ListQuery(Label.COMPANY, {}, {"industry": [rng.choice(industries)],
                                              "city": [rng.choice(cities)]}),
    ]
    for request in requests:
        pages = []
        for store in pair.both():
            page = listing.query(store, request)
            walked, cursor = [node.id for node in page.items], page.next_cursor
            while cursor is not None:
                more = listing.query(store, dataclasses.replace(request, cursor=cursor))
                walked += [node.id for node in more.items]
                cursor = more.next_cursor
            assert len(walked) == page.total == len(set(walked)), request
            included = [listing.related(store, node, sorted(listing.includes(request.label)))
                        for node in page.items]
            pages.append((walked, page.total, included))
        assert_same(pages[0], pages[1], request)
