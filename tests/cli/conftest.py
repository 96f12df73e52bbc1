"""Every CLI test runs against the embedded store file its module's `db_path` names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance.settings import get_settings


@pytest.fixture(autouse=True)
def _settings(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(db_path))
    monkeypatch.setenv("ALLIANCE_BACKEND", "embedded")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
