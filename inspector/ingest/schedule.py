"""How the pipeline's task moves inbox rows through the two stages, and what it does when a
step fails (see :mod:`inspector.ingest.pipeline` for the rest of the pipeline).

Steps of rows go to the prepare worker a few ahead, then in order to the store worker; results
are delivered in order. A step that fails is tried again (what was prepared is stored again as
it is); one that fails twice is tried again a row at a time, and a row that fails twice is
kept as a rejected request (quarantined). A failure of the disk or the database is retried,
never quarantined. The query indexes are filled by a worker of their own
(:mod:`inspector.ingest.indexing`), told after each stored step.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from inspector.ingest.inbox import Segment, Segments
from inspector.ingest.prepared import Stored
from inspector.ingest.workers import Worker

log = logging.getLogger(__name__)
#: once everything is processed, an inbox file holding this many requests or body bytes is
#: replaced by a new one and deleted whole (its bodies and log are in the data directory until
#: then: at 4 MiB, up to 8 MiB with its log after a burst); a few small requests stay, so that
#: a trickle of calls does not make a file each
IDLE_ROTATE_ROWS = 256
IDLE_ROTATE_BYTES = 256 * 1024


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
        self.prep: asyncio.Task[bytes] | None = None  # a packed Step
        self.store: asyncio.Task[Stored] | None = None


class StepFailed(Exception):
    def __init__(self, step: _Step, exc: BaseException) -> None:
        super().__init__(repr(exc))
        self.step, self.exc = step, exc


class Schedule:
    """The pipeline's task: :meth:`_loop_forever` and what it calls."""

    inbox: Segments
    wants_rows: Callable[[], bool]
    chunk: int
    quarantined: int
    _store: Worker
    _prep: Worker | None
    _pipe: collections.deque[_Step]
    _failures: dict[tuple[str, int], int]
    _single: dict[str, int]
    _loop: asyncio.AbstractEventLoop | None
    _kicked: bool
    _wake_fut: asyncio.Future[None] | None

    def _deliver(self, seg: Segment | None, res: Stored) -> None:
        raise NotImplementedError

    async def _drop_finished(self) -> None:
        raise NotImplementedError

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
                    self._prep.call("prepare_packed", st.seg.path, st.after, st.last, rows)
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
                st.store = loop.create_task(self._store.call("store_packed", prepared, rows))
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
        if isinstance(exc, BrokenProcessPool) and not await self._workers_run():
            log.error("the worker processes do not start; trying again in a moment")
            await self._wait(timeout=1.0)  # not this input's fault: nothing is quarantined
            return
        self._failures.pop(key, None)
        self._pipe.clear()
        for seg in self.inbox.segs:
            seg.taken = seg.done
        if st.last - st.after > 1:
            self._single[st.seg.path] = max(self._single.get(st.seg.path, 0), st.last)
            return
        await self._quarantine(st, exc)

    async def _workers_run(self) -> bool:
        """Whether both workers answer at all (a step that kills one is its input's fault;
        workers that cannot start are not)."""
        for w in (self._store, self._prep):
            if w is None:
                continue
            try:
                await w.call("ping")
            except Exception:
                return False
        return True

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
        while True:
            self._kicked = False
            upto = self.inbox.acked
            if self._pipe or self._next_step(upto) is not None:
                try:
                    await self._pump(upto)
                except StepFailed as failure:
                    await self._failed(failure)
                await self._drop_finished()
                continue
            cur = self.inbox.current
            if cur.inbox.last_id >= IDLE_ROTATE_ROWS or cur.size >= IDLE_ROTATE_BYTES:
                self.inbox.rotate()  # all processed: the old file goes as a whole
                await self._drop_finished()
                continue
            await self._wait()
