"""Collaborator search and team building: who can help with the legal or finance side?

Candidates (people meeting the hard constraints) come from the store's evidence query;
the ties around the asker come from `services.network` and are weighed by one formula
(`services.ties`). Each candidate gets the best trust route (strongest weakest tie, then
fewest hops) with every hop's evidence and who to ask for the introduction, and a proof
of expertise from results: referrals carried to signed or landed in the asked verticals'
part of the taxonomy, and closed deals. People beyond reach follow as cold contacts. A
thin answer says, per filter, how many candidates widening it would give. A person
whose facts are past the freshness horizon on as_of is marked `stale` and their score is
multiplied by the freshness weight (services.freshness: horizon ÷ age, never below 0.5).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from alliance.errors import NotFound
from alliance.services import freshness, professions
from alliance.services.explain import NodeRef, PathOut, PersonOut, node_ref, person_out
from alliance.services.network import grow, neighbourhood, relationships_of
from alliance.services.ties import Deal, Tie, TieGraph, TrustRoute, best_routes, two_hop_route
from alliance.store.base import (
    MAX_HOPS,
    CollaboratorEvidence,
    CollaboratorFilter,
    GraphStore,
    NumberedSet,
    ProofCounter,
    ScoreColumns,
    ScoreColumnSource,
    union_of,
)
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import CertificationLevel, Label, ReferralStage, RelType, Role

THIN_ANSWER = 3
"""Fewer candidates than this and the answer says how to widen the search."""

CLOSED = (ReferralStage.SIGNED, ReferralStage.LANDED)

CERTIFICATION_VALUE = {CertificationLevel.JUNIOR.value: 0.3,
                       CertificationLevel.INTERMEDIATE.value: 0.6,
                       CertificationLevel.SENIOR.value: 1.0}


class CollaboratorWeights(BaseModel):
    """Weights of the score parts (relative). Proven results weigh more than a
    certificate: companies trust brokers who have closed deals in their vertical."""

    model_config = ConfigDict(extra="forbid")

    skill: Annotated[float, Field(ge=0)] = 0.3
    trust: Annotated[float, Field(ge=0)] = 0.2
    proven: Annotated[float, Field(ge=0)] = 0.2
    vertical: Annotated[float, Field(ge=0)] = 0.1
    place: Annotated[float, Field(ge=0)] = 0.1
    experience: Annotated[float, Field(ge=0)] = 0.05
    certification: Annotated[float, Field(ge=0)] = 0.05


class CollaboratorRequest(BaseModel):
    """Who is asking, what skills are wanted, and where."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "asker": "person:chen-jing", "skills": ["skill:ip-litigation"],
        "verticals": ["industry:medical-devices"], "cities": ["city:suzhou"], "top_k": 5,
    }]})

    asker: str | None = Field(default=None, description="Person id of the asker.")
    skills: list[str] = Field(default_factory=list, max_length=20)
    require_all_skills: bool = False
    min_level: Annotated[int, Field(ge=1, le=5)] = 1
    verticals: list[str] = Field(default_factory=list, max_length=20)
    cities: list[str] = Field(default_factory=list, max_length=20)
    roles: list[Role] = Field(default_factory=list)
    min_certification: CertificationLevel | None = None
    max_hops: Annotated[int, Field(ge=1, le=MAX_HOPS)] = 3
    top_k: Annotated[int, Field(ge=1, le=100)] = 10
    as_of: date | None = Field(default=None, description="Date ties decay to; default today.")
    weights: CollaboratorWeights = Field(default_factory=CollaboratorWeights)

    def to_filter(self, *, exclude: tuple[str, ...] = ()) -> CollaboratorFilter:
        """The hard constraints; trust routes are computed here, so the store is asked
        for none (no asker), and the asker is excluded instead."""
        return CollaboratorFilter(
            skills=tuple(self.skills), require_all_skills=self.require_all_skills,
            min_level=self.min_level, verticals=tuple(self.verticals),
            cities=tuple(self.cities), roles=tuple(self.roles),
            min_certification=self.min_certification, asker=None,
            max_hops=self.max_hops,
            exclude=(*exclude, *([self.asker] if self.asker else [])),
        )

    def year(self) -> int:
        return (self.as_of or date.today()).year


# --------------------------------------------------------------------------- answer


class DealOut(BaseModel):
    """One piece of evidence behind a tie."""

    deal: str
    year: int
    kind: str
    stage: str | None
    value_cny: float | None


class TrustStep(BaseModel):
    """The tie behind one relationship of `trust_path`: `trust_steps[i]` belongs to
    `trust_path.rel_types[i]` (a shared-employer tie spans two relationships, person →
    organization ← person, and both steps carry it)."""

    between: tuple[str, str] = Field(description="The two people of the tie, in path order.")
    strength: float = Field(description="Tie strength in [0, 1) (docs/api.md has the formula).")
    evidence: list[str] = Field(description="The tie in words, newest deal first.")
    deals: list[tuple[str, int]] = Field(description="(deal, year) pairs, newest first.")
    details: list[DealOut]
    organizations: list[str] = Field(description="Employers the two share.")


class Introduction(BaseModel):
    """Who to ask to reach the candidate."""

    ask: NodeRef | None = Field(description="The first person on the route (null: you know "
                                            "the candidate directly).")
    text: str


class Proof(BaseModel):
    """Expertise shown by results in the asked verticals (any vertical when none)."""

    landed: int
    signed: int
    closed_deals: int = Field(description="Deals (any vertical) that reached signed or landed.")
    since: int | None = Field(description="Year of the earliest counted referral.")
    referrals: list[str] = Field(description="Ids of the counted referrals, newest first.")
    text: str


