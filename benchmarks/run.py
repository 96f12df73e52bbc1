"""`make bench`: every measure of the engine in one table, beside a floor per question.

For each size (default 10^4 and 10^5 nodes; `--million` adds 10^6, which takes about
20 minutes and ~8 GiB on the 2-core development machine) a synthetic corridor from
`alliance.ingest.synth` (seed 7) is imported into an EmbeddedStore file (import rate),
then a fresh child process opens the file (start-up, resident memory) and times the
questions through the services, the way the API calls them: landing, compare,
collaborators, team, search and path, p50 and p99 over --repeat rounds of a few
different questions each. The same child times a "floor" per question: the minimal
filter over arrays prepared beforehand from the same data (parks per related industry
with their numbers, rail minutes from every city, skill holders, names, integer
adjacency), answering the same hard constraints with a top-k, and nothing else; the
ratio project ÷ floor says how much more work than the question needs is done.

With `--http`, a real `alliance serve` on that file answers GET entity, search and POST
landing on loopback (wrk when installed, else httpx clients; see benchmarks/api_load.py),
beside a bare FastAPI endpoint in the same run. With `--neo4j-uri`, the graph is
imported into that (emptied) Neo4j and Neo4jStore answers the same questions (landing,
compare, collaborators, team, search, path).

    python benchmarks/run.py [--sizes 10000 100000] [--million] [--repeat 10]
        [--http] [--neo4j-uri bolt://127.0.0.1:7687] [--json out.json] [--before old.json]

`--json` keeps the figures; `--before` prints a previous run's p50/p99 beside this one's;
`--before-tree DIR` measures another checkout's code (e.g. `git worktree add DIR main`)
on the same files in the same run, and prints it beside.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import heapq
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections import deque
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.api_load import Scenario as ApiScenario

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # after PYTHONPATH, so --before-tree's code wins there
    sys.path.append(str(REPO))

AS_OF = date(2025, 6, 30)
MILLION_MINUTES = 20
QUESTIONS_PER_KIND = 4


def rss_mib() -> float:
    """Resident memory of this process (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]}


BUDGET_S = 120.0
"""Rounds stop once one question kind has taken this long (after at least one round)."""


def timed(actions: list[Callable[[], Any]], repeat: int) -> dict[str, float]:
    """p50/p99 in ms over up to `repeat` rounds of every action (after one warm-up
    round), fewer when the rounds exceed BUDGET_S; `samples` says how many."""
    began = time.perf_counter()
    for action in actions:
        action()
    samples: list[float] = []
    for _ in range(repeat):
        for action in actions:
            start = time.perf_counter()
            action()
            samples.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() - began > BUDGET_S:
            break
    return {**percentiles(samples), "samples": len(samples)}


# --------------------------------------------------------------------------- build


def build(nodes: int, path: Path) -> dict[str, Any]:
    """Synthesize and import into an EmbeddedStore file: records/s of the import."""
    from alliance.ingest.records import RecordBatch
    from alliance.ingest.synth import synthesize
    from alliance.services.ingest import load
    from alliance.store.embedded import EmbeddedStore

    batch = RecordBatch.of(synthesize(nodes=nodes, seed=7))
    records = len(batch.nodes) + len(batch.relationships)
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    with EmbeddedStore(path) as store:
        load(store, batch, chunk_size=20_000)
    seconds = time.perf_counter() - start
    return {"nodes": len(batch.nodes), "relationships": len(batch.relationships),
            "import_records_per_s": records / seconds, "import_s": seconds}


# --------------------------------------------------------------------------- questions


