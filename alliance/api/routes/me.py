"""Who the caller is: the key's name and scopes, so a client can show the right actions."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from alliance.api.deps import PrincipalDep

router = APIRouter(tags=["me"])


class MeOut(BaseModel):
    """The caller: key id (null when anonymous), name and granted scopes."""

    key_id: str | None
    name: str
    scopes: list[str]
    anonymous: bool


@router.get("/me", name="get", response_model=MeOut)
def me(principal: PrincipalDep) -> MeOut:
    """The key this request was made with (or anonymous) and its scopes."""
    return MeOut(key_id=principal.key_id, name=principal.name,
                 scopes=sorted(scope.value for scope in principal.scopes),
                 anonymous=principal.anonymous)
