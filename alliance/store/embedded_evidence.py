"""The evidence queries of EmbeddedStore, as traversals of its NetworkX graph.

These functions are also the reference for what each evidence query means; the Cypher
of Neo4jStore answers the same questions and the contract suite checks both agree.

Graph layout (kept by EmbeddedStore): a MultiDiGraph whose node attribute "record" is the
NodeRecord and whose edge attribute "record" is the RelRecord, keyed by RelRecord.key.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from alliance.errors import NotFound
from alliance.store.base import (
    MAX_HOPS,
    TRUST_RELS,
    CollaboratorEvidence,
    CollaboratorFilter,
    ContactEvidence,
    GraphPath,
    IndustryMatch,
    IndustryRelation,
    LandingFilter,
    ParkEvidence,
    PolicyEvidence,
    RailRoute,
    TrackRecord,
    TrustHop,
    TrustPath,
)
from alliance.store.rail import RailLink, fastest_routes
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import CertificationLevel, Label, RelType, Role

MAX_TRUST_PATHS = 16
"""Shortest trust paths kept per candidate (sorted by node ids), bounding the work."""

PROFESSIONAL_ROLES = frozenset({Role.LAWYER, Role.ACCOUNTANT, Role.PATENT_AGENT,
                                Role.CONSULTANT})


# --------------------------------------------------------------------------- helpers


def record(graph: nx.MultiDiGraph, node_id: str) -> NodeRecord:
    rec: NodeRecord = graph.nodes[node_id]["record"]
    return rec


def require(graph: nx.MultiDiGraph, node_id: str, label: Label, field: str) -> NodeRecord:
    """The node, or NotFound naming the request field that referred to it."""
    if node_id not in graph or record(graph, node_id).label is not label:
        msg = f"no {label.value} with id {node_id!r}"
        raise NotFound(msg, field=field)
    return record(graph, node_id)


def out_rels(graph: nx.MultiDiGraph, node_id: str, rel_type: RelType) -> Iterator[RelRecord]:
    """Outgoing relationships of a type (networkx's adjacency dicts read directly: the
    edge views cost several times more in these hot loops)."""
    for edges in graph._succ[node_id].values():
        for attributes in edges.values():
            rel: RelRecord = attributes["record"]
            if rel.type is rel_type:
                yield rel


def in_rels(graph: nx.MultiDiGraph, node_id: str, rel_type: RelType) -> Iterator[RelRecord]:
    """Incoming relationships of a type."""
    for edges in graph._pred[node_id].values():
        for attributes in edges.values():
            rel: RelRecord = attributes["record"]
            if rel.type is rel_type:
                yield rel


def make_path(graph: nx.MultiDiGraph, nodes: Iterable[str], rel_types: Iterable[RelType],
              forward: Iterable[bool]) -> GraphPath:
    ids = tuple(nodes)
    return GraphPath(ids, tuple(record(graph, i).label.value for i in ids),
                     tuple(t.value for t in rel_types), tuple(forward))


def taxonomy(graph: nx.MultiDiGraph, industry: str) -> tuple[dict[str, int], dict[str, int]]:
    """Ancestors and descendants of an industry with their distance in SUBFIELD_OF hops."""
    ancestors: dict[str, int] = {}
    current, hops = industry, 0
    while True:
        parents = sorted(rel.target for rel in out_rels(graph, current, RelType.SUBFIELD_OF))
        if not parents or parents[0] in ancestors or parents[0] == industry:
            break
        hops += 1
        current = parents[0]
        ancestors[current] = hops
    descendants: dict[str, int] = {}
    queue = deque([(industry, 0)])
    while queue:
        node, depth = queue.popleft()
        for rel in in_rels(graph, node, RelType.SUBFIELD_OF):
            if rel.source not in descendants and rel.source != industry:
                descendants[rel.source] = depth + 1
                queue.append((rel.source, depth + 1))
    return ancestors, descendants


def chain_to(graph: nx.MultiDiGraph, start: str, goal: str) -> list[str]:
    """Industries from `start` up the SUBFIELD_OF chain to `goal` (inclusive)."""
    chain = [start]
    while chain[-1] != goal:
        parents = sorted(rel.target for rel in out_rels(graph, chain[-1], RelType.SUBFIELD_OF))
        chain.append(parents[0])
    return chain


def is_valid_on(policy: NodeRecord, when: date) -> bool:
    """A policy is valid from valid_from to valid_to, both days included."""
    props = policy.properties
    valid_to = props.get("valid_to")
    return str(props["valid_from"]) <= when.isoformat() and (
        valid_to is None or when.isoformat() <= str(valid_to)
    )


def skills_of(graph: nx.MultiDiGraph, person: str) -> list[tuple[str, int]]:
    return sorted((rel.target, int(rel.properties["level"]))
                  for rel in out_rels(graph, person, RelType.HAS_SKILL))


# --------------------------------------------------------------------------- landing


def _industry_matches(graph: nx.MultiDiGraph, park: str, industry: str,
                      ancestors: dict[str, int], descendants: dict[str, int]
                      ) -> list[IndustryMatch]:
    matches = []
    for rel in out_rels(graph, park, RelType.HOSTS):
        hosted, strength = rel.target, float(rel.properties.get("strength", 1.0))
        if hosted == industry:
            relation, hops = IndustryRelation.EXACT, 0
            chain = [hosted]
        elif hosted in descendants:
            relation, hops = IndustryRelation.SUBFIELD, descendants[hosted]
            chain = chain_to(graph, hosted, industry)
        elif hosted in ancestors:
            relation, hops = IndustryRelation.BROADER, ancestors[hosted]
            chain = list(reversed(chain_to(graph, industry, hosted)))
        else:
            continue
        forward = [True] + [relation is not IndustryRelation.BROADER] * (len(chain) - 1)
        path = make_path(graph, [park, *chain],
                         [RelType.HOSTS] + [RelType.SUBFIELD_OF] * (len(chain) - 1), forward)
        matches.append(IndustryMatch(hosted, strength, relation, hops, path))
    order = list(IndustryRelation)
    return sorted(matches, key=lambda m: (order.index(m.relation), m.hops, m.industry))


OfferedPolicies = list[tuple[NodeRecord, tuple[str, ...]]]
"""Policies (with their target industries) offered in one place."""


def _offered(graph: nx.MultiDiGraph, place: str, query: LandingFilter,
             applicable_targets: set[str], cache: dict[str, OfferedPolicies]
             ) -> OfferedPolicies:
    """Policies offered in a park or city, valid on the date, for the industry (memoised:
    every park of a city shares the city's policies)."""
    if place not in cache:
        found = []
        for rel in in_rels(graph, place, RelType.OFFERED_IN):
            policy = record(graph, rel.source)
            if not is_valid_on(policy, query.as_of):
                continue
            targets = tuple(sorted(t.target for t in out_rels(graph, rel.source,
                                                                 RelType.TARGETS)))
            if targets and not applicable_targets.intersection(targets):
                continue
            found.append((policy, targets))
        cache[place] = found
    return cache[place]


def _policies(graph: nx.MultiDiGraph, park: str, city: str, query: LandingFilter,
              applicable_targets: set[str], cache: dict[str, OfferedPolicies]
              ) -> list[PolicyEvidence]:
    found = [PolicyEvidence(policy, park, targets,
                            make_path(graph, [policy.id, park], [RelType.OFFERED_IN], [True]))
             for policy, targets in _offered(graph, park, query, applicable_targets, cache)]
    found += [PolicyEvidence(policy, city, targets,
                             make_path(graph, [policy.id, city, park],
                                       [RelType.OFFERED_IN, RelType.IN_CITY], [True, False]))
              for policy, targets in _offered(graph, city, query, applicable_targets, cache)]
    return sorted(found, key=lambda p: (p.policy.id, p.offered_in))


CERTIFICATION_RANK = {level.value: level.rank + 1 for level in CertificationLevel}


@dataclass(frozen=True)
class _PersonFacts:
    """What the contact rules need of a person, computed once per query.

    `broker_order`: senior brokers first, then those who know more related industries,
    then by id. `professional_order`: the highest skill level first, then the most
    matching skills, then by id.
    """

    record: NodeRecord
    expert_in: tuple[str, ...]
    skills: tuple[tuple[str, int], ...]
    broker: bool
    professional: bool
    broker_order: tuple[int, int, str]
    professional_order: tuple[int, int, str]


def _person_facts(graph: nx.MultiDiGraph, person_id: str, query: LandingFilter,
                  related: set[str], cache: dict[str, _PersonFacts]) -> _PersonFacts:
    facts = cache.get(person_id)
    if facts is None:
        person = record(graph, person_id)
        categories = set(query.contact_skill_categories)
        expert = tuple(sorted(r.target for r in out_rels(graph, person_id, RelType.EXPERT_IN)
                              if r.target in related))
        skills = tuple((skill, level) for skill, level in skills_of(graph, person_id)
                       if record(graph, skill).properties["category"] in categories)
        level = CERTIFICATION_RANK.get(str(person.properties.get("certification_level")), 0)
        best = max((lvl for _, lvl in skills), default=0)
        facts = cache[person_id] = _PersonFacts(
            person, expert, skills, Role.BROKER.value in person.labels and bool(expert),
            bool(PROFESSIONAL_ROLES.intersection(person.labels)) and bool(skills),
            (-level, -len(expert), person_id), (-best, -len(skills), person_id))
    return facts


Reached = tuple[_PersonFacts, RelType]
"""A person who can help, and the relationship that brings them to the place."""


@dataclass(frozen=True)
class _CityContacts:
    """A city's brokers and professionals, each list in rank order."""

    brokers: list[Reached]
    professionals: list[Reached]


def _classify(reached: Iterable[tuple[_PersonFacts, RelType]]) -> _CityContacts:
    """Brokers must cover the place; anyone else with the skills is a professional."""
    brokers: list[Reached] = []
    professionals: list[Reached] = []
    for facts, rel_type in reached:
        if facts.broker and rel_type is RelType.COVERS:
            brokers.append((facts, rel_type))
        elif facts.professional:
            professionals.append((facts, rel_type))
    brokers.sort(key=lambda item: item[0].broker_order)
    professionals.sort(key=lambda item: item[0].professional_order)
    return _CityContacts(brokers, professionals)


def _city_contacts(graph: nx.MultiDiGraph, city: str, query: LandingFilter, related: set[str],
                   people: dict[str, _PersonFacts], cache: dict[str, _CityContacts]
                   ) -> _CityContacts:
    """People who cover the city or are based there (covering wins), ranked, once per city
    and query: every park of the city shares them."""
    if city not in cache:
        seen: dict[str, RelType] = {}
        for rel_type in (RelType.COVERS, RelType.BASED_IN):
            for rel in in_rels(graph, city, rel_type):
                if rel.source not in seen and rel.source.startswith("person:"):
                    seen[rel.source] = rel_type
        cache[city] = _classify(
            (_person_facts(graph, person, query, related, people), rel_type)
            for person, rel_type in seen.items())
    return cache[city]


def _contacts(graph: nx.MultiDiGraph, park: str, city: str, query: LandingFilter,
              related: set[str], people: dict[str, _PersonFacts],
              cities: dict[str, _CityContacts]) -> tuple[list[ContactEvidence], int, int]:
    """The best brokers and professionals for the park, and how many of each there are.

    People covering the park itself are reached through it; everyone else through the
    city, whose ranked lists are shared by all its parks.
    """
    at_park = _classify(
        (_person_facts(graph, rel.source, query, related, people), RelType.COVERS)
        for rel in in_rels(graph, park, RelType.COVERS))
    in_city = _city_contacts(graph, city, query, related, people, cities)
    direct = {facts.record.id for facts, _ in at_park.brokers + at_park.professionals}
    direct |= {rel.source for rel in in_rels(graph, park, RelType.COVERS)}
    keep = query.contacts_per_kind

    def merged(here: list[Reached], there: list[Reached], order: str
               ) -> tuple[list[tuple[_PersonFacts, RelType, str]], int]:
        via_city = [item for item in there[:keep + len(direct)]
                    if item[0].record.id not in direct][:keep]
        overlap = sum(1 for facts, _ in there if facts.record.id in direct) if direct else 0
        both = [(f, t, park) for f, t in here] + [(f, t, city) for f, t in via_city]
        both.sort(key=lambda item: getattr(item[0], order))
        return both[:keep], len(here) + len(there) - overlap

    def evidence(kind: str, facts: _PersonFacts, rel_type: RelType, via: str
                 ) -> ContactEvidence:
        if via == park:
            path = make_path(graph, [facts.record.id, park], [RelType.COVERS], [True])
        else:
            path = make_path(graph, [facts.record.id, city, park],
                             [rel_type, RelType.IN_CITY], [True, False])
        return ContactEvidence(facts.record, kind, via, facts.expert_in, facts.skills, path)

    brokers, broker_total = merged(at_park.brokers, in_city.brokers, "broker_order")
    others, other_total = merged(at_park.professionals, in_city.professionals,
                                 "professional_order")
    contacts = [evidence("broker", *item) for item in brokers]
    contacts += [evidence("professional", *item) for item in others]
    return contacts, broker_total, other_total


def _track_record(graph: nx.MultiDiGraph, park: str, related: set[str]) -> TrackRecord:
    landings = [rel.source for rel in in_rels(graph, park, RelType.LANDED_IN)]
    related_landings = sorted({
        company for company in landings
        if any(r.target in related for r in out_rels(graph, company, RelType.IN_INDUSTRY))
    })
    stages = Counter(str(record(graph, rel.source).properties["stage"])
                     for rel in in_rels(graph, park, RelType.REFERRED_TO))
    return TrackRecord(tuple(related_landings), len(set(landings)),
                       tuple(sorted(stages.items())))


def rail_links(graph: nx.MultiDiGraph) -> list[RailLink]:
    return [RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                     float(rel.properties["km"]))
            for _, _, rel in graph.edges(data="record") if rel.type is RelType.HSR_LINK]


