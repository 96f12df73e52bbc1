"""Tie strength between two people, from the evidence of their work together.

One formula, used by collaborator search, trust paths, teams and analytics:

    weight(deal)  = kind × stage × value × decay
        kind      = 1.0 for a deal worked together, 0.7 for a referral passed
        stage     = how far it got: landed 1.0, signed 0.9, second meeting 0.6,
                    first meeting 0.4, proposed 0.25, dropped 0.3, not recorded 0.8
        value     = 1 + log10(1 + value_cny / 1,000,000) / 2   (1 when not recorded:
                    1 M → 1.15, 10 M → 1.52, 100 M → 2.0)
        decay     = 0.5 ** (years since the deal / HALF_LIFE_YEARS)   (half-life 3 years)
    raw           = Σ weight(deal) + SAME_ORGANIZATION (0.5) when they share an employer
    strength      = 1 − exp(−raw)                                     in [0, 1)

So one landed deal this year gives 0.63, the same deal from 2016 (9 years ago) 0.12,
two colleagues who never worked on a deal 0.39. A trust path is ranked by its weakest
tie first, then by its length (fewer hops), then by the people's ids.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from graph_schema.records import RelRecord
from graph_schema.vocabulary import ReferralStage, RelType, TieKind

__all__ = ["HALF_LIFE_YEARS", "SAME_ORGANIZATION", "Deal", "Fringe", "Tie", "TieGraph",
           "TrustRoute", "best_routes", "deal_weight", "tie_strength", "two_hop_route"]

HALF_LIFE_YEARS = 3.0
"""Years after which a deal counts half."""

SAME_ORGANIZATION = 0.5
"""Raw weight of sharing an employer (a current fact, so it does not decay)."""

KIND_FACTOR: dict[TieKind, float] = {TieKind.DEAL: 1.0, TieKind.REFERRAL: 0.7}

STAGE_FACTOR: dict[ReferralStage | None, float] = {
    ReferralStage.LANDED: 1.0, ReferralStage.SIGNED: 0.9,
    ReferralStage.SECOND_MEETING: 0.6, ReferralStage.FIRST_MEETING: 0.4,
    ReferralStage.PROPOSED: 0.25, ReferralStage.DROPPED: 0.3, None: 0.8,
}


_KINDS: dict[str, TieKind] = {kind.value: kind for kind in TieKind}
_STAGES: dict[str, ReferralStage] = {stage.value: stage for stage in ReferralStage}


class Deal(NamedTuple):
    """One COLLABORATED_WITH edge: a deal worked together or a referral passed (a named
    tuple: a trust search parses thousands per question)."""

    year: int
    deal: str
    kind: TieKind = TieKind.DEAL
    stage: ReferralStage | None = None
    value_cny: float | None = None
    source: str = ""
    """The stored edge's start (the path shows the relationship in its direction)."""

    @classmethod
    def from_rel(cls, rel: RelRecord) -> Deal:
        props = rel.properties
        stage = props.get("stage")
        value = props.get("value_cny")
        return cls(int(props["year"]), str(props["deal"]), _KINDS[props.get("kind", "deal")],
                   _STAGES[stage] if stage else None,
                   float(value) if value is not None else None, rel.source)

    def describe(self) -> str:
        """"co-signed the Medical device licence from SJTU, 2024" style."""
        if self.kind is TieKind.REFERRAL:
            return f"passed a referral ({self.deal}), {self.year}"
        verb = {ReferralStage.LANDED: "landed together", ReferralStage.SIGNED: "co-signed",
                ReferralStage.DROPPED: "worked on (dropped)",
                None: "worked together on"}.get(self.stage, "in talks together on")
        value = f", {self.value_cny / 1e6:,.1f} M CNY" if self.value_cny else ""
        return f"{verb}: {self.deal}, {self.year}{value}"


def deal_weight(deal: Deal, this_year: int) -> float:
    """The raw weight of one deal (see the module docstring).

    >>> round(deal_weight(Deal(2025, "x", stage=ReferralStage.LANDED), 2025), 3)
    1.0
    >>> round(deal_weight(Deal(2022, "x", stage=ReferralStage.LANDED), 2025), 3)
    0.5
    >>> round(deal_weight(Deal(2025, "x", stage=ReferralStage.SIGNED, value_cny=1e7), 2025), 3)
    1.369
    """
    value = 1.0 + math.log10(1.0 + deal.value_cny / 1e6) / 2 if deal.value_cny else 1.0
    decay = 0.5 ** (max(0, this_year - deal.year) / HALF_LIFE_YEARS)
    return float(KIND_FACTOR[deal.kind] * STAGE_FACTOR[deal.stage] * value * decay)


