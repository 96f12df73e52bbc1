"""Directory reads and writes: entities and relationships, one at a time or in bulk.

Writes take the same raw record shape as the seed files and imports (a node's properties
plus its relationship fields, e.g. `city: city:suzhou`, `hosts: [{to: ..., strength: 1}]`)
and validate it through `alliance.ingest.records`, so an entity written through the API
is exactly what an import would produce. Every write is one store transaction and is
reported to an `AuditSink` with the entity before and after.

Relationship fields on writes: PUT replaces the entity's properties, PATCH changes the
properties given; both, and imports, replace the edges of the relationship fields given
and leave the others alone (a GET's body, which lists no edges, PUT back changes
nothing). Only outgoing edges (the ones a seed record lists) are touched. Updates and
deletes honour an If-Match version (`version`).
"""

from __future__ import annotations

import base64
import binascii
import builtins
import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from pydantic import ValidationError

from alliance.errors import Conflict, Invalid, NotFound, PreconditionFailed
from alliance.ingest.imports import RecordsInvalid
from alliance.ingest.records import (
    Origin,
    RecordBatch,
    RecordError,
    add_record,
    check_references,
)
from alliance.services.integrity import FieldOf, check_write
from alliance.store.base import MAX_PAGE, GraphCounts, GraphStore, Neighbour
from graph_schema.records import (
    NodeRecord,
    RelKey,
    RelRecord,
    SchemaError,
    validate_relationship,
)
from graph_schema.relationships import REL_SPECS, specs_from
from graph_schema.vocabulary import Label, RelType, Role

BODY = Origin("request body", "record 1")


# --------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class Change:
    """One audited change: what was done to which entity, with its state before and after
    (None: it did not exist / no longer exists)."""

    action: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditSink(Protocol):
    """Where writes report their changes (the access layer's audit log)."""

    @property
    def actor(self) -> str:
        """Who writes, recorded as the `source` of records created without one."""
        ...

    def record(self, changes: Sequence[Change]) -> None: ...


def _rel_out(rel: RelRecord) -> dict[str, Any]:
    return {"type": rel.type.value, "source": rel.source, "target": rel.target,
            "properties": dict(rel.properties)}


def snapshot(store: GraphStore, record: NodeRecord) -> dict[str, Any]:
    """An entity as the audit log keeps it: labels, properties and outgoing edges."""
    rels = [_rel_out(rel) for spec in specs_from(record.label)
            for rel in store.get_relationships(spec.type, source=record.id)]
    return {"labels": sorted(record.labels), "properties": dict(record.properties),
            "relationships": rels}


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class Page:
    """One page of a listing; `next_cursor` is None on the last page."""

    items: builtins.list[NodeRecord]
    next_cursor: str | None


