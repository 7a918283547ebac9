"""A worker the collector hands work to: a thread, or a spawned child process of its own.

In a process, work runs on the other core instead of fighting the event loop for the GIL; a
child that dies is replaced and the call retried once, and a child whose collector is gone
(even killed) exits by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from inspector.ingest import stages

log = logging.getLogger(__name__)


#: how far ``serve``'s worker processes step back from its event loop. Answering comes first
#: during a burst, but a worker far below every other process on a busy machine gets a third
#: of their share of the CPU (nice 5: weight 335 against 1024). `benchmarks/ingest.py` on
#: this shared 2-core machine, load ~8.5, the indexer at 19, three rounds each: processed
#: 0.20x / 0.19x / 0.11x the baseline at nice 0 / 2 / 5, acknowledged 0.85x / 1.01x / 0.86x.
SERVE_NICE = 2
#: a worker this far back (the query indexer) also runs under Linux's ``SCHED_IDLE``: nice 19
#: alone still left it a third of a core of a 2-core machine during a burst, as the scheduler
#: balances its two run queues by load and a core running only the indexer takes a waking
#: worker later; a core that runs only ``SCHED_IDLE`` work counts as idle, so the workers and
#: the event loop get it at once
IDLE_NICE = 19


def start_parent_watch(parent: int, nice: int = 0) -> None:
    """In a worker process: exit when the collector that started it is gone (even killed).

    ``nice``: step back in favour of the collector's event loop (``serve``: answering clients
    comes first, the workers take the rest of the CPU and all of it once a burst is over)."""
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    if nice >= IDLE_NICE and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    # ``parent`` comes from the collector: it may be gone before this worker got here

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)  # an open transaction is simply not committed

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


# a worker allocates tens of objects an event (parsed JSON, events, rows), nearly all freed
# by reference counting, yet the collector walked the young ones every 700 allocations:
# `benchmarks/ingest.py --configs full` took 61-63 µs CPU an event with this, 67-74 without
# (two runs each, load beside it). Young collections every 20,000 allocations instead.
WORKER_GC_THRESHOLD = (20_000, 50, 100)


def settle_gc() -> None:
    """In a worker process, once started: what it holds so far (modules, catalogues, the
    store) is never garbage, so collections stop walking it; young collections run less
    often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLD)


class Worker:
    """Calls ``Stages`` methods by name: in a child process started with
    ``stages.start(*initargs, parent_pid)``, or, as a thread, on the ``local`` object."""

    def __init__(
        self,
        name: str,
        *,
        initargs: tuple[Any, ...] = (),
        local: Any = None,
    ) -> None:
        self.name = name
        self.local = local
        self._initargs = initargs
        # the loop of the caller's task (plain futures: Qt may step it with no running loop)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._executor = self._new_executor()

    def _new_executor(self) -> Executor:
        if self.local is not None:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=stages.start,
            initargs=(*self._initargs, os.getpid()),
        )

    async def call(self, method: str, *args: Any) -> Any:
        loop = self.loop or asyncio.get_running_loop()
        if self.local is not None:
            return await loop.run_in_executor(self._executor, getattr(self.local, method), *args)
        executor = self._executor
        try:
            return await loop.run_in_executor(executor, stages.call, method, *args)
        except BrokenProcessPool:
            if self._executor is executor:  # the first of the calls that failed replaces it
                log.error("the %s process died; starting a new one and retrying", self.name)
                self._executor = self._new_executor()
            return await loop.run_in_executor(self._executor, stages.call, method, *args)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the worker; ``wait=False``: without waiting for the call it is in (a child
        process is ended: an open transaction is simply not committed)."""
        executor = self._executor
        if not wait and isinstance(executor, ProcessPoolExecutor):
            for proc in list(getattr(executor, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    proc.terminate()
        executor.shutdown(wait=wait, cancel_futures=not wait)
