"""Relationships by type (public read) and staff writes of single relationships
(staff:write, audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from alliance.api.deps import AuditDep, ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.api.schemas import RelationshipIn, RelationshipOut
from alliance.services import directory
from alliance.store.base import MAX_PAGE
from graph_schema.vocabulary import RelType

router = APIRouter(prefix="/relationships", tags=["relationships"])


class RelationshipPage(BaseModel):
    items: list[RelationshipOut]
    next_cursor: str | None


@router.get("", name="list", response_model=RelationshipPage,
            responses=problem_responses(422))
def list_relationships(
    store: StoreDep, caller: ReaderDep,
    rel_type: Annotated[RelType, Query(alias="type", description="Relationship type.")],
    source: Annotated[str | None, Query(max_length=200)] = None,
    target: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]+$", max_length=12)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response:
    """Relationships of one type (e.g. every HSR_LINK, the SUBFIELD_OF taxonomy), optionally
    from or to one entity, in a stable order; pass `next_cursor` back as `cursor`.
    Relationships carry no personal contact data."""
    del caller
    rels = store.get_relationships(rel_type, source=source, target=target)
    start = int(cursor or 0)
    page = rels[start:start + limit]
    more = start + limit < len(rels)
    return json_response({
        "items": [{"type": rel.type.value, "source": rel.source, "target": rel.target,
                   "properties": rel.properties} for rel in page],
        "next_cursor": str(start + limit) if more else None,
    })


@router.post("", name="create", response_model=RelationshipOut, status_code=201,
             responses={200: {"model": RelationshipOut,
                              "description": "An existing relationship was replaced."},
                        **problem_responses(403, 404, 409, 413, 422)})
def create_relationship(body: RelationshipIn, store: StoreDep, audit: AuditDep) -> Response:
    """Create a relationship, or replace the one with the same identity (type, ends and
    key properties); for types a node has at most one of (a park's city), the previous
    one is replaced. 201 when new, 200 when replaced; 404 when an end does not exist."""
    written = directory.relate(store, rel_type=body.type, source=body.source,
                               target=body.target, properties=body.properties, audit=audit)
    rel = written.relationship
    return json_response({"type": rel.type.value, "source": rel.source, "target": rel.target,
                          "properties": rel.properties},
                         status_code=201 if written.created else 200)


@router.delete("", name="delete", status_code=204, response_class=Response,
               responses=problem_responses(403, 404, 413, 422))
def delete_relationship(body: RelationshipIn, store: StoreDep, audit: AuditDep) -> Response:
    """Delete the relationship with this type, these ends and (for COLLABORATED_WITH) this
    `deal`; 404 when there is none."""
    directory.unrelate(store, rel_type=body.type, source=body.source, target=body.target,
                       properties=body.properties, audit=audit)
    return Response(status_code=204)