def tie_strength(deals: Iterable[Deal], same_organization: bool, this_year: int) -> float:
    """Strength in [0, 1) of the tie with these deals (see the module docstring).

    >>> round(tie_strength([], True, 2025), 3)
    0.393
    >>> tie_strength([], False, 2025)
    0.0
    """
    raw = sum(deal_weight(deal, this_year) for deal in deals)
    raw += SAME_ORGANIZATION if same_organization else 0.0
    return round(1.0 - math.exp(-raw), 6)


class Tie(NamedTuple):
    """What links two people: their deals (newest first) and shared employers (a named
    tuple: a trust search makes thousands per question)."""

    people: tuple[str, str]
    deals: tuple[Deal, ...]
    organizations: tuple[str, ...]
    strength: float

    def evidence(self, org_names: Mapping[str, str] | None = None) -> list[str]:
        """The tie in words, strongest evidence first."""
        names = org_names or {}
        lines = [deal.describe() for deal in self.deals]
        lines += [f"both work at {names.get(org, org)}" for org in self.organizations]
        return lines


@dataclass
class TieGraph:
    """The ties among the people fetched so far (undirected); `fringe`: the last layer of
    a trust search, whose ties are weighed but made into `Tie`s only when asked for."""

    this_year: int
    ties: dict[str, dict[str, Tie]] = field(default_factory=dict)
    expanded: set[str] = field(default_factory=set)
    fringe: Fringe | None = field(default=None, compare=False)

    def tie(self, a: str, b: str) -> Tie | None:
        found = self.ties.get(a, {}).get(b)
        if found is None and self.fringe is not None:
            return self.fringe.tie(a, b)
        return found

    def neighbours(self, person: str) -> dict[str, Tie]:
        return self.ties.get(person, {})

    def add(self, collaborations: Iterable[RelRecord], staff: Mapping[str, set[str]],
            around: Collection[str]) -> None:
        """Add the ties of the people `around` from their COLLABORATED_WITH edges and the
        staff of their employers (organization -> the people working there: people
        sharing an employer). Pairs of two colleagues not around are left out: their
        other deals and employers are not fetched, so such a tie would be incomplete. A
        tie already known is complete (it was added around one of its people) and is
        kept."""
        known = self.ties
        deals = _deals_by_pair(collaborations,
                               lambda source, target: target not in known.get(source, ()))
        orgs: dict[tuple[str, str], set[str]] = {}
        for org, people in staff.items():
            for a in people.intersection(around):
                theirs = known.get(a)
                for b in people.difference(theirs) if theirs else people:
                    if a != b:
                        pair = (a, b) if a < b else (b, a)
                        shared = orgs.get(pair)
                        if shared is None:
                            orgs[pair] = {org}
                        else:
                            shared.add(org)
        colleagues = tie_strength((), True, self.this_year)  # a tie of no deal
        ties = self.ties
        for pair, shared in orgs.items():  # colleagues, with their deals if any
            tie = _tie(pair, deals.pop(pair, None), shared, colleagues, self.this_year)
            ties.setdefault(pair[0], {})[pair[1]] = tie
            ties.setdefault(pair[1], {})[pair[0]] = tie
        for pair, found in deals.items():  # the rest: deals only
            tie = _tie(pair, found, (), colleagues, self.this_year)
            ties.setdefault(pair[0], {})[pair[1]] = tie
            ties.setdefault(pair[1], {})[pair[0]] = tie


def _deals_by_pair(collaborations: Iterable[RelRecord], wanted: Callable[[str, str], bool]
                   ) -> dict[tuple[str, str], list[Deal]]:
    """The deals of the COLLABORATED_WITH relationships (source, target) `wanted`, by
    pair of people (the smaller id first)."""
    collaborated, from_rel = RelType.COLLABORATED_WITH, Deal.from_rel
    deals: dict[tuple[str, str], list[Deal]] = {}
    for rel in collaborations:
        source, target = rel.source, rel.target
        if rel.type is collaborated and source != target and wanted(source, target):
            pair = (source, target) if source < target else (target, source)
            found = deals.get(pair)
            if found is None:
                deals[pair] = [from_rel(rel)]
            else:
                found.append(from_rel(rel))
    return deals


