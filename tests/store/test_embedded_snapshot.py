"""The snapshot beside an EmbeddedStore file: used when it fits the file, never when it
is stale, damaged or another store's, and never half-written (kill -9)."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance.store.embedded import EmbeddedStore
from alliance.store.embedded import snapshot as snapshots
from alliance.store.embedded import store as store_module
from graph_schema.records import RelRecord, StoredNodeRecord
from graph_schema.vocabulary import RelType, Role
from tests import factories as f
from tests.store.contract import load_corridor
from tests.store.test_embedded import snapshot

ROOT = Path(__file__).resolve().parents[2]


def _from_file(path: Path) -> tuple[object, object]:
    """What the file holds, built from its tables (no snapshot read or written)."""
    with EmbeddedStore(path, read_only=True, snapshot=False) as fresh:
        return snapshot(fresh), fresh.index


@contextlib.contextmanager
def _builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """A list that gets an item each time a store builds its relationships from the
    tables (rather than reading them from the snapshot)."""
    built: list[bool] = []
    load = EmbeddedStore._load_relationships

    def spy(store: EmbeddedStore, numbers: object) -> None:
        built.append(True)
        load(store, numbers)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(EmbeddedStore, "_load_relationships", spy)
        yield built


def _opened(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bool, object, object]:
    """Open the store; whether it built its relationships from the tables, and what it
    holds (graph and index)."""
    with _builds(monkeypatch) as built, EmbeddedStore(path) as store:
        return bool(built), snapshot(store), store.index


def _corridor(path: Path) -> None:
    with EmbeddedStore(path) as store:
        load_corridor(store)
        store.write(nodes=[f.person("ann")],
                    relationships=[RelRecord(RelType.COVERS, "person:ann", "city:suzhou")])


def test_an_open_writes_the_snapshot_and_the_next_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.sqlite3"
    _corridor(path)
    snapshots.path_of(path).unlink()  # as the first open of a file finds it
    expected = _from_file(path)
    assert _opened(path, monkeypatch) == (True, *expected)
    assert snapshots.path_of(path).is_file()
    assert _opened(path, monkeypatch) == (False, *expected)
    assert _opened(path, monkeypatch) == (False, *expected)
    assert not list(tmp_path.glob("*.tmp"))


def _two_writes(path: Path) -> None:
    """Writes that keep every node id (so only the write counter and the log tell),
    closed without rewriting the snapshot unless the test set `_REPLAY_SHARE` so."""
    with EmbeddedStore(path) as store:
        store.write(relationships=[RelRecord(RelType.COVERS, "person:ann", "city:shanghai")])
        store.write(delete_relationships=[
            RelRecord(RelType.COVERS, "person:ann", "city:suzhou").key])


def _written_after_snapshot(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, bytes]:
    """A corridor file and its snapshot (the snapshot's path and bytes are returned), then
    two writes after which close leaves the snapshot as it was (`_REPLAY_SHARE` 0: so
    small a graph would be rewritten)."""
    monkeypatch.setattr(store_module, "_REPLAY_SHARE", 0)
    _corridor(path)
    _opened(path, monkeypatch)
    file = snapshots.path_of(path)
    older = file.read_bytes()
    _two_writes(path)
    assert file.read_bytes() == older
    return file, older


def test_an_older_snapshot_is_brought_up_to_date_from_the_write_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a few writes close leaves the snapshot as it was (as a process killed after
    its writes leaves it); the next open reads it and the logged changes from the file,
    and holds what the file holds, in a build's order."""
    path = tmp_path / "g.sqlite3"
    _written_after_snapshot(path, monkeypatch)
    built, graph, index = _opened(path, monkeypatch)
    assert not built
    assert (graph, index) == _from_file(path)
    assert "person:ann" in index.reach["city:shanghai"]  # type: ignore[attr-defined]
    assert "person:ann" not in index.reach.get("city:suzhou", {})  # type: ignore[attr-defined]
    assert _ordered(path, monkeypatch, snapshot=True) == (
        False, _ordered(path, monkeypatch, snapshot=False)[1])


def test_a_replayed_move_of_a_covered_park_moves_the_people_covering_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A park's IN_CITY is among the cities its coverers reach: replayed from the write
    log, a move of the park refreshes them (they are no end of the relationship); an
    HSR_LINK written with it is on the rail."""
    monkeypatch.setattr(store_module, "_REPLAY_SHARE", 0)
    path = tmp_path / "g.sqlite3"
    _corridor(path)
    with EmbeddedStore(path) as store:
        store.write(nodes=[f.person("bo")],
                    relationships=[f.covers("person:bo", "park:suzhou-sip")])
    snapshots.path_of(path).unlink(missing_ok=True)
    assert _opened(path, monkeypatch)[0]  # a snapshot holding bo's COVERS: not replayed
    with EmbeddedStore(path) as store:
        moved = store.graph.out_rels("park:suzhou-sip", RelType.IN_CITY)
        store.write(relationships=[f.in_city("park:suzhou-sip", "city:shanghai"),
                                   f.hsr_link("city:shanghai", "city:suzhou", minutes=7)],
                    delete_relationships=[rel.key for rel in moved])
    built, graph, index = _opened(path, monkeypatch)
    assert not built
    assert (graph, index) == _from_file(path)
    assert index.people.cities["person:bo"] == ("city:shanghai",)  # type: ignore[attr-defined]
    assert any(link.minutes == 7 for link in index.rail.values())  # type: ignore[attr-defined]


def _log_rows(path: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [write for (write,) in conn.execute("SELECT write FROM write_log ORDER BY write")]


def test_a_write_missing_from_the_log_makes_the_snapshot_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write the log does not hold (by a store without snapshot, or a file edited so)
    leaves the older snapshot unused: the open builds from the file."""
    path = tmp_path / "g.sqlite3"
    _written_after_snapshot(path, monkeypatch)
    with EmbeddedStore(path, snapshot=False) as store:  # logs nothing
        store.write(relationships=[RelRecord(RelType.COVERS, "person:ann", "city:nanjing")])
    built, graph, index = _opened(path, monkeypatch)
    assert built
    assert (graph, index) == _from_file(path)
    assert "person:ann" in index.reach["city:nanjing"]  # type: ignore[attr-defined]
    assert _log_rows(path) == []  # the build's snapshot holds every write
    _two_writes(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DELETE FROM write_log WHERE write = (SELECT max(write) FROM write_log)")
    assert _opened(path, monkeypatch) == (True, *_from_file(path))


def test_close_rewrites_the_snapshot_after_a_slow_replay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store that opened by a replay slower than `_REPLAY_SECONDS` rewrites the snapshot
    at close, without writes of its own, so that later opens need not replay."""
    path = tmp_path / "g.sqlite3"
    file, older = _written_after_snapshot(path, monkeypatch)
    _opened(path, monkeypatch)  # a fast replay: left as it is
    assert file.read_bytes() == older
    assert _log_rows(path)
    monkeypatch.setattr(store_module, "_REPLAY_SECONDS", -1.0)
    _opened(path, monkeypatch)
    assert file.read_bytes() != older
    assert _log_rows(path) == []
    assert _opened(path, monkeypatch) == (False, *_from_file(path))


def test_replayed_label_sets_iterate_as_a_build_makes_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of people whose roles change, who are deleted, added again or new, and a
    role nobody keeps: the sets of role labels replayed from the log iterate in the
    order a build from the file gives (a set's order depends on its history)."""
    path = tmp_path / "g.sqlite3"
    rng = random.Random(5)
    roles = list(Role)
    with monkeypatch.context() as patch, EmbeddedStore(path) as store:
        patch.setattr(store_module, "_REPLAY_SHARE", 10**9)  # close writes the snapshot
        store.write(nodes=[f.person(f"p{n}", roles=rng.sample(roles, rng.randint(1, 3)))
                           for n in range(400)])
    with EmbeddedStore(path) as store:
        for n in rng.sample(range(400), 120):
            store.write(delete_nodes=[f"person:p{n}"])
        store.write(nodes=[f.person(f"p{n}", roles=rng.sample(roles[:-1], rng.randint(1, 3)))
                           for n in rng.sample(range(500), 250)])
        last = store.by_label[roles[-1].value]
        store.write(nodes=[f.person(node.removeprefix("person:")) for node in last])
    built, lists = _ordered(path, monkeypatch, snapshot=True)
    assert not built
    assert lists == _ordered(path, monkeypatch, snapshot=False)[1]


def test_close_rewrites_the_snapshot_after_many_writes_and_forgets_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.sqlite3"
    _corridor(path)
    _opened(path, monkeypatch)
    file = snapshots.path_of(path)
    older = file.read_bytes()
    monkeypatch.setattr(store_module, "_REPLAY_SHARE", 10**9)  # two keys logged: too many
    _two_writes(path)
    assert file.read_bytes() != older
    assert _log_rows(path) == []
    assert _opened(path, monkeypatch) == (False, *_from_file(path))
    monkeypatch.setattr(store_module, "_REPLAY_SHARE", 1)
    _two_writes(path)
    assert len(_log_rows(path)) == 2
    assert _opened(path, monkeypatch) == (False, *_from_file(path))


def _lists(store: EmbeddedStore) -> list[object]:
    """Every node's labels and relationships in the order the graph gives them, and the
    label index's sets in their iteration order (what answers may depend on)."""
    graph = store.graph
    return [(node, list(record.labels), list(graph.out_all(node)), list(graph.in_all(node)))
            for node, record in graph.nodes.items()
            ] + [(label, list(ids)) for label, ids in sorted(store.by_label.items())]


def _ordered(path: Path, monkeypatch: pytest.MonkeyPatch, *, snapshot: bool
             ) -> tuple[bool, list[object]]:
    with (_builds(monkeypatch) as built,
          EmbeddedStore(path, read_only=True, snapshot=snapshot) as store):
        return bool(built), _lists(store)


@pytest.mark.parametrize("replayed", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_close_after_random_writes_writes_what_a_build_from_the_file_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, replayed: bool) -> None:
    """Random writes (nodes added, changed, deleted and added again, relationships added,
    replaced with new properties and deleted, maps past the shared ones kept as text),
    then close: the next open reads the snapshot (rewritten by close, or older and
    brought up to date from the write log: `replayed`), and it holds what a build from
    the file holds, in the same order (relationships per node and side, label sets'
    iteration), twice over (a snapshot of a graph read from a snapshot)."""
    monkeypatch.setattr(store_module, "_SHARED_PER_TYPE", 3)
    monkeypatch.setattr(store_module, "_REPLAY_SHARE", 0 if replayed else 10**9)
    rng = random.Random(seed)
    path = tmp_path / "g.sqlite3"
    _corridor(path)
    people = [f"person:p{n}" for n in range(12)]
    cities = ["city:suzhou", "city:shanghai", "city:nanjing"]
    for _ in range(2):
        with EmbeddedStore(path) as store:
            for _ in range(rng.randint(5, 25)):
                roll = rng.random()
                a, b = rng.sample(people, 2)
                present = [p for p in people if p in store.graph]
                if roll < 0.3 or len(present) < 2:
                    store.write(nodes=[f.person(a.removeprefix("person:"), roles=rng.sample(
                        list(Role), rng.randint(1, 4)))])  # label sets that may collide
                elif roll < 0.55:
                    a, b = rng.sample(present, 2)
                    store.write(relationships=[RelRecord(
                        RelType.COLLABORATED_WITH, a, b,
                        {"deal": f"deal {rng.randint(0, 3)}", "year": rng.randint(2000, 2009)})])
                elif roll < 0.75:
                    store.write(relationships=[RelRecord(
                        RelType.COVERS, rng.choice(present), rng.choice(cities))])
                elif roll < 0.9:
                    rels = store.relationships_of(present, RelType.COLLABORATED_WITH) + \
                        store.relationships_of(present, RelType.COVERS)
                    if rels:
                        store.write(delete_relationships=[rng.choice(rels).key])
                else:
                    store.write(delete_nodes=[rng.choice(present)])
        expected = _from_file(path)
        assert _opened(path, monkeypatch) == (False, *expected)
        assert _ordered(path, monkeypatch, snapshot=True) == (
            False, _ordered(path, monkeypatch, snapshot=False)[1])


def test_a_bulk_load_writes_a_snapshot_of_what_it_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.sqlite3"
    nodes, rels = f.corridor()
    with EmbeddedStore(path) as store:
        store.write_stream([(nodes, rels)])
    assert _opened(path, monkeypatch) == (False, *_from_file(path))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign", "code", "other store",
                                    "empty"])
