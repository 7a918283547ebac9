"""The lint stage: a worker (a child process, or a thread) that lints inbox rows ahead of the
store writer, so that linting and storing run side by side on the two cores.

The store writer's loop hands each step of inbox rows here first, then to the store writer
with the findings (:class:`~inspector.domain.processing.LintStage` says why that gives the same
findings); see :mod:`inspector.collector.writer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from inspector.domain.processing import Found, LintStage, Row

log = logging.getLogger(__name__)


def start_parent_watch(parent: int, nice: int = 0) -> None:
    """In a worker process: exit when the collector that started it is gone (even killed).

    ``nice``: step back in favour of the collector's event loop (``serve``: answering clients
    comes first, the workers take the rest of the CPU and all of it once a burst is over)."""
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    # ``parent`` comes from the collector: it may be gone before this worker got here

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)  # an open transaction is simply not committed

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


# -- the child process side ---------------------------------------------------------------
_stage: LintStage | None = None


def _init(parent: int, nice: int) -> None:
    global _stage
    from inspector.domain.pipeline import default_linter

    start_parent_watch(parent, nice)
    _stage = LintStage(default_linter)


def _lint_inbox(path: str, after: int, upto: int) -> list[Found]:
    assert _stage is not None
    return _stage.lint_inbox(path, after, upto)


def _lint_built(req_row: Row, ev_rows: list[Row]) -> Found:
    assert _stage is not None
    return _stage.lint_built(req_row, ev_rows)


def _reset(session_id: int | None) -> None:
    assert _stage is not None
    _stage.reset(session_id)


def _close_inbox(path: str) -> None:
    assert _stage is not None
    _stage.close_inbox(path)


class LintRunner:
    """Calls into the lint stage; ``process=True``: in a spawned child (``default_linter``,
    configured from ``.event-inspector.toml``), else in a thread with ``linter_factory``."""

    def __init__(self, *, process: bool, linter_factory: Callable[[], Any],
                 nice: int = 0) -> None:
        self.process = process
        self.nice = nice
        self._local = None if process else LintStage(linter_factory)
        self._executor = self._new_executor()
        # the loop of the writer task (plain futures: Qt may step it with no running loop)
        self.loop: asyncio.AbstractEventLoop | None = None

    def _new_executor(self) -> Executor:
        if self.process:
            return ProcessPoolExecutor(max_workers=1,
                                       mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_init, initargs=(os.getpid(), self.nice))
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="lint-stage")

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = self.loop or asyncio.get_running_loop()
        if self._local is not None:
            local = self._local
            targets: dict[Any, Callable[..., Any]] = {
                _lint_inbox: local.lint_inbox, _lint_built: local.lint_built,
                _reset: local.reset, _close_inbox: local.close_inbox}
            target = targets[fn]
            return await loop.run_in_executor(self._executor, target, *args)
        executor = self._executor
        try:
            return await loop.run_in_executor(executor, fn, *args)
        except BrokenProcessPool:
            if self._executor is executor:  # cross-event lint state starts over
                log.error("the lint process died; starting a new one and retrying")
                self._executor = self._new_executor()
            return await loop.run_in_executor(self._executor, fn, *args)

    async def lint_inbox(self, path: str, after: int, upto: int) -> list[Found]:
        result: list[Found] = await self._call(_lint_inbox, path, after, upto)
        return result

    async def lint_built(self, req_row: Row, ev_rows: list[Row]) -> Found:
        result: Found = await self._call(_lint_built, req_row, ev_rows)
        return result

    async def reset(self, session_id: int | None) -> None:
        await self._call(_reset, session_id)

    async def close_inbox(self, path: str) -> None:
        await self._call(_close_inbox, path)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
