"""Collaborator search and team building: who can help with the legal or finance side?

Candidates come from the store with their skills, places, verticals and every shortest
trust path from the asker; this module picks the most trustworthy path (recent and
repeated work first) and ranks people with pure functions. People beyond the asker's
reach still appear, after the others, marked as cold contacts.
"""

from __future__ import annotations

from datetime import date
from itertools import product
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from alliance.services.explain import NameBook, PathOut, PersonOut, person_out
from alliance.store.base import (
    MAX_HOPS,
    TRUST_RELS,
    CollaboratorEvidence,
    CollaboratorFilter,
    GraphPath,
    GraphStore,
    TrustPath,
)
from graph_schema.vocabulary import CertificationLevel, Role

WORKS_AT_HOP_STRENGTH = 0.3
"""Trust of a hop through a shared employer, against 1.0 for a deal done this year."""


class CollaboratorWeights(BaseModel):
    """Weights of the score parts (relative)."""

    model_config = ConfigDict(extra="forbid")

    skill: Annotated[float, Field(ge=0)] = 0.4
    proximity: Annotated[float, Field(ge=0)] = 0.25
    vertical: Annotated[float, Field(ge=0)] = 0.15
    place: Annotated[float, Field(ge=0)] = 0.1
    experience: Annotated[float, Field(ge=0)] = 0.1


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
    weights: CollaboratorWeights = Field(default_factory=CollaboratorWeights)

    def to_filter(self, *, exclude: tuple[str, ...] = ()) -> CollaboratorFilter:
        return CollaboratorFilter(
            skills=tuple(self.skills), require_all_skills=self.require_all_skills,
            min_level=self.min_level, verticals=tuple(self.verticals),
            cities=tuple(self.cities), roles=tuple(self.roles),
            min_certification=self.min_certification, asker=self.asker,
            max_hops=self.max_hops, exclude=exclude,
        )


class TrustStep(BaseModel):
    """The deals behind one hop of a trust path (empty for a shared employer)."""

    deals: list[tuple[str, int]]


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
    hops: int | None
    trust_path: PathOut | None
    trust_steps: list[TrustStep]
    explanation: str


class CollaboratorResult(BaseModel):
    collaborators: list[Collaborator]
    candidates: int


def hop_strength(deals: tuple[tuple[str, int], ...], this_year: int) -> float:
    """Recent and repeated work counts most: each deal adds 1 / (1 + years ago)."""
    if not deals:
        return WORKS_AT_HOP_STRENGTH
    return sum(1.0 / (1 + max(0, this_year - year)) for _, year in deals)


def best_trust_path(paths: tuple[TrustPath, ...], this_year: int) -> TrustPath | None:
    """Among equally short paths, the strongest weakest link, then the strongest sum;
    remaining ties go to the first in node-id order (paths arrive sorted)."""
    if not paths:
        return None

    def strength(path: TrustPath) -> tuple[float, float]:
        values = [hop_strength(h.deals, this_year) for h in path.hops]
        return (round(min(values), 9), round(sum(values), 9))

    return max(paths, key=strength)  # max keeps the first of equal keys


def _score(evidence: CollaboratorEvidence, request: CollaboratorRequest,
           path: TrustPath | None) -> tuple[float, dict[str, float]]:
    wanted = set(request.skills)
    levels = dict(evidence.skills)
    if wanted:
        skill = sum(levels.get(s, 0) for s in wanted) / (5 * len(wanted))
    else:
        skill = max(levels.values(), default=0) / 5
    parts = {
        "skill": skill,
        "proximity": 1.0 / path.path.hops if path else 0.0,
        "vertical": 1.0 if request.verticals and evidence.verticals else
        (0.5 if evidence.verticals else 0.0),
        "place": 1.0 if not request.cities or (evidence.cities and evidence.cities[0] in
                                                request.cities) else 0.5,
        "experience": evidence.collaborations / (evidence.collaborations + 5),
    }
    weights = request.weights.model_dump()
    total = sum(weights.values()) or 1.0
    parts = {name: round(value, 6) for name, value in parts.items()}
    return round(sum(parts[n] * weights[n] for n in parts) / total, 6), parts


def _explain(evidence: CollaboratorEvidence, path: TrustPath | None) -> str:
    skills = ", ".join(f"{skill} (level {level})" for skill, level in evidence.skills[:4])
    reach = (f"{path.path.hops} hops from you" if path else "cold contact: no trust path")
    return f"{skills or 'no listed skills'}; {reach}"


def rank_candidates(store: GraphStore, evidence: list[CollaboratorEvidence],
                    request: CollaboratorRequest, *, reveal_contacts: bool,
                    this_year: int | None = None) -> list[Collaborator]:
    """Warm contacts (with a trust path) first, then cold ones; each by score, then id."""
    year = this_year or date.today().year
    chosen = {e.person.id: best_trust_path(e.trust_paths, year) for e in evidence}
    names = NameBook(store, [p.path for p in chosen.values() if p])
    ranked = []
    for item in evidence:
        path = chosen[item.person.id]
        score, parts = _score(item, request, path)
        ranked.append(Collaborator(
            rank=0, score=score, person=person_out(item.person, reveal_contacts=reveal_contacts),
            parts=parts, skills=list(item.skills), cities=list(item.cities),
            verticals=list(item.verticals), collaborations=item.collaborations,
            cold=path is None, hops=path.path.hops if path else None,
            trust_path=names.path(path.path) if path else None,
            trust_steps=[TrustStep(deals=list(h.deals)) for h in path.hops] if path else [],
            explanation=_explain(item, path),
        ))
    ranked.sort(key=lambda c: (c.cold, -c.score, c.person.id))
    for position, collaborator in enumerate(ranked, start=1):
        collaborator.rank = position
    return ranked


