"""A non-modal message strip above the table (port busy, read-only session, exposed address)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from inspector.gui.theme import is_dark

STYLES = {
    "error": "background:#fdecea; color:#8a1c12; border-bottom:1px solid #f5c2bd;",
    "warning": "background:#fff4d6; color:#6b4e00; border-bottom:1px solid #f0d58a;",
    "info": "background:#e8f1fd; color:#173f73; border-bottom:1px solid #bcd3f3;",
}
DARK_STYLES = {
    "error": "background:#4a1f1c; color:#ffd7d2; border-bottom:1px solid #6b2b26;",
    "warning": "background:#473812; color:#ffe7a3; border-bottom:1px solid #6b5619;",
    "info": "background:#1c3352; color:#d6e6ff; border-bottom:1px solid #2c4d78;",
}


class Banner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self._lay = QHBoxLayout(self)
        self._lay.setContentsMargins(10, 6, 6, 6)
        self._lay.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
        self.close_btn = QToolButton(self)
        self.close_btn.setText("✕")
        self.close_btn.setAutoRaise(True)
        self.close_btn.setToolTip("Dismiss")
        self.close_btn.clicked.connect(self.hide)
        self._lay.addWidget(self.close_btn)
        self.kind = ""
        self.hide()

    def show_message(
        self,
        kind: str,
        text: str,
        actions: list[tuple[str, Callable[[], None]]] | None = None,
        closable: bool = True,
    ) -> None:
        self.kind = kind
        self.restyle()
        self.label.setText(text)
        for b in self._buttons:
            b.deleteLater()
        self._buttons = []
        for label, fn in actions or []:
            b = QPushButton(label, self)
            b.clicked.connect(fn)
            self._lay.insertWidget(self._lay.count() - 1, b)
            self._buttons.append(b)
        self.close_btn.setVisible(closable)
        self.show()

    def restyle(self) -> None:
        styles = DARK_STYLES if is_dark() else STYLES
        self.setStyleSheet(f"#banner {{{styles.get(self.kind, styles['info'])}}}")

    @property
    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)
