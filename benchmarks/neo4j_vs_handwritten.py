"""The same questions three ways: EmbeddedStore, Neo4jStore, and hand-written Cypher.

On one synthetic corridor graph (--nodes nodes, loaded into both stores) the landing and
collaborator questions are asked of

- EmbeddedStore (NetworkX traversals in this process),
- Neo4jStore (this project's one-query-per-question Cypher plus its Python assembly of
  exact evidence: records, paths, ranks), and
- the same question written by hand in Cypher and run with the bare driver: the best
  answer-sized query we could write against this database (for landing: parks from the
  related industries, the stored rail minutes, contacts ranked once per candidate city),
  returning ids and numbers only. Its candidate parks are compared with the store's (the
  "same parks" line), so the Neo4jStore / hand-written ratio is the price of exact,
  explained answers (records, paths, the shared Python assembly) over a bare query.

The landing is asked twice: as the landing service's first question, "ranking" (every
candidate with its contact totals, no contact shown: the store reads each city's kept
contact counts, and so may the hand-written query), and with contacts shown.

It prints median and p95 latency per question kind and way, the Neo4jStore / hand-written
ratio, the import throughput into Neo4j (records/s, batches of --batch-size in one write
transaction each), and name search by substring scan (the store) against the full-text
index (hand-written), with how many substring matches the index misses.

THE TARGET DATABASE IS EMPTIED. A database that has nodes is refused unless --wipe.
With `--existing FILE` nothing is loaded or emptied: the database already holds the graph
of that EmbeddedStore file (e.g. imported offline from a copy of it, docs/operations.md),
which is opened read-only as the embedded side, and the questions are drawn from it (no
import figure then).

    tools/neo4j.sh start            # prints bolt://127.0.0.1:PORT
    python benchmarks/neo4j_vs_handwritten.py --uri bolt://127.0.0.1:PORT --nodes 10000
    python benchmarks/neo4j_vs_handwritten.py --uri bolt://127.0.0.1:PORT \
        --existing /path/to/copy-of-s1e5.sqlite3 --questions 10
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any, Final, LiteralString

from neo4j import GraphDatabase, RoutingControl
from rich.console import Console
from rich.table import Table

from alliance.ingest.records import RecordBatch
from alliance.ingest.synth import synthesize
from alliance.services.ingest import load
from alliance.store.base import CollaboratorFilter, LandingFilter
from alliance.store.embedded import EmbeddedStore
from alliance.store.evidence import CERTIFICATION_RANK, PROFESSIONAL_ROLES
from alliance.store.neo4j import Neo4jStore
from graph_schema.records import NodeRecord
from graph_schema.vocabulary import FacilityType, Label

AS_OF = date(2025, 6, 30)

_PARK_POLICIES_AND_RECORD: Final[LiteralString] = """
  COLLECT {
    UNWIND [(x:Policy)-[:OFFERED_IN]->(park) | x] + [(x:Policy)-[:OFFERED_IN]->(city) | x]
      AS policy
    WITH policy WHERE policy.valid_from <= $as_of
      AND (policy.valid_to IS NULL OR $as_of <= policy.valid_to)
      AND (NOT EXISTS { (policy)-[:TARGETS]->() }
           OR EXISTS { (policy)-[:TARGETS]->(t) WHERE t.id IN upward })
    RETURN DISTINCT policy.id
  } AS policies,
  COUNT { (c)-[:LANDED_IN]->(park) } AS landed,
  COLLECT { MATCH (r)-[:REFERRED_TO]->(park) WITH r.stage AS stage, count(*) AS n
            RETURN [stage, n] } AS referrals
ORDER BY park
"""
"""The end of both hand-written landing questions: each park's policies in force for the
asked industry, and its track record (companies landed, referrals by stage)."""

_PERSON_RANKS: Final[LiteralString] = """
  {id: p.id,
   known: size([x IN coalesce(p._expert_in, []) WHERE x IN related_ids]),
   rank: coalesce($ranks[toString(p.certification_level)], 0),
   levels: [k IN range(0, size(coalesce(p._skills, [])) - 1)
            WHERE p._skill_categories[k] IN $categories | p._skill_levels[k]]}
