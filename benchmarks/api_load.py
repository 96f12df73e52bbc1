"""Loopback load on a real `alliance serve`: requests per second and p50/p99 latency of
GET entity, search and landing, beside a bare FastAPI endpoint served the same way
(uvicorn, uvloop, httptools) in the same run, so the figures separate what the
directory costs from what the stack costs.

With `--before-tree DIR` (e.g. `git worktree add --detach DIR main`) a second
`alliance serve` runs that checkout's code on its own copy of the same store file, and
every scenario is measured on both, alternately (before, after, before, after, ... for
`--rounds` rounds; the median round is shown), so the two columns share the machine's
load. `--db FILE` serves a copy of that store file (e.g. a synthetic 10^5-node graph);
without it each server loads the seed set into an empty file. The landing question is
taken from the data as benchmarks/run.py does.

Scenarios: the bare endpoint (`def`, as FastAPI's first example, and `async def`);
/healthz; GET entity through /v1/parks/{id} and /v1/entities/{id}; search; POST landing
in the default form and with `explain=full`; and GET entity while landings run on other
connections (whether a long question starves short ones).

Bounded: each scenario runs --seconds after a short warm-up with --clients concurrent
connections, driven by `wrk` when it is installed (`apt-get install wrk`: a C load
generator that costs the server little CPU) and otherwise by httpx clients in one
asyncio loop (which saturate their own core at a few hundred requests per second, so
they measure the client as much as the server). The load generator shares the machine
with the servers, so absolute numbers are a floor; the comparisons within a run are
the point. Not a test: nothing is asserted.

    python benchmarks/api_load.py --seconds 5 --clients 8 [--driver httpx]
        [--db FILE] [--before-tree DIR] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

REPO = Path(__file__).resolve().parents[1]

AS_OF = "2025-06-30"
SEED_PARK = "park:suzhou-sip-biobay"
SEED_LANDING = {"origin_city": "city:shanghai", "industry": "industry:medical-devices",
                "area_m2": 2000, "max_rail_minutes": 60, "top_k": 10, "as_of": AS_OF,
                "profile": {"stage": "angel", "founded_year": 2021}}


@dataclass(frozen=True)
class Scenario:
    name: str
    server: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    beside: Scenario | None = None
    """Load run at the same time on other connections (its figures are not shown)."""
    bodies: tuple[dict[str, Any], ...] = ()
    """Bodies sent in turn instead of `body` (a new question each time: kept answers
    are never reused, so the row measures the work itself)."""


def bare_app() -> FastAPI:
    """The baseline: one endpoint, no middleware, no store; `def` as in FastAPI's first
    example (run in the thread pool), and `async def` (run on the event loop)."""
    app = FastAPI()

    @app.get("/bare")
    def bare() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/bare-async")
    async def bare_async() -> dict[str, bool]:
        return {"ok": True}

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"server exited with {process.returncode}"
            raise RuntimeError(msg)
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    msg = f"{url} not ready after {timeout} s"
    raise RuntimeError(msg)


@contextmanager
def running(command: list[str], ready_url: str, env: dict[str, str],
            cwd: Path = REPO) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_ready(ready_url, process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def load(base: str, scenario: Scenario, clients: int, seconds: float,
               warmup: float, timeout: float = 30.0) -> list[float]:
    """Latencies (s) of every request completed in the measured window."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        start = time.perf_counter()
        measure_from = start + warmup
        stop = measure_from + seconds

        turn = iter(range(1 << 62))
        bodies = fresh(scenario)

        async def worker() -> None:
            while (now := time.perf_counter()) < stop:
                body = bodies[next(turn) % len(bodies)] if bodies else scenario.body
                response = await client.request(scenario.method, scenario.path, json=body)
                done = time.perf_counter()
                if response.status_code != 200:
                    msg = f"{scenario.name}: {response.status_code} {response.text[:200]}"
                    raise RuntimeError(msg)
                if now >= measure_from:
                    latencies.append(done - now)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = [[{body}]]
wrk.headers["Content-Type"] = "application/json"
local bodies = {{ {bodies} }}
local turn = 0
if #bodies > 0 then
  request = function()
    turn = turn % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[turn])
  end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %f %f %f\\n", summary.requests, summary.duration,
           latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_command(base: str, scenario: Scenario, clients: int, seconds: float,
                folder: Path) -> list[str]:
    script = folder / f"{abs(hash((base, scenario.name)))}.lua"
    body = json.dumps(scenario.body, ensure_ascii=False) if scenario.body else ""
    bodies = ", ".join(f"[[{json.dumps(one, ensure_ascii=False)}]]" for one in fresh(scenario))
    script.write_text(WRK_SCRIPT.format(method=scenario.method, body=body, bodies=bodies),
                      encoding="utf-8")
    return ["wrk", "-t", "1", "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "60s",
            "-s", str(script), base + scenario.path]


