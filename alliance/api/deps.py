"""Dependencies as Annotated aliases: the store, the settings, the caller and its scopes.

Views declare what they need (`store: StoreDep`, `caller: StaffWriterDep`); tests swap
any of them with `app.dependency_overrides`. The scope an operation needs is declared
here once per scope, so a view cannot forget its check and the OpenAPI schema shows the
key header on every operation.

The dependencies are `async def` although they never await: FastAPI runs a plain `def`
dependency in the thread pool, and a thread hop per dependency cost more than the whole
entity read (measured: 24 hops per GET). They do no blocking work, so they run inline.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from starlette.exceptions import HTTPException

from alliance.access.audit import Auditor
from alliance.access.scopes import ANONYMOUS, Principal, Scope
from alliance.api.access import API_KEY_HEADER, Access, principal_of
from alliance.errors import BackendUnavailable
from alliance.settings import Settings
from alliance.store.base import GraphStore

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False, scheme_name="ApiKey",
    description="An API key from `alliance keys create`. Without one a request is "
                "anonymous (public:read) unless the server requires keys.",
)

UNAUTHENTICATED = {"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'}


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> GraphStore:
    store: GraphStore | None = getattr(request.app.state, "store", None)
    if store is None:
        msg = "the graph store is not open (the server is starting or stopping)"
        raise BackendUnavailable(msg)
    return store


async def get_access(request: Request) -> Access:
    access: Access | None = getattr(request.app.state, "access", None)
    if access is None:
        msg = "the access database is not open"
        raise BackendUnavailable(msg)
    return access


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
AccessDep = Annotated[Access, Depends(get_access)]


ApiKey = Annotated[str | None, Security(api_key_header)]


def principal_for(request: Request, key: str | None) -> Principal:
    """The caller: the key the access middleware checked, or anonymous (public:read)
    unless settings require a key (401)."""
    principal = principal_of(request.scope)
    if principal is None:  # a path outside the middleware's reach: check here
        access: Access | None = getattr(request.app.state, "access", None)
        if access is None:
            msg = "the access database is not open"
            raise BackendUnavailable(msg)
        info = access.authenticate(key) if key else None
        if key and info is None:
            raise HTTPException(401, "unknown or revoked API key", headers=UNAUTHENTICATED)
        principal = info.principal() if info else ANONYMOUS
    settings: Settings = request.app.state.settings
    if principal.anonymous and settings.require_api_key:
        raise HTTPException(401, f"this server requires an API key in the {API_KEY_HEADER} "
                                 "header", headers=UNAUTHENTICATED)
    return principal


async def get_principal(request: Request, key: ApiKey = None) -> Principal:
    return principal_for(request, key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def admit(principal: Principal, scope: Scope) -> Principal:
    """The principal when it has `scope`: else 401 for anonymous callers (a key would
    help), 403 for keys without it."""
    if principal.allows(scope):
        return principal
    if principal.anonymous:
        raise HTTPException(401, f"this operation needs an API key with the {scope.value} "
                                 "scope", headers=UNAUTHENTICATED)
    raise HTTPException(403, f"the key {principal.name!r} lacks the {scope.value} scope")


def require(scope: Scope) -> Callable[[Request, str | None], Coroutine[Any, Any, Principal]]:
    """A dependency admitting callers with `scope`: 401 for anonymous callers (a key
    would help), 403 for keys without it.

    One dependency with the key header as its only sub-dependency (which puts the key in
    the OpenAPI document): FastAPI's solving of each dependency cost more than the
    entity read it guards (measured: 6 dependencies were half of a GET entity)."""

    async def check(request: Request, key: ApiKey = None) -> Principal:
        return admit(principal_for(request, key), scope)

    check.__name__ = f"require_{scope.name.lower()}"
    return check


ReaderDep = Annotated[Principal, Depends(require(Scope.PUBLIC_READ))]

KEY_SECURITY: dict[str, Any] = {"security": [{api_key_header.scheme_name: []}]}
"""What the key header dependency puts in an operation's OpenAPI entry, for views that
check the caller with `read_access` instead (`openapi_extra`)."""


async def read_access(request: Request) -> tuple[GraphStore, Principal]:
    """The store and a public:read caller, as StoreDep and ReaderDep give them, without
    FastAPI solving three dependencies: for GET of one entity, where that solving cost
    more than the read (an override of `get_store` is honoured, as tests use)."""
    override = request.app.dependency_overrides.get(get_store)
    store = await get_store(request) if override is None else override()
    key = request.headers.get(API_KEY_HEADER)
    return store, admit(principal_for(request, key), Scope.PUBLIC_READ)
StaffReaderDep = Annotated[Principal, Depends(require(Scope.STAFF_READ))]
StaffWriterDep = Annotated[Principal, Depends(require(Scope.STAFF_WRITE))]
AdminDep = Annotated[Principal, Depends(require(Scope.ADMIN))]


async def get_auditor(principal: StaffWriterDep, access: AccessDep, store: StoreDep
                      ) -> Auditor:
    """The audit sink of a write, bound to the writing key (needs staff:write)."""
    return Auditor(access.audit, principal, store)


AuditDep = Annotated[Auditor, Depends(get_auditor)]
