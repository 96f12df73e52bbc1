"""Compact answers (the default) say exactly what `explain=full` says: putting the names
back into every path gives the verbose answer, byte for byte once parsed; and the
compact form names each node once."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.services import landing
from alliance.services.landing import LandingRequest
from tests.api.support import ASKER, PRIVATE_BROKER, Api, assert_problem

LANDING = {"origin_city": "city:shanghai", "industry": "industry:medical-devices",
           "area_m2": 1000, "max_rail_minutes": 60, "top_k": 10,
           "profile": {"stage": "angel", "founded_year": 2021}}

QUESTIONS = [
    ("/v1/landing/search", LANDING),
    ("/v1/landing/search", {**LANDING, "industry": "industry:biomedicine", "top_k": 3,
                            "why_not": "park:suzhou-sip-biobay"}),
    ("/v1/landing/compare", LANDING),
    ("/v1/collaborators/search", {"asker": ASKER, "top_k": 20}),
    ("/v1/collaborators/team", {"asker": ASKER, "vertical": "industry:medical-devices",
                                "cities": ["city:suzhou"]}),
    ("/v1/paths", {"source": ASKER, "target": PRIVATE_BROKER, "k": 5}),
    ("/v1/paths", {"source": "city:shanghai", "target": "park:suzhou-sip-biobay", "k": 3}),
]


def expanded(value: Any, names: dict[str, dict[str, str]]) -> Any:
    """The compact answer with every path's node ids replaced by their NodeRefs."""
    if isinstance(value, list):
        return [expanded(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"nodes", "rel_types", "forward"}:
        return {**value, "nodes": [{"id": node, **names[node]} for node in value["nodes"]]}
    return {key: expanded(item, names) for key, item in value.items()}


def path_nodes(value: Any) -> list[Any]:
    """Every node of every path in an answer."""
    if isinstance(value, list):
        return [node for item in value for node in path_nodes(item)]
    if not isinstance(value, dict):
        return []
    if set(value) == {"nodes", "rel_types", "forward"}:
        return list(value["nodes"])
    return [node for item in value.values() for node in path_nodes(item)]


@pytest.mark.parametrize(("url", "body"), QUESTIONS)
def test_compact_answer_expands_to_the_full_one(api: Api, url: str, body: dict[str, Any]
                                                ) -> None:
    compact = api.post(url, "staff:read", json=body)
    full = api.post(url, "staff:read", json=body, params={"explain": "full"})
    assert compact.status_code == full.status_code == 200, compact.text
    short, verbose = compact.json(), full.json()
    assert "names" not in verbose
    names = short.pop("names")
    nodes = path_nodes(short)
    assert nodes, "every question here has explanation paths"
    assert all(isinstance(node, str) for node in nodes)
    assert set(names) == set(nodes), "names hold exactly the nodes the paths mention"
    assert list(names) == sorted(names)
    assert expanded(short, names) == verbose
    assert len(compact.content) < len(full.content)


def test_full_form_is_what_the_service_returns(api: Api) -> None:
    """`explain=full` is the service's own answer, as the CLI prints it."""
    store = api.app.state.store
    request = LandingRequest.model_validate(LANDING)
    expected = landing.search(store, request, reveal_contacts=False).model_dump(mode="json")
    full = api.post("/v1/landing/search", json=LANDING, params={"explain": "full"})
    assert full.json() == expected


def test_explain_takes_only_its_two_words(api: Api) -> None:
    assert_problem(api.post("/v1/landing/search", json=LANDING, params={"explain": "all"}),
                   422, "query.explain")
