"""Keys and scopes (401 / 403 per scope), revoked and malformed keys, required keys,
quotas with RateLimit headers and 429 + Retry-After, CORS."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.support import PRIVATE_BROKER, Api, ApiFactory, assert_problem

SCOPES = [None, "public:read", "staff:read", "staff:write", "admin"]

READS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/v1/parks", None),
    ("GET", "/v1/search?q=suzhou", None),
    ("POST", "/v1/paths", {"source": "city:shanghai", "target": "city:suzhou"}),
    ("GET", "/v1/funnel", None),
]
WRITE: tuple[str, str, dict[str, Any]] = ("PATCH", "/v1/cities/city:suzhou", {})
"""Changes nothing: safe on the shared app."""
ADMIN: tuple[str, str, dict[str, Any] | None] = ("GET", "/v1/audit", None)


def call(api: Api, scope: str | None, method: str, url: str, body: dict[str, Any] | None
         ) -> Any:
    return api.request(method, url, scope, json=body)


@pytest.mark.parametrize("scope", SCOPES)
def test_reads_are_open_to_every_scope(api: Api, scope: str | None) -> None:
    for method, url, body in READS:
        response = call(api, scope, method, url, body)
        assert response.status_code == 200, (method, url, response.text)


@pytest.mark.parametrize(("scope", "status"), [
    (None, 401), ("public:read", 403), ("staff:read", 403), ("staff:write", 200),
    ("admin", 200),
])
def test_writes_need_staff_write(api: Api, scope: str | None, status: int) -> None:
    response = call(api, scope, *WRITE)
    if status == 200:
        assert response.status_code == 200, response.text
    else:
        body = assert_problem(response, status)
        assert "staff:write" in body["detail"]
    if status == 401:
        assert response.headers["www-authenticate"].startswith("ApiKey")


@pytest.mark.parametrize(("scope", "status"), [
    (None, 401), ("public:read", 403), ("staff:read", 403), ("staff:write", 403),
    ("admin", 200),
])
def test_audit_needs_admin(api: Api, scope: str | None, status: int) -> None:
    response = call(api, scope, *ADMIN)
    if status == 200:
        assert response.status_code == 200, response.text
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(("scope", "shown"), [
    (None, False), ("public:read", False), ("staff:read", True), ("staff:write", True),
    ("admin", True),
])
def test_contact_data_needs_staff_read(api: Api, scope: str | None, shown: bool) -> None:
    person = api.get(f"/v1/people/{PRIVATE_BROKER}", scope).json()
    assert ("email" in person) is shown
    assert ("wechat" in person) is shown


@pytest.mark.parametrize("key", ["nonsense", "ak.0123456789abcdef.wrong",
                                 "ak.short.secret", ""])
def test_unknown_or_malformed_keys_are_401(api: Api, key: str) -> None:
    response = api.get("/v1/parks", headers={"X-API-Key": key})
    assert_problem(response, 401)


def test_a_revoked_key_is_refused(fresh_api: Api) -> None:
    key = fresh_api.keys["staff:read"]
    assert fresh_api.get("/v1/parks", "staff:read").status_code == 200
    key_id = key.split(".")[1]
    fresh_api.app.state.access.keys.revoke(key_id)
    fresh_api.app.state.access._cache.clear()  # the server forgets within 10 s anyway
    assert_problem(fresh_api.get("/v1/parks", "staff:read"), 401)


def test_keys_are_stored_hashed(fresh_api: Api) -> None:
    path = fresh_api.app.state.settings.db_path.with_name("access.sqlite3")
    data = open(path, "rb").read()  # noqa: PTH123 - raw bytes of the SQLite file
    for key in fresh_api.keys.values():
        assert key.split(".")[2].encode() not in data


def test_required_keys_refuse_anonymous_reads(api_factory: ApiFactory) -> None:
    api = api_factory(require_api_key=True)
    body = assert_problem(api.get("/v1/parks"), 401)
    assert "X-API-Key" in body["detail"]
    assert_problem(api.post("/v1/landing/search", json={"industry": "industry:ai"}), 401)
    assert api.get("/v1/parks", "public:read").status_code == 200
    assert api.get("/healthz").status_code == 200
    assert api.get("/readyz").status_code == 200


def test_quota_headers_then_429_with_retry_after(api_factory: ApiFactory) -> None:
    api = api_factory(quota_per_minute=3, anonymous_quota_per_minute=2)
    first = api.get("/v1/stats", "public:read")
    assert first.headers["ratelimit-limit"] == "3"
    assert first.headers["ratelimit-remaining"] == "2"
    reset = int(first.headers["ratelimit-reset"])
    assert 1 <= reset <= 60
    api.get("/v1/stats", "public:read")
    api.get("/v1/stats", "public:read")
    refused = api.get("/v1/stats", "public:read")
    assert_problem(refused, 429)
    assert 1 <= int(refused.headers["retry-after"]) <= reset
    assert refused.headers["ratelimit-remaining"] == "0"
    other_key = api.get("/v1/stats", "staff:read")  # each key has its own quota
    assert other_key.status_code == 200
    assert api.get("/v1/stats").headers["ratelimit-limit"] == "2"  # anonymous: by address
    api.get("/v1/stats")
    assert_problem(api.get("/v1/stats"), 429)
    assert api.get("/healthz").status_code == 200  # health is never counted


def test_cors_allows_only_configured_origins(api_factory: ApiFactory) -> None:
    api = api_factory(cors_origins=["https://partner.example"])
    allowed = api.client.options("/v1/parks", headers={
        "Origin": "https://partner.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "X-API-Key"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://partner.example"
    simple = api.get("/v1/parks", headers={"Origin": "https://partner.example"})
    assert simple.headers["access-control-allow-origin"] == "https://partner.example"
    assert "RateLimit-Remaining" in simple.headers["access-control-expose-headers"]
    other = api.get("/v1/parks", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
