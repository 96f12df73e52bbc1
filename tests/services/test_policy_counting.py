"""Counting a company's money: properties on synthetic policy sets, and the seed's cases."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.services import landing
from alliance.services.benefits import CostInputs
from alliance.services.landing import LandingRequest
from alliance.services.net_cost import net_cost
from alliance.services.policy_book import PolicyBook
from alliance.services.policy_counting import Candidate, Section, Status, tally
from alliance.store.base import (
    GraphPath,
    GraphStore,
    ParkEvidence,
    PolicyEvidence,
    RailRoute,
    TrackRecord,
)
from alliance.store.evidence import park_policies
from graph_schema.nodes import CompanyProfile, Policy
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import (
    Beneficiary,
    BenefitKind,
    CompanyStage,
    FacilityType,
    Label,
    PaymentShape,
    RateBase,
)
from tests.services.money_checks import expected_value

AS_OF = date(2026, 12, 1)


@st.composite
def policies(draw: st.DrawFn, index: int) -> Policy:
    kind = draw(st.sampled_from(list(BenefitKind)))
    payment = draw(st.sampled_from(list(PaymentShape)))
    fields: dict[str, object] = {"payment": payment}
    if payment is PaymentShape.RATE:
        base = draw(st.sampled_from(list(RateBase)))
        fields |= {"rate_pct": draw(st.sampled_from([10.0, 50.0, 100.0])), "rate_base": base}
        if base in (RateBase.RENT, RateBase.LOAN_INTEREST) and draw(st.booleans()):
            fields["years"] = draw(st.integers(1, 5))
        if base is RateBase.RENT and draw(st.booleans()):
            fields["cap_area_m2"] = draw(st.sampled_from([200.0, 5000.0]))
    else:
        fields["amount_cny"] = draw(st.one_of(st.none(), st.sampled_from([5e4, 3e5, 2e6])))
        if payment is not PaymentShape.ONE_OFF:
            fields["years"] = draw(st.integers(1, 5))
    if draw(st.booleans()):
        fields["cap_cny"] = draw(st.sampled_from([1e5, 1e6]))
    if draw(st.booleans()):
        fields |= {"exclusive_group": draw(st.sampled_from(["a", "b"])),
                   "tier": draw(st.integers(1, 3))}
    if draw(st.integers(0, 4)) == 0:
        fields["apply_until"] = date(2026, 6, 30)
    return Policy.model_validate({
        "id": f"policy:p{index}", "name_zh": "政策", "name_en": f"Policy {index}",
        "source": "test", "as_of": "2026-01-01", "issuer": "test", "valid_from": "2024-01-01",
        "beneficiary": draw(st.sampled_from(list(Beneficiary))), "level": "city",
        "benefit_kind": kind, **fields,
    })


@st.composite
def candidate_sets(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(1, 12))
    found = [draw(policies(index)) for index in range(count)]
    pairs = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)),
                          max_size=6))
    links: dict[str, set[str]] = {p.id: set() for p in found}
    for a, b in pairs:
        if a != b:
            links[found[a].id].add(found[b].id)
            links[found[b].id].add(found[a].id)
    return [Candidate(p, draw(st.booleans()), tuple(sorted(links[p.id]))) for p in found]


inputs = st.builds(
    CostInputs, horizon_years=st.integers(1, 5),
    area_m2=st.sampled_from([0.0, 300.0, 2000.0]),
    rent_cny_m2_month=st.sampled_from([20.0, 55.0]),
    planned_capex_cny=st.one_of(st.none(), st.sampled_from([0.0, 4e6])),
    headcount=st.one_of(st.none(), st.integers(0, 200)))


@settings(max_examples=300, deadline=None)
@given(candidates=candidate_sets(), figures=inputs)
def test_counting_invariants_on_synthetic_policy_sets(candidates: list[Candidate],
                                                      figures: CostInputs) -> None:
    money = tally(candidates, figures, AS_OF)
    links = {c.policy.id: set(c.not_stackable_with) for c in candidates}
    eligible = {c.policy.id: c.eligible for c in candidates}
    counted = [d for d in money.decisions if d.status is Status.COUNTED]
    by_section: dict[Section, list[str]] = {}
    for decision in counted:
        policy = decision.policy
        assert eligible[policy.id]
        assert policy.money_kind.value != "financing"
        assert decision.valuation.amount_cny is not None
        request = LandingRequest(industry="industry:x", area_m2=figures.area_m2,
                                 horizon_years=figures.horizon_years,
                                 planned_capex_cny=figures.planned_capex_cny,
                                 headcount=figures.headcount)
        expected = expected_value(policy, request, figures.rent_cny_m2_month)
        assert expected is not None
        assert abs(decision.valuation.amount_cny - expected) < 0.011
        by_section.setdefault(decision.section, []).append(policy.id)
    for section, ids in by_section.items():
        groups = [d.policy.exclusive_group for d in counted
                  if d.section is section and d.policy.exclusive_group]
        assert len(groups) == len(set(groups))
        for pid in ids:
            assert not links[pid] & set(ids)
    company = sum(d.counted_cny for d in counted if d.section is Section.COMPANY)
    assert abs(money.total() - company) < 0.011 * (1 + len(counted))
    for decision in money.decisions:
        if decision.status is Status.DEPENDS:
            assert decision.valuation.amount_cny is None


def test_agency_tiers_and_team_money_never_reach_the_company(seed_store: GraphStore) -> None:
    """The README's question: Shanghai's agency subsidy tiers are the broker's side, one tier
    at a time, and never in a company total."""
    request = LandingRequest(industry="industry:medical-devices", area_m2=1000,
                             facility_types=[FacilityType.GMP_CLEANROOM], max_rail_minutes=45,
                             as_of=AS_OF, top_k=20, profile=CompanyProfile(
                                 stage=CompanyStage.ANGEL, founded_year=2021))
    result = landing.search(seed_store, request)
    shanghai = [p for p in result.parks if p.summary.city.id == "city:shanghai"]
    assert shanghai
    for park in shanghai:
        company_ids = {m.id for m in park.eligible_policies + park.near_miss_policies}
        assert not any("transfer-agency" in pid for pid in company_ids)
        tiers = [m for m in park.broker_side if m.exclusive_group]
        assert len(tiers) == 3
        assert sum(m.status == "counted" or m.status == "depends" for m in tiers) == 1


def test_a_combined_reward_does_not_stack_with_the_city_reward(seed_store: GraphStore) -> None:
    request = LandingRequest(industry="industry:biomedicine", as_of=AS_OF, top_k=50,
                             profile=CompanyProfile(high_tech_certified=True))
    result = landing.search(seed_store, request)
    sip = next(p for p in result.parks if p.summary.park.id == "park:suzhou-sip-biobay")
    status = {m.id: m.status for m in sip.eligible_policies}
    assert status["policy:sip-hte-combined-reward"] == "counted"
    assert status["policy:suzhou-hte-first-certification"] in ("not_stacked", "alternative")


@st.composite
def city_parks(draw: st.DrawFn) -> tuple[list[ParkEvidence], CostInputs]:
    """Parks of one city: the city's policies and each park's own, some in the city's
    exclusive groups or not stackable with its items, rents apart."""
    count = draw(st.integers(2, 10))
    found = []
    for index in range(count):  # mostly the company's, some a share of the rent
        fields = draw(policies(index)).model_dump()
        if draw(st.integers(0, 3)):
            fields |= {"beneficiary": Beneficiary.COMPANY, "apply_until": None}
        if fields["exclusive_group"] and fields["amount_cny"] is None and draw(st.booleans()):
            fields |= {"payment": PaymentShape.ONE_OFF, "amount_cny": 2e5, "years": None,
                       "rate_pct": None, "rate_base": None, "cap_area_m2": None}
        if not draw(st.integers(0, 3)):
            fields |= {"payment": PaymentShape.RATE, "rate_pct": 30.0,
                       "rate_base": RateBase.RENT, "amount_cny": None, "years": None,
                       "cap_area_m2": None}
        found.append(Policy.model_validate(fields))
    links: dict[str, set[str]] = {p.id: set() for p in found}
    for a, b in draw(st.lists(st.tuples(st.integers(0, count - 1),
                                        st.integers(0, count - 1)), max_size=8)):
        if a != b:
            links[found[a].id].add(found[b].id)
            links[found[b].id].add(found[a].id)
    figures = draw(inputs)
    places = [draw(st.sampled_from(["city:c", "park:0", "park:1", "park:2", "both"]))
              for _ in found]
    eligibility = [draw(st.booleans()) for _ in found]
    city = NodeRecord("city:c", Label.CITY, frozenset({"City"}), {})
    rail = RailRoute(0, 0.0, GraphPath(("city:c",), ("City",), (), ()))
    parks = []
    for number in range(3):
        park_id = f"park:{number}"
        rent = draw(st.sampled_from([20.0, 55.0, 80.0]))
        park = NodeRecord(park_id, Label.PARK, frozenset({"Park"}),
                          {"rent_cny_m2_month": rent})
        items = []
        for policy, place, eligible in zip(found, places, eligibility, strict=True):
            record = NodeRecord(policy.id, Label.POLICY, frozenset({"Policy"}), {
                **policy.to_properties(),
                "eligibility": [] if eligible else [
                    {"field": "headcount", "op": "gte", "value": 10**6}]})
            for where in ((park_id, "city:c") if place == "both" else (place,)):
                if where in (park_id, "city:c"):
                    path = GraphPath((policy.id, where), ("Policy", "Park"), ("OFFERED_IN",),
                                     (True,))
                    items.append(PolicyEvidence(record, where, (), path,
                                                tuple(sorted(links[policy.id]))))
        parks.append(_evidence(park, city, rail, items))
    return parks, figures


def _evidence(park: NodeRecord, city: NodeRecord, rail: RailRoute,
              items: list[PolicyEvidence]) -> ParkEvidence:
    """A park's evidence with the policies offered in it and in its city, by id."""
    def by_id(place: str) -> tuple[PolicyEvidence, ...]:
        return tuple(sorted((p for p in items if p.offered_in == place),
                            key=lambda p: p.policy.id))

    return ParkEvidence(park, city, rail, (), by_id(park.id), (), 0, 0, TrackRecord((), 0, ()),
                        by_id(city.id))


