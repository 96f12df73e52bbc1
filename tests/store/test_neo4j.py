"""Neo4jStore on the real Neo4j the test command starts: the shared contract, plus what only
a server backend must show (DDL, error translation, parameterised queries, round trips)."""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import typer
from neo4j import ManagedTransaction
from typer.testing import CliRunner

from alliance.cli import db
from alliance.cli.main import app
from alliance.errors import BackendUnavailable, Conflict, Invalid, NotFound
from alliance.ingest.jsonl import GraphRecord, read_jsonl, record_line
from alliance.ingest.records import RecordBatch
from alliance.ingest.synth import synthesize
from alliance.services.elimination import Checker
from alliance.services.ingest import load
from alliance.settings import get_settings
from alliance.store.base import GraphStore, LandingFilter
from alliance.store.embedded import EmbeddedStore
from alliance.store.neo4j import Neo4jStore, cypher
from alliance.store.neo4j import store as neo4j_store_module
from alliance.store.neo4j.offline_import import write_import_files
from alliance.store.neo4j.store import _translated as translated
from alliance.store.search import SEARCHABLE_LABELS
from graph_schema.ddl import FULLTEXT_INDEX, ddl_statements
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import (
    CertificationLevel,
    FacilityType,
    Label,
    RelType,
    Role,
    SkillCategory,
)
from tests import factories as f
from tests.store.contract import GraphStoreContract, load_corridor
from tests.store.test_offline_import import FACTS, read_back

pytestmark = [pytest.mark.neo4j, pytest.mark.xdist_group("neo4j")]
"""One database is shared by every test here, so under xdist they must run in one worker."""


def empty_database(store: Neo4jStore) -> None:
    """Delete every node, in batches (an auto-commit transaction, as IN TRANSACTIONS needs)."""
    with store._driver.session(database=store.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                    ).consume()


@pytest.fixture(scope="session")
def neo4j_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """One store (one driver) for the session; DDL applied once at open."""
    store = Neo4jStore(neo4j_uri)
    yield store
    store.close()


@pytest.fixture
def neo(neo4j_store: Neo4jStore) -> Neo4jStore:
    """The session's store, emptied."""
    empty_database(neo4j_store)
    return neo4j_store


class TestNeo4jStore(GraphStoreContract):
    @pytest.fixture
    def store(self, neo: Neo4jStore) -> GraphStore:
        return neo


# --------------------------------------------------------------------------- schema


def test_ddl_is_applied_and_repeatable(neo: Neo4jStore) -> None:
    neo.apply_schema()
    neo.apply_schema()
    records, _, _ = neo._driver.execute_query(
        "SHOW INDEXES YIELD name, state, labelsOrTypes, properties, owningConstraint "
        "RETURN *", database_=neo.database)
    assert all(record["state"] == "ONLINE" for record in records)
    access = {"AccessKey", "AuditEntry", "AccessCounter", "Webhook", "WebhookDelivery"}
    records = [record for record in records  # the access data's own (alliance.access.neo4j)
               if not set(record["labelsOrTypes"] or ()) & access]
    names = {record["name"] for record in records}
    assert FULLTEXT_INDEX in names
    unique_ids = {record["labelsOrTypes"][0] for record in records
                  if record["owningConstraint"] and record["properties"] == ["id"]}
    assert unique_ids == {label.value for label in Label}
    # graph_schema's DDL, the store's search indexes, and Neo4j's own two lookup indexes
    assert len(names) == len(ddl_statements()) + len(SEARCHABLE_LABELS) + 2


def test_schema_cypher_command_runs_twice_on_neo4j(neo: Neo4jStore) -> None:
    result = CliRunner().invoke(app, ["schema", "cypher"])
    assert result.exit_code == 0, result.output
    statements = [line.strip().rstrip(";") for line in result.output.split(";\n")
                  if line.strip()]
    assert statements
    for _ in range(2):
        for statement in statements:
            neo._driver.execute_query(statement, database_=neo.database)


# --------------------------------------------------------------------------- round trips


