"""Every error as RFC 9457 problem details (`application/problem+json`).

One place maps what can go wrong to HTTP: the domain errors of `alliance.errors`
(NotFound 404, Conflict 409, Invalid 422, BackendUnavailable 503), request validation
(422 listing each bad field as `body.area_m2`, `query.limit`, ...), Starlette's
HTTPException (401, 403, 404, 405, 413, ...) and, last, anything unexpected (500, with
the traceback logged; bad input never gets here). Problems carry `type`, `title`,
`status`, `detail`, `instance`, and the extensions `field` (the first field at fault)
and `errors` (every field, and for imports the row).
"""

from __future__ import annotations

import json
import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from alliance.errors import (
    AllianceError,
    BackendUnavailable,
    Conflict,
    Invalid,
    NotFound,
    PreconditionFailed,
)
from alliance.ingest.imports import RecordsInvalid, row_number
from graph_schema.records import SchemaError
from graph_schema.values import finite_or_none

logger = logging.getLogger("alliance.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"

SLUGS: dict[int, str] = {
    400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 406: "not-acceptable", 409: "conflict",
    412: "precondition-failed", 428: "precondition-required",
    413: "request-too-large", 414: "uri-too-long", 415: "unsupported-media-type", 422: "invalid",
    429: "quota-exceeded", 500: "internal", 503: "unavailable",
}


def problem_type(status: int) -> str:
    """The problem type URI of a status: `urn:alliance:problem:<slug>` (docs/api.md
    lists them), so clients can switch on it."""
    slug = SLUGS.get(status)
    return f"urn:alliance:problem:{slug}" if slug else "about:blank"


class FieldError(BaseModel):
    """One input at fault; `row`/`record_id` locate it in a bulk import."""

    field: str | None = Field(default=None, description="`body.area_m2`, `query.limit`, or "
                                                           "an import column.")
    message: str
    row: int | None = Field(default=None, description="CSV row (header = 1) or JSON record "
                                                      "(from 1) of an import.")
    record_id: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "urn:alliance:problem:invalid", "title": "Unprocessable Entity",
        "status": 422, "detail": "1 invalid field: body.area_m2 (Input should be greater "
                                 "than or equal to 0)",
        "instance": "/v1/landing/search", "field": "body.area_m2",
        "errors": [{"field": "body.area_m2",
                    "message": "Input should be greater than or equal to 0"}],
    }]})

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    field: str | None = None
    errors: list[FieldError] | None = None


def problem_response(status: int, detail: str | None, *, instance: str | None = None,
                     headers: dict[str, str] | None = None, field: str | None = None,
                     errors: list[FieldError] | None = None,
                     extensions: dict[str, Any] | None = None) -> Response:
    """A problem+json response (also used by middleware, outside the handlers)."""
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_
        else "Error",
        "status": status, "detail": detail, "instance": instance,
    }
    if field is not None:
        body["field"] = field
    if errors is not None:
        body["errors"] = [error.model_dump(exclude_none=True) for error in errors]
    body.update(extensions or {})
    # ASCII escapes: a problem may quote input that UTF-8 cannot encode (a lone surrogate)
    text = json.dumps(finite_or_none(body), ensure_ascii=True, separators=(",", ":"))
    return Response(text.encode("ascii"), status_code=status, headers=headers,
                    media_type=PROBLEM_MEDIA_TYPE)


PROBLEM_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request.",
    401: "No API key where one is required, or an unknown or revoked key.",
    403: "The key lacks the scope this operation needs.",
    404: "An id named in the path or body does not exist.",
    409: "The write clashes with what is stored (existing id, closed referral).",
    412: "If-Match names a version that is no longer the entity's current one.",
    413: "The request body is larger than the server accepts.",
    414: "The query string is longer than the server accepts.",
    415: "The body's Content-Type is not one this operation reads.",
    422: "Invalid input; `errors` names each field (and row, for imports).",
    429: "Quota exceeded; Retry-After says when to try again.",
    500: "Unexpected server error (a bug; it is logged).",
    503: "The graph store cannot be reached; retry later.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries documenting these problem statuses."""
    return {status: {"model": Problem, "description": PROBLEM_DESCRIPTIONS[status]}
            for status in statuses}


# --------------------------------------------------------------------------- locating


def _param_names(route: APIRoute, where: str) -> set[str]:
    params = getattr(route.dependant, f"{where}_params")
    names = {param.alias for param in params} | {param.name for param in params}
    for dependant in route.dependant.dependencies:
        sub = getattr(dependant, f"{where}_params")
        names |= {param.alias for param in sub} | {param.name for param in sub}
    return names


def locate(request: Request, field: str | None) -> str | None:
    """A domain error's field as the request names it: `path.id`, `body.industry`,
    `query.cursor` (fields that already say where they are pass unchanged)."""
    if not field or field.split(".", 1)[0] in {"body", "query", "path", "header"}:
        return field
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return field
    head = field.split(".", 1)[0].split("[", 1)[0]
    if head in _param_names(route, "path"):
        return f"path.{field}"
    if head in _param_names(route, "query") or route.body_field is None:
        return f"query.{field}"
    return f"body.{field}"