def wrk_result(name: str, out: str) -> tuple[float, float, float, int]:
    if "Non-2xx" in out:
        msg = f"{name}: wrk saw non-2xx answers:\n{out}"
        raise RuntimeError(msg)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50_us, p99_us = (float(x) for x in line.split()[1:])
    return requests / (duration_us / 1e6), p50_us / 1000, p99_us / 1000, int(requests)


def run_wrk(base: str, scenario: Scenario, clients: int, seconds: float, warmup: float,
            folder: Path, beside_base: str | None = None
            ) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, requests) from wrk, after a warm-up run; with
    `scenario.beside`, that load runs on `clients` other connections meanwhile. One
    request asked alone after each wrk run waits out the requests wrk left running
    (the server finishes them), so they do not eat into the next window."""
    warm = wrk_command(base, scenario, clients, max(warmup, 1), folder)
    subprocess.run(warm, check=True, capture_output=True)
    drain(base, scenario)
    beside = None
    if scenario.beside is not None:
        beside = subprocess.Popen(
            wrk_command(beside_base or base, scenario.beside, max(1, clients // 4),
                        seconds + 2 * warmup, folder),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(warmup)
    try:
        out = subprocess.run(wrk_command(base, scenario, clients, seconds, folder),
                             check=True, capture_output=True, text=True).stdout
    finally:
        if beside is not None:
            beside.wait()
            drain(base, scenario.beside)  # type: ignore[arg-type]
    drain(base, scenario)
    return wrk_result(scenario.name, out)


def drain(base: str, scenario: Scenario) -> None:
    """Ask once and wait for the answer (behind whatever the server still runs)."""
    httpx.request(scenario.method, base + scenario.path, json=scenario.body, timeout=600)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def question(db: Path | None) -> tuple[str, dict[str, Any]]:
    """An entity path and a landing question from the data (as benchmarks/run.py)."""
    if db is None:
        return SEED_PARK, SEED_LANDING
    sys.path.insert(0, str(REPO))
    from alliance.store.embedded import EmbeddedStore
    from graph_schema.vocabulary import Label

    with EmbeddedStore(db, read_only=True) as store:
        park = store.list_nodes(Label.PARK, limit=1)[0].id
        city = store.list_nodes(Label.CITY, limit=1)[0].id
        industry = store.list_nodes(Label.INDUSTRY, limit=20)[-1].id
    return park, {"origin_city": city, "industry": industry, "area_m2": 500,
                  "max_rail_minutes": 90, "top_k": 10, "as_of": AS_OF}


def new_questions(landing: dict[str, Any], count: int = 2000) -> tuple[dict[str, Any], ...]:
    """`count` landing questions that differ only in the area asked (so each is a new
    question to the server, none answered from what it kept)."""
    area = float(landing.get("area_m2", 500))
    return tuple({**landing, "area_m2": area + number / 8} for number in range(count))


RUNS = itertools.count()
"""Runs that asked a scenario's bodies so far (in this process)."""


def fresh(scenario: Scenario) -> tuple[dict[str, Any], ...]:
    """The scenario's bodies as this run asks them: each run's own, the area moved by a
    thousandth of a m² per run (a question's areas are 1/8 m² apart), so that no run asks
    what an earlier one asked, whose answer the server keeps -- the warm-up's, another
    round's (before session 8 every run asked the same 2,000 from the first)."""
    if not scenario.bodies:
        return ()
    shift = next(RUNS) % 125 / 1000
    return tuple({**body, "area_m2": body["area_m2"] + shift} for body in scenario.bodies)


def scenarios(trees: list[str], park: str, landing: dict[str, Any]) -> list[Scenario]:
    out = [Scenario("bare FastAPI GET (def)", "bare", "GET", "/bare"),
           Scenario("bare FastAPI GET (async)", "bare", "GET", "/bare-async")]
    for kind, method, path, body in (
            ("GET /healthz", "GET", "/healthz", None),
            ("GET /v1/parks/{id}", "GET", f"/v1/parks/{park}", None),
            ("GET /v1/entities/{id}", "GET", f"/v1/entities/{park}", None),
            ("GET search", "GET", "/v1/search?q=su&limit=20", None),
            ("POST landing", "POST", "/v1/landing/search", landing),
            ("POST landing explain=full", "POST", "/v1/landing/search?explain=full",
             landing)):
        out += [Scenario(f"{kind} [{tree}]", tree, method, path, body) for tree in trees]
    out += [Scenario(f"POST landing, a new question each time [{tree}]", tree, "POST",
                     "/v1/landing/search", landing, bodies=new_questions(landing))
            for tree in trees]
    for tree in trees:
        out.append(Scenario(f"GET entity during landings [{tree}]", tree, "GET",
                            f"/v1/parks/{park}", beside=Scenario(
                                "landing load", tree, "POST", "/v1/landing/search",
                                landing)))
    return out


