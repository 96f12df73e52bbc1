"""Stores the service tests run on: the seed set and a small synthetic corridor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from alliance.ingest.records import RecordBatch
from alliance.services.ingest import load
from alliance.store.embedded import EmbeddedStore


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

    batch = RecordBatch.of(synthesize(nodes=3000, seed=11))
    store = EmbeddedStore(":memory:")
    load(store, batch)
    yield store
    store.close()
