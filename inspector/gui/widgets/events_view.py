"""The live table view: fixed row height, no vertical header, autoscroll only at the bottom."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from inspector.domain import jsoncodec
from inspector.gui.models.events_model import EventsModel
from inspector.gui.rows import LINT, TYPE
from inspector.gui.widgets.delegates import LintBadgeDelegate, TypeBadgeDelegate

WIDTHS = (92, 80, 230, 100, 120, 170, 80)


class EventsView(QTableView):
    currentEventChanged = Signal(int)  # event id, or 0 when nothing is selected
    copied = Signal(int)

    def __init__(self, model: EventsModel, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("eventsTable")
        self.setModel(model)
        self._model = model
        self.get_event: Callable[[int], object] | None = None  # set by the window
        vh = self.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(22, self.fontMetrics().height() + 8))
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSectionsMovable(True)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for i, w in enumerate(WIDTHS):
            self.setColumnWidth(i, w)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegateForColumn(TYPE, TypeBadgeDelegate(self))
        self.setItemDelegateForColumn(LINT, LintBadgeDelegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        model.modelReset.connect(self._after_reset)
        self._copy = QAction("Copy selected as JSON", self)
        self._copy.setShortcut(QKeySequence.StandardKey.Copy)
        self._copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._copy.triggered.connect(self.copy_selected)
        self.addAction(self._copy)
        self._current_id = 0

    # -- autoscroll -----------------------------------------------------------------------
    def at_bottom(self) -> bool:
        sb = self.verticalScrollBar()
        return sb.value() >= sb.maximum() - 2

    def follow(self, was_at_bottom: bool) -> None:
        if was_at_bottom:
            self.scrollToBottom()

    # -- selection ------------------------------------------------------------------------
    def _current_changed(self, current, _previous) -> None:
        eid = self._model.event_id(current.row()) if current.isValid() else 0
        if eid != self._current_id:
            self._current_id = eid
            self.currentEventChanged.emit(eid)

    def _after_reset(self) -> None:
        """Keep the selected event selected across a filter change, if it is still shown."""
        if self._current_id:
            row = self._model.view_row_of_id(self._current_id)
            if row is not None:
                self.select_row(row)
                return
        self._current_id = 0
        self.currentEventChanged.emit(0)

    def select_row(self, row: int) -> None:
        idx = self._model.index(row, 0)
        self.setCurrentIndex(idx)
        self.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)

    def select_event(self, event_id: int) -> bool:
        row = self._model.view_row_of_id(event_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def step(self, delta: int) -> None:
        n = self._model.rowCount()
        if not n:
            return
        cur = self.currentIndex().row()
        row = (n - 1 if delta < 0 else 0) if cur < 0 else max(0, min(n - 1, cur + delta))
        self.select_row(row)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self._model.event_id(r) for r in rows]

    # -- copy -----------------------------------------------------------------------------
    def copy_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.get_event is None:
            return
        messages = []
        for eid in ids[:5000]:
            ev = self.get_event(eid)
            if ev is not None:
                messages.append(ev.message)  # type: ignore[attr-defined]
        data = messages[0] if len(messages) == 1 else messages
        QGuiApplication.clipboard().setText(jsoncodec.pretty(data))
        self.copied.emit(len(messages))

    def _menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction(self._copy)
        menu.exec(self.viewport().mapToGlobal(pos))