class Collaborator(BaseModel):
    """One ranked person with the reasons."""

    rank: int
    score: float
    person: PersonOut
    parts: dict[str, float]
    skills: list[tuple[str, int]]
    cities: list[str]
    verticals: list[str]
    collaborations: int
    cold: bool = Field(description="True when no trust path within max_hops exists.")
    stale: bool = Field(description="The person's facts are past their freshness horizon "
                        "(365 days by default) on as_of; the score is then × horizon ÷ "
                        "age, never below 0.5.")
    hops: int | None = Field(description="People-to-people steps of the trust route.")
    weakest_tie: float | None = Field(description="Strength of the route's weakest tie.")
    trust_path: PathOut | None
    trust_steps: list[TrustStep]
    introduction: Introduction | None
    proof: Proof
    explanation: str


class Relaxation(BaseModel):
    """How many candidates one widened filter would give (the others kept)."""

    filter: str = Field(description="Request field widened: verticals, cities, skills, "
                                    "roles, min_level or min_certification.")
    widened_to: str = Field(description="The wider meaning, e.g. 'any vertical'.")
    candidates: int


class CollaboratorResult(BaseModel):
    collaborators: list[Collaborator]
    candidates: int
    relaxations: list[Relaxation] = Field(
        description=f"Empty unless fewer than {THIN_ANSWER} candidates matched.")


# --------------------------------------------------------------------------- proofs


@dataclass(frozen=True)
class _Record:
    """A person's results: counted referrals (id, stage, year) and closed deals."""

    referrals: tuple[tuple[str, ReferralStage, int], ...]
    closed_deals: int


def _subtree(store: GraphStore, verticals: Sequence[str]) -> set[str] | None:
    """The verticals and every subfield (None: no vertical asked, any counts)."""
    if not verticals:
        return None
    children: dict[str, set[str]] = {}
    for rel in store.get_relationships(RelType.SUBFIELD_OF):
        children.setdefault(rel.target, set()).add(rel.source)
    found, stack = set(verticals), list(verticals)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _records(store: GraphStore, people: Sequence[str], subtree: set[str] | None
             ) -> dict[str, _Record]:
    """Referrals each person carried to signed or landed for a company of the verticals'
    subtree (None: any), and their deals that closed (`proof_counts`)."""
    by = relationships_of(store, people, RelType.REFERRED_BY, outgoing=False)
    referrals = {rel.source: rel.target for rel in by}
    nodes = {node.id: node for node in store.get_nodes(sorted(referrals))}
    companies = {rel.source: rel.target for rel in
                 relationships_of(store, referrals, RelType.REFERS, incoming=False)}
    industries: dict[str, set[str]] = {}
    for rel in relationships_of(store, set(companies.values()), RelType.IN_INDUSTRY,
                                incoming=False):
        industries.setdefault(rel.source, set()).add(rel.target)
    counted: dict[str, list[tuple[str, ReferralStage, int]]] = {}
    for referral, person in referrals.items():
        node = nodes.get(referral)
        if node is None:
            continue
        stage = ReferralStage(str(node.properties["stage"]))
        if stage not in CLOSED:
            continue
        if subtree is not None and not subtree & industries.get(companies.get(referral, ""), set()):
            continue
        when = node.properties.get("landed_on" if stage is ReferralStage.LANDED else "signed_on")
        year = int(str(when or node.properties["proposed_on"])[:4])
        counted.setdefault(person, []).append((referral, stage, year))
    counts = proof_counts(store, people)
    return {person: _Record(tuple(sorted(counted.get(person, []), key=lambda r: (-r[2], r[0]))),
                            counts[person][1]) for person in people}


def _proof(record: _Record, vertical_names: str) -> Proof:
    landed = sum(1 for _, stage, _ in record.referrals if stage is ReferralStage.LANDED)
    signed = len(record.referrals) - landed
    since = min((year for *_, year in record.referrals), default=None)
    parts = []
    if landed:
        parts.append(f"{landed} landed")
    if signed:
        parts.append(f"{signed} signed")
    text = (f"{' and '.join(parts)} in {vertical_names} since {since}" if parts
            else f"no signed or landed referral in {vertical_names}")
    if record.closed_deals:
        text += f"; {record.closed_deals} closed deals"
    return Proof(landed=landed, signed=signed, closed_deals=record.closed_deals, since=since,
                 referrals=[r for r, *_ in record.referrals], text=text)


def proven_value(record: _Record) -> float:
    """Results as a score part in [0, 1): landed referrals count most."""
    landed = sum(1 for _, stage, _ in record.referrals if stage is ReferralStage.LANDED)
    raw = landed + 0.7 * (len(record.referrals) - landed) + 0.1 * record.closed_deals
    return round(raw / (raw + 2.0), 6)


# --------------------------------------------------------------------------- trust


