"""The evidence queries of EmbeddedStore: traversals of its NetworkX graph that feed
`alliance.store.evidence`, where what the evidence means is decided for both stores.

Graph layout (kept by EmbeddedStore): a MultiDiGraph whose node attribute "record" is the
NodeRecord and whose edge attribute "record" is the RelRecord, keyed by RelRecord.key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import networkx as nx

from alliance.errors import NotFound
from alliance.store.base import (
    MAX_HOPS,
    TRUST_RELS,
    CollaboratorEvidence,
    CollaboratorFilter,
    LandingFilter,
    ParkEvidence,
    TrackRecord,
    TrustPath,
)
from alliance.store.embedded.index import EvidenceIndex
from alliance.store.evidence import (
    Assembly,
    Children,
    OfferedPolicy,
    Parents,
    PersonFacts,
    RankedContacts,
    Related,
    best_contacts,
    classify,
    matched_skills,
    person_facts,
    policy_applies,
    shortest_sequences,
    taxonomy,
    track_record,
    within_rail_limit,
)
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import CertificationLevel, Label, RelType

# --------------------------------------------------------------------------- helpers


def record(graph: nx.MultiDiGraph, node_id: str) -> NodeRecord:
    """The node's record (networkx's node dict read directly: the `nodes` view costs more
    than the rest of the lookup)."""
    rec: NodeRecord = graph._node[node_id]["record"]
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


def assembly(graph: nx.MultiDiGraph) -> Assembly:
    return Assembly(lambda node_id: record(graph, node_id).label.value)


def parents_in(graph: nx.MultiDiGraph) -> Parents:
    """The SUBFIELD_OF parents of an industry, read from the graph."""
    return lambda node: (rel.target for rel in out_rels(graph, node, RelType.SUBFIELD_OF))


def children_in(graph: nx.MultiDiGraph) -> Children:
    """The industries SUBFIELD_OF one, read from the graph."""
    return lambda node: (rel.source for rel in in_rels(graph, node, RelType.SUBFIELD_OF))


# --------------------------------------------------------------------------- landing


OfferedPolicies = list[OfferedPolicy]
"""Policies (with their target industries and no-stacking partners) offered in one place."""


def _offered(graph: nx.MultiDiGraph, place: str, query: LandingFilter,
             applicable_targets: set[str], cache: dict[str, OfferedPolicies]
             ) -> OfferedPolicies:
    """Policies offered in a park or city that apply (memoised: every park of a city
    shares the city's policies)."""
    if place not in cache:
        found = []
        for rel in in_rels(graph, place, RelType.OFFERED_IN):
            policy = record(graph, rel.source)
            targets = tuple(sorted(t.target for t in out_rels(graph, rel.source,
                                                                 RelType.TARGETS)))
            if policy_applies(policy, targets, applicable_targets, query.as_of):
                unstackable = [r.target for r in out_rels(graph, rel.source,
                                                          RelType.NOT_STACKABLE_WITH)]
                unstackable += [r.source for r in in_rels(graph, rel.source,
                                                          RelType.NOT_STACKABLE_WITH)]
                found.append((policy, targets, tuple(unstackable)))
        cache[place] = found
    return cache[place]


def _person_facts(graph: nx.MultiDiGraph, index: EvidenceIndex, person_id: str,
                  categories: set[str], related: set[str], cache: dict[str, PersonFacts]
                  ) -> PersonFacts:
    """A person's facts for this query (related expertise, skills of the wanted
    categories), from the index, once per query."""
    facts = cache.get(person_id)
    if facts is None:
        expert = tuple(i for i in index.expert_in.get(person_id, ()) if i in related)
        skills = tuple((skill, level) for skill, level in index.skills.get(person_id, ())
                       if record(graph, skill).properties["category"] in categories)
        facts = cache[person_id] = person_facts(record(graph, person_id), expert, skills)
    return facts


def _city_contacts(graph: nx.MultiDiGraph, index: EvidenceIndex, city: str,
                   categories: set[str], related: set[str], people: dict[str, PersonFacts],
                   cache: dict[str, RankedContacts]) -> RankedContacts:
    """People who cover the city or are based there (covering wins), ranked, once per city
    and query: every park of the city shares them."""
    if city not in cache:
        cache[city] = classify(
            (_person_facts(graph, index, person, categories, related, people), rel_type)
            for person, rel_type in index.reach.get(city, {}).items())
    return cache[city]


def _track_record(graph: nx.MultiDiGraph, park: str, related: set[str]) -> TrackRecord:
    landings = [rel.source for rel in in_rels(graph, park, RelType.LANDED_IN)]
    related_landings = [
        company for company in landings
        if any(r.target in related for r in out_rels(graph, company, RelType.IN_INDUSTRY))
    ]
    stages = Counter(str(record(graph, rel.source).properties["stage"])
                     for rel in in_rels(graph, park, RelType.REFERRED_TO))
    return track_record(related_landings, len(set(landings)), stages.items())


def landing_candidates(graph: nx.MultiDiGraph, index: EvidenceIndex, query: LandingFilter
                       ) -> list[ParkEvidence]:
    """Parks meeting every hard constraint, with evidence; see GraphStore. Only parks
    hosting a related industry are looked at (the index knows them)."""
    require(graph, query.origin_city, Label.CITY, "origin_city")
    require(graph, query.industry, Label.INDUSTRY, "industry")
    build = assembly(graph)
    relatives = Related.of(parents_in(graph), children_in(graph), query.industry)
    related = relatives.all
    policy_targets = relatives.policy_targets
    categories = set(query.contact_skill_categories)
    routes = index.routes_from(query.origin_city)
    wanted_facilities = {f.value for f in query.facility_types}
    people: dict[str, PersonFacts] = {}
    city_contacts: dict[str, RankedContacts] = {}
    offered: dict[str, OfferedPolicies] = {}
    candidates = []
    for park_id in index.hosting(related):
        park = record(graph, park_id)
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
        if not within_rail_limit(route, query):
            continue
        hosts = ((rel.target, float(rel.properties.get("strength", 1.0)))
                 for rel in out_rels(graph, park_id, RelType.HOSTS))
        matches = build.industry_matches(park_id, hosts, relatives)
        if not matches:
            continue
        city = cities[0]
        covering = [rel.source for rel in in_rels(graph, park_id, RelType.COVERS)]
        at_park = classify(
            (_person_facts(graph, index, person, categories, related, people),
             RelType.COVERS)
            for person in covering)
        in_city = _city_contacts(graph, index, city, categories, related, people,
                                 city_contacts)
        brokers, professionals, broker_total, professional_total = best_contacts(
            park_id, city, at_park, in_city, set(covering), query.contacts_per_kind)
        candidates.append(ParkEvidence(
            park=park,
            city=record(graph, city),
            rail=build.rail(route),
            industries=tuple(matches),
            policies=tuple(build.policies(
                park_id, city, _offered(graph, park_id, query, policy_targets, offered),
                _offered(graph, city, query, policy_targets, offered))),
            contacts=tuple(build.chosen_contacts(park_id, city, brokers, professionals)),
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


def _rels_between(graph: nx.MultiDiGraph, a: str, b: str) -> list[RelRecord]:
    """Every relationship joining a and b, either way."""
    rels = [rel for _, _, rel in graph.edges(a, data="record") if rel.target == b]
    rels += [rel for _, _, rel in graph.edges(b, data="record") if rel.target == a]
    return rels


def _check_references(graph: nx.MultiDiGraph, query: CollaboratorFilter) -> None:
    if query.asker is not None:
        require(graph, query.asker, Label.PERSON, "asker")
    for skill in query.skills:
        require(graph, skill, Label.SKILL, "skills")
    for vertical in query.verticals:
        require(graph, vertical, Label.INDUSTRY, "verticals")
    for city in query.cities:
        require(graph, city, Label.CITY, "cities")


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


def collaborator_candidates(graph: nx.MultiDiGraph, index: EvidenceIndex,
                            query: CollaboratorFilter) -> list[CollaboratorEvidence]:
    """People meeting every hard constraint, with trust paths; see GraphStore. Skills,
    verticals, cities and collaboration counts are read from the index."""
    _check_references(graph, query)
    build = assembly(graph)
    wanted_verticals: set[str] = set(query.verticals)
    for vertical in query.verticals:
        wanted_verticals.update(taxonomy(parents_in(graph), children_in(graph), vertical)[1])
    min_rank = query.min_certification.rank if query.min_certification else None
    excluded = {*query.exclude, *([query.asker] if query.asker else [])}
    roles = {role.value for role in query.roles}
    wanted_skills = sorted(set(query.skills))
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
        matched = matched_skills(index.skills.get(person_id, ()), wanted_skills,
                                 query.min_level)
        if wanted_skills and (not matched or (
                query.require_all_skills and len(matched) < len(wanted_skills))):
            continue
        verticals = index.expert_in.get(person_id, ())
        if wanted_verticals and not wanted_verticals.intersection(verticals):
            continue
        cities = index.people.cities.get(person_id, ())
        if query.cities and not set(query.cities).intersection(cities):
            continue
        collaborations = index.people.collaborations.get(person_id, 0)
        paths: tuple[TrustPath, ...] = ()
        if query.asker and person_id in distance:
            paths = tuple(
                build.trust_path(nodes, [_rels_between(graph, a, b)
                                         for a, b in zip(nodes, nodes[1:], strict=False)])
                for nodes in shortest_sequences(query.asker, person_id, predecessors))
        found.append(CollaboratorEvidence(person, matched, cities, verticals, collaborations,
                                          paths))
    return sorted(found, key=lambda c: c.person.id)
