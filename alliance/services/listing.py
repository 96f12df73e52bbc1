"""Collections as partners read them: filters by relationship, sorting, cursor pages
with a total, `updated_since`, and key relationships embedded (`include=`).

Every relationship field of a label (as in seed files: a park's `city` and `hosts`, a
policy's `offered_in` and `targets`, ...) is a filter on the ids at its other end, and
so is every entry of `NAMED_FILTERS`, which says what the words partners use mean: a
city portal's `/v1/parks?city=suzhou` (a bare slug gets the label's prefix), policies of
a city (offered in the city or in one of its parks), people of a city (based there or
covering it), an industry with its subfields. Several comma-separated values match any
of them; different filters must all match.

The answers are computed here from the GraphStore protocol (`list_nodes`,
`get_relationships`), so both stores give the same answers by construction.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from alliance.errors import Invalid
from alliance.services.directory import decode_cursor, encode_cursor
from alliance.store.base import MAX_PAGE, GraphStore
from graph_schema.nodes import NODE_MODELS
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.relationships import REL_SPECS, specs_from
from graph_schema.vocabulary import Label, RelType

Path = tuple[RelType, ...]
"""Relationship types from the listed node outwards, e.g. (OFFERED_IN, IN_CITY)."""


@dataclass(frozen=True)
class RelationFilter:
    """A filter matching nodes that reach one of the given ids along one of `paths`."""

    paths: tuple[Path, ...]
    target: Label
    """Label of the ids given (a bare slug gets its prefix)."""
    description: str
    subfields: bool = False
    """The ids are industries: their subfields count too."""
    or_unrelated: bool = False
    """Nodes without any edge of the first hop match too (a policy targeting no industry
    is for every industry)."""


def _spec_filter(rel_type: RelType) -> RelationFilter:
    spec = REL_SPECS[rel_type]
    target = min(spec.targets, key=lambda label: label.value)
    return RelationFilter(((rel_type,),), target,
                          f"Ids at the other end of {rel_type.value} (comma-separated: any).")


NAMED_FILTERS: dict[Label, dict[str, RelationFilter]] = {
    Label.PARK: {
        "city": RelationFilter(((RelType.IN_CITY,),), Label.CITY, "The park's city."),
        "industry": RelationFilter(((RelType.HOSTS,),), Label.INDUSTRY,
                                   "An industry the park hosts, or a subfield of it.",
                                   subfields=True),
    },
    Label.POLICY: {
        "city": RelationFilter(((RelType.OFFERED_IN,), (RelType.OFFERED_IN, RelType.IN_CITY)),
                               Label.CITY, "Offered in the city or in one of its parks."),
        "park": RelationFilter(((RelType.OFFERED_IN,),), Label.PARK, "Offered in the park."),
        "industry": RelationFilter(((RelType.TARGETS,),), Label.INDUSTRY,
                                   "Targets the industry (or a subfield), or targets none "
                                   "(open to every industry).", subfields=True,
                                   or_unrelated=True),
    },
    Label.PERSON: {
        "city": RelationFilter(((RelType.BASED_IN,), (RelType.COVERS,)), Label.CITY,
                               "Based in or covering the city."),
        "park": RelationFilter(((RelType.COVERS,),), Label.PARK, "Covers the park."),
        "skill": RelationFilter(((RelType.HAS_SKILL,),), Label.SKILL, "Has the skill."),
        "vertical": RelationFilter(((RelType.EXPERT_IN,),), Label.INDUSTRY,
                                   "Expert in the industry or a subfield of it.",
                                   subfields=True),
        "organization": RelationFilter(((RelType.WORKS_AT,),), Label.ORGANIZATION,
                                       "Works at the organization."),
    },
    Label.COMPANY: {
        "city": RelationFilter(((RelType.BASED_IN,),), Label.CITY, "Based in the city."),
        "industry": RelationFilter(((RelType.IN_INDUSTRY,),), Label.INDUSTRY,
                                   "In the industry or a subfield of it.", subfields=True),
        "park": RelationFilter(((RelType.LANDED_IN,),), Label.PARK, "Landed in the park."),
    },
    Label.ORGANIZATION: {
        "city": RelationFilter(((RelType.BASED_IN,),), Label.CITY, "Based in the city."),
    },
}
"""Filters named in the partners' words; they win over a relationship field's name."""

PROPERTY_ALIASES: dict[Label, dict[str, str]] = {Label.PERSON: {"role": "roles"}}
"""Singular names of list properties (`role=Broker` is `roles=Broker`)."""

INCLUDE_ALIASES: dict[Label, dict[str, RelType]] = {
    Label.PARK: {"industries": RelType.HOSTS},
    Label.POLICY: {"industries": RelType.TARGETS},
    Label.PERSON: {"verticals": RelType.EXPERT_IN},
}
"""Plural names partners use for a relationship field, for `include=`."""


def relation_filters(label: Label) -> dict[str, RelationFilter]:
    """Every relationship filter of a label: its relationship fields, then named ones."""
    found = {spec.seed_field: _spec_filter(spec.type) for spec in specs_from(label)}
    found.update(NAMED_FILTERS.get(label, {}))
    return found


def includes(label: Label) -> dict[str, RelType]:
    """What `include=` may name for a label: relationship fields and their aliases."""
    found = {spec.seed_field: spec.type for spec in specs_from(label)}
    found.update(INCLUDE_ALIASES.get(label, {}))
    return found


def sortable(label: Label) -> frozenset[str]:
    """Properties a listing may sort by: the scalar ones, and id."""
    fields = NODE_MODELS[label].model_fields
    return frozenset(name for name, info in fields.items()
                     if "list" not in str(info.annotation).lower())


# --------------------------------------------------------------------------- parsing


def split_values(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def with_prefix(value: str, label: Label) -> str:
    """`suzhou` → `city:suzhou` for a city filter; a full id stays as it is."""
    return value if ":" in value else f"{NODE_MODELS[label].ID_PREFIX}:{value}"


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


def parse_sort(label: Label, text: str | None) -> tuple[SortKey, ...]:
    """`name_en,-rent_cny_m2_month` → keys; Invalid (field `sort`) for unknown names."""
    if not text:
        return ()
    keys = []
    allowed = sortable(label)
    for part in split_values(text):
        name = part.removeprefix("-")
        if name not in allowed:
            msg = f"cannot sort by {name!r}; {label.value} sorts by {sorted(allowed)}"
            raise Invalid(msg, field="sort")
        keys.append(SortKey(name, part.startswith("-")))
    return tuple(keys)


def parse_since(text: str) -> datetime:
    """An ISO date or date-time (UTC when no zone is given); Invalid otherwise."""
    try:
        moment = (datetime.fromisoformat(text) if "T" in text or " " in text
                  else datetime.combine(date.fromisoformat(text), time()))
    except ValueError as exc:
        msg = "not an ISO 8601 date or date-time, e.g. 2025-06-30 or 2025-06-30T08:00:00Z"
        raise Invalid(msg, field="updated_since") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- matching


def _sources(store: GraphStore, rel_type: RelType, targets: Iterable[str]) -> set[str]:
    spec = REL_SPECS[rel_type]
    found: set[str] = set()
    for target in targets:
        for rel in store.get_relationships(rel_type, target=target):
            found.add(rel.source)
        if spec.symmetric:
            found |= {rel.target for rel in store.get_relationships(rel_type, source=target)}
    return found


def _with_subfields(store: GraphStore, industries: Iterable[str]) -> set[str]:
    found = set(industries)
    frontier = set(found)
    while frontier:
        frontier = _sources(store, RelType.SUBFIELD_OF, frontier) - found
        found |= frontier
    return found


def matching_ids(store: GraphStore, relation: RelationFilter, values: Sequence[str]
                 ) -> set[str]:
    """Ids of the nodes this filter admits for these values."""
    targets = {with_prefix(value, relation.target) for value in values}
    if relation.subfields:
        targets = _with_subfields(store, targets)
    found: set[str] = set()
    for path in relation.paths:
        reached = targets
        for rel_type in reversed(path):
            reached = _sources(store, rel_type, reached)
        found |= reached
    if relation.or_unrelated:
        related = {rel.source for rel in store.get_relationships(relation.paths[0][0])}
        found |= {"\x00unrelated"} | {f"\x00related:{node_id}" for node_id in related}
    return found


def _admits(found: set[str], node_id: str) -> bool:
    if node_id in found:
        return True
    return "\x00unrelated" in found and f"\x00related:{node_id}" not in found


def _valid_on(record: NodeRecord, day: date) -> bool:
    start = record.properties.get("valid_from")
    end = record.properties.get("valid_to")
    return (start is None or str(start) <= day.isoformat()) and \
        (end is None or str(end) >= day.isoformat())


# --------------------------------------------------------------------------- query


@dataclass(frozen=True)
class ListQuery:
    """One collection request after parsing."""

    label: Label
    properties: dict[str, Any]
    relations: dict[str, list[str]]
    sort: tuple[SortKey, ...] = ()
    valid_on: date | None = None
    updated_since: datetime | None = None
    cursor: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class ListPage:
    items: builtins.list[NodeRecord]
    next_cursor: str | None
    total: int


def _all(store: GraphStore, label: Label, properties: dict[str, Any]) -> list[NodeRecord]:
    found: list[NodeRecord] = []
    after: str | None = None
    while True:
        page = store.list_nodes(label, filters=properties, after=after, limit=MAX_PAGE)
        found += page
        if len(page) < MAX_PAGE:
            return found
        after = page[-1].id


def _sort_value(value: Any) -> tuple[int, Any]:
    """Numbers and text each in their own order (a column holds one kind)."""
    if isinstance(value, bool | int | float):
        return (0, float(value))
    return (1, str(value))


def _value(record: NodeRecord, field: str) -> Any:
    return record.id if field == "id" else record.properties.get(field)


def _sorted(records: Iterable[NodeRecord], keys: Sequence[SortKey]) -> list[NodeRecord]:
    """Sorted by the keys, then id; missing values last in either direction. One stable
    pass per key, last key first."""
    ordered = sorted(records, key=lambda record: record.id)
    for sort_key in reversed(keys):
        present = [r for r in ordered if _value(r, sort_key.field) is not None]
        missing = [r for r in ordered if _value(r, sort_key.field) is None]
        present.sort(key=lambda r, f=sort_key.field: _sort_value(_value(r, f)),  # type: ignore[misc]
                     reverse=sort_key.descending)
        ordered = present + missing
    return ordered


def _encode_position(record: NodeRecord, keys: Sequence[SortKey]) -> str:
    values = [record.id, *(_value(record, key.field) for key in keys)]
    text = json.dumps(["v2", *values], ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _after_position(records: list[NodeRecord], cursor: str, keys: Sequence[SortKey]
                    ) -> list[NodeRecord]:
    """The records after the cursor's position: the last item shown is placed, with the
    values it had, among the others (which may have changed since), and what follows
    it is the rest."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        values = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        msg = "not a cursor this API returned"
        raise Invalid(msg, field="cursor") from exc
    if not isinstance(values, list) or len(values) != len(keys) + 2 or values[0] != "v2" \
            or not isinstance(values[1], str):
        msg = "not a cursor this API returned for this sort"
        raise Invalid(msg, field="cursor")
    last_id = values[1]
    marker = NodeRecord(last_id, Label.CITY, frozenset(),
                        {key.field: value for key, value in zip(keys, values[2:], strict=True)
                         if key.field != "id"})
    placed = _sorted([*(r for r in records if r.id != last_id), marker], keys)
    index = next(i for i, record in enumerate(placed) if record is marker)
    return placed[index + 1:]


