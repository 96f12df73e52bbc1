"""What EmbeddedStore's evidence questions read instead of traversing the whole graph,
kept up to date by every write (write-through, never stale) and rebuilt at open.

`build` makes the index from a graph; `apply` brings it up to date after a write,
given the ids whose own relationships or record changed (and, for deleted nodes, their
former neighbours) and which of them changed for the nodes relating to them (`changed`:
only those refresh their coverers, holders, the rail, the taxonomy). The tests check
that after any sequence of writes the two agree.
Each entry is keyed so that a write recomputes only what the touched ids own: a person
moves itself between the contact lists, a policy between the places offering it, a park
refreshes its own row; only a change of the taxonomy (rare) re-lists every contact.

- `rail`: every HSR_LINK as a RailLink, by relationship key; `routes`: fastest routes
  from an origin, computed on first use and dropped when a link or city changes.
- `hosted_by`: industry -> parks hosting it (so landing looks at related parks only).
- `parks`: park -> its numbers, facilities, city and hosted industries (`ParkRow`);
  `park_facts()` lists them for the elimination view.
- `taxonomy`: industry -> (ancestors, descendants) with hop counts (the closure landing
  relates industries by); `relatives_of`: industry -> the industries asked for whose
  related set holds it.
- `offered`: place (park or city) -> policy id -> the policy, its targets and its
  no-stacking partners; `offered_at`: policy -> places offering it; `offered_evidence`:
  place -> the `PolicyEvidence` of them all, by id (made on first use, dropped when one
  of them changes).
- `skills`, `expert_in`: person -> sorted (skill, level) pairs / sorted industry ids.
- `reach`: city -> people who cover it or are based there (covering wins); `reach_of`
  the same per person. `covering`: park -> people who cover it; `covers` the same per
  person.
- `contact_skills`: person -> their (skill, level) pairs in the default contact
  categories (`CONTACT_SKILL_CATEGORIES`); `professional_rank`: professional ->
  (-best level, -count) of those skills.
- `brokers`: (city, industry asked) -> brokers covering the city with expertise related
  to the industry, best first (senior, then more related expertise, then id);
  `dual`: how many of them are professionals too (they count as brokers there).
- `professionals`: city -> the professionals it reaches, best first; `listed`: person ->
  the lists they are on.
- `people`: per-person facts collaborator search filters and scores on (`PeopleFacts`).
- `referral_stages`: park -> how many referrals REFERRED_TO it are at each stage (the
  track record every candidate's score reads).
- `person_columns`: `people` and the score facts of every person as one table
  (`PersonColumns`), made by the build; writes refresh the rows they touch.
- `person_arrays`: person sets of the above as node-number arrays (`PersonArrays`),
  made on first use, dropped by every write.
- `fits`: industry asked -> park hosting a related industry -> what ranking reads of the
  pair (`ParkFit`: the matches' relations, hops and strengths, contact totals, related
  landings, landed referrals), so a question never asked before ranks from numbers
  kept ready; a write recomputes the parks it may change (`_dirty_parks`), a change of
  the taxonomy all of them. `fit_tables`: the same per industry as arrays, by park id
  (`FitTable`, made on first use, dropped by every write).
- `landing_kept`: what landing questions worked out per (park or city, industry asked),
  kept between questions and dropped by every write (`LandingKept`).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from alliance.store.base import (
    CONTACT_SKILL_CATEGORIES,
    ContactEvidence,
    IndustryMatch,
    IndustryRelation,
    ParkFacts,
    PolicyEvidence,
    TrackRecord,
)
from alliance.store.embedded.adjacency import Graph
from alliance.store.evidence import (
    OfferedPolicy,
    Related,
    broker_rank,
    fits_of,
    person_cities,
    professional_rank,
    taxonomy,
)
from alliance.store.rail import RailLink, Route, fastest_routes
from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.vocabulary import Label, RelType, Role

_CONTACT_CATEGORIES = frozenset(CONTACT_SKILL_CATEGORIES)

Taxonomy = tuple[dict[str, int], dict[str, int]]
"""An industry's ancestors and descendants with their SUBFIELD_OF hops."""

Listed = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]
"""The broker lists (city, industry asked) and professional lists (city) a person is on."""


class PlaceEvidence(dict[str, tuple[PolicyEvidence, ...]]):
    """Place -> the evidence of every policy offered there (`offered`), by id, made on
    first use and dropped when a policy offered there changes; a snapshot holds it empty
    (it is made again on first use)."""

    def __reduce__(self) -> tuple[type[PlaceEvidence], tuple[()]]:
        return type(self), ()


class PersonArrays(dict[tuple[str, str], Any]):
    """(kind, key) -> the members of one of the index's person sets as node numbers of
    the graph's arrays (`people.numbered`), made on first use and dropped whole by every
    write (`apply`) and at open; a snapshot holds it empty (its numbers are the arrays'
    of one open)."""

    def __reduce__(self) -> tuple[type[PersonArrays], tuple[()]]:
        return type(self), ()


ListedContacts = tuple[tuple[ContactEvidence, ...], int, int]
"""A park's contacts as a question lists them, its broker total and professional total."""


@dataclass
class LandingKept:
    """What landing questions work out per place and industry asked, from many index
    entries and the graph at once (a park's industry matches and track record, its
    contacts and their totals, a place's policies that apply), kept between questions: every
    write drops it all (`apply`), so it is never stale; a snapshot holds it empty."""

    park_facts: dict[tuple[str, str], tuple[tuple[IndustryMatch, ...], TrackRecord | None]
                     ] = field(default_factory=dict)
    """(park, industry asked) -> its industry matches and (when there are some) its
    track record."""
    totals: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """(park, industry asked) -> its broker and professional totals."""
    contacts: dict[tuple[str, str, int], ListedContacts] = field(default_factory=dict)
    """(park, industry asked, contacts per kind) -> its contacts and totals (with the
    default skill categories)."""
    offered: dict[tuple[str, str, date], tuple[PolicyEvidence, ...]] = field(
        default_factory=dict)
    """(place, industry asked, as of) -> the policies offered there that apply."""

    limit: int = 1 << 18
    """Entries of each kind kept before all start over (questions of many industries)."""

    def clear(self) -> None:
        self.park_facts.clear()
        self.totals.clear()
        self.contacts.clear()
        self.offered.clear()

    def bounded(self) -> LandingKept:
        """Itself, emptied first when one of its kinds holds `limit` entries."""
        if max(len(self.park_facts), len(self.totals), len(self.contacts),
               len(self.offered)) >= self.limit:
            self.clear()
        return self

    def __reduce__(self) -> tuple[type[LandingKept], tuple[()]]:
        return type(self), ()


