"""Every Cypher statement Neo4jStore runs, named for what it answers (the long evidence
queries as named files in `statements/`, fragments included by `//#include name`).

Values always travel as parameters. The only names ever formatted into a statement are
labels and relationship types taken from the graph_schema enums (Neo4j uses an index only
for a label written into the pattern, so `MATCH (n:$($label) ...)` would scan every node)
and small integers the store clamps itself (path lengths, which Cypher cannot take as
parameters). `schema_query` is the one place that formatting happens, and it refuses
anything that is not an enum member or an int.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Final, LiteralString

from graph_schema.nodes import NODE_MODELS
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType, Role

__all__ = [
    "ANY_LABEL",
    "LANDING_CANDIDATES",
    "NEIGHBOURS",
    "NODES_BY_ID",
    "PARK_FACTS",
    "PARK_FAILURE_CODES",
    "SchemaText",
    "collaborator_candidates",
    "count_nodes_and_relationships",
    "create_nodes",
    "delete_nodes",
    "delete_relationships",
    "existing_ids",
    "export_nodes",
    "export_relationships",
    "list_nodes",
    "merge_nodes",
    "merge_relationships",
    "relationships_at",
    "relationships_of_type",
    "schema_query",
    "INTERNAL_PROPERTIES",
    "RAIL_CITIES",
    "RAIL_MINUTES",
    "RAIL_MINUTES_MISSING",
    "EVERY_PARK",
    "PARK_CITY",
    "PARK_FACTS_MISSING",
    "PARK_HOSTS",
    "PARKS_LINKED_TO",
    "EVERY_PERSON",
    "PEOPLE_LINKED_TO",
    "PERSON_FACTS",
    "PERSON_FACTS_MISSING",
    "SET_PERSON_FACTS",
    "SET_PERSON_FACTS_REACHING",
    "EMPTY_PERSON_FACTS",
    "EMPTY_PARK_FACTS",
    "TIE_RELATIONSHIPS",
    "PROOF_COUNTS",
    "STALE_CITIES",
    "EVERY_CITY",
    "CITIES_REACHED_BY",
    "STALE_CITY_CONTACTS",
    "SET_CITY_CONTACTS",
    "CITY_PEOPLE",
    "TAXONOMY",
    "CITY_CONTACTS",
    "TOP_CONTACTS",
    "PARK_CONTACTS",
    "PARK_COVERERS",
    "SET_PARK_CONTACTS",
    "STALE_PARK_CONTACTS",
    "STALE_PARKS",
    "PARKS_COVERED_BY",
    "SET_PARK_FACTS",
    "RAIL_NETWORK",
    "SET_RAIL_MINUTES",
    "SEARCH_PARTS",
    "SEARCH_PROPERTY",
    "search_indexes",
    "search_names",
    "set_properties",
    "shortest_paths",
]


def _trusted(text: str) -> LiteralString:
    """Text assembled in this module from LiteralString templates, schema enum values and
    ints only: the single place where such text becomes a query."""
    return text


@dataclass(frozen=True)
class SchemaText:
    """Cypher text built in this module from schema enums only (e.g. a label disjunction)."""

    text: str


def schema_query(template: LiteralString,
                 **names: Label | Role | RelType | int | SchemaText) -> LiteralString:
    """`template` with `{name}` slots filled by schema enum values or ints, nothing else.

    >>> schema_query("MATCH (n:{label}) RETURN n", label=Label.PARK)
    'MATCH (n:Park) RETURN n'
    """
    values: dict[str, str] = {}
    for name, value in names.items():
        if isinstance(value, Label | Role | RelType):
            values[name] = value.value
        elif isinstance(value, SchemaText):
            values[name] = value.text
        elif isinstance(value, int) and not isinstance(value, bool):
            values[name] = str(value)
        else:  # pragma: no cover - a programming error, not user input
            msg = f"only schema enums and ints may be formatted into Cypher, got {value!r}"
            raise TypeError(msg)
    return _trusted(template.format(**values))


ANY_LABEL: Final = SchemaText("|".join(label.value for label in NODE_MODELS))
"""Every primary label as a label disjunction: `(n:City|Park|... {id: $id})` is planned
as a union of unique-index seeks, so one query text serves an id of any label."""


# --------------------------------------------------------------------------- writes


@cache
def merge_nodes(label: Label) -> LiteralString:
    """Upsert nodes of one primary label: replace properties (the row's map holds the id
    and the search property too, so an unchanged node rewrites no index entry), set the
    current role labels and drop stale ones (role labels are parameters, checked against
    the enums first)."""
    return schema_query(
        """
        UNWIND $rows AS row
        MERGE (n:{label} {{id: row.id}})
        SET n = row.properties
        REMOVE n:$(row.remove)
        SET n:$(row.add)
        """, label=label)


@cache
def create_nodes(label: Label) -> LiteralString:
    """Create nodes of one label; the id constraint turns a duplicate into ConstraintError."""
    return schema_query(
        """
        UNWIND $rows AS row
        CREATE (n:{label} {{id: row.id}})
        SET n = row.properties
        SET n:$(row.add)
        """, label=label)


@cache
def set_properties(label: Label) -> LiteralString:
    """Add the same properties (`$properties`) to existing nodes of one label (`$ids`)."""
    return schema_query(
        "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) SET n += $properties",
        label=label)


@cache
def existing_ids(label: Label) -> LiteralString:
    """Which of `$ids` exist as nodes of `label`."""
    return schema_query(
        "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN collect(n.id) AS ids",
        label=label)


@cache
def merge_relationships(rel_type: RelType, source: Label, target: Label) -> LiteralString:
    """Upsert relationships of one type between two labels; identity = ends + key props.

    Returns how many rows found both ends, so a vanished end can never pass silently.
    """
    spec = REL_SPECS[rel_type]
    if spec.key:
        # The key names come from graph_schema.relationships, like the type itself.
        key = ", ".join(f"{name}: row.key[{index}]" for index, name in enumerate(spec.key))
        pattern = _trusted(f"[r:{{rel_type}} {{{{{key}}}}}]")
    else:
        pattern = "[r:{rel_type}]"
    template = _trusted(f"""
        UNWIND $rows AS row
        MATCH (a:{{source}} {{{{id: row.source}}}})
        MATCH (b:{{target}} {{{{id: row.target}}}})
        MERGE (a)-{pattern}->(b)
        SET r = row.properties
        RETURN count(*) AS written
        """)
    return schema_query(template, rel_type=rel_type, source=source, target=target)


@cache
def delete_relationships(rel_type: RelType, source: Label, target: Label) -> LiteralString:
    """Delete relationships by identity: ends plus key properties (null equals null)."""
    return schema_query(
        """
        UNWIND $rows AS row
        MATCH (a:{source} {{id: row.source}})-[r:{rel_type}]->(b:{target} {{id: row.target}})
        WHERE all(i IN range(0, size($key) - 1)
                  WHERE r[$key[i]] = row.key[i] OR (r[$key[i]] IS NULL AND row.key[i] IS NULL))
        DELETE r
        """, rel_type=rel_type, source=source, target=target)


@cache
def delete_nodes(label: Label) -> LiteralString:
    """Delete nodes and their relationships."""
    return schema_query(
        "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) DETACH DELETE n", label=label)


# --------------------------------------------------------------------------- reads


NODES_BY_ID: Final = schema_query(
    "UNWIND $ids AS id MATCH (n:{any} {{id: id}}) RETURN n", any=ANY_LABEL)
"""Nodes by id, whatever their label (an index seek per id and label)."""


_FILTERS: Final = """
        all(f IN $filters WHERE
            CASE
              WHEN f.value IS NULL THEN n[f.name] IS NULL
              WHEN n[f.name] = f.value THEN true
              WHEN valueType(n[f.name]) STARTS WITH 'LIST'
                THEN any(item IN n[f.name] WHERE item = f.value)
              ELSE false
            END)
