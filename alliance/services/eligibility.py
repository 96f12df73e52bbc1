"""Evaluate a policy's eligibility rules against a company profile, with reasons.

Rules are data (graph_schema.nodes.EligibilityRule), so staff can read and edit them;
this module turns each into a yes/no and a sentence a person understands, such as
"needs high-tech enterprise certification" or "founded 2019 or later (founded 2015)".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph_schema.nodes import CompanyProfile, EligibilityRule
from graph_schema.vocabulary import CompanyStage, ProfileField, RuleOp

FIELD_NAMES: dict[ProfileField, str] = {
    ProfileField.HIGH_TECH_CERTIFIED: "high-tech enterprise certification",
    ProfileField.STAGE: "company stage",
    ProfileField.FOUNDED_YEAR: "founding year",
    ProfileField.HEADCOUNT: "headcount",
    ProfileField.ANNUAL_REVENUE_CNY: "annual revenue (CNY)",
    ProfileField.FOUNDER_EQUITY_PCT: "founder equity (%)",
    ProfileField.FOUNDER_CASH_CNY: "founder cash invested (CNY)",
    ProfileField.RD_STAFF_PCT: "R&D staff share (%)",
}


@dataclass(frozen=True)
class RuleOutcome:
    """One rule, whether the profile meets it, and why in words."""

    rule: EligibilityRule
    met: bool
    reason: str
    actual: bool | int | float | str | None


def _rank(value: Any, field: ProfileField) -> Any:
    """Stages compare by maturity, everything else by value."""
    return CompanyStage(value).rank if field is ProfileField.STAGE else value


def _requirement(rule: EligibilityRule) -> str:
    name = FIELD_NAMES[rule.field]
    if rule.field is ProfileField.HIGH_TECH_CERTIFIED:
        return "needs " + name if rule.value else "only for firms without " + name
    if rule.field is ProfileField.FOUNDED_YEAR and rule.op in (RuleOp.GTE, RuleOp.LTE):
        return f"founded {rule.value} or {'later' if rule.op is RuleOp.GTE else 'earlier'}"
    if rule.op is RuleOp.IN:
        return f"{name} one of {', '.join(str(v) for v in rule.value)}"  # type: ignore[union-attr]
    symbol = {RuleOp.EQ: "=", RuleOp.GTE: "≥", RuleOp.LTE: "≤"}[rule.op]
    return f"{name} {symbol} {rule.value}"


def _met(rule: EligibilityRule, actual: Any) -> bool:
    """Whether a known fact meets the rule."""
    if rule.op is RuleOp.IN:
        assert isinstance(rule.value, list)
        return str(actual) in {str(v) for v in rule.value}
    if rule.op is RuleOp.EQ:
        return bool(actual == rule.value or str(actual) == str(rule.value))
    left, right = _rank(actual, rule.field), _rank(rule.value, rule.field)
    return bool(left >= right if rule.op is RuleOp.GTE else left <= right)


def meets(rule: EligibilityRule, profile: CompanyProfile) -> bool:
    """`evaluate_rule(rule, profile).met`, without the reason (what ranking needs)."""
    actual = getattr(profile, rule.field.value)
    return actual is not None and _met(rule, actual)


def evaluate_rule(rule: EligibilityRule, profile: CompanyProfile) -> RuleOutcome:
    """Whether `profile` meets `rule`; an unknown fact never counts as met."""
    requirement = _requirement(rule)
    actual = getattr(profile, rule.field.value)
    if actual is None:
        return RuleOutcome(rule, False, f"{requirement} ({FIELD_NAMES[rule.field]} unknown)",
                           None)
    met = _met(rule, actual)
    shown = actual.value if isinstance(actual, CompanyStage) else actual
    if rule.field is ProfileField.HIGH_TECH_CERTIFIED:
        reason = requirement if not met else f"{requirement}: certified" if actual else \
            f"{requirement}: not certified"
    else:
        reason = f"{requirement} (is {shown})"
    return RuleOutcome(rule, met, reason, shown)


def evaluate(rules: list[EligibilityRule], profile: CompanyProfile) -> list[RuleOutcome]:
    """Every rule's outcome, in the policy's order."""
    return [evaluate_rule(rule, profile) for rule in rules]