@settings(max_examples=300, deadline=None)
@given(case=city_parks())
def test_a_parks_money_from_its_citys_equals_the_full_tally(
        case: tuple[list[ParkEvidence], CostInputs]) -> None:
    """`PolicyBook.benefits` (the city counted once per question) is the net cost's
    benefits of the full decisions, park by park."""
    parks, figures = case
    request = LandingRequest(industry="industry:x", area_m2=figures.area_m2,
                             horizon_years=figures.horizon_years, as_of=AS_OF,
                             planned_capex_cny=figures.planned_capex_cny,
                             headcount=figures.headcount)
    book = PolicyBook(request)
    for park in parks:
        seen: set[str] = set()
        candidates = []
        for item in park_policies(park):
            if item.policy.id not in seen:
                seen.add(item.policy.id)
                judged = book.judge(item)
                candidates.append(Candidate(judged.policy, judged.eligible,
                                            item.not_stackable_with))
        rent = float(park.park.properties["rent_cny_m2_month"])
        inputs = CostInputs(figures.horizon_years, figures.area_m2, rent,
                            figures.planned_capex_cny, figures.headcount)
        expected = net_cost(inputs, tally(candidates, inputs, AS_OF)).benefits_cny
        assert book.benefits(park) == expected


def _offered(number: int, place: str, *partners: str, **fields: object) -> PolicyEvidence:
    props = {"id": f"policy:p{number}", "name_zh": "政策", "name_en": f"Policy {number}",
             "source": "test", "as_of": "2026-01-01", "issuer": "test",
             "valid_from": "2024-01-01", "beneficiary": "company", "level": "city",
             "benefit_kind": "rd_subsidy", "amount_cny": 1e5, **fields}
    record = NodeRecord(str(props["id"]), Label.POLICY, frozenset({"Policy"}), props)
    path = GraphPath((record.id, place), ("Policy", "Park"), ("OFFERED_IN",), (True,))
    return PolicyEvidence(record, place, (), path, partners)