class _Explainer:
    """Names and paths for the routes shown, looked up together."""

    def __init__(self, store: GraphStore, graph: TieGraph, routes: Iterable[TrustRoute]) -> None:
        self.graph = graph
        ids = {person for route in routes for person in route.people}
        for route in routes:  # every shared employer a step names or passes through
            for a, b in zip(route.people, route.people[1:], strict=False):
                tie = graph.tie(a, b)
                if tie:
                    ids.update(tie.organizations)
        self.refs = {record.id: node_ref(record) for record in store.get_nodes(sorted(ids))}

    def ref(self, node: str) -> NodeRef:
        return self.refs.get(node) or NodeRef(id=node, label="", name_zh=node, name_en=node)

    def steps(self, route: TrustRoute) -> tuple[PathOut, list[TrustStep]]:
        nodes, rel_types, forward, steps = [self.ref(route.people[0])], [], [], []
        names = {k: v.name_en for k, v in self.refs.items()}
        for a, b in zip(route.people, route.people[1:], strict=False):
            tie = self.graph.tie(a, b)
            assert tie is not None  # a route only follows ties
            step = _step(tie, a, b, names)
            if tie.deals:
                shown = tie.deals[0]
                nodes.append(self.ref(b))
                rel_types.append(RelType.COLLABORATED_WITH.value)
                forward.append(shown.source in ("", a))
                steps.append(step)
            else:
                org = tie.organizations[0]
                nodes += [self.ref(org), self.ref(b)]
                rel_types += [RelType.WORKS_AT.value] * 2
                forward += [True, False]
                steps += [step, step]
        return PathOut(nodes=nodes, rel_types=rel_types, forward=forward), steps

    def introduction(self, route: TrustRoute) -> Introduction:
        target = self.ref(route.people[-1]).name_en
        if route.hops == 1:
            tie = self.graph.tie(*route.people)
            why = tie.evidence()[0] if tie else ""
            return Introduction(ask=None, text=f"You know {target} directly ({why}).")
        first = self.ref(route.people[1])
        tie = self.graph.tie(route.people[0], route.people[1])
        why = f" ({tie.evidence(self._org_names())[0]})" if tie else ""
        through = [self.ref(p).name_en for p in route.people[2:-1]]
        via = f" through {', '.join(through)}" if through else ""
        return Introduction(ask=first, text=f"Ask {first.name_en}{why} to introduce you to "
                                            f"{target}{via}.")

    def _org_names(self) -> dict[str, str]:
        return {k: v.name_en for k, v in self.refs.items()}


def _step(tie: Tie, a: str, b: str, names: dict[str, str]) -> TrustStep:
    return TrustStep(
        between=(a, b), strength=tie.strength, evidence=tie.evidence(names),
        deals=[(d.deal, d.year) for d in tie.deals],
        details=[DealOut(deal=d.deal, year=d.year, kind=d.kind.value,
                         stage=d.stage.value if d.stage else None, value_cny=d.value_cny)
                 for d in tie.deals],
        organizations=list(tie.organizations))


def trust_value(route: TrustRoute | None) -> float:
    """Closeness as a score part: the weakest tie, discounted 15 % per extra hop."""
    if route is None:
        return 0.0
    return round(route.weakest * 0.85 ** (route.hops - 1), 6)


def check_asker(store: GraphStore, asker: str | None) -> None:
    """NotFound naming `asker` unless it is a Person (or not given)."""
    if asker is None:
        return
    record = store.get_node(asker)
    if record is None or record.label is not Label.PERSON:
        msg = f"no Person with id {asker!r}"
        raise NotFound(msg, field="asker")


def asker_routes(store: GraphStore, asker: str | None, max_hops: int, this_year: int,
                 targets: Collection[str]) -> tuple[TieGraph, dict[str, TrustRoute]]:
    """The ties around the asker and the best route to each of the targets within
    max_hops (and to the people on the way)."""
    if asker is None:
        return TieGraph(this_year), {}
    graph = neighbourhood(store, [asker], max_hops, this_year, targets)
    return graph, best_routes(graph, asker, max_hops, fringe=graph.fringe, targets=targets)


# --------------------------------------------------------------------------- ranking


def _parts(evidence: CollaboratorEvidence, request: CollaboratorRequest,
           route: TrustRoute | None, proven: float) -> dict[str, float]:
    """The score parts (rounded); `proven` is `proven_value` of the person's record."""
    wanted = set(request.skills)
    levels = dict(evidence.skills)
    if wanted:
        skill = sum(levels.get(s, 0) for s in wanted) / (5 * len(wanted))
    else:
        skill = max(levels.values(), default=0) / 5
    certification = CERTIFICATION_VALUE.get(
        str(evidence.person.properties.get("certification_level")), 0.0)
    parts = {
        "skill": skill,
        "trust": trust_value(route),
        "proven": proven,
        "vertical": 1.0 if request.verticals and evidence.verticals else
        (0.5 if evidence.verticals else 0.0),
        "place": 1.0 if not request.cities or (evidence.cities and evidence.cities[0] in
                                                request.cities) else 0.5,
        "experience": evidence.collaborations / (evidence.collaborations + 5),
        "certification": certification,
    }
    return {name: round(value, 6) for name, value in parts.items()}


def _weighted(parts: dict[str, float], weights: dict[str, float]) -> float:
    """The score of these parts. Every weight is non-negative, so a larger part never
    lowers it: with `proven` at its bounds it bounds the score."""
    total = sum(weights.values()) or 1.0
    return round(sum(parts[n] * weights[n] for n in parts) / total, 6)


def proof_counts(store: GraphStore, people: Collection[str]) -> dict[str, tuple[int, int]]:
    """Per person: REFERRED_BY relationships ending at them (the referrals a proof can
    count at most) and closed deals (`ProofCounter`; counted from the relationships for
    a store that does not keep them)."""
    if isinstance(store, ProofCounter):
        return store.proof_counts(people)
    referred = Counter(rel.target for rel in relationships_of(
        store, people, RelType.REFERRED_BY, outgoing=False))
    closed: Counter[str] = Counter()
    for rel in relationships_of(store, people, RelType.COLLABORATED_WITH):
        if Deal.from_rel(rel).stage in CLOSED:
            closed.update((rel.source, rel.target))
    return {person: (referred[person], closed[person]) for person in people}


def _explain(evidence: CollaboratorEvidence, route: TrustRoute | None, proof: Proof) -> str:
    skills = ", ".join(f"{skill} (level {level})" for skill, level in evidence.skills[:4])
    reach = (f"{route.hops} hops from you, weakest tie {route.weakest:.2f}" if route
             else "cold contact: no trust path")
    return f"{skills or 'no listed skills'}; {proof.text}; {reach}"


def _vertical_names(store: GraphStore, verticals: Sequence[str]) -> str:
    if not verticals:
        return "any vertical"
    return ", ".join(str(node.properties["name_en"]).lower()
                     for node in store.get_nodes(list(verticals)))


