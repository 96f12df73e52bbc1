"""Books kept across questions (`services.kept`): a question of the same company facts
reuses a place's decided book, and after any write touching policies every landing and
corridor answer is the one decided afresh (the kept values dropped)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date

from alliance.api import compact
from alliance.ingest.synth import synthesize
from alliance.services import corridor, landing, landing_models, policy_book
from alliance.services.landing import LandingRequest, Scorer
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import Label, RelType

KEPT = (policy_book.JUDGED, policy_book.CITIES, policy_book.RENT_SHARES, landing.BOOKS,
        landing.MATCHES, landing.CONTACTS, landing.SHOWN, compact.ENTRIES,
        landing_models.DIFFERING)


def _forget(store: EmbeddedStore) -> None:
    """Drop what the services and the store keep between questions."""
    for memo in KEPT:
        memo.clear()
    store.index.landing_kept.clear()


def _requests(store: EmbeddedStore, rng: random.Random, count: int) -> list[LandingRequest]:
    cities = [n.id for n in store.list_nodes(Label.CITY, limit=500)]
    industries = [n.id for n in store.list_nodes(Label.INDUSTRY, limit=500)]
    found = []
    for _ in range(count):
        found.append(LandingRequest(
            origin_city=rng.choice(cities), industry=rng.choice(industries),
            area_m2=rng.choice([0, 500, 2000]), headcount=rng.choice([None, 40]),
            as_of=rng.choice([date(2021, 6, 1), date(2024, 3, 1)]),
            profile={"stage": rng.choice(["seed", "series_a"]),
                     "high_tech_certified": rng.random() < 0.5},
            policies_per_list=rng.choice([None, 2])))
    return found


def _answers(store: EmbeddedStore, requests: list[LandingRequest], *, afresh: bool = False
             ) -> list[str]:
    """Each request's landing and corridor answers (`afresh`: with nothing kept from the
    questions before)."""
    found = []
    for request in requests:
        for ask in (landing.search, corridor.compare):
            if afresh:
                _forget(store)
            found.append(ask(store, request).model_dump_json())
    return found


def _changed_policy(node: NodeRecord, rng: random.Random) -> NodeRecord:
    """The policy with its money, rules, window or group changed."""
    props = dict(node.properties)
    move = rng.randrange(5)
    if move == 0:
        props["amount_cny"] = float(rng.choice([1000, 50_000, 2_000_000]))
        props["payment"] = "one_off"
    elif move == 1:
        props["eligibility"] = json.dumps(rng.choice([
            [], [{"field": "high_tech_certified", "op": "eq", "value": True}],
            [{"field": "stage", "op": "gte", "value": "series_a"}]]))
    elif move == 2:
        props["apply_until"] = rng.choice(["2022-01-01", "2030-01-01"])
    elif move == 3:
        props["exclusive_group"], props["tier"] = rng.choice(["g1", "g2"]), rng.randint(1, 3)
    else:
        props["beneficiary"] = rng.choice(["company", "founding_team", "broker"])
    return replace(node, properties=props)


def test_a_question_of_the_same_facts_reuses_the_book() -> None:
    store = EmbeddedStore(":memory:")
    records = list(synthesize(nodes=1500, seed=3))
    store.write(nodes=[r for r in records if isinstance(r, NodeRecord)],
                relationships=[r for r in records if isinstance(r, RelRecord)])
    request, evidence = next(
        (request, found) for request in _requests(store, random.Random(1), 40)
        for found in store.landing_candidates(landing.ranking_filter(request))
        if found.city_policies)
    books = []
    for _ in range(2):
        scorer = Scorer(request)
        inputs = scorer.book.inputs(float(evidence.park.properties["rent_cny_m2_month"]))
        books.append(scorer.park_money(evidence, inputs))
    assert books[0] is books[1]
    other = request.model_copy(update={"horizon_years": request.horizon_years + 1})
    scorer = Scorer(other)
    inputs = scorer.book.inputs(float(evidence.park.properties["rent_cny_m2_month"]))
    assert scorer.park_money(evidence, inputs) is not books[0]


def test_answers_after_policy_writes_are_decided_afresh() -> None:
    rng = random.Random(7)
    records = list(synthesize(nodes=1500, seed=3))
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rels = [r for r in records if isinstance(r, RelRecord)]
    store = EmbeddedStore(":memory:")
    store.write(nodes=nodes, relationships=rels)
    requests = _requests(store, rng, 6)
    _forget(store)
    _answers(store, requests)  # every book kept from here on
    for _ in range(14):
        policies = store.list_nodes(Label.POLICY, limit=500)
        places = [n.id for n in store.list_nodes(Label.CITY, limit=500)]
        offered = store.get_relationships(RelType.OFFERED_IN)
        move = rng.randrange(5)
        if move == 0:
            store.write(nodes=[_changed_policy(n, rng) for n in rng.sample(policies, 6)])
        elif move == 1:
            a, b = rng.sample(policies, 2)
            store.write(relationships=[RelRecord(RelType.NOT_STACKABLE_WITH, a.id, b.id, {})])
        elif move == 2:
            store.write(delete_relationships=[r.key for r in rng.sample(offered, 2)])
        elif move == 3:
            store.write(relationships=[RelRecord(RelType.OFFERED_IN, p.id, rng.choice(places),
                                                 {}) for p in rng.sample(policies, 3)])
        else:
            store.write(delete_nodes=[rng.choice(policies).id])
        assert _answers(store, requests) == _answers(store, requests, afresh=True)
    store.close()
