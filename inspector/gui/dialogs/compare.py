"""Compare two sessions (or NDJSON files) side by side: what the release stopped, started or
changed sending. The same comparison as ``event-inspector diff`` (:mod:`inspector.domain.diff`).

Profiles are built in a worker thread (a large stored session takes a while to read); each
new request supersedes the one before, so a slow answer never overwrites a newer one.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.diff import DEFAULT_TOLERANCE, DiffResult, Row
from inspector.domain.private_files import open_private
from inspector.domain.store import Store
from inspector.gui.dialog_dirs import DialogDirs
from inspector.gui.diff_sources import (
    DiffSource,
    ProfileCache,
    SourceError,
    export_text,
    format_for,
    run_compare,
)
from inspector.gui.models.diff_model import (
    DiffRowsModel,
    PropDiffModel,
    status_color,
    status_of,
)
from inspector.gui.resources import icon
from inspector.gui.widgets.delegates import TypeBadgeDelegate
from inspector.gui.widgets.side_picker import SidePicker, compact_table


def summary_of(result: DiffResult) -> tuple[str, str]:
    """The summary line and its status (``regression``, ``changed`` or ``same``)."""
    regs = len(result.regressions)
    others = len(result.changes) - regs
    same = sum(r.status == "same" for r in result.rows)
    kinds = f"{same} of {len(result.rows)} event kinds unchanged"
    if result.identical:
        return (
            f"No differences — the current side sends what the baseline did "
            f"({len(result.rows)} event kinds)",
            "same",
        )
    text = f"{regs} regression{'s' * (regs != 1)}, {others} change{'s' * (others != 1)} · {kinds}"
    return text, "regression" if regs else "changed"


class CompareWindow(QDialog):
    """Baseline vs current, per event kind, with the selected kind's properties beside it."""

    compared = Signal()  # a result (or an error) is shown

    def __init__(
        self,
        store: Store,
        live_id: int,
        parent: QWidget | None = None,
        dirs: DialogDirs | None = None,
    ) -> None:
        super().__init__(parent)
        self.dirs = dirs or DialogDirs()
        self.setObjectName("compareWindow")
        self.setWindowTitle("Compare sessions — Event Inspector")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.store, self.live_id = store, live_id
        self.cache = ProfileCache()
        self.comparison: DiffResult | None = None
        self.error = ""
        self._generation = 0
        self._task: asyncio.Future[Any] | None = None
        self._build()
        self.refresh_sources()
        self.resize(1280, 720)
        self.compare()

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.baseline = SidePicker("Baseline", self, self.dirs)
        self.current = SidePicker("Current", self, self.dirs)
        self.swap_btn = QToolButton(self)
        self.swap_btn.setText("⇄")
        self.swap_btn.setToolTip("Swap baseline and current")
        self.swap_btn.clicked.connect(self.swap)
        self.tolerance = QSpinBox(self)
        self.tolerance.setRange(0, 1000)
        self.tolerance.setSuffix(" %")
        self.tolerance.setPrefix("± ")
        self.tolerance.setValue(int(DEFAULT_TOLERANCE * 100))
        self.tolerance.setToolTip("Counts within this relative change of the baseline are the same")
        self.refresh_btn = QPushButton("Refresh", self)
        self.refresh_btn.setAutoDefault(False)
        self.refresh_btn.setToolTip("Read both sides again (the live session keeps growing)")
        self.refresh_btn.clicked.connect(self.refresh)
        self.export_btn = QToolButton(self)
        self.export_btn.setObjectName("compareExport")
        self.export_btn.setText("Export ▾")
        self.export_btn.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.export_btn.setIcon(icon("export"))
        self.export_btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.export_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_btn)
        for text, fmt in (
            ("Save as text…", "text"),
            ("Save as JSON…", "json"),
            ("Save as JUnit XML…", "junit"),
        ):
            act = QAction(text, menu)
            act.triggered.connect(lambda _=False, f=fmt: self._export_dialog(f))
            menu.addAction(act)
        copy = QAction("Copy report as text", menu)
        copy.triggered.connect(self.copy_text)
        menu.addAction(copy)
        self.export_btn.setMenu(menu)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.baseline, 1)
        top.addWidget(self.swap_btn)
        top.addWidget(self.current, 1)
        top.addSpacing(8)
        top.addWidget(QLabel("Counts", self))
        top.addWidget(self.tolerance)
        top.addWidget(self.refresh_btn)
        top.addWidget(self.export_btn)
        self.summary = QLabel("Comparing…", self)
        self.summary.setObjectName("compareSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setContentsMargins(2, 4, 2, 4)
        self.summary.setWordWrap(True)

        self.model = DiffRowsModel(self)
        self.kinds = compact_table(self, "compareKinds")
        self.kinds.setModel(self.model)
        self._badges = TypeBadgeDelegate(self.kinds)
        self.kinds.setItemDelegateForColumn(0, self._badges)
        hh = self.kinds.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, w in ((0, 80), (2, 80), (3, 80), (4, 104)):
            self.kinds.setColumnWidth(col, w)
        self.kinds.selectionModel().currentRowChanged.connect(self._kind_selected)

        self.props_model = PropDiffModel(self)
        self.props = compact_table(self, "compareProps")
        self.props.setModel(self.props_model)
        ph = self.props.horizontalHeader()
        ph.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        ph.setStretchLastSection(True)
        for col, w in ((0, 170), (1, 190), (2, 190)):
            self.props.setColumnWidth(col, w)
        self.kind_title = QLabel(self)
        self.kind_title.setObjectName("compareKindTitle")
        self.kind_title.setTextFormat(Qt.TextFormat.RichText)
        self.kind_title.setWordWrap(True)
        self.kind_title.setContentsMargins(2, 0, 2, 4)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(2)
        rl.addWidget(self.kind_title)
        rl.addWidget(self.props, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.kinds)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([500, 760])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.splitter, 1)
        self.baseline.changed.connect(self.compare)
        self.current.changed.connect(self.compare)
        self.tolerance.valueChanged.connect(lambda _v: self.compare())

    # -- sides ----------------------------------------------------------------------------
    def refresh_sources(self) -> None:
        # empty sessions are no sessions; the live one is listed even while it is empty
        sessions = [
            s
            for s in self.store.list_sessions()
            if s["id"] == self.live_id or s["events"] or s["rejected"]
        ]
        live = next((s for s in sessions if s["id"] == self.live_id), None)
        earlier = [s for s in sessions if s["id"] != self.live_id]
        base = max(earlier, key=lambda s: s["id"]) if earlier else None
        first = self.baseline.source is None and self.current.source is None
        self.baseline.fill(
            sessions,
            self.live_id,
            DiffSource.session(base["id"], base["name"]) if first and base else None,
            placeholder="— choose a baseline: a stored session or File… —" if not base else "",
        )
        self.current.fill(
            sessions,
            self.live_id,
            DiffSource.session(live["id"], live["name"]) if first and live else None,
        )

    def set_sides(self, baseline: DiffSource, current: DiffSource) -> None:
        for picker, src in ((self.baseline, baseline), (self.current, current)):
            picker.blockSignals(True)
            if src.kind == "file":
                picker.add_file(src.path)
            else:
                picker.select(src)
            picker.blockSignals(False)
        self.compare()

    def swap(self) -> None:
        b, c = self.baseline.source, self.current.source
        if b is not None and c is not None:
            self.set_sides(c, b)

    def refresh(self) -> None:
        self.cache.clear()
        self.refresh_sources()
        self.compare()

    # -- comparing ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def compare(self) -> None:
        b, c = self.baseline.source, self.current.source
        if b is None or c is None or b == c:
            self._generation += 1  # whatever is still being read is no longer wanted
            self.comparison, self.error = None, ""
            self.model.set_result(None)
            self.props_model.set_row(None)
            self.kind_title.setText("")
            if b is not None and b == c:
                why = (
                    f"Baseline and current are both <b>{_esc(b.label(self.live_id))}</b>: "
                    "pick another baseline (a stored session, or an NDJSON file with File…)."
                )
            else:
                why = (
                    "Nothing to compare yet: no other session holds events. Pick a baseline "
                    "with File… (an NDJSON export), or record one session, press Clear for a "
                    "new one, and record again."
                )
            self.summary.setText(f"<span style='color:gray'>{why}</span>")
            self.compared.emit()
            return
        self._generation += 1
        gen = self._generation
        tol = self.tolerance.value() / 100
        self.summary.setText("<span style='color:gray'>Comparing…</span>")

        def work() -> DiffResult:
            return run_compare(self.store, self.cache, b, c, self.live_id, tol)

        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
        if loop is None or loop.is_closed():
            self._done(gen, work, None)
            return
        self._task = asyncio.ensure_future(self._run(gen, loop, work))

    async def _run(self, gen: int, loop: asyncio.AbstractEventLoop, work: Any) -> None:
        try:
            result = await loop.run_in_executor(None, work)
        except Exception as exc:  # unreadable input, or the store closed meanwhile
            self._done(gen, None, str(exc) or type(exc).__name__)
            return
        self._done(gen, lambda: result, None)

    def _done(self, gen: int, get: Any, error: str | None) -> None:
        if gen != self._generation:
            return  # superseded by a newer request
        if error is None:
            try:
                self.show_result(get())
                return
            except (SourceError, OSError) as exc:
                error = str(exc)
        self.comparison, self.error = None, error
        self.model.set_result(None)
        self.props_model.set_row(None)
        self.kind_title.setText("")
        self.summary.setText(
            f"<span style='color:{(status_color('regression') or QColor('#d64541')).name()}'>"
            f"<b>Cannot compare:</b> {_esc(error)}</span>"
        )
        self.compared.emit()

    def show_result(self, result: DiffResult) -> None:
        prev = self._selected_key()
        self.comparison, self.error = result, ""
        self.model.set_result(result)
        text, status = summary_of(result)
        color = status_color(status)
        b, c = result.baseline, result.current
        sides = (
            f"<span style='color:gray'>baseline {b.total:,} events · current "
            f"{c.total:,} events · read {time.strftime('%H:%M:%S')}</span>"
        )
        styled = (
            f"<b style='color:{color.name()}'>{_esc(text)}</b>"
            if color is not None
            else f"<b>{_esc(text)}</b>"
        )
        self.summary.setText(f"{styled}&nbsp;&nbsp;&nbsp;{sides}")
        row = 0
        for i, r in enumerate(self.model.rows):
            if r.key == prev:
                row = i
                break
        if self.model.rows:
            self.kinds.selectRow(row)
            self._kind_selected(self.model.index(row, 0), None)
        else:
            self._kind_selected(None, None)
        self.compared.emit()

    def _selected_key(self) -> Any:
        idx = self.kinds.currentIndex()
        r = self.model.row_at(idx.row()) if idx.isValid() else None
        return r.key if r else None

    def _kind_selected(self, current: Any, _prev: Any) -> None:
        row: Row | None = (
            self.model.row_at(current.row()) if current is not None and current.isValid() else None
        )
        self.props_model.set_row(row)
        if row is None:
            self.kind_title.setText("")
            return
        t, n = row.key
        name = f"{t} <b>{_esc(n)}</b>" if n else f"<b>{t}</b>"
        status = status_of(row)
        color = status_color(status)
        st = (
            f"<span style='color:{color.name()}'><b>{status}</b></span>"
            if color
            else "<span style='color:gray'>same</span>"
        )
        counts = (
            f"baseline {row.baseline.count if row.baseline else 0:,} · current "
            f"{row.current.count if row.current else 0:,}"
        )
        what = "traits" if t in ("identify", "group") else "properties"
        lines = [c.message for c in row.changes if not c.path]
        extra = "".join(f"<br><span style='color:gray'>{_esc(m)}</span>" for m in lines)
        self.kind_title.setText(f"{name} — {st} · {counts} · {what} below{extra}")
        self.props.resizeColumnToContents(0)
        self.props.setColumnWidth(0, min(max(self.props.columnWidth(0), 140), 280))

    # -- export ---------------------------------------------------------------------------
    def report(self, fmt: str = "text") -> str:
        return export_text(self.comparison, fmt) if self.comparison is not None else ""

    def export_to(self, path: str, fmt: str | None = None) -> None:
        with open_private(path) as fh:
            fh.write(self.report(fmt or format_for(path)))

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.report("text"))

    def _export_dialog(self, fmt: str) -> None:
        if self.comparison is None:
            return
        ext = {"json": "json", "junit": "xml"}.get(fmt, "txt")
        filt = {"json": "JSON (*.json)", "junit": "JUnit XML (*.xml)"}.get(fmt, "Text (*.txt)")
        path, _ = self.dirs.save_file(
            self, "compare", "Export the comparison", f"diff.{ext}", f"{filt};;All files (*)"
        )
        if path:
            self.export_to(path, fmt)

    def closeEvent(self, event: Any) -> None:
        self._generation += 1  # a pending answer is dropped
        super().closeEvent(event)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
