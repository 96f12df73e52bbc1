"""The battery: several hundred malformed requests to every write and search endpoint, on
both stores. Every one must answer a 4xx problem+json naming the right field, none a
5xx, and the graph must hash the same before and after.

The cases are generated from the data (each label's valid record, its numeric and text
properties), so a new property is covered without editing this file. One app per store
serves the whole module; each test sends its family of cases and reports every miss at
once, which keeps the run short.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from alliance.api.app import create_app
from alliance.api.schemas import COLLECTIONS
from alliance.services.ingest import load_seed
from alliance.store.base import GraphStore
from graph_schema.nodes import NODE_MODELS
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label
from tests.api.support import api_people, fresh_settings, make_keys

NON_FINITE = ("NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1" + "0" * 400)
HUGE_INTS = (str(2**63), str(-(2**63) - 1), "1" + "0" * 30)
BAD_TEXT = ("nul\u0000byte", "bell\u0007", "esc\u001b[31m")
INJECTIONS = (
    "' OR '1'='1' --", "\") RETURN n //", "MATCH (n) DETACH DELETE n", "<script>alert(1)</script>",
    "${jndi:ldap://x/a}", "../../etc/passwd", "*:* OR name:*", "\\u0000", "%00", "城市'; DROP",
)
UNKNOWN_IDS = ("park:nope", "park%3Anope", "park:nope%2F", "park:a%2Fb", "park:%2E%2E",
               "park:nope%00", "PARK:NOPE", "park:" + "x" * 150, "%E2%80%AE", "%FF%FE")
"""Ids that name no entity, however encoded: 404 `path.id`."""


@dataclass
class Target:
    """One app on one store, an admin key, and the misses the tests found."""

    client: TestClient
    store: GraphStore
    headers: dict[str, str]
    sent: int = 0
    misses: list[str] = field(default_factory=list)

    def send(self, method: str, url: str, *, status: int | tuple[int, ...],
             field_name: str | None, body: bytes | None = None, json_body: Any = None,
             content_type: str = "application/json", headers: dict[str, str] | None = None
             ) -> Any:
        """Send one malformed request; note a miss unless it is the problem expected."""
        self.sent += 1
        request_headers = {**self.headers, **(headers or {})}
        if body is not None or json_body is not None:
            request_headers["Content-Type"] = content_type
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        response = self.client.request(method, url, content=body, headers=request_headers)
        expected = (status,) if isinstance(status, int) else status
        where = f"{method} {url[:80]} {(body or b'')[:80]!r}"
        if response.status_code not in expected:
            self.misses.append(f"{where}: {response.status_code} not {expected}: "
                               f"{response.text[:200]}")
            return response
        if response.status_code < 400:
            return response
        if not response.headers.get("content-type", "").startswith(
                "application/problem+json"):
            self.misses.append(f"{where}: content-type {response.headers.get('content-type')}")
            return response
        problem = response.json()
        named = [problem.get("field"), *(e.get("field") for e in problem.get("errors") or [])]
        if field_name is not None and not any(
                isinstance(name, str) and (name == field_name or name.startswith(field_name + "."))
                for name in named):
            self.misses.append(f"{where}: field {named} not {field_name!r}")
        return response


def graph_hash(store: GraphStore) -> str:
    """A hash of every node and relationship the store holds (both stores alike)."""
    digest = hashlib.sha256()
    for label in Label:
        after: str | None = None
        while True:
            page = store.list_nodes(label, after=after, limit=500)
            for node in page:
                digest.update(json.dumps([node.id, sorted(node.labels), node.properties],
                                         sort_keys=True, default=str).encode())
            if len(page) < 500:
                break
            after = page[-1].id
    for rel_type in REL_SPECS:
        for rel in store.get_relationships(rel_type):
            digest.update(json.dumps([rel.type.value, rel.source, rel.target,
                                      rel.properties], sort_keys=True).encode())
    return digest.hexdigest()


def _embedded(seeded_db: Path, folder: Path) -> Generator[Target, None, None]:
    app = create_app(fresh_settings(seeded_db, folder))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Target(client, app.state.store, {"X-API-Key": make_keys(app)["admin"]})


def _neo4j(seeded_db: Path, folder: Path, uri: str) -> Generator[Target, None, None]:
    from alliance.store.neo4j import Neo4jStore
    from tests.store.test_neo4j import empty_database

    store = Neo4jStore(uri)
    try:
        empty_database(store)
        load_seed(store, Path(__file__).resolve().parents[2] / "seed")
        nodes, rels = api_people()
        store.write(nodes=nodes, relationships=rels)
        app = create_app(fresh_settings(seeded_db, folder), store=store)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Target(client, store, {"X-API-Key": make_keys(app)["admin"]})
    finally:
        store.close()


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=[
    pytest.mark.neo4j, pytest.mark.xdist_group("neo4j")])])
def target(request: pytest.FixtureRequest, seeded_db: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The app on each store, shared by the module; the graph's hash must not move."""
    folder = tmp_path_factory.mktemp(f"battery-{request.param}")
    if request.param == "embedded":
        opened = _embedded(seeded_db, folder)
    else:
        opened = _neo4j(seeded_db, folder, request.getfixturevalue("neo4j_uri"))
    found = next(opened)
    before = graph_hash(found.store)
    yield found
    after = graph_hash(found.store)
    opened.close()
    assert after == before, "a refused request changed the graph"


