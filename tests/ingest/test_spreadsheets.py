"""Spreadsheet imports on the embedded store with the seed: encodings, aliases, typed
cells, references by name, did-you-mean and remembered answers, errors at their cell,
all or nothing, and the export → import round trip."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from alliance.errors import Invalid
from alliance.ingest.decisions import Decision, Decisions
from alliance.ingest.export import ExportFormat, csv_lines, jsonl_lines, write_workbook
from alliance.ingest.preview import ImportPlan, RowOutcome, apply, preview
from alliance.ingest.records import RecordBatch
from alliance.ingest.template import template_bytes
from alliance.services.directory import Change
from alliance.services.ingest import load
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label, RelType

PARKS = ("园区名称,所在城市,租金(元/㎡/月),可用面积,载体类型,主导产业,纬度,经度\n"
         "苏州工业园区,苏州,\"1,200\",8000㎡,标准厂房;办公,人工智能,31.3,120.7\n"
         "全新测试园,无锡,25,1.2万,仓储,industry:ai(strength=0.5),31.5,120.3\n")


class Sink:
    actor = "test:admin"

    def __init__(self) -> None:
        self.changes: list[Change] = []

    def record(self, changes: Any) -> None:
        self.changes.extend(changes)


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory, seed_batch: RecordBatch) -> Path:
    """The seeded store's file, built once; each test works on a copy."""
    path = tmp_path_factory.mktemp("seeded") / "store.sqlite3"
    store = EmbeddedStore(path, synchronous="NORMAL")
    load(store, seed_batch)
    store.close()
    return path


@pytest.fixture
def store(seed_file: Path, tmp_path: Path) -> Iterator[EmbeddedStore]:
    copy = tmp_path / "store.sqlite3"
    shutil.copyfile(seed_file, copy)
    store = EmbeddedStore(copy, synchronous="NORMAL")
    yield store
    store.close()


@pytest.fixture
def decisions() -> Iterator[Decisions]:
    memory = Decisions(":memory:")
    yield memory
    memory.close()


def run(store: EmbeddedStore, data: bytes, name: str, decisions: Decisions,
        **options: Any) -> ImportPlan:
    return preview(store, io.BytesIO(data), name, decisions=decisions.snapshot(),
                   actor="test:admin", today=date(2026, 1, 5), **options)


def by_row(plan: ImportPlan) -> dict[int, RowOutcome]:
    return {row.row: row for row in plan.rows}


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_any_encoding_with_chinese_headers(store: EmbeddedStore, decisions: Decisions,
                                                  encoding: str) -> None:
    plan = run(store, PARKS.encode(encoding), "园区.csv", decisions)
    rows = by_row(plan)
    assert (rows[2].status, rows[2].id) == ("changed", "park:suzhou-sip")
    assert rows[2].changes["rent_cny_m2_month"] == (55.0, 1200.0)
    assert rows[2].changes["available_area_m2"] == (150000.0, 8000.0)
    assert rows[3].status == "new"
    assert rows[3].changes["city"] == (None, "city:wuxi")
    apply(store, plan, audit=Sink())
    created = store.get_node(str(rows[3].id))
    assert created is not None
    assert created.properties["available_area_m2"] == 12000
    assert created.properties["facility_types"] == ["warehouse"]


def test_workbook_with_a_sheet_per_label_and_references_inside_it(
        store: EmbeddedStore, decisions: Decisions) -> None:
    book = Workbook()
    cities = book.active
    assert cities is not None
    cities.title = "cities"
    cities.append(["城市名称", "Name (English)", "省份", "纬度", "经度"])
    cities.append(["测试市", "Ceshi", "江苏", 31.1, 120.1])
    companies = book.create_sheet("企业")
    companies.append(["企业名称", "统一社会信用代码", "所在城市", "成立年份", "高新技术企业",
                      "发展阶段", "年营收(元)", "所属产业"])
    companies.append(["测试科技有限公司", "91310115MA1K4ABC1X", "测试市", 2021, "是", "A轮",
                      "1.5亿", "人工智能"])
    book.create_sheet("说明").append(["只是说明"])
    data = io.BytesIO()
    book.save(data)
    plan = run(store, data.getvalue(), "book.xlsx", decisions)
    assert plan.counts()["new"] == 2, plan.rows
    assert plan.notes
    assert "说明" in plan.notes[0].zh
    apply(store, plan, audit=Sink())
    company = next(n for n in plan.nodes if n.label is Label.COMPANY)
    assert company.properties["annual_revenue_cny"] == 150_000_000
    assert company.properties["stage"] == "series_a"
    assert company.properties["high_tech_certified"] is True
    again = run(store, ("企业名称,统一社会信用代码,员工人数\n"
                        "改了名字的公司,91310115MA1K4ABC1X,40\n").encode(), "企业.csv",
                decisions)
    (row,) = again.rows
    assert (row.status, row.id) == ("changed", company.id)  # matched by the credit code


