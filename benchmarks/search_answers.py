"""Dump `store.search` and `services.search.search` answers (hits, order, scores,
reasons, cities, totals, facets, cursors over three pages) for 50 texts x label filters
x limits, on the seed set and a 4,000-node synthetic graph, one JSON line each.

    python benchmarks/search_answers.py OUT.jsonl

Run it in two trees (PYTHONPATH) and `cmp` the files: a change of speed must not change
one byte.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from alliance.ingest.records import RecordBatch
from alliance.ingest.seed import DEFAULT_SEED_DIR, read_seed_dir
from alliance.ingest.synth import synthesize
from alliance.services import search as svc
from alliance.services.ingest import load
from alliance.store.embedded import EmbeddedStore
from graph_schema.vocabulary import Label, Role


def seed() -> EmbeddedStore:
    store = EmbeddedStore(":memory:")
    load(store, read_seed_dir(DEFAULT_SEED_DIR))
    return store


def synth() -> EmbeddedStore:
    batch = RecordBatch.of(synthesize(nodes=4000, seed=7))
    store = EmbeddedStore(":memory:")
    load(store, batch)
    return store


NEEDLES = ["苏", "苏州", "园区", "su", "park", "suzhou", "su zhou", "szgx", "shanghai", "上海",
           "zhang", "zhang wei", "wei", "lawyer", "律师", "xyzq", "biobay", "生物", "苏州 生物",
           "suzou", "shangahi", "nanjing", "南京", "co., ltd", "technology", "a", "s", "张", "王",
           "gong si", "gongsi", "ke ji", "innovation harbour", "2019", "policy", "投资人",
           "investor", "半导体", "semiconductor", "wuxi", "无锡", "  Su   Zhou ",
           "suzhou industrial park", "苏州工业园区", "hao", "ninghao", "zz", "q", "·", "z z"]
LABELS: list[tuple[Label | Role, ...]] = [
    (), (Label.PARK,), (Label.PERSON,), (Role.LAWYER,), (Label.CITY, Label.COMPANY)]



def dump(store: EmbeddedStore, out: list[list[Any]]) -> None:
    for n in NEEDLES:
        for labels in LABELS:
            for limit in (1, 20, 500):
                hits = store.search(n, labels=labels, limit=limit)
                out.append(["store", n, [str(label) for label in labels], limit,
                            [[h.node.id, h.score] for h in hits]])
    for n in NEEDLES:
        for labels in LABELS[:4]:
            for limit in (5, 20):
                cursor: str | None = None
                for page_no in range(3):
                    p = svc.search(store, text=n, labels=labels, limit=limit, cursor=cursor)
                    out.append(["svc", n, [str(label) for label in labels], limit, page_no, p.total,
                                p.facets, p.next_cursor,
                                [[i.score, i.node.id, list(i.reasons), i.city] for i in p.items]])
                    cursor = p.next_cursor
                    if cursor is None:
                        break



def main() -> None:
    out: list[list[Any]] = []
    for make in (seed, synth):
        store = make()
        dump(store, out)
        store.close()
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        for row in out:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(len(out))


if __name__ == "__main__":
    main()