def test_a_damaged_or_foreign_snapshot_is_ignored_and_rewritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    path = tmp_path / "g.sqlite3"
    _corridor(path)
    _opened(path, monkeypatch)
    file = snapshots.path_of(path)
    good = file.read_bytes()
    if damage == "truncated":
        file.write_bytes(good[: len(good) // 2])
    elif damage == "garbage":
        file.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(len(good))))
    elif damage == "empty":
        file.write_bytes(b"")
    elif damage == "foreign":  # the right stamp, then a pickle that would run a command
        with file.open("rb") as stream:
            stamp = pickle.load(stream)
        file.write_bytes(pickle.dumps(stamp) + pickle.dumps(os.system))
    elif damage == "code":
        with file.open("rb") as stream:
            stamp = pickle.load(stream)
            rest = stream.read()
        file.write_bytes(pickle.dumps(snapshots.Stamp(
            stamp.store_id, stamp.writes, "other code")) + rest)
    else:
        other = tmp_path / "other.sqlite3"
        _corridor(other)
        _opened(other, monkeypatch)
        file.write_bytes(snapshots.path_of(other).read_bytes())
    assert _opened(path, monkeypatch) == (True, *_from_file(path))
    assert _opened(path, monkeypatch) == (False, *_from_file(path))


def test_a_read_only_store_reads_but_never_writes_a_snapshot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.sqlite3"
    _corridor(path)
    snapshots.path_of(path).unlink()  # deleting it is always safe
    with EmbeddedStore(path, read_only=True):
        pass
    assert not snapshots.path_of(path).exists()
    _opened(path, monkeypatch)
    expected = _from_file(path)
    monkeypatch.setattr(EmbeddedStore, "_load_relationships", None)  # would fail if called
    with EmbeddedStore(path, read_only=True) as store:
        assert (snapshot(store), store.index) == expected


