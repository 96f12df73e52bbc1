"""A readers-writer lock: readers share it, a writer has it alone.

EmbeddedStore's reads only look at its in-memory graph, so any number may run at once
(a long landing question no longer makes a GET of one entity wait for it); the
post-commit update of the graph takes the lock alone, so no reader sees half a write.
A waiting writer keeps new readers out (it would otherwise wait for ever under steady
reads); it waits only for the reads already running.

Both sides are reentrant in their thread: a read inside a read, a read or a write inside
a write. A read cannot turn into a write (that would deadlock two such readers).
`with lock:` is the exclusive side, so code that took the old store-wide lock to look at
the graph undisturbed keeps working.

Written here because the standard library has none. A maintained package (for example
fasteners' ReaderWriterLock) has not yet been checked against what EmbeddedStore needs (a
read inside a write, writer preference); if one fits, it should replace this module.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType


class ReadWriteLock:
    def __init__(self) -> None:
        self._state = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._writer_depth = 0
        self._writers_waiting = 0
        self._local = threading.local()
        self.writes = 0
        """Exclusive sections completed so far: a reader that sees the same count before
        and after its reads saw no write between them (`alliance.api.answer_cache`)."""

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Shared: waits only for a writer that holds the lock or waits for it."""
        if self._writer == threading.get_ident():
            yield
            return
        depth: int = getattr(self._local, "depth", 0)
        if depth == 0:
            self._take(wait=True)
        with self._held(depth):
            yield

    @contextmanager
    def reading_if_free(self) -> Iterator[bool]:
        """Shared if it can be had without waiting (no writer holds or waits for it):
        yields True and holds it, else yields False at once and holds nothing. For a
        caller that must never block (the API's event loop), and does the read
        elsewhere when it is not free."""
        if self._writer == threading.get_ident():
            yield True
            return
        depth: int = getattr(self._local, "depth", 0)
        if depth == 0 and not self._take(wait=False):
            yield False
            return
        with self._held(depth):
            yield True

    def _take(self, *, wait: bool) -> bool:
        """Count one more reader once no writer holds or waits for the lock; without
        `wait`, refuse (False) instead of waiting."""
        with self._state:
            while self._writer is not None or self._writers_waiting:
                if not wait:
                    return False
                self._state.wait()
            self._readers += 1
        return True

    @contextmanager
    def _held(self, depth: int) -> Iterator[None]:
        """A read at nesting `depth` of this thread; the outermost gives the lock back."""
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            if depth == 0:
                with self._state:
                    self._readers -= 1
                    if self._readers == 0:
                        self._state.notify_all()

    def acquire(self) -> None:
        """Exclusive: waits for the running readers and any other writer."""
        me = threading.get_ident()
        if self._writer == me:
            self._writer_depth += 1
            return
        if getattr(self._local, "depth", 0):
            msg = "a reader cannot take the lock for writing"
            raise RuntimeError(msg)
        with self._state:
            self._writers_waiting += 1
            try:
                while self._writer is not None or self._readers:
                    self._state.wait()
            finally:
                self._writers_waiting -= 1
            self._writer, self._writer_depth = me, 1

    def release(self) -> None:
        self._writer_depth -= 1
        if self._writer_depth == 0:
            with self._state:
                self.writes += 1
                self._writer = None
                self._state.notify_all()

    def __enter__(self) -> ReadWriteLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
