"""Landing match: where along the corridor can this company land its production?

The store returns every park that meets the hard constraints (industry related in the
taxonomy, space, facility types, rent, rail minutes) with its evidence; this module scores
them with pure functions, so the ranking is the same whichever store answered. Every score
part carries a sentence and the graph paths behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from alliance.errors import Invalid
from alliance.services.eligibility import RuleOutcome, evaluate
from alliance.services.explain import (
    NameBook,
    NodeRef,
    PathOut,
    PersonOut,
    node_ref,
    person_out,
)
from alliance.store.base import (
    ContactEvidence,
    GraphPath,
    GraphStore,
    IndustryRelation,
    LandingFilter,
    ParkEvidence,
    PolicyEvidence,
)
from graph_schema.nodes import CompanyProfile, Policy
from graph_schema.vocabulary import (
    BenefitKind,
    FacilityType,
    ProfileField,
    ReferralStage,
    RuleOp,
)

NOMINAL_BENEFIT_CNY = 50_000.0
"""Value counted for a benefit with no fixed sum (a tax rate, a loan subsidy)."""

POLICY_VALUE_HALF = 500_000.0
"""Eligible policy value (CNY) that scores 0.5 on the policy part."""

UNWANTED_BENEFIT_SHARE = 0.3
"""Share of value counted for a benefit kind the company did not ask for."""

DEFAULT_REFERENCE_RENT = 100.0
DEFAULT_REFERENCE_MINUTES = 180


class LandingWeights(BaseModel):
    """Weights of the score parts (relative; they need not sum to 1)."""

    model_config = ConfigDict(extra="forbid")

    industry_fit: Annotated[float, Field(ge=0)] = 0.25
    policy_value: Annotated[float, Field(ge=0)] = 0.20
    cost: Annotated[float, Field(ge=0)] = 0.15
    travel: Annotated[float, Field(ge=0)] = 0.15
    space: Annotated[float, Field(ge=0)] = 0.10
    contacts: Annotated[float, Field(ge=0)] = 0.10
    track_record: Annotated[float, Field(ge=0)] = 0.05

    @model_validator(mode="after")
    def _some_weight(self) -> LandingWeights:
        if sum(self.model_dump().values()) <= 0:
            msg = "at least one weight must be positive"
            raise ValueError(msg)
        return self


class LandingRequest(BaseModel):
    """A company's landing need, its profile for eligibility, and how to rank."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "origin_city": "city:shanghai", "industry": "industry:medical-devices",
        "area_m2": 2000, "facility_types": ["gmp_cleanroom"], "max_rail_minutes": 45,
        "benefit_kinds": ["rent_subsidy", "equipment_subsidy"],
        "profile": {"stage": "angel", "founded_year": 2021, "headcount": 25},
    }]})

    origin_city: str = Field(default="city:shanghai", description="City id the company is in.")
    industry: str = Field(description="Industry id at any level of the taxonomy.")
    area_m2: Annotated[float, Field(ge=0, le=10_000_000)] = 0.0
    facility_types: list[FacilityType] = Field(default_factory=list)
    max_rent_cny_m2_month: Annotated[float, Field(ge=0)] | None = None
    max_rail_minutes: Annotated[int, Field(ge=0, le=1440)] | None = None
    benefit_kinds: list[BenefitKind] = Field(default_factory=list)
    profile: CompanyProfile = Field(default_factory=CompanyProfile)
    as_of: date = Field(default_factory=date.today, description="Policies valid on this day.")
    top_k: Annotated[int, Field(ge=1, le=100)] = 10
    weights: LandingWeights = Field(default_factory=LandingWeights)

    def to_filter(self) -> LandingFilter:
        return LandingFilter(
            origin_city=self.origin_city, industry=self.industry, min_area_m2=self.area_m2,
            facility_types=tuple(self.facility_types),
            max_rent_cny_m2_month=self.max_rent_cny_m2_month,
            max_rail_minutes=self.max_rail_minutes, as_of=self.as_of,
        )


class ScorePart(BaseModel):
    """One part of a park's score: value in [0, 1], weight, and why."""

    name: str
    value: float
    weight: float
    explanation: str
    paths: list[PathOut] = Field(default_factory=list)


class IndustryFit(BaseModel):
    industry: str
    relation: IndustryRelation
    strength: float
    hops: int
    path: PathOut


class RuleCheck(BaseModel):
    """One eligibility rule as data, with the company's value, so clients can phrase it in
    their own language (`met` / `missing` hold the English sentences)."""

    field: ProfileField
    op: RuleOp
    value: bool | int | float | str | list[str]
    actual: bool | int | float | str | None
    met: bool


