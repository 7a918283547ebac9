"""Lint findings grouped by rule, with counts; clicking a rule filters the table (rule:<id>)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.gui.text import plural
from inspector.gui.theme import LINT_COLORS

Index = QModelIndex | QPersistentModelIndex
SEV_LEVEL = {"error": 3, "warning": 2, "info": 1}
RULE_ROLE = Qt.ItemDataRole.UserRole


class LintModel(QAbstractTableModel):
    COLUMNS = ("Rule", "Events")
    TIPS = ("Lint rule and its title (hover for the explanation)", "Events with this finding")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []  # [rule, severity, count, title]
        self.rules: dict[str, Any] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.TIPS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rule, sev, count, title = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{rule}  {title}" if col == 0 else f"{count:,}"
        if role == Qt.ItemDataRole.ToolTipRole:
            r = self.rules.get(rule)
            expl = getattr(r, "explanation", "") if r else ""
            return f"{rule} ({sev}): {title}\n{expl}".strip()
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return QColor(LINT_COLORS.get(SEV_LEVEL.get(sev, 1), "#888"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RULE_ROLE:
            return rule
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def update(self, by_rule: dict[str, list[Any]]) -> None:
        rows = []
        for rule, (sev, count, msg) in by_rule.items():
            r = self.rules.get(rule)
            title = getattr(r, "title", None) or msg or ""
            rows.append([rule, sev, count, title])
        rows.sort(key=lambda x: (-SEV_LEVEL.get(x[1], 0), -x[2], x[0]))
        if [r[0] for r in rows] == [r[0] for r in self._rows]:
            changed = [
                i for i, (a, b) in enumerate(zip(rows, self._rows, strict=True)) if a[2] != b[2]
            ]
            self._rows = rows
            if changed:
                self.dataChanged.emit(self.index(min(changed), 1), self.index(max(changed), 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()


class LintPanel(QWidget):
    ruleClicked = Signal(str)

    def __init__(self, rules: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LintModel(self)
        self.model.rules = rules
        self.title = title = QLabel(self)
        title.setObjectName("lintTitle")
        title.setContentsMargins(6, 6, 6, 2)
        title.setWordWrap(True)
        self.view = QTableView(self)
        self.view.setObjectName("lintTable")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setShowGrid(False)
        # one line a rule, elided (the whole title and explanation are in the tooltip)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.view.clicked.connect(self._clicked)
        self.empty = QLabel("No findings yet.")
        self.empty.setStyleSheet("color: gray; padding: 8px;")
        self.empty.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(title)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.empty)
        self._set_title(0, 0)

    def _set_title(self, findings: int, events: int, of: int = 0) -> None:
        what = (
            f"{plural(findings, 'finding')} in {plural(events, 'event')}"
            if findings
            else "no findings"
        )
        if of:
            what = f"counting… so far {what} of the newest {of:,}"
        self.title.setText(
            f"<b>Lint</b> <span style='color:gray'>— {what}; click a rule to filter</span>"
        )

    def update_counts(
        self, by_rule: dict[str, list[Any]], findings: int = 0, events: int = 0, of: int = 0
    ) -> None:
        """``of``: while a resumed session's older events are read, how many events these
        counts cover (the newest); 0 when they cover the whole session."""
        self.model.update(by_rule)
        self.empty.setVisible(not by_rule)
        self._set_title(findings, events, of)

    def _clicked(self, index: QModelIndex) -> None:
        rule = index.data(RULE_ROLE)
        if rule:
            self.ruleClicked.emit(rule)
