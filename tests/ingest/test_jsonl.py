"""The JSON-lines graph format: lossless round trip, whole-file writes, located errors."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alliance.ingest.jsonl import check_jsonl, jsonl_batches, read_jsonl, record_line, write_jsonl
from alliance.ingest.synth import synthesize
from graph_schema.records import NodeRecord, RelRecord

BASE = {"source": "test", "as_of": "2025-01-01"}
CITY = {"kind": "node", "label": "City", "properties": {
    **BASE, "id": "city:suzhou", "name_zh": "苏州", "name_en": "Suzhou", "province": "江苏省",
    "lat": 31.3, "lon": 120.6}}
INDUSTRY = {"kind": "node", "label": "Industry", "properties": {
    **BASE, "id": "industry:biomed", "name_zh": "生物医药", "name_en": "Biomedicine"}}
PARK_PROPERTIES = {
    **BASE, "id": "park:biobay", "name_zh": "生物纳米园", "name_en": "BioBAY",
    "available_area_m2": 5000, "facility_types": ["wet_lab"], "rent_cny_m2_month": 45,
    "lat": 31.27, "lon": 120.74}
PARK = {"kind": "node", "label": "Park", "properties": PARK_PROPERTIES}
IN_CITY = {"kind": "relationship", "type": "IN_CITY", "source": "park:biobay",
           "target": "city:suzhou", "properties": {}}
VALID_LINES = [CITY, INDUSTRY, PARK, IN_CITY]


def _rel(rel_type: str, source: str, target: str, **properties: Any) -> dict[str, Any]:
    return {"kind": "relationship", "type": rel_type, "source": source, "target": target,
            "properties": properties}


def _write_lines(path: Path, lines: list[dict[str, Any] | str]) -> None:
    text = [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
            for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def test_round_trip_gives_the_same_records(tmp_path: Path) -> None:
    records = list(synthesize(1000, 3))
    path = tmp_path / "graph.jsonl"
    assert write_jsonl(path, records) == len(records)
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(records)
    batch = read_jsonl(path)
    assert batch.errors == []
    assert batch.nodes == [r for r in records if isinstance(r, NodeRecord)]
    assert batch.relationships == [r for r in records if isinstance(r, RelRecord)]


def test_relationships_may_come_before_their_nodes(tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonl"
    _write_lines(path, [IN_CITY, CITY, PARK])
    batch = read_jsonl(path)
    assert batch.errors == []
    assert len(batch.relationships) == 1


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonl"
    path.write_text("old\n", encoding="utf-8")

    def failing() -> Iterator[NodeRecord | RelRecord]:
        yield from synthesize(1000, 1)
        message = "boom"
        raise RuntimeError(message)

    with pytest.raises(RuntimeError, match="boom"):
        write_jsonl(path, failing())
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.jsonl"]


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ({"kind": "node", "label": "Park",
          "properties": {**PARK_PROPERTIES, "id": "park:x", "rent_cny_m2_month": "cheap"}},
         "rent_cny_m2_month", "valid number"),
        ({"kind": "node", "label": "Park", "properties": {**PARK_PROPERTIES, "id": "park:y",
                                                          "city": "city:suzhou"}},
         "city", "unknown property"),
        ({"kind": "node", "label": "Parc", "properties": PARK_PROPERTIES}, "label",
         "unknown label"),
        ({"kind": "node", "label": "Park", "properties": PARK_PROPERTIES}, "id", "duplicate id"),
        ({"kind": "edge"}, "kind", "expected 'node' or 'relationship'"),
        (_rel("HOSTED", "park:biobay", "industry:biomed"), "type", "unknown relationship type"),
        (_rel("HOSTS", "park:biobay", "industry:quantum"), "target", "does not exist"),
        (_rel("HOSTS", "park:nowhere", "industry:biomed"), "source", "does not exist"),
        (_rel("HOSTS", "park:biobay", "city:suzhou"), "target", "must end at a Industry"),
        (_rel("HOSTS", "park:biobay", "industry:biomed", strength=2), "strength",
         "less than or equal to 1"),
        (_rel("HOSTS", "park:biobay", "industry:biomed", size=2), "size", "unknown property"),
        (_rel("IN_CITY", "park:biobay", "city:suzhou"), "source", "may have one IN_CITY"),
        ({**_rel("HOSTS", "park:biobay", "industry:biomed"), "weight": 1}, "weight",
         "unknown key"),
    ],
)
def test_a_broken_line_is_reported_with_file_line_and_field(
    tmp_path: Path, line: dict[str, Any], field: str, message: str
) -> None:
    path = tmp_path / "broken.jsonl"
    _write_lines(path, [*VALID_LINES, line])
    errors = read_jsonl(path).errors
    for batch_lines in (1, 2, 3, 100):
        assert check_jsonl(path, batch_lines=batch_lines).errors == errors
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    assert (error.file, error.position, error.field) == (str(path), "line 5", field)
    text = str(error)
    assert text.startswith(f"{path}: line 5")
    assert f"field '{field}'" in text
    assert message in text


@pytest.mark.parametrize("line", ["{not json", "[1, 2]", "\xff"])
def test_a_line_that_is_not_a_json_object_is_reported(tmp_path: Path, line: str) -> None:
    path = tmp_path / "broken.jsonl"
    _write_lines(path, [CITY, "", line])
    if line == "\xff":  # invalid UTF-8 must be reported, not crash the reader
        path.write_bytes(path.read_bytes().replace("\xff".encode(), b"\xff"))
    errors = read_jsonl(path).errors
    assert [(e.position, e.field) for e in errors] == [("line 3", None)]


def test_a_missing_file_is_one_error(tmp_path: Path) -> None:
    errors = read_jsonl(tmp_path / "absent.jsonl").errors
    assert len(errors) == 1
    assert "cannot read" in errors[0].message


@pytest.mark.parametrize("seed", range(6))
def test_the_streamed_check_reports_what_the_whole_file_read_does(tmp_path: Path,
                                                                   seed: int) -> None:
    """Shuffled lines (relationships before their nodes), broken lines and duplicates,
    checked a few lines at a time: the same errors, in the same order, as read_jsonl;
    and the batches of the second pass hold the same records."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = [json.loads(record_line(r))
                                     for r in synthesize(1000, seed)][:300]
    rng.shuffle(records)
    for _ in range(8):  # duplicates, some with a target that does not exist
        spoiled = dict(rng.choice(records[:300]))
        if spoiled["kind"] == "relationship":
            spoiled["target"] = rng.choice(["city:atlantis", spoiled["target"]])
        records.insert(rng.randrange(len(records)), spoiled)
    lines: list[dict[str, Any] | str] = [*records]
    lines.insert(rng.randrange(len(lines)), "{broken")
    path = tmp_path / "graph.jsonl"
    _write_lines(path, lines)
    whole = read_jsonl(path)
    assert whole.errors
    for batch_lines in (1, 7, 64, 10_000):
        checked = check_jsonl(path, batch_lines=batch_lines)
        assert checked.errors == whole.errors
        assert checked.nodes == len(whole.nodes)
        assert checked.relationships == len(whole.relationships)
        parts = list(jsonl_batches(path, batch_lines=batch_lines))
        assert [n for part in parts for n in part.nodes] == whole.nodes
        assert [r for part in parts for r in part.relationships] == whole.relationships