"""
"""Every filter holds: equal, or an item of a list property; a null value = absent."""


@cache
def list_nodes(label: Label | Role) -> LiteralString:
    """A page of nodes carrying `label`, by id after the cursor, filtered."""
    return schema_query(_trusted(f"""
        MATCH (n:{{label}})
        WHERE ($after IS NULL OR n.id > $after) AND {_FILTERS}
        RETURN n ORDER BY n.id LIMIT $limit
        """), label=label)


@cache
def relationships_of_type(rel_type: RelType, source: Label | None,
                          target: Label | None) -> LiteralString:
    """Relationships of one type, optionally from and/or to a given node."""
    left = "(a:{source} {{id: $source}})" if source is not None else "(a)"
    right = "(b:{target} {{id: $target}})" if target is not None else "(b)"
    names: dict[str, Label | RelType] = {"rel_type": rel_type}
    if source is not None:
        names["source"] = source
    if target is not None:
        names["target"] = target
    template = _trusted(f"MATCH {left}-[r:{{rel_type}}]->{right} "
                        "RETURN a.id AS source, b.id AS target, properties(r) AS properties")
    return schema_query(template, **names)


@cache
def relationships_at(rel_type: RelType, ends: tuple[tuple[Label, bool], ...]) -> LiteralString:
    """Relationships of one type starting (outgoing) or ending at nodes of the given
    labels, in one statement: the i-th end (label, outgoing) reads the ids in `$ids<i>`,
    each found through its label's id index (a UNION ALL branch per end)."""
    branches: list[LiteralString] = []
    for index, (label, outgoing) in enumerate(ends):
        pattern = ("(a:{label} {{id: id}})-[r:{rel_type}]->(b)" if outgoing
                   else "(a)-[r:{rel_type}]->(b:{label} {{id: id}})")
        branches.append(schema_query(_trusted(
            f"UNWIND $ids{{index}} AS id MATCH {pattern} "
            "RETURN a.id AS source, b.id AS target, properties(r) AS properties"),
            rel_type=rel_type, label=label, index=index))
    return _trusted("\nUNION ALL\n".join(branches))


