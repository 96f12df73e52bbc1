"""`explain.copied` is pydantic's shallow `model_copy(update=...)`, made directly."""

from __future__ import annotations

from alliance.services.explain import NodeRef, PathOut, copied


def test_copied_is_model_copy() -> None:
    ref = NodeRef(id="park:a", label="Park", name_zh="园", name_en="A")
    path = PathOut(nodes=[ref], rel_types=[], forward=[])
    other = PathOut(nodes=[ref, ref], rel_types=["IN_CITY"], forward=[True])
    for update in ({}, {"rel_types": ["HOSTS"]}, {"nodes": other.nodes, "forward": [False]}):
        made, expected = copied(path, update), path.model_copy(update=update)
        assert made == expected
        assert made.model_dump_json() == expected.model_dump_json()
        assert made.model_fields_set == expected.model_fields_set
        assert made is not path
        assert made.__dict__ is not path.__dict__
