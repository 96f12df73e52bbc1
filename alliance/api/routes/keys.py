"""API keys over HTTP (admin): create, list, revoke. The same key store as
`alliance keys`, so on the neo4j backend a key made through one host works on all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from alliance.access.keys import KeyInfo
from alliance.access.scopes import Scope
from alliance.api.deps import AccessDep, AdminDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response

router = APIRouter(tags=["keys"])


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "suzhou city portal", "scopes": ["public:read"], "quota_per_minute": 600}]})

    name: str = Field(min_length=1, max_length=200, description="Who or what uses the key.")
    scopes: list[Scope] = Field(min_length=1)
    quota_per_minute: int | None = Field(default=None, ge=1, le=1_000_000)


class KeyOut(BaseModel):
    id: str
    name: str
    scopes: list[Scope]
    quota_per_minute: int | None
    created_at: str
    revoked_at: str | None


class NewKeyOut(KeyOut):
    key: str = Field(description="The key itself: shown this once only, stored hashed.")


def _out(info: KeyInfo) -> dict[str, object]:
    return {"id": info.id, "name": info.name, "scopes": [s.value for s in info.scopes],
            "quota_per_minute": info.quota_per_minute, "created_at": info.created_at,
            "revoked_at": info.revoked_at}


@router.post("/keys", name="create", status_code=201, response_model=NewKeyOut,
             summary="Create an API key (admin)", responses=problem_responses(403, 422))
def create_key(body: Annotated[KeyIn, Body()], access: AccessDep, caller: AdminDep
               ) -> Response:
    """A new key; the answer is the only place its text ever appears."""
    del caller
    info, key = access.keys.create(name=body.name, scopes=body.scopes,
                                   quota_per_minute=body.quota_per_minute)
    return json_response({**_out(info), "key": key}, status_code=201)


@router.get("/keys", name="list", response_model=list[KeyOut],
            summary="List API keys (admin)", responses=problem_responses(403))
def list_keys(access: AccessDep, caller: AdminDep) -> Response:
    del caller
    return json_response([_out(info) for info in access.keys.list()])


@router.delete("/keys/{id}", name="revoke", response_model=KeyOut,
               summary="Revoke an API key (admin)", responses=problem_responses(403, 404, 422))
def revoke_key(key_id: Annotated[str, Path(alias="id", min_length=1, max_length=64)],
               access: AccessDep, caller: AdminDep) -> Response:
    """Revoked at once on this host, and on every other host within a second."""
    del caller
    info = access.keys.revoke(key_id)
    access.forget(info.id)
    return json_response(_out(info))