@pytest.fixture
def check(target: Target) -> Iterator[Target]:
    """The target, failing the test with every miss its requests made."""
    target.misses.clear()
    yield target
    assert not target.misses, f"{len(target.misses)} of {target.sent} requests missed:\n" \
        + "\n".join(target.misses[:40])


# --------------------------------------------------------------------------- records


def sample(target: Target, collection: str) -> dict[str, Any]:
    """An existing entity's GET body (valid by construction)."""
    listing = target.client.get(f"/v1/{collection}?limit=1", headers=target.headers).json()
    entity_id = listing["items"][0]["id"]
    body: dict[str, Any] = target.client.get(f"/v1/{collection}/{entity_id}",
                                             headers=target.headers).json()
    return body


def new_record(target: Target, collection: str) -> dict[str, Any]:
    """A valid new record of the collection's label (an existing one under a new id)."""
    label = COLLECTIONS[collection]
    body = sample(target, collection)
    prefix = NODE_MODELS[label].ID_PREFIX
    return {**{k: v for k, v in body.items() if k not in ("label", "labels", "name_pinyin")},
            "id": f"{prefix}:battery-new"}


WRITABLE = [name for name, label in COLLECTIONS.items() if label is not Label.REFERRAL]


def numbers_of(record: dict[str, Any]) -> list[str]:
    return [k for k, v in record.items() if isinstance(v, int | float) and not isinstance(v, bool)]


def texts_of(record: dict[str, Any]) -> list[str]:
    return [k for k, v in record.items() if isinstance(v, str) and k != "id"]


def raw_with(record: dict[str, Any], name: str, literal: str) -> bytes:
    """The record as JSON text with one field's value replaced by a raw literal."""
    marker = "__battery_marker__"
    text = json.dumps({**record, name: marker}, ensure_ascii=False)
    return text.replace(json.dumps(marker), literal).encode("utf-8")


# --------------------------------------------------------------------------- the cases


@pytest.mark.parametrize("collection", WRITABLE)
def test_numbers_that_no_store_holds_are_refused(check: Target, collection: str) -> None:
    record = new_record(check, collection)
    existing = sample(check, collection)["id"]
    numeric = numbers_of(record)
    for name in numeric:
        for literal in (*NON_FINITE, *HUGE_INTS):
            check.send("POST", f"/v1/{collection}", body=raw_with(record, name, literal),
                       status=422, field_name=f"body.{name}")
            check.send("PATCH", f"/v1/{collection}/{existing}",
                       body=raw_with({}, name, literal), status=422,
                       field_name=f"body.{name}")
        put = {**record, "id": existing}
        check.send("PUT", f"/v1/{collection}/{existing}", body=raw_with(put, name, "NaN"),
                   status=422, field_name=f"body.{name}")