# --------------------------------------------------------------------------- handlers


STATUS_OF: tuple[tuple[type[AllianceError], int], ...] = (
    (NotFound, 404), (Conflict, 409), (PreconditionFailed, 412), (Invalid, 422),
    (BackendUnavailable, 503),
)


def _summary(errors: list[FieldError]) -> str:
    parts = [f"{f'row {e.row} ' if e.row else ''}{e.field or 'input'} ({e.message})"
             for e in errors[:5]]
    more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
    noun = "field" if len(errors) == 1 else "fields"
    return f"{len(errors)} invalid {noun}: {'; '.join(parts)}{more}"


def _dotted(field: str | None) -> str | None:
    """`hosts[0].strength` as FastAPI writes locations: `hosts.0.strength`.

    >>> _dotted("hosts[0].strength")
    'hosts.0.strength'
    """
    return re.sub(r"\[(\d+)\]", r".\1", field) if field else field


def _records_errors(request: Request, exc: RecordsInvalid) -> list[FieldError]:
    if exc.single:
        return [FieldError(field=locate(request, _dotted(e.field)) or "body",
                           message=e.message) for e in exc.errors]
    return [FieldError(field=_dotted(e.field), message=e.message, row=row_number(e),
                       record_id=e.record_id) for e in exc.errors]


async def _alliance_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AllianceError)
    status = next((code for kind, code in STATUS_OF if isinstance(exc, kind)), 500)
    headers = {"Retry-After": "5"} if status == 503 else None
    extensions = None
    if isinstance(exc, PreconditionFailed):
        headers = {"ETag": f'"{exc.current}"'}
        extensions = {"current_version": f'"{exc.current}"'}
    if status >= 500:
        logger.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc.message)
    if isinstance(exc, RecordsInvalid):
        errors = _records_errors(request, exc)
        return problem_response(422, _summary(errors), instance=request.url.path,
                                field=errors[0].field if errors else None, errors=errors)
    field = locate(request, exc.field)
    listed = [FieldError(field=field, message=exc.message)] if field is not None else None
    return problem_response(status, exc.message, instance=request.url.path, field=field,
                            errors=listed, headers=headers, extensions=extensions)


def _validation_errors(items: list[Any], prefix: str | None = None) -> list[FieldError]:
    out = []
    for item in items:
        loc = [str(part) for part in item.get("loc", ())]
        if prefix:
            loc = [prefix, *loc]
        message = str(item.get("msg", "invalid"))
        if item.get("type") == "extra_forbidden":
            message = "unknown field (not accepted here)"
        out.append(FieldError(field=".".join(loc) or None, message=message))
    return out


async def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(list(exc.errors()))
    return problem_response(422, _summary(errors), instance=request.url.path,
                            field=errors[0].field if errors else None, errors=errors)


async def _pydantic_validation(request: Request, exc: Exception) -> Response:
    """A model validated inside a view or service (not by FastAPI): still the caller's
    input, so 422 with the fields located as the request names them."""
    assert isinstance(exc, ValidationError)
    errors = _validation_errors(list(exc.errors()))
    for error in errors:
        error.field = locate(request, error.field) or "body"
    return problem_response(422, _summary(errors), instance=request.url.path,
                            field=errors[0].field if errors else None, errors=errors)


async def _schema_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SchemaError)
    field = locate(request, exc.field)
    return problem_response(422, str(exc), instance=request.url.path, field=field,
                            errors=[FieldError(field=field, message=str(exc))])


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 304 or exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=exc.headers)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    field = getattr(exc, "field", None)
    if field is None and exc.status_code == 404 and request.scope.get("route") is None:
        field = "path"  # no route has this path
    errors = [FieldError(field=field, message=detail)] if field is not None else None
    return problem_response(exc.status_code, detail, instance=request.url.path, field=field,
                            errors=errors, headers=dict(exc.headers) if exc.headers else None)


async def _unhandled(request: Request, exc: Exception) -> Response:
    """The last resort: a bug. Log the traceback; tell the client nothing internal."""
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "unexpected server error; it has been logged",
                            instance=request.url.path)


def add_exception_handlers(app: FastAPI) -> None:
    """Install the problem+json handlers on the app."""
    app.add_exception_handler(AllianceError, _alliance_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ValidationError, _pydantic_validation)
    app.add_exception_handler(SchemaError, _schema_error)
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_exception_handler(Exception, _unhandled)


def problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Document every 4xx/5xx response of the OpenAPI schema as problem+json with the
    Problem schema (FastAPI would say application/json and its own 422 model)."""
    reference = {"$ref": "#/components/schemas/Problem"}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": reference}}
                    if int(status) == 422:
                        response["description"] = PROBLEM_DESCRIPTIONS[422]
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema
