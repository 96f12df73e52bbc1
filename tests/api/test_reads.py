"""Every read endpoint: the happy path, and bad input answered with a 422 problem naming
the field (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.api.schemas import COLLECTIONS
from graph_schema.vocabulary import RelType
from tests.api.support import (
    ASKER,
    PRIVATE_BROKER,
    PRIVATE_LAWYER,
    REFERRAL,
    Api,
    assert_problem,
)

LANDING = {"origin_city": "city:shanghai", "industry": "industry:medical-devices",
           "area_m2": 1000, "max_rail_minutes": 60,
           "profile": {"stage": "angel", "founded_year": 2021}}


# --------------------------------------------------------------------------- recommendations


def test_landing_search_ranks_parks_with_explanations(api: Api) -> None:
    response = api.post("/v1/landing/search", json=LANDING)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["candidates"] >= 1
    best = body["parks"][0]
    assert best["rank"] == 1
    assert {part["name"] for part in best["parts"]} >= {"industry_fit", "travel", "net_cost"}
    assert all(park["rail_minutes"] <= 60 for park in body["parks"])


def test_landing_search_shows_net_cost_gaps_and_why_not(api: Api) -> None:
    request = {**LANDING, "horizon_years": 2, "planned_capex_cny": 4000000, "headcount": 20,
               "why_not": "park:suzhou-sip"}
    response = api.post("/v1/landing/search", json=request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["horizon_years"] == 2
    assert body["elimination"]["parks_meeting_all"] == body["candidates"]
    assert body["why_not"]["park"] == "park:suzhou-sip"
    for park in body["parks"]:
        cost = park["net_cost"]
        assert cost["rent_cny"] == 1000 * park["summary"]["rent_cny_m2_month"] * 24
        assert abs(cost["net_cost_cny"] - cost["rent_cny"]
                   + sum(line["amount_cny"] for line in cost["benefits"])) < 0.01
        assert "gaps" in park["gap_closer"]
        assert all({**body["policies"][p["id"]], **p}["beneficiary"] == "company"
                   for p in park["eligible_policies"] + park["near_miss_policies"])


def test_landing_search_why_not_an_unknown_park_is_404(api: Api) -> None:
    body = assert_problem(api.post("/v1/landing/search",
                                   json={**LANDING, "why_not": "park:atlantis"}), 404)
    assert body["field"] == "body.why_not"


def test_landing_search_names_the_bad_field(api: Api) -> None:
    assert_problem(api.post("/v1/landing/search", json={**LANDING, "area_m2": -5}), 422,
                   "body.area_m2")
    assert_problem(api.post("/v1/landing/search", json={"area_m2": 5}), 422, "body.industry")
    assert_problem(api.post("/v1/landing/search", json={**LANDING, "bogus": 1}), 422,
                   "body.bogus")
    assert_problem(api.post("/v1/landing/search", content=b"{not json",
                            headers={"Content-Type": "application/json"}), 400, "body")


def test_landing_search_for_an_unknown_industry_is_404(api: Api) -> None:
    body = assert_problem(api.post("/v1/landing/search",
                                   json={**LANDING, "industry": "industry:nope"}), 404)
    assert body["field"] == "body.industry"


def test_landing_compare_lists_every_city(api: Api) -> None:
    response = api.post("/v1/landing/compare", json=LANDING)
    assert response.status_code == 200, response.text
    cities = [row["city"]["id"] for row in response.json()["cities"]]
    assert "city:suzhou" in cities
    assert len(cities) == len(set(cities))
    assert_problem(api.post("/v1/landing/compare", json={**LANDING, "top_k": 0}), 422,
                   "body.top_k")


def test_collaborators_search_finds_the_lawyer_with_a_trust_path(api: Api) -> None:
    response = api.post("/v1/collaborators/search", json={
        "asker": ASKER, "skills": ["skill:contract-drafting"], "cities": ["city:suzhou"]})
    assert response.status_code == 200, response.text
    people = response.json()["collaborators"]
    lawyer = next(c for c in people if c["person"]["id"] == PRIVATE_LAWYER)
    assert lawyer["hops"] == 1
    assert not lawyer["cold"]
    assert_problem(api.post("/v1/collaborators/search", json={"min_level": 9}), 422,
                   "body.min_level")


def test_collaborators_team_fills_seats(api: Api) -> None:
    response = api.post("/v1/collaborators/team", json={
        "asker": ASKER, "vertical": "industry:medical-devices", "cities": ["city:suzhou"]})
    assert response.status_code == 200, response.text
    seats = {seat["seat"] for seat in response.json()["seats"]}
    assert "broker" in seats
    assert_problem(api.post("/v1/collaborators/team", json={"cities": []}), 422,
                   "body.vertical")


def test_paths_connect_two_entities(api: Api) -> None:
    response = api.post("/v1/paths", json={"source": ASKER, "target": PRIVATE_BROKER,
                                           "max_hops": 3})
    assert response.status_code == 200, response.text
    answer = response.json()
    path = answer["paths"][0]
    assert path["nodes"] == [ASKER, PRIVATE_LAWYER, PRIVATE_BROKER]
    assert answer["names"][PRIVATE_LAWYER]["name_en"] == "Private Lawyer"
    assert_problem(api.post("/v1/paths", json={"source": ASKER, "target": PRIVATE_BROKER,
                                               "max_hops": 99}), 422, "body.max_hops")
    assert_problem(api.post("/v1/paths", json={"source": "person:nobody",
                                               "target": ASKER}), 404, "body.source")


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(("query", "expected"), [
    ("苏州", "city:suzhou"),
    ("suzhou", "city:suzhou"),
    ("su zhou", "city:suzhou"),
    ("Suzhou", "city:suzhou"),
    ("生物医药产业园", "park:suzhou-sip-biobay"),
    ("biobay", "park:suzhou-sip-biobay"),
])
def test_search_finds_chinese_english_and_pinyin(api: Api, query: str, expected: str) -> None:
    response = api.get("/v1/search", params={"q": query, "limit": 50})
    assert response.status_code == 200, response.text
    assert expected in [hit["entity"]["id"] for hit in response.json()["items"]]


def test_search_filters_by_label_and_role(api: Api) -> None:
    parks = api.get("/v1/search", params={"q": "suzhou", "label": "Park"}).json()["items"]
    assert parks
    assert all(hit["entity"]["label"] == "Park" for hit in parks)
    lawyers = api.get("/v1/search", params={"q": "private", "label": "Lawyer"}).json()
    assert [hit["entity"]["id"] for hit in lawyers["items"]] == [PRIVATE_LAWYER]


def test_search_bad_input(api: Api) -> None:
    assert_problem(api.get("/v1/search"), 422, "query.q")
    assert_problem(api.get("/v1/search", params={"q": ""}), 422, "query.q")
    assert_problem(api.get("/v1/search", params={"q": "x", "label": "Nope"}), 422)
    assert_problem(api.get("/v1/search", params={"q": "x", "limit": 501}), 422, "query.limit")


# --------------------------------------------------------------------------- collections


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_every_collection_lists_and_gets(api: Api, collection: str) -> None:
    response = api.get(f"/v1/{collection}", params={"limit": 2})
    assert response.status_code == 200, response.text
    page = response.json()
    assert {"items", "next_cursor"} <= set(page) <= {"items", "next_cursor", "total"}
    assert page["items"], f"no {collection} in the test data"
    assert page.get("total", 2) >= len(page["items"])
    first = page["items"][0]["id"]
    got = api.get(f"/v1/{collection}/{first}")
    assert got.status_code == 200, got.text
    assert got.json()["id"] == first


def test_pagination_walks_every_park_once(api: Api) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/parks", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    total = api.get("/v1/stats").json()["labels"]["Park"]
    assert len(seen) == len(set(seen)) == total
    assert seen == sorted(seen)


def test_filters_and_field_selection(api: Api) -> None:
    page = api.get("/v1/parks", params={"facility_types": "gmp_cleanroom",
                                        "fields": "name_en,facility_types"}).json()
    assert page["items"]
    for item in page["items"]:
        assert set(item) == {"id", "label", "labels", "name_en", "facility_types"}
        assert "gmp_cleanroom" in item["facility_types"]
    brokers = api.get("/v1/people", params={"roles": "Broker", "limit": 500}).json()["items"]
    assert PRIVATE_BROKER in [item["id"] for item in brokers]
    assert all("Broker" in item["roles"] for item in brokers)


@pytest.mark.parametrize(("params", "field"), [
    ({"bogus": "1"}, "query.bogus"),
    ({"limit": "0"}, "query.limit"),
    ({"limit": "501"}, "query.limit"),
    ({"fields": "name_en,nope"}, "query.fields"),
    ({"cursor": "not-a-cursor"}, "query.cursor"),
    ({"rent_cny_m2_month": "cheap"}, "query.rent_cny_m2_month"),
    ({"facility_types": "castle"}, "query.facility_types"),
])
def test_list_bad_input(api: Api, params: dict[str, str], field: str) -> None:
    assert_problem(api.get("/v1/parks", params=params), 422, field)


def test_contact_fields_cannot_be_used_as_filters(api: Api) -> None:
    assert_problem(api.get("/v1/people", params={"email": "private.broker@example.org"}),
                   422, "query.email")


def test_get_missing_or_wrong_label_is_404(api: Api) -> None:
    assert_problem(api.get("/v1/parks/park:nope"), 404, "path.id")
    assert_problem(api.get("/v1/parks/city:suzhou"), 404, "path.id")
    assert_problem(api.get("/v1/entities/park:nope"), 404)
    assert_problem(api.get("/v1/entities/x"), 422, "path.id")


# --------------------------------------------------------------------------- entities, stats


def test_entity_and_neighbours(api: Api) -> None:
    entity = api.get(f"/v1/entities/{PRIVATE_BROKER}").json()
    assert entity["label"] == "Person"
    assert "Broker" in entity["labels"]
    response = api.get(f"/v1/entities/{PRIVATE_BROKER}/neighbours",
                       params={"type": "COVERS"})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert {item["node"]["id"] for item in items} == {"park:suzhou-sip-biobay", "city:suzhou"}
    assert all(item["direction"] == "out" for item in items)
    incoming = api.get("/v1/entities/city:suzhou/neighbours",
                       params={"type": "IN_CITY", "limit": 500}).json()["items"]
    assert incoming
    assert all(item["direction"] == "in" for item in incoming)


def test_neighbours_bad_input(api: Api) -> None:
    assert_problem(api.get("/v1/entities/city:suzhou/neighbours", params={"type": "NOPE"}),
                   422, "query.type.0")
    assert_problem(api.get("/v1/entities/city:suzhou/neighbours", params={"limit": 0}),
                   422, "query.limit")
    assert_problem(api.get("/v1/entities/city:nowhere/neighbours"), 404, "path.id")


def test_stats(api: Api) -> None:
    body = api.get("/v1/stats").json()
    assert body["labels"]["City"] >= 7
    assert body["relationships"]["HSR_LINK"] > 0


# --------------------------------------------------------------------------- referrals


def test_referrals_list_get_and_funnel(api: Api) -> None:
    page = api.get("/v1/referrals", params={"park": "park:suzhou-sip-biobay",
                                            "limit": 500}).json()
    ours = next(item for item in page["items"] if item["id"] == REFERRAL)
    assert ours["broker"] == PRIVATE_BROKER
    assert all(item["park"] == "park:suzhou-sip-biobay" for item in page["items"])
    signed = api.get("/v1/referrals", params={"stage": "signed", "limit": 500}).json()
    assert all(item["stage"] == "signed" for item in signed["items"])
    by_broker = api.get("/v1/referrals", params={"broker": PRIVATE_BROKER}).json()
    assert [item["id"] for item in by_broker["items"]] == [REFERRAL]
    assert api.get(f"/v1/referrals/{REFERRAL}").json()["stage"] == "first_meeting"
    for by in ("city", "park", "broker"):
        report = api.get("/v1/funnel", params={"by": by}).json()
        assert report["overall"]["reached"]["first_meeting"] >= 1
        assert report["groups"]


def test_referrals_bad_input(api: Api) -> None:
    assert_problem(api.get("/v1/referrals", params={"stage": "won"}), 422, "query.stage")
    assert_problem(api.get("/v1/referrals", params={"limit": 1000}), 422, "query.limit")
    assert_problem(api.get("/v1/funnel", params={"by": "planet"}), 422, "query.by")
    assert_problem(api.get("/v1/referrals/referral:nope"), 404, "path.id")


def test_relationships_by_type_page_through_every_link(api: Api) -> None:
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"type": "HSR_LINK", "limit": 4}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/relationships", params=params).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    stored = api.app.state.store.get_relationships(RelType.HSR_LINK)
    assert [(r["source"], r["target"]) for r in seen] == [(r.source, r.target) for r in stored]
    assert all(r["properties"]["minutes"] > 0 for r in seen)
    assert_problem(api.get("/v1/relationships", params={"type": "TELEPORTS_TO"}), 422,
                   "query.type")


def test_me_names_the_key_and_its_scopes(api: Api) -> None:
    assert api.get("/v1/me").json()["scopes"] == ["public:read"]
    staff = api.get("/v1/me", "staff:write").json()
    assert "staff:write" in staff["scopes"]
    assert staff["anonymous"] is False


# --------------------------------------------------------------------------- search, analytics


def test_search_pages_with_total_facets_and_cursor(api: Api) -> None:
    first = api.get("/v1/search", params={"q": "苏州 生物", "limit": 5}).json()
    assert first["total"] > 5
    assert len(first["items"]) == 5
    assert sum(first["facets"]["label"].values()) == first["total"]
    assert all(item["why"] for item in first["items"])
    second = api.get("/v1/search", params={"q": "苏州 生物", "limit": 5,
                                           "cursor": first["next_cursor"]}).json()
    ids = [i["entity"]["id"] for i in first["items"]] + [i["entity"]["id"]
                                                        for i in second["items"]]
    assert len(set(ids)) == len(ids)
    assert_problem(api.get("/v1/search", params={"q": "x", "cursor": "garbage"}), 422,
                   "query.cursor")


@pytest.mark.parametrize("path", ["/v1/analytics/brokers", "/v1/analytics/gaps",
                                  "/v1/analytics/communities", "/v1/analytics/funnel"])
def test_analytics_answer_staff(api: Api, path: str) -> None:
    response = api.get(path, "staff:read")
    assert response.status_code == 200, response.text
    assert response.json()
    assert api.get(path, "public:read").status_code == 403


def test_analytics_names_the_bad_field(api: Api) -> None:
    assert_problem(api.get("/v1/analytics/funnel", "staff:read", params={"by": "planet"}),
                   422, "query.by")
    assert_problem(api.get("/v1/analytics/brokers", "staff:read", params={"top": 0}), 422,
                   "query.top")
