"""Load validated records into a store: the seed set, synthetic graphs, bulk imports.

A load either goes in one transaction (all or nothing: imports) or in chunks of one
transaction each (large synthetic graphs, where one transaction would not fit a server's
memory); either way nothing unvalidated reaches the store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alliance.errors import Invalid
from alliance.ingest.records import RecordBatch
from alliance.ingest.seed import read_seed_dir
from alliance.services.integrity import check_write
from alliance.store.base import GraphStore

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


def load_seed(store: GraphStore, seed_dir: Path, *, progress: Progress | None = None) -> int:
    """Validate the seed folder and upsert it (idempotent: running it twice changes
    nothing)."""
    return load(store, read_seed_dir(seed_dir), progress=progress)


def is_empty(store: GraphStore) -> bool:
    return not any(store.counts().labels.values())
