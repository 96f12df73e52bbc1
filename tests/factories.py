"""Small valid graph records for tests: one plain function per label and per relationship.

Every factory goes through graph_schema (the label's pydantic model, then
`validate_relationship`), so a record built here is exactly what an import would produce,
and a schema change breaks the factories loudly instead of the tests quietly.

- Ids: give the bare slug (`city("suzhou")` is `city:suzhou`) or the full id.
- Names: `name_zh` defaults to the slug, `name_en` to the slug in title case; pass real
  names when a test searches them.
- Any other model field can be passed by keyword and replaces the default.
- Relationship factories take the ends as NodeRecords or ids.

`corridor()` returns a tiny hand-made graph (six cities, three parks, an industry pair)
that path and search tests can reason about by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from graph_schema.nodes import NODE_MODELS
from graph_schema.records import NodeRecord, RelRecord, validate_node, validate_relationship
from graph_schema.vocabulary import (
    Beneficiary,
    BenefitKind,
    FacilityType,
    Label,
    OrganizationKind,
    PolicyLevel,
    ReferralStage,
    RelType,
    Role,
    SkillCategory,
)

SOURCE = "test"
AS_OF = date(2025, 1, 1)

Ref = NodeRecord | str
"""A relationship end: the node itself or its id."""


def node_id(label: Label, slug: str) -> str:
    """The full id of a slug (`park`, `suzhou-sip` -> `park:suzhou-sip`); full ids pass."""
    return slug if ":" in slug else f"{NODE_MODELS[label].ID_PREFIX}:{slug}"


def ref(end: Ref) -> str:
    """The id of a relationship end."""
    return end.id if isinstance(end, NodeRecord) else end


def node(label: Label, slug: str, *, name_zh: str | None = None, name_en: str | None = None,
         **fields: Any) -> NodeRecord:
    """Any node, validated by its label's model; the per-label factories fill defaults."""
    short = slug.partition(":")[2] or slug
    data: dict[str, Any] = {
        "id": node_id(label, slug),
        "name_zh": name_zh or short,
        "name_en": name_en or short.replace("-", " ").title(),
        "source": SOURCE,
        "as_of": AS_OF,
        **fields,
    }
    return validate_node(label, data)


# --------------------------------------------------------------------------- nodes


def city(slug: str = "suzhou", *, name_zh: str | None = None, name_en: str | None = None,
         **fields: Any) -> NodeRecord:
    defaults: dict[str, Any] = {"province": "江苏", "lat": 31.3, "lon": 120.6}
    return node(Label.CITY, slug, name_zh=name_zh, name_en=name_en, **{**defaults, **fields})


def park(slug: str = "demo-park", *, name_zh: str | None = None, name_en: str | None = None,
         **fields: Any) -> NodeRecord:
    defaults: dict[str, Any] = {
        "available_area_m2": 5000.0,
        "facility_types": [FacilityType.STANDARD_FACTORY],
        "rent_cny_m2_month": 45.0,
        "lat": 31.3,
        "lon": 120.6,
    }
    return node(Label.PARK, slug, name_zh=name_zh, name_en=name_en, **{**defaults, **fields})


def industry(slug: str = "biomedicine", *, name_zh: str | None = None,
             name_en: str | None = None, **fields: Any) -> NodeRecord:
    return node(Label.INDUSTRY, slug, name_zh=name_zh, name_en=name_en, **fields)


def policy(slug: str = "demo-policy", *, name_zh: str | None = None, name_en: str | None = None,
           **fields: Any) -> NodeRecord:
    defaults: dict[str, Any] = {
        "issuer": "test issuer",
        "benefit_kind": BenefitKind.RENT_SUBSIDY,
        "beneficiary": Beneficiary.COMPANY,
        "level": PolicyLevel.PARK,
        "valid_from": date(2024, 1, 1),
    }
    return node(Label.POLICY, slug, name_zh=name_zh, name_en=name_en, **{**defaults, **fields})


