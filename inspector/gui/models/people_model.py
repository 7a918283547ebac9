"""One row per person of the identity graph."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from inspector.gui.models.base import HeaderedTableModel

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (
    ("canonical", "Person (canonical id)"),
    ("ids", "IDs"),
    ("events", "Events"),
    ("firstSeen", "First seen"),
    ("lastSeen", "Last seen"),
    ("warnings", "Warnings"),
)
CANONICAL_ROLE = Qt.ItemDataRole.UserRole
WARNINGS_COL = 5
HEADER_TIPS = {
    1: "Identifiers merged into this person (userIds and anonymousIds)",
    2: "Events that carried one of its identifiers",
    5: "Identity warnings (vendor limits, shared devices, alias problems): select the person "
    "and open the Warnings tab to see each explained",
}


def _time(iso: Any) -> str:
    return str(iso).replace("T", " ")[:19] if iso else ""


class PeopleModel(HeaderedTableModel):
    HEADERS = tuple(title for _, title in COLUMNS)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self.warnings_of: Any = None  # canonical -> list of warning dicts (for tooltips)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section)
        return super().headerData(section, orientation, role)

    def _items(self) -> list[dict[str, Any]]:
        return self._rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            v = row.get(key)
            if key in ("firstSeen", "lastSeen"):
                return _time(v)
            if key == "warnings":
                return f"⚠ {v} — why?" if v else ""
            return str(v) if v is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole and key == "warnings" and row.get(key):
            return self._warnings_tip(row)
        if role == Qt.ItemDataRole.ForegroundRole and key == "warnings" and row.get(key):
            return QColor("#c98b00")
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("ids", "events"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CANONICAL_ROLE:
            return row.get("canonical")
        return None

    def _warnings_tip(self, row: dict[str, Any]) -> str:
        n = int(row.get("warnings") or 0)
        head = f"{n} identity warning{'s' * (n != 1)}"
        ws = self.warnings_of(row.get("canonical")) if self.warnings_of is not None else []
        lines = [f"{w.get('rule')}: {w.get('message')}" for w in ws[:6]]
        if len(ws) > 6:
            lines.append(f"… and {len(ws) - 6} more")
        return "\n".join([head, *lines, "Click to see each explained, with what to do."])

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        if rows == self._rows:
            return
        if [r.get("canonical") for r in rows] == [r.get("canonical") for r in self._rows]:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 1), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_of(self, canonical: str) -> int | None:
        for i, r in enumerate(self._rows):
            if r.get("canonical") == canonical:
                return i
        return None