@pytest.mark.parametrize("collection", WRITABLE)
def test_wrong_types_and_bad_text_name_the_field(check: Target, collection: str) -> None:
    record = new_record(check, collection)
    existing = sample(check, collection)["id"]
    for name in texts_of(record):
        for value in (*BAD_TEXT, {"nested": 1}, [1, 2], 12345):
            if isinstance(value, int) and name in ("as_of", "valid_from"):
                continue
            check.send("POST", f"/v1/{collection}", json_body={**record, name: value},
                       status=422, field_name=f"body.{name}")
        check.send("PATCH", f"/v1/{collection}/{existing}", json_body={name: BAD_TEXT[0]},
                   status=422, field_name=f"body.{name}")
    for name in numbers_of(record):
        for value in ("abc", [], {"x": 1}, True if name != "public_contact" else "x"):
            check.send("POST", f"/v1/{collection}", json_body={**record, name: value},
                       status=422, field_name=f"body.{name}")
    check.send("POST", f"/v1/{collection}", json_body={**record, "bogus_field": 1},
               status=422, field_name="body.bogus_field")
    check.send("POST", f"/v1/{collection}", json_body={**record, "id": "Not A Slug"},
               status=422, field_name="body.id")


@pytest.mark.parametrize("collection", WRITABLE)
def test_injection_strings_are_data_never_code(check: Target, collection: str) -> None:
    """In a record that is otherwise refused (its id), every text field carries an
    injection: the answer names the id, nothing runs, nothing is stored."""
    record = new_record(check, collection)
    for text in INJECTIONS:
        bad = {**record, **dict.fromkeys(texts_of(record), text), "id": text}
        bad.pop("as_of", None)
        bad.pop("valid_from", None)
        check.send("POST", f"/v1/{collection}", json_body=bad, status=422,
                   field_name="body.id")
        check.send("GET", f"/v1/search?q={text}", status=(200,), field_name=None)


def test_malformed_bodies(check: Target) -> None:
    record = new_record(check, "parks")
    existing = sample(check, "parks")["id"]
    good = json.dumps(record).encode("utf-8")
    writes = [("POST", "/v1/parks"), ("PUT", f"/v1/parks/{existing}"),
              ("PATCH", f"/v1/parks/{existing}"), ("POST", "/v1/relationships"),
              ("POST", "/v1/landing/search"), ("POST", "/v1/collaborators/search"),
              ("POST", "/v1/paths")]
    for method, url in writes:
        for broken in (b"{", b'{"id": }', b"[1, 2", good[:-1], b"\xff\xfe{}", b"{'a': 1}",
                       b"\x00", good.replace(b'"', b"'", 1)):
            check.send(method, url, body=broken, status=400, field_name="body")
        check.send(method, url, body=b"[" * 5000 + b"]" * 5000, status=400, field_name="body")
        check.send(method, url, body=b'{"a":' * 60 + b"1" + b"}" * 60, status=400,
                   field_name="body")
        for media in ("text/plain", "application/xml", "multipart/form-data; boundary=x",
                      "application/x-www-form-urlencoded"):
            check.send(method, url, body=good, content_type=media, status=415,
                       field_name="header.content-type")
        check.send(method, url, body=b"{" + b'"a": 1, ' * 3 + b'"a": 2}', status=422,
                   field_name="body.a")
        check.send(method, url, body=b'{"x": "\\ud800"}', status=422, field_name="body.x")
    check.send("POST", "/v1/parks", body=b'{"id": "park:a", "id": "park:b"}', status=422,
               field_name="body.id")
    huge = b'{"name_en": "' + b"x" * 6_000_000 + b'"}'
    check.send("POST", "/v1/parks", body=huge, status=413, field_name=None)


