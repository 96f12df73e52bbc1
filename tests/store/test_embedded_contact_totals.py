"""EmbeddedStore's contact totals of a question that ranks (no contacts listed, told in
one pass over each park's covering people) equal those of the full evidence, which
merges the ranked lists (`evidence.best_contacts`), on a synthetic corridor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from alliance.ingest.records import RecordBatch
from alliance.ingest.synth import synthesize
from alliance.services.ingest import load
from alliance.store.base import LandingFilter
from alliance.store.embedded import EmbeddedStore
from graph_schema.vocabulary import Label


@pytest.fixture(scope="module")
def corridor() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(":memory:")
    load(store, RecordBatch.of(synthesize(nodes=3000, seed=11)))
    yield store
    store.close()


def test_totals_of_a_ranking_question_are_the_full_evidences(corridor: EmbeddedStore
                                                             ) -> None:
    cities = [n.id for n in corridor.list_nodes(Label.CITY, limit=100)]
    industries = [n.id for n in corridor.list_nodes(Label.INDUSTRY, limit=100)]
    compared = 0
    for number, industry in enumerate(industries):
        query = LandingFilter(origin_city=cities[number % len(cities)], industry=industry,
                              as_of=date(2025, 6, 30), contacts_per_kind=2)
        full = {c.park.id: c for c in corridor.landing_candidates(query)}
        for ranked in corridor.landing_candidates(replace(query, contacts_per_kind=0)):
            assert ranked.contacts == ()
            assert replace(ranked, contacts=full[ranked.park.id].contacts) == \
                full[ranked.park.id]
            compared += bool(ranked.broker_total and ranked.professional_total)
    assert compared > 20