def _tie(pair: tuple[str, str], deals: list[Deal] | None, shared: Collection[str],
         colleagues: float, this_year: int) -> Tie:
    """The tie of a pair with these deals and shared employers (`colleagues`: the
    strength of a shared employer and no deal)."""
    orgs = tuple(shared) if len(shared) <= 1 else tuple(sorted(shared))
    if deals is None:
        return Tie(pair, (), orgs, colleagues)
    ordered = _ordered(deals)
    return Tie(pair, ordered, orgs, tie_strength(ordered, bool(orgs), this_year))


class Fringe:
    """The ties of a trust search's last layer: from people not expanded (`around`) to
    the targets, read as `TieGraph.add` reads them and weighed as it weighs them, but
    made into `Tie`s only for the pairs asked for (a route shown): the last layer of a
    three-hop search has thousands of ties, and only their strengths rank routes."""

    def __init__(self, this_year: int, collaborations: Iterable[RelRecord],
                 staff: Mapping[str, set[str]], around: Collection[str],
                 targets: Collection[str], *, towards_targets: bool = False) -> None:
        """`towards_targets`: every one of the `collaborations` has an end among the
        targets already (a targeted read), so they are not looked up again."""
        self.this_year = this_year
        self.colleagues = tie_strength((), True, this_year)
        deals = _deals_by_pair(collaborations, (lambda *_: True) if towards_targets
                               else lambda source, target: source in targets or target in targets)
        self._deals = deals
        self._staff = staff
        employers: dict[str, list[str]] = {}
        narrowed: dict[str, set[str]] = {}  # per employer of someone around: its targets
        for org, people in staff.items():
            members = people.intersection(around)
            if members:  # (targets may be a NumberedSet: a set would iterate it)
                narrowed[org] = {person for person in people if person in targets}
                for person in members:
                    employers.setdefault(person, []).append(org)
        self._employers, self._narrowed = employers, narrowed
        self.around, self._targets = around, targets
        partners: dict[str, list[tuple[str, tuple[str, str]]]] = {}
        for pair in deals:
            a, b = pair
            if a in around and b in targets:
                partners.setdefault(a, []).append((b, pair))
            if b in around and a in targets:
                partners.setdefault(b, []).append((a, pair))
        self._partners = partners

    def strengths(self, person: str) -> dict[str, float]:
        """Target -> strength of the person's tie to them (a person around)."""
        found: dict[str, float] = {}
        colleagues = self.colleagues
        for org in self._employers.get(person, ()):
            for other in self._narrowed[org]:
                found[other] = colleagues
        found.pop(person, None)
        for other, pair in self._partners.get(person, ()):
            found[other] = tie_strength(_ordered(self._deals[pair]), other in found,
                                        self.this_year)
        return found

    def tie(self, a: str, b: str) -> Tie | None:
        """The tie of a and b when one is around and the other a target (else None: the
        fringe does not hold all their deals)."""
        around, targets = self.around, self._targets
        if a == b or not ((a in around and b in targets) or (b in around and a in targets)):
            return None
        shared = {org for person, other in ((a, b), (b, a))
                  for org in self._employers.get(person, ()) if other in self._staff[org]}
        pair = (a, b) if a < b else (b, a)
        deals = self._deals.get(pair)
        if deals is None and not shared:
            return None
        return _tie(pair, deals, shared, self.colleagues, self.this_year)


def _ordered(deals: list[Deal]) -> tuple[Deal, ...]:
    """A tie's deals newest first (each once)."""
    return tuple(deals) if len(deals) <= 1 else tuple(
        sorted(set(deals), key=lambda d: (-d.year, d.deal, d.source)))


@dataclass(frozen=True)
class TrustRoute:
    """The best route from the asker to a person: its people and the weakest tie."""

    people: tuple[str, ...]
    weakest: float

    @property
    def hops(self) -> int:
        return len(self.people) - 1

    def rank_key(self) -> tuple[float, int, tuple[str, ...]]:
        """Weakest link first (strongest wins), then fewer hops, then ids."""
        return (-self.weakest, self.hops, self.people)