class _Freshness:
    """`freshness.configured` of people on one day, once per distinct date: it depends
    only on the label and the dates a record carries."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.known: dict[tuple[object, ...], freshness.Staleness] = {}

    def of(self, person: NodeRecord) -> freshness.Staleness:
        props = person.properties
        key = (person.label, props.get("last_verified"), props.get("as_of"))
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = freshness.configured(person, self.today)
        return found


ROUNDING_SLACK = 1e-5
"""More than the roundings of a score can move it (`_parts`, `_weighted` and the final
score each round to 6 decimals: at most 5e-7 each)."""


class _RoughScore:
    """Candidates' scores with no proof and with the best proof their referral and
    collaboration counts allow, for many at once (`ScoreColumns` and the trust parts):
    computed without the roundings, so widened by ROUNDING_SLACK they bound the exact
    score. They settle most candidates' ranks; the rest are scored in full."""

    def __init__(self, request: CollaboratorRequest, weights: dict[str, float],
                 fresh: _Freshness) -> None:
        total = sum(weights.values()) or 1.0
        self.share = {name: weight / total for name, weight in weights.items()}
        self.wanted = frozenset(request.skills)
        self.cities = frozenset(request.cities)
        self.vertical = 1.0 if request.verticals else 0.5
        self.fresh = fresh

    def bounds(self, columns: ScoreColumns, trust: Any = 0.0) -> tuple[Any, Any]:
        """(lowest, highest) score per row, as arrays; `trust`: the rows' trust parts
        (`trust_value`; none for cold candidates)."""
        import numpy as np  # as the store's arrays: imported when first needed

        share = self.share
        levels = np.asarray(columns.levels, dtype=np.float64)
        skill = (levels.sum(axis=1) / (5 * len(self.wanted)) if self.wanted
                 else levels[:, 0] / 5)
        home = np.asarray(columns.home)
        place: Any = 1.0
        if self.cities:
            hits = [number for number, city in enumerate(columns.cities) if city in self.cities]
            place = np.where(np.isin(home, hits), 1.0, 0.5)
        collaborations = np.asarray(columns.collaborations, dtype=np.float64)
        certification = np.array([CERTIFICATION_VALUE.get(str(value), 0.0)
                                  for value in columns.certifications] or [0.0])
        weight = np.array([self.fresh.of(record).weight for record in columns.dates] or [1.0])
        base = (share["skill"] * skill + share["trust"] * trust
                + share["vertical"] * np.where(np.asarray(columns.expert), self.vertical, 0.0)
                + share["place"] * place
                + share["experience"] * collaborations / (collaborations + 5)
                + share["certification"] * certification[np.asarray(columns.certification)])
        weights = weight[np.asarray(columns.dated)]
        closed = 0.1 * np.asarray(columns.closed, dtype=np.float64)  # `proven_value`: no referral
        raw = (np.asarray(columns.landed, dtype=np.float64)  # ... or every one it may count
               + 0.7 * np.asarray(columns.signed, dtype=np.float64) + closed)
        return ((base + share["proven"] * closed / (closed + 2.0)) * weights - ROUNDING_SLACK,
                (base + share["proven"] * raw / (raw + 2.0)) * weights + ROUNDING_SLACK)


def _columns_of(evidence: Sequence[CollaboratorEvidence], counts: dict[str, tuple[int, int]],
                wanted: Sequence[str]) -> ScoreColumns:
    """`ScoreColumns` made from the evidence and proof counts (a store without its own:
    every referral may count as landed)."""
    import numpy as np  # as the store's arrays: imported when first needed

    cities: dict[str, int] = {}
    certifications: dict[object, int] = {}
    dates: dict[tuple[object, object], int] = {}
    records: list[NodeRecord] = []
    rows = []
    for item in evidence:
        levels = dict(item.skills)
        properties = item.person.properties
        key = (properties.get("last_verified"), properties.get("as_of"))
        if key not in dates:
            dates[key] = len(records)
            records.append(item.person)
        rows.append((
            [levels.get(skill, 0) for skill in wanted] if wanted
            else [max(levels.values(), default=0)],
            bool(item.verticals),
            cities.setdefault(item.cities[0], len(cities)) if item.cities else -1,
            item.collaborations,
            certifications.setdefault(properties.get("certification_level"),
                                      len(certifications)),
            dates[key], *counts[item.person.id], 0))
    count = len(rows)

    def column(at: int) -> Any:
        return np.array([row[at] for row in rows], dtype=bool if at == 1 else np.int64)

    return ScoreColumns(
        tuple(item.person.id for item in evidence),
        np.array([row[0] for row in rows], dtype=np.int64).reshape(
            count, len(wanted) if wanted else 1),
        column(1), column(2), tuple(cities), column(3), column(4), tuple(certifications),
        column(5), tuple(records), column(6), column(8), column(7))


@dataclass(frozen=True)
class Scored:
    """A candidate scored from plain values; the full `Collaborator` (paths, evidence,
    proof in words) is built only for the ones shown."""

    cold: bool
    score: float
    evidence: CollaboratorEvidence
    route: TrustRoute | None
    record: _Record
    parts: dict[str, float]
    stale: bool

    @property
    def person(self) -> str:
        return self.evidence.person.id


class _Bounds:
    """The warm candidates' scores without their proofs: the lowest and highest each can
    be, as arrays (`low`, `high`) in `people` order (thousands at 10^6 nodes: no object
    per candidate)."""

    def __init__(self, people: Sequence[str], low: Any, high: Any) -> None:
        self.people, self.low, self.high = people, low, high

    def __len__(self) -> int:
        return len(self.people)


