"""One pydantic model per node label: the typed properties every node of that label has.

These models validate seed files, imports and API writes, and `graph_schema.ddl` /
`graph_schema.docs` read their class-level declarations (id prefix, indexed fields) to
produce the Neo4j DDL and docs/schema.md. Relationships live in
`graph_schema.relationships`, not here.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, Field, field_validator, model_validator
from pypinyin import lazy_pinyin

from graph_schema.values import Storable
from graph_schema.vocabulary import (
    RECURRING_BASES,
    Beneficiary,
    BenefitKind,
    CertificationLevel,
    CompanyStage,
    FacilityType,
    Label,
    MoneyKind,
    OrganizationKind,
    PaymentShape,
    PolicyLevel,
    ProfileField,
    RateBase,
    ReferralStage,
    Role,
    RuleOp,
    SkillCategory,
)

SLUG_PATTERN = re.compile(r"^[a-z]+:[a-z0-9][a-z0-9-]*$")
GROUP_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
URL_PATTERN = r"^https?://[^\s]+$"

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
NonNegative = Annotated[float, Field(ge=0)]
Year = Annotated[int, Field(ge=1900, le=2100)]


def pinyin_syllables(text: str) -> list[str]:
    """The lower-case pinyin syllables of the Chinese in `text` (other text is dropped)."""
    chunks = (chunk.strip().lower() for chunk in lazy_pinyin(text))
    return [chunk for chunk in chunks if chunk.isascii() and chunk.isalnum()]


def pinyin_tokens(syllables: list[str]) -> str:
    """Searchable pinyin: the whole name joined, syllable pairs, single syllables, then
    the initials (the way staff type a name fast: "szgx" for 苏州高新区).

    Syllable pairs mirror the bigrams the CJK analyzer makes of Chinese text, so "suzhou",
    "gongye" and "su" all find 苏州工业园区 without a word segmenter.
    """
    pairs = [a + b for a, b in zip(syllables, syllables[1:], strict=False)]
    initials = "".join(syllable[0] for syllable in syllables) if len(syllables) > 1 else ""
    tokens = ["".join(syllables), *pairs, *syllables, initials]
    return " ".join(dict.fromkeys(token for token in tokens if token))


def pinyin_of(text: str) -> str:
    """The name_pinyin of a Chinese name.

    >>> pinyin_of("苏州园区")
    'suzhouyuanqu suzhou zhouyuan yuanqu su zhou yuan qu szyq'
    """
    return pinyin_tokens(pinyin_syllables(text))


class NodeBase(Storable):
    """What every node has: a stable slug id, bilingual names and provenance."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False)

    LABEL: ClassVar[Label]
    ID_PREFIX: ClassVar[str]
    INDEXED: ClassVar[tuple[str, ...]] = ()
    """Properties with a range index in Neo4j (besides the unique id)."""

    id: str = Field(description="Stable slug, e.g. `park:suzhou-sip-biobay`.")
    name_zh: str = Field(min_length=1, description="Chinese name.")
    name_en: str = Field(min_length=1, description="English name.")
    name_pinyin: str = Field(default="", description="Pinyin of name_zh; derived when empty.")
    source: str = Field(min_length=1, description="Where the record comes from.")
    as_of: date = Field(description="Date the source describes.")
    last_verified: date | None = Field(
        default=None, description="Day a person last checked the record against its source "
                                  "(freshness; as_of when never checked).")
    estimated: list[str] = Field(
        default_factory=list, description="Names of properties whose values are estimates."
    )

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not SLUG_PATTERN.match(value) or not value.startswith(f"{cls.ID_PREFIX}:"):
            msg = f"id must look like '{cls.ID_PREFIX}:lowercase-slug', got {value!r}"
            raise ValueError(msg)
        return value

    @field_validator("estimated")
    @classmethod
    def _check_estimated(cls, value: list[str]) -> list[str]:
        unknown = set(value) - set(cls.model_fields)
        if unknown:
            msg = f"estimated names unknown properties: {sorted(unknown)}"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _fill_pinyin(self) -> NodeBase:
        if not self.name_pinyin:
            self.name_pinyin = pinyin_of(self.name_zh)
        return self

    def labels(self) -> frozenset[str]:
        """The node's labels in the graph: its primary label plus any role labels."""
        return frozenset({self.LABEL.value})

    def to_properties(self) -> dict[str, Any]:
        """Flat properties as both stores keep them (Neo4j allows no nested maps).

        Dates become ISO strings, enums their values, and lists of objects a JSON string.
        """
        props: dict[str, Any] = {}
        for key, value in self.model_dump(mode="json", exclude_none=True).items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            props[key] = value
        return props