def test_unknown_ids_however_encoded_are_404_for_path_id(check: Target) -> None:
    park = {k: v for k, v in sample(check, "parks").items() if k not in ("label", "labels")}
    for entity_id in UNKNOWN_IDS:
        for collection in ("parks", "entities"):
            check.send("GET", f"/v1/{collection}/{entity_id}", status=(404, 422),
                       field_name="path.id")
        check.send("DELETE", f"/v1/parks/{entity_id}", status=(404, 422), field_name="path.id")
        check.send("PATCH", f"/v1/parks/{entity_id}", json_body={"name_en": "x"},
                   status=(404, 422), field_name="path.id")
        check.send("PUT", f"/v1/parks/{entity_id}", json_body=park, status=(404, 422),
                   field_name="path.id" if "%2F" not in entity_id else None)


def test_relationship_writes(check: Target) -> None:
    def rel(rel_type: str, source: str, target: str, **properties: Any) -> dict[str, Any]:
        return {"type": rel_type, "source": source, "target": target, "properties": properties}

    taxonomy = check.client.get("/v1/relationships?type=SUBFIELD_OF",
                                headers=check.headers).json()["items"]
    child, parent = taxonomy[0]["source"], taxonomy[0]["target"]
    grand = next((item["target"] for item in taxonomy if item["source"] == parent), None)
    check.send("POST", "/v1/relationships", json_body=rel("SUBFIELD_OF", parent, child),
               status=409, field_name="body.target")
    if grand is not None:
        check.send("POST", "/v1/relationships", json_body=rel("SUBFIELD_OF", grand, child),
                   status=409, field_name="body.target")
    check.send("PATCH", f"/v1/industries/{parent}", json_body={"parent": child}, status=409,
               field_name="body.parent")
    check.send("POST", "/v1/import?dry_run=false", json_body={"records": [
        {"label": "Industry", "id": parent, "name_zh": "环", "name_en": "Loop",
         "parent": child}]}, status=(409, 422), field_name=None)
    for rel_type, source, target in (("SUBFIELD_OF", child, child),
                                     ("HSR_LINK", "city:suzhou", "city:suzhou"),
                                     ("COLLABORATED_WITH", "person:api-asker",
                                      "person:api-asker")):
        check.send("POST", "/v1/relationships", json_body=rel(rel_type, source, target,
                                                              deal="x", year=2024),
                   status=422, field_name="body.target")
    check.send("POST", "/v1/relationships", json_body=rel("HOSTS", "city:suzhou", child),
               status=422, field_name="body.source")
    check.send("POST", "/v1/relationships",
               json_body=rel("HOSTS", "park:nope", child, strength=1), status=404,
               field_name="body.source")
    check.send("POST", "/v1/relationships",
               json_body=rel("IN_CITY", "park:suzhou-sip", "city:nope"), status=404,
               field_name="body.target")
    check.send("DELETE", "/v1/relationships",
               json_body=rel("HOSTS", "park:suzhou-sip", "industry:nope"), status=404,
               field_name=None)
    for name, literal in (("km", "Infinity"), ("km", "1e309"), ("minutes", str(2**63)),
                          ("minutes", "NaN")):
        body = raw_with(rel("HSR_LINK", "city:suzhou", "city:wuxi", minutes=20, km=40)
                        ["properties"], name, literal)
        text = b'{"type": "HSR_LINK", "source": "city:suzhou", "target": "city:wuxi", ' \
               b'"properties": ' + body + b"}"
        check.send("POST", "/v1/relationships", body=text, status=422,
                   field_name=f"body.properties.{name}")
    companies = check.client.get("/v1/companies?limit=1", headers=check.headers).json()
    company = companies["items"][0]["id"]
    for literal in ("Infinity", "-1e400", "NaN"):
        text = (b'{"type": "LANDED_IN", "source": "' + company.encode()
                + b'", "target": "park:suzhou-sip", "properties": {"year": 2024, '
                b'"area_m2": ' + literal.encode() + b"}}")
        check.send("POST", "/v1/relationships", body=text, status=422,
                   field_name="body.properties.area_m2")


