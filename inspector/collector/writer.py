"""Group commit, with linting on the writer's side: nothing is acknowledged before it is durable.

Every request hands its rows to the writer and awaits the commit that contains them; the
writer commits whatever accumulated while the previous commit ran, so the event loop keeps
parsing. The writer also lints the events of each batch, in arrival order, just before they
are inserted, and hands the findings back with the commit, so every stored (and every
acknowledged) event carries its findings.

The writer runs in a worker thread, or (``process=True``, what ``serve`` and the window use)
in a child process of its own with its own SQLite connection to the same WAL database. In a
process, linting (~24 µs an event) and SQLite (~25 µs) run on the second core instead of
fighting the event loop for the GIL (benchmarks/ingest.py). If the child dies, the pool is
recreated and the commit retried; if the collector is killed, the child exits by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from inspector.domain.capture import CapturedEvent, Finding, RawRequest
from inspector.domain.store import (
    Store,
    event_from_row,
    event_row,
    request_from_row,
    request_row,
)
from inspector.domain.store_schema import EVENT_COLUMNS

Row = tuple[Any, ...]
Findings = list[list[dict[str, Any]]]  # per event row, in order ([] for none)
log = logging.getLogger(__name__)
_LINT = EVENT_COLUMNS.index("lint")
_LEVEL = EVENT_COLUMNS.index("lint_level")
_REQ_ID = EVENT_COLUMNS.index("request_id")


class WriterCore:
    """What the writer does with a batch: lint the events, then insert and commit them."""

    def __init__(self, store: Store, linter_factory: Callable[[], Any] | None) -> None:
        self.store = store
        self.linter_factory = linter_factory
        self.linter = linter_factory() if linter_factory else None

    def reset_lint(self) -> None:
        """A new or cleared session: cross-event lint state starts over."""
        self.linter = self.linter_factory() if self.linter_factory else None

    def write(self, req_rows: Sequence[Row], ev_rows: Sequence[Row]) -> Findings | None:
        findings = self._lint(req_rows, ev_rows) if self.linter is not None and ev_rows else None
        if findings is not None:
            from inspector.domain import jsoncodec

            levels = {"info": 1, "warning": 2, "error": 3}
            rows = list(ev_rows)
            for i, found in enumerate(findings):
                if found:
                    row = list(rows[i])
                    row[_LINT] = jsoncodec.dumps_str(found)
                    row[_LEVEL] = max(levels[f["severity"]] for f in found)
                    rows[i] = tuple(row)
            ev_rows = rows
        self.store.write_rows(req_rows, ev_rows)
        return findings

    def _lint(self, req_rows: Sequence[Row], ev_rows: Sequence[Row]) -> Findings:
        linter = self.linter
        assert linter is not None
        requests = {r[0]: request_from_row(r) for r in req_rows}
        events = [event_from_row(r) for r in ev_rows]
        out: Findings = []
        start = 0
        for end in range(1, len(events) + 1):  # one lint_batch per request, in order
            if end == len(events) or ev_rows[end][_REQ_ID] != ev_rows[start][_REQ_ID]:
                group = events[start:end]
                linter.lint_batch(group, requests.get(ev_rows[start][_REQ_ID]))
                out.extend([f.to_dict() for f in ev.lint] for ev in group)
                start = end
        return out

    def index(self, limit: int) -> int:
        return self.store.index_pending(limit)


# -- the child process side ---------------------------------------------------------------
_core: WriterCore | None = None


def _child_init(data_dir: str, lint: bool) -> None:
    global _core
    from inspector.domain.pipeline import default_linter

    _core = WriterCore(Store(data_dir), default_linter if lint else None)
    parent = os.getppid()

    def watch_parent() -> None:  # a killed collector must not leave its writer behind
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)  # an open transaction is simply not committed

    threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()


def _child_write(req_rows: list[Row], ev_rows: list[Row]) -> Findings | None:
    assert _core is not None
    return _core.write(req_rows, ev_rows)


def _child_index(limit: int) -> int:
    assert _core is not None
    return _core.index(limit)


def _child_reset_lint() -> None:
    assert _core is not None
    _core.reset_lint()


class GroupWriter:
    def __init__(self, store: Store, *, process: bool = False,
                 linter_factory: Callable[[], Any] | None = None) -> None:
        """``linter_factory``: None for no linting; in a process, only ``default_linter``
        (configured from ``.event-inspector.toml``) can cross, so any factory means lint."""
        self.store = store
        self.process = process
        self.linter_factory = linter_factory
        self._local = None if process else WriterCore(store, linter_factory)
        self._pending: list[tuple[list[Row], list[Row], list[CapturedEvent],
                                  asyncio.Future[None]]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor: Executor = self._new_executor()
        self._shut = False
        self.commits = 0
        # events per idle indexing step (~10 ms, which bounds the latency it can add); 0 turns
        # idle indexing off (queries stay exact, free text just scans the unindexed events)
        self.index_chunk = 256
        self.index_after = 0.05  # seconds without a request before idle indexing starts

    def _new_executor(self) -> Executor:
        if self.process:
            return ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_child_init,
                initargs=(str(self.store.data_dir), self.linter_factory is not None))
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        if self._local is not None:  # a thread: the same core object, called directly
            targets: dict[Any, Callable[..., Any]] = {
                _child_write: self._local.write, _child_index: self._local.index,
                _child_reset_lint: self._local.reset_lint}
            target = targets[fn]
            return await loop.run_in_executor(self._executor, target, *args)
        try:
            return await loop.run_in_executor(self._executor, fn, *args)
        except BrokenProcessPool:
            log.error("the store writer process died; starting a new one and retrying")
            self._executor = self._new_executor()
            return await loop.run_in_executor(self._executor, fn, *args)

    def start(self) -> None:
        """Start (or restart, after :meth:`stop`) on the running loop."""
        if self._shut:
            self._executor = self._new_executor()
            self._shut = False
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
        self._shut = True

    async def reset_lint(self) -> None:
        """Start cross-event lint state over (after a clear or a session switch)."""
        await self.flush()
        if self._task is not None:
            await self._call(_child_reset_lint)
        elif self._local is not None:
            self._local.reset_lint()

    async def submit(self, requests: list[RawRequest], events: list[CapturedEvent]) -> None:
        """Return once these rows are committed (events then carry their lint findings)."""
        req_rows = [request_row(r) for r in requests]
        ev_rows = [event_row(e) for e in events]
        if self._task is None or self._wake is None:  # not started: write synchronously
            core = self._local or WriterCore(self.store, None)
            _attach(events, core.write(req_rows, ev_rows))
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((req_rows, ev_rows, events, fut))
        self._wake.set()
        await fut

    async def flush(self) -> None:
        if self._pending:
            await self.submit([], [])

    async def _run(self) -> None:
        try:
            await self._loop_forever()
        finally:  # never leave a request waiting on a writer that is gone
            batch, self._pending = self._pending, []
            for *_, fut in batch:
                if not fut.done():
                    fut.set_exception(RuntimeError("the store writer stopped"))

    async def _loop_forever(self) -> None:
        assert self._wake is not None
        backlog = True  # the free-text index may be behind (a resumed session, a burst)
        while True:
            if not self._pending:
                if backlog and self.index_chunk > 0:
                    # index only once no request came for a moment: under load the writer's
                    # time goes to requests, and queries scan the not-yet-indexed tail
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.index_after)
                    if self._pending:
                        continue
                    try:
                        n = await self._call(_child_index, self.index_chunk)
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
                findings = await self._call(_child_write, reqs, evs)
                self.commits += 1
            except Exception as exc:  # report to every waiter; the loop goes on
                for *_, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            backlog = backlog or bool(evs)
            at = 0
            for _, rows, events, fut in batch:
                if findings is not None:
                    _attach(events, findings[at:at + len(rows)])
                at += len(rows)
                if not fut.done():
                    fut.set_result(None)


def _attach(events: list[CapturedEvent], findings: Findings | None) -> None:
    if findings is None:
        return
    for ev, found in zip(events, findings, strict=True):
        ev.lint = [Finding(f["rule"], f["severity"], f["message"], f.get("path"))
                   for f in found]
