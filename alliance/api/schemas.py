"""Request and response models of the HTTP API, most of them generated from graph_schema.

For every label: `<Label>Out` (an entity as returned: every property optional, since
`fields=` selects and contact data may be held back), `<Label>Page`, `<Label>Create`
(the node model plus its relationship fields, as in seed files; `source` and `as_of`
default to the writer and today), `<Label>Patch` (every field optional; null removes)
and `<Label>Filters` (the list query: each scalar property as an equality filter, plus
`cursor`, `limit`, `fields`; unknown parameters are refused).
"""

from __future__ import annotations

import typing
from datetime import date
from enum import Enum
from types import NoneType, UnionType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from alliance.api.privacy import CONTACT_FIELDS
from alliance.services.listing import PROPERTY_ALIASES, includes, relation_filters, sortable
from alliance.services.referrals import ReferralOut
from alliance.store.base import MAX_PAGE
from graph_schema.nodes import NODE_MODELS
from graph_schema.relationships import RelSpec, specs_from
from graph_schema.values import Storable
from graph_schema.vocabulary import Label, RelType

COLLECTIONS: dict[str, Label] = {
    "cities": Label.CITY,
    "parks": Label.PARK,
    "industries": Label.INDUSTRY,
    "policies": Label.POLICY,
    "people": Label.PERSON,
    "skills": Label.SKILL,
    "organizations": Label.ORGANIZATION,
    "companies": Label.COMPANY,
    "referrals": Label.REFERRAL,
}
"""URL collection name of every label."""

LIST_PARAMETERS = frozenset({"cursor", "limit", "fields", "sort", "include", "valid_on",
                             "updated_since"})
"""Query parameters of a listing that are not property filters."""


# --------------------------------------------------------------------------- generic


class EntityOut(BaseModel):
    """Any entity: id, label, labels (role labels too) and its properties."""

    model_config = ConfigDict(extra="allow")

    id: str
    label: Label
    labels: list[str]


class RelationshipOut(BaseModel):
    type: RelType
    source: str
    target: str
    properties: dict[str, Any] = Field(default_factory=dict)


class NeighbourOut(BaseModel):
    """One relationship of the entity and the entity at its other end."""

    relationship: RelationshipOut
    direction: Literal["out", "in"]
    node: EntityOut


class NeighboursOut(BaseModel):
    id: str
    items: list[NeighbourOut]


class SearchHitOut(BaseModel):
    score: float = Field(description="Names: 1.0 exact, 0.9 prefix, 0.8 pinyin prefix, 0.7 "
                                     "contains; 0.75 role word; 0.6 × the concept's score for "
                                     "what a city, industry or skill contains; × 0.9 after a "
                                     "typo fix; × 0.95 for a hit of every word.")
    why: list[str] = Field(description="How the hit matched, best reason first.")
    city: str | None = Field(description="City id the entity lies or is based in.")
    entity: EntityOut


class SearchOut(BaseModel):
    query: str
    total: int = Field(description="Hits over all pages.")
    facets: dict[str, dict[str, int]] = Field(
        description="Counts over all hits by `label`, `city` (city id) and `role`.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null "
                                                "on the last page.")
    items: list[SearchHitOut]


class StatsOut(BaseModel):
    """Nodes per label (role labels included) and relationships per type."""

    labels: dict[str, int]
    relationships: dict[str, int]


class RelationshipIn(BaseModel):
    """A relationship to create, replace or delete: its type, ends and properties (for
    deletes, only the type's key properties matter, e.g. COLLABORATED_WITH's `deal`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "type": "HOSTS", "source": "park:suzhou-sip-biobay",
        "target": "industry:medical-devices", "properties": {"strength": 0.8},
    }]})

    type: RelType
    source: str = Field(min_length=3, max_length=200)
    target: str = Field(min_length=3, max_length=200)
    properties: dict[str, Any] = Field(default_factory=dict)


class ImportRecords(BaseModel):
    """The JSON import body: raw records as in the seed files, each with its label."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"records": [{
        "label": "City", "id": "city:haimen", "name_zh": "海门", "name_en": "Haimen",
        "province": "江苏", "lat": 31.87, "lon": 121.18, "source": "admin sheet",
        "as_of": "2025-06-30",
    }]}]})

    records: list[dict[str, Any]]


class AuditEntryOut(BaseModel):
    seq: int
    at: str
    key_id: str | None
    key_name: str
    action: str
    entity_id: str
    before: Any
    after: Any


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None


class Health(BaseModel):
    status: str
    backend: str | None = None


# --------------------------------------------------------------------------- per label


class StrictStorable(Storable):
    """Base of generated bodies and filters: storable values, no unknown fields."""

    model_config = ConfigDict(extra="forbid")


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not NoneType]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _filter_type(annotation: Any) -> Any | None:
    """The type an equality filter on this property takes (the item type of a list),
    or None when the property cannot be filtered on (lists of objects)."""
    inner, _ = _strip_optional(annotation)
    if typing.get_origin(inner) is list:
        (inner,) = typing.get_args(inner)
    if typing.get_origin(inner) is Annotated:
        inner = typing.get_args(inner)[0]
    if inner in (str, int, float, bool, date):
        return inner
    if isinstance(inner, type) and issubclass(inner, Enum):
        return inner
    return None


