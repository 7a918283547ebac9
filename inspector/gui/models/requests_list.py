"""Every request of the shown session (the Requests tab): one compact tuple a row, newest last.

Bodies stay in the store; a row holds what the columns show. At most :data:`MAX_ROWS` rows
are kept (the newest); the tab says when older ones are not shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from inspector.domain.capture import RawRequest
from inspector.domain.secrets import mask_query
from inspector.gui.models.base import HeaderedTableModel
from inspector.gui.models.events_model import fmt_time
from inspector.gui.theme import muted

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Time", "Status", "Method", "Path", "Client", "Size", "Events", "Duration", "Upstream")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_ROWS = 100_000
# tuple positions
_ID, _TIME, _STATUS, _METHOD, _PATH, _CLIENT, _SIZE, _EVENTS, _DUR, _UP, _KIND, _WHY = range(12)


def upstream_text(up: dict[str, Any] | None) -> str:
    """``200 · 34 ms``, ``error: …``, ``queued``: what the forward URL did with a request."""
    if not up:
        return ""
    state = up.get("state")
    if state == "sent":
        return f"{up.get('status')} · {up.get('ms', 0):,.0f} ms"
    if state == "failed":
        return f"failed: {up.get('error') or up.get('status')}"
    return str(state or "")


def size_text(n: int) -> str:
    if n < 10_000:
        return f"{n:,} B"
    if n < 10_000_000:
        return f"{n / 1024:,.1f} KB"
    return f"{n / 1048576:,.1f} MB"


def row_of(r: RawRequest) -> tuple[Any, ...]:
    kind = "rejected" if r.rejected else ("fault" if r.fault and r.status >= 300 else "ok")
    why = r.error or (f"fault injected: {r.fault}" if r.fault else "")
    return (
        r.id,
        r.received_at,
        r.status,
        r.method,
        r.path + (f"?{mask_query(r.query)}" if r.query else ""),
        r.client or "",
        r.size,
        r.event_count if kind == "ok" else 0,
        r.duration_ms,
        upstream_text(r.upstream),
        kind,
        why,
    )


class RequestsListModel(HeaderedTableModel):
    HEADERS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[Any, ...]] = []
        self.dropped = 0  # older rows not kept (over MAX_ROWS)

    def _items(self) -> list[tuple[Any, ...]]:
        return self.rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (1, 3) and row[_WHY]:
                return row[_WHY]
            return self._text(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 1:
                if row[_KIND] == "rejected":
                    return QColor("#d64541")
                if row[_KIND] == "fault" or row[_STATUS] >= 300:
                    return QColor("#c77c02")
                return QColor("#2e9d5b")
            if col == 8 and row[_UP].startswith("failed"):
                return QColor("#d64541")
            if col in (0, 5, 7):
                return muted()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (5, 6, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row[_ID]
        return None

    @staticmethod
    def _text(row: tuple[Any, ...], col: int) -> str:
        if col == 0:
            return fmt_time(row[_TIME])
        if col == 1:
            return str(row[_STATUS])
        if col == 2:
            return str(row[_METHOD])
        if col == 3:
            return str(row[_PATH])
        if col == 4:
            return str(row[_CLIENT])
        if col == 5:
            return size_text(row[_SIZE])
        if col == 6:
            return str(row[_EVENTS]) if row[_KIND] == "ok" else "—"
        if col == 7:
            return "" if row[_DUR] is None else f"{row[_DUR]:,.1f} ms"
        return str(row[_UP])

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- feeding --------------------------------------------------------------------------
    def request_id(self, row: int) -> int:
        return int(self.rows[row][_ID])

    def row_of_id(self, request_id: int) -> int | None:
        lo, hi = 0, len(self.rows)
        while lo < hi:  # ids grow with the rows
            mid = (lo + hi) // 2
            if self.rows[mid][_ID] < request_id:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.rows) and self.rows[lo][_ID] == request_id else None

    @property
    def last_id(self) -> int:
        return int(self.rows[-1][_ID]) if self.rows else 0

    def append(self, raws: list[RawRequest]) -> None:
        fresh = [row_of(r) for r in raws if r.id > self.last_id]
        if not fresh:
            return
        over = len(self.rows) + len(fresh) - MAX_ROWS
        if over > 0:
            self.set_rows(self.rows + fresh, self.dropped)
            return
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n + len(fresh) - 1)
        self.rows.extend(fresh)
        self.endInsertRows()

    def set_rows(self, rows: list[tuple[Any, ...]], dropped: int = 0) -> None:
        over = max(0, len(rows) - MAX_ROWS)
        self.beginResetModel()
        self.rows = rows[over:]
        self.dropped = dropped + over
        self.endResetModel()

    def update_upstream(self, request_id: int, upstream: dict[str, Any] | None) -> None:
        r = self.row_of_id(request_id)
        if r is None:
            return
        row = self.rows[r]
        self.rows[r] = (*row[:_UP], upstream_text(upstream), *row[_UP + 1 :])
        idx = self.index(r, 8)
        self.dataChanged.emit(idx, idx)

    def load(self, raws: list[RawRequest], dropped: int = 0) -> None:
        self.set_rows([row_of(r) for r in raws], dropped)
