"""Export any label, or the whole graph, as JSON lines, CSV or XLSX, streaming.

Everything reads through the `GraphStore` protocol (`list_nodes` pages, `get_relationships`
per type), so both stores export the same bytes. The spreadsheet forms are one row per
node with the schema's columns (properties, then relationship fields holding the node's
outgoing edges as `target(key=value)` items), which is exactly what `alliance import`
reads back: export → edit → import changes only what was edited.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path

from openpyxl import Workbook

from alliance.ingest.cells import format_cell, format_edge
from alliance.ingest.jsonl import GraphRecord, record_line
from alliance.store.base import GraphStore
from graph_schema.aliases import DERIVED, columns, header
from graph_schema.nodes import NODE_MODELS, label_of_id
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.relationships import REL_SPECS, specs_from
from graph_schema.vocabulary import Label

PAGE = 500


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ExportFormat.JSONL: "application/x-ndjson",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def iter_nodes(store: GraphStore, label: Label) -> Iterator[NodeRecord]:
    """Every node whose primary label is `label`, by id, a page at a time."""
    after: str | None = None
    while True:
        page = store.list_nodes(label, after=after, limit=PAGE)
        yield from (node for node in page if node.label is label)
        if len(page) < PAGE:
            return
        after = page[-1].id


def iter_relationships(store: GraphStore, labels: Sequence[Label]) -> Iterator[RelRecord]:
    """Every relationship that starts at a node of these labels, type by type."""
    wanted = set(labels)
    for spec in REL_SPECS.values():
        if spec.sources & wanted:
            yield from (rel for rel in store.get_relationships(spec.type)
                        if label_of_id(rel.source) in wanted)


def iter_records(store: GraphStore, labels: Sequence[Label] = ()) -> Iterator[GraphRecord]:
    """Nodes of the labels (all when empty), then their outgoing relationships."""
    chosen = list(labels) or list(NODE_MODELS)
    for label in chosen:
        yield from iter_nodes(store, label)
    yield from iter_relationships(store, chosen)


def jsonl_lines(store: GraphStore, labels: Sequence[Label] = ()) -> Iterator[str]:
    """The export as JSON lines (each ending in a newline), in the `alliance.ingest.jsonl`
    format that `alliance seed load-jsonl` and `alliance import` read back."""
    for record in iter_records(store, labels):
        yield record_line(record) + "\n"


def _edges_by_source(store: GraphStore, label: Label) -> dict[str, dict[str, list[str]]]:
    """source id → seed field → formatted edge items, for the label's relationship types."""
    out: dict[str, dict[str, list[str]]] = {}
    for spec in specs_from(label):
        for rel in store.get_relationships(spec.type):
            if label_of_id(rel.source) is label:
                fields = out.setdefault(rel.source, {})
                fields.setdefault(spec.seed_field, []).append(
                    format_edge(rel.target, rel.properties))
    return out


def rows(store: GraphStore, label: Label) -> Iterator[dict[str, str]]:
    """One row per node of the label: field → cell text (empty cells left out)."""
    edges = _edges_by_source(store, label)
    for node in iter_nodes(store, label):
        row = {name: format_cell(value) for name, value in node.properties.items()
               if name not in DERIVED}
        for name, items in edges.get(node.id, {}).items():
            row[name] = "; ".join(items)
        yield row


def csv_lines(store: GraphStore, label: Label) -> Iterator[str]:
    """The label as CSV text (UTF-8 with BOM, so Excel opens the Chinese right), header
    of field names first."""
    names = columns(label)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    yield "\ufeff" + buffer.getvalue()
    for row in rows(store, label):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def write_workbook(store: GraphStore, target: io.BytesIO | Path,
                   labels: Sequence[Label] = ()) -> None:
    """A workbook with a sheet per label (bilingual headers), written in openpyxl's
    write-only mode so rows stream to disk."""
    book = Workbook(write_only=True)
    for label in list(labels) or list(NODE_MODELS):
        sheet = book.create_sheet(label.value)
        names = columns(label)
        sheet.append([header(label, name).bilingual for name in names])
        for row in rows(store, label):
            sheet.append([row.get(name, "") for name in names])
    book.save(target)


def write_file(path: Path, chunks: Iterable[str | bytes]) -> None:
    """Write the export whole or not at all: temp file in the same folder, fsync,
    rename."""
    temp = path.with_name(f".{path.name}.partial")
    with temp.open("wb") as out:
        for chunk in chunks:
            out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def export_to(store: GraphStore, path: Path, fmt: ExportFormat,
              labels: Sequence[Label] = ()) -> None:
    """Export to a file: JSONL and XLSX hold every chosen label; CSV holds one label (a
    folder path gets one `<Label>.csv` per label)."""
    if fmt is ExportFormat.JSONL:
        write_file(path, jsonl_lines(store, labels))
    elif fmt is ExportFormat.XLSX:
        buffer = io.BytesIO()
        write_workbook(store, buffer, labels)
        write_file(path, [buffer.getvalue()])
    elif path.is_dir() or len(labels) != 1:
        path.mkdir(parents=True, exist_ok=True)
        for label in list(labels) or list(NODE_MODELS):
            write_file(path / f"{label.value}.csv", csv_lines(store, label))
    else:
        write_file(path, csv_lines(store, labels[0]))