def _constrained(info: Any) -> Any:
    """A field's annotation with its constraints (min length, bounds, pattern)."""
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


_EDGE_MODELS: dict[RelType, type[BaseModel]] = {}


def _id_as_edge(value: Any) -> Any:
    """A bare id stands for an edge without properties (as in the seed files)."""
    return {"to": value} if isinstance(value, str) else value


def edge_model(spec: RelSpec) -> type[BaseModel]:
    """A relationship item as written in a record: `to` plus the type's properties (a
    bare id string is accepted too). One model rather than `str | Edge`, so errors name
    `body.hosts.0.strength`, not the union's members."""
    if spec.type not in _EDGE_MODELS:
        name = "".join(part.title() for part in spec.type.value.split("_")) + "Edge"
        _EDGE_MODELS[spec.type] = create_model(
            name, __base__=spec.properties,
            __validators__={"accept_id": model_validator(mode="before")(  # type: ignore[dict-item]
                _id_as_edge)},
            to=(str, Field(min_length=1, description="Id of the entity at the other end.")),
        )
    return _EDGE_MODELS[spec.type]


def _relationship_fields(label: Label) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for spec in specs_from(label):
        description = f"{spec.type.value}: {spec.description}"
        if spec.single:
            fields[spec.seed_field] = (str | None, Field(default=None, description=description))
        else:
            item: Any = edge_model(spec)
            fields[spec.seed_field] = (list[item] | None,
                                       Field(default=None, description=description))
    return fields


EXAMPLES: dict[Label, dict[str, Any]] = {
    Label.CITY: {"id": "city:haimen", "name_zh": "海门", "name_en": "Haimen",
                 "province": "江苏", "lat": 31.87, "lon": 121.18,
                 "hsr_links": [{"to": "city:shanghai", "minutes": 50, "km": 110}]},
    Label.PARK: {"id": "park:kunshan-example-park", "name_zh": "昆山示例园",
                 "name_en": "Kunshan Example Park", "city": "city:kunshan", "lat": 31.39,
                 "lon": 120.98, "rent_cny_m2_month": 30, "available_area_m2": 20000,
                 "facility_types": ["standard_factory", "office"],
                 "hosts": [{"to": "industry:medical-devices", "strength": 0.8}]},
    Label.PERSON: {"id": "person:wang-lei", "name_zh": "王磊", "name_en": "Wang Lei",
                   "roles": ["Broker"], "certification_level": "intermediate",
                   "email": "wang.lei@example.org", "public_contact": False,
                   "city": "city:suzhou", "covers": ["city:suzhou"]},
    Label.COMPANY: {"id": "company:demo-devices", "name_zh": "示例医疗",
                    "name_en": "Demo Devices", "stage": "angel", "founded_year": 2021,
                    "city": "city:shanghai", "need_area_m2": 2000},
}


def _out_model(label: Label) -> type[BaseModel]:
    model = NODE_MODELS[label]
    fields: dict[str, Any] = {
        "id": (str, Field(description=model.model_fields["id"].description)),
        "label": (Literal[label.value], ...),
        "labels": (list[str], Field(description="Primary label, then role labels.")),
    }
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        inner, _ = _strip_optional(info.annotation)
        description = info.description or ""
        if name in CONTACT_FIELDS:
            description = ("Contact data: present only for staff:read keys or when "
                           "public_contact is true.")
        fields[name] = (inner | None, Field(default=None, description=description or None))
    return create_model(f"{label.value}Out", __doc__=model.__doc__, **fields)


def _page_model(label: Label, item: type[BaseModel]) -> type[BaseModel]:
    return create_model(
        f"{label.value}Page",
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, Field(description="Pass as `cursor` for the next page; "
                                                   "null on the last page.")),
        total=(int, Field(description="How many entities match, on every page. "
                                      "符合条件的总数。")),
    )


GET_SHAPES: dict[Label, type[BaseModel]] = {Label.REFERRAL: ReferralOut}
"""Labels whose GET answers another shape than the entity's properties."""

DERIVED_FIELDS: dict[Label, tuple[str, ...]] = {
    label: tuple(name for name in shape.model_fields
                 if name not in NODE_MODELS[label].model_fields
                 and name not in {spec.seed_field for spec in specs_from(label)})
    for label, shape in GET_SHAPES.items()}
"""Fields such a GET derives (a referral's `stage_since`, `ends`)."""

READ_ONLY_FIELDS = ("label", "labels", *sorted({name for names in DERIVED_FIELDS.values()
                                                for name in names}))
"""What a GET returns beside the properties: accepted by writes (so the body of a GET can
be sent back), never stored."""


