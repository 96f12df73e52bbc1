"""Network analytics for the alliance office, by NetworkX over a projection.

The projection is fetched from either store with the protocol's plain reads (every
relationship of the few types the questions need, and the Referral and Company nodes),
so the embedded store and Neo4j give the same answers:

- brokers who bridge: betweenness centrality (normalised, unweighted) on the
  collaboration graph (people joined when they share a COLLABORATED_WITH deal), with the
  cities and verticals (taxonomy roots) of the people each broker links;
- coverage gaps: city × industry where startups need landing (a company with a landing
  need, of the industry, and a park in the city hosting the industry or a related one)
  but no broker covers the city (or one of its parks) with expertise in a related
  industry (the industry, an ancestor or a subfield);
- communities: Louvain communities (seed 0, over sorted nodes and edges) of the
  collaboration graph, with their main cities and verticals;
- the referral funnel: per city of the park, broker or vertical, how many referrals
  reached each stage (`services.referrals.reached_stages`, the meaning GET /v1/funnel
  uses: a dropped one counts for the stages it has dates for), the conversion from each
  stage to the next and the median days spent before each stage (time in the stage
  before it), which /v1/funnel does not give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from statistics import median

import networkx as nx
from pydantic import BaseModel, Field

from alliance.services.professions import all_nodes
from alliance.services.referrals import reached_stages
from alliance.store.base import GraphStore
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.vocabulary import FUNNEL_ORDER, Label, ReferralStage, RelType, Role

__all__ = ["FunnelBy", "Projection", "brokers", "collaboration_graph", "communities",
           "coverage_gaps", "funnel", "project"]

COMMUNITY_SEED = 0

STAGE_DATES = {stage: f"{stage.value}_on" for stage in FUNNEL_ORDER}


@dataclass
class Projection:
    """What the analytics read, fetched once: relationships by type and a few nodes."""

    rels: dict[RelType, list[RelRecord]]
    people: dict[str, NodeRecord]
    referrals: dict[str, NodeRecord]
    companies: dict[str, NodeRecord]
    names: dict[str, str] = field(default_factory=dict)

    def pairs(self, rel_type: RelType) -> list[tuple[str, str]]:
        return [(rel.source, rel.target) for rel in self.rels[rel_type]]

    def one(self, rel_type: RelType) -> dict[str, str]:
        """Source → target of a single-valued relationship (smallest target wins)."""
        found: dict[str, str] = {}
        for source, target in sorted(self.pairs(rel_type), reverse=True):
            found[source] = target
        return found

    def many(self, rel_type: RelType) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for source, target in self.pairs(rel_type):
            found.setdefault(source, set()).add(target)
        return found

    def parent(self) -> dict[str, str]:
        return self.one(RelType.SUBFIELD_OF)

    def root(self, industry: str) -> str:
        parents, seen = self.parent(), {industry}
        while industry in parents and parents[industry] not in seen:
            industry = parents[industry]
            seen.add(industry)
        return industry

    def related(self, industry: str) -> set[str]:
        """The industry, its ancestors and all its subfields."""
        parents = self.parent()
        found, node = {industry}, industry
        while node in parents and parents[node] not in found:
            node = parents[node]
            found.add(node)
        children: dict[str, set[str]] = {}
        for child, parent in parents.items():
            children.setdefault(parent, set()).add(child)
        stack = [industry]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found


PROJECTED = (RelType.COLLABORATED_WITH, RelType.WORKS_AT, RelType.COVERS, RelType.EXPERT_IN,
             RelType.BASED_IN, RelType.IN_CITY, RelType.SUBFIELD_OF, RelType.HOSTS,
             RelType.IN_INDUSTRY, RelType.REFERS, RelType.REFERRED_TO, RelType.REFERRED_BY)


def project(store: GraphStore) -> Projection:
    """The projection from any store (sorted reads, so every store builds the same)."""
    rels = {rel_type: store.get_relationships(rel_type) for rel_type in PROJECTED}
    names = {node.id: str(node.properties["name_en"])
             for label in (Label.CITY, Label.INDUSTRY) for node in all_nodes(store, label)}
    return Projection(
        rels=rels,
        people={node.id: node for node in all_nodes(store, Label.PERSON)},
        referrals={node.id: node for node in all_nodes(store, Label.REFERRAL)},
        companies={node.id: node for node in all_nodes(store, Label.COMPANY)},
        names=names)


def collaboration_graph(projection: Projection) -> nx.Graph:
    """People joined by at least one deal; `deals` counts them. Built in sorted order so
    order-dependent algorithms (Louvain) give every store the same answer."""
    deals: Counter[tuple[str, str]] = Counter()
    for source, target in projection.pairs(RelType.COLLABORATED_WITH):
        if source != target:
            deals[(min(source, target), max(source, target))] += 1
    graph = nx.Graph()
    graph.add_nodes_from(sorted({person for pair in deals for person in pair}))
    for (a, b), count in sorted(deals.items()):
        graph.add_edge(a, b, deals=count)
    return graph


# --------------------------------------------------------------------------- brokers


class BrokerOut(BaseModel):
    """A broker who links people of different cities and verticals."""

    person: str
    name_en: str
    betweenness: float
    collaborators: int
    cities: list[str] = Field(description="Base cities of the people they worked with.")
    verticals: list[str] = Field(description="Taxonomy roots of those people's verticals.")


def _home(projection: Projection) -> dict[str, str]:
    return projection.one(RelType.BASED_IN)


def brokers(store: GraphStore, *, top: int = 10) -> list[BrokerOut]:
    """Brokers by betweenness on the collaboration graph, most bridging first."""
    projection = project(store)
    graph = collaboration_graph(projection)
    centrality = nx.betweenness_centrality(graph, normalized=True)
    home, expert = _home(projection), projection.many(RelType.EXPERT_IN)
    found = []
    for person, value in centrality.items():
        record = projection.people.get(person)
        if record is None or Role.BROKER.value not in record.labels:
            continue
        partners = sorted(graph.neighbors(person))
        cities = sorted({home[p] for p in partners if p in home})
        roots = sorted({projection.root(i) for p in partners for i in expert.get(p, ())})
        found.append(BrokerOut(person=person, name_en=str(record.properties["name_en"]),
                               betweenness=round(value, 9), collaborators=len(partners),
                               cities=cities, verticals=roots))
    found.sort(key=lambda b: (-b.betweenness, b.person))
    return found[:top]


# --------------------------------------------------------------------------- gaps


class GapOut(BaseModel):
    """A city × industry with startups needing landing and no broker covering it."""

    city: str
    industry: str
    startups: int = Field(description="Companies with a landing need of the industry.")
    parks: list[str] = Field(description="Parks of the city hosting a related industry.")


def coverage_gaps(store: GraphStore) -> list[GapOut]:
    """Gaps, most startups first (see the module docstring)."""
    projection = project(store)
    park_city = projection.one(RelType.IN_CITY)
    hosts = projection.many(RelType.HOSTS)
    industry_of = projection.many(RelType.IN_INDUSTRY)
    expert = projection.many(RelType.EXPERT_IN)
    covers = projection.many(RelType.COVERS)
    demand: Counter[str] = Counter()
    for company_id, company in projection.companies.items():
        if company.properties.get("need_area_m2") is None:
            continue
        for industry in industry_of.get(company_id, ()):
            demand[industry] += 1
    brokers_of = [p for p, rec in sorted(projection.people.items())
                  if Role.BROKER.value in rec.labels]
    gaps = []
    for industry, startups in sorted(demand.items()):
        related = projection.related(industry)
        parks_by_city: dict[str, list[str]] = {}
        for park, hosted in sorted(hosts.items()):
            if hosted & related and park in park_city:
                parks_by_city.setdefault(park_city[park], []).append(park)
        for city, parks in sorted(parks_by_city.items()):
            places = {city, *(p for p, c in park_city.items() if c == city)}
            covered = any(covers.get(b, set()) & places and expert.get(b, set()) & related
                          for b in brokers_of)
            if not covered:
                gaps.append(GapOut(city=city, industry=industry, startups=startups,
                                   parks=parks))
    gaps.sort(key=lambda g: (-g.startups, g.city, g.industry))
    return gaps


# --------------------------------------------------------------------------- communities


class CommunityOut(BaseModel):
    size: int
    members: list[str] = Field(description="Person ids, most connected first.")
    cities: dict[str, int]
    verticals: dict[str, int]


class CommunitiesOut(BaseModel):
    modularity: float
    communities: list[CommunityOut]


def communities(store: GraphStore, *, min_size: int = 3) -> CommunitiesOut:
    """Louvain communities of collaborators, largest first."""
    projection = project(store)
    graph = collaboration_graph(projection)
    parts = nx.community.louvain_communities(graph, seed=COMMUNITY_SEED)
    modularity = nx.community.modularity(graph, parts) if graph.number_of_edges() else 0.0
    home, expert = _home(projection), projection.many(RelType.EXPERT_IN)
    found = []
    for part in parts:
        if len(part) < min_size:
            continue
        members = sorted(part, key=lambda p: (-graph.degree(p), p))
        cities = Counter(home[p] for p in part if p in home)
        roots = Counter(projection.root(i) for p in part for i in expert.get(p, ()))
        found.append(CommunityOut(size=len(part), members=members,
                                  cities=dict(sorted(cities.items(), key=lambda kv: (-kv[1],
                                                                                    kv[0]))),
                                  verticals=dict(sorted(roots.items(),
                                                        key=lambda kv: (-kv[1], kv[0])))))
    found.sort(key=lambda c: (-c.size, c.members[0]))
    return CommunitiesOut(modularity=round(modularity, 9), communities=found)


# --------------------------------------------------------------------------- funnel


class FunnelBy(StrEnum):
    CITY = "city"
    BROKER = "broker"
    VERTICAL = "vertical"


class StageOut(BaseModel):
    stage: str
    reached: int
    conversion: float | None = Field(description="Share of the previous stage's referrals "
                                                 "that reached this one.")
    median_days_before: float | None = Field(
        description="Median days from the previous stage to this one.")


class FunnelGroup(BaseModel):
    group: str
    referrals: int
    dropped: int
    stages: list[StageOut]


def funnel(store: GraphStore, *, by: FunnelBy = FunnelBy.CITY,
           min_referrals: int = 1) -> list[FunnelGroup]:
    """Conversion and time-in-stage of referrals per city, broker or vertical."""
    projection = project(store)
    park_city = projection.one(RelType.IN_CITY)
    to_park, by_broker = projection.one(RelType.REFERRED_TO), projection.one(RelType.REFERRED_BY)
    company = projection.one(RelType.REFERS)
    industries = projection.many(RelType.IN_INDUSTRY)
    groups: dict[str, list[NodeRecord]] = {}
    for referral_id, referral in sorted(projection.referrals.items()):
        keys: Iterable[str]
        if by is FunnelBy.CITY:
            keys = [park_city.get(to_park.get(referral_id, ""), "")]
        elif by is FunnelBy.BROKER:
            keys = [by_broker.get(referral_id, "")]
        else:
            keys = sorted({projection.root(i)
                           for i in industries.get(company.get(referral_id, ""), ())})
        for key in keys:
            if key:
                groups.setdefault(key, []).append(referral)
    found = []
    for key, referrals in sorted(groups.items()):
        if len(referrals) < min_referrals:
            continue
        stages: list[StageOut] = []
        previous: ReferralStage | None = None
        reached_by = {r.id: set(reached_stages(r.properties)) for r in referrals}
        for stage in FUNNEL_ORDER:
            reached = [r for r in referrals if stage in reached_by[r.id]]
            prior = [r for r in referrals if previous in reached_by[r.id]]
            days = [] if previous is None else [
                (date.fromisoformat(str(r.properties[STAGE_DATES[stage]]))
                 - date.fromisoformat(str(r.properties[STAGE_DATES[previous]]))).days
                for r in reached]
            stages.append(StageOut(
                stage=stage.value, reached=len(reached),
                conversion=round(len(reached) / len(prior), 6) if prior else None,
                median_days_before=float(median(days)) if days else None))
            previous = stage
        dropped = sum(1 for r in referrals if r.properties.get("stage") == "dropped")
        found.append(FunnelGroup(group=key, referrals=len(referrals), dropped=dropped,
                                 stages=stages))
    found.sort(key=lambda g: (-g.referrals, g.group))
    return found