def questions(store: Any) -> dict[str, list[Callable[[], Any]]]:
    """A few different questions of each kind, drawn deterministically from the data."""
    from alliance.services import collaborators, corridor, landing, paths
    from alliance.services.collaborators import CollaboratorRequest, TeamRequest
    from alliance.services.landing import LandingRequest
    from alliance.services.paths import PathRequest
    from graph_schema.vocabulary import Label, RelType

    rng = random.Random(3)
    cities = [n.id for n in store.list_nodes(Label.CITY, limit=500)]
    industries = [n.id for n in store.list_nodes(Label.INDUSTRY, limit=500)]
    skills = [n.id for n in store.list_nodes(Label.SKILL, limit=500)]
    parks = [n.id for n in store.list_nodes(Label.PARK, limit=500)]
    degree: dict[str, int] = {}
    for rel in store.get_relationships(RelType.COLLABORATED_WITH):
        degree[rel.source] = degree.get(rel.source, 0) + 1
    askers = sorted(degree, key=lambda person: (-degree[person], person))[:50]
    landings = [LandingRequest(origin_city=cities[i % 2] if i < 2 else rng.choice(cities),
                               industry=rng.choice(industries), area_m2=500,
                               max_rail_minutes=rng.choice([60, 90, 120]), as_of=AS_OF)
                for i in range(QUESTIONS_PER_KIND)]
    people = [CollaboratorRequest(asker=rng.choice(askers), skills=rng.sample(skills, 2),
                                  max_hops=3) for _ in range(QUESTIONS_PER_KIND)]
    teams = [TeamRequest(asker=rng.choice(askers), vertical=rng.choice(industries))
             for _ in range(QUESTIONS_PER_KIND)]
    needles = ["苏", "园区", "su", "park"]
    routes = [PathRequest(source=rng.choice(askers), target=rng.choice(parks), k=3,
                          max_hops=4) for _ in range(QUESTIONS_PER_KIND)]
    return {
        "landing": [partial(landing.search, store, r) for r in landings],
        "compare": [partial(corridor.compare, store, r) for r in landings],
        "collaborators": [partial(collaborators.search, store, r) for r in people],
        "team": [partial(collaborators.team, store, r) for r in teams],
        "search": [partial(store.search, t, limit=20) for t in needles],
        "path": [partial(paths.connect, store, r) for r in routes],
        "_params": [lambda: (landings, people, teams, needles, routes)],
    }


# --------------------------------------------------------------------------- floor


