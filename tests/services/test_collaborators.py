"""Collaborator search, team mode and paths: constraints hold and trust paths are real."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import combinations
from typing import Any

import networkx as nx
import pytest

from alliance.errors import NotFound
from alliance.services import collaborators, paths
from alliance.services.collaborators import (
    CollaboratorRequest,
    TeamRequest,
)
from alliance.services.explain import PathOut
from alliance.services.paths import PathRequest
from alliance.services.ties import Deal, TieGraph, best_routes, tie_strength
from alliance.store.base import GraphStore
from alliance.store.embedded import EmbeddedStore
from graph_schema.vocabulary import Label, ReferralStage, RelType, Role, SkillCategory
from tests import factories as f


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
        assert item.hops is not None
        assert item.hops <= len(item.trust_path.rel_types) <= 2 * item.hops <= 6
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


def test_tie_strength_follows_its_evidence() -> None:
    landed = Deal(2025, "a", stage=ReferralStage.LANDED)
    assert tie_strength([landed], False, 2025) > tie_strength([Deal(2016, "a",
                                                                    stage=ReferralStage.LANDED)],
                                                              False, 2025)
    assert tie_strength([landed, Deal(2024, "b")], False, 2025) > tie_strength([landed], False,
                                                                                2025)
    assert tie_strength([landed], False, 2025) > tie_strength(
        [Deal(2025, "a", stage=ReferralStage.DROPPED)], False, 2025)
    assert tie_strength([Deal(2025, "a", value_cny=5e7)], False, 2025) > tie_strength(
        [Deal(2025, "a")], False, 2025)
    assert tie_strength([], True, 2025) > tie_strength([], False, 2025) == 0.0
    assert tie_strength([landed], True, 2025) > tie_strength([landed], False, 2025)


def tie_network(store: GraphStore, year: int) -> nx.Graph:
    """Every tie of the graph, weighed by the documented formula, built here directly."""
    deals: dict[tuple[str, str], list[Deal]] = {}
    for rel in store.get_relationships(RelType.COLLABORATED_WITH):
        pair = (min(rel.source, rel.target), max(rel.source, rel.target))
        deals.setdefault(pair, []).append(Deal.from_rel(rel))
    staff: dict[str, list[str]] = {}
    for rel in store.get_relationships(RelType.WORKS_AT):
        staff.setdefault(rel.target, []).append(rel.source)
    shared: set[tuple[str, str]] = {pair for people in staff.values()
                                     for pair in combinations(sorted(set(people)), 2)}
    graph = nx.Graph()
    for pair in set(deals) | shared:
        graph.add_edge(*pair, strength=tie_strength(deals.get(pair, []), pair in shared, year))
    return graph


def test_trust_route_is_the_strongest_weakest_link_then_shortest(seed_store: GraphStore
                                                                  ) -> None:
    asker = hub(seed_store)
    result = collaborators.search(seed_store, CollaboratorRequest(
        asker=asker, roles=[Role.LAWYER], verticals=["industry:medical-devices"], max_hops=3,
        top_k=8, as_of=date(2025, 9, 1)))
    network = tie_network(seed_store, 2025)
    warm = [c for c in result.collaborators if not c.cold]
    assert warm
    for item in warm:
        assert item.trust_path is not None
        assert_path_exists(seed_store, item.trust_path)
        strengths = [step.strength for step in item.trust_steps]
        assert item.weakest_tie == min(strengths)
        for step in item.trust_steps:
            assert network.edges[step.between]["strength"] == step.strength
        routes = [(min(network.edges[a, b]["strength"] for a, b in zip(p, p[1:], strict=False)),
                   -(len(p) - 1)) for p in nx.all_simple_paths(network, asker, item.person.id,
                                                               cutoff=3)]
        assert item.hops is not None
        assert max(routes) == (item.weakest_tie, -item.hops)
        assert item.introduction is not None
        if item.hops and item.hops > 1:
            assert item.introduction.ask is not None
            assert item.introduction.ask.id == item.trust_path.node_ids[
                1 if item.trust_path.rel_types[0] == "COLLABORATED_WITH" else 2]


def test_thin_answer_says_what_widening_gives(seed_store: GraphStore) -> None:
    request = CollaboratorRequest(skills=["skill:ip-litigation"], roles=[Role.LAWYER],
                                  verticals=["industry:dental-devices"], cities=["city:jurong"],
                                  min_level=5)
    result = collaborators.search(seed_store, request)
    assert result.candidates < collaborators.THIN_ANSWER
    assert {r.filter for r in result.relaxations} == {"verticals", "cities", "skills", "roles",
                                                      "min_level"}
    widened: dict[str, dict[str, Any]] = {"verticals": {"verticals": []}, "cities": {"cities": []},
               "roles": {"roles": []}, "min_level": {"min_level": 1}}
    for relaxation in result.relaxations:
        if relaxation.filter in widened:
            again = collaborators.search(seed_store, request.model_copy(
                update=widened[relaxation.filter]))
            assert again.candidates == relaxation.candidates
    plenty = collaborators.search(seed_store, CollaboratorRequest(roles=[Role.LAWYER]))
    assert plenty.relaxations == []


def test_proof_counts_closed_referrals_in_the_vertical(seed_store: GraphStore) -> None:
    result = collaborators.search(seed_store, CollaboratorRequest(
        roles=[Role.BROKER], verticals=["industry:biomedicine"], top_k=100))
    proven = [c for c in result.collaborators if c.proof.landed + c.proof.signed]
    assert proven
    for item in proven[:5]:
        for referral_id in item.proof.referrals:
            referral = seed_store.get_node(referral_id)
            assert referral is not None
            assert referral.properties["stage"] in ("signed", "landed")
            by = seed_store.get_relationships(RelType.REFERRED_BY, source=referral_id)
            assert [rel.target for rel in by] == [item.person.id]
    best = max(result.collaborators, key=lambda c: c.parts["proven"])
    assert best.parts["proven"] > 0


def star_store() -> EmbeddedStore:
    """An asker who knows a lawyer, an accountant and a broker who do not know each other."""
    store = EmbeddedStore(":memory:")
    med = f.industry("medical-devices")
    people = [f.person("asker"), f.person("law", roles=[Role.LAWYER]),
              f.person("acc", roles=[Role.ACCOUNTANT]), f.person("bro")]
    store.write(nodes=[med, *people, f.organization("firm-a"), f.organization("firm-b"),
                       f.organization("firm-c"), f.organization("firm-d")],
                relationships=[
                    *(f.expert_in(p, med) for p in people[1:]),
                    *(f.works_at(p, f"org:firm-{x}") for p, x in zip(people, "abcd",
                                                                       strict=True)),
                    *(f.collaborated_with("person:asker", p, deal=f"deal-{p.id}", year=2024,
                                          stage="signed") for p in people[1:])])
    return store


def test_a_star_team_is_the_last_resort_and_says_so() -> None:
    store = star_store()
    result = collaborators.team(store, TeamRequest(asker="person:asker",
                                                   vertical="industry:medical-devices"))
    assert len(result.seats) == 3
    assert result.cohesion.star
    assert result.cohesion.pairs_worked_together == 0
    assert "last resort" in result.note
    store.write(relationships=[f.collaborated_with("person:law", "person:acc", deal="x",
                                                   year=2025, stage="landed")])
    better = collaborators.team(store, TeamRequest(asker="person:asker",
                                                   vertical="industry:medical-devices"))
    assert not better.cohesion.star
    assert better.cohesion.pairs_worked_together == 1
    store.close()


def test_team_fills_complementary_seats(seed_store: GraphStore) -> None:
    asker = hub(seed_store)
    result = collaborators.team(seed_store, TeamRequest(asker=asker,
                                                        vertical="industry:biomedicine"))
    seats = {seat.seat: seat.member for seat in result.seats}
    assert set(seats) | set(result.missing_seats) == {"lawyer", "finance", "broker"}
    assert "broker" in seats
    assert "Broker" in seats["broker"].person.roles
    assert len({m.person.id for m in seats.values()}) == len(seats)
    network = tie_network(seed_store, date.today().year)
    members = [m.person.id for m in seats.values()]
    together = sum(1 for a, b in combinations(members, 2) if network.has_edge(a, b))
    assert result.cohesion.pairs_worked_together == together
    assert result.cohesion.pairs == len(list(combinations(members, 2)))
    for link in result.links:
        assert link.worked_together == network.has_edge(*link.between)
        if link.path is not None:
            assert_path_exists(seed_store, link.path)
            assert link.strength == min(step.strength for step in link.steps)
    assert result.cohesion.star == (not any(link.path and not link.via_asker
                                            for link in result.links))


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


@pytest.mark.parametrize("seed", range(6))
def test_bounded_ranking_is_the_full_ranking(synth_store: GraphStore, seed: int) -> None:
    """Proofs fetched only where the score bounds leave a rank open: the top, the
    positions and the tied candidates past a start are those of every candidate scored
    in full."""
    import random

    from alliance.services.collaborators import Ranking, asker_routes

    rng = random.Random(seed)
    skills = [n.id for n in synth_store.list_nodes(Label.SKILL, limit=500)]
    industries = [n.id for n in synth_store.list_nodes(Label.INDUSTRY, limit=500)]
    degree = Counter(rel.source for rel in synth_store.get_relationships(
        RelType.COLLABORATED_WITH))
    checked = 0
    for _ in range(6):
        request = CollaboratorRequest(
            asker=rng.choice([p for p, _ in degree.most_common(30)]),
            skills=rng.sample(skills, rng.choice([0, 1, 2])),
            verticals=rng.sample(industries, rng.choice([0, 0, 1])),
            max_hops=rng.choice([2, 3]), as_of=date(2026, 12, 1))
        query = request.to_filter()
        candidates = synth_store.collaborator_ids(query)
        graph, routes = asker_routes(synth_store, request.asker, request.max_hops, 2026,
                                     candidates)

        asked = (synth_store, graph, request, query, candidates, routes)
        full = Ranking(*asked, reveal_contacts=False).top(len(candidates))  # all, in full
        warm = [item for item in full if item.route is not None]
        for count in (1, 3, 10, len(warm)):
            assert Ranking(*asked, reveal_contacts=False).top(count) == full[:count]
        bounded = Ranking(*asked, reveal_contacts=False)
        for item in rng.sample(full, min(8, len(full))):
            assert bounded.position(item) == full.index(item)
        cold = [item for item in full if item.route is None]
        for item in rng.sample(cold, min(4, len(cold))):  # each alone: no cold one scored
            assert Ranking(*asked, reveal_contacts=False).position(item) == full.index(item)
        chosen = set(rng.sample([item.person for item in full], min(40, len(full))))
        for start in (0, 2, 6):
            expected = [item for item in full[start:] if item.person in chosen][:6]
            assert Ranking(*asked, reveal_contacts=False).among(chosen, start, 6) == expected
        checked += len(warm) > 10
    assert checked >= 2, "too few questions had enough warm candidates"


class _RelationshipsOnly:
    """A store seen only through `relationships_of` (no `proof_counts` of its own)."""

    def __init__(self, store: GraphStore) -> None:
        self.relationships_of = store.relationships_of


def test_proof_counts_from_the_index_are_the_relationships_counted(seed_store: GraphStore
                                                                   ) -> None:
    """EmbeddedStore's indexed referral and closed-deal counts equal what the services
    count from the relationships for a store without them (Neo4jStore)."""
    from typing import cast

    from alliance.services.collaborators import proof_counts
    from alliance.store.base import ProofCounter

    assert isinstance(seed_store, ProofCounter)
    people = sorted(node.id for node in seed_store.list_nodes(Label.PERSON, limit=500))
    counted = proof_counts(cast(GraphStore, _RelationshipsOnly(seed_store)), people)
    assert proof_counts(seed_store, people) == counted
    assert any(referred for referred, _ in counted.values())
    assert any(closed for _, closed in counted.values())


def test_ties_from_the_unsorted_read_are_the_ties_from_relationships(synth_store: GraphStore
                                                                    ) -> None:
    """EmbeddedStore's unsorted `tie_relationships` (and targeted ones for the fringe)
    grow the same tie graph and fringe as the sorted `relationships_of` reads a store
    without them is asked (Neo4jStore)."""
    from typing import cast

    from alliance.services.network import grow, neighbourhood
    from alliance.store.base import TieSource

    assert isinstance(synth_store, TieSource)
    plain = cast(GraphStore, _RelationshipsOnly(synth_store))
    degree = Counter(rel.source for rel in synth_store.get_relationships(
        RelType.COLLABORATED_WITH))
    people = sorted(node.id for node in synth_store.list_nodes(Label.PERSON, limit=300))
    for asker, _ in degree.most_common(3):
        targets = set(people[::3])
        fast = neighbourhood(synth_store, [asker], 3, 2026, targets)
        slow = neighbourhood(plain, [asker], 3, 2026, targets)
        assert fast == slow
        assert fast.fringe is not None
        assert slow.fringe is not None
        assert fast.fringe.around == slow.fringe.around
        for person in fast.fringe.around:
            strengths = fast.fringe.strengths(person)
            assert strengths == slow.fringe.strengths(person)
            for other in strengths:
                assert fast.fringe.tie(person, other) == slow.fringe.tie(person, other)
        assert grow(synth_store, fast, people[:40]) == grow(plain, slow, people[:40])
        assert fast == slow


def test_routes_through_the_fringe_are_the_routes_of_the_whole_neighbourhood(
        synth_store: GraphStore) -> None:
    """The last layer weighed through the fringe gives every target the route, and every
    last hop the tie, of a search over all the ties of everyone within max_hops − 1."""
    from alliance.services.network import grow, neighbourhood

    degree = Counter(rel.source for rel in synth_store.get_relationships(
        RelType.COLLABORATED_WITH))
    people = sorted(node.id for node in synth_store.list_nodes(Label.PERSON, limit=500))
    checked = 0
    for max_hops in (1, 2, 3):
        for asker, _ in degree.most_common(4):
            for targets in (set(people[::2]), set(people[1::7])):
                whole = TieGraph(2026)
                frontier = {asker}
                for _ in range(max_hops):
                    frontier = grow(synth_store, whole, frontier)
                expected = {person: route for person, route in
                            best_routes(whole, asker, max_hops).items() if person in targets}
                graph = neighbourhood(synth_store, [asker], max_hops, 2026, targets)
                found = best_routes(graph, asker, max_hops, fringe=graph.fringe,
                                    targets=targets)
                assert {person: route for person, route in found.items()
                        if person in targets} == expected
                for route in expected.values():
                    for a, b in zip(route.people, route.people[1:], strict=False):
                        assert graph.tie(a, b) == whole.tie(a, b)
                checked += sum(route.hops == max_hops for route in expected.values())
    assert checked > 100, "too few routes reached the last layer"


def _column_values(columns: Any) -> dict[str, tuple[Any, ...]]:
    """Per person what `ScoreColumns` say, with the shared values looked up."""
    dates = [(record.properties.get("last_verified"), record.properties.get("as_of"))
             for record in columns.dates]
    return {person: (tuple(columns.levels[row].tolist()), bool(columns.expert[row]),
                     columns.cities[columns.home[row]] if columns.home[row] >= 0 else None,
                     int(columns.collaborations[row]),
                     columns.certifications[columns.certification[row]],
                     dates[columns.dated[row]], int(columns.closed[row]),
                     int(columns.landed[row]), int(columns.signed[row]))
            for row, person in enumerate(columns.people)}


def _referral_stages(store: GraphStore, person: str) -> tuple[int, int, int]:
    """The person's referrals: how many, how many landed, how many signed."""
    stages = [node.properties.get("stage") for node in store.get_nodes(
        [rel.source for rel in store.get_relationships(RelType.REFERRED_BY, target=person)])]
    return len(stages), stages.count("landed"), stages.count("signed")