def _park(number: int, rent: float, *items: PolicyEvidence) -> ParkEvidence:
    park = NodeRecord(f"park:{number}", Label.PARK, frozenset({"Park"}),
                      {"rent_cny_m2_month": rent})
    city = NodeRecord("city:c", Label.CITY, frozenset({"City"}), {})
    rail = RailRoute(0, 0.0, GraphPath(("city:c",), ("City",), (), ()))
    return _evidence(park, city, rail, list(items))


def test_a_parks_own_item_competing_with_its_citys_is_counted_with_them() -> None:
    """An own item in the city's exclusive group or not stackable with a city item, and
    a city item paying a share of each park's rent."""
    group: dict[str, object] = {"exclusive_group": "tiers", "tier": 1}
    rent_share: dict[str, object] = {"payment": "rate", "rate_pct": 10.0,
                                     "rate_base": "rent", "amount_cny": None}
    city = [_offered(1, "city:c", **group), _offered(2, "city:c", "policy:p4"),
            _offered(3, "city:c", amount_cny=5e4)]
    parks = [_park(0, 20.0, *city),
             _park(1, 20.0, *city, _offered(5, "park:1", exclusive_group="tiers", tier=2)),
             _park(2, 20.0, *city, _offered(4, "park:2", "policy:p2", amount_cny=3e5)),
             _park(3, 20.0, *city, _offered(6, "park:3", amount_cny=7e4))]
    book = PolicyBook(LandingRequest(industry="industry:x", as_of=AS_OF))
    assert [book.benefits(park) for park in parks] == [2.5e5, 2.5e5, 4.5e5, 3.2e5]
    rented = [_park(0, 20.0, _offered(7, "city:c", **rent_share)),
              _park(1, 50.0, _offered(7, "city:c", **rent_share))]
    book = PolicyBook(LandingRequest(industry="industry:x", as_of=AS_OF, area_m2=100,
                                     horizon_years=1))
    assert [book.benefits(park) for park in rented] == [2400.0, 6000.0]
