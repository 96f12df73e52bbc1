"""Loopback load on a real `alliance serve`: requests per second and p50/p99 latency of
GET entity, search and landing, beside a bare FastAPI endpoint served the same way
(uvicorn, uvloop, httptools) in the same run, so the figures separate what the
directory costs from what the stack costs.

Bounded: each scenario runs --seconds after a short warm-up with --clients concurrent
connections, driven by `wrk` when it is installed (`apt-get install wrk`: a C load
generator that costs the server little CPU) and otherwise by httpx clients in one
asyncio loop (which saturate their own core at a few hundred requests per second, so
they measure the client as much as the server). The load generator shares the machine
with the server, so absolute numbers are a floor; the comparison with the bare endpoint
is the point. Not a test: nothing is asserted.

    python benchmarks/api_load.py --seconds 5 --clients 8 [--driver httpx]
"""

from __future__ import annotations

import argparse
import asyncio
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

REPO = Path(__file__).resolve().parents[1]

LANDING = {"origin_city": "city:shanghai", "industry": "industry:medical-devices",
           "area_m2": 2000, "max_rail_minutes": 60, "top_k": 5,
           "profile": {"stage": "angel", "founded_year": 2021}}


@dataclass(frozen=True)
class Scenario:
    name: str
    server: str
    method: str
    path: str
    body: dict[str, Any] | None = None


SCENARIOS = [
    Scenario("bare FastAPI GET", "bare", "GET", "/bare"),
    Scenario("GET /healthz", "app", "GET", "/healthz"),
    Scenario("GET entity", "app", "GET", "/v1/parks/park:suzhou-sip-biobay"),
    Scenario("GET search 苏州", "app", "GET", "/v1/search?q=%E8%8B%8F%E5%B7%9E&limit=20"),
    Scenario("GET search suzhou", "app", "GET", "/v1/search?q=suzhou&limit=20"),
    Scenario("POST landing search", "app", "POST", "/v1/landing/search", LANDING),
]


def bare_app() -> FastAPI:
    """The baseline: one endpoint, no middleware, no store."""
    app = FastAPI()

    @app.get("/bare")
    def bare() -> dict[str, bool]:
        return {"ok": True}

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
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
def running(command: list[str], ready_url: str, env: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_ready(ready_url, process)
        yield
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

        async def worker() -> None:
            while (now := time.perf_counter()) < stop:
                response = await client.request(scenario.method, scenario.path,
                                                json=scenario.body)
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
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %f %f %f\\n", summary.requests, summary.duration,
           latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(base: str, scenario: Scenario, clients: int, seconds: float, warmup: float,
            folder: Path) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, requests) from wrk, after a warm-up run."""
    script = folder / "scenario.lua"
    body = json.dumps(scenario.body, ensure_ascii=False) if scenario.body else ""
    script.write_text(WRK_SCRIPT.format(method=scenario.method, body=body), encoding="utf-8")
    command = ["wrk", "-t", "1", "-c", str(clients), "-s", str(script), base + scenario.path]
    subprocess.run([*command[:-1], "-d", f"{max(warmup, 1):g}s", command[-1]],
                   check=True, capture_output=True)
    out = subprocess.run([*command[:-1], "-d", f"{seconds:g}s", command[-1]], check=True,
                         capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        msg = f"{scenario.name}: wrk saw non-2xx answers:\n{out}"
        raise RuntimeError(msg)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50_us, p99_us = (float(x) for x in line.split()[1:])
    return requests / (duration_us / 1e6), p50_us / 1000, p99_us / 1000, int(requests)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured per scenario")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--driver", choices=["wrk", "httpx"],
                        default="wrk" if shutil.which("wrk") else "httpx")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="alliance-load-"))
    app_port, bare_port = free_port(), free_port()
    env = {**os.environ, "ALLIANCE_DB_PATH": str(folder / "alliance.sqlite3"),
           "ALLIANCE_QUOTA_PER_MINUTE": "100000000",
           "ALLIANCE_ANONYMOUS_QUOTA_PER_MINUTE": "100000000"}
    serve = [sys.executable, "-c", "from alliance.cli import app; app()", "serve",
             "--port", str(app_port), "--log-level", "warning"]
    bare = [sys.executable, "-m", "uvicorn", "api_load:bare_app", "--factory",
            "--app-dir", str(REPO / "benchmarks"), "--port", str(bare_port),
            "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
            "--no-access-log"]
    bases = {"app": f"http://127.0.0.1:{app_port}", "bare": f"http://127.0.0.1:{bare_port}"}
    rows = []
    try:
        with running(serve, f"{bases['app']}/readyz", env), \
                running(bare, f"{bases['bare']}/bare", env):
            for scenario in SCENARIOS:
                base = bases[scenario.server]
                if args.driver == "wrk":
                    rows.append((scenario.name, *run_wrk(base, scenario, args.clients,
                                                         args.seconds, args.warmup, folder)))
                    continue
                latencies = asyncio.run(load(base, scenario, args.clients, args.seconds,
                                             args.warmup))
                rows.append((scenario.name, len(latencies) / args.seconds,
                             statistics.median(latencies) * 1000,
                             percentile(latencies, 0.99) * 1000, len(latencies)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.driver}: {args.clients} connections, {args.seconds:g} s per scenario, "
          f"{os.cpu_count()} CPUs, loopback; server: alliance serve (1 worker, embedded "
          "store, seed data, log level warning)\n")
    print(f"{'scenario':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}")
    print("-" * 60)
    for name, rps, p50, p99, count in rows:
        print(f"{name:<22} {rps:>9.0f} {p50:>8.2f} {p99:>8.2f} {count:>9}")


if __name__ == "__main__":
    main()