class PolicyMatch(BaseModel):
    """A valid policy: eligible (with the rules met) or a near miss (with what is missing)."""

    id: str
    name_zh: str
    name_en: str
    issuer: str
    benefit_kind: BenefitKind
    amount_cny: float | None
    amount_note: str
    valid_to: date | None
    offered_in: str
    wanted: bool
    eligible: bool
    met: list[str]
    missing: list[str]
    rules: list[RuleCheck]
    path: PathOut


class Contact(BaseModel):
    """Someone who can help: a broker of the industry, or a professional nearby."""

    person: PersonOut
    kind: str = Field(description="'broker' or 'professional'.")
    via: str
    expert_in: list[str]
    skills: list[tuple[str, int]]
    path: PathOut


class ParkSummary(BaseModel):
    park: NodeRef
    city: NodeRef
    rent_cny_m2_month: float
    available_area_m2: float
    facility_types: list[str]
    estimated: list[str]


class ParkResult(BaseModel):
    """One ranked park with its score parts and all the evidence behind them."""

    rank: int
    score: float
    summary: ParkSummary
    parts: list[ScorePart]
    rail_minutes: int
    rail_km: float
    rail_path: PathOut
    industries: list[IndustryFit]
    eligible_policies: list[PolicyMatch]
    near_miss_policies: list[PolicyMatch]
    policy_total_cny: float
    contacts: list[Contact] = Field(
        description="The best brokers, then the best professionals (5 of each at most).")
    contacts_total: int
    brokers_total: int = Field(description="Brokers of the industry covering the park.")
    professionals_total: int = Field(description="Lawyers, accountants, ... nearby.")
    related_landings: list[str]
    referral_stages: dict[str, int]


class Relaxation(BaseModel):
    """What dropping one hard constraint would give, when nothing met them all."""

    constraint: str
    parks: int


class LandingResult(BaseModel):
    """Ranked parks; when none qualify, which constraint emptied the list."""

    parks: list[ParkResult]
    candidates: int = Field(description="Parks meeting every hard constraint.")
    empty_reason: str | None = None
    relaxations: list[Relaxation] = Field(default_factory=list)


# --------------------------------------------------------------------------- scoring


def _saturate(value: float, half: float) -> float:
    """0 at 0, 0.5 at `half`, towards 1 beyond: rewards more without letting one park win
    by a single huge number."""
    return value / (value + half) if value > 0 else 0.0


def _industry_part(evidence: ParkEvidence) -> tuple[float, str]:
    factors = {IndustryRelation.EXACT: 1.0, IndustryRelation.SUBFIELD: 0.9,
               IndustryRelation.BROADER: 0.6}
    best = max(evidence.industries,
               key=lambda m: m.strength * factors[m.relation] ** max(m.hops, 1))
    value = best.strength * factors[best.relation] ** max(best.hops, 1)
    words = {IndustryRelation.EXACT: "hosts the industry itself",
             IndustryRelation.SUBFIELD: f"hosts a subfield ({best.industry})",
             IndustryRelation.BROADER: f"hosts the broader field {best.industry}"}
    return value, f"{words[best.relation]}, strength {best.strength:g}"


@dataclass(frozen=True)
class EvaluatedPolicy:
    """A candidate park's policy with its eligibility worked out."""

    evidence: PolicyEvidence
    policy: Policy
    outcomes: tuple[RuleOutcome, ...]
    wanted: bool

    @property
    def eligible(self) -> bool:
        return all(outcome.met for outcome in self.outcomes)

    @property
    def amount(self) -> float:
        amount = self.policy.amount_cny
        return amount if amount is not None else NOMINAL_BENEFIT_CNY


@dataclass(frozen=True)
class Scored:
    """A candidate's score, its parts (name, value, weight, explanation) and policies."""

    evidence: ParkEvidence
    score: float
    parts: tuple[tuple[str, float, float, str], ...]
    policies: tuple[EvaluatedPolicy, ...]