def test_a_file_changed_between_the_passes_stops_the_stream(tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonl"
    _write_lines(path, [*VALID_LINES, CITY])
    stream = jsonl_batches(path, batch_lines=2)
    assert not next(stream).errors
    _write_lines(path, [*VALID_LINES, INDUSTRY, CITY])
    assert "changed" in [error for part in stream for error in part.errors][-1].message


@pytest.mark.parametrize("seed", range(3))
def test_the_one_pass_load_stores_the_file_or_nothing(tmp_path: Path, seed: int) -> None:
    """CheckedStream (each line validated once, written as it is read) stores what
    loading `read_jsonl`'s batch stores, with relationships before their ends and
    repeated keys in any order; a file with errors stores nothing and reports exactly
    `read_jsonl`'s errors."""
    from alliance.errors import Invalid
    from alliance.ingest.jsonl import CheckedStream
    from alliance.services.ingest import load, load_stream
    from alliance.store.embedded import EmbeddedStore

    rng = random.Random(seed)
    records: list[dict[str, Any]] = [json.loads(record_line(r)) for r in synthesize(1000, seed)]
    rng.shuffle(records)
    skills = [r for r in records if r["kind"] == "relationship" and r["type"] == "HAS_SKILL"]
    for _ in range(20):  # the same key again with another level: the last one wins
        again = dict(rng.choice(skills))
        again["properties"] = {**again["properties"], "level": rng.randrange(1, 6)}
        records.insert(rng.randrange(len(records)), again)
    good = tmp_path / "good.jsonl"
    _write_lines(good, [*records])
    whole = read_jsonl(good)
    assert not whole.errors
    with EmbeddedStore(tmp_path / "a.sqlite3") as streamed, \
            EmbeddedStore(tmp_path / "b.sqlite3") as expected:
        stream = CheckedStream(good, batch_lines=rng.choice([1, 7, 64]))
        assert load_stream(streamed, stream) == len(whole.nodes) + len(whole.relationships)
        assert not stream.check.errors
        load(expected, whole)
        assert streamed.counts() == expected.counts()
        for label in ("Person", "Park", "Company"):
            assert streamed.list_nodes(label, limit=1000) == expected.list_nodes(label, limit=1000)
        for rel_type in {rel.type for rel in whole.relationships}:
            assert streamed.get_relationships(rel_type) == expected.get_relationships(rel_type)
        broken = tmp_path / "broken.jsonl"
        _write_lines(broken, [*records[:len(records) // 2], "{broken",
                              *records[len(records) // 2:],
                              {**records[-1], "target": "city:atlantis"}])
        stream = CheckedStream(broken, batch_lines=7)
        before = streamed.counts()
        with pytest.raises(Invalid):
            load_stream(streamed, stream)
        assert stream.check.errors == read_jsonl(broken).errors
        assert streamed.counts() == before


def test_a_repeated_property_map_is_checked_again_when_it_differs(tmp_path: Path) -> None:
    """Maps already validated are remembered per type (one pass over a file); a map that
    equals one of them in Python but not in JSON (true for 1, 1.0 for 1, a second key)
    is validated on its own, and huge integers are read exactly (not as orjson's float)."""
    skill = {"kind": "node", "label": "Skill", "properties": {
        **BASE, "id": "skill:law", "name_zh": "法律", "name_en": "Law", "category": "technology"}}
    person = {"kind": "node", "label": "Person", "properties": {
        **BASE, "id": "person:li", "name_zh": "李明", "name_en": "Li Ming",
        "roles": ["Lawyer"]}}
    lines: list[dict[str, Any] | str] = [skill, person]
    for level in ("1", "true", "1.0", "1", "1, \"x\": 1", "99999999999999999999999", "1"):
        lines.append('{"kind": "relationship", "type": "HAS_SKILL", "source": "person:li", '
                     f'"target": "skill:law", "properties": {{"level": {level}}}}}')
    path = tmp_path / "levels.jsonl"
    _write_lines(path, lines)
    batch = read_jsonl(path)
    assert [(e.position, e.field) for e in batch.errors] == [
        ("line 4", "level"), ("line 7", "x"), ("line 8", "level")]
    assert "expected a number, got true" in str(batch.errors[0])
    assert "99999999999999999999999" in str(batch.errors[2])
    assert [rel.properties for rel in batch.relationships] == [{"level": 1}] * 4
    first, *others = batch.relationships
    assert all(rel.properties is not first.properties for rel in others)