class Floor:
    """The same questions answered from arrays prepared beforehand: the least work a
    question needs (filter, top-k), with none of the explanation."""

    def __init__(self, store: Any) -> None:
        from alliance.store.rail import RailLink, fastest_routes
        from graph_schema.records import NodeRecord
        from graph_schema.vocabulary import Label, RelType

        index: dict[str, int] = {}
        ids: list[str] = []
        nodes: dict[str, NodeRecord] = {}
        for label in Label:  # through the GraphStore API: --before-tree's store too
            after: str | None = None
            while page := store.list_nodes(label, after=after, limit=500):
                for record in page:
                    index[record.id] = len(ids)
                    ids.append(record.id)
                    nodes[record.id] = record
                after = page[-1].id
        rels = [rel for rel_type in RelType for rel in store.get_relationships(rel_type)]
        self.ids = ids
        parks = [n for n in nodes.values() if n.label is Label.PARK]
        park_slot = {p.id: i for i, p in enumerate(parks)}
        self.park_ids = [p.id for p in parks]
        self.area = array("d", (float(p.properties["available_area_m2"]) for p in parks))
        self.rent = array("d", (float(p.properties["rent_cny_m2_month"]) for p in parks))
        self.park_city = [""] * len(parks)
        parents: dict[str, str] = {}
        self.hosted_by: dict[str, list[int]] = {}
        self.skill_holders: dict[str, list[tuple[int, int]]] = {}
        self.experts: dict[str, list[int]] = {}
        self.adjacency: list[list[int]] = [[] for _ in ids]
        links = []
        for rel in rels:
            a, b = index[rel.source], index[rel.target]
            self.adjacency[a].append(b)
            self.adjacency[b].append(a)
            if rel.type is RelType.IN_CITY and rel.source in park_slot:
                self.park_city[park_slot[rel.source]] = rel.target
            elif rel.type is RelType.HOSTS:
                self.hosted_by.setdefault(rel.target, []).append(park_slot[rel.source])
            elif rel.type is RelType.SUBFIELD_OF:
                parents[rel.source] = min(rel.target, parents.get(rel.source, rel.target))
            elif rel.type is RelType.HAS_SKILL:
                self.skill_holders.setdefault(rel.target, []).append(
                    (a, int(rel.properties["level"])))
            elif rel.type is RelType.EXPERT_IN:
                self.experts.setdefault(rel.target, []).append(a)
            elif rel.type is RelType.HSR_LINK:
                links.append(RailLink(rel.source, rel.target, int(rel.properties["minutes"]),
                                      float(rel.properties["km"])))
        self.index = index
        cities = [n.id for n in nodes.values() if n.label is Label.CITY]
        self.minutes = {city: {other: route.minutes
                               for other, route in fastest_routes(links, city).items()}
                        for city in cities}
        children: dict[str, list[str]] = {}
        for child, parent in parents.items():
            children.setdefault(parent, []).append(child)
        self.related: dict[str, list[str]] = {}
        for industry in (n.id for n in nodes.values() if n.label is Label.INDUSTRY):
            found, queue, up = [industry], deque([industry]), industry
            while up in parents:
                up = parents[up]
                found.append(up)
            while queue:
                for child in children.get(queue.popleft(), ()):
                    found.append(child)
                    queue.append(child)
            self.related[industry] = found
        self.names = [(node.id, " ".join(str(node.properties.get(k) or "") for k in (
            "name_zh", "name_en", "name_pinyin")).lower()) for node in nodes.values()
            if "name_zh" in node.properties]

    def parks(self, origin: str, industry: str, area: float, minutes: int) -> list[int]:
        reach = self.minutes[origin]
        found: set[int] = set()
        for related in self.related[industry]:
            found.update(self.hosted_by.get(related, ()))
        return [i for i in found if self.area[i] >= area
                and reach.get(self.park_city[i], 1 << 30) <= minutes]

    def landing(self, origin: str, industry: str, area: float, minutes: int, k: int
                ) -> list[str]:
        reach = self.minutes[origin]
        best = heapq.nsmallest(k, self.parks(origin, industry, area, minutes),
                               key=lambda i: (reach[self.park_city[i]] + self.rent[i],
                                              self.park_ids[i]))
        return [self.park_ids[i] for i in best]

    def compare(self, origin: str, industry: str, area: float, minutes: int
                ) -> dict[str, int]:
        per_city: dict[str, int] = {}
        for i in self.parks(origin, industry, area, minutes):
            per_city[self.park_city[i]] = per_city.get(self.park_city[i], 0) + 1
        return per_city

    def distances(self, start: str, hops: int) -> dict[int, int]:
        origin = self.index[start]
        distance, frontier = {origin: 0}, [origin]
        for depth in range(1, hops + 1):
            reached = []
            for node in frontier:
                for other in self.adjacency[node]:
                    if other not in distance:
                        distance[other] = depth
                        reached.append(other)
            frontier = reached
        return distance

    def collaborators(self, asker: str, skills: list[str], k: int) -> list[int]:
        held: dict[int, int] = {}
        for skill in skills:
            for person, level in self.skill_holders.get(skill, ()):
                held[person] = max(level, held.get(person, 0))
        distance = self.distances(asker, 3)
        return heapq.nsmallest(k, held, key=lambda p: (distance.get(p, 9), -held[p], p))

    def team(self, asker: str, vertical: str, k: int) -> list[int]:
        experts = {p for industry in self.related[vertical]
                   for p in self.experts.get(industry, ())}
        distance = self.distances(asker, 3)
        return heapq.nsmallest(k, experts, key=lambda p: (distance.get(p, 9), p))

    def search(self, needle: str, limit: int) -> list[str]:
        text = needle.lower()
        return sorted(node_id for node_id, names in self.names if text in names)[:limit]

    def path(self, source: str, target: str, hops: int) -> list[int]:
        """One shortest path, breadth-first from both ends."""
        a, b = self.index[source], self.index[target]
        seen = [{a: -1}, {b: -1}]
        frontiers = [[a], [b]]
        for _ in range(hops):
            side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
            nxt = []
            for node in frontiers[side]:
                for other in self.adjacency[node]:
                    if other not in seen[side]:
                        seen[side][other] = node
                        if other in seen[1 - side]:
                            return [other]
                        nxt.append(other)
            frontiers[side] = nxt
        return []


