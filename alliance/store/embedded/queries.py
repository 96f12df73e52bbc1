"""The evidence queries of EmbeddedStore: traversals of its graph that feed
`alliance.store.evidence`, where what the evidence means is decided for both stores.

Graph layout (kept by EmbeddedStore): `alliance.store.embedded.adjacency.Graph`, node id ->
NodeRecord and each node's relationships by type, read through the helpers below.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet

from alliance.errors import NotFound
from alliance.store.base import (
    CONTACT_SKILL_CATEGORIES,
    HARD_CONSTRAINTS,
    MAX_HOPS,
    TRUST_RELS,
    CandidateRow,
    CollaboratorEvidence,
    CollaboratorFilter,
    LandingFilter,
    ParkEvidence,
    PolicyEvidence,
    ScoreColumns,
    TrackRecord,
    TrustPath,
)
from alliance.store.embedded.adjacency import Graph
from alliance.store.embedded.index import EvidenceIndex, ListedContacts, contact_totals
from alliance.store.evidence import (
    Assembly,
    Children,
    CityContacts,
    Parents,
    PersonFacts,
    Reached,
    Related,
    best_contacts,
    broker_rank,
    classify,
    matched_skills,
    person_facts,
    policy_applies,
    rows_of,
    shortest_sequences,
    taxonomy,
    track_record,
    within_rail_limit,
)
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import CertificationLevel, Label, RelType

# --------------------------------------------------------------------------- helpers


def record(graph: Graph, node_id: str) -> NodeRecord:
    """The node's record."""
    return graph.nodes[node_id]


def require(graph: Graph, node_id: str, label: Label, field: str) -> NodeRecord:
    """The node, or NotFound naming the request field that referred to it."""
    if node_id not in graph or record(graph, node_id).label is not label:
        msg = f"no {label.value} with id {node_id!r}"
        raise NotFound(msg, field=field)
    return record(graph, node_id)


def out_rels(graph: Graph, node_id: str, rel_type: RelType) -> list[RelRecord]:
    """Outgoing relationships of a type (a slice of the node's type-ordered list)."""
    return graph.out_rels(node_id, rel_type)


def in_rels(graph: Graph, node_id: str, rel_type: RelType) -> list[RelRecord]:
    """Incoming relationships of a type."""
    return graph.in_rels(node_id, rel_type)


def assembly(graph: Graph) -> Assembly:
    return Assembly(lambda node_id: record(graph, node_id).label.value)


def parents_in(graph: Graph) -> Parents:
    """The SUBFIELD_OF parents of an industry, read from the graph."""
    return lambda node: (rel.target for rel in out_rels(graph, node, RelType.SUBFIELD_OF))


def children_in(graph: Graph) -> Children:
    """The industries SUBFIELD_OF one, read from the graph."""
    return lambda node: (rel.source for rel in in_rels(graph, node, RelType.SUBFIELD_OF))


# --------------------------------------------------------------------------- landing


_CONTACT_CATEGORIES = frozenset(CONTACT_SKILL_CATEGORIES)


def _offered(index: EvidenceIndex, build: Assembly, place: str, label: Label,
             query: LandingFilter, applicable_targets: set[str]
             ) -> tuple[PolicyEvidence, ...]:
    """Policies offered in a park or city (`label`) that apply on the query's date, by
    id: the index keeps them with their targets and no-stacking partners, their
    evidence once made, and those that apply per industry asked and date."""
    key = (place, query.industry, query.as_of)
    found = index.landing_kept.offered.get(key)
    if found is None:
        listed = index.offered_evidence.get(place)
        if listed is None:
            listed = index.offered_evidence[place] = build.policies(
                place, label, index.offered.get(place, {}).values())
        found = index.landing_kept.offered[key] = tuple(
            item for item in listed
            if policy_applies(item.policy, item.targets, applicable_targets, query.as_of))
    return found


def _person_facts(graph: Graph, index: EvidenceIndex, person_id: str,
                  categories: set[str], related: set[str], cache: dict[str, PersonFacts]
                  ) -> PersonFacts:
    """A person's facts for this query (related expertise, skills of the wanted
    categories), from the index, once per query."""
    facts = cache.get(person_id)
    if facts is None:
        expert = tuple(i for i in index.expert_in.get(person_id, ()) if i in related)
        if categories == _CONTACT_CATEGORIES:
            skills = index.contact_skills.get(person_id, ())
        else:
            skills = tuple((skill, level) for skill, level in index.skills.get(person_id, ())
                           if record(graph, skill).properties["category"] in categories)
        facts = cache[person_id] = person_facts(record(graph, person_id), expert, skills)
    return facts


