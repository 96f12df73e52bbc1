"""Compact answers (the default) say exactly what `explain=full` says: putting the names
back into every path and the shared fields back into every policy match gives the
verbose answer, byte for byte once parsed; and the compact form names each node and
writes each policy once."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from alliance.api.compact import encoded
from alliance.services import landing
from alliance.services.explain import copied
from alliance.services.landing import LandingRequest
from alliance.services.policy_counting import Status
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


POLICY_LISTS = ("eligible_policies", "near_miss_policies", "founding_team_policies",
                "broker_side")


def expanded(value: Any, names: dict[str, dict[str, str]],
             policies: dict[str, dict[str, Any]]) -> Any:
    """The compact answer with every path's node ids replaced by their NodeRefs and
    every policy match completed from `policies`."""
    if isinstance(value, list):
        return [expanded(item, names, policies) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"nodes", "rel_types", "forward"}:
        return {**value, "nodes": [{"id": node, **names[node]} for node in value["nodes"]]}
    return {key: [expanded({**policies[match["id"]], **match}, names, policies)
                  for match in item] if key in POLICY_LISTS
            else expanded(item, names, policies) for key, item in value.items()}


def policy_matches(value: Any) -> list[dict[str, Any]]:
    """Every policy match in an answer."""
    if isinstance(value, list):
        return [match for item in value for match in policy_matches(item)]
    if not isinstance(value, dict):
        return []
    return [match for key, item in value.items()
            for match in (item if key in POLICY_LISTS else policy_matches(item))]


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
    assert "policies" not in verbose
    names = short.pop("names")
    policies = short.pop("policies", {})
    nodes = path_nodes(short) + path_nodes(policies)
    assert nodes, "every question here has explanation paths"
    assert all(isinstance(node, str) for node in nodes)
    assert set(names) == set(nodes), "names hold exactly the nodes the paths mention"
    assert list(names) == sorted(names)
    matches = policy_matches(short)
    assert set(policies) == {match["id"] for match in matches}
    assert list(policies) == sorted(policies)
    for match in matches:  # a match keeps only what differs from its policy's entry
        entry = policies[match["id"]]
        assert all(match[key] != entry[key] for key in match if key != "id"), match["id"]
    assert bool(policies) == url.startswith("/v1/landing"), "landing answers have policies"
    assert expanded(short, names, policies) == verbose
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


def test_matches_of_one_policy_each_write_what_they_differ_in(api: Api) -> None:
    """Three matches of one policy, differing from the first in the path alone or also in
    their money, encoded in answer after answer and in either order (what differs is
    kept per pair of matches, `landing_models._differing`): each expands to itself."""
    request = LandingRequest.model_validate(LANDING)
    answer = landing.search(api.app.state.store, request)
    park = next(park for park in answer.parks if park.eligible_policies)
    first = park.eligible_policies[0]
    other = next(path for path in (park.rail_path, *(m.path for m in park.near_miss_policies))
                 if path != first.path)
    moved = copied(first, {"path": other})
    paid = copied(first, {"path": other, "status": Status.NOT_STACKED, "value_cny": 1.0})
    for order in ([first, moved, paid], [first, paid, moved], [first, moved, paid]):
        result = answer.model_copy(update={"parks": [park.model_copy(
            update={"eligible_policies": order})]})
        short = orjson.loads(encoded(result, "compact"))
        names, policies = short.pop("names"), short.pop("policies")
        assert expanded(short, names, policies) == orjson.loads(encoded(result, "full"))