def floor_questions(floor: Floor, params: tuple[Any, ...]) -> dict[str, list[Callable[[], Any]]]:
    landings, people, teams, needles, routes = params
    return {
        "landing": [partial(floor.landing, r.origin_city, r.industry, r.area_m2,
                            r.max_rail_minutes, r.top_k) for r in landings],
        "compare": [partial(floor.compare, r.origin_city, r.industry, r.area_m2,
                            r.max_rail_minutes) for r in landings],
        "collaborators": [partial(floor.collaborators, r.asker, r.skills, r.top_k)
                          for r in people],
        "team": [partial(floor.team, r.asker, r.vertical, 3) for r in teams],
        "search": [partial(floor.search, t, 20) for t in needles],
        "path": [partial(floor.path, r.source, r.target, r.max_hops) for r in routes],
    }


# --------------------------------------------------------------------------- measure


def measure(path: Path, repeat: int) -> dict[str, Any]:
    """Open the store in this fresh process, then time questions and floors."""
    from alliance.store.embedded import EmbeddedStore

    gc.collect()
    before = rss_mib()
    start = time.perf_counter()
    store = EmbeddedStore(path)
    startup = time.perf_counter() - start
    graph_mib = rss_mib() - before
    asked = questions(store)
    params = asked.pop("_params")[0]()
    rows = {name: timed(actions, repeat) for name, actions in asked.items()}
    floor = Floor(store)
    floors = {name: timed(actions, repeat)
              for name, actions in floor_questions(floor, params).items()}
    store.close()
    return {"startup_s": startup, "graph_mib": graph_mib, "questions": rows,
            "floor": floors}


