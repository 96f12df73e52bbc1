"""The store's readers-writer lock: readers share it, a writer has it alone."""

from __future__ import annotations

import threading

import pytest

from alliance.store.rwlock import ReadWriteLock


def test_readers_share_the_lock_and_a_writer_waits_for_them() -> None:
    lock = ReadWriteLock()
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def long_reader() -> None:
        with lock.reading():
            inside.set()
            release.wait(5)
            order.append("long read done")

    def writer() -> None:
        with lock:
            order.append("write")

    reader = threading.Thread(target=long_reader)
    reader.start()
    assert inside.wait(5)
    done = threading.Event()

    def short_reader() -> None:
        with lock.reading():
            done.set()

    short = threading.Thread(target=short_reader)
    short.start()
    assert done.wait(5), "a second reader waited for the first"
    short.join()
    write = threading.Thread(target=writer)
    write.start()
    write.join(0.2)
    assert write.is_alive(), "the writer did not wait for the running reader"
    release.set()
    reader.join(5)
    write.join(5)
    assert order == ["long read done", "write"]


def test_reentrant_in_a_thread_and_no_upgrade() -> None:
    lock = ReadWriteLock()
    with lock, lock.reading(), lock:
        pass
    with lock.reading(), lock.reading(), pytest.raises(RuntimeError):
        lock.acquire()
    with lock:  # free again
        pass
