"""Spreadsheet imports over HTTP (multipart upload or raw body), remembered did-you-mean
answers, templates and exports. A preview writes nothing; an apply writes every row or
none, audited with the key and the file name."""

from __future__ import annotations

import io
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import IO, Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from alliance.api.deps import AuditDep, StaffReaderDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.responses import json_response
from alliance.errors import Invalid
from alliance.ingest.decisions import Decision, Decisions, decisions_path
from alliance.ingest.export import (
    MEDIA_TYPES,
    ExportFormat,
    csv_lines,
    jsonl_lines,
    write_workbook,
)
from alliance.ingest.preview import apply, plan_dict, preview
from alliance.ingest.template import template_bytes
from graph_schema.aliases import label_of_name
from graph_schema.nodes import label_of_id
from graph_schema.vocabulary import Label

router = APIRouter(tags=["import"])

SPOOL_BYTES = 8 * 1024 * 1024
RAW_TYPES = {
    "text/csv": "upload.csv", "application/csv": "upload.csv", "text/plain": "upload.csv",
    "application/json": "upload.json", "application/x-ndjson": "upload.jsonl",
    MEDIA_TYPES[ExportFormat.XLSX]: "upload.xlsx", "application/octet-stream": "upload",
}

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": {"type": "string", "format": "binary"}},
            "required": ["file"]}},
        "text/csv": {"schema": {"type": "string"},
                     "example": "园区名称,所在城市,租金(元/㎡/月),可用面积,载体类型,纬度,经度\n"
                                "海门测试园,苏州,\"28\",8000㎡,办公,31.46,121.1\n"},
        MEDIA_TYPES[ExportFormat.XLSX]: {"schema": {"type": "string", "format": "binary"}},
        "application/json": {"schema": {"$ref": "#/components/schemas/ImportRecords"}},
    },
}


@dataclass
class Upload:
    stream: IO[bytes]
    filename: str


def _label(value: str | None) -> Label | None:
    if value is None:
        return None
    found = label_of_name(value)
    if found is None:
        msg = f"unknown label {value!r}; one of {', '.join(label.value for label in Label)}"
        raise Invalid(msg, field="label")
    return found


async def read_upload(
    request: Request,
    filename: Annotated[str | None, Query(
        description="The file's name for a raw body (its extension and stem tell the format "
                    "and, for CSV, the label: 园区.csv).")] = None,
) -> AsyncIterator[Upload]:
    """The uploaded file, spooled to disk past 8 MiB: a multipart `file` field or the raw
    body (format from Content-Type, `filename` or the first bytes)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed below)
    try:
        if media_type == "multipart/form-data":
            form = await request.form()
            item = form.get("file")
            if not isinstance(item, UploadFile):
                raise HTTPException(422, "multipart upload needs a 'file' field")
            while chunk := await item.read(1 << 20):
                spool.write(chunk)
            name = filename or item.filename or "upload"
        elif media_type in RAW_TYPES or media_type.endswith("+json"):
            async for chunk in request.stream():
                spool.write(chunk)
            name = filename or RAW_TYPES.get(media_type, "upload.json")
        else:
            raise HTTPException(415, "send multipart/form-data, text/csv, application/json "
                                     f"or XLSX, not {media_type!r}")
        spool.seek(0)
        yield Upload(cast(IO[bytes], spool), name)
    finally:
        spool.close()


UploadDep = Annotated[Upload, Depends(read_upload)]


def get_decisions(request: Request) -> Decisions:
    """The remembered did-you-mean answers, opened once per app beside the store."""
    decisions: Decisions | None = getattr(request.app.state, "match_decisions", None)
    if decisions is None:
        decisions = Decisions(decisions_path(request.app.state.settings.db_path))
        request.app.state.match_decisions = decisions
    return decisions


DecisionsDep = Annotated[Decisions, Depends(get_decisions)]


@router.post("/import", name="run", openapi_extra={"requestBody": REQUEST_BODY},
             responses=problem_responses(403, 413, 415, 422))
def run_import(
    upload: UploadDep, store: StoreDep, audit: AuditDep, decisions: DecisionsDep,
    dry_run: Annotated[bool, Query(description="Preview only; write nothing.")] = True,
    label: Annotated[str | None, Query(
        description="Label of the rows (园区, Park, parks) when the file or sheet name "
                    "does not say.")] = None,
    sheet: Annotated[str | None, Query(description="Only this worksheet (XLSX).")] = None,
    limit: Annotated[int, Query(ge=1, le=100_000, description="Rows returned.")] = 1000,
) -> Response:
    """Import a spreadsheet (staff:write): CSV (UTF-8 or GBK), XLSX (a sheet per label) or
    JSON, headers in Chinese, English or field names, references by id, name or code.
    The answer previews every row: new, changed (with the diff), unchanged, review (a
    did-you-mean to confirm or reject) or error (sheet, row, column, reason in zh and en).
    `dry_run=false` writes all rows or none: any error or open question is a 422 listing
    them, and nothing is written."""
    plan = preview(store, upload.stream, upload.filename, decisions=decisions.snapshot(),
                   actor=audit.actor, label=_label(label), sheet=sheet)
    if not dry_run:
        apply(store, plan, audit=audit)
    return json_response({"dry_run": dry_run, **plan_dict(plan, limit=limit)})


class DecisionIn(BaseModel):
    """An admin's answer to a did-you-mean."""

    text: str = Field(min_length=1, description="The name as the file writes it.")
    candidate: str = Field(description="The suggested entity's id.")
    confirm: bool = Field(description="True: the name means this entity; false: it does not.")