def test_seed_round_trips_exactly(neo: Neo4jStore, seed_batch: RecordBatch) -> None:
    load(neo, seed_batch)
    by_id = {node.id: node for node in seed_batch.nodes}
    stored = neo.get_nodes(list(by_id))
    assert stored == list(by_id.values())
    for rel_type in RelType:
        expected = sorted((r for r in seed_batch.relationships if r.type is rel_type),
                          key=lambda r: r.key)
        assert neo.get_relationships(rel_type) == expected
    load(neo, seed_batch)  # idempotent
    labels, types = seed_batch.counts()
    counts = neo.counts()
    assert {k: v for k, v in counts.labels.items() if v} == dict(labels)
    assert {k: v for k, v in counts.relationships.items() if v} == dict(types)


def test_every_value_type_round_trips(neo: Neo4jStore) -> None:
    person = f.person("ann", roles=[Role.BROKER, Role.PATENT_AGENT], public_contact=True,
                      languages=["zh", "en"], email="ann@example.com")
    policy = f.policy("p")
    store_them = [person, policy, f.park("p", facility_types=["cleanroom", "office"])]
    neo.write(nodes=store_them)
    assert neo.get_nodes([n.id for n in store_them]) == store_them
    assert neo.get_node("person:ann") == person
    assert isinstance(neo.get_node("policy:p"), NodeRecord)


# --------------------------------------------------------------------------- errors


def test_unreachable_server_is_backend_unavailable() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(BackendUnavailable):
        Neo4jStore(f"bolt://127.0.0.1:{port}", connection_timeout=2.0)


def test_closed_store_refuses_calls(neo4j_uri: str) -> None:
    store = Neo4jStore(neo4j_uri, apply_schema=False)
    store.close()
    store.close()
    with pytest.raises(BackendUnavailable):
        store.get_node("city:suzhou")
    with pytest.raises(BackendUnavailable):
        store.write(nodes=[f.city("suzhou")])


def test_a_value_neo4j_cannot_hold_is_invalid_and_nothing_is_written(neo: Neo4jStore) -> None:
    city = f.city("suzhou")
    nested = NodeRecord(city.id, city.label, city.labels,
                        {**city.properties, "extra": {"nested": "map"}})
    with pytest.raises(Invalid) as caught:
        neo.write(nodes=[f.city("wuxi"), nested])
    assert caught.value.field == "properties"
    assert neo.get_node("city:wuxi") is None


def test_labels_outside_the_schema_are_refused(neo: Neo4jStore) -> None:
    city = f.city("suzhou")
    with pytest.raises(Invalid) as caught:
        neo.write(nodes=[NodeRecord(city.id, city.label, frozenset({"City", "Hacker"}),
                                    city.properties)])
    assert caught.value.field == "labels"
    with pytest.raises(Invalid) as caught:
        neo.write(nodes=[NodeRecord("park:x", Label.CITY, frozenset({"City"}),
                                    city.properties)])
    assert caught.value.field == "id"


def test_constraint_error_is_conflict(neo: Neo4jStore) -> None:
    """A duplicate that slips past the pre-check (another writer) still ends as Conflict."""
    neo.write(nodes=[f.city("suzhou")])
    with pytest.raises(Conflict), translated():
        neo._driver.execute_query("CREATE (:City {id: 'city:suzhou'})", database_=neo.database)
    with pytest.raises(Conflict):
        neo.write(nodes=[f.city("a"), f.city("a")], create_only=True)
    assert neo.get_node("city:a") is None


def test_missing_end_after_deletes_in_the_same_batch(neo: Neo4jStore) -> None:
    neo.write(nodes=[f.city("suzhou"), f.park("p")])
    with pytest.raises(NotFound):
        neo.write(nodes=[f.park("q")], relationships=[f.in_city("park:q", "city:gone")])
    assert neo.get_node("park:q") is None


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize("text", [
    "') MATCH (n) DETACH DELETE n //",
    "\" OR 1=1 --",
    "苏州'}) RETURN n //",
    "*:*",
    "name_zh:苏州 OR name_en:*",
])
def test_user_text_is_only_ever_a_parameter(neo: Neo4jStore, text: str) -> None:
    load_corridor(neo)
    before = neo.counts()
    assert neo.search(text) == []
    assert neo.list_nodes(Label.CITY, filters={text: text}) == []
    assert neo.list_nodes(text) == []
    assert neo.get_node(text) is None
    assert neo.get_relationships(RelType.HSR_LINK, source=text) == []
    with pytest.raises(NotFound):
        neo.neighbours(text)
    assert neo.counts() == before


