"""How two entities connect: the k shortest paths, with names for people to read."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from alliance.errors import NotFound
from alliance.services.explain import NameBook, PathOut
from alliance.store.base import MAX_HOPS, GraphStore
from graph_schema.vocabulary import RelType


class PathRequest(BaseModel):
    """From where to where, how many paths, how long at most, over which relationships."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "source": "city:shanghai", "target": "park:suzhou-biobay", "k": 3, "max_hops": 4,
    }]})

    source: str
    target: str
    k: Annotated[int, Field(ge=1, le=10)] = 3
    max_hops: Annotated[int, Field(ge=1, le=MAX_HOPS)] = 4
    rel_types: list[RelType] = Field(default_factory=list,
                                     description="Allowed relationship types; empty = all.")


class PathResult(BaseModel):
    paths: list[PathOut]


def connect(store: GraphStore, request: PathRequest) -> PathResult:
    """The k shortest paths (fewest hops, then node ids), direction ignored."""
    for field in ("source", "target"):
        node_id = getattr(request, field)
        if store.get_node(node_id) is None:
            msg = f"no entity with id {node_id!r}"
            raise NotFound(msg, field=field)
    found = store.shortest_paths(request.source, request.target, k=request.k,
                                 max_hops=request.max_hops, rel_types=request.rel_types)
    names = NameBook(store, found)
    return PathResult(paths=[names.path(path) for path in found])
