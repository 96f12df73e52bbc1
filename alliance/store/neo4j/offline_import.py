"""Files for `neo4j-admin database import full`: the first load of a large graph.

A transactional load (`alliance db load`) runs every record through MERGE, the indexes
and the transaction log, ~3-9k records/s on a 2-core machine. For the first load of a
big graph into an empty database, Neo4j's offline importer writes the store files
directly (no transactions, indexes built once at the end). This module turns records
into its CSV input with exactly the stored shape Neo4jStore's writes give (the same
`_node_row`/`_rel_row` shaping: primary and role labels, flat properties, the search
properties), one file per label or type and property-type signature, so every value
keeps its type (a long stays a long, a double a double).

What CSV cannot carry exactly (an empty list, a list of mixed types, a list item holding
the array delimiter, a float that is not finite) is not guessed: such a node is imported
without those properties, which go to `fixups.jsonl` (label, id, properties); such a
relationship goes whole to `leftovers.jsonl`. `finish` (`alliance db import-finish`)
then opens a Neo4jStore on the imported database, which creates the constraints and
indexes and rebuilds the store-internal facts (rail minutes, park and person facts) as
for any graph written without them, sets the fixed-up properties (`SET n += $map`:
parameters keep every value's type) and upserts the leftovers through the normal write.

Refused (Invalid, nothing usable written): a record the store's writes would refuse,
a duplicate node id or relationship identity (a first load has each once).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from alliance.errors import Invalid
from alliance.ingest.jsonl import read_jsonl, record_line
from alliance.store.neo4j.cypher import set_properties
from alliance.store.neo4j.facts import FACT_LABELS, RecordFacts
from alliance.store.neo4j.store import UNWIND_ROWS, Neo4jStore
from graph_schema.nodes import label_of_id
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label

__all__ = ["ARRAY_DELIMITER", "ImportFiles", "finish", "write_import_files"]

ARRAY_DELIMITER = "¦"
"""Separates list items in a CSV field (`--array-delimiter`): a character names and codes
do not use; a list item holding it goes to the leftovers."""

_SCALARS: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean"}
"""Python value types and the importer's column types for them (exact types: a bool is
not an int here)."""


def _column_type(value: Any) -> str | None:
    """The importer's type for a value it carries exactly, or None."""
    kind = type(value)
    if kind in _SCALARS:
        return _SCALARS[kind] if _finite(value) else None
    if kind is list and value:
        kinds = {type(item) for item in value}
        if len(kinds) != 1 or (item_kind := kinds.pop()) not in _SCALARS:
            return None
        if item_kind is str and any(ARRAY_DELIMITER in item for item in value):
            return None
        if not all(map(_finite, value)):
            return None
        return f"{_SCALARS[item_kind]}[]"
    return None


