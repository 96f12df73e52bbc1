"""Answers to the same question on the same graph, encoded once.

A landing, compare, collaborator, team or search answer depends only on the question
(the validated request, the answer's form, whether the caller may see contact data,
the day) and on the graph. When the graph has not changed since an answer was
encoded, asking the same question again is work that does not need doing: at 10^5
nodes a landing takes ~35–80 ms in the service and ~9 ms to encode, while handing back
the encoded bytes takes microseconds, on the event loop, without a worker thread.

The graph's version is the embedded store's count of completed writes
(`ReadWriteLock.writes`): every change of the in-memory graph happens under the lock's
exclusive side. An answer is kept only when the count is the same before and after it
was computed (no write's update of the graph ran in between), under that count; a
write raises the count, so the next ask misses and computes against the new graph —
never a stale answer. Stores without that lock (Neo4jStore, whose graph other hosts
change) are not cached: every ask computes.

Entity versions (the ETag of GET one entity: a hash of its labels, properties and
outgoing relationships, ~250 µs for a park at 10^5 nodes, more than the rest of the
request) are kept the same way (`kept`).

Bounded by bytes (`ALLIANCE_ANSWER_CACHE_MIB`, least recently used out first; 0 turns
it off); an answer larger than a quarter of the bound is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from alliance.api.responses import JSON
from alliance.services import directory
from alliance.store.base import GraphStore
from alliance.store.rwlock import ReadWriteLock
from graph_schema.records import NodeRecord

ENTRY_BYTES = 256
"""What an entry costs beside its bytes (its key, the dictionary's slot), counted
against the bound: a kept version is 32 bytes."""


class AnswerCache:
    """Encoded answers by (question, graph version), least recently used out first.

    >>> cache = AnswerCache(max_bytes=40 + 4 * ENTRY_BYTES)
    >>> cache.put(("q", 1), 0, b"1" * 10); cache.get(("q", 1), 0)
    b'1111111111'
    >>> cache.get(("q", 1), 1) is None  # another graph version
    True
    >>> for name in "rstu":
    ...     cache.put((name,), 0, b"2" * 10)
    >>> cache.get(("q", 1), 0) is None, cache.get(("u",), 0) is not None
    (True, True)
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._held = 0
        self._answers: OrderedDict[tuple[Hashable, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, question: Hashable, version: int) -> bytes | None:
        with self._lock:
            body = self._answers.get((question, version))
            if body is not None:
                self._answers.move_to_end((question, version))
            return body

    def put(self, question: Hashable, version: int, body: bytes) -> None:
        if len(body) + ENTRY_BYTES > self.max_bytes // 4:
            return
        with self._lock:
            old = self._answers.pop((question, version), None)
            if old is not None:
                self._held -= len(old) + ENTRY_BYTES
            self._answers[(question, version)] = body
            self._held += len(body) + ENTRY_BYTES
            while self._held > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._held -= len(dropped) + ENTRY_BYTES


def kept(cache: AnswerCache | None, store: GraphStore, question: Hashable,
         since: int | None, compute: Callable[[], bytes]) -> bytes:
    """`compute()`, or what it gave before on the same graph: for reads done in the
    calling thread. `since` is `graph_version(store)` taken before anything the answer
    depends on was read (a record fetched earlier, under an older graph, would make it
    wrong for the newer one)."""
    if cache is None or since is None or not cache.max_bytes:
        return compute()
    body = cache.get(question, since)
    if body is None:
        body = compute()
        if graph_version(store) == since:
            cache.put(question, since, body)
    return body


def kept_version(cache: AnswerCache | None, store: GraphStore, record: NodeRecord,
                 since: int | None) -> str:
    """The entity's version (`directory.version`), kept until the next write; `since`
    as for `kept`, taken before `record` was read."""
    return kept(cache, store, ("version", record.id), since,
                lambda: directory.version(store, record).encode()).decode()


def answers_of(request: Request) -> AnswerCache | None:
    """The app's kept answers (none before the app is set up)."""
    cache: AnswerCache | None = getattr(request.app.state, "answers", None)
    return cache


def graph_version(store: GraphStore) -> int | None:
    """The count of writes the store's graph has taken, or None when it keeps none."""
    lock = getattr(store, "lock", None)
    return lock.writes if isinstance(lock, ReadWriteLock) else None


async def respond(request: Request, store: GraphStore, question: Hashable,
                  encode: Callable[[], bytes]) -> Response:
    """The JSON answer to `question`: kept bytes when the graph is unchanged since they
    were encoded, else `encode()` in the thread pool (kept when no write ran meanwhile).
    The day is part of the question (answers default `as_of` to it)."""
    cache = answers_of(request)
    version = graph_version(store) if cache is not None and cache.max_bytes else None
    if cache is None or version is None:
        return Response(await run_in_threadpool(encode), media_type=JSON)
    question = (question, date.today())
    body = cache.get(question, version)
    if body is None:
        body = await run_in_threadpool(encode)
        if graph_version(store) == version:
            cache.put(question, version, body)
    return Response(body, media_type=JSON)