class _Reiterable(Iterable[Reached]):
    """A ranked list read afresh, lazily, by every park of a city."""

    def __init__(self, ranked: Callable[[], Iterator[Reached]]) -> None:
        self.ranked = ranked

    def __iter__(self) -> Iterator[Reached]:
        return self.ranked()


class _Contacts:
    """Contacts of the parks and cities for one query. When the query asks for the
    default skill categories, the index's lists ranked ahead of time are read (a city's,
    lazily: only its first few people), people are told apart by cheap tests, and facts
    are built only for the people shown; otherwise everyone a place reaches is ranked
    here."""

    def __init__(self, graph: Graph, index: EvidenceIndex, query: LandingFilter,
                 related: set[str], brokers: AbstractSet[str]) -> None:
        self.graph, self.index, self.industry, self.related = graph, index, query.industry, related
        self.categories = set(query.contact_skill_categories)
        self.ranked_ahead = (self.categories == _CONTACT_CATEGORIES
                             and query.contacts_per_kind >= 0)
        self.people: dict[str, PersonFacts] = {}
        self.brokers = brokers
        self._is_broker: dict[str, bool] = {}
        self._cities: dict[str, CityContacts] = {}

    def facts(self, person: str) -> PersonFacts:
        return _person_facts(self.graph, self.index, person, self.categories, self.related,
                             self.people)

    def is_broker(self, person: str) -> bool:
        """A broker with related expertise (`PersonFacts.broker`, without the facts): a
        person with the Broker label EXPERT_IN a related industry (told once per person
        and query, so a park's covering people are told apart by cheap tests)."""
        found = self._is_broker.get(person)
        if found is None:
            found = self._is_broker[person] = (
                person in self.brokers
                and not self.related.isdisjoint(self.index.expert_in.get(person, ())))
        return found

    def _broker_order(self, person: str) -> tuple[int, int, str]:
        related = [i for i in self.index.expert_in.get(person, ()) if i in self.related]
        return broker_rank(record(self.graph, person), len(related))

    def _professional_order(self, person: str) -> tuple[int, int, str]:
        best, count = self.index.professional_rank[person]
        return best, count, person

    def at_park(self, covering: set[str]) -> CityContacts:
        """The people covering a park, ranked (they all reach it by COVERS)."""
        if not self.ranked_ahead:
            return classify((self.facts(person), RelType.COVERS)
                            for person in covering).in_city()
        brokers = {person for person in covering if self.is_broker(person)}
        ranked = self.index.professional_rank
        professionals = {p for p in covering if p in ranked and p not in brokers}

        def walk(people: set[str], order: Callable[[str], tuple[int, int, str]]
                 ) -> Iterator[Reached]:
            """In rank order, sorted only when read (a question that ranks reads none)."""
            for person in sorted(people, key=order):
                yield self.facts(person), RelType.COVERS

        return CityContacts(
            _Reiterable(lambda: walk(brokers, self._broker_order)),
            _Reiterable(lambda: walk(professionals, self._professional_order)),
            len(brokers), len(professionals), brokers.__contains__,
            professionals.__contains__)

    def totals(self, city: str, covering: set[str]) -> tuple[int, int]:
        """How many brokers and professionals a park has (`best_contacts`' totals, from
        the lists ranked ahead): those covering it, and its city's less the people who
        are on both -- counted by set operations on the covering people."""
        brokers = {person for person in covering & self.brokers if self.is_broker(person)}
        return contact_totals(self.index, city, covering, self.industry, brokers)

    def in_city(self, city: str) -> CityContacts:
        """People who cover the city or are based there (covering wins), ranked, once per
        city and query: every park of the city shares them."""
        found = self._cities.get(city)
        if found is None:
            reach = self.index.reach.get(city, {})
            if self.ranked_ahead:
                found = self._ranked_ahead(city, reach)
            else:
                found = classify((self.facts(person), rel_type)
                                 for person, rel_type in reach.items()).in_city()
            self._cities[city] = found
        return found

    def _ranked_ahead(self, city: str, reach: dict[str, RelType]) -> CityContacts:
        index, facts = self.index, self.facts
        brokers = index.brokers.get((city, self.industry), [])
        professionals = index.professionals.get(city, [])

        def is_broker(person: str) -> bool:
            return reach.get(person) is RelType.COVERS and self.is_broker(person)

        def is_professional(person: str) -> bool:
            return (person in reach and person in index.professional_rank
                    and not is_broker(person))

        def ranked_brokers() -> Iterator[Reached]:
            return ((facts(person), RelType.COVERS) for person in brokers)

        def ranked_professionals() -> Iterator[Reached]:
            return ((facts(person), reach[person]) for person in professionals
                    if not is_broker(person))

        return CityContacts(
            _Reiterable(ranked_brokers), _Reiterable(ranked_professionals),
            len(brokers), len(professionals) - index.dual.get((city, self.industry), 0),
            is_broker, is_professional)


