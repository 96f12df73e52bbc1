"""Request bodies read as strict JSON (`alliance.ingest.json_text`), before any view.

FastAPI reads a body with `json.loads`, which lets `NaN`, `1e309` (infinity), huge
integers and duplicate keys through to the models, and answers malformed JSON with a
422 located at a character offset (`body.22`). Every /v1 route is a `StrictJSONRoute`,
so its body is parsed by `json_text.loads`: malformed, non-UTF-8 or too deeply nested
text is a 400 with `field: body`, a bad number or a duplicate key a 422 naming it
(`body.hosts.0.strength`), and a body that is not JSON at all a 415.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from alliance.ingest.json_text import DEFAULT_MAX_DEPTH, JSONTextError, loads


class BodyProblem(HTTPException):
    """A body refused before validation; `field` locates it (`body`, `body.lat`)."""

    def __init__(self, status_code: int, detail: str, *, field: str) -> None:
        super().__init__(status_code, detail)
        self.field = field


def _max_depth(request: Request) -> int:
    settings = getattr(request.app.state, "settings", None)
    return int(getattr(settings, "max_json_depth", DEFAULT_MAX_DEPTH))


def parse_body(data: bytes, *, max_depth: int) -> Any:
    """The body's JSON value; BodyProblem (400 or 422, located) when it is refused."""
    try:
        return loads(data, max_depth=max_depth)
    except JSONTextError as exc:
        if exc.kind in ("number", "duplicate", "text"):
            field = f"body.{exc.path}" if exc.path else "body"
            raise BodyProblem(422, exc.message, field=field) from None
        raise BodyProblem(400, exc.message, field="body") from None


def is_json(media_type: str) -> bool:
    """`application/json` or any `+json` type (parameters ignored)."""
    kind = media_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/")
                                          and kind.endswith("+json"))


class StrictJSONRequest(Request):
    """A request whose `json()` is strict (see the module doc)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_body(await self.body(), max_depth=_max_depth(self))
        return self._json


class StrictJSONRoute(APIRoute):
    """A route that reads its body as strict JSON and refuses other media types."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_model = self.body_field is not None

        async def strict_handler(request: Request) -> Response:
            strict = StrictJSONRequest(request.scope, request.receive)
            if takes_model:
                media_type = strict.headers.get("content-type")
                if media_type is not None and not is_json(media_type) and await strict.body():
                    raise BodyProblem(415, f"send application/json, not {media_type!r}",
                                      field="header.content-type")
            return await handler(strict)

        return strict_handler