def search(store: GraphStore, request: CollaboratorRequest, *,
           reveal_contacts: bool = False) -> CollaboratorResult:
    """Ranked collaborators for the request."""
    evidence = store.collaborator_candidates(request.to_filter())
    ranked = rank_candidates(store, evidence, request, reveal_contacts=reveal_contacts)
    return CollaboratorResult(collaborators=ranked[: request.top_k], candidates=len(evidence))


# --------------------------------------------------------------------------- team mode


class TeamRequest(BaseModel):
    """A deal that needs a lawyer, a finance expert and a broker of the vertical."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "asker": "person:chen-jing", "vertical": "industry:medical-devices",
        "cities": ["city:suzhou"],
    }]})

    asker: str | None = None
    vertical: str = Field(description="Industry id of the deal.")
    cities: list[str] = Field(default_factory=list, max_length=20)
    max_hops: Annotated[int, Field(ge=1, le=MAX_HOPS)] = 3
    shortlist: Annotated[int, Field(ge=1, le=5)] = 3


class TeamSeat(BaseModel):
    seat: str
    member: Collaborator


class TeamLink(BaseModel):
    """How two team members connect (null path: not within max_hops)."""

    between: tuple[str, str]
    path: PathOut | None


class TeamResult(BaseModel):
    seats: list[TeamSeat]
    links: list[TeamLink]
    score: float
    missing_seats: list[str]


SEATS: dict[str, dict[str, list[Role]]] = {
    "lawyer": {"roles": [Role.LAWYER, Role.PATENT_AGENT]},
    "finance": {"roles": [Role.ACCOUNTANT, Role.INVESTOR]},
    "broker": {"roles": [Role.BROKER]},
}
"""The complementary seats of a landing deal team and the roles that can fill them."""


def _pair(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first <= second else (second, first)


def _trust_links(store: GraphStore, people: list[str], max_hops: int
                 ) -> dict[tuple[str, str], PathOut | None]:
    """The shortest trust path between every two shortlisted people (None: none)."""
    found: dict[tuple[str, str], GraphPath | None] = {}
    for index, first in enumerate(people):
        for second in people[index + 1:]:
            paths = store.shortest_paths(first, second, k=1, max_hops=max_hops,
                                         rel_types=TRUST_RELS)
            found[_pair(first, second)] = paths[0] if paths else None
    names = NameBook(store, [path for path in found.values() if path])
    return {pair: names.path(path) if path else None for pair, path in found.items()}


def _team_value(combo: tuple[Collaborator, ...],
                links: dict[tuple[str, str], PathOut | None]) -> float:
    """70 % the members' mean score, 30 % how close they are to each other."""
    ids = [member.person.id for member in combo]
    closeness, pairs = 0.0, 0
    for index, first in enumerate(ids):
        for second in ids[index + 1:]:
            path = links[_pair(first, second)]
            closeness += 1.0 / len(path.rel_types) if path and path.rel_types else 0.0
            pairs += 1
    mean_score = sum(member.score for member in combo) / len(combo)
    return round(0.7 * mean_score + 0.3 * closeness / max(pairs, 1), 6)


def team(store: GraphStore, request: TeamRequest, *, reveal_contacts: bool = False
         ) -> TeamResult:
    """The best complementary team: shortlist per seat, then the combination whose
    members score best and are closest to each other in the trust network."""
    shortlists: dict[str, list[Collaborator]] = {}
    for seat, spec in SEATS.items():
        seat_request = CollaboratorRequest(
            asker=request.asker, roles=spec["roles"], cities=request.cities,
            verticals=[request.vertical] if seat == "broker" else [],
            max_hops=request.max_hops, top_k=request.shortlist,
        )
        people = search(store, seat_request, reveal_contacts=reveal_contacts).collaborators
        if people:
            shortlists[seat] = people
    missing = [seat for seat in SEATS if seat not in shortlists]
    everyone = sorted({c.person.id for members in shortlists.values() for c in members})
    links = _trust_links(store, everyone, request.max_hops)
    best: tuple[float, tuple[Collaborator, ...]] | None = None
    for combo in product(*shortlists.values()):
        if len({member.person.id for member in combo}) < len(combo):
            continue  # one person cannot fill two seats
        value = _team_value(combo, links)
        if best is None or value > best[0]:
            best = (value, combo)
    if best is None:
        return TeamResult(seats=[], links=[], score=0.0, missing_seats=list(SEATS))
    score, members = best
    seats = [TeamSeat(seat=seat, member=member)
             for seat, member in zip(shortlists, members, strict=True)]
    team_links = [
        TeamLink(between=(first.person.id, second.person.id),
                 path=links[_pair(first.person.id, second.person.id)])
        for index, first in enumerate(members) for second in members[index + 1:]
    ]
    return TeamResult(seats=seats, links=team_links, score=score, missing_seats=missing)
