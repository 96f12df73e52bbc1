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
from alliance.store.base import GraphStore
from alliance.store.rwlock import ReadWriteLock


class AnswerCache:
    """Encoded answers by (question, graph version), least recently used out first.

    >>> cache = AnswerCache(max_bytes=40)
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
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._answers.pop((question, version), None)
            self._held += len(body) - (len(old) if old is not None else 0)
            self._answers[(question, version)] = body
            while self._held > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._held -= len(dropped)


def graph_version(store: GraphStore) -> int | None:
    """The count of writes the store's graph has taken, or None when it keeps none."""
    lock = getattr(store, "lock", None)
    return lock.writes if isinstance(lock, ReadWriteLock) else None


async def respond(request: Request, store: GraphStore, question: Hashable,
                  encode: Callable[[], bytes]) -> Response:
    """The JSON answer to `question`: kept bytes when the graph is unchanged since they
    were encoded, else `encode()` in the thread pool (kept when no write ran meanwhile).
    The day is part of the question (answers default `as_of` to it)."""
    cache: AnswerCache | None = getattr(request.app.state, "answers", None)
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
