"""Group commit: requests wait on one shared transaction instead of paying a commit each.

Every request hands its rows to the writer and awaits the commit that contains them; the
writer commits whatever accumulated while the previous commit ran (in a worker thread, so
the event loop keeps parsing). Nothing is acknowledged before it is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.store import Store, event_row, request_row

Row = tuple[object, ...]
log = logging.getLogger(__name__)


class GroupWriter:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[tuple[list[Row], list[Row], asyncio.Future[None]]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self.commits = 0
        self.index_chunk = 256  # events per idle indexing step (~10 ms): bounds added latency

    def start(self) -> None:
        """Start (or restart, after :meth:`stop`) on the running loop."""
        if getattr(self._executor, "_shutdown", False):
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="group-writer")

    async def stop(self) -> None:
        if self._task is not None:
            await self.flush()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._executor.shutdown(wait=True)

    async def submit(self, requests: list[RawRequest], events: list[CapturedEvent]) -> None:
        """Return once these rows are committed; raise if the commit failed."""
        if self._task is None or self._wake is None:  # not started: write synchronously
            self.store.write(requests, events)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # rows are built here, on the loop, so the writer thread runs mostly without the GIL
        self._pending.append(([request_row(r) for r in requests], [event_row(e) for e in events],
                              fut))
        self._wake.set()
        await fut

    async def flush(self) -> None:
        if self._pending:
            await self.submit([], [])

    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        backlog = True  # the free-text index may be behind (a resumed session, a burst)
        while True:
            if not self._pending:
                if backlog:  # idle: index a small chunk, then look for requests again
                    try:
                        n = await loop.run_in_executor(
                            self._executor, self.store.index_pending, self.index_chunk)
                    except Exception:
                        log.exception("free-text indexing failed; queries still scan")
                        n = 0
                    backlog = n > 0
                    continue
                await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            reqs = [r for b in batch for r in b[0]]
            evs = [e for b in batch for e in b[1]]
            try:
                await loop.run_in_executor(self._executor, self.store.write_rows, reqs, evs)
                self.commits += 1
            except Exception as exc:  # report to every waiter; the loop goes on
                for *_, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            backlog = backlog or bool(evs)
            for *_, fut in batch:
                if not fut.done():
                    fut.set_result(None)
