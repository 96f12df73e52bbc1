"""Spreadsheet import over HTTP: raw CSV (GBK too), XLSX and multipart uploads, JSON;
the preview, all or nothing apply, remembered answers, templates, exports, audit."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.api.support import Api, assert_problem

W = "staff:write"

CSV = (
    "id,name_zh,name_en,city,lat,lon,rent_cny_m2_month,available_area_m2,facility_types,hosts\n"
    "park:csv-one,一号园,Park One,city:suzhou,31.3,120.6,30,5000,standard_factory;office,"
    "industry:ai(strength=0.8);industry:medical-devices\n"
    "park:csv-two,二号园,Park Two,city:wuxi,31.5,120.3,25,9000,warehouse,\n"
)

JSON_RECORDS: dict[str, Any] = {"records": [
    {"label": "City", "id": "city:api-haimen", "name_zh": "海门测试", "name_en": "Haimen Test",
     "province": "江苏", "lat": 31.45, "lon": 121.1,
     "hsr_links": [{"to": "city:shanghai", "minutes": 25, "km": 50}]},
    {"label": "Park", "id": "park:api-haimen-zone", "name_zh": "海门测试园",
     "name_en": "Haimen Test Zone", "city": "city:api-haimen", "lat": 31.46, "lon": 121.1,
     "rent_cny_m2_month": 28, "available_area_m2": 20000, "facility_types": ["office"],
     "hosts": [{"to": "industry:aerospace", "strength": 0.8}]},
]}


def csv_of(prefix: str) -> str:
    """CSV with this test's own ids and names (tests share the module's app)."""
    return CSV.replace("park:csv-", f"park:{prefix}-").replace("号园", f"号园{prefix}")


def post_csv(api: Api, text: str, *, label: str | None = "Park", dry_run: bool = False,
             encoding: str = "utf-8") -> Any:
    params = {"dry_run": str(dry_run).lower(), **({"label": label} if label else {})}
    return api.post("/v1/import", W, content=text.encode(encoding), params=params,
                    headers={"Content-Type": "text/csv"})


def test_csv_import_writes_nodes_and_edges(module_api: Api) -> None:
    response = post_csv(module_api, CSV)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "review": 0, "error": 0}
    park = module_api.get("/v1/parks/park:csv-one").json()
    assert park["facility_types"] == ["standard_factory", "office"]
    assert "api:staff:write" in park["source"]
    hosts = module_api.get("/v1/entities/park:csv-one/neighbours",
                           params={"type": "HOSTS"}).json()["items"]
    strengths = {item["node"]["id"]: item["relationship"]["properties"]["strength"]
                 for item in hosts}
    assert strengths == {"industry:ai": 0.8, "industry:medical-devices": 1.0}
    entries = module_api.get("/v1/audit", "admin", params={"entity_id": "park:csv-one"}
                             ).json()["items"]
    assert [e["action"] for e in entries] == ["import"]
    assert entries[0]["after"]["file"] == "upload.csv"


def test_gbk_csv_with_chinese_headers_and_names(module_api: Api) -> None:
    text = ("园区名称,所在城市,租金(元/㎡/月),可用面积,载体类型,主导产业,纬度,经度\n"
            "国标测试园,苏州,\"1,200\",8000㎡,标准厂房;办公,人工智能,31.3,120.7\n")
    response = post_csv(module_api, text, label=None, encoding="gbk")
    assert response.status_code == 422  # no label: the file name says nothing
    response = module_api.post("/v1/import", W, content=text.encode("gbk"),
                               params={"filename": "园区.csv", "dry_run": "false"},
                               headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    (row,) = response.json()["rows"]
    assert row["status"] == "new"
    park = module_api.get(f"/v1/parks/{row['id']}").json()
    assert park["rent_cny_m2_month"] == 1200
    assert park["available_area_m2"] == 8000
    cities = module_api.get(f"/v1/entities/{row['id']}/neighbours",
                            params={"type": "IN_CITY"}).json()["items"]
    assert [item["node"]["id"] for item in cities] == ["city:suzhou"]


def test_dry_run_is_the_default_and_writes_nothing(module_api: Api) -> None:
    records = json.loads(json.dumps(JSON_RECORDS).replace("api-haimen", "api-dry")
                         .replace("海门测试", "海门干跑"))
    response = module_api.post("/v1/import", W, json=records)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dry_run"] is True
    assert [row["id"] for row in body["rows"]] == ["city:api-dry", "park:api-dry-zone"]
    assert module_api.get("/v1/cities/city:api-dry").status_code == 404


def test_json_import_with_references_inside_the_batch(module_api: Api) -> None:
    response = module_api.post("/v1/import", W, json=JSON_RECORDS, params={"dry_run": "false"})
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["new"] == 2
    found = module_api.get("/v1/search", params={"q": "海门测试"}).json()["items"]
    assert {"city:api-haimen", "park:api-haimen-zone"} <= {hit["entity"]["id"] for hit in found}


def test_reimport_updates_and_replaces_the_given_edges(module_api: Api) -> None:
    text = csv_of("re")
    post_csv(module_api, text)
    again = post_csv(module_api, text.replace("city:wuxi", "city:suzhou").replace(",25,", ",22,"))
    rows = {row["id"]: row for row in again.json()["rows"]}
    assert rows["park:re-two"]["changes"]["rent_cny_m2_month"] == {"before": 25.0,
                                                                   "after": 22.0}
    assert rows["park:re-two"]["changes"]["city"] == {"before": "city:wuxi",
                                                      "after": "city:suzhou"}
    assert again.json()["counts"]["unchanged"] == 1
    cities = module_api.get("/v1/entities/park:re-two/neighbours",
                            params={"type": "IN_CITY"}).json()["items"]
    assert [item["node"]["id"] for item in cities] == ["city:suzhou"]


def test_one_bad_row_rejects_the_whole_import(module_api: Api) -> None:
    bad = csv_of("bad") + ("park:bad-three,三号园坏,Park Three,city:suzhou,31.3,120.6,-4,5000,"
                           "office,\n")
    preview = post_csv(module_api, bad, dry_run=True).json()
    (row,) = [row for row in preview["rows"] if row["status"] == "error"]
    assert (row["row"], row["errors"][0]["column"]) == (4, "rent_cny_m2_month")
    assert row["errors"][0]["zh"].startswith("数值小于")
    body = assert_problem(post_csv(module_api, bad), 422)
    assert body["errors"][0]["row"] == 4
    assert body["errors"][0]["field"] == "rent_cny_m2_month"
    for park in ("park:bad-one", "park:bad-two", "park:bad-three"):
        assert module_api.get(f"/v1/parks/{park}").status_code == 404
        assert module_api.get("/v1/audit", "admin", params={"entity_id": park}
                              ).json()["items"] == []


@pytest.mark.parametrize(("text", "row", "column"), [
    (CSV.replace("standard_factory;office", "standard_factory;castle"), 2, "facility_types"),
    (CSV.replace("city:wuxi", "city:atlantis"), 3, "city"),
    (CSV.replace("industry:ai(strength=0.8)", "industry:ai(strength=high)"), 2, "hosts"),
    (CSV.replace("industry:ai(strength=0.8)", "industry:ai(strength)"), 2, "hosts"),
    (CSV.replace("park:csv-two", "park:csv-one"), 3, "id"),
    (CSV.replace(",city,", ",town,"), 1, "town"),
    ("id,name_zh\n", 0, None),
])
def test_errors_name_row_and_column(api: Api, text: str, row: int, column: str | None) -> None:
    """(On the shared app: a preview writes nothing.)"""
    body = post_csv(api, text, dry_run=True).json()
    assert body["ok"] is False
    assert any(r["row"] == row and any(e["column"] == column for e in r["errors"])
               for r in body["rows"]), body["rows"]


def test_xlsx_workbook_and_multipart_upload(module_api: Api) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "城市"
    sheet.append(["城市名称", "英文名称", "省份", "纬度", "经度"])
    sheet.append(["表格市", "Biaoge", "江苏", 31.1, 120.1])
    parks = book.create_sheet("园区")
    parks.append(["园区名称", "所在城市", "租金", "可用面积", "载体类型", "纬度", "经度"])
    parks.append(["表格园", "表格市", 20, 3000, "办公", 31.1, 120.1])
    book.create_sheet("说明").append(["notes"])
    data = io.BytesIO()
    book.save(data)
    response = module_api.post("/v1/import", W, params={"dry_run": "false"},
                               files={"file": ("book.xlsx", data.getvalue())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"]["new"] == 2
    assert {row["sheet"] for row in body["rows"]} == {"城市", "园区"}
    assert body["notes"]


def test_did_you_mean_is_asked_once(module_api: Api) -> None:
    text = ("园区名称,所在城市,租金,可用面积,载体类型,纬度,经度\n"
            "苏州园区,苏州,30,100,办公,31.3,120.7\n")
    first = post_csv(module_api, text, label="园区", dry_run=True).json()
    (row,) = first["rows"]
    assert row["status"] == "review"
    assert row["suggestions"][0]["candidate"] == "park:suzhou-sip"
    assert_problem(post_csv(module_api, text, label="园区"), 422)
    decided = module_api.post("/v1/import/decisions", W, json={
        "text": "苏州园区", "candidate": "park:suzhou-sip", "confirm": True})
    assert decided.status_code == 204, decided.text
    second = post_csv(module_api, text, label="园区", dry_run=True).json()
    assert second["rows"][0]["status"] == "changed"
    assert second["rows"][0]["id"] == "park:suzhou-sip"


def test_template_and_export_round_trip(module_api: Api) -> None:
    template = module_api.get("/v1/import/template/园区", "staff:read")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert book["Park"]["A1"].value == "编号 / ID"
    exported = module_api.get("/v1/import/export", "staff:read",
                              params={"format": "xlsx", "label": "City"})
    assert exported.status_code == 200
    again = module_api.post("/v1/import", W, files={"file": ("City.xlsx", exported.content)})
    assert again.json()["counts"]["changed"] == 0
    assert again.json()["counts"]["error"] == 0
    lines = module_api.get("/v1/import/export", "staff:read", params={"format": "jsonl"})
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    assert json.loads(lines.text.splitlines()[0])["kind"] == "node"


def test_bad_bodies_and_types(api: Api) -> None:
    body = api.post("/v1/import", W, content=b"{nope",
                    headers={"Content-Type": "application/json"}).json()
    assert body["ok"] is False
    assert_problem(api.post("/v1/import", W, content=b"x",
                            headers={"Content-Type": "application/xml"}), 415)
    assert_problem(api.post("/v1/import", W, json=JSON_RECORDS, params={"dry_run": "maybe"}),
                   422, "query.dry_run")
    assert_problem(api.post("/v1/import", W, content=CSV.encode(), params={"label": "Planet"},
                            headers={"Content-Type": "text/csv"}), 422)


def test_import_needs_staff_write(api: Api) -> None:
    assert_problem(api.post("/v1/import", json=JSON_RECORDS), 401)
    assert_problem(api.post("/v1/import", "staff:read", json=JSON_RECORDS), 403)
