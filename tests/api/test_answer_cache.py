"""Kept answers (`alliance.api.answer_cache`): the same question on an unchanged graph
gets the bytes encoded before; a write, another caller's view or another question
computes afresh, so a kept answer is never stale nor another caller's."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request

from alliance.api.answer_cache import AnswerCache, respond
from alliance.api.compact import encoded
from alliance.services import landing
from alliance.services.landing import LandingRequest
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label
from tests.api.support import PRIVATE_BROKER, Api

QUESTION = {"origin_city": "city:shanghai", "industry": "industry:medical-devices",
            "area_m2": 1000, "max_rail_minutes": 60, "top_k": 100, "as_of": "2025-06-30"}


def fresh_answer(api: Api, *, reveal_contacts: bool = False) -> bytes:
    """What the service answers now, encoded as the view encodes it."""
    store = api.app.state.store
    return encoded(landing.search(store, LandingRequest.model_validate(QUESTION),
                                  reveal_contacts=reveal_contacts), "compact")


def test_the_same_question_is_answered_from_the_kept_bytes(fresh_api: Api) -> None:
    first = fresh_api.post("/v1/landing/search", json=QUESTION)
    assert first.status_code == 200, first.text
    answers: AnswerCache = fresh_api.app.state.answers
    kept = list(answers._answers.values())  # noqa: SLF001 - what the cache holds
    assert kept == [first.content]
    again = fresh_api.post("/v1/landing/search", json=QUESTION)
    assert again.content == first.content == fresh_answer(fresh_api)
    assert fresh_api.post("/v1/landing/search?explain=full", json=QUESTION).content != \
        first.content
    assert len(answers._answers) == 2  # noqa: SLF001


def test_a_write_makes_the_next_answer_fresh(fresh_api: Api) -> None:
    before = fresh_api.post("/v1/landing/search", json=QUESTION).json()
    best = before["parks"][0]["summary"]["park"]["id"]
    changed = fresh_api.request("PATCH", f"/v1/parks/{best}", "staff:write",
                                json={"rent_cny_m2_month": 1.5})
    assert changed.status_code == 200, changed.text
    after = fresh_api.post("/v1/landing/search", json=QUESTION)
    assert after.content == fresh_answer(fresh_api)
    assert after.json() != before


def test_contacts_are_kept_apart_per_caller(fresh_api: Api) -> None:
    anonymous = fresh_api.post("/v1/landing/search", json=QUESTION)
    staff = fresh_api.post("/v1/landing/search", "staff:read", json=QUESTION)
    assert anonymous.content == fresh_answer(fresh_api)
    assert staff.content == fresh_answer(fresh_api, reveal_contacts=True)
    assert "private.broker@example.org" in staff.text
    assert "private.broker@example.org" not in anonymous.text
    assert PRIVATE_BROKER in anonymous.text


def test_an_answer_computed_across_a_write_is_not_kept(tmp_path: Any) -> None:
    store = EmbeddedStore(tmp_path / "graph.sqlite3")
    cache = AnswerCache(max_bytes=1 << 20)
    request = Request({"type": "http", "app": _App(cache)})
    written = 0

    def encode_while_writing() -> bytes:
        nonlocal written
        written += 1
        store.write(nodes=[NodeRecord(f"city:c{written}", Label.CITY, frozenset({"City"}), {
            "name_zh": "城", "name_en": "City", "name_pinyin": "cheng"})], relationships=[])
        return b'{"written": %d}' % written

    try:
        first = asyncio.run(respond(request, store, "q", encode_while_writing))
        second = asyncio.run(respond(request, store, "q", encode_while_writing))
        assert (first.body, second.body) == (b'{"written": 1}', b'{"written": 2}')
        assert not cache._answers  # noqa: SLF001
        third = asyncio.run(respond(request, store, "q", lambda: b"{}"))
        fourth = asyncio.run(respond(request, store, "q", encode_while_writing))
        assert third.body == fourth.body == b"{}"
    finally:
        store.close()


class _App:
    """What `respond` reads of the app: its state's cache."""

    def __init__(self, cache: AnswerCache) -> None:
        self.state = type("State", (), {"answers": cache})()


def test_an_entity_s_kept_version_follows_its_writes(fresh_api: Api) -> None:
    """GET one entity tags it with its version, kept until the next write: after a write
    (to it, or only to one of its relationships) the tag is the new version."""
    from alliance.services import directory

    store = fresh_api.app.state.store

    def version_now(entity_id: str) -> str:
        return f'"{directory.version(store, store.get_node(entity_id))}"'

    for url in ("/v1/parks/park:suzhou-sip", "/v1/entities/park:suzhou-sip"):
        first = fresh_api.get(url).headers["etag"]
        assert fresh_api.get(url).headers["etag"] == first == version_now("park:suzhou-sip")
    changed = fresh_api.request("PATCH", "/v1/parks/park:suzhou-sip", "staff:write",
                                json={"rent_cny_m2_month": 2.5})
    assert changed.status_code == 200, changed.text
    for url in ("/v1/parks/park:suzhou-sip", "/v1/entities/park:suzhou-sip"):
        assert fresh_api.get(url).headers["etag"] == version_now("park:suzhou-sip") != first
