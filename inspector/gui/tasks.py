"""The window's asyncio tasks: a strong reference to each until it ends, and its failure sent
to the loop's exception handler (the error dialog), never lost."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Tasks:
    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._running.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            loop = asyncio.get_event_loop()
            loop.call_exception_handler({"message": "task failed", "exception": exc, "task": task})

    def __len__(self) -> int:
        return len(self._running)
