"""The request target checked before routing: query-string length, and ids with an
encoded slash.

A query string over `max_query_bytes` is a 414 problem naming `query` (the server itself
accepts far longer lines, so the answer is ours and problem+json, never the HTTP
parser's bare text/plain 400). An id is one path segment: `park%3Aa%2Fb` names the id
`park:a/b`, which no entity has, so the segment is matched with its slash still encoded
and the route answers 404 for `path.id`, instead of the router seeing two segments (a
404 for no route, or a 307 to a path without the trailing slash).
"""

from __future__ import annotations

from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from alliance.api.errors import problem_response

ENCODED_SLASH = (b"%2f", b"%2F")


def path_keeping_encoded_slashes(raw_path: bytes) -> str:
    """The decoded path with `%2F` left as is inside segments.

    >>> path_keeping_encoded_slashes(b"/v1/parks/park%3Aa%2Fb")
    '/v1/parks/park:a%2Fb'
    """
    text = raw_path.decode("latin-1")
    return "/".join(unquote(segment).replace("/", "%2F") for segment in text.split("/"))


class RequestTargetMiddleware:
    """414 for long query strings; encoded slashes kept inside path segments."""

    def __init__(self, app: ASGIApp, *, max_query_bytes: int) -> None:
        self.app = app
        self.max_query_bytes = max_query_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if len(query) > self.max_query_bytes:
            response = problem_response(
                414, f"the query string is longer than {self.max_query_bytes} bytes",
                instance=scope["path"], field="query")
            await response(scope, receive, send)
            return
        raw_path = scope.get("raw_path")
        if raw_path and any(slash in raw_path for slash in ENCODED_SLASH):
            scope = {**scope, "path": path_keeping_encoded_slashes(raw_path.split(b"?")[0])}
        await self.app(scope, receive, send)
