"""Fixtures: an app on an EmbeddedStore in tmp_path, loaded with the seed data plus the
people of `tests.api.support`, and one API key per scope.

The seeded SQLite file is built once per session and copied for each test, so every
test starts from the same data without paying for the seed load.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from alliance.api.app import create_app
from alliance.services.ingest import load_seed
from alliance.store.embedded import EmbeddedStore
from tests.api.support import Api, ApiFactory, api_people, fresh_settings, make_keys


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Path:
    """A store file with the seed and the API test people, built once."""
    path = tmp_path_factory.mktemp("seeded") / "alliance.sqlite3"
    store = EmbeddedStore(path, synchronous="NORMAL")
    try:
        load_seed(store, seed_dir)
        nodes, rels = api_people()
        store.write(nodes=nodes, relationships=rels)
    finally:
        store.close()
    return path


def _start(seeded_db: Path, folder: Path, stack: list[TestClient], **overrides: Any) -> Api:
    settings = fresh_settings(seeded_db, folder, **overrides)
    app = create_app(settings)
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    stack.append(client)
    return Api(app, client, make_keys(app))


@pytest.fixture(scope="session")
def api(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The shared app for reads (anonymous access allowed, generous quotas). Tests that
    write use `fresh_api` or `api_factory`, so this one never changes."""
    stack: list[TestClient] = []
    yield _start(seeded_db, tmp_path_factory.mktemp("shared"), stack)
    stack[0].__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_api(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """An app shared by one test module's writes: each test writes its own ids, so the
    tests stay independent without paying for an app each."""
    stack: list[TestClient] = []
    yield _start(seeded_db, tmp_path_factory.mktemp("module"), stack)
    stack[0].__exit__(None, None, None)


@pytest.fixture
def api_factory(seeded_db: Path, tmp_path: Path) -> Iterator[ApiFactory]:
    """Start apps of this test with settings overrides; each is stopped afterwards."""
    stack: list[TestClient] = []

    def start(**overrides: Any) -> Api:
        return _start(seeded_db, tmp_path / f"app{len(stack)}", stack, **overrides)

    yield start
    for client in reversed(stack):
        client.__exit__(None, None, None)


@pytest.fixture
def fresh_api(api_factory: ApiFactory) -> Api:
    """An app of this test alone, free to write."""
    return api_factory()
