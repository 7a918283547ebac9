"""Edit and resend: change a request's target, method, path, headers or body, then send it."""

from __future__ import annotations

import contextlib

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector.domain import jsoncodec
from inspector.domain.replay import Outgoing

METHODS = ("POST", "PUT", "GET")


def parse_headers(text: str) -> tuple[dict[str, str], str | None]:
    """``Name: value`` lines; the error names the first line that is not one."""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
            return out, f"header line {n} is not 'Name: value'"
        out[name.strip()] = value.strip()
    return out, None


class EditResendDialog(QDialog):
    def __init__(
        self,
        req: Outgoing,
        here: str,
        forward: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editResendDialog")
        self.setWindowTitle("Edit and resend")
        self.resize(720, 560)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.target = QComboBox(self)
        self.target.addItem(f"This collector — {here}", here)
        if forward:
            self.target.addItem(f"Forward URL — {forward}", forward)
        self.method = QComboBox(self)
        self.method.addItems(METHODS if req.method in METHODS else (req.method, *METHODS))
        self.method.setCurrentText(req.method)
        self.path = QLineEdit(req.target, self)
        self.headers = QPlainTextEdit(self)
        self.headers.setFont(mono)
        self.headers.setPlainText("\n".join(f"{k}: {v}" for k, v in req.headers.items()))
        self.body = QPlainTextEdit(self)
        self.body.setFont(mono)
        self.binary = False
        try:
            text = req.body.decode("utf-8")
            # pretty for editing; sent as edited
            with contextlib.suppress(jsoncodec.JSONDecodeError, ValueError, RecursionError):
                text = jsoncodec.pretty(jsoncodec.loads(req.body)) if text.strip() else text
            self.body.setPlainText(text)
        except UnicodeDecodeError:
            self.binary = True
            self.body.setPlainText(f"({len(req.body):,} bytes that are not text: sent as they are)")
            self.body.setReadOnly(True)
        self.original = req
        self.error = QLabel(self)
        self.error.setStyleSheet("color:#d64541")
        self.body.textChanged.connect(self._check)
        self.headers.textChanged.connect(self._check)
        form = QFormLayout()
        form.addRow("Send to", self.target)
        form.addRow("Method", self.method)
        form.addRow("Path", self.path)
        form.addRow("Headers", self.headers)
        form.addRow("Body", self.body)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Send")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form, 1)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        """Say what is wrong (bad header lines, a body that is not JSON) before sending; a
        body that is not JSON can still be sent (that is how a 400 is tried)."""
        _, err = parse_headers(self.headers.toPlainText())
        if err is None and not self.binary:
            text = self.body.toPlainText()
            if text.strip()[:1] in ("{", "["):
                try:
                    jsoncodec.loads(text.encode())
                except jsoncodec.JSONDecodeError as exc:
                    err = f"the body is not JSON (line {exc.line}, column {exc.column}): {exc}"
        self.error.setText(err or "")
        headers_ok = parse_headers(self.headers.toPlainText())[1] is None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(headers_ok)

    def edited(self) -> tuple[Outgoing, str]:
        """The request as edited, and the base URL to send it to."""
        headers, _ = parse_headers(self.headers.toPlainText())
        body = self.original.body if self.binary else self.body.toPlainText().encode()
        path = self.path.text().strip() or "/"
        if not path.startswith("/"):
            path = "/" + path
        req = Outgoing(self.method.currentText(), path, headers, body)
        return req, str(self.target.currentData())
