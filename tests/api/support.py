"""Test data and helpers of the API tests: people with private and public contact data,
settings on a copy of the seeded store, a client wrapper with one key per scope, and the
problem-details assertion."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from alliance.access.scopes import Scope
from alliance.settings import Settings
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import ReferralStage, Role
from tests import factories as f

PRIVATE_BROKER = "person:api-private-broker"
PRIVATE_LAWYER = "person:api-private-lawyer"
PUBLIC_ACCOUNTANT = "person:api-public-accountant"
ASKER = "person:api-asker"
STARTUP = "company:api-startup"
REFERRAL = "referral:api-startup-to-biobay"
PRIVATE_CONTACTS = {
    "private.broker@example.org", "+86 139 0000 0001", "wx_private_broker",
    "private.lawyer@example.org", "+86 139 0000 0002", "wx_private_lawyer",
}
PUBLIC_CONTACTS = {"public.accountant@example.org", "+86 139 0000 0003"}


def api_people() -> tuple[list[NodeRecord], list[RelRecord]]:
    """People near the Suzhou BioBAY whom landing, collaborator and team searches find."""
    nodes = [
        f.person("api-private-broker", name_zh="隐私经纪人", name_en="Private Broker",
                 roles=[Role.BROKER], certification_level="senior",
                 email="private.broker@example.org", phone="+86 139 0000 0001",
                 wechat="wx_private_broker", public_contact=False),
        f.person("api-private-lawyer", name_zh="隐私律师", name_en="Private Lawyer",
                 roles=[Role.LAWYER], email="private.lawyer@example.org",
                 phone="+86 139 0000 0002", wechat="wx_private_lawyer"),
        f.person("api-public-accountant", name_zh="公开会计", name_en="Public Accountant",
                 roles=[Role.ACCOUNTANT], email="public.accountant@example.org",
                 phone="+86 139 0000 0003", public_contact=True),
        f.person("api-asker", name_zh="提问经纪人", name_en="Asking Broker",
                 roles=[Role.BROKER]),
        f.company(STARTUP, name_zh="示例初创", name_en="Demo Startup", stage="angel",
                  founded_year=2021),
        f.referral(REFERRAL, name_zh="示例初创 → 生物纳米园", name_en="Demo → BioBAY",
                   stage=ReferralStage.FIRST_MEETING, proposed_on=date(2025, 1, 2),
                   first_meeting_on=date(2025, 2, 1)),
    ]
    rels = [
        f.covers(PRIVATE_BROKER, "park:suzhou-sip-biobay"),
        f.covers(PRIVATE_BROKER, "city:suzhou"),
        f.expert_in(PRIVATE_BROKER, "industry:medical-devices"),
        f.based_in(PRIVATE_BROKER, "city:suzhou"),
        f.has_skill(PRIVATE_BROKER, "skill:nmpa-regulatory", level=4),
        f.based_in(PRIVATE_LAWYER, "city:suzhou"),
        f.has_skill(PRIVATE_LAWYER, "skill:contract-drafting", level=5),
        f.has_skill(PRIVATE_LAWYER, "skill:tech-licensing-agreements", level=4),
        f.based_in(PUBLIC_ACCOUNTANT, "city:suzhou"),
        f.has_skill(PUBLIC_ACCOUNTANT, "skill:patent-valuation", level=4),
        f.based_in(ASKER, "city:shanghai"),
        f.collaborated_with(ASKER, PRIVATE_LAWYER, deal="biobay-licence", year=2024),
        f.collaborated_with(PRIVATE_LAWYER, PRIVATE_BROKER, deal="sip-landing", year=2023),
        f.collaborated_with(PRIVATE_BROKER, PUBLIC_ACCOUNTANT, deal="valuation", year=2024),
        f.based_in(STARTUP, "city:shanghai"),
        f.in_industry(STARTUP, "industry:medical-devices"),
        f.refers(REFERRAL, STARTUP),
        f.referred_to(REFERRAL, "park:suzhou-sip-biobay"),
        f.referred_by(REFERRAL, PRIVATE_BROKER),
    ]
    return nodes, rels




def fresh_settings(seeded_db: Path, folder: Path, **overrides: Any) -> Settings:
    """Settings on a private copy of the seeded store in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "alliance.sqlite3"
    shutil.copyfile(seeded_db, db_path)
    values: dict[str, Any] = {"db_path": db_path, "load_seed_if_empty": False,
                              "quota_per_minute": 100_000,
                              "anonymous_quota_per_minute": 100_000, **overrides}
    return Settings(**values)


@dataclass
class Api:
    """A started app, its test client and one key per scope."""

    app: FastAPI
    client: TestClient
    keys: dict[str, str]

    def headers(self, scope: str | None) -> dict[str, str]:
        return {"X-API-Key": self.keys[scope]} if scope else {}

    def get(self, url: str, scope: str | None = None, **kwargs: Any) -> Any:
        return self.client.get(url, headers={**self.headers(scope),
                                             **kwargs.pop("headers", {})}, **kwargs)

    def post(self, url: str, scope: str | None = None, **kwargs: Any) -> Any:
        return self.client.post(url, headers={**self.headers(scope),
                                              **kwargs.pop("headers", {})}, **kwargs)

    def request(self, method: str, url: str, scope: str | None = None, **kwargs: Any) -> Any:
        return self.client.request(method, url, headers={**self.headers(scope),
                                                         **kwargs.pop("headers", {})},
                                   **kwargs)


def make_keys(app: FastAPI) -> dict[str, str]:
    """One key per scope, named after it."""
    return {scope.value: app.state.access.keys.create(name=scope.value, scopes=[scope])[1]
            for scope in Scope}


ApiFactory = Callable[..., Api]


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and first field)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:alliance:problem:")
    assert {"title", "detail", "instance"} <= set(body)
    if field is not None:
        fields = [error["field"] for error in body.get("errors") or []]
        assert body.get("field") == field or field in fields, body
    return body
