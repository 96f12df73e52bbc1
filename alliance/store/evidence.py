"""What the evidence questions mean, once for both stores.

EmbeddedStore (its compact adjacency graph and write-maintained index,
`alliance.store.embedded.queries`) and Neo4jStore (one Cypher query per question,
`alliance.store.neo4j`) each fetch plain rows -- ids,
records, (hosted industry, strength) pairs, parent lists, relationships of a hop -- and
hand them to the functions here, which decide what the evidence is: how an industry
relates to the one asked for and the chain shown for it, which policies apply on a date,
how contacts are ranked, merged and counted, which relationship a trust hop shows, and
the explanation paths. A change of meaning is made here, and the Cypher that filters
in the server mirrors it (the contract and parity suites check both stores agree).

`Assembly` builds the paths; it needs only the primary label of an id, which each store
knows its own way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice

from alliance.store.base import (
    TRUST_RELS,
    CandidateRow,
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
from alliance.store.rail import Route
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import CertificationLevel, Label, ReferralStage, RelType, Role

MAX_TRUST_PATHS = 16
"""Shortest trust paths kept per candidate (sorted by node ids), bounding the work."""

PROFESSIONAL_ROLES = frozenset({Role.LAWYER, Role.ACCOUNTANT, Role.PATENT_AGENT,
                                Role.CONSULTANT})

CERTIFICATION_RANK = {level.value: level.rank + 1 for level in CertificationLevel}
"""Certification level -> rank for ordering brokers (0: none or unknown)."""

Parents = Callable[[str], Iterable[str]]
"""The SUBFIELD_OF parents of an industry, in any order."""

Children = Callable[[str], Iterable[str]]
"""The industries that are SUBFIELD_OF this one, in any order."""


# --------------------------------------------------------------------------- taxonomy


def taxonomy(parents: Parents, children: Children, industry: str
             ) -> tuple[dict[str, int], dict[str, int]]:
    """Ancestors (the chain of smallest-id parents) and descendants (all of them) of an
    industry, with their distance in SUBFIELD_OF hops."""
    ancestors: dict[str, int] = {}
    current, hops = industry, 0
    while True:
        above = sorted(parents(current))
        if not above or above[0] in ancestors or above[0] == industry:
            break
        hops += 1
        current = above[0]
        ancestors[current] = hops
    descendants: dict[str, int] = {}
    queue = deque([(industry, 0)])
    while queue:
        node, depth = queue.popleft()
        for child in children(node):
            if child not in descendants and child != industry:
                descendants[child] = depth + 1
                queue.append((child, depth + 1))
    return ancestors, descendants


def chain_to(parents: Parents, start: str, goal: str) -> list[str]:
    """Industries from `start` up the smallest-id-parent chain to `goal` (inclusive)."""
    chain = [start]
    while chain[-1] != goal:
        chain.append(sorted(parents(chain[-1]))[0])
    return chain


@dataclass(frozen=True)
class Related:
    """The industry asked for and its relatives, as landing needs them."""

    industry: str
    ancestors: dict[str, int]
    descendants: dict[str, int]
    parents: Parents

    @classmethod
    def of(cls, parents: Parents, children: Children, industry: str) -> Related:
        ancestors, descendants = taxonomy(parents, children, industry)
        return cls(industry, ancestors, descendants, parents)

    @property
    def all(self) -> set[str]:
        """The industry, its ancestors and descendants: what "related" means."""
        return {self.industry, *self.ancestors, *self.descendants}

    @property
    def policy_targets(self) -> set[str]:
        """Targets that make a policy apply: the industry or a broader one."""
        return {self.industry, *self.ancestors}


# --------------------------------------------------------------------------- policies


def is_valid_on(policy: NodeRecord, when: date) -> bool:
    """A policy is valid from valid_from to valid_to, both days included."""
    props, day = policy.properties, when.isoformat()
    valid_to = props.get("valid_to")
    return str(props["valid_from"]) <= day and (valid_to is None or day <= str(valid_to))


OfferedPolicy = tuple[NodeRecord, tuple[str, ...], tuple[str, ...]]
"""A policy offered in a place, its target industries and its NOT_STACKABLE_WITH partners."""


def policy_applies(policy: NodeRecord, targets: Sequence[str], applicable_targets: set[str],
                   when: date) -> bool:
    """Valid on the date, and untargeted or targeting one of `applicable_targets`."""
    return is_valid_on(policy, when) and (
        not targets or bool(applicable_targets.intersection(targets)))


# --------------------------------------------------------------------------- contacts


@dataclass(frozen=True)
class PersonFacts:
    """What the contact rules need of a person.

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