@dataclass(frozen=True)
class ParkRow:
    """What the hard constraints and the evidence read of a park."""

    record: NodeRecord
    area_m2: float
    rent: float
    facilities: frozenset[str]
    city: str | None
    """The smallest id among the park's IN_CITY targets."""
    hosts: tuple[tuple[str, float], ...]
    """(industry, strength) per HOSTS, by industry id."""


@dataclass(frozen=True)
class ParkTable:
    """Every park's numbers as arrays, for counting the parks failing each combination of
    hard constraints with whole-array comparisons (`queries.failure_codes`): the parks
    in `ids` order, each one's area, rent, facility types as bits (`facility_bits`) and
    city as a number (`cities`; -1 for none)."""

    ids: tuple[str, ...]
    position: dict[str, int]
    area: Any
    rent: Any
    facilities: Any
    facility_bits: dict[str, int]
    city: Any
    cities: dict[str, int]

    @classmethod
    def of(cls, parks: dict[str, ParkRow]) -> ParkTable:
        import numpy as np  # as the graph's arrays: imported when first needed

        ids = tuple(parks)
        rows = [parks[park] for park in ids]
        facility_bits = {name: 1 << bit for bit, name in enumerate(
            sorted({name for row in rows for name in row.facilities}))}
        cities = {city: number for number, city in enumerate(
            sorted({row.city for row in rows if row.city is not None}))}
        return cls(ids, {park: number for number, park in enumerate(ids)},
                   np.array([row.area_m2 for row in rows], dtype=np.float64),
                   np.array([row.rent for row in rows], dtype=np.float64),
                   np.array([sum(facility_bits[name] for name in row.facilities)
                             for row in rows], dtype=object if len(facility_bits) > 62
                            else np.int64),
                   facility_bits,
                   np.array([cities[row.city] if row.city is not None else -1
                             for row in rows], dtype=np.int64),
                   cities)


class ParkFit(NamedTuple):
    """What ranking reads of a park for one industry asked, kept ready (`fits`)."""

    fits: tuple[tuple[IndustryRelation, int, float], ...]
    """`CandidateRow.fits`."""
    broker_total: int
    professional_total: int
    related_landings: int
    landed_referrals: int


class FitTables(dict[str, "FitTable"]):
    """Industry asked -> its `FitTable`, made on first use; a snapshot holds it empty."""

    def __reduce__(self) -> tuple[type[FitTables], tuple[()]]:
        return type(self), ()


@dataclass(frozen=True)
class FitTable:
    """The parks of one industry asked (`fits`), by id, with the numbers the hard
    constraints test as arrays (area, rent, facility bits and city number of the index's
    `ParkTable`), so a question filters them with whole-array comparisons."""

    ids: tuple[str, ...]
    area: Any
    rent: Any
    facilities: Any
    city: Any

    @classmethod
    def of(cls, parks: dict[str, ParkFit], table: ParkTable) -> FitTable:
        import numpy as np  # as the graph's arrays: imported when first needed

        ids = tuple(sorted(parks))
        rows = np.fromiter((table.position[park] for park in ids), dtype=np.int64,
                           count=len(ids))
        return cls(ids, table.area[rows], table.rent[rows], table.facilities[rows],
                   table.city[rows])


@dataclass
class PeopleFacts:
    """What collaborator search reads of a person besides skills and verticals.

    - `cities`: person -> where they are based (by id), then the other cities they cover,
      directly or through a covered park's IN_CITY (`evidence.person_cities`).
    - `collaborations`: person -> COLLABORATED_WITH relationships either way.
    - `holders`: skill -> person -> their (best) level of it; `experts`: industry ->
      people EXPERT_IN it; `in_city`: city -> people whose `cities` hold it. So who
      meets a question's hard constraints is a few set operations
      (`people.collaborator_ids`), not a pass over every candidate.
    - `referred`: person -> REFERRED_BY relationships ending at them; `closed`: person ->
      their COLLABORATED_WITH relationships that reached signed or landed (the counts
      that bound a proof of expertise, `EmbeddedStore.proof_counts`); `landed`, `signed`:
      person -> their referrals (REFERRED_BY) at that stage, in any vertical (a proof
      counts at most these: `ScoreColumns`).
    """

    cities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    collaborations: dict[str, int] = field(default_factory=dict)
    holders: dict[str, dict[str, int]] = field(default_factory=dict)
    experts: dict[str, set[str]] = field(default_factory=dict)
    in_city: dict[str, set[str]] = field(default_factory=dict)
    referred: dict[str, int] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)
    landed: dict[str, int] = field(default_factory=dict)
    signed: dict[str, int] = field(default_factory=dict)


