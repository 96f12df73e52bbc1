"""Which of a park's policies count as the company's money, and how much.

The rules, in order, for the items the company itself may apply for (beneficiary
`company`):

1. the company must be eligible, and the application window must be open at some point
   of the horizon (apply_until not before the as-of date, apply_from not after its end);
2. financing (investment, loans) is listed on its own and never added to grants;
3. an item whose value depends on a figure the request does not give, or whose amount is
   not published, is listed with what it depends on and no sum;
4. of an exclusive group (alternatives, e.g. tiers by size) only the best item counts:
   the largest value, then the higher tier, then the id;
5. of two items that may not be stacked (NOT_STACKABLE_WITH), the larger counts
   (就高不重复), taken greedily from the largest down.

Founding-team items (talent programmes) follow the same rules in a section of their own;
broker and agency items belong to the broker's side; park-operator and investor items are
never part of a company's answer. Totals add grants and tax relief only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from alliance.services.benefits import CostInputs, Valuation, cny, value
from graph_schema.nodes import Policy
from graph_schema.vocabulary import Beneficiary, MoneyKind


class Section(StrEnum):
    """Whose money a policy is, from the company's point of view."""

    COMPANY = "company"
    FOUNDING_TEAM = "founding_team"
    BROKER_SIDE = "broker_side"
    OTHERS = "others"


SECTION_OF: dict[Beneficiary, Section] = {
    Beneficiary.COMPANY: Section.COMPANY,
    Beneficiary.FOUNDING_TEAM: Section.FOUNDING_TEAM,
    Beneficiary.BROKER: Section.BROKER_SIDE,
    Beneficiary.TECH_TRANSFER_AGENCY: Section.BROKER_SIDE,
    Beneficiary.PARK_OPERATOR: Section.OTHERS,
    Beneficiary.INVESTOR: Section.OTHERS,
}


class Status(StrEnum):
    """Why a policy's money is or is not in the total."""

    COUNTED = "counted"
    NOT_ELIGIBLE = "not_eligible"
    CLOSED = "closed"
    FINANCING = "financing"
    DEPENDS = "depends"
    ALTERNATIVE = "alternative"
    NOT_STACKED = "not_stacked"


@dataclass(frozen=True)
class Candidate:
    """A policy offered to the park, with the company's eligibility worked out."""

    policy: Policy
    eligible: bool
    not_stackable_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """One policy's money for this company: its valuation and whether it counts."""

    policy: Policy
    section: Section
    valuation: Valuation
    status: Status
    reason: str

    @property
    def counted_cny(self) -> float:
        """The sum this policy adds to its section's total (0 unless counted)."""
        if self.status is Status.COUNTED and self.valuation.amount_cny is not None:
            return self.valuation.amount_cny
        return 0.0


@dataclass(frozen=True)
class Tally:
    """Every policy's decision, and the totals of the company's and the team's money
    (each section's decisions and each total worked out once: an answer asks for
    several totals of a book of hundreds of decisions)."""

    decisions: tuple[Decision, ...]
    _totals: dict[tuple[Section, frozenset[MoneyKind]], float] = field(
        default_factory=dict, compare=False, repr=False)

    @cached_property
    def _sections(self) -> dict[Section, list[Decision]]:
        found: dict[Section, list[Decision]] = {section: [] for section in Section}
        for decision in self.decisions:
            found[decision.section].append(decision)
        return found

    def section(self, section: Section) -> list[Decision]:
        return list(self._sections[section])

    def total(self, section: Section = Section.COMPANY,
              kinds: Iterable[MoneyKind] = (MoneyKind.GRANT, MoneyKind.TAX_RELIEF)) -> float:
        """Counted money of the section, of the given kinds (never financing with grants)."""
        wanted = frozenset(kinds)
        found = self._totals.get((section, wanted))
        if found is None:
            found = self._totals[section, wanted] = round(sum(
                d.counted_cny for d in self._sections[section]
                if d.policy.money_kind in wanted), 2)
        return found

    @property
    def financing_cny(self) -> float:
        """Investment the company may raise from eligible, open financing items (up to)."""
        return round(sum(d.valuation.amount_cny or 0.0 for d in self._sections[Section.COMPANY]
                         if d.status is Status.FINANCING), 2)


def window_open(policy: Policy, as_of: date, horizon_years: int) -> bool:
    """Applications are open at some point between as_of and the horizon's end."""
    end = as_of + timedelta(days=round(365.25 * horizon_years))
    return ((policy.apply_until is None or policy.apply_until >= as_of)
            and (policy.apply_from is None or policy.apply_from <= end))


def _closed_reason(policy: Policy, as_of: date) -> str:
    if policy.apply_until is not None and policy.apply_until < as_of:
        return f"applications closed on {policy.apply_until.isoformat()}"
    return f"applications open only from {policy.apply_from}, after the horizon"


def _best_first(decision: Decision) -> tuple[float, int, str]:
    amount = decision.valuation.amount_cny
    return (-(amount if amount is not None else -1.0), -(decision.policy.tier or 0),
            decision.policy.id)


def _choose_within_groups(open_items: Sequence[Decision]) -> dict[str, str]:
    """For every exclusive group, the id of the item that stands for it."""
    groups: dict[str, list[Decision]] = {}
    for decision in open_items:
        if decision.policy.exclusive_group:
            groups.setdefault(decision.policy.exclusive_group, []).append(decision)
    return {group: min(items, key=_best_first).policy.id for group, items in groups.items()}


