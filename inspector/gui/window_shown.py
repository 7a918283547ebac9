"""What the window shows as its session changes (:class:`WhatShows`, owned by the window): the
table or the setup panel, which side panes, the counts (status bar, lint panel, tab title, the
Dup column), the detail pane's event for the tab in front, and the People view refreshed when it
is in front and out of date."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QStackedWidget, QTabWidget

from inspector.collector.service import CollectorService
from inspector.domain.view.columns import DUP
from inspector.gui.feed import EventFeed
from inspector.gui.widgets.detail import DetailPane
from inspector.gui.widgets.events_view import EventsView
from inspector.gui.widgets.filter_bar import FilterBar
from inspector.gui.widgets.first_run import FirstRunPanel
from inspector.gui.widgets.lint_panel import LintPanel
from inspector.gui.widgets.people import PeopleView
from inspector.gui.widgets.status import StatusBar

TAB_EVENTS, TAB_REQUESTS, TAB_PEOPLE, TAB_ALL_REQUESTS = range(4)


class WhatShows:
    def __init__(
        self,
        service: CollectorService,
        feed: EventFeed,
        rules: dict[str, Any],
        *,
        stack: QStackedWidget,
        first_run: FirstRunPanel,
        table: EventsView,
        tabs: QTabWidget,
        filter_bar: FilterBar,
        lint_panel: LintPanel,
        detail: DetailPane,
        people: PeopleView,
        status: StatusBar,
    ) -> None:
        self.service, self.feed, self.rules = service, feed, rules
        self.stack, self.first_run, self.table, self.tabs = stack, first_run, table, tabs
        self.filter_bar, self.lint_panel, self.detail = filter_bar, lint_panel, detail
        self.people, self.status = people, status
        self.people_dirty = True  # the People view is refreshed when next in front

    # -- the table or the setup panel, and the side panes ---------------------------------
    def update_stack(self) -> None:
        empty = (
            len(self.feed.model.rows) == 0
            and self.feed.live
            and not self.feed.query_text
            and not self.feed.pending
        )
        self.stack.setCurrentWidget(self.first_run if empty else self.table)
        self.update_panes()

    def update_panes(self) -> None:
        # nothing to lint or show yet: the setup snippets get the whole width; the rejected
        # tab has its own request pane (an event's details there would be a stale one's)
        empty = self.stack.currentWidget() is self.first_run
        self.lint_panel.setVisible(not empty)
        self.detail.setVisible(
            not empty and self.tabs.currentIndex() not in (TAB_REQUESTS, TAB_ALL_REQUESTS)
        )

    # -- the detail pane ------------------------------------------------------------------
    def show_event(self, event_id: int) -> None:
        store = self.service.store
        ev = store.get_event(event_id) if event_id else None
        raw = store.get_request(ev.request_id) if ev and ev.request_id else None
        self.detail.show_event(ev, raw, self.rules)

    def tab_changed(self, index: int) -> None:
        self.update_panes()
        if index == TAB_PEOPLE:
            self.people.refresh()
        # each tab's own selection in the detail pane: People's event, or the table's
        self.show_selection()

    def show_selection(self) -> None:
        if self.tabs.currentIndex() == TAB_PEOPLE:
            eid = self.people.selected_event
            if eid:
                self.show_event(eid)
            else:
                self.detail.show_placeholder(
                    "Click a mark in the merged timeline, or step through the replay, to see "
                    "its event here."
                )
        elif self.tabs.currentIndex() == TAB_EVENTS:
            self.show_event(self.table._current_id)

    def people_event(self, event_id: int) -> None:
        if self.tabs.currentIndex() == TAB_PEOPLE:
            self.show_selection()

    # -- as time passes and sessions change -----------------------------------------------
    def tick(self) -> None:
        self.update_counts()
        if self.people_dirty and self.tabs.currentIndex() == TAB_PEOPLE:
            self.people_dirty = False
            self.people.refresh()

    def people_changed(self) -> None:
        self.people_dirty = True

    def session_changed(self) -> None:
        """Another session is shown: its people, and the table or the setup panel."""
        self.people_dirty = True
        self.update_stack()

    def update_counts(self) -> None:
        f = self.feed
        self.status.update_counts(
            shown=f.model.rowCount(),
            total=f.view.total,
            rate=f.meter.rate(),
            rejected=f.requests.rejected_count,
            faults=f.requests.fault_count,
            duplicates=f.duplicates,
            errors=f.lint.errors,
            warnings=f.lint.warnings,
            held=f.held,
            stale=self.filter_bar.stale,
            loading=f.loading,
            counted=f.view.older_counted,
            filtering=f.filtering,
        )
        held = len(f.view.rows) if f.loading and not f.view.older_counted else 0
        self.lint_panel.update_counts(f.lint.by_rule, f.lint.findings, f.lint.events, held)
        self.update_dup_column()
        n = f.requests.rowCount()
        self.tabs.setTabText(
            TAB_REQUESTS, f"Rejected && faults ({n})" if n else "Rejected && faults"
        )

    def update_dup_column(self) -> None:
        hidden = self.feed.duplicates == 0
        if self.table.isColumnHidden(DUP) != hidden:
            self.table.setColumnHidden(DUP, hidden)
        self.table.fit_columns()  # new sources may need more room
