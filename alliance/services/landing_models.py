"""The landing question and its answer, as HTTP, the CLI and the console see them.

Every money figure says what it is: `*_cny` sums are over the request's horizon, for the
company unless the field says otherwise, and each comes with its arithmetic.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from alliance.services.collaborators import Collaborator
from alliance.services.elimination import Elimination, WhyNot
from alliance.services.explain import NodeRef, PathOut, PersonOut
from alliance.services.gaps import Closability
from alliance.services.net_cost import NetCost
from alliance.services.policy_counting import Status
from alliance.store.base import IndustryRelation, LandingFilter
from graph_schema.nodes import CompanyProfile
from graph_schema.vocabulary import (
    Beneficiary,
    BenefitKind,
    FacilityType,
    MoneyKind,
    PaymentShape,
    PolicyLevel,
    ProfileField,
    RateBase,
    RuleOp,
)

MAX_CNY = 1e13
"""Largest sum a request may state (ten trillion CNY), so arithmetic stays finite."""

POLICIES_PER_LIST = 20
"""Policy matches a park's answer lists per list by default. A park carries its own and
its city's policies -- at most 18 in the seed set, but hundreds in a large corridor's
cities, where listing them all made the answer (and its cost) grow with the city, not
with the question."""


class LandingWeights(BaseModel):
    """Weights of the score parts (relative; they need not sum to 1).

    industry_fit 0.25 (direct 1.0, subfield 0.9 per hop, broader 0.6 per hop, × hosting
    strength); net_cost 0.35 (1 at a net cost of 0 CNY/m²/month, 0.5 at the reference
    rent, 0 at twice it); travel 0.15; space 0.10; contacts 0.10; track_record 0.05.
    """

    model_config = ConfigDict(extra="forbid")

    industry_fit: Annotated[float, Field(ge=0, le=1000)] = 0.25
    net_cost: Annotated[float, Field(ge=0, le=1000)] = 0.35
    travel: Annotated[float, Field(ge=0, le=1000)] = 0.15
    space: Annotated[float, Field(ge=0, le=1000)] = 0.10
    contacts: Annotated[float, Field(ge=0, le=1000)] = 0.10
    track_record: Annotated[float, Field(ge=0, le=1000)] = 0.05

    @model_validator(mode="after")
    def _some_weight(self) -> LandingWeights:
        if sum(self.model_dump().values()) <= 0:
            msg = "at least one weight must be positive"
            raise ValueError(msg)
        return self


class LandingRequest(BaseModel):
    """A company's landing need, its profile for eligibility, its figures for the money,
    and how to rank."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "origin_city": "city:shanghai", "industry": "industry:medical-devices",
        "area_m2": 1000, "facility_types": ["gmp_cleanroom"], "max_rail_minutes": 45,
        "benefit_kinds": ["rent_subsidy", "equipment_subsidy"], "horizon_years": 3,
        "planned_capex_cny": 5000000, "headcount": 25,
        "profile": {"stage": "angel", "founded_year": 2021}, "policies_per_list": 20,
    }]})

    origin_city: str = Field(default="city:shanghai", description="City id the company is in.")
    industry: str = Field(description="Industry id at any level of the taxonomy.")
    area_m2: Annotated[float, Field(ge=0, le=10_000_000)] = 0.0
    facility_types: list[FacilityType] = Field(default_factory=list)
    max_rent_cny_m2_month: Annotated[float, Field(ge=0, le=1e6)] | None = None
    max_rail_minutes: Annotated[int, Field(ge=0, le=1440)] | None = None
    benefit_kinds: list[BenefitKind] = Field(
        default_factory=list, description="Benefit kinds the company wants; listed first.")
    profile: CompanyProfile = Field(default_factory=CompanyProfile)
    horizon_years: Annotated[int, Field(ge=1, le=10)] = Field(
        default=3, description="Years the net cost and the benefits are counted over.")
    planned_capex_cny: Annotated[float, Field(ge=0, le=MAX_CNY)] | None = Field(
        default=None, description="Planned equipment and fit-out spending, CNY; without "
        "it, equipment subsidies are listed as 'depends on', never guessed.")
    headcount: Annotated[int, Field(ge=0, le=10_000_000)] | None = Field(
        default=None, description="People employed at the new site; per-person benefits "
        "use it, and eligibility too when profile.headcount is not given.")
    as_of: date = Field(default_factory=date.today, description="Policies valid on this day.")
    top_k: Annotated[int, Field(ge=1, le=100)] = 10
    weights: LandingWeights = Field(default_factory=LandingWeights)
    broader_last: bool = Field(
        default=True, description="Parks that fit only through a broader field rank after "
        "every park hosting the industry itself or a subfield.")
    why_not: str | None = Field(default=None, description="A park id: say which hard "
                                "constraints it fails and by how much.")
    asker: str | None = Field(default=None, description="Person id of the broker asking; "
                              "gap-closer helpers then come with trust paths.")
    policies_per_list: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        default=POLICIES_PER_LIST, description="Policy matches listed per list of a park "
        "(eligible, near misses, founding team, broker side): those worth the most, in "
        "the list's order; `eligible_count` etc. say how many each list holds, and every "
        "total counts them all. null lists every match. "
        "每个政策列表最多列出的条数（null 为全部）。")

    def eligibility_profile(self) -> CompanyProfile:
        """The profile rules test: the request's headcount fills an unknown one."""
        if self.profile.headcount is None and self.headcount is not None:
            return self.profile.model_copy(update={"headcount": self.headcount})
        return self.profile

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


