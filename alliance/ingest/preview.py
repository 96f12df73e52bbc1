"""Preview an import row by row, then apply it all or nothing.

`preview` reads the file's sheets (streaming), maps each header to a field
(`graph_schema.aliases`), reads each cell as people type it (`alliance.ingest.cells`),
decides which entity each row is (id, unique code, exact name; near names are a
"did you mean" unless an admin already answered, `alliance.ingest.decisions`), resolves
references by id, name or code against the store and the file itself, validates every
row with the schema, and compares it with what is stored. Each row comes out `new`,
`changed` (with a field-by-field diff), `unchanged`, `review` (a did-you-mean to answer)
or `error` (file, sheet, row, column and the reason in Chinese and English).

`apply` writes the plan's new and changed rows in one store transaction, or nothing when
any row is an error or awaits review, and audits every entity with who and which file.

Rows only change what they hold: an empty cell (or a missing column) leaves the stored
value as it is, and a relationship column replaces that entity's edges of that type.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache, lru_cache
from typing import IO, Any

from pydantic import BaseModel

from alliance.errors import Conflict, Invalid
from alliance.ingest import cells
from alliance.ingest.decisions import DecisionSet
from alliance.ingest.export import iter_nodes
from alliance.ingest.imports import RecordsInvalid
from alliance.ingest.reconcile import Candidate, NameIndex
from alliance.ingest.records import Origin, RecordBatch, RecordError, add_record
from alliance.ingest.sheets import FileUnreadable, Sheet, read_sheets
from alliance.services.directory import AuditSink, Change
from alliance.services.integrity import check_write
from alliance.store.base import GraphStore
from graph_schema.aliases import enum_of, enum_value, field_of_header
from graph_schema.nodes import NODE_MODELS, pinyin_syllables, pinyin_tokens
from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.relationships import RelSpec, specs_from
from graph_schema.vocabulary import Label

Progress = Callable[[int], None]
"""Called with the number of rows just read."""

STATUSES = ("new", "changed", "unchanged", "review", "error")


@dataclass(frozen=True)
class Problem:
    """Why a row (or the file) cannot be imported, in both languages."""

    column: str | None
    """The header as the file spells it; None for the whole row."""
    field: str | None
    """The schema's field path (`hosts[0].strength`)."""
    en: str
    zh: str


@dataclass(frozen=True)
class Suggestion:
    """A "did you mean": the text in the file and a stored entity it may be."""

    column: str | None
    """None: the row's own entity; else the reference column the text is in."""
    text: str
    candidate: str
    name: str
    label: Label
    score: float