class Reach:
    """The trust routes of one search (`asker_routes`), for the rankings of its seats:
    who of a seat's candidates has a route, and each route's trust part as an array
    (unrounded: it only bounds scores), made once per search."""

    def __init__(self, routes: dict[str, TrustRoute]) -> None:
        self.routes = routes
        self.people = list(routes)
        self._at: dict[str, int] | None = None
        self._trust: Any = None
        self._numbers: tuple[Sequence[str], Any] | None = None

    def warm(self, candidates: AbstractSet[str]) -> frozenset[str]:
        """The candidates with a route."""
        if not isinstance(candidates, NumberedSet):
            return frozenset(person for person in self.people if person in candidates)
        import numpy as np  # as the store's arrays: imported when first needed

        if self._numbers is None or self._numbers[0] is not candidates.ids:
            number = candidates.number
            self._numbers = candidates.ids, np.fromiter(
                (number.get(person, -1) for person in self.people), np.int64, len(self.people))
        numbers = self._numbers[1]
        numbered = np.flatnonzero(numbers >= 0)
        people = self.people
        found = {people[at] for at in
                 numbered[candidates.mask[numbers[numbered]]].tolist()}
        if candidates.extra:
            found.update(people[at] for at in np.flatnonzero(numbers < 0).tolist()
                         if people[at] in candidates.extra)
        return frozenset(found)

    def trust(self, people: Sequence[str]) -> Any:
        """The trust parts of these people's routes (`trust_value` before its rounding)."""
        import numpy as np  # as the store's arrays: imported when first needed

        if self._trust is None:
            routes = self.routes.values()
            weakest = np.fromiter((route.weakest for route in routes), np.float64, len(routes))
            hops = np.fromiter((len(route.people) for route in routes), np.float64,
                               len(routes)) - 2.0
            self._trust = weakest * 0.85 ** hops
            self._at = {person: at for at, person in enumerate(self.people)}
        assert self._at is not None  # made with the trust parts
        return self._trust[np.fromiter(map(self._at.__getitem__, people), np.int64, len(people))]


