"""Sync: the change feed (`/v1/changes`) and the bulk export (`/v1/export`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import StreamingResponse

from alliance.api.deps import AccessDep, ReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.services import changes as changes_service
from alliance.store.base import MAX_PAGE

router = APIRouter(tags=["sync"])

CURSOR_HEADER = "X-Changes-Cursor"
JSON_LINES = "application/x-ndjson"


class ChangeOut(BaseModel):
    """One create, update or delete, in commit order."""

    seq: int
    cursor: str = Field(description="Pass as `cursor` to resume after this item.")
    at: str = Field(description="When it was written (UTC).")
    action: str = Field(description="What the writer did: create, replace, update, delete, "
                                    "relate, unrelate, import, referral.*.")
    change: str = Field(description="`upsert`: replace the node and its outgoing "
                                    "relationships with `entity`; `delete`: remove the node "
                                    "and every relationship touching it.")
    id: str = Field(description="The node that changed (for relate/unrelate: the source).")
    label: str | None
    entity: dict[str, Any] | None = Field(
        description="The node after the write: id, label, labels, properties, "
                    "relationships (outgoing); null once deleted.")


class ChangesPage(BaseModel):
    items: list[ChangeOut]
    next_cursor: str = Field(description="Where to resume: pass it as `cursor` next time "
                                         "(it is the given cursor when nothing is new).")
    more: bool = Field(description="Whether more items follow right now.")


@router.get(
    "/changes", name="changes", response_model=ChangesPage,
    summary="The change feed: every create, update and delete, oldest first / 变更流",
    responses=problem_responses(422))
def list_changes(
    access: AccessDep, caller: ReaderDep,
    cursor: Annotated[str | None, Query(max_length=20, description=(
        "`next_cursor` of the previous page, or the export's X-Changes-Cursor; none: from "
        "the first write."))] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response:
    """Every write since the cursor, in commit order, the same on every host. Apply each
    item in order: `upsert` replaces the node and its outgoing relationships with
    `entity`; `delete` removes the node and every relationship touching it.

    按提交顺序列出游标之后的每次写入；依次应用即可与服务器保持一致。"""
    page = changes_service.changes(access.audit, cursor=cursor, limit=limit,
                                   reveal_contacts=caller.reveal_contacts)
    return json_response({"items": page.items, "next_cursor": page.next_cursor,
                          "more": page.more})


@router.get(
    "/export", name="export", response_class=StreamingResponse,
    summary="The whole graph as JSON lines, for a first full copy / 全量导出",
    responses={200: {"content": {JSON_LINES: {}},
                     "description": "One JSON object per line: nodes, then relationships. "
                                    f"The {CURSOR_HEADER} header is the change-feed cursor "
                                    "to follow from."}})
def export(store: StoreDep, access: AccessDep, caller: ReaderDep) -> StreamingResponse:
    """Every node, then every relationship, streamed as JSON lines
    (`{"kind":"node","label":...,"properties":{...}}`,
    `{"kind":"relationship","type":...,"source":...,"target":...,"properties":{...}}`),
    the format `alliance db load` reads. Then follow `/v1/changes` from the
    `X-Changes-Cursor` header to stay in sync.

    先全量导出，再从响应头 X-Changes-Cursor 给出的游标开始跟随变更流。"""
    cursor = access.audit.last_seq()
    lines = changes_service.export_lines(store, reveal_contacts=caller.reveal_contacts)
    return StreamingResponse(iterate_in_threadpool(lines), media_type=JSON_LINES,
                             headers={CURSOR_HEADER: str(cursor)})