class Scorer:
    """Scores candidates for one request; a policy shared by many parks (a city's) is
    validated and evaluated once."""

    def __init__(self, request: LandingRequest) -> None:
        self.request = request
        self._rules: dict[str, tuple[Policy, tuple[RuleOutcome, ...]]] = {}

    def _evaluate(self, evidence: PolicyEvidence) -> EvaluatedPolicy:
        found = self._rules.get(evidence.policy.id)
        if found is None:
            policy = Policy.model_validate(evidence.policy.properties)
            found = self._rules[policy.id] = (
                policy, tuple(evaluate(policy.eligibility, self.request.profile)))
        policy, outcomes = found
        wanted = not self.request.benefit_kinds or policy.benefit_kind in \
            self.request.benefit_kinds
        return EvaluatedPolicy(evidence, policy, outcomes, wanted)

    def score(self, evidence: ParkEvidence) -> Scored:
        request, weights = self.request, self.request.weights
        props = evidence.park.properties
        policies = tuple(self._evaluate(p) for p in evidence.policies)
        eligible = [p for p in policies if p.eligible]
        rent = float(props["rent_cny_m2_month"])
        area = float(props["available_area_m2"])
        minutes = evidence.rail.minutes
        reference_rent = request.max_rent_cny_m2_month or DEFAULT_REFERENCE_RENT
        reference_minutes = request.max_rail_minutes or DEFAULT_REFERENCE_MINUTES
        estimate = " (estimate)" if "rent_cny_m2_month" in props.get("estimated", []) else ""
        parts = [
            ("industry_fit", *_industry_part(evidence), weights.industry_fit),
            ("policy_value", *_policy_part(eligible, bool(request.benefit_kinds)),
             weights.policy_value),
            ("cost", max(0.0, 1 - rent / max(reference_rent, 1e-9) / 2),
             f"rent {rent:g} CNY/m²/month{estimate}", weights.cost),
            ("travel", max(0.0, 1 - minutes / max(reference_minutes, 1)),
             f"{minutes} rail minutes from the origin", weights.travel),
            ("space", 1.0 if request.area_m2 == 0 else min(1.0, area / (request.area_m2 * 3)),
             f"{area:,.0f} m² available for {request.area_m2:,.0f} m² needed", weights.space),
            ("contacts", *_contacts_part(evidence), weights.contacts),
            ("track_record", *_track_part(evidence), weights.track_record),
        ]
        rounded = tuple((name, round(value, 6), weight, text)
                        for name, value, text, weight in parts)
        total_weight = sum(weight for _, _, weight, _ in rounded)
        score = round(sum(value * weight for _, value, weight, _ in rounded) / total_weight, 6)
        return Scored(evidence, score, rounded, policies)


def _policy_part(eligible: list[EvaluatedPolicy], wanted_kinds: bool) -> tuple[float, str]:
    value = sum(p.amount * (1.0 if p.wanted else UNWANTED_BENEFIT_SHARE) for p in eligible)
    total = sum(p.amount for p in eligible)
    text = f"{len(eligible)} eligible policies worth up to {total:,.0f} CNY"
    if wanted_kinds:
        text += f" ({sum(1 for p in eligible if p.wanted)} of the wanted kinds)"
    return _saturate(value, POLICY_VALUE_HALF), text


def _contacts_part(evidence: ParkEvidence) -> tuple[float, str]:
    brokers, others = evidence.broker_total, evidence.professional_total
    value = 0.6 * _saturate(brokers, 2) + 0.4 * _saturate(others, 3)
    return value, f"{brokers} brokers of the industry, {others} professionals nearby"


def _track_part(evidence: ParkEvidence) -> tuple[float, str]:
    stages = dict(evidence.track_record.referral_stages)
    landed = stages.get(ReferralStage.LANDED.value, 0)
    related = len(evidence.track_record.related_landings)
    value = _saturate(related + landed, 2)
    return value, f"{related} companies of the industry landed here; {landed} referrals landed"


def rank(candidates: list[ParkEvidence], request: LandingRequest) -> list[Scored]:
    """Best score first; ties go to the park id, so equal requests give equal answers."""
    scorer = Scorer(request)
    return sorted((scorer.score(c) for c in candidates),
                  key=lambda s: (-s.score, s.evidence.park.id))


# --------------------------------------------------------------------------- assembly


def _policy_match(item: EvaluatedPolicy, names: NameBook) -> PolicyMatch:
    policy = item.policy
    return PolicyMatch(
        id=policy.id, name_zh=policy.name_zh, name_en=policy.name_en, issuer=policy.issuer,
        benefit_kind=policy.benefit_kind, amount_cny=policy.amount_cny,
        amount_note=policy.amount_note, valid_to=policy.valid_to,
        offered_in=item.evidence.offered_in, wanted=item.wanted, eligible=item.eligible,
        met=[o.reason for o in item.outcomes if o.met],
        missing=[o.reason for o in item.outcomes if not o.met],
        rules=[RuleCheck(field=o.rule.field, op=o.rule.op, value=o.rule.value,
                         actual=o.actual, met=o.met) for o in item.outcomes],
        path=names.path(item.evidence.path),
    )


def _contact(evidence: ContactEvidence, names: NameBook, reveal_contacts: bool) -> Contact:
    return Contact(person=person_out(evidence.person, reveal_contacts=reveal_contacts),
                   kind=evidence.kind, via=evidence.via,
                   expert_in=list(evidence.expert_in), skills=list(evidence.skills),
                   path=names.path(evidence.path))


def _evidence_paths(evidence: ParkEvidence) -> list[GraphPath]:
    return [evidence.rail.path, *(m.path for m in evidence.industries),
            *(p.path for p in evidence.policies), *(c.path for c in evidence.contacts)]


