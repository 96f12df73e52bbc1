"""Relationship types: which labels each joins, its typed properties and its identity.

A relationship is identified by (type, source id, target id) plus its `key` properties,
so two COLLABORATED_WITH edges between the same people are two deals, while a second
HOSTS edge between a park and an industry replaces the first.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.nodes import Year
from graph_schema.values import Storable
from graph_schema.vocabulary import Label, ReferralStage, RelType, TieKind


class RelProvenance(Storable):
    """What every relationship may carry: a citation and the day a person last checked
    it (freshness: see `alliance.services.freshness`)."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(default=None, min_length=1,
                               description="Where the fact comes from (a citation).")
    last_verified: date | None = Field(default=None,
                                       description="Day a person last checked the fact.")


class NoProperties(RelProvenance):
    """Relationships that carry only provenance."""


class HsrLinkProperties(RelProvenance):
    """A direct high-speed-rail link between two cities (travelled both ways)."""

    minutes: Annotated[int, Field(gt=0)]
    km: Annotated[float, Field(gt=0)]
    line: str = ""


class HostsProperties(RelProvenance):
    """How strongly a park hosts an industry (1 = leading industry)."""

    strength: Annotated[float, Field(gt=0, le=1)] = 1.0


class HasSkillProperties(RelProvenance):
    """A person's level in a skill, 1 (basic) to 5 (leading expert)."""

    level: Annotated[int, Field(ge=1, le=5)]


class WorksAtProperties(RelProvenance):
    """A person's position at an organization."""

    title: str = ""


class CollaboratedWithProperties(RelProvenance):
    """One deal two people worked on together, or a referral one passed to the other;
    the evidence a tie's strength is computed from (services/ties.py)."""

    deal: str = Field(min_length=1)
    year: Year
    kind: TieKind = TieKind.DEAL
    stage: ReferralStage | None = Field(
        default=None, description="How far the deal got (funnel stage); null: not recorded.")
    value_cny: Annotated[float, Field(ge=0, le=1e13)] | None = Field(
        default=None, description="Contract or round value in CNY; null: not recorded.")


class LandedInProperties(RelProvenance):
    """A company's landing in a park."""

    year: Year
    area_m2: Annotated[float, Field(ge=0)] | None = None


@dataclass(frozen=True)
class RelSpec:
    """The declaration of one relationship type."""

    type: RelType
    sources: frozenset[Label]
    targets: frozenset[Label]
    properties: builtins.type[BaseModel]  # `type` alone names the field above
    description: str
    seed_field: str
    """The field name under which a seed record of the source label lists these edges."""
    key: tuple[str, ...] = ()
    symmetric: bool = False
    """Travelled both ways by queries (stored once, in the declared direction)."""
    single: bool = False
    """At most one such edge per source node (e.g. a park is in one city)."""


def _spec(
    rel_type: RelType,
    sources: set[Label],
    targets: set[Label],
    description: str,
    seed_field: str,
    properties: type[BaseModel] = NoProperties,
    **options: bool | tuple[str, ...],
) -> RelSpec:
    return RelSpec(
        type=rel_type,
        sources=frozenset(sources),
        targets=frozenset(targets),
        properties=properties,
        description=description,
        seed_field=seed_field,
        **options,  # type: ignore[arg-type]
    )


REL_SPECS: dict[RelType, RelSpec] = {
    spec.type: spec
    for spec in (
        _spec(RelType.IN_CITY, {Label.PARK}, {Label.CITY}, "The park lies in the city.",
              "city", single=True),
        _spec(RelType.HSR_LINK, {Label.CITY}, {Label.CITY},
              "Direct high-speed-rail link with travel minutes and km.", "hsr_links",
              HsrLinkProperties, symmetric=True),
        _spec(RelType.HOSTS, {Label.PARK}, {Label.INDUSTRY},
              "The park hosts (has a cluster of) the industry.", "hosts", HostsProperties),
        _spec(RelType.SUBFIELD_OF, {Label.INDUSTRY}, {Label.INDUSTRY},
              "Taxonomy: the industry is a subfield of the parent.", "parent", single=True),
        _spec(RelType.OFFERED_IN, {Label.POLICY}, {Label.PARK, Label.CITY},
              "Where the policy applies: one park, or a whole city.", "offered_in"),
        _spec(RelType.TARGETS, {Label.POLICY}, {Label.INDUSTRY},
              "Industries the policy is for (none = every industry).", "targets"),
        _spec(RelType.COVERS, {Label.PERSON}, {Label.PARK, Label.CITY},
              "A person knows and works with this park or city.", "covers"),
        _spec(RelType.EXPERT_IN, {Label.PERSON}, {Label.INDUSTRY},
              "A person's vertical.", "expert_in"),
        _spec(RelType.HAS_SKILL, {Label.PERSON}, {Label.SKILL},
              "A person's skill and level.", "skills", HasSkillProperties),
        _spec(RelType.WORKS_AT, {Label.PERSON}, {Label.ORGANIZATION},
              "A person's employer or firm.", "works_at", WorksAtProperties),
        _spec(RelType.COLLABORATED_WITH, {Label.PERSON}, {Label.PERSON},
              "Two people worked on a deal together.", "collaborated_with",
              CollaboratedWithProperties, key=("deal",), symmetric=True),
        _spec(RelType.BASED_IN, {Label.PERSON, Label.COMPANY, Label.ORGANIZATION},
              {Label.CITY}, "Where a person, company or organization is based.", "city",
              single=True),
        _spec(RelType.IN_INDUSTRY, {Label.COMPANY}, {Label.INDUSTRY},
              "The company's industry.", "industries"),
        _spec(RelType.LANDED_IN, {Label.COMPANY}, {Label.PARK},
              "The company set up production or R&D in the park.", "landed_in",
              LandedInProperties),
        _spec(RelType.REFERS, {Label.REFERRAL}, {Label.COMPANY},
              "The company the referral introduces.", "company", single=True),
        _spec(RelType.REFERRED_TO, {Label.REFERRAL}, {Label.PARK},
              "The park the company is introduced to.", "park", single=True),
        _spec(RelType.REFERRED_BY, {Label.REFERRAL}, {Label.PERSON},
              "The broker who made the referral.", "broker", single=True),
        _spec(RelType.NOT_STACKABLE_WITH, {Label.POLICY}, {Label.POLICY},
              "The two policies may not both be paid for the same thing (不得重复享受; "
              "就高不重复: the higher one applies).", "not_stackable_with", symmetric=True),
    )
}
"""Every relationship type and its declaration."""


def specs_from(label: Label) -> list[RelSpec]:
    """Relationship types whose source may be `label`, in declaration order."""
    return [spec for spec in REL_SPECS.values() if label in spec.sources]
