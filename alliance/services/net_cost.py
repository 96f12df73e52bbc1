"""The net cost of landing in a park: rent over the horizon minus the company's money.

Rent is area × rent × 12 × horizon years. From it the counted grants and tax relief of
the company (policy_counting decides which count) are subtracted, each as its own line
with the arithmetic. Financing is never subtracted, and items that depend on a figure the
request did not give are listed apart, so every number can be recomputed by hand:
`net_cost_cny == rent_cny - sum(line.amount_cny for line in benefits)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from alliance.services.benefits import CostInputs, cny
from alliance.services.policy_counting import Section, Status, Tally


class CostLine(BaseModel):
    """One subtracted benefit: the policy, its sum over the horizon and how it was reached."""

    policy: str
    name_en: str
    money_kind: str
    amount_cny: float
    arithmetic: str


class Pending(BaseModel):
    """An eligible, open item with no sum yet: what figure it waits for."""

    policy: str
    name_en: str
    depends_on: list[str]
    arithmetic: str


class NetCost(BaseModel):
    """Rent over the horizon minus the company's counted benefits, with the arithmetic."""

    horizon_years: int
    area_m2: float
    rent_cny_m2_month: float
    rent_cny: float = Field(description="area_m2 × rent_cny_m2_month × 12 × horizon_years")
    rent_arithmetic: str
    benefits: list[CostLine]
    benefits_cny: float = Field(description="Sum of `benefits` amounts.")
    net_cost_cny: float = Field(description="rent_cny − benefits_cny (negative: the "
                                "benefits exceed the rent).")
    pending: list[Pending] = Field(description="Benefits that depend on figures not given.")
    arithmetic: str = Field(description="The whole calculation as one line of text.")


@dataclass(frozen=True)
class Benefits:
    """What a tally subtracts (its lines, their sum and their arithmetic) and the items
    it lists apart: the same for every park whose policies are decided alike, whatever
    its rent (`benefits_of`)."""

    lines: list[CostLine]
    pending: list[Pending]
    total: float
    text: str
    """The lines' arithmetic, each as `name: arithmetic → −amount`, joined by "; "."""


def benefits_of(money: Tally) -> Benefits:
    """The counted company items of a tally as lines, and those waiting for a figure."""
    lines, pending = [], []
    for decision in money.section(Section.COMPANY):
        policy = decision.policy
        if decision.status is Status.COUNTED and decision.counted_cny > 0:
            lines.append(CostLine(policy=policy.id, name_en=policy.name_en,
                                  money_kind=policy.money_kind.value,
                                  amount_cny=decision.counted_cny,
                                  arithmetic=decision.valuation.arithmetic))
        elif decision.status is Status.DEPENDS:
            pending.append(Pending(policy=policy.id, name_en=policy.name_en,
                                   depends_on=list(decision.valuation.depends_on),
                                   arithmetic=decision.valuation.arithmetic))
    return Benefits(lines, pending, round(sum(line.amount_cny for line in lines), 2),
                    "; ".join(f"{line.name_en}: {line.arithmetic} → −{cny(line.amount_cny)}"
                              for line in lines))


def net_cost(inputs: CostInputs, money: Tally, benefits: Benefits | None = None) -> NetCost:
    """The park's net cost over the horizon, from the tally of its policies (and its
    `benefits_of`, when worked out already)."""
    months = 12 * inputs.horizon_years
    rent = round(inputs.area_m2 * inputs.rent_cny_m2_month * months, 2)
    rent_text = (f"rent {cny(inputs.area_m2)} m² × {inputs.rent_cny_m2_month:g} CNY × "
                 f"{months} months = {cny(rent)}")
    found = benefits if benefits is not None else benefits_of(money)
    net = round(rent - found.total, 2)
    text = "; ".join([rent_text, found.text] if found.lines else [rent_text])
    text += f"; net {cny(net)} CNY over {inputs.horizon_years} years"
    if found.pending:
        many = len(found.pending) > 1
        text += (f" ({len(found.pending)} more benefit{'s depend' if many else ' depends'} "
                 "on figures not given)")
    return NetCost(horizon_years=inputs.horizon_years, area_m2=inputs.area_m2,
                   rent_cny_m2_month=inputs.rent_cny_m2_month, rent_cny=rent,
                   rent_arithmetic=rent_text, benefits=found.lines, benefits_cny=found.total,
                   net_cost_cny=net, pending=found.pending, arithmetic=text)
