"""A park's book joined from its city's and its own (`ParkMoney.joined`) is the book of
all its policies decided together: the same policies and decisions, lists, cut lists,
totals and recounts with any set of gaps closed, on the seed set (exclusive groups and
no-stacking links between city and park items) and a synthetic corridor.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.services import landing
from alliance.services.benefits import CostInputs
from alliance.services.gaps import GapKey
from alliance.services.landing import LandingRequest, Scorer
from alliance.services.park_money import EvaluatedPolicy, ParkMoney, unlock
from alliance.services.policy_counting import Section
from alliance.store.base import GraphStore, ParkEvidence
from tests.services.test_policy_counting import AS_OF, city_parks
from tests.services.test_policy_lists import company_question


def _gap_kinds(book: ParkMoney) -> list[GapKey]:
    return sorted({kind for item in book.policies
                   if not item.eligible and item.judged.section is Section.COMPANY
                   for kind in item.judged.gap_kinds}, key=repr)


def assert_same_book(found: ParkMoney, whole: ParkMoney) -> None:
    assert found.policies == whole.policies
    assert found.money.decisions == whole.money.decisions
    assert found.company_total == whole.company_total
    assert found.sections == whole.sections
    assert found.lists == whole.lists
    for limit in (None, 1, 2, 3, 5, 20):
        assert found.listed(limit) == whole.listed(limit), limit
    def near_misses(book: ParkMoney) -> dict[GapKey, tuple[object, ...]]:
        return {key: (gap.field, gap.closability, gap.typical_months, gap.action, gap.skills,
                      sorted(set(ids))) for key, (gap, ids) in book.near_misses.items()}

    assert near_misses(found) == near_misses(whole)
    kinds = _gap_kinds(whole)[:6]
    for size in range(len(kinds) + 1):
        for closed in combinations(kinds, size):
            assert unlock(found, set(closed)) == unlock(whole, set(closed)), closed


def _assert_joined_right(scorer: Scorer, evidence: ParkEvidence) -> None:
    inputs = scorer.book.inputs(float(evidence.park.properties["rent_cny_m2_month"]))
    items = [EvaluatedPolicy(item, scorer.book.judge(item))
             for item in (*evidence.policies, *evidence.city_policies)]
    assert_same_book(scorer.park_money(evidence, inputs), scorer.book_of(items, inputs))


@settings(max_examples=300, deadline=None)
@given(case=city_parks())
def test_a_joined_book_on_synthetic_policy_sets(case: tuple[list[ParkEvidence], CostInputs]
                                                ) -> None:
    """Parks whose own items share a city item's exclusive group or are not stackable
    with one, items paying a share of the rent, near misses linked to other items."""
    parks, figures = case
    scorer = Scorer(LandingRequest(industry="industry:x", area_m2=figures.area_m2,
                                   horizon_years=figures.horizon_years, as_of=AS_OF,
                                   planned_capex_cny=figures.planned_capex_cny,
                                   headcount=figures.headcount))
    for park in parks:
        _assert_joined_right(scorer, park)


def _ask(store: GraphStore, data: st.DataObject) -> dict[str, Any]:
    return {**company_question(store, data),
            "area_m2": data.draw(st.sampled_from([0, 800, 5000])),
            "headcount": data.draw(st.sampled_from([None, 40]))}


@pytest.mark.parametrize("which", ["seed_store", "synth_store"])
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_joined_book_is_the_book_of_every_policy(request: pytest.FixtureRequest,
                                                   which: str, data: st.DataObject) -> None:
    store: GraphStore = request.getfixturevalue(which)
    ask = LandingRequest.model_validate(_ask(store, data))
    scorer = Scorer(ask)
    for evidence in store.landing_candidates(landing.ranking_filter(ask)):
        _assert_joined_right(scorer, evidence)
