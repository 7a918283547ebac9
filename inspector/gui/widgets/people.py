"""People view: persons of the identity graph; the selected person's graph (zoomable), merged
timeline and warnings (each explained); a replay that rebuilds the graph event by event and
names the event of each step; PNG/JSON export."""

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
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector.domain import jsoncodec
from inspector.domain.capture import epoch_iso
from inspector.domain.devices import annotate_devices, device_label
from inspector.domain.identity import replay
from inspector.domain.private_files import open_private
from inspector.gui.dialog_dirs import DialogDirs
from inspector.gui.identity_advice import warnings_html
from inspector.gui.models.people_model import CANONICAL_ROLE, WARNINGS_COL, PeopleModel
from inspector.gui.widgets.identity_graph import IdentityGraphView
from inspector.gui.widgets.people_corner import PeopleCorner
from inspector.gui.widgets.timeline import TimelineView, legend_html

MAX_REPLAY = 5000
VIEW_GRAPH, VIEW_TIMELINE, VIEW_WARNINGS = range(3)


def describe_event(ev: Any) -> str:
    """``identify · userId user-42 + anonymousId anon-1 · 12:00:01 · event #12``."""
    m = ev.message
    ids = [
        f"{k} {m[k]}"
        for k in ("userId", "anonymousId", "previousId")
        if isinstance(m.get(k), str | int) and m.get(k) != ""
    ]
    label = ev.label if ev.type != "identify" else None
    head = f"{ev.type} {label}" if label else ev.type
    when = epoch_iso(ev.timestamp)[11:19]
    return f"{head} · {' + '.join(ids) or 'no ids'} · {when} · event #{ev.id}"