def query(store: GraphStore, request: ListQuery, *, touched_since: set[str] | None = None
          ) -> ListPage:
    """One page of the collection, its cursor and the total number of matches.

    `touched_since`: ids the audit log changed since `request.updated_since`; a node is
    updated since a moment when it was written through the API after it, or its `as_of`
    is that day or later.
    """
    limit = max(1, min(request.limit, MAX_PAGE))
    filters = relation_filters(request.label)
    admitted = [matching_ids(store, filters[name], values)
                for name, values in request.relations.items()]
    records = [record for record in _all(store, request.label, request.properties)
               if all(_admits(found, record.id) for found in admitted)]
    if request.valid_on is not None:
        records = [record for record in records if _valid_on(record, request.valid_on)]
    if request.updated_since is not None:
        day = request.updated_since.date().isoformat()
        recent = touched_since or set()
        records = [record for record in records if record.id in recent
                   or str(record.properties.get("as_of", "")) >= day]
    total = len(records)
    if request.sort:
        records = _sorted(records, request.sort)
        if request.cursor:
            records = _after_position(records, request.cursor, request.sort)
        page = records[:limit]
        more = len(records) > limit
        return ListPage(page, _encode_position(page[-1], request.sort) if more and page
                        else None, total)
    if request.cursor:
        after = decode_cursor(request.cursor)
        records = [record for record in records if record.id > after]
    page = records[:limit]
    more = len(records) > limit
    return ListPage(page, encode_cursor(page[-1].id) if more and page else None, total)