@dataclass
class RowOutcome:
    """What importing one row does."""

    sheet: str | None
    row: int
    label: Label | None
    id: str | None
    name: str
    status: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The preview of a whole file, and what `apply` would write."""

    file: str
    rows: list[RowOutcome] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    """Things skipped on purpose (a sheet whose name is no label, e.g. 说明)."""
    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelRecord] = field(default_factory=list)
    stale: list[RelKey] = field(default_factory=list)
    before: dict[str, NodeRecord] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            out[row.status] += 1
        return out

    @property
    def ok(self) -> bool:
        """Nothing in the way of applying it."""
        return all(row.status not in {"error", "review"} for row in self.rows)

    def record_errors(self) -> list[RecordError]:
        """Every error and open question as located record errors (for RecordsInvalid)."""
        out: list[RecordError] = []
        for row in self.rows:
            position = f"row {row.row}"
            for problem in row.problems:
                out.append(RecordError(self.file, position, row.id, problem.field,
                                       problem.en, row.sheet, problem.column, problem.zh))
            if row.status == "review":
                choices = ", ".join(f"{s.candidate} ({s.score:g})" for s in row.suggestions)
                out.append(RecordError(
                    self.file, position, row.id, "name_zh",
                    f"did you mean {choices}? confirm or reject before applying",
                    row.sheet, None, f"是否指 {choices}？请先确认或拒绝"))
        return out


# --------------------------------------------------------------------------- messages

_ZH_BY_TYPE = {
    "missing": "缺少必填项",
    "greater_than_equal": "数值小于允许的最小值",
    "greater_than": "数值过小",
    "less_than_equal": "数值大于允许的最大值",
    "less_than": "数值过大",
    "float_parsing": "不是有效的数字",
    "int_parsing": "不是有效的整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "int_type": "应为整数",
    "enum": "不是允许的取值",
    "date_from_datetime_parsing": "不是有效的日期",
    "date_parsing": "不是有效的日期",
    "date_type": "不是有效的日期",
    "string_pattern_mismatch": "格式不正确",
    "string_too_short": "不能为空",
    "bool_parsing": "应为 是/否",
    "extra_forbidden": "不是此类记录的字段",
    "list_type": "应为列表（用分号分隔）",
    "too_short": "至少需要一项",
    "value_error": "取值不符合要求",
}


def _zh_of(error: RecordError, kind: str | None) -> str:
    base = _ZH_BY_TYPE.get(kind or "", "取值无效")
    return f"{base}：{error.message}"


# --------------------------------------------------------------------------- cells


@cache
def _kind(label: Label, name: str) -> str:
    """How a field's cells are read: edge, enum, enums, texts, objects, number, date,
    bool or text."""
    if any(spec.seed_field == name for spec in specs_from(label)):
        return "edge"
    info = NODE_MODELS[label].model_fields[name]
    annotation = info.annotation
    options = [arg for arg in typing.get_args(annotation) if arg is not type(None)] \
        if typing.get_origin(annotation) in {typing.Union, types.UnionType} else [annotation]
    base = options[0] if options else annotation
    while typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base) or (str,)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "objects"
        return "enums" if enum_of(label, name) else "texts"
    if enum_of(label, name):
        return "enum"
    if base is bool:
        return "bool"
    if base in {int, float}:
        return "number"
    if base is date:
        return "date"
    return "text"


def _text(value: Any) -> str:
    return cells.format_scalar(value) if not isinstance(value, str) else value.strip()


def _enum(kind: type[Enum], value: Any) -> Any:
    return enum_value(kind, value) or value if isinstance(value, str) else value


def _cell(label: Label, name: str, value: Any) -> Any:
    """A cell (text from CSV, typed from XLSX or JSON) as the schema's input value."""
    kind = _kind(label, name)
    if kind in {"enums", "texts"}:
        parts = value if isinstance(value, list) else cells.items(_text(value))
        enum = enum_of(label, name)
        return [_enum(enum, part) if enum else part for part in parts]
    if kind == "objects":
        return cells.json_cell(value)
    if isinstance(value, list | dict):
        return value
    if kind == "enum":
        enum = enum_of(label, name)
        return _enum(enum, _text(value)) if enum else value
    if kind == "number":
        if isinstance(value, str):
            found = cells.number(value)
            return value if found is None else found
        return value
    if kind == "date":
        return cells.day(value)
    if kind == "bool":
        return cells.yes_no(value)
    return _text(value)


def _edge_items(value: Any) -> list[tuple[str, dict[str, Any]]] | str:
    """A relationship cell's items as (reference text, properties); a message when
    unreadable."""
    raw = value if isinstance(value, list) else [value] if isinstance(value, dict) \
        else cells.items(_text(value))
    out: list[tuple[str, dict[str, Any]]] = []
    for item in raw:
        if isinstance(item, dict) and "to" in item:
            out.append((str(item["to"]), {k: v for k, v in item.items() if k != "to"}))
            continue
        parsed = cells.edge(_text(item)) if not isinstance(item, dict) else None
        if parsed is None:
            return f"cannot read {item!r}: expected a name or id, optionally (key=value, ...)"
        out.append(parsed)
    return out


# --------------------------------------------------------------------------- planning


@dataclass
class _Pending:
    """A row read in the first pass, resolved in the second."""

    outcome: RowOutcome
    label: Label
    raw: dict[str, Any]
    edges: dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]]
    columns: dict[str, str]
    existing: NodeRecord | None


@lru_cache(maxsize=65536)
def _syllables(text: str) -> tuple[str, ...]:
    return tuple(pinyin_syllables(text))


def _slug(text: str) -> str:
    ascii_ = "-".join(_syllables(text)) or text
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:60].strip("-")


