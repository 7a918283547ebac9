"""Coalesce bursts: items pile up in a list and are handed over once per timer tick."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

IDLE_MIN_GROWTH = 20_000  # frozen objects gained before an idle full pass is worth its stall


class Coalescer(QObject):
    """Buffer items and call ``flush(items)`` at most every ``interval_ms``, never per item.

    The timer only runs while something is pending. After a flush, objects that survived it
    are moved out of the collector's generations (``gc.freeze``), so periodic GC passes do not
    walk an ever-growing heap during a burst; once traffic has been quiet for ``idle_s``
    they are unfrozen and collected in one go.

    ``max_items`` caps one flush: a bigger backlog is handed over in slices, one per loop pass
    (a zero-delay timer), so other timers and input get their turn in between.
    """

    def __init__(
        self,
        flush: Callable[[list[Any]], None],
        interval_ms: int = 60,
        parent: QObject | None = None,
        *,
        freeze_gc: bool = True,
        idle_s: float = 5.0,
        max_items: int = 0,
    ) -> None:
        super().__init__(parent)
        self._flush = flush
        self._pending: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._interval = interval_ms
        self._max = max_items
        self._timer.timeout.connect(self._fire)
        self._freeze = freeze_gc
        self._idle_s = idle_s
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle)
        self.ticks = 0
        self.last_flush = 0.0
        self.full_passes = 0
        # the heap as it is at startup counts as already collected
        self._frozen_after_pass = gc.get_freeze_count() + len(gc.get_objects()) if freeze_gc else 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, items: list[Any]) -> None:
        self._pending.extend(items)
        if not self._timer.isActive():
            self._timer.start(self._interval)

    def add_one(self, item: Any) -> None:
        self._pending.append(item)
        if not self._timer.isActive():
            self._timer.start(self._interval)

    def discard(self) -> None:
        self._pending = []
        self._timer.stop()

    def flush_now(self) -> None:
        self._timer.stop()
        while self._pending:
            self._fire(rearm=False)

    def _fire(self, rearm: bool = True) -> None:
        items, self._pending = self._pending, []
        if not items:
            return
        if self._max and len(items) > self._max:
            items, self._pending = items[: self._max], items[self._max :]
            if rearm:
                self._timer.start(0)  # the rest on the next loop pass
        self.ticks += 1
        self.last_flush = time.monotonic()
        self._flush(items)
        del items
        if self._freeze:
            gc.freeze()
            self._idle.start(int(self._idle_s * 1000))

    def _on_idle(self) -> None:
        """Quiet for ``idle_s``: unfreeze and collect, but only once the frozen heap has grown
        by a quarter since the last full pass (CPython's own rule for gen-2 passes). A full
        pass walks every tracked object (tens of ms for ~100k objects); doing it after each
        burst would stall the idle window once per burst for little gain (the garbage frozen
        in between is a few dozen objects)."""
        if self._pending:
            self._idle.start(int(self._idle_s * 1000))
            return
        frozen = gc.get_freeze_count()
        if frozen < self._frozen_after_pass * 1.25 + IDLE_MIN_GROWTH:
            return
        gc.unfreeze()
        gc.collect()
        self.full_passes += 1
        gc.freeze()  # the survivors stay out of the young generations' way
        self._frozen_after_pass = gc.get_freeze_count()
