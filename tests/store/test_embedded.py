"""EmbeddedStore: the shared contract, plus what only a file-backed, in-memory-indexed
store must show: reopening, graph == file, durability under kill -9, threads."""

from __future__ import annotations

import gc
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from alliance.errors import BackendUnavailable, Invalid, NotFound
from alliance.store.base import GraphStore
from alliance.store.embedded import EmbeddedStore
from alliance.store.embedded.adjacency import TYPE_ORDER, TYPES, Compact, Graph, key_of
from alliance.store.graph_paths import simple_paths
from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType, Role
from tests import factories as f
from tests.store.contract import GraphStoreContract, load_corridor

ROOT = Path(__file__).resolve().parents[2]


class TestEmbeddedStore(GraphStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[GraphStore]:
        with EmbeddedStore(tmp_path / "g.sqlite3") as store:
            yield store


Snapshot = tuple[dict[str, Any], dict[Any, Any], dict[str, int], dict[str, set[str]]]


def check_layout(graph: Graph) -> dict[RelKey, RelRecord]:
    """The invariants of the adjacency layout; returns every relationship by key.

    Each relationship is in its source's outgoing and its target's incoming list, once
    each (equal: records read from the arrays are built per read); every list is grouped
    in type order; keys are unique; ends are nodes; the per-type counts are right; the
    record-free reads agree with the records; a node's own list is kept only while it
    overrides rows of the arrays.
    """
    by_key: dict[RelKey, RelRecord] = {}
    incoming: dict[RelKey, int] = {}
    others = set(sorted(graph.nodes)[::2])
    for node in graph.nodes:
        outgoing, arriving = graph.out_all(node), graph.in_all(node)
        for rels in (outgoing, arriving):
            orders = [TYPE_ORDER[rel.type] for rel in rels]
            assert orders == sorted(orders)
        assert all(rel.source == node for rel in outgoing)
        assert all(rel.target == node for rel in arriving)
        assert graph.ends(node) == [rel.target for rel in outgoing] + [
            rel.source for rel in arriving]
        assert graph.degree(node) == len(outgoing) + len(arriving)
        for rel_type in RelType:
            assert graph.out_ends(node, rel_type) == [
                rel.target for rel in graph.out_rels(node, rel_type)]
            assert graph.in_ends(node, rel_type) == [
                rel.source for rel in graph.in_rels(node, rel_type)]
            assert graph.out_targets(node, rel_type) == [
                (rel.target, rel.properties) for rel in graph.out_rels(node, rel_type)]
            assert graph.rels_with(node, rel_type, True, others) == [
                rel for rel in graph.out_rels(node, rel_type) if rel.target in others]
            assert graph.rels_with(node, rel_type, False, others) == [
                rel for rel in graph.in_rels(node, rel_type) if rel.source in others]
        for rel in outgoing:
            assert rel.target in graph
            assert rel.key not in by_key
            by_key[rel.key] = rel
        for rel in arriving:
            incoming[rel.key] = incoming.get(rel.key, 0) + 1
    assert incoming == dict.fromkeys(by_key, 1)
    assert all(incoming_rel == by_key[incoming_rel.key]
               for node in graph.nodes for incoming_rel in graph.in_all(node))
    assert sorted(by_key) == sorted(rel.key for rel in graph.relationships())
    for rel_type in RelType:
        assert graph.count(rel_type) == sum(1 for rel in by_key.values() if rel.type is rel_type)
    arrays = graph.compact.number
    for lists in (graph._out, graph._in):
        assert not [n for n, rels in lists.items()
                    if n not in arrays and (not rels or n not in graph)]
        assert not [n for n, rels in lists.items() if n not in graph and rels]
    return by_key


def snapshot(store: EmbeddedStore) -> Snapshot:
    """Everything the in-memory side holds: node records, relationships by key (after
    checking the layout's invariants), counts per type, label index."""
    graph = store.graph
    edges = check_layout(graph)
    counts = {rel_type.value: graph.count(rel_type) for rel_type in RelType}
    labels = {label: ids for label, ids in store.by_label.items() if ids}
    return dict(graph.nodes), edges, counts, labels


def assert_graph_matches_file(store: EmbeddedStore, path: Path) -> None:
    with EmbeddedStore(path, read_only=True, snapshot=False) as fresh:
        assert snapshot(store) == snapshot(fresh)
        assert store.counts() == fresh.counts()


def test_reopen_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "g.sqlite3"
    with EmbeddedStore(path) as store:
        load_corridor(store)
        store.write(nodes=[f.person("ann", roles=[Role.BROKER, Role.LAWYER])])
        before = snapshot(store)
        counts = store.counts()
    with EmbeddedStore(path) as reopened:
        assert snapshot(reopened) == before
        assert reopened.counts() == counts
        assert [h.node.id for h in reopened.search("苏州")] == ["city:suzhou", "park:suzhou-sip"]


def test_graph_equals_file_after_mixed_and_failed_writes(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as store:
        load_corridor(store)
        store.write(
            nodes=[f.person("ann"), f.person("bob", roles=[Role.LAWYER]),
                   f.city("suzhou", name_zh="苏州", name_en="Soochow")],
            relationships=[f.collaborated_with("person:ann", "person:bob", deal="d1"),
                           f.collaborated_with("person:bob", "person:ann", deal="d2"),
                           f.covers("person:ann", "park:suzhou-sip"),
                           f.based_in("person:bob", "city:wuxi")],
            delete_relationships=[f.hsr_link("city:wuxi", "city:nanjing").key],
            delete_nodes=["park:kunshan-hitech"],
        )
        assert_graph_matches_file(store, path)
        before = snapshot(store)
        with pytest.raises(NotFound):
            store.write(nodes=[f.person("cat")],
                        relationships=[f.covers("person:cat", "city:atlantis")],
                        delete_nodes=["city:suzhou"])
        assert snapshot(store) == before
        assert_graph_matches_file(store, path)
        assert store.list_nodes(Label.PERSON, filters={"name_en": "Cat"}) == []


def test_sorted_listing_follows_small_and_large_writes(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.sqlite3") as store:
        store.write(nodes=[f.city(f"c-{n:03d}") for n in range(0, 200, 2)])
        assert len(store.list_nodes(Label.CITY, limit=500)) == 100
        store.write(nodes=[f.city("c-001")], delete_nodes=["city:c-000", "city:c-002"])
        first = [node.id for node in store.list_nodes(Label.CITY, limit=3)]
        assert first == ["city:c-001", "city:c-004", "city:c-006"]
        store.write(nodes=[f.city(f"c-{n:03d}") for n in range(1, 200, 2)])
        every = [node.id for node in store.list_nodes(Label.CITY, limit=500)]
        assert every == sorted(every)
        assert len(every) == 198


def test_filter_none_means_absent(tmp_path: Path) -> None:
    with EmbeddedStore(":memory:") as store:
        store.write(nodes=[f.park("old", established_year=1994), f.park("new")])
        found = store.list_nodes(Label.PARK, filters={"established_year": None})
        assert [node.id for node in found] == ["park:new"]


def test_memory_store_starts_empty() -> None:
    with EmbeddedStore(":memory:") as store:
        load_corridor(store)
        assert store.counts().labels["City"] == 7
    with EmbeddedStore(":memory:") as store:
        assert store.counts().labels["City"] == 0


def test_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "g.sqlite3")
    store.close()
    store.close()
    with pytest.raises(BackendUnavailable):
        store.write(nodes=[f.city("suzhou")])
    with pytest.raises(BackendUnavailable):
        store.get_node("city:suzhou")


def test_other_schema_version_refuses_to_open(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    EmbeddedStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(BackendUnavailable, match="version 99"):
        EmbeddedStore(path)


def test_not_a_database_is_backend_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    path.write_bytes(b"this is not a database file, just forty bytes or more of text")
    with pytest.raises(BackendUnavailable):
        EmbeddedStore(path)


def test_file_is_wal_with_full_sync(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as store:
        store.write(nodes=[f.city("suzhou")])
        assert store._conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert store._conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_concurrent_writers_and_readers(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    errors: list[BaseException] = []
    with EmbeddedStore(path) as store:
        store.write(nodes=[f.city("hub")])

        def writer(worker: int) -> None:
            try:
                for n in range(25):
                    person = f.person(f"w{worker}-{n:02d}")
                    store.write(nodes=[person], relationships=[f.based_in(person, "city:hub")])
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                errors.append(exc)

        def reader() -> None:
            try:
                for _ in range(50):
                    for neighbour in store.neighbours("city:hub"):
                        assert neighbour.node.label is Label.PERSON
                    store.list_nodes(Role.BROKER, limit=500)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
        threads += [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.counts().labels["Person"] == 150
        assert store.counts().relationships[RelType.BASED_IN.value] == 150
        assert_graph_matches_file(store, path)


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    """A writer is SIGKILLed mid-stream; every id it printed (after write returned) is there."""
    path = tmp_path / "g.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.durability_writer", str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    watchdog = threading.Timer(120, child.kill)
    watchdog.start()
    acknowledged: list[str] = []
    try:
        assert child.stdout is not None
        while len(acknowledged) < 200:
            line = child.stdout.readline()
            if not line:
                assert child.stderr is not None
                pytest.fail(f"writer stopped early: {child.stderr.read()}")
            acknowledged.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        watchdog.cancel()
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    with EmbeddedStore(path) as store:
        stored = {node.id for node in store.get_nodes(acknowledged)}
        assert stored == set(acknowledged)
        assert store._conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _brute_force_paths(graph: Graph, source: str, target: str, k: int,
                       max_hops: int, allowed: set[RelType]) -> list[tuple[str, ...]]:
    """Every simple path of the undirected view, sorted by (hops, ids), first k."""
    undirected = nx.Graph()
    undirected.add_nodes_from(graph.nodes)
    undirected.add_edges_from((rel.source, rel.target) for rel in graph.relationships()
                              if not allowed or rel.type in allowed)
    paths = [tuple(p) for p in nx.all_simple_paths(undirected, source, target, cutoff=max_hops)]
    return sorted(paths, key=lambda p: (len(p), p))[:k]


def _industries(graph: Graph, count: int) -> list[str]:
    """Put `count` industry nodes into the graph; their ids."""
    records = [f.industry(f"n{i:02d}") for i in range(count)]
    for record in records:
        graph.put_node(record)
    return [record.id for record in records]


def _paths_match_brute_force(graph: Graph, rng: random.Random, nodes: list[str],
                             types: list[RelType], *, questions: int, most_k: int,
                             most_hops: int) -> None:
    """Random path questions between the nodes: `simple_paths` gives the brute force's."""
    for _ in range(questions):
        source, target = rng.sample(nodes, 2)
        k, max_hops = rng.randint(1, most_k), rng.randint(1, most_hops)
        allowed = set(rng.sample(types, rng.randint(0, 2)))
        expected = _brute_force_paths(graph, source, target, k, max_hops, allowed)
        assert simple_paths(graph, source, target, k=k, max_hops=max_hops,
                            rel_types=sorted(allowed)) == expected


@pytest.mark.parametrize("seed", range(40))
def test_simple_paths_match_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    graph = Graph()
    nodes = _industries(graph, rng.randint(4, 14))
    types = [RelType.COLLABORATED_WITH, RelType.HOSTS, RelType.COVERS]
    for _ in range(rng.randint(3, 30)):
        u, v = rng.sample(nodes, 2)
        graph.put_rel(RelRecord(rng.choice(types), u, v, {"deal": f"d{rng.randint(0, 1)}"}))
    check_layout(graph)
    _paths_match_brute_force(graph, rng, nodes, types, questions=5, most_k=6, most_hops=6)


def _random_change(graph: Graph, model: dict[RelKey, RelRecord], rng: random.Random,
                   nodes: list[str], *, put_below: float, drop_below: float) -> None:
    """One random change to the graph and to the plain model of it: put a relationship
    (rolls below `put_below`), drop one (below `drop_below`), else drop a node and put it
    back bare; then the layout's invariants hold and the graph holds what the model holds."""
    roll = rng.random()
    u, v = rng.sample(nodes, 2)
    if roll < put_below:
        rel = RelRecord(rng.choice(list(RelType)), u, v,
                        {"deal": f"d{rng.randint(0, 2)}", "n": rng.randint(0, 9)})
        graph.put_rel(rel)
        model[rel.key] = rel
    elif roll < drop_below and model:
        key = rng.choice(sorted(model))
        assert graph.drop_rel(key) == model.pop(key)
    else:
        dropped = graph.drop_node(u)
        assert dropped is not None
        gone = {key for key in model if u in (key[1], key[2])}
        assert dropped[1] == {end for key in gone for end in key[1:3]} - {u}
        for key in gone:
            del model[key]
        graph.put_node(f.industry(u.removeprefix("industry:")))
    assert check_layout(graph) == model


@pytest.mark.parametrize("seed", range(30))
def test_graph_changes_keep_the_layout(seed: int) -> None:
    """Random puts, replacements and drops of nodes and relationships keep every
    invariant, and the graph holds what a plain model of the same changes holds."""
    rng = random.Random(seed)
    graph = Graph()
    model: dict[RelKey, RelRecord] = {}
    nodes = _industries(graph, rng.randint(2, 10))
    for _ in range(rng.randint(5, 80)):
        _random_change(graph, model, rng, nodes, put_below=0.6, drop_below=0.85)
        for key, rel in model.items():
            assert graph.find(key) is rel


def _from_arrays(nodes: list[str], rels: list[RelRecord]) -> Graph:
    """A graph whose relationships are `Compact` arrays, made as an open makes them:
    runs per type in the table's key order (source, target, key text)."""
    graph = Graph()
    for node in nodes:
        graph.put_node(f.industry(node.removeprefix("industry:")))
    number = {node: at for at, node in enumerate(graph.nodes)}
    maps: list[dict[str, Any]] = [{}]
    texts, text_at = bytearray(), array("q", [0])
    runs = []
    for order, rel_type in enumerate(TYPES):
        rows = sorted((rel.source, rel.target, json.dumps([rel.properties.get(name) for name
                                                            in REL_SPECS[rel_type].key]), rel)
                      for rel in rels if rel.type is rel_type)
        if rows:
            sources, targets, map_numbers = array("i"), array("i"), array("i")
            for source, target, _, rel in rows:
                sources.append(number[source])
                targets.append(number[target])
                if len(map_numbers) % 2:  # every other map out of line, as UTF-8 JSON
                    map_numbers.append(-len(text_at))
                    texts += json.dumps(rel.properties).encode()
                    text_at.append(len(texts))
                else:
                    map_numbers.append(len(maps))
                    maps.append(rel.properties)
            runs.append((order, sources, targets, map_numbers))
    graph.attach(Compact.rows(list(graph.nodes), number, runs, maps, (texts, text_at)))
    return graph


@pytest.mark.parametrize("seed", range(30))
def test_changes_over_the_arrays_keep_the_layout(seed: int) -> None:
    """A graph loaded as arrays, then changed at random (nodes' own lists override the
    arrays), holds what a plain model holds, in the order a reopen would give."""
    rng = random.Random(seed)
    nodes = [f"industry:n{i:02d}" for i in range(rng.randint(2, 10))]
    types = list(RelType)
    model: dict[RelKey, RelRecord] = {}
    for _ in range(rng.randint(0, 60)):
        u, v = rng.sample(nodes, 2)
        rel = RelRecord(rng.choice(types), u, v, {"deal": f"d{rng.randint(0, 2)}"})
        model[rel.key] = rel
    graph = _from_arrays(nodes, list(model.values()))
    assert check_layout(graph) == model
    for _ in range(rng.randint(5, 60)):
        _random_change(graph, model, rng, nodes, put_below=0.5, drop_below=0.8)
        assert {key: graph.find(key) for key in model} == model
    fresh = _from_arrays(nodes, list(model.values()))  # what a reopen loads
    assert check_layout(fresh) == model
    for node in nodes:  # within a node and type: the table's key order, both sides
        for rel_type in types:
            for rels, end in ((fresh.out_rels(node, rel_type), "target"),
                              (fresh.in_rels(node, rel_type), "source")):
                order = [(getattr(rel, end), json.dumps(key_of(rel)[3])) for rel in rels]
                assert order == sorted(order)


def test_bulk_write_and_load_leave_the_collector_running(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as store:
        store.write(nodes=[f.industry(f"i-{n:04d}") for n in range(1200)])
    assert gc.isenabled()
    with EmbeddedStore(path) as store:
        assert store.counts().labels["Industry"] == 1200
    assert gc.isenabled()


def _indexes(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        found = sorted(row[1] for row in conn.execute("PRAGMA index_list(relationships)")
                       if row[1].startswith("relationships_"))
    conn.close()
    return found


def test_a_stream_into_an_empty_store_keeps_its_indexes_and_checks(tmp_path: Path) -> None:
    """The bulk settings of write_stream (end indexes built after the rows, foreign keys
    off) change nothing a reader or a later write sees: the indexes are there after a
    good and a failed stream, ends from earlier batches are found, a missing end or a
    wrong label stores nothing, and foreign keys hold again for later writes."""
    nodes, rels = f.corridor()
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as store:
        ghost = [f.rel(RelType.COVERS, f.person("ghost").id, nodes[0].id)]
        with pytest.raises(NotFound):
            store.write_stream([(nodes, []), ([], rels), ([], ghost)])
        assert _indexes(path) == ["relationships_source", "relationships_target"]
        wrong = [RelRecord(RelType.COVERS, rels[0].target, rels[0].target)]
        with pytest.raises(Invalid, match="COVERS source must be a Person"):
            store.write_stream([(nodes, []), ([], wrong)])
        assert not any(store.counts().relationships.values())
        store.write_stream([(nodes[:len(nodes) // 2], []), (nodes[len(nodes) // 2:], rels)])
        assert _indexes(path) == ["relationships_source", "relationships_target"]
        assert sum(store.counts().relationships.values()) == len(rels)
        (foreign_keys,) = store._conn.execute("PRAGMA foreign_keys").fetchone()
        assert foreign_keys == 1
    with EmbeddedStore(path, read_only=True) as reopened:
        assert_graph_matches_file(reopened, path)


def test_a_stream_is_one_transaction_and_the_graph_its_file(tmp_path: Path) -> None:
    """write_stream: every batch or none (a bad batch, or an iterator that fails, after
    good ones stores nothing and leaves the graph as it was); after a good stream the
    graph is the file, and the same as the one writes built."""
    nodes, rels = f.corridor()
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as store, EmbeddedStore(tmp_path / "w.sqlite3") as written:
        store.write(nodes=nodes[:2])
        before = snapshot(store)

        def failing(error: Exception) -> Iterator[tuple[list[NodeRecord], list[RelRecord]]]:
            yield nodes, []
            yield [], rels
            raise error

        dangling = [f.rel(RelType.COVERS, f.person("ghost").id, nodes[0].id)]
        with pytest.raises(NotFound):
            store.write_stream([(nodes, []), ([], rels), ([], dangling)])
        with pytest.raises(RuntimeError):
            store.write_stream(failing(RuntimeError("stop")))
        assert snapshot(store) == before
        assert_graph_matches_file(store, path)

        parts: list[tuple[list[NodeRecord], list[RelRecord]]] = [
            (nodes[i:i + 3], []) for i in range(0, len(nodes), 3)]
        parts += [([], rels[i:i + 4]) for i in range(0, len(rels), 4)]
        assert store.write_stream(parts) == len(nodes) + len(rels)
        assert_graph_matches_file(store, path)
        written.write(nodes=nodes, relationships=rels)
        assert snapshot(store) == snapshot(written)
        assert store.index == written.index


@pytest.mark.parametrize("seed", range(25))
def test_simple_paths_through_hubs_match_brute_force(seed: int) -> None:
    """Hubs (more neighbours than a short list holds) on the paths, self-loops and
    parallel relationships: the paths built around the ends are still the first k."""
    rng = random.Random(seed)
    graph = Graph()
    nodes = _industries(graph, rng.randint(70, 90))
    hubs = rng.sample(nodes, 2)
    types = [RelType.COLLABORATED_WITH, RelType.HOSTS, RelType.COVERS]
    for hub in hubs:
        for other in rng.sample(nodes, 68):
            graph.put_rel(RelRecord(rng.choice(types), other, hub, {"deal": "h"}))
    for _ in range(rng.randint(20, 60)):
        u, v = rng.choice(nodes), rng.choice(nodes)
        graph.put_rel(RelRecord(rng.choice(types), u, v, {"deal": f"d{rng.randint(0, 1)}"}))
    check_layout(graph)
    _paths_match_brute_force(graph, rng, nodes, types, questions=4, most_k=10, most_hops=4)


def test_collaborator_ids_are_the_candidates_ids() -> None:
    """The index's set operations count exactly the people the evidence query returns,
    over random filters on a synthetic corridor (the parity suite does it on Neo4j too)."""
    from dataclasses import replace

    from alliance.ingest.synth import synthesize
    from alliance.store.base import CollaboratorFilter
    from graph_schema.vocabulary import CertificationLevel

    records = list(synthesize(nodes=1500, seed=11))
    rng = random.Random(2)
    with EmbeddedStore(":memory:") as store:
        store.write(nodes=[r for r in records if isinstance(r, NodeRecord)],
                    relationships=[r for r in records if isinstance(r, RelRecord)])
        people = sorted(store.by_label["Person"])
        skills, cities = sorted(store.by_label["Skill"]), sorted(store.by_label["City"])
        industries = sorted(store.by_label["Industry"])
        counted = 0
        for _ in range(60):
            query = CollaboratorFilter(
                skills=tuple(rng.sample(skills, rng.choice([0, 1, 2, 3]))),
                require_all_skills=rng.random() < 0.3, min_level=rng.choice([1, 2, 4]),
                verticals=tuple(rng.sample(industries, rng.choice([0, 0, 1, 2]))),
                cities=tuple(rng.sample(cities, rng.choice([0, 0, 1, 2]))),
                roles=tuple(rng.sample(list(Role), rng.choice([0, 0, 1, 2]))),
                min_certification=rng.choice([None, None, *CertificationLevel]),
                asker=rng.choice([None, *rng.sample(people, 2)]),
                exclude=tuple(rng.sample(people, rng.choice([0, 3]))))
            expected = store.collaborator_candidates(query)
            ids = {c.person.id for c in expected}
            assert store.collaborator_ids(query) == ids, query
            among = frozenset(rng.sample(people, 200))
            assert store.collaborator_candidates(replace(query, among=among)) == [
                c for c in expected if c.person.id in among]
            counted += len(ids) > 0
        assert counted >= 20


def _flattened(graph: Graph) -> Graph:
    """A graph of the same nodes over `graph.flattened()` (what a snapshot written at
    close holds), with the key and map texts a store writes."""
    flat = Graph(dict(graph.nodes))
    flat.attach(graph.flattened(lambda rel: json.dumps(list(key_of(rel)[3])),
                                lambda properties: json.dumps(properties, sort_keys=True)))
    return flat


@pytest.mark.parametrize("seed", range(30))
def test_flattened_arrays_are_what_a_reopen_loads(seed: int) -> None:
    """Random changes over arrays, flattened back into arrays (twice, with changes
    between): the same relationships as a plain model, in the order a reopen builds on
    both sides, and no out-of-line text left that no row refers to."""
    rng = random.Random(seed)
    nodes = [f"industry:n{i:02d}" for i in range(rng.randint(2, 10))]
    model: dict[RelKey, RelRecord] = {}
    for _ in range(rng.randint(0, 60)):
        u, v = rng.sample(nodes, 2)
        rel = RelRecord(rng.choice(list(RelType)), u, v, {"deal": f"d{rng.randint(0, 2)}"})
        model[rel.key] = rel
    graph = _from_arrays(nodes, list(model.values()))
    for round_ in range(2):
        if rng.random() < 0.5:  # a node only a write added, that changes may join
            graph.put_node(f.industry(f"added{round_}"))
            nodes = [*nodes, f"industry:added{round_}"]
        for _ in range(rng.randint(0, 40)):
            _random_change(graph, model, rng, nodes, put_below=0.5, drop_below=0.8)
        flat = _flattened(graph)
        fresh = _from_arrays(list(graph.nodes), list(model.values()))  # a reopen's
        assert check_layout(flat) == model
        assert flat.compact.ids == list(graph.nodes)
        for node in graph.nodes:
            assert list(flat.out_all(node)) == list(fresh.out_all(node))
            assert list(flat.in_all(node)) == list(fresh.in_all(node))
        compact = flat.compact
        referred = {-1 - number for column in (compact.out_map, compact.in_map)
                    for number in column if number < 0}
        assert referred == set(range(len(compact.text_at) - 1))
        graph = flat
