"""Elimination view: how many parks each hard constraint removed, and why a named park is
not in the answer, by how much.

The facts come through the generic store contract (parks, IN_CITY, HOSTS, SUBFIELD_OF,
HSR_LINK), so both stores give the same view; the checks are the same hard constraints the
landing evidence query applies, written once here, and a test holds the two to agreeing:
the parks failing no constraint are exactly the landing candidates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, Field

from alliance.errors import NotFound
from alliance.services.benefits import cny
from alliance.store.base import MAX_PAGE, GraphStore, LandingFilter
from alliance.store.rail import RailLink, fastest_routes
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label, RelType

CONSTRAINTS: tuple[str, ...] = ("industry", "area_m2", "facility_types",
                                "max_rent_cny_m2_month", "max_rail_minutes")
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


@dataclass(frozen=True)
class ParkFacts:
    """What the hard constraints test about one park."""

    park: NodeRecord
    city: str | None
    hosts: frozenset[str]
    """The industries related to the request that it hosts."""


def _parks(store: GraphStore) -> Iterator[NodeRecord]:
    after = None
    while page := store.list_nodes(Label.PARK, after=after, limit=MAX_PAGE):
        yield from page
        after = page[-1].id


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


class Checker:
    """The hard constraints of one request, over the facts of every park (fetched once)."""

    def __init__(self, store: GraphStore, query: LandingFilter,
                 parks: list[NodeRecord] | None = None) -> None:
        self.query = query
        self.related = _related(store, query.industry)
        links = [RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                          float(rel.properties["km"]))
                 for rel in store.get_relationships(RelType.HSR_LINK)]
        self.minutes = {city: route.minutes
                        for city, route in fastest_routes(links, query.origin_city).items()}
        self.store = store
        wanted = parks if parks is not None else list(_parks(store))
        ids = {park.id for park in wanted}
        cities: dict[str, str] = {}
        hosts: dict[str, set[str]] = {}
        if parks is not None and len(parks) == 1:
            rels_in = store.get_relationships(RelType.IN_CITY, source=parks[0].id)
            rels_hosts = store.get_relationships(RelType.HOSTS, source=parks[0].id)
        else:  # only the HOSTS of related industries: the rest cannot meet the industry
            rels_in = store.get_relationships(RelType.IN_CITY)
            rels_hosts = store.relationships_of(sorted(self.related), RelType.HOSTS,
                                                outgoing=False)
        for rel in sorted(rels_in, key=lambda r: r.target, reverse=True):
            if rel.source in ids:
                cities[rel.source] = rel.target  # the smallest city id wins, as in evidence
        for rel in rels_hosts:
            if rel.source in ids and rel.target in self.related:
                hosts.setdefault(rel.source, set()).add(rel.target)
        self.facts = [ParkFacts(park, cities.get(park.id), frozenset(hosts.get(park.id, ())))
                      for park in wanted]

    def failed(self, facts: ParkFacts) -> set[str]:
        """The names of the hard constraints the park fails (what `failures` reports,
        without building its texts: the elimination view counts every park)."""
        query, props = self.query, facts.park.properties
        found = set()
        if not facts.hosts & self.related:
            found.add("industry")
        if float(props["available_area_m2"]) < query.min_area_m2:
            found.add("area_m2")
        if any(f.value not in props["facility_types"] for f in query.facility_types):
            found.add("facility_types")
        limit = query.max_rent_cny_m2_month
        if limit is not None and float(props["rent_cny_m2_month"]) > limit:
            found.add("max_rent_cny_m2_month")
        minutes = self.minutes.get(facts.city) if facts.city else None
        if minutes is None or (query.max_rail_minutes is not None
                               and minutes > query.max_rail_minutes):
            found.add("max_rail_minutes")
        return found

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
        failed = [self.failed(facts) for facts in self.facts]
        counts = [ConstraintCount(
            constraint=name, given=given[name],
            eliminated=sum(name in names for names in failed),
            only_this=sum(names == {name} for names in failed)) for name in CONSTRAINTS]
        return Elimination(parks_total=len(self.facts),
                           parks_meeting_all=sum(not names for names in failed),
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