def _finite(value: Any) -> bool:
    """False for a float CSV spells differently from Java (nan, inf)."""
    return not isinstance(value, float) or math.isfinite(value)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(_cell(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class ImportFiles:
    """The files written and the importer arguments that read them."""

    folder: Path
    nodes: dict[str, str] = field(default_factory=dict)
    """File name -> its nodes' primary label."""
    relationships: dict[str, str] = field(default_factory=dict)
    """File name -> its relationships' type."""
    node_count: int = 0
    relationship_count: int = 0
    fixups: int = 0
    """Nodes with properties set after the import."""
    leftovers: int = 0
    """Relationships upserted after the import."""

    def arguments(self) -> list[str]:
        """`neo4j-admin database import full <database>` options for these files."""
        return [*(f"--nodes={self.folder / name}" for name in sorted(self.nodes)),
                *(f"--relationships={self.folder / name}"
                  for name in sorted(self.relationships)),
                f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true",
                "--id-type=string"]


class _Writer:
    """One CSV file per (label or type, property-type signature), opened on first use."""

    def __init__(self, folder: Path, files: ImportFiles) -> None:
        self.folder, self.files = folder, files
        self.open: dict[tuple[str, ...], tuple[IO[str], Any]] = {}

    def row(self, kind: str, name: str, header: list[str], signature: tuple[str, ...],
            cells: list[str]) -> None:
        key = (kind, name, *signature)
        found = self.open.get(key)
        if found is None:
            file_name = f"{kind}-{name}-{len([k for k in self.open if k[:2] == key[:2]])}.csv"
            handle = (self.folder / file_name).open("w", encoding="utf-8", newline="")
            # Every cell quoted: the importer reads a quoted empty cell as "", an unquoted
            # one as no value.
            found = handle, csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
            found[1].writerow(header)
            self.open[key] = found
            if kind == "nodes":
                self.files.nodes[file_name] = name
            else:
                self.files.relationships[file_name] = name
        found[1].writerow(cells)

    def close(self) -> None:
        for handle, _ in self.open.values():
            handle.close()


def _typed(properties: dict[str, Any], skip: set[str]) -> tuple[list[tuple[str, str]], bool]:
    """(name, column type) of every property CSV carries, by name; whether any is left."""
    typed, left = [], False
    for name in sorted(properties):
        if name in skip:
            continue
        column = _column_type(properties[name])
        if column is None:
            left = True
        else:
            typed.append((name, column))
    return typed, left


def write_import_files(records: Iterable[NodeRecord | RelRecord], folder: Path) -> ImportFiles:
    """Write the importer's CSV files, `fixups.jsonl` and `leftovers.jsonl` for these
    records into `folder` (created; files of an earlier run there are replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in (*folder.glob("nodes-*.csv"), *folder.glob("relationships-*.csv")):
        old.unlink()
    files = ImportFiles(folder)
    writer = _Writer(folder, files)
    node_ids: set[str] = set()
    rel_keys: set[int] = set()
    facts = RecordFacts()
    held: list[tuple[Label, dict[str, Any]]] = []
    try:
        with (folder / FIXUPS).open("w", encoding="utf-8") as fixups, \
                (folder / LEFTOVERS).open("w", encoding="utf-8") as leftovers:

            def node(label: Label, row: dict[str, Any]) -> None:
                fixup = _node(writer, label, row)
                files.node_count += 1
                if fixup is not None:
                    fixups.write(json.dumps(fixup, ensure_ascii=False) + "\n")
                    files.fixups += 1

            for record in records:
                if isinstance(record, NodeRecord):
                    label, row = _node_row(record, node_ids)
                    facts.node(label, row)
                    if label in FACT_LABELS:
                        held.append((label, row))  # its facts need every relationship
                    else:
                        node(label, row)
                elif _relationship(writer, record, rel_keys, facts):
                    files.relationship_count += 1
                else:
                    leftovers.write(record_line(record) + "\n")
                    files.leftovers += 1
            for label, row in held:
                row["properties"].update(facts.of(label, row["id"]))
                node(label, row)
    finally:
        writer.close()
    return files


FIXUPS = "fixups.jsonl"
FIXUP_BATCH = 20_000
"""Nodes per fix-up transaction (measured in docs/benchmarks.md, "Neo4j (session 6)")."""
LEFTOVERS = "leftovers.jsonl"


def _node_row(record: NodeRecord, seen: set[str]) -> tuple[Label, dict[str, Any]]:
    """A node's row as the store's writes shape it; Invalid for a second one."""
    label, row = Neo4jStore._node_row(record)  # noqa: SLF001 - the store's own shaping
    if row["id"] in seen:
        msg = f"node {row['id']!r} appears twice; a first load has each node once"
        raise Invalid(msg, field="id")
    seen.add(row["id"])
    return label, row


def _node(writer: _Writer, label: Label, row: dict[str, Any]) -> dict[str, Any] | None:
    """Write one node's row; the properties to set after the import, if any."""
    properties = row["properties"]
    typed, left = _typed(properties, {"id"})
    header = ["id:ID", ":LABEL", *(f"{name}:{column}" for name, column in typed)]
    cells = [row["id"], ARRAY_DELIMITER.join([label.value, *row["add"]]),
             *(_cell(properties[name]) for name, _ in typed)]
    writer.row("nodes", label.value, header, tuple(header[2:]), cells)
    if not left:
        return None
    carried = {name for name, _ in typed} | {"id"}
    return {"label": label.value, "id": row["id"],
            "properties": {k: v for k, v in properties.items() if k not in carried}}


def _relationship(writer: _Writer, record: RelRecord, seen: set[int],
                  facts: RecordFacts) -> bool:
    """Write one relationship's row; False when CSV cannot carry it (a leftover, whose
    ends' facts count it all the same: the graph holds it after `finish`)."""
    rel_type, row = Neo4jStore._rel_row(record)  # noqa: SLF001 - the store's own shaping
    spec = REL_SPECS[rel_type]
    for end, allowed in (("source", spec.sources), ("target", spec.targets)):
        if label_of_id(row[end]) not in allowed:
            expected = " or ".join(sorted(allowed))
            msg = f"{rel_type.value} {end} must be a {expected}; {row[end]!r} is not"
            raise Invalid(msg, field=end)
    identity = hash((rel_type.value, row["source"], row["target"], repr(row["key"])))
    if identity in seen:
        msg = (f"{rel_type.value} {row['source']}->{row['target']} appears twice; a first "
               "load has each relationship once")
        raise Invalid(msg, field="source")
    seen.add(identity)
    facts.relationship(rel_type, row)
    properties = row["properties"]
    typed, left = _typed(properties, set())
    if left:
        return False
    header = [":START_ID", ":END_ID", ":TYPE", *(f"{name}:{column}" for name, column in typed)]
    cells = [row["source"], row["target"], rel_type.value,
             *(_cell(properties[name]) for name, _ in typed)]
    writer.row("relationships", rel_type.value, header, tuple(header[3:]), cells)
    return True


def finish(store: Neo4jStore, folder: Path, *, batch: int = FIXUP_BATCH) -> tuple[int, int]:
    """After the import (`store` opened on it: schema applied; the facts came with the
    CSV): set the fixed-up node properties and upsert the leftover relationships;
    (fixups, leftovers) applied. Nodes with the same fix-up (mostly one empty list, such
    as `estimated: []`) share one statement whose rows are ids only."""
    groups: dict[tuple[Label, str], list[str]] = {}
    fixed = 0
    with (folder / FIXUPS).open(encoding="utf-8") as lines:
        for line in lines:
            fixup = json.loads(line)
            same = json.dumps(fixup["properties"], sort_keys=True, ensure_ascii=False)
            groups.setdefault((Label(fixup["label"]), same), []).append(fixup["id"])
            fixed += 1
    for (label, same), ids in groups.items():
        properties = json.loads(same)
        for start in range(0, len(ids), batch):
            store._driver.execute_query(  # noqa: SLF001 - part of the store's own import
                set_properties(label), ids=ids[start:start + batch], properties=properties,
                database_=store.database)
    left = read_jsonl(folder / LEFTOVERS)
    if left.errors:
        msg = f"{folder / LEFTOVERS}: {left.errors[0]}"
        raise Invalid(msg, field="relationships")
    for start in range(0, len(left.relationships), UNWIND_ROWS):
        store.write(relationships=left.relationships[start:start + UNWIND_ROWS])
    return fixed, len(left.relationships)
