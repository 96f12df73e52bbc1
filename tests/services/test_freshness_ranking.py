"""Stale facts are marked in landing and collaborator answers and rank below fresh twins."""

from __future__ import annotations

from datetime import date

from alliance.services import collaborators, landing
from alliance.services.collaborators import CollaboratorRequest
from alliance.services.landing import LandingRequest
from alliance.store.base import GraphStore
from alliance.store.embedded import EmbeddedStore
from tests import factories as f


def twin_parks_store() -> EmbeddedStore:
    """Two identical Suzhou parks; only the one whose id sorts first was never re-checked."""
    nodes, rels = f.corridor()
    twins = [f.park("a-stale"), f.park("b-fresh", last_verified=date(2025, 8, 1))]
    store = EmbeddedStore(":memory:")
    store.write(nodes=[*nodes, *twins], relationships=[
        *rels, *(f.in_city(p, "city:suzhou") for p in twins),
        *(f.hosts(p, "industry:biomedicine") for p in twins)])
    return store


def test_a_stale_park_ranks_below_its_fresh_twin_and_is_marked() -> None:
    store = twin_parks_store()
    request = LandingRequest(origin_city="city:suzhou", industry="industry:biomedicine",
                             as_of=date(2025, 9, 1))
    parks = {p.summary.park.id: p for p in landing.search(store, request).parks}
    stale, fresh = parks["park:a-stale"], parks["park:b-fresh"]
    assert [p.value for p in stale.parts] == [p.value for p in fresh.parts]
    assert stale.rank > fresh.rank
    assert stale.freshness.stale
    assert stale.freshness.age_days == 243
    assert stale.freshness.checked_on == date(2025, 1, 1)
    assert not fresh.freshness.stale
    assert fresh.freshness.weight == 1.0
    assert stale.freshness.weight == round(180 / 243, 3)
    assert stale.score == round(fresh.score * stale.freshness.weight, 6)
    store.close()


def test_fresh_seed_answer_keeps_its_order(seed_store: GraphStore) -> None:
    request = LandingRequest(origin_city="city:shanghai", industry="industry:biomedicine",
                             as_of=date(2025, 7, 1), top_k=100)
    parks = landing.search(seed_store, request).parks
    assert parks
    for park in parks:
        assert not park.freshness.stale
        assert park.freshness.weight == 1.0
        mean = sum(p.value * p.weight for p in park.parts) / sum(p.weight for p in park.parts)
        assert park.score == round(mean, 6)
        assert not any(c.stale for c in park.contacts)
    stale_day = request.model_copy(update={"as_of": date(2026, 12, 1)})
    later = landing.search(seed_store, stale_day).parks
    assert all(p.freshness.stale for p in later)
    assert any(m.stale for p in later for m in p.eligible_policies + p.near_miss_policies)


def test_a_stale_person_ranks_below_their_fresh_twin_and_is_marked() -> None:
    store = EmbeddedStore(":memory:")
    people = [f.person("a-stale"), f.person("b-fresh", last_verified=date(2025, 12, 1))]
    store.write(nodes=[f.skill("ip-law"), *people],
                relationships=[f.has_skill(p, "skill:ip-law", level=4) for p in people])
    found = collaborators.search(store, CollaboratorRequest(
        skills=["skill:ip-law"], as_of=date(2026, 3, 1))).collaborators
    assert [(c.person.id, c.stale) for c in found] == [("person:b-fresh", False),
                                                        ("person:a-stale", True)]
    assert found[1].parts == found[0].parts
    assert found[1].score == round(found[0].score * round(365 / 424, 3), 6)
    store.close()
