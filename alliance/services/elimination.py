"""Elimination view: how many parks each hard constraint removed, and why a named park is
not in the answer, by how much.

The facts come through the generic store contract (every park with its city and hosted
industries, `park_facts`, which the stores keep listed; SUBFIELD_OF, HSR_LINK), so both
stores give the same view; the checks are the same hard constraints the landing evidence
query applies, written once here, and a test holds the two to agreeing: the parks failing
no constraint are exactly the landing candidates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cached_property

from pydantic import BaseModel, Field

from alliance.errors import NotFound
from alliance.services.benefits import cny
from alliance.store.base import (
    HARD_CONSTRAINTS,
    EliminationCounter,
    GraphStore,
    LandingFilter,
    ParkFacts,
)
from alliance.store.rail import RailLink, fastest_routes
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label, RelType

CONSTRAINTS: tuple[str, ...] = HARD_CONSTRAINTS
"""The hard constraints, in the order the answer reports them."""


class Failure(BaseModel):
    """One hard constraint a park fails, and by how much."""

    constraint: str
    required: str
    actual: str
    short_by: float | None = Field(description="How far off, in the constraint's unit "
                                   "(m², CNY/m²/month, minutes); null when not a number.")
    text: str


class ConstraintCount(BaseModel):
    """How many parks one hard constraint eliminated."""

    constraint: str
    given: bool
    eliminated: int = Field(description="Parks failing this constraint (they may fail "
                            "others too).")
    only_this: int = Field(description="Parks failing this constraint and no other: "
                           "dropping it would add them.")


class Elimination(BaseModel):
    """Per hard constraint, the parks it eliminated, out of all parks."""

    parks_total: int
    parks_meeting_all: int
    constraints: list[ConstraintCount]


class WhyNot(BaseModel):
    """Why a named park is (not) in the answer."""

    park: str
    qualifies: bool
    failures: list[Failure]
    rank: int | None = Field(default=None, description="Its rank among every qualifying "
                             "park, when it qualifies.")
    text: str


def _related(store: GraphStore, industry: str) -> set[str]:
    """The industry, its ancestors and its descendants (as the evidence query relates)."""
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for rel in store.get_relationships(RelType.SUBFIELD_OF):
        parents.setdefault(rel.source, []).append(rel.target)
        children.setdefault(rel.target, []).append(rel.source)
    related, current = {industry}, industry
    while parents.get(current):
        current = sorted(parents[current])[0]
        if current in related:
            break
        related.add(current)
    stack = [industry]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in related:
                related.add(child)
                stack.append(child)
    return related


BITS: dict[str, int] = {name: 1 << position for position, name in enumerate(CONSTRAINTS)}
"""Each hard constraint's bit in a park's failure code."""


class Checker:
    """The hard constraints of one request, over the facts of every park (the store
    keeps them listed) or of the parks given."""

    def __init__(self, store: GraphStore, query: LandingFilter,
                 parks: list[NodeRecord] | None = None) -> None:
        self.query = query
        self.store = store
        self._parks = parks
        self.wanted_facilities = {f.value for f in query.facility_types}

    # The taxonomy, the rail network and the parks' facts are read on first use: a store
    # that counts failure codes itself answers the elimination view without any of them.

    @cached_property
    def related(self) -> set[str]:
        return _related(self.store, self.query.industry)

    @cached_property
    def minutes(self) -> dict[str, int]:
        links = [RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                          float(rel.properties["km"]))
                 for rel in self.store.get_relationships(RelType.HSR_LINK)]
        return {city: route.minutes
                for city, route in fastest_routes(links, self.query.origin_city).items()}

    @cached_property
    def reachable(self) -> set[str]:
        limit = self.query.max_rail_minutes
        return {city for city, minutes in self.minutes.items()
                if limit is None or minutes <= limit}

    @cached_property
    def facts(self) -> Sequence[ParkFacts]:
        """The facts of the parks given, or of every park."""
        if self._parks is None:
            return self.store.park_facts()
        return [self._facts(park) for park in self._parks]

    def _facts(self, park: NodeRecord) -> ParkFacts:
        cities = sorted(rel.target for rel in self.store.get_relationships(
            RelType.IN_CITY, source=park.id))
        hosts = frozenset(rel.target for rel in self.store.get_relationships(
            RelType.HOSTS, source=park.id))
        return ParkFacts(park, cities[0] if cities else None, hosts)

    def code(self, facts: ParkFacts) -> int:
        """The park's failed hard constraints as bits (`BITS`): what `failures` reports,
        without building its texts (the elimination view counts every park)."""
        query, props = self.query, facts.park.properties
        limit = query.max_rent_cny_m2_month
        return ((BITS["industry"] if self.related.isdisjoint(facts.hosts) else 0)
                | (BITS["area_m2"] if float(props["available_area_m2"]) < query.min_area_m2
                   else 0)
                | (0 if self.wanted_facilities.issubset(props["facility_types"])
                   else BITS["facility_types"])
                | (BITS["max_rent_cny_m2_month"] if limit is not None
                   and float(props["rent_cny_m2_month"]) > limit else 0)
                | (0 if facts.city in self.reachable else BITS["max_rail_minutes"]))

    def failed(self, facts: ParkFacts) -> set[str]:
        """The names of the hard constraints the park fails (`code` in words)."""
        code = self.code(facts)
        return {name for name, bit in BITS.items() if code & bit}

    def failures(self, facts: ParkFacts) -> list[Failure]:
        """Every hard constraint the park fails, with by how much (`failed` names the
        same ones; a test holds the two to agreeing)."""
        query, props = self.query, facts.park.properties
        found = []
        if not facts.hosts & self.related:
            hosted = ", ".join(sorted(rel.target for rel in self.store.get_relationships(
                RelType.HOSTS, source=facts.park.id))) or "nothing"
            found.append(Failure(constraint="industry", required=query.industry,
                                 actual=hosted, short_by=None,
                                 text=f"hosts no industry related to {query.industry} "
                                 f"(hosts {hosted})"))
        area = float(props["available_area_m2"])
        if area < query.min_area_m2:
            found.append(Failure(
                constraint="area_m2", required=f"≥ {cny(query.min_area_m2)} m²",
                actual=f"{cny(area)} m²", short_by=round(query.min_area_m2 - area, 2),
                text=f"area {cny(area)} < {cny(query.min_area_m2)} m² "
                f"(short by {cny(round(query.min_area_m2 - area, 2))} m²)"))
        missing = sorted(f.value for f in query.facility_types
                         if f.value not in props["facility_types"])
        if missing:
            found.append(Failure(constraint="facility_types", required=", ".join(missing),
                                 actual=", ".join(props["facility_types"]), short_by=None,
                                 text="no " + ", ".join(missing)))
        rent = float(props["rent_cny_m2_month"])
        limit = query.max_rent_cny_m2_month
        if limit is not None and rent > limit:
            found.append(Failure(
                constraint="max_rent_cny_m2_month", required=f"≤ {limit:g} CNY/m²/month",
                actual=f"{rent:g} CNY/m²/month", short_by=round(rent - limit, 2),
                text=f"rent {rent:g} > {limit:g} (by {round(rent - limit, 2):g} CNY/m²/month)"))
        minutes = self.minutes.get(facts.city) if facts.city else None
        if minutes is None:
            found.append(Failure(constraint="max_rail_minutes", required="reachable by rail",
                                 actual="no rail route from the origin", short_by=None,
                                 text="not reachable by rail from the origin"))
        elif query.max_rail_minutes is not None and minutes > query.max_rail_minutes:
            found.append(Failure(
                constraint="max_rail_minutes", required=f"≤ {query.max_rail_minutes} minutes",
                actual=f"{minutes} minutes", short_by=float(minutes - query.max_rail_minutes),
                text=f"rail {minutes} > {query.max_rail_minutes} minutes "
                f"(by {minutes - query.max_rail_minutes})"))
        return found

    def elimination(self) -> Elimination:
        given = {"industry": True, "area_m2": self.query.min_area_m2 > 0,
                 "facility_types": bool(self.query.facility_types),
                 "max_rent_cny_m2_month": self.query.max_rent_cny_m2_month is not None,
                 "max_rail_minutes": True}
        codes: Mapping[int, int] = (
            self.store.failure_codes(self.query)
            if self._parks is None and isinstance(self.store, EliminationCounter)
            else Counter(self.code(facts) for facts in self.facts))
        counts = [ConstraintCount(
            constraint=name, given=given[name],
            eliminated=sum(count for code, count in codes.items() if code & BITS[name]),
            only_this=codes.get(BITS[name], 0)) for name in CONSTRAINTS]
        return Elimination(parks_total=sum(codes.values()), parks_meeting_all=codes.get(0, 0),
                           constraints=counts)


def why_not(store: GraphStore, query: LandingFilter, park_id: str,
            ranked_ids: list[str]) -> WhyNot:
    """Which constraints the named park fails and by how much, or its rank when it fits."""
    park = store.get_node(park_id)
    if park is None or park.label is not Label.PARK:
        msg = f"no Park with id {park_id!r}"
        raise NotFound(msg, field="why_not")
    checker = Checker(store, query, [park])
    failures = checker.failures(checker.facts[0])
    name = str(park.properties["name_en"])
    if failures:
        return WhyNot(park=park_id, qualifies=False, failures=failures,
                      text=f"{name}: " + "; ".join(f.text for f in failures))
    position = ranked_ids.index(park_id) + 1 if park_id in ranked_ids else None
    return WhyNot(park=park_id, qualifies=True, failures=[], rank=position,
                  text=f"{name} meets every hard constraint (rank {position})")
