"""The GraphStore contract every backend fulfils, and the evidence records it returns.

Services hold the domain logic once; stores only fetch. The evidence queries
(`landing_candidates`, `collaborator_candidates`) return everything scoring needs in one
call, so a server backend answers each with one round trip. Everything a store returns is
sorted deterministically, which is what lets the contract suite demand identical answers
from EmbeddedStore and Neo4jStore.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.vocabulary import CertificationLevel, FacilityType, Label, RelType, Role

MAX_PAGE = 500
"""Largest page `list_nodes` returns."""

MAX_HOPS = 6
"""Deepest path search any store runs (paths, trust paths)."""

TRUST_RELS: tuple[RelType, ...] = (RelType.COLLABORATED_WITH, RelType.WORKS_AT)
"""Relationships a trust path may use: worked together, or work at the same place."""


# --------------------------------------------------------------------------- id sets


class NumberedSet(AbstractSet[str]):
    """Node ids held as a boolean mask (a numpy array) over a store's node numbering
    (`ids`: number -> id, `number`: id -> number), plus `extra`: members the numbering
    lacks (nodes added after it was made). A store answers a question of 10^4–10^5 people
    with whole-array operations and no string per member (EmbeddedStore's
    `collaborator_ids`); readers that know the numbering read `mask` and `numbers()`,
    anyone else uses it as a read-only set. `-` and `|` keep the form.

    >>> import numpy as np
    >>> ids = ["a", "b", "c"]
    >>> found = NumberedSet(ids, {"a": 0, "b": 1, "c": 2}, np.array([True, False, True]),
    ...                     frozenset({"z"}))
    >>> sorted(found), len(found), "b" in found, "z" in found
    (['a', 'c', 'z'], 3, False, True)
    >>> sorted(found - {"a", "z"}), sorted(found | {"b"})
    (['c'], ['a', 'b', 'c', 'z'])
    """

    __slots__ = ("_flags", "_numbers", "extra", "ids", "mask", "number")

    def __init__(self, ids: Sequence[str], number: Mapping[str, int], mask: Any,
                 extra: AbstractSet[str] = frozenset()) -> None:
        self.ids, self.number, self.mask = ids, number, mask
        self.extra = frozenset(extra)
        self._numbers: Any = None
        self._flags: bytes | None = None

    def numbers(self) -> Any:
        """The members' numbers, ascending (a numpy array; `extra` aside)."""
        if self._numbers is None:
            self._numbers = self.mask.nonzero()[0]
        return self._numbers

    def same_numbering(self, other: object) -> bool:
        return isinstance(other, NumberedSet) and other.ids is self.ids

    def __contains__(self, item: object) -> bool:
        at: int | None = self.number.get(item)  # type: ignore[call-overload]
        if at is None:
            return item in self.extra
        flags = self._flags
        if flags is None:  # a byte per number: indexing bytes is ~3x faster than numpy's
            flags = self._flags = self.mask.tobytes()
        return flags[at] != 0

    def __len__(self) -> int:
        return len(self.numbers()) + len(self.extra)

    def __iter__(self) -> Iterator[str]:
        ids = self.ids
        for at in self.numbers().tolist():
            yield ids[at]
        yield from self.extra

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> set[Any]:
        return set(it)

    def __sub__(self, other: Iterable[Any]) -> NumberedSet:
        mask = self.mask.copy()
        if isinstance(other, NumberedSet) and self.same_numbering(other):
            mask &= ~other.mask
            return NumberedSet(self.ids, self.number, mask, self.extra - other.extra)
        dropped = other if isinstance(other, Collection) else list(other)
        number = self.number
        at = [found for found in map(number.get, dropped) if found is not None]
        mask[at] = False
        return NumberedSet(self.ids, self.number, mask, self.extra.difference(dropped))

    def __or__(self, other: AbstractSet[Any]) -> AbstractSet[Any]:
        if isinstance(other, NumberedSet) and self.same_numbering(other):
            return NumberedSet(self.ids, self.number, self.mask | other.mask,
                               self.extra | other.extra)
        number, mask, extra = self.number, self.mask.copy(), set(self.extra)
        for item in other:
            at = number.get(item) if isinstance(item, str) else None
            if at is None:
                extra.add(item)
            else:
                mask[at] = True
        return NumberedSet(self.ids, self.number, mask, extra)