@router.post("/import/decisions", name="decide", status_code=204,
             responses=problem_responses(403, 422))
def decide(body: DecisionIn, audit: AuditDep, decisions: DecisionsDep,
           store: StoreDep) -> Response:
    """Remember a did-you-mean answer (staff:write) so the next upload does not ask."""
    label = label_of_id(body.candidate)
    if label is None or store.get_node(body.candidate) is None:
        msg = f"no entity {body.candidate!r}"
        raise Invalid(msg, field="candidate")
    decisions.record(Decision(label, body.text, body.candidate, body.confirm, audit.actor))
    return Response(status_code=204)


@router.get("/import/template/{label}", name="template",
            responses={200: {"content": {MEDIA_TYPES[ExportFormat.XLSX]: {}}},
                       **problem_responses(403, 422)})
def template(label: str, store: StoreDep, _: StaffReaderDep) -> Response:
    """The XLSX template of a label (staff:read): bilingual headers, an example row,
    drop-downs for enumerations."""
    found = _label(label)
    assert found is not None
    return Response(template_bytes(found, store), media_type=MEDIA_TYPES[ExportFormat.XLSX],
                    headers={"Content-Disposition":
                             f'attachment; filename="{found.value}-template.xlsx"'})


@router.get("/import/export", name="export",
            responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}},
                       **problem_responses(403, 422)})
def export(
    store: StoreDep, _: StaffReaderDep,
    fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.XLSX,
    labels: Annotated[list[str] | None, Query(alias="label",
                                              description="Labels (default: all).")] = None,
) -> Response:
    """Export labels or the whole graph (staff:read) as XLSX (a sheet per label), CSV (one
    label) or JSON lines; what `POST /v1/import` reads back unchanged."""
    chosen = [found for name in labels or [] if (found := _label(name)) is not None]
    name = "-".join(label.value for label in chosen) or "alliance"
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt.value}"'}
    if fmt is ExportFormat.JSONL:
        return StreamingResponse(jsonl_lines(store, chosen), media_type=MEDIA_TYPES[fmt],
                                 headers=disposition)
    if fmt is ExportFormat.CSV:
        if len(chosen) != 1:
            msg = "a CSV export holds one label: give ?label="
            raise Invalid(msg, field="label")
        return StreamingResponse(csv_lines(store, chosen[0]), media_type=MEDIA_TYPES[fmt],
                                 headers=disposition)
    buffer = io.BytesIO()
    write_workbook(store, buffer, chosen)
    return Response(buffer.getvalue(), media_type=MEDIA_TYPES[fmt], headers=disposition)
