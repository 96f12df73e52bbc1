"""Corridor comparison: the same landing need evaluated city by city.

Answers "where along the corridor?": for each city, the best park that meets the need,
the eligible policy total there, its rent and the rail minutes from the origin. Cities
with no qualifying park stay in the table, so the gap is visible too.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from alliance.services.explain import NodeRef, node_ref
from alliance.services.landing import LandingRequest, ParkResult, score_all
from alliance.store.base import GraphStore
from alliance.store.rail import RailLink, fastest_routes
from graph_schema.vocabulary import Label, RelType


class CityRow(BaseModel):
    """One city of the corridor for this need."""

    city: NodeRef
    rail_minutes: int | None = Field(description="Fastest rail minutes; null = unreachable.")
    parks_meeting_need: int
    best_park: ParkResult | None
    policy_total_cny: float
    rent_cny_m2_month: float | None


class CorridorComparison(BaseModel):
    """Every city, nearest first."""

    origin_city: str
    industry: str
    cities: list[CityRow]


def compare(store: GraphStore, request: LandingRequest, *,
            reveal_contacts: bool = False) -> CorridorComparison:
    """Best park per city for the request (one evidence query, one rail lookup)."""
    candidates = store.landing_candidates(request.to_filter())
    ranked = score_all(store, candidates, request, reveal_contacts=reveal_contacts)
    links = [RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                      float(rel.properties["km"]))
             for rel in store.get_relationships(RelType.HSR_LINK)]
    routes = fastest_routes(links, request.origin_city)
    rows = []
    for city in store.list_nodes(Label.CITY, limit=500):
        parks = [r for r in ranked if r.summary.city.id == city.id]
        best = parks[0] if parks else None
        route = routes.get(city.id)
        rows.append(CityRow(
            city=node_ref(city), rail_minutes=route.minutes if route else None,
            parks_meeting_need=len(parks), best_park=best,
            policy_total_cny=best.policy_total_cny if best else 0.0,
            rent_cny_m2_month=best.summary.rent_cny_m2_month if best else None,
        ))
    rows.sort(key=lambda row: (row.rail_minutes is None, row.rail_minutes or 0, row.city.id))
    return CorridorComparison(origin_city=request.origin_city, industry=request.industry,
                              cities=rows)
