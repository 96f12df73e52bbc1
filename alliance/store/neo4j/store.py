"""Neo4jStore: the GraphStore over a Neo4j 5 server, for production and scale-out.

One driver per store (per process), every statement parameterised (see
`alliance.store.neo4j.cypher`), `database_` always passed, reads routed to readers. The answers
equal EmbeddedStore's: each question is one Cypher query that selects, filters and ranks;
what Cypher has no tool for (Dijkstra for the rail route with the shared tie-break,
explanation paths, the relationship shown for a hop) is finished in Python on what that
query returned, with `alliance.store.evidence`, where EmbeddedStore's answers are
assembled too.

Stored shape: one node per record with its primary label and role labels and exactly
the record's flat properties (dates as ISO text, eligibility as JSON text), so a node
read back is the NodeRecord written. A record's primary label must match its id prefix
(that is how reads find the unique index for an id). Searchable nodes also hold one
store-internal properties, `_search_names` and `_search_parts` (their lower-cased names,
TEXT-indexed for substring search), which reads never return.

Errors are translated where the driver is called: ConstraintError -> Conflict,
ServiceUnavailable / SessionExpired / exhausted retries -> BackendUnavailable, a value
Neo4j cannot store -> Invalid; always `raise ... from`.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from datetime import date
from enum import Enum
from functools import lru_cache
from types import TracebackType
from typing import Any, LiteralString, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    CypherTypeError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from neo4j.graph import Node

from alliance.errors import BackendUnavailable, Conflict, Invalid, NotFound
from alliance.store.base import (
    CONTACT_SKILL_CATEGORIES,
    HARD_CONSTRAINTS,
    MAX_HOPS,
    MAX_PAGE,
    CollaboratorEvidence,
    CollaboratorFilter,
    ContactEvidence,
    GraphCounts,
    GraphPath,
    LandingFilter,
    Neighbour,
    ParkEvidence,
    ParkFacts,
    PolicyEvidence,
    RailRoute,
    SearchHit,
)
from alliance.store.evidence import (
    CERTIFICATION_RANK,
    MAX_TRUST_PATHS,
    PROFESSIONAL_ROLES,
    Assembly,
    OfferedPolicy,
    Related,
    matched_skills,
    person_cities,
    track_record,
    within_rail_limit,
)
from alliance.store.neo4j import cypher
from alliance.store.neo4j.facts import rail_minute_rows
from alliance.store.rail import RailLink, fastest_routes
from alliance.store.search import SEARCHABLE_LABELS, hit_order, normalise_query, search_score
from graph_schema.ddl import ddl_statements
from graph_schema.nodes import label_of_id
from graph_schema.records import NodeRecord, RelKey, RelRecord
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import CertificationLevel, Label, ReferralStage, RelType, Role

__all__ = ["Neo4jStore"]

T = TypeVar("T")

_PRIMARY_ORDER = tuple(label.value for label in Label)
_PRIMARY = frozenset(_PRIMARY_ORDER)
_ROLES = frozenset(role.value for role in Role)
_ALREADY_EXISTS = ("EquivalentSchemaRuleAlreadyExists", "ConstraintAlreadyExists",
                   "IndexAlreadyExists")
_CERT_RANKS = {level.value: level.rank for level in CertificationLevel}
_CLOSED_STAGES = [ReferralStage.SIGNED.value, ReferralStage.LANDED.value]
"""The deal stages a proof of expertise counts (ProofCounter: signed or landed)."""


# --------------------------------------------------------------------------- helpers


@contextmanager
def _translated() -> Iterator[None]:
    """Driver errors as alliance errors, so callers handle one exception tree."""
    try:
        yield
    except ConstraintError as exc:
        msg = f"the store refused the write: {exc.message or exc}"
        raise Conflict(msg, field="id") from exc
    except CypherTypeError as exc:
        msg = f"a value cannot be stored in Neo4j: {exc.message or exc}"
        raise Invalid(msg, field="properties") from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        msg = f"Neo4j is unavailable: {exc}"
        raise BackendUnavailable(msg) from exc
    except TransientError as exc:
        msg = f"Neo4j is busy ({exc.message or exc}); retry"
        raise BackendUnavailable(msg) from exc
    except AuthError as exc:
        msg = f"Neo4j refused the credentials: {exc.message or exc}"
        raise BackendUnavailable(msg) from exc
    except ClientError as exc:
        if exc.code and exc.code.endswith("Statement.TypeError"):
            msg = f"a value cannot be stored in Neo4j: {exc.message or exc}"
            raise Invalid(msg, field="properties") from exc
        raise
    except DriverError as exc:
        msg = f"the Neo4j driver failed: {exc}"
        raise BackendUnavailable(msg) from exc


_PLAIN_TYPES = frozenset({str, int, float, bool})
"""Value types a JSON round trip gives back unchanged (exact types: not subclasses such
as enums, which it turns into their values)."""


def _is_plain(value: Any) -> bool:
    return type(value) in _PLAIN_TYPES or value is None or (
        type(value) is list and all(type(item) in _PLAIN_TYPES for item in value))


def _json_properties(properties: dict[str, Any], what: str) -> dict[str, Any]:
    """Properties as EmbeddedStore keeps them (a JSON round trip), minus nulls, which Neo4j
    cannot hold (records from the schema never carry any). Flat maps of plain values (what
    validated records hold) skip the round trip, which would give them back unchanged."""
    if all(type(key) is str and _is_plain(value) for key, value in properties.items()):
        return {key: value for key, value in properties.items() if value is not None}
    try:
        plain: dict[str, Any] = json.loads(
            json.dumps(properties, ensure_ascii=False, sort_keys=True))
    except (TypeError, ValueError) as exc:
        msg = f"{what} cannot be stored: {exc}"
        raise Invalid(msg, field="properties") from exc
    return {key: value for key, value in plain.items() if value is not None}


def _plain(value: Any) -> Any:
    """A filter value as properties store it (enum value, ISO date)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


@lru_cache(maxsize=1 << 16)
def _label_of(node_id: str) -> Label | None:
    """The primary label an id's prefix names (memoised: paths repeat the same ids)."""
    return label_of_id(node_id)


def _known_label(node_id: str) -> Label:
    """The label of an id already checked to exist (so its prefix is known)."""
    label = _label_of(node_id)
    if label is None:  # pragma: no cover - _check_ends refused it before
        msg = f"node {node_id!r} does not exist"
        raise NotFound(msg, field="id")
    return label


def _search_parts(properties: dict[str, Any]) -> list[str]:
    """The three names as search compares them: lower case (Python's, like
    `search_score`), missing names as empty text."""
    return [str(properties.get(name) or "").lower()
            for name in ("name_zh", "name_en", "name_pinyin")]