def _park_result(position: int, scored: Scored, names: NameBook, *,
                 reveal_contacts: bool) -> ParkResult:
    """The full, explained answer for one ranked park."""
    evidence = scored.evidence
    props = evidence.park.properties
    policies = [_policy_match(p, names) for p in scored.policies]
    eligible = [p for p in policies if p.eligible]
    contacts = [_contact(c, names, reveal_contacts) for c in evidence.contacts]
    paths = {
        "industry_fit": [names.path(m.path) for m in evidence.industries],
        "policy_value": [p.path for p in eligible],
        "travel": [names.path(evidence.rail.path)],
        "contacts": [c.path for c in contacts],
    }
    parts = [ScorePart(name=name, value=value, weight=weight, explanation=text,
                       paths=paths.get(name, []))
             for name, value, weight, text in scored.parts]
    summary = ParkSummary(
        park=node_ref(evidence.park), city=node_ref(evidence.city),
        rent_cny_m2_month=float(props["rent_cny_m2_month"]),
        available_area_m2=float(props["available_area_m2"]),
        facility_types=list(props["facility_types"]), estimated=list(props.get("estimated", [])),
    )
    return ParkResult(
        rank=position, score=scored.score, summary=summary, parts=parts,
        rail_minutes=evidence.rail.minutes, rail_km=evidence.rail.km,
        rail_path=names.path(evidence.rail.path),
        industries=[IndustryFit(industry=m.industry, relation=m.relation, strength=m.strength,
                                hops=m.hops, path=names.path(m.path))
                    for m in evidence.industries],
        eligible_policies=eligible,
        near_miss_policies=[p for p in policies if not p.eligible],
        policy_total_cny=sum(p.amount for p in scored.policies if p.eligible),
        contacts=contacts,
        contacts_total=evidence.broker_total + evidence.professional_total,
        brokers_total=evidence.broker_total, professionals_total=evidence.professional_total,
        related_landings=list(evidence.track_record.related_landings),
        referral_stages=dict(evidence.track_record.referral_stages),
    )


def explain(store: GraphStore, ranked: list[tuple[int, Scored]], *,
            reveal_contacts: bool) -> list[ParkResult]:
    """Full results for the chosen (rank, candidate) pairs; the names of all their paths
    come in one lookup, and only the parks shown are assembled."""
    names = NameBook(store, [path for _, s in ranked for path in _evidence_paths(s.evidence)])
    return [_park_result(position, scored, names, reveal_contacts=reveal_contacts)
            for position, scored in ranked]


RELAXABLE: dict[str, dict[str, object]] = {
    "facility_types": {"facility_types": ()},
    "max_rent_cny_m2_month": {"max_rent_cny_m2_month": None},
    "area_m2": {"min_area_m2": 0.0},
    "max_rail_minutes": {"max_rail_minutes": None},
}
"""Hard constraints a user may drop, and how dropping each changes the store filter."""


def _explain_empty(store: GraphStore, query: LandingFilter, request: LandingRequest
                   ) -> tuple[str, list[Relaxation]]:
    given = {
        "facility_types": bool(request.facility_types),
        "max_rent_cny_m2_month": request.max_rent_cny_m2_month is not None,
        "area_m2": request.area_m2 > 0,
        "max_rail_minutes": request.max_rail_minutes is not None,
    }
    relaxations = []
    for name, change in RELAXABLE.items():
        if given[name]:
            count = len(store.landing_candidates(replace(query, **change)))  # type: ignore[arg-type]
            relaxations.append(Relaxation(constraint=name, parks=count))
    helpful = [r for r in relaxations if r.parks > 0]
    if helpful:
        names = ", ".join(f"{r.constraint} ({r.parks} parks without it)" for r in helpful)
        return f"no park meets every constraint; the list was emptied by {names}", relaxations
    if relaxations:
        return ("no park hosts this industry (or a related one) within reach, "
                "even with any single constraint dropped"), relaxations
    return "no park hosts this industry or a related one within reach", relaxations


def _validate(request: LandingRequest) -> None:
    if request.profile.founded_year and request.profile.founded_year > request.as_of.year:
        msg = f"founded_year {request.profile.founded_year} is after as_of {request.as_of}"
        raise Invalid(msg, field="profile.founded_year")


def search(store: GraphStore, request: LandingRequest, *,
           reveal_contacts: bool = False) -> LandingResult:
    """Ranked parks for the request, best first, with explanations."""
    _validate(request)
    query = request.to_filter()
    candidates = store.landing_candidates(query)
    if not candidates:
        reason, relaxations = _explain_empty(store, query, request)
        return LandingResult(parks=[], candidates=0, empty_reason=reason,
                             relaxations=relaxations)
    ranked = rank(candidates, request)[: request.top_k]
    parks = explain(store, list(enumerate(ranked, start=1)), reveal_contacts=reveal_contacts)
    return LandingResult(parks=parks, candidates=len(candidates))
