"""Every Cypher statement Neo4jStore runs, named for what it answers.

Values always travel as parameters. The only names ever formatted into a statement are
labels and relationship types taken from the graph_schema enums (Neo4j uses an index only
for a label written into the pattern, so `MATCH (n:$($label) ...)` would scan every node)
and small integers the store clamps itself (path lengths, which Cypher cannot take as
parameters). `schema_query` is the one place that formatting happens, and it refuses
anything that is not an enum member or an int.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final, LiteralString

from graph_schema.nodes import NODE_MODELS
from graph_schema.relationships import REL_SPECS
from graph_schema.vocabulary import Label, RelType, Role

__all__ = [
    "ANY_LABEL",
    "LANDING_CANDIDATES",
    "NEIGHBOURS",
    "NODES_BY_ID",
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
    "relationships_of_type",
    "schema_query",
    "INTERNAL_PROPERTIES",
    "SEARCH_PARTS",
    "SEARCH_PROPERTY",
    "search_indexes",
    "search_names",
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

INTERNAL_PROPERTIES: Final = frozenset({SEARCH_PROPERTY, SEARCH_PARTS})


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

_PERSON_FACTS: Final = """
    WITH p, reach,
         COLLECT { MATCH (p)-[:EXPERT_IN]->(i) WHERE i.id IN related
                   RETURN i.id ORDER BY i.id } AS expert,
         COLLECT { MATCH (p)-[h:HAS_SKILL]->(s:Skill) WHERE s.category IN $categories
                   RETURN [s.id, h.level] ORDER BY s.id, h.level } AS skills
    WITH p, reach, expert, skills,
         'Broker' IN labels(p) AND size(expert) > 0 AS broker,
         any(l IN labels(p) WHERE l IN $professional_roles) AND size(skills) > 0
           AS professional
    WHERE broker OR professional
    WITH reach, broker, professional,
         {id: p.id, node: p, reach: reach, expert: expert, skills: skills,
          rank: coalesce($certification_ranks[toString(p.certification_level)], 0),
          best: reduce(best = 0, s IN skills | CASE WHEN s[1] > best THEN s[1] ELSE best END)
         } AS contact
