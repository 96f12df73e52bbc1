"""A shown park's policies with their money decided, and what its answer lists of them.

Every park of a city carries all of the city's policies -- hundreds in a large corridor's
cities -- and a park usually has none or one of its own. So a question decides a city's
money once (`ParkMoney` of the city's policies, shared by its parks) and a park with
policies of its own joins the city's to its own (`ParkMoney.joined`) when no own item
competes with a city item (an exclusive group or a NOT_STACKABLE_WITH link between items
whose window opens, `separate`): then every decision, list and recount of the park is
its city's and its own's, put together in policy order, as deciding them all together
would give them. Sums are taken over the joined items in the same order, or (when every
amount is a whole number, so the order cannot change a sum) added from the two parts.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from alliance.services.benefits import Valuation
from alliance.services.eligibility import RuleOutcome
from alliance.services.gaps import Gap, GapKey, gap_key
from alliance.services.net_cost import Benefits, benefits_of
from alliance.services.policy_book import Judged
from alliance.services.policy_counting import (
    Candidate,
    Decision,
    Section,
    Status,
    Tally,
    counted_amounts,
)
from alliance.store.base import PolicyEvidence
from graph_schema.nodes import Policy

__all__ = ["EvaluatedPolicy", "Listed", "ParkMoney", "Recount", "separate", "unlock", "worth"]


@dataclass(frozen=True)
class EvaluatedPolicy:
    """A shown park's policy with its eligibility worked out (once per request); its
    evidence as the store listed it (a city's policy with its path to the city)."""

    evidence: PolicyEvidence
    judged: Judged

    @property
    def policy(self) -> Policy:
        return self.judged.policy

    @property
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        return self.judged.outcomes

    @property
    def wanted(self) -> bool:
        return self.judged.wanted

    @property
    def eligible(self) -> bool:
        return self.judged.eligible

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return self.judged.gaps

    def candidate(self) -> Candidate:
        return Candidate(self.policy, self.eligible, self.evidence.not_stackable_with)


Listed = tuple[EvaluatedPolicy, Decision]
"""A policy match to list: the policy as judged and its money at the park."""

_T = TypeVar("_T")


def _policy_order(item: EvaluatedPolicy) -> tuple[str, str]:
    """The order of a park's policies: by id, then place (`store.evidence.park_policies`)."""
    return item.policy.id, item.evidence.offered_in


def _listed_order(match: Listed) -> tuple[str, str]:
    return _policy_order(match[0])


def _wanted_order(match: Listed) -> tuple[bool, str]:
    return not match[0].wanted, match[0].policy.id


def _put_in(base: Sequence[_T], extra: Iterable[_T], key: Callable[[_T], Any]) -> list[_T]:
    """`base` (sorted by `key`, keys distinct) with the `extra` items (sorted, few)
    put in their places."""
    found: list[_T] = []
    start = 0
    for item in extra:
        at = bisect_left(base, key(item), lo=start, key=key)
        found.extend(base[start:at])
        found.append(item)
        start = at
    found.extend(base[start:])
    return found


LIST_ORDER: dict[str, Callable[[Listed], tuple[bool | str, str]]] = {
    "eligible": _wanted_order, "near_miss": _wanted_order,
    "founding_team": _listed_order, "broker_side": _listed_order,
}
"""The order of each of the answer's four lists."""


def worth(match: Listed) -> tuple[bool, bool, float, str]:
    """Which matches a cut list keeps first: those counted in the totals, then the kinds
    the company asked for, then the largest value over the horizon (unknown values
    last), then by id."""
    item, decision = match
    amount = decision.valuation.amount_cny
    return (decision.status is not Status.COUNTED, not item.wanted,
            -(amount if amount is not None else -1.0), item.policy.id)


@dataclass(frozen=True)
class Openable:
    """The items of a book whose window opens in the horizon and that are no financing
    (whatever their eligibility): the only ones whose decisions depend on each other."""

    ids: frozenset[str]
    groups: frozenset[str]
    partners: frozenset[str]

    @classmethod
    def of(cls, policies: Iterable[EvaluatedPolicy]) -> Openable:
        items = [item for item in policies if item.judged.openable]
        return cls(frozenset(item.policy.id for item in items),
                   frozenset(item.policy.exclusive_group for item in items
                             if item.policy.exclusive_group),
                   frozenset(p for item in items for p in item.evidence.not_stackable_with))


def separate(a: ParkMoney, b: ParkMoney) -> bool:
    """No item of `b` is an item of `a`, and no openable item of one competes with an
    openable item of the other (the same exclusive group, or a NOT_STACKABLE_WITH link
    either way): each book's decisions are then those of both decided together."""
    return (a.ids.isdisjoint(b.ids) and a.openable.groups.isdisjoint(b.openable.groups)
            and a.openable.partners.isdisjoint(b.openable.ids)
            and b.openable.partners.isdisjoint(a.openable.ids))


class ParkMoney:
    """A shown park's policies (its own and its city's), every one's money decided, and
    what the answer lists of them. Nothing here depends on the park but its own policies
    and (for a share of the rent) its rent, so the parks of a city that have no policies
    of their own (and the same rent, if it matters) share one; `joined` makes a park's
    from its city's and its own's."""

    def __init__(self, policies: tuple[EvaluatedPolicy, ...], money: Tally,
                 parts: tuple[ParkMoney, ParkMoney] | None = None) -> None:
        self.policies = policies
        self.money = money
        self.parts = parts
        """The two books this one joins (`joined`), or None."""
        self._cut: dict[int, dict[str, list[Listed]]] = {}

    @classmethod
    def joined(cls, a: ParkMoney, b: ParkMoney) -> ParkMoney:
        """The book of `a`'s and `b`'s policies together (`separate(a, b)` must hold);
        `b` is the smaller one."""
        policies: list[EvaluatedPolicy] = []
        decisions: list[Decision] = []
        start = 0
        for item, decision in zip(b.policies, b.money.decisions, strict=True):
            at = bisect_left(a.policies, _policy_order(item), lo=start, key=_policy_order)
            policies.extend(a.policies[start:at])
            decisions.extend(a.money.decisions[start:at])
            policies.append(item)
            decisions.append(decision)
            start = at
        policies.extend(a.policies[start:])
        decisions.extend(a.money.decisions[start:])
        return cls(tuple(policies), Tally(tuple(decisions)), (a, b))

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(item.policy.id for item in self.policies)

    @cached_property
    def openable(self) -> Openable:
        return Openable.of(self.policies)

    @cached_property
    def benefits(self) -> Benefits:
        """What the net cost subtracts (the same at any rent: a book decided at one
        rent is only shared by parks of that rent)."""
        return benefits_of(self.money)

    @cached_property
    def company_total(self) -> float:
        return self.money.total()

    @cached_property
    def recount(self) -> Recount:
        return Recount.of(self)

    @cached_property
    def sections(self) -> dict[Section, list[Listed]]:
        """Every policy with its decision, per section, in policy order."""
        if self.parts is not None:
            a, b = self.parts
            return {section: _put_in(a.sections[section], b.sections[section],
                                     _listed_order) for section in Section}
        found: dict[Section, list[Listed]] = {section: [] for section in Section}
        for item, decision in zip(self.policies, self.money.decisions, strict=True):
            found[decision.section].append((item, decision))
        return found

    @cached_property
    def lists(self) -> dict[str, list[Listed]]:
        """The answer's four lists in full, each in its order: company items eligible,
        then near misses (wanted first, then by id), founding-team and broker-side items
        (by id)."""
        if self.parts is not None:
            a, b = self.parts
            return {name: _put_in(a.lists[name], b.lists[name], LIST_ORDER[name])
                    for name in LIST_ORDER}
        company = self.sections[Section.COMPANY]
        return {"eligible": sorted([m for m in company if m[0].eligible], key=_wanted_order),
                "near_miss": sorted([m for m in company if not m[0].eligible],
                                    key=_wanted_order),
                "founding_team": self.sections[Section.FOUNDING_TEAM],
                "broker_side": self.sections[Section.BROKER_SIDE]}

    def listed(self, limit: int | None) -> dict[str, list[Listed]]:
        """Each list cut to its `limit` matches worth the most (`worth`), kept in the
        list's order; every match when `limit` is None or the list is short."""
        if limit is None:
            return self.lists
        found = self._cut.get(limit)
        if found is None:
            found = self._cut[limit] = self._cut_to(limit)
        return found

    def _cut_to(self, limit: int) -> dict[str, list[Listed]]:
        cut = {}
        for name, matches in self.lists.items():
            if len(matches) <= limit:
                cut[name] = matches
                continue
            if self.parts is not None:  # the best of the whole are among the parts' best
                a, b = self.parts
                best = heapq.nsmallest(limit, [*a.listed(limit)[name], *b.listed(limit)[name]],
                                       key=worth)
                cut[name] = sorted(best, key=LIST_ORDER[name])
                continue
            kept = {id(m) for m in heapq.nsmallest(limit, matches, key=worth)}
            cut[name] = [m for m in matches if id(m) in kept]
        return cut

    @cached_property
    def near_misses(self) -> dict[GapKey, tuple[Gap, list[str]]]:
        """The company's near misses by gap kind: a gap of the kind and the ids of the
        near misses lacking it (every gap of a kind tells the same fact, closability,
        time, action and skills: `gaps.CLOSINGS`, so which one stands for it does not
        matter)."""
        if self.parts is not None:
            a, b = self.parts
            found = {key: (gap, list(ids)) for key, (gap, ids) in a.near_misses.items()}
            for key, (gap, ids) in b.near_misses.items():
                found.setdefault(key, (gap, []))[1].extend(ids)
            return found
        kinds: dict[GapKey, tuple[Gap, list[str]]] = {}
        for item in self.policies:
            if item.eligible or item.judged.section is not Section.COMPANY:
                continue
            for gap in item.gaps:
                kinds.setdefault(gap_key(gap), (gap, []))[1].append(item.policy.id)
        return kinds

    def opened_sum(self, closed: set[GapKey]) -> float | None:
        """The company money its items would count if the gaps in `closed` were closed
        (summed in policy order), or None when closing them opens no item."""
        if self.parts is not None:
            a, b = self.parts
            if a.recount.whole and b.recount.whole:
                found_a, found_b = a.opened_sum(closed), b.opened_sum(closed)
                if found_a is None and found_b is None:
                    return None
                return ((a.recount.base if found_a is None else found_a)
                        + (b.recount.base if found_b is None else found_b))
        return self.recount.opened_sum(closed)


@dataclass(frozen=True)
class Recount:
    """What recounting a shown park's company money with some gaps closed needs: its
    company items that count once eligible (window open, no financing), in candidate
    order, with their values, whether each is eligible and the gap kinds it lacks; the
    sum the eligible ones count (`base`), and whether every value is a whole number."""

    items: tuple[tuple[Policy, Section, Valuation], ...]
    eligible: tuple[bool, ...]
    gaps: tuple[frozenset[GapKey], ...]
    partners: dict[str, tuple[str, ...]]
    base: float
    whole: bool
    alone: frozenset[int]
    """Positions of the near misses that compete with no other item (no exclusive group
    shared, no NOT_STACKABLE_WITH link to one of the items): opened, they add their
    value and change no other item's."""

    @classmethod
    def of(cls, book: ParkMoney) -> Recount:
        chosen = [(item, decision)
                  for item, decision in zip(book.policies, book.money.decisions, strict=True)
                  if item.judged.section is Section.COMPANY and item.judged.openable]
        items = tuple((item.policy, Section.COMPANY, decision.valuation)
                      for item, decision in chosen)
        eligible = tuple(item.eligible for item, _ in chosen)
        partners = {item.policy.id: item.evidence.not_stackable_with for item, _ in chosen}
        base = sum(amount for _, amount in counted_amounts(
            [entry for entry, ok in zip(items, eligible, strict=True) if ok],
            partners.__getitem__))
        amounts = [valuation.amount_cny for _, _, valuation in items]
        groups: dict[str, int] = {}
        for policy, _, _ in items:
            if policy.exclusive_group:
                groups[policy.exclusive_group] = groups.get(policy.exclusive_group, 0) + 1
        linked = {partner for listed in partners.values() for partner in listed}
        alone = frozenset(
            position for position, (policy, _, _) in enumerate(items)
            if not eligible[position]
            and not (policy.exclusive_group and groups[policy.exclusive_group] > 1)
            and policy.id not in linked and partners.keys().isdisjoint(partners[policy.id]))
        none: frozenset[GapKey] = frozenset()  # an eligible item lacks nothing
        return cls(items, eligible, tuple(none if item.eligible else item.judged.gap_kinds
                                          for item, _ in chosen),
                   partners, base,
                   all(amount is None or float(amount).is_integer() for amount in amounts),
                   alone)

    @cached_property
    def near(self) -> tuple[int, ...]:
        """Positions of the items not eligible (those closing gaps may open)."""
        return tuple(position for position, ok in enumerate(self.eligible) if not ok)

    def opened_sum(self, closed: set[GapKey]) -> float | None:
        """`ParkMoney.opened_sum` of these items."""
        unlocked = {position for position in self.near if self.gaps[position] <= closed}
        if not unlocked:
            return None
        if self.whole and unlocked <= self.alone:
            return self.base + sum(amount for amount in (
                self.items[position][2].amount_cny for position in sorted(unlocked))
                if amount is not None)
        opened = [item for position, item in enumerate(self.items)
                  if self.eligible[position] or position in unlocked]
        return sum(amount for _, amount in counted_amounts(opened,
                                                            self.partners.__getitem__))


def unlock(book: ParkMoney, closed: set[GapKey]) -> float:
    """Company money added if the gaps in `closed` were closed (recounted, so groups and
    no-stacking still hold: the company items that would count, settled again)."""
    opened = book.opened_sum(closed)
    if opened is None:
        return 0.0
    return round(round(opened, 2) - book.company_total, 2)
