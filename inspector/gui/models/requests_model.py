"""Rejected requests and requests that got an injected fault (summaries; bodies stay stored)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from inspector.domain.capture import RawRequest
from inspector.domain.secrets import mask_query
from inspector.domain.store import Store
from inspector.gui.models.base import HeaderedTableModel
from inspector.gui.models.events_model import fmt_time

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Time", "Status", "Method", "Path", "What happened", "Size")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def summarize(r: RawRequest) -> tuple[Any, ...]:
    if r.rejected:
        what = f"rejected: {r.error or r.error_code or 'invalid request'}"
    else:
        n = r.event_count
        what = f"fault injected: {r.fault}" + (
            f" ({n} event{'s' * (n != 1)} not accepted)" if r.status >= 400 and n else ""
        )
    path = r.path + (f"?{mask_query(r.query)}" if r.query else "")
    return (r.received_at, r.status, r.method, path, what, r.size, r.id, bool(r.rejected))


class RequestsModel(HeaderedTableModel):
    HEADERS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Any, ...]] = []

    def _items(self) -> list[tuple[Any, ...]]:
        return self._rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return fmt_time(row[0])
            if col == 5:
                return f"{row[5]:,} B"
            return str(row[col]) if col == 1 else row[col]
        if role == Qt.ItemDataRole.ForegroundRole and col in (1, 4):
            return QColor("#d64541") if row[7] else QColor("#c77c02")
        if role == ID_ROLE:
            return row[6]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- feeding --------------------------------------------------------------------------
    @property
    def rejected_count(self) -> int:
        return sum(1 for r in self._rows if r[7])

    @property
    def fault_count(self) -> int:
        return sum(1 for r in self._rows if not r[7])

    def request_id(self, row: int) -> int:
        return int(self._rows[row][6])

    def append(self, raws: list[RawRequest]) -> None:
        if not raws:
            return
        n = len(self._rows)
        self.beginInsertRows(QModelIndex(), n, n + len(raws) - 1)
        self._rows.extend(summarize(r) for r in raws)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    def load(self, store: Store, session_id: int) -> None:
        rows: list[tuple[Any, ...]] = []
        after = 0
        while True:
            batch = store.requests(session_id, after_id=after, limit=2000)
            if not batch:
                break
            rows.extend(summarize(r) for r in batch if r.rejected or r.fault)
            after = batch[-1].id
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