def open_decision(policy: Policy, section: Section, valuation: Valuation) -> Decision:
    """An eligible item, open in the horizon and not financing: it counts unless rules 3–5
    (an amount, groups, stacking) say otherwise (`settle`)."""
    return Decision(policy, section, valuation, Status.COUNTED, "")


@dataclass(frozen=True)
class Settled:
    """How rules 3–5 settle the open items of one section: the item standing for each
    exclusive group, the items counted, and for each item not stacked the counted items
    it clashes with (sorted)."""

    chosen: dict[str, str]
    counted: set[str]
    clashes: dict[str, list[str]]


def settle(open_items: Sequence[Decision], unstackable: Callable[[str], Iterable[str]]
           ) -> Settled:
    """Rules 3–5 over the open items of one section (`unstackable(id)`: the ids it may
    not be stacked with)."""
    chosen = _choose_within_groups(open_items)
    kept = [decision for decision in open_items
            if not (decision.policy.exclusive_group
                    and chosen[decision.policy.exclusive_group] != decision.policy.id)
            and decision.valuation.amount_cny is not None]
    counted: set[str] = set()
    clashes: dict[str, list[str]] = {}
    for decision in sorted(kept, key=_best_first):
        pid = decision.policy.id
        clash = sorted(counted.intersection(unstackable(pid)))
        if clash:
            clashes[pid] = clash
        else:
            counted.add(pid)
    return Settled(chosen, counted, clashes)


def counted_amounts(items: Sequence[tuple[Policy, Section, Valuation]],
                    unstackable: Callable[[str], Iterable[str]]) -> list[tuple[str, float]]:
    """(id, amount) of the items rules 3–5 count, in the items' order, given the open
    items of one section (eligible, window open, no financing) with their values: what
    `tally` counts of them, without deciding every other item."""
    decisions = [open_decision(policy, section, valuation)
                 for policy, section, valuation in items]
    counted = settle(decisions, unstackable).counted
    found = []
    for decision in decisions:
        amount = decision.valuation.amount_cny
        if decision.policy.id in counted and amount is not None:
            found.append((decision.policy.id, amount))
    return found


def _decide_section(section: Section, items: Sequence[tuple[Candidate, Valuation]],
                    as_of: date, horizon_years: int) -> list[Decision]:
    names = {candidate.policy.id: candidate.policy.name_en for candidate, _ in items}
    decided: dict[str, Decision] = {}
    open_items: list[Decision] = []
    for candidate, valuation in items:
        policy = candidate.policy
        if not candidate.eligible:
            decided[policy.id] = Decision(policy, section, valuation, Status.NOT_ELIGIBLE,
                                          "the company does not meet every rule")
        elif not window_open(policy, as_of, horizon_years):
            decided[policy.id] = Decision(policy, section, valuation, Status.CLOSED,
                                          _closed_reason(policy, as_of))
        elif policy.money_kind is MoneyKind.FINANCING:
            decided[policy.id] = Decision(
                policy, section, valuation, Status.FINANCING,
                "investment or financing, not a grant: never added to grant money")
        else:
            open_items.append(open_decision(policy, section, valuation))
    unstackable = {c.policy.id: c.not_stackable_with for c, _ in items}
    settled = settle(open_items, unstackable.__getitem__)
    opened = {decision.policy.id: decision for decision in open_items}
    for decision in open_items:
        pid, group = decision.policy.id, decision.policy.exclusive_group
        if group and settled.chosen[group] != pid:
            decided[pid] = Decision(
                decision.policy, section, decision.valuation, Status.ALTERNATIVE,
                f"alternative to {names[settled.chosen[group]]} (group {group}): only one "
                "tier is paid")
        elif decision.valuation.amount_cny is None:
            decided[pid] = Decision(
                decision.policy, section, decision.valuation, Status.DEPENDS,
                "depends on " + ", ".join(decision.valuation.depends_on))
        elif pid in settled.clashes:
            clash = settled.clashes[pid]
            decided[pid] = Decision(
                decision.policy, section, decision.valuation, Status.NOT_STACKED,
                f"does not stack with {names.get(clash[0], clash[0])}, which pays more "
                f"({cny(opened[clash[0]].counted_cny)})")
        else:
            decided[pid] = decision
    return [decided[candidate.policy.id] for candidate, _ in items]


def tally(candidates: Sequence[Candidate], inputs: CostInputs, as_of: date,
          valued: Callable[[Policy, CostInputs], Valuation] = value) -> Tally:
    """Decide every candidate's money; the order of `candidates` is kept (`valued`:
    `benefits.value`, or a memo of it)."""
    by_section: dict[Section, list[tuple[Candidate, Valuation]]] = {}
    for candidate in candidates:
        section = SECTION_OF[candidate.policy.beneficiary]
        by_section.setdefault(section, []).append((candidate,
                                                   valued(candidate.policy, inputs)))
    decided: dict[str, Decision] = {}
    for section, items in by_section.items():
        for decision in _decide_section(section, items, as_of, inputs.horizon_years):
            decided[decision.policy.id] = decision
    return Tally(tuple(decided[c.policy.id] for c in candidates))
