"""Search over names, roles, places and fields: Chinese (苏州), English, pinyin full or
initials (suzhou, szgx), mixed (苏州 生物), role words (律师), with typo tolerance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from alliance.api.answer_cache import respond
from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.privacy import entity_out
from alliance.api.responses import encoded_json
from alliance.api.schemas import SearchOut
from alliance.services import search as search_service
from alliance.store.base import MAX_PAGE
from graph_schema.vocabulary import Label, Role

router = APIRouter(tags=["search"])


@router.get("/search", name="entities", response_model=SearchOut,
            responses=problem_responses(422))
async def search_entities(
    http: Request, store: StoreDep, caller: ReaderDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Text to find.",
                            examples=["苏州", "suzhou", "Biobay"])],
    label: Annotated[list[Label | Role] | None, Query(
        description="Only entities with one of these labels (role labels too, e.g. "
                    "Lawyer); repeatable.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    cursor: Annotated[str | None, Query(max_length=400,
                                        description="`next_cursor` of the page before.")] = None,
) -> Response:
    """Entities matching what staff typed, best first: exact name, name prefix, pinyin
    prefix, role words, names containing the text, then what a named city, industry or
    skill contains; with the total, facets and a cursor."""
    labels = tuple(label or ())
    reveal = caller.reveal_contacts

    def encode() -> bytes:
        page = search_service.search(store, text=q, labels=labels, limit=limit, cursor=cursor)
        return encoded_json({
            "query": q, "total": page.total, "facets": page.facets,
            "next_cursor": page.next_cursor,
            "items": [{"score": item.score, "why": list(item.reasons), "city": item.city,
                       "entity": entity_out(item.node, reveal_contacts=reveal)}
                      for item in page.items]})

    return await respond(http, store, ("search", q, labels, limit, cursor, reveal), encode)