def _own_api_load() -> Any:
    """This folder's api_load.py: the measuring harness is this checkout's, whichever
    tree is measured (--before-tree puts that tree's `benchmarks` first on the path)."""
    spec = importlib.util.spec_from_file_location("run_api_load",
                                                  Path(__file__).with_name("api_load.py"))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def http_rows(path: Path, seconds: float, clients: int, tree: Path
              ) -> dict[str, dict[str, float | None]]:
    """A real `alliance serve` of `tree`'s code on the file, beside a bare FastAPI
    endpoint."""
    from alliance.store.embedded import EmbeddedStore
    from graph_schema.vocabulary import Label

    harness = _own_api_load()
    scenario_of, free_port, load = harness.Scenario, harness.free_port, harness.load
    percentile, run_wrk, running = harness.percentile, harness.run_wrk, harness.running

    with EmbeddedStore(path) as store:
        park = store.list_nodes(Label.PARK, limit=1)[0].id
        city = store.list_nodes(Label.CITY, limit=1)[0].id
        industry = store.list_nodes(Label.INDUSTRY, limit=20)[-1].id
    landing = {"origin_city": city, "industry": industry, "area_m2": 500,
               "max_rail_minutes": 90, "top_k": 10, "as_of": AS_OF.isoformat()}
    scenarios = [
        scenario_of("HTTP bare FastAPI GET", "bare", "GET", "/bare"),
        scenario_of("HTTP GET entity", "app", "GET", f"/v1/parks/{park}"),
        scenario_of("HTTP GET search", "app", "GET", "/v1/search?q=su&limit=20"),
        scenario_of("HTTP POST landing", "app", "POST", "/v1/landing/search", landing),
    ]
    if hasattr(harness, "new_questions"):  # a row of this session's harness
        scenarios.append(scenario_of(
            "HTTP POST landing, a new question each time", "app", "POST",
            "/v1/landing/search", landing, bodies=harness.new_questions(landing)))
    app_port, bare_port = free_port(), free_port()
    env = {**os.environ, "ALLIANCE_DB_PATH": str(path),
           "ALLIANCE_QUOTA_PER_MINUTE": "100000000",
           "ALLIANCE_ANONYMOUS_QUOTA_PER_MINUTE": "100000000",
           "PYTHONPATH": os.pathsep.join([str(tree), str(REPO)])}
    # `python -c` puts its working directory first on the path: run it in `tree`
    serve = [sys.executable, "-c", "from alliance.cli import app; app()", "serve",
             "--port", str(app_port), "--log-level", "warning"]
    bare = [sys.executable, "-m", "uvicorn", "api_load:bare_app", "--factory",
            "--app-dir", str(REPO / "benchmarks"), "--port", str(bare_port),
            "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
            "--no-access-log"]
    bases = {"app": f"http://127.0.0.1:{app_port}", "bare": f"http://127.0.0.1:{bare_port}"}
    with running(serve, f"{bases['app']}/readyz", env, cwd=tree) as app_process, \
            running(bare, f"{bases['bare']}/bare", env) as bare_process:
        pids = {"app": app_process.pid, "bare": bare_process.pid}

        def measure(scenario: ApiScenario) -> dict[str, float | None]:
            before = _cpu_seconds(pids[scenario.server])
            p50: float | None
            p99: float | None
            if shutil.which("wrk"):  # a C client: httpx clients saturate their own core
                with tempfile.TemporaryDirectory() as folder:
                    rps, p50, p99, count = run_wrk(bases[scenario.server], scenario,
                                                   clients, seconds, 1.0, Path(folder))
            else:
                latencies = asyncio.run(load(bases[scenario.server], scenario, clients,
                                             seconds, 1.0, timeout=600.0))
                count, rps = len(latencies), len(latencies) / seconds
                p50 = statistics.median(latencies) * 1000 if latencies else None
                p99 = percentile(latencies, 0.99) * 1000 if latencies else None
            after = _cpu_seconds(pids[scenario.server])
            cpu = ((after - before) / count * 1e6 if count and before is not None
                   and after is not None else None)  # warm-up and drain included
            return {"rps": rps, "p50": p50, "p99": p99, "cpu_us": cpu}

        paired: dict[str, list[dict[str, float | None]]] = {s.name: [] for s in scenarios[:2]}
        for round_number in range(PAIRED_ROUNDS):  # adjacent windows, alternating order
            for scenario in scenarios[:2] if round_number % 2 == 0 else scenarios[1::-1]:
                paired[scenario.name].append(measure(scenario))
        rows: dict[str, dict[str, float | None]] = {}
        for name, samples in paired.items():
            by_rate = sorted(samples, key=lambda sample: sample["rps"] or 0.0)
            rows[name] = {**by_rate[len(by_rate) // 2],
                          "rounds": [sample["rps"] for sample in samples]}  # type: ignore[dict-item]
        bare_rounds, entity_rounds = (paired[s.name] for s in scenarios[:2])
        rows["HTTP GET entity"]["ratio"] = statistics.median(
            (entity["rps"] or 0.0) / max(bare["rps"] or 0.0, 1e-9)
            for bare, entity in zip(bare_rounds, entity_rounds, strict=True))
        for scenario in scenarios[2:]:
            rows[scenario.name] = measure(scenario)
    return rows


PAIRED_ROUNDS = 3
"""Rounds of the bare endpoint and GET entity measured in adjacent windows (the order
alternating), so their ratio compares the same moment of a shared machine."""


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def neo4j_rows(nodes: int, uri: str, repeat: int) -> dict[str, Any]:
    """Import the same graph into an emptied Neo4j (records/s), then time Neo4jStore's
    answers to the same questions the embedded rows ask (`questions`: landing, compare,
    collaborators, team, search, path)."""
    from alliance.ingest.records import RecordBatch
    from alliance.ingest.synth import synthesize
    from alliance.services.ingest import load as load_batch
    from alliance.store.neo4j import Neo4jStore

    batch = RecordBatch.of(synthesize(nodes=nodes, seed=7))
    with Neo4jStore(uri) as store:
        with store._driver.session(database=store.database) as session:  # noqa: SLF001
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } "  # auto-commit: batched
                        "IN TRANSACTIONS OF 10000 ROWS").consume()
        start = time.perf_counter()
        load_batch(store, batch, chunk_size=5000)
        if hasattr(store, "refresh_city_contacts"):  # counts a bulk load left stale
            store.refresh_city_contacts()
        rate = (len(batch.nodes) + len(batch.relationships)) / (time.perf_counter() - start)
        asked = questions(store)
        asked.pop("_params")
        rows = {f"neo4j {name}": timed(actions, repeat) for name, actions in asked.items()}
    return {"import_records_per_s": rate, "questions": rows}


