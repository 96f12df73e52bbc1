"""How two entities connect."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from alliance.api.answer_cache import respond
from alliance.api.compact import ExplainQuery, encoded, with_names
from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.services import paths
from alliance.services.paths import PathRequest, PathResult

router = APIRouter(tags=["paths"])

PathAnswer = with_names(PathResult, "PathAnswer")


@router.post("/paths", name="connect", response_model=PathAnswer,
             responses=problem_responses(404, 413, 422))
async def connect(http: Request, request: PathRequest, store: StoreDep, caller: ReaderDep,
                  explain: ExplainQuery = "compact") -> Response:
    """The k shortest paths between two entities (fewest hops first, direction ignored),
    with names; paths carry no personal data."""
    del caller  # a read: only the scope check matters
    return await respond(http, store, ("paths", explain, request.model_dump_json()),
                         lambda: encoded(paths.connect(store, request), explain))