"""
"""A possible contact `p` (at `reach`: 0 covers the park, 1 covers the city, 2 is based in
it) with what the contact rules need: related expertise, skills of the wanted categories,
whether they could be a broker or a professional, and the ranks they sort by."""


LANDING_CANDIDATES: Final[LiteralString] = _trusted("""
OPTIONAL MATCH (origin:City {id: $origin_city})
OPTIONAL MATCH (industry:Industry {id: $industry})
CALL (industry) {
  // Upwards: the chain of smallest-id parents (as embedded_evidence.taxonomy walks it).
  OPTIONAL MATCH chain = (industry)-[:SUBFIELD_OF*1..]->()
  WHERE all(i IN range(0, length(chain) - 1)
            WHERE nodes(chain)[i + 1].id = COLLECT {
                    WITH nodes(chain)[i] AS x
                    MATCH (x)-[:SUBFIELD_OF]->(parent) RETURN parent.id ORDER BY parent.id LIMIT 1
                  }[0])
    AND all(i IN range(0, length(chain) - 1) WHERE NOT nodes(chain)[i] IN nodes(chain)[i + 1..])
  RETURN collect(last(nodes(chain)).id) AS above
}
CALL (industry) {
  // Downwards: every descendant.
  OPTIONAL MATCH (below)-[:SUBFIELD_OF*1..]->(industry) WHERE below <> industry
  RETURN collect(DISTINCT below.id) AS below
}
WITH origin, industry, [industry.id] + above AS upward, [industry.id] + above + below AS related
CALL (origin, industry, related, upward) {
  WITH * WHERE origin IS NOT NULL AND industry IS NOT NULL
  MATCH (park:Park)
  WHERE park.available_area_m2 >= $min_area_m2
    AND all(f IN $facility_types WHERE f IN park.facility_types)
    AND ($max_rent IS NULL OR park.rent_cny_m2_month <= $max_rent)
  CALL (park) {
    MATCH (park)-[:IN_CITY]->(c) RETURN c AS city ORDER BY c.id LIMIT 1
  }
  WITH park, city, related, upward,
       COLLECT { MATCH (park)-[h:HOSTS]->(i) WHERE i.id IN related
                 RETURN [i.id, coalesce(h.strength, 1.0)] } AS hosts
  WHERE size(hosts) > 0
  // What belongs to the city is gathered once per city, not once per park.
  WITH city, related, upward, collect({park: park, hosts: hosts}) AS parks_here
  CALL (city, related) {
    CALL (city) {
      MATCH (p:Person)-[:COVERS]->(city) RETURN p, 1 AS reach
      UNION ALL
      MATCH (p:Person)-[:BASED_IN]->(city) RETURN p, 2 AS reach
    }
    WITH p, min(reach) AS reach
""" + _PERSON_FACTS + """
    RETURN collect(CASE WHEN broker AND reach = 1 THEN contact END) AS city_brokers,
           collect(CASE WHEN NOT (broker AND reach = 1) AND professional THEN contact END)
             AS city_professionals
  }
  WITH city, related, upward, parks_here, city_brokers, city_professionals,
       COLLECT {
         MATCH (policy:Policy)-[:OFFERED_IN]->(city)
         WHERE policy.valid_from <= $as_of
           AND (policy.valid_to IS NULL OR $as_of <= policy.valid_to)
         WITH policy,
              COLLECT { MATCH (policy)-[:TARGETS]->(t) RETURN t.id ORDER BY t.id } AS targets
         WHERE size(targets) = 0 OR any(t IN targets WHERE t IN upward)
         RETURN {node: policy, targets: targets}
       } AS city_policies
  UNWIND parks_here AS here
  WITH city, related, upward, city_brokers, city_professionals, city_policies,
       here.park AS park, here.hosts AS hosts
  CALL (park, related) {
    MATCH (p)-[:COVERS]->(park)
    WITH DISTINCT p, 0 AS reach
""" + _PERSON_FACTS + """
    RETURN collect(CASE WHEN broker THEN contact END) AS park_brokers,
           collect(CASE WHEN NOT broker THEN contact END) AS park_professionals
  }
  WITH city, city_policies, park, hosts, upward, related,
       COLLECT { MATCH (p)-[:COVERS]->(park) RETURN p.id } AS covering,
       park_brokers, park_professionals, city_brokers, city_professionals
  WITH city, city_policies, park, hosts, upward, related,
       park_brokers + [c IN city_brokers WHERE NOT c.id IN covering] AS brokers,
       park_professionals + [c IN city_professionals WHERE NOT c.id IN covering]
         AS professionals
  WITH city, city_policies, park, hosts,
       size(brokers) AS broker_total, size(professionals) AS professional_total,
       COLLECT { UNWIND brokers AS c
                 RETURN c ORDER BY c.rank DESC, size(c.expert) DESC, c.id LIMIT $keep }
         AS best_brokers,
       COLLECT { UNWIND professionals AS c
                 RETURN c ORDER BY c.best DESC, size(c.skills) DESC, c.id LIMIT $keep }
         AS best_professionals,
       COLLECT {
         MATCH (policy:Policy)-[:OFFERED_IN]->(park)
         WHERE policy.valid_from <= $as_of
           AND (policy.valid_to IS NULL OR $as_of <= policy.valid_to)
         WITH policy,
              COLLECT { MATCH (policy)-[:TARGETS]->(t) RETURN t.id ORDER BY t.id } AS targets
         WHERE size(targets) = 0 OR any(t IN targets WHERE t IN upward)
         RETURN {node: policy, targets: targets}
       } AS park_policies,
       COLLECT { MATCH (c)-[:LANDED_IN]->(park) RETURN DISTINCT c.id } AS landed,
       COLLECT { MATCH (c)-[:LANDED_IN]->(park)
                 WHERE EXISTS { MATCH (c)-[:IN_INDUSTRY]->(i) WHERE i.id IN related }
                 RETURN DISTINCT c.id ORDER BY c.id } AS related_landings,
       COLLECT { MATCH (r)-[:REFERRED_TO]->(park)
                 WITH toString(r.stage) AS stage, count(*) AS n
                 RETURN [stage, n] ORDER BY stage } AS referrals
  WITH city, city_policies,
       collect({park: park, hosts: hosts, policies: park_policies,
                contacts: [c IN best_brokers | c {.*, kind: 'broker'}]
                          + [c IN best_professionals | c {.*, kind: 'professional'}],
                broker_total: broker_total,
                professional_total: professional_total, landed: size(landed),
                related_landings: related_landings, referrals: referrals}) AS parks_here
  RETURN collect({city: city, policies: city_policies, parks: parks_here}) AS found
}
RETURN origin IS NOT NULL AS origin_found, industry IS NOT NULL AS industry_found,
       COLLECT { MATCH (c:Industry)-[:SUBFIELD_OF]->(p) RETURN [c.id, p.id] } AS taxonomy,
       COLLECT { MATCH (a:City)-[h:HSR_LINK]->(b) RETURN [a.id, b.id, h.minutes, h.km] }
         AS links,
       [place IN found | {
          city: place.city,
          policies: [x IN place.policies | x {.targets, id: x.node.id}],
          parks: [pk IN place.parks | pk {
            .park, .hosts, .broker_total, .professional_total, .landed, .related_landings,
            .referrals,
            policies: [x IN pk.policies | x {.targets, id: x.node.id}],
            contacts: [x IN pk.contacts | x {.kind, .reach, .expert, .skills, id: x.node.id}]
          }]
       }] AS cities,
       COLLECT {
         // (A UNION here runs out of transaction memory on Neo4j 5.26; this does not.)
         UNWIND found AS place
         UNWIND place.policies
                + reduce(acc = [], pk IN place.parks | acc + pk.policies + pk.contacts) AS x
         RETURN DISTINCT x.node AS n
       } AS nodes