def _read_only_fields(label: Label) -> dict[str, Any]:
    derived = {name: (Any, Field(default=None, description="Read-only (derived); ignored."))
               for name in DERIVED_FIELDS.get(label, ())}
    return {**derived,
        "label": (Literal[label.value] | None, Field(
            default=None, description="Read-only: accepted when it is this label.")),
        "labels": (list[str] | None, Field(
            default=None, max_length=20,
            description="Read-only (derived from the label and roles); ignored.")),
    }


def _create_model(label: Label) -> type[BaseModel]:
    model = NODE_MODELS[label]
    return create_model(
        f"{label.value}Create", __base__=model, __doc__=model.__doc__,
        source=(str | None, Field(default=None, min_length=1,
                                  description="Provenance; defaults to the API key name.")),
        as_of=(date | None, Field(default=None, description="Defaults to today.")),
        **_relationship_fields(label), **_read_only_fields(label),
    )


def _patch_model(label: Label) -> type[BaseModel]:
    model = NODE_MODELS[label]
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        fields[name] = (_constrained(info) | None,
                        Field(default=None, description=info.description))
    fields.update(_relationship_fields(label))
    fields.update(_read_only_fields(label))
    return create_model(
        f"{label.value}Patch", __base__=StrictStorable,
        __doc__=f"Fields of a {label.value} to change; null removes an optional property "
                "or every edge of a relationship field.", **fields,
    )


def _filters_model(label: Label) -> type[BaseModel]:
    model = NODE_MODELS[label]
    allowed = frozenset(model.model_fields)
    fields: dict[str, Any] = {
        "cursor": (str | None, Field(default=None, max_length=400,
                                     description="`next_cursor` of the previous page.")),
        "limit": (int, Field(default=50, ge=1, le=MAX_PAGE, description="Page size.")),
        "fields": (str | None, Field(
            default=None, max_length=2000,
            description="Comma-separated properties to return (id, label and labels "
                        "always come).", examples=["name_en,name_zh"])),
    }
    for name, info in model.model_fields.items():
        kind = _filter_type(info.annotation)
        if kind is None or name in CONTACT_FIELDS or name in LIST_PARAMETERS:
            continue
        fields[name] = (kind | None, Field(
            default=None, description=f"Only entities whose {name} equals (for a list: "
                                      "contains) this value."))
    for alias, name in PROPERTY_ALIASES.get(label, {}).items():
        fields[alias] = (fields[name][0], Field(default=None, description=f"Same as `{name}`."))
    for name, relation in relation_filters(label).items():
        fields[name] = (str | None, Field(
            default=None, max_length=2000,
            description=f"{relation.description} Ids, or slugs without the "
                        f"`{NODE_MODELS[relation.target].ID_PREFIX}:` prefix; several "
                        "comma-separated match any.",
            examples=[f"{NODE_MODELS[relation.target].ID_PREFIX}:suzhou"]
            if relation.target is Label.CITY else None))
    order = sorted(sortable(label))
    fields["sort"] = (str | None, Field(
        default=None, max_length=500,
        description=f"Comma-separated properties, `-` for descending (default: id). One of "
                    f"{', '.join(order)}. 排序字段，前加 `-` 为降序。",
        examples=["name_en"]))
    fields["include"] = (str | None, Field(
        default=None, max_length=500,
        description="Relationships to embed in each item, comma-separated: "
                    f"{', '.join(sorted(includes(label)))}. 嵌入关联实体。"))
    fields["updated_since"] = (str | None, Field(
        default=None, max_length=40,
        description="Only entities written through the API at or after this ISO date or "
                    "time, or whose `as_of` is that day or later (deletions: see "
                    "/v1/changes). 增量同步。", examples=["2025-06-30T00:00:00Z"]))
    if "valid_from" in model.model_fields:
        fields["valid_on"] = (date | None, Field(
            default=None, description="Only entities valid on this day (valid_from ≤ day ≤ "
                                      "valid_to). 在该日有效。"))

    def check_fields(value: str | None) -> str | None:
        if value is None:
            return None
        names = [part.strip() for part in value.split(",") if part.strip()]
        unknown = sorted(set(names) - allowed - {"label", "labels"})
        if unknown:
            msg = f"unknown properties {unknown}; {label.value} has {sorted(allowed)}"
            raise ValueError(msg)
        return ",".join(names)

    return create_model(
        f"{label.value}Filters", __base__=StrictStorable,
        __validators__={"check_fields": field_validator("fields")(check_fields)},
        **fields,
    )


class LabelModels:
    """The generated models of one label."""

    def __init__(self, label: Label) -> None:
        self.label = label
        self.out = _out_model(label)
        self.page = _page_model(label, self.out)
        self.create = _create_model(label)
        self.patch = _patch_model(label)
        self.filters = _filters_model(label)


MODELS: dict[Label, LabelModels] = {label: LabelModels(label) for label in NODE_MODELS}
"""The generated models of every label."""
