"""Collections as partners read them: relationship filters (ids or slugs), sort with
cursor pages and a total, `include=` and `fields=` on single GETs, `updated_since`.

Expected answers are worked out here from each entity's own edges (source side), not
the way the service finds them (target side)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alliance.store.base import GraphStore
from graph_schema.vocabulary import Label, RelType
from tests.api.support import Api, assert_problem


def _store(api: Api) -> GraphStore:
    store: GraphStore = api.app.state.store
    return store


def _walk(api: Api, url: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        body = api.get(url, params={**params, **({"cursor": cursor} if cursor else {})}).json()
        items += body["items"]
        total = body["total"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items, total


def _targets(store: GraphStore, rel_type: RelType, source: str) -> set[str]:
    return {rel.target for rel in store.get_relationships(rel_type, source=source)}


def _all(store: GraphStore, label: Label) -> list[Any]:
    found: list[Any] = []
    while True:
        page = store.list_nodes(label, after=found[-1].id if found else None, limit=500)
        found += page
        if len(page) < 500:
            return found


def test_parks_by_city_id_or_slug(api: Api) -> None:
    store = _store(api)
    expected = sorted(park.id for park in _all(store, Label.PARK)
                      if _targets(store, RelType.IN_CITY, park.id) == {"city:suzhou"})
    assert expected
    by_id, total = _walk(api, "/v1/parks", city="city:suzhou", limit=2)
    assert [item["id"] for item in by_id] == expected
    assert total == len(expected)
    by_slug, _ = _walk(api, "/v1/parks", city="suzhou")
    assert [item["id"] for item in by_slug] == expected
    both, _ = _walk(api, "/v1/parks", city="suzhou,kunshan")
    assert set(expected) < {item["id"] for item in both}


def test_parks_by_industry_include_subfields(api: Api) -> None:
    store = _store(api)
    family = {"industry:biomedicine"} | {
        industry.id for industry in _all(store, Label.INDUSTRY)
        if "industry:biomedicine" in _ancestors(store, industry.id)}
    expected = sorted(park.id for park in _all(store, Label.PARK)
                      if _targets(store, RelType.HOSTS, park.id) & family)
    found, total = _walk(api, "/v1/parks", industry="biomedicine")
    assert [item["id"] for item in found] == expected
    assert total == len(expected)
    exact, _ = _walk(api, "/v1/parks", hosts="industry:biomedicine")
    assert {item["id"] for item in exact} <= set(expected)


def _ancestors(store: GraphStore, industry: str) -> set[str]:
    found: set[str] = set()
    frontier = {industry}
    while frontier:
        frontier = {target for node in frontier
                    for target in _targets(store, RelType.SUBFIELD_OF, node)} - found
        found |= frontier
    return found


def test_policies_by_city_include_its_parks_and_validity(api: Api) -> None:
    store = _store(api)
    parks = {park.id for park in _all(store, Label.PARK)
             if _targets(store, RelType.IN_CITY, park.id) == {"city:suzhou"}}
    day = "2025-07-01"
    expected = sorted(
        policy.id for policy in _all(store, Label.POLICY)
        if _targets(store, RelType.OFFERED_IN, policy.id) & (parks | {"city:suzhou"})
        and str(policy.properties["valid_from"]) <= day
        and (policy.properties.get("valid_to") is None
             or str(policy.properties["valid_to"]) >= day))
    assert expected
    found, _ = _walk(api, "/v1/policies", city="suzhou", valid_on=day)
    assert [item["id"] for item in found] == expected
    kind = _store(api).get_node(expected[0]).properties["benefit_kind"]  # type: ignore[union-attr]
    same_kind, _ = _walk(api, "/v1/policies", city="suzhou", valid_on=day, benefit_kind=kind)
    assert expected[0] in {item["id"] for item in same_kind}
    assert {item["benefit_kind"] for item in same_kind} == {kind}


def test_people_by_role_skill_city_vertical(api: Api) -> None:
    store = _store(api)
    expected = sorted(
        person.id for person in _all(store, Label.PERSON)
        if "Lawyer" in person.properties["roles"]
        and "city:suzhou" in (_targets(store, RelType.BASED_IN, person.id)
                              | _targets(store, RelType.COVERS, person.id)))
    found, _ = _walk(api, "/v1/people", role="Lawyer", city="suzhou")
    assert [item["id"] for item in found] == expected
    skilled, _ = _walk(api, "/v1/people", skill="skill:ip-litigation")
    assert {item["id"] for item in skilled} == {
        person.id for person in _all(store, Label.PERSON)
        if "skill:ip-litigation" in _targets(store, RelType.HAS_SKILL, person.id)}
    family = {"industry:medical-devices"} | {
        industry.id for industry in _all(store, Label.INDUSTRY)
        if "industry:medical-devices" in _ancestors(store, industry.id)}
    vertical, _ = _walk(api, "/v1/people", vertical="medical-devices")
    assert {item["id"] for item in vertical} == {
        person.id for person in _all(store, Label.PERSON)
        if _targets(store, RelType.EXPERT_IN, person.id) & family}


def test_companies_by_industry_and_city(api: Api) -> None:
    store = _store(api)
    found, _ = _walk(api, "/v1/companies", industry="medical-devices", city="shanghai")
    assert found
    for item in found:
        assert _targets(store, RelType.BASED_IN, item["id"]) == {"city:shanghai"}


def test_sort_with_cursor_pages_every_item_once_in_order(api: Api) -> None:
    found, total = _walk(api, "/v1/parks", sort="-rent_cny_m2_month,name_en", limit=4)
    assert len(found) == total == len({item["id"] for item in found})
    rents = [item.get("rent_cny_m2_month") for item in found]
    present = [rent for rent in rents if rent is not None]
    assert present == sorted(present, reverse=True)
    assert rents[:len(present)] == present  # missing values last
    assert_problem(api.get("/v1/parks", params={"sort": "nope"}), 422, "query.sort")
    assert_problem(api.get("/v1/parks", params={"sort": "name_en", "cursor": "bad"}), 422,
                   "query.cursor")


def test_single_get_embeds_and_selects(api: Api) -> None:
    body = api.get("/v1/parks/park:suzhou-sip-biobay",
                   params={"include": "city,industries", "fields": "name_zh"}).json()
    assert set(body) == {"id", "label", "labels", "name_zh", "city", "industries"}
    assert body["city"]["id"] == "city:suzhou"
    assert body["city"]["name_zh"] == "苏州"
    hosted = _targets(_store(api), RelType.HOSTS, "park:suzhou-sip-biobay")
    assert {item["id"] for item in body["industries"]} == hosted
    assert all("strength" in item["relationship"] for item in body["industries"])
    listed = api.get("/v1/parks", params={"city": "suzhou", "include": "city",
                                          "fields": "name_en"}).json()
    assert {item["city"]["id"] for item in listed["items"]} == {"city:suzhou"}
    assert_problem(api.get("/v1/parks/park:suzhou-sip-biobay", params={"include": "x"}),
                   422, "query.include")
    assert_problem(api.get("/v1/parks/park:suzhou-sip-biobay", params={"fields": "x"}),
                   422, "query.fields")


def test_embedded_people_keep_contacts_private(api: Api) -> None:
    body = api.get("/v1/organizations", params={"limit": 500}).json()
    assert body["items"]
    person = api.get("/v1/people/person:api-private-broker",
                     params={"include": "covers,city"}).json()
    assert "email" not in person
    assert person["city"]["id"] == "city:suzhou"


def test_updated_since_sees_api_writes(fresh_api: Api) -> None:
    before = datetime.now(UTC).isoformat()
    assert _walk(fresh_api, "/v1/parks", updated_since=before)[1] == 0
    patched = fresh_api.request("PATCH", "/v1/parks/park:suzhou-sip", "staff:write",
                                json={"rent_cny_m2_month": 44})
    assert patched.status_code == 200
    found, total = _walk(fresh_api, "/v1/parks", updated_since=before)
    assert [item["id"] for item in found] == ["park:suzhou-sip"]
    assert total == 1
    everything = _walk(fresh_api, "/v1/parks", updated_since="2000-01-01")[1]
    assert everything == fresh_api.get("/v1/parks", params={"limit": 1}).json()["total"]
    assert_problem(fresh_api.get("/v1/parks", params={"updated_since": "soon"}), 422,
                   "query.updated_since")
