"""The privacy promise: a person's e-mail, phone and WeChat reach a caller only with
staff:read, or when the person opted in (`public_contact`).

The walk visits every read operation of the OpenAPI document (it fails when one is
added and not walked here) as an anonymous caller and with a public:read key, over every
person of the seed data and the test people, and looks for each private contact value
anywhere in the responses: in any JSON object and in the raw text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from alliance.api.schemas import COLLECTIONS
from graph_schema.nodes import Person
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label, RelType, Role
from tests.api.support import (
    ASKER,
    PRIVATE_BROKER,
    PRIVATE_CONTACTS,
    PRIVATE_LAWYER,
    PUBLIC_ACCOUNTANT,
    PUBLIC_CONTACTS,
    Api,
)

NOT_READS = {"audit-list", "keys-list", "webhooks-list", "webhooks-deliveries", "health-live",
             "health-ready", "analytics-brokers", "analytics-gaps", "analytics-communities",
             "analytics-funnel", "import-export", "import-template", "verification-queue"}
"""Operations outside the walk: the audit log, keys and webhooks are admin-only; the
office's analytics, the admins' spreadsheets (export, templates) and the re-verification
queue are staff-only; health says nothing."""

READ_POSTS = {"landing-search", "landing-compare", "collaborators-search",
              "collaborators-team", "paths-connect"}


def people(api: Api) -> list[NodeRecord]:
    found: list[NodeRecord] = []
    after = None
    while True:
        page = api.app.state.store.list_nodes(Label.PERSON, after=after, limit=500)
        found += page
        if len(page) < 500:
            return found
        after = page[-1].id


def private_values(api: Api) -> set[str]:
    """Every contact value of every person who did not opt in."""
    values = {str(person.properties[field]) for person in people(api)
              if person.properties.get("public_contact") is not True
              for field in Person.CONTACT_FIELDS if person.properties.get(field)}
    assert PRIVATE_CONTACTS <= values
    return values


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside a JSON value."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects(item)


class Walker:
    """Calls read operations as one caller and checks every answer."""

    def __init__(self, api: Api, scope: str | None, secrets: set[str]) -> None:
        self.api = api
        self.scope = scope
        self.secrets = secrets
        self.visited: set[str] = set()
        self.calls = 0

    def check(self, operation: str, response: Any) -> Any:
        assert response.status_code == 200, (operation, response.text[:500])
        self.visited.add(operation)
        self.calls += 1
        text = response.text
        # Whole JSON strings: a public "yuchao.guo@…" must not count as a private "hao.guo@…".
        leaked = {value for value in self.secrets if json.dumps(value) in text}
        assert not leaked, (operation, leaked)
        if response.headers["content-type"].startswith("application/x-ndjson"):
            body: Any = [json.loads(line) for line in text.splitlines() if line]
        else:
            body = response.json()
        for obj in objects(body):
            for field in Person.CONTACT_FIELDS:
                assert obj.get(field) is None or obj[field] not in self.secrets, (operation, obj)
        return body

    def get(self, operation: str, url: str, **params: Any) -> Any:
        return self.check(operation, self.api.get(url, self.scope, params=params))

    def post(self, operation: str, url: str, body: dict[str, Any]) -> Any:
        return self.check(operation, self.api.post(url, self.scope, json=body))


def walk(api: Api, walker: Walker, stride: int) -> None:
    """Every read operation; entity by entity for every `stride`-th person (always the
    test people)."""
    ours = {ASKER, PRIVATE_BROKER, PRIVATE_LAWYER, PUBLIC_ACCOUNTANT}
    everyone = [person for index, person in enumerate(people(api))
                if index % stride == 0 or person.id in ours]
    person_ids = [person.id for person in everyone]
    for collection, label in COLLECTIONS.items():
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            page = walker.get(f"{collection}-list", f"/v1/{collection}", **params)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        ids = person_ids if label is Label.PERSON else [item["id"] for item in page["items"][:5]]
        for entity_id in ids:
            walker.get(f"{collection}-get", f"/v1/{collection}/{entity_id}")
    walker.get("people-list", "/v1/people", roles="Broker", fields="name_en,email,phone")
    for entity_id in person_ids:
        walker.get("entities-get", f"/v1/entities/{entity_id}")
        walker.get("entities-neighbours", f"/v1/entities/{entity_id}/neighbours", limit=500)
    places = (Label.CITY, Label.PARK, Label.ORGANIZATION) if stride == 1 else (Label.CITY,)
    for label in places:
        for node in api.app.state.store.list_nodes(label, limit=500):
            walker.get("entities-neighbours", f"/v1/entities/{node.id}/neighbours", limit=500)
    for index, person in enumerate(everyone):
        walker.get("search-entities", "/v1/search", q=person.properties["name_en"], limit=50)
        if index % 3 == 0:
            walker.get("search-entities", "/v1/search", q=person.properties["name_zh"])
    for text in ("a", "li", "wang", "律师", "broker", "@", "example"):
        walker.get("search-entities", "/v1/search", q=text, limit=500)
        walker.get("search-entities", "/v1/search", q=text, label=[r.value for r in Role])
    walker.get("stats-get", "/v1/stats")
    walker.get("sync-export", "/v1/export")
    walker.get("sync-changes", "/v1/changes")
    walker.get("me-get", "/v1/me")
    for rel_type in RelType:
        cursor = None
        while True:
            params = {"type": rel_type.value, "limit": 500, **({"cursor": cursor} if cursor
                                                               else {})}
            page = walker.get("relationships-list", "/v1/relationships", **params)
            cursor = page["next_cursor"]
            if cursor is None:
                break
    for by in ("city", "park", "broker"):
        walker.get("referrals-funnel", "/v1/funnel", by=by)
    for industry in ("industry:medical-devices", "industry:biomedicine", "industry:ai",
                     "industry:integrated-circuits", "industry:new-energy-vehicles",
                     "industry:low-altitude-economy"):
        request = {"industry": industry, "top_k": 100}
        walker.post("landing-search", "/v1/landing/search", request)
        walker.post("landing-compare", "/v1/landing/compare", request)
        walker.post("collaborators-team", "/v1/collaborators/team",
                    {"vertical": industry, "asker": ASKER})
    walker.post("collaborators-search", "/v1/collaborators/search", {"top_k": 100})
    for role in Role:
        walker.post("collaborators-search", "/v1/collaborators/search",
                    {"roles": [role.value], "asker": ASKER, "top_k": 100, "max_hops": 4})
    for target in (PRIVATE_BROKER, PRIVATE_LAWYER, PUBLIC_ACCOUNTANT):
        walker.post("paths-connect", "/v1/paths", {"source": ASKER, "target": target, "k": 10})


@pytest.mark.parametrize(("scope", "stride"), [("public:read", 1), (None, 7)])
def test_no_private_contact_reaches_a_public_caller(api: Api, scope: str | None,
                                                    stride: int) -> None:
    walker = Walker(api, scope, private_values(api))
    walk(api, walker, stride)
    schema = api.get("/openapi.json").json()
    reads = {op["operationId"] for item in schema["paths"].values()
             for method, op in item.items()
             if (method == "get" or op["operationId"] in READ_POSTS)} - NOT_READS
    assert reads - walker.visited == set(), "read operations the privacy walk misses"
    assert walker.calls > 1000 // stride


def test_opted_in_contacts_are_public(api: Api) -> None:
    accountant = api.get(f"/v1/people/{PUBLIC_ACCOUNTANT}").json()
    assert {accountant["email"], accountant["phone"]} == PUBLIC_CONTACTS
    found = api.get("/v1/search", params={"q": "Public Accountant"}).text
    assert "public.accountant@example.org" in found


def test_staff_read_sees_contacts_everywhere(api: Api) -> None:
    staff = "staff:read"
    assert api.get(f"/v1/people/{PRIVATE_BROKER}", staff).json()["email"] == \
        "private.broker@example.org"
    assert "private.broker@example.org" in api.get("/v1/search", staff,
                                                   params={"q": "Private Broker"}).text
    landing = api.post("/v1/landing/search", staff, json={
        "industry": "industry:medical-devices", "top_k": 100}).json()
    contacts = [c["person"] for park in landing["parks"] for c in park["contacts"]]
    broker = next(p for p in contacts if p["id"] == PRIVATE_BROKER)
    assert broker["contact"]["wechat"] == "wx_private_broker"
    found = api.post("/v1/collaborators/search", staff, json={
        "skills": ["skill:contract-drafting"], "top_k": 100}).json()
    lawyer = next(c["person"] for c in found["collaborators"]
                  if c["person"]["id"] == PRIVATE_LAWYER)
    assert lawyer["contact"]["phone"] == "+86 139 0000 0002"
    neighbours = api.get(f"/v1/entities/{ASKER}/neighbours", staff).json()
    assert "private.lawyer@example.org" in json.dumps(neighbours)
