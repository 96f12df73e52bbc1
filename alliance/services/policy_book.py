"""The policies of one landing question, judged once, and each park's money counted from
its city's.

Whether the company may apply for a policy, whose money it is, whether its application
window opens within the horizon and (unless it is a share of the park's rent) what it is
worth depend on the request and the policy, not on the park; and every park of a city
carries all of the city's policies. So a question judges each policy once (`Judged`) and
counts each city's money once (`CityMoney`); a park's money is its city's plus that of
its own policies, counted apart unless one of them competes with a city item (the same
exclusive group, or a NOT_STACKABLE_WITH link) or an item's value depends on the rent,
when the park's items are counted together. Either way the sum is taken over the same
items in the same order as the full decisions (`policy_counting.tally`), which are made
only for the parks shown; a test holds the two to agreeing.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from alliance.services.benefits import CostInputs, Valuation, value
from alliance.services.eligibility import RuleOutcome, evaluate, meets
from alliance.services.gaps import Gap, GapKey, gap_key, gap_of
from alliance.services.kept import Asked, Memo
from alliance.services.landing_models import LandingRequest
from alliance.services.policy_counting import (
    SECTION_OF,
    Section,
    counted_amounts,
    window_open,
)
from alliance.store.base import ParkEvidence, PolicyEvidence
from graph_schema.nodes import CompanyProfile, Policy
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import MoneyKind, PaymentShape, RateBase

VALIDATED_KEPT = 1 << 16
"""Policy records whose validated model is kept between requests (then the memo starts
over): every policy of a 10^6-node graph (30,909), whose validation (~27 µs each) is
most of a question never asked before when the memo starts over under it (a question
of 2,000 candidates judges ~10,000 policies). The validated models are held by the
judgements kept (`JUDGED`, as many) anyway."""

_validated: dict[int, tuple[NodeRecord, Policy]] = {}
"""id(record) -> (the record, its validated Policy). A store hands out the same record
object until the node is rewritten (records are read-only), so a policy is validated once,
not once per request; a rewritten node is a new record and validated afresh."""


def validated_policy(record: NodeRecord) -> Policy:
    """The policy a record holds, validated (memoised by record identity)."""
    found = _validated.get(id(record))
    if found is not None and found[0] is record:
        return found[1]
    policy = Policy.model_validate(record.properties)
    if len(_validated) >= VALIDATED_KEPT:
        _validated.clear()
    _validated[id(record)] = (record, policy)
    return policy


def shares_rent(policy: Policy) -> bool:
    """Its value is a share of the park's rent (so it depends on the park and the area)."""
    return policy.payment is PaymentShape.RATE and policy.rate_base is RateBase.RENT


RENT_SHARES: Memo[bool] = Memo(1 << 12)
"""Whether any of a place's policies `shares_rent`, kept by the store's evidence of them."""


def any_shares_rent(items: tuple[PolicyEvidence, ...]) -> bool:
    """Whether any of these policies `shares_rent` (worked out once per evidence)."""
    return RENT_SHARES.get(None, items, lambda: any(
        shares_rent(validated_policy(item.policy)) for item in items))


@dataclass(frozen=True)
class Judged:
    """A policy as one request judges it, the same in every park offering it."""

    policy: Policy
    profile: CompanyProfile = field(compare=False)
    """The facts its rules are judged on (the request's)."""
    wanted: bool
    section: Section
    openable: bool
    """Its window opens within the horizon and it is no financing: it counts if the
    company is eligible (and rules 3–5 let it)."""
    rent_based: bool
    """Its value is a share of the park's rent (for the area asked)."""
    not_stackable_with: tuple[str, ...]

    @cached_property
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        """Every rule's outcome with its reason (worked out for the parks shown)."""
        return tuple(evaluate(self.policy.eligibility, self.profile))

    @cached_property
    def eligible(self) -> bool:
        return all(meets(rule, self.profile) for rule in self.policy.eligibility)

    @cached_property
    def gaps(self) -> tuple[Gap, ...]:
        """The gaps its failed rules leave (asked for again and again by the gap-closer)."""
        return tuple(gap_of(outcome) for outcome in self.outcomes if not outcome.met)

    @cached_property
    def gap_kinds(self) -> frozenset[GapKey]:
        """The kinds of its gaps (what the gap-closer closes), worked out once."""
        return frozenset(gap_key(gap) for gap in self.gaps)

    @cached_property
    def counts(self) -> bool:
        """A company item that counts unless rules 3–5 say otherwise."""
        return self.section is Section.COMPANY and self.openable and self.eligible


@dataclass(frozen=True)
class CityMoney:
    """A city's policies as every park of the city carries them, counted once."""

    ids: frozenset[str]
    counting: tuple[Judged, ...]
    """The company items that count unless rules 3–5 say otherwise, by id."""
    groups: frozenset[str]
    partners: frozenset[str]
    """The exclusive groups of `counting`, and the ids they may not be stacked with."""
    rent_based: bool
    counted: tuple[tuple[str, float], ...]
    """(id, amount) of the items counted, by id (empty when `rent_based`: then each park
    counts its own)."""
    total: float
    """The sum of `counted`, in order."""
    integral: bool
    """Every counted amount is a whole number (so sums do not depend on their order)."""


