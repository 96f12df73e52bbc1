"""uvicorn's HTTP protocol with problem+json for the requests it refuses itself.

What the HTTP parser cannot read never reaches the app, and uvicorn answers it with a
text/plain 400. The one such request a client can send by accident is a very long URL:
httptools locates URL parts with 16-bit offsets, so a request target of 64 KiB or more
fails to parse. This protocol answers that with the same 414 problem the app gives for
query strings over ALLIANCE_MAX_QUERY_BYTES, and any other unreadable request with a 400
problem.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from alliance.api.errors import PROBLEM_MEDIA_TYPE, problem_type

URL_PARSE_LIMIT = 65_535
"""Longest request target httptools can take apart."""


def problem_bytes(status: int, title: str, detail: str, field: str) -> bytes:
    """A whole HTTP/1.1 response carrying a problem, closing the connection."""
    body = json.dumps({"type": problem_type(status), "title": title, "status": status,
                       "detail": detail, "instance": None, "field": field,
                       "errors": [{"field": field, "message": detail}]}).encode("ascii")
    head = (f"HTTP/1.1 {status} {title}\r\ncontent-type: {PROBLEM_MEDIA_TYPE}\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")
    return head.encode("ascii") + body


class ProblemHttpToolsProtocol(HttpToolsProtocol):
    """httptools, answering unreadable requests with problem+json."""

    def send_400_response(self, msg: str) -> None:
        url: bytes = getattr(self, "url", b"")
        if len(url) >= URL_PARSE_LIMIT:
            field = "query" if b"?" in url else "path"
            response = problem_bytes(414, "URI Too Long",
                                     f"the request target is {len(url)} bytes long", field)
        else:
            response = problem_bytes(400, "Bad Request", f"{msg} (not readable as HTTP/1.1)",
                                     "request")
        self.transport.write(response)
        self.transport.close()
