"""The main window: assembles toolbar, filter bar, live table, detail pane, lint panel, the
rejected/faults tab and the People view around an :class:`EventFeed` and the collector."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.collector.service import CollectorService
from inspector.domain.identity import IdentityGraph, replay
from inspector.domain.lint import RULES
from inspector.gui.collector_state import CollectorState
from inspector.gui.controller import CollectorController
from inspector.gui.feed import EventFeed
from inspector.gui.panes import SidePanes
from inspector.gui.resources import app_icon
from inspector.gui.settings import AppSettings
from inspector.gui.tasks import Tasks
from inspector.gui.theme import apply_theme
from inspector.gui.widgets.banner import Banner
from inspector.gui.widgets.detail import DetailPane
from inspector.gui.widgets.events_view import EventsView
from inspector.gui.widgets.filter_bar import FilterBar
from inspector.gui.widgets.first_run import FirstRunPanel
from inspector.gui.widgets.lint_panel import LintPanel
from inspector.gui.widgets.people import PeopleView
from inspector.gui.widgets.rejected_tab import RejectedTab
from inspector.gui.widgets.status import StatusBar
from inspector.gui.widgets.toolbar import MainToolBar
from inspector.gui.window_dialogs import WindowDialogs
from inspector.gui.window_requests import add_requests_tab, remove_requests_tab
from inspector.gui.window_sessions import SessionActions
from inspector.gui.window_settings import SettingsActions
from inspector.gui.window_shown import WhatShows
from inspector.gui.window_state import restore_state, save_state
from inspector.gui.window_table import TableActions


class MainWindow(QMainWindow):
    """Builds the widgets and wires them to what it owns: ``prefs`` (settings),
    ``table_actions`` (the live table and its filter), ``sessions`` (picker, Clear, delete),
    ``dialogs`` (export, faults, Compare), ``shows`` (what shows where, the counts),
    ``collector_state`` and ``qa``."""

    def __init__(
        self,
        service: CollectorService,
        controller: CollectorController,
        settings: AppSettings,
        config_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Event Inspector")
        self.setWindowIcon(app_icon())
        self.service, self.controller = service, controller
        self.config_dir = config_dir
        self.tasks = Tasks()
        self._ro_graph: tuple[int, IdentityGraph] | None = None  # a stored session's people
        self.rules = dict(RULES)
        self.prefs = SettingsActions(
            settings,
            config_dir,
            service=service,
            controller=controller,
            tasks=self.tasks,
            parent=self,
            say=self.say,
            theme_changed=self.theme_changed,
        )
        self.dirs = self.prefs.dirs
        self.feed = EventFeed(service.store, service.session, self)
        self.feed.identity = self.identity_graph  # user:X in the filter: X's person
        service.add_listener(self.feed.on_capture)
        self._build()
        self._own()
        self.collector_state = CollectorState(self)
        self._wire()
        restore_state(self)
        self.feed.load_session(service.session)
        self.shows.update_stack()  # a resumed session shows its rows, a new one the setup
        self.table.scrollToBottom()  # its newest
        self.sessions.update_picker(listed=False)
        self.shows.update_counts()
        from inspector.gui.qa_panels import QaPanels

        self.qa = QaPanels(self)  # Flows and Coverage tabs, the QA menu, lint steering
        self.prefs.extra_box = self.qa.settings_box  # its lint and plan options in Settings

    @property
    def settings(self) -> AppSettings:
        """The settings in force (``prefs`` replaces them when the dialog is accepted)."""
        return self.prefs.settings

    def say(self, text: str, msecs: int) -> None:
        """A message in the status bar for ``msecs``."""
        self.statusBar().showMessage(text, msecs)

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.toolbar = MainToolBar(self)
        self.addToolBar(self.toolbar)
        self.banner = Banner(self)
        self.filter_bar = FilterBar(self.feed.values_for, self)
        self.filter_bar.history = list(self.settings.recent_filters)
        self.table = EventsView(self.feed.model, self)
        self.table.get_event = self.service.store.get_event
        self.first_run = FirstRunPanel(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.first_run)
        self.stack.addWidget(self.table)
        events_page = QWidget(self)
        el = QVBoxLayout(events_page)
        el.setContentsMargins(0, 0, 0, 0)
        el.setSpacing(0)
        el.addWidget(self.filter_bar)
        el.addWidget(self.stack, 1)
        self.rejected = RejectedTab(self.feed.requests, self.service.store.get_request, self)
        self.people = PeopleView(self)
        self.people.graph_source = self.identity_graph
        self.people.load_events = self._load_events
        self.people.dirs = self.dirs
        self.people.rules = self.rules
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(events_page, "Events")
        self.tabs.addTab(self.rejected, "Rejected && faults")
        self.tabs.addTab(self.people, "People")
        self.requests_tab = add_requests_tab(self)
        self.detail = DetailPane(self)
        self.lint_panel = LintPanel(self.rules, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.lint_panel)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        for i in range(3):
            self.splitter.setCollapsible(i, i != 1)  # the side panes fold; the tabs never
        # a side pane is readable or folded, never a sliver
        self.detail.setMinimumWidth(300)
        self.splitter.setSizes([230, 870, 400])
        self.panes = SidePanes(self.splitter, self.toolbar)
        central = QWidget(self)
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.banner)
        cl.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.resize(1500, 860)

    def _own(self) -> None:
        """The actions, each given the widgets and services it acts on."""
        self.shows = WhatShows(
            self.service,
            self.feed,
            self.rules,
            stack=self.stack,
            first_run=self.first_run,
            table=self.table,
            tabs=self.tabs,
            filter_bar=self.filter_bar,
            lint_panel=self.lint_panel,
            detail=self.detail,
            people=self.people,
            status=self.status,
        )
        self.table_actions = TableActions(
            self.feed,
            self.rules,
            table=self.table,
            tabs=self.tabs,
            stack=self.stack,
            first_run=self.first_run,
            filter_bar=self.filter_bar,
            toolbar=self.toolbar,
            prefs=self.prefs,
            shows=self.shows,
        )
        self.sessions = SessionActions(
            self.service,
            self.feed,
            toolbar=self.toolbar,
            banner=self.banner,
            table=self.table,
            detail=self.detail,
            people=self.people,
            rules=self.rules,
            tasks=self.tasks,
            parent=self,
            say=self.say,
            shown_changed=self.shows.session_changed,
        )
        self.dialogs = WindowDialogs(self.service, self.feed, self.dirs, parent=self, say=self.say)

    def _wire(self) -> None:
        tb, ta, ss, dl, sh = (
            self.toolbar,
            self.table_actions,
            self.sessions,
            self.dialogs,
            self.shows,
        )
        tb.pause.toggled.connect(ta.set_paused)
        tb.clear_view.triggered.connect(ss.clear_session)
        tb.export.triggered.connect(dl.export_dialog)
        tb.faults.triggered.connect(dl.open_faults)
        tb.compare.triggered.connect(dl.open_compare)
        tb.settings.triggered.connect(self.prefs.open_settings)
        tb.sessions.aboutToShow.connect(ss.update_picker)
        tb.sessions.activated.connect(ss.picked)
        tb.sessions.deleteRequested.connect(ss.ask_delete_session)
        tb.delete_session.triggered.connect(lambda: ss.ask_delete_session())
        self.feed.rowsAdded.connect(ta.rows_added)
        self.feed.filterApplied.connect(sh.update_counts)
        self.feed.filteringChanged.connect(ta.update_busy)
        self.feed.loadingChanged.connect(ta.update_busy)
        self.feed.olderAdded.connect(ta.older_added)
        self.feed.filterFailed.connect(lambda text: self.say(text, 15000))
        self.feed.identityChanged.connect(sh.people_changed)
        self.filter_bar.queryChanged.connect(ta.query_changed)
        self.filter_bar.staleChanged.connect(ta.filter_stale)
        self.filter_bar.committed.connect(ta.filter_committed)
        self.filter_bar.hints_for = ta.filter_hints
        self.filter_bar.paths_for = self.feed.paths
        self.status.duplicatesClicked.connect(ta.show_duplicates)
        self.table.currentEventChanged.connect(sh.show_event)
        self.detail.filterRequested.connect(self.filter_bar.add_term)
        self.lint_panel.ruleClicked.connect(lambda r: self.filter_bar.set_text(f"rule:{r}"))
        self.people.eventClicked.connect(ta.reveal_event)
        self.requests_tab.eventClicked.connect(ta.reveal_event)
        self.people.eventSelected.connect(sh.people_event)
        self.tabs.currentChanged.connect(sh.tab_changed)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(500)
        self._status_timer.timeout.connect(sh.tick)
        self._status_timer.start()
        self.feed.model.rowsAboutToBeInserted.connect(ta.before_insert)
        shortcuts = [
            ("Ctrl+F", ta.focus_filter),
            ("/", ta.focus_filter),
            ("Space", lambda: ta.set_paused(not self.feed.paused)),
            ("Ctrl+L", ss.clear_session),
            ("J", lambda: ta.step(1)),
            ("K", lambda: ta.step(-1)),
            ("Ctrl+Down", lambda: ta.step(1)),
            ("Ctrl+Up", lambda: ta.step(-1)),
            ("Escape", lambda: self.table.setFocus()),
        ]
        self.shortcuts = {}
        for key, fn in shortcuts:
            sc = QShortcut(QKeySequence(key), self)
            sc.activated.connect(fn)
            self.shortcuts[key] = sc

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` on the loop, held until it ends (a failure reaches the error dialog)."""
        return self.tasks.spawn(coro)

    # -- layout from 1024 px up -----------------------------------------------------------
    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.panes.adapt(self.width())

    def pane_shown(self, index: int) -> bool:
        return self.panes.shown(index)

    def theme_changed(self, theme: str) -> None:
        """Apply a theme now: the palette, then what paints its own colours."""
        apply_theme(theme)
        for wdg in self.findChildren(QWidget):  # style sheets cache the old palette
            sheet = wdg.styleSheet()
            if sheet:
                wdg.setStyleSheet("")
                wdg.setStyleSheet(sheet)
        self.banner.restyle()
        self.people.redraw()
        self.shows.show_event(self.table._current_id)

    # -- the people of the session shown ------------------------------------------------
    def identity_graph(self) -> Any:
        if self.feed.live:
            return self.service.identity
        sid = self.feed.session.id
        if self._ro_graph is None or self._ro_graph[0] != sid:
            g = replay(self.service.store.iter_events(sid), self.feed.session.merge_mode)
            self._ro_graph = (sid, g)
        return self._ro_graph[1]

    def _load_events(self, ids: list[int]) -> list[Any]:
        get = self.service.store.get_event
        return [ev for ev in (get(i) for i in ids) if ev is not None]

    # -- state ----------------------------------------------------------------------------
    def save_state(self) -> None:
        save_state(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.service.remove_listener(self.feed.on_capture)
        remove_requests_tab(self, self.requests_tab)
        self._status_timer.stop()
        # nothing may touch the store once the window is gone (shutdown closes it next)
        self.filter_bar._debounce.stop()
        self.people._play_timer.stop()
        self.feed.stop()
        super().closeEvent(event)