JUDGED: Memo[Judged] = Memo(1 << 16)
"""Policies as judged, kept across questions (`kept`): by the request's facts and the
store's evidence of the policy."""
CITIES: Memo[CityMoney] = Memo(1 << 12)
"""Cities' money, kept across questions: by the request's facts and the evidence of
every policy the city offers."""


def _integral(amounts: Sequence[float]) -> bool:
    return all(float(amount).is_integer() for amount in amounts)


class PolicyBook:
    """The policies of one request: each judged once, each city's money counted once."""

    def __init__(self, request: LandingRequest) -> None:
        self.request = request
        self.profile = request.eligibility_profile()
        self.asked = Asked.of(request, self.profile)
        self._judged: dict[str, Judged] = {}
        self._values: dict[tuple[str, float], Valuation] = {}
        self._cities: dict[str, CityMoney] = {}

    def inputs(self, rent: float) -> CostInputs:
        request = self.request
        return CostInputs(horizon_years=request.horizon_years, area_m2=request.area_m2,
                          rent_cny_m2_month=rent, planned_capex_cny=request.planned_capex_cny,
                          headcount=request.headcount)

    def judge(self, evidence: PolicyEvidence) -> Judged:
        found = self._judged.get(evidence.policy.id)
        if found is None:
            found = self._judged[evidence.policy.id] = JUDGED.get(
                self.asked, (evidence,), lambda: self._judged_afresh(evidence))
        return found

    def _judged_afresh(self, evidence: PolicyEvidence) -> Judged:
        request = self.request
        policy = validated_policy(evidence.policy)
        wanted = not request.benefit_kinds or policy.benefit_kind in request.benefit_kinds
        return Judged(
            policy, self.profile, wanted,
            SECTION_OF[policy.beneficiary],
            window_open(policy, request.as_of, request.horizon_years)
            and policy.money_kind is not MoneyKind.FINANCING,
            shares_rent(policy) and request.area_m2 > 0,
            evidence.not_stackable_with)

    def value(self, policy: Policy, inputs: CostInputs) -> Valuation:
        """`benefits.value`, once per policy (and rent, for a share of the rent)."""
        judged = self._judged.get(policy.id)
        if judged is None or judged.policy is not policy:
            return value(policy, inputs)
        key = (policy.id, inputs.rent_cny_m2_month if judged.rent_based else 0.0)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = value(policy, inputs)
        return found

    def _counted(self, items: Sequence[Judged], rent: float) -> list[tuple[str, float]]:
        """(id, amount) of the counting items rules 3–5 count, in the items' order."""
        inputs = self.inputs(rent)
        partners = {judged.policy.id: judged.not_stackable_with for judged in items}
        return counted_amounts([(judged.policy, judged.section, self.value(judged.policy, inputs))
                                for judged in items], partners.__getitem__)

    def _city(self, items: Sequence[PolicyEvidence], rent: float) -> CityMoney:
        judged = [self.judge(item) for item in items]
        counting = tuple(j for j in judged if j.counts)
        rent_based = any(j.rent_based for j in counting)
        counted = () if rent_based else tuple(self._counted(counting, rent))
        amounts = [amount for _, amount in counted]
        return CityMoney(frozenset(j.policy.id for j in judged), counting,
                         frozenset(j.policy.exclusive_group for j in counting
                                   if j.policy.exclusive_group),
                         frozenset(p for j in counting for p in j.not_stackable_with),
                         rent_based, counted, sum(amounts), _integral(amounts))

    def benefits(self, evidence: ParkEvidence) -> float:
        """The company's counted grants and tax relief in the park: the net cost's
        `benefits_cny` (the same sum as the full tally's, without deciding every item)."""
        return self.benefits_at(evidence.city.id, evidence.park, evidence.city_policies,
                                evidence.policies)

    def benefits_at(self, city_id: str, park: NodeRecord,
                    city_policies: tuple[PolicyEvidence, ...],
                    policies: tuple[PolicyEvidence, ...]) -> float:
        """`benefits` of a park of this city offering these policies (and its city
        those), as a `CandidateRow` gives them."""
        rent = float(park.properties["rent_cny_m2_month"])
        city = self._cities.get(city_id)
        if city is None:
            items = city_policies
            city = self._cities[city_id] = CITIES.get(
                self.asked, items, lambda: self._city(items, rent))
        if not policies and not city.rent_based:
            return round(city.total, 2)
        own = [self.judge(item) for item in policies
               if item.policy.id not in city.ids]
        counting = [judged for judged in own if judged.counts]
        if not counting and not city.rent_based:
            return round(city.total, 2)
        ids = {judged.policy.id for judged in counting}
        if (city.rent_based or any(judged.rent_based for judged in counting)
                or any(judged.policy.exclusive_group in city.groups for judged in counting)
                or not city.partners.isdisjoint(ids)):  # partners go both ways
            together = sorted([*city.counting, *counting], key=lambda j: j.policy.id)
            return round(sum(amount for _, amount in self._counted(together, rent)), 2)
        mine = self._counted(counting, rent)
        amounts = [amount for _, amount in mine]
        if city.integral and _integral(amounts):
            return round(city.total + sum(amounts), 2)
        merged = heapq.merge(city.counted, mine)
        return round(sum(amount for _, amount in merged), 2)
