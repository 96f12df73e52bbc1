"""How old a fact is, whether it is past its label's horizon, and who should check it.

A fact's age counts from its `last_verified` day, or from `as_of` when nobody has checked
it since the source described it. Each label has a horizon (settings
`freshness_days`: policies 90 days, parks 180, people 365; others `freshness_default_days`)
past which it is stale. Stale facts are marked in answers that use them and count less
in ranking: `weight` is 1 while fresh and falls with age past the horizon, to a floor of
0.5 (a stale fact is still better than none). `staleness` is pure, so services that rank
(landing, collaborators) call it on the records they already hold.

The re-verification queue lists stale entities oldest first, then most used (most
relationships), each with who should verify it: a park's contacts and covering brokers,
a policy's through the parks or cities it is offered in, a person themself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from alliance.ingest.export import iter_nodes
from alliance.services import directory
from alliance.services.directory import AuditSink
from alliance.settings import get_settings
from alliance.store.base import GraphStore
from graph_schema.records import NodeRecord, RelRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType, Role

DEFAULT_HORIZONS: dict[str, int] = {"Policy": 90, "Park": 180, "Person": 365}
DEFAULT_HORIZON = 365
WEIGHT_FLOOR = 0.5


@dataclass(frozen=True)
class Staleness:
    """A fact's freshness on a given day."""

    checked_on: date | None
    """last_verified, else as_of; None when the record carries neither."""
    age_days: int | None
    horizon_days: int
    stale: bool

    @property
    def weight(self) -> float:
        """Ranking weight: 1 while fresh, horizon/age past it, never below 0.5.

        >>> Staleness(date(2025, 1, 1), 360, 180, True).weight
        0.5
        >>> Staleness(date(2025, 1, 1), 200, 180, True).weight
        0.9
        """
        if not self.stale or not self.age_days:
            return 1.0
        return max(WEIGHT_FLOOR, round(self.horizon_days / self.age_days, 3))

    def as_dict(self) -> dict[str, Any]:
        return {"stale": self.stale, "checked_on": self.checked_on.isoformat()
                if self.checked_on else None, "age_days": self.age_days,
                "horizon_days": self.horizon_days}


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def horizon_of(label: str, horizons: Mapping[str, int] | None = None,
               default: int = DEFAULT_HORIZON) -> int:
    return (horizons if horizons is not None else DEFAULT_HORIZONS).get(label, default)


def staleness(record: NodeRecord | RelRecord, today: date, *,
              horizons: Mapping[str, int] | None = None,
              default: int = DEFAULT_HORIZON) -> Staleness:
    """The freshness of a node or relationship on `today` (pure: no store, no clock).

    A relationship without its own dates is as fresh as the horizon of its type's source
    label allows, counted from its own `last_verified` when it has one.

    >>> from graph_schema.records import NodeRecord
    >>> park = NodeRecord("park:x", Label.PARK, frozenset({"Park"}),
    ...                   {"as_of": "2025-01-01"})
    >>> staleness(park, date(2025, 9, 1)).stale
    True
    >>> staleness(park, date(2025, 3, 1)).age_days
    59
    """
    props = record.properties
    checked = _day(props.get("last_verified")) or _day(props.get("as_of"))
    if isinstance(record, NodeRecord):
        label = record.label.value
    else:
        label = sorted(REL_SPECS[record.type].sources)[0].value
    horizon = horizon_of(label, horizons, default)
    if checked is None:
        return Staleness(None, None, horizon, isinstance(record, NodeRecord))
    age = (today - checked).days
    return Staleness(checked, age, horizon, age > horizon)


def configured(record: NodeRecord | RelRecord, today: date) -> Staleness:
    """`staleness` with the horizons set in settings (ALLIANCE_FRESHNESS_DAYS), so the
    answers mark and down-weight exactly what the verification queue lists."""
    settings = get_settings()
    return staleness(record, today, horizons=settings.freshness_days,
                     default=settings.freshness_default_days)


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class Verifier:
    """Someone who should check a fact, and why them."""

    person: str
    name: str
    reason: str
    """'park contact', 'covering broker', 'covering', 'self'."""


@dataclass(frozen=True)
class QueueItem:
    node: NodeRecord
    staleness: Staleness
    uses: int
    """Relationships the entity takes part in (how much answers lean on it)."""
    verifiers: tuple[Verifier, ...]


def _coverers(store: GraphStore) -> dict[str, list[NodeRecord]]:
    """Park or city id → the people who cover it."""
    covers: dict[str, list[str]] = {}
    for rel in store.get_relationships(RelType.COVERS):
        covers.setdefault(rel.target, []).append(rel.source)
    people = {node.id: node for node in store.get_nodes(
        sorted({p for ids in covers.values() for p in ids}))}
    return {place: [people[p] for p in ids if p in people] for place, ids in covers.items()}


def _verifiers_of(node: NodeRecord, places: list[str],
                  coverers: dict[str, list[NodeRecord]]) -> tuple[Verifier, ...]:
    if node.label is Label.PERSON:
        return (Verifier(node.id, str(node.properties.get("name_zh", "")), "self"),)
    found: dict[str, Verifier] = {}
    for place in places:
        for person in coverers.get(place, []):
            if Role.PARK_CONTACT.value in person.labels:
                reason = "park contact"
            elif Role.BROKER.value in person.labels:
                reason = "covering broker"
            else:
                reason = "covering"
            found.setdefault(person.id, Verifier(person.id,
                                                 str(person.properties.get("name_zh", "")),
                                                 reason))
    order = {"park contact": 0, "covering broker": 1, "covering": 2}
    return tuple(sorted(found.values(), key=lambda v: (order[v.reason], v.person)))[:5]


def queue(store: GraphStore, *, today: date, horizons: Mapping[str, int] | None = None,
          default: int = DEFAULT_HORIZON, labels: tuple[Label, ...] = (),
          limit: int = 50) -> list[QueueItem]:
    """Stale entities, oldest first, then most used, then by id."""
    uses: Counter[str] = Counter()
    places: dict[str, list[str]] = {}
    for spec in REL_SPECS.values():
        for rel in store.get_relationships(spec.type):
            uses[rel.source] += 1
            uses[rel.target] += 1
            if spec.type in {RelType.OFFERED_IN, RelType.IN_CITY, RelType.BASED_IN}:
                places.setdefault(rel.source, []).append(rel.target)
    coverers = _coverers(store)
    items: list[QueueItem] = []
    for label in labels or tuple(Label):
        for node in iter_nodes(store, label):
            state = staleness(node, today, horizons=horizons, default=default)
            if not state.stale:
                continue
            where = [node.id, *places.get(node.id, [])]
            items.append(QueueItem(node, state, uses[node.id],
                                   _verifiers_of(node, where, coverers)))
    items.sort(key=lambda item: (item.staleness.checked_on or date.min, -item.uses,
                                 item.node.id))
    return items[:limit]


def verify(store: GraphStore, *, entity_id: str, today: date, audit: AuditSink,
           corrections: dict[str, Any] | None = None) -> NodeRecord:
    """Confirm an entity as checked today, with any corrections, in one audited update."""
    node = directory.get_or_raise(store, entity_id=entity_id)
    record = {**(corrections or {}), "last_verified": today.isoformat()}
    return directory.update(store, label=node.label, entity_id=entity_id, record=record,
                            replace=False, audit=audit)
