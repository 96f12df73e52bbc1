"""Export → import on Neo4j reports 0 changes, like the embedded store (same protocol)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest

from alliance.ingest.decisions import DecisionSet
from alliance.ingest.export import ExportFormat, csv_lines, jsonl_lines, write_workbook
from alliance.ingest.preview import apply, preview
from alliance.ingest.records import RecordBatch
from alliance.services.ingest import load
from alliance.store.neo4j import Neo4jStore
from graph_schema.vocabulary import Label
from tests.ingest.test_spreadsheets import PARKS, Sink
from tests.store.test_neo4j import empty_database

pytestmark = [pytest.mark.neo4j, pytest.mark.xdist_group("neo4j")]


@pytest.fixture(scope="module")
def neo(neo4j_uri: str, seed_batch: RecordBatch) -> Iterator[Neo4jStore]:
    store = Neo4jStore(neo4j_uri)
    empty_database(store)
    load(store, seed_batch)
    yield store
    empty_database(store)
    store.close()


def _bytes(store: Neo4jStore, fmt: ExportFormat) -> bytes:
    if fmt is ExportFormat.JSONL:
        return "".join(jsonl_lines(store)).encode()
    if fmt is ExportFormat.CSV:
        return "".join(csv_lines(store, Label.PARK)).encode()
    out = io.BytesIO()
    write_workbook(store, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_then_import_changes_nothing_on_neo4j(neo: Neo4jStore, fmt: ExportFormat
                                                     ) -> None:
    plan = preview(neo, io.BytesIO(_bytes(neo, fmt)), f"export.{fmt.value}",
                   decisions=DecisionSet(), actor="t",
                   label=Label.PARK if fmt is ExportFormat.CSV else None)
    counts = plan.counts()
    assert counts["unchanged"] > 30
    assert counts["changed"] == counts["new"] == counts["error"] == 0


def test_gbk_import_applies_on_neo4j(neo: Neo4jStore) -> None:
    plan = preview(neo, io.BytesIO(PARKS.encode("gbk")), "园区.csv", decisions=DecisionSet(),
                   actor="t", today=date(2026, 1, 5))
    assert plan.counts()["changed"] == 1
    apply(neo, plan, audit=Sink())
    park = neo.get_node("park:suzhou-sip")
    assert park is not None
    assert park.properties["rent_cny_m2_month"] == 1200
    again = preview(neo, io.BytesIO(PARKS.encode("gbk")), "园区.csv", decisions=DecisionSet(),
                    actor="t", today=date(2026, 1, 5))
    assert again.counts()["unchanged"] == 2
