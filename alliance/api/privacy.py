"""The one place a stored entity becomes response JSON, and where contact data is kept
back.

A promise of the directory: a person's e-mail, phone and WeChat
(`Person.CONTACT_FIELDS`) reach a caller only with the `staff:read` scope, or when the
person opted in (`public_contact: true`). Every view that returns entities (get, list,
neighbours, search, import echoes, write responses) goes through `entity_out`; the
recommendation services (landing, collaborators, team) apply the same rule in
`alliance.services.explain.person_out` through their `reveal_contacts` flag, and paths
carry names only. tests/api/test_privacy.py walks every read endpoint to hold this.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from graph_schema.nodes import NODE_MODELS, Person
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label

CONTACT_FIELDS = frozenset(Person.CONTACT_FIELDS)


def _json_fields(label: Label) -> frozenset[str]:
    """Properties stored as JSON text (lists of objects), decoded for responses."""
    out = set()
    for name, info in NODE_MODELS[label].model_fields.items():
        if typing.get_origin(info.annotation) is list:
            args = typing.get_args(info.annotation)
            if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
                out.add(name)
    return frozenset(out)


JSON_FIELDS: dict[Label, frozenset[str]] = {label: _json_fields(label) for label in NODE_MODELS}


def shows_contacts(record: NodeRecord, *, reveal_contacts: bool) -> bool:
    """Whether this entity's contact fields may be shown to this caller."""
    return reveal_contacts or record.properties.get("public_contact") is True


def holds_back(record: NodeRecord, *, reveal_contacts: bool) -> bool:
    """Whether this caller's view of the entity lacks contact data it has."""
    return (record.label is Label.PERSON
            and not shows_contacts(record, reveal_contacts=reveal_contacts)
            and any(name in record.properties for name in CONTACT_FIELDS))


def entity_out(record: NodeRecord, *, reveal_contacts: bool,
               fields: Iterable[str] | None = None) -> dict[str, Any]:
    """An entity as JSON: id, label, labels and its properties (only `fields` when
    given), without contact data the caller may not see."""
    wanted = None if fields is None else set(fields)
    hidden = (CONTACT_FIELDS if record.label is Label.PERSON
              and not shows_contacts(record, reveal_contacts=reveal_contacts)
              else frozenset())
    encoded = JSON_FIELDS.get(record.label, frozenset())
    out: dict[str, Any] = {"id": record.id, "label": record.label.value,
                           "labels": sorted(record.labels)}
    for key, value in record.properties.items():
        if key in hidden or (wanted is not None and key not in wanted) or key == "id":
            continue
        if key in encoded and isinstance(value, str):
            value = json.loads(value)
        out[key] = value
    return out

