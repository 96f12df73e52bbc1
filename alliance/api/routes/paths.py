"""How two entities connect."""

from __future__ import annotations

from fastapi import APIRouter, Response

from alliance.api.compact import ExplainQuery, answer, with_names
from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.services import paths
from alliance.services.paths import PathRequest, PathResult

router = APIRouter(tags=["paths"])

PathAnswer = with_names(PathResult, "PathAnswer")


@router.post("/paths", name="connect", response_model=PathAnswer,
             responses=problem_responses(404, 413, 422))
def connect(request: PathRequest, store: StoreDep, caller: ReaderDep,
            explain: ExplainQuery = "compact") -> Response:
    """The k shortest paths between two entities (fewest hops first, direction ignored),
    with names; paths carry no personal data."""
    del caller  # a read: only the scope check matters
    return answer(paths.connect(store, request), explain)