def test_role_label_search_and_listing(neo: Neo4jStore) -> None:
    neo.write(nodes=[f.person("ann", name_zh="安", name_en="Ann Lee",
                              roles=[Role.BROKER, Role.LAWYER]),
                     f.person("bob", name_en="Bob Lee", roles=[Role.ACCOUNTANT])])
    assert [h.node.id for h in neo.search("lee", labels=[Role.LAWYER])] == ["person:ann"]
    assert [h.node.id for h in neo.search("lee")] == ["person:ann", "person:bob"]


def test_rail_minutes_are_rebuilt_at_start_for_a_graph_without_them(neo: Neo4jStore) -> None:
    """A graph written by an older version (no stored rail minutes) is ready after a
    store opens it: the landing query's rail limit reads them."""
    nodes, rels = f.corridor()
    neo.write(nodes=nodes, relationships=rels)
    query = LandingFilter(origin_city="city:shanghai", industry="industry:biomedicine",
                          max_rail_minutes=120, as_of=date(2025, 6, 30))
    expected = neo.landing_candidates(query)
    assert expected
    neo._driver.execute_query("MATCH (c:City) REMOVE c._rail_cities, c._rail_minutes",
                              database_=neo.database)
    assert neo.landing_candidates(query) == []
    with Neo4jStore(neo.uri) as reopened:
        assert reopened.landing_candidates(query) == expected
    city = neo.get_node("city:shanghai")
    assert city is not None
    assert "_rail_cities" not in city.properties


def _codes_by_hand(store: Neo4jStore, query: LandingFilter) -> dict[int, int]:
    """The elimination view's counts the generic way: every park's facts, coded by the
    Checker (the one definition of the hard constraints)."""
    checker = Checker(store, query)
    return dict(Counter(checker.code(facts) for facts in store.park_facts()))


def _assert_failure_codes_agree(store: Neo4jStore) -> None:
    cities = [node.id for node in store.list_nodes(Label.CITY)]
    industries = [node.id for node in store.list_nodes(Label.INDUSTRY)]
    asked = 0
    for index, (city, industry) in enumerate(
            (city, industry) for city in cities for industry in industries):
        query = LandingFilter(
            origin_city=city, industry=industry, min_area_m2=(0.0, 4000.0, 6000.0)[index % 3],
            facility_types=(FacilityType.STANDARD_FACTORY,) if index % 2 else (),
            max_rent_cny_m2_month=(None, 40.0)[index % 2],
            max_rail_minutes=(None, 0, 30, 120)[index % 4], as_of=date(2025, 6, 30))
        assert store.failure_codes(query) == _codes_by_hand(store, query), query
        asked += 1
    assert asked >= 2


def test_failure_codes_count_what_the_checker_counts_after_every_write(
        neo: Neo4jStore) -> None:
    """The server-side count (from each park's precomputed city and hosted industries)
    equals the Checker's over `park_facts`, also after writes that move a park, change
    what it hosts, or delete the city or industry it links to."""
    nodes, rels = f.corridor()
    neo.write(nodes=nodes, relationships=rels)
    _assert_failure_codes_agree(neo)
    neo.write(relationships=[f.in_city("park:wuxi-hitech", "city:suzhou"),
                             f.hosts("park:kunshan-hitech", "industry:biomedicine")],
              delete_relationships=[f.in_city("park:wuxi-hitech", "city:wuxi").key])
    assert neo.park_facts()[2].city == "city:suzhou"
    _assert_failure_codes_agree(neo)
    neo.write(nodes=[f.park("kunshan-hitech", available_area_m2=100.0)])
    _assert_failure_codes_agree(neo)
    neo.write(delete_nodes=["city:suzhou", "industry:medical-devices"])
    assert {facts.park.id: facts.city for facts in neo.park_facts()}["park:wuxi-hitech"] is None
    _assert_failure_codes_agree(neo)
    park = neo.get_node("park:kunshan-hitech")
    assert park is not None
    assert "_hosts" not in park.properties
    assert "_city" not in park.properties


