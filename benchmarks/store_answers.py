"""Dump store and service answers of an EmbeddedStore written record by record AND of a
file loaded by write_stream and reopened, to check a change of the store's layout, open
or bulk load changes no answer (compare two dumps with `cmp`, file by file).

    PYTHONPATH=TREE python benchmarks/store_answers.py OUT_DIR   # MEMORY_ONLY=1: (a) only

Per store (the seed set, a 4,000-node synthetic corridor): counts, every node of every
label and role, every relationship of every type, neighbours and `relationships_of` of
sampled nodes, shortest paths, searches, a filtered listing; the landing and collaborator
answer dumps (`landing_answers.py`, `collaborator_answers.py`); and whether the reopened
store's evidence index equals the write-maintained one. "closed": a file written by one
`write` and closed, reopened from the snapshot its close wrote (its dumps equal "file").
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


from alliance.errors import NotFound  # noqa: E402
from alliance.ingest.records import RecordBatch  # noqa: E402
from alliance.ingest.seed import DEFAULT_SEED_DIR, read_seed_dir  # noqa: E402
from alliance.ingest.synth import synthesize  # noqa: E402
from alliance.services.ingest import load  # noqa: E402
from alliance.store.embedded import EmbeddedStore  # noqa: E402
from benchmarks import collaborator_answers as ca  # noqa: E402
from benchmarks import landing_answers as la  # noqa: E402
from graph_schema.vocabulary import Label, RelType, Role  # noqa: E402


def batches() -> list[tuple[str, RecordBatch]]:
    synth = RecordBatch.of(synthesize(nodes=4000, seed=7))
    return [("seed", read_seed_dir(DEFAULT_SEED_DIR)), ("synth4000", synth)]


def store_dump(store: EmbeddedStore, out: Path) -> None:
    lines = [repr(store.counts())]
    ids = []
    for label in [*Label, *Role]:
        page = store.list_nodes(label, limit=10_000)
        ids += [n.id for n in page]
        lines.append(f"list {label} {[n.id for n in page]}")
        for record in page:
            lines.append(repr(record))
    rng = random.Random(5)
    for rel_type in RelType:
        lines.append(f"rels {rel_type} {store.get_relationships(rel_type)!r}")
    sample = rng.sample(sorted(set(ids)), min(200, len(set(ids))))
    for node in sample:
        lines.append(f"nb {node} {store.neighbours(node, limit=50)!r}")
        lines.append(f"get {store.get_nodes([node, node, 'x'])!r}")
    for node in sample[:40]:
        for rel_type in (RelType.COVERS, RelType.HOSTS, RelType.HAS_SKILL):
            lines.append(f"of {node} {rel_type} {store.relationships_of([node], rel_type)!r}")
    for a, b in zip(sample[:30], sample[30:60], strict=True):
        try:
            lines.append(f"sp {a} {b} {store.shortest_paths(a, b, k=2, max_hops=3)!r}")
        except NotFound as exc:
            lines.append(f"sp {exc}")
    for text in ("苏", "su", "park", "zh", "Nanjing", "科技", "a"):
        lines.append(f"search {text} {store.search(text, limit=30)!r}")
    lines.append(f"filter {store.list_nodes(Label.PARK, filters={'city': None}, limit=20)!r}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def collab_dump(store: EmbeddedStore, out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for title, answer in ca.questions(store):
            try:
                text = answer().model_dump_json()
            except NotFound as error:
                text = f"NotFound {error}"
            handle.write(f"{title}\n{text}\n")


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, batch in batches():
            memory = EmbeddedStore(":memory:")
            load(memory, batch)
            path = Path(tmp) / f"{name}.sqlite3"
            with EmbeddedStore(path) as written:
                load(written, batch, chunk_size=997)
                streamed_index = written.index
            reopened = EmbeddedStore(path)
            same = (memory.index == reopened.index, streamed_index == reopened.index)
            (out / f"{name}.index.txt").write_text(f"{same}\n")
            closed_path = Path(tmp) / f"{name}.closed.sqlite3"
            with EmbeddedStore(closed_path) as closing:  # one write: every node's own lists
                load(closing, batch)
            closed = EmbeddedStore(closed_path, read_only=True)  # the snapshot close wrote
            kinds = (("memory", memory),) if os.environ.get("MEMORY_ONLY") else (
                ("memory", memory), ("file", reopened), ("closed", closed))
            for kind, store in kinds:
                store_dump(store, out / f"{name}.{kind}.store.txt")
                la.dump(store, 40, out / f"{name}.{kind}.landing.txt")
                collab_dump(store, out / f"{name}.{kind}.collab.txt")
            memory.close()
            reopened.close()
            closed.close()


if __name__ == "__main__":
    main()
