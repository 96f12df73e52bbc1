"""One collection per label (`/v1/parks`, `/v1/people`, ...): list with filters, cursor
pagination and `fields=` selection; get; and staff writes (create, replace, update,
delete), each audited.

The routes are generated from graph_schema, so a new label or property appears here with
typed filters, bodies and responses and nothing to edit. Referrals have their own list,
create and get (the funnel, in `routes/referrals.py`); their replace, update and delete
come from here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response
from fastapi.openapi.models import Example

from alliance.access.scopes import Principal
from alliance.api.answer_cache import AnswerCache, answers_of, graph_version, kept_version
from alliance.api.deps import KEY_SECURITY, AccessDep, AuditDep, ReaderDep, StoreDep, read_access
from alliance.api.errors import problem_responses
from alliance.api.etag import versioned
from alliance.api.privacy import entity_out, holds_back
from alliance.api.reads import quick_read
from alliance.api.responses import json_response
from alliance.api.schemas import (
    COLLECTIONS,
    EXAMPLES,
    LIST_PARAMETERS,
    MODELS,
    READ_ONLY_FIELDS,
)
from alliance.errors import Invalid
from alliance.services import directory, listing
from alliance.services.listing import PROPERTY_ALIASES, relation_filters
from alliance.store.base import GraphStore
from graph_schema.nodes import NODE_MODELS
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label

router = APIRouter()

EntityId = Annotated[str, Path(alias="id", min_length=3, max_length=200,
                               description="Entity id, e.g. `park:suzhou-sip-biobay`.")]


def with_annotations(func: Callable[..., Any], **annotations: Any) -> Callable[..., Any]:
    """Give a generated view the model types FastAPI should read from its signature
    (models made at import time cannot be written as annotations in the source)."""
    signature = inspect.signature(func)
    func.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[param.replace(annotation=annotations.get(param.name, param.annotation))
                    for param in signature.parameters.values()])
    return func


IfMatch = Annotated[str | None, Header(
    alias="If-Match", max_length=500,
    description="The entity's ETag from a GET: the write is refused (412, with the current "
                "ETag) when the entity changed since.")]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match", max_length=500)]


def _raw(record: Any) -> dict[str, Any]:
    """A write body as a raw record: the fields sent, without the read-only ones."""
    raw: dict[str, Any] = record.model_dump(mode="json", exclude_unset=True,
                                            exclude=set(READ_ONLY_FIELDS))
    return raw


def _written(store: StoreDep, node: NodeRecord, audit: AuditDep, *, status_code: int = 200,
             headers: dict[str, str] | None = None) -> Response:
    """A write's answer: the entity as stored, tagged with its new version."""
    body = entity_out(node, reveal_contacts=audit.principal.reveal_contacts)
    return versioned(json_response(body, status_code=status_code, headers=headers),
                     directory.version(store, node),
                     partial=holds_back(node, reveal_contacts=audit.principal.reveal_contacts))


FieldsParam = Annotated[str | None, Query(max_length=2000, description=(
    "Comma-separated properties to return (id, label and labels always come)."))]


def check_fields(label: Label, text: str | None) -> list[str] | None:
    """The properties `fields=` names; Invalid (field `fields`) for unknown ones."""
    if not text:
        return None
    names = listing.split_values(text)
    allowed = set(NODE_MODELS[label].model_fields) | {"label", "labels"}
    unknown = sorted(set(names) - allowed)
    if unknown:
        msg = f"unknown properties {unknown}; {label.value} has {sorted(allowed)}"
        raise Invalid(msg, field="fields")
    return names


def _embedded_out(item: listing.Embedded, caller: Principal) -> dict[str, Any]:
    out = entity_out(item.node, reveal_contacts=caller.reveal_contacts)
    if item.relationship.properties:
        out["relationship"] = dict(item.relationship.properties)
    return out


