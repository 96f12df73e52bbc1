"""JSON responses written straight from what views return, skipping FastAPI's second
pass over them.

With a `response_model`, FastAPI turns a returned model into a dict, validates that dict
against the model again and serializes the result: for a landing answer (125 kB of
nested explanation) that doubled the request time. Services already return validated
models and views build entity dicts from validated records, so views answer with these
responses and keep `response_model` on the route for the OpenAPI document only;
schemathesis checks in the tests that answers still match it. Dicts are encoded by
orjson (several times faster than `json`; non-finite numbers become null, as before),
models by pydantic's own Rust encoder.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

from graph_schema.values import finite_or_none

JSON = "application/json"


def json_response(content: BaseModel | dict[str, Any] | list[Any], *, status_code: int = 200,
                  headers: dict[str, str] | None = None) -> Response:
    """`content` as a JSON response (UTF-8, no ASCII escaping, compact)."""
    return Response(encoded_json(content), status_code=status_code, headers=headers,
                    media_type=JSON)


def encoded_json(content: BaseModel | dict[str, Any] | list[Any]) -> bytes:
    """`content` as JSON (UTF-8, no ASCII escaping, compact)."""
    if isinstance(content, BaseModel):
        return content.__pydantic_serializer__.to_json(content)
    try:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # beyond orjson (an int over 64 bits): the standard encoder
        return json.dumps(finite_or_none(content), ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
