"""The live events table: a thin Qt adapter over the domain's :class:`View`.

``data()`` is kept cheap (one array lookup, one list lookup); which rows are shown, in which
order, is the View's (a filter's rows come from SQL off the UI thread, new rows are tested as
they arrive) and reaches Qt as one model reset, or one ``beginInsertRows`` per batch.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inspector.domain.capture import CapturedEvent
from inspector.domain.view import LintCounts, RowStore, View
from inspector.domain.view.columns import COLUMN_NAMES, COLUMN_TIPS, DUP, LABEL, LINT, TIME, TYPE
from inspector.gui.theme import LINT_NAME, muted

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ROW_ROLE = Qt.ItemDataRole.UserRole  # the display tuple
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the event id
LINT_ROLE = Qt.ItemDataRole.UserRole + 2  # the lint level (int)


def fmt_time(ts: float) -> str:
    lt = time.localtime(ts)
    return f"{lt.tm_hour:02d}:{lt.tm_min:02d}:{lt.tm_sec:02d}.{int(ts * 1000) % 1000:03d}"


class EventsModel(QAbstractTableModel):
    def __init__(self, view: View | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.view = view if view is not None else View()

    @property
    def rows(self) -> RowStore:
        return self.view.rows

    # -- Qt interface ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.view)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_NAMES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == DISPLAY:
                return COLUMN_NAMES[section]
            if role == TOOLTIP:
                return COLUMN_TIPS.get(section)
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if role != DISPLAY and role < ROW_ROLE and role != TOOLTIP:
            if role == FOREGROUND and index.column() == LABEL:
                return self._derived_label_color(index.row())
            return None
        view = self.view
        r = index.row()
        if view.visible is not None:
            r = view.visible[r]
        col = index.column()
        rows = view.rows
        if role in (DISPLAY, TOOLTIP):
            if col == TIME:
                return fmt_time(rows.time[r])
            if col == LINT:
                return LINT_NAME[rows.lint[r]]
            if col == DUP:
                if not rows.dup[r]:
                    return ""
                return "dup" if role == DISPLAY else COLUMN_TIPS[DUP]
            return rows.text(r, col)
        if role == ID_ROLE:
            return rows.ids[r]
        if role == LINT_ROLE:
            return rows.lint[r]
        if role == ROW_ROLE:
            return rows.row(r)
        return None

    def _derived_label_color(self, view_row: int) -> Any:
        """Identify rows show who (or which traits) rather than an event name: muted."""
        rows = self.view.rows
        r = self.view.source_row(view_row)
        return muted() if rows.strings.values[rows.type[r]] == "identify" else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- what the View answers --------------------------------------------------------------
    @property
    def filtered(self) -> bool:
        return self.view.filtered

    def source_row(self, view_row: int) -> int:
        return self.view.source_row(view_row)

    def view_row_of_id(self, event_id: int) -> int | None:
        return self.view.view_row_of_id(event_id)

    def first_view_row_after(self, event_id: int) -> int | None:
        return self.view.first_view_row_after(event_id)

    def event_id(self, view_row: int) -> int:
        return self.view.event_id(view_row)

    def type_of(self, view_row: int) -> str:
        return str(self.view.rows.row(self.view.source_row(view_row))[TYPE])

    # -- changes, announced to Qt -----------------------------------------------------------
    def add(self, events: list[CapturedEvent]) -> int:
        """Append live events; returns the number of rows the table gained (one insert)."""
        if not events:
            return 0
        first = len(self.view)
        if self.view.shows_every_new_row:
            self.beginInsertRows(QModelIndex(), first, first + len(events) - 1)
            self.view.add(events)
            self.endInsertRows()
            return len(events)
        matches = self.view.add(events) or []
        if not matches:
            return 0
        self.beginInsertRows(QModelIndex(), first, first + len(matches) - 1)
        self.view.extend_visible(matches)
        self.endInsertRows()
        return len(matches)

    def prepend(self, rows: RowStore, lint: LintCounts, duplicates: int) -> int:
        """The older rows of a resumed session, in front (one insert when every row is
        shown; a filtered table keeps its rows and is filtered again by the caller)."""
        n = len(rows)
        if self.view.visible is not None or not n:
            return self.view.prepend(rows, lint, duplicates)
        self.beginInsertRows(QModelIndex(), 0, n - 1)
        self.view.prepend(rows, lint, duplicates)
        self.endInsertRows()
        return n

    def show_rows(self, source_rows: list[int]) -> None:
        """The filter's rows, mapped to source rows already (one reset)."""
        self.beginResetModel()
        self.view.show_rows(source_rows)
        self.endResetModel()

    def show_ids(self, event_ids: list[int]) -> None:
        """The filter's rows (one reset)."""
        self.beginResetModel()
        self.view.show_ids(event_ids)
        self.endResetModel()

    def reload(self) -> None:
        self.beginResetModel()
        self.endResetModel()
