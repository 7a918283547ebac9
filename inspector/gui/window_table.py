"""The live table's actions (:class:`TableActions`, owned by the window): following new rows,
pause/resume, the filter (applied, stale, hints, recents), showing and revealing an event."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QStackedWidget, QTabWidget

from inspector.gui.feed import EventFeed
from inspector.gui.widgets.events_view import EventsView
from inspector.gui.widgets.filter_bar import FilterBar
from inspector.gui.widgets.first_run import FirstRunPanel
from inspector.gui.widgets.toolbar import MainToolBar
from inspector.gui.window_settings import SettingsActions
from inspector.gui.window_shown import TAB_EVENTS, WhatShows


class TableActions:
    """``shows`` is told when rows, the filter or pause change what the window shows."""

    def __init__(
        self,
        feed: EventFeed,
        rules: dict[str, Any],
        *,
        table: EventsView,
        tabs: QTabWidget,
        stack: QStackedWidget,
        first_run: FirstRunPanel,
        filter_bar: FilterBar,
        toolbar: MainToolBar,
        prefs: SettingsActions,
        shows: WhatShows,
    ) -> None:
        self.feed, self.rules, self.table, self.tabs = feed, rules, table, tabs
        self.stack, self.first_run, self.filter_bar = stack, first_run, filter_bar
        self.toolbar, self.prefs, self.shows = toolbar, prefs, shows
        self._was_at_bottom = True

    # -- following new rows ---------------------------------------------------------------
    def before_insert(self, *_args: Any) -> None:
        self._was_at_bottom = self.table.at_bottom()

    def rows_added(self, n: int) -> None:
        if n and self._was_at_bottom:
            self.table.scrollToBottom()
        elif n:
            self.table.note_new_rows(n, following=False)
        if self.stack.currentWidget() is self.first_run:
            self.shows.update_stack()

    def older_added(self, n: int) -> None:
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
        self.shows.update_counts()

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
    def query_changed(self, query: Any, text: str) -> None:
        self.feed.apply_query(query, text)
        self.shows.update_stack()

    def update_busy(self, *_args: Any) -> None:
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
        self.shows.update_counts()

    def filter_committed(self, text: str) -> None:
        """Only executed, valid filters become recent."""
        self.filter_bar.history = self.prefs.remember_filter(text)

    def filter_stale(self, stale: bool) -> None:
        shown = self.filter_bar.applied_text.strip()
        note = f"showing rows of the last valid filter: {shown}" if shown else "showing every event"
        self.table.set_stale(stale, note)
        self.shows.update_counts()

    def filter_hints(self, query: Any) -> list[Any]:
        from inspector.domain.query.hints import hints

        return hints(query, self.feed.vocabulary(), set(self.rules))

    def show_duplicates(self) -> None:
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.filter_bar.set_text("dup:true")

    # -- moving around --------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.filter_bar.edit.setFocus()
        self.filter_bar.edit.selectAll()

    def step(self, delta: int) -> None:
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.table.step(delta)
        self.table.setFocus()

    def reveal_event(self, event_id: int) -> None:
        """Select an event in the table (clearing the filter if it hides the event)."""
        self.feed.flush_now()
        if self.feed.model.view_row_of_id(event_id) is None and self.feed.query is not None:
            self.filter_bar.set_text("")
        self.tabs.setCurrentIndex(TAB_EVENTS)
        self.shows.update_stack()
        if not self.table.select_event(event_id):
            self.shows.show_event(event_id)
