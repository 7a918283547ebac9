"""What the live table shows: the buffered feed from the collector, pause, filter, counters.

The collector calls :meth:`EventFeed.on_capture` on the loop thread after each request is
committed; it only appends to a buffer. A :class:`Coalescer` hands the buffer to
:meth:`_flush` every ~60 ms, which appends the rows in one ``beginInsertRows``.
"""

from __future__ import annotations

import time
from array import array
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.query import CompiledQuery, IdentitySource, Query, QueryError, compile_query
from inspector.domain.store import Session, Store
from inspector.domain.store_read import Reader
from inspector.domain.view import LintCounts, RowStore, View, loader
from inspector.domain.view.rows import rows_of_ids
from inspector.domain.view.values import values_for
from inspector.domain.view.vocabulary import SessionVocabulary
from inspector.gui.models.events_model import EventsModel
from inspector.gui.models.requests_model import RequestsModel
from inspector.gui.read_worker import ReadWorker
from inspector.gui.throttle import Coalescer

FLUSH_MS = 60
MAX_ROWS_PER_TICK = 500  # a bigger backlog is applied over several loop passes
#: rows of a stored session read before the window shows it (the rest follow in the background)
NEWEST_ROWS = 5_000


class RateMeter:
    def __init__(self, window_s: float = 2.0) -> None:
        self._window = window_s
        self._marks: deque[tuple[float, int]] = deque()

    def add(self, n: int) -> None:
        self._marks.append((time.monotonic(), n))

    def rate(self) -> float:
        now = time.monotonic()
        while self._marks and now - self._marks[0][0] > self._window:
            self._marks.popleft()
        return sum(n for _, n in self._marks) / self._window


