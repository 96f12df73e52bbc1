"""EmbeddedStore counts the elimination view's failure codes on its index's park columns:
the same counts as the Checker's codes over every park's facts, for varied questions,
also after writes that move, resize or delete parks."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date

from alliance.ingest.synth import synthesize
from alliance.services.elimination import Checker
from alliance.store.base import LandingFilter
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import FacilityType, Label, RelType


def _by_hand(store: EmbeddedStore, query: LandingFilter) -> dict[int, int]:
    checker = Checker(store, query)
    return dict(Counter(checker.code(facts) for facts in store.park_facts()))


def _questions(store: EmbeddedStore, rng: random.Random, count: int) -> list[LandingFilter]:
    cities = sorted(store.by_label.get(Label.CITY.value, ()))
    industries = sorted(store.by_label.get(Label.INDUSTRY.value, ()))
    return [LandingFilter(
        origin_city=rng.choice(cities), industry=rng.choice(industries),
        min_area_m2=rng.choice([0.0, 800.0, 5000.0]),
        facility_types=tuple(rng.sample(list(FacilityType), rng.choice([0, 1, 2]))),
        max_rent_cny_m2_month=rng.choice([None, 30.0, 60.0]),
        max_rail_minutes=rng.choice([None, 0, 45, 120]), as_of=date(2025, 6, 30))
        for _ in range(count)]


def test_failure_codes_are_the_checkers_after_writes() -> None:
    records = list(synthesize(nodes=1500, seed=4))
    store = EmbeddedStore(":memory:")
    store.write(nodes=[r for r in records if isinstance(r, NodeRecord)],
                relationships=[r for r in records if isinstance(r, RelRecord)])
    rng = random.Random(9)
    for query in _questions(store, rng, 40):
        assert store.failure_codes(query) == _by_hand(store, query), query
    parks = sorted(store.by_label[Label.PARK.value])
    cities = sorted(store.by_label[Label.CITY.value])
    for step in range(6):
        park = store.get_node(parks[step])
        assert park is not None
        store.write(nodes=[replace(park, properties={
            **park.properties, "available_area_m2": 100.0 * step,
            "facility_types": ["office"] if step % 2 else ["rd_lab", "office"]})],
            relationships=[RelRecord(RelType.IN_CITY, park.id, cities[step])])
        store.write(delete_nodes=[parks[-1 - step]])
        for query in _questions(store, rng, 8):
            assert store.failure_codes(query) == _by_hand(store, query), query
    store.write(delete_nodes=cities[:2])  # parks left without a city fail the rail limit
    for query in _questions(store, rng, 8):
        assert store.failure_codes(query) == _by_hand(store, query), query