class _Planner:
    def __init__(self, store: GraphStore, file: str, decisions: DecisionSet, actor: str,
                 today: date) -> None:
        self.store = store
        self.plan = ImportPlan(file)
        self.decisions = decisions
        self.actor = actor
        self.today = today
        self.index = NameIndex()
        self.stored: dict[str, NodeRecord] = {}
        self.loaded: set[Label] = set()
        self.claimed: dict[str, int] = {}
        self.pending: list[_Pending] = []
        self.edges: dict[str, dict[str, list[RelRecord]]] = {}

    def ensure(self, labels: typing.Iterable[Label]) -> None:
        """Load the stored entities of these labels into the index (once each)."""
        for label in labels:
            if label in self.loaded:
                continue
            self.loaded.add(label)
            for node in iter_nodes(self.store, label):
                self.stored[node.id] = node
                self.index.add_node(node)

    def stored_edges(self, spec: RelSpec, source: str) -> list[RelRecord]:
        if spec.type.value not in self.edges:
            grouped: dict[str, list[RelRecord]] = {}
            for rel in self.store.get_relationships(spec.type):
                grouped.setdefault(rel.source, []).append(rel)
            self.edges[spec.type.value] = grouped
        return self.edges[spec.type.value].get(source, [])

    # -- pass 1

    def read_sheet(self, sheet: Sheet, progress: Progress | None) -> None:
        if sheet.label is None:
            if sheet.name is not None:
                self.plan.notes.append(Problem(
                    None, None, f"sheet {sheet.name!r} skipped: its name is not a label",
                    f"已跳过工作表 {sheet.name!r}：表名不是记录类型（如 园区、企业）"))
                return
            self._file_error(sheet, sheet.header_row, None, None,
                             "cannot tell what the rows are: name the file or sheet after a "
                             "label (园区, parks, Park) or give --label / ?label=",
                             "无法判断记录类型：请用类型命名文件或工作表（如 园区、企业），"
                             "或指定 --label")
            return
        label = sheet.label
        columns: dict[str, str] = {}
        bad = False
        for text in sheet.headers:
            if not str(text).strip():
                continue
            found = field_of_header(label, str(text))
            if found is None:
                bad = True
                self._file_error(sheet, sheet.header_row, str(text), None,
                                 f"unknown column for {label.value}",
                                 f"{label.value} 没有这一列")
            elif found in columns.values():
                bad = True
                self._file_error(sheet, sheet.header_row, str(text), found,
                                 "column appears twice", "列重复")
            else:
                columns[str(text)] = found
        if bad:
            return
        self.ensure([label, *{t for s in specs_from(label) if s.seed_field in columns.values()
                              for t in s.targets}])
        read = 0
        for number, row in sheet.rows:
            self.read_row(sheet, label, columns, number, row)
            read += 1
            if progress and read % 1000 == 0:
                progress(1000)
        if progress and read % 1000:
            progress(read % 1000)

    def _file_error(self, sheet: Sheet, row: int, column: str | None, field_: str | None,
                    en: str, zh: str) -> None:
        self.plan.rows.append(RowOutcome(sheet.name, row, sheet.label, None, "", "error",
                                         problems=[Problem(column, field_, en, zh)]))

    def read_row(self, sheet: Sheet, label: Label, columns: dict[str, str], number: int,
                 row: dict[str, Any]) -> None:
        outcome = RowOutcome(sheet.name, number, label, None, "", "new")
        self.plan.rows.append(outcome)
        if "" in row:
            outcome.problems.append(Problem(None, None, "more cells than columns",
                                            "单元格多于表头列数"))
            outcome.status = "error"
            return
        raw: dict[str, Any] = {}
        edges: dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]] = {}
        by_field = {name: column for column, name in columns.items()}
        for column, value in row.items():
            name = columns.get(column)
            if name is None or value is None or (isinstance(value, str) and not value.strip()):
                continue
            if _kind(label, name) == "edge":
                items = _edge_items(value)
                if isinstance(items, str):
                    outcome.problems.append(Problem(column, name, items,
                                                    "无法读取：应为名称或编号，可带 (键=值)"))
                    continue
                edges[name] = (column, items)
            else:
                raw[name] = _cell(label, name, value)
        outcome.name = str(raw.get("name_zh") or raw.get("name_en") or "")
        existing = self.identify(label, raw, outcome, by_field)
        self.pending.append(_Pending(outcome, label, raw, edges, by_field, existing))

    def identify(self, label: Label, raw: dict[str, Any], outcome: RowOutcome,
                 by_field: dict[str, str]) -> NodeRecord | None:
        """Which entity the row is: its id; else its code or exact name; else a remembered
        answer; else new (with did-you-mean suggestions to answer)."""
        prefix = NODE_MODELS[label].ID_PREFIX
        given = raw.get("id")
        node_id: str | None = None
        if isinstance(given, str) and given:
            node_id = given if ":" in given else f"{prefix}:{given}"
        else:
            names = [str(raw[key]) for key in ("credit_code", "name_zh", "name_en")
                     if isinstance(raw.get(key), str) and raw[key]]
            stored = set()
            for name in names:
                stored = {i for i in self.index.exact_ids([label], name) if i in self.stored}
                if stored:
                    break
            if len(stored) > 1:
                listed = ", ".join(sorted(stored))
                outcome.problems.append(Problem(
                    by_field.get("name_zh"), "name_zh",
                    f"ambiguous: several stored {label.value} have this name: {listed}",
                    f"名称不唯一：有多个同名记录 {listed}，请填写编号"))
                return None
            if stored:
                node_id = stored.pop()
            else:
                node_id = self._remembered_or_suggest(label, names, outcome)
        if node_id is None:
            node_id = self._new_id(label, raw)
        raw["id"] = node_id
        outcome.id = node_id
        first = self.claimed.get(node_id)
        if first is not None:
            outcome.problems.append(Problem(by_field.get("id") or by_field.get("name_zh"),
                                            "id", f"the same entity as row {first}",
                                            f"与第 {first} 行是同一条记录"))
        self.claimed[node_id] = outcome.row
        existing = self.stored.get(node_id)
        if existing is None:
            code = raw.get("credit_code")
            self.index.add(node_id, label, str(raw.get("name_zh") or ""),
                           str(raw.get("name_en") or ""),
                           [code] if isinstance(code, str) else [], suggest=False)
        return existing

    def _remembered_or_suggest(self, label: Label, names: list[str],
                               outcome: RowOutcome) -> str | None:
        for name in names:
            confirmed = self.decisions.confirmed_for(label, name)
            if confirmed and confirmed in self.stored:
                return confirmed
        for name in names:
            rejected = self.decisions.rejected_for(label, name)
            near = [c for c in self.index.near([label], name, exclude=rejected)
                    if c.id in self.stored]
            if near:
                outcome.suggestions.extend(_suggestion(None, name, c) for c in near)
                return None
        return None

    def _new_id(self, label: Label, raw: dict[str, Any]) -> str:
        prefix = NODE_MODELS[label].ID_PREFIX
        base = _slug(str(raw.get("name_zh") or "")) or _slug(str(raw.get("name_en") or "")) \
            or "record"
        candidate = f"{prefix}:{base}"
        number = 2
        while candidate in self.stored or candidate in self.claimed:
            candidate = f"{prefix}:{base}-{number}"
            number += 1
        return candidate

    # -- pass 2

    def resolve(self, spec: RelSpec, column: str, text: str, outcome: RowOutcome
                ) -> str | None:
        """The id a reference means, or None with the problem recorded."""
        targets = sorted(spec.targets)
        for label in targets:
            prefix = NODE_MODELS[label].ID_PREFIX
            candidate = text if ":" in text else f"{prefix}:{text}"
            if candidate in self.index.entries and self.index.label_of(candidate) is label:
                return candidate
        found = self.index.exact_ids(targets, text)
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            listed = ", ".join(f"{i} {self.index.name_of(i)}" for i in sorted(found))
            outcome.problems.append(Problem(column, spec.seed_field,
                                            f"{text!r} is ambiguous: {listed}",
                                            f"“{text}” 不唯一：{listed}，请填写编号"))
            return None
        for label in targets:
            confirmed = self.decisions.confirmed_for(label, text)
            if confirmed and confirmed in self.index.entries:
                return confirmed
        rejected = set().union(*(self.decisions.rejected_for(t, text) for t in targets))
        near = self.index.near(targets, text, exclude=rejected)
        kinds = " or ".join(label.value for label in targets)
        if near:
            outcome.suggestions.extend(_suggestion(column, text, c) for c in near)
            listed = ", ".join(f"{c.name} ({c.id}, {c.score:g})" for c in near)
            outcome.problems.append(Problem(column, spec.seed_field,
                                            f"no {kinds} named {text!r}; did you mean {listed}?",
                                            f"找不到“{text}”；是否指 {listed}？"))
        else:
            outcome.problems.append(Problem(column, spec.seed_field,
                                            f"no {kinds} named {text!r}",
                                            f"找不到名为“{text}”的记录"))
        return None

    def finish(self, pending: _Pending) -> None:
        outcome, label, existing = pending.outcome, pending.label, pending.existing
        specs = {spec.seed_field: spec for spec in specs_from(label)}
        edge_fields: dict[str, Any] = {}
        for name, (column, items) in pending.edges.items():
            spec = specs[name]
            resolved = []
            for text, props in items:
                target = self.resolve(spec, column, text, outcome)
                if target is not None:
                    resolved.append({"to": target, **props})
            if spec.single and len(resolved) > 1:
                outcome.problems.append(Problem(column, name, "expected one reference",
                                                "只能填写一项"))
                continue
            if spec.single and not resolved:
                continue  # the reference's problem is recorded
            edge_fields[name] = resolved[0] if spec.single else resolved
        if existing is not None:
            record = dict(existing.properties)
            if pending.raw.get("name_zh") not in (None, record.get("name_zh")) \
                    and "name_pinyin" not in pending.raw:
                record.pop("name_pinyin", None)
            record.update(pending.raw)
        else:
            syllables = list(_syllables(str(pending.raw.get("name_zh", ""))))
            derived = {"name_en": " ".join(s.capitalize() for s in syllables),
                       "name_pinyin": pinyin_tokens(syllables)} if syllables else {}
            record = {"source": f"{self.plan.file} (imported by {self.actor})",
                      "as_of": self.today.isoformat(), **derived, **pending.raw}
        batch = RecordBatch()
        origin = Origin(self.plan.file, f"row {outcome.row}")
        add_record(batch, label, {**record, **edge_fields}, origin)
        for error in batch.errors:
            root = re.split(r"[.\[]", error.field or "", maxsplit=1)[0] or None
            outcome.problems.append(Problem(pending.columns.get(root or ""), error.field,
                                            error.message, _zh_of(error, _error_kind(error))))
        if outcome.problems:
            outcome.status = "error"
            return
        node = batch.nodes[0]
        touched = {specs[name] for name in edge_fields}
        old_edges = {spec.type: self.stored_edges(spec, node.id) if existing else []
                     for spec in touched}
        if existing is not None:
            for key in sorted(set(existing.properties) | set(node.properties)):
                before, after = existing.properties.get(key), node.properties.get(key)
                if before != after:
                    outcome.changes[key] = (before, after)
        for spec in sorted(touched, key=lambda s: s.seed_field):
            new = sorted(cells.format_edge(r.target, r.properties)
                         for r in batch.relationships if r.type is spec.type)
            old = sorted(cells.format_edge(r.target, r.properties)
                         for r in old_edges[spec.type])
            if new != old and (existing is not None or new):
                outcome.changes[spec.seed_field] = ("; ".join(old) or None,
                                                    "; ".join(new) or None)
        if outcome.suggestions:
            outcome.status = "review"
        elif existing is None:
            outcome.status = "new"
        else:
            outcome.status = "changed" if outcome.changes else "unchanged"
        if outcome.status == "unchanged":
            return
        self.plan.nodes.append(node)
        self.plan.relationships.extend(batch.relationships)
        kept = {rel.key for rel in batch.relationships}
        self.plan.stale.extend(rel.key for rels in old_edges.values() for rel in rels
                               if rel.key not in kept)
        if existing is not None:
            self.plan.before[node.id] = existing


