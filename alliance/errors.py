"""The exception tree: one root, one class per way a request can fail.

Services raise these; the HTTP layer maps them to problem details and the CLI to a
one-line message and exit code 2.
"""

from __future__ import annotations


class AllianceError(Exception):
    """Root of every error the alliance code raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(AllianceError):  # noqa: N818 - the networkx-style names read better
    """An id, city, industry or other reference does not exist."""


class Conflict(AllianceError):  # noqa: N818
    """The write clashes with what is stored (duplicate id, stale state)."""


class Invalid(AllianceError):  # noqa: N818
    """The input is well-formed but not acceptable (negative area, impossible dates)."""


class BackendUnavailable(AllianceError):  # noqa: N818
    """The store cannot be reached (Neo4j down); the request may be retried."""


class PreconditionFailed(AllianceError):  # noqa: N818
    """If-Match names a version the entity no longer has; `current` is the one it has."""

    def __init__(self, message: str, *, field: str | None = None, current: str) -> None:
        super().__init__(message, field=field)
        self.current = current
