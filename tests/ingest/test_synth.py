"""The synthetic corridor graph: deterministic, the requested size, valid, realistically shaped."""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from alliance.ingest.jsonl import record_line
from alliance.ingest.records import RecordBatch
from alliance.ingest.synth import AS_OF, MIN_NODES, plan, synthesize
from graph_schema.nodes import pinyin_of
from graph_schema.records import NodeRecord, RelRecord, validate_node, validate_relationship
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import BenefitKind, Label, ReferralStage, RelType, Role

Records = list[NodeRecord | RelRecord]


def _split(records: Records) -> tuple[list[NodeRecord], list[RelRecord]]:
    nodes = [record for record in records if isinstance(record, NodeRecord)]
    rels = [record for record in records if isinstance(record, RelRecord)]
    return nodes, rels


def _digest(nodes: int, seed: int) -> str:
    digest = hashlib.sha256()
    for record in synthesize(nodes, seed):
        digest.update(record_line(record).encode())
        digest.update(b"\n")
    return digest.hexdigest()


@pytest.fixture(scope="module")
def small() -> Records:
    return list(synthesize(2000, 11))


@pytest.fixture(scope="module")
def medium() -> Records:
    return list(synthesize(20000, 7))


def test_same_seed_gives_identical_records_and_bytes(small: Records) -> None:
    again = list(synthesize(2000, 11))
    assert again == small
    assert [record_line(r) for r in again] == [record_line(r) for r in small]


def test_different_seed_gives_a_different_graph(small: Records) -> None:
    other = list(synthesize(2000, 12))
    assert other != small
    assert len(_split(other)[0]) == len(_split(small)[0])


def test_output_does_not_depend_on_the_process_hash_seed() -> None:
    """String hashing is randomised per process; the bytes must not be."""
    script = ("import hashlib\n"
              "from alliance.ingest.jsonl import record_line\n"
              "from alliance.ingest.synth import synthesize\n"
              "digest = hashlib.sha256()\n"
              "for record in synthesize(1000, 5):\n"
              "    digest.update(record_line(record).encode())\n"
              "    digest.update(b'\\n')\n"
              "print(digest.hexdigest())\n")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == _digest(1000, 5)


@pytest.mark.parametrize("nodes", [2000, 20000])
def test_size_is_within_five_percent(nodes: int, small: Records, medium: Records) -> None:
    records = small if nodes == 2000 else medium
    count = len(_split(records)[0])
    assert abs(count - nodes) <= 0.05 * nodes
    assert sum(plan(nodes).values()) == nodes


def test_too_small_a_graph_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        plan(MIN_NODES - 1)


def test_every_record_is_valid(small: Records) -> None:
    """Re-validating a record gives it back unchanged: what is written is what is read."""
    nodes, rels = _split(small)
    for node in nodes:
        assert validate_node(node.label, node.properties) == node
    for rel in rels:
        assert validate_relationship(rel.type, rel.source, rel.target, rel.properties) == rel
    assert {rel.type for rel in rels} == set(RelType)
    assert {node.label for node in nodes} == set(Label)


def test_ids_are_unique_and_every_end_exists(medium: Records) -> None:
    nodes, rels = _split(medium)
    ids = [node.id for node in nodes]
    known = set(ids)
    assert len(known) == len(ids)
    missing = [rel for rel in rels if rel.source not in known or rel.target not in known]
    assert missing == []


def test_relationships_come_after_both_ends_and_are_not_duplicated(small: Records) -> None:
    """A streaming loader can create each edge as soon as it reads it."""
    seen: set[str] = set()
    keys: set[tuple[object, ...]] = set()
    singles: set[tuple[RelType, str]] = set()
    for record in small:
        if isinstance(record, NodeRecord):
            seen.add(record.id)
            continue
        assert record.source in seen, record
        assert record.target in seen, record
        assert record.key not in keys, record
        keys.add(record.key)
        if REL_SPECS[record.type].single:
            assert (record.type, record.source) not in singles, record
            singles.add((record.type, record.source))