def _error_kind(error: RecordError) -> str | None:
    message = error.message
    for kind, marker in (("missing", "required property"),
                         ("extra_forbidden", "unknown property"),
                         ("greater_than_equal", "greater than or equal"),
                         ("less_than_equal", "less than or equal"),
                         ("float_parsing", "valid number"), ("int_parsing", "valid integer"),
                         ("enum", "Input should be '"), ("date_parsing", "valid date"),
                         ("string_pattern_mismatch", "should match pattern"),
                         ("too_short", "at least 1 item"), ("bool_parsing", "valid boolean")):
        if marker in message:
            return kind
    return None


def _suggestion(column: str | None, text: str, candidate: Candidate) -> Suggestion:
    return Suggestion(column, text, candidate.id, candidate.name, candidate.label,
                      candidate.score)


def preview(store: GraphStore, stream: IO[bytes], filename: str, *,
            decisions: DecisionSet, actor: str, label: Label | None = None,
            sheet: str | None = None, today: date | None = None,
            progress: Progress | None = None) -> ImportPlan:
    """Read and check the whole file against the store; writes nothing."""
    planner = _Planner(store, filename, decisions, actor, today or date.today())
    sheets: Iterator[Sheet] = read_sheets(stream, filename, label=label, sheet=sheet)
    try:
        for item in sheets:
            planner.read_sheet(item, progress)
    except FileUnreadable as exc:
        planner.plan.rows.append(RowOutcome(exc.sheet, exc.row or 0, None, None, "", "error",
                                            problems=[Problem(None, None, exc.message,
                                                              exc.zh)]))
    pending = planner.pending
    planner.pending = []
    pending.reverse()
    while pending:  # each row's raw cells are dropped as soon as it is resolved
        planner.finish(pending.pop())
    _check_invariants(store, planner.plan)
    if not planner.plan.rows:
        planner.plan.rows.append(RowOutcome(sheet, 0, label, None, "", "error", problems=[
            Problem(None, None, "no rows to import", "没有可导入的行")]))
    return planner.plan


