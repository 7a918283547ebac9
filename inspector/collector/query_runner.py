"""Queries and large reads run off the event loop, in a time budget.

Every ``/api`` read that can take long (a query, a page of 100k events, an export chunk, the
identity catch-up of a large session) runs in one of a few query threads, each with a
read-only SQLite connection of its own, so the event loop keeps answering clients (ingest)
meanwhile. A read runs within :attr:`QueryRunner.budget` seconds: SQLite's progress handler
interrupts it after that, and the client gets ``400 {"code":"query_too_slow"}`` telling it to
narrow the query. Regular expressions cannot stall a read (RE2, linear in the text searched).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from inspector.domain.store import Store
from inspector.domain.store_read import Reader

T = TypeVar("T")
DEFAULT_BUDGET = 10.0  # seconds a query may run before it is answered query_too_slow
THREADS = 2


class QueryRunner:
    """A few threads with a reader each; :meth:`run` calls ``fn(reader)`` in one of them."""

    def __init__(self, store: Store, threads: int = THREADS, budget: float = DEFAULT_BUDGET):
        self.store = store
        self.budget = budget
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._readers: list[Reader] = []
        self._lock = threading.Lock()
        self.running = 0  # reads in flight (for tests and benchmarks)

    def _reader(self) -> Reader:
        reader: Reader | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = self.store.reader()
            with self._lock:
                self._readers.append(reader)
        return reader

    async def run(self, fn: Callable[[Reader], T], *, budget: float | None = -1.0) -> T:
        """``fn(reader)`` in a query thread within ``budget`` seconds (default: the runner's;
        None: no limit); a read past it raises QueryTooSlow (a 400 ``query_too_slow``)."""
        seconds = self.budget if budget == -1.0 else budget

        def call() -> T:
            reader = self._reader()
            with reader.budget(seconds):
                return fn(reader)

        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="query")
        self.running += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, call)
        finally:
            self.running -= 1

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        with self._lock:
            for r in self._readers:
                r.close()
            self._readers.clear()
