"""What one policy is worth to a company over a horizon, with the arithmetic in words.

A policy's payment shape (graph_schema PaymentShape) says how its money is computed; this
module turns the shape and the company's own figures (area, rent, planned equipment
spending, headcount) into a sum over the horizon. A figure the request does not give is
never guessed: the valuation says what it depends on instead, and carries no sum.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_schema.nodes import Policy
from graph_schema.vocabulary import RECURRING_BASES, PaymentShape, RateBase

BASE_WORDS: dict[RateBase, str] = {
    RateBase.RENT: "rent",
    RateBase.EQUIPMENT_CAPEX: "planned equipment spending",
    RateBase.RD_EXPENSE: "R&D expense",
    RateBase.LOAN_INTEREST: "loan interest paid",
    RateBase.TAXABLE_INCOME: "taxable income",
    RateBase.CONTRACT_VALUE: "technology contract value",
    RateBase.INVESTMENT_RAISED: "investment raised",
}
"""How the arithmetic names each base."""

def cny(amount: float) -> str:
    """A sum as the arithmetic prints it: 1,440,000 (cents only when there are some)."""
    return f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"


def _pct(value: float) -> str:
    return f"{value:g}%"


@dataclass(frozen=True)
class CostInputs:
    """The company's own figures for one park, over the horizon."""

    horizon_years: int
    area_m2: float
    rent_cny_m2_month: float
    planned_capex_cny: float | None = None
    headcount: int | None = None


@dataclass(frozen=True)
class Valuation:
    """A policy's value over the horizon, or why there is none.

    `amount_cny` is None when the amount is not published or depends on a figure the
    request does not give (`depends_on` names it); `arithmetic` shows how the sum was
    reached, or the rate as the policy states it.
    """

    amount_cny: float | None
    arithmetic: str
    depends_on: tuple[str, ...] = ()
    capped: bool = False


def _capped(total: float, cap: float | None, text: str) -> Valuation:
    total = round(total, 2)
    if cap is not None and total > cap:
        return Valuation(round(cap, 2), f"{text} = {cny(total)}, capped at {cny(cap)}",
                         capped=True)
    return Valuation(total, f"{text} = {cny(total)}")


def _years(policy: Policy, horizon: int) -> tuple[int, str]:
    """Years paid within the horizon: the policy's years, or every year of the horizon."""
    years = min(policy.years, horizon) if policy.years else horizon
    return years, f"{years} year{'s' if years != 1 else ''}"


def value(policy: Policy, inputs: CostInputs) -> Valuation:
    """The policy's money over `inputs.horizon_years`, paid to whoever the policy pays."""
    if policy.payment is PaymentShape.RATE:
        return _rate_value(policy, inputs)
    if policy.amount_cny is None:
        return Valuation(None, "amount not published", ("published amount",))
    amount = policy.amount_cny
    if policy.payment is PaymentShape.ONE_OFF:
        return _capped(amount, policy.cap_cny, f"one-off {cny(amount)}")
    years, words = _years(policy, inputs.horizon_years)
    if policy.payment is PaymentShape.PER_YEAR:
        return _capped(amount * years, policy.cap_cny, f"{cny(amount)} a year × {words}")
    if inputs.headcount is None:
        return Valuation(None, f"{cny(amount)} per person a year × {words} (depends on "
                         "headcount)", ("headcount",))
    return _capped(amount * inputs.headcount * years, policy.cap_cny,
                   f"{cny(amount)} per person a year × {inputs.headcount} people × {words}")


def _rate_value(policy: Policy, inputs: CostInputs) -> Valuation:
    assert policy.rate_pct is not None
    assert policy.rate_base is not None
    base, pct = policy.rate_base, policy.rate_pct
    years, words = _years(policy, inputs.horizon_years)
    recurring = base in RECURRING_BASES
    stated = f"{_pct(pct)} of {BASE_WORDS[base]}" + (f" a year × {words}" if recurring else "")
    if policy.cap_cny is not None:
        stated += f", capped at {cny(policy.cap_cny)}"
    if base is RateBase.RENT:
        if inputs.area_m2 <= 0:
            return Valuation(None, f"{stated} (depends on the area taken)", ("area_m2",))
        area = inputs.area_m2
        area_text = f"{cny(area)} m²"
        if policy.cap_area_m2 is not None and area > policy.cap_area_m2:
            area, area_text = policy.cap_area_m2, f"{cny(policy.cap_area_m2)} m² (area cap)"
        base_sum = area * inputs.rent_cny_m2_month * 12 * years
        return _capped(pct / 100 * base_sum, policy.cap_cny,
                       f"{_pct(pct)} × {area_text} × {inputs.rent_cny_m2_month:g} CNY/m²/month"
                       f" × 12 months × {words}")
    if base is RateBase.EQUIPMENT_CAPEX:
        if inputs.planned_capex_cny is None:
            return Valuation(None, f"{stated} (depends on planned equipment spending)",
                             ("planned_capex_cny",))
        return _capped(pct / 100 * inputs.planned_capex_cny, policy.cap_cny,
                       f"{_pct(pct)} × planned equipment spending "
                       f"{cny(inputs.planned_capex_cny)}")
    return Valuation(None, f"{stated} (depends on {BASE_WORDS[base]})", (BASE_WORDS[base],))