@cache
def export_nodes(label: Label) -> LiteralString:
    """Every node of one primary label, by id (streamed by the caller)."""
    return schema_query("MATCH (n:{label}) RETURN n ORDER BY n.id", label=label)


@cache
def export_relationships(rel_type: RelType) -> LiteralString:
    """Every relationship of one type, by (source, target, key) (streamed by the caller)."""
    return schema_query(_trusted(f"""
        MATCH (a)-[r:{{rel_type}}]->(b)
        RETURN a.id AS source, b.id AS target, properties(r) AS properties
        ORDER BY a.id, b.id, {_key_expression()}
        """), rel_type=rel_type)


def _key_expression() -> LiteralString:
    """A relationship's key property values as a list, per its type (from REL_SPECS)."""
    cases = "".join(
        f" WHEN '{spec.type.value}' THEN [{', '.join(f'r.{name}' for name in spec.key)}]"
        for spec in REL_SPECS.values() if spec.key)
    return _trusted(f"CASE type(r){cases} ELSE [] END")


NEIGHBOURS: Final = schema_query(_trusted(f"""
        MATCH (n:{{any}} {{{{id: $id}}}})
        OPTIONAL CALL (n) {{{{
          MATCH (n)-[r]-(m)
          WHERE size($types) = 0 OR type(r) IN $types
          WITH r, m, startNode(r) = n AS outgoing
          ORDER BY type(r), m.id, startNode(r).id, endNode(r).id, {_key_expression()}
          LIMIT $limit
          RETURN collect({{{{type: type(r), source: startNode(r).id, target: endNode(r).id,
                           properties: properties(r), node: m, outgoing: outgoing}}}}) AS found
        }}}}
        RETURN n.id AS id, found
        """), any=ANY_LABEL)
"""A node's relationships both ways, sorted by (type, other id, key) and cut."""


@cache
def count_nodes_and_relationships() -> LiteralString:
    """Nodes per label and role label, relationships per type (from the count store)."""
    parts: list[LiteralString] = [
        schema_query("MATCH (n:{label}) RETURN 'label' AS kind, '{label}' AS name, "
                     "count(n) AS count", label=label)
        for label in (*Label, *Role)
    ]
    parts += [
        schema_query("MATCH ()-[r:{rel_type}]->() RETURN 'type' AS kind, '{rel_type}' AS name, "
                     "count(r) AS count", rel_type=rel_type)
        for rel_type in RelType
    ]
    return _trusted("\nUNION ALL\n".join(parts))


SEARCH_PROPERTY: Final = "_search_names"
"""Store-internal property of every searchable node: its three names lower-cased, one per
line, exactly the text EmbeddedStore keeps in memory for search. Never read back."""

SEARCH_PARTS: Final = "_search_parts"
"""Store-internal property beside it: the same three lower-cased names as a list, for
scoring (a name may itself hold a line break, so the joined text is not split)."""

RAIL_CITIES: Final = "_rail_cities"
"""Store-internal property of every city: the ids of the cities its fastest rail routes
reach (itself included), by id; `RAIL_MINUTES` beside it holds each one's minutes.
Rewritten in the transaction of every write that touches a city or an HSR link (see
`rail_minutes`), so the landing query applies the rail limit by reading one node."""

RAIL_MINUTES: Final = "_rail_minutes"

PARK_CITY: Final = "_city"
"""Store-internal property of every park: the smallest id among its IN_CITY targets
(absent when it has none); `PARK_HOSTS` beside it lists the ids of the industries it
HOSTS. Rewritten in the transaction of every write that touches the park, its IN_CITY or
HOSTS relationships or a city or industry it links to (see `SET_PARK_FACTS`), so the
elimination view reads each park's facts from the park alone."""

PARK_HOSTS: Final = "_hosts"

PERSON_FACTS: Final = ("_expert_in", "_skills", "_skill_levels", "_skill_categories",
                       "_covered_cities", "_base_cities")
"""Store-internal properties of every person: the ids of the industries they are EXPERT_IN
(by id), of the skills they HAVE (by id) with each one's level and the skill's category,
and of the cities they COVER and are BASED_IN. Rewritten in the transaction of every
write that touches the person, their EXPERT_IN, HAS_SKILL, COVERS or BASED_IN
relationships, or a skill, industry or city they link to (see
`SET_PERSON_FACTS`), so the landing query ranks a city's people without expanding any of
their relationships. Reads take a missing list for an empty one (an offline import, see
`facts`, cannot write an empty list)."""

