"""Session-wide fixtures: the real Neo4j the test command started, the seed data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alliance.ingest.records import RecordBatch
from alliance.ingest.seed import DEFAULT_SEED_DIR, read_seed_dir


@pytest.fixture(scope="session")
def neo4j_uri() -> str:
    """Bolt URI of the Neo4j started by tools/test.sh; under CI a missing one fails."""
    uri = os.environ.get("ALLIANCE_TEST_NEO4J_URI")
    if not uri:
        message = ("Neo4j is not running: `make test` starts it, or run tools/neo4j.sh start "
                   "and export ALLIANCE_TEST_NEO4J_URI")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return uri


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the redis-server started by tools/test.sh; under CI a missing one fails."""
    url = os.environ.get("ALLIANCE_TEST_REDIS_URL")
    if not url:
        message = ("redis is not running: `make test` starts it, or run tools/redis.sh start "
                   "and export ALLIANCE_TEST_REDIS_URL")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return DEFAULT_SEED_DIR


@pytest.fixture(scope="session")
def seed_batch(seed_dir: Path) -> RecordBatch:
    """The validated seed set (read once per session)."""
    batch = read_seed_dir(seed_dir)
    assert not batch.errors, [str(e) for e in batch.errors]
    return batch