def _with_included(store: GraphStore, record: NodeRecord, names: list[str],
                   caller: Principal, fields: list[str] | None) -> dict[str, Any]:
    """The entity (its `fields`) with the `include=` relationships embedded."""
    out = entity_out(record, reveal_contacts=caller.reveal_contacts, fields=fields)
    for name, found in listing.related(store, record, names).items():
        if isinstance(found, list):
            out[name] = [_embedded_out(item, caller) for item in found]
        else:
            out[name] = None if found is None else _embedded_out(found, caller)
    return out


def _read_routes(routes: APIRouter, collection: str, label: Label) -> None:
    models = MODELS[label]

    aliases = PROPERTY_ALIASES.get(label, {})
    relation_names = frozenset(relation_filters(label))

    def list_entities(store: StoreDep, access: AccessDep, caller: ReaderDep, query: Any
                      ) -> Response:
        given = query.model_dump(mode="json", exclude_none=True, exclude=set(LIST_PARAMETERS))
        properties = {aliases.get(name, name): value for name, value in given.items()
                      if name not in relation_names}
        relations = {name: listing.split_values(value) for name, value in given.items()
                     if name in relation_names}
        since = listing.parse_since(query.updated_since) if query.updated_since else None
        request = listing.ListQuery(
            label=label, properties=properties, relations=relations,
            sort=listing.parse_sort(label, query.sort),
            valid_on=getattr(query, "valid_on", None), updated_since=since,
            cursor=query.cursor, limit=query.limit)
        touched = (access.audit.touched_since(
            since.astimezone(UTC).isoformat(timespec="microseconds"))
                   if since else None)
        page = listing.query(store, request, touched_since=touched)
        fields = query.fields.split(",") if query.fields else None
        names = listing.check_includes(label, query.include)
        return json_response({"items": [_with_included(store, record, names, caller, fields)
                                        for record in page.items],
                              "next_cursor": page.next_cursor, "total": page.total})

    routes.add_api_route(
        f"/{collection}",
        with_annotations(list_entities, query=Annotated[models.filters, Query()]),
        methods=["GET"], name="list", tags=[collection], response_model=models.page,

        summary=f"List {collection}",
        description=f"{label.value} entities, by id unless `sort` says otherwise, with the "
                    "total that match. Property parameters are equality filters (a list "
                    "property matches when it contains the value); relationship parameters "
                    "(e.g. `city`, `industry`) match entities related to one of the "
                    "comma-separated ids or slugs; unknown parameters are refused with 422. "
                    "Pass `next_cursor` back as `cursor` for the next page.\n\n"
                    "按属性和关联关系筛选（如 `city=suzhou`），可排序，游标分页并给出总数。",
        responses=problem_responses(422))

    async def get_entity(request: Request, entity_id: EntityId, fields: Any = None,
                         include: Any = None, if_none_match: IfNoneMatch = None) -> Response:
        store, caller = await read_access(request)
        return await quick_read(store, read_entity, store, entity_id, caller, fields,
                                include, if_none_match, answers_of(request))

    def read_entity(store: GraphStore, entity_id: str, caller: Principal, fields: str | None,
                    include: str | None, if_none_match: str | None,
                    answers: AnswerCache | None) -> Response:
        since = graph_version(store)
        record = directory.get_or_raise(store, entity_id=entity_id, label=label)
        names = listing.check_includes(label, include)
        selected = check_fields(label, fields)
        partial = bool(selected or names) or holds_back(
            record, reveal_contacts=caller.reveal_contacts)
        return versioned(json_response(_with_included(store, record, names, caller, selected)),
                         kept_version(answers, store, record, since), if_none_match,
                         partial=partial)

    routes.add_api_route(
        f"/{collection}/{{id}}",
        with_annotations(get_entity, fields=FieldsParam, include=Annotated[
            str | None, Query(max_length=500, description=(
                "Relationships to embed, comma-separated: "
                f"{', '.join(sorted(listing.includes(label)))}. 嵌入关联实体。"))]),
        methods=["GET"], name="get",
        response_model=models.out, tags=[collection], openapi_extra=KEY_SECURITY,
        summary=f"Get one of the {collection}", responses=problem_responses(404, 422))


