"""A cap on request body size, so one request cannot make the server buffer gigabytes.

A declared `Content-Length` over the cap is refused at once (413); a body sent without
one (chunked) is counted as it arrives and refused when it passes the cap, before the
view sees it.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alliance.api.errors import problem_response


def _too_large(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


class BodySizeLimitMiddleware:
    """413 problem for bodies over `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                response = problem_response(400, "Content-Length is not a number",
                                            instance=scope["path"])
                await response(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                response = problem_response(413, _too_large(self.max_bytes),
                                            instance=scope["path"])
                await response(scope, receive, send)
                return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, _too_large(self.max_bytes))
            return message

        await self.app(scope, counted_receive, send)
