"""Time EmbeddedStore's name search (`store.search(text, limit=20)`) on one store file:
the bench row's needles and others (names, initials, single letters, misses).

    python benchmarks/search_names.py FILE [REPEATS]

Prints one JSON line: the first search (which builds the name index), then p50/p99 and
each needle's median per group, in ms. Run it once per tree (PYTHONPATH) on copies of
the same file, alternately, to compare two versions.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from alliance.store.embedded import EmbeddedStore

GROUPS = {"bench": ["苏", "园区", "su", "park"],
          "other": ["zhang wei", "szgx", "wu ninghao", "吴宁浩", "semiconductor",
                    "上海智新半导体有限公司", "shanghai", "s", "ninghao", "xyzq"]}


def main() -> None:
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with EmbeddedStore(sys.argv[1], read_only=True) as store:
        started = time.perf_counter()
        store.search("x")
        out: dict[str, object] = {"first_ms": round((time.perf_counter() - started) * 1000)}
        for name, needles in GROUPS.items():
            times: list[float] = []
            per: dict[str, float] = {}
            for needle in needles:
                taken = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    store.search(needle, limit=20)
                    taken.append(time.perf_counter() - started)
                times += taken
                per[needle] = round(statistics.median(taken) * 1000, 2)
            times.sort()
            out[name] = {"p50": round(times[len(times) // 2] * 1000, 2),
                         "p99": round(times[min(len(times) - 1, int(0.99 * len(times)))]
                                      * 1000, 2), "per": per}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
