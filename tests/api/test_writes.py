"""Staff writes: entities and relationships, their errors (404, 409, 422), and the audit
entry each write leaves."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.api.schemas import COLLECTIONS
from tests.api.support import PRIVATE_BROKER, REFERRAL, Api, assert_problem

W = "staff:write"

NEW_PARK: dict[str, Any] = {
    "id": "park:api-test-park", "name_zh": "测试园区", "name_en": "API Test Park",
    "city": "city:suzhou", "lat": 31.3, "lon": 120.6, "rent_cny_m2_month": 40,
    "available_area_m2": 8000, "facility_types": ["standard_factory"],
    "hosts": [{"to": "industry:medical-devices", "strength": 0.7}, "industry:ai"],
}


def new_park(slug: str) -> dict[str, Any]:
    """NEW_PARK under its own id, so tests sharing the module's app stay independent."""
    return {**NEW_PARK, "id": f"park:{slug}"}


def audit(api: Api, entity_id: str) -> list[dict[str, Any]]:
    response = api.get("/v1/audit", "admin", params={"entity_id": entity_id})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def neighbour_ids(api: Api, entity_id: str, rel_type: str) -> set[str]:
    items = api.get(f"/v1/entities/{entity_id}/neighbours", params={"type": rel_type}).json()
    return {item["node"]["id"] for item in items["items"]}


def test_create_get_and_audit(module_api: Api) -> None:
    park = new_park("api-create")
    url = f"/v1/parks/{park['id']}"
    response = module_api.post("/v1/parks", W, json=park)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == url
    created = response.json()
    assert created["source"] == "api:staff:write"
    assert created["name_pinyin"].startswith("ceshiyuanqu")
    assert neighbour_ids(module_api, park["id"], "HOSTS") == {
        "industry:medical-devices", "industry:ai"}
    assert module_api.get(url).status_code == 200
    (entry,) = audit(module_api, park["id"])
    assert entry["action"] == "create"
    assert entry["key_name"] == "staff:write"
    assert entry["before"] is None
    assert entry["after"]["properties"]["rent_cny_m2_month"] == 40
    assert {r["target"] for r in entry["after"]["relationships"]} >= {"city:suzhou"}


def test_create_existing_id_is_409_and_writes_nothing(module_api: Api) -> None:
    park = new_park("api-conflict")
    url = f"/v1/parks/{park['id']}"
    assert module_api.post("/v1/parks", W, json=park).status_code == 201
    body = assert_problem(module_api.post("/v1/parks", W,
                                          json={**park, "rent_cny_m2_month": 1}), 409)
    assert body["field"] == "body.id"
    assert module_api.get(url).json()["rent_cny_m2_month"] == 40
    assert len(audit(module_api, park["id"])) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"available_area_m2": -1}, "body.available_area_m2"),
    ({"facility_types": ["castle"]}, "body.facility_types.0"),
    ({"lat": 95}, "body.lat"),
    ({"colour": "red"}, "body.colour"),
    ({"city": "city:atlantis"}, "body.city"),
    ({"city": "park:suzhou-sip"}, "body.city"),
    ({"hosts": [{"to": "industry:ai", "strength": 7}]}, "body.hosts.0.strength"),
    ({"hosts": ["industry:ai", "industry:atlantis"]}, "body.hosts.1"),
    ({"hosts": [{"to": "industry:ai", "colour": 1}]}, "body.hosts.0.colour"),
])
def test_create_bad_input_names_the_field(api: Api, change: dict[str, Any],
                                          field: str) -> None:
    """(On the shared app: a refused write writes nothing.)"""
    body = assert_problem(api.post("/v1/parks", W, json={**NEW_PARK, **change}), 422)
    assert field in [error["field"] for error in body["errors"]], body
    assert api.get("/v1/parks/park:api-test-park").status_code == 404


def test_patch_changes_only_what_is_given(module_api: Api) -> None:
    park = new_park("api-patch")
    url = f"/v1/parks/{park['id']}"
    module_api.post("/v1/parks", W, json=park)
    response = module_api.request("PATCH", url, W,
                                 json={"rent_cny_m2_month": 35, "area_km2": 2.5,
                                       "hosts": ["industry:biomedicine"]})
    assert response.status_code == 200, response.text
    park = response.json()
    assert park["rent_cny_m2_month"] == 35
    assert park["available_area_m2"] == 8000
    assert neighbour_ids(module_api, park["id"], "HOSTS") == {"industry:biomedicine"}
    assert neighbour_ids(module_api, park["id"], "IN_CITY") == {"city:suzhou"}
    removed = module_api.request("PATCH", url, W,
                                json={"area_km2": None}).json()
    assert "area_km2" not in removed
    entries = audit(module_api, park["id"])
    assert [e["action"] for e in entries] == ["update", "update", "create"]
    assert entries[1]["before"]["properties"]["rent_cny_m2_month"] == 40
    assert entries[1]["after"]["properties"]["rent_cny_m2_month"] == 35


