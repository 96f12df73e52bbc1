"""A streamed load (`write_stream`) holds exactly what a build from the committed file
holds, in the same order, and writes that as its snapshot, whatever upserts the stream
meets; its end checks name the first refusal in the order given."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from alliance.errors import Invalid, NotFound
from alliance.ingest.records import RecordBatch
from alliance.ingest.synth import synthesize
from alliance.store.base import WriteBatch
from alliance.store.embedded import EmbeddedStore
from alliance.store.embedded import store as store_module
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import RelType, Role
from tests import factories as f
from tests.store.test_embedded import snapshot
from tests.store.test_embedded_snapshot import _from_file, _lists, _opened


def _batches(seed: int) -> list[WriteBatch]:
    """A synthetic graph cut into shuffled batches of nodes and relationships mixed (ends
    always written before), with what upserts meet in a stream: a node written again
    with other labels and properties, relationships written again with other properties
    (the later wins), several deals between one pair (COLLABORATED_WITH's key)."""
    rng = random.Random(seed)
    batch = RecordBatch.of(synthesize(nodes=1000, seed=seed))
    nodes, rels = list(batch.nodes), list(batch.relationships)
    rng.shuffle(nodes)
    rng.shuffle(rels)
    people = [node for node in nodes if node.label == "Person"]
    again: list[NodeRecord] = [f.person(person.id.removeprefix("person:"),
                                        roles=rng.sample(list(Role), rng.randint(1, 3)))
                               for person in rng.sample(people, 5)]
    pair = rng.sample(people, 2)
    deals = [RelRecord(RelType.COLLABORATED_WITH, pair[0].id, pair[1].id,
                       {"deal": f"deal {n % 3}", "year": 2000 + n}) for n in range(6)]
    rewritten = [RelRecord(rel.type, rel.source, rel.target, {"level": 1})
                 for rel in rels if rel.type == RelType.HAS_SKILL][:7]
    half = len(nodes) // 2
    parts: list[WriteBatch] = [(nodes[:half], [])]
    written = {node.id for node in nodes[:half]}
    ready = [rel for rel in rels if rel.source in written and rel.target in written]
    later = [rel for rel in rels if not (rel.source in written and rel.target in written)]
    for start in range(0, len(ready), 97):
        parts.append(([], ready[start:start + 97]))
    parts.append((nodes[half:], later[:50]))
    parts += [(again, deals[:3]), ([], later[50:]), ([], rewritten + deals[3:])]
    return parts


@pytest.mark.parametrize("seed", range(2))
def test_a_load_into_an_empty_store_holds_what_a_build_from_the_file_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    monkeypatch.setattr(store_module, "_SHARED_PER_TYPE", 4)  # maps kept as text too
    monkeypatch.setattr(store_module, "_PACK_AT_LEAST", 20)  # cold texts packed
    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as store:
        assert store.write_stream(_batches(seed)) > 0
        held = snapshot(store), store.index
        ordered = _lists(store)
    assert held == _from_file(path)
    with EmbeddedStore(path, read_only=True, snapshot=False) as fresh:
        assert ordered == _lists(fresh)
    assert _opened(path, monkeypatch) == (False, *held)  # its snapshot is the file's


def test_a_load_names_the_first_refused_end_in_the_order_given(tmp_path: Path) -> None:
    """The ends are checked per type in key order first; a refusal is then named as the
    order of the input finds it (a COVERS from a city before a BASED_IN from a company
    that does not exist, though BASED_IN sorts first), and nothing is stored."""
    nodes, rels = f.corridor()
    path = tmp_path / "g.sqlite3"
    wrong = RelRecord(RelType.COVERS, "city:suzhou", "city:suzhou")
    ghost = RelRecord(RelType.BASED_IN, "company:ghost", "city:suzhou")
    with EmbeddedStore(path) as store:
        with pytest.raises(Invalid, match="COVERS source must be a Person"):
            store.write_stream([(nodes, [*rels, wrong, ghost])])
        with pytest.raises(NotFound, match="BASED_IN source 'company:ghost'"):
            store.write_stream([(nodes, [*rels, ghost, wrong])])
        assert not store.graph.nodes
        store.write(nodes=nodes[:4])  # ends from the graph: checked there
        store.write_stream([(nodes[4:], rels)])
        held = snapshot(store), store.index
    assert held == _from_file(path)
