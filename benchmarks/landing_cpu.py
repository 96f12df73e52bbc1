"""CPU time of landing and compare questions on one store file, for one checkout.

    python benchmarks/landing_cpu.py TREE FILE [ROUNDS]

TREE is the checkout whose code is measured (so two trees can be measured on the same
file one after the other, side by side); FILE an EmbeddedStore file (opened read-only).
Prints one JSON line: per question kind wall and process-CPU p50/p99/max in ms (CPU time
stays comparable when other work shares the machine), the CPU of the first round apart
from the rounds after it (`cpu_first`, `cpu_again`: from session 7 on, what questions
work out per place and company facts is kept between questions, so a question asked
again, or one of the same industry or company facts, costs less than the first), and
the CPU p50 of a benchmark landing's parts: store evidence, elimination view, scoring,
explanation of the top k (which, from session 5 on, includes fetching the shown parks'
contacts), measured after the rounds.
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any


def _spread(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(samples), 1), "p99": round(p99, 1),
            "max": round(ordered[-1], 1)}


def main() -> None:
    tree, path = sys.argv[1], Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    sys.path[:0] = [tree, f"{tree}/benchmarks"]
    landing_answers = importlib.import_module("landing_answers")  # TREE's benchmarks/
    run = importlib.import_module("run")

    from alliance.services import landing
    from alliance.services.elimination import Checker
    from alliance.services.landing import LandingRequest
    from alliance.store.embedded import EmbeddedStore

    store = EmbeddedStore(path, read_only=True)
    questions = run.questions(store)
    varied = [LandingRequest.model_validate(ask)
              for ask in landing_answers.requests(store, 12)]
    kinds: dict[str, list[Callable[[], Any]]] = {
        "landing": questions["landing"], "compare": questions["compare"],
        "landing_varied": [partial(landing.search, store, r) for r in varied]}
    out: dict[str, Any] = {"tree": tree, "file": str(path)}
    for kind, actions in kinds.items():
        wall, cpu = [], []
        for _ in range(rounds):
            for action in actions:
                started, used = time.perf_counter(), time.process_time()
                action()
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
        first = len(actions)
        out[kind] = {"wall": _spread(wall), "cpu": _spread(cpu),
                     "cpu_first": _spread(cpu[:first])}
        if rounds > 1:
            out[kind]["cpu_again"] = _spread(cpu[first:])
    parts: dict[str, list[float]] = {"store": [], "elimination": [], "scoring": [],
                                     "explain": []}
    for _ in range(rounds):
        for request in questions["_params"][0]()[0]:
            query = request.to_filter()
            # what the tree's landing asks the store for ranking (session 5: totals only;
            # its explain then fetches the shown parks' contacts)
            ranking = (landing.ranking_filter(request) if hasattr(landing, "ranking_filter")
                       else query)
            used = time.process_time()
            # session 8: ranking reads candidate rows (`landing.candidates_of`)
            candidates = (landing.candidates_of(store, request)
                          if hasattr(landing, "candidates_of")
                          else store.landing_candidates(ranking))
            parts["store"].append(time.process_time() - used)
            used = time.process_time()
            Checker(store, query).elimination()
            parts["elimination"].append(time.process_time() - used)
            used = time.process_time()
            ranked = landing.rank(candidates, request)
            parts["scoring"].append(time.process_time() - used)
            used = time.process_time()
            landing.explain(store, list(enumerate(ranked[: request.top_k], start=1)),
                            request, reveal_contacts=False)
            parts["explain"].append(time.process_time() - used)
    out["parts_cpu_p50"] = {name: round(statistics.median(v) * 1000, 1)
                            for name, v in parts.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