def test_patch_bad_input(api: Api) -> None:
    url = "/v1/parks/park:suzhou-sip"
    assert_problem(api.request("PATCH", url, W, json={"rent_cny_m2_month": -3}), 422,
                   "body.rent_cny_m2_month")
    assert_problem(api.request("PATCH", url, W, json={"name_zh": None}), 422,
                   "body.name_zh")
    assert_problem(api.request("PATCH", url, W, json={"id": "park:other"}), 422,
                   "body.id")
    assert_problem(api.request("PATCH", "/v1/parks/park:nope", W, json={}), 404,
                   "path.id")


def test_put_replaces_properties_and_the_relationships_it_names(module_api: Api) -> None:
    park = new_park("api-put")
    url = f"/v1/parks/{park['id']}"
    module_api.post("/v1/parks", W, json=park)
    hosts = neighbour_ids(module_api, park["id"], "HOSTS")
    assert hosts
    replacement = {key: value for key, value in park.items()
                   if key not in ("hosts", "area_km2")}
    response = module_api.request("PUT", url, W,
                                 json={**replacement, "rent_cny_m2_month": 20})
    assert response.status_code == 200, response.text
    assert response.json()["rent_cny_m2_month"] == 20
    assert neighbour_ids(module_api, park["id"], "HOSTS") == hosts  # not named: kept
    emptied = module_api.request("PUT", url, W, json={**replacement, "hosts": []})
    assert emptied.status_code == 200, emptied.text
    assert neighbour_ids(module_api, park["id"], "HOSTS") == set()
    assert_problem(module_api.request("PUT", url, W,
                                     json={**replacement, "id": "park:other"}), 422)
    assert_problem(module_api.request("PUT", "/v1/parks/park:api-nope", W,
                                     json={**replacement, "id": "park:api-nope"}), 404)
    assert_problem(module_api.request("PUT", url, W,
                                     json={"id": park["id"]}), 422)


def test_delete_removes_entity_and_edges_and_is_audited(module_api: Api) -> None:
    park = new_park("api-delete")
    url = f"/v1/parks/{park['id']}"
    module_api.post("/v1/parks", W, json=park)
    response = module_api.request("DELETE", url, W)
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(module_api.get(url), 404)
    assert park["id"] not in neighbour_ids(module_api, "industry:ai", "HOSTS")
    assert_problem(module_api.request("DELETE", url, W), 404)
    entries = audit(module_api, park["id"])
    assert entries[0]["action"] == "delete"
    assert entries[0]["after"] is None
    assert entries[0]["before"]["properties"]["name_en"] == "API Test Park"


@pytest.mark.parametrize("collection", [c for c in COLLECTIONS if c != "referrals"])
def test_every_collection_accepts_writes_of_its_own_records(module_api: Api,
                                                            collection: str) -> None:
    """Round trip: get an entity, replace it with itself, patch nothing: same entity."""
    first = module_api.get(f"/v1/{collection}", "staff:read", params={"limit": 1}
                          ).json()["items"][0]
    record = {key: value for key, value in first.items() if key not in ("label", "labels")}
    response = module_api.request("PUT", f"/v1/{collection}/{first['id']}", W, json=record)
    assert response.status_code == 200, response.text
    assert response.json() == first
    patched = module_api.request("PATCH", f"/v1/{collection}/{first['id']}", W, json={})
    assert patched.json() == first


def test_relationship_create_replace_and_delete(module_api: Api) -> None:
    rel = {"type": "HAS_SKILL", "source": PRIVATE_BROKER, "target": "skill:patent-drafting",
           "properties": {"level": 2}}
    created = module_api.post("/v1/relationships", W, json=rel)
    assert created.status_code == 201, created.text
    replaced = module_api.post("/v1/relationships", W, json={**rel, "properties": {"level": 3}})
    assert replaced.status_code == 200
    assert replaced.json()["properties"] == {"level": 3}
    deleted = module_api.request("DELETE", "/v1/relationships", W, json=rel)
    assert deleted.status_code == 204
    assert_problem(module_api.request("DELETE", "/v1/relationships", W, json=rel), 404)
    actions = [e["action"] for e in audit(module_api, f"HAS_SKILL:{PRIVATE_BROKER}->"
                                                     "skill:patent-drafting")]
    assert actions == ["unrelate", "relate", "relate"]


