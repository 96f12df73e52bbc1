"""Read an uploaded file as sheets of rows, streaming: CSV, XLSX, JSON or JSON lines.

A sheet is one label's rows: a CSV file (its label from `--label` or the file name), a
worksheet of a workbook (its label from the sheet name: `园区`, `Park`, `parks`), or the
records of a JSON document. Rows are read one at a time (csv over an incremental decoder,
openpyxl in read-only mode), so a 100,000-row file is never held whole as text or cells.

CSV encodings: UTF-8 (with or without BOM), else GB18030 (the superset of the GBK Excel
writes on Chinese Windows) when the first 64 KiB read as it, else what charset-normalizer
finds (Big5, Shift-JIS, cp1252…; a Chinese code page it names is read as GB18030). Short
GBK text is often mistaken for Big5 by detectors, hence GB18030 first.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from charset_normalizer import from_bytes
from openpyxl import load_workbook

from alliance.errors import Invalid
from alliance.ingest import json_text
from graph_schema.aliases import label_of_name
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType

SAMPLE_BYTES = 65536
_CHINESE_CODECS = {"gbk", "gb2312", "gb18030", "cp936", "hz"}
_EXAMPLE_MARKERS = ("示例", "example")


class FileUnreadable(Invalid):  # noqa: N818
    """The file itself cannot be read (not CSV/XLSX/JSON, broken encoding, no header)."""

    def __init__(self, en: str, zh: str, *, sheet: str | None = None, row: int | None = None
                 ) -> None:
        super().__init__(en)
        self.zh = zh
        self.sheet = sheet
        self.row = row


Row = tuple[int, dict[str, Any]]
"""A row's number as the spreadsheet shows it (header = row 1) and header → cell value."""


@dataclass
class Sheet:
    """One label's rows in the file."""

    name: str | None
    """The worksheet's name (None for CSV and JSON)."""
    label: Label | None
    headers: list[str]
    rows: Iterator[Row]
    header_row: int = 1


def kind_of(filename: str, head: bytes) -> str:
    """'csv', 'xlsx', 'json' or 'jsonl', from the name's extension or the first bytes."""
    lowered = filename.lower()
    for ext, kind in ((".xlsx", "xlsx"), (".xlsm", "xlsx"), (".jsonl", "jsonl"),
                      (".ndjson", "jsonl"), (".json", "json"), (".csv", "csv"),
                      (".tsv", "csv"), (".txt", "csv")):
        if lowered.endswith(ext):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.lstrip().startswith((b"{", b"[")):
        first = head.lstrip().split(b"\n", 1)[0]
        return "jsonl" if first.rstrip().endswith(b"}") and b'"kind"' in first else "json"
    return "csv"


def encoding_of(sample: bytes) -> str:
    """The encoding of CSV bytes: utf-8-sig, utf-8, or charset-normalizer's best guess
    (Chinese Windows code pages as gb18030).

    >>> encoding_of("园区名称,租金".encode("gbk"))
    'gb18030'
    >>> encoding_of("\\ufeff园区".encode("utf-8"))
    'utf-8-sig'
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):  # the alliance's files: UTF-8, or Excel's GBK
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    best = from_bytes(sample).best()
    if best is None:
        return "gb18030"
    name = best.encoding.lower().replace("-", "").replace("_", "")
    return "gb18030" if name in _CHINESE_CODECS or name.startswith("gb") else best.encoding


def _is_example(cells: list[Any]) -> bool:
    """The template's example row (its first cell says 示例 / example): never imported."""
    first = str(cells[0]).strip().lower() if cells and cells[0] is not None else ""
    return first.startswith(_EXAMPLE_MARKERS)


def _csv_sheet(stream: IO[bytes], label: Label | None) -> Sheet:
    sample = stream.read(SAMPLE_BYTES)
    encoding = encoding_of(sample)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    try:
        decoded = sample.decode(encoding, errors="ignore")
        if "\t" in decoded.split("\n", 1)[0] and "," not in decoded.split("\n", 1)[0]:
            dialect = csv.excel_tab
    except LookupError as exc:
        msg = f"unknown text encoding {encoding}"
        raise FileUnreadable(msg, f"无法识别的文本编码 {encoding}") from exc
    reader = csv.reader(text, dialect)
    try:
        headers = next(reader, [])
    except (UnicodeDecodeError, csv.Error) as exc:
        msg = f"cannot read the header row as {encoding} CSV: {exc}"
        raise FileUnreadable(msg, f"无法读取表头（{encoding} CSV）：{exc}", row=1) from exc
    if not any(cell.strip() for cell in headers):
        msg = "empty CSV: expected a header row"
        raise FileUnreadable(msg, "CSV 为空：第一行应为表头", row=1)

    def rows() -> Iterator[Row]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if not any(cell.strip() for cell in cells) or _is_example(cells):
                    continue
                if len(cells) > len(headers):
                    extra = [cell for cell in cells[len(headers):] if cell.strip()]
                    if extra:
                        yield number, {"": extra}
                        continue
                yield number, dict(zip(headers, cells, strict=False))
        except UnicodeDecodeError as exc:
            msg = f"row {number + 1}: not {encoding} text ({exc.reason})"
            raise FileUnreadable(msg, f"第 {number + 1} 行不是 {encoding} 文本",
                                 row=number + 1) from exc
        except csv.Error as exc:
            msg = f"row {number + 1}: bad CSV ({exc})"
            raise FileUnreadable(msg, f"第 {number + 1} 行 CSV 格式错误：{exc}",
                                 row=number + 1) from exc

    return Sheet(None, label, headers, rows())