class PeopleView(QWidget):
    eventClicked = Signal(int)  # reveal in the Events table
    eventSelected = Signal(int)  # show in the detail pane (0: nothing)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("peopleView")
        self.graph_source: Callable[[], Any] = lambda: None  # -> IdentityGraph | None
        self.load_events: Callable[[list[int]], list[Any]] = lambda ids: []
        self.dirs = DialogDirs()  # the window shares its remembered folders
        self.rules: dict[str, Any] = {}
        self.model = PeopleModel(self)
        self.model.warnings_of = self._warnings_of
        self.table = QTableView(self)
        self.table.setObjectName("peopleTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, w in ((1, 44), (2, 58), (3, 136), (4, 136), (5, 96)):
            self.table.setColumnWidth(i, w)
        self.table.selectionModel().currentRowChanged.connect(self._person_changed)
        self.table.clicked.connect(self._cell_clicked)
        self.graph = IdentityGraphView(self)
        self.timeline = TimelineView(self)
        self.timeline.eventClicked.connect(self.eventClicked)
        self.timeline.eventSelected.connect(self._select_event)
        self.legend = QLabel(legend_html(), self)
        self.legend.setObjectName("timelineLegend")
        self.legend.setWordWrap(True)
        self.legend.setContentsMargins(6, 3, 6, 3)
        tl_page = QWidget(self)
        tl_lay = QVBoxLayout(tl_page)
        tl_lay.setContentsMargins(0, 0, 0, 0)
        tl_lay.setSpacing(0)
        tl_lay.addWidget(self.timeline, 1)
        tl_lay.addWidget(self.legend)
        self.warnings = QTextBrowser(self)
        self.warnings.setObjectName("peopleWarnings")
        self.warnings.setOpenExternalLinks(True)
        self.views = QTabWidget(self)
        self.views.setDocumentMode(True)
        self.views.addTab(self.graph, "Graph")
        self.views.addTab(tl_page, "Merged timeline")
        self.views.addTab(self.warnings, "Warnings")
        self.views.currentChanged.connect(lambda _i: self._sync_zoom_controls())
        # replay
        self.step_label = QLabel("", self)
        self.step_label.setObjectName("replayStep")
        self.step_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("replaySlider")
        self.slider.setMinimum(0)
        self.slider.valueChanged.connect(self._step_to)
        self.prev_btn = QPushButton("◀", self)
        self.prev_btn.setToolTip("Previous step")
        self.next_btn = QPushButton("▶", self)
        self.next_btn.setToolTip("Next step")
        self.play_btn = QPushButton("▶ Replay", self)
        self.play_btn.setToolTip("Rebuild this person's graph event by event")
        for b in (self.prev_btn, self.next_btn):
            b.setFixedWidth(34)
        self.prev_btn.clicked.connect(lambda: self.slider.setValue(self.slider.value() - 1))
        self.next_btn.clicked.connect(lambda: self.slider.setValue(self.slider.value() + 1))
        self.play_btn.clicked.connect(self._play)
        # zoom (graph) and export sit beside the view tabs: they act on the view shown
        c = PeopleCorner(self.graph, self._export_png, self._export_json, self)
        self.zoom_out, self.zoom_label, self.zoom_in = c.zoom_out, c.zoom_label, c.zoom_in
        self.fit_btn, self.one_btn, self.export_btn = c.fit_btn, c.one_btn, c.export_btn
        self.png_action, self.json_action = c.png_action, c.json_action
        controls = QHBoxLayout()
        controls.setContentsMargins(6, 4, 6, 0)
        controls.setSpacing(4)
        for btn in (self.prev_btn, self.play_btn, self.next_btn):
            controls.addWidget(btn)
        controls.addWidget(self.slider, 1)
        self.views.setCornerWidget(c, Qt.Corner.TopRightCorner)
        self.step_label.setContentsMargins(8, 0, 8, 2)
        self.step_label.setWordWrap(True)
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.setSpacing(0)
        bl.addLayout(controls)
        bl.addWidget(self.step_label)
        bl.addWidget(self.views, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("peopleSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(bottom)
        self.splitter.setSizes([150, 450])
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
        self.selected_event = 0  # what the detail pane shows while People is open
        self._events: list[Any] = []
        self._ids: list[int] = []
        self._timeline: dict[str, Any] = {}
        self._device_of: dict[int, str | None] = {}  # event id -> its device's label
        self._devices_graph: Any = None
        self._full: dict[str, Any] = {}
        self._seq_of: dict[int, int] = {}
        self._set_controls(False)

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
                self.warnings.setHtml("")
                self._select_event(0)
            elif row != self.table.currentIndex().row():
                self.table.selectRow(row)
            elif not self._play_timer.isActive() and self.slider.value() == self.slider.maximum():
                self._show_person(self.canonical, keep_step=True)
        elif rows and self.table.currentIndex().row() < 0:
            self.table.selectRow(0)

    def redraw(self) -> None:
        """Paint again in the current theme (same person, same step)."""
        self.graph.redraw()
        if self.canonical is not None:
            self._step_to(self.slider.value())

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
        if canonical != self.canonical:
            self._select_event(0)
        self._show_person(canonical)

    def _cell_clicked(self, index: Any) -> None:
        if index.column() == WARNINGS_COL and index.data():
            self.views.setCurrentIndex(VIEW_WARNINGS)

    def _show_person(self, canonical: str, keep_step: bool = False) -> None:
        g = self.graph_source()
        if g is None:
            return
        self.canonical = canonical
        self._timeline = g.timeline(canonical)
        self._annotate_devices(g)
        marks = [m for lane in self._timeline.get("lanes", []) for m in lane.get("marks", [])]
        self._seq_of = {m["eventId"]: m["seq"] for m in marks if not m.get("secondary")}
        ids = sorted({m["eventId"] for m in marks if not m.get("otherPerson")})
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
        self.legend.setText(legend_html(self._timeline.get("devices", [])))
        self.step_label.setText(
            f"All {n} events of {canonical}. Step or replay to rebuild the graph event by event."
        )
        ws = snap.get("warnings", [])
        self.warnings.setHtml(warnings_html(ws, self.rules))
        self.views.setTabText(VIEW_WARNINGS, f"Warnings ({len(ws)})" if ws else "Warnings")

    def _annotate_devices(self, g: Any) -> None:
        """Which device each mark came from: read once per event from the store (the
        identity graph keeps no device, so ingest pays nothing for this view)."""
        if g is not self._devices_graph:  # another session: other events
            self._devices_graph, self._device_of = g, {}
        marks = (m for lane in self._timeline.get("lanes", []) for m in lane.get("marks", []))
        missing = sorted({m["eventId"] for m in marks} - self._device_of.keys())[:MAX_REPLAY]
        for ev in self.load_events(missing):
            self._device_of[ev.id] = device_label(ev.message)
        for ev_id in missing:
            self._device_of.setdefault(ev_id, None)
        annotate_devices(self._timeline, self._device_of)

    def _warnings_of(self, canonical: str) -> list[dict[str, Any]]:
        g = self.graph_source()
        return g.snapshot(user=canonical).get("warnings", []) if g is not None else []

    def _set_controls(self, on: bool) -> None:
        for w in (
            self.prev_btn,
            self.next_btn,
            self.play_btn,
            self.slider,
            self.export_btn,
        ):
            w.setEnabled(on)
        self._sync_zoom_controls()

    def _sync_zoom_controls(self) -> None:
        on = self.views.currentIndex() == VIEW_GRAPH and self.canonical is not None
        for w in (self.zoom_out, self.zoom_in, self.fit_btn, self.one_btn, self.zoom_label):
            w.setEnabled(on)

    def _select_event(self, event_id: int) -> None:
        if event_id != self.selected_event:
            self.selected_event = event_id
            self.eventSelected.emit(event_id)

    # -- replay ---------------------------------------------------------------------------
    def _step_to(self, k: int) -> None:
        """Rebuild the graph from this person's first ``k`` events, in arrival order."""
        if self.canonical is None:
            return
        n = len(self._ids)
        if k >= n and not self._play_timer.isActive():
            self._show_person(self.canonical, keep_step=True)
            return
        if not self._events and self._ids:
            self._events = sorted(self.load_events(self._ids), key=lambda e: e.seq)
        if k == 0:  # before the first event: the person's ids, none seen yet
            people = [dict(p, edges=[]) for p in self._full.get("people", [])]
            self.graph.set_people(
                people,
                caption=f"replay step 0 of {n}: before the first event (the ids below appear "
                "as the replay goes)",
                dim=True,
            )
            self.timeline.set_timeline(self._timeline, upto_seq=-1)
            self.step_label.setText(f"Step 0 of {n}: before the first event of {self.canonical}.")
            self._select_event(0)
            return
        g = self.graph_source()
        mode = getattr(g, "mode", "default")
        ev = self._events[k - 1]
        partial = replay(self._events[:k], mode)
        people = partial.snapshot().get("people", [])
        m = ev.message
        touched = {str(m[f]) for f in ("userId", "anonymousId", "previousId") if m.get(f)}
        what = describe_event(ev)
        self.graph.set_people(
            people,
            caption=f"replay step {k} of {n}: {what}",
            highlight={"nodes": touched, "seq": k - 1},
        )
        seq = self._seq_of.get(ev.id)
        self.timeline.set_timeline(self._timeline, upto_seq=seq, current_seq=seq)
        self.step_label.setText(f"Step {k} of {n}: {what}")
        self._select_event(ev.id)

    def _play(self) -> None:
        if self._play_timer.isActive():
            self._play_timer.stop()
            self.play_btn.setText("▶ Replay")
            return
        self.play_btn.setText("■ Stop")
        self._play_timer.start()
        self.slider.setValue(0)

    def _play_tick(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self._play_timer.stop()
            self.play_btn.setText("▶ Replay")
            return
        self.slider.setValue(self.slider.value() + 1)

    # -- export ---------------------------------------------------------------------------
    def export_png(self, path: str) -> bool:
        if self.views.currentIndex() == VIEW_TIMELINE:
            return self.timeline.render_png(path)
        return self.graph.render_png(path)

    def export_json(self, path: str) -> None:
        g = self.graph_source()
        data = g.snapshot(user=self.canonical) if g is not None and self.canonical else {}
        with open_private(path) as fh:
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