CITY_CONTACTS: Final = ("_contact_industries", "_contact_brokers", "_contact_professionals",
                        "_contact_top_brokers", "_contact_top_broker_ends",
                        "_contact_top_professionals", "_contact_top_professional_ends")
"""Store-internal properties of a city: for every industry (by id) as the one a landing
asks for, how many people count as brokers and how many as professionals through the
city (covering it, or based in it with a professional role; evidence.person_facts, for
the default skill categories), so ranking every candidate park reads two numbers, not
the city's people; and the ids of the best `TOP_CONTACTS` of each kind in the landing's
order (one flat list per kind, industry i's ids ending at `..._ends[i]`), so the shown
parks rank a few named people, not the city's. Rewritten in the transaction of a write
touching the city, its people's COVERS / BASED_IN, roles, expertise, skills or
certification, a skill or the taxonomy; a large write (a bulk load) removes them instead
(`STALE_CITY_CONTACTS`) and the landing query ranks such a city's people itself until
`refresh_city_contacts` (at open and after `alliance db load` / `import-finish`) writes
them again."""

PARK_CONTACTS: Final = ("_coverer_industries", "_coverer_brokers", "_coverer_professionals")
"""Store-internal properties of a park: for every industry (by id) as the one a landing
asks for, how many brokers and professionals the people who COVER the park add to its
city's counts (`CITY_CONTACTS`): the park's own, less those of them the city counts too
(they count once, as the park's), for the default skill categories. So ranking a
candidate park whose city is counted reads two numbers, not its coverers. Kept like the
city's counts: rewritten in the transaction of a write touching the park, its COVERS,
its coverers' facts or the taxonomy; removed by a large write (`STALE_PARK_CONTACTS`;
the landing query then reads the park's coverers) and written again by
`refresh_city_contacts`."""

TOP_CONTACTS: Final = 12
"""People of each kind a city keeps per industry (`CITY_CONTACTS`): enough for the shown
parks' 5 when some of the best cover the park itself (they are then the park's); a park
left with fewer than it asks for ranks its city's people as before (measured in
docs/benchmarks.md, "Neo4j (session 7)")."""

INTERNAL_PROPERTIES: Final = frozenset({SEARCH_PROPERTY, SEARCH_PARTS, RAIL_CITIES,
                                        RAIL_MINUTES, PARK_CITY, PARK_HOSTS, *PERSON_FACTS,
                                        *CITY_CONTACTS, *PARK_CONTACTS})

RAIL_NETWORK: Final = """
        CALL () { MATCH (c:City) RETURN collect(c.id) AS cities }
        CALL () { MATCH (a:City)-[h:HSR_LINK]->(b:City)
                  RETURN collect([a.id, b.id, h.minutes, h.km]) AS links }
        RETURN cities, links
"""
"""Every city and HSR link: what the precomputed rail minutes are computed from."""

SET_RAIL_MINUTES: Final = """
        UNWIND $rows AS row
        MATCH (c:City {id: row.id})
        SET c._rail_cities = row.cities, c._rail_minutes = row.minutes
"""
"""Each city's fastest minutes to the cities it reaches (rows from `rail_minutes`)."""

RAIL_MINUTES_MISSING: Final = """
        RETURN EXISTS { MATCH (c:City) WHERE c._rail_cities IS NULL } AS missing
"""
"""Whether some city lacks its rail minutes (a graph written by an older version)."""


PARKS_LINKED_TO: Final = """
        UNWIND $cities AS id MATCH (p:Park)-[:IN_CITY]->(:City {id: id}) RETURN p.id AS id
        UNION
        UNWIND $industries AS id MATCH (p:Park)-[:HOSTS]->(:Industry {id: id})
        RETURN p.id AS id
"""
"""The parks in any of the cities `$cities` or hosting any of `$industries` (read before
those are deleted)."""

SET_PARK_FACTS: Final = """
        UNWIND $ids AS id
        MATCH (p:Park {id: id})
        SET p._city = COLLECT { MATCH (p)-[:IN_CITY]->(c) RETURN c.id AS city
                                ORDER BY city LIMIT 1 }[0],
            p._hosts = COLLECT { MATCH (p)-[:HOSTS]->(i) RETURN DISTINCT i.id AS hosted
                                 ORDER BY hosted }
"""
"""Each park's precomputed city and hosted industries (`PARK_CITY`, `PARK_HOSTS`)."""

EVERY_PARK: Final = "MATCH (p:Park) RETURN collect(p.id) AS ids"
"""Every park's id (to rebuild their facts at start)."""

