"""The audit log of writes, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from alliance.api.deps import AccessDep, AdminDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.api.schemas import AuditPage
from alliance.store.base import MAX_PAGE

router = APIRouter(tags=["audit"])


@router.get("/audit", name="list", response_model=AuditPage,
            responses=problem_responses(403, 422))
def list_audit(
    access: AccessDep, caller: AdminDep,
    entity_id: Annotated[str | None, Query(max_length=200)] = None,
    key_id: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[int | None, Query(ge=0, description="`next_cursor` of the "
                                                          "previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response:
    """Every write, newest first (admin): the key, the time, the action, the entity and
    its state before and after."""
    del caller
    entries = access.audit.entries(entity_id=entity_id, key_id=key_id, before_seq=cursor,
                                   limit=limit + 1)
    page = entries[:limit]
    return json_response({"items": [vars(entry) for entry in page],
                          "next_cursor": str(page[-1].seq) if len(entries) > limit else None})