def serve_command(port: int) -> list[str]:
    return [sys.executable, "-c", "from alliance.cli import app; app()", "serve",
            "--port", str(port), "--log-level", "warning"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured per scenario")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--question-clients", type=int,
                        help="connections for search and landing (default --clients; "
                             "fewer at 10^5, where one answer takes seconds)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds")
    parser.add_argument("--db", type=Path, help="serve a copy of this store file")
    parser.add_argument("--before-tree", type=Path, help="also serve this checkout's code")
    parser.add_argument("--driver", choices=["wrk", "httpx"],
                        default="wrk" if shutil.which("wrk") else "httpx")
    args = parser.parse_args()
    args.question_clients = args.question_clients or args.clients

    folder = Path(tempfile.mkdtemp(prefix="alliance-load-"))
    trees = {"after": REPO} if args.before_tree is None else {
        "before": args.before_tree.resolve(), "after": REPO}
    park, landing = question(args.db)
    ports = {name: free_port() for name in [*trees, "bare"]}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    quota = {"ALLIANCE_QUOTA_PER_MINUTE": "100000000",
             "ALLIANCE_ANONYMOUS_QUOTA_PER_MINUTE": "100000000"}
    figures: dict[str, list[tuple[float, float, float, int]]] = {}
    planned = scenarios(list(trees), park, landing)
    try:
        with ExitStack() as stack:
            for name, tree in trees.items():
                home = folder / name
                home.mkdir()
                db = home / "alliance.sqlite3"
                if args.db is not None:
                    shutil.copyfile(args.db, db)
                env = {**os.environ, **quota, "ALLIANCE_DB_PATH": str(db),
                       "PYTHONPATH": str(tree)}
                stack.enter_context(running(serve_command(ports[name]),
                                            f"{bases[name]}/readyz", env, cwd=tree))
            bare = [sys.executable, "-m", "uvicorn", "api_load:bare_app", "--factory",
                    "--app-dir", str(REPO / "benchmarks"), "--port", str(ports["bare"]),
                    "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
                    "--no-access-log"]
            stack.enter_context(running(bare, f"{bases['bare']}/bare", dict(os.environ)))
            for round_no in range(args.rounds):  # odd rounds backwards: a scenario run
                # right after another measured lower in every run (see docs/benchmarks.md)
                for scenario in planned if round_no % 2 == 0 else planned[::-1]:
                    base = bases[scenario.server]
                    clients = (args.question_clients if scenario.body is not None
                               or "search" in scenario.path else args.clients)
                    if args.driver == "wrk":
                        row = run_wrk(base, scenario, clients, args.seconds,
                                      args.warmup, folder)
                    else:
                        if scenario.beside is not None:
                            continue
                        latencies = asyncio.run(load(base, scenario, clients,
                                                     args.seconds, args.warmup, 600.0))
                        row = (len(latencies) / args.seconds,
                               statistics.median(latencies) * 1000,
                               percentile(latencies, 0.99) * 1000, len(latencies))
                    figures.setdefault(scenario.name, []).append(row)
                    print(f"{scenario.name:<44} {row[0]:>8.0f}/s p50 {row[1]:8.2f} "
                          f"p99 {row[2]:8.2f} ms", file=sys.stderr, flush=True)
            sizes = {f"{name}{query}": len(httpx.post(
                f"{bases[name]}/v1/landing/search{query}", json=landing, timeout=600).content)
                for name in trees for query in ("", "?explain=full")}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.driver}: {args.clients} connections ({args.question_clients} for search "
          f"and landing), {args.seconds:g} s per scenario, "
          f"{args.rounds} round(s), median round shown; {os.cpu_count()} CPUs, loopback; "
          f"servers: alliance serve (1 worker, embedded store, "
          f"{args.db.name if args.db else 'seed data'}), trees: "
          f"{', '.join(f'{k}={v}' for k, v in trees.items())}\n")
    bare_rows = figures["bare FastAPI GET (def)"]
    bare_rps = sorted(bare_rows)[len(bare_rows) // 2][0]
    print("landing answer bytes: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()) + "\n")
    print(f"{'scenario':<44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>9} {'÷ bare':>7}")
    print("-" * 81)
    for name, rows in figures.items():
        middle = sorted(rows)[len(rows) // 2]
        print(f"{name:<44} {middle[0]:>9.0f} {middle[1]:>8.2f} {middle[2]:>9.2f} "
              f"{middle[0] / bare_rps:>7.2f}")


if __name__ == "__main__":
    main()