PARK_FACTS_MISSING: Final = """
        RETURN EXISTS {
          MATCH (p:Park)
          WHERE (p._hosts IS NULL AND EXISTS { (p)-[:HOSTS]->() })
             OR (p._city IS NULL AND EXISTS { (p)-[:IN_CITY]->() })
        } AS missing
"""
"""Whether some park lacks its precomputed facts (a graph written by an older version;
an offline import leaves an empty list out, so a park without hosts has no `_hosts`)."""


PEOPLE_LINKED_TO: Final = """
        UNWIND $skills AS id MATCH (p:Person)-[:HAS_SKILL]->(:Skill {id: id}) RETURN p.id AS id
        UNION
        UNWIND $industries AS id MATCH (p:Person)-[:EXPERT_IN]->(:Industry {id: id})
        RETURN p.id AS id
        UNION
        UNWIND $cities AS id MATCH (p:Person)-[:COVERS|BASED_IN]->(:City {id: id})
        RETURN p.id AS id
"""
"""The people holding any of the skills `$skills`, expert in any of `$industries` or
covering or based in any of `$cities` (a skill's category may have changed, or they are
about to be deleted)."""

SET_PERSON_FACTS: Final = """
        UNWIND $ids AS id
        MATCH (p:Person {id: id})
        CALL (p) {
          OPTIONAL MATCH (p)-[:EXPERT_IN]->(i)
          WITH i.id AS industry ORDER BY industry
          RETURN collect(industry) AS expert_in
        }
        CALL (p) {
          OPTIONAL MATCH (p)-[h:HAS_SKILL]->(s)
          WITH s, h ORDER BY s.id, h.level
          RETURN collect(s.id) AS skills, collect(h.level) AS levels,
                 collect(s.category) AS categories
        }
        SET p._expert_in = expert_in, p._skills = skills, p._skill_levels = levels,
            p._skill_categories = categories,
            p._covered_cities = COLLECT { MATCH (p)-[:COVERS]->(c:City)
                                          RETURN DISTINCT c.id AS city ORDER BY city },
            p._base_cities = COLLECT { MATCH (p)-[:BASED_IN]->(c:City)
                                       RETURN DISTINCT c.id AS city ORDER BY city }
"""
"""Each person's precomputed expertise and skills (`PERSON_FACTS`)."""

SET_PERSON_FACTS_REACHING: Final = SET_PERSON_FACTS + """
        RETURN p._covered_cities + p._base_cities AS cities,
               COLLECT { MATCH (p)-[:COVERS]->(park:Park) RETURN DISTINCT park.id AS park }
                 AS parks
"""
"""`SET_PERSON_FACTS`, returning per person the cities they cover or are based in and the
parks they cover (whose contact counts their facts feed): a write's one statement where
it took three (docs/benchmarks.md, "Neo4j import (session 8)")."""

EMPTY_PERSON_FACTS: Final[dict[str, list[str]]] = {
    "_expert_in": [], "_skills": [], "_skill_levels": [], "_skill_categories": [],
    "_covered_cities": [], "_base_cities": []}
"""What `SET_PERSON_FACTS` writes for a person without relationships: a person node the
write creates gets them with its properties instead of a refresh."""

EMPTY_PARK_FACTS: Final[dict[str, list[str]]] = {"_hosts": []}
"""Likewise `SET_PARK_FACTS` for a park without relationships (no `_city`)."""

PERSON_FACTS_MISSING: Final = """
        RETURN EXISTS {
          MATCH (p:Person)
          WHERE (p._skills IS NULL AND EXISTS { (p)-[:HAS_SKILL]->() })
             OR (p._expert_in IS NULL AND EXISTS { (p)-[:EXPERT_IN]->() })
             OR (p._covered_cities IS NULL AND EXISTS { (p)-[:COVERS]->(:City) })
             OR (p._base_cities IS NULL AND EXISTS { (p)-[:BASED_IN]->(:City) })
        } AS missing
"""
"""Whether some person lacks the precomputed facts (a graph written by an older version;
as for parks, a missing list may be an empty one)."""

EVERY_PERSON: Final = "MATCH (p:Person) RETURN collect(p.id) AS ids"
"""Every person's id (to rebuild their facts at start)."""


TAXONOMY: Final = """
        CALL () { MATCH (i:Industry) RETURN collect(i.id) AS industries }
        CALL () { MATCH (c:Industry)-[:SUBFIELD_OF]->(p:Industry)
                  RETURN collect([c.id, p.id]) AS edges }
        RETURN industries, edges
"""
"""Every industry and SUBFIELD_OF edge: what each industry's related set comes from."""