@dataclass
class EvidenceIndex:
    rail: dict[RelKey, RailLink] = field(default_factory=dict)
    hosted_by: dict[str, frozenset[str]] = field(default_factory=dict)
    parks: dict[str, ParkRow] = field(default_factory=dict)
    taxonomy: dict[str, Taxonomy] = field(default_factory=dict)
    relatives_of: dict[str, frozenset[str]] = field(default_factory=dict)
    offered: dict[str, dict[str, OfferedPolicy]] = field(default_factory=dict)
    offered_at: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skills: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    expert_in: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reach: dict[str, dict[str, RelType]] = field(default_factory=dict)
    reach_of: dict[str, dict[str, RelType]] = field(default_factory=dict)
    covering: dict[str, set[str]] = field(default_factory=dict)
    covers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    contact_skills: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    professional_rank: dict[str, tuple[int, int]] = field(default_factory=dict)
    brokers: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    dual: dict[tuple[str, str], int] = field(default_factory=dict)
    professionals: dict[str, list[str]] = field(default_factory=dict)
    listed: dict[str, Listed] = field(default_factory=dict)
    routes: dict[str, dict[str, Route]] = field(default_factory=dict, compare=False)
    people: PeopleFacts = field(default_factory=lambda: PeopleFacts())
    listed_parks: list[ParkFacts] | None = field(default=None, compare=False)
    park_table: ParkTable | None = field(default=None, compare=False)
    """`parks` as columns for the elimination view (made on first use after a park
    changed, like `listed_parks`)."""
    referral_stages: dict[str, dict[str, int]] = field(default_factory=dict)
    person_columns: PersonColumns | None = field(default=None, compare=False)
    """`people` and every person's score facts as one table (`PersonColumns`), made by
    `build` (on first use for an index made otherwise)."""
    offered_evidence: PlaceEvidence = field(default_factory=PlaceEvidence, compare=False)
    fits: dict[str, dict[str, ParkFit]] = field(default_factory=dict)
    fit_tables: FitTables = field(default_factory=FitTables, compare=False)
    landing_kept: LandingKept = field(default_factory=LandingKept, compare=False)
    person_arrays: PersonArrays = field(default_factory=PersonArrays, compare=False)

    def park_facts(self) -> list[ParkFacts]:
        """Every park's `ParkFacts` by id, from `parks` (listed on first use after a
        park changed)."""
        if self.listed_parks is None:
            self.listed_parks = [ParkFacts(row.record, row.city,
                                           frozenset(industry for industry, _ in row.hosts))
                                 for _, row in sorted(self.parks.items())]
        return self.listed_parks

    def parks_as_table(self) -> ParkTable:
        if self.park_table is None:
            self.park_table = ParkTable.of(self.parks)
        return self.park_table

    def fit_table(self, industry: str) -> FitTable:
        """The parks of `fits[industry]` as arrays (made on first use after a write)."""
        found = self.fit_tables.get(industry)
        if found is None:
            found = self.fit_tables[industry] = FitTable.of(self.fits.get(industry, {}),
                                                            self.parks_as_table())
        return found

    def people_as_columns(self, graph: Graph) -> PersonColumns:
        if self.person_columns is None:
            self.person_columns = PersonColumns.of(self, graph)
        return self.person_columns

    def routes_from(self, origin: str) -> dict[str, Route]:
        found = self.routes.get(origin)
        if found is None:
            found = self.routes[origin] = fastest_routes(self.rail.values(), origin)
        return found

    def hosting(self, industries: Iterable[str]) -> set[str]:
        """Parks hosting any of the industries."""
        found: set[str] = set()
        for industry in industries:
            found.update(self.hosted_by.get(industry, ()))
        return found

    def related(self, industry: str) -> set[str]:
        """The industry, its ancestors and descendants (what "related" means)."""
        ancestors, descendants = self.taxonomy.get(industry, ({}, {}))
        return {industry, *ancestors, *descendants}


def _rels(graph: Graph, node: str, rel_type: RelType, outgoing: bool) -> list[RelRecord]:
    return graph.out_rels(node, rel_type) if outgoing else graph.in_rels(node, rel_type)


def _record(graph: Graph, node: str) -> NodeRecord | None:
    return graph.record(node) if node in graph else None


def _link(rel: RelRecord) -> RailLink:
    return RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                    float(rel.properties["km"]))


# --------------------------------------------------------------------------- per node


def _refresh_industry(index: EvidenceIndex, graph: Graph, node: str,
                      record: NodeRecord | None) -> None:
    index.hosted_by.pop(node, None)
    if record is not None and record.label is Label.INDUSTRY:
        parks = frozenset(rel.source for rel in _rels(graph, node, RelType.HOSTS, False))
        if parks:
            index.hosted_by[node] = parks


def _refresh_park(index: EvidenceIndex, graph: Graph, node: str,
                  park: NodeRecord | None) -> None:
    index.parks.pop(node, None)
    index.listed_parks = None
    index.park_table = None
    if park is None or park.label is not Label.PARK:
        return
    props = park.properties
    cities = sorted(rel.target for rel in _rels(graph, node, RelType.IN_CITY, True))
    hosts = sorted((rel.target, float(rel.properties.get("strength", 1.0)))
                   for rel in _rels(graph, node, RelType.HOSTS, True))
    index.parks[node] = ParkRow(park, float(props["available_area_m2"]),
                                float(props["rent_cny_m2_month"]),
                                frozenset(props["facility_types"]),
                                cities[0] if cities else None, tuple(hosts))


def _refresh_referrals(index: EvidenceIndex, graph: Graph, park: str) -> None:
    """The park's referrals counted per stage (a referral's stage is on its node)."""
    index.referral_stages.pop(park, None)
    if _label(graph, park) is not Label.PARK:
        return
    stages: dict[str, int] = {}
    for rel in _rels(graph, park, RelType.REFERRED_TO, False):
        stage = str(graph.nodes[rel.source].properties["stage"])
        stages[stage] = stages.get(stage, 0) + 1
    if stages:
        index.referral_stages[park] = stages


def _referred_parks(graph: Graph, touched: Iterable[str], changed: Iterable[str],
                    labels: dict[str, Label | None]) -> set[str]:
    """Parks whose referral counts a write may change: parks touched, and the parks
    changed referrals (a stage rewritten) are REFERRED_TO."""
    found = {node for node in touched if labels[node] is Label.PARK}
    for node in changed:
        if labels[node] is Label.REFERRAL:
            found.update(rel.target for rel in _rels(graph, node, RelType.REFERRED_TO, True))
    return found


