"""HTTP plumbing: ETag/304, gzip, the body-size limit, the 500 fallback, health checks,
the OpenAPI document and the root page."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from alliance.api.deps import get_store
from alliance.errors import BackendUnavailable
from tests.api.support import Api, ApiFactory, assert_problem


def test_etag_and_if_none_match(api: Api) -> None:
    first = api.get("/v1/parks/park:suzhou-sip")
    tag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)  # the entity's version
    assert "X-API-Key" in first.headers["vary"]
    again = api.get("/v1/parks/park:suzhou-sip", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    other = api.get("/v1/parks/park:suzhou-sip",
                    headers={"If-None-Match": '"0000", W/' + tag})
    assert other.status_code == 304
    changed = api.get("/v1/parks/park:suzhou-snd", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


def test_listings_carry_a_weak_etag_of_their_body(api: Api) -> None:
    tag = api.get("/v1/parks?limit=2").headers["etag"]
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', tag)
    assert api.get("/v1/parks?limit=2", headers={"If-None-Match": tag}).status_code == 304


def test_etag_differs_when_contact_data_is_shown(api: Api) -> None:
    public = api.get("/v1/people/person:api-private-broker").headers["etag"]
    staff = api.get("/v1/people/person:api-private-broker", "staff:read").headers["etag"]
    assert public != staff


def test_posts_and_errors_carry_no_etag(api: Api) -> None:
    assert "etag" not in api.post("/v1/paths", json={"source": "city:shanghai",
                                                     "target": "city:suzhou"}).headers
    assert "etag" not in api.get("/v1/parks/park:nope").headers


def test_gzip_for_large_responses_only(api: Api) -> None:
    big = api.get("/v1/parks", params={"limit": 100}, headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert big.json()["items"]  # httpx decompresses
    small = api.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_declared_body_over_the_limit_is_413(api_factory: ApiFactory) -> None:
    api = api_factory(max_request_bytes=2048)
    response = api.post("/v1/landing/search", json={"industry": "industry:ai",
                                                    "facility_types": ["office"] * 600})
    assert_problem(response, 413)


def test_streamed_body_over_the_limit_is_413(api_factory: ApiFactory) -> None:
    api = api_factory(max_request_bytes=2048)

    def chunks() -> Iterator[bytes]:
        yield b'{"industry": "industry:ai", "facility_types": ['
        for _ in range(300):
            yield b'"office", '
        yield b'"office"]}'

    response = api.post("/v1/landing/search", content=chunks(),
                        headers={"Content-Type": "application/json"})
    assert_problem(response, 413)


def test_unexpected_errors_are_a_logged_500_problem(fresh_api: Api,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        backend = "broken"

        def __getattr__(self, name: str) -> Any:
            msg = "the store exploded"
            raise RuntimeError(msg)

    fresh_api.app.dependency_overrides[get_store] = lambda: Broken()
    with caplog.at_level(logging.ERROR, logger="alliance.api"):
        response = fresh_api.get("/v1/parks/park:suzhou-sip")
    body = assert_problem(response, 500)
    assert "exploded" not in body["detail"]
    assert any("the store exploded" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


def test_backend_unavailable_is_503_with_retry_after(fresh_api: Api) -> None:
    class Down:
        backend = "down"

        def __getattr__(self, name: str) -> Any:
            msg = "Neo4j is down"
            raise BackendUnavailable(msg)

    fresh_api.app.dependency_overrides[get_store] = lambda: Down()
    response = fresh_api.get("/v1/parks/park:suzhou-sip")
    assert_problem(response, 503)
    assert response.headers["retry-after"] == "5"


def test_health_and_readiness(fresh_api: Api) -> None:
    assert fresh_api.get("/healthz").json() == {"status": "ok", "backend": None}
    assert fresh_api.get("/readyz").json() == {"status": "ready", "backend": "embedded"}
    fresh_api.app.state.store.close()
    assert fresh_api.get("/healthz").status_code == 200
    assert_problem(fresh_api.get("/readyz"), 503)


def test_unknown_paths_and_methods_are_problems(api: Api) -> None:
    assert_problem(api.get("/v1/nowhere"), 404)
    assert_problem(api.request("PUT", "/v1/search"), 405)


def test_root_answers_without_the_console(api: Api) -> None:
    response = api.get("/")
    assert response.status_code == 200
    assert "docs" in response.text.lower() or "<html" in response.text.lower()
    assert api.get("/docs").status_code == 200


def test_openapi_has_clean_ids_and_problem_responses(api: Api) -> None:
    schema = api.get("/openapi.json").json()
    operations = [(path, method, op) for path, item in schema["paths"].items()
                  for method, op in item.items()]
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+-[a-z]+", op_id) for op_id in ids), ids
    assert {"landing-search", "landing-compare", "collaborators-search", "collaborators-team",
            "paths-connect", "search-entities", "parks-list", "parks-get", "parks-create",
            "parks-replace", "parks-update", "parks-delete", "entities-neighbours",
            "stats-get", "referrals-advance", "referrals-funnel", "import-run",
            "relationships-create", "audit-list"} <= set(ids)
    for path, method, op in operations:
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"], (
                    path, method, status)
        if path.startswith("/v1/"):
            assert {"401", "429"} <= set(op["responses"]), (path, method)
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    landing = schema["paths"]["/v1/landing/search"]["post"]
    body_schema = landing["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema["$ref"].endswith("/LandingRequest")
    assert schema["components"]["schemas"]["LandingRequest"]["examples"]
    assert "examples" in schema["paths"]["/v1/parks"]["post"]["requestBody"]["content"][
        "application/json"]