CITY_PEOPLE: Final = """
        UNWIND $ids AS id
        MATCH (city:City {id: id})
        CALL (city) {
          CALL (city) {
            MATCH (p:Person)-[:COVERS]->(city) RETURN p, 1 AS reach
            UNION ALL
            MATCH (p:Person)-[:BASED_IN]->(city)
            WHERE any(l IN labels(p) WHERE l IN $professional_roles)
            RETURN p, 2 AS reach
          }
          WITH p, min(reach) AS reach
          WITH p, labels(p) AS roles, reach
          WITH p, 'Broker' IN roles AND reach < 2 AS may_broker,
               any(l IN roles WHERE l IN $professional_roles) AS may_professional,
               [k IN range(0, size(coalesce(p._skills, [])) - 1)
                WHERE p._skill_categories[k] IN $categories | p._skill_levels[k]] AS levels
          WITH p, may_broker, may_professional AND size(levels) > 0 AS skilled, levels
          WHERE may_broker OR skilled
          RETURN collect([p.id, may_broker, skilled, coalesce(p._expert_in, []),
                          coalesce($certification_ranks[toString(p.certification_level)], 0),
                          reduce(best = 0, level IN levels
                                 | CASE WHEN level > best THEN level ELSE best END),
                          size(levels)]) AS people
        }
        RETURN city.id AS id, people
"""
"""The people who may count as contacts through each city (covering it, or based in it
with a professional role), each as [id, may be a broker here (a Broker covering it), has
a professional role and a skill of `$categories`, the industries they are expert in,
certification rank, best level and number of those skills]: what `CITY_CONTACTS` are
counted and ranked from (`statements/person_facts.cypher` decides the same per
question)."""

SET_CITY_CONTACTS: Final = """
        UNWIND $rows AS row
        MATCH (city:City {id: row.id})
        SET city._contact_industries = row.industries, city._contact_brokers = row.brokers,
            city._contact_professionals = row.professionals,
            city._contact_top_brokers = row.top_brokers,
            city._contact_top_broker_ends = row.top_broker_ends,
            city._contact_top_professionals = row.top_professionals,
            city._contact_top_professional_ends = row.top_professional_ends
"""
"""Each city's contact counts and best contacts per asked industry (rows from the store's
recount)."""

STALE_CITY_CONTACTS: Final = """
        UNWIND $ids AS id
        MATCH (city:City {id: id})
        REMOVE city._contact_industries, city._contact_brokers, city._contact_professionals,
               city._contact_top_brokers, city._contact_top_broker_ends,
               city._contact_top_professionals, city._contact_top_professional_ends
"""
"""Mark cities' contact counts stale (the landing query then counts their people)."""

PARK_COVERERS: Final = """
        UNWIND $ids AS id
        MATCH (park:Park {id: id})
        CALL (park) {
          MATCH (p:Person)-[:COVERS]->(park)
          WITH DISTINCT p
          WITH p, labels(p) AS roles
          WITH p, 'Broker' IN roles AS may_broker,
               any(l IN roles WHERE l IN $professional_roles) AS may_professional
          WITH p, may_broker,
               may_professional
                 AND any(c IN coalesce(p._skill_categories, []) WHERE c IN $categories)
                 AS skilled,
               CASE WHEN park._city IN coalesce(p._covered_cities, []) THEN 1
                    WHEN park._city IN coalesce(p._base_cities, []) AND may_professional
                      THEN 2
               END AS city_reach
          WHERE may_broker OR skilled
          RETURN collect([may_broker, skilled, coalesce(p._expert_in, []), city_reach])
                   AS coverers
        }
        RETURN park.id AS id, coverers
"""
"""The people who may count as contacts through each park (covering it), each as [has the
Broker role, has a professional role and a skill of `$categories`, the industries they
are expert in, how they reach the park's city (1 cover it, 2 based in it with a
professional role, null not at all)]: what `PARK_CONTACTS` are counted from."""

SET_PARK_CONTACTS: Final = """
        UNWIND $rows AS row
        MATCH (park:Park {id: row.id})
        SET park._coverer_industries = row.industries, park._coverer_brokers = row.brokers,
            park._coverer_professionals = row.professionals
"""
"""Each park's coverers' net contact counts per asked industry (rows from the store's
recount)."""

STALE_PARK_CONTACTS: Final = """
        UNWIND $ids AS id
        MATCH (park:Park {id: id})
        REMOVE park._coverer_industries, park._coverer_brokers, park._coverer_professionals
"""
"""Mark parks' coverer counts stale (the landing query then reads their coverers)."""

STALE_PARKS: Final = """
        MATCH (park:Park) WHERE park._coverer_industries IS NULL RETURN collect(park.id) AS ids
"""
"""The parks without coverer counts (stale, or written by an older version)."""

PARKS_COVERED_BY: Final = """
        UNWIND $ids AS id
        MATCH (:Person {id: id})-[:COVERS]->(park:Park)
        RETURN DISTINCT park.id AS id
"""
"""The parks the people `$ids` cover."""

CITIES_REACHED_BY: Final = """
        UNWIND $ids AS id
        MATCH (:Person {id: id})-[:COVERS|BASED_IN]->(city:City)
        RETURN DISTINCT city.id AS id
"""
"""The cities the people `$ids` cover or are based in."""

