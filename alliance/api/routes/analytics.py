"""Network analytics for the alliance office: bridging brokers, coverage gaps,
communities of collaborators and the referral funnel (staff keys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from alliance.api.deps import StaffReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.services import analytics
from alliance.services.analytics import (
    BrokerOut,
    CommunitiesOut,
    FunnelBy,
    FunnelGroup,
    GapOut,
)

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.get("/brokers", name="brokers", response_model=list[BrokerOut],
            responses=problem_responses(403, 422))
def brokers(store: StoreDep, _caller: StaffReaderDep,
            top: Annotated[int, Query(ge=1, le=200)] = 10) -> Response:
    """Brokers who bridge the network (betweenness on the collaboration graph), with the
    cities and verticals of the people they link."""
    return json_response([b.model_dump(mode="json") for b in analytics.brokers(store, top=top)])


@router.get("/gaps", name="gaps", response_model=list[GapOut],
            responses=problem_responses(403))
def gaps(store: StoreDep, _caller: StaffReaderDep) -> Response:
    """City × industry with startups needing landing and no broker covering it."""
    return json_response([g.model_dump(mode="json") for g in analytics.coverage_gaps(store)])


@router.get("/communities", name="communities", response_model=CommunitiesOut,
            responses=problem_responses(403, 422))
def communities(store: StoreDep, _caller: StaffReaderDep,
                min_size: Annotated[int, Query(ge=1, le=1000)] = 3) -> Response:
    """Communities of collaborators (Louvain), largest first."""
    return json_response(analytics.communities(store, min_size=min_size))


@router.get("/funnel", name="funnel", response_model=list[FunnelGroup],
            responses=problem_responses(403, 422))
def funnel(store: StoreDep, _caller: StaffReaderDep, by: FunnelBy = FunnelBy.CITY,
           min_referrals: Annotated[int, Query(ge=1, le=10000)] = 1) -> Response:
    """Referral conversion and median days per stage, per city, broker or vertical."""
    groups = analytics.funnel(store, by=by, min_referrals=min_referrals)
    return json_response([g.model_dump(mode="json") for g in groups])