def test_imports_name_row_and_column(check: Target) -> None:
    record = {"label": "Park", **new_record(check, "parks")}
    for name in numbers_of(record):
        for literal in ("1e309", "NaN", str(2**63)):
            body = b'{"records": [' + raw_with(record, name, literal) + b"]}"
            for dry_run in ("true", "false"):  # a dry run previews: 200 with ok false
                response = check.send("POST", f"/v1/import?dry_run={dry_run}", body=body,
                                      status=(200, 422) if dry_run == "true" else 422,
                                      field_name=None)
                answer = response.json()
                if response.status_code == 200 and answer.get("ok") is not False:
                    check.misses.append(f"import preview {name}={literal}: {answer}")
                if name not in json.dumps(answer):
                    check.misses.append(f"import {name}={literal} not named: {answer}")
    columns = "id,name_zh,name_en,lat,lon,rent_cny_m2_month,available_area_m2,facility_types"
    for cell in ("1e309", "-inf", "nan", "-1e400", "Infinity"):
        csv = f"{columns}\npark:battery-csv,测试,Test,31.2,120.5,{cell},100,office\n"
        response = check.send("POST", "/v1/import?label=Park&dry_run=false",
                              body=csv.encode(), content_type="text/csv", status=422,
                              field_name=None)
        errors = response.json().get("errors") or []
        if not any(e.get("field") == "rent_cny_m2_month" and e.get("row") == 2
                   for e in errors):
            check.misses.append(f"csv rent={cell}: {errors}")
    deep = b'{"records": [' + b"[" * 3000 + b"]" * 3000 + b"]}"
    check.send("POST", "/v1/import?dry_run=true", body=deep, status=(200, 400, 422),
               field_name=None)
    check.send("POST", "/v1/import", body=b"<xml/>", content_type="application/xml",
               status=415, field_name=None)


def test_queries(check: Target) -> None:
    for query in ("limit=1e309", "limit=-1", "limit=abc", "limit=99999999999999999999",
                  "cursor=%FF%FE", "cursor=not-a-cursor", "bogus=1",
                  "rent_cny_m2_month=inf", "rent_cny_m2_month=nan",
                  "established_year=99999999999999999999"):
        name = query.split("=")[0]
        check.send("GET", f"/v1/parks?{query}", status=422, field_name=f"query.{name}")
    check.send("GET", "/v1/search?q=" + "a" * 20_000, status=414, field_name="query")
    check.send("GET", "/v1/search?limit=0&q=x", status=422, field_name="query.limit")
    check.send("GET", "/v1/search", status=422, field_name="query.q")
    check.send("GET", "/v1/relationships?type=NOPE", status=422, field_name="query.type")


def test_stale_if_match_is_412_and_changes_nothing(check: Target) -> None:
    park = sample(check, "parks")
    tag = check.client.get(f"/v1/parks/{park['id']}", headers=check.headers).headers["etag"]
    stale = '"' + "0" * 32 + '"'
    for method, body in (("PATCH", {"name_en": "Stale"}), ("PUT", park), ("DELETE", None)):
        response = check.send(method, f"/v1/parks/{park['id']}", json_body=body,
                              headers={"If-Match": stale}, status=412,
                              field_name="header.if-match")
        if response.headers.get("etag") != tag:
            check.misses.append(f"{method}: 412 carries {response.headers.get('etag')}, "
                                f"not the current {tag}")


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_get_put_round_trip_changes_nothing(target: Target, collection: str) -> None:
    """A GET's body PUT back (with its ETag as If-Match) leaves entity, edges and version
    as they were. Runs last in the module: it writes (the same data)."""
    client, headers = target.client, target.headers
    for item in client.get(f"/v1/{collection}?limit=3", headers=headers).json()["items"]:
        url = f"/v1/{collection}/{item['id']}"
        got = client.get(url, headers=headers)
        edges = client.get(f"/v1/entities/{item['id']}/neighbours?limit=500",
                           headers=headers).json()
        put = client.put(url, json=got.json(), headers={**headers,
                                                        "If-Match": got.headers["etag"]})
        assert put.status_code == 200, put.text
        again = client.get(url, headers=headers)
        assert again.json() == got.json()
        assert again.headers["etag"] == got.headers["etag"]
        assert client.get(f"/v1/entities/{item['id']}/neighbours?limit=500",
                          headers=headers).json() == edges