class City(NodeBase):
    """A city on (or near) the corridor."""

    LABEL: ClassVar[Label] = Label.CITY
    ID_PREFIX: ClassVar[str] = "city"

    province: str = Field(min_length=1)
    lat: Latitude
    lon: Longitude


class Park(NodeBase):
    """An industrial park or zone a company can land in."""

    LABEL: ClassVar[Label] = Label.PARK
    ID_PREFIX: ClassVar[str] = "park"
    INDEXED: ClassVar[tuple[str, ...]] = ("rent_cny_m2_month", "available_area_m2")

    available_area_m2: NonNegative = Field(description="Space available now, m².")
    facility_types: list[FacilityType] = Field(min_length=1)
    rent_cny_m2_month: NonNegative = Field(description="Typical rent, CNY per m² per month.")
    lat: Latitude
    lon: Longitude
    established_year: Year | None = None
    area_km2: NonNegative | None = None
    description_en: str = ""


class Industry(NodeBase):
    """A node of the industry taxonomy (parents via SUBFIELD_OF)."""

    LABEL: ClassVar[Label] = Label.INDUSTRY
    ID_PREFIX: ClassVar[str] = "industry"


class EligibilityRule(Storable):
    """One condition a company must meet, e.g. `founded_year gte 2021`."""

    model_config = ConfigDict(extra="forbid")

    field: ProfileField
    op: RuleOp
    value: bool | int | float | str | list[str]

    @model_validator(mode="after")
    def _check_value_shape(self) -> EligibilityRule:
        if (self.op is RuleOp.IN) != isinstance(self.value, list):
            msg = "op 'in' takes a list value; other ops take a single value"
            raise ValueError(msg)
        if self.field is ProfileField.STAGE:
            values = self.value if isinstance(self.value, list) else [self.value]
            for value in values:
                CompanyStage(str(value))
        return self


MONEY_KIND_OF: dict[BenefitKind, MoneyKind] = {
    BenefitKind.FINANCING: MoneyKind.FINANCING,
    BenefitKind.TAX: MoneyKind.TAX_RELIEF,
}
"""The money kind a benefit kind implies (every other kind is a grant)."""


