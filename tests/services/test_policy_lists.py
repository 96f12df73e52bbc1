"""A park's policy lists cut to `policies_per_list`: the same answer as the full lists
(every total, the net cost, the gap-closer, the counts), with each list holding the
matches worth the most, in the full list's order.

The matches a cut list keeps are worked out here from the full answer's fields (counted
first, then wanted, then the largest value, then the id), not from the service's key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.services import corridor, landing
from alliance.services.landing import LandingRequest
from alliance.services.landing_models import POLICIES_PER_LIST, ParkResult, PolicyMatch
from alliance.store.base import GraphStore
from graph_schema.vocabulary import BenefitKind, CompanyStage, Label

LISTS = {"eligible_policies": "eligible_count", "near_miss_policies": "near_miss_count",
         "founding_team_policies": "founding_team_count", "broker_side": "broker_side_count"}
"""Each list of a park's answer, and the field counting it in full."""


def _kept_first(match: PolicyMatch) -> tuple[bool, bool, float, str]:
    value = match.value_cny if match.value_cny is not None else -1.0
    return (match.status != "counted", not match.wanted, -value, match.id)


def _cut(matches: list[PolicyMatch], limit: int) -> list[PolicyMatch]:
    kept = {m.id for m in sorted(matches, key=_kept_first)[:limit]}
    return [m for m in matches if m.id in kept]


def assert_cut_of(cut: ParkResult, full: ParkResult, limit: int) -> None:
    """`cut` is `full` with each policy list cut to its `limit` best matches."""
    changed: dict[str, Any] = {}
    for field, count in LISTS.items():
        whole = getattr(full, field)
        assert getattr(full, count) == len(whole)
        assert getattr(cut, field) == _cut(whole, limit)
        changed[field] = getattr(cut, field)
    counted = [m.path for m in changed["eligible_policies"] if m.status == "counted"]
    parts = [part.model_copy(update={"paths": counted}) if part.name == "net_cost" else part
             for part in full.parts]
    assert cut == full.model_copy(update={**changed, "parts": parts})


def company_question(store: GraphStore, data: st.DataObject) -> dict[str, Any]:
    """A landing question drawn over the store's cities and industries: the company's
    profile, the day and the kinds of money it asks for (shared by the money tests)."""
    cities = [n.id for n in store.list_nodes(Label.CITY, limit=100)]
    industries = [n.id for n in store.list_nodes(Label.INDUSTRY, limit=100)]
    return {
        "origin_city": data.draw(st.sampled_from(cities)),
        "industry": data.draw(st.sampled_from(industries)),
        "as_of": data.draw(st.sampled_from([date(2024, 6, 1), date(2025, 6, 30),
                                            date(2026, 11, 1)])),
        "benefit_kinds": data.draw(st.lists(st.sampled_from(list(BenefitKind)),
                                            max_size=2, unique=True)),
        "profile": {"stage": data.draw(st.sampled_from(list(CompanyStage))).value,
                    "founded_year": data.draw(st.sampled_from([2012, 2020, 2023])),
                    "high_tech_certified": data.draw(st.booleans())},
        "planned_capex_cny": data.draw(st.sampled_from([None, 3e6])),
    }


def _request(store: GraphStore, data: st.DataObject, limit: int | None) -> dict[str, Any]:
    return {**company_question(store, data), "top_k": 25, "policies_per_list": limit}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), limit=st.integers(min_value=1, max_value=4))
def test_cut_lists_keep_totals_and_the_best_matches(seed_store: GraphStore,
                                                    data: st.DataObject, limit: int) -> None:
    ask = _request(seed_store, data, None)
    full = landing.search(seed_store, LandingRequest.model_validate(ask))
    cut = landing.search(seed_store, LandingRequest.model_validate(
        {**ask, "policies_per_list": limit}))
    assert len(cut.parks) == len(full.parks)
    for short, whole in zip(cut.parks, full.parks, strict=True):
        assert_cut_of(short, whole, limit)
    rows = zip(corridor.compare(seed_store, LandingRequest.model_validate(
        {**ask, "policies_per_list": limit})).cities,
        corridor.compare(seed_store, LandingRequest.model_validate(ask)).cities, strict=True)
    for short_row, whole_row in rows:
        assert (short_row.best_park is None) == (whole_row.best_park is None)
        if short_row.best_park is not None and whole_row.best_park is not None:
            assert_cut_of(short_row.best_park, whole_row.best_park, limit)


def test_the_default_lists_every_seed_match(seed_store: GraphStore) -> None:
    """No park of the seed set carries more policies than a list shows by default, so
    the default answer lists them all; a cut of 1 does leave some out."""
    ask = {"origin_city": "city:shanghai", "industry": "industry:biomedicine", "top_k": 25,
           "as_of": "2025-06-30"}
    default = landing.search(seed_store, LandingRequest.model_validate(ask))
    every = landing.search(seed_store, LandingRequest.model_validate(
        {**ask, "policies_per_list": None}))
    assert default == every
    assert POLICIES_PER_LIST >= max(
        getattr(p, count) for p in every.parks for count in LISTS.values())
    one = landing.search(seed_store, LandingRequest.model_validate(
        {**ask, "policies_per_list": 1}))
    assert any(len(getattr(p, field)) < getattr(p, count)
               for p in one.parks for field, count in LISTS.items())
    assert all(len(getattr(p, field)) <= 1 for p in one.parks for field in LISTS)