def _refresh_policy(index: EvidenceIndex, graph: Graph, node: str,
                    policy: NodeRecord | None) -> None:
    """Move the policy out of the places it was offered in and into the current ones."""
    for place in index.offered_at.pop(node, ()):
        index.offered_evidence.pop(place, None)
        offered = index.offered[place]
        del offered[node]
        if not offered:
            del index.offered[place]
    if policy is None or policy.label is not Label.POLICY:
        return
    places = tuple(sorted({rel.target for rel in _rels(graph, node, RelType.OFFERED_IN, True)}))
    if not places:
        return
    targets = tuple(sorted(rel.target for rel in _rels(graph, node, RelType.TARGETS, True)))
    partners = {rel.target for rel in _rels(graph, node, RelType.NOT_STACKABLE_WITH, True)}
    partners |= {rel.source for rel in _rels(graph, node, RelType.NOT_STACKABLE_WITH, False)}
    entry: OfferedPolicy = (policy, targets, tuple(sorted(partners)))
    for place in places:
        index.offered_evidence.pop(place, None)
        index.offered.setdefault(place, {})[node] = entry
    index.offered_at[node] = places


def _refresh_person(index: EvidenceIndex, graph: Graph, node: str) -> None:
    """The person's own facts, and their place in each city's `reach` and each park's
    `covering`."""
    for city in index.reach_of.pop(node, {}):
        reached = index.reach[city]
        del reached[node]
        if not reached:
            del index.reach[city]
    for park in index.covers.pop(node, ()):
        covering = index.covering[park]
        covering.discard(node)
        if not covering:
            del index.covering[park]
    for entry in (index.skills, index.expert_in, index.contact_skills,
                  index.professional_rank):
        entry.pop(node, None)
    person = _record(graph, node)
    if person is None or person.label is not Label.PERSON:
        return
    skill_levels, expertise, covered, based = [], [], [], []
    for rel in graph.out_all(node):  # one pass over the person's relationships
        if rel.type is RelType.HAS_SKILL:
            skill_levels.append((rel.target, int(rel.properties["level"])))
        elif rel.type is RelType.EXPERT_IN:
            expertise.append(rel.target)
        elif rel.type is RelType.COVERS:
            covered.append(rel.target)
        elif rel.type is RelType.BASED_IN:
            based.append(rel.target)
    skills = tuple(sorted(skill_levels))
    expert = tuple(sorted(expertise))
    if skills:
        index.skills[node] = skills
    if expert:
        index.expert_in[node] = expert
    _file_contact_skills(index, node, person, tuple(
        (skill, level) for skill, level in skills
        if graph.record(skill).properties["category"] in _CONTACT_CATEGORIES))
    cities: dict[str, RelType] = {}
    parks: set[str] = set()
    for place in covered:
        if graph.record(place).label is Label.CITY:
            cities[place] = RelType.COVERS
        else:
            parks.add(place)
    _file_places(index, node, parks, cities, based)


def _label(graph: Graph, node: str) -> Label | None:
    record = _record(graph, node)
    return record.label if record is not None else None


# --------------------------------------------------------------------------- contacts


BrokerKey = Callable[[str], tuple[int, int, str]]


def _broker_key(index: EvidenceIndex, graph: Graph, industry: str) -> BrokerKey:
    """A broker's place on the lists for `industry` asked."""
    related = index.related(industry)

    def key(person: str) -> tuple[int, int, str]:
        expert = [i for i in index.expert_in.get(person, ()) if i in related]
        return broker_rank(graph.record(person), len(expert))

    return key


def _professional_key(index: EvidenceIndex) -> BrokerKey:
    def key(person: str) -> tuple[int, int, str]:
        best, count = index.professional_rank[person]
        return best, count, person
    return key


def _lists_of(index: EvidenceIndex, graph: Graph, person: str) -> Listed:
    """The (city, industry asked) broker lists and the city professional lists the person
    belongs on, from the index's current facts."""
    record = _record(graph, person)
    cities = index.reach_of.get(person, {})
    brokers: tuple[tuple[str, str], ...] = ()
    if record is not None and Role.BROKER.value in record.labels:
        asked: set[str] = set()
        for industry in index.expert_in.get(person, ()):
            asked |= index.relatives_of.get(industry, frozenset())
        brokers = tuple((city, industry) for city, rel_type in sorted(cities.items())
                        if rel_type is RelType.COVERS for industry in sorted(asked))
    professionals = tuple(sorted(cities)) if person in index.professional_rank else ()
    return brokers, professionals


def _unlist(index: EvidenceIndex, person: str) -> None:
    """Take the person off every contact list they are on (before their facts change)."""
    brokers, professionals = index.listed.pop(person, ((), ()))
    dual = person in index.professional_rank
    for place in brokers:
        listed = index.brokers[place]
        listed.remove(person)
        if dual:
            index.dual[place] -= 1
            if not index.dual[place]:
                del index.dual[place]
        if not listed:
            del index.brokers[place]
    for city in professionals:
        listed = index.professionals[city]
        listed.remove(person)
        if not listed:
            del index.professionals[city]


def _list(index: EvidenceIndex, graph: Graph, person: str, *, in_order: bool = True
          ) -> None:
    """Put the person on the contact lists their current facts earn, in rank order
    (`in_order` False: at the end, for a caller that sorts every list afterwards)."""
    brokers, professionals = lists = _lists_of(index, graph, person)
    if not brokers and not professionals:
        return
    index.listed[person] = lists
    dual = person in index.professional_rank
    for place in brokers:
        listed = index.brokers.setdefault(place, [])
        if in_order:
            bisect.insort(listed, person, key=_broker_key(index, graph, place[1]))
        else:
            listed.append(person)
        if dual:
            index.dual[place] = index.dual.get(place, 0) + 1
    key = _professional_key(index)
    for city in professionals:
        listed = index.professionals.setdefault(city, [])
        if in_order:
            bisect.insort(listed, person, key=key)
        else:
            listed.append(person)


