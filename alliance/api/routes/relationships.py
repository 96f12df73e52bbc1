"""Staff writes of single relationships (staff:write, audited)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from alliance.api.deps import AuditDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.api.schemas import RelationshipIn, RelationshipOut
from alliance.services import directory

router = APIRouter(prefix="/relationships", tags=["relationships"])


@router.post("", name="create", response_model=RelationshipOut, status_code=201,
             responses={200: {"model": RelationshipOut,
                              "description": "An existing relationship was replaced."},
                        **problem_responses(403, 404, 413, 422)})
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
