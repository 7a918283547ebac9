"""The Flows panel: each opened flow file as a checklist per person (best first), ticking as
events arrive; a step shows the event that matched it (click: select it in the table)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.flows import Flow, FlowError, load_flow, result_of, runs
from inspector.domain.flows.check import FlowResult

EVENT_ROLE = Qt.ItemDataRole.UserRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_PEOPLE = 5  # people shown per flow, best first
MARK = {"matched": "✔", "missing": "○", "out_of_order": "↯"}
COLOR = {"matched": "#1e9e4a", "missing": "#8a8a8a", "out_of_order": "#d98200"}
WORD = {"matched": "matched", "missing": "missing", "out_of_order": "out of order"}


def event_text(summary: dict[str, Any] | None, eid: int | None) -> str:
    if not summary:
        return f"#{eid}" if eid is not None else ""
    label = f" '{summary['label']}'" if summary.get("label") else ""
    who = summary.get("userId") or summary.get("anonymousId") or ""
    when = (summary.get("receivedAt") or "")[11:19]
    return (
        f"#{summary['id']} {summary['type']}{label}"
        + (f" · {who}" if who else "")
        + (f" · {when}" if when else "")
    )


class FlowsPanel(QWidget):
    """``source()`` gives the events to check (a FlowSource of the shown session, or None);
    ``selection()`` the events selected in the table (for "Save selection as flow")."""

    eventClicked = Signal(int)
    flowsChanged = Signal(list)  # the open flow files, to remember
    openRequested = Signal()
    saveSelectionRequested = Signal()

    def __init__(self, source: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flowsPanel")
        self.source = source
        # checks as events arrive run here when set: background(work, done) calls work() off
        # the GUI thread and done(result) back on it (a large session takes a while)
        self.background: Callable[[Callable[[], Any], Callable[[Any], None]], None] | None = None
        self._busy = False
        self._again = False
        self.flows: list[tuple[str, Flow | None, str]] = []  # path, flow, error
        self.results: dict[str, list[FlowResult]] = {}
        self._expanded: set[str] = set()
        self._collapsed: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._tick)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 2)
        self.open_button = QPushButton("Open flow…", self)
        self.open_button.clicked.connect(self.openRequested)
        self.save_button = QPushButton("Save selection as flow…", self)
        self.save_button.setToolTip(
            "The events selected in the table, in arrival order, as a flow file: the golden "
            "path recorded once, checked from then on"
        )
        self.save_button.clicked.connect(self.saveSelectionRequested)
        self.remove_button = QPushButton("Close flow", self)
        self.remove_button.clicked.connect(self.remove_current)
        for b in (self.open_button, self.save_button, self.remove_button):
            bar.addWidget(b)
        bar.addStretch(1)
        self.hint = QLabel(self)
        self.hint.setObjectName("flowsHint")
        self.hint.setWordWrap(True)
        self.hint.setContentsMargins(8, 2, 8, 4)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("flowsTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Step", "Event that matched it"])
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemExpanded.connect(lambda it: self._remember_expansion(it, True))
        self.tree.itemCollapsed.connect(lambda it: self._remember_expansion(it, False))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.hint)
        lay.addWidget(self.tree, 1)
        self._update_hint()

    # -- flows ----------------------------------------------------------------------------
    def add_path(self, path: str) -> str | None:
        """Open a flow file (again: reload it); the error, or None."""
        path = str(Path(path).resolve())
        try:
            flow: Flow | None = load_flow(path)
            error = ""
        except FlowError as exc:
            flow, error = None, str(exc)
        self.flows = [f for f in self.flows if f[0] != path] + [(path, flow, error)]
        self.flowsChanged.emit([p for p, _, _ in self.flows])
        self.refresh()
        return error or None

    def remove_current(self) -> None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None:
            return
        path = item.data(0, KEY_ROLE)
        self.flows = [f for f in self.flows if f[0] != path]
        self.flowsChanged.emit([p for p, _, _ in self.flows])
        self.refresh()

    def schedule(self) -> None:
        """Check again soon (events arrived); several calls in a row cost one check."""
        if self.flows and not self._timer.isActive():
            self._timer.start()

    # -- checking -------------------------------------------------------------------------
    def evaluate(self, flow: Flow, source: Any) -> list[FlowResult]:
        _hits, all_runs = runs(flow, source)
        return [result_of(flow, r, source, len(all_runs)) for r in all_runs[:MAX_PEOPLE]]

    def compute(self) -> dict[str, list[FlowResult]]:
        """Every open flow's best people (reads the store: may run off the GUI thread)."""
        flows = list(self.flows)
        source = self.source() if flows else None
        if source is None:
            return {}
        return {path: self.evaluate(flow, source) for path, flow, _ in flows if flow is not None}

    def refresh(self) -> None:
        """Check every flow now and show it."""
        self.show_results(self.compute())

    def _tick(self) -> None:
        if self.background is None:
            self.refresh()
            return
        if self._busy:  # one check at a time; events that came meanwhile: once more after
            self._again = True
            return
        self._busy = True
        self.background(self.compute, self._computed)

    def _computed(self, results: dict[str, list[FlowResult]] | None) -> None:
        self._busy = False
        if results is not None:
            self.show_results(results)
        if self._again:
            self._again = False
            self.schedule()

    def show_results(self, results: dict[str, list[FlowResult]]) -> None:
        current = self.tree.currentItem()
        current_key = current.data(0, KEY_ROLE) if current is not None else None
        self.tree.clear()
        self.results = {}
        for path, flow, error in self.flows:
            top = QTreeWidgetItem(self.tree)
            top.setData(0, KEY_ROLE, path)
            top.setToolTip(0, path)
            if flow is None:
                top.setText(0, f"{Path(path).name}: cannot be used")
                top.setText(1, error)
                top.setForeground(1, QBrush(QColor("#d64541")))
                continue
            found = results.get(path, [])
            self.results[path] = found
            self._fill(top, path, flow, found)
        self._update_hint()
        self._fit_columns()
        if current_key is not None:
            self._select_key(current_key)

    def _fit_columns(self) -> None:
        """The steps whole when they fit, else at most 60% of the width for them."""
        self.tree.resizeColumnToContents(0)
        cap = max(240, int(self.tree.viewport().width() * 0.6))
        if self.tree.columnWidth(0) > cap:
            self.tree.setColumnWidth(0, cap)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._fit_columns()

    def _fill(self, top: QTreeWidgetItem, path: str, flow: Flow, results: list[FlowResult]) -> None:
        n = len(flow.steps)
        best = results[0] if results else None
        if best is not None and best.passed:
            top.setText(0, f"✔ {flow.name}")
            top.setText(1, f"passed by {best.person}")
            top.setForeground(0, QBrush(QColor(COLOR["matched"])))
        else:
            got = sum(s.status == "matched" for s in best.steps) if best else 0
            top.setText(0, f"{flow.name}")
            top.setText(1, f"{got} of {n} steps" + (f" (best: {best.person})" if best else ""))
        if not results:  # nobody has any step yet: the steps, all open
            self._steps(top, path, flow, None)
        for i, res in enumerate(results):
            got = sum(s.status == "matched" for s in res.steps)
            person = QTreeWidgetItem(top)
            key = f"{path}\0{res.person}"
            person.setData(0, KEY_ROLE, key)
            person.setText(0, f"{'✔ ' if res.passed else ''}{res.person}")
            person.setText(1, f"{got} of {n} steps" + (" — passed" if res.passed else ""))
            if res.passed:
                person.setForeground(0, QBrush(QColor(COLOR["matched"])))
            self._steps(person, key, flow, res)
            person.setExpanded(self._open(key, default=i == 0))
        if results and results[0].people > len(results):
            more = QTreeWidgetItem(top)
            more.setText(0, f"… {results[0].people - len(results)} more people")
            more.setFlags(Qt.ItemFlag.ItemIsEnabled)
        top.setExpanded(self._open(path, default=True))

    def _steps(self, parent: QTreeWidgetItem, key: str, flow: Flow, res: FlowResult | None) -> None:
        for i, step in enumerate(flow.steps):
            sr = res.steps[i] if res is not None else None
            status = sr.status if sr is not None else "missing"
            it = QTreeWidgetItem(parent)
            it.setData(0, KEY_ROLE, f"{key}\0{i}")
            it.setText(0, f"{MARK[status]}  {i + 1}. {step.label}")
            it.setForeground(0, QBrush(QColor(COLOR[status])))
            it.setToolTip(0, f"{step.q}\n{WORD[status]}")
            if sr is not None and sr.event is not None:
                text = event_text(sr.summary, sr.event)
                it.setText(1, text if status == "matched" else f"too early: {text}")
                it.setData(0, EVENT_ROLE, sr.event)
                it.setData(1, EVENT_ROLE, sr.event)
                it.setToolTip(1, "Click to select this event in the table")
            elif status == "missing":
                it.setText(1, "—")

    # -- view state -----------------------------------------------------------------------
    def _open(self, key: str, default: bool) -> bool:
        if key in self._expanded:
            return True
        if key in self._collapsed:
            return False
        return default

    def _remember_expansion(self, item: QTreeWidgetItem, expanded: bool) -> None:
        key = item.data(0, KEY_ROLE)
        if key is None:
            return
        (self._expanded if expanded else self._collapsed).add(key)
        (self._collapsed if expanded else self._expanded).discard(key)

    def _select_key(self, key: str) -> None:
        found = self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
        for it in found:
            if it.data(0, KEY_ROLE) == key:
                self.tree.setCurrentItem(it)
                return

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        eid = item.data(column, EVENT_ROLE) or item.data(0, EVENT_ROLE)
        if eid:
            self.eventClicked.emit(int(eid))

    def _update_hint(self) -> None:
        if not self.flows:
            self.hint.setText(
                "Open a flow file (YAML or JSON: a name and steps, each a query) to see it tick "
                "as events arrive, per person — or select the events of a golden path in the "
                "table and save them as a flow."
            )
        else:
            passed = sum(
                1 for p, _, _ in self.flows if self.results.get(p) and self.results[p][0].passed
            )
            self.hint.setText(
                f"{passed} of {len(self.flows)} flow{'s' * (len(self.flows) != 1)} passed — "
                "a flow passes when one person (devices merged by identify/alias count as "
                "one) sent every step in order."
            )