def test_collaborations_follow_a_power_law(medium: Records) -> None:
    nodes, rels = _split(medium)
    people = [node.id for node in nodes if node.label is Label.PERSON]
    collaborations = [rel for rel in rels if rel.type is RelType.COLLABORATED_WITH]
    degree = Counter(dict.fromkeys(people, 0))
    pairs = Counter(frozenset((rel.source, rel.target)) for rel in collaborations)
    for rel in collaborations:
        degree[rel.source] += 1
        degree[rel.target] += 1
    median = statistics.median(degree.values())
    assert max(degree.values()) >= 10 * max(median, 1)
    assert 1.3 <= len(collaborations) / len(people) <= 1.9
    assert any(count > 1 for count in pairs.values()), "no pair repeated with another deal"
    assert all(2015 <= rel.properties["year"] <= 2025 for rel in collaborations)


def test_vocabularies_are_covered(small: Records, medium: Records) -> None:
    for records in (small, medium):
        nodes, _ = _split(records)
        kinds = {n.properties["benefit_kind"] for n in nodes if n.label is Label.POLICY}
        stages = {n.properties["stage"] for n in nodes if n.label is Label.REFERRAL}
        assert kinds == {kind.value for kind in BenefitKind}
        assert stages == {stage.value for stage in ReferralStage}


def test_policy_windows_and_referral_dates_are_plausible(medium: Records) -> None:
    nodes, _ = _split(medium)
    policies = [n.properties for n in nodes if n.label is Label.POLICY]
    expired = [p for p in policies if p.get("valid_to") and date.fromisoformat(
        p["valid_to"]) < AS_OF]
    assert 0.08 <= len(expired) / len(policies) <= 0.25
    referrals = [n.properties for n in nodes if n.label is Label.REFERRAL]
    for referral in referrals:
        dates = [date.fromisoformat(value) for key, value in referral.items()
                 if key.endswith("_on")]
        assert max(dates) <= AS_OF
        if referral["stage"] == ReferralStage.DROPPED.value:
            assert referral["dropped_reason"]


def test_referrals_are_made_by_brokers_for_shanghai_startups(medium: Records) -> None:
    nodes, rels = _split(medium)
    by_id = {node.id: node for node in nodes}
    for rel in rels:
        if rel.type is RelType.REFERRED_BY:
            assert Role.BROKER.value in by_id[rel.target].labels
        if rel.type is RelType.REFERS:
            assert "need_area_m2" in by_id[rel.target].properties
    companies = [n for n in nodes if n.label is Label.COMPANY]
    home = {rel.source: rel.target for rel in rels if rel.type is RelType.BASED_IN}
    startups = [c for c in companies if "need_area_m2" in c.properties]
    assert 0.25 <= len(startups) / len(companies) <= 0.42
    assert {home[c.id] for c in startups} == {"city:synth-0"}


def test_rail_network_is_connected_with_plausible_times(medium: Records) -> None:
    nodes, rels = _split(medium)
    graph = nx.Graph()
    graph.add_nodes_from(node.id for node in nodes if node.label is Label.CITY)
    links = [rel for rel in rels if rel.type is RelType.HSR_LINK]
    graph.add_edges_from((rel.source, rel.target) for rel in links)
    assert nx.is_connected(graph)
    assert len(links) > graph.number_of_nodes() - 1, "no express links"
    for rel in links:
        assert rel.properties["km"] / 3.5 - 1 <= rel.properties["minutes"]
        assert rel.properties["minutes"] <= rel.properties["km"] / 3.5 + 4


def test_name_pinyin_matches_the_schema_derivation(small: Records) -> None:
    """The generator builds pinyin from cached fragments; it must equal pinyin_of."""
    for node in _split(small)[0]:
        assert node.properties["name_pinyin"] == pinyin_of(node.properties["name_zh"]), node.id


def test_a_batch_of_records_keeps_nodes_and_relationships_in_order() -> None:
    records = list(synthesize(nodes=MIN_NODES, seed=3))
    batch = RecordBatch.of(records)
    assert (batch.nodes, batch.relationships) == _split(records)
    assert not batch.errors