"""
"""What a contact is ranked by, from the person's precomputed facts (expertise in the
related industries, certification rank, levels of the wanted skill categories)."""

HANDWRITTEN_LANDING: Final[LiteralString] = """
MATCH (origin:City {id: $origin_city}), (asked:Industry {id: $industry})
WITH origin, asked,
     COLLECT { MATCH (i:Industry)-[:SUBFIELD_OF*0..]->(asked) RETURN i }
     + COLLECT { MATCH (asked)-[:SUBFIELD_OF*1..]->(i) RETURN i } AS related,
     COLLECT { MATCH (asked)-[:SUBFIELD_OF*0..]->(i) RETURN i.id } AS upward,
     [k IN range(0, size(origin._rail_cities) - 1)
      WHERE $max_minutes IS NULL OR origin._rail_minutes[k] <= $max_minutes
      | [origin._rail_cities[k], origin._rail_minutes[k]]] AS reachable
WITH related, upward, reachable, [i IN related | i.id] AS related_ids
UNWIND related AS hosted
MATCH (hosted)<-[h:HOSTS]-(park:Park)
WHERE park.available_area_m2 >= $min_area_m2
  AND all(f IN $facility_types WHERE f IN park.facility_types)
  AND ($max_rent IS NULL OR park.rent_cny_m2_month <= $max_rent)
WITH park, related_ids, upward, reachable,
     collect([hosted.id, coalesce(h.strength, 1.0)]) AS industries
WITH park, related_ids, upward, industries,
     [r IN reachable WHERE r[0] = park._city][0][1] AS minutes
WHERE minutes IS NOT NULL
MATCH (city:City {id: park._city})
WITH city, related_ids, upward,
     collect({park: park, minutes: minutes, industries: industries}) AS parks,
     [k IN range(0, size(city._contact_industries) - 1)
      WHERE city._contact_industries[k] = $industry][0] AS at
// The city's kept best brokers and professionals for the asked industry (the lists the
// store keeps beside the city's counts), ranked from their precomputed facts.
WITH city, related_ids, upward, parks, at,
     city._contact_top_brokers[CASE at WHEN 0 THEN 0 ELSE city._contact_top_broker_ends[at - 1] END
                               ..city._contact_top_broker_ends[at]] AS top_brokers,
     city._contact_top_professionals[
       CASE at WHEN 0 THEN 0 ELSE city._contact_top_professional_ends[at - 1] END
       ..city._contact_top_professional_ends[at]] AS top_professionals
CALL (related_ids, top_brokers) {
  UNWIND top_brokers AS id MATCH (p:Person {id: id})
  RETURN collect(""" + _PERSON_RANKS + """) AS city_brokers
}
CALL (related_ids, top_professionals) {
  UNWIND top_professionals AS id MATCH (p:Person {id: id})
  RETURN collect(""" + _PERSON_RANKS + """) AS city_professionals
}
UNWIND parks AS here
WITH city, at, related_ids, upward, city_brokers, city_professionals,
     here.park AS park, here.minutes AS minutes, here.industries AS industries
// The park's own coverers, ranked the same way.
CALL (park, related_ids) {
  MATCH (p:Person)-[:COVERS]->(park)
  WITH DISTINCT p
  WITH p, p:Broker AS may_broker,
       any(l IN labels(p) WHERE l IN $professional_roles) AS may_professional,
       """ + _PERSON_RANKS + """ AS c
  WITH p, may_broker AND c.known > 0 AS broker, may_professional AND size(c.levels) > 0
       AS skilled, c
  RETURN collect(p.id) AS covering,
         collect(CASE WHEN broker THEN c END) AS park_brokers,
         collect(CASE WHEN NOT broker AND skilled THEN c END) AS park_professionals
}
WITH park, city, at, minutes, industries, upward,
     park_brokers + [c IN city_brokers WHERE NOT c.id IN covering] AS brokers,
     park_professionals + [c IN city_professionals WHERE NOT c.id IN covering] AS professionals,
     [k IN range(0, size(park._coverer_industries) - 1)
      WHERE park._coverer_industries[k] = $industry][0] AS here
