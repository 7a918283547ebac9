"""The store writer: acknowledged requests become stored, linted events, in order.

A request is acknowledged once its row is committed to the collector's inbox
(:meth:`GroupWriter.accept`, one small SQLite insert on the event loop). A single background
task then hands the inbox to a :class:`~inspector.domain.processing.Processor` in chunks:
split, dedupe, lint and insert, in one transaction per chunk that also records the progress.
The processor runs in a worker thread, or (``process=True``, what ``serve`` and the window use)
in a child process with its own SQLite connection, so that linting and SQLite run on the
second core. Each chunk's stored rows come back to the event loop for identity resolution and
the listeners (the window's table, ``/api/wait``, ``--print``).

Reads that must see everything acknowledged so far await :meth:`GroupWriter.flush`. If the
child dies, it is recreated and the chunk retried (the inbox still has it); if the collector
is killed, the child exits by itself and the next collector processes the inbox.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from inspector.collector.lint_stage import LintRunner
from inspector.collector.workers import Worker, start_parent_watch
from inspector.domain.inbox import BODY, Segment, Segments, progress_key
from inspector.domain.processing import Found, Processed, Processor, Row
from inspector.domain.store import Store

log = logging.getLogger(__name__)
OnProcessed = Callable[[list[tuple[Row, int]], list[Row]], None]


def _settle(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


# -- the child process side ---------------------------------------------------------------
_proc: Processor | None = None


def _child_init(data_dir: str, lint: bool, nice: int, parent: int) -> None:
    global _proc
    from inspector.domain.pipeline import default_linter

    start_parent_watch(parent, nice)  # a killed collector must not leave its writer behind
    _proc = Processor(Store(data_dir), default_linter if lint else None)


def _child_inbox(
    path: str, upto: int, limit: int, rows: bool, findings: list[Found] | None, after: int | None
) -> Processed:
    assert _proc is not None
    return _proc.process_inbox(path, upto, limit, rows, findings, after)


def _child_built(req_row: Row, ev_rows: list[Row], findings: Found | None) -> Processed:
    assert _proc is not None
    return _proc.process_built(req_row, ev_rows, findings)


def _child_index(limit: int) -> int:
    assert _proc is not None
    return _proc.store.index_pending(limit)


def _child_reset(session_id: int | None) -> None:
    assert _proc is not None
    _proc.reset(session_id)


def _child_close_inbox(path: str) -> None:
    assert _proc is not None
    _proc.close_inbox(path)


class _Step:
    """Inbox rows ``after+1..last`` of one file on their way through the two stages."""

    __slots__ = ("after", "last", "lint", "seg", "store")

    def __init__(
        self, seg: Segment, after: int, last: int, lint: asyncio.Task[list[Found]] | None
    ) -> None:
        self.seg, self.after, self.last, self.lint = seg, after, last, lint
        self.store: asyncio.Task[Processed] | None = None


class GroupWriter:
    def __init__(
        self,
        store: Store,
        *,
        process: bool = False,
        linter_factory: Callable[[], Any] | None = None,
        on_processed: OnProcessed | None = None,
        wants_rows: Callable[[], bool] | None = None,
        lint_stage: bool = True,
        nice: int = 0,
    ) -> None:
        """``linter_factory``: None for no linting; in a process, only ``default_linter``
        (configured from ``.event-inspector.toml``) can cross, so any factory means lint."""
        self.store = store
        self.process = process
        self.linter_factory = linter_factory
        self.on_processed = on_processed
        # whether the event rows are needed back (listeners), or only the progress
        self.wants_rows = wants_rows or (lambda: on_processed is not None)
        # linting runs in a stage of its own, side by side with the store writer
        # (``lint_stage=False``: the store writer lints, one hop less for each request)
        self.lint_stage = lint_stage and linter_factory is not None
        self.nice = nice  # worker processes' niceness
        self._worker: Worker
        self._lint: LintRunner | None
        self._new_workers()
        self._inline: Processor | None = None
        self._pipe: collections.deque[_Step] = collections.deque()
        self._warm: list[asyncio.Task[Any]] = []
        self.inbox = Segments(store.data_dir)
        self._sizes: collections.deque[tuple[int, int]] = collections.deque()
        self._backlog_bytes = 0
        self._built: collections.deque[tuple[int, Row, list[Row], asyncio.Future[None]]] = (
            collections.deque()
        )
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        # the writer task waits on plain futures of the loop it started on: under qasync,
        # Qt may run its steps when asyncio sees no running loop (asyncio.Event would refuse)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kicked = False
        self._wake_fut: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._shut = False
        self.commits = 0
        self.chunk = 40  # requests per processing step: bounds the latency a step adds
        # past this many bytes of acknowledged but unprocessed bodies, acknowledging waits
        self.max_backlog_bytes = 512 * 1024 * 1024
        # events per idle indexing step (~10 ms, which bounds the latency it can add); 0 turns
        # idle indexing off (queries stay exact, free text just scans the unindexed events)
        self.index_chunk = 256
        self.index_after = 0.05  # seconds without a request before idle indexing starts

    def _new_workers(self) -> None:
        """The store writer and (``lint_stage``) the lint stage, as processes or threads."""
        lf = self.linter_factory
        store_lint = lf if not self.lint_stage else None
        local: dict[Callable[..., Any], Callable[..., Any]] | None = None
        if not self.process:
            p = Processor(self.store, store_lint)
            local = {
                _child_inbox: p.process_inbox,
                _child_built: p.process_built,
                _child_index: p.store.index_pending,
                _child_reset: p.reset,
                _child_close_inbox: p.close_inbox,
            }
        self._worker = Worker(
            "store writer",
            initializer=_child_init,
            local=local,
            initargs=(str(self.store.data_dir), store_lint is not None, self.nice),
        )
        self._lint = (
            LintRunner(process=self.process, linter_factory=lf, nice=self.nice)
            if self.lint_stage and lf is not None
            else None
        )

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await self._worker.call(fn, *args)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Start (or restart, after :meth:`stop`) on the running loop."""
        if self._shut:
            self._new_workers()
            self.inbox = Segments(self.store.data_dir)
            self._shut = False
        self._loop = loop = asyncio.get_running_loop()
        self._worker.loop = loop
        if self._lint is not None:
            self._lint.worker.loop = loop
        self._kicked = True
        self._task = loop.create_task(self._run(), name="group-writer")
        # start the worker processes now, not on the first request (~1 s to import and lint)
        self._warm = [loop.create_task(self._call(_child_index, 0))]
        if self._lint is not None:
            self._warm.append(loop.create_task(self._lint.reset(None)))

    async def stop(self) -> None:
        for t in self._warm:
            with contextlib.suppress(Exception):
                await t
        if self._task is not None:
            await self.flush()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            for seg in self.inbox.segs:
                await self._close_readers(seg.path)
        self._worker.shutdown()
        if self._lint is not None:
            self._lint.worker.shutdown()
        self._shut = True
        for seg in self.inbox.segs:
            self._drop(seg, delete=seg.complete)  # else the next collector recovers it

    async def _drop_finished(self) -> None:
        """Delete the inbox files the store has all of (cheaper than deleting rows)."""
        for old in self.inbox.finished():
            await self._close_readers(old.path)
            self._drop(old)

    async def _close_readers(self, path: str) -> None:
        with contextlib.suppress(Exception):
            await self._call(_child_close_inbox, path)
        if self._lint is not None:
            with contextlib.suppress(Exception):
                await self._lint.close_inbox(path)

    def _drop(self, seg: Segment, *, delete: bool = True) -> None:
        seg.inbox.close(delete=delete)
        if delete:
            self.store.delete_meta(progress_key(seg.inbox.path))

    async def reset_lint(self, session_id: int | None = None) -> None:
        """Start dedupe and cross-event lint state over (after a clear or a session switch)."""
        await self.flush()
        if self._task is not None:
            await self._call(_child_reset, session_id)
            if self._lint is not None:
                await self._lint.reset(session_id)
        else:
            self._sync().reset(session_id)

    # -- the acknowledging side -----------------------------------------------------------
    async def accept(self, record: tuple[Any, ...]) -> None:
        """Make one request durable (an inbox row); processing follows in the background."""
        rid = self.inbox.append(record)  # a ticket
        size = len(record[BODY] or b"")
        self._sizes.append((rid, size))
        self._backlog_bytes += size
        if self._task is None:  # not started: process it right away
            self._process_now()
            return
        self._kick()
        if self._backlog_bytes > self.max_backlog_bytes:
            await self._until(rid)  # the processor is far behind: slow the clients down

    async def submit_built(self, req_row: Row, ev_rows: list[Row]) -> None:
        """Store events built by the route (KISSmetrics), in order with the inbox."""
        if self._task is None or self._loop is None:
            self._process_now()
            self._deliver(None, self._sync().process_built(req_row, ev_rows, None))
            return
        fut: asyncio.Future[None] = self._loop.create_future()
        self._built.append((self.inbox.acked, req_row, ev_rows, fut))
        self._kick()
        await fut

    async def flush(self) -> None:
        """Return once everything acknowledged so far is stored (and linted)."""
        if self._task is None:
            return
        if self._built:
            await asyncio.shield(self._built[-1][3])
        await self._until(self.inbox.acked)

    @property
    def backlog(self) -> int:
        """Acknowledged requests not processed yet."""
        return self.inbox.acked - self.inbox.processed

    async def _until(self, rid: int) -> None:
        if self.inbox.processed >= rid:
            return
        fut: asyncio.Future[None] = (self._loop or asyncio.get_running_loop()).create_future()
        self._waiters.append((rid, fut))
        await fut

    def _sync(self) -> Processor:
        """The processor for a writer that was never started (it works in-process, lints)."""
        if self._inline is None:
            self._inline = Processor(self.store, self.linter_factory)
        return self._inline

    def _process_now(self) -> None:
        proc = self._sync()
        while (work := self.inbox.work(self.inbox.acked)) is not None:
            seg, last = work
            self._deliver(seg, proc.process_inbox(seg.path, last, self.chunk, self.wants_rows()))
        for seg in self.inbox.finished():
            proc.close_inbox(seg.path)
            self._drop(seg)

    # -- the processing side --------------------------------------------------------------
    def _deliver(self, seg: Segment | None, res: Processed) -> None:
        local, reqs, ev_rows = res
        self.commits += 1
        before = self.inbox.processed
        if seg is not None:
            self.inbox.advance(seg, local)
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
        if self.on_processed is not None and reqs:
            try:
                self.on_processed(reqs, ev_rows)
            except Exception:
                log.exception("delivering processed events failed")

    async def _run(self) -> None:
        try:
            await self._loop_forever()
        finally:  # never leave a request waiting on a writer that is gone
            err = RuntimeError("the store writer stopped")
            for _, fut in self._waiters:
                if not fut.done():
                    fut.set_exception(err)
            for *_, fut in self._built:
                if not fut.done():
                    fut.set_exception(err)
            self._waiters, self._built = [], collections.deque()

    def _kick(self) -> None:
        self._kicked = True
        fut = self._wake_fut
        if fut is not None and not fut.done():
            fut.set_result(None)

    async def _wait(
        self, futs: list[asyncio.Future[Any]] | None = None, timeout: float | None = None
    ) -> bool:
        """Wait for a kick (new work), one of ``futs`` (pending ones; none given: return) or
        ``timeout``; True if kicked. Plain futures of the writer's loop: see ``_loop``."""
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

    def _next_step(self, upto: int) -> tuple[Segment, int, int] | None:
        """The next rows to hand to processing: oldest file first, tickets up to ``upto``."""
        work = self.inbox.work(upto, self.chunk)
        return None if work is None else (work[0], work[0].taken, work[1])

    async def _pump(self, upto: int) -> None:
        """One turn of the two-stage pipeline: rows go to the lint stage (a few steps ahead),
        then, with their findings and in order, to the store writer; results are delivered
        in order. Both stages are single workers, so each sees the rows in arrival order."""
        loop = self._loop
        assert loop is not None
        pipe = self._pipe
        while len(pipe) < 3 and (step := self._next_step(upto)) is not None:
            seg, after, last = step
            seg.taken = last
            lint = (
                loop.create_task(self._lint.lint_inbox(seg.path, after, last))
                if self._lint is not None
                else None
            )
            pipe.append(_Step(seg, after, last, lint))
        storing = sum(1 for st in pipe if st.store is not None)
        for st in pipe:
            if st.store is not None:
                continue
            if storing >= 2 or (st.lint is not None and not st.lint.done()):
                break
            findings = st.lint.result() if st.lint is not None else None  # may raise
            st.store = loop.create_task(
                self._call(
                    _child_inbox,
                    st.seg.path,
                    st.last,
                    st.last - st.after,
                    self.wants_rows(),
                    findings,
                    st.after if findings is not None else None,
                )
            )
            storing += 1
        head = pipe[0]
        if head.store is not None and head.store.done():
            pipe.popleft()
            self._deliver(head.seg, head.store.result())  # may raise
            return
        await self._wait(
            [t for st in pipe for t in (st.lint, st.store) if t is not None and not t.done()]
        )

    async def _pipe_failed(self) -> None:
        """A step failed (e.g. the disk is full): let what runs finish, and go again from what
        the store has; the inbox keeps everything."""
        log.exception("processing the inbox failed; retrying")
        for st in self._pipe:
            for t in (st.lint, st.store):
                if t is not None:
                    with contextlib.suppress(BaseException):
                        await t
        while self._pipe:
            st = self._pipe.popleft()
            if st.store is not None and st.store.done() and st.store.exception() is None:
                self._deliver(st.seg, st.store.result())
        for seg in self.inbox.segs:
            seg.taken = seg.done
        await self._wait(timeout=0.5)

    async def _loop_forever(self) -> None:
        backlog = True  # the free-text index may be behind (a resumed session, a burst)
        while True:
            self._kicked = False
            upto = self.inbox.acked
            if self._built:  # events built by a route come after what was queued before
                upto = min(upto, self._built[0][0])
            if self._pipe or self._next_step(upto) is not None:
                try:
                    await self._pump(upto)
                except Exception:
                    await self._pipe_failed()
                await self._drop_finished()
                backlog = True
                continue
            if self._built:
                _, req_row, ev_rows, fut = self._built[0]
                try:
                    found = (
                        await self._lint.lint_built(req_row, ev_rows)
                        if self._lint is not None
                        else None
                    )
                    res = await self._call(_child_built, req_row, ev_rows, found)
                except Exception as exc:
                    self._built.popleft()
                    if not fut.done():
                        fut.set_exception(exc)
                    continue
                self._built.popleft()
                self._deliver(None, res)
                if not fut.done():
                    fut.set_result(None)
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
                    n = await self._call(_child_index, self.index_chunk)
                except Exception:
                    log.exception("free-text indexing failed; queries still scan")
                    n = 0
                backlog = n > 0
                continue
            await self._wait()
