"""Full-text search over entity names: Chinese (two characters are enough: 苏州),
English, and pinyin with or without spaces (suzhou, su zhou)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.privacy import entity_out
from alliance.api.responses import json_response
from alliance.api.schemas import SearchOut
from alliance.services import directory
from alliance.store.base import MAX_PAGE
from graph_schema.vocabulary import Label, Role

router = APIRouter(tags=["search"])


@router.get("/search", name="entities", response_model=SearchOut,
            responses=problem_responses(422))
def search_entities(
    store: StoreDep, caller: ReaderDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Text to find.",
                            examples=["苏州", "suzhou", "Biobay"])],
    label: Annotated[list[Label | Role] | None, Query(
        description="Only entities with one of these labels (role labels too, e.g. "
                    "Lawyer); repeatable.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
) -> Response:
    """Entities whose names match, best first: exact name, name prefix, pinyin prefix,
    then names containing the text."""
    hits = directory.search(store, text=q, labels=label or (), limit=limit)
    return json_response({"query": q, "items": [
        {"score": hit.score,
         "entity": entity_out(hit.node, reveal_contacts=caller.reveal_contacts)}
        for hit in hits]})