def union_of(sets: Iterable[AbstractSet[str]]) -> AbstractSet[str]:
    """The union of these sets, as a `NumberedSet` when the first is one (whole-array
    operations), else a set."""
    found: AbstractSet[str] | None = None
    for members in sets:
        found = (members if found is None else found | members if
                 isinstance(found, NumberedSet) else set(found) | set(members))
    return set() if found is None else found


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class GraphPath:
    """A path as explanation: node ids and primary labels, and the relationships between.

    `rel_types[i]` joins `nodes[i]` and `nodes[i + 1]`; `forward[i]` says whether it points
    from `nodes[i]` to `nodes[i + 1]` (False: stored the other way round).
    """

    nodes: tuple[str, ...]
    labels: tuple[str, ...]
    rel_types: tuple[str, ...]
    forward: tuple[bool, ...]

    @property
    def hops(self) -> int:
        return len(self.rel_types)

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": list(self.nodes),
            "labels": list(self.labels),
            "rel_types": list(self.rel_types),
            "forward": list(self.forward),
        }


@dataclass(frozen=True)
class Neighbour:
    """One relationship of a node and the node at its other end."""

    relationship: RelRecord
    node: NodeRecord
    outgoing: bool


@dataclass(frozen=True)
class SearchHit:
    """A full-text match; score is the store-independent rank (see `search_score`)."""

    node: NodeRecord
    score: float


# --------------------------------------------------------------------------- landing


class IndustryRelation(StrEnum):
    """How a hosted industry relates to the one asked for."""

    EXACT = "exact"
    SUBFIELD = "subfield"  # the park hosts a subfield of the industry asked for
    BROADER = "broader"  # the park hosts a broader field (an ancestor)


CONTACT_SKILL_CATEGORIES = ("landing", "legal", "ip", "tax", "accounting", "finance")
"""Skill categories of a useful contact unless a landing filter says otherwise (the
embedded index ranks every city's professionals for these ahead of time)."""


@dataclass(frozen=True)
class LandingFilter:
    """Hard constraints a candidate park must meet (None = no constraint)."""

    origin_city: str
    industry: str
    min_area_m2: float = 0.0
    facility_types: tuple[FacilityType, ...] = ()
    max_rent_cny_m2_month: float | None = None
    max_rail_minutes: int | None = None
    as_of: date = field(default_factory=date.today)
    contact_skill_categories: tuple[str, ...] = CONTACT_SKILL_CATEGORIES
    """Skills that make a lawyer or accountant near the park a useful contact."""
    contacts_per_kind: int = 5
    """Brokers and professionals returned per park (the best; all are counted). A
    question ranks with 0 (totals only) and lists contacts for the parks it shows."""
    parks: frozenset[str] | None = None
    """Only these parks (those a question shows, fetched again with their contacts);
    None: every park meeting the constraints."""


@dataclass(frozen=True)
class IndustryMatch:
    """The park hosts `industry`, related to the asked industry as `relation`, `hops` apart."""

    industry: str
    strength: float
    relation: IndustryRelation
    hops: int
    path: GraphPath


@dataclass(frozen=True)
class RailRoute:
    """Fastest rail route from the origin city to the park's city."""

    minutes: int
    km: float
    path: GraphPath


@dataclass(frozen=True)
class PolicyEvidence:
    """A policy valid on the date, offered in the park or its city, for this industry."""

    policy: NodeRecord
    offered_in: str
    targets: tuple[str, ...]
    path: GraphPath
    not_stackable_with: tuple[str, ...] = ()
    """Ids of the policies this one may not be combined with (NOT_STACKABLE_WITH either
    way), sorted."""


@dataclass(frozen=True)
class ContactEvidence:
    """A person who can help land in this park.

    Brokers (kind "broker") hold the Broker role, cover the park or its city and are
    expert in a related industry; they rank by certification level, then by how many
    related industries they know, then by id. Professionals (kind "professional": lawyers,
    accountants, patent agents, consultants) cover the park or its city or are based in
    the city, and hold skills of the wanted categories; they rank by their best level,
    then by how many such skills they hold, then by id. Reach is taken in the order:
    covers the park, covers the city, based in the city.
    """

    person: NodeRecord
    kind: str
    via: str
    expert_in: tuple[str, ...]
    skills: tuple[tuple[str, int], ...]
    path: GraphPath


