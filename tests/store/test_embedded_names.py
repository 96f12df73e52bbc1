"""EmbeddedStore's name index: after any writes it equals one built from the graph, and
its search finds exactly what scoring every node (`search_score`) would."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from alliance.ingest.synth import synthesize
from alliance.store.embedded import EmbeddedStore, names
from alliance.store.search import SEARCHABLE_LABELS, hit_order, normalise_query, search_score
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import Label, Role

LABEL_SETS: list[tuple[Label | Role, ...]] = [
    (), (Label.PARK,), (Label.PERSON, Label.COMPANY), (Role.LAWYER,), (Label.CITY, Role.BROKER)]


def brute_force(store: EmbeddedStore, text: str, labels: tuple[Label | Role, ...],
                limit: int) -> list[tuple[str, float]]:
    """Every searchable node scored, ranked: what the index must reproduce."""
    needle = normalise_query(text)
    wanted = {str(label) for label in labels}
    searchable = {label.value for label in SEARCHABLE_LABELS}
    hits = []
    for node in store.graph.nodes.values():
        if node.label.value not in searchable or (wanted and not wanted & node.labels):
            continue
        score = search_score(needle, node.properties)
        if score is not None:
            hits.append((node.id, score, node.label.value))
    hits.sort(key=lambda hit: hit_order(hit[1], hit[2], hit[0]))
    return [(node_id, score) for node_id, score, _ in hits[:limit]]


def needles(store: EmbeddedStore, rng: random.Random, count: int) -> list[str]:
    """Pieces of names the store holds (starts, middles, whole names, across a space),
    in any case, and a few that match nothing."""
    found = ["xqzv", "苏州", "su", "s", "park", "zhang wei", "有限"]
    nodes = sorted(store.graph.nodes)
    while len(found) < count:
        props = store.graph.nodes[rng.choice(nodes)].properties
        name = str(props.get(rng.choice(names.NAMES)) or "")
        if not name:
            continue
        start = rng.choice([0, 0, rng.randrange(len(name))])
        piece = name[start:start + rng.randint(1, 12)]
        found.append(piece.upper() if rng.random() < 0.2 else piece)
    return found


def renamed(node: NodeRecord, rng: random.Random, pool: list[str]) -> NodeRecord:
    """The node with one of its names replaced: another node's name, a prefix of one,
    a name with the index's separator inside, or none."""
    name = rng.choice(names.NAMES)
    other = rng.choice(pool)
    value = rng.choice([other, other[: max(1, len(other) // 2)], f"{other}{names.SEPARATOR}x",
                        None])
    properties = {**node.properties, name: value}
    if name == "name_zh" and value is None:
        properties[name] = "无名"
    kept = {k: v for k, v in properties.items() if v is not None}
    return NodeRecord(id=node.id, label=node.label, labels=node.labels, properties=kept)


def same_as_rebuilt(store: EmbeddedStore) -> None:
    index = store._names  # noqa: SLF001 - the structure under test
    assert index is not None
    fresh = names.build(store.graph.nodes.values())
    assert index.texts == fresh.texts
    assert index.by_field == fresh.by_field
    assert index.odd == fresh.odd
    flat = {label: [i for block in blocks for i in block.ids]
            for label, blocks in index.order.items()}
    assert {label: ids for label, ids in flat.items() if ids} == {
        label: [i for block in blocks for i in block.ids]
        for label, blocks in fresh.order.items()}
    for label, blocks in index.order.items():
        bounds = index.firsts[label]
        assert bounds[0] == ""
        for bound, block in zip(bounds, blocks, strict=True):
            assert all(bound <= node_id for node_id in block.ids), label


@pytest.mark.parametrize("block", [8, names.BLOCK])
def test_name_index_after_random_writes(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "BLOCK", block)
    records = list(synthesize(nodes=1000, seed=8))
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rng = random.Random(9)
    with EmbeddedStore(":memory:") as store:
        store.write(nodes=nodes, relationships=[r for r in records if isinstance(r, RelRecord)])
        pool = [str(n.properties.get(name) or "x") for n in nodes for name in names.NAMES]
        for text in needles(store, rng, 40):  # built by the first search
            for labels in LABEL_SETS:
                assert [(h.node.id, h.score) for h in store.search(text, labels=labels,
                                                                   limit=20)] == \
                    brute_force(store, text, labels, 20), (text, labels)
        for step in range(60):
            move = rng.randrange(4)
            if move == 0:  # rename a few
                store.write(nodes=[renamed(n, rng, pool) for n in rng.sample(nodes, 6)])
            elif move == 1:  # delete one
                victim = rng.choice(nodes)
                store.write(delete_nodes=[victim.id])
                nodes.remove(victim)
            elif move == 2:  # new nodes with copied names
                new = [replace(renamed(n, rng, pool), id=f"{n.id}-copy{step}")
                       for n in rng.sample(nodes, 5)]
                store.write(nodes=new)
                nodes += new
            else:  # rewrite unchanged
                store.write(nodes=rng.sample(nodes, 4))
            nodes = [store.graph.nodes[n.id] for n in nodes]
            same_as_rebuilt(store)
            for text in needles(store, rng, 6):
                labels = rng.choice(LABEL_SETS)
                limit = rng.choice([1, 3, 20, 500])
                assert [(h.node.id, h.score) for h in store.search(text, labels=labels,
                                                                   limit=limit)] == \
                    brute_force(store, text, labels, limit), (text, labels, limit)
        store.write(nodes=[renamed(n, rng, pool) for n in nodes[:400]])  # large: rebuilt
        assert store._names is None  # noqa: SLF001
        text = needles(store, rng, 8)[-1]
        assert [(h.node.id, h.score) for h in store.search(text, limit=500)] == \
            brute_force(store, text, (), 500)
