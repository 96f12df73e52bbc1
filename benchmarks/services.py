"""Latency of the main questions on the embedded store, and its start-up time and memory.

Prints one table per data set (the seed set, and a synthetic corridor of --nodes nodes):
median and p95 over --repeat runs of landing, compare, collaborators, team and path, plus
the time to open the store from its SQLite file and the process's resident memory after.
Each data set runs in a child process so memory figures do not mix.

    python benchmarks/services.py --nodes 100000 --repeat 20
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def rss_mib() -> float:
    """Resident memory of this process (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    action()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def measure(dataset: str, nodes: int, repeat: int) -> dict[str, Any]:
    """Build the data set into a file store, reopen it, time the questions."""
    from alliance.ingest.records import RecordBatch
    from alliance.ingest.seed import read_seed_dir
    from alliance.ingest.synth import synthesize
    from alliance.services import collaborators, corridor, landing, paths
    from alliance.services.collaborators import CollaboratorRequest, TeamRequest
    from alliance.services.ingest import load
    from alliance.services.landing import LandingRequest
    from alliance.services.paths import PathRequest
    from alliance.store.embedded import EmbeddedStore
    from graph_schema.vocabulary import Label, RelType

    folder = Path(tempfile.mkdtemp())
    if dataset == "seed":
        batch = read_seed_dir()
    else:
        batch = RecordBatch.of(synthesize(nodes=nodes, seed=7))
    with EmbeddedStore(folder / "bench.sqlite3") as builder:
        load(builder, batch, chunk_size=20_000)
    count = len(batch.nodes)
    del batch
    before = rss_mib()
    start = time.perf_counter()
    store = EmbeddedStore(folder / "bench.sqlite3")
    startup_s = time.perf_counter() - start
    memory = rss_mib() - before

    cities = store.list_nodes(Label.CITY, limit=2)
    industries = store.list_nodes(Label.INDUSTRY, limit=500)
    industry = "industry:medical-devices" if dataset == "seed" else industries[len(
        industries) // 2].id
    degree: dict[str, int] = {}
    for rel in store.get_relationships(RelType.COLLABORATED_WITH):
        degree[rel.source] = degree.get(rel.source, 0) + 1
    asker = max(sorted(degree), key=lambda person: degree[person])
    skills = [s.id for s in store.list_nodes(Label.SKILL, filters={"category": "ip"},
                                             limit=3)]
    parks = store.list_nodes(Label.PARK, limit=500)
    request = LandingRequest(origin_city=cities[0].id, industry=industry, area_m2=500,
                             max_rail_minutes=90)
    questions: dict[str, Callable[[], Any]] = {
        "landing": lambda: landing.search(store, request),
        "compare": lambda: corridor.compare(store, request),
        "collaborators": lambda: collaborators.search(
            store, CollaboratorRequest(asker=asker, skills=skills, max_hops=3)),
        "team": lambda: collaborators.team(
            store, TeamRequest(asker=asker, vertical=industry)),
        "path": lambda: paths.connect(
            store, PathRequest(source=asker, target=parks[-1].id, k=3, max_hops=4)),
    }
    rows = {}
    for name, action in questions.items():
        samples = timed(action, repeat)
        rows[name] = {"median_ms": statistics.median(samples),
                      "p95_ms": statistics.quantiles(samples, n=20)[18]}
    store.close()
    return {"dataset": dataset, "nodes": count, "startup_s": startup_s,
            "memory_mib": memory, "questions": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", choices=["seed", "synthetic"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.nodes, args.repeat)))
        return
    console = Console()
    for dataset in ("seed", "synthetic"):
        output = subprocess.run(
            [sys.executable, __file__, "--child", dataset, "--nodes", str(args.nodes),
             "--repeat", str(args.repeat)], check=True, capture_output=True, text=True)
        result = json.loads(output.stdout.strip().splitlines()[-1])
        table = Table("question", "median ms", "p95 ms",
                      title=f"EmbeddedStore, {result['dataset']}: {result['nodes']:,} nodes; "
                            f"start-up {result['startup_s']:.2f} s, "
                            f"+{result['memory_mib']:.0f} MiB resident")
        for name, row in result["questions"].items():
            table.add_row(name, f"{row['median_ms']:.1f}", f"{row['p95_ms']:.1f}")
        console.print(table)


if __name__ == "__main__":
    main()
