"""Scopes and the principal a request acts as.

Four scopes, each implying the ones below it where that makes sense: `admin` implies
every scope, `staff:write` implies `staff:read`, and every scope implies `public:read`.
Contact data of people who did not opt in is shown only to principals with `staff:read`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    """What a key may do."""

    PUBLIC_READ = "public:read"
    STAFF_READ = "staff:read"
    STAFF_WRITE = "staff:write"
    ADMIN = "admin"


IMPLIES: dict[Scope, frozenset[Scope]] = {
    Scope.PUBLIC_READ: frozenset({Scope.PUBLIC_READ}),
    Scope.STAFF_READ: frozenset({Scope.STAFF_READ, Scope.PUBLIC_READ}),
    Scope.STAFF_WRITE: frozenset({Scope.STAFF_WRITE, Scope.STAFF_READ, Scope.PUBLIC_READ}),
    Scope.ADMIN: frozenset(Scope),
}
"""Each scope and everything it grants."""


def expand(scopes: Iterable[Scope | str]) -> frozenset[Scope]:
    """Every scope the given ones grant.

    >>> sorted(scope.value for scope in expand(["staff:write"]))
    ['public:read', 'staff:read', 'staff:write']
    """
    granted: set[Scope] = set()
    for scope in scopes:
        granted |= IMPLIES[Scope(scope)]
    return frozenset(granted)


@dataclass(frozen=True)
class Principal:
    """The caller: a key (id, name, granted scopes, quota) or anonymous (key_id None)."""

    key_id: str | None
    name: str
    scopes: frozenset[Scope]
    quota_per_minute: int | None = None
    """The key's own quota; None = the settings' default."""

    @property
    def anonymous(self) -> bool:
        return self.key_id is None

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def reveal_contacts(self) -> bool:
        """Whether personal contact data of people who did not opt in may be shown."""
        return Scope.STAFF_READ in self.scopes


ANONYMOUS = Principal(key_id=None, name="anonymous", scopes=expand([Scope.PUBLIC_READ]))
"""A request without a key, when settings allow anonymous access."""