def encode_cursor(last_id: str) -> str:
    """An opaque cursor for the page after `last_id`.

    >>> decode_cursor(encode_cursor("park:suzhou-sip"))
    'park:suzhou-sip'
    """
    return base64.urlsafe_b64encode(last_id.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The id a cursor stands for; Invalid for anything not made by `encode_cursor`."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        msg = "not a cursor this API returned"
        raise Invalid(msg, field="cursor") from exc
    if ":" not in text:
        msg = "not a cursor this API returned"
        raise Invalid(msg, field="cursor")
    return text


def get(store: GraphStore, *, entity_id: str) -> NodeRecord | None:
    return store.get_node(entity_id)


def get_or_raise(store: GraphStore, *, entity_id: str, label: Label | None = None
                 ) -> NodeRecord:
    """The entity; NotFound when missing or (with `label`) of another label."""
    record = store.get_node(entity_id)
    if record is None or (label is not None and record.label is not label):
        kind = label.value if label else "entity"
        msg = f"no {kind} with id {entity_id!r}"
        raise NotFound(msg, field="id")
    return record


def list(store: GraphStore, *, label: Label | Role, filters: dict[str, Any] | None = None,
         cursor: str | None = None, limit: int = 50) -> Page:
    """Entities of a label (or role) equal on every filter, ordered by id."""
    limit = max(1, min(limit, MAX_PAGE))
    after = decode_cursor(cursor) if cursor else None
    found = store.list_nodes(label, filters=filters or {}, after=after, limit=limit + 1)
    items = found[:limit]
    more = len(found) > limit
    return Page(items, encode_cursor(items[-1].id) if more and items else None)


def neighbours(store: GraphStore, *, entity_id: str, rel_types: Sequence[RelType] = (),
               limit: int = 200) -> builtins.list[Neighbour]:
    """Relationships of the entity both ways, with the entity at the other end."""
    return store.neighbours(entity_id, rel_types=rel_types, limit=min(limit, MAX_PAGE))


def stats(store: GraphStore) -> GraphCounts:
    return store.counts()


# --------------------------------------------------------------------------- entity writes


def _validate(store: GraphStore, label: Label, raw: dict[str, Any]
              ) -> tuple[NodeRecord, builtins.list[RelRecord]]:
    """One raw record as a node and its edges; RecordsInvalid naming every bad field,
    including edges to entities that do not exist."""
    batch = RecordBatch()
    add_record(batch, label, raw, BODY)
    targets = sorted({rel.target for rel in batch.relationships})
    check_references(batch, {node.id for node in store.get_nodes(targets)})
    if batch.errors:
        raise RecordsInvalid(batch.errors, single=True)
    return batch.nodes[0], batch.relationships


def _with_provenance(record: dict[str, Any], audit: AuditSink) -> dict[str, Any]:
    raw = {key: value for key, value in record.items() if value is not None}
    raw.setdefault("source", audit.actor)
    raw.setdefault("as_of", date.today().isoformat())
    return raw


def _stale_edges(store: GraphStore, node_id: str, types: set[RelType],
                 keep: Sequence[RelRecord]) -> builtins.list[RelKey]:
    """Keys of the node's outgoing edges of these types that the new record drops."""
    kept = {rel.key for rel in keep}
    return [rel.key for rel_type in sorted(types)
            for rel in store.get_relationships(rel_type, source=node_id) if rel.key not in kept]


def _seed_field(rel: RelRecord) -> str:
    """The record field that lists a relationship (`parent`, `hosts`)."""
    return REL_SPECS[rel.type].seed_field


def _import_field(batch: RecordBatch) -> FieldOf:
    """An import's relationship named by where it was listed: `body.records.2.parent`
    for a JSON record, `body.parent` for a CSV column (the message names the ids)."""
    where: dict[int, str] = {}
    for rel, (origin, _, field_name) in zip(batch.relationships, batch.rel_origins,
                                            strict=True):
        kind, _, number = origin.position.partition(" ")
        inside = f"records.{int(number) - 1}." if kind == "record" and number.isdigit() else ""
        where[id(rel)] = f"body.{inside}{_dotted(field_name)}"
    return lambda rel: where.get(id(rel), _seed_field(rel))


def _dotted(field_name: str) -> str:
    return field_name.replace("[", ".").replace("]", "")


def create(store: GraphStore, *, label: Label, record: dict[str, Any], audit: AuditSink
           ) -> NodeRecord:
    """A new entity with its relationship fields; Conflict when the id exists."""
    raw = _with_provenance(record, audit)
    entity_id = raw.get("id")
    if isinstance(entity_id, str) and store.get_node(entity_id) is not None:
        msg = f"an entity with id {entity_id!r} already exists"
        raise Conflict(msg, field="id")
    node, rels = _validate(store, label, raw)
    check_write(store, nodes=[node], relationships=rels, field_of=_seed_field)
    store.write(nodes=[node], relationships=rels, create_only=True)
    audit.record([Change("create", node.id, None, snapshot(store, node))])
    return node


def version(store: GraphStore, record: NodeRecord) -> str:
    """The entity's version: a hash of its labels, properties and outgoing relationships
    (the same on both stores), served as its ETag and checked against If-Match."""
    text = json.dumps(snapshot(store, record), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _check_version(store: GraphStore, record: NodeRecord, if_match: str | None) -> None:
    """PreconditionFailed (with the current version) when If-Match names another."""
    if if_match is None:
        return
    current = version(store, record)
    wanted = {tag.strip().removeprefix("W/").strip('"').removesuffix(".partial")
              for tag in if_match.split(",")}
    if "*" not in wanted and current not in wanted:
        msg = (f"{record.id} changed since version {if_match.strip()}: it is now "
               f'"{current}"; GET it again and reapply the edit')
        raise PreconditionFailed(msg, field="header.if-match", current=current)


_VERSIONED_WRITE = threading.Lock()
"""Makes check-version-then-write one step for the writes of this process."""


def update(store: GraphStore, *, label: Label, entity_id: str, record: dict[str, Any],
           replace: bool, audit: AuditSink, if_match: str | None = None) -> NodeRecord:
    """Replace the entity's properties (`replace`) or change the given ones; either way
    only the relationship fields given change their edges (so a GET's body PUT back
    changes nothing). A property given as None is removed; `if_match` must name the
    current version."""
    with _VERSIONED_WRITE:
        return _update(store, label=label, entity_id=entity_id, record=record,
                       replace=replace, audit=audit, if_match=if_match)


def _update(store: GraphStore, *, label: Label, entity_id: str, record: dict[str, Any],
            replace: bool, audit: AuditSink, if_match: str | None) -> NodeRecord:
    old = get_or_raise(store, entity_id=entity_id, label=label)
    _check_version(store, old, if_match)
    before = snapshot(store, old)
    given_id = record.get("id")
    if given_id is not None and given_id != entity_id:
        msg = f"the id cannot change: the path names {entity_id!r}, the body {given_id!r}"
        raise Invalid(msg, field="id")
    fields = {spec.seed_field: spec.type for spec in specs_from(label)}
    renamed = record.get("name_zh", old.properties.get("name_zh")) != old.properties.get(
        "name_zh") and record.get("name_pinyin") in (None, old.properties.get("name_pinyin"))
    if replace:
        raw = _with_provenance({**record, "id": entity_id}, audit)
    else:
        raw = dict(old.properties)
        for key, value in record.items():
            if value is None:
                raw.pop(key, None)
            else:
                raw[key] = value
    if renamed:
        raw.pop("name_pinyin", None)  # derived from the old name: derive it again
    touched = {fields[name] for name in record if name in fields}
    node, rels = _validate(store, label, raw)
    stale = _stale_edges(store, entity_id, touched, rels)
    check_write(store, nodes=[node], relationships=rels, delete_relationships=stale,
                field_of=_seed_field)
    store.write(nodes=[node], relationships=rels, delete_relationships=stale)
    after = snapshot(store, node)
    audit.record([Change("replace" if replace else "update", entity_id, before, after)])
    return node


def delete(store: GraphStore, *, label: Label, entity_id: str, audit: AuditSink,
           if_match: str | None = None) -> None:
    """Delete the entity and every relationship it has (either direction)."""
    with _VERSIONED_WRITE:
        old = get_or_raise(store, entity_id=entity_id, label=label)
        _check_version(store, old, if_match)
        before = snapshot(store, old)
        store.write(delete_nodes=[entity_id])
    audit.record([Change("delete", entity_id, before, None)])


# --------------------------------------------------------------------------- relationships


@dataclass(frozen=True)
class RelationshipWrite:
    """A stored relationship and whether it is new (else it replaced one)."""

    relationship: RelRecord
    created: bool


def _relationship(rel_type: RelType, source: str, target: str,
                  properties: dict[str, Any]) -> RelRecord:
    """Validated against the declaration; RecordsInvalid naming the body field."""
    try:
        return validate_relationship(rel_type, source, target, properties)
    except SchemaError as exc:
        errors = [RecordError(BODY.file, BODY.position, None, exc.field, str(exc))]
    except ValidationError as exc:
        errors = [RecordError(BODY.file, BODY.position, None,
                              ".".join(["properties", *(str(p) for p in err["loc"])]),
                              str(err["msg"]))
                  for err in exc.errors()]
    raise RecordsInvalid(errors, single=True)


def _rel_audit_id(rel: RelRecord) -> str:
    return f"{rel.type.value}:{rel.source}->{rel.target}"


def _check_ends(store: GraphStore, rel: RelRecord) -> None:
    found = {node.id for node in store.get_nodes([rel.source, rel.target])}
    for end, node_id in (("source", rel.source), ("target", rel.target)):
        if node_id not in found:
            msg = f"no entity with id {node_id!r}"
            raise NotFound(msg, field=end)


def relate(store: GraphStore, *, rel_type: RelType, source: str, target: str,
           properties: dict[str, Any], audit: AuditSink) -> RelationshipWrite:
    """Create a relationship, or replace the one with the same identity; for a type of
    which a node has at most one (a park's city), the node's previous one is replaced."""
    rel = _relationship(rel_type, source, target, properties)
    _check_ends(store, rel)
    existing = store.get_relationships(rel_type, source=source)
    spec = REL_SPECS[rel_type]
    replaced = [old for old in existing if old.key == rel.key or spec.single]
    stale = [old.key for old in replaced if old.key != rel.key]
    check_write(store, relationships=[rel], delete_relationships=stale)
    store.write(relationships=[rel], delete_relationships=stale)
    before = [_rel_out(old) for old in replaced]
    audit.record([Change("relate", _rel_audit_id(rel),
                         {"relationships": before} if before else None,
                         {"relationships": [_rel_out(rel)]})])
    return RelationshipWrite(rel, created=not any(old.key == rel.key for old in replaced))


def unrelate(store: GraphStore, *, rel_type: RelType, source: str, target: str,
             properties: dict[str, Any], audit: AuditSink) -> RelRecord:
    """Delete one relationship (named by type, ends and key properties); NotFound when
    there is none."""
    spec = REL_SPECS[rel_type]
    key_props = {name: properties.get(name) for name in spec.key}
    wanted = (rel_type.value, source, target, tuple(key_props.values()))
    for old in store.get_relationships(rel_type, source=source, target=target):
        if old.key == wanted:
            store.write(delete_relationships=[old.key])
            audit.record([Change("unrelate", _rel_audit_id(old),
                                 {"relationships": [_rel_out(old)]}, None)])
            return old
    msg = f"no {rel_type.value} relationship from {source!r} to {target!r}"
    if spec.key:
        msg += f" with {key_props}"
    raise NotFound(msg)


# --------------------------------------------------------------------------- imports


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote (or, dry run, would write)."""

    dry_run: bool
    created: builtins.list[str]
    updated: builtins.list[str]
    relationships: int
    nodes: builtins.list[NodeRecord] = field(default_factory=builtins.list)


def import_records(store: GraphStore, *, batch: RecordBatch, dry_run: bool,
                   audit: AuditSink) -> ImportSummary:
    """Write a validated batch in one transaction, or nothing at all.

    References may point into the batch or at stored entities. An entity that exists is
    replaced (properties) and its relationship fields present in the batch replace its
    edges of those types. RecordsInvalid lists every error (file, row, field).
    """
    in_batch = set(batch.node_origins)
    outside = sorted({rel.target for rel in batch.relationships} - in_batch)
    check_references(batch, {node.id for node in store.get_nodes(outside)})
    if batch.errors:
        raise RecordsInvalid(batch.errors)
    existing = {node.id: node for node in store.get_nodes([n.id for n in batch.nodes])}
    created = [node.id for node in batch.nodes if node.id not in existing]
    updated = [node.id for node in batch.nodes if node.id in existing]
    summary = ImportSummary(dry_run, created, updated, len(batch.relationships),
                            builtins.list(batch.nodes))
    edges: dict[str, builtins.list[RelRecord]] = {}
    for rel in batch.relationships:
        edges.setdefault(rel.source, []).append(rel)
    stale = [key for node_id in updated
             for key in _stale_edges(store, node_id, {r.type for r in edges.get(node_id, [])},
                                     edges.get(node_id, []))]
    check_write(store, nodes=batch.nodes, relationships=batch.relationships,
                delete_relationships=stale, field_of=_import_field(batch))
    if dry_run:
        return summary
    before = {node_id: {"labels": sorted(node.labels), "properties": dict(node.properties)}
              for node_id, node in existing.items()}
    store.write(nodes=batch.nodes, relationships=batch.relationships,
                delete_relationships=stale)
    audit.record([
        Change("import", node.id, before.get(node.id),
               {"labels": sorted(node.labels), "properties": dict(node.properties),
                "relationships": [_rel_out(rel) for rel in edges.get(node.id, [])]})
        for node in batch.nodes
    ])
    return summary
