"""Bulk imports from the spreadsheets and exports staff already keep: JSON and CSV.

Both formats become the raw records of `alliance.ingest.records` (a node's properties
plus its relationship fields, as in the seed files) and go through the same validation,
which collects every error with its place: `row N` for CSV (the header is row 1, as a
spreadsheet numbers it) and `record N` for JSON (counting from 1). Checking references
against the store and writing happen in `alliance.services.directory.import_records`,
all or nothing.

CSV conventions: one file per label (`?label=Park`); columns are property names and
relationship fields; an empty cell is "no value"; list properties and to-many
relationship fields hold `;`-separated items; a relationship item may carry properties
as `industry:ai(strength=0.8)` or `city:shanghai(minutes=25 km=50)` (values without
spaces or commas; use JSON for others); a list-of-objects property (a policy's
`eligibility`) holds JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from alliance.errors import Invalid
from alliance.ingest import json_text
from alliance.ingest.records import (
    Origin,
    RecordBatch,
    RecordError,
    add_record,
    label_for_name,
)
from graph_schema.nodes import NODE_MODELS
from graph_schema.relationships import specs_from
from graph_schema.vocabulary import Label

JSON_FILE = "JSON body"
CSV_FILE = "CSV body"

_EDGE = re.compile(r"^\s*([^()\s;]+)\s*(?:\((.*)\))?\s*$")


class RecordsInvalid(Invalid):
    """Records failed validation; `errors` lists every problem with its place.

    `single` is True when the records were one entity written through the API, so the
    errors name fields of the request body rather than rows of an import.
    """

    def __init__(self, errors: Sequence[RecordError], *, single: bool = False) -> None:
        first = errors[0] if errors else None
        message = (f"{len(errors)} invalid field(s); first: {first}" if first
                   else "invalid records")
        super().__init__(message, field=first.field if first else None)
        self.errors = list(errors)
        self.single = single


def _list_kind(label: Label, name: str) -> str | None:
    """'scalars' or 'objects' for a list property of the label's model, else None."""
    info = NODE_MODELS[label].model_fields.get(name)
    if info is None or typing.get_origin(info.annotation) is not list:
        return None
    (item,) = typing.get_args(info.annotation) or (Any,)
    if isinstance(item, type) and issubclass(item, BaseModel):
        return "objects"
    return "scalars"


def csv_columns(label: Label) -> set[str]:
    """Every column a CSV of this label may have."""
    return set(NODE_MODELS[label].model_fields) | {spec.seed_field for spec in specs_from(label)}


def _edge_item(text: str) -> dict[str, Any] | None:
    """`id` or `id(key=value, ...)` as a raw edge; None when unreadable.

    >>> _edge_item("industry:ai(strength=0.8)")
    {'to': 'industry:ai', 'strength': '0.8'}
    >>> _edge_item("city:shanghai(minutes=25 km=50)")
    {'to': 'city:shanghai', 'minutes': '25', 'km': '50'}
    """
    found = _EDGE.match(text)
    if found is None:
        return None
    edge: dict[str, Any] = {"to": found.group(1)}
    for pair in re.split(r"[,\s]+", (found.group(2) or "").strip()):
        if not pair:
            continue
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            return None
        edge[key.strip()] = value.strip()
    return edge


def _csv_record(label: Label, row: dict[str, str], batch: RecordBatch,
                origin: Origin) -> dict[str, Any] | None:
    """One CSV row as a raw record (None when a cell could not be read)."""
    specs = {spec.seed_field: spec for spec in specs_from(label)}
    raw: dict[str, Any] = {}
    ok = True
    record_id = row.get("id") or None
    for column, cell in row.items():
        text = (cell or "").strip()
        if not text:
            continue
        spec = specs.get(column)
        if spec is not None:
            items = [text] if spec.single else [p.strip() for p in text.split(";") if p.strip()]
            edges = []
            for index, item in enumerate(items):
                edge = _edge_item(item)
                if edge is None:
                    where = column if spec.single else f"{column}[{index}]"
                    batch.error(origin, record_id, where,
                                f"cannot read {item!r}: expected an id or id(key=value, ...)")
                    ok = False
                    continue
                edges.append(edge if len(edge) > 1 else edge["to"])
            raw[column] = edges[0] if spec.single and edges else edges
            continue
        kind = _list_kind(label, column)
        if kind == "scalars":
            raw[column] = [part.strip() for part in text.split(";") if part.strip()]
        elif kind == "objects":
            try:
                raw[column] = json.loads(text)
            except json.JSONDecodeError as exc:
                batch.error(origin, record_id, column, f"expected JSON: {exc.msg}")
                ok = False
        else:
            raw[column] = text
    return raw if ok else None


