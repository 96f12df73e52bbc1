"""Time the collaborator and team questions of `benchmarks/run.py` on one file with one
tree's code, CPU and wall time per question, so two trees can be compared on the same
file one after the other (on a loaded machine CPU time is what a question costs).

    python benchmarks/collaborator_cpu.py /work/before FILE 2 before.json
    python benchmarks/collaborator_cpu.py "$PWD" FILE 2 after.json
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path


def main(root: str, file: str, rounds: int, out: str) -> None:
    sys.path[:0] = [root, f"{root}/benchmarks"]
    run = importlib.import_module("run")  # the tree's own benchmark questions
    store_class = importlib.import_module("alliance.store.embedded").EmbeddedStore

    wall, cpu = time.perf_counter(), time.process_time()
    store = store_class(Path(file))
    found: dict[str, object] = {"root": root, "open_s": [time.perf_counter() - wall,
                                                        time.process_time() - cpu],
                                "rss_mib": run.rss_mib()}
    questions = run.questions(store)
    for kind in ("collaborators", "team"):
        cpu_ms, wall_ms = [], []
        for _ in range(rounds):
            for ask in questions[kind]:
                wall, cpu = time.perf_counter(), time.process_time()
                ask()
                cpu_ms.append((time.process_time() - cpu) * 1000)
                wall_ms.append((time.perf_counter() - wall) * 1000)
        found[kind] = {"cpu_ms": cpu_ms, "wall_ms": wall_ms}
    Path(out).write_text(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
