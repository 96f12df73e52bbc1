"""Webhook subscriptions (admin): the change feed pushed to a partner's URL, signed with
HMAC-SHA256 (see `alliance.services.webhooks`), with a delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from alliance.access.webhooks import Webhook
from alliance.api.deps import AccessDep, AdminDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.store.base import MAX_PAGE

router = APIRouter(tags=["webhooks"])

HookId = Annotated[str, Path(alias="id", min_length=1, max_length=64)]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "url": "https://partner.example/alliance-hook"}]})

    url: str = Field(min_length=8, max_length=2000, description="Where to POST batches.")


class WebhookOut(BaseModel):
    id: str
    url: str
    cursor: str = Field(description="The change-feed cursor delivered up to.")
    created_at: str


class NewWebhookOut(WebhookOut):
    secret: str = Field(description="The HMAC-SHA256 key of `X-Alliance-Signature`: shown "
                                    "this once only.")


class DeliveryOut(BaseModel):
    at: str
    first_seq: int
    last_seq: int
    attempt: int
    status: int | None
    error: str | None
    ok: bool


def _out(hook: Webhook) -> dict[str, object]:
    return {"id": hook.id, "url": hook.url, "cursor": str(hook.cursor),
            "created_at": hook.created_at}


@router.post("/webhooks", name="create", status_code=201, response_model=NewWebhookOut,
             summary="Subscribe a URL to the change feed (admin) / 订阅变更推送",
             responses=problem_responses(403, 422))
def create_webhook(body: Annotated[WebhookIn, Body()], access: AccessDep, caller: AdminDep
                   ) -> Response:
    """Changes written after now are POSTed to the URL in batches, each signed
    `X-Alliance-Signature: sha256=<hex HMAC-SHA256 of the raw body under the secret>`;
    failed deliveries are retried and logged."""
    del caller
    hook = access.webhooks.create(url=body.url, cursor=access.audit.last_seq())
    return json_response({**_out(hook), "secret": hook.secret}, status_code=201)


@router.get("/webhooks", name="list", response_model=list[WebhookOut],
            summary="List webhook subscriptions (admin)", responses=problem_responses(403))
def list_webhooks(access: AccessDep, caller: AdminDep) -> Response:
    del caller
    return json_response([_out(hook) for hook in access.webhooks.all()])


@router.delete("/webhooks/{id}", name="delete", status_code=204, response_class=Response,
               summary="Unsubscribe (admin)", responses=problem_responses(403, 404, 422))
def delete_webhook(webhook_id: HookId, access: AccessDep, caller: AdminDep) -> Response:
    del caller
    access.webhooks.delete(webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{id}/deliveries", name="deliveries", response_model=list[DeliveryOut],
            summary="The delivery log of a subscription, newest first (admin)",
            responses=problem_responses(403, 422))
def list_deliveries(webhook_id: HookId, access: AccessDep, caller: AdminDep,
                    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> Response:
    del caller
    return json_response([{key: value for key, value in vars(d).items() if key != "webhook_id"}
                          for d in access.webhooks.deliveries(webhook_id, limit=limit)])
