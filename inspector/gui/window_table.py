"""The live table's actions (a mixin of :class:`inspector.gui.window.MainWindow`): following
new rows, pause/resume, the filter (applied, stale, hints, recents), showing an event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QAbstractItemView

from inspector.domain.view.columns import DUP

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStackedWidget, QTabWidget

    from inspector.collector.service import CollectorService
    from inspector.gui.feed import EventFeed
    from inspector.gui.settings import AppSettings
    from inspector.gui.widgets.detail import DetailPane
    from inspector.gui.widgets.events_view import EventsView
    from inspector.gui.widgets.filter_bar import FilterBar
    from inspector.gui.widgets.first_run import FirstRunPanel
    from inspector.gui.widgets.toolbar import MainToolBar

TAB_EVENTS = 0


class TableActions:
    service: CollectorService
    feed: EventFeed
    table: EventsView
    tabs: QTabWidget
    stack: QStackedWidget
    first_run: FirstRunPanel
    filter_bar: FilterBar
    toolbar: MainToolBar
    detail: DetailPane
    settings: AppSettings
    rules: dict[str, Any]
    _was_at_bottom: bool

    # -- following new rows ---------------------------------------------------------------
    def _before_insert(self, *_args: Any) -> None:
        self._was_at_bottom = self.table.at_bottom()

    def _rows_added(self, n: int) -> None:
        if n and self._was_at_bottom:
            self.table.scrollToBottom()
        elif n:
            self.table.note_new_rows(n, following=False)
        if self.stack.currentWidget() is self.first_run:
            self.update_stack()  # type: ignore[attr-defined]

    def _older_added(self, n: int) -> None:
        """A resumed session's older rows came in above: the rows in view stay in view."""
        if not n:
            return
        if self._was_at_bottom:
            self.table.scrollToBottom()
        else:
            bar = self.table.verticalScrollBar()  # per item: one step a row
            bar.setValue(bar.value() + n)

    # -- pause ----------------------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        rows = self.feed.model.rows
        last = rows.ids[-1] if len(rows) else 0
        held = self.feed.held
        self.feed.set_paused(paused)
        self.toolbar.set_paused(paused)
        if not paused and held:
            self.show_rows_after(last)
        self._update_counts()  # type: ignore[attr-defined]

    def show_rows_after(self, event_id: int) -> None:
        """Scroll so the rows that came after ``event_id`` (held while paused) are in view."""
        row = self.feed.model.first_view_row_after(event_id)
        if row is None:
            return
        self.table.scrollTo(
            self.feed.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
        )
        if self.table.at_bottom():
            self.table.jump_to_latest()  # following again

    # -- the filter -----------------------------------------------------------------------
    def _query_changed(self, query: Any, text: str) -> None:
        self.feed.apply_query(query, text)
        self.update_stack()  # type: ignore[attr-defined]

    def _update_busy(self, *_args: Any) -> None:
        """The table says what is still being read: a filter's rows (the rows shown, those
        of the previous filter, are dimmed), a resumed session's older events."""
        f = self.feed
        notes = []
        if f.filtering:
            notes.append(f"filtering… {f.query_text}")
        if f.loading:
            n = f"{f.loading:,} " if f.loading > 0 else ""
            notes.append(f"reading {n}older events…")
        self.table.set_busy("  ·  ".join(notes), dim=f.filtering)
        self._update_counts()  # type: ignore[attr-defined]

    def _filter_committed(self, text: str) -> None:
        """Only executed, valid filters become recent."""
        self.settings.remember_filter(text)
        self.filter_bar.history = list(self.settings.recent_filters)
        self._save_settings()  # type: ignore[attr-defined]

    def _filter_stale(self, stale: bool) -> None:
        shown = self.filter_bar.applied_text.strip()
        note = f"showing rows of the last valid filter: {shown}" if shown else "showing every event"
        self.table.set_stale(stale, note)
        self._update_counts()  # type: ignore[attr-defined]

    def _filter_hints(self, query: Any) -> list[Any]:
        from inspector.domain.query.hints import hints

        return hints(query, self.feed.vocabulary(), set(self.rules))

    def show_duplicates(self) -> None:
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.filter_bar.set_text("dup:true")

    def _update_dup_column(self) -> None:
        hidden = self.feed.duplicates == 0
        if self.table.isColumnHidden(DUP) != hidden:
            self.table.setColumnHidden(DUP, hidden)
        self.table.fit_columns()  # new sources may need more room

    # -- moving around --------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.filter_bar.edit.setFocus()
        self.filter_bar.edit.selectAll()

    def step(self, delta: int) -> None:
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.table.step(delta)
        self.table.setFocus()

    def show_event(self, event_id: int) -> None:
        ev = self.service.store.get_event(event_id) if event_id else None
        raw = self.service.store.get_request(ev.request_id) if ev and ev.request_id else None
        self.detail.show_event(ev, raw, self.rules)

    def reveal_event(self, event_id: int) -> None:
        """Select an event in the table (clearing the filter if it hides the event)."""
        self.feed.flush_now()
        if self.feed.model.view_row_of_id(event_id) is None and self.feed.query is not None:
            self.filter_bar.set_text("")
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.update_stack()  # type: ignore[attr-defined]
        if not self.table.select_event(event_id):
            self.show_event(event_id)
