"""The graph invariants every write path checks: storable values, an acyclic taxonomy."""

from __future__ import annotations

import pytest

from alliance.errors import Conflict, Invalid
from alliance.services.integrity import check_write, find_cycle, stored_cycles
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import Label, RelType


def industry(slug: str) -> NodeRecord:
    return NodeRecord(f"industry:{slug}", Label.INDUSTRY, frozenset({"Industry"}),
                      {"id": f"industry:{slug}", "name_zh": slug, "name_en": slug,
                       "source": "test", "as_of": "2025-01-01"})


def parent(child: str, of: str) -> RelRecord:
    return RelRecord(RelType.SUBFIELD_OF, f"industry:{child}", f"industry:{of}")


@pytest.fixture
def taxonomy() -> EmbeddedStore:
    store = EmbeddedStore(":memory:")
    store.write(nodes=[industry(s) for s in ("bio", "ivd", "reagents", "ai")],
                relationships=[parent("ivd", "bio"), parent("reagents", "ivd")])
    return store


@pytest.mark.parametrize(("child", "of"), [("bio", "ivd"), ("bio", "reagents")])
def test_a_parent_that_closes_a_cycle_is_a_conflict_naming_it(
        taxonomy: EmbeddedStore, child: str, of: str) -> None:
    with pytest.raises(Conflict) as caught:
        check_write(taxonomy, relationships=[parent(child, of)])
    assert "industry:bio -> " in caught.value.message
    assert caught.value.message.endswith("-> industry:bio")


def test_a_cycle_inside_one_batch_is_found(taxonomy: EmbeddedStore) -> None:
    with pytest.raises(Conflict):
        check_write(taxonomy, relationships=[parent("ai", "bio"), parent("bio", "ai")])


def test_moving_a_subtree_is_no_cycle(taxonomy: EmbeddedStore) -> None:
    check_write(taxonomy, relationships=[parent("ivd", "ai")])
    old = parent("reagents", "ivd").key
    check_write(taxonomy, relationships=[parent("ivd", "reagents")],
                delete_relationships=[old, parent("ivd", "bio").key])
    with pytest.raises(Conflict):
        check_write(taxonomy, relationships=[parent("ivd", "reagents")])


def test_stored_cycles_are_reported(taxonomy: EmbeddedStore) -> None:
    assert stored_cycles(taxonomy) == []
    taxonomy.write(relationships=[parent("bio", "reagents")])  # as an older version could
    assert stored_cycles(taxonomy) == [["industry:bio", "industry:reagents", "industry:ivd",
                                        "industry:bio"]]


def test_find_cycle_stops_on_a_cycle_not_through_the_start() -> None:
    assert find_cycle({"x": "a", "a": "b", "b": "a"}, "x") is None


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 2**63, -(2**63) - 1])
def test_unstorable_numbers_are_invalid(value: float) -> None:
    node = industry("bad")
    bad = NodeRecord(node.id, node.label, node.labels, {**node.properties, "x": [1, value]})
    with pytest.raises(Invalid) as caught:
        check_write(EmbeddedStore(":memory:"), nodes=[bad])
    assert caught.value.field == "x.1"
    rel = RelRecord(RelType.HOSTS, "park:a", "industry:b", {"strength": value})
    with pytest.raises(Invalid) as caught:
        check_write(EmbeddedStore(":memory:"), relationships=[rel])
    assert caught.value.field == "properties.strength"
