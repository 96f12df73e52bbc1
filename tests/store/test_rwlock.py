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


def test_reading_if_free_never_waits() -> None:
    """Free: taken (and shared with other readers); held or awaited by a writer: refused
    at once, holding nothing; afterwards a writer gets in."""
    lock = ReadWriteLock()
    with lock.reading_if_free() as free, lock.reading_if_free() as nested:
        assert free
        assert nested
    held, release = threading.Event(), threading.Event()

    def writer() -> None:
        with lock:
            held.set()
            release.wait(5)

    write = threading.Thread(target=writer)
    write.start()
    assert held.wait(5)
    with lock.reading_if_free() as free:
        assert not free, "a writer holds the lock"
    release.set()
    write.join(5)
    with lock.reading_if_free() as free:
        assert free
    with lock:  # nothing was left held
        pass

    reading, waiting, release = threading.Event(), threading.Event(), threading.Event()

    def reader() -> None:
        with lock.reading():
            reading.set()
            release.wait(5)

    read = threading.Thread(target=reader)
    read.start()
    assert reading.wait(5)

    def queued_writer() -> None:
        waiting.set()
        with lock:
            pass

    queued = threading.Thread(target=queued_writer)
    queued.start()
    assert waiting.wait(5)
    while not lock._writers_waiting:  # noqa: SLF001 - until the writer queues
        threading.Event().wait(0.001)
    with lock.reading_if_free() as free:
        assert not free, "a waiting writer keeps new readers out"
    release.set()
    read.join(5)
    queued.join(5)
    assert not queued.is_alive()