def _track_record(graph: Graph, index: EvidenceIndex, park: str, related: set[str]
                  ) -> TrackRecord:
    landings = graph.in_ends(park, RelType.LANDED_IN)
    related_landings = [
        company for company in landings
        if not related.isdisjoint(graph.out_ends(company, RelType.IN_INDUSTRY))
    ]
    stages = index.referral_stages.get(park, {})
    return track_record(related_landings, len(set(landings)), stages.items())


def landing_candidates(graph: Graph, index: EvidenceIndex, query: LandingFilter,
                       broker_ids: AbstractSet[str]) -> list[ParkEvidence]:
    """Parks meeting every hard constraint, with evidence; see GraphStore. Only parks
    hosting a related industry are looked at (the index knows them, with their numbers,
    policies and the contacts of their cities); `broker_ids`: the ids with the Broker
    label."""
    require(graph, query.origin_city, Label.CITY, "origin_city")
    require(graph, query.industry, Label.INDUSTRY, "industry")
    build = assembly(graph)
    relatives = Related.of(parents_in(graph), children_in(graph), query.industry)
    related = relatives.all
    policy_targets = relatives.policy_targets
    routes = index.routes_from(query.origin_city)
    wanted_facilities = {f.value for f in query.facility_types}
    contacts = _Contacts(graph, index, query, related, broker_ids)
    offered: dict[str, tuple[PolicyEvidence, ...]] = {}  # shared by the city's parks
    candidates = []
    hosting = index.hosting(related)
    kept = index.landing_kept.bounded()
    for park_id in hosting if query.parks is None else hosting.intersection(query.parks):
        row = index.parks.get(park_id)
        if row is None:
            continue
        if row.area_m2 < query.min_area_m2:
            continue
        if not wanted_facilities.issubset(row.facilities):
            continue
        if (query.max_rent_cny_m2_month is not None
                and row.rent > query.max_rent_cny_m2_month):
            continue
        city = row.city
        if city is None or city not in routes:
            continue
        route = routes[city]
        if not within_rail_limit(route, query):
            continue
        facts = kept.park_facts.get((park_id, query.industry))
        if facts is None:
            matches = tuple(build.industry_matches(park_id, row.hosts, relatives))
            facts = kept.park_facts[park_id, query.industry] = (
                matches, _track_record(graph, index, park_id, related) if matches else None)
        matches, track = facts
        if track is None:
            continue
        covering = index.covering.get(park_id, set())
        if city not in offered:
            offered[city] = _offered(index, build, city, Label.CITY, query, policy_targets)
        listed: ListedContacts | None
        if contacts.ranked_ahead and query.contacts_per_kind == 0:  # totals only
            totals = kept.totals.get((park_id, query.industry))
            if totals is None:
                totals = kept.totals[park_id, query.industry] = contacts.totals(city, covering)
            listed = ((), *totals)
        else:  # kept when the default categories rank them (the key says all then)
            key = (park_id, query.industry, query.contacts_per_kind)
            listed = kept.contacts.get(key) if contacts.ranked_ahead else None
            if listed is None:
                brokers, professionals, broker_total, professional_total = best_contacts(
                    park_id, city, contacts.at_park(covering), contacts.in_city(city),
                    covering, query.contacts_per_kind)
                listed = (tuple(build.chosen_contacts(park_id, city, brokers, professionals)),
                          broker_total, professional_total)
                if contacts.ranked_ahead:
                    kept.contacts[key] = listed
        chosen, broker_total, professional_total = listed
        candidates.append(ParkEvidence(
            park=row.record,
            city=record(graph, city),
            rail=build.rail(route),
            industries=matches,
            policies=_offered(index, build, park_id, Label.PARK, query, policy_targets),
            contacts=chosen,
            broker_total=broker_total,
            professional_total=professional_total,
            track_record=track,
            city_policies=offered[city],
        ))
    return sorted(candidates, key=lambda c: c.park.id)


