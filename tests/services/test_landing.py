"""Landing match: never a broken hard constraint, valid and eligible policies, reasons.

The checks recompute each fact independently from the raw graph (networkx Dijkstra over
HSR links, the SUBFIELD_OF closure, the rules evaluated by hand) rather than trusting the
evidence the store returned.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.errors import Invalid, NotFound
from alliance.services import corridor, landing
from alliance.services.landing import LandingRequest, LandingResult
from alliance.store.base import CandidateRanker, GraphStore
from graph_schema.nodes import CompanyProfile, Policy
from graph_schema.vocabulary import (
    BenefitKind,
    CompanyStage,
    FacilityType,
    Label,
    ProfileField,
    RelType,
    RuleOp,
)
from tests.services.money_checks import assert_money_is_sound, assert_why_not_is_sound

FACILITIES = list(FacilityType)


def ids(store: GraphStore, label: Label) -> list[str]:
    found, after = [], None
    while page := store.list_nodes(label, after=after, limit=500):
        found += [node.id for node in page]
        after = page[-1].id
    return found


def rail_minutes(store: GraphStore, origin: str) -> dict[str, float]:
    graph = nx.Graph()
    for rel in store.get_relationships(RelType.HSR_LINK):
        minutes = rel.properties["minutes"]
        if graph.has_edge(rel.source, rel.target):
            minutes = min(minutes, graph[rel.source][rel.target]["minutes"])
        graph.add_edge(rel.source, rel.target, minutes=minutes)
    graph.add_node(origin)
    return dict(nx.single_source_dijkstra_path_length(graph, origin, weight="minutes"))


def related_industries(store: GraphStore, industry: str) -> tuple[set[str], set[str]]:
    """(industry + ancestors + descendants, industry + ancestors)."""
    tree = nx.DiGraph()
    for rel in store.get_relationships(RelType.SUBFIELD_OF):
        tree.add_edge(rel.source, rel.target)
    tree.add_node(industry)
    ancestors = nx.descendants(tree, industry)
    descendants = nx.ancestors(tree, industry)
    return {industry, *ancestors, *descendants}, {industry, *ancestors}


def rule_holds(field: ProfileField, op: RuleOp, value: Any, profile: CompanyProfile) -> bool:
    """The rule evaluated by hand, independently of alliance.services.eligibility."""
    actual: Any = getattr(profile, field.value)
    if actual is None:
        return False
    if field is ProfileField.STAGE:
        order = list(CompanyStage)
        if op is RuleOp.IN:
            return CompanyStage(actual).value in value
        actual, value = order.index(CompanyStage(actual)), order.index(CompanyStage(value))
    if op is RuleOp.IN:
        return str(actual) in [str(v) for v in value]
    return bool({RuleOp.EQ: actual == value, RuleOp.GTE: actual >= value,
                 RuleOp.LTE: actual <= value}[op])


def assert_result_is_sound(store: GraphStore, request: LandingRequest,
                           result: LandingResult) -> None:
    minutes = rail_minutes(store, request.origin_city)
    related, policy_scope = related_industries(store, request.industry)
    assert [p.rank for p in result.parks] == list(range(1, len(result.parks) + 1))
    scores = [(request.broader_last and p.industry_fit == "broader", -p.score,
               p.summary.park.id) for p in result.parks]
    assert scores == sorted(scores)
    assert result.elimination.parks_meeting_all == result.candidates
    assert len(result.parks) <= request.top_k
    if not result.parks:
        assert result.empty_reason
    for park in result.parks:
        node = store.get_node(park.summary.park.id)
        assert node is not None
        props = node.properties
        assert props["available_area_m2"] >= request.area_m2
        assert set(request.facility_types) <= set(props["facility_types"])
        if request.max_rent_cny_m2_month is not None:
            assert props["rent_cny_m2_month"] <= request.max_rent_cny_m2_month
        city = store.get_relationships(RelType.IN_CITY, source=node.id)[0].target
        assert park.rail_minutes == minutes[city]
        if request.max_rail_minutes is not None:
            assert minutes[city] <= request.max_rail_minutes
        hosted = {rel.target for rel in store.get_relationships(RelType.HOSTS, source=node.id)}
        assert hosted & related
        places = {node.id, city}
        for match in park.eligible_policies + park.near_miss_policies:
            policy_node = store.get_node(match.id)
            assert policy_node is not None
            policy = Policy.model_validate(policy_node.properties)
            assert policy.valid_from <= request.as_of
            assert policy.valid_to is None or request.as_of <= policy.valid_to
            offered = {r.target for r in store.get_relationships(RelType.OFFERED_IN,
                                                                 source=policy.id)}
            assert offered & places
            targets = {r.target for r in store.get_relationships(RelType.TARGETS,
                                                                 source=policy.id)}
            assert not targets or targets & policy_scope
            holds = [rule_holds(r.field, r.op, r.value, request.eligibility_profile())
                     for r in policy.eligibility]
            assert match.eligible == all(holds)
            assert len(match.missing) == holds.count(False)
            assert [check.met for check in match.rules] == holds
            assert [(c.field, c.op) for c in match.rules] == [(r.field, r.op)
                                                              for r in policy.eligibility]
        for part in park.parts:
            assert 0.0 <= part.value <= 1.0


@pytest.fixture(scope="module")
def seed_ids(seed_store: GraphStore) -> dict[Label, list[str]]:
    return {label: ids(seed_store, label) for label in (Label.CITY, Label.INDUSTRY, Label.PARK)}


profiles = st.builds(
    CompanyProfile,
    high_tech_certified=st.booleans(),
    stage=st.sampled_from(list(CompanyStage)),
    founded_year=st.one_of(st.none(), st.integers(1995, 2024)),
    headcount=st.one_of(st.none(), st.integers(0, 2000)),
    annual_revenue_cny=st.one_of(st.none(), st.floats(0, 5e8)),
    founder_equity_pct=st.one_of(st.none(), st.floats(0, 100)),
    founder_cash_cny=st.one_of(st.none(), st.floats(0, 1e7)),
)


def requests(cities: list[str], industries: list[str], parks: list[str]
             ) -> st.SearchStrategy[LandingRequest]:
    return st.builds(
        LandingRequest,
        origin_city=st.sampled_from(cities),
        industry=st.sampled_from(industries),
        area_m2=st.sampled_from([0.0, 500.0, 2000.0, 10_000.0, 80_000.0]),
        facility_types=st.lists(st.sampled_from(FACILITIES), max_size=2, unique=True),
        max_rent_cny_m2_month=st.one_of(st.none(), st.sampled_from([20.0, 35.0, 60.0])),
        max_rail_minutes=st.one_of(st.none(), st.sampled_from([0, 20, 45, 90])),
        benefit_kinds=st.lists(st.sampled_from(list(BenefitKind)), max_size=2, unique=True),
        profile=profiles,
        as_of=st.dates(date(2022, 1, 1), date(2027, 12, 31)),
        top_k=st.integers(1, 20),
        horizon_years=st.integers(1, 6),
        planned_capex_cny=st.one_of(st.none(), st.sampled_from([0.0, 2e6, 3e7])),
        headcount=st.one_of(st.none(), st.integers(0, 400)),
        why_not=st.one_of(st.none(), st.sampled_from(parks)),
        broader_last=st.booleans(),
    )


def check_request(store: GraphStore, request: LandingRequest) -> None:
    """A sound answer, or Invalid for a company founded after the as-of date."""
    founded = request.profile.founded_year
    if founded is not None and founded > request.as_of.year:
        with pytest.raises(Invalid) as caught:
            landing.search(store, request)
        assert caught.value.field == "profile.founded_year"
        return
    result = landing.search(store, request)
    assert_result_is_sound(store, request, result)
    assert_money_is_sound(store, request, result)
    if request.why_not:
        every = landing.search(store, request.model_copy(update={"top_k": 100, "why_not": None}))
        candidates = {p.summary.park.id for p in every.parks}
        assert_why_not_is_sound(store, request, result, candidates)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_result_breaks_a_hard_constraint_on_seed(seed_store: GraphStore,
                                                    seed_ids: dict[Label, list[str]],
                                                    data: st.DataObject) -> None:
    request = data.draw(requests(seed_ids[Label.CITY], seed_ids[Label.INDUSTRY],
                                 seed_ids[Label.PARK]))
    check_request(seed_store, request)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_result_breaks_a_hard_constraint_on_synthetic(synth_store: GraphStore,
                                                         data: st.DataObject) -> None:
    cities = ids(synth_store, Label.CITY)
    industries = ids(synth_store, Label.INDUSTRY)
    request = data.draw(requests(cities, industries, ids(synth_store, Label.PARK)))
    check_request(synth_store, request)


def test_shanghai_medical_device_startup_with_gmp_cleanroom(seed_store: GraphStore) -> None:
    request = LandingRequest(origin_city="city:shanghai", industry="industry:medical-devices",
                             area_m2=1000, facility_types=[FacilityType.GMP_CLEANROOM],
                             max_rail_minutes=45, as_of=date(2025, 9, 1),
                             profile=CompanyProfile(stage=CompanyStage.ANGEL,
                                                    founded_year=2021, headcount=30))
    result = landing.search(seed_store, request)
    assert_result_is_sound(seed_store, request, result)
    assert result.parks, result.empty_reason
    best = result.parks[0]
    for park in result.parks:
        for match in park.industries:  # park -HOSTS-> hosted ... SUBFIELD_OF ... asked
            assert match.path.node_ids[0] == park.summary.park.id
            assert match.path.node_ids[1] == match.industry
            assert match.path.node_ids[-1] == "industry:medical-devices"
            assert match.path.rel_types[0] == "HOSTS"
    hosting_devices = [p for p in result.parks if any(
        m.relation in ("exact", "subfield") for m in p.industries)]
    assert hosting_devices, "some park must host medical devices or a subfield"
    assert any(p.eligible_policies for p in result.parks)
    brokers = [c for p in result.parks for c in p.contacts if c.kind == "broker"]
    assert brokers, "covering brokers expected"
    for contact in brokers:
        assert contact.expert_in
        assert contact.path.rel_types[0] == "COVERS"
    part_names = [part.name for part in best.parts]
    assert part_names == ["industry_fit", "net_cost", "travel", "space", "contacts",
                          "track_record"]


def test_near_misses_say_what_is_missing(seed_store: GraphStore) -> None:
    request = LandingRequest(origin_city="city:shanghai", industry="industry:biomedicine",
                             profile=CompanyProfile(stage=CompanyStage.SEED), top_k=50,
                             as_of=date(2025, 9, 1))
    result = landing.search(seed_store, request)
    misses = [m for p in result.parks for m in p.near_miss_policies]
    assert misses
    assert any("high-tech" in reason for m in misses for reason in m.missing)


def test_impossible_request_says_which_constraint_emptied_the_list(
        seed_store: GraphStore) -> None:
    request = LandingRequest(origin_city="city:shanghai", industry="industry:medical-devices",
                             max_rent_cny_m2_month=1.0, as_of=date(2025, 9, 1))
    result = landing.search(seed_store, request)
    assert result.parks == []
    assert result.empty_reason
    assert "max_rent_cny_m2_month" in result.empty_reason
    assert [r.constraint for r in result.relaxations] == ["max_rent_cny_m2_month"]
    assert result.relaxations[0].parks > 0


def test_ties_break_deterministically(seed_store: GraphStore) -> None:
    request = LandingRequest(industry="industry:biomedicine", top_k=100,
                             as_of=date(2025, 9, 1))
    first = landing.search(seed_store, request).model_dump()
    second = landing.search(seed_store, request).model_dump()
    assert first == second


def test_unknown_references_and_impossible_dates(seed_store: GraphStore) -> None:
    with pytest.raises(NotFound) as caught:
        landing.search(seed_store, LandingRequest(industry="industry:nope"))
    assert caught.value.field == "industry"
    with pytest.raises(NotFound) as caught:
        landing.search(seed_store, LandingRequest(industry="industry:biomedicine",
                                                  origin_city="city:atlantis"))
    assert caught.value.field == "origin_city"
    with pytest.raises(Invalid):
        landing.search(seed_store, LandingRequest(
            industry="industry:biomedicine", as_of=date(2020, 1, 1),
            profile=CompanyProfile(founded_year=2024)))


def test_corridor_comparison_lists_every_city_nearest_first(seed_store: GraphStore) -> None:
    request = LandingRequest(industry="industry:medical-devices", as_of=date(2025, 9, 1))
    result = corridor.compare(seed_store, request)
    cities = ids(seed_store, Label.CITY)
    assert sorted(row.city.id for row in result.cities) == sorted(cities)
    reachable = [row.rail_minutes for row in result.cities if row.rail_minutes is not None]
    assert reachable == sorted(reachable)
    assert result.cities[0].city.id == "city:shanghai"
    with_parks = [row for row in result.cities if row.best_park]
    assert with_parks
    for row in with_parks:
        assert row.best_park is not None
        assert row.best_park.summary.city.id == row.city.id
        assert row.policy_total_cny == row.best_park.policy_total_cny


@pytest.mark.parametrize("store_name", ["seed_store", "synth_store"])
def test_elimination_counts_the_constraints_why_not_names(store_name: str,
                                                          request: pytest.FixtureRequest
                                                          ) -> None:
    """The elimination view names failed constraints without their texts; they must be
    the ones `failures` (the why-not answer) reports, for every park."""
    from random import Random

    from alliance.services.elimination import Checker

    store = request.getfixturevalue(store_name)
    rng = Random(4)
    cities, industries = ids(store, Label.CITY), ids(store, Label.INDUSTRY)
    for _ in range(6):
        ask = LandingRequest(
            origin_city=rng.choice(cities), industry=rng.choice(industries),
            area_m2=rng.choice([0, 800, 3000]),
            facility_types=rng.sample(FACILITIES, rng.choice([0, 1, 2])),
            max_rent_cny_m2_month=rng.choice([None, 30.0, 60.0]),
            max_rail_minutes=rng.choice([None, 0, 45, 120]))
        checker = Checker(store, ask.to_filter())
        for facts in checker.facts:
            assert checker.failed(facts) == {f.constraint for f in checker.failures(facts)}


def check_city_money(store: GraphStore, request: LandingRequest) -> None:
    """Every candidate's score from its city's money counted once equals its full score
    (every policy decided): the ranking and the parks shown agree."""
    candidates = store.landing_candidates(request.to_filter())
    ranking = landing.Scorer(request)
    quick = [ranking.rank_entry(candidate) for candidate in candidates]
    full = landing.Scorer(request)
    for entry, candidate in zip(quick, candidates, strict=True):
        scored = full.score(candidate)
        assert ranking.book.benefits(candidate) == scored.cost.benefits_cny
        assert (entry.score, entry.fit) == (scored.score, scored.fit)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_city_money_counted_once_scores_as_in_full(seed_store: GraphStore,
                                                   synth_store: GraphStore,
                                                   seed_ids: dict[Label, list[str]],
                                                   data: st.DataObject) -> None:
    store = data.draw(st.sampled_from([seed_store, synth_store]))
    if store is seed_store:
        cities, industries, parks = (seed_ids[Label.CITY], seed_ids[Label.INDUSTRY],
                                     seed_ids[Label.PARK])
    else:
        cities, industries, parks = (ids(store, label)
                                     for label in (Label.CITY, Label.INDUSTRY, Label.PARK))
    request = data.draw(requests(cities, industries, parks))
    check_city_money(store, request.model_copy(update={"max_rail_minutes": None}))


class _EvidenceOnly:
    """A store that lists no candidate rows itself (as Neo4jStore): landing ranks from
    its `landing_candidates`."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name == "candidate_rows":
            raise AttributeError(name)
        return getattr(self._store, name)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_ranking_from_rows_answers_as_ranking_from_evidence(synth_store: GraphStore,
                                                            data: st.DataObject) -> None:
    """EmbeddedStore's candidate rows (`CandidateRanker`) and rows made from the
    candidates' evidence (a store without them) give the same landing and comparison."""
    plain = _EvidenceOnly(synth_store)
    assert isinstance(synth_store, CandidateRanker)
    assert not isinstance(plain, CandidateRanker)
    request = data.draw(requests(ids(synth_store, Label.CITY), ids(synth_store, Label.INDUSTRY),
                                 ids(synth_store, Label.PARK)))
    if request.profile.founded_year and request.profile.founded_year > request.as_of.year:
        return
    ranked = landing.rank(landing.candidates_of(synth_store, request), request)
    assert ranked == landing.rank(landing.candidates_of(plain, request), request)
    rows = landing.search(synth_store, request, reveal_contacts=True)
    assert rows.parks or not rows.candidates
    evidence = landing.search(plain, request, reveal_contacts=True)
    assert rows.model_dump_json() == evidence.model_dump_json()
    assert (corridor.compare(synth_store, request).model_dump_json()
            == corridor.compare(plain, request).model_dump_json())