@dataclass(frozen=True)
class TrackRecord:
    """Past landings in the park (of related industries) and its referral outcomes."""

    related_landings: tuple[str, ...]
    all_landings: int
    referral_stages: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ParkEvidence:
    """Everything scoring needs about one candidate park."""

    park: NodeRecord
    city: NodeRecord
    rail: RailRoute
    industries: tuple[IndustryMatch, ...]
    policies: tuple[PolicyEvidence, ...]
    """Policies offered in the park itself (each path Policy-OFFERED_IN->Park), by id."""
    contacts: tuple[ContactEvidence, ...]
    """The best `contacts_per_kind` brokers, then the best professionals."""
    broker_total: int
    professional_total: int
    track_record: TrackRecord
    city_policies: tuple[PolicyEvidence, ...] = ()
    """Policies offered in its city (each path Policy-OFFERED_IN->City), by id: the same
    tuple for every park of the city, so a question lists a city's policies once
    (`store.evidence.park_policies` gives a park's and its city's as one list)."""


@dataclass(frozen=True)
class ParkFacts:
    """What the hard constraints test about a park, for the elimination view that counts
    every park: its record, the smallest id among its IN_CITY targets and the industries
    it HOSTS."""

    park: NodeRecord
    city: str | None
    hosts: frozenset[str]


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """What ranking reads of one candidate park (a `ParkEvidence` without the paths,
    the contacts and the records of its relatives): so a question scores every candidate
    from these and asks for the evidence of the parks it shows only."""

    park: NodeRecord
    city: str
    minutes: int
    """Rail minutes of the fastest route from the origin."""
    fits: tuple[tuple[IndustryRelation, int, float], ...]
    """(relation, hops, strength) of each `IndustryMatch`, in the matches' order."""
    broker_total: int
    professional_total: int
    related_landings: int
    """How many companies of a related industry landed in the park (`TrackRecord`)."""
    landed_referrals: int
    """Its referrals at the landed stage."""
    policies: tuple[PolicyEvidence, ...]
    city_policies: tuple[PolicyEvidence, ...]


@runtime_checkable
class CandidateRanker(Protocol):
    """A store that lists the landing candidates as `CandidateRow`s itself
    (EmbeddedStore: from numbers its index keeps per park and industry asked). Landing
    ranks from it when the store has it, and from `landing_candidates` otherwise
    (`store.evidence.rows_of`): both give the same rows."""

    def candidate_rows(self, query: LandingFilter) -> list[CandidateRow]:
        """`rows_of(landing_candidates(query))`, by park id."""
        ...


HARD_CONSTRAINTS: tuple[str, ...] = ("industry", "area_m2", "facility_types",
                                     "max_rent_cny_m2_month", "max_rail_minutes")
"""The hard constraints of a landing, in the order the elimination view reports them; a
park's failure code has bit i set when it fails HARD_CONSTRAINTS[i]."""


@runtime_checkable
class EliminationCounter(Protocol):
    """A store that counts the parks failing each combination of hard constraints itself
    (Neo4jStore: one round trip of a few rows, not every park's facts). The elimination
    view uses it when the store has it and counts `park_facts` otherwise."""

    def failure_codes(self, query: LandingFilter) -> Mapping[int, int]:
        """Failure code (bits of HARD_CONSTRAINTS) -> number of parks with that code, over
        every park; the tests are services.elimination.Checker.code's."""
        ...


# --------------------------------------------------------------------------- collaborators


@dataclass(frozen=True)
class CollaboratorFilter:
    """Hard constraints a candidate collaborator must meet."""

    skills: tuple[str, ...] = ()
    require_all_skills: bool = False
    min_level: int = 1
    verticals: tuple[str, ...] = ()
    """Industry ids; a person expert in one of them or a subfield matches."""
    cities: tuple[str, ...] = ()
    """A person based in or covering one of these cities matches."""
    roles: tuple[Role, ...] = ()
    min_certification: CertificationLevel | None = None
    asker: str | None = None
    max_hops: int = 3
    exclude: tuple[str, ...] = ()
    among: frozenset[str] | None = None
    """Only these people may be candidates (None: anyone): the evidence of the few a
    question shows, once `collaborator_ids` has counted them all."""


@dataclass(frozen=True)
class TrustHop:
    """One hop of a trust path with the deals (deal, year) behind it, if any."""

    deals: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class TrustPath:
    """A shortest path from the asker to the candidate, with the deals on each hop."""

    path: GraphPath
    hops: tuple[TrustHop, ...]


@dataclass(frozen=True)
class CollaboratorEvidence:
    """Everything scoring needs about one candidate person."""

    person: NodeRecord
    skills: tuple[tuple[str, int], ...]
    """Matched wanted skills with levels (all skills when none were asked for)."""
    cities: tuple[str, ...]
    """Base city first, then covered cities."""
    verticals: tuple[str, ...]
    collaborations: int
    trust_paths: tuple[TrustPath, ...]
    """All shortest trust paths within max_hops (capped, sorted by node ids); empty = cold."""


