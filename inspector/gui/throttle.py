"""Coalesce bursts: items pile up in a list and are handed over once per timer tick."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer


class Coalescer(QObject):
    """Buffer items and call ``flush(items)`` at most every ``interval_ms``, never per item.

    The timer only runs while something is pending. After a flush, objects that survived it
    are moved out of the collector's generations (``gc.freeze``), so periodic GC passes do not
    walk an ever-growing heap during a burst; once traffic has been quiet for ``idle_s``
    they are unfrozen and collected in one go.
    """

    def __init__(self, flush: Callable[[list[Any]], None], interval_ms: int = 60,
                 parent: QObject | None = None, *, freeze_gc: bool = True,
                 idle_s: float = 5.0) -> None:
        super().__init__(parent)
        self._flush = flush
        self._pending: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._fire)
        self._freeze = freeze_gc
        self._idle_s = idle_s
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle)
        self.ticks = 0
        self.last_flush = 0.0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, items: list[Any]) -> None:
        self._pending.extend(items)
        if not self._timer.isActive():
            self._timer.start()

    def add_one(self, item: Any) -> None:
        self._pending.append(item)
        if not self._timer.isActive():
            self._timer.start()

    def discard(self) -> None:
        self._pending = []
        self._timer.stop()

    def flush_now(self) -> None:
        self._timer.stop()
        self._fire()

    def _fire(self) -> None:
        items, self._pending = self._pending, []
        if not items:
            return
        self.ticks += 1
        self.last_flush = time.monotonic()
        self._flush(items)
        del items
        if self._freeze:
            gc.freeze()
            self._idle.start(int(self._idle_s * 1000))

    def _on_idle(self) -> None:
        if self._pending:
            self._idle.start(int(self._idle_s * 1000))
            return
        gc.unfreeze()
        gc.collect()