def _check_invariants(store: GraphStore, plan: ImportPlan) -> None:
    """The graph-wide checks every write path shares (alliance.services.integrity): the
    row they name becomes an error (a taxonomy cycle, an unstorable number)."""
    if not plan.ok or not plan.nodes:
        return
    try:
        check_write(store, nodes=plan.nodes, relationships=plan.relationships,
                    delete_relationships=plan.stale)
    except (Invalid, Conflict) as exc:
        row = next((row for row in plan.rows if row.id and row.id in exc.message),
                   None)
        problem = Problem(None, exc.field, exc.message, f"违反图的约束：{exc.message}")
        if row is None:
            plan.rows.append(RowOutcome(None, 0, None, None, "", "error", problems=[problem]))
        else:
            row.problems.append(problem)
            row.status = "error"


def apply(store: GraphStore, plan: ImportPlan, *, audit: AuditSink) -> None:
    """Write the plan in one transaction and audit it; RecordsInvalid (nothing written)
    when any row is an error or awaits a did-you-mean answer."""
    if not plan.ok:
        raise RecordsInvalid(plan.record_errors())
    if not plan.nodes:
        return
    check_write(store, nodes=plan.nodes, relationships=plan.relationships,
                delete_relationships=plan.stale)
    store.write(nodes=plan.nodes, relationships=plan.relationships,
                delete_relationships=plan.stale)
    edges: dict[str, list[dict[str, Any]]] = {}
    for rel in plan.relationships:
        edges.setdefault(rel.source, []).append(
            {"type": rel.type.value, "target": rel.target, "properties": rel.properties})
    audit.record([
        Change("import", node.id,
               {"labels": sorted(old.labels), "properties": dict(old.properties)}
               if (old := plan.before.get(node.id)) else None,
               {"file": plan.file, "labels": sorted(node.labels),
                "properties": dict(node.properties), "relationships": edges.get(node.id, [])})
        for node in plan.nodes
    ])



