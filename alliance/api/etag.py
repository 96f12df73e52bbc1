"""ETag and If-None-Match for GET responses: a client that already has the body gets
304 and no body. An entity's own answers (get, create, replace, update) are tagged with
its version instead (`versioned`), which writes check against If-Match.

The tag is a hash of the body as sent before compression (a weak tag, `W/"..."`, since
gzip may change the bytes but not the meaning). Bodies differ by caller (contact data),
so responses say `Vary: X-API-Key` and no shared cache hands one caller's body to
another.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def etag_of(body: bytes) -> str:
    """The weak ETag of a body.

    >>> etag_of(b"{}")
    'W/"44136fa355b3678a1146ad16f7e8649e"'
    """
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


class ETagMiddleware:
    """Tag 200 responses to GET/HEAD; answer 304 when If-None-Match holds the tag."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        passthrough = False

        async def buffered_send(message: Message) -> None:
            nonlocal start, passthrough
            if passthrough:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                if message["status"] != 200 or "etag" in headers:
                    passthrough = True
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            tag = etag_of(body)
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            headers["ETag"] = tag
            headers.append("Vary", "X-API-Key")
            if if_none_match is not None and _matches(if_none_match, tag):
                del headers["content-length"]
                del headers["content-type"]
                await send({**start, "status": 304, "headers": headers.raw})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered_send)


PARTIAL_VIEW = ".partial"
"""Suffix of the tag of an answer that holds fields back (contact data): the same
version, but another body, so caches and If-None-Match keep the two apart."""


def entity_tag(version: str, *, partial: bool = False) -> str:
    """An entity's ETag: its version, strong (the same whichever store holds it).

    >>> entity_tag("ab12"), entity_tag("ab12", partial=True)
    ('"ab12"', '"ab12.partial"')
    """
    return f'"{version}{PARTIAL_VIEW if partial else ""}"'


def versioned(response: Response, version: str, if_none_match: str | None = None, *,
              partial: bool = False) -> Response:
    """Tag an entity's answer with its version; 304 when If-None-Match names it. The
    middleware leaves tagged answers alone."""
    tag = entity_tag(version, partial=partial)
    if if_none_match is not None and _matches(if_none_match, tag):
        return Response(status_code=304, headers={"ETag": tag, "Vary": "X-API-Key"})
    response.headers["ETag"] = tag
    response.headers.append("Vary", "X-API-Key")
    return response
