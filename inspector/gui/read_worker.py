"""Store reads off the UI thread: a thread with a read-only connection of its own.

A :class:`ReadWorker` runs one job at a time, a function of ``(reader, cancelled, report)``;
its result comes back to the UI thread by the ``finished`` signal with the ticket
:meth:`submit` gave, and what it reports on the way (``report(value)``) by ``progress``.
A newer job makes the running one pointless: it is interrupted (SQLite's progress handler) and
its result is never delivered, so the window only ever shows the answer to its latest question.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.domain.store import Store
from inspector.domain.store_read import Reader

log = logging.getLogger(__name__)

Job = Callable[[Reader, Callable[[], bool], Callable[[Any], None]], Any]


class ReadWorker(QObject):
    finished = Signal(int, object)  # ticket, result
    progress = Signal(int, object)  # ticket, what the job reported on the way
    failed = Signal(int, str)  # ticket, what went wrong

    def __init__(self, store: Store, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._cond = threading.Condition()
        self._ticket = 0  # the latest job's
        self._job: tuple[int, Job] | None = None
        self._running = 0  # the ticket of the job running now (0: none)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- from the UI thread -------------------------------------------------------------------
    def submit(self, job: Job) -> int:
        """Run ``job`` next (any older one is dropped or interrupted); returns its ticket."""
        with self._cond:
            self._ticket += 1
            self._job = (self._ticket, job)
            self._cond.notify()
            return self._ticket

    def cancel(self) -> None:
        """Drop the pending job and interrupt the running one (nothing is delivered)."""
        with self._cond:
            self._ticket += 1
            self._job = None

    @property
    def busy(self) -> bool:
        """Whether the latest job submitted has not finished yet."""
        with self._cond:
            return self._job is not None or self._running == self._ticket != 0

    def current(self, ticket: int) -> bool:
        return ticket == self._ticket

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._ticket += 1
            self._job = None
            self._cond.notify()
        self._thread.join(timeout)

    # -- the thread ------------------------------------------------------------------------
    def _stale(self) -> bool:
        return self._stopping or self._running != self._ticket

    def _run(self) -> None:
        try:
            reader = self._store.reader()
        except Exception as exc:  # a store closed or damaged under us: say so once
            log.warning("the background reader cannot open the store: %s", exc)
            self._fail_all(str(exc))
            return
        reader.conn.set_progress_handler(self._stale, 10_000)
        try:
            while True:
                with self._cond:
                    while self._job is None and not self._stopping:
                        self._cond.wait()
                    if self._stopping:
                        return
                    assert self._job is not None
                    ticket, job = self._job
                    self._job, self._running = None, ticket
                self._do(reader, ticket, job)
        finally:
            reader.close()

    def _do(self, reader: Reader, ticket: int, job: Job) -> None:
        def report(value: Any) -> None:
            if ticket == self._ticket and not self._stopping:
                self.progress.emit(ticket, value)

        try:
            result = job(reader, self._stale, report)
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                self._deliver_failure(ticket, str(exc))
            return
        except Exception as exc:  # a bug of ours: the window says so, the thread goes on
            log.exception("background read failed")
            self._deliver_failure(ticket, str(exc) or exc.__class__.__name__)
            return
        finally:
            with self._cond:
                self._running = 0
        if ticket == self._ticket and not self._stopping:
            self.finished.emit(ticket, result)

    def _deliver_failure(self, ticket: int, message: str) -> None:
        if ticket == self._ticket and not self._stopping:
            self.failed.emit(ticket, message)

    def _fail_all(self, message: str) -> None:
        with self._cond:
            while not self._stopping:
                if self._job is not None:
                    ticket, self._job = self._job[0], None
                    self.failed.emit(ticket, message)
                self._cond.wait()
