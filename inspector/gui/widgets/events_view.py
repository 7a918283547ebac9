"""The live table view: fixed row height, no vertical header, autoscroll only at the bottom.

Scrolled up while rows arrive, a "N new ↓" button jumps to the latest; while the filter text
does not parse, the rows (those of the last valid filter) are dimmed and labelled so.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QToolButton,
    QWidget,
)

from inspector.domain import jsoncodec
from inspector.domain.view.columns import ANON, DUP, LABEL, LINT, SOURCE, TIME, TYPE, USER
from inspector.gui.models.events_model import EventsModel
from inspector.gui.text import plural
from inspector.gui.widgets.delegates import DupBadgeDelegate, LintBadgeDelegate, TypeBadgeDelegate

# the visual order puts what matters first; fixed columns, then the ones that share the rest
VISUAL_ORDER = (TIME, TYPE, LINT, DUP, LABEL, USER, ANON, SOURCE)
FIXED = {TIME: 92, TYPE: 74, LINT: 80, DUP: 40}
# column -> (share of the rest, minimum, maximum)
FLEX = {
    LABEL: (3.0, 130, 10_000),
    USER: (1.6, 70, 200),
    ANON: (1.6, 70, 240),
    SOURCE: (2.6, 130, 320),
}
NARROW_LINT = 36
NARROW_FLEX = {
    LABEL: (3.0, 100, 10_000),
    USER: (2.0, 60, 200),
    ANON: (1.6, 60, 240),
    SOURCE: (2.0, 96, 320),
}


class EventsView(QTableView):
    currentEventChanged = Signal(int)  # event id, or 0 when nothing is selected
    copied = Signal(int)

    def __init__(self, model: EventsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventsTable")
        self.setModel(model)
        self._model = model
        self.get_event: Callable[[int], object] | None = None  # set by the window
        # more entries for a row's context menu: hook(menu, event id of the row, or 0)
        self.menu_hooks: list[Callable[[QMenu, int], None]] = []
        vh = self.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(22, self.fontMetrics().height() + 8))
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setSectionsMovable(True)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.default_layout()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegateForColumn(TYPE, TypeBadgeDelegate(self))
        self.setItemDelegateForColumn(LINT, LintBadgeDelegate(self))
        self.setItemDelegateForColumn(DUP, DupBadgeDelegate(self))
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
        self.stale = False
        self.stale_note = QLabel(self.viewport())
        self.stale_note.setObjectName("staleNote")
        self.stale_note.setStyleSheet(
            "background:#d64541; color:white; border-radius:9px; padding:2px 10px;"
        )
        self.stale_note.hide()
        self.busy = False  # a filter's query runs: the rows are about to change
        self.busy_note = QLabel(self.viewport())
        self.busy_note.setObjectName("busyNote")
        self.busy_note.setStyleSheet(
            "background:#2f7de1; color:white; border-radius:9px; padding:2px 10px;"
        )
        self.busy_note.hide()
        self.new_below = 0
        self.jump = QToolButton(self.viewport())
        self.jump.setObjectName("jumpToLatest")
        self.jump.setToolTip("New rows arrived below: jump to the latest (and follow again)")
        self.jump.setStyleSheet(
            "QToolButton { background:#2f7de1; color:white; border-radius:11px; "
            "padding:3px 12px; font-weight:bold; }"
        )
        self.jump.clicked.connect(self.jump_to_latest)
        self.jump.hide()
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    def default_layout(self) -> None:
        """Column order as shipped (important columns first); widths fit the view."""
        hh = self.horizontalHeader()
        hh.setStretchLastSection(False)
        for visual, col in enumerate(VISUAL_ORDER):
            hh.moveSection(hh.visualIndex(col), visual)
        self.user_sized = False
        self._fitting = False
        hh.sectionResized.connect(self._section_resized)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give every column a readable width inside the view (no horizontal scrolling at
        any window size from 1024 px), until the user resizes a column by hand."""
        if self.user_sized:
            return
        avail = self.viewport().width()
        fixed = {c: w for c, w in FIXED.items() if not self.isColumnHidden(c)}
        flex = FLEX
        if avail < sum(fixed.values()) + sum(lo for _, lo, _ in FLEX.values()):
            # narrow: the lint column keeps its badge (the word is in the tooltip) and the
            # others take less, so nothing scrolls sideways
            fixed[LINT] = NARROW_LINT
            flex = NARROW_FLEX
        rest = max(0, avail - sum(fixed.values()))
        # the source column gets what its texts need (they are few), within its bounds;
        # when narrow, it shares like the others
        _share, lo, hi = flex[SOURCE]
        need = min(hi, max(lo, self._source_need()))
        if flex is NARROW_FLEX:
            need = lo + int(max(0, rest - sum(m for _, m, _ in flex.values())) * 0.22)
        weight = sum(share for c, (share, _, _) in flex.items() if c != SOURCE)
        room = max(0, rest - need)
        widths = {
            c: int(min(hi_, max(lo_, room * share / weight)))
            for c, (share, lo_, hi_) in flex.items()
            if c != SOURCE
        }
        widths[SOURCE] = max(lo, min(need, rest - sum(widths.values())))
        widths[LABEL] += max(0, rest - sum(widths.values()))  # what is left: the event name
        self._fitting = True
        try:
            for c, w in {**fixed, **widths}.items():
                self.setColumnWidth(c, w)
        finally:
            self._fitting = False

    def _source_need(self) -> int:
        rows = self._model.rows
        vals = rows.strings.values
        texts = {vals[i] for i in set(rows.source[-5000:])}
        fm = self.fontMetrics()
        return max((fm.horizontalAdvance(t) for t in texts), default=0) + 18

    def _section_resized(self, _col: int, _old: int, new: int) -> None:
        if not self._fitting and new and QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self.user_sized = True  # dragged by hand: from now on the user's widths

    # -- honest state ---------------------------------------------------------------------
    def set_stale(self, stale: bool, note: str = "") -> None:
        """Dim the rows: they belong to the last valid filter, not to the text shown."""
        self.stale = stale
        self.stale_note.setText(note or "rows of the last valid filter")
        self.stale_note.adjustSize()
        self.stale_note.setVisible(stale)
        self._place_overlays()
        self.viewport().update()

    def set_busy(self, note: str, dim: bool = False) -> None:
        """Say what is being read in the background (a filter's rows, a resumed session's
        older rows); ``dim``: the rows shown are about to be replaced ("" hides it)."""
        self.busy = dim
        self.busy_note.setText(note)
        self.busy_note.adjustSize()
        self.busy_note.setVisible(bool(note))
        self._place_overlays()
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.stale or self.busy:
            p = QPainter(self.viewport())
            veil = self.palette().color(QPalette.ColorRole.Base)
            veil.setAlpha(165)
            p.fillRect(self.viewport().rect(), veil)
            p.end()

    # -- jump to latest -------------------------------------------------------------------
    def note_new_rows(self, n: int, following: bool) -> None:
        """``n`` rows arrived; unless the view follows the bottom, offer to jump to them."""
        if following or n <= 0:
            return
        self.new_below += n
        self.jump.setText(f"{plural(self.new_below, 'new row')} ↓")
        self.jump.adjustSize()
        self.jump.show()
        self._place_overlays()

    def jump_to_latest(self) -> None:
        self.scrollToBottom()
        self._clear_new()

    def _scrolled(self, _value: int) -> None:
        if self.new_below and self.at_bottom():
            self._clear_new()

    def _clear_new(self) -> None:
        self.new_below = 0
        self.jump.hide()

    def _place_overlays(self) -> None:
        vp = self.viewport().rect()
        j = self.jump
        j.move(vp.right() - j.width() - 14, vp.bottom() - j.height() - 10)
        n = self.stale_note
        n.move(max(4, (vp.width() - n.width()) // 2), vp.bottom() - n.height() - 10)
        b = self.busy_note
        b.move(max(4, (vp.width() - b.width()) // 2), vp.top() + 10)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()
        self._place_overlays()

    # -- autoscroll -----------------------------------------------------------------------
    def at_bottom(self) -> bool:
        sb = self.verticalScrollBar()
        return sb.value() >= sb.maximum() - 2

    def follow(self, was_at_bottom: bool) -> None:
        if was_at_bottom:
            self.scrollToBottom()

    # -- selection ------------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
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

    def _menu(self, pos: QPoint) -> None:
        menu = self.build_menu(pos)
        menu.exec(self.viewport().mapToGlobal(pos))

    def build_menu(self, pos: QPoint) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self._copy)
        row = self.indexAt(pos).row()
        eid = self._model.event_id(row) if row >= 0 else 0
        for hook in self.menu_hooks:
            hook(menu, eid)
        return menu
