"""Collaborator search, team mode and paths: constraints hold and trust paths are real."""

from __future__ import annotations

from collections import Counter

import pytest

from alliance.errors import NotFound
from alliance.services import collaborators, paths
from alliance.services.collaborators import (
    CollaboratorRequest,
    TeamRequest,
    best_trust_path,
    hop_strength,
)
from alliance.services.explain import PathOut
from alliance.services.paths import PathRequest
from alliance.store.base import GraphPath, GraphStore, TrustHop, TrustPath
from graph_schema.vocabulary import Label, RelType, Role, SkillCategory


def hub(store: GraphStore) -> str:
    """The person with the most collaborations: a well-connected asker."""
    degree: Counter[str] = Counter()
    for rel in store.get_relationships(RelType.COLLABORATED_WITH):
        degree.update([rel.source, rel.target])
    return min(degree, key=lambda person: (-degree[person], person))


def skills_of(store: GraphStore, category: SkillCategory) -> list[str]:
    return [s.id for s in store.list_nodes(Label.SKILL, filters={"category": category.value},
                                           limit=500)]


def assert_path_exists(store: GraphStore, path: PathOut) -> None:
    """Every hop of the path is a stored relationship of the stated type."""
    ids = path.node_ids
    for (a, b), rel_type, forward in zip(zip(ids, ids[1:], strict=False), path.rel_types,
                                         path.forward, strict=True):
        source, target = (a, b) if forward else (b, a)
        stored = {rel.target for rel in store.get_relationships(RelType(rel_type),
                                                                 source=source)}
        assert target in stored, f"{source} -{rel_type}-> {target} is not in the graph"


def test_trust_paths_exist_and_start_at_the_asker(seed_store: GraphStore) -> None:
    asker = hub(seed_store)
    request = CollaboratorRequest(asker=asker, skills=skills_of(seed_store, SkillCategory.IP),
                                  max_hops=3, top_k=100)
    result = collaborators.search(seed_store, request)
    assert result.collaborators
    warm = [c for c in result.collaborators if not c.cold]
    assert warm, "a hub broker reaches someone with IP skills within 3 hops"
    for item in warm:
        assert item.trust_path is not None
        assert item.trust_path.node_ids[0] == asker
        assert item.trust_path.node_ids[-1] == item.person.id
        assert item.hops == len(item.trust_path.rel_types) <= 3
        assert_path_exists(seed_store, item.trust_path)
        assert set(item.trust_path.rel_types) <= {"COLLABORATED_WITH", "WORKS_AT"}
    colds = [c.cold for c in result.collaborators]
    assert colds == sorted(colds), "cold contacts follow the others"
    assert asker not in {c.person.id for c in result.collaborators}


def test_hard_constraints_hold(seed_store: GraphStore) -> None:
    wanted = skills_of(seed_store, SkillCategory.LEGAL)[:3]
    request = CollaboratorRequest(skills=wanted, min_level=3, roles=[Role.LAWYER], top_k=100)
    result = collaborators.search(seed_store, request)
    assert result.collaborators
    for item in result.collaborators:
        assert "Lawyer" in item.person.roles
        assert item.skills
        assert all(level >= 3 and skill in wanted
                                   for skill, level in item.skills)


def test_all_of_needs_every_skill(seed_store: GraphStore) -> None:
    wanted = skills_of(seed_store, SkillCategory.TAX)[:2]
    result = collaborators.search(seed_store, CollaboratorRequest(
        skills=wanted, require_all_skills=True, top_k=100))
    for item in result.collaborators:
        assert {skill for skill, _ in item.skills} == set(wanted)


def test_unknown_skill_is_named(seed_store: GraphStore) -> None:
    with pytest.raises(NotFound) as caught:
        collaborators.search(seed_store, CollaboratorRequest(skills=["skill:juggling"]))
    assert caught.value.field == "skills"


def test_contact_data_only_when_allowed(seed_store: GraphStore) -> None:
    result = collaborators.search(seed_store, CollaboratorRequest(top_k=100))
    for item in result.collaborators:
        assert (item.person.contact is not None) == item.person.public_contact
    revealed = collaborators.search(seed_store, CollaboratorRequest(top_k=100),
                                    reveal_contacts=True)
    assert all(item.person.contact is not None for item in revealed.collaborators)


def test_strongest_trust_path_prefers_recent_repeated_work() -> None:
    def trust(nodes: tuple[str, ...], deals: list[tuple[tuple[str, int], ...]]) -> TrustPath:
        rels = ("COLLABORATED_WITH",) * (len(nodes) - 1)
        path = GraphPath(nodes, ("Person",) * len(nodes), rels, (True,) * len(rels))
        return TrustPath(path, tuple(TrustHop(d) for d in deals))

    old = trust(("a", "b", "z"), [(("x", 2015),), (("y", 2016),)])
    recent = trust(("a", "c", "z"), [(("x", 2025),), (("y", 2024),)])
    assert best_trust_path((old, recent), 2025) is recent
    assert hop_strength((("d1", 2025), ("d2", 2025)), 2025) > hop_strength((("d1", 2025),),
                                                                            2025)


def test_team_fills_complementary_seats(seed_store: GraphStore) -> None:
    asker = hub(seed_store)
    result = collaborators.team(seed_store, TeamRequest(asker=asker,
                                                        vertical="industry:biomedicine"))
    seats = {seat.seat: seat.member for seat in result.seats}
    assert set(seats) | set(result.missing_seats) == {"lawyer", "finance", "broker"}
    assert "broker" in seats
    assert "Broker" in seats["broker"].person.roles
    assert len({m.person.id for m in seats.values()}) == len(seats)
    for link in result.links:
        if link.path is not None:
            assert_path_exists(seed_store, link.path)


def test_paths_between_entities(seed_store: GraphStore) -> None:
    parks = seed_store.list_nodes(Label.PARK, limit=1)
    request = PathRequest(source="city:shanghai", target=parks[0].id, k=3, max_hops=4)
    result = paths.connect(seed_store, request)
    assert result.paths
    hops = [len(p.rel_types) for p in result.paths]
    assert hops == sorted(hops)
    assert hops[0] <= 4
    for path in result.paths:
        assert path.node_ids[0] == "city:shanghai"
        assert path.node_ids[-1] == parks[0].id
        assert_path_exists(seed_store, path)
    with pytest.raises(NotFound) as caught:
        paths.connect(seed_store, PathRequest(source="city:shanghai", target="park:nowhere"))
    assert caught.value.field == "target"
    only_rail = paths.connect(seed_store, PathRequest(
        source="city:shanghai", target="city:nanjing", k=2, max_hops=6,
        rel_types=[RelType.HSR_LINK]))
    assert all(set(p.rel_types) == {"HSR_LINK"} for p in only_rail.paths)