def landing_candidates(graph: nx.MultiDiGraph, query: LandingFilter) -> list[ParkEvidence]:
    """Parks meeting every hard constraint, with evidence; see GraphStore."""
    require(graph, query.origin_city, Label.CITY, "origin_city")
    require(graph, query.industry, Label.INDUSTRY, "industry")
    ancestors, descendants = taxonomy(graph, query.industry)
    related = {query.industry, *ancestors, *descendants}
    policy_targets = {query.industry, *ancestors}
    routes = fastest_routes(rail_links(graph), query.origin_city)
    wanted_facilities = {f.value for f in query.facility_types}
    people: dict[str, _PersonFacts] = {}
    city_contacts: dict[str, _CityContacts] = {}
    offered: dict[str, OfferedPolicies] = {}
    candidates = []
    for park_id, data in graph.nodes(data="record"):
        park: NodeRecord = data
        if park.label is not Label.PARK:
            continue
        props: dict[str, Any] = park.properties
        if float(props["available_area_m2"]) < query.min_area_m2:
            continue
        if not wanted_facilities.issubset(props["facility_types"]):
            continue
        if (query.max_rent_cny_m2_month is not None
                and float(props["rent_cny_m2_month"]) > query.max_rent_cny_m2_month):
            continue
        cities = sorted(rel.target for rel in out_rels(graph, park_id, RelType.IN_CITY))
        if not cities or cities[0] not in routes:
            continue
        route = routes[cities[0]]
        if query.max_rail_minutes is not None and route.minutes > query.max_rail_minutes:
            continue
        matches = _industry_matches(graph, park_id, query.industry, ancestors, descendants)
        if not matches:
            continue
        city = cities[0]
        contacts, broker_total, professional_total = _contacts(
            graph, park_id, city, query, related, people, city_contacts)
        rail = RailRoute(route.minutes, route.km,
                         make_path(graph, route.cities,
                                   [RelType.HSR_LINK] * (len(route.cities) - 1),
                                   route.forward))
        candidates.append(ParkEvidence(
            park=park,
            city=record(graph, city),
            rail=rail,
            industries=tuple(matches),
            policies=tuple(_policies(graph, park_id, city, query, policy_targets, offered)),
            contacts=tuple(contacts),
            broker_total=broker_total,
            professional_total=professional_total,
            track_record=_track_record(graph, park_id, related),
        ))
    return sorted(candidates, key=lambda c: c.park.id)


