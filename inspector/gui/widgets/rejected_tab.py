"""The "Rejected & faults" tab: the session's rejected and faulted requests, and the one
selected, as it came (headers and body, credentials masked)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QTableView, QWidget

from inspector.domain.capture import RawRequest
from inspector.gui.models.requests_model import RequestsModel
from inspector.gui.widgets.body_view import BodyView, show_raw
from inspector.gui.widgets.detail import raw_body, raw_text

WIDTHS = (96, 60, 64, 170, 420, 70)
WHAT = 4  # the "What happened" column takes the rest


class RejectedTab(QSplitter):
    def __init__(
        self,
        model: RequestsModel,
        get_request: Callable[[int], RawRequest | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.model, self.get_request = model, get_request
        self.view = QTableView(self)
        self.view.setObjectName("requestsTable")
        self.view.setModel(model)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setShowGrid(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for i, w in enumerate(WIDTHS):
            self.view.setColumnWidth(i, w)
        self.view.horizontalHeader().setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        self.raw = BodyView(self)
        self.raw.setObjectName("requestRaw")
        self.raw.setPlaceholderText("Select a request to see its headers and body.")
        self.addWidget(self.view)
        self.addWidget(self.raw)
        self.view.selectionModel().currentRowChanged.connect(self._selected)

    def _selected(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if not current.isValid():
            return
        raw = self.get_request(self.model.request_id(current.row()))
        text = raw_text(None, raw)
        show_raw(self.raw, text, raw_body(raw)[1] if raw is not None else "", None)
