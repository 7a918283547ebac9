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
request saying why (*quarantined*) and never tried again. A failure of the disk or the
database (full, locked, damaged) is not the input's fault: it is retried, never quarantined.
Reads that must see everything acknowledged await :meth:`Pipeline.flush` (bounded).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from inspector.domain.store import Store
from inspector.ingest.inbox import Segment, Segments, progress_key
from inspector.ingest.prepared import Step, Stored
from inspector.ingest.records import BODY
from inspector.ingest.stages import Stages
from inspector.ingest.workers import Worker

log = logging.getLogger(__name__)
OnStored = Callable[[Stored], None]
SETTLE_SECONDS = 30.0  # how long a read waits for the pipeline before answering what is stored


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "ingest_settle_deadline", default=None
)


class QueueFull(Exception):
    """The inbox holds as much unprocessed work as allowed: answer 503, retry later."""


def _settle(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


def transient(exc: BaseException) -> bool:
    """A failure of the disk or the database, not of the input: retry it, never quarantine."""
    return isinstance(exc, sqlite3.DatabaseError | OSError) and not isinstance(
        exc, sqlite3.IntegrityError
    )


class _Step:
    """Inbox rows ``after+1..last`` of one file on their way through the two stages."""

    __slots__ = ("after", "last", "prep", "seg", "store")

    def __init__(self, seg: Segment, after: int, last: int) -> None:
        self.seg, self.after, self.last = seg, after, last
        self.prep: asyncio.Task[Step] | None = None
        self.store: asyncio.Task[Stored] | None = None


class StepFailed(Exception):
    def __init__(self, step: _Step, exc: BaseException) -> None:
        super().__init__(repr(exc))
        self.step, self.exc = step, exc


class Pipeline:
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
        self.split = split
        self.nice = nice  # worker processes' niceness
        self.chunk = 40  # requests per step: bounds the latency a step adds
        # past this many bytes of acknowledged but unprocessed bodies, requests get 503
        self.max_backlog_bytes = 512 * 1024 * 1024
        # the window: each answer waits (at most this long) until its request is stored
        self.wait_stored = 0.0
        # events per idle indexing step (~10 ms, which bounds the latency it can add); 0 turns
        # idle indexing off (queries stay exact, free text just scans the unindexed events)
        self.index_chunk = 256
        self.index_after = 0.05  # seconds without a request before idle indexing starts
        self.commits = 0
        self.quarantined = 0
        self.inbox = Segments(store.data_dir)
        self._new_workers()
        self._pipe: collections.deque[_Step] = collections.deque()
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
            if done:
                for seg in self.inbox.segs:
                    await self._close_readers(seg.path)
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

    def _kick(self) -> None:
        self._kicked = True
        fut = self._wake_fut
        if fut is not None and not fut.done():
            fut.set_result(None)

    async def _wait(
        self, futs: list[asyncio.Future[Any]] | None = None, timeout: float | None = None
    ) -> bool:
        """Wait for a kick (new work), one of ``futs`` (pending ones; none given: return) or
        ``timeout``; True if kicked."""
        if self._kicked or futs == []:
            return self._kicked
        assert self._loop is not None
        fut: asyncio.Future[None] = self._loop.create_future()
        self._wake_fut = fut
        for f in futs or ():
            f.add_done_callback(lambda _f: _settle(fut))
        handle = None if timeout is None else self._loop.call_later(timeout, _settle, fut)
        try:
            await fut
        finally:
            self._wake_fut = None
            if handle is not None:
                handle.cancel()
        return self._kicked

    def _next_step(self, upto: int) -> _Step | None:
        """The next rows to hand over: oldest file first, tickets up to ``upto``; a row at a
        time past a step that failed twice."""
        work = self.inbox.work(upto, self.chunk)
        if work is None:
            return None
        seg, last = work
        single = self._single.get(seg.path, 0)
        if seg.taken < single:
            last = seg.taken + 1
        return _Step(seg, seg.taken, last)

    async def _pump(self, upto: int) -> None:
        """One turn: rows go to the prepare stage (a few steps ahead), then, in order, to the
        store stage; results are delivered in order. Each stage is one worker, so each sees
        the rows in arrival order."""
        loop = self._loop
        assert loop is not None
        pipe = self._pipe
        rows = self.wants_rows()
        while len(pipe) < 3 and (st := self._next_step(upto)) is not None:
            st.seg.taken = st.last
            pipe.append(st)
        storing = 0
        for st in pipe:
            if self._prep is not None and st.prep is None:
                st.prep = loop.create_task(
                    self._prep.call("prepare_inbox", st.seg.path, st.after, st.last, rows)
                )
            if st.store is not None:
                storing += not st.store.done()
                continue
            if storing >= 2:
                continue
            if st.prep is None:  # one worker does both
                st.store = loop.create_task(
                    self._store.call("process_step", st.seg.path, st.after, st.last, rows)
                )
            elif st.prep.done():
                prepared = self._result(st, st.prep)
                st.store = loop.create_task(self._store.call("store_step", prepared, rows))
            else:
                break  # in order: a later step is not stored before this one
            storing += 1
        head = pipe[0]
        if head.store is not None and head.store.done():
            stored = self._result(head, head.store)  # (a failed step stays in the pipe)
            pipe.popleft()
            self._deliver(head.seg, stored)
            self._failures.pop((head.seg.path, head.after), None)
            return
        await self._wait(
            [t for st in pipe for t in (st.prep, st.store) if t is not None and not t.done()]
        )

    @staticmethod
    def _result(st: _Step, task: asyncio.Task[Any]) -> Any:
        exc = task.exception()
        if exc is not None:
            raise StepFailed(st, exc)
        return task.result()

    async def _failed(self, failure: StepFailed) -> None:
        """A step failed: let what runs finish, deliver what was stored, and go again from
        what the store has (the inbox keeps everything). A step that failed twice goes again
        a row at a time; a row that failed twice is quarantined."""
        st, exc = failure.step, failure.exc
        for s in self._pipe:
            for t in (s.prep, s.store):
                if t is not None:
                    with contextlib.suppress(BaseException):
                        await t
        while self._pipe:
            s = self._pipe[0]
            if s.store is None or not s.store.done() or s.store.exception() is not None:
                break
            self._pipe.popleft()
            self._deliver(s.seg, s.store.result())
        for s in self._pipe:  # what was prepared is stored again as it is (linted once)
            s.store = None
            if s.prep is not None and s.prep.exception() is not None:
                s.prep = None
        if transient(exc):
            log.error("storing failed (%s); trying again in a moment", exc)
            await self._wait(timeout=1.0)
            return
        key = (st.seg.path, st.after)
        n = self._failures[key] = self._failures.get(key, 0) + 1
        log.error("processing inbox rows %d..%d failed (%r)", st.after + 1, st.last, exc)
        if n < 2:
            return
        self._failures.pop(key, None)
        self._pipe.clear()
        for seg in self.inbox.segs:
            seg.taken = seg.done
        if st.last - st.after > 1:
            self._single[st.seg.path] = max(self._single.get(st.seg.path, 0), st.last)
            return
        await self._quarantine(st, exc)

    async def _quarantine(self, st: _Step, exc: BaseException) -> None:
        log.error(
            "inbox row %d of %s failed twice: kept as a rejected request", st.last, st.seg.path
        )
        try:
            res = await self._store.call("quarantine", st.seg.path, st.last, repr(exc)[:500])
        except Exception as again:
            log.error("could not quarantine it either (%r); trying again", again)
            await self._wait(timeout=1.0)
            return
        self.quarantined += 1
        self._deliver(st.seg, res)

    async def _loop_forever(self) -> None:
        backlog = True  # the free-text index may be behind (a resumed session, a burst)
        while True:
            self._kicked = False
            upto = self.inbox.acked
            if self._pipe or self._next_step(upto) is not None:
                try:
                    await self._pump(upto)
                except StepFailed as failure:
                    await self._failed(failure)
                await self._drop_finished()
                backlog = True
                continue
            cur = self.inbox.current
            if cur.inbox.last_id >= 256 or cur.size >= 4 * 1024 * 1024:
                self.inbox.rotate()  # all processed: the old file goes as a whole
                await self._drop_finished()
                continue
            if backlog and self.index_chunk > 0:
                # index only once no request came for a moment: under load the writer's
                # time goes to requests, and queries scan the not-yet-indexed tail
                if await self._wait(timeout=self.index_after):
                    continue
                try:
                    n = await self._store.call("index", self.index_chunk)
                except Exception:
                    log.exception("free-text indexing failed; queries still scan")
                    n = 0
                backlog = n > 0
                continue
            await self._wait()
