"""Gap-closer: what a near miss lacks, whether it can be closed, how long it takes, who helps.

Each failed eligibility rule is a gap. Whether it can be closed depends on the fact and the
direction: a certification can be obtained (about six months) with a certification
consultant's help; a founding year cannot change; a headcount can grow but a firm does
not shrink to qualify. The table below is that knowledge as data. A gap whose fact is
unknown is `unknown`: the company should state it, and nothing is promised.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alliance.services.eligibility import FIELD_NAMES, RuleOutcome
from graph_schema.vocabulary import CompanyStage, ProfileField, RuleOp


class Closability(StrEnum):
    CLOSABLE = "closable"
    NOT_CLOSABLE = "not_closable"
    UNKNOWN = "unknown"
    """The company's fact is not known: state it first."""


@dataclass(frozen=True)
class Closing:
    """How a gap of one fact, in one direction, is closed."""

    closable: bool
    typical_months: int | None
    action: str
    skills: tuple[str, ...] = ()
    """Skill ids of the people who help close it (collaborator search ranks them)."""


UP, DOWN = "up", "down"

CLOSINGS: dict[tuple[ProfileField, str], Closing] = {
    (ProfileField.HIGH_TECH_CERTIFIED, UP): Closing(
        True, 6, "obtain high-tech enterprise certification (高新技术企业认定)",
        ("skill:hte-certification-filing", "skill:hte-special-audit")),
    (ProfileField.HIGH_TECH_CERTIFIED, DOWN): Closing(
        False, None, "the item is only for firms not yet certified"),
    (ProfileField.STAGE, UP): Closing(
        True, 9, "raise the next financing round", ("skill:venture-fundraising",)),
    (ProfileField.STAGE, DOWN): Closing(False, None, "the item is for younger companies"),
    (ProfileField.FOUNDED_YEAR, UP): Closing(False, None, "the founding year cannot change"),
    (ProfileField.FOUNDED_YEAR, DOWN): Closing(False, None, "the founding year cannot change"),
    (ProfileField.HEADCOUNT, UP): Closing(True, 6, "hire more staff",
                                          ("skill:employment-law",)),
    (ProfileField.HEADCOUNT, DOWN): Closing(False, None, "the item is for smaller firms"),
    (ProfileField.ANNUAL_REVENUE_CNY, UP): Closing(True, 12, "grow annual revenue"),
    (ProfileField.ANNUAL_REVENUE_CNY, DOWN): Closing(False, None,
                                                     "the item is for smaller firms"),
    (ProfileField.FOUNDER_EQUITY_PCT, UP): Closing(
        True, 3, "restructure the founders' equity", ("skill:equity-structuring",)),
    (ProfileField.FOUNDER_EQUITY_PCT, DOWN): Closing(
        True, 3, "restructure the founders' equity", ("skill:equity-structuring",)),
    (ProfileField.FOUNDER_CASH_CNY, UP): Closing(
        True, 1, "founders invest more cash", ("skill:equity-structuring",)),
    (ProfileField.FOUNDER_CASH_CNY, DOWN): Closing(False, None,
                                                   "founder cash already invested stays"),
    (ProfileField.RD_STAFF_PCT, UP): Closing(
        True, 6, "hire R&D staff and document them", ("skill:rd-expense-accounting",)),
    (ProfileField.RD_STAFF_PCT, DOWN): Closing(False, None,
                                               "the item is for less R&D-heavy firms"),
}
"""Every fact in both directions: closable or not, typical time, action, helpful skills."""


def _number(value: object, field: ProfileField) -> float:
    if field is ProfileField.STAGE:
        return float(CompanyStage(str(value)).rank)
    if isinstance(value, bool):
        return float(value)
    return float(value)  # type: ignore[arg-type]


def direction(outcome: RuleOutcome) -> str:
    """Whether meeting the rule means more (`up`) or less (`down`) of the fact."""
    rule = outcome.rule
    if rule.op is RuleOp.GTE:
        return UP
    if rule.op is RuleOp.LTE:
        return DOWN
    targets = rule.value if isinstance(rule.value, list) else [rule.value]
    actual = _number(outcome.actual, rule.field)
    return UP if any(_number(t, rule.field) > actual for t in targets) else DOWN


@dataclass(frozen=True)
class Gap:
    """One failed rule: the fact, whether and how it can be closed."""

    field: ProfileField
    closability: Closability
    typical_months: int | None
    action: str
    skills: tuple[str, ...]
    requirement: str


GapKey = tuple[ProfileField, Closability, str]
"""A gap kind: the fact, whether it can be closed, and the action that closes it."""


def gap_key(gap: Gap) -> GapKey:
    """The gap's kind (near misses failing on the same kind are closed together)."""
    return (gap.field, gap.closability, gap.action)


def gap_of(outcome: RuleOutcome) -> Gap:
    """The gap a failed rule leaves."""
    field = outcome.rule.field
    if outcome.actual is None:
        return Gap(field, Closability.UNKNOWN, 0, f"state the company's {FIELD_NAMES[field]}",
                   (), outcome.reason)
    closing = CLOSINGS[(field, direction(outcome))]
    return Gap(field, Closability.CLOSABLE if closing.closable else Closability.NOT_CLOSABLE,
               closing.typical_months, closing.action, closing.skills, outcome.reason)