def test_park_facts_are_rebuilt_at_start_for_a_graph_without_them(neo: Neo4jStore) -> None:
    nodes, rels = f.corridor()
    neo.write(nodes=nodes, relationships=rels)
    query = LandingFilter(origin_city="city:shanghai", industry="industry:biomedicine",
                          max_rail_minutes=120, as_of=date(2025, 6, 30))
    expected = _codes_by_hand(neo, query)
    neo._driver.execute_query("MATCH (p:Park) REMOVE p._city, p._hosts",
                              database_=neo.database)
    assert neo.failure_codes(query) != expected
    with Neo4jStore(neo.uri) as reopened:
        assert reopened.failure_codes(query) == expected


def test_contacts_follow_writes_to_people_skills_and_industries(neo: Neo4jStore) -> None:
    """The landing query ranks contacts from each person's precomputed expertise and
    skills: after writes to a person, their skills, a skill's category, their expertise,
    and deletions of a skill and an industry, its contacts are EmbeddedStore's."""
    embedded = EmbeddedStore(":memory:")
    nodes, rels = f.corridor()
    people = [f.person("ann", roles=[Role.BROKER, Role.LAWYER]),
              f.person("bob", roles=[Role.ACCOUNTANT]), f.skill("ip-law"),
              f.skill("audit", category=SkillCategory.ACCOUNTING)]
    links = [f.covers("person:ann", "city:suzhou"), f.based_in("person:bob", "city:suzhou"),
             f.expert_in("person:ann", "industry:biomedicine"),
             f.has_skill("person:ann", "skill:ip-law", level=4),
             f.has_skill("person:bob", "skill:audit", level=2)]
    steps: list[dict[str, Any]] = [
        {"nodes": [*nodes, *people], "relationships": [*rels, *links]},
        {"delete_relationships": [f.expert_in("person:ann", "industry:biomedicine").key]},
        {"nodes": [f.skill("audit", category=SkillCategory.TECHNOLOGY)]},
        {"relationships": [f.has_skill("person:bob", "skill:ip-law", level=5),
                           f.expert_in("person:bob", "industry:medical-devices")]},
        {"nodes": [f.person("ann", roles=[Role.LAWYER])]},
        {"delete_nodes": ["skill:ip-law", "industry:medical-devices"]},
    ]
    query = LandingFilter(origin_city="city:shanghai", industry="industry:biomedicine",
                          as_of=date(2025, 6, 30))
    totals = replace(query, contacts_per_kind=0)  # counted from the cities' numbers
    shown = []
    with embedded:
        for step in steps:
            neo.write(**step)
            embedded.write(**step)
            expected = embedded.landing_candidates(query)
            assert neo.landing_candidates(query) == expected, step
            assert neo.landing_candidates(totals) == embedded.landing_candidates(totals), step
            shown.append([(c.park.id, [(p.person.id, p.kind, p.skills) for p in c.contacts])
                          for c in expected])
    assert len({repr(contacts) for contacts in shown}) >= 3  # the writes moved them
    person = neo.get_node("person:bob")
    assert person is not None
    assert not set(person.properties) & {"_skills", "_expert_in"}