def broker_rank(person: NodeRecord, related_expertise: int) -> tuple[int, int, str]:
    """A broker's order: senior first, then more related expertise, then by id."""
    level = CERTIFICATION_RANK.get(str(person.properties.get("certification_level")), 0)
    return -level, -related_expertise, person.id


def professional_rank(person: NodeRecord, skills: Sequence[tuple[str, int]]
                      ) -> tuple[int, int] | None:
    """A professional's order (the highest level, then the most skills, negated) from
    their skills of the wanted categories; None when the person is no professional."""
    if not skills or not PROFESSIONAL_ROLES.intersection(person.labels):
        return None
    return -max(level for _, level in skills), -len(skills)


def person_facts(person: NodeRecord, expert_in: tuple[str, ...],
                 skills: tuple[tuple[str, int], ...]) -> PersonFacts:
    """Facts from a person's related expertise (sorted) and skills of the wanted
    categories (sorted): a broker needs related expertise, a professional skills."""
    best = max((lvl for _, lvl in skills), default=0)
    return PersonFacts(
        person, expert_in, skills, Role.BROKER.value in person.labels and bool(expert_in),
        bool(PROFESSIONAL_ROLES.intersection(person.labels)) and bool(skills),
        broker_rank(person, len(expert_in)), (-best, -len(skills), person.id))


Reached = tuple[PersonFacts, RelType]
"""A person who can help, and the relationship that brings them to the place."""


@dataclass(frozen=True)
class RankedContacts:
    """A place's brokers and professionals, each list in rank order, and the ids on each
    list (so counting the people two lists share costs the smaller one)."""

    brokers: list[Reached]
    professionals: list[Reached]
    broker_ids: frozenset[str]
    professional_ids: frozenset[str]

    def in_city(self) -> CityContacts:
        """These lists as the contacts of a place."""
        return CityContacts(self.brokers, self.professionals, len(self.brokers),
                            len(self.professionals), self.broker_ids.__contains__,
                            self.professional_ids.__contains__)


def classify(reached: Iterable[Reached]) -> RankedContacts:
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
    return RankedContacts(brokers, professionals,
                          frozenset(facts.record.id for facts, _ in brokers),
                          frozenset(facts.record.id for facts, _ in professionals))


@dataclass(frozen=True)
class CityContacts:
    """A city's brokers and professionals in rank order (read lazily: only the first few
    are looked at), how many there are, and whether an id is among them."""

    brokers: Iterable[Reached]
    professionals: Iterable[Reached]
    broker_total: int
    professional_total: int
    is_broker: Callable[[str], bool]
    is_professional: Callable[[str], bool]


Chosen = tuple[PersonFacts, RelType, str]
"""A contact shown, the relationship that reaches them and the place it reaches (park or
city)."""


def _first_others(ranked: Iterable[Reached], direct: set[str], keep: int) -> list[Reached]:
    """The first `keep` of `ranked` not in `direct` (a negative `keep` slices a list)."""
    if keep < 0:
        items = list(ranked)
        return [item for item in items[:keep + len(direct)]
                if item[0].record.id not in direct][:keep]
    return list(islice((item for item in ranked if item[0].record.id not in direct), keep))