# --------------------------------------------------------------------------- report


def child(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if args.child == "build":
        result = build(args.nodes, path)
    elif args.child == "measure":
        result = measure(path, args.repeat)
    elif args.child == "http":
        result = http_rows(path, args.seconds, args.clients, Path(args.tree))
    else:
        result = neo4j_rows(args.nodes, args.neo4j_uri, args.repeat)
    print(json.dumps(result))


def run_child(kind: str, nodes: int, path: Path, args: argparse.Namespace,
              tree: Path = REPO) -> Any:
    """One measuring child process, importing `alliance` from `tree`; {} when it fails
    (its error is printed, the other rows still come)."""
    command = [sys.executable, __file__, "--child", kind, "--nodes", str(nodes),
               "--file", str(path), "--repeat", str(args.repeat),
               "--seconds", str(args.seconds), "--clients", str(args.clients),
               "--tree", str(tree)]
    if args.neo4j_uri:
        command += ["--neo4j-uri", args.neo4j_uri]
    output = subprocess.run(command, check=False, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                [str(tree), os.environ.get("PYTHONPATH", "")])})
    if output.returncode != 0:
        print(f"{kind} at {nodes:,} nodes failed:\n{output.stderr[-2000:]}", flush=True)
        return {}
    return json.loads(output.stdout.strip().splitlines()[-1])


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def table_rows(size: int, result: dict[str, Any]) -> list[list[str]]:
    rows = []
    for name, value in result.get("questions", {}).items():
        floor = result["floor"][name]
        rows.append([f"{size:,}", name, f"{value['p50']:.1f}", f"{value['p99']:.1f}",
                     f"{floor['p50']:.2f}", f"{floor['p99']:.2f}",
                     f"{value['p50'] / max(floor['p50'], 1e-6):,.0f}"])
    for label, field, form in (("start-up (s)", "startup_s", "{:.2f}"),
                               ("graph RSS (MiB)", "graph_mib", "{:.0f}"),
                               ("import (records/s)", "import_records_per_s", "{:,.0f}")):
        if field in result:
            rows.append([f"{size:,}", label, form.format(result[field]), "", "", "", ""])
    for name, value in result.get("http", {}).items():
        cpu = f", {value['cpu_us']:,.0f} µs CPU" if value.get("cpu_us") is not None else ""
        rows.append([f"{size:,}", f"{name} (req/s {value['rps']:,.0f}{cpu})",
                     _ms(value["p50"]), _ms(value["p99"]), "", "", ""])
        if value.get("ratio") is not None:
            rounds = " / ".join(f"{rate:,.0f}" for rate in value.get("rounds", []))
            rows.append([f"{size:,}", f"HTTP GET entity ÷ bare, median of {PAIRED_ROUNDS} "
                         f"rounds (entity req/s {rounds})", f"{value['ratio']:.2f}", "",
                         "", "", ""])
    neo4j = result.get("neo4j")
    if neo4j:
        for name, value in neo4j["questions"].items():
            rows.append([f"{size:,}", name, f"{value['p50']:.1f}", f"{value['p99']:.1f}",
                         "", "", ""])
        rows.append([f"{size:,}", "neo4j import (records/s)",
                     f"{neo4j['import_records_per_s']:,.0f}", "", "", "", ""])
    return rows


def before_figures(before: dict[str, Any], size: int, name: str) -> tuple[str, str]:
    """A previous run's p50 and p99 (or the single figure) for the same row."""
    old = before.get(str(size))
    if not old:
        return "", ""
    key = name.split(" (req/s")[0]
    for group in ("questions",):
        if key in old.get(group, {}):
            return f"{old[group][key]['p50']:.1f}", f"{old[group][key]['p99']:.1f}"
    if key in old.get("http", {}):
        value = old["http"][key]
        return f"{_ms(value['p50'])} ({value['rps']:,.0f}/s)", _ms(value["p99"])
    if key.startswith("neo4j") and old.get("neo4j"):
        if key in old["neo4j"]["questions"]:
            value = old["neo4j"]["questions"][key]
            return f"{value['p50']:.1f}", f"{value['p99']:.1f}"
        return f"{old['neo4j']['import_records_per_s']:,.0f}", ""
    single = {"start-up (s)": ("startup_s", "{:.2f}"), "graph RSS (MiB)": ("graph_mib", "{:.0f}"),
              "import (records/s)": ("import_records_per_s", "{:,.0f}")}
    if key in single:
        field, form = single[key]
        return form.format(old[field]), ""
    return "", ""


