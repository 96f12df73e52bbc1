"""Sync as a partner does it: a full copy from /v1/export, then /v1/changes across
creates, updates, relationship writes, imports and deletes, ending identical to the
server's own export."""

from __future__ import annotations

from typing import Any

from tests.api.support import PRIVATE_LAWYER, PUBLIC_ACCOUNTANT, Api, assert_problem
from tests.sync_replica import Replica


def export(api: Api, scope: str | None = "staff:read") -> Replica:
    response = api.get("/v1/export", scope)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return Replica.from_export(response.text.splitlines(), response.headers["x-changes-cursor"])


def changes_of(api: Api, scope: str | None = "staff:read") -> Any:
    def get(cursor: str) -> dict[str, Any]:
        response = api.get("/v1/changes", scope, params={"cursor": cursor, "limit": 2})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
    return get


def write_a_series(api: Api) -> None:
    w = "staff:write"
    assert api.post("/v1/cities", w, json={
        "id": "city:sync-town", "name_zh": "同步镇", "name_en": "Sync Town", "province": "江苏",
        "lat": 31.5, "lon": 120.5, "hsr_links": [{"to": "city:suzhou", "minutes": 20,
                                                  "km": 30}]}).status_code == 201
    assert api.post("/v1/parks", w, json={
        "id": "park:sync-park", "name_zh": "同步园", "name_en": "Sync Park",
        "city": "city:sync-town", "lat": 31.5, "lon": 120.5, "rent_cny_m2_month": 30,
        "available_area_m2": 1000, "facility_types": ["office"],
        "hosts": [{"to": "industry:medical-devices", "strength": 0.5}]}).status_code == 201
    assert api.request("PATCH", "/v1/parks/park:sync-park", w,
                       json={"rent_cny_m2_month": 28}).status_code == 200
    assert api.request("PATCH", f"/v1/people/{PRIVATE_LAWYER}", w,
                       json={"name_en": "Private Lawyer (synced)"}).status_code == 200
    assert api.post("/v1/relationships", w, json={
        "type": "COVERS", "source": PUBLIC_ACCOUNTANT,
        "target": "park:sync-park"}).status_code in (200, 201)
    assert api.request("DELETE", "/v1/cities/city:sync-town", w).status_code == 204


def test_export_then_feed_converges_on_the_server(fresh_api: Api) -> None:
    copy = export(fresh_api)
    assert len(copy.nodes) > 50
    write_a_series(fresh_api)
    assert copy.follow(changes_of(fresh_api)) == 6
    assert copy.same_as(export(fresh_api))
    assert copy.follow(changes_of(fresh_api)) == 0  # resumable: nothing new, nothing applied


def test_feed_hides_contacts_from_public_callers(fresh_api: Api) -> None:
    fresh_api.request("PATCH", f"/v1/people/{PRIVATE_LAWYER}", "staff:write",
                      json={"name_en": "Lawyer"})
    public = fresh_api.get("/v1/changes").json()["items"]
    staff = fresh_api.get("/v1/changes", "staff:read").json()["items"]
    assert "email" not in public[-1]["entity"]["properties"]
    assert staff[-1]["entity"]["properties"]["email"] == "private.lawyer@example.org"
    assert "private.lawyer@example.org" not in fresh_api.get("/v1/export").text


def test_bad_cursor_is_a_problem_naming_it(api: Api) -> None:
    assert_problem(api.get("/v1/changes", params={"cursor": "abc"}), 422, "query.cursor")
