"""The re-verification queue: stale facts, oldest and most used first, with who should
check them; one call confirms (or corrects) an entity as checked today."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from alliance.api.deps import AuditDep, SettingsDep, StaffReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.privacy import entity_out
from alliance.api.responses import json_response
from alliance.services import freshness
from graph_schema.vocabulary import Label

router = APIRouter(tags=["verification"])


@router.get("/verification", name="queue", responses=problem_responses(403, 422))
def verification_queue(
    store: StoreDep, settings: SettingsDep, principal: StaffReaderDep,
    label: Annotated[list[Label] | None, Query(description="Only these labels.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Stale entities (staff:read): past their label's freshness horizon, oldest first,
    then most used, each with who should verify it."""
    items = freshness.queue(store, today=date.today(), horizons=settings.freshness_days,
                            default=settings.freshness_default_days,
                            labels=tuple(label or ()), limit=limit)
    return json_response({"items": [{
        "entity": entity_out(item.node, reveal_contacts=principal.reveal_contacts),
        "freshness": item.staleness.as_dict(), "uses": item.uses,
        "verifiers": [{"id": v.person, "name": v.name, "reason": v.reason}
                      for v in item.verifiers],
    } for item in items]})


class VerifyIn(BaseModel):
    """Corrections found while checking (property → new value); empty = all still true."""

    corrections: dict[str, Any] = Field(default_factory=dict)


@router.post("/verification/{entity_id}", name="confirm",
             responses=problem_responses(403, 404, 422))
def confirm(entity_id: str, body: VerifyIn, store: StoreDep, audit: AuditDep,
            principal: StaffReaderDep) -> Response:
    """Confirm (staff:write) that the entity was checked today, applying corrections."""
    node = freshness.verify(store, entity_id=entity_id, today=date.today(), audit=audit,
                            corrections=body.corrections)
    return json_response(entity_out(node, reveal_contacts=principal.reveal_contacts))
