"""Independent checks of a landing answer's money, recomputed from the raw graph.

Used by the property tests on the seed and on synthetic graphs: nothing here calls the
counting, valuation or net-cost code under test.
"""

from __future__ import annotations

from datetime import timedelta

from alliance.services.gaps import CLOSINGS
from alliance.services.landing import LandingRequest, LandingResult, ParkResult
from alliance.store.base import GraphStore
from graph_schema.nodes import Policy
from graph_schema.vocabulary import Label, RelType

TOLERANCE = 0.011
"""Sums are rounded to cents line by line."""

RECURRING = {"rent", "rd_expense", "loan_interest", "taxable_income"}


def expected_value(policy: Policy, request: LandingRequest, rent: float) -> float | None:
    """The policy's worth over the horizon, by hand; None when a figure is missing."""
    horizon = request.horizon_years
    years = min(policy.years, horizon) if policy.years else horizon
    cap = policy.cap_cny if policy.cap_cny is not None else float("inf")
    payment = policy.payment.value
    if payment == "rate":
        assert policy.rate_pct is not None
        base = policy.rate_base.value if policy.rate_base else ""
        if base == "rent":
            if request.area_m2 <= 0:
                return None
            area = min(request.area_m2, policy.cap_area_m2 or float("inf"))
            return min(cap, policy.rate_pct / 100 * area * rent * 12 * years)
        if base == "equipment_capex" and request.planned_capex_cny is not None:
            return min(cap, policy.rate_pct / 100 * request.planned_capex_cny)
        return None
    if policy.amount_cny is None:
        return None
    if payment == "one_off":
        return min(cap, policy.amount_cny)
    if payment == "per_year":
        return min(cap, policy.amount_cny * years)
    if request.headcount is None:
        return None
    return min(cap, policy.amount_cny * request.headcount * years)


def _open(policy: Policy, request: LandingRequest) -> bool:
    end = request.as_of + timedelta(days=round(365.25 * request.horizon_years))
    return ((policy.apply_until is None or policy.apply_until >= request.as_of)
            and (policy.apply_from is None or policy.apply_from <= end))


def _policy(store: GraphStore, policy_id: str) -> Policy:
    node = store.get_node(policy_id)
    assert node is not None
    return Policy.model_validate(node.properties)


def _unstackable(store: GraphStore, policy_id: str) -> set[str]:
    rels = store.get_relationships(RelType.NOT_STACKABLE_WITH, source=policy_id)
    rels += store.get_relationships(RelType.NOT_STACKABLE_WITH, target=policy_id)
    return {rel.target if rel.source == policy_id else rel.source for rel in rels}


