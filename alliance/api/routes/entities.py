"""Any entity by id, whatever its label, and its neighbours in the graph."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from alliance.access.scopes import Principal
from alliance.api.answer_cache import AnswerCache, answers_of, graph_version, kept_version
from alliance.api.deps import KEY_SECURITY, ReaderDep, StoreDep, read_access
from alliance.api.errors import problem_responses
from alliance.api.etag import versioned
from alliance.api.privacy import entity_out, holds_back
from alliance.api.reads import quick_read
from alliance.api.responses import json_response
from alliance.api.schemas import EntityOut, NeighboursOut
from alliance.services import directory
from alliance.store.base import MAX_PAGE, GraphStore
from graph_schema.vocabulary import RelType

router = APIRouter(prefix="/entities", tags=["entities"])

EntityId = Annotated[str, Path(alias="id", min_length=3, max_length=200,
                               description="Entity id, e.g. `park:suzhou-sip-biobay`.",
                               examples=["city:suzhou"])]


@router.get("/{id}", name="get", response_model=EntityOut,
            responses=problem_responses(404, 422), openapi_extra=KEY_SECURITY)
async def get_entity(request: Request, entity_id: EntityId,
                     if_none_match: Annotated[str | None, Header(alias="If-None-Match",
                                                                 max_length=500)] = None
                     ) -> Response:
    """One entity of any label (paths and search results link here), tagged with its
    version (the ETag writes take as If-Match)."""
    store, caller = await read_access(request)
    return await quick_read(store, _entity, store, entity_id, caller, if_none_match,
                            answers_of(request))


def _entity(store: GraphStore, entity_id: str, caller: Principal, if_none_match: str | None,
            answers: AnswerCache | None) -> Response:
    since = graph_version(store)
    record = directory.get_or_raise(store, entity_id=entity_id)
    return versioned(json_response(entity_out(record, reveal_contacts=caller.reveal_contacts)),
                     kept_version(answers, store, record, since), if_none_match,
                     partial=holds_back(record, reveal_contacts=caller.reveal_contacts))


@router.get("/{id}/neighbours", name="neighbours", response_model=NeighboursOut,
            responses=problem_responses(404, 422))
def neighbours(
    entity_id: EntityId, store: StoreDep, caller: ReaderDep,
    type: Annotated[list[RelType] | None, Query(  # noqa: A002 - the API's word
        description="Only these relationship types (repeatable).")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 200,
) -> Response:
    """The entity's relationships, both directions, with the entity at the other end."""
    found = directory.neighbours(store, entity_id=entity_id, rel_types=type or (),
                                 limit=limit)
    return json_response({"id": entity_id, "items": [
        {"relationship": {"type": n.relationship.type, "source": n.relationship.source,
                          "target": n.relationship.target,
                          "properties": n.relationship.properties},
         "direction": "out" if n.outgoing else "in",
         "node": entity_out(n.node, reveal_contacts=caller.reveal_contacts)}
        for n in found]})