# --------------------------------------------------------------------------- collaborators


def _trust_neighbours(graph: nx.MultiDiGraph, node: str) -> set[str]:
    found = set()
    for _, other, rel in graph.out_edges(node, data="record"):
        if rel.type in TRUST_RELS:
            found.add(other)
    for other, _, rel in graph.in_edges(node, data="record"):
        if rel.type in TRUST_RELS:
            found.add(other)
    return found


def trust_layers(graph: nx.MultiDiGraph, asker: str, max_hops: int
                 ) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Breadth-first search over trust relationships: distance and predecessors."""
    distance = {asker: 0}
    predecessors: dict[str, set[str]] = {}
    frontier = [asker]
    for depth in range(1, max_hops + 1):
        next_frontier = []
        for node in frontier:
            for other in _trust_neighbours(graph, node):
                if other not in distance:
                    distance[other] = depth
                    predecessors[other] = {node}
                    next_frontier.append(other)
                elif distance[other] == depth:
                    predecessors[other].add(node)
        frontier = next_frontier
    return distance, predecessors


def _hop(graph: nx.MultiDiGraph, a: str, b: str) -> tuple[RelType, bool, TrustHop]:
    """The relationship shown for a trust hop: collaboration first, else employment."""
    rels = [(rel, True) for _, _, rel in graph.edges(a, data="record") if rel.target == b]
    rels += [(rel, False) for _, _, rel in graph.edges(b, data="record") if rel.target == a]
    rels = [(rel, fwd) for rel, fwd in rels if rel.type in TRUST_RELS]
    deals = tuple(sorted((str(rel.properties["deal"]), int(rel.properties["year"]))
                         for rel, _ in rels if rel.type is RelType.COLLABORATED_WITH))
    rel, forward = min(rels, key=lambda item: (TRUST_RELS.index(item[0].type), item[0].key))
    return rel.type, forward, TrustHop(deals)


def trust_paths(graph: nx.MultiDiGraph, asker: str, target: str,
                predecessors: dict[str, set[str]]) -> tuple[TrustPath, ...]:
    """All shortest trust paths asker → target (first MAX_TRUST_PATHS by node ids)."""
    successors: dict[str, list[str]] = {}
    stack, seen = [target], {target}
    while stack:  # the shortest-path DAG from asker to target, walked backwards
        node = stack.pop()
        for previous in predecessors.get(node, ()):
            successors.setdefault(previous, []).append(node)
            if previous not in seen:
                seen.add(previous)
                stack.append(previous)
    sequences: list[tuple[str, ...]] = []

    def walk(prefix: tuple[str, ...]) -> None:
        """Depth-first in id order, so the first paths found are the smallest."""
        if len(sequences) >= MAX_TRUST_PATHS:
            return
        if prefix[-1] == target:
            sequences.append(prefix)
            return
        for node in sorted(successors.get(prefix[-1], ())):
            walk((*prefix, node))

    walk((asker,))
    paths = []
    for nodes in sequences:
        hops = [_hop(graph, a, b) for a, b in zip(nodes, nodes[1:], strict=False)]
        path = make_path(graph, nodes, [h[0] for h in hops], [h[1] for h in hops])
        paths.append(TrustPath(path, tuple(h[2] for h in hops)))
    return tuple(paths)


def _check_references(graph: nx.MultiDiGraph, query: CollaboratorFilter) -> None:
    if query.asker is not None:
        require(graph, query.asker, Label.PERSON, "asker")
    for skill in query.skills:
        require(graph, skill, Label.SKILL, "skills")
    for vertical in query.verticals:
        require(graph, vertical, Label.INDUSTRY, "verticals")
    for city in query.cities:
        require(graph, city, Label.CITY, "cities")


def _person_cities(graph: nx.MultiDiGraph, person: str) -> tuple[str, ...]:
    base = sorted(rel.target for rel in out_rels(graph, person, RelType.BASED_IN))
    covered: set[str] = set()
    for rel in out_rels(graph, person, RelType.COVERS):
        if record(graph, rel.target).label is Label.CITY:
            covered.add(rel.target)
        else:
            covered.update(r.target for r in out_rels(graph, rel.target, RelType.IN_CITY))
    return tuple(base + sorted(covered - set(base)))


def _people_to_consider(graph: nx.MultiDiGraph, query: CollaboratorFilter,
                        wanted_verticals: set[str]) -> list[str]:
    """Start from the wanted skills' or verticals' holders rather than every person."""
    if query.skills:
        return sorted({rel.source for skill in set(query.skills)
                       for rel in in_rels(graph, skill, RelType.HAS_SKILL)})
    if wanted_verticals:
        return sorted({rel.source for vertical in wanted_verticals
                       for rel in in_rels(graph, vertical, RelType.EXPERT_IN)})
    return [node for node, data in graph.nodes(data="record") if data.label is Label.PERSON]


def collaborator_candidates(graph: nx.MultiDiGraph, query: CollaboratorFilter
                            ) -> list[CollaboratorEvidence]:
    """People meeting every hard constraint, with trust paths; see GraphStore."""
    _check_references(graph, query)
    wanted_verticals: set[str] = set(query.verticals)
    for vertical in query.verticals:
        wanted_verticals.update(taxonomy(graph, vertical)[1])
    min_rank = query.min_certification.rank if query.min_certification else None
    excluded = {*query.exclude, *([query.asker] if query.asker else [])}
    roles = {role.value for role in query.roles}
    max_hops = min(query.max_hops, MAX_HOPS)
    distance, predecessors = (trust_layers(graph, query.asker, max_hops) if query.asker
                              else ({}, {}))
    found = []
    for person_id in _people_to_consider(graph, query, wanted_verticals):
        person = record(graph, person_id)
        if person.label is not Label.PERSON or person_id in excluded:
            continue
        if roles and not roles.intersection(person.labels):
            continue
        if min_rank is not None:
            level = person.properties.get("certification_level")
            if level is None or CertificationLevel(level).rank < min_rank:
                continue
        all_skills = skills_of(graph, person_id)
        if query.skills:
            held = {skill: level for skill, level in all_skills if level >= query.min_level}
            matched = tuple((skill, held[skill]) for skill in sorted(set(query.skills))
                            if skill in held)
            if not matched or (query.require_all_skills and len(matched) < len(
                    set(query.skills))):
                continue
        else:
            matched = tuple(all_skills)
        verticals = tuple(sorted(r.target for r in out_rels(graph, person_id,
                                                              RelType.EXPERT_IN)))
        if wanted_verticals and not wanted_verticals.intersection(verticals):
            continue
        cities = _person_cities(graph, person_id)
        if query.cities and not set(query.cities).intersection(cities):
            continue
        collaborations = sum(1 for _ in out_rels(graph, person_id, RelType.COLLABORATED_WITH))
        collaborations += sum(1 for _ in in_rels(graph, person_id, RelType.COLLABORATED_WITH))
        paths = (trust_paths(graph, query.asker, person_id, predecessors)
                 if query.asker and person_id in distance else ())
        found.append(CollaboratorEvidence(person, matched, cities, verticals, collaborations,
                                          paths))
    return sorted(found, key=lambda c: c.person.id)