def _node_record(node: Node) -> NodeRecord:
    """A stored node back as its record (primary label from the id prefix), without the
    store-internal search property."""
    properties = {key: node[key] for key in node if key not in cypher.INTERNAL_PROPERTIES}
    node_id = str(properties["id"])
    label = _label_of(node_id)
    if label is None:  # pragma: no cover - writes refuse such ids
        label = next(Label(name) for name in node.labels if name in _PRIMARY)
    return NodeRecord(node_id, label, frozenset(node.labels), properties)


def _rel_record(rel_type: str, source: str, target: str,
                properties: dict[str, Any]) -> RelRecord:
    return RelRecord(RelType(rel_type), source, target, dict(properties))


def _labels_of_ids(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(_label_name(node_id) for node_id in ids)


def _label_name(node_id: str) -> str:
    label = _label_of(node_id)
    return label.value if label is not None else ""


def _path(nodes: Sequence[str], rel_types: Iterable[RelType | str],
          forward: Iterable[bool]) -> GraphPath:
    return GraphPath(tuple(nodes), _labels_of_ids(nodes),
                     tuple(str(t) for t in rel_types), tuple(forward))


def _group(items: Iterable[tuple[T, dict[str, Any]]]) -> dict[T, list[dict[str, Any]]]:
    grouped: dict[T, list[dict[str, Any]]] = {}
    for key, row in items:
        grouped.setdefault(key, []).append(row)
    return grouped


UNWIND_ROWS = 5_000
"""Rows per UNWIND statement of a write (a bigger write runs several in its one
transaction): measured in docs/benchmarks.md, "Neo4jStore (session 3)"."""


def _ends_allowed(rows: Iterable[tuple[RelType, dict[str, Any]]]) -> bool:
    """Whether every end's id prefix names a label its relationship type may join (the
    existence of the ends is checked by the writes themselves)."""
    for rel_type, row in rows:
        spec = REL_SPECS[rel_type]
        if _label_of(row["source"]) not in spec.sources or \
                _label_of(row["target"]) not in spec.targets:
            return False
    return True


def _refresh_rail_minutes(tx: ManagedTransaction) -> None:
    """Rewrite every city's fastest minutes to the cities it reaches, from the HSR links
    as this transaction sees them (with the shared `fastest_routes`, so the limit the
    landing query applies is the one EmbeddedStore applies). Cities x links work, done
    only by writes that touch a city or an HSR link."""
    network = tx.run(cypher.RAIL_NETWORK).single(strict=True)
    links = [RailLink(a, b, int(minutes), float(km)) for a, b, minutes, km in network["links"]]
    tx.run(cypher.SET_RAIL_MINUTES, rows=rail_minute_rows(network["cities"], links)).consume()


_PARK_FACT_RELS = frozenset({RelType.IN_CITY, RelType.HOSTS})


def _parks_linked(rel_rows: Iterable[tuple[RelType, dict[str, Any]]],
                  drop_rels: Iterable[tuple[tuple[RelType, Label, Label], dict[str, Any]]]
                  ) -> set[str]:
    """The parks whose precomputed facts a write's relationships may change: the sources
    of IN_CITY and HOSTS written or deleted (parks written are added by the caller)."""
    found = {row["source"] for rel_type, row in rel_rows if rel_type in _PARK_FACT_RELS}
    found.update(row["source"] for (rel_type, source, _), row in drop_rels
                 if rel_type in _PARK_FACT_RELS and source is Label.PARK)
    return {park for park in found if _label_of(park) is Label.PARK}


def _cities_touched(node_rows: Iterable[tuple[Label, dict[str, Any]]],
                    rel_rows: Iterable[tuple[RelType, dict[str, Any]]],
                    drop_rels: Iterable[tuple[tuple[RelType, Label, Label], dict[str, Any]]]
                    ) -> set[str]:
    """The cities whose contact counts a write changes directly: cities written (an
    upsert replaces every property) and the city ends of COVERS and BASED_IN written or
    deleted (the cities of people whose facts change are found in the transaction)."""
    found = {row["id"] for label, row in node_rows if label is Label.CITY}
    found.update(row["target"] for rel_type, row in rel_rows
                 if rel_type in _CONTACT_RELS and _label_of(row["target"]) is Label.CITY)
    found.update(row["target"] for (rel_type, _, target), row in drop_rels
                 if rel_type in _CONTACT_RELS and target is Label.CITY)
    return found


def _covered_parks(rel_rows: Iterable[tuple[RelType, dict[str, Any]]],
                   drop_rels: Iterable[tuple[tuple[RelType, Label, Label], dict[str, Any]]]
                   ) -> set[str]:
    """The parks whose coverers a write changes directly: the park ends of COVERS written
    or deleted (the parks of people whose facts change are found in the transaction)."""
    found = {row["target"] for rel_type, row in rel_rows
             if rel_type is RelType.COVERS and _label_of(row["target"]) is Label.PARK}
    found.update(row["target"] for (rel_type, _, target), row in drop_rels
                 if rel_type is RelType.COVERS and target is Label.PARK)
    return found


_PERSON_FACT_RELS = frozenset({RelType.EXPERT_IN, RelType.HAS_SKILL, RelType.COVERS,
                               RelType.BASED_IN})


def _people_linked(rel_rows: Iterable[tuple[RelType, dict[str, Any]]],
                   drop_rels: Iterable[tuple[tuple[RelType, Label, Label], dict[str, Any]]]
                   ) -> set[str]:
    """The people whose precomputed facts a write's relationships may change: the people
    at the source of EXPERT_IN, HAS_SKILL, COVERS and BASED_IN written or deleted (people
    written are added by the caller; the holders of a skill written or deleted are found
    in the transaction)."""
    found = {row["source"] for rel_type, row in rel_rows
             if rel_type in _PERSON_FACT_RELS and _label_of(row["source"]) is Label.PERSON}
    found.update(row["source"] for (rel_type, source, _), row in drop_rels
                 if rel_type in _PERSON_FACT_RELS and source is Label.PERSON)
    return found


def _refresh_facts(tx: ManagedTransaction, statement: LiteralString, ids: list[str]) -> None:
    """Rewrite the precomputed facts of these parks or people (`SET_PARK_FACTS`,
    `SET_PERSON_FACTS`) as this transaction sees them."""
    for start in range(0, len(ids), UNWIND_ROWS):
        tx.run(statement, ids=ids[start:start + UNWIND_ROWS]).consume()


CITY_REFRESH_LIMIT = 4
"""Cities a write recounts in its own transaction (`_refresh_city_contacts`); a write
touching more (a bulk load's batch reaches nearly every city) marks them stale instead,
and `refresh_city_contacts` recounts them once afterwards (docs/benchmarks.md, "Neo4j
(session 6)")."""

CITIES_PER_RECOUNT = 16
"""Cities recounted per statement, and per transaction by `refresh_city_contacts`."""

_CONTACT_RELS = frozenset({RelType.COVERS, RelType.BASED_IN})
_TAXONOMY_RELS = frozenset({RelType.SUBFIELD_OF})


def _related_sets(tx: ManagedTransaction) -> list[tuple[str, frozenset[str]]]:
    """Every industry (by id) with its related set as the landing query computes it
    (evidence.taxonomy: the industry, its smallest-id-parent chain, its descendants)."""
    row = tx.run(cypher.TAXONOMY).single(strict=True)
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for child, parent in row["edges"]:
        parents.setdefault(child, []).append(parent)
        children.setdefault(parent, []).append(child)
    return [(industry, frozenset(Related.of(lambda node: parents.get(node, ()),
                                            lambda node: children.get(node, ()),
                                            industry).all))
            for industry in sorted(row["industries"])]


def _refresh_city_contacts(tx: ManagedTransaction, cities: list[str]) -> None:
    """Recount these cities' contacts per asked industry and keep the best of each kind
    (`cypher.CITY_CONTACTS`): a broker for an industry is a possible broker expert in one
    of its related industries, a professional anyone else with a professional role and a
    skill of the default categories, ordered as the landing query orders them
    (statements/person_facts.cypher, evidence.broker_rank / professional_rank)."""
    industries = _related_sets(tx)
    ids = [industry for industry, _ in industries]
    for start in range(0, len(cities), CITIES_PER_RECOUNT):
        rows = []
        for found in tx.run(cypher.CITY_PEOPLE, ids=cities[start:start + CITIES_PER_RECOUNT],
                            categories=list(CONTACT_SKILL_CATEGORIES),
                            professional_roles=_PROFESSIONAL_ROLES,
                            certification_ranks=CERTIFICATION_RANK):
            row: dict[str, Any] = {"id": found["id"], "industries": ids, "brokers": [],
                                   "professionals": [], "top_brokers": [],
                                   "top_broker_ends": [], "top_professionals": [],
                                   "top_professional_ends": []}
            for _, related in industries:
                brokers, professionals = [], []
                for person, may_broker, skilled, expert, rank, best, skill_count \
                        in found["people"]:
                    experts = sum(1 for x in expert if x in related) if may_broker else 0
                    if experts:
                        brokers.append((-rank, -experts, person))
                    elif skilled:
                        professionals.append((-best, -skill_count, person))
                for kind, ranked in (("broker", brokers), ("professional", professionals)):
                    row[f"{kind}s"].append(len(ranked))
                    row[f"top_{kind}s"].extend(person for *_, person
                                               in heapq.nsmallest(cypher.TOP_CONTACTS, ranked))
                    row[f"top_{kind}_ends"].append(len(row[f"top_{kind}s"]))
            rows.append(row)
        tx.run(cypher.SET_CITY_CONTACTS, rows=rows).consume()


def _refresh_park_contacts(tx: ManagedTransaction, parks: list[str]) -> None:
    """Recount these parks' coverers per asked industry (`cypher.PARK_CONTACTS`): each
    coverer counts as the park's broker or professional (statements/person_facts.cypher
    at reach 0) and, when they also reach the park's city, is taken off as the city's
    (at that reach), so the park's numbers plus its city's are the landing's totals."""
    industries = _related_sets(tx)
    ids = [industry for industry, _ in industries]
    for start in range(0, len(parks), UNWIND_ROWS):
        rows = []
        for found in tx.run(cypher.PARK_COVERERS, ids=parks[start:start + UNWIND_ROWS],
                            categories=list(CONTACT_SKILL_CATEGORIES),
                            professional_roles=_PROFESSIONAL_ROLES):
            brokers, professionals = [], []
            for _, related in industries:
                net_brokers = net_professionals = 0
                for may_broker, skilled, expert, city_reach in found["coverers"]:
                    expert_here = may_broker and not related.isdisjoint(expert)
                    if expert_here:
                        net_brokers += 1
                    elif skilled:
                        net_professionals += 1
                    if city_reach is None:
                        continue
                    if expert_here and city_reach < 2:
                        net_brokers -= 1
                    elif skilled:
                        net_professionals -= 1
                brokers.append(net_brokers)
                professionals.append(net_professionals)
            rows.append({"id": found["id"], "industries": ids, "brokers": brokers,
                         "professionals": professionals})
        tx.run(cypher.SET_PARK_CONTACTS, rows=rows).consume()


_FACTS_OF_NONE: dict[Label, dict[str, Any]] = {Label.PERSON: cypher.EMPTY_PERSON_FACTS,
                                               Label.PARK: cypher.EMPTY_PARK_FACTS}
"""The precomputed facts of a person or park without relationships, per label."""

PARK_REFRESH_LIMIT = 64
"""Parks whose coverers a write recounts in its own transaction (`_refresh_park_contacts`,
a few dozen people each); a write touching more marks them stale instead, and
`refresh_city_contacts` recounts them afterwards."""


_PROFESSIONAL_ROLES = sorted(role.value for role in PROFESSIONAL_ROLES)


# --------------------------------------------------------------------------- store


class Neo4jStore:
    """The GraphStore over Neo4j 5 (Community or Enterprise, single server, cluster, Aura).

    `uri` may be bolt:// (one server) or neo4j:// (routing: reads go to followers).
    The schema DDL is applied at start (it is idempotent), unless `apply_schema=False`.
    """

    backend: str = "neo4j"

    def __init__(self, uri: str, *, auth: tuple[str, str] | None = None,
                 database: str = "neo4j", apply_schema: bool = True,
                 **driver_options: Any) -> None:
        self.uri = uri
        self.database = database
        self._closed = False
        # Warnings such as "relationship type does not exist yet" are expected on a
        # young graph (the count query names every type); they would flood the log.
        driver_options.setdefault("notifications_min_severity", "OFF")
        with _translated():
            self._driver: Driver = GraphDatabase.driver(uri, auth=auth, **driver_options)
            try:
                self._driver.verify_connectivity()
                if apply_schema:
                    self.apply_schema()
            except BaseException:
                self._driver.close()
                raise

    # ----------------------------------------------------------------- lifecycle

    def apply_schema(self) -> None:
        """Constraints and indexes from graph_schema (repeatable), then wait for them."""
        with _translated():
            for statement in [*ddl_statements(), *cypher.search_indexes(SEARCHABLE_LABELS)]:
                try:
                    self._driver.execute_query(statement, database_=self.database)
                except ClientError as exc:  # another worker created it at the same moment
                    if not any(code in (exc.code or "") for code in _ALREADY_EXISTS):
                        raise
            self._driver.execute_query("CALL db.awaitIndexes(300)", database_=self.database)
            missing, _, _ = self._driver.execute_query(cypher.RAIL_MINUTES_MISSING,
                                                       database_=self.database)
            if missing[0]["missing"]:  # written by an older version: rebuild once
                with self._driver.session(database=self.database) as session:
                    session.execute_write(_refresh_rail_minutes)
            for check, every, refresh in (
                    (cypher.PARK_FACTS_MISSING, cypher.EVERY_PARK, cypher.SET_PARK_FACTS),
                    (cypher.PERSON_FACTS_MISSING, cypher.EVERY_PERSON,
                     cypher.SET_PERSON_FACTS)):
                missing, _, _ = self._driver.execute_query(check, database_=self.database)
                if missing[0]["missing"]:  # likewise
                    self._rebuild_facts(every, refresh)
        self.refresh_city_contacts()

    def refresh_city_contacts(self) -> int:
        """Recount the contacts of every city, and the coverers of every park, whose
        counts are stale (after a bulk load) or missing (a graph written by an older
        version), CITIES_PER_RECOUNT cities or UNWIND_ROWS parks per transaction; how
        many cities and parks were recounted."""
        self._check_open()
        recounted = 0
        with _translated(), self._driver.session(database=self.database) as session:
            for stale, per_transaction, refresh in (
                    (cypher.STALE_CITIES, CITIES_PER_RECOUNT, _refresh_city_contacts),
                    (cypher.STALE_PARKS, UNWIND_ROWS, _refresh_park_contacts)):
                ids: list[str] = session.run(stale).single(strict=True)["ids"]
                for start in range(0, len(ids), per_transaction):
                    session.execute_write(refresh, ids[start:start + per_transaction])
                recounted += len(ids)
        return recounted

    def _rebuild_facts(self, every: LiteralString, refresh: LiteralString) -> None:
        """Rewrite every park's or person's precomputed facts, UNWIND_ROWS per
        transaction (a graph written before they existed may be large)."""
        records, _, _ = self._driver.execute_query(every, database_=self.database)
        ids: list[str] = records[0]["ids"]
        with self._driver.session(database=self.database) as session:
            for start in range(0, len(ids), UNWIND_ROWS):
                session.execute_write(_refresh_facts, refresh, ids[start:start + UNWIND_ROWS])

    def close(self) -> None:
        """Close the driver; later calls raise BackendUnavailable. Closing twice is fine."""
        if not self._closed:
            self._closed = True
            self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            msg = f"the store {self.uri} is closed"
            raise BackendUnavailable(msg)

    def _read(self, query: LiteralString, **parameters: Any) -> list[dict[str, Any]]:
        """One read query (routed to a reader in a cluster), records as dicts."""
        self._check_open()
        with _translated():
            records, _, _ = self._driver.execute_query(
                query, parameters, routing_=RoutingControl.READ, database_=self.database)
        return [{key: record[key] for key in record.keys()} for record in records]

    def _read_one(self, query: LiteralString, **parameters: Any) -> dict[str, Any]:
        rows = self._read(query, **parameters)
        return rows[0] if rows else {}

    # ----------------------------------------------------------------- writes

    def write(
        self,
        *,
        nodes: Sequence[NodeRecord] = (),
        relationships: Sequence[RelRecord] = (),
        delete_relationships: Sequence[RelKey] = (),
        delete_nodes: Sequence[str] = (),
        create_only: bool = False,
    ) -> None:
        """Upsert nodes, then relationships, then delete relationships, then nodes, in one
        managed write transaction (the function may be retried: it only reads its
        arguments)."""
        if not (nodes or relationships or delete_relationships or delete_nodes):
            return
        self._check_open()
        node_rows = [self._node_row(node) for node in nodes]
        rel_rows = [self._rel_row(rel) for rel in relationships]
        drop_rels = [row for row in map(self._drop_row, delete_relationships) if row]
        drop_nodes = [(label, node_id) for node_id in delete_nodes
                      if (label := _label_of(node_id)) is not None]
        parks_linked = _parks_linked(rel_rows, drop_rels)
        people_linked = _people_linked(rel_rows, drop_rels)
        unlinked = {label: [node_id for dropped, node_id in drop_nodes if dropped is label]
                    for label in (Label.CITY, Label.INDUSTRY, Label.SKILL)}
        skills_written = [row["id"] for label, row in node_rows if label is Label.SKILL]
        touches_rail = (any(label is Label.CITY for label, _ in (*node_rows, *drop_nodes))
                        or any(rel_type is RelType.HSR_LINK for rel_type, _ in rel_rows)
                        or any(key[0] is RelType.HSR_LINK for key, _ in drop_rels))
        counted_cities = _cities_touched(node_rows, rel_rows, drop_rels)
        touches_taxonomy = (
            any(label is Label.INDUSTRY for label, _ in (*node_rows, *drop_nodes))
            or any(rel_type in _TAXONOMY_RELS for rel_type, _ in rel_rows)
            or any(key[0] in _TAXONOMY_RELS for key, _ in drop_rels))
        people_dropped = [node_id for label, node_id in drop_nodes if label is Label.PERSON]
        parks_created = {row["id"] for label, row in node_rows if label is Label.PARK}
        people_created = {row["id"] for label, row in node_rows if label is Label.PERSON}
        for label, row in node_rows:
            if label in _FACTS_OF_NONE:
                row["properties"] = {**row["properties"], **_FACTS_OF_NONE[label]}
        covered_parks = _covered_parks(rel_rows, drop_rels)

        def work(tx: ManagedTransaction) -> None:
            # A person or park this write creates has no relationship yet: it gets the
            # facts of none with its properties (`_FACTS_OF_NONE`), and is refreshed only
            # when a relationship of this write reaches it.
            existed = self._write_nodes(tx, node_rows, create_only)
            if not _ends_allowed(rel_rows):
                self._check_ends(tx, rel_rows)  # raises the first refusal in input order
            if not self._write_relationships(tx, rel_rows):
                self._check_ends(tx, rel_rows)  # some end is missing: say which one first
                msg = "a relationship end does not exist"  # pragma: no cover - vanished
                raise NotFound(msg, field="target")  # pragma: no cover
            for (rel_type, source, target), rows in _group(drop_rels).items():
                tx.run(cypher.delete_relationships(rel_type, source, target),
                       rows=rows, key=list(REL_SPECS[rel_type].key)).consume()
            parks = parks_linked | (parks_created & existed)
            people = people_linked | (people_created & existed)
            if unlinked[Label.CITY] or unlinked[Label.INDUSTRY]:
                parks.update(row["id"] for row in tx.run(
                    cypher.PARKS_LINKED_TO, cities=unlinked[Label.CITY],
                    industries=unlinked[Label.INDUSTRY]))
            if (skills_written or unlinked[Label.SKILL] or unlinked[Label.INDUSTRY]
                    or unlinked[Label.CITY]):
                people.update(row["id"] for row in tx.run(
                    cypher.PEOPLE_LINKED_TO, skills=skills_written + unlinked[Label.SKILL],
                    industries=unlinked[Label.INDUSTRY], cities=unlinked[Label.CITY]))
            cities = set(counted_cities)
            contact_parks = covered_parks | parks | parks_created
            if people_dropped:  # where they counted, read before they go
                cities.update(row["id"] for row in tx.run(cypher.CITIES_REACHED_BY,
                                                          ids=people_dropped))
                contact_parks.update(row["id"] for row in tx.run(cypher.PARKS_COVERED_BY,
                                                                 ids=people_dropped))
            by_label: dict[Label, list[str]] = {}
            for label, node_id in drop_nodes:
                by_label.setdefault(label, []).append(node_id)
            for label, ids in by_label.items():
                tx.run(cypher.delete_nodes(label), ids=ids).consume()
            if touches_rail:
                _refresh_rail_minutes(tx)
            if parks:
                _refresh_facts(tx, cypher.SET_PARK_FACTS, sorted(parks))
            if people:
                ids = sorted(people)
                for start in range(0, len(ids), UNWIND_ROWS):
                    for row in tx.run(cypher.SET_PERSON_FACTS_REACHING,
                                      ids=ids[start:start + UNWIND_ROWS]):
                        cities.update(row["cities"])
                        contact_parks.update(row["parks"])
            if touches_taxonomy:  # every industry's related set may have changed
                cities.update(tx.run(cypher.EVERY_CITY).single(strict=True)["ids"])
                contact_parks.update(tx.run(cypher.EVERY_PARK).single(strict=True)["ids"])
            if len(cities) > CITY_REFRESH_LIMIT:
                tx.run(cypher.STALE_CITY_CONTACTS, ids=sorted(cities)).consume()
            elif cities:
                _refresh_city_contacts(tx, sorted(cities))
            if len(contact_parks) > PARK_REFRESH_LIMIT:
                tx.run(cypher.STALE_PARK_CONTACTS, ids=sorted(contact_parks)).consume()
            elif contact_parks:
                _refresh_park_contacts(tx, sorted(contact_parks))

        with _translated(), self._driver.session(
                database=self.database,
                bookmark_manager=self._driver.execute_query_bookmark_manager) as session:
            session.execute_write(work)

    @staticmethod
    def _node_row(node: NodeRecord) -> tuple[Label, dict[str, Any]]:
        """Check a node's labels against the schema and shape its UNWIND row."""
        try:
            label = Label(node.label)
        except ValueError as exc:
            msg = f"node {node.id!r} has an unknown label {node.label!r}"
            raise Invalid(msg, field="label") from exc
        if _label_of(node.id) is not label:
            msg = f"node id {node.id!r} does not start with the {label.value} prefix"
            raise Invalid(msg, field="id")
        labels = {*node.labels, label.value}
        unknown = labels - _ROLES - {label.value}
        if unknown:
            msg = f"node {node.id!r} has labels outside the schema: {sorted(unknown)}"
            raise Invalid(msg, field="labels")
        extra = sorted(labels - {label.value})
        properties = _json_properties(node.properties, f"node {node.id!r}")
        properties["id"] = node.id  # the key MERGE found it by; records carry it anyway
        for internal in cypher.INTERNAL_PROPERTIES:
            properties.pop(internal, None)
        if label in SEARCHABLE_LABELS:
            # One line per name (a needle has no line break, so no match spans two
            # names): the same text EmbeddedStore searches.
            parts = _search_parts(properties)
            properties[cypher.SEARCH_PROPERTY] = "\n".join(parts)
            properties[cypher.SEARCH_PARTS] = parts
        return label, {"id": node.id, "properties": properties, "add": extra,
                       "remove": sorted(_ROLES - set(extra))}

    @staticmethod
    def _rel_row(rel: RelRecord) -> tuple[RelType, dict[str, Any]]:
        try:
            rel_type = RelType(rel.type)
        except ValueError as exc:
            msg = f"unknown relationship type {rel.type!r}"
            raise Invalid(msg, field="type") from exc
        properties = _json_properties(rel.properties,
                                      f"{rel_type.value} {rel.source}->{rel.target}")
        key = [properties.get(name) for name in REL_SPECS[rel_type].key]
        if any(value is None for value in key):
            names = ", ".join(REL_SPECS[rel_type].key)
            msg = f"{rel_type.value} needs its key properties ({names})"
            raise Invalid(msg, field="properties")
        return rel_type, {"source": rel.source, "target": rel.target,
                          "properties": properties, "key": key}

    @staticmethod
    def _drop_row(key: RelKey) -> tuple[tuple[RelType, Label, Label], dict[str, Any]] | None:
        try:
            rel_type = RelType(key[0])
        except ValueError:
            return None
        source, target = _label_of(key[1]), _label_of(key[2])
        if source is None or target is None:
            return None
        return (rel_type, source, target), {"source": key[1], "target": key[2],
                                            "key": list(key[3])}

    @staticmethod
    def _write_nodes(tx: ManagedTransaction, rows: list[tuple[Label, dict[str, Any]]],
                     create_only: bool) -> set[str]:
        """Create or upsert the nodes, one UNWIND per label; the ids of the people and
        parks among them that existed before (create_only: none may)."""
        by_label = _group(rows)
        existed: set[str] = set()
        if not create_only:
            for label in _FACTS_OF_NONE.keys() & by_label.keys():
                existed.update(tx.run(cypher.existing_ids(label),
                                      ids=[row["id"] for row in by_label[label]]
                                      ).single(strict=True)["ids"])
        if create_only:
            existing: set[str] = set()
            for label, label_rows in by_label.items():
                found = tx.run(cypher.existing_ids(label),
                               ids=[row["id"] for row in label_rows]).single(strict=True)
                existing.update(found["ids"])
            seen: set[str] = set()
            for _, row in rows:
                if row["id"] in existing or row["id"] in seen:
                    msg = f"node {row['id']!r} already exists"
                    raise Conflict(msg, field="id")
                seen.add(row["id"])
        for label, label_rows in by_label.items():
            query = cypher.create_nodes(label) if create_only else cypher.merge_nodes(label)
            for start in range(0, len(label_rows), UNWIND_ROWS):
                tx.run(query, rows=label_rows[start:start + UNWIND_ROWS]).consume()
        return existed

    @staticmethod
    def _check_ends(tx: ManagedTransaction, rows: list[tuple[RelType, dict[str, Any]]]) -> None:
        """Each end exists (after this batch's nodes) and has a label the type may join;
        the first failure in input order, exactly as EmbeddedStore reports it."""
        if not rows:
            return
        wanted: dict[Label, set[str]] = {}
        for _, row in rows:
            for node_id in (row["source"], row["target"]):
                label = _label_of(node_id)
                if label is not None:
                    wanted.setdefault(label, set()).add(node_id)
        existing: set[str] = set()
        for label, ids in wanted.items():
            found = tx.run(cypher.existing_ids(label), ids=sorted(ids)).single(strict=True)
            existing.update(found["ids"])
        for rel_type, row in rows:
            spec = REL_SPECS[rel_type]
            for end, allowed in (("source", spec.sources), ("target", spec.targets)):
                node_id = row[end]
                label = _label_of(node_id)
                if node_id not in existing or label is None:
                    msg = f"{rel_type.value} {end} {node_id!r} does not exist"
                    raise NotFound(msg, field=end)
                if label not in allowed:
                    expected = " or ".join(sorted(allowed))
                    msg = (f"{rel_type.value} {end} must be a {expected}; "
                           f"{node_id!r} is a {label.value}")
                    raise Invalid(msg, field=end)

    @staticmethod
    def _write_relationships(tx: ManagedTransaction,
                             rows: list[tuple[RelType, dict[str, Any]]]) -> bool:
        """Upsert relationships of allowed end labels, one UNWIND per type and end labels
        (at most UNWIND_ROWS rows each); False when some row found an end missing (the
        caller then raises, which rolls the transaction back)."""
        grouped = _group(
            ((rel_type, _known_label(row["source"]), _known_label(row["target"])), row)
            for rel_type, row in rows)
        for (rel_type, source, target), group_rows in grouped.items():
            query = cypher.merge_relationships(rel_type, source, target)
            for start in range(0, len(group_rows), UNWIND_ROWS):
                part = group_rows[start:start + UNWIND_ROWS]
                if tx.run(query, rows=part).single(strict=True)["written"] != len(part):
                    return False
        return True

    # ----------------------------------------------------------------- reads

    def get_node(self, node_id: str) -> NodeRecord | None:
        found = self.get_nodes([node_id])
        return found[0] if found else None

    def get_nodes(self, node_ids: Sequence[str]) -> list[NodeRecord]:
        """The nodes that exist, in the order asked (an id asked twice comes twice)."""
        wanted = [node_id for node_id in dict.fromkeys(node_ids) if _label_of(node_id)]
        if not wanted:
            self._check_open()
            return []
        found = {record.id: record for record in (
            _node_record(row["n"]) for row in self._read(cypher.NODES_BY_ID, ids=wanted))}
        return [found[node_id] for node_id in node_ids if node_id in found]

    def list_nodes(
        self,
        label: Label | Role | str,
        *,
        filters: dict[str, Any] | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> list[NodeRecord]:
        """Nodes with this primary or role label, by id, after the cursor id; see
        EmbeddedStore.list_nodes for the filter rules (the same here)."""
        limit = min(limit, MAX_PAGE)
        if limit <= 0:
            return []
        name = str(label)
        known: Label | Role
        if name in _PRIMARY:
            known = Label(name)
        elif name in _ROLES:
            known = Role(name)
        else:
            self._check_open()
            return []
        wanted = [{"name": key, "value": _plain(value)} for key, value in (filters or {}).items()]
        rows = self._read(cypher.list_nodes(known), after=after, filters=wanted, limit=limit)
        return [_node_record(row["n"]) for row in rows]

    def get_relationships(
        self, rel_type: RelType, *, source: str | None = None, target: str | None = None
    ) -> list[RelRecord]:
        """Relationships of a type, optionally from or to a node, sorted by RelKey."""
        try:
            known = RelType(rel_type)
        except ValueError:
            self._check_open()
            return []
        source_label = _label_of(source) if source is not None else None
        target_label = _label_of(target) if target is not None else None
        if (source is not None and source_label is None) or (
                target is not None and target_label is None):
            self._check_open()
            return []
        rows = self._read(cypher.relationships_of_type(known, source_label, target_label),
                          source=source, target=target)
        found = [RelRecord(known, row["source"], row["target"], row["properties"])
                 for row in rows]
        return sorted(found, key=lambda rel: rel.key)

    def relationships_of(
        self, node_ids: Sequence[str], rel_type: RelType, *, outgoing: bool = True,
        incoming: bool = True,
    ) -> list[RelRecord]:
        """Relationships of a type at any of the nodes (see GraphStore), sorted by key:
        one query, a branch per end label and direction the type allows, each through
        the id index."""
        self._check_open()
        spec = REL_SPECS[RelType(rel_type)]
        by_label: dict[Label, list[str]] = {}
        for node in sorted(set(node_ids)):
            label = _label_of(node)
            if label is not None:
                by_label.setdefault(label, []).append(node)
        ends = [(label, is_out)
                for is_out, allowed in ((True, spec.sources), (False, spec.targets))
                if (outgoing if is_out else incoming)
                for label in sorted(allowed & by_label.keys())]
        if not ends:
            return []
        rows = self._read(cypher.relationships_at(spec.type, tuple(ends)),
                          **{f"ids{index}": by_label[label]
                             for index, (label, _) in enumerate(ends)})
        found: dict[RelKey, RelRecord] = {}
        for row in rows:
            rel = RelRecord(spec.type, row["source"], row["target"], row["properties"])
            found[rel.key] = rel
        return [found[key] for key in sorted(found)]

    def tie_relationships(self, people: Collection[str]
                          ) -> tuple[list[RelRecord], dict[str, set[str]]]:
        """The COLLABORATED_WITH relationships at these people, each once, in no set
        order, and the staff of their employers (TieSource): one round trip per layer of
        a trust search instead of three."""
        ids = sorted({person for person in people if _label_of(person) is Label.PERSON})
        if not ids:
            self._check_open()
            return [], {}
        row = self._read_one(cypher.TIE_RELATIONSHIPS, ids=ids)
        return ([_rel_record(RelType.COLLABORATED_WITH, *item) for item in row["collaborations"]],
                {str(employer): set(members) for employer, members in row["staff"]})

    def proof_counts(self, people: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Per person asked: REFERRED_BY relationships ending at them and their signed or
        landed COLLABORATED_WITH deals (ProofCounter), in one round trip."""
        ids = sorted(set(people))
        if not ids:
            self._check_open()
            return {}
        rows = self._read(cypher.PROOF_COUNTS, ids=ids, closed=_CLOSED_STAGES)
        return {row["id"]: (int(row["referred"]), int(row["closed"])) for row in rows}

    def neighbours(
        self,
        node_id: str,
        *,
        rel_types: Sequence[RelType] = (),
        limit: int = 200,
    ) -> list[Neighbour]:
        """Relationships of the node both ways with the node at the other end, sorted by
        (type, other id, RelKey); NotFound for a missing node."""
        row = self._read_one(cypher.NEIGHBOURS, id=node_id,
                             types=[str(t) for t in rel_types], limit=max(limit, 0))
        if not row:
            msg = f"node {node_id!r} does not exist"
            raise NotFound(msg, field="id")
        found = []
        for item in row["found"] or []:
            rel = _rel_record(item["type"], item["source"], item["target"], item["properties"])
            other = _node_record(item["node"])
            found.append(((rel.type.value, other.id, rel.key),
                          Neighbour(rel, other, bool(item["outgoing"]))))
        found.sort(key=lambda pair: pair[0])
        return [neighbour for _, neighbour in found]

    def shortest_paths(
        self,
        source: str,
        target: str,
        *,
        k: int = 3,
        max_hops: int = 4,
        rel_types: Sequence[RelType] = (),
    ) -> list[GraphPath]:
        """Up to k shortest simple paths, direction ignored, by hops then node ids; each
        hop shows its smallest relationship (by RelKey) among the allowed ones, like
        EmbeddedStore. NotFound for a missing end."""
        hops = max(min(max_hops, MAX_HOPS), 0)
        row = self._read_one(cypher.shortest_paths(hops), source=source, target=target,
                             k=max(k, 0), types=[str(t) for t in rel_types])
        for end, node_id, found in (("source", source, row["source_found"]),
                                    ("target", target, row["target_found"])):
            if not found:
                msg = f"node {node_id!r} does not exist"
                raise NotFound(msg, field=end)
        if k <= 0:
            return []
        if source == target:
            return [_path((source,), (), ())]
        paths = []
        for found_path in row["paths"]:
            ids: list[str] = found_path["ids"]
            types, forward = [], []
            for here, rels in zip(ids, found_path["hops"], strict=False):
                best = min((_rel_record(*rel) for rel in rels), key=lambda rel: rel.key)
                types.append(best.type.value)
                forward.append(best.source == here)
            paths.append(_path(ids, types, forward))
        return paths

    def search(
        self, text: str, *, labels: Sequence[Label | Role] = (), limit: int = 20
    ) -> list[SearchHit]:
        """Names containing the text (see `alliance.store.search`), best first; `labels`
        keeps nodes carrying any of them (role labels too). At most MAX_PAGE hits.

        Candidates are the nodes whose lower-cased names contain the text, found through
        a TEXT index on a store-internal property holding exactly the names text
        EmbeddedStore searches, ranked and cut in Cypher (see `cypher.search_names`);
        the shared `search_score` gives the scores returned. Not the `entity_names`
        full-text index: the shared semantics are substring matching ("ndustri" finds
        "Industrial"), which a tokenising analyzer misses (the benchmark counts how often).
        """
        needle = normalise_query(text)
        limit = min(limit, MAX_PAGE)
        if not needle or limit <= 0:
            self._check_open()
            return []
        rows = self._read(cypher.search_names(SEARCHABLE_LABELS), needle=needle,
                          joined_needle=needle.replace(" ", ""),
                          labels=[str(label) for label in labels], limit=limit)
        hits = []
        for row in rows:
            record = _node_record(row["n"])
            score = search_score(needle, record.properties)
            if score is not None:
                hits.append(SearchHit(record, score))
        hits.sort(key=lambda hit: hit_order(hit.score, hit.node.label.value, hit.node.id))
        return hits[:limit]

    def counts(self) -> GraphCounts:
        """Nodes per label and role label, relationships per type; zeros included."""
        labels = dict.fromkeys((*_PRIMARY_ORDER, *(role.value for role in Role)), 0)
        rels = {rel_type.value: 0 for rel_type in RelType}
        for row in self._read(cypher.count_nodes_and_relationships()):
            (labels if row["kind"] == "label" else rels)[row["name"]] = int(row["count"])
        return GraphCounts(labels=labels, relationships=rels)

    def export_records(self) -> Iterator[NodeRecord | RelRecord]:
        """Every node (by label, then id), then every relationship (by type, then key),
        streamed from one read transaction so an export is a consistent snapshot."""
        self._check_open()
        with _translated(), self._driver.session(
                database=self.database, default_access_mode="READ",
                bookmark_manager=self._driver.execute_query_bookmark_manager) as session, \
                session.begin_transaction() as tx:
            for label in Label:
                for record in tx.run(cypher.export_nodes(label)):
                    yield _node_record(record["n"])
            for rel_type in RelType:
                for record in tx.run(cypher.export_relationships(rel_type)):
                    yield RelRecord(rel_type, record["source"], record["target"],
                                    dict(record["properties"]))

    # ----------------------------------------------------------------- evidence

    def landing_candidates(self, query: LandingFilter) -> list[ParkEvidence]:
        """Parks meeting every hard constraint, with evidence, sorted by park id (one
        Cypher query; rail routes and explanation paths finished in Python)."""
        default_categories = set(query.contact_skill_categories) == set(CONTACT_SKILL_CATEGORIES)
        row = self._read_one(
            cypher.LANDING_CANDIDATES,
            origin_city=query.origin_city, industry=query.industry,
            min_area_m2=query.min_area_m2,
            facility_types=[f.value for f in query.facility_types],
            max_rent=query.max_rent_cny_m2_month,
            max_minutes=query.max_rail_minutes,
            as_of=query.as_of.isoformat(),
            categories=list(query.contact_skill_categories),
            professional_roles=sorted(role.value for role in PROFESSIONAL_ROLES),
            certification_ranks=CERTIFICATION_RANK,
            keep=query.contacts_per_kind if query.contacts_per_kind >= 0 else _NO_LIMIT,
            parks=sorted(query.parks) if query.parks is not None else None,
            counted=query.contacts_per_kind == 0 and default_categories,
            top=0 < query.contacts_per_kind <= cypher.TOP_CONTACTS and default_categories,
        )
        if not row.get("origin_found"):
            msg = f"no {Label.CITY.value} with id {query.origin_city!r}"
            raise NotFound(msg, field="origin_city")
        if not row.get("industry_found"):
            msg = f"no {Label.INDUSTRY.value} with id {query.industry!r}"
            raise NotFound(msg, field="industry")
        return _LandingAssembly(query, row).parks()

    def park_facts(self) -> Sequence[ParkFacts]:
        """Every park with its city and hosted industries, by id (one query)."""
        return [ParkFacts(_node_record(row["park"]), row["city"], frozenset(row["hosts"]))
                for row in self._read(cypher.PARK_FACTS)]

    def failure_codes(self, query: LandingFilter) -> Mapping[int, int]:
        """Parks per failure code of the query's hard constraints (EliminationCounter):
        counted in the server, one row per code."""
        rows = self._read(
            cypher.PARK_FAILURE_CODES,
            origin_city=query.origin_city, industry=query.industry,
            min_area_m2=query.min_area_m2,
            facility_types=[f.value for f in query.facility_types],
            max_rent=query.max_rent_cny_m2_month, max_minutes=query.max_rail_minutes,
            bits={name: 1 << position for position, name in enumerate(HARD_CONSTRAINTS)})
        return {int(row["code"]): int(row["parks"]) for row in rows}

    def collaborator_candidates(self, query: CollaboratorFilter) -> list[CollaboratorEvidence]:
        """People meeting every hard constraint (among `query.among` when given), with
        trust paths, sorted by person id (one Cypher query; evidence and trust paths only
        for the people `among` keeps)."""
        skills = sorted(set(query.skills))
        row = self._collaborators(query, skills, ids_only=False)
        found = [_collaborator(item, query, skills) for item in row["people"]]
        return sorted(found, key=lambda c: c.person.id)

    def collaborator_ids(self, query: CollaboratorFilter) -> AbstractSet[str]:
        """The candidates' ids: the same query's filters, without evidence or trust
        paths."""
        return set(self._collaborators(query, sorted(set(query.skills)),
                                       ids_only=True)["people"])

    def _collaborators(self, query: CollaboratorFilter, skills: list[str], *,
                       ids_only: bool) -> dict[str, Any]:
        """The collaborator query's row (per candidate its evidence, or its id only);
        NotFound for an asker, skill, vertical or city that does not exist."""
        max_hops = min(query.max_hops, MAX_HOPS)
        excluded = sorted({*query.exclude, *([query.asker] if query.asker else [])})
        min_rank = query.min_certification.rank if query.min_certification else None
        row = self._read_one(
            cypher.collaborator_candidates(
                max(max_hops, 1),
                "among" if query.among is not None else "skills" if skills
                else "verticals" if query.verticals else "everyone",
                ids_only=ids_only),
            asker=query.asker, skills=skills, verticals=list(query.verticals),
            cities=list(query.cities), min_level=query.min_level,
            require_all=query.require_all_skills, excluded=excluded,
            among=sorted(query.among) if query.among is not None else None,
            roles=sorted(role.value for role in query.roles),
            min_rank=min_rank, ranks=_CERT_RANKS, trust=max_hops >= 1,
            max_trust_paths=MAX_TRUST_PATHS, with_covered=not ids_only,
        )
        if query.asker is not None and not row["asker_found"]:
            msg = f"no {Label.PERSON.value} with id {query.asker!r}"
            raise NotFound(msg, field="asker")
        for field, label, wanted, missing in (
                ("skills", Label.SKILL, query.skills, row["missing_skills"]),
                ("verticals", Label.INDUSTRY, query.verticals, row["missing_verticals"]),
                ("cities", Label.CITY, query.cities, row["missing_cities"])):
            for node_id in wanted:
                if node_id in missing:
                    msg = f"no {label.value} with id {node_id!r}"
                    raise NotFound(msg, field=field)
        return row


# --------------------------------------------------------------------------- assembly


_NO_LIMIT = 1 << 31
"""LIMIT standing for "all" (a negative contacts_per_kind slices in Python, as embedded)."""


class _LandingAssembly:
    """Turns the landing query's answer into ParkEvidence with `alliance.store.evidence`:
    rail routes (shared code), industry chains from the SUBFIELD_OF rows, records and
    paths."""

    def __init__(self, query: LandingFilter, row: dict[str, Any]) -> None:
        self.query = query
        self.row = row
        self.nodes = {record.id: record for record in map(_node_record, row["nodes"])}
        parents: dict[str, list[str]] = {}
        children: dict[str, list[str]] = {}
        for child, parent in row["taxonomy"]:
            parents.setdefault(child, []).append(parent)
            children.setdefault(parent, []).append(child)
        self.related = Related.of(lambda node: parents.get(node, ()),
                                  lambda node: children.get(node, ()), query.industry)
        links = [RailLink(a, b, int(minutes), float(km)) for a, b, minutes, km in row["links"]]
        self.routes = fastest_routes(links, query.origin_city)

    def parks(self) -> list[ParkEvidence]:
        found = []
        for place in self.row["cities"]:
            city = _node_record(place["city"])
            route = self.routes.get(city.id)
            if route is None or not within_rail_limit(route, self.query):
                continue
            rail = _ASSEMBLY.rail(route)
            offered = _ASSEMBLY.policies(city.id, Label.CITY, self._offered(place["policies"]))
            for item in place["parks"]:
                found.append(self._park(item, city, rail, offered))
        return sorted(found, key=lambda c: c.park.id)

    def _park(self, item: dict[str, Any], city: NodeRecord, rail: RailRoute,
              city_policies: tuple[PolicyEvidence, ...]) -> ParkEvidence:
        park = _node_record(item["park"])
        hosts = [(str(hosted), float(strength)) for hosted, strength in item["hosts"]]
        return ParkEvidence(
            park=park,
            city=city,
            rail=rail,
            industries=tuple(_ASSEMBLY.industry_matches(park.id, hosts, self.related)),
            policies=_ASSEMBLY.policies(park.id, Label.PARK, self._offered(item["policies"])),
            contacts=tuple(self._contacts(park.id, city.id, item["contacts"])),
            broker_total=int(item["broker_total"]),
            professional_total=int(item["professional_total"]),
            track_record=track_record(item["related_landings"], int(item["landed"]),
                                      item["referrals"]),
            city_policies=city_policies,
        )

    def _offered(self, items: list[dict[str, Any]]) -> list[OfferedPolicy]:
        return [(self.nodes[item["id"]], tuple(item["targets"]), tuple(item["unstackable"]))
                for item in items]

    def _contacts(self, park: str, city: str, items: list[dict[str, Any]]
                  ) -> list[ContactEvidence]:
        """The best brokers, then the best professionals, in the query's order."""
        keep = self.query.contacts_per_kind
        by_kind: dict[str, list[ContactEvidence]] = {"broker": [], "professional": []}
        for item in items:
            skills = tuple((str(skill), int(level)) for skill, level in item["skills"])
            by_kind[item["kind"]].append(_ASSEMBLY.contact(
                item["kind"], self.nodes[item["id"]], tuple(item["expert"]), skills,
                park, city, _CITY_REACH[int(item["reach"])]))
        return by_kind["broker"][:keep] + by_kind["professional"][:keep]


_CITY_REACH: dict[int, RelType | None] = {0: None, 1: RelType.COVERS, 2: RelType.BASED_IN}
"""The landing query's `reach` of a contact as the relationship to the city (None: they
cover the park itself)."""

_ASSEMBLY = Assembly(lambda node_id: _label_name(node_id))
"""Evidence paths labelled from id prefixes (a stored node's primary label is its
prefix's)."""


def _collaborator(item: dict[str, Any], query: CollaboratorFilter,
                  skills: list[str]) -> CollaboratorEvidence:
    person = _node_record(item["person"])
    all_skills = [(str(skill), int(level)) for skill, level in item["skills"]]
    paths = tuple(_ASSEMBLY.trust_path(path["ids"],
                                       [[_rel_record(*rel) for rel in rels]
                                        for rels in path["hops"]])
                  for path in item["trust"])
    return CollaboratorEvidence(person, matched_skills(all_skills, skills, query.min_level),
                                person_cities(item["base"], item["covered"]),
                                tuple(item["verticals"]), int(item["collaborations"]), paths)