def test_errors_name_sheet_row_and_column(store: EmbeddedStore, decisions: Decisions) -> None:
    text = PARKS + "坏园,苏州,-3,100,城堡,人工智能,91,120\n坏园二,亚特兰蒂斯,20,100,办公,,31,120\n"
    plan = run(store, text.encode("gbk"), "园区.csv", decisions)
    rows = by_row(plan)
    columns = {problem.column for problem in rows[4].problems}
    assert columns == {"租金(元/㎡/月)", "载体类型", "纬度"}
    assert all(problem.zh and problem.en for problem in rows[4].problems)
    assert [problem.column for problem in rows[5].problems] == ["所在城市"]
    assert "亚特兰蒂斯" in rows[5].problems[0].zh
    before = store.get_node("park:suzhou-sip")
    with pytest.raises(Invalid):
        apply(store, plan, audit=Sink())
    assert store.get_node("park:suzhou-sip") == before  # nothing written


def test_unknown_column_and_ambiguous_reference(store: EmbeddedStore,
                                                decisions: Decisions) -> None:
    plan = run(store, "园区名称,颜色\n某园,红\n".encode(), "parks.csv", decisions)
    assert plan.rows[0].row == 1
    assert plan.rows[0].problems[0].column == "颜色"
    wuxi = store.get_node("city:wuxi")
    assert wuxi is not None
    store.write(nodes=[NodeRecord("city:wuxi-two", Label.CITY, frozenset({"City"}),
                                  {**wuxi.properties, "id": "city:wuxi-two"})])
    plan = run(store, ("园区名称,所在城市,租金,可用面积,载体类型,纬度,经度\n"
                       "某园,无锡,1,1,办公,31,120\n").encode(), "parks.csv", decisions)
    (problem,) = plan.rows[0].problems
    assert "city:wuxi 无锡" in problem.en
    assert "city:wuxi-two" in problem.en


def test_near_duplicates_ask_once(store: EmbeddedStore, decisions: Decisions) -> None:
    text = ("园区名称,所在城市,租金,可用面积,载体类型,纬度,经度\n"
            "苏州园区,苏州,30,100,办公,31.3,120.7\n"
            "苏洲工业园区,苏州,30,100,办公,31.3,120.7\n"
            "张江,上海,30,100,办公,31.3,120.7\n").encode()
    plan = run(store, text, "园区.csv", decisions)
    rows = by_row(plan)
    assert [row.status for row in rows.values()] == ["review"] * 3
    assert rows[2].suggestions[0].candidate == "park:suzhou-sip"
    assert rows[3].suggestions[0].candidate == "park:suzhou-sip"  # pinyin: 苏洲 → suzhou
    assert rows[4].suggestions[0].candidate == "park:shanghai-zhangjiang"
    assert not plan.ok
    decisions.record(Decision(Label.PARK, "苏州园区", "park:suzhou-sip", True, "t"))
    for rejected in [s.candidate for s in rows[3].suggestions]:
        decisions.record(Decision(Label.PARK, "苏洲工业园区", rejected, False, "t"))
    decisions.record(Decision(Label.PARK, "张江", "park:shanghai-zhangjiang", True, "t"))
    again = by_row(run(store, text, "园区.csv", decisions))
    assert (again[2].status, again[2].id) == ("changed", "park:suzhou-sip")
    assert again[3].status == "new"
    assert again[4].id == "park:shanghai-zhangjiang"


def test_apply_audits_who_and_which_file(store: EmbeddedStore, decisions: Decisions) -> None:
    sink = Sink()
    apply(store, run(store, PARKS.encode(), "园区.csv", decisions), audit=sink)
    assert {change.action for change in sink.changes} == {"import"}
    assert all(change.after and change.after["file"] == "园区.csv" for change in sink.changes)


def test_template_has_bilingual_headers_example_and_drop_downs(store: EmbeddedStore,
                                                               decisions: Decisions) -> None:
    data = template_bytes(Label.PARK, store)
    sheet = load_workbook(io.BytesIO(data))["Park"]
    headers = [cell.value for cell in sheet[1]]
    assert "园区名称 / Name (Chinese)" in headers
    assert "租金(元/㎡/月) / Rent (CNY/m²/month)" in headers
    assert sheet["A2"].value == "示例 example"
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("标准厂房" in str(formula) for formula in formulas)
    assert run(store, data, "Park-template.xlsx", decisions).counts()["new"] == 0


def export_bytes(store: EmbeddedStore, fmt: ExportFormat, label: Label) -> bytes:
    if fmt is ExportFormat.JSONL:
        return "".join(jsonl_lines(store)).encode()
    if fmt is ExportFormat.CSV:
        return "".join(csv_lines(store, label)).encode()
    out = io.BytesIO()
    write_workbook(store, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_then_import_changes_nothing(store: EmbeddedStore, decisions: Decisions,
                                            fmt: ExportFormat) -> None:
    data = export_bytes(store, fmt, Label.PERSON)
    plan = run(store, data, f"export.{fmt.value}", decisions,
               label=Label.PERSON if fmt is ExportFormat.CSV else None)
    counts = plan.counts()
    assert counts["changed"] == counts["new"] == counts["error"] == counts["review"] == 0
    assert counts["unchanged"] > 100


def test_a_taxonomy_cycle_is_an_error_of_its_row(store: EmbeddedStore,
                                                 decisions: Decisions) -> None:
    child_of = store.get_relationships(RelType.SUBFIELD_OF)[0]
    text = f"id,上级产业\n{child_of.target},{child_of.source}\n"
    plan = run(store, text.encode(), "产业.csv", decisions)
    (row,) = plan.rows
    assert row.status == "error"
    assert "cycle" in row.problems[0].en