def _row_dict(row: RowOutcome) -> dict[str, Any]:
    return {
        "sheet": row.sheet, "row": row.row, "label": row.label.value if row.label else None,
        "id": row.id, "name": row.name, "status": row.status,
        "changes": {name: {"before": before, "after": after}
                    for name, (before, after) in row.changes.items()},
        "errors": [{"column": p.column, "field": p.field, "en": p.en, "zh": p.zh}
                   for p in row.problems],
        "suggestions": [{"column": s.column, "text": s.text, "candidate": s.candidate,
                         "name": s.name, "label": s.label.value, "score": s.score}
                        for s in row.suggestions],
    }


def plan_dict(plan: ImportPlan, *, limit: int = 1000, unchanged: bool = False
              ) -> dict[str, Any]:
    """The preview as JSON: counts, notes and up to `limit` rows (errors and questions
    first; unchanged rows only when asked)."""
    order = {"error": 0, "review": 1, "new": 2, "changed": 3, "unchanged": 4}
    shown = [row for row in plan.rows if unchanged or row.status != "unchanged"]
    shown.sort(key=lambda row: (order[row.status], row.sheet or "", row.row))
    return {
        "file": plan.file, "ok": plan.ok, "counts": plan.counts(),
        "notes": [{"en": note.en, "zh": note.zh} for note in plan.notes],
        "rows": [_row_dict(row) for row in shown[:limit]],
        "rows_left_out": max(0, len(shown) - limit),
    }
