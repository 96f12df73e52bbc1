"""`graph_schema.values.validated` (the per-field checks skipped where one loop shows
they pass) validates exactly as `model_validate`: the same values for every record of a
synthetic graph, and the same errors, field by field, for records mutated with what
those checks refuse (true for a number, control characters, integers beyond int64,
floats that become such integers, number-like text)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from alliance.ingest.synth import synthesize
from graph_schema.nodes import NODE_MODELS
from graph_schema.records import NodeRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.values import quickly_valid, validated

BAD_VALUES: list[Any] = [True, False, 2**63, -(2**63) - 1, 1e19, -1e19, "a\x01b", "\ud800",
                         "99999999999999999999", " 1e30 ", "12", 1.5, 7, None, "plain",
                         ["x\x1f"], [True], [2**64], [1e20], [{"nested": 1}], {"a": 1}]


def outcome(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return ("ok", model.model_validate(data).model_dump(mode="json"))
    except ValidationError as exc:
        return ("error", exc.errors(include_url=False, include_context=False), str(exc))


def quick_outcome(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return ("ok", validated(model, data).model_dump(mode="json"))
    except ValidationError as exc:
        return ("error", exc.errors(include_url=False, include_context=False), str(exc))


@pytest.fixture(scope="module")
def records() -> list[Any]:
    return list(synthesize(nodes=2000, seed=5))


def test_valid_records_validate_the_same(records: list[Any]) -> None:
    quick = 0
    for record in records:
        if isinstance(record, NodeRecord):
            model: type[BaseModel] = NODE_MODELS[record.label]
        else:
            model = REL_SPECS[record.type].properties
        data = dict(record.properties)
        assert quick_outcome(model, data) == outcome(model, data)
        quick += quickly_valid(model, data)
    assert quick > len(records) * 0.9, "the quick path is hardly ever taken"


def test_mutated_records_fail_and_pass_the_same(records: list[Any]) -> None:
    rng = random.Random(13)
    nodes = [record for record in records if isinstance(record, NodeRecord)]
    refused = 0
    for node in rng.sample(nodes, 300):
        model = NODE_MODELS[node.label]
        data = dict(node.properties)
        for name in rng.sample(sorted(model.model_fields), 3):
            data[name] = rng.choice(BAD_VALUES)
        expected = outcome(model, data)
        assert quick_outcome(model, data) == expected
        refused += expected[0] == "error"
    for rel_type, spec in REL_SPECS.items():
        for name in spec.properties.model_fields:
            for value in BAD_VALUES:
                data = {name: value}
                assert quick_outcome(spec.properties, data) == outcome(spec.properties, data), \
                    (rel_type, name, value)
    assert refused > 200