def parse_csv(data: bytes, *, label: Label, defaults: dict[str, Any] | None = None,
              file: str = CSV_FILE) -> RecordBatch:
    """Validate a CSV of one label into a batch (nodes, relationships, every error);
    `defaults` fill properties a row leaves empty (e.g. the importer as `source`)."""
    batch = RecordBatch()
    header = Origin(file, "row 1")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        batch.error(header, None, None, f"not UTF-8 text: {exc.reason} at byte {exc.start}")
        return batch
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = reader.fieldnames or []
    except csv.Error as exc:
        batch.error(header, None, None, f"cannot read the header: {exc}")
        return batch
    if not columns:
        batch.error(header, None, None, "empty CSV: expected a header row")
        return batch
    unknown = [column for column in columns if column not in csv_columns(label)]
    for column in unknown:
        batch.error(header, None, column, f"unknown column for {label.value}")
    duplicates = {column for column in columns if columns.count(column) > 1}
    for column in sorted(duplicates):
        batch.error(header, None, column, "column appears twice")
    if unknown or duplicates:
        return batch
    try:
        for number, row in enumerate(reader, start=2):
            origin = Origin(file, f"row {number}")
            if None in row:
                batch.error(origin, row.get("id") or None, None, "more cells than columns")
                continue
            raw = _csv_record(label, row, batch, origin)
            if raw is not None:
                add_record(batch, label, {**(defaults or {}), **raw}, origin)
    except csv.Error as exc:
        batch.error(Origin(file, f"row {reader.line_num}"), None, None, f"bad CSV: {exc}")
    if not batch.nodes and not batch.errors:
        batch.error(header, None, None, "no records: the CSV has only a header")
    return batch


def parse_json(data: bytes, *, defaults: dict[str, Any] | None = None,
               file: str = JSON_FILE) -> RecordBatch:
    """Validate `{"records": [{"label": "Park", ...}, ...]}` into a batch; `defaults`
    fill properties a record leaves out."""
    batch = RecordBatch()
    whole = Origin(file, "body")
    try:
        document = json_text.loads(data)
    except json_text.JSONTextError as exc:
        head, _, rest = (exc.path or "").partition(".")
        index, _, field_name = rest.partition(".")
        if head == "records" and index.isdigit():  # locate it as a record's field
            batch.error(Origin(file, f"record {int(index) + 1}"), None, field_name or None,
                        exc.message)
        else:
            batch.error(whole, None, exc.path, exc.message)
        return batch
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        batch.error(whole, None, "records", 'expected {"records": [{"label": ..., ...}]}')
        return batch
    if not records:
        batch.error(whole, None, "records", "no records")
        return batch
    for number, raw in enumerate(records, start=1):
        origin = Origin(file, f"record {number}")
        if not isinstance(raw, dict):
            batch.error(origin, None, None, "expected an object of properties")
            continue
        data_ = dict(raw)
        name = data_.pop("label", None)
        label = label_for_name(name) if isinstance(name, str) else None
        record_id = data_.get("id") if isinstance(data_.get("id"), str) else None
        if label is None:
            known = ", ".join(label.value for label in Label)
            batch.error(origin, record_id, "label", f"unknown or missing label {name!r}; "
                                                    f"one of {known}")
            continue
        add_record(batch, label, {**(defaults or {}), **data_}, origin)
    return batch


def row_number(error: RecordError) -> int | None:
    """The row (CSV) or record (JSON) number of an error, when it has one.

    >>> row_number(RecordError("f", "row 7", None, "id", "x"))
    7
    """
    _, _, number = error.position.partition(" ")
    return int(number) if number.isdigit() else None
