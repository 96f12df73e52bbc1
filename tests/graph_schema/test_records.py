"""StoredNodeRecord stands for the NodeRecord of its text everywhere a record is used."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from graph_schema.records import NodeRecord, StoredNodeRecord
from graph_schema.vocabulary import Label

PROPERTIES = {"headcount": 12, "id": "company:x", "name_zh": "上海某公司", "rate": 0.1,
              "tags": ["a"]}
"""In key order, as stored texts are."""


def _pair() -> tuple[NodeRecord, StoredNodeRecord]:
    labels = frozenset({"Company"})
    text = json.dumps(PROPERTIES, ensure_ascii=False, sort_keys=True).encode()
    return (NodeRecord("company:x", Label.COMPANY, labels, PROPERTIES),
            StoredNodeRecord("company:x", Label.COMPANY, labels, text))


def test_stored_record_equals_hashes_and_prints_as_its_record() -> None:
    plain, stored = _pair()
    assert stored == plain
    assert plain == stored
    assert not stored != plain  # noqa: SIM202 - the operator itself is tested
    assert hash(stored) == hash(plain)
    assert {plain: 1}[stored] == 1
    assert repr(stored) == repr(plain)
    assert stored.properties == PROPERTIES
    other = NodeRecord("company:x", Label.COMPANY, plain.labels, {**PROPERTIES, "rate": 0.2})
    assert stored != other


def test_stored_record_is_frozen_and_pickles_as_a_record() -> None:
    plain, stored = _pair()
    with pytest.raises(AttributeError):
        stored.id = "company:y"  # type: ignore[misc]
    back = pickle.loads(pickle.dumps(stored))
    assert type(back) is NodeRecord
    assert back == plain
    assert stored.properties is not stored.properties  # a new map per read: no cache grows


def test_replacing_a_stored_record_gives_a_record() -> None:
    plain, stored = _pair()
    changed = dataclasses.replace(stored, properties={**PROPERTIES, "rate": 0.3})
    assert type(changed) is NodeRecord
    assert changed == dataclasses.replace(plain, properties={**PROPERTIES, "rate": 0.3})
    assert dataclasses.replace(stored, id="company:y").properties == PROPERTIES