def best_routes(graph: TieGraph, source: str, max_hops: int,
                avoid: frozenset[str] = frozenset(), fringe: Fringe | None = None,
                targets: Collection[str] = ()) -> dict[str, TrustRoute]:
    """Every person within max_hops of the source with their best route: the strongest
    weakest tie, then the fewest hops, then the smallest ids (layered, so the hop limit
    is exact; a best route never repeats a person, since cutting the loop out keeps its
    weakest tie and shortens it). `avoid`: people a route may not pass through. With a
    `fringe`, the last layer steps from the people not expanded through its ties, and
    only to the `targets` (routes to anyone else that far out are not wanted).

    >>> g = TieGraph(2025)
    >>> for a, b, s in [("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", 0.2)]:
    ...     g.ties.setdefault(a, {})[b] = g.ties.setdefault(b, {})[a] = Tie((a, b), (), (), s)
    >>> best_routes(g, "a", 3)["c"].people
    ('a', 'b', 'c')
    >>> best_routes(g, "a", 1)["c"].people
    ('a', 'c')
    """
    # routes as their rank keys (-weakest, hops, people): a total order, so the best
    # does not depend on the order the ties are read in
    best: dict[str, tuple[float, int, tuple[str, ...]]] = {}
    layer: dict[str, tuple[float, int, tuple[str, ...]]] = {source: (-1.0, 0, (source,))}
    for depth in range(max_hops):
        following: dict[str, tuple[float, int, tuple[str, ...]]] = {}
        last = fringe is not None and depth == max_hops - 1
        for node, (weakest, hops, people) in layer.items():
            if node != source and node in avoid:
                continue
            hops += 1
            if last:
                assert fringe is not None  # for mypy: `last` says so
                strengths = (fringe.strengths(node) if node not in graph.expanded else
                             {other: tie.strength for other, tie in
                              graph.neighbours(node).items() if other in targets})
                for other, strength in strengths.items():
                    if other in people:
                        continue
                    key = (weakest if -weakest <= strength else -strength, hops,
                           (*people, other))
                    known = following.get(other)
                    if known is None or key < known:
                        following[other] = key
                continue
            for other, tie in graph.neighbours(node).items():
                if other in people:
                    continue
                strength = tie.strength
                key = (weakest if -weakest <= strength else -strength, hops, (*people, other))
                known = following.get(other)
                if known is None or key < known:
                    following[other] = key
        for node, key in following.items():
            known = best.get(node)
            if known is None or key < known:
                best[node] = key
        layer = following
    best.pop(source, None)
    return {node: TrustRoute(people, -weakest) for node, (weakest, _, people) in best.items()}


def two_hop_route(graph: TieGraph, a: str, b: str, avoid: frozenset[str] = frozenset()
                  ) -> TrustRoute | None:
    """The best route from a to b of at most two hops, from the two people's own ties:
    the direct tie or the best common contact (not in `avoid`). The same route as
    `best_routes(graph, a, 2, avoid).get(b)` when a's and b's ties are all in the graph,
    at the cost of their degrees instead of a's two-hop neighbourhood.

    >>> g = TieGraph(2025)
    >>> for x, y, s in [("a", "b", 0.2), ("a", "c", 0.9), ("c", "b", 0.5), ("a", "d", 0.5),
    ...                 ("d", "b", 0.6)]:
    ...     g.ties.setdefault(x, {})[y] = g.ties.setdefault(y, {})[x] = Tie((x, y), (), (), s)
    >>> two_hop_route(g, "a", "b")
    TrustRoute(people=('a', 'c', 'b'), weakest=0.5)
    >>> two_hop_route(g, "a", "b", frozenset({"c", "d"}))
    TrustRoute(people=('a', 'b'), weakest=0.2)
    """
    mine, theirs = graph.neighbours(a), graph.neighbours(b)
    direct = mine.get(b)
    best = TrustRoute((a, b), min(1.0, direct.strength)) if direct is not None else None
    for other in mine.keys() & theirs.keys():  # the common contacts (rank order is total)
        if other in avoid:
            continue
        candidate = TrustRoute((a, other, b),
                               min(1.0, mine[other].strength, theirs[other].strength))
        if best is None or candidate.rank_key() < best.rank_key():
            best = candidate
    return best
