"""Several hosts on one Neo4j: requests per second and p50/p99 of GET entity, search and
landing through 1 host × 1 worker and through 2 hosts × 2 workers (keys, audit and the
change feed in Neo4j, quotas in redis), beside a bare FastAPI endpoint in the same run.

The seed set is loaded into the (emptied) Neo4j at --neo4j-uri; redis comes from
--redis-url (tools/redis.sh start prints one). Each scenario runs --seconds after a
warm-up with --clients connections in all, driven by `wrk` when installed (else httpx,
see benchmarks/api_load.py). For two hosts the connections are split between them and
two load generators run at once: req/s is their sum, p50/p99 the worse of the two. The
load generator, Neo4j, redis and the servers share one machine, so the figures compare
configurations; they are not a capacity plan. Not a test: nothing is asserted.

    python benchmarks/multihost.py --neo4j-uri bolt://127.0.0.1:7687 \
        --redis-url redis://127.0.0.1:6379 [--seconds 5] [--clients 8] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from alliance.ingest.seed import DEFAULT_SEED_DIR  # noqa: E402
from alliance.services.ingest import load_seed  # noqa: E402
from alliance.store.neo4j import Neo4jStore  # noqa: E402
from benchmarks.api_load import (  # noqa: E402 - the repository is on the path now
    SEED_LANDING,
    Scenario,
    free_port,
    load,
    percentile,
    run_wrk,
    running,
)

CLI = [sys.executable, "-c", "from alliance.cli import app; app()"]

SCENARIOS = [
    Scenario("GET entity", "app", "GET", "/v1/parks/park:suzhou-sip-biobay"),
    Scenario("GET search 苏州", "app", "GET", "/v1/search?q=%E8%8B%8F%E5%B7%9E&limit=20"),
    Scenario("POST landing search", "app", "POST", "/v1/landing/search", SEED_LANDING),
]
BARE = Scenario("bare FastAPI GET", "bare", "GET", "/bare")


@dataclass(frozen=True)
class Row:
    setup: str
    scenario: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


def empty_and_seed(uri: str) -> None:
    store = Neo4jStore(uri, auth=None)
    try:
        with store._driver.session(database=store.database) as session:  # noqa: SLF001
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                        ).consume()
        load_seed(store, DEFAULT_SEED_DIR)
    finally:
        store.close()


@contextmanager
def hosts(count: int, workers: int, env: dict[str, str]) -> Iterator[list[str]]:
    """`count` alliance serve processes with `workers` workers each; their base URLs."""
    with ExitStack() as stack:
        bases = []
        for _ in range(count):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            stack.enter_context(running(
                [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
                 str(workers), "--log-level", "warning"], f"{base}/readyz", env))
            bases.append(base)
        yield bases


def measure(bases: list[str], scenario: Scenario, args: argparse.Namespace, folder: Path
            ) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, requests) with the connections split over the bases."""
    clients = max(1, args.clients // len(bases))
    results: list[tuple[float, float, float, int]] = []
    errors: list[BaseException] = []

    def one(index: int, base: str) -> None:
        try:
            if args.driver == "wrk":
                own = folder / f"host{index}"
                own.mkdir(exist_ok=True)
                results.append(run_wrk(base, scenario, clients, args.seconds, args.warmup,
                                       own))
                return
            latencies = asyncio.run(load(base, scenario, clients, args.seconds,
                                         args.warmup))
            results.append((len(latencies) / args.seconds, statistics.median(latencies) * 1e3,
                            percentile(latencies, 0.99) * 1e3, len(latencies)))
        except BaseException as exc:  # reported below, after every generator stopped
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i, base)) for i, base in enumerate(bases)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return (sum(r[0] for r in results), max(r[1] for r in results),
            max(r[2] for r in results), sum(r[3] for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neo4j-uri", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=8, help="connections in all")
    parser.add_argument("--driver", choices=["wrk", "httpx"],
                        default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--json", type=Path, help="write the rows here too")
    args = parser.parse_args()

    empty_and_seed(args.neo4j_uri)
    folder = Path(tempfile.mkdtemp(prefix="alliance-multihost-"))
    env = {**os.environ, "ALLIANCE_BACKEND": "neo4j", "ALLIANCE_NEO4J_URI": args.neo4j_uri,
           "ALLIANCE_LOAD_SEED_IF_EMPTY": "false",
           "ALLIANCE_QUOTA_PER_MINUTE": "100000000",
           "ALLIANCE_ANONYMOUS_QUOTA_PER_MINUTE": "100000000"}
    shared = {**env, "ALLIANCE_QUOTA_STORAGE_URL": args.redis_url}
    bare_port = free_port()
    bare = [sys.executable, "-m", "uvicorn", "api_load:bare_app", "--factory",
            "--app-dir", str(REPO / "benchmarks"), "--port", str(bare_port),
            "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
            "--no-access-log"]
    rows: list[Row] = []
    try:
        with running(bare, f"http://127.0.0.1:{bare_port}/bare", env):
            rows.append(Row("bare FastAPI, 1 worker", BARE.name, *measure(
                [f"http://127.0.0.1:{bare_port}"], BARE, args, folder)))
        for setup, count, workers, setup_env in (
                ("Neo4j, 1 host × 1 worker", 1, 1, env),
                ("Neo4j, 2 hosts × 2 workers", 2, 2, shared)):
            with hosts(count, workers, setup_env) as bases:
                for scenario in SCENARIOS:
                    rows.append(Row(setup, scenario.name,
                                    *measure(bases, scenario, args, folder)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.driver}: {args.clients} connections in all, {args.seconds:g} s per "
          f"scenario, {os.cpu_count()} CPUs shared by load generator, servers, Neo4j and "
          "redis; seed data\n")
    print(f"{'setup':<28} {'scenario':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    print("-" * 78)
    for row in rows:
        print(f"{row.setup:<28} {row.scenario:<22} {row.rps:>8.0f} {row.p50_ms:>8.2f} "
              f"{row.p99_ms:>8.2f}")
    if args.json:
        args.json.write_text(json.dumps([row.__dict__ for row in rows], ensure_ascii=False,
                                        indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