def _write_routes(routes: APIRouter, collection: str, label: Label) -> None:
    models = MODELS[label]
    examples: dict[str, Example] | None = (
        {"example": {"summary": f"a new {label.value}", "value": EXAMPLES[label]}}
        if label in EXAMPLES else None)
    body = Body(openapi_examples=examples) if examples else Body()

    def create_entity(record: Any, store: StoreDep, audit: AuditDep) -> Response:
        node = directory.create(store, label=label, audit=audit, record=_raw(record))
        return _written(store, node, audit, status_code=201,
                        headers={"Location": f"/v1/{collection}/{node.id}"})

    if label is not Label.REFERRAL:
        routes.add_api_route(
            f"/{collection}",
            with_annotations(create_entity, record=Annotated[models.create, body]),
            methods=["POST"], name="create", tags=[collection], status_code=201,
            response_model=models.out,

            summary=f"Create one of the {collection} (staff:write)",
            description="The entity's properties plus its relationship fields, as in the "
                        "seed files. 409 when the id exists; 422 names every bad field, "
                        "including edges to entities that do not exist.",
            responses=problem_responses(403, 409, 413, 422))

    def replace_entity(entity_id: EntityId, record: Any, store: StoreDep, audit: AuditDep,
                       if_match: IfMatch = None) -> Response:
        node = directory.update(store, label=label, entity_id=entity_id, replace=True,
                                audit=audit, record=_raw(record), if_match=if_match)
        return _written(store, node, audit)

    routes.add_api_route(
        f"/{collection}/{{id}}",
        with_annotations(replace_entity, record=Annotated[models.create, body]),
        methods=["PUT"], name="replace", tags=[collection], response_model=models.out,

        summary=f"Replace one of the {collection} (staff:write)",
        description="The entity's properties, replaced (a property left out is removed); "
                    "each relationship field given replaces those edges, and edges of "
                    "fields left out stay. A GET's body (with its `label` and `labels`) "
                    "PUT back changes nothing. Send the GET's ETag as If-Match: 412 when "
                    "the entity changed since.",
        responses=problem_responses(403, 404, 409, 412, 413, 422))

    def update_entity(entity_id: EntityId, record: Any, store: StoreDep, audit: AuditDep,
                      if_match: IfMatch = None) -> Response:
        node = directory.update(store, label=label, entity_id=entity_id, replace=False,
                                audit=audit, record=_raw(record), if_match=if_match)
        return _written(store, node, audit)

    routes.add_api_route(
        f"/{collection}/{{id}}",
        with_annotations(update_entity, record=Annotated[models.patch, Body()]),
        methods=["PATCH"], name="update", tags=[collection], response_model=models.out,

        summary=f"Update one of the {collection} (staff:write)",
        description="Only the fields given change; null removes an optional property, or "
                    "every edge of a relationship field. If-Match as for PUT.",
        responses=problem_responses(403, 404, 409, 412, 413, 422))

    def delete_entity(entity_id: EntityId, store: StoreDep, audit: AuditDep,
                      if_match: IfMatch = None) -> Response:
        directory.delete(store, label=label, entity_id=entity_id, audit=audit,
                         if_match=if_match)
        return Response(status_code=204)

    routes.add_api_route(
        f"/{collection}/{{id}}", delete_entity, methods=["DELETE"], name="delete",
        tags=[collection], status_code=204,
        response_class=Response, summary=f"Delete one of the {collection} (staff:write)",
        description="The entity and every relationship it has. If-Match as for PUT.",
        responses=problem_responses(403, 404, 412, 422))


for _collection, _label in COLLECTIONS.items():
    if _label is not Label.REFERRAL:
        _read_routes(router, _collection, _label)
    _write_routes(router, _collection, _label)