def person(slug: str = "demo-person", *, name_zh: str | None = None, name_en: str | None = None,
           roles: Sequence[Role] = (Role.BROKER,), **fields: Any) -> NodeRecord:
    return node(Label.PERSON, slug, name_zh=name_zh, name_en=name_en, roles=list(roles),
                **fields)


def skill(slug: str = "ip-law", *, name_zh: str | None = None, name_en: str | None = None,
          **fields: Any) -> NodeRecord:
    defaults: dict[str, Any] = {"category": SkillCategory.LEGAL}
    return node(Label.SKILL, slug, name_zh=name_zh, name_en=name_en, **{**defaults, **fields})


def organization(slug: str = "demo-firm", *, name_zh: str | None = None,
                 name_en: str | None = None, **fields: Any) -> NodeRecord:
    defaults: dict[str, Any] = {"kind": OrganizationKind.LAW_FIRM}
    return node(Label.ORGANIZATION, slug, name_zh=name_zh, name_en=name_en,
                **{**defaults, **fields})


def company(slug: str = "demo-startup", *, name_zh: str | None = None,
            name_en: str | None = None, **fields: Any) -> NodeRecord:
    return node(Label.COMPANY, slug, name_zh=name_zh, name_en=name_en, **fields)


def referral(slug: str = "demo-referral", *, name_zh: str | None = None,
             name_en: str | None = None, **fields: Any) -> NodeRecord:
    defaults: dict[str, Any] = {"stage": ReferralStage.PROPOSED, "proposed_on": date(2025, 1, 2)}
    return node(Label.REFERRAL, slug, name_zh=name_zh, name_en=name_en,
                **{**defaults, **fields})


# --------------------------------------------------------------------------- relationships


def rel(rel_type: RelType, source: Ref, target: Ref, **properties: Any) -> RelRecord:
    """Any relationship, validated against its declaration."""
    return validate_relationship(rel_type, ref(source), ref(target), properties)


def in_city(park_: Ref, city_: Ref) -> RelRecord:
    return rel(RelType.IN_CITY, park_, city_)


def hsr_link(a: Ref, b: Ref, *, minutes: int = 30, km: float = 80.0, line: str = "") -> RelRecord:
    return rel(RelType.HSR_LINK, a, b, minutes=minutes, km=km, line=line)


def hosts(park_: Ref, industry_: Ref, *, strength: float = 1.0) -> RelRecord:
    return rel(RelType.HOSTS, park_, industry_, strength=strength)


def subfield_of(child: Ref, parent: Ref) -> RelRecord:
    return rel(RelType.SUBFIELD_OF, child, parent)


def offered_in(policy_: Ref, place: Ref) -> RelRecord:
    return rel(RelType.OFFERED_IN, policy_, place)


def targets(policy_: Ref, industry_: Ref) -> RelRecord:
    return rel(RelType.TARGETS, policy_, industry_)


def covers(person_: Ref, place: Ref) -> RelRecord:
    return rel(RelType.COVERS, person_, place)


def expert_in(person_: Ref, industry_: Ref) -> RelRecord:
    return rel(RelType.EXPERT_IN, person_, industry_)


def has_skill(person_: Ref, skill_: Ref, *, level: int = 3) -> RelRecord:
    return rel(RelType.HAS_SKILL, person_, skill_, level=level)


def works_at(person_: Ref, organization_: Ref, *, title: str = "") -> RelRecord:
    return rel(RelType.WORKS_AT, person_, organization_, title=title)


def collaborated_with(a: Ref, b: Ref, *, deal: str = "deal-1", year: int = 2024,
                      **evidence: Any) -> RelRecord:
    """A deal (or, with kind="referral", a referral passed); stage and value_cny optional."""
    return rel(RelType.COLLABORATED_WITH, a, b, deal=deal, year=year, **evidence)


def based_in(who: Ref, city_: Ref) -> RelRecord:
    return rel(RelType.BASED_IN, who, city_)