class Ranking:
    """Every candidate in rank order: warm contacts (with a trust route) first, then cold
    ones; each by score, then id. The candidates are counted by id (`candidates`); the
    warm ones are bounded from their score columns and trust routes (`_RoughScore`), and
    a candidate's evidence and proof are fetched only when its bounds (the score with no
    proof and with the best one) do not settle where it ranks against the ones asked
    for; every cold one is scored in full only when a question reaches past the warm
    ones."""

    def __init__(self, store: GraphStore, graph: TieGraph, request: CollaboratorRequest,
                 query: CollaboratorFilter, candidates: AbstractSet[str],
                 routes: dict[str, TrustRoute] | Reach, *, reveal_contacts: bool) -> None:
        self.store, self.graph, self.request = store, graph, request
        self.reveal_contacts = reveal_contacts
        self.size = len(candidates)
        self._reach = routes if isinstance(routes, Reach) else Reach(routes)
        self._query, self._candidates, self._routes = query, candidates, self._reach.routes
        self._subtree = _subtree(store, request.verticals)
        self._weights = request.weights.model_dump()
        self._fresh = _Freshness(request.as_of or date.today())
        warm = self._reach.warm(candidates)
        self._warm_ids = warm
        self._bounds = self._bounded(warm)
        self._exact: dict[str, Scored] = {}
        self._cold: list[Scored] | None = None

    def _evidence(self, people: AbstractSet[str]) -> list[CollaboratorEvidence]:
        return self.store.collaborator_candidates(replace(self._query,
                                                          among=frozenset(people)))

    def _columns(self, people: AbstractSet[str]) -> ScoreColumns:
        """The people's `ScoreColumns`, from the store's arrays when it keeps them."""
        skills = sorted(set(self.request.skills))
        if isinstance(self.store, ScoreColumnSource):
            return self.store.score_columns(people, skills, self.request.min_level)
        return _columns_of(self._evidence(people), proof_counts(self.store, people), skills)

    def _cold_ids(self) -> AbstractSet[str]:
        return self._candidates - self._warm_ids

    def _bounded(self, people: AbstractSet[str]) -> _Bounds:
        """These warm candidates' score bounds, from their columns and routes."""
        import numpy as np  # as the store's arrays: imported when first needed

        if not people:
            return _Bounds((), np.zeros(0), np.zeros(0))
        columns = self._columns(people)
        trust = self._reach.trust(columns.people)
        low, high = _RoughScore(self.request, self._weights, self._fresh).bounds(columns, trust)
        return _Bounds(columns.people, low, high)

    def _scored(self, evidence: Sequence[CollaboratorEvidence],
                routes: dict[str, TrustRoute]) -> list[Scored]:
        request = self.request
        records = _records(self.store, [item.person.id for item in evidence],
                           self._subtree)
        ranked = []
        for item in evidence:
            route = routes.get(item.person.id)
            record = records[item.person.id]
            parts = _parts(item, request, route, proven_value(record))
            score = _weighted(parts, self._weights)
            fresh = self._fresh.of(item.person)
            ranked.append(Scored(route is None, round(score * fresh.weight, 6), item, route,
                                 record, parts, fresh.stale))
        ranked.sort(key=lambda c: (-c.score, c.evidence.person.id))
        return ranked

    def _warm(self, people: Iterable[str]) -> list[Scored]:
        """These warm candidates scored in full (proofs fetched once each), in rank order."""
        people = list(people)
        wanted = {person for person in people if person not in self._exact}
        for item in self._scored(self._evidence(wanted), self._routes) if wanted else []:
            self._exact[item.person] = item
        found = [self._exact[person] for person in people]
        found.sort(key=lambda c: (-c.score, c.person))
        return found

    def _best_warm(self, count: int) -> list[Scored]:
        """The first `count` warm candidates: only those whose highest score reaches the
        count-th best lowest one can be among them."""
        if count <= 0:
            return []
        bounds = self._bounds
        people: Iterable[str] = bounds.people
        if count < len(bounds):
            import numpy as np  # as the store's arrays: imported when first needed

            threshold = np.partition(bounds.low, len(bounds) - count)[len(bounds) - count]
            people = [bounds.people[at] for at in np.flatnonzero(bounds.high >= threshold).tolist()]
        return self._warm(people)[:count]

    def cold(self) -> list[Scored]:
        if self._cold is None:
            cold = self._cold_ids()
            self._cold = self._scored(self._evidence(cold), {}) if cold else []
        return self._cold

    def top(self, count: int) -> list[Scored]:
        """The first `count` candidates."""
        if count <= len(self._bounds):
            return self._best_warm(count)
        return self._warm(self._bounds.people) + self.cold()[:count - len(self._bounds)]

    def position(self, item: Scored) -> int:
        """The 0-based rank of a candidate (every cold one is scored for a cold one; of
        the warm ones, those whose bounds leave it open)."""
        if item.route is None:
            return len(self._bounds) + self._cold_before(item)
        import numpy as np  # as the store's arrays: imported when first needed

        key = (-item.score, item.person)
        bounds, score = self._bounds, item.score
        people = bounds.people
        # (-high, person) > key: cannot be ahead; (-low, person) < key: is ahead (ties of
        # a bound with the score are settled by id, one by one)
        considered = bounds.high > score
        before = bounds.low > score
        for at in np.flatnonzero((bounds.high == score) | (bounds.low == score)).tolist():
            other = people[at]
            considered[at] = (-bounds.high[at], other) <= key
            before[at] = (-bounds.low[at], other) < key
        before &= considered
        unsettled = [people[at] for at in np.flatnonzero(considered & ~before).tolist()
                     if people[at] != item.person]
        before[[at for at in np.flatnonzero(before).tolist() if people[at] == item.person]] = False
        return int(before.sum()) + sum(
            1 for other in self._warm(unsettled) if (-other.score, other.person) < key)

    def _cold_before(self, item: Scored) -> int:
        """How many cold candidates rank before this cold one: their bounds settle most;
        only those the bounds leave open are scored in full (none when every cold one is
        scored already)."""
        if self._cold is not None:
            return next(index for index, other in enumerate(self._cold)
                        if other.person == item.person)
        key = (-item.score, item.person)
        others = self._cold_ids() - {item.person}
        if not others:
            return 0
        columns = self._columns(others)
        low, high = _RoughScore(self.request, self._weights, self._fresh).bounds(columns)
        ahead = low > item.score
        left_open = (~ahead & (high >= item.score)).nonzero()[0].tolist()
        wanted = {columns.people[at] for at in left_open}
        return int(ahead.sum()) + sum(
            1 for other in (self._scored(self._evidence(wanted), {}) if wanted else [])
            if (-other.score, other.person) < key)

    def among(self, people: set[str], start: int, limit: int) -> list[Scored]:
        """The first `limit` candidates from position `start` on who are among `people`
        (the cold ones among them are scored alone when all are past the warm ones:
        their order is the same)."""
        warm = len(self._bounds)
        if start > warm:
            return [item for item in self.cold()[start - warm:]
                    if item.person in people][:limit]
        ahead = {item.person for item in self.top(start)}
        found = self._warm([person for person in people
                            if person in self._warm_ids and person not in ahead])[:limit]
        if len(found) < limit:
            cold = self._cold_ids() & people
            if cold:
                found += self._scored(self._evidence(cold), {}) if self._cold is None else [
                    item for item in self._cold if item.person in people]
        return found[:limit]

    def shown(self, chosen: Iterable[tuple[int, Scored]]) -> list[Collaborator]:
        """The answers for these candidates at these 0-based positions."""
        chosen = list(chosen)
        explainer = _Explainer(self.store, self.graph,
                               [item.route for _, item in chosen if item.route])
        names = _vertical_names(self.store, self.request.verticals)
        found = []
        for position, item in chosen:
            route, evidence = item.route, item.evidence
            proof = _proof(item.record, names)
            path, steps = explainer.steps(route) if route else (None, [])
            found.append(Collaborator(
                rank=position + 1, score=item.score,
                person=person_out(evidence.person, reveal_contacts=self.reveal_contacts),
                parts=item.parts, skills=list(evidence.skills), cities=list(evidence.cities),
                verticals=list(evidence.verticals), collaborations=evidence.collaborations,
                cold=route is None, stale=item.stale, hops=route.hops if route else None,
                weakest_tie=route.weakest if route else None, trust_path=path,
                trust_steps=steps,
                introduction=explainer.introduction(route) if route else None, proof=proof,
                explanation=_explain(evidence, route, proof),
            ))
        return found


def relaxations(store: GraphStore, request: CollaboratorRequest) -> list[Relaxation]:
    """For each filter set, the candidates when only it is widened: vertical → any,
    city → the whole corridor, skill → its family (same category), then any; role →
    any; level → 1; certification → none."""
    changes: list[tuple[str, str, dict[str, object]]] = []
    if request.verticals:
        changes.append(("verticals", "any vertical", {"verticals": []}))
    if request.cities:
        changes.append(("cities", "the whole corridor", {"cities": []}))
    if request.skills:
        family = professions.sibling_skills(store, request.skills)
        if set(family) != set(request.skills):
            categories = sorted({str(node.properties["category"])
                                 for node in store.get_nodes(request.skills)})
            changes.append(("skills", f"any {'/'.join(categories)} skill",
                            {"skills": family, "require_all_skills": False}))
        changes.append(("skills", "any skill", {"skills": []}))
    if request.roles:
        changes.append(("roles", "any role", {"roles": []}))
    if request.min_level > 1:
        changes.append(("min_level", "level 1", {"min_level": 1}))
    if request.min_certification is not None:
        changes.append(("min_certification", "no certification needed",
                        {"min_certification": None}))
    found = []
    for name, wider, update in changes:
        widened = request.model_copy(update=update)
        count = len(store.collaborator_ids(widened.to_filter()))
        found.append(Relaxation(filter=name, widened_to=wider, candidates=count))
    return found


