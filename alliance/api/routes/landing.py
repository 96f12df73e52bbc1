"""Landing match: where along the corridor can this company land its production?"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from alliance.api.answer_cache import respond
from alliance.api.compact import ExplainQuery, encoded, with_names
from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.services import corridor, landing
from alliance.services.corridor import CorridorComparison
from alliance.services.landing import LandingRequest, LandingResult

router = APIRouter(prefix="/landing", tags=["landing"])

LandingAnswer = with_names(LandingResult, "LandingAnswer")
CorridorAnswer = with_names(CorridorComparison, "CorridorAnswer")


@router.post("/search", name="search", response_model=LandingAnswer,
             responses=problem_responses(404, 413, 422))
async def search(http: Request, request: LandingRequest, store: StoreDep, caller: ReaderDep,
                 explain: ExplainQuery = "compact") -> Response:
    """Ranked parks for a landing need, each with its score parts and the graph paths
    behind them, the money the company itself can get (one tier per exclusive group, no
    stacking where a policy forbids it, financing apart, rates as rates), the net cost of
    landing over `horizon_years` with its arithmetic, the gap-closer (closable gaps, what
    closing them unlocks, who helps), the founding team's and the broker's side, and
    contacts. `elimination` counts the parks each hard constraint removed; `why_not`
    answers for a named park. When no park fits, `empty_reason` and `relaxations` say
    which constraint emptied the list."""
    reveal = caller.reveal_contacts
    return await respond(http, store, ("landing", explain, reveal, request.model_dump_json()),
                         lambda: encoded(landing.search(store, request, reveal_contacts=reveal),
                                         explain))


@router.post("/compare", name="compare", response_model=CorridorAnswer,
             responses=problem_responses(404, 413, 422))
async def compare(http: Request, request: LandingRequest, store: StoreDep, caller: ReaderDep,
                  explain: ExplainQuery = "compact") -> Response:
    """The same need city by city along the corridor: best park (with the whole landing
    answer), the company's counted money, net cost and gap unlock, rent and rail minutes,
    nearest city first (cities with no fitting park included)."""
    reveal = caller.reveal_contacts
    return await respond(http, store, ("compare", explain, reveal, request.model_dump_json()),
                         lambda: encoded(corridor.compare(store, request, reveal_contacts=reveal),
                                         explain))