EVERY_CITY: Final = "MATCH (c:City) RETURN collect(c.id) AS ids"
"""Every city's id (a taxonomy write changes every city's counts)."""

STALE_CITIES: Final = """
        MATCH (city:City)
        WHERE city._contact_industries IS NULL OR city._contact_top_broker_ends IS NULL
        RETURN collect(city.id) AS ids
"""
"""The cities without contact counts or best contacts (stale, or written by an older
version)."""


PROOF_COUNTS: Final = schema_query(_trusted("""
        UNWIND $ids AS id
        OPTIONAL MATCH (p:{any} {{id: id}})
        RETURN id,
               CASE WHEN p IS NULL THEN 0 ELSE COUNT {{ (p)<-[:REFERRED_BY]-() }} END
                 AS referred,
               CASE WHEN p IS NULL THEN 0
                    ELSE COUNT {{ (p)-[r:COLLABORATED_WITH]-() WHERE r.stage IN $closed }}
               END AS closed
        """), any=ANY_LABEL)
"""Per id of `$ids`: REFERRED_BY relationships ending at the node and its
COLLABORATED_WITH relationships either way whose stage is in `$closed` (ProofCounter;
from the degree counts, no relationship built)."""


TIE_RELATIONSHIPS: Final = """
        CALL () {
          UNWIND $ids AS id
          MATCH (:Person {id: id})-[r:COLLABORATED_WITH]-()
          WITH DISTINCT r
          RETURN collect([startNode(r).id, endNode(r).id, properties(r)]) AS collaborations
        }
        CALL () {
          UNWIND $ids AS id
          MATCH (:Person {id: id})-[:WORKS_AT]->(employer)
          WITH DISTINCT employer
          // A second MATCH: in one pattern the person's own WORKS_AT could not count.
          MATCH (employer)<-[:WORKS_AT]-(member)
          WITH employer, collect(DISTINCT member.id) AS members
          RETURN collect([employer.id, members]) AS staff
        }
        RETURN collaborations, staff
"""
"""The COLLABORATED_WITH relationships at the people `$ids` (either way), each once, and
the staff of their employers: [organization id, ids of the people WORKS_AT it]
(TieSource)."""


def search_indexes(labels: tuple[Label, ...]) -> list[LiteralString]:
    """A TEXT index (trigrams: serves CONTAINS) on the search property, per label."""
    return [schema_query(
        "CREATE TEXT INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n._search_names)",
        name=SchemaText(f"search_names_{label.value.lower()}"), label=label)
        for label in labels]


@cache
def search_names(labels: tuple[Label, ...]) -> LiteralString:
    """The best `$limit` searchable nodes whose names contain `$needle` (lower case),
    optionally only those carrying one of `$labels`.

    Candidates come through the TEXT indexes; the score is `alliance.store.search.
    search_score` written in Cypher (a name contains it; then 1.0 a name equals it, 0.9
    the Chinese or English name starts with it, 0.8 the pinyin starts with it or with it
    minus its spaces, `$joined_needle`; else 0.7), so only the hits that survive the cut
    leave the server. The store recomputes each returned score with the shared Python
    function, which stays the definition: the parity tests fail if the two drift apart.
    """
    branch: LiteralString = """
        MATCH (n:{label})
        WHERE n._search_names CONTAINS $needle
          AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
        RETURN n, {rank} AS rank
        """
    branches = "\nUNION ALL\n".join(
        schema_query(branch, label=label, rank=rank) for rank, label in enumerate(labels))
    return _trusted(f"""
        CALL () {{
        {branches}
        }}
        WITH n, rank, n._search_parts[0] AS zh, n._search_parts[1] AS en,
             n._search_parts[2] AS pinyin
        WITH n, rank, CASE
          WHEN NOT (zh CONTAINS $needle OR en CONTAINS $needle OR pinyin CONTAINS $needle)
            THEN null
          WHEN $needle = zh OR $needle = en THEN 1.0
          WHEN zh STARTS WITH $needle OR en STARTS WITH $needle THEN 0.9
          WHEN pinyin STARTS WITH $needle OR pinyin STARTS WITH $joined_needle THEN 0.8
          ELSE 0.7
        END AS score
        WHERE score IS NOT NULL
        RETURN n ORDER BY score DESC, rank, n.id LIMIT $limit
        """)


