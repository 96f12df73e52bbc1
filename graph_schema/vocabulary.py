"""Every name the graph uses: labels, relationship types and the closed value sets.

The rest of the code spells a label or a relationship type only through these enums,
so a rename is one edit here and a grep finds every use.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """Primary node labels. Each has exactly one pydantic model in `graph_schema.nodes`."""

    CITY = "City"
    PARK = "Park"
    INDUSTRY = "Industry"
    POLICY = "Policy"
    PERSON = "Person"
    SKILL = "Skill"
    ORGANIZATION = "Organization"
    COMPANY = "Company"
    REFERRAL = "Referral"


class Role(StrEnum):
    """Extra labels a Person carries (a person may hold several roles)."""

    BROKER = "Broker"
    LAWYER = "Lawyer"
    ACCOUNTANT = "Accountant"
    PATENT_AGENT = "PatentAgent"
    INVESTOR = "Investor"
    PARK_CONTACT = "ParkContact"
    CONSULTANT = "Consultant"


class RelType(StrEnum):
    """Relationship types; `graph_schema.relationships` says which labels each joins."""

    IN_CITY = "IN_CITY"
    HSR_LINK = "HSR_LINK"
    HOSTS = "HOSTS"
    SUBFIELD_OF = "SUBFIELD_OF"
    OFFERED_IN = "OFFERED_IN"
    TARGETS = "TARGETS"
    COVERS = "COVERS"
    EXPERT_IN = "EXPERT_IN"
    HAS_SKILL = "HAS_SKILL"
    WORKS_AT = "WORKS_AT"
    COLLABORATED_WITH = "COLLABORATED_WITH"
    BASED_IN = "BASED_IN"
    IN_INDUSTRY = "IN_INDUSTRY"
    LANDED_IN = "LANDED_IN"
    REFERS = "REFERS"
    REFERRED_TO = "REFERRED_TO"
    REFERRED_BY = "REFERRED_BY"
    NOT_STACKABLE_WITH = "NOT_STACKABLE_WITH"


class TieKind(StrEnum):
    """What a COLLABORATED_WITH edge records: a deal worked together, or a client or
    case one person passed to the other."""

    DEAL = "deal"
    REFERRAL = "referral"


class FacilityType(StrEnum):
    """Kinds of space a park can offer and a company can need."""

    GMP_CLEANROOM = "gmp_cleanroom"
    CLEANROOM = "cleanroom"
    STANDARD_FACTORY = "standard_factory"
    RD_LAB = "rd_lab"
    WET_LAB = "wet_lab"
    OFFICE = "office"
    HEAVY_INDUSTRIAL_LAND = "heavy_industrial_land"
    WAREHOUSE = "warehouse"
    INCUBATOR = "incubator"
    TEST_FIELD = "test_field"


class BenefitKind(StrEnum):
    """What a policy gives."""

    CERTIFICATION_REWARD = "certification_reward"
    RENT_SUBSIDY = "rent_subsidy"
    EQUIPMENT_SUBSIDY = "equipment_subsidy"
    TALENT_PROGRAMME = "talent_programme"
    TAX = "tax"
    BROKER_REWARD = "broker_reward"
    TECH_TRANSFER_REWARD = "tech_transfer_reward"
    RD_SUBSIDY = "rd_subsidy"
    LOAN_INTEREST_SUBSIDY = "loan_interest_subsidy"
    FINANCING = "financing"


class Beneficiary(StrEnum):
    """Who may apply for a policy and receives its money (申报主体)."""

    COMPANY = "company"
    FOUNDING_TEAM = "founding_team"
    """A person of the company: founder, leading talent, young talent (人才计划)."""
    BROKER = "broker"
    """An individual technology manager (技术经理人)."""
    TECH_TRANSFER_AGENCY = "tech_transfer_agency"
    """A technology-transfer service organisation (技术转移服务机构)."""
    PARK_OPERATOR = "park_operator"
    INVESTOR = "investor"


class PolicyLevel(StrEnum):
    """The level of government or body that issues a policy, widest first."""

    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    PARK = "park"


class PaymentShape(StrEnum):
    """How a policy's money is computed and paid over time.

    `one_off`: `amount_cny` once. `per_year`: `amount_cny` a year for `years` years.
    `per_head`: `amount_cny` per person employed, a year, for `years` years. `rate`:
    `rate_pct` % of `rate_base`, a year for `years` years when the base recurs (rent,
    interest), else once. `cap_cny` bounds the whole payment.
    """

    ONE_OFF = "one_off"
    PER_YEAR = "per_year"
    PER_HEAD = "per_head"
    RATE = "rate"


class RateBase(StrEnum):
    """What a rate-shaped policy is a percentage of."""

    RENT = "rent"
    """The rent of the space the company takes (area × rent, per year)."""
    EQUIPMENT_CAPEX = "equipment_capex"
    """Planned spending on production equipment and fit-out (once)."""
    RD_EXPENSE = "rd_expense"
    LOAN_INTEREST = "loan_interest"
    TAXABLE_INCOME = "taxable_income"
    CONTRACT_VALUE = "contract_value"
    """The value of a technology contract (transfer, licence, brokered deal)."""
    INVESTMENT_RAISED = "investment_raised"


RECURRING_BASES: frozenset[RateBase] = frozenset({
    RateBase.RENT, RateBase.RD_EXPENSE, RateBase.LOAN_INTEREST, RateBase.TAXABLE_INCOME,
})
"""Bases that recur every year, so a rate on them is paid a year for `years` years."""


class MoneyKind(StrEnum):
    """What kind of money a policy gives; kinds are never added to one another."""

    GRANT = "grant"
    """Cash the company keeps: rewards, subsidies (补贴, 奖励)."""
    TAX_RELIEF = "tax_relief"
    """Tax the company does not pay; depends on its taxable base."""
    FINANCING = "financing"
    """Investment, loans or guarantees: money that is repaid or buys equity, not a grant."""


class CompanyStage(StrEnum):
    """Company stages in order of maturity (the order matters for eligibility rules)."""

    IDEA = "idea"
    SEED = "seed"
    ANGEL = "angel"
    SERIES_A = "series_a"
    SERIES_B = "series_b"
    GROWTH = "growth"
    MATURE = "mature"

    @property
    def rank(self) -> int:
        """Position in the maturity order, so rules can say "at least series A"."""
        return list(CompanyStage).index(self)


class CertificationLevel(StrEnum):
    """技术经理人 certification levels (初级 / 中级 / 高级)."""

    JUNIOR = "junior"
    INTERMEDIATE = "intermediate"
    SENIOR = "senior"

    @property
    def rank(self) -> int:
        """Position in the order junior < intermediate < senior."""
        return list(CertificationLevel).index(self)


class SkillCategory(StrEnum):
    """Families of skills; collaborator search often asks for one family."""

    TECHNOLOGY = "technology"
    LEGAL = "legal"
    IP = "ip"
    FINANCE = "finance"
    ACCOUNTING = "accounting"
    TAX = "tax"
    TRANSFER = "transfer"
    LANDING = "landing"


class OrganizationKind(StrEnum):
    """What kind of body an organization is."""

    LAW_FIRM = "law_firm"
    ACCOUNTING_FIRM = "accounting_firm"
    IP_AGENCY = "ip_agency"
    TECH_TRANSFER_CENTER = "tech_transfer_center"
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research_institute"
    ASSOCIATION = "association"
    INVESTOR = "investor"
    PARK_OPERATOR = "park_operator"
    CONSULTANCY = "consultancy"
    GOVERNMENT = "government"


class ReferralStage(StrEnum):
    """The referral funnel, in order; `dropped` ends a referral at any stage."""

    PROPOSED = "proposed"
    FIRST_MEETING = "first_meeting"
    SECOND_MEETING = "second_meeting"
    SIGNED = "signed"
    LANDED = "landed"
    DROPPED = "dropped"


FUNNEL_ORDER: tuple[ReferralStage, ...] = (
    ReferralStage.PROPOSED,
    ReferralStage.FIRST_MEETING,
    ReferralStage.SECOND_MEETING,
    ReferralStage.SIGNED,
    ReferralStage.LANDED,
)


class ProfileField(StrEnum):
    """Company facts that policy eligibility rules can test."""

    HIGH_TECH_CERTIFIED = "high_tech_certified"
    STAGE = "stage"
    FOUNDED_YEAR = "founded_year"
    HEADCOUNT = "headcount"
    ANNUAL_REVENUE_CNY = "annual_revenue_cny"
    FOUNDER_EQUITY_PCT = "founder_equity_pct"
    FOUNDER_CASH_CNY = "founder_cash_cny"
    RD_STAFF_PCT = "rd_staff_pct"


class RuleOp(StrEnum):
    """Comparison operators of an eligibility rule."""

    EQ = "eq"
    GTE = "gte"
    LTE = "lte"
    IN = "in"