# --------------------------------------------------------------------------- include


@dataclass(frozen=True)
class Embedded:
    """A related entity for `include=`: the node and the relationship's properties."""

    node: NodeRecord
    relationship: RelRecord


def related(store: GraphStore, record: NodeRecord, names: Sequence[str]
            ) -> dict[str, Embedded | builtins.list[Embedded] | None]:
    """The entities at the other end of each named relationship field, in id order: one
    (or None) for a field of which a node has at most one, else a list."""
    allowed = includes(record.label)
    out: dict[str, Embedded | builtins.list[Embedded] | None] = {}
    for name in names:
        rel_type = allowed[name]
        rels = store.get_relationships(rel_type, source=record.id)
        nodes = {node.id: node for node in store.get_nodes([rel.target for rel in rels])}
        found = [Embedded(nodes[rel.target], rel) for rel in rels if rel.target in nodes]
        found.sort(key=lambda item: (item.node.id, json.dumps(item.relationship.properties,
                                                              sort_keys=True, default=str)))
        out[name] = (found[0] if found else None) if REL_SPECS[rel_type].single else found
    return out


def check_includes(label: Label, text: str | None) -> builtins.list[str]:
    """The names of `include=`; Invalid (field `include`) for names the label lacks."""
    if not text:
        return []
    names = split_values(text)
    allowed = includes(label)
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        msg = f"cannot include {unknown}; {label.value} includes {sorted(allowed)}"
        raise Invalid(msg, field="include")
    return builtins.list(dict.fromkeys(names))
