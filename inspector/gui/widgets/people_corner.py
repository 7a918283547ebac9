"""The controls beside the People view's tabs (they act on the view shown): zoom for the
identity graph (−, its zoom as a percentage, +, Fit, 1:1) and the Export menu (PNG, JSON)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from inspector.gui.widgets.identity_graph import IdentityGraphView


class PeopleCorner(QWidget):
    def __init__(
        self,
        graph: IdentityGraphView,
        export_png: Callable[[], None],
        export_json: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.zoom_out = self._tool(
            "−", "Zoom out (Ctrl+−, or Ctrl+wheel)", lambda: graph.zoom_by(0.8)
        )
        self.zoom_label = QLabel("100%", self)
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setMinimumWidth(40)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in = self._tool(
            "+", "Zoom in (Ctrl++, or Ctrl+wheel)", lambda: graph.zoom_by(1.25)
        )
        self.fit_btn = self._tool("Fit", "Fit the whole graph in view (Ctrl+0)", graph.fit)
        self.one_btn = self._tool("1:1", "Actual size (Ctrl+1)", graph.one_to_one)
        graph.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        self.export_btn = QToolButton(self)
        self.export_btn.setObjectName("peopleExport")
        self.export_btn.setText("Export ▾")
        self.export_btn.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.export_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_btn)
        self.png_action = menu.addAction("The shown view as PNG…", export_png)
        self.json_action = menu.addAction("The person as JSON…", export_json)
        self.export_btn.setMenu(menu)
        cl = QHBoxLayout(self)
        cl.setContentsMargins(0, 0, 4, 0)
        cl.setSpacing(2)
        for part in (self.zoom_out, self.zoom_label, self.zoom_in, self.fit_btn, self.one_btn):
            cl.addWidget(part)
        cl.addSpacing(6)
        cl.addWidget(self.export_btn)

    def _tool(self, text: str, tip: str, fn: Callable[[], None]) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.clicked.connect(fn)
        return b
