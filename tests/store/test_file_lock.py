"""One writer per embedded store file: a second opener is refused at once, naming the
holder's pid; the OS frees the lock when the holder dies, even by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alliance.cli.main import app
from alliance.store.embedded import EmbeddedStore
from alliance.store.file_lock import StoreInUse
from tests import factories as f

HOLD = """
import sys, time
from alliance.store.embedded import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
print("open", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A store file held by another process (which is killed afterwards)."""
    path = tmp_path / "held.sqlite3"
    with EmbeddedStore(path) as store:
        store.write(nodes=[f.industry("held")])
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "open"
    yield path, child
    child.kill()
    child.wait()


def test_a_second_writer_is_refused_naming_the_holder(
        held: tuple[Path, subprocess.Popen[str]]) -> None:
    path, child = held
    with pytest.raises(StoreInUse) as caught:
        EmbeddedStore(path)
    assert f"pid {child.pid}" in caught.value.message
    assert str(path) in caught.value.message


def test_a_reader_opens_without_the_lock_and_cannot_write(
        held: tuple[Path, subprocess.Popen[str]]) -> None:
    path, _ = held
    with EmbeddedStore(path, read_only=True) as reader:
        assert reader.get_node("industry:held") is not None
        with pytest.raises(Exception, match="read-only"):
            reader.write(nodes=[f.industry("other")])


def test_sigkill_of_the_holder_frees_the_file(
        held: tuple[Path, subprocess.Popen[str]]) -> None:
    path, child = held
    child.send_signal(signal.SIGKILL)
    child.wait()
    with EmbeddedStore(path) as store:
        assert store.get_node("industry:held") is not None


def test_serve_and_reading_commands_on_a_held_file(
        held: tuple[Path, subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    path, child = held
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(path))
    from alliance.settings import get_settings
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        served = runner.invoke(app, ["serve", "--port", "1"])
        assert served.exit_code == 2
        assert f"pid {child.pid}" in served.output
        stats = runner.invoke(app, ["stats", "--json"])
        assert stats.exit_code == 0, stats.output
        assert f"reading {path} read-only" in stats.stderr
        assert f"pid {child.pid}" in stats.stderr
    finally:
        get_settings.cache_clear()