RETURN park.id AS park, city.id AS city, minutes, industries,
  park._coverer_brokers[here] + city._contact_brokers[at] AS broker_total,
  park._coverer_professionals[here] + city._contact_professionals[at] AS professional_total,
  COLLECT { UNWIND brokers AS c RETURN c.id ORDER BY c.rank DESC, c.known DESC, c.id LIMIT 5 }
    AS brokers,
  COLLECT { UNWIND professionals AS c
            WITH c, reduce(best = 0, l IN c.levels | CASE WHEN l > best THEN l ELSE best END)
              AS best
            RETURN c.id ORDER BY best DESC, size(c.levels) DESC, c.id LIMIT 5 }
    AS professionals,
""" + _PARK_POLICIES_AND_RECORD
"""The same landing question (contacts shown) as the best hand-written Cypher we could
write against this database: answer-sized like the store's query and allowed what the
store keeps (parks from the related industries' HOSTS, the rail limit from the cities'
stored fastest minutes, the totals from the cities' and parks' kept counts, the shown
contacts from each city's kept best people per asked industry plus the park's own
coverers, ranked from the people's precomputed facts), returning ids and numbers only:
no node records, no explanation paths, no rail route, no Python assembly. It does not
check, as the store does, that the kept lists still leave each park its 5 once its own
coverers are taken out (a lower bound, not always the same contacts). The Neo4jStore /
hand-written ratio is the price of exact, explained answers."""

HANDWRITTEN_RANKING: Final[LiteralString] = """
MATCH (origin:City {id: $origin_city}), (asked:Industry {id: $industry})
WITH origin, asked,
     COLLECT { MATCH (i:Industry)-[:SUBFIELD_OF*0..]->(asked) RETURN i }
     + COLLECT { MATCH (asked)-[:SUBFIELD_OF*1..]->(i) RETURN i } AS related,
     COLLECT { MATCH (asked)-[:SUBFIELD_OF*0..]->(i) RETURN i.id } AS upward,
     [k IN range(0, size(origin._rail_cities) - 1)
      WHERE $max_minutes IS NULL OR origin._rail_minutes[k] <= $max_minutes
      | [origin._rail_cities[k], origin._rail_minutes[k]]] AS reachable
WITH related, upward, reachable, [i IN related | i.id] AS related_ids
UNWIND related AS hosted
MATCH (hosted)<-[h:HOSTS]-(park:Park)
WHERE park.available_area_m2 >= $min_area_m2
  AND all(f IN $facility_types WHERE f IN park.facility_types)
  AND ($max_rent IS NULL OR park.rent_cny_m2_month <= $max_rent)
WITH park, related_ids, upward, reachable,
     collect([hosted.id, coalesce(h.strength, 1.0)]) AS industries
WITH park, related_ids, upward, industries,
     [r IN reachable WHERE r[0] = park._city][0][1] AS minutes
WHERE minutes IS NOT NULL
MATCH (city:City {id: park._city})
WITH park, city, minutes, industries, related_ids, upward,
     [k IN range(0, size(city._contact_industries) - 1)
      WHERE city._contact_industries[k] = $industry][0] AS at,
     [k IN range(0, size(park._coverer_industries) - 1)
      WHERE park._coverer_industries[k] = $industry][0] AS here
RETURN park.id AS park, city.id AS city, minutes, industries,
  park._coverer_brokers[here] + city._contact_brokers[at] AS broker_total,
  park._coverer_professionals[here] + city._contact_professionals[at] AS professional_total,
""" + _PARK_POLICIES_AND_RECORD
"""The landing's ranking question (every candidate with its contact totals, no contact
shown) by hand, allowed the same precomputed properties the store keeps (each city's
contact counts per asked industry, each park's city and its coverers' numbers, each
person's facts): ids and numbers only. Its totals are compared with the store's (the
"same totals" line)."""

HANDWRITTEN_COLLABORATORS: Final[LiteralString] = """
MATCH (p:Person)-[h:HAS_SKILL]->(s:Skill)
WHERE s.id IN $skills AND h.level >= $min_level AND NOT p.id IN $excluded
WITH p, collect([s.id, h.level]) AS skills
WHERE (size($verticals) = 0
       OR EXISTS { (p)-[:EXPERT_IN]->(i) WHERE i.id IN $verticals
                   OR EXISTS { (i)-[:SUBFIELD_OF*1..]->(v) WHERE v.id IN $verticals } })
  AND (size($cities) = 0
       OR EXISTS { (p)-[:BASED_IN|COVERS]->(c:City) WHERE c.id IN $cities }
       OR EXISTS { (p)-[:COVERS]->(:Park)-[:IN_CITY]->(c) WHERE c.id IN $cities })
OPTIONAL MATCH (asker:Person {id: $asker})
CALL (asker, p) {
  OPTIONAL MATCH path = ALL SHORTEST (asker)-[:COLLABORATED_WITH|WORKS_AT]-{1,3}(p)
  WITH path WHERE path IS NOT NULL
  RETURN collect([n IN nodes(path) | n.id])[..16] AS trust
}
RETURN p.id AS person, skills, trust ORDER BY person
"""
"""People with the wanted skills, vertical and city, and their trust paths, by hand."""

HANDWRITTEN_SEARCH: Final[LiteralString] = (
    "CALL db.index.fulltext.queryNodes('entity_names', $query, {limit: $limit}) "
    "YIELD node, score RETURN node.id AS id, score")
"""Name search with the full-text index (CJK analyzer), the usual hand-written way."""


@dataclass
class Timings:
    samples: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def time(self, kind: str, way: str, action: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        answer = action()
        self.samples.setdefault((kind, way), []).append((time.perf_counter() - start) * 1000)
        return answer

    def summary(self, kind: str, way: str) -> tuple[float, float]:
        values = sorted(self.samples[(kind, way)])
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return statistics.median(values), p95


def synthetic(nodes: int) -> RecordBatch:
    batch = RecordBatch.of(synthesize(nodes=nodes, seed=7))
    return batch


@dataclass
class _Drawn:
    """The nodes the questions are drawn from (a RecordBatch's `nodes`, or an existing
    store's cities, industries, people and skills)."""

    nodes: list[NodeRecord]


def _drawn_from(embedded: EmbeddedStore) -> _Drawn:
    nodes: list[NodeRecord] = []
    for label in (Label.CITY, Label.INDUSTRY, Label.PERSON, Label.SKILL):
        after: str | None = None
        while page := embedded.list_nodes(label, after=after, limit=500):
            nodes.extend(page)
            after = page[-1].id
    return _Drawn(nodes)


def landing_questions(batch: RecordBatch | _Drawn, count: int) -> list[LandingFilter]:
    rng = random.Random(1)
    cities = [n.id for n in batch.nodes if n.label is Label.CITY]
    industries = [n.id for n in batch.nodes if n.label is Label.INDUSTRY]
    return [LandingFilter(
        origin_city=cities[0] if index % 2 == 0 else rng.choice(cities),
        industry=rng.choice(industries),
        min_area_m2=rng.choice([0.0, 1000.0, 3000.0]),
        facility_types=tuple(rng.sample([FacilityType.CLEANROOM, FacilityType.OFFICE],
                                        rng.choice([0, 0, 1]))),
        max_rent_cny_m2_month=rng.choice([None, 60.0]),
        max_rail_minutes=rng.choice([None, 60, 120]),
        as_of=AS_OF,
    ) for index in range(count)]


def collaborator_questions(batch: RecordBatch | _Drawn, count: int) -> list[CollaboratorFilter]:
    rng = random.Random(2)
    people = [n.id for n in batch.nodes if n.label is Label.PERSON]
    skills = [n.id for n in batch.nodes if n.label is Label.SKILL]
    cities = [n.id for n in batch.nodes if n.label is Label.CITY]
    industries = [n.id for n in batch.nodes if n.label is Label.INDUSTRY]
    return [CollaboratorFilter(
        skills=tuple(rng.sample(skills, rng.choice([1, 2]))),
        min_level=rng.choice([1, 3]),
        verticals=tuple(rng.sample(industries, rng.choice([0, 1]))),
        cities=tuple(rng.sample(cities, rng.choice([0, 1]))),
        asker=rng.choice(people), max_hops=3,
    ) for _ in range(count)]


def landing_parameters(query: LandingFilter) -> dict[str, Any]:
    return {"origin_city": query.origin_city, "industry": query.industry,
            "min_area_m2": query.min_area_m2,
            "facility_types": [f.value for f in query.facility_types],
            "max_rent": query.max_rent_cny_m2_month, "max_minutes": query.max_rail_minutes,
            "as_of": query.as_of.isoformat(), "ranks": CERTIFICATION_RANK,
            "categories": list(query.contact_skill_categories),
            "professional_roles": sorted(role.value for role in PROFESSIONAL_ROLES)}


def collaborator_parameters(query: CollaboratorFilter) -> dict[str, Any]:
    return {"skills": list(query.skills), "min_level": query.min_level,
            "verticals": list(query.verticals), "cities": list(query.cities),
            "asker": query.asker, "excluded": [query.asker]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--user", default=None)
    parser.add_argument("--password", default=None)
    parser.add_argument("--database", default="neo4j")
    parser.add_argument("--questions", type=int, default=20, help="Questions per kind.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per question and way.")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--wipe", action="store_true",
                        help="Empty a database that already has nodes.")
    parser.add_argument("--existing", default=None,
                        help="An EmbeddedStore file whose graph the database already holds: "
                             "nothing is loaded or emptied.")
    args = parser.parse_args()
    console = Console()
    auth = (args.user, args.password) if args.user else None

    store = Neo4jStore(args.uri, auth=auth, database=args.database)
    driver = GraphDatabase.driver(args.uri, auth=auth)
    import_seconds: float | None = None
    if args.existing:
        embedded = EmbeddedStore(args.existing, read_only=True)
        batch: RecordBatch | _Drawn = _drawn_from(embedded)
        counts = store.counts()
        records = sum(counts.labels[label.value] for label in Label) + sum(
            counts.relationships.values())
        console.print(f"existing graph ({args.existing}): {records:,} records")
    else:
        graph = synthetic(args.nodes)
        batch = graph
        records = len(graph.nodes) + len(graph.relationships)
        console.print(f"synthetic graph: {len(graph.nodes):,} nodes, "
                      f"{len(graph.relationships):,} relationships")
        embedded = EmbeddedStore(":memory:", synchronous="NORMAL")
        load(embedded, graph, chunk_size=20_000)
        if any(store.counts().labels.values()) and not args.wipe:
            sys.exit(f"{args.uri} has data; pass --wipe to empty it for the benchmark")
        with driver.session(database=args.database) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                        ).consume()
        start = time.perf_counter()
        load(store, graph, chunk_size=args.batch_size)
        store.refresh_city_contacts()  # what a bulk load left stale is part of its cost
        import_seconds = time.perf_counter() - start

    def bare(query: LiteralString, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        rows, _, _ = driver.execute_query(query, parameters, routing_=RoutingControl.READ,
                                          database_=args.database)
        return [row.data() for row in rows]

    timings = Timings()
    landing = landing_questions(batch, args.questions)
    collaborators = collaborator_questions(batch, args.questions)
    for query in landing:  # warm-up: plans compiled, caches filled
        store.landing_candidates(query)
        bare(HANDWRITTEN_LANDING, landing_parameters(query))
    for cquery in collaborators:
        store.collaborator_candidates(cquery)
        bare(HANDWRITTEN_COLLABORATORS, collaborator_parameters(cquery))
    ranking = [replace(query, contacts_per_kind=0) for query in landing]
    for query in ranking:
        store.landing_candidates(query)
        bare(HANDWRITTEN_RANKING, landing_parameters(query))
    same = same_parks = same_totals = 0
    for _ in range(args.repeat):
        for query in ranking:
            timings.time("ranking", "embedded", partial(embedded.landing_candidates, query))
            answer = timings.time("ranking", "neo4j store",
                                  partial(store.landing_candidates, query))
            rows = timings.time("ranking", "hand-written",
                                partial(bare, HANDWRITTEN_RANKING, landing_parameters(query)))
            same_totals += [(row["park"], row["broker_total"], row["professional_total"])
                            for row in rows] == [(c.park.id, c.broker_total,
                                                  c.professional_total) for c in answer]
        for query in landing:
            expected = timings.time("landing", "embedded",
                                    partial(embedded.landing_candidates, query))
            answer = timings.time("landing", "neo4j store",
                                  partial(store.landing_candidates, query))
            rows = timings.time("landing", "hand-written",
                                partial(bare, HANDWRITTEN_LANDING, landing_parameters(query)))
            same += expected == answer
            same_parks += [row["park"] for row in rows] == [c.park.id for c in answer]
        for cquery in collaborators:
            expected_c = timings.time("collaborators", "embedded",
                                      partial(embedded.collaborator_candidates, cquery))
            answer_c = timings.time("collaborators", "neo4j store",
                                    partial(store.collaborator_candidates, cquery))
            timings.time("collaborators", "hand-written",
                         partial(bare, HANDWRITTEN_COLLABORATORS,
                                 collaborator_parameters(cquery)))
            same += expected_c == answer_c

    missed = found = 0
    names = ["苏州", "上海", "园区", "医疗", "Park", "ndustri", "suzhou", "su zhou", "bio"]
    for text in names:  # warm-up
        store.search(text, limit=50)
        bare(HANDWRITTEN_SEARCH, {"query": text, "limit": 50})
    for _ in range(args.repeat):
        for text in names:
            timings.time("search", "embedded", partial(embedded.search, text, limit=50))
            hits = timings.time("search", "neo4j store", partial(store.search, text, limit=50))
            indexed = timings.time("search", "hand-written",
                                   partial(bare, HANDWRITTEN_SEARCH, {"query": text, "limit": 50}))
            found += len(hits)
            missed += len({hit.node.id for hit in hits} - {row["id"] for row in indexed})

    rust = importlib.util.find_spec("neo4j._rust") is not None
    table = Table(title=f"{len(batch.nodes):,} nodes, {args.questions} questions x "
                        f"{args.repeat} runs (ms; neo4j-rust-ext {'on' if rust else 'off'})")
    for column in ("question", "way", "median", "p95", "neo4j store / hand-written"):
        table.add_column(column, justify="left" if column in ("question", "way") else "right")
    for kind in ("ranking", "landing", "collaborators", "search"):
        hand = timings.summary(kind, "hand-written")[0]
        for way in ("embedded", "neo4j store", "hand-written"):
            median, p95 = timings.summary(kind, way)
            ratio = f"{median / hand:.2f}" if way == "neo4j store" else ""
            table.add_row(kind, way, f"{median:.1f}", f"{p95:.1f}", ratio)
    console.print(table)
    if import_seconds is not None:
        console.print(f"import into Neo4j: {records:,} records in {import_seconds:.1f} s = "
                      f"{records / import_seconds:,.0f} records/s "
                      f"(batches of {args.batch_size})")
    console.print(f"identical store answers (embedded vs neo4j): {same} of "
                  f"{args.repeat * (len(landing) + len(collaborators))}")
    console.print(f"same candidate parks (neo4j store vs hand-written): {same_parks} of "
                  f"{args.repeat * len(landing)}; same ranking totals: {same_totals} of "
                  f"{args.repeat * len(ranking)}")
    console.print(f"search: the full-text index missed {missed} of {found} substring hits "
                  "(hand-written search is not the same question)")
    store.close()
    driver.close()
    embedded.close()


if __name__ == "__main__":
    main()
