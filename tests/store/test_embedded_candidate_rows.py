"""EmbeddedStore lists the landing candidates as ranking reads them (`candidate_rows`) from
numbers its index keeps per park and industry asked (`index.fits`): after any write
those numbers are the ones a fresh build gives, and the rows are those of the
candidates' evidence (`rows_of(landing_candidates(...))`)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from alliance.ingest.synth import synthesize
from alliance.store.base import LandingFilter
from alliance.store.embedded import EmbeddedStore
from alliance.store.embedded.index import build
from alliance.store.evidence import rows_of
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import FacilityType, Label, RelType
from tests.store.test_embedded_index import INDEXED, changed

LANDING = (*INDEXED, RelType.LANDED_IN, RelType.IN_INDUSTRY)
"""What the kept numbers read besides the rest of the index: companies' landings and
industries (their track record)."""


def _queries(store: EmbeddedStore, rng: random.Random) -> list[LandingFilter]:
    cities = sorted(store.by_label.get("City", ()))
    industries = sorted(store.by_label.get("Industry", ()))
    parks = sorted(store.by_label.get("Park", ()))
    found = []
    for _ in range(8):
        query = LandingFilter(
            origin_city=rng.choice(cities), industry=rng.choice(industries),
            min_area_m2=rng.choice([0.0, 800.0, 4000.0]),
            facility_types=tuple(rng.sample(list(FacilityType), rng.choice([0, 0, 1]))),
            max_rent_cny_m2_month=rng.choice([None, 40.0, 80.0]),
            max_rail_minutes=rng.choice([None, 0, 60, 150]),
            as_of=rng.choice([date(2022, 1, 1), date(2025, 6, 30)]), contacts_per_kind=0)
        found.append(query)
        if rng.random() < 0.3:
            found.append(replace(query, parks=frozenset(rng.sample(parks, len(parks) // 3))))
    return found


def _check(store: EmbeddedStore, queries: list[LandingFilter]) -> int:
    """Every query's rows are its evidence's; returns how many rows there were."""
    assert store.index.fits == build(store.graph).fits
    rows = 0
    for query in queries:
        if query.origin_city in store.graph and query.industry in store.graph:
            found = store.candidate_rows(query)
            assert found == rows_of(store.landing_candidates(query)), query
            rows += len(found)
    return rows


def test_candidate_rows_are_the_evidence_rows_after_random_writes() -> None:
    records = list(synthesize(nodes=1200, seed=4))
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rels = [r for r in records if isinstance(r, RelRecord)]
    indexed = [r for r in rels if r.type in LANDING]
    rng = random.Random(11)
    with EmbeddedStore(":memory:") as store:
        store.write(nodes=nodes, relationships=rels)
        queries = _queries(store, rng)
        assert _check(store, queries)
        assert all(fit.related_landings for of in store.index.fits.values()
                   for fit in of.values()) is False  # some parks have none, some have
        assert any(fit.related_landings and fit.broker_total and fit.landed_referrals
                   for of in store.index.fits.values() for fit in of.values())
        for _ in range(50):
            move = rng.randrange(5)
            if move == 0:
                store.write(delete_relationships=[r.key for r in rng.sample(indexed, 6)])
            elif move == 1:
                store.write(relationships=[r for r in rng.sample(indexed, 10)
                                           if r.source in store.graph
                                           and r.target in store.graph])
            elif move == 2:
                rewritten = [changed(node, rng) for node in rng.sample(nodes, 12)]
                store.write(nodes=rewritten)
                nodes = [n for n in nodes if n.id not in {r.id for r in rewritten}] + rewritten
            elif move == 3:  # companies that landed move industry; people reach cities
                landed = sorted({company for park in store.by_label.get("Park", ())
                                 for company in store.graph.in_ends(park, RelType.LANDED_IN)})
                industries = sorted(store.by_label.get("Industry", ()))
                people = sorted(store.index.professional_rank) + sorted(
                    store.by_label.get("Broker", ()))
                cities = sorted(store.by_label.get("City", ()))
                moved = rng.sample(landed, 4)
                store.write(relationships=[
                    RelRecord(RelType.IN_INDUSTRY, company, rng.choice(industries))
                    for company in moved] + [
                    RelRecord(rng.choice([RelType.COVERS, RelType.BASED_IN]),
                              rng.choice(people), rng.choice(cities)) for _ in range(4)],
                    delete_relationships=[rel.key for company in moved for rel in
                                          store.graph.out_rels(company, RelType.IN_INDUSTRY)])
            else:
                victim = rng.choice([n for n in nodes if n.label is not Label.CITY])
                store.write(delete_nodes=[victim.id])
                nodes.remove(victim)
            _check(store, queries)
