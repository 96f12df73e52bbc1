"""The referral funnel: create a referral, advance it or drop it with a reason, list
referrals, and the funnel analytics per city, park or broker."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Response

from alliance.api.deps import AuditDep, ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.etag import versioned
from alliance.api.responses import json_response
from alliance.services import directory, referrals
from alliance.services.referrals import (
    Advance,
    Drop,
    FunnelReport,
    ReferralCreate,
    ReferralOut,
    ReferralPage,
    ReferralUpdate,
)
from alliance.store.base import MAX_PAGE
from graph_schema.vocabulary import ReferralStage

router = APIRouter(tags=["referrals"])

ReferralId = Annotated[str, Path(alias="id", min_length=3, max_length=200,
                                 description="Referral id.")]


@router.get("/referrals", name="list", response_model=ReferralPage,
            responses=problem_responses(422))
def list_referrals(
    store: StoreDep, caller: ReaderDep,
    stage: Annotated[ReferralStage | None, Query()] = None,
    park: Annotated[str | None, Query(max_length=200, description="Park id.")] = None,
    broker: Annotated[str | None, Query(max_length=200, description="Person id.")] = None,
    company: Annotated[str | None, Query(max_length=200, description="Company id.")] = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> Response:
    """Referrals by id, filtered by stage, park, broker and company."""
    del caller
    return json_response(referrals.list(store, stage=stage, park=park, broker=broker,
                                        company=company, cursor=cursor, limit=limit))


@router.post("/referrals", name="create", response_model=ReferralOut, status_code=201,
             responses=problem_responses(403, 404, 409, 413, 422))
def create_referral(body: ReferralCreate, store: StoreDep, audit: AuditDep) -> Response:
    """A broker introduces a company to a park (staff:write); the referral starts at
    `proposed`. 409 when the company already has an open referral to that park."""
    created = referrals.create(store, request=body, audit=audit)
    return json_response(created, status_code=201,
                         headers={"Location": f"/v1/referrals/{created.id}"})


@router.get("/referrals/{id}", name="get", response_model=ReferralOut,
            responses=problem_responses(404, 422))
def get_referral(referral_id: ReferralId, store: StoreDep, caller: ReaderDep,
                 if_none_match: Annotated[str | None, Header(alias="If-None-Match",
                                                             max_length=500)] = None
                 ) -> Response:
    """One referral with its company, park and broker, tagged with its version (the
    ETag its PUT/PATCH/DELETE take as If-Match)."""
    del caller
    found = referrals.get_or_raise(store, referral_id=referral_id)
    record = directory.get_or_raise(store, entity_id=referral_id)
    return versioned(json_response(found), directory.version(store, record), if_none_match)


@router.post("/referrals/{id}/advance", name="advance", response_model=ReferralOut,
             responses=problem_responses(403, 404, 409, 413, 422))
def advance_referral(referral_id: ReferralId, body: Advance, store: StoreDep,
                     audit: AuditDep) -> Response:
    """Move the referral to the next stage, reached on `on` (staff:write); 409 when it is
    landed or dropped."""
    return json_response(referrals.advance(store, referral_id=referral_id, on=body.on,
                                           audit=audit))


@router.post("/referrals/{id}/drop", name="drop", response_model=ReferralOut,
             responses=problem_responses(403, 404, 409, 413, 422))
def drop_referral(referral_id: ReferralId, body: Drop, store: StoreDep, audit: AuditDep
                  ) -> Response:
    """End the referral with a reason (staff:write); 409 when it is already closed."""
    return json_response(referrals.drop(store, referral_id=referral_id, reason=body.reason,
                                        on=body.on, audit=audit))


@router.post("/referrals/{id}/notes", name="note", response_model=ReferralOut,
             responses=problem_responses(403, 404, 409, 413, 422))
def note_referral(referral_id: ReferralId, body: ReferralUpdate, store: StoreDep,
                    audit: AuditDep) -> Response:
    """Add a staff note and/or set the follow-up date (null clears it) (staff:write);
    audited like every write."""
    return json_response(referrals.update(store, referral_id=referral_id, request=body,
                                          audit=audit))


@router.get("/funnel", name="funnel", response_model=FunnelReport,
            responses=problem_responses(422))
def funnel(store: StoreDep, caller: ReaderDep,
           by: Annotated[Literal["city", "park", "broker", "industry"], Query()] = "city"
           ) -> Response:
    """Referrals that reached each stage and the conversion from each stage to the next,
    overall and per city, park, broker or industry (the company's vertical)."""
    del caller
    return json_response(referrals.funnel(store, by=by))