def best_contacts(park: str, city: str, at_park: CityContacts, in_city: CityContacts,
                  covering_park: set[str], keep: int
                  ) -> tuple[list[Chosen], list[Chosen], int, int]:
    """The best `keep` brokers and professionals for a park, and how many of each there
    are: people covering the park itself (`covering_park`, whom `at_park` ranks) count
    through it, everyone else through the city, whose ranked lists all its parks share."""
    direct = covering_park

    def merged(here: Iterable[Reached], here_total: int, there: Iterable[Reached],
               there_total: int, is_there: Callable[[str], bool], order: str
               ) -> tuple[list[Chosen], int]:
        mine = list(here) if keep < 0 else list(islice(here, keep))
        via_city = _first_others(there, direct, keep)
        overlap = sum(1 for person in direct if is_there(person))
        both = [(f, t, park) for f, t in mine] + [(f, t, city) for f, t in via_city]
        both.sort(key=lambda item: getattr(item[0], order))
        return both[:keep], here_total + there_total - overlap

    brokers, broker_total = merged(at_park.brokers, at_park.broker_total, in_city.brokers,
                                   in_city.broker_total, in_city.is_broker, "broker_order")
    others, other_total = merged(at_park.professionals, at_park.professional_total,
                                 in_city.professionals, in_city.professional_total,
                                 in_city.is_professional, "professional_order")
    return brokers, others, broker_total, other_total


# --------------------------------------------------------------------------- people


def matched_skills(all_skills: Sequence[tuple[str, int]], wanted: Sequence[str],
                   min_level: int) -> tuple[tuple[str, int], ...]:
    """The wanted skills (sorted, distinct) a person holds at `min_level` or above; every
    skill held when none is wanted."""
    if not wanted:
        return tuple(all_skills)
    held = {skill: level for skill, level in all_skills if level >= min_level}
    return tuple((skill, held[skill]) for skill in wanted if skill in held)


def person_cities(base: Iterable[str], covered: Iterable[str]) -> tuple[str, ...]:
    """Where a person is based (by id), then the other cities they cover (by id)."""
    home = sorted(base)
    return tuple(home + sorted(set(covered) - set(home)))


def shortest_sequences(asker: str, target: str, predecessors: dict[str, set[str]]
                       ) -> list[tuple[str, ...]]:
    """The first MAX_TRUST_PATHS shortest node sequences asker → target (by node ids),
    from each node's predecessors on a breadth-first search from the asker."""
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
    return sequences


def trust_hop(here: str, rels: Sequence[RelRecord]) -> tuple[RelType, bool, TrustHop]:
    """The relationship shown for a trust hop from `here` (collaboration first, then the
    smallest RelKey), and the deals of the hop's collaborations."""
    trusted = [rel for rel in rels if rel.type in TRUST_RELS]
    deals = tuple(sorted((str(rel.properties["deal"]), int(rel.properties["year"]))
                         for rel in trusted if rel.type is RelType.COLLABORATED_WITH))
    best = min(trusted, key=lambda rel: (TRUST_RELS.index(rel.type), rel.key))
    return best.type, best.source == here, TrustHop(deals)


# --------------------------------------------------------------------------- assembly


_CITY, _PARK, _INDUSTRY = Label.CITY.value, Label.PARK.value, Label.INDUSTRY.value
_POLICY, _PERSON = Label.POLICY.value, Label.PERSON.value
_HSR, _HOSTS, _SUBFIELD = RelType.HSR_LINK.value, RelType.HOSTS.value, RelType.SUBFIELD_OF.value
_OFFERED, _IN_CITY, _COVERS = (RelType.OFFERED_IN.value, RelType.IN_CITY.value,
                               RelType.COVERS.value)


_LANDED = ReferralStage.LANDED.value
_OFFERED_RELS, _FORWARD = (_OFFERED,), (True,)
_VIA_CITY_LABELS, _VIA_CITY_RELS, _VIA_CITY_FORWARD = ((_POLICY, _CITY, _PARK),
                                                      (_OFFERED, _IN_CITY), (True, False))


def to_park(item: PolicyEvidence, park: str) -> PolicyEvidence:
    """A policy as a park's answer shows it: offered in the park itself as listed, a
    city's with its path led on to the park (`path_to_park`)."""
    if item.offered_in == park:
        return item
    return PolicyEvidence(item.policy, item.offered_in, item.targets,
                          path_to_park(item, park), item.not_stackable_with)


