"""A large spreadsheet import: its time and peak memory, preview and apply.

Writes a file of N new parks (default 100,000) as an admin would: Chinese headers, GBK
for CSV, names instead of ids for the city and industries ("苏州", "人工智能"), numbers
typed as "1,200" and "8000㎡". Then each phase runs in a fresh child process on a copy of
the seeded embedded store: `preview` (read, reconcile, validate, diff) and
`preview + apply` (one transaction). Peak memory is the child's maximum resident set
(ru_maxrss), so it includes Python, the store and the seed graph; the file size is shown
beside it.

    python benchmarks/import_bench.py [--rows 100000] [--format csv|xlsx] [--json out.json]

`benchmarks/run.py` may call `measure(rows, fmt)` for its table. Not a test: nothing is
asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CITIES = ("苏州", "无锡", "常州", "南京", "镇江", "昆山")
INDUSTRIES = ("人工智能", "生物医药", "集成电路", "新能源汽车")
FACILITIES = ("标准厂房", "办公", "仓储", "研发实验室")
HEADER = ["园区名称", "英文名称", "所在城市", "租金(元/㎡/月)", "可用面积", "载体类型", "主导产业",
          "纬度", "经度"]


def rows(count: int) -> list[list[str]]:
    """`count` distinct new parks (seeded, so every run reads the same file)."""
    rng = random.Random(7)
    out = []
    for index in range(count):
        out.append([f"基准测试园{index:06d}号", f"Bench Park {index}", rng.choice(CITIES),
                    f"{rng.randint(1, 3)},{rng.randint(100, 999)}",
                    f"{rng.randint(1000, 90000)}㎡",
                    ";".join(rng.sample(FACILITIES, 2)), rng.choice(INDUSTRIES),
                    f"{31 + rng.random():.4f}", f"{119 + rng.random() * 2:.4f}"])
    return out


def write_file(folder: Path, count: int, fmt: str) -> Path:
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("园区")
        sheet.append(HEADER)
        for row in rows(count):
            sheet.append(row)
        path = folder / "园区.xlsx"
        book.save(path)
        return path
    path = folder / "园区.csv"
    with path.open("w", encoding="gbk", newline="") as out:
        import csv

        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows(count))
    return path


def seeded_store(folder: Path) -> Path:
    from alliance.ingest.seed import DEFAULT_SEED_DIR
    from alliance.services.ingest import load_seed
    from alliance.store.embedded import EmbeddedStore

    path = folder / "seeded.sqlite3"
    store = EmbeddedStore(path, synchronous="NORMAL")
    load_seed(store, DEFAULT_SEED_DIR)
    store.close()
    return path


def child(store_path: str, file_path: str, apply_: bool) -> None:
    """One phase in this process; prints its figures as JSON."""
    from alliance.ingest.decisions import DecisionSet
    from alliance.ingest.preview import apply, preview
    from alliance.store.embedded import EmbeddedStore

    class Sink:
        actor = "bench"

        def record(self, changes: Any) -> None:
            del changes

    store = EmbeddedStore(store_path, synchronous="NORMAL")
    start = time.perf_counter()
    with open(file_path, "rb") as stream:
        plan = preview(store, stream, Path(file_path).name, decisions=DecisionSet(),
                       actor="bench")
    previewed = time.perf_counter()
    if apply_:
        apply(store, plan, audit=Sink())
    done = time.perf_counter()
    store.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                      "counts": plan.counts(), "preview_s": round(previewed - start, 2),
                      "apply_s": round(done - previewed, 2) if apply_ else None,
                      "total_s": round(done - start, 2),
                      "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}))


def measure(count: int = 100_000, fmt: str = "csv") -> dict[str, Any]:
    """Figures of preview and of preview+apply for a file of `count` rows."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = time.perf_counter()
        file_path = write_file(folder, count, fmt)
        store = seeded_store(folder)
        results: dict[str, Any] = {"rows": count, "format": fmt,
                                   "file_mib": round(file_path.stat().st_size / 2**20, 1),
                                   "setup_s": round(time.perf_counter() - made, 1)}
        for phase, apply_ in (("preview", False), ("apply", True)):
            copy = folder / f"{phase}.sqlite3"
            shutil.copyfile(store, copy)
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(copy), str(file_path),
                 *(["--apply"] if apply_ else [])],
                check=True, capture_output=True, text=True, cwd=ROOT).stdout
            results[phase] = json.loads(output.strip().splitlines()[-1])
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--apply", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.apply)
        return
    results = measure(args.rows, args.format)
    print(f"{results['rows']:,} rows of {results['format']} ({results['file_mib']} MiB)")
    for phase in ("preview", "apply"):
        figures = results[phase]
        print(f"  {phase:8} {figures['total_s']:>8} s (CPU {figures['cpu_s']} s)   peak RSS "
              f"{figures['peak_rss_mib']} MiB   {figures['counts']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
