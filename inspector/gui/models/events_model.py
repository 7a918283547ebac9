"""The live events table: a thin Qt adapter over :class:`RowStore` and a visible-row index list.

``data()`` is kept cheap (one array lookup, one list lookup); filtering happens in the domain
(a Python predicate on new rows, SQL on the stored session) and arrives here as an index list
followed by one model reset. New rows arrive in batches: one ``beginInsertRows`` per tick.
"""

from __future__ import annotations

import time
from array import array
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inspector.gui.rows import COLUMN_NAMES, COLUMN_TIPS, DUP, LABEL, LINT, TIME, TYPE, RowStore
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
    def __init__(self, rows: RowStore | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows = rows or RowStore()
        self._visible: array[int] | None = None  # None: every row is shown

    # -- Qt interface ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self.rows) if self._visible is None else len(self._visible)

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
        r = index.row()
        if self._visible is not None:
            r = self._visible[r]
        col = index.column()
        rows = self.rows
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
        rows = self.rows
        r = self.source_row(view_row)
        return muted() if rows.strings.values[rows.type[r]] == "identify" else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- feeding --------------------------------------------------------------------------
    @property
    def filtered(self) -> bool:
        return self._visible is not None

    def source_row(self, view_row: int) -> int:
        return view_row if self._visible is None else self._visible[view_row]

    def view_row_of_id(self, event_id: int) -> int | None:
        r = self.rows.row_of_id(event_id)
        if r is None or self._visible is None:
            return r
        from bisect import bisect_left

        i = bisect_left(self._visible, r)
        return i if i < len(self._visible) and self._visible[i] == r else None

    def first_view_row_after(self, event_id: int) -> int | None:
        """The first shown row whose event came after ``event_id`` (arrival order)."""
        from bisect import bisect_left, bisect_right

        ids = self.rows.ids
        if self.rows._id_sorted:
            src = bisect_right(ids, event_id)
        else:
            src = next((i for i, e in enumerate(ids) if e > event_id), len(ids))
        if src >= len(ids):
            return None
        if self._visible is None:
            return src
        i = bisect_left(self._visible, src)
        return i if i < len(self._visible) else None

    def event_id(self, view_row: int) -> int:
        return self.rows.ids[self.source_row(view_row)]

    def type_of(self, view_row: int) -> str:
        return self.rows.row(self.source_row(view_row))[TYPE]

    def rows_appended(self, first_source_row: int, matches: list[int] | None = None) -> int:
        """Announce rows already appended to the store since ``first_source_row``.

        ``matches`` (when filtered) are the new source rows that pass the filter.
        Returns the number of rows the view gained.
        """
        if self._visible is None:
            last = len(self.rows) - 1
            if last < first_source_row:
                return 0
            self.beginInsertRows(QModelIndex(), first_source_row, last)
            self.endInsertRows()
            return last - first_source_row + 1
        if not matches:
            return 0
        n = len(self._visible)
        self.beginInsertRows(QModelIndex(), n, n + len(matches) - 1)
        self._visible.extend(matches)
        self.endInsertRows()
        return len(matches)

    def set_visible(self, source_rows: list[int] | None) -> None:
        """Show only these source rows (in order), or every row (None); one reset."""
        self.beginResetModel()
        self._visible = None if source_rows is None else array("I", source_rows)
        self.endResetModel()

    def reset_all(self) -> None:
        self.beginResetModel()
        self.rows.clear()
        self._visible = None if self._visible is None else array("I")
        self.endResetModel()

    def reload(self) -> None:
        self.beginResetModel()
        self.endResetModel()