class Policy(NodeBase):
    """A support policy as it is written: who may apply (beneficiary), at which level, what
    it pays and how (payment shape, cap, money kind), when it is valid and open for
    application, which items are alternatives (exclusive group) — with eligibility rules
    as data. NOT_STACKABLE_WITH links say which policies may not be combined."""

    LABEL: ClassVar[Label] = Label.POLICY
    ID_PREFIX: ClassVar[str] = "policy"
    INDEXED: ClassVar[tuple[str, ...]] = ("benefit_kind", "valid_to", "beneficiary",
                                          "exclusive_group")

    issuer: str = Field(min_length=1)
    beneficiary: Beneficiary = Field(description="Who may apply and is paid (申报主体).")
    level: PolicyLevel = Field(description="Issuing level: national … park.")
    benefit_kind: BenefitKind
    money_kind: MoneyKind = Field(
        default=None, validate_default=False,  # type: ignore[assignment]
        description="grant, tax_relief or financing; derived from benefit_kind when empty.")
    payment: PaymentShape = Field(default=PaymentShape.ONE_OFF,
                                  description="How the amount is computed over time.")
    amount_cny: NonNegative | None = Field(
        default=None, description="one_off: the sum; per_year: a year; per_head: per person "
        "a year; null = not published (never counted). Null for rate.")
    rate_pct: Annotated[float, Field(gt=0, le=1000)] | None = Field(
        default=None, description="rate: percentage of rate_base.")
    rate_base: RateBase | None = Field(default=None, description="rate: what it is a share of.")
    years: Annotated[int, Field(ge=1, le=20)] | None = Field(
        default=None, description="Years paid (per_year, per_head, rate on a recurring base).")
    cap_cny: NonNegative | None = Field(default=None,
                                        description="Most the whole payment can reach.")
    cap_area_m2: NonNegative | None = Field(
        default=None, description="rate on rent: the largest area subsidised.")
    exclusive_group: str | None = Field(
        default=None, pattern=GROUP_PATTERN,
        description="Alternatives share a group: at most one item of a group is paid.")
    tier: Annotated[int, Field(ge=1, le=20)] | None = Field(
        default=None, description="Position within the exclusive group (1 = smallest).")
    amount_note: str = ""
    valid_from: date
    valid_to: date | None = Field(default=None, description="Last valid day; null = open.")
    apply_from: date | None = Field(default=None, description="Application window opens "
                                    "(申报期); null = open since valid_from.")
    apply_until: date | None = Field(default=None, description="Application window closes; "
                                     "null = open while valid.")
    source_url: str | None = Field(default=None, pattern=URL_PATTERN,
                                   description="Where the policy text can be read.")
    eligibility: list[EligibilityRule] = Field(default_factory=list)

    @field_validator("eligibility", mode="before")
    @classmethod
    def _decode_stored_rules(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_dates(self) -> Policy:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            msg = "valid_to is before valid_from"
            raise ValueError(msg)
        if (self.apply_from is not None and self.apply_until is not None
                and self.apply_until < self.apply_from):
            msg = "apply_until is before apply_from"
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _check_money(self) -> Policy:
        implied = MONEY_KIND_OF.get(self.benefit_kind, MoneyKind.GRANT)
        if self.money_kind is None:
            self.money_kind = implied
        elif (self.money_kind is MoneyKind.FINANCING) != (implied is MoneyKind.FINANCING):
            msg = "money_kind financing goes with benefit_kind financing, and only with it"
            raise ValueError(msg)
        if (self.exclusive_group is None) != (self.tier is None):
            msg = "exclusive_group and tier go together"
            raise ValueError(msg)
        if self.payment is PaymentShape.RATE:
            if self.rate_pct is None or self.rate_base is None or self.amount_cny is not None:
                msg = "payment rate needs rate_pct and rate_base and no amount_cny"
                raise ValueError(msg)
            if self.years is not None and self.rate_base not in RECURRING_BASES:
                msg = f"years only apply to a rate on a recurring base, not {self.rate_base}"
                raise ValueError(msg)
        elif self.rate_pct is not None or self.rate_base is not None:
            msg = "rate_pct and rate_base only go with payment rate"
            raise ValueError(msg)
        if self.payment in (PaymentShape.PER_YEAR, PaymentShape.PER_HEAD) and not self.years:
            msg = f"payment {self.payment.value} needs years"
            raise ValueError(msg)
        if self.payment is PaymentShape.ONE_OFF and self.years is not None:
            msg = "a one_off payment has no years"
            raise ValueError(msg)
        if self.cap_area_m2 is not None and self.rate_base is not RateBase.RENT:
            msg = "cap_area_m2 only goes with a rate on rent"
            raise ValueError(msg)
        return self


class Person(NodeBase):
    """A broker, lawyer, accountant, investor or park contact (roles are extra labels)."""

    LABEL: ClassVar[Label] = Label.PERSON
    ID_PREFIX: ClassVar[str] = "person"
    INDEXED: ClassVar[tuple[str, ...]] = ("certification_level",)
    CONTACT_FIELDS: ClassVar[tuple[str, ...]] = ("email", "phone", "wechat")
    """Personal contact data: shown only to staff keys or when public_contact is true."""

    roles: list[Role] = Field(min_length=1)
    certification_level: CertificationLevel | None = None
    languages: list[str] = Field(default_factory=lambda: ["zh"])
    bio_en: str = ""
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[a-z]+$")
    phone: str | None = None
    wechat: str | None = None
    public_contact: bool = Field(default=False, description="Opted in to public contact data.")

    def labels(self) -> frozenset[str]:
        return frozenset({self.LABEL.value, *(role.value for role in self.roles)})


class Skill(NodeBase):
    """A skill people hold at a level 1–5 (HAS_SKILL.level)."""

    LABEL: ClassVar[Label] = Label.SKILL
    ID_PREFIX: ClassVar[str] = "skill"
    INDEXED: ClassVar[tuple[str, ...]] = ("category",)

    category: SkillCategory
    core_for: list[Role] = Field(
        default_factory=list,
        description="Professional roles for which this is a core skill: the seed set "
                    "guarantees candidates for every such role × skill × major vertical × city.")


class Organization(NodeBase):
    """A firm, university, association, investor or tech-transfer centre."""

    LABEL: ClassVar[Label] = Label.ORGANIZATION
    ID_PREFIX: ClassVar[str] = "org"
    INDEXED: ClassVar[tuple[str, ...]] = ("kind",)

    kind: OrganizationKind


class CompanyProfile(Storable):
    """The facts eligibility rules test; a Company carries them, a landing request too."""

    model_config = ConfigDict(extra="forbid")

    high_tech_certified: bool = False
    stage: CompanyStage = CompanyStage.SEED
    founded_year: Year | None = None
    headcount: Annotated[int, Field(ge=0)] | None = None
    annual_revenue_cny: NonNegative | None = None
    founder_equity_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    founder_cash_cny: NonNegative | None = None
    rd_staff_pct: Annotated[float, Field(ge=0, le=100)] | None = None


class LandingNeed(Storable):
    """What a company looking for production space asks for."""

    model_config = ConfigDict(extra="forbid")

    area_m2: NonNegative
    facility_types: list[FacilityType] = Field(default_factory=list)
    max_rent_cny_m2_month: NonNegative | None = None
    max_rail_minutes: Annotated[int, Field(ge=0)] | None = None
    benefit_kinds: list[BenefitKind] = Field(default_factory=list)


class Company(NodeBase, CompanyProfile):
    """A company: a Shanghai startup with a landing need, or an established corridor firm."""

    LABEL: ClassVar[Label] = Label.COMPANY
    ID_PREFIX: ClassVar[str] = "company"
    INDEXED: ClassVar[tuple[str, ...]] = ("stage", "credit_code")

    credit_code: str | None = Field(
        default=None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
        description="统一社会信用代码 (unified social credit code), 18 characters.")

    need_area_m2: NonNegative | None = None
    need_facility_types: list[FacilityType] = Field(default_factory=list)
    need_max_rent_cny_m2_month: NonNegative | None = None
    need_max_rail_minutes: Annotated[int, Field(ge=0)] | None = None
    need_benefit_kinds: list[BenefitKind] = Field(default_factory=list)

    def profile(self) -> CompanyProfile:
        """The eligibility facts alone."""
        return CompanyProfile.model_validate(
            {name: getattr(self, name) for name in CompanyProfile.model_fields}
        )

    def need(self) -> LandingNeed | None:
        """The landing need, when the company has one."""
        if self.need_area_m2 is None:
            return None
        return LandingNeed(
            area_m2=self.need_area_m2,
            facility_types=self.need_facility_types,
            max_rent_cny_m2_month=self.need_max_rent_cny_m2_month,
            max_rail_minutes=self.need_max_rail_minutes,
            benefit_kinds=self.need_benefit_kinds,
        )


class Referral(NodeBase):
    """One introduction of a company to a park by a broker, moving through the funnel."""

    LABEL: ClassVar[Label] = Label.REFERRAL
    ID_PREFIX: ClassVar[str] = "referral"
    INDEXED: ClassVar[tuple[str, ...]] = ("stage",)

    stage: ReferralStage
    proposed_on: date
    first_meeting_on: date | None = None
    second_meeting_on: date | None = None
    signed_on: date | None = None
    landed_on: date | None = None
    dropped_on: date | None = None
    dropped_reason: str | None = None
    notes: list[Annotated[str, Field(min_length=1, max_length=2100)]] = Field(
        default_factory=list, max_length=500,
        description="Staff notes, oldest first, each 'YYYY-MM-DD author: text'.")
    follow_up_on: date | None = Field(default=None, description="Next follow-up date.")

    @model_validator(mode="after")
    def _check_funnel_dates(self) -> Referral:
        reached = {
            ReferralStage.FIRST_MEETING: self.first_meeting_on,
            ReferralStage.SECOND_MEETING: self.second_meeting_on,
            ReferralStage.SIGNED: self.signed_on,
            ReferralStage.LANDED: self.landed_on,
        }
        previous = self.proposed_on
        for stage, when in reached.items():
            if when is None:
                continue
            if when < previous:
                msg = f"{stage.value}_on is before the stage before it"
                raise ValueError(msg)
            previous = when
        if self.stage is ReferralStage.DROPPED:
            if self.dropped_on is None or not self.dropped_reason:
                msg = "a dropped referral needs dropped_on and dropped_reason"
                raise ValueError(msg)
        elif self.stage is not ReferralStage.PROPOSED and reached[self.stage] is None:
            msg = f"stage {self.stage.value} needs {self.stage.value}_on"
            raise ValueError(msg)
        return self


NODE_MODELS: dict[Label, type[NodeBase]] = {
    model.LABEL: model
    for model in (City, Park, Industry, Policy, Person, Skill, Organization, Company, Referral)
}
"""Every label and its model, in declaration order."""

LABEL_BY_PREFIX: dict[str, Label] = {model.ID_PREFIX: label for label, model in NODE_MODELS.items()}

FULLTEXT_FIELDS: tuple[str, ...] = ("name_zh", "name_en", "name_pinyin")
"""Properties covered by the full-text name index (all labels)."""


def label_of_id(node_id: str) -> Label | None:
    """The label an id's prefix names, or None for an unknown prefix."""
    prefix, _, _ = node_id.partition(":")
    return LABEL_BY_PREFIX.get(prefix)
