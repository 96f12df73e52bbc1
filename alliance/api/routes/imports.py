"""Bulk import of JSON or CSV records: validated whole, written in one transaction or not
at all, every error named by row and column."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.exceptions import HTTPException

from alliance.api.deps import AuditDep, StoreDep
from alliance.api.errors import problem_responses
from alliance.api.privacy import entity_out
from alliance.api.responses import json_response
from alliance.api.schemas import ImportOut
from alliance.ingest.imports import parse_csv, parse_json
from alliance.ingest.records import RecordBatch
from alliance.services import directory
from graph_schema.vocabulary import Label

router = APIRouter(tags=["import"])

CSV_TYPES = ("text/csv", "application/csv")
JSON_TYPES = ("application/json",)

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ImportRecords"}},
        "text/csv": {"schema": {"type": "string"},
                     "example": "id,name_zh,name_en,province,lat,lon,source,as_of\n"
                                "city:haimen,海门,Haimen,江苏,31.87,121.18,"
                                "admin sheet,2025-06-30\n"},
    },
}


async def read_batch(
    request: Request, audit: AuditDep,
    label: Annotated[Label | None, Query(
        description="The label of every row (CSV only; JSON records name their own).")
    ] = None,
) -> RecordBatch:
    """Parse the body by its Content-Type into a validated batch (errors included);
    records without `source` or `as_of` get the importing key and today."""
    defaults = {"source": audit.actor, "as_of": date.today().isoformat()}
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    data = await request.body()
    if media_type in CSV_TYPES:
        if label is None:
            raise HTTPException(422, "a CSV import needs ?label=...")
        return parse_csv(data, label=label, defaults=defaults)
    if media_type in JSON_TYPES or media_type.endswith("+json"):
        return parse_json(data, defaults=defaults)
    raise HTTPException(415, f"send application/json or text/csv, not {media_type!r}")


@router.post("/import", name="run", response_model=ImportOut,
             openapi_extra={"requestBody": REQUEST_BODY},
             responses=problem_responses(403, 413, 415, 422))
def run_import(
    batch: Annotated[RecordBatch, Depends(read_batch)], store: StoreDep, audit: AuditDep,
    dry_run: Annotated[bool, Query(description="Validate only; write nothing.")] = True,
) -> Response:
    """Import records (staff:write). JSON: `{"records": [{"label": "Park", ...}]}`;
    CSV: `Content-Type: text/csv` with `?label=Park`, one column per property or
    relationship field, list items `;`-separated. Existing ids are replaced; `source`
    and `as_of` default to the importing key and today. All or
    nothing: any error (422) lists every problem with its row and field, and nothing is
    written. `dry_run` defaults to true, so a write is always deliberate."""
    summary = directory.import_records(store, batch=batch, dry_run=dry_run, audit=audit)
    reveal = audit.principal.reveal_contacts
    return json_response({
        "dry_run": summary.dry_run, "created": summary.created, "updated": summary.updated,
        "nodes": len(summary.nodes), "relationships": summary.relationships,
        "records": [entity_out(node, reveal_contacts=reveal) for node in summary.nodes]
        if summary.dry_run else None})