_PATHS_OF_LENGTH: Final = """
        CALL (a, b, found) {{
          WITH * WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b AND size(found) < $k
          MATCH fw = (a)-[fr*{forward}..{forward}]-(m), bw = (b)-[br*{backward}..{backward}]-(m)
          USING JOIN ON m
          WHERE (size($types) = 0 OR all(r IN fr + br WHERE type(r) IN $types))
            AND NOT b IN nodes(fw)[..-1] AND NOT a IN nodes(bw)
          WITH DISTINCT nodes(fw) + reverse(nodes(bw))[1..] AS ns
          WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
          WITH ns ORDER BY [x IN ns | x.id] LIMIT $k
          RETURN collect(ns) AS more
        }}
        WITH a, b, found + more AS found
"""
"""The simple paths of one length (a forward half of `forward` hops joined to a backward
half of `backward` hops at their shared middle node), first `$k` by node ids; skipped
once `$k` paths were found at shorter lengths."""


@cache
def shortest_paths(max_hops: int) -> LiteralString:
    """Whether `$source` and `$target` exist, and the first `$k` simple paths between them
    by (hops, node ids), up to `max_hops` hops, direction ignored, relationship types
    optionally restricted to `$types`; with the relationships of each hop.

    Meet in the middle, like EmbeddedStore, one length at a time and stopping as soon as
    `$k` paths are found: a path of L hops is a forward half of ceil(L/2) hops from the
    source joined (hash join on the middle node) to a backward half of floor(L/2) hops
    from the target, so the work grows with degree^(L/2), not degree^L.
    """
    lengths = "".join(
        schema_query(_PATHS_OF_LENGTH, forward=(hops + 1) // 2, backward=hops // 2)
        for hops in range(1, max_hops + 1))
    return schema_query(_trusted(f"""
        OPTIONAL MATCH (a:{{any}} {{{{id: $source}}}})
        OPTIONAL MATCH (b:{{any}} {{{{id: $target}}}})
        WITH a, b, [] AS found
        {lengths.replace("{", "{{").replace("}", "}}")}
        RETURN a IS NOT NULL AS source_found, b IS NOT NULL AS target_found,
               [ns IN found[..$k] | {{{{
                 ids: [x IN ns | x.id],
                 hops: [i IN range(0, size(ns) - 2) |
                   COLLECT {{{{
                     WITH ns[i] AS x, ns[i + 1] AS y
                     MATCH (x)-[r]-(y)
                     WHERE size($types) = 0 OR type(r) IN $types
                     RETURN [type(r), startNode(r).id, endNode(r).id, properties(r)]
                   }}}}]
               }}}}] AS paths
        """), any=ANY_LABEL)


# --------------------------------------------------------------------------- evidence

_INCLUDE = re.compile(r"^[ \t]*//#include (\w+)[ \t]*\n", re.MULTILINE)
_SLOT = re.compile(r"%(\w+)%")


@cache
def _statement_file(name: str) -> str:
    """The text of `statements/<name>.cypher`, shipped in the package."""
    return (files(__package__) / "statements" / f"{name}.cypher").read_text(encoding="utf-8")


def _statement(name: str, **fragments: str) -> str:
    """A statement file with each `//#include x` line replaced by the file
    `fragments.get(x, x)` (included files may include others)."""
    return _INCLUDE.sub(lambda found: _statement(fragments.get(found[1], found[1]),
                                                 **fragments),
                        _statement_file(name))


def _template(text: str) -> LiteralString:
    """Statement text as a `schema_query` template: braces kept, `%name%` slots."""
    return _trusted(_SLOT.sub(r"{\1}", text.replace("{", "{{").replace("}", "}}")))


LANDING_CANDIDATES: Final[LiteralString] = _trusted(_statement("landing_candidates"))
"""Parks meeting the hard constraints that do not depend on rail time, with their
evidence (see statements/landing_candidates.cypher)."""

PARK_FACTS: Final[LiteralString] = _trusted(_statement("park_facts"))
"""Every park with its city and hosted industries (see statements/park_facts.cypher)."""

PARK_FAILURE_CODES: Final[LiteralString] = _trusted(_statement("park_failure_codes"))
"""Parks per failure code of a landing's hard constraints (see
statements/park_failure_codes.cypher)."""

_CANDIDATE_SOURCES: Final = {"among": "people_among",
                             "skills": "people_with_skills",
                             "verticals": "people_in_verticals",
                             "everyone": "every_person"}


@cache
def collaborator_candidates(max_hops: int, start: str, *, ids_only: bool) -> LiteralString:
    """People meeting the hard constraints (and in `$among` unless it is null). `start`
    says where candidates come from: "among" (the people `$among` names), "skills"
    (holders of a wanted skill), "verticals" (experts of a wanted vertical) or
    "everyone". Each comes with its evidence (skills,
    verticals, cities, collaboration count and up to `$max_trust_paths` shortest trust
    paths, first by node ids, within `max_hops`: an int the store clamps to 1..MAX_HOPS,
    since path bounds cannot be parameters), or with its id only.
    """
    people = "collaborator_ids" if ids_only else "collaborator_evidence"
    text = _statement("collaborator_candidates", candidates=_CANDIDATE_SOURCES[start],
                      people=people)
    return schema_query(_template(text), max_hops=max_hops)
