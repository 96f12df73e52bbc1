"""Compact answers: every node named once, paths as id lists; `explain=full` for the
verbose form.

A landing answer for 10 parks carries ~370 explanation paths; written verbosely, every
node of every path repeats its label and both names (the same park, city and policy in
dozens of paths). By default the answers of landing, compare, collaborators, team and
paths write each path's `nodes` as ids and add one dictionary,
`names: {id: {label, name_zh, name_en}}`, naming every node those paths mention.
`?explain=full` gives the verbose form instead (each path's nodes as
`{id, label, name_zh, name_en}`, no `names`), which the CLI prints and older clients
read. Everything else in the answer is the same in both forms.

The compact body is written in one pass of pydantic's encoder: paths note their nodes in
the serialization context's book (`alliance.services.explain.NAMES_CONTEXT`) as they are
written, and the book is appended as the answer's last member.
"""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import Query
from pydantic import BaseModel, Field, create_model
from starlette.responses import Response

from alliance.api.responses import JSON, json_response
from alliance.services.explain import NAMES_CONTEXT, NodeRef

Explain = Literal["compact", "full"]

ExplainQuery = Annotated[Explain, Query(description=(
    "`compact` (default): each path's `nodes` are ids, named once in the answer's "
    "`names`; `full`: each path node with its label and names, and no `names`. "
    "紧凑（默认，名称集中在 names）或完整（每条路径带名称）。"))]


class NodeName(BaseModel):
    """What the verbose form repeats for a path node: its label and names."""

    label: str
    name_zh: str
    name_en: str


def with_names(model: type[BaseModel], name: str) -> type[BaseModel]:
    """`model` plus the `names` dictionary of the compact form (for the OpenAPI document;
    views answer through `answer`)."""
    described = Field(default=None, description=(
        "Compact form (the default): label and names of every node the answer's paths "
        "list by id. Absent with `explain=full`."))
    built: type[BaseModel] = create_model(
        name, __base__=model, __doc__=model.__doc__,
        names=(dict[str, NodeName] | None, described))
    return built


def answer(result: BaseModel, explain: Explain) -> Response:
    """`result` as JSON in the asked form, encoded once."""
    if explain == "full":
        return json_response(result)
    book: dict[str, NodeRef] = {}
    body = result.__pydantic_serializer__.to_json(result, context={NAMES_CONTEXT: book})
    names = orjson.dumps({node_id: {"label": ref.label, "name_zh": ref.name_zh,
                                    "name_en": ref.name_en}
                          for node_id, ref in sorted(book.items())})
    comma = b"," if body != b"{}" else b""
    return Response(body[:-1] + comma + b'"names":' + names + b"}", media_type=JSON)
