"""The Compare view's two tables: event kinds side by side, and one kind's properties.

Both adapt :class:`inspector.domain.diff.DiffResult` as it is; statuses are renamed for people
(``removed`` -> disappeared, ``added`` -> appeared, ``regressed`` -> regression).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from inspector.domain.diff import Change, DiffResult, EventStats, PropStats, Row
from inspector.gui.models.base import HeaderedTableModel
from inspector.gui.theme import is_dark, muted

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
STATUS_ROLE = Qt.ItemDataRole.UserRole  # the status word (same, changed, ...)

STATUS_TEXT = {
    "same": "same",
    "changed": "changed",
    "added": "appeared",
    "removed": "disappeared",
    "regressed": "regression",
}
# (light, dark) foreground per status
STATUS_COLORS = {
    "same": None,
    "changed": ("#a86a00", "#e5b454"),
    "appeared": ("#1f6fd1", "#6aa8f0"),
    "disappeared": ("#c0392b", "#f0776a"),
    "regression": ("#c0392b", "#f0776a"),
}
STATUS_ORDER = {"regression": 0, "disappeared": 1, "appeared": 2, "changed": 3, "same": 4}
CHANGE_TEXT = {
    "event_removed": "disappeared",
    "event_added": "appeared",
    "count_changed": "count changed",
    "property_removed": "key removed",
    "property_added": "key added",
    "type_changed": "type changed",
    "type_narrowed": "type narrowed",
    "property_optional": "now optional",
    "values_changed": "values changed",
}


def status_of(row: Row) -> str:
    return STATUS_TEXT[row.status]


def status_color(status: str) -> QColor | None:
    pair = STATUS_COLORS.get(status)
    if pair is None:
        return None
    return QColor(pair[1] if is_dark() else pair[0])


def _bold() -> QFont:
    f = QFont()
    f.setBold(True)
    return f


def _right() -> int:
    return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class DiffRowsModel(HeaderedTableModel):
    """One row per event kind: type, name, baseline count, current count, status."""

    HEADERS = COLUMNS = ("Type", "Event / name", "Baseline", "Current", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []

    def set_result(self, result: DiffResult | None) -> None:
        """Differences first (regressions, then appeared/changed), each group in the domain's
        order (most frequent first)."""
        self.beginResetModel()
        rows = list(result.rows) if result is not None else []
        rows.sort(key=lambda r: STATUS_ORDER[status_of(r)])  # stable
        self.rows = rows
        self.endResetModel()

    def _items(self) -> list[Row]:
        return self.rows

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        status = status_of(row)
        if role == DISPLAY:
            if col == 0:
                return row.key[0]
            if col == 1:
                if row.key[1]:
                    return row.key[1]
                return "(no name)" if row.key[0] in ("track", "page", "screen") else "—"
            if col == 2:
                return f"{row.baseline.count:,}" if row.baseline else "—"
            if col == 3:
                return f"{row.current.count:,}" if row.current else "—"
            return status
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(c.message for c in row.changes) or "no differences"
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 4 or (col == 1 and status in ("disappeared", "appeared")):
                return status_color(status) or muted()
            return None
        if role == Qt.ItemDataRole.FontRole and col == 4 and status != "same":
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return _right()
        if role == STATUS_ROLE:
            return status
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def row_at(self, r: int) -> Row | None:
        return self.rows[r] if 0 <= r < len(self.rows) else None


def _side(stats: EventStats | None, p: PropStats | None, values: bool) -> str:
    if stats is None:
        return ""
    if p is None:
        return "—"
    text = f"{'|'.join(sorted(p.types))} · {p.present:,}/{stats.count:,}"
    if values and p.values and not p.overflow:
        shown = sorted(p.values)[:6]
        text += "  {" + ", ".join(shown) + (", …" if len(p.values) > 6 else "") + "}"
    return text


class PropDiffModel(HeaderedTableModel):
    """The properties (or traits) of one event kind, both sides: types, presence, values."""

    HEADERS = COLUMNS = ("Property", "Baseline", "Current", "Difference")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.row: Row | None = None
        self._paths: list[str] = []
        self._changes: dict[str, list[Change]] = {}

    def set_row(self, row: Row | None) -> None:
        self.beginResetModel()
        self.row = row
        self._changes = {}
        paths: set[str] = set()
        if row is not None:
            for side in (row.baseline, row.current):
                if side is not None:
                    paths.update(side.props)
            for c in row.changes:
                if c.path:
                    self._changes.setdefault(c.path, []).append(c)
        # differences first (regressions before changes), then the unchanged keys
        self._paths = sorted(
            paths,
            key=lambda p: (
                0
                if any(c.regression for c in self._changes.get(p, ()))
                else 1
                if p in self._changes
                else 2,
                p,
            ),
        )
        self.endResetModel()

    @property
    def paths(self) -> list[str]:
        return list(self._paths)

    def changes_of(self, path: str) -> list[Change]:
        return list(self._changes.get(path, ()))

    def _items(self) -> list[str]:
        return self._paths

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self.row is None:
            return None
        path = self._paths[index.row()]
        col = index.column()
        changes = self._changes.get(path, [])
        row = self.row
        if role == DISPLAY:
            if col == 0:
                return path
            values = any(c.kind == "values_changed" for c in changes)
            if col == 1:
                return _side(
                    row.baseline, row.baseline.props.get(path) if row.baseline else None, values
                )
            if col == 2:
                return _side(
                    row.current, row.current.props.get(path) if row.current else None, values
                )
            return ", ".join(CHANGE_TEXT.get(c.kind, c.kind) for c in changes) or "same"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(c.message for c in changes) or f"{path}: no differences"
        if role == Qt.ItemDataRole.ForegroundRole:
            if not changes:
                return muted()
            if col in (0, 3):
                return status_color(
                    "regression" if any(c.regression for c in changes) else "changed"
                )
            return None
        if role == Qt.ItemDataRole.FontRole and col == 3 and changes:
            return _bold()
        if role == STATUS_ROLE:
            if not changes:
                return "same"
            return "regression" if any(c.regression for c in changes) else "changed"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
