"""One writer per embedded store file: an OS lock beside the SQLite file.

The embedded store keeps the whole graph in memory and trusts it: a second process
writing the same file would make both indexes wrong, and SQLite's own locking cannot
tell (each transaction is fine on its own). So whoever opens a store file to write takes
`<file>.lock` (an OS advisory lock via `filelock`; the OS releases it when the process
dies, even by SIGKILL) and writes its pid and command line into `<file>.lock.owner`;
a second opener is refused at once with a message naming that pid.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from filelock import FileLock, Timeout

from alliance.errors import BackendUnavailable


class StoreInUse(BackendUnavailable):
    """Another process holds the store file's lock."""


def lock_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.lock")


def owner_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.lock.owner")


def holder(db_path: Path | str) -> str:
    """Who holds the lock, as its owner file says: `pid 1234 (alliance serve)`."""
    try:
        text = owner_path(db_path).read_text(encoding="utf-8").strip()
    except OSError:
        return "another process"
    pid, _, command = text.partition("\n")
    return f"pid {pid} ({command})" if command else f"pid {pid}"


class StoreFileLock:
    """The held lock of one store file; `release` (or process exit) frees it."""

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = db_path
        self._lock = FileLock(lock_path(db_path), timeout=0, thread_local=False)
        try:
            self._lock.acquire()
        except Timeout:
            msg = (f"{db_path} is in use by {holder(db_path)}: one process writes an "
                   "embedded store at a time. Stop that process, or use the Neo4j backend "
                   "for several.")
            raise StoreInUse(msg) from None
        command = " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:]) or "python"
        owner_path(db_path).write_text(f"{os.getpid()}\n{command}\n", encoding="utf-8")

    def release(self) -> None:
        if self._lock.is_locked:
            owner_path(self.db_path).unlink(missing_ok=True)
            self._lock.release()


def check_free(db_path: Path | str) -> None:
    """StoreInUse when another process holds the file (a probe: taken, then let go)."""
    StoreFileLock(db_path).release()
