"""Uncaught exceptions: logged to a file under the log dir and shown with a copyable traceback."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector import paths
from inspector.collector.failsafe import MaskingFormatter
from inspector.domain.private_files import open_private

log = logging.getLogger("inspector.gui")
LOG_NAME = "event-inspector.log"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The window's log, readable by its owner only (it may quote captured data), after each
    rotation too; what it writes is masked (:class:`MaskingFormatter`)."""

    def _open(self) -> Any:
        return open_private(self.baseFilename, append="a" in self.mode)


def setup_logging(log_dir: Path | None = None) -> Path:
    d = log_dir or paths.log_dir()
    d.mkdir(parents=True, exist_ok=True)
    path = d / LOG_NAME
    root = logging.getLogger()
    if not any(getattr(h, "_inspector", False) for h in root.handlers):
        h = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        h.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        h._inspector = True  # type: ignore[attr-defined]
        root.addHandler(h)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
    return path


class ErrorDialog(QDialog):
    def __init__(
        self, summary: str, details: str, log_path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle("Event Inspector — unexpected error")
        self.resize(720, 440)
        msg = QLabel(
            f"<b>Something went wrong:</b> {summary}<br>"
            "The collector keeps running. Please report this with the traceback below."
            + (f"<br><span style='color:gray'>Logged to {log_path}</span>" if log_path else "")
        )
        msg.setWordWrap(True)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy traceback", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(msg)
        lay.addWidget(self.text, 1)
        lay.addWidget(buttons)


class ExceptionHandler:
    """``sys.excepthook`` and the asyncio loop's handler: log, then show a dialog (non-modal)."""

    def __init__(self, log_path: Path | None) -> None:
        self.log_path = log_path
        self.dialogs: list[ErrorDialog] = []
        self._prev = sys.excepthook

    def install(self, loop: Any = None) -> None:
        sys.excepthook = self.excepthook
        if loop is not None:
            loop.set_exception_handler(self.loop_handler)

    def uninstall(self) -> None:
        sys.excepthook = self._prev

    def excepthook(
        self, etype: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(etype, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(etype, value, tb))
        self.report(f"{etype.__name__}: {value}", details)

    def loop_handler(self, loop: Any, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None:
            log.warning("asyncio: %s", context.get("message"))
            return
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.report(f"{type(exc).__name__}: {exc}", details)

    def report(self, summary: str, details: str) -> None:
        log.error("uncaught exception: %s\n%s", summary, details)
        if QApplication.instance() is None:
            sys.stderr.write(details)
            return
        dlg = ErrorDialog(summary, details, self.log_path, QApplication.activeWindow())
        self.dialogs.append(dlg)
        dlg.finished.connect(
            lambda _r, d=dlg: self.dialogs.remove(d) if d in self.dialogs else None
        )
        dlg.show()