def test_score_columns_from_the_index_are_the_evidence_columns() -> None:
    """EmbeddedStore's score columns say per person what the columns made from the
    evidence and proof counts say (what a store without them is asked), for skills
    asked or not and levels, also after writes (which drop the arrays); its landed and
    signed counts are the person's referrals at those stages (made from the evidence:
    every referral may count as landed)."""
    from dataclasses import replace

    from alliance.ingest.records import RecordBatch
    from alliance.ingest.synth import synthesize
    from alliance.services.collaborators import _columns_of, proof_counts
    from alliance.services.ingest import load
    from alliance.store.base import CollaboratorFilter, ScoreColumnSource

    store = EmbeddedStore(":memory:")
    load(store, RecordBatch.of(synthesize(nodes=1500, seed=3)))
    assert isinstance(store, ScoreColumnSource)
    skills = sorted(s.id for s in store.list_nodes(Label.SKILL, limit=500))
    cities = [c.id for c in store.list_nodes(Label.CITY, limit=500)]
    people = sorted(store.collaborator_ids(CollaboratorFilter()))
    for round_ in range(4):
        for wanted, level in [((), 1), (tuple(skills[:2]), 1), (tuple(skills[3:6]), 3)]:
            query = CollaboratorFilter(skills=wanted, min_level=level)
            ids = sorted(store.collaborator_ids(query))
            evidence = store.collaborator_candidates(replace(query, among=frozenset(ids)))
            expected = _column_values(_columns_of(evidence, proof_counts(store, ids),
                                                  sorted(wanted)))
            found = _column_values(store.score_columns(ids, sorted(wanted), level))
            assert {person: values[:-2] for person, values in found.items()} == {
                person: values[:-2] for person, values in expected.items()}
            for someone in ids[::5]:
                referred, landed, signed = _referral_stages(store, someone)
                assert found[someone][-2:] == (landed, signed)
                assert expected[someone][-2:] == (referred, 0)
            assert any(values[2] for values in found.values())
            if not wanted:
                assert any(values[-2] for values in found.values())
                assert any(values[-1] for values in found.values())
        person = store.get_node(people[round_])
        assert person is not None
        if round_ == 0:  # certified and checked again, based elsewhere: rows rewritten
            store.write(nodes=[replace(person, properties={
                **person.properties, "certification_level": "senior",
                "last_verified": "2026-01-02"})],
                relationships=[f.rel(RelType.BASED_IN, person.id, cities[-1])])
            assert store.index.person_columns is not None
        elif round_ == 1:  # referrals move on: their people's rows rewritten
            store.write(nodes=[replace(referral, properties={
                **referral.properties, "stage": ("landed", "signed", "dropped")[at % 3]})
                for at, referral in enumerate(store.list_nodes(Label.REFERRAL, limit=60))])
            assert store.index.person_columns is not None
        elif round_ == 2:  # a new person with skills, one person gone: made again
            newcomer = f.person("newcomer")
            store.write(nodes=[newcomer], relationships=[
                f.rel(RelType.HAS_SKILL, newcomer.id, skills[0], level=4),
                f.rel(RelType.HAS_SKILL, newcomer.id, skills[4], level=3)],
                delete_nodes=[person.id])
    store.close()
