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

Policy matches repeat too: a landing answer for 10 parks lists up to
`policies_per_list` (20) matches per list and park (at 10^5 nodes 329 matches of 87
policies), and everything but the path to the park is the same at every park. So the
compact form also writes each policy once, in `policies: {id: {...}}` (its
first match in the answer, without the id), and each match as its `id` plus the fields
in which it differs from that first match (usually `path`): `{**policies[id], **match}`
is the verbose match. Which fields differ is checked per match, not assumed.

The compact body is written in one pass of pydantic's encoder: paths note their nodes
in the serialization context's book (`alliance.services.explain.NAMES_CONTEXT`) and
policy matches their policy (`alliance.services.landing_models.POLICIES_CONTEXT`) as
they are written; the policies, then the names, are appended as the answer's last
members. The shown parks' matches are kept from one question to the next
(`landing.SHOWN`), and so are, by the identity of those very matches, the encoded
`policies` entries (`ENTRIES`) and which fields a match differs in from its policy's
first (`landing_models.DIFFERING`): at 10^5 nodes this took the compact encoding of a
10-park answer from ~3.5 to ~1.5 ms.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import Query
from pydantic import BaseModel, Field, create_model
from starlette.responses import Response

from alliance.api.responses import JSON
from alliance.services.explain import NAMES_CONTEXT, NodeRef
from alliance.services.landing_models import POLICIES_CONTEXT, PolicyMatch

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


POLICY_MATCH = "PolicyMatch"
"""Its schema in the OpenAPI document, where only `id` is required (see `compact_schemas`)."""


def with_names(model: type[BaseModel], name: str) -> type[BaseModel]:
    """`model` plus the `names` (and `policies`) dictionaries of the compact form (for the
    OpenAPI document; views answer through `answer`)."""
    described = Field(default=None, description=(
        "Compact form (the default): label and names of every node the answer's paths "
        "list by id. Absent with `explain=full`."))
    policies = Field(default=None, description=(
        "Compact form, answers with policy matches: per policy id, its first match in the "
        "answer without the id; every match is written as its `id` and the fields in "
        "which it differs from that one. Absent with `explain=full`."))
    built: type[BaseModel] = create_model(
        name, __base__=model, __doc__=model.__doc__,
        names=(dict[str, NodeName] | None, described),
        policies=(dict[str, dict[str, Any]] | None, policies))
    return built


def compact_schemas(schemas: dict[str, Any]) -> None:
    """The OpenAPI components as the compact form writes them: a policy match needs only
    its `id` (the rest may be in the answer's `policies`)."""
    match = schemas.get(POLICY_MATCH)
    if match is not None:
        match["required"] = ["id"]
        match["description"] = (f"{match.get('description', '').strip()}\n\nIn the compact "
                                "form (the default) a match is its `id` and the fields in "
                                "which it differs from the policy's entry in the answer's "
                                "`policies`.")


ENTRIES_LIMIT = 1 << 11
"""Policy entries kept encoded, at most (then the memo starts over)."""

ENTRIES: dict[int, tuple[PolicyMatch, bytes, tuple[tuple[str, NodeRef], ...]]] = {}
"""Encoded policy entries by the identity of their match (`_entry`)."""


def _entry(match: PolicyMatch, book: dict[str, NodeRef]) -> bytes:
    """The match as the answer's `policies` entry writes it (without its id), its path's
    nodes noted in `book`. Kept by the match's identity (held, so its id is not
    another's meanwhile): the shown parks' matches are kept across questions
    (`landing.SHOWN`), and their encoding with them."""
    found = ENTRIES.get(id(match))
    if found is None or found[0] is not match:
        names: dict[str, NodeRef] = {}
        body = match.__pydantic_serializer__.to_json(
            match, exclude={"id"}, context={NAMES_CONTEXT: names})
        if len(ENTRIES) >= ENTRIES_LIMIT:
            ENTRIES.clear()
        found = ENTRIES[id(match)] = (match, body, tuple(names.items()))
    book.update(found[2])
    return found[1]


def answer(result: BaseModel, explain: Explain) -> Response:
    """`result` as a JSON response in the asked form, encoded once."""
    return Response(encoded(result, explain), media_type=JSON)


def encoded(result: BaseModel, explain: Explain) -> bytes:
    """`result` as JSON in the asked form, encoded once."""
    if explain == "full":
        return result.__pydantic_serializer__.to_json(result)
    book: dict[str, NodeRef] = {}
    firsts: dict[str, PolicyMatch] = {}
    body = result.__pydantic_serializer__.to_json(
        result, context={NAMES_CONTEXT: book, POLICIES_CONTEXT: firsts})
    policies = b",".join(orjson.dumps(policy_id) + b":" + _entry(match, book)
                         for policy_id, match in sorted(firsts.items()))
    names = orjson.dumps({node_id: {"label": ref.label, "name_zh": ref.name_zh,
                                    "name_en": ref.name_en}
                          for node_id, ref in sorted(book.items())})
    tail = b'"names":' + names + (b',"policies":{' + policies + b"}" if firsts else b"")
    comma = b"," if body != b"{}" else b""
    return body[:-1] + comma + tail + b"}"