def search(store: GraphStore, request: CollaboratorRequest, *,
           reveal_contacts: bool = False) -> CollaboratorResult:
    """Ranked collaborators for the request."""
    check_asker(store, request.asker)
    query = request.to_filter()
    candidates = store.collaborator_ids(query)
    graph, routes = asker_routes(store, request.asker, request.max_hops, request.year(),
                                 candidates)
    ranking = Ranking(store, graph, request, query, candidates, routes,
                      reveal_contacts=reveal_contacts)
    thin = relaxations(store, request) if len(candidates) < THIN_ANSWER else []
    shown = ranking.shown(enumerate(ranking.top(request.top_k)))
    return CollaboratorResult(collaborators=shown, candidates=len(candidates),
                              relaxations=thin)


# --------------------------------------------------------------------------- team mode


SEATS: dict[str, list[Role]] = {
    "lawyer": [Role.LAWYER, Role.PATENT_AGENT],
    "finance": [Role.ACCOUNTANT, Role.INVESTOR],
    "broker": [Role.BROKER],
}
"""The complementary seats of a landing deal team and the roles that can fill them."""

MEMBER_HOPS = 2
"""How far apart two members may be (not through the asker) and still count as linked:
directly, or through one common contact (`ties.two_hop_route`)."""


class TeamRequest(BaseModel):
    """A deal that needs a lawyer, a finance expert and a broker of the vertical, or one
    seat per role asked."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "asker": "person:chen-jing", "vertical": "industry:medical-devices",
        "cities": ["city:suzhou"],
    }]})

    asker: str | None = None
    vertical: str = Field(description="Industry id of the deal.")
    cities: list[str] = Field(default_factory=list, max_length=20)
    roles: list[Role] = Field(default_factory=list, max_length=6,
                              description="One seat per role; default lawyer, finance, broker.")
    max_hops: Annotated[int, Field(ge=1, le=MAX_HOPS)] = 3
    shortlist: Annotated[int, Field(ge=1, le=8)] = Field(
        default=6, description="Best candidates kept per seat, plus as many who have a "
                               "direct tie to another seat's.")
    as_of: date | None = None


class TeamSeat(BaseModel):
    seat: str
    member: Collaborator


class TeamLink(BaseModel):
    """How two members (or a member and the asker) are linked."""

    between: tuple[str, str]
    worked_together: bool = Field(description="A direct tie: a deal, a referral or an employer.")
    strength: float = Field(description="Weakest tie of the link's route (0: none).")
    hops: int | None
    via_asker: bool = Field(description="Linked only through the asker.")
    path: PathOut | None
    steps: list[TrustStep]


class Cohesion(BaseModel):
    """How well the members know each other, recomputable from the graph."""

    pairs: int
    pairs_worked_together: int
    linked_pairs: int = Field(description=f"Pairs linked within {MEMBER_HOPS} hops, "
                                          "not through the asker.")
    weakest_pair: TeamLink | None
    star: bool = Field(description="True when the members are linked only through the asker.")


class TeamResult(BaseModel):
    seats: list[TeamSeat]
    links: list[TeamLink]
    cohesion: Cohesion
    score: float
    missing_seats: list[str]
    note: str


def _seat_specs(request: TeamRequest) -> dict[str, list[Role]]:
    if request.roles:
        return {role.value: [role] for role in dict.fromkeys(request.roles)}
    return SEATS


def _pair_route(graph: TieGraph, a: str, b: str, asker: str | None) -> tuple[TrustRoute | None,
                                                                            bool]:
    """The members' best route not through the asker, else through them."""
    avoid = frozenset([asker]) if asker else frozenset()
    route = two_hop_route(graph, a, b, avoid)
    if route is not None or asker is None:
        return route, False
    via = two_hop_route(graph, a, b)
    return via, via is not None


@dataclass(frozen=True)
class _PairFacts:
    route: TrustRoute | None
    via_asker: bool

    @property
    def value(self) -> float:
        """Closeness of two members: a direct tie counts fully, a common contact half,
        a link through the asker a tenth."""
        if self.route is None:
            return 0.0
        factor = 0.1 if self.via_asker else (1.0 if self.route.hops == 1 else 0.5)
        return self.route.weakest * factor


COMBINATIONS_AT_ONCE = 1 << 16
"""Team combinations valued together in one set of array operations."""


def _best_team(shortlists: list[list[Scored]], closeness: Callable[[str, str], float]
               ) -> tuple[float, tuple[Scored, ...]] | None:
    """The first combination (one member per seat, no one twice, in `product` order) of
    the highest value: 0.5 × the mean closeness of its pairs + 0.3 × the mean score +
    0.2 × the mean trust. Each pair's closeness is looked up once; every combination is
    valued with whole-array operations that add in the order the formula reads (the
    same floats as one by one), and only those within rounding of the best are rounded
    and compared one by one."""
    import numpy as np  # as the store's arrays: imported when first needed

    seats = len(shortlists)
    sizes = [len(items) for items in shortlists]
    if not all(sizes):
        return None
    pairs = list(combinations(range(seats), 2))
    numbers: dict[str, int] = {}
    person = [np.array([numbers.setdefault(item.person, len(numbers)) for item in items])
              for items in shortlists]
    scores = [np.array([item.score for item in items]) for items in shortlists]
    trust = [np.array([item.parts["trust"] for item in items]) for items in shortlists]
    close = {(s, t): np.array([[closeness(a.person, b.person) if a.person != b.person else 0.0
                                for b in shortlists[t]] for a in shortlists[s]])
             for s, t in pairs}
    best: tuple[float, tuple[Scored, ...]] | None = None
    total = int(np.prod(sizes))
    for first in range(0, total, COMBINATIONS_AT_ONCE):
        chosen = np.unravel_index(np.arange(first, min(total, first + COMBINATIONS_AT_ONCE)),
                                  sizes)  # product order: the last seat moves fastest
        valid = np.ones(len(chosen[0]), dtype=bool)
        together: Any = 0.0 if pairs else 1.0
        for s, t in pairs:
            valid &= person[s][chosen[s]] != person[t][chosen[t]]
            together = together + close[(s, t)][chosen[s], chosen[t]]
        if pairs:
            together = together / len(pairs)
        mean: Any = 0.0
        reach: Any = 0.0
        for seat in range(seats):
            mean = mean + scores[seat][chosen[seat]]
            reach = reach + trust[seat][chosen[seat]]
        values = 0.5 * together + 0.3 * (mean / seats) + 0.2 * (reach / seats)
        values = np.where(valid, values, -np.inf)
        top = float(values.max())
        if top == -np.inf:
            continue
        for at in np.flatnonzero(values >= top - ROUNDING_SLACK).tolist():
            value = round(float(values[at]), 6)
            if best is None or value > best[0]:
                best = (value, tuple(shortlists[seat][int(chosen[seat][at])]
                                     for seat in range(seats)))
    return best


