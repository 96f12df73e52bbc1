"""How two entities connect."""

from __future__ import annotations

from fastapi import APIRouter, Response

from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.services import paths
from alliance.services.paths import PathRequest, PathResult

router = APIRouter(tags=["paths"])


@router.post("/paths", name="connect", response_model=PathResult,
             responses=problem_responses(404, 413, 422))
def connect(request: PathRequest, store: StoreDep, caller: ReaderDep) -> Response:
    """The k shortest paths between two entities (fewest hops first, direction ignored),
    with names; paths carry no personal data."""
    del caller  # a read: only the scope check matters
    return json_response(paths.connect(store, request))