def test_single_relationship_replaces_the_previous_one(module_api: Api) -> None:
    response = module_api.post("/v1/relationships", W, json={
        "type": "IN_CITY", "source": "park:suzhou-sip-biobay", "target": "city:wuxi"})
    assert response.status_code == 201, response.text
    assert neighbour_ids(module_api, "park:suzhou-sip-biobay", "IN_CITY") == {"city:wuxi"}


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"type": "HOSTS", "source": "park:suzhou-sip", "target": "city:suzhou"}, 422,
     "body.target"),
    ({"type": "HAS_SKILL", "source": PRIVATE_BROKER, "target": "skill:patent-drafting",
      "properties": {"level": 9}}, 422, "body.properties.level"),
    ({"type": "NOPE", "source": "park:suzhou-sip", "target": "city:suzhou"}, 422,
     "body.type"),
    ({"type": "HOSTS", "source": "park:nope", "target": "industry:ai"}, 404, "body.source"),
    ({"type": "HOSTS", "source": "park:suzhou-sip"}, 422, "body.target"),
])
def test_relationship_bad_input(api: Api, body: dict[str, Any], status: int,
                                field: str) -> None:
    assert_problem(api.post("/v1/relationships", W, json=body), status, field)


def test_referral_funnel_flow_and_audit(module_api: Api) -> None:
    created = module_api.post("/v1/referrals", W, json={
        "company": "company:api-startup", "park": "park:suzhou-snd",
        "broker": PRIVATE_BROKER, "proposed_on": "2025-03-01"})
    assert created.status_code == 201, created.text
    referral = created.json()
    assert referral["stage"] == "proposed"
    url = f"/v1/referrals/{referral['id']}"
    assert module_api.post(f"{url}/advance", W, json={"on": "2025-04-01"}).json()["stage"] == \
        "first_meeting"
    assert_problem(module_api.post(f"{url}/advance", W, json={"on": "2025-03-15"}), 422,
                   "body.on")
    advanced = module_api.post(f"{url}/advance", W, json={"on": "2025-05-01"}).json()
    assert advanced["stage"] == "second_meeting"
    dropped = module_api.post(f"{url}/drop", W, json={"reason": "budget", "on": "2025-06-01"})
    assert dropped.json()["stage"] == "dropped"
    assert dropped.json()["dropped_reason"] == "budget"
    assert_problem(module_api.post(f"{url}/advance", W, json={}), 409)
    assert_problem(module_api.post(f"{url}/drop", W, json={"reason": "again"}), 409)
    actions = [e["action"] for e in audit(module_api, referral["id"])]
    assert actions == ["referral.drop", "referral.advance", "referral.advance",
                       "referral.create"]
    funnel = module_api.get("/v1/funnel", params={"by": "park"}).json()
    snd = next(g for g in funnel["groups"] if g["key"] == "park:suzhou-snd")
    assert snd["reached"]["second_meeting"] >= 1
    assert snd["dropped"] >= 1


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"company": "company:api-startup", "park": "park:suzhou-sip-biobay",
      "broker": PRIVATE_BROKER}, 409, "body.park"),
    ({"company": "company:nope", "park": "park:suzhou-snd", "broker": PRIVATE_BROKER}, 404,
     "body.company"),
    ({"company": "company:api-startup", "park": "city:suzhou", "broker": PRIVATE_BROKER},
     422, "body.park"),
    ({"company": "company:api-startup", "park": "park:suzhou-snd",
      "broker": "person:api-private-lawyer"}, 422, "body.broker"),
    ({"company": "company:api-startup", "park": "park:suzhou-snd"}, 422, "body.broker"),
    ({"company": "company:api-startup", "park": "park:suzhou-snd", "broker": PRIVATE_BROKER,
      "proposed_on": "someday"}, 422, "body.proposed_on"),
])
def test_referral_create_bad_input(api: Api, body: dict[str, Any], status: int,
                                   field: str) -> None:
    assert_problem(api.post("/v1/referrals", W, json=body), status, field)


def test_referral_advance_and_drop_bad_input(api: Api) -> None:
    url = f"/v1/referrals/{REFERRAL}"
    assert_problem(api.post(f"{url}/advance", W, json={"on": "tomorrow"}), 422,
                   "body.on")
    assert_problem(api.post(f"{url}/drop", W, json={"reason": ""}), 422, "body.reason")
    assert_problem(api.post("/v1/referrals/referral:nope/advance", W, json={}), 404,
                   "path.id")
    assert_problem(api.post("/v1/referrals/park:suzhou-sip/drop", W,
                                  json={"reason": "x"}), 404, "path.id")