def path_to_park(item: PolicyEvidence, park: str) -> GraphPath:
    """The policy's path as a park's answer shows it: as listed when offered in the park
    itself, a city's led on to the park (Policy-OFFERED_IN->City<-IN_CITY-Park)."""
    if item.offered_in == park:
        return item.path
    return GraphPath((*item.path.nodes, park), _VIA_CITY_LABELS, _VIA_CITY_RELS,
                     _VIA_CITY_FORWARD)


def park_policies(evidence: ParkEvidence) -> list[PolicyEvidence]:
    """The policies offered in the park or its city as one list, by id then place, each
    city policy's path led on to the park (`to_park`)."""
    park = evidence.park.id
    return sorted([*evidence.policies, *(to_park(item, park) for item in evidence.city_policies)],
                  key=lambda item: (item.policy.id, item.offered_in))


class Assembly:
    """Evidence records and their explanation paths, given the primary label of an id.

    Landing paths have a fixed shape (Policy-OFFERED_IN->Park, Person-COVERS->City
    <-IN_CITY-Park, ...), so their labels come from the shape, as the schema's
    relationship ends dictate, and cost no lookup; trust paths ask `label_of`."""

    def __init__(self, label_of: Callable[[str], str]) -> None:
        self.label_of = label_of

    def path(self, nodes: Iterable[str], rel_types: Iterable[RelType | str],
             forward: Iterable[bool]) -> GraphPath:
        ids = tuple(nodes)
        return GraphPath(ids, tuple(self.label_of(i) for i in ids),
                         tuple(str(t) for t in rel_types), tuple(forward))

    def rail(self, route: Route) -> RailRoute:
        hops = len(route.cities) - 1
        return RailRoute(route.minutes, route.km,
                         GraphPath(tuple(route.cities), (_CITY,) * len(route.cities),
                                   (_HSR,) * hops, tuple(route.forward)))

    def industry_matches(self, park: str, hosts: Iterable[tuple[str, float]],
                         related: Related) -> list[IndustryMatch]:
        """How each hosted industry relates to the one asked for (unrelated ones are
        skipped), with the SUBFIELD_OF chain shown, in relation, hops, id order."""
        industry = related.industry
        matches = []
        for hosted, strength in hosts:
            found = relation_of(hosted, related)
            if found is None:
                continue
            relation, hops = found
            if relation is IndustryRelation.EXACT:
                chain = [hosted]
            elif relation is IndustryRelation.SUBFIELD:
                chain = chain_to(related.parents, hosted, industry)
            else:
                chain = list(reversed(chain_to(related.parents, industry, hosted)))
            hops_shown = len(chain) - 1
            path = GraphPath((park, *chain), (_PARK,) + (_INDUSTRY,) * len(chain),
                             (_HOSTS,) + (_SUBFIELD,) * hops_shown,
                             (True,) + (relation is not IndustryRelation.BROADER,) * hops_shown)
            matches.append(IndustryMatch(hosted, float(strength), relation, hops, path))
        order = list(IndustryRelation)
        return sorted(matches, key=lambda m: (order.index(m.relation), m.hops, m.industry))

    def policies(self, place: str, label: Label, offered: Iterable[OfferedPolicy]
                 ) -> tuple[PolicyEvidence, ...]:
        """Policies (with their targets and sorted no-stacking partners) offered in a
        park, or in a city (`label`; then shared by all its parks), by id."""
        labels = (_POLICY, label.value)
        return tuple(sorted((PolicyEvidence(policy, place, targets,
                                            GraphPath((policy.id, place), labels,
                                                      _OFFERED_RELS, _FORWARD),
                                            tuple(sorted(set(unstackable))))
                             for policy, targets, unstackable in offered),
                            key=lambda item: item.policy.id))

    def contact(self, kind: str, person: NodeRecord, expert_in: tuple[str, ...],
                skills: tuple[tuple[str, int], ...], park: str, city: str,
                city_rel: RelType | None) -> ContactEvidence:
        """A contact reached through the park (`city_rel` None: they cover it) or through
        the city (`city_rel`: COVERS or BASED_IN)."""
        if city_rel is None:
            via, path = park, GraphPath((person.id, park), (_PERSON, _PARK), (_COVERS,),
                                        (True,))
        else:
            via, path = city, GraphPath((person.id, city, park), (_PERSON, _CITY, _PARK),
                                        (city_rel.value, _IN_CITY), (True, False))
        return ContactEvidence(person, kind, via, expert_in, skills, path)

    def chosen_contacts(self, park: str, city: str, brokers: list[Chosen],
                        professionals: list[Chosen]) -> list[ContactEvidence]:
        """The contacts `best_contacts` chose, brokers first."""
        return [self.contact(kind, facts.record, facts.expert_in, facts.skills, park, city,
                             None if via == park else rel_type)
                for kind, chosen in (("broker", brokers), ("professional", professionals))
                for facts, rel_type, via in chosen]

    def trust_path(self, ids: Sequence[str], hops: Sequence[Sequence[RelRecord]]
                   ) -> TrustPath:
        """A trust path from its node ids and, per hop, the relationships joining them."""
        shown = [trust_hop(here, rels) for here, rels in zip(ids, hops, strict=False)]
        return TrustPath(self.path(ids, [h[0] for h in shown], [h[1] for h in shown]),
                         tuple(h[2] for h in shown))