def in_industry(company_: Ref, industry_: Ref) -> RelRecord:
    return rel(RelType.IN_INDUSTRY, company_, industry_)


def landed_in(company_: Ref, park_: Ref, *, year: int = 2024,
              area_m2: float | None = None) -> RelRecord:
    return rel(RelType.LANDED_IN, company_, park_, year=year, area_m2=area_m2)


def refers(referral_: Ref, company_: Ref) -> RelRecord:
    return rel(RelType.REFERS, referral_, company_)


def referred_to(referral_: Ref, park_: Ref) -> RelRecord:
    return rel(RelType.REFERRED_TO, referral_, park_)


def referred_by(referral_: Ref, broker: Ref) -> RelRecord:
    return rel(RelType.REFERRED_BY, referral_, broker)


# --------------------------------------------------------------------------- a tiny graph


def corridor() -> tuple[list[NodeRecord], list[RelRecord]]:
    """Six cities, three parks and two industries, small enough to know every path.

    HSR links (stored direction): taicang->shanghai, taicang->suzhou, shanghai->kunshan,
    kunshan->suzhou, suzhou->shanghai (the direct line), suzhou->wuxi, wuxi->nanjing;
    zhoushan has no link. Parks: suzhou-sip in Suzhou, kunshan-hitech in Kunshan,
    wuxi-hitech in Wuxi; suzhou-sip and wuxi-hitech host biomedicine, kunshan-hitech its
    subfield medical-devices. Taicang's links come first so insertion order is not id order.
    """
    cities = [
        city("taicang", name_zh="太仓", name_en="Taicang"),
        city("shanghai", name_zh="上海", name_en="Shanghai", province="上海"),
        city("kunshan", name_zh="昆山", name_en="Kunshan"),
        city("suzhou", name_zh="苏州", name_en="Suzhou"),
        city("wuxi", name_zh="无锡", name_en="Wuxi"),
        city("nanjing", name_zh="南京", name_en="Nanjing"),
        city("zhoushan", name_zh="舟山", name_en="Zhoushan", province="浙江"),
    ]
    parks = [
        park("suzhou-sip", name_zh="苏州工业园区", name_en="Suzhou Industrial Park",
             facility_types=[FacilityType.GMP_CLEANROOM, FacilityType.OFFICE],
             rent_cny_m2_month=60.0),
        park("kunshan-hitech", name_zh="昆山高新技术产业开发区",
             name_en="Kunshan Hi-tech Zone", rent_cny_m2_month=35.0),
        park("wuxi-hitech", name_zh="无锡高新区", name_en="Wuxi New District",
             facility_types=[FacilityType.CLEANROOM], rent_cny_m2_month=40.0),
    ]
    industries = [
        industry("biomedicine", name_zh="生物医药", name_en="Biomedicine"),
        industry("medical-devices", name_zh="医疗器械", name_en="Medical devices"),
    ]
    rels = [
        hsr_link("city:taicang", "city:shanghai", minutes=25, km=50.0),
        hsr_link("city:taicang", "city:suzhou", minutes=20, km=40.0),
        hsr_link("city:shanghai", "city:kunshan", minutes=18, km=50.0),
        hsr_link("city:kunshan", "city:suzhou", minutes=10, km=35.0),
        hsr_link("city:suzhou", "city:shanghai", minutes=25, km=85.0),
        hsr_link("city:suzhou", "city:wuxi", minutes=15, km=42.0),
        hsr_link("city:wuxi", "city:nanjing", minutes=60, km=180.0),
        in_city("park:suzhou-sip", "city:suzhou"),
        in_city("park:kunshan-hitech", "city:kunshan"),
        in_city("park:wuxi-hitech", "city:wuxi"),
        subfield_of("industry:medical-devices", "industry:biomedicine"),
        hosts("park:suzhou-sip", "industry:biomedicine"),
        hosts("park:wuxi-hitech", "industry:biomedicine", strength=0.5),
        hosts("park:kunshan-hitech", "industry:medical-devices"),
    ]
    return [*cities, *parks, *industries], rels
