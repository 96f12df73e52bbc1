"""Landing match: where along the corridor can this company land its production?

The store returns every park that meets the hard constraints (industry related in the
taxonomy, space, facility types, rent, rail minutes) with its evidence; this module scores
them with pure functions, so the ranking is the same whichever store answered. The money
part counts only what the company can get (policy_counting), over the horizon, as a net
cost of landing (net_cost); near misses say what is missing and who helps (gaps). Every
score part carries a sentence and the graph paths behind it. Facts past their freshness
horizon on the request's as_of are marked (the park's `freshness`, each policy's and
contact's `stale`), and a stale park's score is multiplied by its freshness weight
(horizon ÷ age, never below 0.5), so an unchecked park ranks below an equal fresh one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from alliance.errors import Invalid, NotFound
from alliance.services import collaborators, freshness
from alliance.services.benefits import CostInputs, cny
from alliance.services.collaborators import Collaborator, CollaboratorRequest
from alliance.services.elimination import Checker, why_not
from alliance.services.explain import NameBook, copied, counted, made, node_ref, person_out
from alliance.services.freshness import Staleness
from alliance.services.gaps import Closability
from alliance.services.kept import Memo
from alliance.services.landing_models import (
    Contact,
    Freshness,
    GapCloser,
    GapOut,
    GapSummary,
    IndustryFit,
    LandingRequest,
    LandingResult,
    LandingWeights,
    ParkResult,
    ParkSummary,
    PolicyMatch,
    Relaxation,
    RuleCheck,
    ScorePart,
)
from alliance.services.net_cost import NetCost, net_cost
from alliance.services.park_money import EvaluatedPolicy, Listed, ParkMoney, separate, unlock
from alliance.services.policy_book import PolicyBook, any_shares_rent
from alliance.services.policy_counting import (
    Decision,
    Section,
    Tally,
    tally,
)
from alliance.store.base import (
    CandidateRanker,
    CandidateRow,
    ContactEvidence,
    GraphPath,
    GraphStore,
    IndustryMatch,
    IndustryRelation,
    LandingFilter,
    ParkEvidence,
    PolicyEvidence,
)
from alliance.store.evidence import FIT_ORDER, path_to_park, row_of, rows_of
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import Label, MoneyKind, ProfileField, ReferralStage

__all__ = ["LandingRequest", "LandingResult", "LandingWeights", "ParkResult", "Ranked",
           "Scored", "Scorer", "candidates_of", "explain", "rank", "ranking_filter", "search",
           "shown_evidence"]

DEFAULT_REFERENCE_RENT = 100.0
"""Rent (CNY/m²/month) a net cost is measured against when the request sets no max rent."""
DEFAULT_REFERENCE_MINUTES = 180
REFERENCE_AREA_M2 = 1000.0
"""Area the net-cost part is scored on when the request gives none (the money shown then
has no rent line: it is the request's own area, 0 m²)."""
HELPERS_PER_GAP = 3

FIT_WORDS: dict[IndustryRelation, str] = {
    IndustryRelation.EXACT: "direct", IndustryRelation.SUBFIELD: "subfield",
    IndustryRelation.BROADER: "broader",
}
FIT_FACTORS: dict[IndustryRelation, float] = {
    IndustryRelation.EXACT: 1.0, IndustryRelation.SUBFIELD: 0.9, IndustryRelation.BROADER: 0.6,
}


# --------------------------------------------------------------------------- scoring

BOOKS: Memo[ParkMoney] = Memo(1 << 9)
"""Shown places' decided books, kept across questions (`services.kept`): by the
request's facts, the rent and area when a value is a share of the rent, and the
store's evidence of every policy in the book."""


def _saturate(value: float, half: float) -> float:
    """0 at 0, 0.5 at `half`, towards 1 beyond: rewards more without letting one park win
    by a single huge number."""
    return value / (value + half) if value > 0 else 0.0


@dataclass(frozen=True)
class Part:
    """One score part: its value in [0, 1], its weight and the sentence behind it."""

    name: str
    value: float
    weight: float
    explanation: str


def _best_industry(evidence: ParkEvidence) -> IndustryMatch:
    return max(evidence.industries,
               key=lambda m: m.strength * FIT_FACTORS[m.relation] ** max(m.hops, 1))


def _industry_value(best: IndustryMatch) -> float:
    return best.strength * FIT_FACTORS[best.relation] ** max(best.hops, 1)


def industry_part(evidence: ParkEvidence, weight: float) -> Part:
    """The best hosted match: strength × the relation's factor per taxonomy hop."""
    best = _best_industry(evidence)
    words = {IndustryRelation.EXACT: "hosts the industry itself (direct)",
             IndustryRelation.SUBFIELD: f"hosts a subfield ({best.industry})",
             IndustryRelation.BROADER: f"only the broader field {best.industry} (broader)"}
    return Part("industry_fit", _industry_value(best), weight,
                f"{words[best.relation]}, strength {best.strength:g}")


def fit_of(evidence: ParkEvidence) -> IndustryRelation:
    """The closest relation among the park's matches (direct before subfield, broader)."""
    order = list(IndustryRelation)
    return min((m.relation for m in evidence.industries), key=order.index)


def _net_per_m2_month(benefits_cny: float, rent: float, horizon_years: int, area_m2: float
                      ) -> float:
    area = area_m2 if area_m2 > 0 else REFERENCE_AREA_M2
    months = 12 * horizon_years
    return (area * rent * months - benefits_cny) / (area * months)


def _net_cost_value(per_m2_month: float, reference_rent: float) -> float:
    return min(1.0, max(0.0, 1 - per_m2_month / (2 * max(reference_rent, 1e-9))))


def net_cost_part(cost: NetCost, reference_rent: float, area_m2: float, weight: float
                  ) -> Part:
    """1 when landing costs nothing net, 0.5 at the reference rent, 0 at twice it."""
    per_m2_month = _net_per_m2_month(cost.benefits_cny, cost.rent_cny_m2_month,
                                     cost.horizon_years, area_m2)
    text = (f"net cost {cny(cost.net_cost_cny)} CNY over {cost.horizon_years} years "
            f"(rent {cny(cost.rent_cny)} − benefits {cny(cost.benefits_cny)}); "
            f"{per_m2_month:,.1f} CNY/m²/month net")
    if area_m2 <= 0:
        text += f", scored per {REFERENCE_AREA_M2:,.0f} m²"
    return Part("net_cost", _net_cost_value(per_m2_month, reference_rent), weight, text)


def _contacts_value(evidence: ParkEvidence | CandidateRow) -> float:
    return (0.6 * _saturate(evidence.broker_total, 2)
            + 0.4 * _saturate(evidence.professional_total, 3))


def _contacts_part(evidence: ParkEvidence, weight: float) -> Part:
    return Part("contacts", _contacts_value(evidence), weight,
                f"{evidence.broker_total} brokers of the industry, "
                f"{evidence.professional_total} professionals nearby")


def _landed(evidence: ParkEvidence) -> tuple[int, int]:
    """Related companies that landed here, and referrals that landed."""
    stages = dict(evidence.track_record.referral_stages)
    return len(evidence.track_record.related_landings), stages.get(
        ReferralStage.LANDED.value, 0)


def _track_part(evidence: ParkEvidence, weight: float) -> Part:
    related, landed = _landed(evidence)
    return Part("track_record", _saturate(related + landed, 2), weight,
                f"{counted(related, 'company', 'companies')} of the industry landed here; "
                f"{counted(landed, 'referral')} landed")


def _travel_value(minutes: int, reference_minutes: int) -> float:
    return max(0.0, 1 - minutes / max(reference_minutes, 1))


def _space_value(area: float, area_m2: float) -> float:
    return 1.0 if area_m2 == 0 else min(1.0, area / (area_m2 * 3))


def _total(values: tuple[float, ...], weights: tuple[float, ...], fresh: float) -> float:
    """The score: the weighted mean of the part values (each rounded to 6 places), times
    the park's freshness weight."""
    rounded = [round(v, 6) for v in values]
    return round(sum(v * w for v, w in zip(rounded, weights, strict=True)) / sum(weights)
                 * fresh, 6)


class Ranked(NamedTuple):
    """A candidate's score, and what ranking needs besides (its closest fit); a tuple,
    made for every candidate."""

    row: CandidateRow
    score: float
    fit: IndustryRelation

    @property
    def park(self) -> str:
        return self.row.park.id


@dataclass(frozen=True)
class Scored:
    """A shown candidate's score, its parts, its policies and their money."""

    evidence: ParkEvidence
    score: float
    parts: tuple[Part, ...]
    book: ParkMoney
    inputs: CostInputs
    cost: NetCost
    fit: IndustryRelation
    as_of: date
    freshness: Staleness

    @property
    def policies(self) -> tuple[EvaluatedPolicy, ...]:
        return self.book.policies

    @property
    def money(self) -> Tally:
        return self.book.money


class Scorer:
    """Scores candidates for one request: every candidate's score from its city's money
    counted once (`PolicyBook`), the full parts and decisions only for the parks shown."""

    def __init__(self, request: LandingRequest) -> None:
        self.request = request
        self.book = PolicyBook(request)
        weights = request.weights
        self.weights = (weights.industry_fit, weights.net_cost, weights.travel,
                        weights.space, weights.contacts, weights.track_record)
        self.weight_sum = sum(self.weights)
        self.reference_rent = request.max_rent_cny_m2_month or DEFAULT_REFERENCE_RENT
        self.reference_minutes = request.max_rail_minutes or DEFAULT_REFERENCE_MINUTES
        self._cities: dict[str, list[EvaluatedPolicy]] = {}
        self._money: dict[tuple[object, ...], ParkMoney] = {}
        self._weights: dict[tuple[object, object], float] = {}

    def _values(self, row: CandidateRow, benefits_cny: float) -> tuple[float, ...]:
        request, props = self.request, row.park.properties
        per_m2_month = _net_per_m2_month(benefits_cny, float(props["rent_cny_m2_month"]),
                                         request.horizon_years, request.area_m2)
        fits = row.fits
        if len(fits) == 1:  # most parks host one related industry
            relation, hops, strength = fits[0]
            industry = strength * FIT_FACTORS[relation] ** max(hops, 1)
        else:
            industry = max(strength * FIT_FACTORS[relation] ** max(hops, 1)
                           for relation, hops, strength in fits)
        return (industry,
                _net_cost_value(per_m2_month, self.reference_rent),
                _travel_value(row.minutes, self.reference_minutes),
                _space_value(float(props["available_area_m2"]), request.area_m2),
                _contacts_value(row), _saturate(row.related_landings + row.landed_referrals, 2))

    def _fresh(self, park: NodeRecord) -> float:
        """The park's freshness weight on the request's day (`freshness.configured`),
        once per distinct pair of the dates it reads."""
        props = park.properties
        key = (props.get("last_verified"), props.get("as_of"))
        found = self._weights.get(key)
        if found is None:
            found = self._weights[key] = freshness.configured(park, self.request.as_of).weight
        return found

    def rank_entry(self, candidate: CandidateRow | ParkEvidence) -> Ranked:
        """The candidate's score (the same as `score` gives), without its explanation."""
        row = candidate if isinstance(candidate, CandidateRow) else row_of(candidate)
        benefits = self.book.benefits_at(row.city, row.park, row.city_policies, row.policies)
        values = self._values(row, benefits)
        fits = row.fits
        fit = (fits[0][0] if len(fits) == 1
               else min((relation for relation, _, _ in fits), key=FIT_ORDER.index))
        rounded = [round(v, 6) for v in values]  # `_total`, its weights summed once
        total = sum(v * w for v, w in zip(rounded, self.weights, strict=True))
        return Ranked(row, round(total / self.weight_sum * self._fresh(row.park), 6), fit)

    def _city(self, evidence: ParkEvidence) -> list[EvaluatedPolicy]:
        """The city's policies as judged."""
        found = self._cities.get(evidence.city.id)
        if found is None:
            found = self._cities[evidence.city.id] = [
                EvaluatedPolicy(item, self.book.judge(item)) for item in evidence.city_policies]
        return found

    def book_of(self, items: list[EvaluatedPolicy], inputs: CostInputs) -> ParkMoney:
        """The book of these policies (each counted once, by id then place, as
        `store.evidence.park_policies` lists them), every one's money decided."""
        seen: set[str] = set()
        policies = []
        for item in sorted(items, key=lambda item: (item.policy.id, item.evidence.offered_in)):
            if item.policy.id not in seen:
                seen.add(item.policy.id)
                policies.append(item)
        money = tally([p.candidate() for p in policies], inputs, self.request.as_of,
                      self.book.value)
        return ParkMoney(tuple(policies), money)

    def _kept_book(self, sources: tuple[PolicyEvidence, ...], inputs: CostInputs,
                   make: Callable[[], ParkMoney]) -> ParkMoney:
        """The book of these policies, `make()` decided once per question and kept
        across questions (`BOOKS`; when a value is a share of the rent, per rent and
        area)."""
        rent_based = inputs.area_m2 > 0 and any_shares_rent(sources)
        rent = (inputs.area_m2, inputs.rent_cny_m2_month) if rent_based else None
        key = (self.book.asked, rent)
        found = self._money.get((key, *map(id, sources)))
        if found is None:
            found = self._money[(key, *map(id, sources))] = BOOKS.get(
                key, sources, make)
        return found

    def park_money(self, evidence: ParkEvidence, inputs: CostInputs) -> ParkMoney:
        """The park's policies (offered in the park and its city) with their money: the
        city's book, decided once (per rent, when a value is a share of it, and kept
        across questions of the same facts), joined to the park's own when they do not
        compete (`park_money.separate`)."""
        city_items = evidence.city_policies
        shared = self._kept_book(city_items, inputs,
                                 lambda: self.book_of(self._city(evidence), inputs))
        if not evidence.policies:
            return shared

        def joined() -> ParkMoney:
            own = [EvaluatedPolicy(item, self.book.judge(item)) for item in evidence.policies]
            mine = self.book_of(own, inputs)
            return (ParkMoney.joined(shared, mine) if separate(shared, mine)
                    else self.book_of([*own, *self._city(evidence)], inputs))

        return self._kept_book((*city_items, *evidence.policies), inputs, joined)

    def score(self, evidence: ParkEvidence) -> Scored:
        request, weights = self.request, self.request.weights
        props = evidence.park.properties
        inputs = self.book.inputs(float(props["rent_cny_m2_month"]))
        book = self.park_money(evidence, inputs)
        cost = net_cost(inputs, book.money, book.benefits)
        area = float(props["available_area_m2"])
        minutes = evidence.rail.minutes
        values = self._values(row_of(evidence), cost.benefits_cny)
        texts = (industry_part(evidence, weights.industry_fit),
                 net_cost_part(cost, self.reference_rent, request.area_m2, weights.net_cost),
                 Part("travel", values[2], weights.travel,
                      f"{minutes} rail minutes from the origin"),
                 Part("space", values[3], weights.space,
                      f"{area:,.0f} m² available for {request.area_m2:,.0f} m² needed"),
                 _contacts_part(evidence, weights.contacts),
                 _track_part(evidence, weights.track_record))
        parts = tuple(replace(part, value=round(value, 6))
                      for part, value in zip(texts, values, strict=True))
        fresh = freshness.configured(evidence.park, request.as_of)
        return Scored(evidence, _total(values, self.weights, fresh.weight), parts, book,
                      inputs, cost, fit_of(evidence), request.as_of, fresh)


def rank(candidates: Sequence[CandidateRow] | Sequence[ParkEvidence], request: LandingRequest,
         scorer: Scorer | None = None) -> list[Ranked]:
    """Best score first (broader-only fits after the others when `broader_last`); ties go
    to the park id, so equal requests give equal answers."""
    scorer = scorer or Scorer(request)

    def order(ranked: Ranked) -> tuple[bool, float, str]:
        broader = request.broader_last and ranked.fit is IndustryRelation.BROADER
        return (broader, -ranked.score, ranked.row.park.id)

    return sorted((scorer.rank_entry(c) for c in candidates), key=order)


# --------------------------------------------------------------------------- gap-closer


class Helpers:
    """People who help close a gap: one collaborator search per gap kind and request,
    with trust paths from the asker when one is given."""

    def __init__(self, store: GraphStore, request: LandingRequest, *,
                 reveal_contacts: bool) -> None:
        self.store = store
        self.asker = request.asker
        self.reveal_contacts = reveal_contacts
        self._found: dict[tuple[str, ...], list[Collaborator]] = {}
        self.closers: dict[ParkMoney, GapCloser] = {}
        """Each book's gap-closer, once worked out (a book may be kept across questions;
        its helpers are this question's)."""

    def __call__(self, skills: tuple[str, ...]) -> list[Collaborator]:
        if skills not in self._found:
            known = [node.id for node in self.store.get_nodes(list(skills))
                     if node.label is Label.SKILL]
            found: list[Collaborator] = []
            if known:
                found = collaborators.search(
                    self.store, CollaboratorRequest(asker=self.asker, skills=known,
                                                    top_k=HELPERS_PER_GAP),
                    reveal_contacts=self.reveal_contacts).collaborators
            self._found[skills] = found
        return self._found[skills]


def gap_closer(book: ParkMoney, helpers: Helpers) -> GapCloser:
    """The park's near misses grouped by gap kind, each with what closing it unlocks
    (worked out once per shared `ParkMoney` and question)."""
    found = helpers.closers.get(book)
    if found is None:
        found = helpers.closers[book] = _gap_closer(book, helpers)
    return found


def _gap_closer(book: ParkMoney, helpers: Helpers) -> GapCloser:
    kinds = book.near_misses
    closable = {key for key in kinds if key[1] is Closability.CLOSABLE}
    summaries = []
    for key, (gap, policies) in sorted(kinds.items(), key=lambda kv: (
            kv[0][1] is not Closability.CLOSABLE, kv[0][0].value, kv[0][2])):
        summaries.append(GapSummary(
            field=gap.field, closability=gap.closability, typical_months=gap.typical_months,
            action=gap.action, policies=sorted(set(policies)),
            unlock_cny=unlock(book, {key}) if key in closable else None,
            helpers=helpers(gap.skills) if key in closable and gap.skills else []))
    unlocked = unlock(book, closable) if closable else 0.0
    needed = sorted(key for key in closable if unlock(book, closable - {key}) < unlocked)
    if needed:
        names = ", ".join(FIELD_WORDS[key[0]] for key in needed)
        count = len(needed)
        text = (f"closing {count} gap{'s' if count > 1 else ''} ({names}) unlocks "
                f"{cny(unlocked)} CNY here")
    elif closable:
        text = "no closable gap unlocks company money here"
    else:
        text = "no closable gap" if kinds else "no near misses"
    return GapCloser(gaps=summaries, unlock_cny=unlocked, text=text)


FIELD_WORDS: dict[ProfileField, str] = {
    ProfileField.HIGH_TECH_CERTIFIED: "high-tech certification",
    ProfileField.STAGE: "financing stage",
    ProfileField.FOUNDED_YEAR: "founding year",
    ProfileField.HEADCOUNT: "headcount",
    ProfileField.ANNUAL_REVENUE_CNY: "revenue",
    ProfileField.FOUNDER_EQUITY_PCT: "founder equity",
    ProfileField.FOUNDER_CASH_CNY: "founder cash",
    ProfileField.RD_STAFF_PCT: "R&D staff share",
}
"""Short names of the facts for the gap-closer's sentence."""


# --------------------------------------------------------------------------- assembly


def _policy_match(item: EvaluatedPolicy, decision: Decision, path: GraphPath,
                  names: NameBook, as_of: date) -> PolicyMatch:
    policy = item.policy
    gaps = [] if item.eligible else [
        GapOut(field=g.field, closability=g.closability, typical_months=g.typical_months,
               action=g.action, requirement=g.requirement) for g in item.gaps]
    return PolicyMatch(
        id=policy.id, name_zh=policy.name_zh, name_en=policy.name_en, issuer=policy.issuer,
        beneficiary=policy.beneficiary, level=policy.level, benefit_kind=policy.benefit_kind,
        money_kind=policy.money_kind, payment=policy.payment, amount_cny=policy.amount_cny,
        rate_pct=policy.rate_pct, rate_base=policy.rate_base, years=policy.years,
        cap_cny=policy.cap_cny, amount_note=policy.amount_note,
        exclusive_group=policy.exclusive_group, tier=policy.tier,
        not_stackable_with=list(item.evidence.not_stackable_with), valid_to=policy.valid_to,
        apply_from=policy.apply_from, apply_until=policy.apply_until, source=policy.source,
        source_url=policy.source_url, last_verified=policy.last_verified,
        stale=freshness.configured(item.evidence.policy, as_of).stale,
        offered_in=item.evidence.offered_in, wanted=item.wanted, eligible=item.eligible,
        value_cny=decision.valuation.amount_cny, arithmetic=decision.valuation.arithmetic,
        depends_on=list(decision.valuation.depends_on), status=decision.status,
        status_reason=decision.reason,
        met=[o.reason for o in item.outcomes if o.met],
        missing=[o.reason for o in item.outcomes if not o.met],
        rules=[RuleCheck(field=o.rule.field, op=o.rule.op, value=o.rule.value,
                         actual=o.actual, met=o.met) for o in item.outcomes],
        gaps=gaps, path=names.path(path),
    )


MATCHES: Memo[PolicyMatch] = Memo(1 << 13)
"""Policy matches by the item and decision of a book (`BOOKS`: kept across questions of
the same facts, and so are these); an answer shows a copy with its own path and
whether the policy is stale on its day."""


class Stale:
    """Whether a record is past its horizon on the question's day, worked out once per
    record and question (a policy or person is shown at many parks)."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self._found: dict[str, bool] = {}

    def __call__(self, record: NodeRecord) -> bool:
        found = self._found.get(record.id)
        if found is None:
            found = self._found[record.id] = freshness.configured(record, self.as_of).stale
        return found


class PolicyMatches:
    """The shown parks' policy matches: each item's with its money is validated once
    (`MATCHES`); a park's copy differs only in its path and staleness."""

    def __init__(self, names: NameBook, stale: Stale) -> None:
        self.names, self.stale = names, stale

    def __call__(self, listed: Listed, path: GraphPath) -> PolicyMatch:
        item, decision = listed
        match = MATCHES.get(None, listed, lambda: _policy_match(
            item, decision, path, self.names, self.stale.as_of))
        return copied(match, {"stale": self.stale(item.evidence.policy),
                              "path": self.names.path(path)})


CONTACTS: Memo[Contact] = Memo(1 << 13)
"""Contacts by the store's `ContactEvidence` (EmbeddedStore keeps it per park and
industry until a write) and whether contact data is shown: an answer shows a copy with
its own path names and whether the person is stale on its day."""


def _contact(evidence: ContactEvidence, names: NameBook, reveal_contacts: bool, stale: Stale
             ) -> Contact:
    path = names.path(evidence.path)
    kept = CONTACTS.get(reveal_contacts, (evidence,), lambda: made(Contact, {
        "person": person_out(evidence.person, reveal_contacts=reveal_contacts),
        "kind": evidence.kind, "via": evidence.via, "expert_in": list(evidence.expert_in),
        "skills": [(str(skill), int(level)) for skill, level in evidence.skills],
        "stale": False, "path": path}))
    return copied(kept, {"stale": stale(evidence.person), "path": path})


PolicyPaths = dict[str, list[GraphPath]]
"""A shown park's policy paths, list by list, in the order of its listed matches."""


def _policy_paths(scored: Scored, listed: dict[str, list[Listed]]) -> PolicyPaths:
    park = scored.evidence.park.id
    return {name: [path_to_park(item.evidence, park) for item, _ in found]
            for name, found in listed.items()}


def _shown_paths(scored: Scored, policy_paths: PolicyPaths) -> list[GraphPath]:
    """The paths a shown park's kept parts show (all but its rail route's)."""
    evidence = scored.evidence
    return [*(m.path for m in evidence.industries),
            *(path for paths in policy_paths.values() for path in paths),
            *(c.path for c in evidence.contacts)]


@dataclass(frozen=True)
class ShownPark:
    """What a shown park's answer says from its decided book and its store evidence
    alone: the listed policy matches, the contacts, the industry matches and the park's
    summary, for the question's `policies_per_list`, day (staleness) and contact view.
    Kept across questions (`SHOWN`) while every node its paths name is the very record
    it was made from (`records`, checked against the question's `NameBook`)."""

    matches: dict[str, list[PolicyMatch]]
    contacts: list[Contact]
    industries: list[IndustryFit]
    summary: ParkSummary
    records: tuple[tuple[str, NodeRecord | None], ...]
    """Each node its paths show, with the record its name was read from (None: not in
    the store, named by its id)."""

    def current(self, names: NameBook) -> bool:
        """Whether every node it names is still the record it was made from."""
        return all(names.record(node) is record for node, record in self.records)


class KeptShown:
    """Shown parks' kept parts by the question's facts and the identity of their sources
    (held, so an id is not reused while its value is kept); up to `limit`, then it starts
    over."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: dict[tuple[object, ...], tuple[tuple[object, ...], ShownPark]] = {}

    def get(self, facts: tuple[object, ...], sources: tuple[object, ...]) -> ShownPark | None:
        found = self._kept.get((facts, *map(id, sources)))
        return None if found is None else found[1]

    def put(self, facts: tuple[object, ...], sources: tuple[object, ...], shown: ShownPark
            ) -> None:
        if len(self._kept) >= self.limit:
            self._kept.clear()
        self._kept[(facts, *map(id, sources))] = (sources, shown)

    def clear(self) -> None:
        self._kept.clear()


SHOWN = KeptShown(1 << 7)
"""Shown parks' book-and-evidence parts (`ShownPark`), kept across questions: by the
decided book (`BOOKS`), the store's park and city records, industry matches and
contacts (EmbeddedStore keeps those per park and industry until a write), and the
question's policies_per_list, day and contact view. A park shown again by a question of
the same facts is then assembled from them with its own score, money and gap-closer.
At 10^5 nodes a kept park holds ~90 KiB with its contacts and encoded policy entries
(tracemalloc), so 128 of them ~11 MiB."""


def _shown_sources(scored: Scored) -> tuple[object, ...]:
    evidence = scored.evidence
    return (scored.book, evidence.park, evidence.city, evidence.industries, evidence.contacts)


def _shown_park(scored: Scored, listed: dict[str, list[Listed]], policy_paths: PolicyPaths,
                names: NameBook, policy_match: PolicyMatches, *, reveal_contacts: bool
                ) -> ShownPark:
    evidence = scored.evidence
    props = evidence.park.properties
    matches = {name: [policy_match(m, path)
                      for m, path in zip(found, policy_paths[name], strict=True)]
               for name, found in listed.items()}
    contacts = [_contact(c, names, reveal_contacts, policy_match.stale)
                for c in evidence.contacts]
    industries = [IndustryFit(industry=m.industry, relation=m.relation, strength=m.strength,
                              hops=m.hops, path=names.path(m.path))
                  for m in evidence.industries]
    summary = ParkSummary(
        park=node_ref(evidence.park), city=node_ref(evidence.city),
        rent_cny_m2_month=float(props["rent_cny_m2_month"]),
        available_area_m2=float(props["available_area_m2"]),
        facility_types=list(props["facility_types"]), estimated=list(props.get("estimated", [])),
    )
    nodes = {node for path in _shown_paths(scored, policy_paths) for node in path.nodes}
    return ShownPark(matches, contacts, industries, summary,
                     tuple((node, names.record(node)) for node in sorted(nodes)))


def _park_result(position: int, scored: Scored, shown: ShownPark, names: NameBook,
                 helpers: Helpers) -> ParkResult:
    """The explained answer for one ranked park, its book-and-evidence parts `shown`."""
    evidence, money, book = scored.evidence, scored.money, scored.book
    matches = shown.matches
    paths = {
        "industry_fit": [fit.path for fit in shown.industries],
        "net_cost": [m.path for m in matches["eligible"] if m.status == "counted"],
        "travel": [names.path(evidence.rail.path)],
        "contacts": [c.path for c in shown.contacts],
    }
    parts = [ScorePart(name=part.name, value=part.value, weight=part.weight,
                       explanation=part.explanation, paths=paths.get(part.name, []))
             for part in scored.parts]
    fresh = scored.freshness
    full = book.lists
    return ParkResult(
        rank=position, score=scored.score, summary=shown.summary, parts=parts,
        freshness=Freshness(stale=fresh.stale, age_days=fresh.age_days,
                            checked_on=fresh.checked_on, horizon_days=fresh.horizon_days,
                            weight=fresh.weight),
        rail_minutes=evidence.rail.minutes, rail_km=evidence.rail.km,
        rail_path=names.path(evidence.rail.path), industry_fit=FIT_WORDS[scored.fit],
        industries=shown.industries,
        eligible_policies=matches["eligible"],
        near_miss_policies=matches["near_miss"],
        founding_team_policies=matches["founding_team"],
        broker_side=matches["broker_side"],
        policies_for_others=len(book.sections[Section.OTHERS]),
        eligible_count=len(full["eligible"]), near_miss_count=len(full["near_miss"]),
        founding_team_count=len(full["founding_team"]),
        broker_side_count=len(full["broker_side"]),
        policy_total_cny=book.company_total,
        grant_total_cny=money.total(kinds=[MoneyKind.GRANT]),
        tax_relief_total_cny=money.total(kinds=[MoneyKind.TAX_RELIEF]),
        financing_total_cny=money.financing_cny,
        founding_team_total_cny=money.total(Section.FOUNDING_TEAM),
        net_cost=scored.cost, gap_closer=gap_closer(book, helpers),
        contacts=shown.contacts,
        contacts_total=evidence.broker_total + evidence.professional_total,
        brokers_total=evidence.broker_total, professionals_total=evidence.professional_total,
        related_landings=list(evidence.track_record.related_landings),
        referral_stages=dict(evidence.track_record.referral_stages),
    )


def ranking_filter(request: LandingRequest) -> LandingFilter:
    """The store filter a question ranks with: every candidate with its contact totals
    but no contacts (those are fetched for the parks shown, `shown_evidence`)."""
    return replace(request.to_filter(), contacts_per_kind=0)


def candidates_of(store: GraphStore, request: LandingRequest) -> list[CandidateRow]:
    """What the question ranks: every candidate's `CandidateRow`, from the store when it
    lists them itself (`CandidateRanker`), else from its evidence (`rows_of`)."""
    query = ranking_filter(request)
    if isinstance(store, CandidateRanker):
        return store.candidate_rows(query)
    return rows_of(store.landing_candidates(query))


def shown_evidence(store: GraphStore, ranked: list[tuple[int, Ranked]],
                   request: LandingRequest) -> list[tuple[int, ParkEvidence]]:
    """The chosen candidates' evidence with their contacts and the contacts' paths,
    asked of the store for these parks only."""
    if not ranked:
        return []
    parks = frozenset(entry.park for _, entry in ranked)
    full = {evidence.park.id: evidence
            for evidence in store.landing_candidates(replace(request.to_filter(), parks=parks))}
    return [(position, full[entry.park]) for position, entry in ranked]


def explain(store: GraphStore, ranked: list[tuple[int, Ranked]], request: LandingRequest, *,
            reveal_contacts: bool, scorer: Scorer | None = None) -> list[ParkResult]:
    """Full results for the chosen (rank, candidate) pairs, their evidence fetched with
    contacts and scored in full (by the ranking's `scorer`, when given); each park lists
    the policy matches `request.policies_per_list` keeps, the names of all their paths
    come in one lookup, and only the parks shown are assembled."""
    scorer = scorer or Scorer(request)
    shown = [(position, scorer.score(evidence))
             for position, evidence in shown_evidence(store, ranked, request)]
    facts = (request.policies_per_list, request.as_of, reveal_contacts)
    kept = [SHOWN.get(facts, _shown_sources(scored)) for _, scored in shown]
    listed = [scored.book.listed(request.policies_per_list) if found is None else {}
              for (_, scored), found in zip(shown, kept, strict=True)]
    policy_paths = [_policy_paths(scored, lists) if found is None else {}
                    for (_, scored), lists, found in zip(shown, listed, kept, strict=True)]
    names = NameBook(store, [
        *(scored.evidence.rail.path for _, scored in shown),
        *(path for (_, scored), paths, found in zip(shown, policy_paths, kept, strict=True)
          if found is None for path in _shown_paths(scored, paths))],
        [node for found in kept if found is not None for node, _ in found.records])
    helpers = Helpers(store, request, reveal_contacts=reveal_contacts)
    policy_match = PolicyMatches(names, Stale(request.as_of))
    results = []
    for (position, scored), found in zip(shown, kept, strict=True):
        if found is None or not found.current(names):
            lists = scored.book.listed(request.policies_per_list)
            found = _shown_park(scored, lists, _policy_paths(scored, lists), names,
                                policy_match, reveal_contacts=reveal_contacts)
            SHOWN.put(facts, _shown_sources(scored), found)
        results.append(_park_result(position, scored, found, names, helpers))
    return results


RELAXABLE: dict[str, dict[str, object]] = {
    "facility_types": {"facility_types": ()},
    "max_rent_cny_m2_month": {"max_rent_cny_m2_month": None},
    "area_m2": {"min_area_m2": 0.0},
    "max_rail_minutes": {"max_rail_minutes": None},
}
"""Hard constraints a user may drop, and how dropping each changes the store filter."""


def _explain_empty(store: GraphStore, query: LandingFilter, request: LandingRequest
                   ) -> tuple[str, list[Relaxation]]:
    given = {
        "facility_types": bool(request.facility_types),
        "max_rent_cny_m2_month": request.max_rent_cny_m2_month is not None,
        "area_m2": request.area_m2 > 0,
        "max_rail_minutes": request.max_rail_minutes is not None,
    }
    relaxations = []
    count_of = (store.candidate_rows if isinstance(store, CandidateRanker)
                else store.landing_candidates)
    for name, change in RELAXABLE.items():
        if given[name]:
            count = len(count_of(
                replace(query, contacts_per_kind=0, **change)))  # type: ignore[arg-type]
            relaxations.append(Relaxation(constraint=name, parks=count))
    helpful = [r for r in relaxations if r.parks > 0]
    if helpful:
        names = ", ".join(f"{r.constraint} ({r.parks} parks without it)" for r in helpful)
        return f"no park meets every constraint; the list was emptied by {names}", relaxations
    if relaxations:
        return ("no park hosts this industry (or a related one) within reach, "
                "even with any single constraint dropped"), relaxations
    return "no park hosts this industry or a related one within reach", relaxations


def validate(store: GraphStore, request: LandingRequest) -> None:
    """Checks the store's evidence query does not make: dates and the asker."""
    if request.profile.founded_year and request.profile.founded_year > request.as_of.year:
        msg = f"founded_year {request.profile.founded_year} is after as_of {request.as_of}"
        raise Invalid(msg, field="profile.founded_year")
    if request.asker is not None:
        asker = store.get_node(request.asker)
        if asker is None or asker.label is not Label.PERSON:
            msg = f"no Person with id {request.asker!r}"
            raise NotFound(msg, field="asker")


def search(store: GraphStore, request: LandingRequest, *,
           reveal_contacts: bool = False) -> LandingResult:
    """Ranked parks for the request, best first, with explanations, the elimination view
    and, when asked, why a named park is not among them."""
    validate(store, request)
    query = request.to_filter()
    candidates = candidates_of(store, request)
    elimination = Checker(store, query).elimination()
    scorer = Scorer(request)
    ranked = rank(candidates, request, scorer)
    reason: str | None = None
    relaxations: list[Relaxation] = []
    if not candidates:
        reason, relaxations = _explain_empty(store, query, request)
    asked = (why_not(store, query, request.why_not, [s.park for s in ranked])
             if request.why_not else None)
    parks = explain(store, list(enumerate(ranked[: request.top_k], start=1)), request,
                    reveal_contacts=reveal_contacts, scorer=scorer)
    return LandingResult(parks=parks, candidates=len(candidates),
                         horizon_years=request.horizon_years, elimination=elimination,
                         why_not=asked, empty_reason=reason, relaxations=relaxations)