def _xlsx_sheets(stream: IO[bytes], label: Label | None, sheet: str | None
                 ) -> Iterator[Sheet]:
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken zip or XML
        msg = f"not a readable XLSX workbook: {exc}"
        raise FileUnreadable(msg, f"无法读取 XLSX 工作簿：{exc}") from exc
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        msg = f"no sheet {sheet!r}; the workbook has {', '.join(names)}"
        raise FileUnreadable(msg, f"没有名为 {sheet!r} 的工作表；现有：{'、'.join(names)}")
    for name in [sheet] if sheet is not None else names:
        worksheet = book[name]
        found = label if (label is not None and (sheet is not None or len(names) == 1)) \
            else label_of_name(name)
        values = worksheet.iter_rows(values_only=True)
        header_row = 0
        headers: list[str] = []
        for header_row, cells in enumerate(values, start=1):  # noqa: B007 (used below)
            if any(cell not in (None, "") for cell in cells):
                headers = ["" if cell is None else str(cell) for cell in cells]
                break
        if not headers:
            continue

        def rows(values: Iterator[tuple[Any, ...]] = values, start: int = header_row,
                 headers: list[str] = headers) -> Iterator[Row]:
            for number, cells in enumerate(values, start=start + 1):
                row = list(cells)
                if all(cell in (None, "") for cell in row) or _is_example(row):
                    continue
                yield number, dict(zip(headers, row, strict=False))

        yield Sheet(name, found, headers, rows(), header_row)


def _json_records(document: Any) -> Iterator[tuple[Label | None, dict[str, Any]]]:
    """`{"records": [{"label": ..}]}`, `[{"label": ..}]` or `{"Park": [...], ...}`."""
    if isinstance(document, dict) and "records" in document:
        document = document["records"]
    if isinstance(document, list):
        for item in document:
            if not isinstance(item, dict):
                yield None, {"": item}
                continue
            record = dict(item)
            name = record.pop("label", None)
            yield (label_of_name(name) if isinstance(name, str) else None), record
        return
    if isinstance(document, dict):
        for name, items in document.items():
            label = label_of_name(name)
            for item in items if isinstance(items, list) else [items]:
                yield label, dict(item) if isinstance(item, dict) else {"": item}
        return
    msg = 'expected {"records": [{"label": ..., ...}]} or {"Park": [...], ...}'
    raise FileUnreadable(msg, '应为 {"records": [{"label": ..., ...}]} 或 {"园区": [...]}')


def _json_sheets(stream: IO[bytes], label: Label | None) -> Iterator[Sheet]:
    try:  # strict: no NaN/Infinity/1e309, int64 integers, no duplicate keys, bounded depth
        document = json_text.loads(stream.read())
    except json_text.JSONTextError as exc:
        where = f" at {exc.path}" if exc.path else ""
        msg = f"not JSON{where}: {exc.message}"
        raise FileUnreadable(msg, f"不是有效的 JSON{where}：{exc.message}") from exc
    by_label: dict[Label | None, list[Row]] = {}
    for number, (found, record) in enumerate(_json_records(document), start=1):
        by_label.setdefault(found or label, []).append((number, record))
    if not by_label:
        msg = "no records"
        raise FileUnreadable(msg, "没有记录")
    for found, rows in by_label.items():
        headers = sorted({key for _, record in rows for key in record})
        yield Sheet(None, found, headers, iter(rows), 0)


def _jsonl_sheets(stream: IO[bytes]) -> Iterator[Sheet]:
    """An export's JSON lines as rows: each node with its outgoing edges under the
    relationship's field, so they reconcile like any spreadsheet."""
    nodes: dict[str, tuple[Label | None, Row]] = {}
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            msg = f"line {number}: not JSON ({exc})"
            raise FileUnreadable(msg, f"第 {number} 行不是 JSON：{exc}", row=number) from exc
        if not isinstance(item, dict):
            msg = f"line {number}: expected an object"
            raise FileUnreadable(msg, f"第 {number} 行应为对象", row=number)
        if item.get("kind") == "node":
            props = dict(item.get("properties") or {})
            nodes[str(props.get("id"))] = (label_of_name(str(item.get("label"))),
                                           (number, props))
            continue
        source = nodes.get(str(item.get("source")))
        spec = REL_SPECS.get(RelType(item["type"])) if item.get("type") in set(RelType) \
            else None
        if source is None or spec is None:
            msg = f"line {number}: a relationship before (or without) its source node"
            raise FileUnreadable(msg, f"第 {number} 行：关系的起点节点不在它之前", row=number)
        edge = {"to": item.get("target"), **(item.get("properties") or {})}
        record = source[1][1]
        if spec.single:
            record[spec.seed_field] = edge
        else:
            record.setdefault(spec.seed_field, []).append(edge)
    by_label: dict[Label | None, list[Row]] = {}
    for found, row in nodes.values():
        by_label.setdefault(found, []).append(row)
    for found, rows in by_label.items():
        headers = sorted({key for _, record in rows for key in record})
        yield Sheet(None, found, headers, iter(rows), 0)


def read_sheets(stream: IO[bytes], filename: str, *, label: Label | None = None,
                sheet: str | None = None) -> Iterator[Sheet]:
    """The file's sheets, each with its label (None: not known, reported by the caller);
    FileUnreadable when the file is not CSV, XLSX or JSON."""
    head = stream.read(512)
    stream.seek(0)
    kind = kind_of(filename, head)
    if kind == "xlsx":
        yield from _xlsx_sheets(stream, label, sheet)
    elif kind in {"json", "jsonl"}:
        yield from (_jsonl_sheets(stream) if kind == "jsonl" else _json_sheets(stream, label))
    else:
        stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        yield _csv_sheet(stream, label or label_of_name(stem))
