"""The ingest pipeline of one collector: its inbox, its two workers and their schedule.

A request is acknowledged once its row is committed to the collector's inbox
(:meth:`Pipeline.accept`, one small SQLite insert on the event loop). A background task then
hands the inbox to the workers in steps of :attr:`Pipeline.chunk` rows: the *prepare* worker
builds and lints a step while the *store* worker stores the one before, each in arrival
order (``split=False``: one worker does both, one hop less per request, what the window
uses). Workers are child processes (``process=True``: what ``serve`` and the window use) or
threads. Each step's stored rows come back to the event loop for the collector's identity
graph and listeners (:meth:`~inspector.collector.service.CollectorService`).

Nothing can block what comes behind it: a step that fails is tried again; one that fails
twice is tried again a row at a time, and a row that fails twice is kept as a rejected
request saying why (*quarantined*) and never tried again (:mod:`inspector.ingest.schedule`).
Reads that must see everything acknowledged await :meth:`Pipeline.settle` (bounded).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from inspector.domain.store import Store
from inspector.ingest.inbox import Segment, Segments, progress_key
from inspector.ingest.indexing import IndexLoop
from inspector.ingest.prepared import Stored
from inspector.ingest.records import BODY
from inspector.ingest.schedule import Schedule
from inspector.ingest.stages import Stages
from inspector.ingest.workers import Worker

log = logging.getLogger(__name__)
OnStored = Callable[[Stored], None]
SETTLE_SECONDS = 30.0  # how long a read waits for the pipeline before answering what is stored


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "ingest_settle_deadline", default=None
)


SPLIT_MIN_CORES = 2  # fewer usable cores: one worker process prepares and stores


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class QueueFull(Exception):
    """The inbox holds as much unprocessed work as allowed: answer 503, retry later."""


class Pipeline(Schedule):
    def __init__(
        self,
        store: Store,
        *,
        process: bool = False,
        linter_factory: Callable[[], Any] | None = None,
        on_stored: OnStored | None = None,
        wants_rows: Callable[[], bool] | None = None,
        split: bool = True,
        nice: int = 0,
    ) -> None:
        """``linter_factory``: None for no linting; in a process, only ``default_linter``
        (configured from ``.event-inspector.toml``) can cross, so any factory means lint."""
        self.store = store
        self.process = process
        self.linter_factory = linter_factory
        self.on_stored = on_stored
        # whether the stored events are needed back (listeners), or only the progress
        self.wants_rows = wants_rows or (lambda: on_stored is not None)
        # two worker processes side by side when there is linting to share the work and two
        # cores or more; else one does both. Handing a step from one to the other costs 3-5 µs
        # of CPU an event (prepared.pack). On a quiet 2-core machine (benchmarks/ingest.py,
        # 3 rounds) two workers processed 16% more with lint (27.5k events/s against 23.7k);
        # without lint, as much as one (34.0k against 34.1k) but answered 0.52x the baseline
        # instead of 0.79x: the prepare stage alone is then too small to share
        self.split = split and linter_factory is not None
        if process and cores() < SPLIT_MIN_CORES:
            self.split = False
        self.nice = nice  # worker processes' niceness
        self.chunk = 40  # requests per step: bounds the latency a step adds
        # past this many bytes of acknowledged but unprocessed bodies, requests get 503
        self.max_backlog_bytes = 512 * 1024 * 1024
        # the window: each answer waits (at most this long) until its request is stored
        self.wait_stored = 0.0
        # 0 turns the query indexer off (queries stay exact: they read the unindexed events)
        self.index_chunk = 256
        self.commits = 0
        self.quarantined = 0
        self.inbox = Segments(store.data_dir)
        self._new_workers()
        self._pipe = collections.deque()
        self._sizes: collections.deque[tuple[int, int]] = collections.deque()
        self._backlog_bytes = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._failures: dict[tuple[str, int], int] = {}
        self._single: dict[str, int] = {}  # file -> row up to which steps are single rows
        # plain futures of the loop it started on: under qasync, Qt may run the task's steps
        # when asyncio sees no running loop (asyncio.Event would refuse)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kicked = False
        self._wake_fut: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._warm: list[asyncio.Task[Any]] = []
        self._inline: Stages | None = None
        self._shut = False

    def _new_workers(self) -> None:
        self._indexing = IndexLoop(self.store, process=self.process)
        lf = self.linter_factory
        lint = lf is not None
        data_dir = str(self.store.data_dir)
        self._store = Worker(
            "store writer",
            initargs=(data_dir, lint and not self.split, self.nice),
            local=None if self.process else Stages(self.store, None if self.split else lf),
        )
        self._prep = (
            Worker(
                "prepare stage",
                initargs=(None, lint, self.nice),
                local=None if self.process else Stages(None, lf),
            )
            if self.split
            else None
        )

    @property
    def _workers(self) -> list[Worker]:
        return [w for w in (self._store, self._prep) if w is not None]

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Start (or start again, after :meth:`stop`) on the running loop."""
        if self._shut:
            self._new_workers()
            self.inbox = Segments(self.store.data_dir)
            self._shut = False
        self._loop = loop = asyncio.get_running_loop()
        for w in self._workers:
            w.loop = loop
        self._kicked = True
        self._task = loop.create_task(self._run(), name="ingest-pipeline")
        if self.index_chunk > 0:
            self._indexing.start(loop)
        # start the worker processes now, not on the first request (~1 s to import and lint)
        self._warm = [loop.create_task(w.call("reset", None)) for w in self._workers]

    async def stop(self, timeout: float = 10.0) -> None:
        """Store what was acknowledged (for at most ``timeout`` seconds: what is left stays in
        the inbox, and the next collector on this data directory stores it), then stop."""
        for t in self._warm:
            with contextlib.suppress(Exception):
                await t
        done = True
        if self._task is not None:
            done = await self.flush(timeout)
            if not done:
                log.warning(
                    "stopping with %d acknowledged requests not stored yet: they stay in the "
                    "inbox, and the next start on this data directory stores them",
                    self.backlog,
                )
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._indexing.stop()
        for w in self._workers:
            w.shutdown(wait=done)  # a worker stuck on the store is not waited for
        self._shut = True
        for seg in self.inbox.segs:
            self._drop(seg, delete=seg.complete)  # else the next collector recovers it

    async def _drop_finished(self) -> None:
        """Delete the inbox files the store has all of (cheaper than deleting rows)."""
        for old in self.inbox.finished():
            await self._close_readers(old.path)
            self._drop(old)

    async def _close_readers(self, path: str) -> None:
        for w in self._workers:
            with contextlib.suppress(Exception):
                await w.call("close_inbox", path)

    def _drop(self, seg: Segment, *, delete: bool = True) -> None:
        seg.inbox.close(delete=delete)
        self._single.pop(seg.path, None)
        if delete:
            self.store.delete_meta(progress_key(seg.inbox.path))

    async def reset_lint(self, session_id: int | None = None) -> None:
        """Start cross-event lint state over (after a clear or a session switch)."""
        await self.flush()
        if self._task is not None:
            for w in self._workers:
                await w.call("reset", session_id)
        else:
            self._sync().reset(session_id)

    # -- the acknowledging side -----------------------------------------------------------
    async def accept(self, record: tuple[Any, ...]) -> None:
        """Make one request durable (an inbox row); processing follows in the background.

        :class:`QueueFull` at once (nothing stored) when the backlog is over
        :attr:`max_backlog_bytes`: a client told to retry later beats one held waiting."""
        size = len(record[BODY] or b"")
        if self._backlog_bytes and self._backlog_bytes + size > self.max_backlog_bytes:
            raise QueueFull(f"{self._backlog_bytes} bytes wait to be processed")
        rid = self.inbox.append(record)  # a ticket
        self._sizes.append((rid, size))
        self._backlog_bytes += size
        if self._task is None:  # not started: process it right away
            self._process_now()
            return
        self._kick()
        if self.wait_stored > 0:  # durable already: past the bound (or a stop), answer anyway
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._until(rid)), self.wait_stored)

    async def settle(self, seconds: float = SETTLE_SECONDS) -> bool:
        """What a read does first: wait (at most ``seconds``) for everything acknowledged
        before it to be stored. Later flushes in the same request (task) wait no longer than
        that, so a read answers within ``seconds`` whatever it calls."""
        _DEADLINE.set(time.monotonic() + seconds)
        return await self.flush(seconds)

    async def flush(self, timeout: float | None = SETTLE_SECONDS) -> bool:
        """Wait until everything acknowledged so far is stored, at most ``timeout`` seconds
        (None: as long as it takes; and never past the deadline of a :meth:`settle` in this
        task); True if it all is."""
        deadline = _DEADLINE.get()
        if deadline is not None:
            left = max(0.0, deadline - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
        if self._task is None:
            return self.backlog == 0
        wait = self._until(self.inbox.acked)
        try:
            await asyncio.wait_for(asyncio.shield(wait), timeout)
        except TimeoutError:
            return False
        return self.backlog == 0

    @property
    def backlog(self) -> int:
        """Acknowledged requests not processed yet."""
        return self.inbox.acked - self.inbox.processed

    def _until(self, rid: int) -> asyncio.Future[None]:
        fut: asyncio.Future[None] = (self._loop or asyncio.get_running_loop()).create_future()
        if self.inbox.processed >= rid:
            fut.set_result(None)
        else:
            self._waiters.append((rid, fut))
        return fut

    def _sync(self) -> Stages:
        """The stages of a pipeline that was never started (in-process, linting)."""
        if self._inline is None:
            self._inline = Stages(self.store, self.linter_factory)
        return self._inline

    def _process_now(self) -> None:
        stages = self._sync()
        while (work := self.inbox.work(self.inbox.acked)) is not None:
            seg, last = work
            self._deliver(seg, stages.process_inbox(seg.path, last, self.chunk, self.wants_rows()))
        for seg in self.inbox.finished():
            stages.close_inbox(seg.path)
            self._drop(seg)

    # -- the processing side --------------------------------------------------------------
    def _deliver(self, seg: Segment | None, res: Stored) -> None:
        self.commits += 1
        before = self.inbox.processed
        if seg is not None:
            self.inbox.advance(seg, res.done)
        done = self.inbox.processed
        if res.requests or done > before:
            self._indexing.due()
        if done > before:
            while self._sizes and self._sizes[0][0] <= done:
                self._backlog_bytes -= self._sizes.popleft()[1]
            if self._waiters:
                ready = [w for w in self._waiters if w[0] <= done]
                self._waiters = [w for w in self._waiters if w[0] > done]
                for _, fut in ready:
                    if not fut.done():
                        fut.set_result(None)
        if self.on_stored is not None and res.requests:
            try:
                self.on_stored(res)
            except Exception:
                log.exception("delivering stored events failed")

    async def _run(self) -> None:
        try:
            await self._loop_forever()
        finally:  # never leave a request waiting on a pipeline that is gone
            for _, fut in self._waiters:
                if not fut.done():
                    fut.set_result(None)  # they see the backlog that is left
            self._waiters = []