@dataclass(frozen=True)
class ScoreColumns:
    """What bounds many candidates' scores at once, one row per person in `people`
    order, as numpy arrays (so a rank among thousands is counted with whole-array
    comparisons): the levels of the skills asked (`CollaboratorEvidence.skills`), the
    person's facts scoring reads, and the counts that bound a proof. Values held by
    many people are numbers into a tuple of them."""

    people: Sequence[str]
    levels: Any
    """(people × skills asked) levels held at min_level or above (0: not held); with no
    skill asked one column, the best level of any skill."""
    expert: Any
    """True for a person EXPERT_IN any industry."""
    home: Any
    """Number into `cities` of the person's first city (`CollaboratorEvidence.cities`);
    -1 for none."""
    cities: tuple[str, ...]
    collaborations: Any
    certification: Any
    """Number into `certifications` (the property's values, None included)."""
    certifications: tuple[object, ...]
    dated: Any
    """Number into `dates`: a record of each distinct (last_verified, as_of) pair, as
    freshness reads them."""
    dates: tuple[NodeRecord, ...]
    landed: Any
    """Referrals (REFERRED_BY) a proof may count as landed, at most: those at stage
    landed (a store that does not count stages gives every referral)."""
    signed: Any
    """Referrals a proof may count as signed, at most (besides `landed`)."""
    closed: Any
    """Closed deals (`ProofCounter.proof_counts`)."""


@runtime_checkable
class ScoreColumnSource(Protocol):
    """A store that hands out `ScoreColumns` from arrays it keeps (EmbeddedStore; for any
    other store the services make them from `collaborator_candidates`)."""

    def score_columns(self, people: Collection[str], skills: Sequence[str], min_level: int
                      ) -> ScoreColumns:
        """The columns of these people (candidates of a question: Person ids), for the
        distinct skills asked in sorted order."""
        ...


# --------------------------------------------------------------------------- stats


@dataclass(frozen=True)
class GraphCounts:
    """Nodes per label (role labels included) and relationships per type."""

    labels: dict[str, int]
    relationships: dict[str, int]


# --------------------------------------------------------------------------- protocol