class GapOut(BaseModel):
    """One failed rule of a near miss: can it be closed, how long, by doing what."""

    field: ProfileField
    closability: Closability
    typical_months: int | None
    action: str
    requirement: str


class PolicyMatch(BaseModel):
    """A valid policy offered here: who it pays, what it is worth over the horizon and
    whether that counts (`status`), eligibility rule by rule, and for a near miss its gaps.
    """

    id: str
    name_zh: str
    name_en: str
    issuer: str
    beneficiary: Beneficiary
    level: PolicyLevel
    benefit_kind: BenefitKind
    money_kind: MoneyKind
    payment: PaymentShape
    amount_cny: float | None = Field(description="The policy's own figure (see payment).")
    rate_pct: float | None
    rate_base: RateBase | None
    years: int | None
    cap_cny: float | None
    amount_note: str
    exclusive_group: str | None
    tier: int | None
    not_stackable_with: list[str]
    valid_to: date | None
    apply_from: date | None
    apply_until: date | None
    source: str
    source_url: str | None
    last_verified: date | None
    stale: bool = Field(description="Past the policy horizon (90 days by default) on as_of.")
    offered_in: str
    wanted: bool
    eligible: bool
    value_cny: float | None = Field(description="Worth over the horizon to its "
                                    "beneficiary; null = depends on a figure not given.")
    arithmetic: str
    depends_on: list[str]
    status: Status
    status_reason: str
    met: list[str]
    missing: list[str]
    rules: list[RuleCheck]
    gaps: list[GapOut]
    path: PathOut

    @model_serializer(mode="wrap")
    def _once(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        """With a book (dict) in the context under POLICIES_CONTEXT, the compact form:
        the policy's first match goes in the book and is written as its id; a later
        one as its id and the fields that differ from the first (usually the path)."""
        book = info.context.get(POLICIES_CONTEXT) if info.context else None
        if book is None:
            return handler(self)
        first = book.setdefault(self.id, self)
        if first is self:
            return {"id": self.id}
        mine = self.__dict__
        return {"id": self.id, **{name: mine[name] for name in _differing(first, self)}}


DIFFERING_LIMIT = 1 << 13
"""Pairs of matches whose differing fields are kept, at most (then it starts over)."""

DIFFERING: dict[tuple[int, int], tuple[PolicyMatch, PolicyMatch, tuple[str, ...]]] = {}
"""The fields in which a match differs from its policy's first, by the pair (`_differing`)."""


def _differing(first: PolicyMatch, match: PolicyMatch) -> tuple[str, ...]:
    """The fields in which `match` differs from `first`, kept by the pair's identity (held,
    so their ids are not others' meanwhile): the shown parks' matches are kept across
    questions (`landing.SHOWN`), so the same pairs meet in answer after answer."""
    found = DIFFERING.get((id(first), id(match)))
    if found is not None and found[0] is first and found[1] is match:
        return found[2]
    # a park's match is a copy of a kept one (`landing.MATCHES`), so most fields are the
    # very objects of the first: `is` settles them before `!=` is asked
    theirs = first.__dict__
    names = tuple(name for name, value in match.__dict__.items()
                  if value is not (other := theirs[name]) and value != other)
    if len(DIFFERING) >= DIFFERING_LIMIT:
        DIFFERING.clear()
    DIFFERING[(id(first), id(match))] = (first, match, names)
    return names


POLICIES_CONTEXT = "policies"
"""Serialization context key of the book (policy id → its first PolicyMatch) compact
answers fill (`alliance.api.compact`)."""


class Contact(BaseModel):
    """Someone who can help: a broker of the industry, or a professional nearby."""

    person: PersonOut
    kind: str = Field(description="'broker' or 'professional'.")
    via: str
    expert_in: list[str]
    skills: list[tuple[str, int]]
    stale: bool = Field(description="Past the person horizon (365 days by default) on as_of.")
    path: PathOut


class GapSummary(BaseModel):
    """One kind of gap across a park's near misses, what closing it unlocks, who helps."""

    field: ProfileField
    closability: Closability
    typical_months: int | None
    action: str
    policies: list[str] = Field(description="Near misses that fail on this fact.")
    unlock_cny: float | None = Field(description="Company money (grants and tax relief "
                                     "over the horizon) closing this gap alone adds; null "
                                     "when it cannot be closed or the fact is unknown.")
    helpers: list[Collaborator] = Field(description="People with a matching skill, ranked "
                                        "as in collaborator search.")


class GapCloser(BaseModel):
    """Near misses' gaps for one park, and what closing every closable gap unlocks."""

    gaps: list[GapSummary]
    unlock_cny: float = Field(description="Company money closing every closable gap adds "
                              "(groups and no-stacking respected).")
    text: str


class Freshness(BaseModel):
    """How old the park's own facts are on the request's as_of."""

    stale: bool = Field(description="Older than the park horizon (180 days by default).")
    age_days: int | None
    checked_on: date | None = Field(description="last_verified, else as_of.")
    horizon_days: int
    weight: float = Field(description="Factor on the score: 1 while fresh, horizon ÷ age "
                          "past it, never below 0.5.")


class ParkSummary(BaseModel):
    park: NodeRef
    city: NodeRef
    rent_cny_m2_month: float
    available_area_m2: float
    facility_types: list[str]
    estimated: list[str]


class ParkResult(BaseModel):
    """One ranked park with its score parts, its money and the evidence behind them."""

    rank: int
    score: float = Field(description="Weighted mean of the parts × freshness.weight.")
    summary: ParkSummary
    freshness: Freshness
    parts: list[ScorePart]
    rail_minutes: int
    rail_km: float
    rail_path: PathOut
    industry_fit: Literal["direct", "subfield", "broader"] = Field(
        description="The best industry match: the industry itself, a subfield, or only a "
        "broader field.")
    industries: list[IndustryFit]
    eligible_policies: list[PolicyMatch] = Field(description="Company items it is "
                                                 "eligible for (see each status).")
    near_miss_policies: list[PolicyMatch] = Field(description="Company items it misses, "
                                                  "with gaps.")
    founding_team_policies: list[PolicyMatch] = Field(
        description="For the founding team (talent programmes): paid to people, not to the "
        "company; never in the company's totals.")
    broker_side: list[PolicyMatch] = Field(description="Rewards for the broker or transfer "
                                           "agency landing the deal here.")
    policies_for_others: int = Field(description="Items for park operators or investors, "
                                     "left out of this answer.")
    eligible_count: int = Field(description="Matches eligible_policies holds in full: "
                                "each policy list shows at most the request's "
                                "policies_per_list, those worth the most; the totals, the net "
                                "cost and the gap-closer count every one.")
    near_miss_count: int = Field(description="Matches near_miss_policies holds in full.")
    founding_team_count: int = Field(description="Matches founding_team_policies holds in "
                                     "full.")
    broker_side_count: int = Field(description="Matches broker_side holds in full.")
    policy_total_cny: float = Field(description="Company grants + tax relief counted over "
                                    "the horizon (= net_cost.benefits_cny).")
    grant_total_cny: float
    tax_relief_total_cny: float
    financing_total_cny: float = Field(description="Investment or financing available, up "
                                       "to (not a grant, never in the totals above).")
    founding_team_total_cny: float
    net_cost: NetCost
    gap_closer: GapCloser
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
    """Ranked parks; how many parks each hard constraint eliminated; why not a named park."""

    parks: list[ParkResult]
    candidates: int = Field(description="Parks meeting every hard constraint.")
    horizon_years: int
    elimination: Elimination
    why_not: WhyNot | None = None
    empty_reason: str | None = None
    relaxations: list[Relaxation] = Field(default_factory=list)
