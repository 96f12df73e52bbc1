"""Bulk import: JSON and CSV, dry run, all or nothing, every error named by row and
field, and the audit entries an import leaves."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.support import Api, assert_problem

W = "staff:write"

CSV = (
    "id,name_zh,name_en,city,lat,lon,rent_cny_m2_month,available_area_m2,facility_types,hosts\n"
    "park:csv-one,一号园,Park One,city:suzhou,31.3,120.6,30,5000,standard_factory;office,"
    "industry:ai(strength=0.8);industry:medical-devices\n"
    "park:csv-two,二号园,Park Two,city:wuxi,31.5,120.3,25,9000,warehouse,\n"
)


def csv_of(prefix: str) -> str:
    """CSV with this test's own ids (tests share the module's app)."""
    return CSV.replace("park:csv-", f"park:{prefix}-")

JSON_RECORDS: dict[str, Any] = {"records": [
    {"label": "City", "id": "city:api-haimen", "name_zh": "海门测试", "name_en": "Haimen Test",
     "province": "江苏", "lat": 31.45, "lon": 121.1,
     "hsr_links": [{"to": "city:shanghai", "minutes": 25, "km": 50}]},
    {"label": "Park", "id": "park:api-haimen-zone", "name_zh": "海门测试园",
     "name_en": "Haimen Test Zone", "city": "city:api-haimen", "lat": 31.46, "lon": 121.1,
     "rent_cny_m2_month": 28, "available_area_m2": 20000, "facility_types": ["office"],
     "hosts": [{"to": "industry:aerospace", "strength": 0.8}]},
]}


def post_csv(api: Api, text: str, label: str = "Park", dry_run: bool = False) -> Any:
    return api.post("/v1/import", W, content=text.encode("utf-8"),
                    params={"label": label, "dry_run": str(dry_run).lower()},
                    headers={"Content-Type": "text/csv; charset=utf-8"})


def test_csv_import_writes_nodes_and_edges(module_api: Api) -> None:
    response = post_csv(module_api, CSV)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {"dry_run": False, "created": ["park:csv-one", "park:csv-two"],
                    "updated": [], "nodes": 2, "relationships": 4, "records": None}
    park = module_api.get("/v1/parks/park:csv-one").json()
    assert park["facility_types"] == ["standard_factory", "office"]
    assert park["source"] == "api:staff:write"
    hosts = module_api.get("/v1/entities/park:csv-one/neighbours",
                          params={"type": "HOSTS"}).json()["items"]
    strengths = {item["node"]["id"]: item["relationship"]["properties"]["strength"]
                 for item in hosts}
    assert strengths == {"industry:ai": 0.8, "industry:medical-devices": 1.0}
    entries = module_api.get("/v1/audit", "admin", params={"entity_id": "park:csv-one"}
                            ).json()["items"]
    assert [e["action"] for e in entries] == ["import"]


def test_json_import_with_references_inside_the_batch(module_api: Api) -> None:
    response = module_api.post("/v1/import", W, json=JSON_RECORDS, params={"dry_run": "false"})
    assert response.status_code == 200, response.text
    assert response.json()["created"] == ["city:api-haimen", "park:api-haimen-zone"]
    found = module_api.get("/v1/search", params={"q": "海门测试"}).json()["items"]
    assert {"city:api-haimen", "park:api-haimen-zone"} <= {hit["entity"]["id"] for hit in found}


def test_dry_run_is_the_default_and_writes_nothing(module_api: Api) -> None:
    records = json.loads(json.dumps(JSON_RECORDS).replace("api-haimen", "api-dry"))
    response = module_api.post("/v1/import", W, json=records)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dry_run"] is True
    assert [record["id"] for record in body["records"]] == ["city:api-dry",
                                                           "park:api-dry-zone"]
    assert module_api.get("/v1/cities/city:api-dry").status_code == 404


def test_reimport_updates_and_replaces_the_given_edges(module_api: Api) -> None:
    text = csv_of("re")
    post_csv(module_api, text)
    again = post_csv(module_api, text.replace("city:wuxi", "city:suzhou").replace(",25,", ",22,"))
    assert again.json()["updated"] == ["park:re-one", "park:re-two"]
    cities = module_api.get("/v1/entities/park:re-two/neighbours",
                            params={"type": "IN_CITY"}).json()["items"]
    assert [item["node"]["id"] for item in cities] == ["city:suzhou"]
    assert module_api.get("/v1/parks/park:re-two").json()["rent_cny_m2_month"] == 22


def test_one_bad_row_rejects_the_whole_import(module_api: Api) -> None:
    bad = csv_of("bad") + ("park:bad-three,三号园,Park Three,city:suzhou,31.3,120.6,-4,5000,"
                           "office,\n")
    body = assert_problem(post_csv(module_api, bad), 422)
    assert body["errors"] == [{"field": "rent_cny_m2_month", "row": 4,
                               "record_id": "park:bad-three",
                               "message": "Input should be greater than or equal to 0 "
                                          "(given '-4')"}]
    assert "row 4" in body["detail"]
    for park in ("park:bad-one", "park:bad-two", "park:bad-three"):
        assert module_api.get(f"/v1/parks/{park}").status_code == 404
        assert module_api.get("/v1/audit", "admin", params={"entity_id": park}
                              ).json()["items"] == []


@pytest.mark.parametrize(("text", "row", "field"), [
    (CSV.replace("standard_factory;office", "standard_factory;castle"), 2,
     "facility_types.1"),
    (CSV.replace("city:wuxi", "city:atlantis"), 3, "city"),
    (CSV.replace("industry:ai(strength=0.8)", "industry:ai(strength=high)"), 2,
     "hosts.0.strength"),
    (CSV.replace("industry:ai(strength=0.8)", "industry:ai(strength)"), 2, "hosts.0"),
    (CSV.replace("park:csv-two", "park:csv-one"), 3, "id"),
    (CSV.replace(",city,", ",town,"), 1, "town"),
    ("id,name_zh\n", 1, None),
])
def test_csv_errors_name_row_and_column(api: Api, text: str, row: int,
                                        field: str | None) -> None:
    """(On the shared app: a refused import writes nothing.)"""
    body = assert_problem(post_csv(api, text), 422)
    assert any(error.get("row") == row and error.get("field") == field
               for error in body["errors"]), body["errors"]


@pytest.mark.parametrize(("payload", "row", "field"), [
    ({"records": [{**JSON_RECORDS["records"][0], "lat": "north"}]}, 1, "lat"),
    ({"records": [JSON_RECORDS["records"][1]]}, 1, "city"),
    ({"records": [{"label": "Planet", "id": "planet:x"}]}, 1, "label"),
    ({"records": [{"id": "city:x"}]}, 1, "label"),
    ({"records": [42]}, 1, None),
    ({"records": []}, None, "records"),
    ({"rows": []}, None, "records"),
])
def test_json_errors_name_record_and_field(api: Api, payload: dict[str, Any],
                                           row: int | None, field: str | None) -> None:
    body = assert_problem(api.post("/v1/import", W, json=payload), 422)
    assert any(error.get("row") == row and error.get("field") == field
               for error in body["errors"]), body["errors"]


def test_bad_bodies_and_types(api: Api) -> None:
    assert_problem(api.post("/v1/import", W, content=b"{nope",
                            headers={"Content-Type": "application/json"}), 422)
    assert_problem(api.post("/v1/import", W, content=b"\xff\xfe",
                            headers={"Content-Type": "text/csv"}, params={"label": "Park"}),
                   422)
    body = assert_problem(api.post("/v1/import", W, content=CSV.encode(),
                                   headers={"Content-Type": "text/csv"}), 422)
    assert "label" in body["detail"]
    assert_problem(api.post("/v1/import", W, content=b"x",
                            headers={"Content-Type": "application/xml"}), 415)
    assert_problem(api.post("/v1/import", W, json=JSON_RECORDS, params={"dry_run": "maybe"}),
                   422, "query.dry_run")
    assert_problem(api.post("/v1/import", W, content=CSV.encode(), params={"label": "Planet"},
                            headers={"Content-Type": "text/csv"}), 422, "query.label")


def test_import_needs_staff_write(api: Api) -> None:
    assert_problem(api.post("/v1/import", json=JSON_RECORDS), 401)
    assert_problem(api.post("/v1/import", "staff:read", json=JSON_RECORDS), 403)
