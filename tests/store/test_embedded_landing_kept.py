"""EmbeddedStore keeps what landing questions work out per park and industry asked
(`index.LandingKept`) between questions: after any write the evidence it gives is the
evidence worked out afresh."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from alliance.ingest.synth import synthesize
from alliance.store.base import LandingFilter, ParkEvidence
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import Label
from tests.store.test_embedded_index import INDEXED, changed


def _queries(store: EmbeddedStore, rng: random.Random) -> list[LandingFilter]:
    cities = sorted(store.by_label.get("City", ()))
    industries = sorted(store.by_label.get("Industry", ()))
    asked = [LandingFilter(origin_city=rng.choice(cities), industry=rng.choice(industries),
                           as_of=rng.choice([date(2022, 1, 1), date(2025, 6, 30)]))
             for _ in range(4)]
    return [replace(query, contacts_per_kind=kept) for query in asked for kept in (0, 1, 3)]


def _evidence(store: EmbeddedStore, queries: list[LandingFilter], *, afresh: bool = False
              ) -> list[list[ParkEvidence]]:
    """Each query's evidence (`afresh`: with nothing kept from the queries before)."""
    found = []
    for query in queries:
        if query.origin_city in store.graph and query.industry in store.graph:
            if afresh:
                store.index.landing_kept.clear()
            found.append(store.landing_candidates(query))
    return found


def test_kept_landing_facts_are_fresh_after_random_writes() -> None:
    records = list(synthesize(nodes=1000, seed=3))
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rels = [r for r in records if isinstance(r, RelRecord)]
    indexed = [r for r in rels if r.type in INDEXED]
    rng = random.Random(9)
    with EmbeddedStore(":memory:") as store:
        store.write(nodes=nodes, relationships=rels)
        queries = _queries(store, rng)
        assert any(_evidence(store, queries))
        assert store.index.landing_kept.park_facts
        assert store.index.landing_kept.totals
        assert store.index.landing_kept.contacts
        for _ in range(60):
            move = rng.randrange(4)
            if move == 0:
                store.write(delete_relationships=[r.key for r in rng.sample(indexed, 5)])
            elif move == 1:
                store.write(relationships=[r for r in rng.sample(indexed, 8)
                                           if r.source in store.graph
                                           and r.target in store.graph])
            elif move == 2:
                rewritten = [changed(node, rng) for node in rng.sample(nodes, 12)]
                store.write(nodes=rewritten)
                nodes = [n for n in nodes if n.id not in {r.id for r in rewritten}] + rewritten
            else:
                victim = rng.choice([n for n in nodes if n.label is not Label.CITY])
                store.write(delete_nodes=[victim.id])
                nodes.remove(victim)
            kept = _evidence(store, queries)
            assert kept == _evidence(store, queries, afresh=True)


def test_a_ranking_question_reads_what_an_earlier_one_kept() -> None:
    with EmbeddedStore(":memory:") as store:
        records = list(synthesize(nodes=1000, seed=3))
        store.write(nodes=[r for r in records if isinstance(r, NodeRecord)],
                    relationships=[r for r in records if isinstance(r, RelRecord)])
        query = next(q for q in _queries(store, random.Random(2))
                     if store.landing_candidates(q))
        first = store.landing_candidates(replace(query, contacts_per_kind=0))
        again = store.landing_candidates(replace(query, contacts_per_kind=0))
        assert all(a.track_record is b.track_record and a.industries is b.industries
                   and a.city_policies is b.city_policies
                   for a, b in zip(first, again, strict=True))
