"""What questions asking with the same company facts decide alike, kept from one question
to the next.

A policy's judgement (eligibility, section, window, whether it is wanted) and its value
depend only on the policy as the store lists it and on the request's company facts
(`Asked`); a place's decided book depends on those of all its policies. At 10^6 nodes a
city offers ~500 policies, and every question of the same company deciding them again
costs more than the rest of its answer. So these are kept across questions, keyed by
the facts and by the identity of the store's evidence objects (`Memo`): EmbeddedStore
hands out the same `PolicyEvidence` until a write touches the policy, its partners or
its place (`index.offered_evidence` is dropped then), so a kept value is the one made
afresh -- never stale; a store that makes new evidence per question (Neo4jStore) finds
none and decides as before. Each memo starts over when full.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from alliance.services.landing_models import LandingRequest
from graph_schema.nodes import CompanyProfile
from graph_schema.vocabulary import BenefitKind

__all__ = ["Asked", "Memo"]

V = TypeVar("V")


@dataclass(frozen=True)
class Asked:
    """The request facts a policy's judgement and (but for a share of the rent, which
    also reads the area and the park's rent) its value depend on."""

    profile: tuple[object, ...]
    as_of: date
    horizon_years: int
    benefit_kinds: frozenset[BenefitKind]
    area_given: bool
    planned_capex_cny: float | None
    headcount: int | None

    @classmethod
    def of(cls, request: LandingRequest, profile: CompanyProfile) -> Asked:
        """`profile`: the request's `eligibility_profile()`."""
        return cls(tuple(getattr(profile, name) for name in CompanyProfile.model_fields),
                   request.as_of, request.horizon_years, frozenset(request.benefit_kinds),
                   request.area_m2 > 0, request.planned_capex_cny, request.headcount)


class Memo(Generic[V]):
    """Values made from a store's objects, by a key and the identity of those objects
    (held, so an id is not reused while its value is kept); up to `limit` of them, then
    it starts over."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: dict[tuple[Hashable, tuple[int, ...]], tuple[tuple[object, ...], V]] = {}

    def get(self, key: Hashable, sources: tuple[object, ...], make: Callable[[], V]) -> V:
        """The value kept for `key` and these very `sources`, or `make()` kept."""
        full = (key, tuple(map(id, sources)))
        found = self._kept.get(full)
        if found is None:
            if len(self._kept) >= self.limit:
                self._kept.clear()
            found = self._kept[full] = (sources, make())
        return found[1]

    def clear(self) -> None:
        self._kept.clear()