def _list_everyone(index: EvidenceIndex, graph: Graph) -> None:
    """Every contact list from scratch (at open, and when the taxonomy changed)."""
    index.listed.clear()
    index.brokers.clear()
    index.dual.clear()
    index.professionals.clear()
    for person in index.reach_of:
        _list(index, graph, person, in_order=False)
    keys: dict[str, BrokerKey] = {}
    for (_, industry), listed in index.brokers.items():
        if industry not in keys:
            keys[industry] = _broker_key(index, graph, industry)
        listed.sort(key=keys[industry])
    key = _professional_key(index)
    for listed in index.professionals.values():
        listed.sort(key=key)


def _refresh_taxonomy(index: EvidenceIndex, graph: Graph) -> None:
    def parents(node: str) -> list[str]:
        return [rel.target for rel in _rels(graph, node, RelType.SUBFIELD_OF, True)]

    def children(node: str) -> list[str]:
        return [rel.source for rel in _rels(graph, node, RelType.SUBFIELD_OF, False)]

    index.taxonomy = {node: taxonomy(parents, children, node)
                      for node, record in graph.nodes.items()
                      if record.label is Label.INDUSTRY}
    relatives: dict[str, set[str]] = {}
    for industry in index.taxonomy:
        for related in index.related(industry):
            relatives.setdefault(related, set()).add(industry)
    index.relatives_of = {node: frozenset(found) for node, found in relatives.items()}


# --------------------------------------------------------------------------- landing fits


def contact_totals(index: EvidenceIndex, city: str, covering: set[str], industry: str,
                   brokers: set[str]) -> tuple[int, int]:
    """How many brokers and professionals a park has (`evidence.best_contacts`' totals
    with the default skill categories, from the lists ranked ahead): those covering it
    (`brokers`: the brokers among them with expertise related to `industry`), and its
    city's less the people who are on both -- counted by set operations."""
    reach = index.reach.get(city, {})
    ranked = index.professional_rank.keys() & covering
    covers_city = {person for person in brokers if reach.get(person) is RelType.COVERS}
    city_brokers = len(index.brokers.get((city, industry), ()))
    city_professionals = (len(index.professionals.get(city, ()))
                          - index.dual.get((city, industry), 0))
    return (len(brokers) + city_brokers - len(covers_city),
            len(ranked) - len(ranked & brokers) + city_professionals
            - len(reach.keys() & ranked) + len(ranked & covers_city))


_BROKER = Role.BROKER.value
_LANDED = "landed"


def _park_fits(index: EvidenceIndex, graph: Graph, park: str) -> dict[str, ParkFit]:
    """The park's `ParkFit` for every industry asked whose related set holds one it
    hosts (none for a park without a city: it is never a candidate)."""
    row = index.parks.get(park)
    if row is None or row.city is None or not row.hosts:
        return {}
    asked: set[str] = set()
    for hosted, _ in row.hosts:
        asked |= index.relatives_of.get(hosted, frozenset())
    if not asked:
        return {}
    companies = set(graph.in_ends(park, RelType.LANDED_IN))
    industries_of = [set(graph.out_ends(company, RelType.IN_INDUSTRY))
                     for company in companies]
    landed = index.referral_stages.get(park, {}).get(_LANDED, 0)
    covering = index.covering.get(park, set())
    nodes = graph.nodes
    brokers = [person for person in covering if _BROKER in nodes[person].labels]

    def parents(node: str) -> list[str]:
        return [rel.target for rel in graph.out_rels(node, RelType.SUBFIELD_OF)]

    found = {}
    for industry in asked:
        ancestors, descendants = index.taxonomy[industry]
        related = Related(industry, ancestors, descendants, parents)
        fits = fits_of(row.hosts, related)
        if not fits:
            continue
        every = related.all
        expert = {person for person in brokers
                  if not every.isdisjoint(index.expert_in.get(person, ()))}
        found[industry] = ParkFit(
            fits, *contact_totals(index, row.city, covering, industry, expert),
            sum(1 for held in industries_of if not every.isdisjoint(held)), landed)
    return found


def _refresh_fits(index: EvidenceIndex, graph: Graph, parks: Iterable[str]) -> None:
    """Recompute the `fits` of these parks."""
    for park in parks:
        for of_industry in index.fits.values():
            of_industry.pop(park, None)
        for industry, fit in _park_fits(index, graph, park).items():
            index.fits.setdefault(industry, {})[park] = fit
    for industry in [name for name, of_industry in index.fits.items() if not of_industry]:
        del index.fits[industry]
    index.fit_tables.clear()


def _fit_everyone(index: EvidenceIndex, graph: Graph) -> None:
    """Every park's `fits` from scratch (at open, and when the taxonomy changed)."""
    index.fits.clear()
    _refresh_fits(index, graph, index.parks)


def _places_of(index: EvidenceIndex, people: Iterable[str]) -> set[str]:
    """The parks and cities these people cover or reach, as the index holds them now."""
    found: set[str] = set()
    for person in people:
        found.update(index.covers.get(person, ()))
        found.update(index.reach_of.get(person, ()))
    return found


def _dirty_parks(graph: Graph, places: set[str], parks: set[str], touched: set[str],
                 labels: dict[str, Label | None]) -> set[str]:
    """The parks whose `fits` a write may have changed: `parks` (touched or referred),
    the parks and the parks of the cities among `places` (what the people it changed
    cover and reach, before and after), and the parks the companies it touched landed
    in (a company's industries count in their track record)."""
    found = set(parks)
    for place in places:
        label = _label(graph, place)
        if label is Label.PARK:
            found.add(place)
        elif label is Label.CITY:
            found.update(graph.in_ends(place, RelType.IN_CITY))
    for node in touched:
        if labels[node] is Label.COMPANY:
            found.update(graph.out_ends(node, RelType.LANDED_IN))
    return found


# --------------------------------------------------------------------------- collaborators


def _drop(entries: dict[str, set[str]], key: str, person: str) -> None:
    members = entries.get(key)
    if members is not None:
        members.discard(person)
        if not members:
            del entries[key]


