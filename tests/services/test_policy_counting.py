"""Counting a company's money: properties on synthetic policy sets, and the seed's cases."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.services import landing
from alliance.services.benefits import CostInputs
from alliance.services.landing import LandingRequest
from alliance.services.policy_counting import Candidate, Section, Status, tally
from alliance.store.base import GraphStore
from graph_schema.nodes import CompanyProfile, Policy
from graph_schema.vocabulary import (
    Beneficiary,
    BenefitKind,
    CompanyStage,
    FacilityType,
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