def candidate_rows(graph: Graph, index: EvidenceIndex, query: LandingFilter,
                   broker_ids: AbstractSet[str]) -> list[CandidateRow]:
    """`rows_of(landing_candidates(query))` (`CandidateRanker`), from what the index keeps
    per park and industry asked (`index.fits`, tested with whole-array comparisons on
    `index.fit_table`): no evidence is assembled, so the work is a filter of arrays and a
    row per candidate. Contact skill categories other than the default ones are counted
    by `landing_candidates`."""
    if set(query.contact_skill_categories) != _CONTACT_CATEGORIES:
        return rows_of(landing_candidates(graph, index, query, broker_ids))
    import numpy as np  # as the graph's arrays: imported when first needed

    require(graph, query.origin_city, Label.CITY, "origin_city")
    require(graph, query.industry, Label.INDUSTRY, "industry")
    fits = index.fits.get(query.industry)
    if not fits:
        return []
    table, parks = index.fit_table(query.industry), index.parks_as_table()
    mask = table.area >= query.min_area_m2
    wanted = {f.value for f in query.facility_types}
    if not wanted.issubset(parks.facility_bits):
        return []
    if wanted:
        bits = sum(parks.facility_bits[name] for name in wanted)
        mask &= (table.facilities & bits) == bits
    if query.max_rent_cny_m2_month is not None:
        mask &= table.rent <= query.max_rent_cny_m2_month
    routes = index.routes_from(query.origin_city)
    reached = np.zeros(len(parks.cities) + 1, dtype=bool)  # the last: no city (-1)
    for city, route in routes.items():
        if city in parks.cities and within_rail_limit(route, query):
            reached[parks.cities[city]] = True
    mask &= reached[table.city]
    build = assembly(graph)
    policy_targets = {query.industry, *index.taxonomy[query.industry][0]}
    offered: dict[str, tuple[PolicyEvidence, ...]] = {}
    index.landing_kept.bounded()
    rows = []
    for position in np.flatnonzero(mask).tolist():
        park = table.ids[position]
        if query.parks is not None and park not in query.parks:
            continue
        row, fit = index.parks[park], fits[park]
        home = row.city
        assert home is not None  # `fits` holds parks with a city only
        listed = offered.get(home)
        if listed is None:
            listed = offered[home] = _offered(index, build, home, Label.CITY, query,
                                              policy_targets)
        rows.append(CandidateRow(
            row.record, home, routes[home].minutes, fit.fits, fit.broker_total,
            fit.professional_total, fit.related_landings, fit.landed_referrals,
            _offered(index, build, park, Label.PARK, query, policy_targets), listed))
    return rows


def failure_codes(graph: Graph, index: EvidenceIndex, query: LandingFilter
                  ) -> dict[int, int]:
    """Failure code -> parks with it, over every park (`EliminationCounter`): the tests
    of `services.elimination.Checker.code`, made on the index's park columns at once --
    the industry from the parks hosting a related one, the rail limit from the cities
    the origin reaches within it."""
    import numpy as np  # as the graph's arrays: imported when first needed

    table = index.parks_as_table()
    bit = {name: 1 << position for position, name in enumerate(HARD_CONSTRAINTS)}
    related = Related.of(parents_in(graph), children_in(graph), query.industry).all
    hosting = [table.position[park] for park in index.hosting(related)
               if park in table.position]
    industry = np.ones(len(table.ids), dtype=bool)
    industry[np.array(hosting, dtype=np.int64)] = False
    codes = industry * bit["industry"]
    codes |= (table.area < query.min_area_m2) * bit["area_m2"]
    wanted = {f.value for f in query.facility_types}
    if not wanted.issubset(table.facility_bits):
        codes |= bit["facility_types"]
    elif wanted:
        mask = sum(table.facility_bits[name] for name in wanted)
        codes |= ((table.facilities & mask) != mask) * bit["facility_types"]
    if query.max_rent_cny_m2_month is not None:
        codes |= (table.rent > query.max_rent_cny_m2_month) * bit["max_rent_cny_m2_month"]
    reached = np.zeros(len(table.cities) + 1, dtype=bool)  # the last: no city (-1)
    for city, route in index.routes_from(query.origin_city).items():
        if city in table.cities and within_rail_limit(route, query):
            reached[table.cities[city]] = True
    codes |= ~reached[table.city] * bit["max_rail_minutes"]
    counted = np.bincount(codes.astype(np.int64), minlength=1 << len(HARD_CONSTRAINTS))
    return {code: int(count) for code, count in enumerate(counted.tolist()) if count}


