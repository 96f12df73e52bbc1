"""The offline importer's CSV input carries every record exactly: read back with the
importer's rules (typed columns, quoted cells, the array delimiter), plus the fix-ups
and leftovers, it is what Neo4jStore's writes would store. (The import itself, through
neo4j-admin into a stopped server, is shown in docs/benchmarks.md: the exported
records equal the generator's.)"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alliance.errors import Invalid
from alliance.ingest.jsonl import read_jsonl, record_line
from alliance.ingest.records import RecordBatch
from alliance.ingest.synth import synthesize
from alliance.store.neo4j import cypher
from alliance.store.neo4j.offline_import import ARRAY_DELIMITER, write_import_files
from alliance.store.neo4j.store import Neo4jStore
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import RelType
from tests import factories as f

_PARSE: dict[str, Callable[[str], Any]] = {
    "string": str, "long": int, "double": float, "boolean": lambda text: text == "true"}


def _value(column: str, text: str) -> Any:
    if column.endswith("[]"):
        return [_PARSE[column[:-2]](item) for item in text.split(ARRAY_DELIMITER)]
    return _PARSE[column](text)


FACTS = frozenset({cypher.RAIL_CITIES, cypher.RAIL_MINUTES, cypher.PARK_CITY,
                   cypher.PARK_HOSTS, *cypher.PERSON_FACTS})
"""The store-internal facts the CSV carries beside the records' own properties."""


def read_back(folder: Path) -> tuple[dict[str, tuple[list[str], dict[str, Any]]],
                                     list[tuple[str, str, str, dict[str, Any]]]]:
    """Nodes (labels, properties with the facts) and relationships as the importer
    reads the CSV files, with the fix-ups applied."""
    nodes: dict[str, tuple[list[str], dict[str, Any]]] = {}
    rels = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            for row in rows:
                if path.name.startswith("nodes-"):
                    properties = {"id": row[0]}
                    for name_type, cell in zip(header[2:], row[2:], strict=True):
                        name, column = name_type.split(":")
                        properties[name] = _value(column, cell)
                    nodes[row[0]] = (row[1].split(ARRAY_DELIMITER), properties)
                else:
                    properties = {}
                    for name_type, cell in zip(header[3:], row[3:], strict=True):
                        name, column = name_type.split(":")
                        properties[name] = _value(column, cell)
                    rels.append((row[2], row[0], row[1], properties))
    for line in (folder / "fixups.jsonl").read_text(encoding="utf-8").splitlines():
        fixup = json.loads(line)
        nodes[fixup["id"]][1].update(fixup["properties"])
    return nodes, rels


def _stored(records: list[NodeRecord | RelRecord]) -> tuple[dict[str, Any], list[Any]]:
    nodes, rels = {}, []
    for record in records:
        if isinstance(record, NodeRecord):
            label, row = Neo4jStore._node_row(record)
            nodes[record.id] = (sorted([label.value, *row["add"]]), row["properties"])
        else:
            rel_type, row = Neo4jStore._rel_row(record)
            rels.append((rel_type.value, row["source"], row["target"], row["properties"]))
    return nodes, rels


def test_the_csv_files_carry_every_record_exactly(tmp_path: Path,
                                                  seed_batch: RecordBatch) -> None:
    records = [*seed_batch.nodes, *seed_batch.relationships,
               *synthesize(nodes=1000, seed=3)]
    records = list({(r.id if isinstance(r, NodeRecord) else r.key): r
                    for r in records}.values())
    files = write_import_files(records, tmp_path)
    nodes, rels = read_back(tmp_path)
    nodes = {key: (labels, {name: value for name, value in props.items() if name not in FACTS})
             for key, (labels, props) in nodes.items()}
    leftovers = read_jsonl(tmp_path / "leftovers.jsonl")
    rels += _stored(list(leftovers.relationships))[1]
    want_nodes, want_rels = _stored(records)
    assert {key: (sorted(labels), props) for key, (labels, props) in nodes.items()} \
        == want_nodes
    def text(rel: Any) -> str:
        return json.dumps(rel, sort_keys=True, ensure_ascii=False)

    assert sorted(map(text, rels)) == sorted(map(text, want_rels))
    assert files.node_count == len(want_nodes)
    assert files.relationship_count + files.leftovers == len(want_rels)
    assert files.fixups > 0  # the generator's empty lists: set after the import
    arguments = files.arguments()
    assert f"--array-delimiter={ARRAY_DELIMITER}" in arguments
    assert sum(a.startswith("--nodes=") for a in arguments) == len(files.nodes)


def test_values_csv_cannot_carry_are_fixed_up_or_left_over(tmp_path: Path) -> None:
    ann = f.person("ann")
    ann = NodeRecord(ann.id, ann.label, ann.labels,
                     {**ann.properties, "notes": [], "tags": ["a", 1],
                      "aliases": [f"x{ARRAY_DELIMITER}y"], "name_en": "", "score": 1.5})
    nodes = [ann, f.city("suzhou")]
    based = f.based_in("person:ann", "city:suzhou")
    odd = RelRecord(RelType.BASED_IN, "person:ann", "city:suzhou", {"since": [1, 2.5]})
    files = write_import_files([*nodes, based], tmp_path)
    fixups = [json.loads(line) for line in
              (tmp_path / "fixups.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["id"], sorted(x["properties"])) for x in fixups] == [
        ("person:ann", ["aliases", "estimated", "notes", "tags"]),
        ("city:suzhou", ["estimated"])]
    assert files.leftovers == 0
    files = write_import_files([*nodes, odd], tmp_path)
    assert files.leftovers == 1
    assert (tmp_path / "leftovers.jsonl").read_text(encoding="utf-8") \
        == record_line(odd) + "\n"


def test_duplicates_and_undeclared_ends_are_refused(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="appears twice"):
        write_import_files([f.city("suzhou"), f.city("suzhou")], tmp_path)
    based = f.based_in("person:ann", "city:suzhou")
    with pytest.raises(Invalid, match="appears twice"):
        write_import_files([based, based], tmp_path)
    wrong = RelRecord(RelType.BASED_IN, "city:suzhou", "city:wuxi", {})
    with pytest.raises(Invalid, match="source must be"):
        write_import_files([wrong], tmp_path)
