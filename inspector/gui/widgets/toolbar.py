"""Main toolbar: collector URL with state and copy, pause, clear, session picker, export,
compare, faults, settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QToolBar, QToolButton, QWidget

from inspector.gui.resources import icon
from inspector.gui.text import plural


class SessionCombo(QComboBox):
    """Lists the stored sessions each time it opens; right-click a session to delete it."""

    aboutToShow = Signal()
    deleteRequested = Signal(int)  # session id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        view = self.view()
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._item_menu)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self._menu_for(self.currentIndex(), self.mapToGlobal(pos))
        )

    def showPopup(self) -> None:
        self.aboutToShow.emit()
        super().showPopup()

    def _item_menu(self, pos: Any) -> None:
        view = self.view()
        self._menu_for(view.indexAt(pos).row(), view.viewport().mapToGlobal(pos))

    def session_menu(self, row: int) -> QMenu | None:
        sid = self.itemData(row) if row >= 0 else None
        if sid is None:
            return None
        menu = QMenu(self)
        name = self.itemText(row)
        act = menu.addAction(f"Delete “{name}”…")
        act.setObjectName("deleteSession")
        act.triggered.connect(lambda: self.deleteRequested.emit(int(sid)))
        return menu

    def _menu_for(self, row: int, at: Any) -> None:
        menu = self.session_menu(row)
        if menu is not None:
            self.hidePopup()
            menu.exec(at)
            menu.deleteLater()


class MainToolBar(QToolBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Main", parent)
        self.setObjectName("mainToolbar")
        self.setMovable(False)
        self.setIconSize(QSize(18, 18))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.state = QLabel("●", self)
        self.state.setObjectName("collectorState")
        self.url = QLabel("starting…", self)
        self.url.setObjectName("collectorUrl")
        self.url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.url.setFont(mono)
        self.url.setContentsMargins(4, 0, 4, 0)
        self.addWidget(self._spacer(6))
        self.addWidget(self.state)
        self.addWidget(self.url)
        self.copy_url = QAction(icon("copy"), "Copy URL", self)
        self.copy_url.setToolTip("Copy the collector URL")
        self.copy_url.triggered.connect(
            lambda: QGuiApplication.clipboard().setText(self.url.text())
        )
        self.addAction(self.copy_url)
        self.addSeparator()
        self.pause = QAction(icon("pause"), "Pause", self)
        self.pause.setCheckable(True)
        self.pause.setToolTip("Pause the live table (Space); the collector keeps storing events")
        self.addAction(self.pause)
        self.clear_view = QAction(icon("clear"), "Clear", self)
        self.clear_view.setToolTip(
            "Start a new, empty view (Ctrl+L). Nothing is deleted: the current session stays "
            "stored under Session. To delete stored events, use this button's menu."
        )
        self.addAction(self.clear_view)
        self.clear_menu = QMenu(self)
        self.new_view = self.clear_menu.addAction("New empty view, keep stored events\tCtrl+L")
        self.new_view.triggered.connect(self.clear_view.trigger)
        self.delete_session = self.clear_menu.addAction("Delete this session’s stored events…")
        self.delete_session.setObjectName("deleteShownSession")
        clear_btn = self.widgetForAction(self.clear_view)
        if isinstance(clear_btn, QToolButton):
            clear_btn.setMenu(self.clear_menu)
            clear_btn.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.addSeparator()
        self.addWidget(QLabel(" Session ", self))
        self.sessions = SessionCombo(self)
        self.sessions.setObjectName("sessionPicker")
        self.sessions.setMinimumContentsLength(22)
        self.sessions.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addWidget(self.sessions)
        self.export = QAction(icon("export"), "Export…", self)
        self.export.setToolTip("Export the shown events (current filter) as NDJSON")
        self.addAction(self.export)
        self.compare = QAction(icon("compare"), "Compare…", self)
        self.compare.setToolTip(
            "Compare two sessions or NDJSON files side by side "
            "(what a release stopped, started or changed sending)"
        )
        self.addAction(self.compare)
        self.addSeparator()
        self.faults = QAction(icon("fault"), "Faults…", self)
        self.faults.setToolTip("Inject 429/5xx/400 answers or delays")
        self.addAction(self.faults)
        self.settings = QAction(icon("settings"), "Settings…", self)
        self.settings.setToolTip("Port, listen address, data directory, theme (values in effect)")
        self.addAction(self.settings)
        # panes: show or hide the lint panel and the detail pane (narrow windows fold them)
        self.panes_menu = QMenu(self)
        self.show_lint = self.panes_menu.addAction("Lint panel")
        self.show_lint.setCheckable(True)
        self.show_detail = self.panes_menu.addAction("Detail pane")
        self.show_detail.setCheckable(True)
        self.panes = QToolButton(self)
        self.panes.setObjectName("tb_panes")
        self.panes.setText("Panes ▾")
        self.panes.setToolTip("Show or hide the lint panel and the detail pane")
        self.panes.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.panes.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.panes.setMenu(self.panes_menu)
        self.addWidget(self.panes)
        for a in (
            self.copy_url,
            self.pause,
            self.clear_view,
            self.export,
            self.compare,
            self.faults,
            self.settings,
        ):
            w = self.widgetForAction(a)
            if isinstance(w, QToolButton):
                w.setObjectName(f"tb_{a.text().rstrip('.…').replace(' ', '_').lower()}")

    def set_compact(self, compact: bool) -> None:
        """Icons only (names in the tooltips) when the window is narrow, so every action,
        Settings included, stays on the bar."""
        style = (
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if compact
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        if self.toolButtonStyle() != style:
            self.setToolButtonStyle(style)
            self.sessions.setMinimumContentsLength(12 if compact else 22)

    def _spacer(self, w: int) -> QWidget:
        s = QWidget(self)
        s.setFixedWidth(w)
        return s

    def set_state(self, running: bool, url: str, tip: str = "") -> None:
        self.state.setStyleSheet(f"color: {'#2ea44f' if running else '#d64541'}; font-size: 14pt;")
        self.state.setToolTip(tip or ("collector listening" if running else "collector stopped"))
        self.url.setText(url)
        self.url.setToolTip(self.state.toolTip())

    def set_paused(self, paused: bool) -> None:
        self.pause.setChecked(paused)
        self.pause.setText("Resume" if paused else "Pause")
        self.pause.setIcon(icon("play" if paused else "pause"))

    def fill_sessions(
        self,
        sessions: list[dict[str, Any]],
        current_id: int,
        live_id: int,
        on_select: Callable[[int], None] | None = None,
    ) -> None:
        combo = self.sessions
        combo.blockSignals(True)
        combo.clear()
        for s in reversed(sessions):
            if s["id"] not in (live_id, current_id) and not s["events"] and not s["rejected"]:
                continue  # an empty session is no session: never listed besides the shown one
            if s["id"] == live_id:
                combo.addItem(f"{s['name']} (live)", s["id"])
            else:
                combo.addItem(f"{s['name']} — {plural(s['events'], 'event')}", s["id"])
        i = combo.findData(current_id)
        combo.setCurrentIndex(max(0, i))
        combo.blockSignals(False)
