"""Short reads answered on the event loop when the store can answer at once, in the
thread pool otherwise.

FastAPI runs a plain `def` view in a worker thread; on this 2-core machine the hop there
and back cost more than reading an entity (in-process: 398 µs for a bare `def`
endpoint, 69 µs for an `async def` one), and under load the worker and the event loop
hand the GIL to each other. A view whose work is a few dictionary lookups (GET one
entity) runs it inline instead, when the store keeps its graph in memory behind a
readers-writer lock (EmbeddedStore) and that lock can be shared without waiting. When a
writer holds it or waits for it, or the store reads over the network (Neo4jStore), the
read goes to the thread pool as before, so the event loop never blocks on a lock or a
socket and a long question never delays a short one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from alliance.store.base import GraphStore
from alliance.store.rwlock import ReadWriteLock

P = ParamSpec("P")
T = TypeVar("T")


async def quick_read(store: GraphStore, read: Callable[P, T], *args: P.args,
                     **kwargs: P.kwargs) -> T:
    """`read(*args, **kwargs)`: here if `store`'s in-memory lock is free, else in the
    thread pool. Only for reads that take microseconds (one entity, not a search)."""
    lock = getattr(store, "lock", None)
    if isinstance(lock, ReadWriteLock):
        with lock.reading_if_free() as free:
            if free:
                return read(*args, **kwargs)
    return await run_in_threadpool(read, *args, **kwargs)