def test_kill_9_never_loses_a_write_nor_leaves_a_stale_snapshot_in_use(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child opens (writing the snapshot), writes and closes, over and over, and is
    SIGKILLed at random moments (in a build, a snapshot's writing or a write); after
    each kill every acknowledged write is there, and what an open reads (snapshot or
    not) is what the file holds."""
    path = tmp_path / "g.sqlite3"
    rng = random.Random(13)
    acknowledged: list[str] = []
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.store.snapshot_writer", str(path)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        watchdog = threading.Timer(120, child.kill)
        watchdog.start()
        try:
            assert child.stdout is not None
            for _ in range(rng.randint(3, 12)):
                line = child.stdout.readline()
                if not line:
                    assert child.stderr is not None
                    pytest.fail(f"writer stopped early: {child.stderr.read()}")
                acknowledged.append(line.strip())
            threading.Event().wait(rng.uniform(0, 0.05))
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        finally:
            watchdog.cancel()
            child.kill()
            child.wait()
        assert child.returncode == -signal.SIGKILL
        expected = _from_file(path)
        _, graph, index = _opened(path, monkeypatch)
        assert (graph, index) == expected
        with EmbeddedStore(path) as store:
            assert {node.id for node in store.get_nodes(acknowledged)} == set(acknowledged)


def test_maps_beyond_the_shared_ones_read_back_from_their_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `_SHARED_PER_TYPE` distinct texts a type's maps are kept as text: a reopen,
    from the tables or the snapshot, reads the same relationships."""
    monkeypatch.setattr(store_module, "_SHARED_PER_TYPE", 2)
    path = tmp_path / "g.sqlite3"
    people = [f.person(f"p{n}") for n in range(6)]
    deals = [RelRecord(RelType.COLLABORATED_WITH, a.id, b.id,
                       {"deal": f"deal {a.id} {b.id} 交易", "year": 2000 + n})
             for n, (a, b) in enumerate(zip(people, people[1:] + people[:1], strict=True))]
    with EmbeddedStore(path) as store:
        store.write(nodes=people, relationships=deals)
        written = snapshot(store)
    assert _opened(path, monkeypatch)[:2] == (False, written)  # the one close wrote
    snapshots.path_of(path).unlink()
    built, graph, _ = _opened(path, monkeypatch)
    assert built
    assert graph == written
    assert _opened(path, monkeypatch)[:2] == (False, written)


def test_cold_texts_are_packed_at_a_build_and_read_back_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `_PACK_AT_LEAST` cold records a build from the file packs their texts
    (`TextPacker`); every record reads back what was written: after the build, from the
    snapshot, and a record a later write adds (packed by the same packer)."""
    monkeypatch.setattr(store_module, "_PACK_AT_LEAST", 50)
    path = tmp_path / "g.sqlite3"
    companies = [f.company(f"c{n}", name_zh=f"公司{n}", headcount=n) for n in range(80)]
    written = {record.id: record.properties for record in companies}
    with EmbeddedStore(path) as store:
        store.write_stream([(companies, [])])  # loaded, then built from the file
        records = store.get_nodes(list(written))
        assert all(isinstance(r, StoredNodeRecord) and r.packer is not None
                   and len(r.text) < len(json.dumps(r.properties)) for r in records)
        assert {r.id: r.properties for r in records} == written
        late = f.company("late", name_en="Late Co.")
        store.write(nodes=[late])
        written[late.id] = late.properties
    for _ in range(2):  # from the snapshot close wrote, then without one
        with EmbeddedStore(path) as store:
            records = store.get_nodes(list(written))
            assert {r.id: r.properties for r in records} == written
            assert all(isinstance(r, StoredNodeRecord) and r.packer is not None
                       for r in records)
        snapshots.path_of(path).unlink()