def _forget_people(index: EvidenceIndex, people: Iterable[str]) -> None:
    """Take the people out of the skill, expertise and city sets, by the facts the index
    holds for them now (before a write's refresh replaces those facts)."""
    facts = index.people
    for person in people:
        for skill, _ in index.skills.get(person, ()):
            held = facts.holders.get(skill, {})
            if held.pop(person, None) is not None and not held:
                del facts.holders[skill]
        for industry in index.expert_in.get(person, ()):
            _drop(facts.experts, industry, person)
        for city in facts.cities.get(person, ()):
            _drop(facts.in_city, city, person)


def _refresh_person_facts(index: EvidenceIndex, graph: Graph, person: str) -> None:
    """The person's cities and collaboration count, and their place in the skill,
    expertise and city sets (after `_forget_people` and the person's own refresh)."""
    facts = index.people
    facts.cities.pop(person, None)
    facts.collaborations.pop(person, None)
    facts.referred.pop(person, None)
    facts.closed.pop(person, None)
    facts.landed.pop(person, None)
    facts.signed.pop(person, None)
    if _label(graph, person) is not Label.PERSON:
        return
    _file_proof_counts(facts, person,
                       len(_rels(graph, person, RelType.REFERRED_BY, False)),
                       _closed_deals(_rels(graph, person, RelType.COLLABORATED_WITH, True))
                       + _closed_deals(_rels(graph, person, RelType.COLLABORATED_WITH, False)))
    _file_closed_referrals(facts, graph, person)
    for skill, level in index.skills.get(person, ()):  # sorted: the best level last
        facts.holders.setdefault(skill, {})[person] = level
    for industry in index.expert_in.get(person, ()):
        facts.experts.setdefault(industry, set()).add(person)
    base = [rel.target for rel in _rels(graph, person, RelType.BASED_IN, True)]
    covered: set[str] = set()
    for rel in _rels(graph, person, RelType.COVERS, True):
        if _label(graph, rel.target) is Label.CITY:
            covered.add(rel.target)
        else:
            covered.update(r.target for r in _rels(graph, rel.target, RelType.IN_CITY, True))
    cities = person_cities(base, covered)
    if cities:
        facts.cities[person] = cities
        for city in cities:
            facts.in_city.setdefault(city, set()).add(person)
    count = (len(_rels(graph, person, RelType.COLLABORATED_WITH, True))
             + len(_rels(graph, person, RelType.COLLABORATED_WITH, False)))
    if count:
        facts.collaborations[person] = count


CLOSED_STAGES = frozenset({"signed", "landed"})
"""The COLLABORATED_WITH stages that count as a closed deal in a proof of expertise."""


def _closed_deals(collaborations: Iterable[RelRecord]) -> int:
    return sum(1 for rel in collaborations if rel.properties.get("stage") in CLOSED_STAGES)


def _file_proof_counts(facts: PeopleFacts, person: str, referred: int, closed: int) -> None:
    """File a person's referral and closed-deal counts (a write's refresh and the bulk
    build alike)."""
    if referred:
        facts.referred[person] = referred
    if closed:
        facts.closed[person] = closed


def _people_of(graph: Graph, touched: set[str], changed: set[str]) -> set[str]:
    """The people whose facts a write may change: the touched ones, those covering
    a changed node (its label or IN_CITY may have changed what they cover), and those
    a changed referral was REFERRED_BY (its stage counts in their `landed`/`signed`).
    A node that is only the far end of a relationship written changed nothing of theirs."""
    people = set(touched)
    for node in changed:
        if node in graph:
            people.update(graph.in_ends(node, RelType.COVERS))
            people.update(graph.out_ends(node, RelType.REFERRED_BY))
    return people


def _file_closed_referrals(facts: PeopleFacts, graph: Graph, person: str) -> None:
    """File how many of the person's referrals are landed and signed (a write's refresh
    and the bulk build alike)."""
    landed = signed = 0
    for referral in graph.in_ends(person, RelType.REFERRED_BY):
        stage = graph.nodes[referral].properties.get("stage")
        landed += stage == "landed"
        signed += stage == "signed"
    if landed:
        facts.landed[person] = landed
    if signed:
        facts.signed[person] = signed


def _file_places(index: EvidenceIndex, node: str, parks: set[str],
                 reached: dict[str, RelType], based: list[str]) -> None:
    """File the parks a person covers and the cities they reach (`reached`: the cities
    covered, to which their home cities are added), for a write's refresh and the bulk
    build alike."""
    if parks:
        index.covers[node] = tuple(sorted(parks))
        for park in parks:
            index.covering.setdefault(park, set()).add(node)
    for home in based:
        reached.setdefault(home, RelType.BASED_IN)
    if reached:
        index.reach_of[node] = reached
        for place, rel_type in reached.items():
            index.reach.setdefault(place, {})[node] = rel_type


def _file_contact_skills(index: EvidenceIndex, node: str, person: NodeRecord,
                         contact_skills: tuple[tuple[str, int], ...]) -> None:
    """File a person's skills of the contact categories and the professional rank they
    give (the same filing for a write's refresh and the bulk build)."""
    if contact_skills:
        index.contact_skills[node] = contact_skills
    rank = professional_rank(person, contact_skills)
    if rank is not None:
        index.professional_rank[node] = rank


# --------------------------------------------------------------------------- score columns


PERSON_COLUMNS = ("best_level", "expert", "home", "collaborations", "certification",
                  "dated", "landed", "signed", "closed")
"""The columns of `PersonColumns.table`, in order."""