""")
"""Parks meeting the hard constraints that do not depend on rail time, each with every
piece of evidence: hosted related industries, policies valid on the date (park or city)
with their targets, the best `$keep` brokers and professionals reaching it with how many
there are of each, landings and referral stages; plus the HSR links and the SUBFIELD_OF
edges the store needs to finish in Python (rail routing is shared with EmbeddedStore
through `alliance.store.rail`, and the industry chains shown as paths).

The related industries are exactly `embedded_evidence.taxonomy`'s: the chain of
smallest-id parents upwards and every descendant. Parks come grouped by city, with the
city's policies and people worked out once per city; policies and people come once each,
in `nodes`, and everything else refers to them by id."""


_COLLABORATOR_CANDIDATES: Final[LiteralString] = """
OPTIONAL MATCH (asker:Person {{id: $asker}})
WITH asker,
     [s IN $skills WHERE NOT EXISTS {{ MATCH (x:Skill {{id: s}}) }}] AS missing_skills,
     [v IN $verticals WHERE NOT EXISTS {{ MATCH (x:Industry {{id: v}}) }}] AS missing_verticals,
     [c IN $cities WHERE NOT EXISTS {{ MATCH (x:City {{id: c}}) }}] AS missing_cities
CALL (asker, missing_skills, missing_verticals, missing_cities) {{
  WITH * WHERE ($asker IS NULL OR asker IS NOT NULL) AND size(missing_skills) = 0
               AND size(missing_verticals) = 0 AND size(missing_cities) = 0
  WITH asker, COLLECT {{ MATCH (x:Industry)-[:SUBFIELD_OF*0..]->(v:Industry)
                        WHERE v.id IN $verticals RETURN DISTINCT x.id }} AS wanted_verticals
  {candidates}
  WITH asker, wanted_verticals, p
  WHERE NOT p.id IN $excluded
    AND (size($roles) = 0 OR any(l IN labels(p) WHERE l IN $roles))
    AND ($min_rank IS NULL OR $ranks[toString(p.certification_level)] >= $min_rank)
  WITH asker, wanted_verticals, p,
       COLLECT {{ MATCH (p)-[h:HAS_SKILL]->(s) RETURN [s.id, h.level] ORDER BY s.id, h.level }}
         AS all_skills,
       COLLECT {{ MATCH (p)-[:EXPERT_IN]->(i) RETURN i.id ORDER BY i.id }} AS verticals
  WITH asker, p, all_skills, verticals,
       [x IN all_skills WHERE x[0] IN $skills AND x[1] >= $min_level] AS matched
  WHERE (size($skills) = 0
         OR (size(matched) > 0 AND (NOT $require_all OR size(matched) = size($skills))))
    AND (size(wanted_verticals) = 0 OR any(v IN verticals WHERE v IN wanted_verticals))
  WITH asker, p, all_skills, verticals,
       COLLECT {{ MATCH (p)-[:BASED_IN]->(c) RETURN c.id ORDER BY c.id }} AS base,
       COLLECT {{ MATCH (p)-[:COVERS]->(c:City) RETURN c.id AS id
                 UNION
                 MATCH (p)-[:COVERS]->(x)-[:IN_CITY]->(c) WHERE NOT x:City RETURN c.id AS id }}
         AS covered
  WHERE size($cities) = 0 OR any(c IN base + covered WHERE c IN $cities)
  CALL (asker, p) {{
    WITH * WHERE asker IS NOT NULL AND $trust
    MATCH path = ALL SHORTEST (asker)-[:COLLABORATED_WITH|WORKS_AT]-{{1,{max_hops}}}(p)
    WITH DISTINCT nodes(path) AS ns
    ORDER BY [x IN ns | x.id]
    LIMIT $max_trust_paths
    RETURN collect({{
      ids: [x IN ns | x.id],
      hops: [i IN range(0, size(ns) - 2) |
              COLLECT {{
                WITH ns[i] AS x, ns[i + 1] AS y
                MATCH (x)-[r:COLLABORATED_WITH|WORKS_AT]-(y)
                RETURN [type(r), startNode(r).id, endNode(r).id, properties(r)]
              }}]
    }}) AS trust
  }}
  RETURN collect({{
    person: p, skills: all_skills, verticals: verticals, base: base, covered: covered,
    collaborations: COUNT {{ (p)-[:COLLABORATED_WITH]-() }}, trust: trust
  }}) AS people
}}
RETURN asker IS NOT NULL AS asker_found, missing_skills, missing_verticals, missing_cities,
       people
