"""The lint stage: a worker (a child process, or a thread) that lints inbox rows ahead of the
store writer, so that linting and storing run side by side on the two cores.

The store writer's loop hands each step of inbox rows here first, then to the store writer
with the findings (:class:`~inspector.domain.processing.LintStage` says why that gives the same
findings); see :mod:`inspector.collector.writer`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from inspector.collector.workers import Worker, start_parent_watch
from inspector.domain.processing import Found, LintStage, Row

log = logging.getLogger(__name__)


# -- the child process side ---------------------------------------------------------------
_stage: LintStage | None = None


def _init(nice: int, parent: int) -> None:
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

    def __init__(self, *, process: bool, linter_factory: Callable[[], Any], nice: int = 0) -> None:
        local: dict[Callable[..., Any], Callable[..., Any]] | None = None
        if not process:
            st = LintStage(linter_factory)
            local = {
                _lint_inbox: st.lint_inbox,
                _lint_built: st.lint_built,
                _reset: st.reset,
                _close_inbox: st.close_inbox,
            }
        self.worker = Worker("lint stage", initializer=_init, initargs=(nice,), local=local)

    async def lint_inbox(self, path: str, after: int, upto: int) -> list[Found]:
        result: list[Found] = await self.worker.call(_lint_inbox, path, after, upto)
        return result

    async def lint_built(self, req_row: Row, ev_rows: list[Row]) -> Found:
        result: Found = await self.worker.call(_lint_built, req_row, ev_rows)
        return result

    async def reset(self, session_id: int | None) -> None:
        await self.worker.call(_reset, session_id)

    async def close_inbox(self, path: str) -> None:
        await self.worker.call(_close_inbox, path)
