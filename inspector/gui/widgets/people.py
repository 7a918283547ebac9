"""People view: persons of the identity graph, the selected person's graph and timeline,
a replay control that rebuilds the graph event by event, and PNG/JSON export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.domain import jsoncodec
from inspector.gui import domain_bridge
from inspector.gui.dialog_dirs import DialogDirs
from inspector.gui.models.people_model import CANONICAL_ROLE, PeopleModel
from inspector.gui.widgets.identity_graph import IdentityGraphView
from inspector.gui.widgets.timeline import TimelineView

MAX_REPLAY = 5000


class PeopleView(QWidget):
    eventClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("peopleView")
        self.graph_source: Callable[[], Any] = lambda: None  # -> IdentityGraph | None
        self.load_events: Callable[[list[int]], list[Any]] = lambda ids: []
        self.dirs = DialogDirs()  # the window shares its remembered folders
        self.model = PeopleModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("peopleTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, w in ((1, 60), (2, 70), (3, 150), (4, 150), (5, 90)):
            self.table.setColumnWidth(i, w)
        self.table.selectionModel().currentRowChanged.connect(self._person_changed)
        self.graph = IdentityGraphView(self)
        self.timeline = TimelineView(self)
        self.timeline.eventClicked.connect(self.eventClicked)
        self.views = QTabWidget(self)
        self.views.setDocumentMode(True)
        self.views.addTab(self.graph, "Graph")
        self.views.addTab(self.timeline, "Merged timeline")
        # replay + export controls
        self.step_label = QLabel("", self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("replaySlider")
        self.slider.setMinimum(0)
        self.slider.valueChanged.connect(self._step_to)
        self.prev_btn = QPushButton("◀ Step", self)
        self.next_btn = QPushButton("Step ▶", self)
        self.play_btn = QPushButton("▶ Replay", self)
        self.prev_btn.clicked.connect(lambda: self.slider.setValue(self.slider.value() - 1))
        self.next_btn.clicked.connect(lambda: self.slider.setValue(self.slider.value() + 1))
        self.play_btn.clicked.connect(self._play)
        self.png_btn = QPushButton("Export PNG…", self)
        self.json_btn = QPushButton("Export JSON…", self)
        self.png_btn.clicked.connect(self._export_png)
        self.json_btn.clicked.connect(self._export_json)
        controls = QHBoxLayout()
        controls.setContentsMargins(6, 4, 6, 4)
        for w in (self.prev_btn, self.play_btn, self.next_btn):
            controls.addWidget(w)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.step_label)
        controls.addSpacing(12)
        controls.addWidget(self.png_btn)
        controls.addWidget(self.json_btn)
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.setSpacing(0)
        bl.addLayout(controls)
        bl.addWidget(self.views, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("peopleSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(bottom)
        self.splitter.setSizes([180, 420])
        self.empty = QLabel(self)
        self.empty.setStyleSheet("color: gray; padding: 8px;")
        self.empty.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.empty)
        lay.addWidget(self.splitter, 1)
        self._play_timer = QTimer(self)
        self._play_timer.setInterval(450)
        self._play_timer.timeout.connect(self._play_tick)
        self.canonical: str | None = None
        self._events: list[Any] = []
        self._timeline: dict[str, Any] = {}
        self._set_controls(False)
        if domain_bridge.identity_module() is None:
            self.empty.show()
            self.empty.setText("Identity resolution is not available (identity module missing).")

    # -- refresh --------------------------------------------------------------------------
    def refresh(self) -> None:
        g = self.graph_source()
        rows = g.people_rows() if g is not None else []
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        if not rows and g is not None:
            self.empty.setText(
                "No people yet: identify, alias or any call with a userId or anonymousId adds one."
            )
        if self.canonical is not None:
            row = self.model.row_of(self.canonical)
            if row is None:
                self.canonical = None
                self.graph.set_people([])
                self.timeline.set_timeline({})
            elif row != self.table.currentIndex().row():
                self.table.selectRow(row)
            elif not self._play_timer.isActive() and self.slider.value() == self.slider.maximum():
                self._show_person(self.canonical, keep_step=True)
        elif rows and self.table.currentIndex().row() < 0:
            self.table.selectRow(0)

    def select_person(self, canonical: str) -> bool:
        row = self.model.row_of(canonical)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _person_changed(self, current: Any, _prev: Any) -> None:
        canonical = current.data(CANONICAL_ROLE) if current.isValid() else None
        if canonical is None:
            return
        self._show_person(canonical)

    def _show_person(self, canonical: str, keep_step: bool = False) -> None:
        g = self.graph_source()
        if g is None:
            return
        self.canonical = canonical
        self._timeline = g.timeline(canonical)
        ids = sorted(
            {
                m["eventId"]
                for lane in self._timeline.get("lanes", [])
                for m in lane.get("marks", [])
            }
        )
        self._events = []
        self._ids = ids[:MAX_REPLAY]
        snap = g.snapshot(user=canonical)
        self._full = snap
        n = len(self._ids)
        self.slider.blockSignals(True)
        self.slider.setMaximum(n)
        self.slider.setValue(n)
        self.slider.blockSignals(False)
        self._set_controls(n > 0)
        self.graph.set_people(snap.get("people", []))
        self.timeline.set_timeline(self._timeline)
        self.step_label.setText(f"all {n} events")

    def _set_controls(self, on: bool) -> None:
        for w in (
            self.prev_btn,
            self.next_btn,
            self.play_btn,
            self.slider,
            self.png_btn,
            self.json_btn,
        ):
            w.setEnabled(on)

    # -- replay ---------------------------------------------------------------------------
    def _step_to(self, k: int) -> None:
        """Rebuild the graph from this person's first ``k`` events, in arrival order."""
        ident = domain_bridge.identity_module()
        if ident is None or self.canonical is None:
            return
        if not self._events and self._ids:
            self._events = sorted(self.load_events(self._ids), key=lambda e: e.seq)
        g = self.graph_source()
        mode = getattr(g, "mode", "default")
        partial = ident.replay(self._events[:k], mode)
        people = partial.snapshot().get("people", [])
        self.graph.set_people(people, caption=f"replay: after {k} of {len(self._ids)} events")
        seqs = sorted(
            m["seq"] for lane in self._timeline.get("lanes", []) for m in lane.get("marks", [])
        )
        upto = seqs[k - 1] if 0 < k <= len(seqs) else (-1 if k == 0 else None)
        self.timeline.set_timeline(self._timeline, upto_seq=upto)
        self.step_label.setText(f"step {k} / {len(self._ids)}")

    def _play(self) -> None:
        if self._play_timer.isActive():
            self._play_timer.stop()
            self.play_btn.setText("▶ Replay")
            return
        self.slider.setValue(0)
        self.play_btn.setText("■ Stop")
        self._play_timer.start()

    def _play_tick(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self._play_timer.stop()
            self.play_btn.setText("▶ Replay")
            return
        self.slider.setValue(self.slider.value() + 1)

    # -- export ---------------------------------------------------------------------------
    def export_png(self, path: str) -> bool:
        if self.views.currentWidget() is self.timeline:
            return self.timeline.render_png(path)
        return self.graph.render_png(path)

    def export_json(self, path: str) -> None:
        g = self.graph_source()
        data = g.snapshot(user=self.canonical) if g is not None and self.canonical else {}
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(jsoncodec.pretty(data))

    def _export_png(self) -> None:
        path, _ = self.dirs.save_file(
            self,
            "people",
            "Export the identity view as PNG",
            f"{self.canonical or 'person'}.png",
            "PNG (*.png)",
        )
        if path:
            self.export_png(path)

    def _export_json(self) -> None:
        path, _ = self.dirs.save_file(
            self,
            "people",
            "Export identity graph as JSON",
            f"{self.canonical or 'person'}.json",
            "JSON (*.json)",
        )
        if path:
            self.export_json(path)