@dataclass
class PersonColumns:
    """Every person's facts a collaborator score reads, as one numpy table (a row per
    person, `row`: person -> row; columns `PERSON_COLUMNS`, int32), so the scores of
    thousands of candidates are bounded with whole-array operations (`ScoreColumns`;
    `queries.score_columns` gathers the rows a question asks for). Values many people
    share are numbers into lists: `cities` (the person's first city, -1 none),
    `certifications` (the property's values), `dates` (a record per distinct
    (last_verified, as_of) pair). Made by the bulk build (so a snapshot holds it: the
    first question after an open does not pay for it, ~4 s at 10^6 nodes); a write
    refreshes the rows of the people it touched and gives a new person a new row
    (`refresh`); a row of someone no longer a person stays, read by no question (their
    id is no candidate)."""

    row: dict[str, int]
    table: Any
    cities: list[str] = field(default_factory=list)
    certifications: list[object] = field(default_factory=list)
    dates: list[NodeRecord] = field(default_factory=list)
    numbers: dict[tuple[str, object], int] = field(default_factory=dict)
    """(list name, value) -> the value's number in that list."""
    by_number: Any = None
    """Row per node number of the graph's arrays (-1: none), made on first use
    (`people.score_columns`) for the arrays whose ids are `numbered`."""
    numbered: list[str] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.table, array):  # from a snapshot (`__reduce__`)
            import numpy as np  # as the graph's arrays: imported when first needed

            self.table = np.frombuffer(self.table, np.int32).reshape(-1, len(PERSON_COLUMNS))

    def __reduce__(self) -> tuple[type[PersonColumns], tuple[Any, ...]]:
        """A snapshot holds the table as an array of int32 (it refers to no numpy)."""
        return type(self), (self.row, array("i", self.table.tobytes()), self.cities,
                            self.certifications, self.dates, self.numbers)

    @classmethod
    def of(cls, index: EvidenceIndex, graph: Graph) -> PersonColumns:
        import numpy as np  # as the graph's arrays: imported when first needed

        people = [node for node, record in graph.nodes.items() if record.label is Label.PERSON]
        columns = cls({person: row for row, person in enumerate(people)}, None)
        columns.table = np.array([columns._values(index, graph, person) for person in people],
                                 dtype=np.int32).reshape(len(people), len(PERSON_COLUMNS))
        return columns

    def refresh(self, index: EvidenceIndex, graph: Graph, people: Iterable[str]) -> None:
        """Rewrite the rows of these people (when they are people), a new row for one
        without."""
        import numpy as np  # as the graph's arrays: imported when first needed

        added = []
        for person in people:
            if _label(graph, person) is not Label.PERSON:
                continue
            values = self._values(index, graph, person)
            row = self.row.get(person)
            if row is None:
                self.row[person] = len(self.row)
                added.append(values)
            else:
                self.table[row] = values
        if added:
            self.table = np.concatenate((self.table, np.array(added, dtype=np.int32).reshape(
                len(added), len(PERSON_COLUMNS))))

    def _number(self, name: str, value: object, record: NodeRecord | None = None) -> int:
        found = self.numbers.get((name, value))
        if found is None:
            lists: dict[str, list[Any]] = {"cities": self.cities, "dates": self.dates,
                                           "certifications": self.certifications}
            values = lists[name]
            found = self.numbers[(name, value)] = len(values)
            values.append(record if record is not None else value)
        return found

    def _values(self, index: EvidenceIndex, graph: Graph, person: str) -> tuple[int, ...]:
        facts, record = index.people, graph.nodes[person]
        properties = record.properties
        found = facts.cities.get(person)
        return (max((level for _, level in index.skills.get(person, ())), default=0),
                int(person in index.expert_in),
                self._number("cities", found[0]) if found else -1,
                facts.collaborations.get(person, 0),
                self._number("certifications", properties.get("certification_level")),
                self._number("dates", (properties.get("last_verified"), properties.get("as_of")),
                             record),
                facts.landed.get(person, 0), facts.signed.get(person, 0),
                facts.closed.get(person, 0))


# --------------------------------------------------------------------------- build, apply


def build(graph: Graph) -> EvidenceIndex:
    """The index of a whole graph: what `apply` makes of every node touched, in bulk
    passes (one over the nodes, one over each person's relationships) instead of a
    refresh per node. The sets iterated are the ones `apply` iterates, so every entry
    is filled in the same order (the index tests hold the two equal)."""
    index = EvidenceIndex()
    records = graph.nodes
    touched = set(iter(records))  # grown as `apply` grows it (a set of a dict is presized)
    for node in touched:
        record = records[node]
        label = record.label
        if label is Label.INDUSTRY:
            _refresh_industry(index, graph, node, record)
        elif label is Label.PARK:
            _refresh_park(index, graph, node, record)
        elif label is Label.POLICY:
            _refresh_policy(index, graph, node, record)
    for node in touched:
        if records[node].label is Label.PARK:
            _refresh_referrals(index, graph, node)
    people = {node for node in touched if records[node].label is Label.PERSON}
    cities = _build_people(index, graph, people)
    _refresh_taxonomy(index, graph)
    _list_everyone(index, graph)
    _fit_everyone(index, graph)
    if any(record.label is Label.CITY for record in records.values()):
        index.rail = build_rail(graph)
    facts = index.people
    closed = _closed_by_person(graph, people)
    for node in set(touched):  # `_people_of`'s order, filed as `_refresh_person_facts` does
        if node in cities:
            for skill, level in index.skills.get(node, ()):
                facts.holders.setdefault(skill, {})[node] = level
            for industry in index.expert_in.get(node, ()):
                facts.experts.setdefault(industry, set()).add(node)
            found, collaborations = cities[node]
            if found:
                facts.cities[node] = found
                for city in found:
                    facts.in_city.setdefault(city, set()).add(node)
            if collaborations:
                facts.collaborations[node] = collaborations
            _file_proof_counts(facts, node, len(graph.in_ends(node, RelType.REFERRED_BY)),
                               closed.get(node, 0))
            _file_closed_referrals(facts, graph, node)
    index.person_columns = PersonColumns.of(index, graph)
    return index


def _closed_by_person(graph: Graph, people: Iterable[str]) -> dict[str, int]:
    """`_closed_deals` of every person's COLLABORATED_WITH either way, from one read of
    each relationship's map (from its source; both ends are people), no records built."""
    closed: dict[str, int] = {}
    for person in people:
        for other, properties in graph.out_targets(person, RelType.COLLABORATED_WITH):
            if properties.get("stage") in CLOSED_STAGES:
                closed[person] = closed.get(person, 0) + 1
                closed[other] = closed.get(other, 0) + 1
    return closed