class EventFeed(QObject):
    """The window's side of the live session: the collector's events into the :class:`View`
    (through :class:`EventsModel`), a stored session read newest first, the filter run off the
    UI thread."""

    rowsAdded = Signal(int)  # rows the view gained
    countsChanged = Signal()
    filterApplied = Signal()
    filteringChanged = Signal(bool)  # a filter's query is running (the table says so)
    filterFailed = Signal(str)
    loadingChanged = Signal(bool)  # a resumed session's older rows are being read
    olderAdded = Signal(int)  # rows the view gained above those it showed
    identityChanged = Signal()

    def __init__(self, store: Store, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.live_session = session
        self.session = session  # the one shown; an earlier one is read-only
        self.view = View(session.id)
        self.model = EventsModel(self.view, parent=self)
        self.requests = RequestsModel(parent=self)
        self._rows = Coalescer(self._flush, FLUSH_MS, self, max_items=MAX_ROWS_PER_TICK)
        self._reqs = Coalescer(self._flush_requests, 100, self, freeze_gc=False)
        self.paused = False
        self.held = 0
        self.query: Query | None = None
        self.query_text = ""
        self.identity: IdentitySource = None  # where user:X finds X's other ids
        self.meter = RateMeter()
        self.on_flush: list[Callable[[list[CapturedEvent]], Any]] = []  # benchmark hooks
        self.vocab = SessionVocabulary(store)
        # the filter's SQL and a resumed session's older rows: each on a thread of its own
        self._filter = ReadWorker(store, "filter", self)
        self._filter.finished.connect(self._filter_done)
        self._filter.failed.connect(self._filter_failed)
        self._filter_ticket = 0  # the query running now (0: none)
        self._older = ReadWorker(store, "older rows", self)
        self._older.finished.connect(self._older_done)
        self._older.progress.connect(self._older_counted)
        self._older.failed.connect(self._older_failed)
        self._older_ticket = 0

    # -- what the View holds ------------------------------------------------------------------
    @property
    def lint(self) -> LintCounts:
        return self.view.lint

    @property
    def duplicates(self) -> int:
        return self.view.duplicates

    @property
    def compiled(self) -> CompiledQuery | None:
        """The filter, as the one query door compiled it (None: every event)."""
        return self.view.compiled

    @property
    def filtering(self) -> bool:
        """A filter's query is running: the table shows the previous filter's rows."""
        return self._filter_ticket != 0

    @property
    def loading(self) -> int:
        """Older rows of the shown session still being read (0: all are held)."""
        return self.view.loading

    # -- from the collector (loop thread) -------------------------------------------------
    def on_capture(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        if (raw.rejected or raw.fault) and raw.session_id == self.session.id:
            self._reqs.add_one(raw)
        if not events:
            return
        self.meter.add(len(events))
        live = self.live_session.id
        if self.session.id != live:
            return
        if events[0].session_id != live:  # sent before Clear moved on to a new session
            events = [ev for ev in events if ev.session_id == live]
            if not events:
                return
        if self.paused:
            self.held += len(events)
            return
        self._rows.add(events)
        self.identityChanged.emit()

    def stop(self) -> None:
        """Drop what is buffered, stop the timers and the reading threads (window closing)."""
        self._rows.discard()
        self._reqs.discard()
        self._filter.stop()
        self._older.stop()

    @property
    def live(self) -> bool:
        return self.session.id == self.live_session.id

    @property
    def pending(self) -> int:
        return self._rows.pending

    def flush_now(self) -> None:
        self._rows.flush_now()
        self._reqs.flush_now()

    def _flush(self, events: list[CapturedEvent]) -> None:
        added = self.model.add(events)
        for fn in self.on_flush:
            fn(events)
        self.rowsAdded.emit(added)
        self.countsChanged.emit()

    def _flush_requests(self, raws: list[RawRequest]) -> None:
        self.requests.append(raws)
        self.countsChanged.emit()

    # -- pause ----------------------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.paused = paused
        if not paused:
            self._rows.flush_now()
            self.held = 0
            self._catch_up()

    def _catch_up(self) -> None:
        """Rows stored while paused (after the last row) are read back from the store."""
        rows = self.view.rows
        after = rows.ids[-1] if len(rows) else 0
        first = len(rows)
        stored = loader.after_id(self.store.read, self.session.id, after)
        self.view.duplicates += sum(loader.append(rows, self.view.lint, c) for c in stored)
        if len(rows) == first:
            return
        if self.query is not None:
            self._run_filter()
        else:
            self.model.reload()
        self.countsChanged.emit()

    # -- sessions and clearing ------------------------------------------------------------
    def load_session(self, session: Session) -> None:
        """Show ``session`` (the live one, or an earlier one read-only): its newest rows now,
        the older ones from a background thread (:attr:`loading` says how many are due)."""
        self._rows.discard()
        self._older.cancel()
        self._older_ticket = 0
        self.session = session
        self.held = 0
        view = self.view
        self.model.beginResetModel()
        view.reset(session.id)
        newest = loader.newest(self.store.read, session.id, NEWEST_ROWS)
        view.duplicates = loader.append(view.rows, view.lint, newest)
        self.model.endResetModel()
        if len(newest) == NEWEST_ROWS:  # there may be more: read them in the background
            before = (newest[0][0], newest[0][1])
            view.begin(before, -1)

            def job(reader: Reader, cancelled: Callable[[], bool], report: Any) -> Any:
                report(loader.count_before(reader, session.id, before))
                report(loader.counts_before(reader, session.id, before))
                return loader.read_before(reader, session.id, before, cancelled)

            self._older_ticket = self._older.submit(job)
            self.loadingChanged.emit(True)
        self.requests.load(self.store, session.id)
        if self.query is not None:
            self._run_filter()
        self.countsChanged.emit()
        self.identityChanged.emit()

    def _older_counted(self, ticket: int, older: int | tuple[LintCounts, int]) -> None:
        """How many older rows are being read, then their lint counts and duplicates."""
        if ticket != self._older_ticket or self.view.older is None:
            return
        if isinstance(older, tuple):
            self.view.count_older(*older)
            self.countsChanged.emit()
        else:
            self.view.begin(self.view.older, older)
            self.loadingChanged.emit(True)

    def _older_done(self, ticket: int, result: tuple[RowStore, LintCounts, int]) -> None:
        if ticket != self._older_ticket:
            return
        self._older_ticket = 0
        shown_before = len(self.view)
        self.model.prepend(*result)
        self.olderAdded.emit(len(self.view) - shown_before)
        if self.query is not None:  # the older rows' matches are found by the query again
            self._run_filter()
        self.loadingChanged.emit(False)
        self.countsChanged.emit()

    def _older_failed(self, ticket: int, message: str) -> None:
        if ticket == self._older_ticket:
            self._older_ticket = 0
            self.loadingChanged.emit(False)
            self.filterFailed.emit(f"Older events could not be read: {message}")

    def clear(self) -> None:
        self._rows.discard()
        self._older.cancel()
        self._older_ticket = 0
        self.held = 0
        self.model.beginResetModel()
        self.view.reset(self.session.id)
        self.model.endResetModel()
        if self.query is not None:  # a running query's rows are those of the rows cleared
            self._run_filter()
        self.requests.clear()
        self.countsChanged.emit()
        self.identityChanged.emit()

    # -- filtering ------------------------------------------------------------------------
    def apply_query(self, query: Query | None, text: str = "") -> None:
        """Show rows matching ``query`` (None: all). Its SQL runs on the filter thread; the
        table shows the previous rows, marked as such, until the answer arrives."""
        self._rows.flush_now()
        self.query, self.query_text = query, text
        if query is None:
            self._filter.cancel()
            self._set_filtering(0)
            self.model.beginResetModel()
            self.view.set_filter(None)
            self.model.endResetModel()
            self.filterApplied.emit()
            return
        self._run_filter()

    def _run_filter(self) -> None:
        assert self.query is not None
        text = self.query_text or self.query.text
        try:  # the one door every consumer uses (API, CLI, plugin): same query, same rows
            cq = compile_query(text, self.identity, index=self.store.read)
        except QueryError as exc:  # e.g. a person with too many ids for one search
            self.model.beginResetModel()
            self.view.set_filter(None)
            self.view.visible = array("I")
            self.model.endResetModel()
            self.filterFailed.emit(f"The filter could not run: {exc}")
            self.filterApplied.emit()
            return
        self.view.set_filter(cq, text)
        sid, where, params = self.session.id, cq.where, cq.params
        # the rows as they are now: the thread maps its answer to row numbers on this copy
        # (rows that arrive meanwhile are the View's pending ones; older rows put in front,
        # a clear or another session run the filter again, so this answer is never used)
        ids = array("q", self.view.rows.ids)

        def job(reader: Reader, _cancelled: Callable[[], bool], _report: Any) -> list[int]:
            return rows_of_ids(ids, reader.event_ids(sid, where, params))

        self._set_filtering(self._filter.submit(job))

    def _set_filtering(self, ticket: int) -> None:
        was = self.filtering
        self._filter_ticket = ticket
        if was != self.filtering:
            self.filteringChanged.emit(self.filtering)

    def _filter_done(self, ticket: int, rows: list[int]) -> None:
        if ticket != self._filter_ticket:
            return
        self._rows.flush_now()
        self.model.show_rows(rows)
        self._set_filtering(0)
        self.filterApplied.emit()

    def _filter_failed(self, ticket: int, message: str) -> None:
        if ticket != self._filter_ticket:
            return
        self.model.show_ids([])
        self._set_filtering(0)
        self.filterFailed.emit(f"The filter could not run: {message}")
        self.filterApplied.emit()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the filter and the older rows are in (tests, benchmarks, scripts);
        True if they are."""
        from PySide6.QtCore import QCoreApplication

        deadline = time.monotonic() + timeout
        while self.filtering or self._older_ticket:
            if time.monotonic() > deadline:
                return False
            QCoreApplication.processEvents()
            time.sleep(0.002)
        return True

    # -- hints ----------------------------------------------------------------------------
    def vocabulary(self) -> Any:
        """What the shown session holds (field values, message paths), for hints."""
        return self.vocab.get(self.session.id, self.view.rows, self.view.lint.by_rule)

    def paths(self) -> list[str]:
        return list(self.vocabulary().path_names())

    def values_for(self, field: str, limit: int = 200) -> list[str]:
        """Distinct values seen in a column or message path (for autocomplete)."""
        return values_for(self.view, self.vocab, field, limit)