# --------------------------------------------------------------------------- collaborators


def _trust_neighbours(graph: Graph, node: str) -> set[str]:
    found = set()
    for rel_type in TRUST_RELS:
        found.update(graph.out_ends(node, rel_type))
        found.update(graph.in_ends(node, rel_type))
    return found


def trust_layers(graph: Graph, asker: str, max_hops: int
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


def _rels_between(graph: Graph, a: str, b: str) -> list[RelRecord]:
    """Every relationship joining a and b, either way."""
    return graph.between(a, b)


def _check_references(graph: Graph, query: CollaboratorFilter) -> None:
    if query.asker is not None:
        require(graph, query.asker, Label.PERSON, "asker")
    for skill in query.skills:
        require(graph, skill, Label.SKILL, "skills")
    for vertical in query.verticals:
        require(graph, vertical, Label.INDUSTRY, "verticals")
    for city in query.cities:
        require(graph, city, Label.CITY, "cities")


def _people_to_consider(graph: Graph, query: CollaboratorFilter,
                        wanted_verticals: set[str]) -> list[str]:
    """Start from the people asked for, or the wanted skills' or verticals' holders,
    rather than every person."""
    if query.among is not None:
        return sorted(query.among)
    if query.skills:
        return sorted({source for skill in set(query.skills)
                       for source in graph.in_ends(skill, RelType.HAS_SKILL)})
    if wanted_verticals:
        return sorted({source for vertical in wanted_verticals
                       for source in graph.in_ends(vertical, RelType.EXPERT_IN)})
    return [node for node, data in graph.nodes.items() if data.label is Label.PERSON]


def collaborator_candidates(graph: Graph, index: EvidenceIndex, query: CollaboratorFilter
                            ) -> list[CollaboratorEvidence]:
    """People meeting every hard constraint, with trust paths; see GraphStore. Skills,
    verticals, cities and collaboration counts are read from the index."""
    _check_references(graph, query)
    build = assembly(graph)
    wanted_verticals = _wanted_verticals(graph, query)
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
        if min_rank is not None and not _certified(person, min_rank):
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


def _wanted_verticals(graph: Graph, query: CollaboratorFilter) -> set[str]:
    """The verticals asked for and every subfield of them."""
    wanted: set[str] = set(query.verticals)
    for vertical in query.verticals:
        wanted.update(taxonomy(parents_in(graph), children_in(graph), vertical)[1])
    return wanted


def _certified(person: NodeRecord, min_rank: int) -> bool:
    level = person.properties.get("certification_level")
    return level is not None and CertificationLevel(level).rank >= min_rank


def score_columns(graph: Graph, index: EvidenceIndex, people: Collection[str],
                  skills: Sequence[str], min_level: int) -> ScoreColumns:
    """The `ScoreColumns` of these people: their rows of the index's `PersonColumns`,
    and a column per skill asked from the index's holders (the level when at min_level
    or above, as `matched_skills` keeps it)."""
    import numpy as np  # as the graph's arrays: imported when first needed

    columns = index.people_as_columns(graph)
    ordered = tuple(people)
    rows = np.fromiter(map(columns.row.__getitem__, ordered), dtype=np.int64,
                       count=len(ordered))
    table = columns.table[rows]
    if skills:
        held = [index.people.holders.get(skill, {}) for skill in skills]
        levels = np.array([[level if (level := of.get(person, 0)) >= min_level else 0
                            for of in held] for person in ordered],
                          dtype=np.int64).reshape(len(ordered), len(skills))
    else:
        levels = table[:, :1]
    _, expert, home, collaborations, certification, dated, landed, signed, closed = table.T
    return ScoreColumns(ordered, levels, expert.astype(bool), home, tuple(columns.cities),
                        collaborations, certification, tuple(columns.certifications), dated,
                        tuple(columns.dates), landed, signed, closed)
