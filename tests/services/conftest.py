"""Stores the service tests run on: the seed set and a small synthetic corridor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from alliance.ingest.records import RecordBatch
from alliance.services.ingest import load
from alliance.store.embedded import EmbeddedStore
from graph_schema.records import NodeRecord


@pytest.fixture(scope="session")
def seed_store(seed_batch: RecordBatch) -> Iterator[EmbeddedStore]:
    """An in-memory EmbeddedStore holding the seed set (read-only in tests)."""
    store = EmbeddedStore(":memory:")
    load(store, seed_batch)
    yield store
    store.close()


@pytest.fixture(scope="session")
def synth_store() -> Iterator[EmbeddedStore]:
    """An in-memory EmbeddedStore holding a 3000-node synthetic corridor."""
    from alliance.ingest.synth import synthesize

    batch = RecordBatch()
    for record in synthesize(nodes=3000, seed=11):
        if isinstance(record, NodeRecord):
            batch.nodes.append(record)
        else:
            batch.relationships.append(record)
    store = EmbeddedStore(":memory:")
    load(store, batch)
    yield store
    store.close()
