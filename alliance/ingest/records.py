"""Turn raw records (from YAML seed files, JSON or CSV imports) into validated graph records.

A raw record is a node's properties plus, under each relationship type's `seed_field`,
the edges that start at it: `city: city:suzhou`, `hosts: [{to: industry:x, strength: 1}]`.
Validation never stops at the first problem: every error is collected with the place it
was found, so one run tells the editor everything to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from graph_schema.nodes import NODE_MODELS, label_of_id
from graph_schema.records import (
    NodeRecord,
    RelRecord,
    SchemaError,
    validate_node,
    validate_relationship,
)
from graph_schema.relationships import specs_from
from graph_schema.vocabulary import Label


@dataclass(frozen=True)
class RecordError:
    """One problem, located: file, record (row number and id when known) and field."""

    file: str
    position: str
    """'line 42' for YAML, 'row 7' for CSV, 'record 3' for JSON."""
    record_id: str | None
    field: str | None
    message: str
    sheet: str | None = None
    column: str | None = None
    """The column's header as the file spells it (spreadsheet imports)."""
    message_zh: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.position}"
        if self.sheet:
            where = f"{self.file} [{self.sheet}]: {self.position}"
        if self.record_id:
            where += f" ({self.record_id})"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Origin:
    """Where a record came from, for error messages found after reading."""

    file: str
    position: str


@dataclass
class RecordBatch:
    """Validated nodes and relationships with their origins, and every error found."""

    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelRecord] = field(default_factory=list)
    node_origins: dict[str, Origin] = field(default_factory=dict)
    rel_origins: list[tuple[Origin, str, str]] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)

    @classmethod
    def of(cls, records: Iterable[NodeRecord | RelRecord]) -> RecordBatch:
        """A batch of records already validated (a generator's, a store's), nodes and
        relationships in the order given."""
        batch = cls()
        for record in records:
            if isinstance(record, NodeRecord):
                batch.nodes.append(record)
            else:
                batch.relationships.append(record)
        return batch

    def error(self, origin: Origin, record_id: str | None, field_name: str | None,
              message: str) -> None:
        self.errors.append(
            RecordError(origin.file, origin.position, record_id, field_name, message)
        )

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        """Nodes per label (role labels included) and relationships per type."""
        labels: Counter[str] = Counter()
        for node in self.nodes:
            labels.update(node.labels)
        types: Counter[str] = Counter(rel.type.value for rel in self.relationships)
        return labels, types


def describe_error(error: dict[str, Any]) -> str:
    """A pydantic error as 'what was expected, what was given'."""
    message = str(error["msg"])
    given = error.get("input")
    if error["type"] == "missing":
        return "required property is missing"
    if error["type"] == "extra_forbidden":
        return "unknown property (not in the schema)"
    if given is not None and not isinstance(given, dict | list):
        return f"{message} (given {given!r})"
    return message


def field_path(loc: tuple[Any, ...], prefix: str = "") -> str | None:
    parts = [str(part) for part in loc]
    if not parts and not prefix:
        return None
    return ".".join([prefix, *parts] if prefix else parts)


def _edges(value: Any, single: bool) -> list[tuple[Any, dict[str, Any]]] | str:
    """Normalise a relationship field to [(target, props)], or an error message."""
    items = [value] if single or not isinstance(value, list) else value
    if single and isinstance(value, list):
        return "expected one id, got a list"
    edges: list[tuple[Any, dict[str, Any]]] = []
    for item in items:
        if isinstance(item, str):
            edges.append((item, {}))
        elif isinstance(item, dict) and "to" in item:
            props = {key: val for key, val in item.items() if key != "to"}
            edges.append((item["to"], props))
        else:
            return "expected an id or a mapping with 'to' and the relationship's properties"
    return edges


def add_node(batch: RecordBatch, label: Label, data: dict[str, Any], origin: Origin,
             record_id: str | None) -> NodeRecord | None:
    """Validate a node's properties into `batch`; None (and the errors recorded) when it
    is invalid or its id was already used."""
    try:
        node = validate_node(label, data)
    except ValidationError as exc:
        for err in exc.errors():
            batch.error(origin, record_id, field_path(err["loc"]), describe_error(dict(err)))
        return None
    if node.id in batch.node_origins:
        first = batch.node_origins[node.id]
        batch.error(origin, node.id, "id",
                    f"duplicate id, first defined in {first.file} {first.position}")
        return None
    batch.nodes.append(node)
    batch.node_origins[node.id] = origin
    return node


def add_record(batch: RecordBatch, label: Label, raw: dict[str, Any], origin: Origin) -> None:
    """Validate one raw record of `label` into `batch` (node, its edges, or errors)."""
    data = dict(raw)
    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    edge_fields = {}
    for spec in specs_from(label):
        if spec.seed_field in data:
            edge_fields[spec] = data.pop(spec.seed_field)
    node = add_node(batch, label, data, origin, record_id)
    if node is None:
        return
    for spec, value in edge_fields.items():
        edges = _edges(value, spec.single)
        if isinstance(edges, str):
            batch.error(origin, node.id, spec.seed_field, edges)
            continue
        for index, (target, props) in enumerate(edges):
            where = spec.seed_field if spec.single else f"{spec.seed_field}[{index}]"
            if not isinstance(target, str):
                batch.error(origin, node.id, where, f"expected an id string, got {target!r}")
                continue
            try:
                rel = validate_relationship(spec.type, node.id, target, props)
            except SchemaError as exc:
                batch.error(origin, node.id, where, str(exc))
                continue
            except ValidationError as exc:
                for err in exc.errors():
                    batch.error(origin, node.id, field_path(err["loc"], where),
                                describe_error(dict(err)))
                continue
            batch.relationships.append(rel)
            batch.rel_origins.append((origin, node.id, where))


def check_references(batch: RecordBatch, known_ids: set[str] | None = None) -> None:
    """Report every relationship whose target is neither in the batch nor in `known_ids`."""
    known = set(batch.node_origins) | (known_ids or set())
    for rel, (origin, record_id, where) in zip(batch.relationships, batch.rel_origins,
                                               strict=True):
        if rel.target not in known:
            label = label_of_id(rel.target)
            kind = label.value if label else "node"
            batch.error(origin, record_id, where,
                        f"refers to {kind} {rel.target!r}, which does not exist")


def label_for_name(name: str) -> Label | None:
    """A label from its name in any case ('park', 'Park', 'parks' all give Park)."""
    wanted = name.strip().lower()
    for label in NODE_MODELS:
        plural = label.value.lower() + ("s" if not label.value.endswith("y") else "")
        if wanted in {label.value.lower(), plural, label.value.lower()[:-1] + "ies"}:
            return label
    return None