def _build_people(index: EvidenceIndex, graph: Graph, people: Iterable[str]
                  ) -> dict[str, tuple[tuple[str, ...], int]]:
    """`_refresh_person` of every person, from the graph's arrays (no records built);
    returns their `PeopleFacts` (cities, collaborations) for the caller to file."""
    records = graph.nodes
    categories: dict[str, bool] = {}
    park_cities: dict[str, list[str]] = {}
    facts: dict[str, tuple[tuple[str, ...], int]] = {}
    has_skill, expert_in, covers, based_in, collaborated, city = (
        RelType.HAS_SKILL, RelType.EXPERT_IN, RelType.COVERS, RelType.BASED_IN,
        RelType.COLLABORATED_WITH, Label.CITY)
    out_ends, in_ends, out_targets = graph.out_ends, graph.in_ends, graph.out_targets
    for node in people:
        person = records[node]
        skill_levels = [(skill, int(properties["level"]))
                        for skill, properties in out_targets(node, has_skill)]
        expertise, covered = out_ends(node, expert_in), out_ends(node, covers)
        based = out_ends(node, based_in)
        collaborations = len(out_ends(node, collaborated)) + len(in_ends(node, collaborated))
        skills = tuple(sorted(skill_levels))
        if skills:
            index.skills[node] = skills
        if expertise:
            index.expert_in[node] = tuple(sorted(expertise))
        contact: list[tuple[str, int]] = []
        for skill, level in skills:
            wanted = categories.get(skill)
            if wanted is None:
                wanted = categories[skill] = (records[skill].properties["category"]
                                              in _CONTACT_CATEGORIES)
            if wanted:
                contact.append((skill, level))
        _file_contact_skills(index, node, person, tuple(contact))
        reached: dict[str, RelType] = {}
        parks: set[str] = set()
        covered_cities: set[str] = set()
        for place in covered:
            if records[place].label is city:
                reached[place] = covers
                covered_cities.add(place)
            else:
                parks.add(place)
                in_city = park_cities.get(place)
                if in_city is None:
                    in_city = park_cities[place] = out_ends(place, RelType.IN_CITY)
                covered_cities.update(in_city)
        _file_places(index, node, parks, reached, based)
        facts[node] = (person_cities(based, covered_cities), collaborations)
    return facts


CHANGES_SOURCE = frozenset({RelType.IN_CITY, RelType.HSR_LINK, RelType.SUBFIELD_OF})
"""Relationship types whose write or deletion changes its source for what is made of it
(`apply`'s `changed`): a park's IN_CITY is among the cities its coverers reach, a city's
HSR_LINK among the rail's links, an industry's SUBFIELD_OF among the taxonomy's."""


def apply(index: EvidenceIndex, graph: Graph, touched: Iterable[str],
          changed: Iterable[str]) -> None:
    """Bring the index up to date with `graph` after a write that changed the records or
    relationships of the `touched` ids (both ends of every relationship written or
    deleted, every node written or deleted, and the former neighbours of deleted nodes).
    `changed` (among them) are the ids that changed for those relating to them: every
    node written or deleted, the former neighbours of deleted nodes, and the source of
    every relationship of a type in `CHANGES_SOURCE` written or deleted. The rest are
    only ends of relationships written, which change what their other end holds, not
    what the people covering them, holding them or referred by them hold, nor the rail
    or the taxonomy.
    """
    touched = set(touched)
    changed = touched.intersection(changed)
    index.landing_kept.clear()
    index.person_arrays.clear()
    facts_of = _people_of(graph, touched, changed)
    _forget_people(index, facts_of)
    labels = {node: _label(graph, node) for node in touched}
    industries = {node for node in changed
                  if labels[node] is Label.INDUSTRY or node in index.taxonomy}
    people = {node for node in touched if labels[node] is Label.PERSON
              or node in index.reach_of or node in index.covers or node in index.skills
              or node in index.expert_in}
    for node in changed:  # a skill's category ranks every holder
        if labels[node] is Label.SKILL:
            people.update(rel.source for rel in _rels(graph, node, RelType.HAS_SKILL, False))
    places = _places_of(index, people | facts_of)  # before their refresh
    if not industries:
        for person in people:
            _unlist(index, person)
    for node in touched:
        label = labels[node]
        if label is Label.INDUSTRY or node in index.hosted_by:
            _refresh_industry(index, graph, node, _record(graph, node))
        if label is Label.PARK or node in index.parks:
            _refresh_park(index, graph, node, _record(graph, node))
        if label is Label.POLICY or node in index.offered_at:
            _refresh_policy(index, graph, node, _record(graph, node))
    referred = _referred_parks(graph, touched, changed, labels)
    for park in referred | (touched & index.referral_stages.keys()):
        _refresh_referrals(index, graph, park)
    for person in people:
        _refresh_person(index, graph, person)
    if industries:
        _refresh_taxonomy(index, graph)
        _list_everyone(index, graph)
        _fit_everyone(index, graph)
    else:
        for person in people:
            _list(index, graph, person)
        places |= _places_of(index, people | facts_of)
        parks = {node for node in touched if labels[node] is Label.PARK or node in index.parks
                 or any(node in of_industry for of_industry in index.fits.values())}
        _refresh_fits(index, graph, _dirty_parks(graph, places, parks | referred,
                                                 touched, labels))
    if any(labels[node] is Label.CITY or labels[node] is None for node in changed):
        index.rail = build_rail(graph)
        index.routes.clear()
    for person in facts_of:
        _refresh_person_facts(index, graph, person)
    if index.person_columns is not None:
        index.person_columns.refresh(index, graph, facts_of)


def build_rail(graph: Graph) -> dict[RelKey, RailLink]:
    """Every HSR_LINK, by key, in key order."""
    found: dict[RelKey, RailLink] = {}
    for node, record in graph.nodes.items():
        if record.label is Label.CITY:
            for rel in _rels(graph, node, RelType.HSR_LINK, True):
                found[rel.key] = _link(rel)
    return dict(sorted(found.items()))
