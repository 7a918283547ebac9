"""The forward (tee) setting in the Requests tab: the URL accepted requests go on to."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QWidget

from inspector.collector.forward import ForwardUrlError, check_url


class ForwardBar(QWidget):
    changed = Signal(object)  # the new URL (str) or None: forwarding off

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forwardBar")
        self.url = QLineEdit(self)
        self.url.setObjectName("forwardUrl")
        self.url.setPlaceholderText("off — e.g. https://api.segment.io")
        self.url.setClearButtonEnabled(True)
        self.url.returnPressed.connect(self.apply)
        self.button = QPushButton("Apply", self)
        self.button.clicked.connect(self.apply)
        self.state = QLabel(self)
        self.state.setObjectName("forwardState")
        # long states must not widen the window: the label takes what room there is
        self.state.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state.setMinimumWidth(120)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 4)
        lay.addWidget(QLabel("Forward accepted requests to", self))
        lay.addWidget(self.url, 2)
        lay.addWidget(self.button)
        lay.addWidget(self.state, 3)
        self.status: Callable[[], str] = lambda: ""

    def set_url(self, url: str | None) -> None:
        self.url.setText(url or "")
        self.refresh()

    def apply(self) -> None:
        text = self.url.text().strip()
        if not text:
            self.changed.emit(None)
            self.refresh()
            return
        try:
            url = check_url(text)
        except ForwardUrlError as exc:
            self.state.setText(f"<span style='color:#d64541'>{exc}</span>")
            return
        self.url.setText(url)
        self.changed.emit(url)
        self.refresh()

    def refresh(self) -> None:
        text = self.status()
        self.state.setText(text)
        self.state.setToolTip(text)