def report(results: dict[str, Any], before: dict[str, Any] | None) -> None:
    header = ["nodes", "measure", "p50 ms", "p99 ms", "floor p50", "floor p99",
              "project ÷ floor"]
    if before is not None:
        header[2:2] = ["before p50", "before p99"]
    lines = []
    for size, result in results.items():
        for row in table_rows(int(size), result):
            if before is not None:
                row[2:2] = list(before_figures(before, int(size), row[1]))
            lines.append(row)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=False)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)))
    print("-+-".join("-" * w for w in widths))
    for row in lines:
        print(" | ".join((c.ljust(w) if i < 2 else c.rjust(w))
                         for i, (c, w) in enumerate(zip(row, widths, strict=False))))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true",
                        help=f"add 10^6 nodes (about {MILLION_MINUTES} minutes, ~8 GiB)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each question set")
    parser.add_argument("--http", action="store_true", help="add the HTTP rows")
    parser.add_argument("--seconds", type=float, default=4.0, help="HTTP: measured seconds")
    parser.add_argument("--clients", type=int, default=8, help="HTTP: connections")
    parser.add_argument("--neo4j-uri", default=os.environ.get("ALLIANCE_BENCH_NEO4J_URI"),
                        help="add the Neo4j rows (the database is emptied)")
    parser.add_argument("--neo4j-max-nodes", type=int, default=10_000,
                        help="Neo4j rows only up to this size (its import is the slow part)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--before", type=Path, help="a previous --json to print beside")
    parser.add_argument("--before-tree", type=Path,
                        help="also measure the code of this checkout (e.g. a `git worktree`"
                             " of the previous commit), in the same run, and print it beside")
    parser.add_argument("--child", choices=["build", "measure", "http", "neo4j"])
    parser.add_argument("--nodes", type=int, default=0)
    parser.add_argument("--file", default="")
    parser.add_argument("--tree", default=str(REPO),
                        help="child: the checkout whose code it measures")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]
    if args.million:
        print(f"10^6 nodes included: expect about {MILLION_MINUTES} more minutes.",
              flush=True)
    folder = Path(tempfile.mkdtemp(prefix="alliance-bench-"))
    results: dict[str, Any] = {}
    earlier: dict[str, Any] = {}
    trees = [("after", REPO), *([("before", args.before_tree)] if args.before_tree else [])]
    try:
        for size in sizes:
            path = folder / f"synth-{size}.sqlite3"
            print(f"{size:,} nodes: import ...", flush=True)
            built = run_child("build", size, path, args)
            for name, tree in reversed(trees):
                result = dict(built)
                print(f"{size:,} nodes, {name}: questions ...", flush=True)
                result.update(run_child("measure", size, path, args, tree))
                if args.http:
                    print(f"{size:,} nodes, {name}: HTTP ...", flush=True)
                    result["http"] = run_child("http", size, path, args, tree)
                if args.neo4j_uri and size <= args.neo4j_max_nodes:
                    print(f"{size:,} nodes, {name}: Neo4j ...", flush=True)
                    result["neo4j"] = run_child("neo4j", size, path, args, tree)
                (results if name == "after" else earlier)[str(size)] = result
            path.unlink(missing_ok=True)
            if args.json:
                args.json.write_text(json.dumps({"after": results, "before": earlier},
                                                indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    before = earlier if args.before_tree else None
    if args.before:
        saved = json.loads(args.before.read_text(encoding="utf-8"))
        before = saved.get("after", saved)
    print(f"\n{os.cpu_count()} CPUs; p50/p99 over {args.repeat} rounds of "
          f"{QUESTIONS_PER_KIND} questions each; ms unless said\n")
    report(results, before)


if __name__ == "__main__":
    main()
