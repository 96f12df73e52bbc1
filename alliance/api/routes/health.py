"""Liveness and readiness, for process managers and load balancers (no key, no quota)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from alliance.api.deps import StoreDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", name="live", response_model=Health)
async def live() -> Response:
    """The process is up and answering (on the event loop: no thread, no store)."""
    return json_response(Health(status="ok"))


@router.get("/readyz", name="ready", response_model=Health,
            responses=problem_responses(503))
def ready(store: StoreDep) -> Health:
    """The graph store answers a query; 503 while it does not."""
    store.counts()
    return Health(status="ready", backend=store.backend)
