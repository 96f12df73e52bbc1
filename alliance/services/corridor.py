"""Corridor comparison: the same landing need evaluated city by city.

Answers "where along the corridor?": for each city, the best park that meets the need,
the company's counted benefits and net cost of landing there (the same counting and
gap-closer rules as the landing answer), its rent and the rail minutes from the origin.
Cities with no qualifying park stay in the table, so the gap is visible too.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from alliance.services import landing
from alliance.services.elimination import Checker, Elimination
from alliance.services.explain import NodeRef, node_ref
from alliance.services.landing import LandingRequest, ParkResult, Ranked, Scorer, explain, rank
from alliance.store.base import GraphStore
from alliance.store.rail import RailLink, fastest_routes
from graph_schema.vocabulary import Label, RelType


class CityRow(BaseModel):
    """One city of the corridor for this need."""

    city: NodeRef
    rail_minutes: int | None = Field(description="Fastest rail minutes; null = unreachable.")
    parks_meeting_need: int
    best_park: ParkResult | None
    policy_total_cny: float = Field(description="The best park's counted company grants "
                                    "and tax relief over the horizon.")
    net_cost_cny: float | None = Field(description="The best park's net cost of landing "
                                       "over the horizon.")
    unlock_cny: float = Field(description="What closing the best park's closable gaps adds.")
    rent_cny_m2_month: float | None


class CorridorComparison(BaseModel):
    """Every city, nearest first."""

    origin_city: str
    industry: str
    horizon_years: int
    elimination: Elimination
    cities: list[CityRow]


def compare(store: GraphStore, request: LandingRequest, *,
            reveal_contacts: bool = False) -> CorridorComparison:
    """Best park per city for the request (one evidence query, one rail lookup)."""
    landing.validate(store, request)
    candidates = landing.candidates_of(store, request)
    best: dict[str, tuple[int, Ranked]] = {}
    parks_per_city: dict[str, int] = {}
    scorer = Scorer(request)
    for position, scored in enumerate(rank(candidates, request, scorer), start=1):
        city_id = scored.row.city
        parks_per_city[city_id] = parks_per_city.get(city_id, 0) + 1
        best.setdefault(city_id, (position, scored))
    results = {r.summary.city.id: r
               for r in explain(store, list(best.values()), request,
                               reveal_contacts=reveal_contacts, scorer=scorer)}
    links = [RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                      float(rel.properties["km"]))
             for rel in store.get_relationships(RelType.HSR_LINK)]
    routes = fastest_routes(links, request.origin_city)
    rows = []
    for city in store.list_nodes(Label.CITY, limit=500):
        found: ParkResult | None = results.get(city.id)
        route = routes.get(city.id)
        rows.append(CityRow(
            city=node_ref(city), rail_minutes=route.minutes if route else None,
            parks_meeting_need=parks_per_city.get(city.id, 0), best_park=found,
            policy_total_cny=found.policy_total_cny if found else 0.0,
            net_cost_cny=found.net_cost.net_cost_cny if found else None,
            unlock_cny=found.gap_closer.unlock_cny if found else 0.0,
            rent_cny_m2_month=found.summary.rent_cny_m2_month if found else None,
        ))
    rows.sort(key=lambda row: (row.rail_minutes is None, row.rail_minutes or 0, row.city.id))
    return CorridorComparison(origin_city=request.origin_city, industry=request.industry,
                              horizon_years=request.horizon_years,
                              elimination=Checker(store, request.to_filter()).elimination(),
                              cities=rows)