def relation_of(hosted: str, related: Related) -> tuple[IndustryRelation, int] | None:
    """How a hosted industry relates to the one asked for, and how many SUBFIELD_OF hops
    apart (None: unrelated)."""
    if hosted == related.industry:
        return IndustryRelation.EXACT, 0
    if hosted in related.descendants:
        return IndustryRelation.SUBFIELD, related.descendants[hosted]
    if hosted in related.ancestors:
        return IndustryRelation.BROADER, related.ancestors[hosted]
    return None


FIT_ORDER = tuple(IndustryRelation)
"""The order matches are listed in (then by hops, then by industry id)."""


def fits_of(hosts: Iterable[tuple[str, float]], related: Related
            ) -> tuple[tuple[IndustryRelation, int, float], ...]:
    """`CandidateRow.fits`: (relation, hops, strength) of each hosted industry related to
    the one asked for, in `Assembly.industry_matches`' order, without the paths."""
    found = []
    for hosted, strength in hosts:
        relation = relation_of(hosted, related)
        if relation is not None:
            found.append((FIT_ORDER.index(relation[0]), relation[1], hosted,
                          (relation[0], relation[1], float(strength))))
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found)


def row_of(evidence: ParkEvidence) -> CandidateRow:
    """What ranking reads of a candidate's evidence (`CandidateRow`)."""
    stages = dict(evidence.track_record.referral_stages)
    return CandidateRow(
        evidence.park, evidence.city.id, evidence.rail.minutes,
        tuple((m.relation, m.hops, m.strength) for m in evidence.industries),
        evidence.broker_total, evidence.professional_total,
        len(evidence.track_record.related_landings), stages.get(_LANDED, 0),
        evidence.policies, evidence.city_policies)


def rows_of(candidates: Iterable[ParkEvidence]) -> list[CandidateRow]:
    """The rows of these candidates, in their order (a store without `CandidateRanker`)."""
    return [row_of(evidence) for evidence in candidates]


def track_record(related_landings: Iterable[str], landed: int,
                 stages: Iterable[tuple[str, int]]) -> TrackRecord:
    """Companies of related industries that landed (by id), how many landed at all, and
    referrals per stage (by stage)."""
    return TrackRecord(tuple(sorted(set(related_landings))), landed,
                       tuple(sorted((str(stage), int(count)) for stage, count in stages)))


def within_rail_limit(route: Route, query: LandingFilter) -> bool:
    return query.max_rail_minutes is None or route.minutes <= query.max_rail_minutes