@runtime_checkable
class GraphStore(Protocol):
    """What services need from a backend. All answers are deterministic and sorted.

    Writes: every call is one transaction; either all of it is stored or none
    (`Conflict`/`NotFound` from `alliance.errors` say why). Reads of a missing id return
    None or raise `NotFound` as documented per method.
    """

    backend: str

    def write(
        self,
        *,
        nodes: Sequence[NodeRecord] = (),
        relationships: Sequence[RelRecord] = (),
        delete_relationships: Sequence[RelKey] = (),
        delete_nodes: Sequence[str] = (),
        create_only: bool = False,
    ) -> None:
        """Upsert nodes, then relationships, then delete, in one transaction.

        Upserting a node replaces its properties and labels. A relationship whose ends do
        not exist (after this batch's nodes) raises NotFound. Deleting a node deletes its
        relationships; deleting what does not exist is not an error. `create_only` makes
        an existing node id a Conflict instead of an update.
        """
        ...

    def get_node(self, node_id: str) -> NodeRecord | None: ...

    def get_nodes(self, node_ids: Sequence[str]) -> list[NodeRecord]:
        """The nodes that exist, in the order asked."""
        ...

    def list_nodes(
        self,
        label: Label | str,
        *,
        filters: dict[str, Any] | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> list[NodeRecord]:
        """Nodes with this label (primary or role), equal on every filter property (a
        list property matches when it contains the value), ordered by id, after the
        cursor id."""
        ...

    def get_relationships(
        self, rel_type: RelType, *, source: str | None = None, target: str | None = None
    ) -> list[RelRecord]:
        """Relationships of a type, optionally from or to a node, sorted by key."""
        ...

    def relationships_of(
        self, node_ids: Sequence[str], rel_type: RelType, *, outgoing: bool = True,
        incoming: bool = True,
    ) -> list[RelRecord]:
        """Relationships of a type starting (outgoing) or ending (incoming) at any of the
        nodes, each once, sorted by key; unknown ids are skipped. One round trip: the
        batched read that trust routes and proofs of expertise grow the network with."""
        ...

    def search(
        self, text: str, *, labels: Sequence[Label] = (), limit: int = 20
    ) -> list[SearchHit]:
        """Names matching the text (Chinese, English, pinyin), best first."""
        ...

    def neighbours(
        self,
        node_id: str,
        *,
        rel_types: Sequence[RelType] = (),
        limit: int = 200,
    ) -> list[Neighbour]:
        """Relationships of the node both ways, sorted by (type, other id, key); NotFound
        for a missing node."""
        ...

    def shortest_paths(
        self,
        source: str,
        target: str,
        *,
        k: int = 3,
        max_hops: int = 4,
        rel_types: Sequence[RelType] = (),
    ) -> list[GraphPath]:
        """Up to k shortest simple paths (relationship direction ignored), by hops then
        by node ids; NotFound for a missing end."""
        ...

    def landing_candidates(self, query: LandingFilter) -> list[ParkEvidence]:
        """Parks meeting every hard constraint, with their evidence, sorted by park id.

        NotFound when the origin city or the industry does not exist.
        """
        ...

    def park_facts(self) -> Sequence[ParkFacts]:
        """Every park's facts the hard constraints test, by park id (read-only)."""
        ...

    def collaborator_candidates(self, query: CollaboratorFilter) -> list[CollaboratorEvidence]:
        """People meeting every hard constraint, with trust paths, sorted by person id.

        NotFound when the asker or a named skill, vertical or city does not exist.
        """
        ...

    def collaborator_ids(self, query: CollaboratorFilter) -> AbstractSet[str]:
        """The ids of the people `collaborator_candidates(query)` returns, without their
        evidence or trust paths (what a question counts; it fetches evidence only for
        the candidates it scores, through `among`). Same NotFound cases."""
        ...

    def counts(self) -> GraphCounts: ...

    def close(self) -> None: ...


WriteBatch = tuple[Sequence[NodeRecord], Sequence[RelRecord]]
"""Nodes and relationships to upsert, one part of a streamed load."""


@runtime_checkable
class StreamWriter(Protocol):
    """A store that can upsert a stream of batches as ONE transaction, holding one batch
    at a time: a bulk load of any size stays all or nothing. (EmbeddedStore; a store
    without it is loaded batch by batch, a transaction each.)"""

    def write_stream(self, batches: Iterable[WriteBatch]) -> int:
        """Upsert every batch (nodes, then relationships, per batch) in one transaction;
        the number of records. An error in any batch, or raised by the iterator, stores
        nothing."""
        ...


@runtime_checkable
class ProofCounter(Protocol):
    """A store that keeps, per person, the counts that bound a proof of expertise without
    reading it (EmbeddedStore, from its write-maintained index; for any other store the
    services count them from `relationships_of`)."""

    def proof_counts(self, people: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Per person asked: (REFERRED_BY relationships ending at them, their
        COLLABORATED_WITH relationships either way whose stage is signed or landed,
        a relationship to themselves counted at both ends); unknown ids give (0, 0)."""
        ...


@runtime_checkable
class EndReader(Protocol):
    """A store that lists the ends of a type's relationships at some nodes without
    building them (EmbeddedStore, from its adjacency arrays): a search that counts the
    tens of thousands of people and parks a city contains reads only their ids. For any
    other store the services read `relationships_of`."""

    def relationship_ends(self, node_ids: Collection[str], rel_type: RelType, *,
                          outgoing: bool) -> list[tuple[str, str]]:
        """(source, target) of every relationship of the type leaving (`outgoing`) or
        entering one of the nodes, once per asked node, in no set order; unknown ids
        are skipped."""
        ...


@runtime_checkable
class TieSource(Protocol):
    """A store that hands a trust search what ties are made of in one read, unsorted
    (EmbeddedStore from its adjacency lists, Neo4jStore in one round trip; a store
    without it is read through `relationships_of`, three sorted reads a layer)."""

    def tie_relationships(self, people: Collection[str]
                          ) -> tuple[list[RelRecord], dict[str, set[str]]]:
        """The COLLABORATED_WITH relationships at these people (either way), each once,
        in no set order, and the staff of their employers (organization -> the people
        WORKS_AT it); unknown ids are skipped."""
        ...


@runtime_checkable
class TargetedTieSource(Protocol):
    """A store that can leave out, before reading them, the ties a trust search's last
    layer does not keep: those to anyone but the targets (EmbeddedStore: the other end
    is read from its arrays before the relationship's properties; any other store gives
    every tie and the search drops the rest, the same ties kept)."""

    def tie_relationships_towards(self, people: Collection[str], towards: Collection[str]
                                  ) -> tuple[list[RelRecord], dict[str, set[str]]]:
        """`TieSource.tie_relationships` of these people, keeping only the
        COLLABORATED_WITH relationships with an end among `towards` (all of a person's
        when they are among them); the staff in full, or only those among `towards` or
        `people` (all that a last layer reads of them)."""
        ...
