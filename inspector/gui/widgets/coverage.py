"""The Coverage panel: the tracking plan against the shown session — each planned event, how
often it was seen and from which client (a column per client), the planned events never
seen (required ones in red) and the unplanned events seen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.lint.coverage import Coverage, coverage
from inspector.gui.text import plural

NEVER = "#d64541"  # required, never seen
UNSEEN = "#b07d00"  # planned, never seen
UNPLANNED = "#7a5cc4"


class CoveragePanel(QWidget):
    """``plan()`` gives the tracking plan in effect (or None), ``counts()`` the shown
    session's (type, name, client, n) counts."""

    loadRequested = Signal()
    unloadRequested = Signal()

    def __init__(
        self,
        plan: Callable[[], Any],
        counts: Callable[[], list[Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("coveragePanel")
        self.plan, self.counts = plan, counts
        self.result: Coverage | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self.refresh)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 2)
        self.plan_label = QLabel(self)
        self.plan_label.setObjectName("coveragePlan")
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.load_button = QPushButton("Load tracking plan…", self)
        self.load_button.clicked.connect(self.loadRequested)
        self.unload_button = QPushButton("Unload", self)
        self.unload_button.setToolTip("Lint without this plan (the config's plan, if any)")
        self.unload_button.clicked.connect(self.unloadRequested)
        bar.addWidget(self.plan_label, 1)
        bar.addWidget(self.load_button)
        bar.addWidget(self.unload_button)
        self.summary = QLabel(self)
        self.summary.setObjectName("coverageSummary")
        self.summary.setWordWrap(True)
        self.summary.setContentsMargins(8, 2, 8, 4)
        self.table = QTableWidget(self)
        self.table.setObjectName("coverageTable")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)

    def schedule(self) -> None:
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        try:
            plan = self.plan()
        except Exception as exc:  # a plan that became unreadable: say so, keep the window
            self._show_none(f"The tracking plan cannot be read: {exc}")
            return
        if plan is None:
            self._show_none(
                "No tracking plan. Load one (JSON Schema rules or the simple YAML) to lint "
                "against it and see which planned events this session sent, from which client."
            )
            return
        self.unload_button.setEnabled(True)
        source = plan.source or "(inline)"
        self.plan_label.setText(
            f"<b>Plan</b> {Path(source).name} <span style='color:gray'>— "
            f"{Path(source).parent}</span>"
        )
        self.plan_label.setToolTip(source)
        self.result = res = coverage(plan, self.counts())
        self._fill(res)

    def _show_none(self, text: str) -> None:
        self.result = None
        self.plan_label.setText("<b>Plan</b> none")
        self.unload_button.setEnabled(False)
        self.summary.setText(text)
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)

    def _fill(self, res: Coverage) -> None:
        sources = res.sources
        never, req = res.never_seen, res.missing_required
        self.summary.setText(
            f"{len(res.planned) - len(never)} of {plural(len(res.planned), 'planned event')} "
            f"seen; {len(never)} never seen"
            + (f" ({len(req)} required: {', '.join(r.event for r in req)})" if req else "")
            + f"; {plural(len(res.unplanned), 'unplanned event')} seen. Clients are the "
            "libraries that sent them (web, iOS, Android, server)."
        )
        heads = ["Event", "Type", "Seen", *(_two_lines(c) for c in sources)]
        rows = [*res.planned, *res.unplanned]
        self.table.clear()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(rows))
        italic = QFont(self.font())
        italic.setItalic(True)
        for r, row in enumerate(rows):
            if not row.planned:
                status, color = "unplanned", UNPLANNED
            elif row.seen:
                status, color = "", ""
            else:
                status = "required, never seen" if row.required else "never seen"
                color = NEVER if row.required else UNSEEN
            name = QTableWidgetItem(row.event + (f"  — {status}" if status else ""))
            name.setToolTip(
                f"{row.event}: {'planned' if row.planned else 'not in the plan'}"
                + (", required" if row.required else "")
                + f"; seen {row.seen} time{'s' * (row.seen != 1)}"
            )
            if color:
                name.setForeground(QBrush(QColor(color)))
            if not row.planned:
                name.setFont(italic)
            cells = [name, QTableWidgetItem(row.type), _num(row.seen)]
            cells += [_num(row.by_source.get(s, 0)) for s in sources]
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
        for c, client in enumerate(sources, 3):
            head = self.table.horizontalHeaderItem(c)
            if head is not None:
                head.setToolTip(f"sent by {client}")
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Every column as wide as its contents; room to spare goes to the event names."""
        t = self.table
        hh = t.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.resizeColumnsToContents()
        spare = t.viewport().width() - sum(t.columnWidth(c) for c in range(t.columnCount()))
        if spare > 0 and t.columnCount():
            t.setColumnWidth(0, t.columnWidth(0) + spare)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_columns()


def _two_lines(client: str) -> str:
    """A long client name on two lines (``segment-`` / ``analytics-python``), so that a
    column per client fits."""
    if len(client) <= 12:
        return client
    for i, ch in enumerate(client):
        if i >= 5 and ch in "-/":
            return client[: i + 1] + "\n" + client[i + 1 :]
    return client


def _num(n: int) -> QTableWidgetItem:
    it = QTableWidgetItem(f"{n:,}" if n else "·")
    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it