"""


_PEOPLE_WITH_SKILLS: Final = """
  CALL () {{
    MATCH (s:Skill)<-[h:HAS_SKILL]-(p:Person)
    WHERE s.id IN $skills AND h.level >= $min_level
    RETURN DISTINCT p
  }}"""
"""Candidates when skills are asked for: start from the skills (an index seek each)."""

_PEOPLE_IN_VERTICALS: Final = """
  CALL (wanted_verticals) {{
    MATCH (i:Industry)<-[:EXPERT_IN]-(p:Person)
    WHERE i.id IN wanted_verticals
    RETURN DISTINCT p
  }}"""
"""Candidates when verticals but no skills are asked for: the verticals' experts."""

_EVERY_PERSON: Final = """
  MATCH (p:Person)"""
"""Candidates when neither is asked for: every person."""

_CANDIDATE_SOURCES: Final = {"skills": _PEOPLE_WITH_SKILLS, "verticals": _PEOPLE_IN_VERTICALS,
                             "everyone": _EVERY_PERSON}


@cache
def collaborator_candidates(max_hops: int, start: str) -> LiteralString:
    """People meeting the hard constraints with skills, verticals, cities, collaboration
    count and up to `$max_trust_paths` shortest trust paths (first by node ids) within
    `max_hops` (an int the store clamps to 1..MAX_HOPS: path bounds cannot be
    parameters). `start` says where candidates come from: "skills" (holders of a wanted
    skill), "verticals" (experts of a wanted vertical) or "everyone".
    """
    template = _COLLABORATOR_CANDIDATES.replace("{candidates}", _CANDIDATE_SOURCES[start])
    return schema_query(template, max_hops=max_hops)
