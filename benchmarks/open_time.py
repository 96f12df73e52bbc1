"""Time one open of an EmbeddedStore file: wall and process-CPU seconds and graph RSS
(resident memory after the open minus before); with `write`, then write one city, close
(which logs the write, and rewrites the snapshot only after many) and time that too. Run
it in a fresh process per open, on a copy of the file (a writer takes its lock):

    PYTHONPATH=TREE python benchmarks/open_time.py FILE [write]

Run twice on a fresh copy: the first open builds from the file and writes the snapshot,
the second reads it; after `write`, the next open shows the start-up after a write.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy  # noqa: E402, F401  # imported before the baseline, as an open imports it

from alliance.store.embedded import EmbeddedStore  # noqa: E402
from tests.factories import city  # noqa: E402


def resident_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def main(path: str, write: bool) -> None:
    base = resident_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    store = EmbeddedStore(path)
    print(f"open wall {time.perf_counter() - wall:.2f} s cpu {time.process_time() - cpu:.2f} s"
          f" graph RSS {resident_mib() - base:.0f} MiB", flush=True)
    wall = time.perf_counter()
    if write:
        store.write(nodes=[city(f"probe-{time.time_ns()}")])
    store.close()
    if write:
        print(f"write+close wall {time.perf_counter() - wall:.2f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] == ["write"])
