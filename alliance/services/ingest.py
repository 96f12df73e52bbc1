"""Load validated records into a store: the seed set, synthetic graphs, bulk imports.

A load is all or nothing. Large loads go in chunks: a store that can (`StreamWriter`,
the embedded store) writes every chunk in one transaction, holding a chunk at a time;
another (Neo4j) writes a transaction per chunk, since one transaction of millions of
records would not fit its server's memory. Either way nothing unvalidated reaches the
store: every chunk is checked (`services.integrity`) before it is written, and the
acyclic types once more over all chunks before the last commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from alliance.errors import Invalid
from alliance.ingest.records import RecordBatch
from alliance.ingest.seed import read_seed_dir
from alliance.services.integrity import ACYCLIC, check_acyclic, check_storable, check_write
from alliance.store.base import GraphStore, StreamWriter, WriteBatch
from graph_schema.records import RelRecord

Progress = Callable[[int], None]
"""Called with the number of records just written."""


def load(store: GraphStore, batch: RecordBatch, *, chunk_size: int | None = None,
         progress: Progress | None = None) -> int:
    """Write every node, then every relationship; returns the number of records.

    Raises Invalid (naming the first error) when the batch has errors, and Conflict when
    it would break a graph invariant (`services.integrity`): nothing is written.
    """
    if batch.errors:
        msg = f"{len(batch.errors)} invalid records; first: {batch.errors[0]}"
        raise Invalid(msg, field=batch.errors[0].field)
    check_write(store, nodes=batch.nodes, relationships=batch.relationships)
    total = len(batch.nodes) + len(batch.relationships)
    if chunk_size is None:
        store.write(nodes=batch.nodes, relationships=batch.relationships)
        if progress:
            progress(total)
        return total
    if isinstance(store, StreamWriter):
        store.write_stream(_chunks(batch, chunk_size, progress))
        return total
    for start in range(0, len(batch.nodes), chunk_size):
        part = batch.nodes[start:start + chunk_size]
        store.write(nodes=part)
        if progress:
            progress(len(part))
    for start in range(0, len(batch.relationships), chunk_size):
        rels = batch.relationships[start:start + chunk_size]
        store.write(relationships=rels)
        if progress:
            progress(len(rels))
    return total


def _chunks(batch: RecordBatch, size: int, progress: Progress | None) -> Iterator[WriteBatch]:
    """The batch's nodes, then its relationships, `size` records at a time."""
    for start in range(0, len(batch.nodes), size):
        yield batch.nodes[start:start + size], ()
        if progress:
            progress(len(batch.nodes[start:start + size]))
    for start in range(0, len(batch.relationships), size):
        yield (), batch.relationships[start:start + size]
        if progress:
            progress(len(batch.relationships[start:start + size]))


def load_seed(store: GraphStore, seed_dir: Path, *, progress: Progress | None = None) -> int:
    """Validate the seed folder and upsert it (idempotent: running it twice changes
    nothing)."""
    return load(store, read_seed_dir(seed_dir), progress=progress)


def is_empty(store: GraphStore) -> bool:
    return not any(store.counts().labels.values())


def load_stream(store: GraphStore, batches: Iterable[RecordBatch], *,
                progress: Progress | None = None) -> int:
    """Write a stream of validated batches (e.g. a JSON-lines file read a batch at a
    time), all or nothing; returns the number of records.

    Each batch is checked before it is written; a batch with errors raises Invalid and
    nothing is stored. On a StreamWriter every batch goes into one transaction; on
    another store each batch is its own transaction (see the module docstring).
    """
    acyclic: list[RelRecord] = []

    def checked() -> Iterator[WriteBatch]:
        for batch in batches:
            if batch.errors:
                msg = f"{len(batch.errors)} invalid records; first: {batch.errors[0]}"
                raise Invalid(msg, field=batch.errors[0].field)
            check_storable(batch.nodes, batch.relationships)
            acyclic.extend(rel for rel in batch.relationships if rel.type in ACYCLIC)
            yield batch.nodes, batch.relationships
            if progress:
                progress(len(batch.nodes) + len(batch.relationships))
        check_acyclic(store, acyclic)  # the whole stream's taxonomy, before COMMIT

    if isinstance(store, StreamWriter):
        return store.write_stream(checked())
    return _write_batches(store, checked())


def _write_batches(store: GraphStore, batches: Iterable[WriteBatch]) -> int:
    """Each batch in its own transaction (a store that is not a StreamWriter). A
    relationship read before one of its end nodes (a file may list it first) waits until
    the stream's last node is written, so no batch refers to a node not yet stored; the
    node ids seen are kept for that (ids only, as the file check keeps them)."""
    seen: set[str] = set()
    waiting: list[RelRecord] = []
    total = 0
    for nodes, relationships in batches:
        seen.update(node.id for node in nodes)
        ready = [rel for rel in relationships if rel.source in seen and rel.target in seen]
        if len(ready) < len(relationships):
            waiting += [rel for rel in relationships
                        if not (rel.source in seen and rel.target in seen)]
        check_acyclic(store, [rel for rel in ready if rel.type in ACYCLIC])
        store.write(nodes=nodes, relationships=ready)
        total += len(nodes) + len(ready)
    for start in range(0, len(waiting), WAITING_CHUNK):
        part = waiting[start:start + WAITING_CHUNK]
        check_acyclic(store, [rel for rel in part if rel.type in ACYCLIC])
        store.write(relationships=part)
        total += len(part)
    return total


WAITING_CHUNK = 5_000
"""Relationships per transaction when those that waited for their ends are written."""
