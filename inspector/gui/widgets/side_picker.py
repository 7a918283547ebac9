"""One side of a comparison: a stored session (the live one too) or an NDJSON file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from inspector.gui.dialog_dirs import DialogDirs
from inspector.gui.diff_sources import DiffSource
from inspector.gui.resources import icon
from inspector.gui.text import plural

FILE_FILTER = "NDJSON (*.ndjson *.jsonl *.json);;All files (*)"


def compact_table(parent: QWidget, name: str) -> QTableView:
    t = QTableView(parent)
    t.setObjectName(name)
    t.verticalHeader().hide()
    t.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + 8)
    t.setShowGrid(False)
    t.setWordWrap(False)
    t.setAlternatingRowColors(True)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setHighlightSections(False)
    return t


class SidePicker(QWidget):
    """A side of the comparison: a stored session (the live one too) or an NDJSON file."""

    changed = Signal()

    def __init__(
        self, title: str, parent: QWidget | None = None, dirs: DialogDirs | None = None
    ) -> None:
        super().__init__(parent)
        self.dirs = dirs or DialogDirs()
        self.combo = QComboBox(self)
        self.combo.setObjectName(f"{title.lower()}Picker")
        self.combo.setMinimumContentsLength(26)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.file_btn = QPushButton("File…", self)
        self.file_btn.setAutoDefault(False)
        self.file_btn.setToolTip("Compare an NDJSON file (an export, or lines of API events)")
        self.file_btn.clicked.connect(self._pick_file)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        label = QLabel(f"<b>{title}</b>", self)
        lay.addWidget(label)
        lay.addWidget(self.combo, 1)
        lay.addWidget(self.file_btn)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    @property
    def source(self) -> DiffSource | None:
        data = self.combo.currentData()
        return data if isinstance(data, DiffSource) else None

    def fill(
        self,
        sessions: list[dict[str, Any]],
        live_id: int,
        select: DiffSource | None,
        placeholder: str = "",
    ) -> None:
        """List the sessions (live first) and the files picked before; select ``select``, or
        keep the current choice. With ``placeholder`` and nothing to keep, nothing is selected
        (the placeholder shows) rather than a side the user did not choose."""
        keep = select or self.source
        files = [
            self.combo.itemData(i)
            for i in range(self.combo.count())
            if isinstance(self.combo.itemData(i), DiffSource)
            and self.combo.itemData(i).kind == "file"
        ]
        self.combo.blockSignals(True)
        self.combo.clear()
        if placeholder and keep is None:
            self.combo.addItem(placeholder, None)
        ordered = sorted(sessions, key=lambda s: (s["id"] != live_id, -s["id"]))
        for s in ordered:
            src = DiffSource.session(s["id"], s["name"])
            text = (
                f"{s['name']} (live)"
                if s["id"] == live_id
                else f"{s['name']} — {plural(s['events'], 'event')}"
            )
            self.combo.addItem(text, src)
        for f in files:
            self.add_file(f.path, select=False)
        i = self._index_of(keep) if keep is not None else -1
        self.combo.setCurrentIndex(max(0, i))
        self.combo.blockSignals(False)

    def _index_of(self, src: DiffSource) -> int:
        for i in range(self.combo.count()):
            if self.combo.itemData(i) == src:
                return i
        return -1

    def add_file(self, path: str, select: bool = True) -> None:
        src = DiffSource.file(path)
        i = self._index_of(src)
        if i < 0:
            self.combo.addItem(icon("export"), f"file: {src.name}", src)
            self.combo.setItemData(self.combo.count() - 1, path, Qt.ItemDataRole.ToolTipRole)
            i = self.combo.count() - 1
        if select:
            self.combo.setCurrentIndex(i)

    def select(self, src: DiffSource) -> None:
        i = self._index_of(src)
        if i >= 0:
            self.combo.setCurrentIndex(i)

    def _pick_file(self) -> None:
        path = self.dirs.open_file(self, "compare", "Compare an NDJSON file", FILE_FILTER)
        if path:
            self.add_file(path)