def assert_park_money_is_sound(store: GraphStore, request: LandingRequest,
                               park: ParkResult) -> None:
    rent = park.summary.rent_cny_m2_month
    company = park.eligible_policies + park.near_miss_policies
    policies = {m.id: _policy(store, m.id) for m in
                company + park.founding_team_policies + park.broker_side}
    for match in company:  # only the company's own items in its answer
        assert policies[match.id].beneficiary.value == "company"
    for match in park.founding_team_policies:
        assert policies[match.id].beneficiary.value == "founding_team"
    for match in park.broker_side:
        assert policies[match.id].beneficiary.value in ("broker", "tech_transfer_agency")
    for match in company + park.founding_team_policies + park.broker_side:
        expected = expected_value(policies[match.id], request, rent)
        if expected is None:  # no made-up sums
            assert match.value_cny is None, match.id
            assert match.depends_on, match.id
        else:
            assert match.value_cny is not None, match.id
            assert abs(match.value_cny - expected) < TOLERANCE, match.id
    counted = [m for m in park.eligible_policies if m.status == "counted"]
    groups = [m.exclusive_group for m in counted if m.exclusive_group]
    assert len(groups) == len(set(groups)), "two items of one exclusive group counted"
    ids = {m.id for m in counted}
    for match in counted:
        policy = policies[match.id]
        assert match.eligible
        assert policy.money_kind.value != "financing", "financing added to grants"
        assert _open(policy, request), match.id
        assert match.value_cny is not None
        assert not (_unstackable(store, match.id) & ids), f"{match.id} stacked"
    for match in park.eligible_policies:
        if match.status == "alternative" and match.value_cny is not None:
            rival = [m for m in counted if m.exclusive_group == match.exclusive_group]
            assert not rival or rival[0].value_cny is None or \
                rival[0].value_cny >= match.value_cny - TOLERANCE
        if policies[match.id].money_kind.value == "financing":
            assert match.status in ("financing", "closed")
    total = sum(m.value_cny or 0.0 for m in counted)
    assert abs(park.policy_total_cny - total) < TOLERANCE * max(1, len(counted))
    assert abs(park.grant_total_cny + park.tax_relief_total_cny - park.policy_total_cny) \
        < TOLERANCE
    financing = sum(m.value_cny or 0.0 for m in park.eligible_policies
                    if m.status == "financing")
    assert abs(park.financing_total_cny - financing) < TOLERANCE * max(1, len(company))
    cost = park.net_cost
    months = 12 * request.horizon_years
    assert abs(cost.rent_cny - request.area_m2 * rent * months) < TOLERANCE
    assert abs(cost.benefits_cny - park.policy_total_cny) < TOLERANCE * max(1, len(counted))
    lines = sum(line.amount_cny for line in cost.benefits)
    assert abs(cost.net_cost_cny - (cost.rent_cny - lines)) < TOLERANCE * (1 + len(counted))
    assert {line.policy for line in cost.benefits} == {m.id for m in counted
                                                       if (m.value_cny or 0) > 0}
    assert park.gap_closer.unlock_cny >= -TOLERANCE
    skilled = {rel.target for rel in store.get_relationships(RelType.HAS_SKILL)}
    for gap in park.gap_closer.gaps:
        if gap.closability != "closable":
            assert gap.unlock_cny is None
            continue
        wanted = set(next(c.skills for (field, _), c in CLOSINGS.items()
                          if field is gap.field and c.action == gap.action))
        for helper in gap.helpers:  # a helper's skill fits the missing rule
            assert wanted & {skill for skill, _ in helper.skills}, helper.person.id
        if wanted & skilled:
            assert gap.helpers, f"nobody listed for {gap.field} though people hold the skill"
    for match in park.near_miss_policies:
        failed = [rule.field for rule in match.rules if not rule.met]
        assert [item.field for item in match.gaps] == failed


def assert_why_not_is_sound(store: GraphStore, request: LandingRequest,
                            result: LandingResult, candidates: set[str]) -> None:
    answer = result.why_not
    assert answer is not None
    assert answer.qualifies == (answer.park in candidates)
    node = store.get_node(answer.park)
    assert node is not None
    assert node.label is Label.PARK
    failed = {f.constraint for f in answer.failures}
    props = node.properties
    assert ("area_m2" in failed) == (props["available_area_m2"] < request.area_m2)
    assert ("facility_types" in failed) == (
        not {f.value for f in request.facility_types} <= set(props["facility_types"]))
    limit = request.max_rent_cny_m2_month
    assert ("max_rent_cny_m2_month" in failed) == (
        limit is not None and props["rent_cny_m2_month"] > limit)
    for failure in answer.failures:
        if failure.constraint == "max_rent_cny_m2_month":
            assert limit is not None
            assert failure.short_by is not None
            assert abs(failure.short_by - (props["rent_cny_m2_month"] - limit)) < TOLERANCE


def assert_money_is_sound(store: GraphStore, request: LandingRequest,
                          result: LandingResult) -> None:
    for park in result.parks:
        assert_park_money_is_sound(store, request, park)


__all__ = ["assert_money_is_sound", "assert_why_not_is_sound", "expected_value"]