def test_city_contact_counts_follow_every_write_and_a_bulk_write_marks_them_stale(
        neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranking reads each city's precomputed contact counts and each park's coverers'
    numbers: recounted by small writes, removed by large ones (the query then counts the
    city's people and reads the park's coverers itself) and written again by
    `refresh_city_contacts`; the totals are EmbeddedStore's throughout."""
    embedded = EmbeddedStore(":memory:")
    nodes, rels = f.corridor()
    people = [f.person("ann", roles=[Role.BROKER, Role.LAWYER]),
              f.person("bob", roles=[Role.ACCOUNTANT]),
              f.skill("audit", category=SkillCategory.ACCOUNTING)]
    steps: list[dict[str, Any]] = [
        {"nodes": [*nodes, *people], "relationships": [
            *rels, f.covers("person:ann", "city:suzhou"),
            f.expert_in("person:ann", "industry:biomedicine"),
            f.has_skill("person:bob", "skill:audit", level=2)]},
        {"relationships": [f.based_in("person:bob", "city:suzhou")]},
        {"relationships": [f.covers("person:bob", "city:suzhou")]},
        {"relationships": [f.covers("person:bob", "park:suzhou-sip"),
                           f.covers("person:ann", "park:suzhou-sip")]},
        {"nodes": [f.person("bob", roles=[Role.BROKER])],
         "relationships": [f.expert_in("person:bob", "industry:medical-devices")]},
        {"delete_relationships": [f.covers("person:ann", "city:suzhou").key]},
        {"delete_relationships": [f.covers("person:ann", "park:suzhou-sip").key]},
        {"nodes": [f.city("suzhou")]},
        {"delete_nodes": ["person:bob"]},
    ]
    questions = [LandingFilter(origin_city="city:shanghai", industry=industry,
                               as_of=date(2025, 6, 30), contacts_per_kind=0)
                 for industry in ("industry:biomedicine", "industry:medical-devices")]
    stale_seen, moved = False, set()
    with embedded:
        for number, step in enumerate(steps):
            # Every other step as a bulk load's batch: counts removed, not rewritten.
            for limit in ("CITY_REFRESH_LIMIT", "PARK_REFRESH_LIMIT"):
                monkeypatch.setattr(neo4j_store_module, limit, 0 if number % 2 else 16)
            neo.write(**step)
            embedded.write(**step)
            stale = [node_id for check in (cypher.STALE_CITIES, cypher.STALE_PARKS)
                     for node_id in neo._driver.execute_query(
                         check, database_=neo.database).records[0]["ids"]]
            stale_seen = stale_seen or bool(stale)
            for question in questions:
                expected = embedded.landing_candidates(question)
                assert neo.landing_candidates(question) == expected, step
            if number % 2:
                assert neo.refresh_city_contacts() == len(stale)
                for question in questions:
                    assert neo.landing_candidates(question) \
                        == embedded.landing_candidates(question), step
            moved.add(repr([(c.park.id, c.broker_total, c.professional_total)
                            for c in embedded.landing_candidates(questions[0])]))
    assert stale_seen
    assert len(moved) >= 3  # the writes changed the totals


def test_shown_contacts_come_from_each_citys_best_kept_people(
        neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shown parks rank their city's best kept people (`TOP_CONTACTS` per kind and
    industry, here 1), kept by every write; a park whose own coverers leave fewer than it
    shows (zed: the city's best professional, but the park's broker) ranks the city's
    people as before. The contacts are EmbeddedStore's throughout."""
    monkeypatch.setattr(cypher, "TOP_CONTACTS", 1)
    embedded = EmbeddedStore(":memory:")
    nodes, rels = f.corridor()
    brokers = [f.person("ann", certification_level=CertificationLevel.SENIOR),
               f.person("bob", certification_level=CertificationLevel.JUNIOR), f.person("cat")]
    steps: list[dict[str, Any]] = [
        {"nodes": [*nodes, *brokers, f.skill("audit", category=SkillCategory.ACCOUNTING),
                   f.person("zed", roles=[Role.BROKER, Role.LAWYER]),
                   f.person("yan", roles=[Role.ACCOUNTANT])],
         "relationships": [
             *rels,
             *(f.covers(broker.id, "city:suzhou") for broker in brokers),
             *(f.expert_in(broker.id, "industry:biomedicine") for broker in brokers),
             f.based_in("person:zed", "city:suzhou"), f.covers("person:zed", "park:suzhou-sip"),
             f.expert_in("person:zed", "industry:biomedicine"),
             f.has_skill("person:zed", "skill:audit", level=3),
             f.based_in("person:yan", "city:suzhou"),
             f.has_skill("person:yan", "skill:audit", level=2)]},
        {"nodes": [f.person("cat", certification_level=CertificationLevel.SENIOR)]},
        {"delete_relationships": [f.covers("person:ann", "city:suzhou").key]},
        {"relationships": [f.covers("person:cat", "park:suzhou-sip")]},
        {"delete_relationships": [f.covers("person:zed", "park:suzhou-sip").key]},
    ]
    questions = [LandingFilter(origin_city="city:shanghai", industry="industry:biomedicine",
                               as_of=date(2025, 6, 30), contacts_per_kind=keep)
                 for keep in (1, 2)]
    shown = set()
    with embedded:
        for step in steps:
            neo.write(**step)
            embedded.write(**step)
            for question in questions:
                expected = embedded.landing_candidates(question)
                assert neo.landing_candidates(question) == expected, (step, question)
                shown.add(repr([[p.person.id for p in c.contacts] for c in expected]))
    assert len(shown) >= 6  # the writes moved who is shown


def test_proof_counts_are_the_embedded_stores(neo: Neo4jStore,
                                              seed_batch: RecordBatch) -> None:
    """ProofCounter in one round trip: the referrals ending at each person and their
    signed or landed deals, as EmbeddedStore's index keeps them; unknown ids count
    nothing."""
    extra = [f.person("ann"), f.person("bob"),
             f.collaborated_with("person:ann", "person:bob", stage="landed"),
             f.collaborated_with("person:bob", "person:ann", deal="two", stage="signed"),
             f.collaborated_with("person:ann", "person:bob", deal="three", stage="dropped")]
    nodes = [*seed_batch.nodes, *[r for r in extra if isinstance(r, NodeRecord)]]
    rels = [*seed_batch.relationships, *[r for r in extra if isinstance(r, RelRecord)]]
    neo.write(nodes=nodes, relationships=rels)
    people = sorted({node.id for node in nodes if node.label is Label.PERSON}
                    | {"person:nobody", "city:nowhere"})
    with EmbeddedStore(":memory:") as embedded:
        embedded.write(nodes=nodes, relationships=rels)
        expected = embedded.proof_counts(people)
    counted = neo.proof_counts(people)
    assert counted == expected
    assert counted["person:ann"] == (0, 2)
    assert any(referred for referred, _ in counted.values())
    assert neo.proof_counts([]) == {}


def test_an_offline_import_carries_the_facts_the_writes_keep(neo: Neo4jStore,
                                                            tmp_path: Path) -> None:
    """The CSV of `alliance db import-files` holds each city's rail minutes, each park's
    city and hosts and each person's expertise and skills exactly as the store's writes
    keep them (an empty list left out: reads take a missing one for empty), so
    `import-finish` rebuilds nothing."""
    nodes, rels = f.corridor()
    extra: list[NodeRecord | RelRecord] = [
        f.person("ann", roles=[Role.BROKER]), f.person("bob"), f.park("empty"),
        f.skill("audit", category=SkillCategory.ACCOUNTING),
        f.has_skill("person:ann", "skill:audit", level=3),
        f.expert_in("person:ann", "industry:biomedicine")]
    every: list[NodeRecord | RelRecord] = [*nodes, *rels, *extra,
                                           *synthesize(nodes=1000, seed=5)]
    records = list({(r.id if isinstance(r, NodeRecord) else r.key): r
                    for r in every}.values())
    write_import_files(records, tmp_path)
    carried, _ = read_back(tmp_path)
    neo.write(nodes=[r for r in records if isinstance(r, NodeRecord)],
              relationships=[r for r in records if isinstance(r, RelRecord)])
    stored = neo._driver.execute_query(
        "MATCH (n:City|Park|Person) RETURN n.id AS id, properties(n) AS properties",
        database_=neo.database).records
    assert len(stored) == len([r for r in records if isinstance(r, NodeRecord)
                               and r.label in (Label.CITY, Label.PARK, Label.PERSON)])
    for row in stored:
        kept = {name: value for name, value in row["properties"].items()
                if name in FACTS and value != []}
        assert {name: value for name, value in carried[row["id"]][1].items()
                if name in FACTS} == kept, row["id"]
    assert neo._driver.execute_query(  # a park without hosts, a person without skills
        cypher.PARK_FACTS_MISSING, database_=neo.database).records[0]["missing"] is False


def test_a_write_refreshes_the_facts_only_of_nodes_that_existed_or_that_it_links(
        neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person or park a write creates gets the facts of no relationship with its
    properties and no refresh statement (a bulk load's node batches refresh nobody); one
    that existed, and a person a fact relationship of the write reaches, are refreshed;
    another node's BASED_IN refreshes no person. The facts stay what a refresh writes."""
    refreshed: list[str] = []
    real_run = ManagedTransaction.run

    def run(self: ManagedTransaction, query: Any, parameters: Any = None,
            **kwargs: Any) -> Any:
        if query in (cypher.SET_PERSON_FACTS_REACHING, cypher.SET_PARK_FACTS):
            refreshed.extend(kwargs["ids"])
        return real_run(self, query, parameters, **kwargs)

    def facts(node_id: str) -> dict[str, Any]:
        row = neo._driver.execute_query("MATCH (n {id: $id}) RETURN properties(n) AS p",
                                        id=node_id, database_=neo.database).records[0]
        return {name: value for name, value in row["p"].items()
                if name in cypher.PERSON_FACTS or name in (cypher.PARK_CITY, cypher.PARK_HOSTS)}

    monkeypatch.setattr(ManagedTransaction, "run", run)
    neo.write(nodes=[f.city(), f.park(), f.person("ann"), f.organization(), f.skill()])
    assert refreshed == []
    assert facts("person:ann") == cypher.EMPTY_PERSON_FACTS
    assert facts("park:demo-park") == cypher.EMPTY_PARK_FACTS
    neo.write(relationships=[f.based_in(f.organization(), f.city()),
                             f.has_skill("person:ann", "skill:ip-law"),
                             f.in_city("park:demo-park", "city:suzhou")])
    assert sorted(refreshed) == ["park:demo-park", "person:ann"]
    refreshed.clear()
    neo.write(nodes=[f.person("ann"), f.park(), f.person("bob")])
    assert sorted(refreshed) == ["park:demo-park", "person:ann"]
    assert facts("person:ann") == {**cypher.EMPTY_PERSON_FACTS, "_skills": ["skill:ip-law"],
                                   "_skill_levels": [3],
                                   "_skill_categories": [f.skill().properties["category"]]}
    assert facts("park:demo-park") == {"_city": "city:suzhou", "_hosts": []}
    assert facts("person:bob") == cypher.EMPTY_PERSON_FACTS


# --------------------------------------------------------------------------- alliance db


@pytest.fixture
def db_cli(neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    """`alliance db` on its own (registered under `db`), pointed at the test server."""
    monkeypatch.setenv("ALLIANCE_NEO4J_URI", neo.uri)
    monkeypatch.setenv("ALLIANCE_BACKEND", "embedded")  # db commands ignore the backend
    get_settings.cache_clear()
    root = typer.Typer()
    root.add_typer(db.app, name="db")
    yield root
    get_settings.cache_clear()


def test_db_init_load_and_export_round_trip(db_cli: typer.Typer, neo: Neo4jStore,
                                            seed_batch: RecordBatch, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(db_cli, ["db", "init"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(db_cli, ["db", "load", "--batch-size", "700", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["nodes"] == len(seed_batch.nodes)
    assert neo.counts().labels["Park"] == seed_batch.counts()[0]["Park"]

    exported = tmp_path / "graph.jsonl"
    result = runner.invoke(db_cli, ["db", "export", "--format", "jsonl", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    back = read_jsonl(exported)
    assert back.errors == []
    assert sorted(back.nodes, key=lambda n: n.id) == sorted(seed_batch.nodes, key=lambda n: n.id)
    assert sorted(r.key for r in back.relationships) == sorted(
        r.key for r in seed_batch.relationships)

    graphml = tmp_path / "graph.graphml"
    result = runner.invoke(db_cli, ["db", "export", "--format", "graphml", "-o", str(graphml)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(graphml)
    assert graph.number_of_nodes() == len(seed_batch.nodes)
    assert graph.number_of_edges() == len(seed_batch.relationships)
    assert graph.nodes["city:suzhou"]["label"] == "City"

    empty_database(neo)
    result = runner.invoke(db_cli, ["db", "load", "--jsonl", str(exported)])
    assert result.exit_code == 0, result.output
    assert neo.get_nodes([n.id for n in seed_batch.nodes]) == seed_batch.nodes


def test_db_load_streams_a_file_that_lists_relationships_before_their_nodes(
        db_cli: typer.Typer, neo: Neo4jStore, seed_batch: RecordBatch, tmp_path: Path) -> None:
    """A streamed JSON-lines load writes a transaction per batch; relationships read
    before one of their end nodes wait until the nodes are stored, so the order of the
    file does not matter."""
    records: list[GraphRecord] = [*seed_batch.relationships, *seed_batch.nodes]
    lines = [record_line(record) for record in records]
    reversed_file = tmp_path / "relationships-first.jsonl"
    reversed_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(db_cli, ["db", "load", "--jsonl", str(reversed_file),
                                         "--batch-size", "97", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["relationships"] == len(seed_batch.relationships)
    assert neo.get_nodes([n.id for n in seed_batch.nodes]) == seed_batch.nodes
    stored = sorted(rel.key for rel_type in RelType for rel in neo.get_relationships(rel_type))
    assert stored == sorted(rel.key for rel in seed_batch.relationships)


def test_db_load_copies_an_embedded_store(db_cli: typer.Typer, neo: Neo4jStore,
                                          tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as embedded:
        load_corridor(embedded)
        expected = embedded.counts()
    result = CliRunner().invoke(db_cli, ["db", "load", "--embedded", str(path)])
    assert result.exit_code == 0, result.output
    assert neo.counts() == expected


def test_db_load_refuses_invalid_files_and_writes_nothing(
        db_cli: typer.Typer, neo: Neo4jStore, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text(
        '{"kind":"node","label":"City","properties":{"id":"city:a","name_zh":"甲",'
        '"name_en":"A","source":"t","as_of":"2025-01-01","province":"x","lat":31,"lon":120}}\n'
        '{"kind":"node","label":"City","properties":{"id":"city:b"}}\n', encoding="utf-8")
    result = CliRunner().invoke(db_cli, ["db", "load", "--jsonl", str(broken)])
    assert result.exit_code == 2
    assert "line 2" in result.output
    assert neo.get_node("city:a") is None


def test_db_commands_report_an_unreachable_server(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ALLIANCE_NEO4J_URI", f"bolt://127.0.0.1:{port}")
    get_settings.cache_clear()
    try:
        root = typer.Typer()
        root.add_typer(db.app, name="db")
        result = CliRunner().invoke(root, ["db", "init"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "unavailable" in result.output


def test_search_edge_cases_match_the_embedded_store(neo: Neo4jStore) -> None:
    """Names with inner line breaks, capitals, shared prefixes: same hits, same order."""
    nodes = [
        f.city("a", name_zh="苏州\n园区", name_en="Suzhou\nPark"),
        f.city("b", name_zh="苏州", name_en="SUZHOU", name_pinyin="suzhou su zhou"),
        f.park("c", name_zh="苏州工业园区", name_en="Suzhou Industrial Park"),
        f.industry("d", name_zh="园区服务", name_en="Park services", name_pinyin="x"),
        f.person("e", name_zh="苏园", name_en="Su Yuan", roles=[Role.BROKER]),
        f.company("f", name_zh="园", name_en="Yuan"),
    ]
    neo.write(nodes=nodes)
    with EmbeddedStore(":memory:") as embedded:
        embedded.write(nodes=nodes)
        for text in ("苏州", "园区", "suzhou", "su zhou", "SU", "park", "\n", "yuan", "x",
                     "u", "苏州\n园区"):
            for limit in (1, 2, 50):
                expected = embedded.search(text, limit=limit)
                assert neo.search(text, limit=limit) == expected, (text, limit)
