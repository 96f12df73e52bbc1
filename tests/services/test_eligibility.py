"""A rule's yes/no without its reason (`meets`, what ranking asks) is the outcome's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.services.eligibility import evaluate_rule, meets
from graph_schema.nodes import CompanyProfile, EligibilityRule
from graph_schema.vocabulary import CompanyStage, ProfileField, RuleOp

STAGES = [stage.value for stage in CompanyStage]

VALUES: dict[ProfileField, st.SearchStrategy[object]] = {
    ProfileField.HIGH_TECH_CERTIFIED: st.booleans(),
    ProfileField.STAGE: st.sampled_from(STAGES),
    ProfileField.FOUNDED_YEAR: st.integers(2000, 2030),
    ProfileField.HEADCOUNT: st.integers(0, 500),
    ProfileField.ANNUAL_REVENUE_CNY: st.sampled_from([0.0, 1e6, 5e7]),
    ProfileField.FOUNDER_EQUITY_PCT: st.sampled_from([0.0, 30.0, 51.0, 100.0]),
    ProfileField.FOUNDER_CASH_CNY: st.sampled_from([0.0, 1e5, 2e6]),
    ProfileField.RD_STAFF_PCT: st.sampled_from([0.0, 10.0, 60.0]),
}


@st.composite
def rules(draw: st.DrawFn) -> EligibilityRule:
    field = draw(st.sampled_from(list(VALUES)))
    op = draw(st.sampled_from([RuleOp.EQ] if field is ProfileField.HIGH_TECH_CERTIFIED
                              else list(RuleOp)))
    value = ([str(v) for v in draw(st.lists(VALUES[field], min_size=1, max_size=3))]
             if op is RuleOp.IN else draw(VALUES[field]))
    return EligibilityRule.model_validate({"field": field, "op": op, "value": value})


@settings(max_examples=400, deadline=None)
@given(rule=rules(), facts=st.fixed_dictionaries({}, optional={
    field.value: strategy for field, strategy in VALUES.items()}))
def test_meets_is_the_outcomes_yes_or_no(rule: EligibilityRule, facts: dict[str, object]
                                         ) -> None:
    profile = CompanyProfile.model_validate(facts)
    assert meets(rule, profile) is evaluate_rule(rule, profile).met