def team(store: GraphStore, request: TeamRequest, *, reveal_contacts: bool = False
         ) -> TeamResult:
    """The team whose members know each other best: per seat the best candidates and
    those tied to another seat's, then the combination maximising 0.5 × internal
    cohesion + 0.3 × the members' mean score + 0.2 × their closeness to the asker."""
    year = (request.as_of or date.today()).year
    check_asker(store, request.asker)
    specs = _seat_specs(request)
    seat_candidates: dict[str, tuple[CollaboratorRequest, CollaboratorFilter,
                                     AbstractSet[str]]] = {}
    for seat, roles in specs.items():
        seat_request = CollaboratorRequest(
            asker=request.asker, roles=roles, cities=request.cities,
            verticals=[request.vertical], max_hops=request.max_hops, top_k=100,
            as_of=request.as_of)
        query = seat_request.to_filter()
        candidates = store.collaborator_ids(query)
        if not candidates:  # no one of the vertical: anyone of the role
            seat_request = seat_request.model_copy(update={"verticals": []})
            query = seat_request.to_filter()
            candidates = store.collaborator_ids(query)
        seat_candidates[seat] = seat_request, query, candidates
    graph, routes = asker_routes(
        store, request.asker, request.max_hops, year,
        union_of(candidates for _, _, candidates in seat_candidates.values()))
    pools: dict[str, Ranking] = {}
    reach = Reach(routes)
    for seat, (seat_request, query, candidates) in seat_candidates.items():
        ranking = Ranking(store, graph, seat_request, query, candidates, reach,
                          reveal_contacts=reveal_contacts)
        if ranking.size:
            pools[seat] = ranking
    missing = [seat for seat in specs if seat not in pools]
    best_ids = {c.person for pool in pools.values() for c in pool.top(request.shortlist)}
    grow(store, graph, best_ids)
    shortlists: dict[str, list[Scored]] = {}
    for seat, pool in pools.items():
        others = {p for s, other in pools.items() if s != seat
                  for c in other.top(request.shortlist) for p in graph.neighbours(c.person)}
        tied = pool.among(others, request.shortlist, request.shortlist)
        shortlists[seat] = [*pool.top(request.shortlist), *tied]
    grow(store, graph, {item.person for items in shortlists.values() for item in items})
    pair_cache: dict[tuple[str, str], _PairFacts] = {}

    def pair(a: str, b: str) -> _PairFacts:
        key = (min(a, b), max(a, b))
        if key not in pair_cache:
            pair_cache[key] = _PairFacts(*_pair_route(graph, key[0], key[1], request.asker))
        return pair_cache[key]

    best = _best_team(list(shortlists.values()), lambda a, b: pair(a, b).value)
    if best is None:
        return TeamResult(seats=[], links=[], cohesion=Cohesion(
            pairs=0, pairs_worked_together=0, linked_pairs=0, weakest_pair=None, star=False),
            score=0.0, missing_seats=list(specs), note="no candidate for any seat")
    score, chosen_members = best
    members = []
    for seat, item in zip(shortlists, chosen_members, strict=True):
        members += pools[seat].shown([(pools[seat].position(item), item)])
    ids = [member.person.id for member in members]
    facts = {(a, b): pair(a, b) for a, b in combinations(ids, 2)}
    explainer = _Explainer(store, graph, [f.route for f in facts.values() if f.route])
    links = []
    for (a, b), fact in facts.items():
        route = fact.route
        if route is not None and route.people[0] != a:
            route = TrustRoute(tuple(reversed(route.people)), route.weakest)
        path, steps = explainer.steps(route) if route else (None, [])
        links.append(TeamLink(between=(a, b), worked_together=graph.tie(a, b) is not None,
                              strength=route.weakest if route else 0.0,
                              hops=route.hops if route else None, via_asker=fact.via_asker,
                              path=path, steps=steps))
    linked = [link for link in links if link.path is not None and not link.via_asker]
    star = bool(links) and not linked
    weakest = min(links, key=lambda link: (
        0.0 if link.via_asker or link.path is None else link.strength, link.between),
        default=None)
    cohesion = Cohesion(pairs=len(links),
                        pairs_worked_together=sum(1 for link in links if link.worked_together),
                        linked_pairs=len(linked), weakest_pair=weakest, star=star)
    note = ("last resort: the members know only you, not each other" if star else
            f"{cohesion.pairs_worked_together} of {cohesion.pairs} member pairs have worked "
            f"together; {cohesion.linked_pairs} are linked without you")
    seats = [TeamSeat(seat=seat, member=member)
             for seat, member in zip(shortlists, members, strict=True)]
    return TeamResult(seats=seats, links=links, cohesion=cohesion, score=score,
                      missing_seats=missing, note=note)
