"""Collaborator search and team building: who can help with the legal or finance side?"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from alliance.api.answer_cache import respond
from alliance.api.compact import ExplainQuery, encoded, with_names
from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.services import collaborators
from alliance.services.collaborators import (
    CollaboratorRequest,
    CollaboratorResult,
    TeamRequest,
    TeamResult,
)

router = APIRouter(prefix="/collaborators", tags=["collaborators"])

CollaboratorAnswer = with_names(CollaboratorResult, "CollaboratorAnswer")
TeamAnswer = with_names(TeamResult, "TeamAnswer")


@router.post("/search", name="search", response_model=CollaboratorAnswer,
             responses=problem_responses(404, 413, 422))
async def search(http: Request, request: CollaboratorRequest, store: StoreDep,
                 caller: ReaderDep, explain: ExplainQuery = "compact") -> Response:
    """People with the wanted skills, ranked by skill, vertical, place and closeness to
    the asker, each with the trust path behind it (cold contacts last)."""
    reveal = caller.reveal_contacts
    return await respond(
        http, store, ("collaborators-search", explain, reveal, request.model_dump_json()),
        lambda: encoded(collaborators.search(store, request, reveal_contacts=reveal), explain))


@router.post("/team", name="team", response_model=TeamAnswer,
             responses=problem_responses(404, 413, 422))
async def team(http: Request, request: TeamRequest, store: StoreDep,
               caller: ReaderDep, explain: ExplainQuery = "compact") -> Response:
    """A complementary deal team (lawyer, finance, broker of the vertical) whose members
    score well and are close to each other in the trust network."""
    reveal = caller.reveal_contacts
    return await respond(
        http, store, ("collaborators-team", explain, reveal, request.model_dump_json()),
        lambda: encoded(collaborators.team(store, request, reveal_contacts=reveal), explain))
