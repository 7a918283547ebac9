"""The filter bar: query language input with error underline, autocomplete and history."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.gui import domain_bridge

_TOKEN = re.compile(r'(-?)([\w$@][\w$@.\-]*:)?("[^"]*|[^\s()"]*)$')


def quote_value(value: str) -> str:
    if value and re.fullmatch(r"[^\s()\"/<>\-:][^\s()\":]*", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class QueryEdit(QLineEdit):
    """A line edit that draws a red squiggle from the error column to the end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error_column: int | None = None

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.error_column is None:
            return
        text = self.text()
        col = max(0, min(len(text), self.error_column - 1))
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor("#e0453a"), 1.4))
        r = self.cursorRect()
        fm = self.fontMetrics()
        margins = self.textMargins()
        x0 = self.contentsRect().x() + margins.left() + 2 + fm.horizontalAdvance(text[:col])
        x1 = max(x0 + 10, x0 + fm.horizontalAdvance(text[col:]))
        x0 -= self._scroll_offset(fm, text)
        x1 -= self._scroll_offset(fm, text)
        y = r.bottom() + 1
        path = QPainterPath()
        path.moveTo(x0, y)
        x, up = x0, True
        while x < x1:
            x += 3
            path.lineTo(x, y - 2 if up else y)
            up = not up
        p.drawPath(path)

    def _scroll_offset(self, fm: Any, text: str) -> int:
        # QLineEdit scrolls when the text is wider than the box; approximate from the cursor
        cur_x = self.cursorRect().center().x()
        expected = (
            self.contentsRect().x()
            + self.textMargins().left()
            + 2
            + fm.horizontalAdvance(text[: self.cursorPosition()])
        )
        return max(0, expected - cur_x)


class FilterBar(QWidget):
    queryChanged = Signal(object, str)  # parsed query (None: no filter), text

    def __init__(
        self, values_for: Callable[[str], list[str]] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._values_for = values_for or (lambda f: [])
        self._mod = domain_bridge.query_module()
        self.history: list[str] = []
        self.edit = QueryEdit(self)
        self.edit.setObjectName("filterEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(
            'Filter — e.g.  type:track event:"Order Completed"  -userId:test*  rule:E001'
        )
        self.hist_btn = QToolButton(self)
        self.hist_btn.setText("Recent ▾")
        # Fusion draws its menu arrow over the text's last letters: the ▾ replaces it
        self.hist_btn.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.hist_btn.setToolTip("Recent filters")
        self.hist_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.hist_btn.setMenu(QMenu(self.hist_btn))
        self.hist_btn.menu().aboutToShow.connect(self._fill_history)
        self.message = QLabel(self)
        self.message.setObjectName("filterMessage")
        self.message.setStyleSheet("color: #d64541; padding-left: 4px;")
        self.message.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.hist_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 2)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.message)
        if self._mod is None:
            self.edit.setEnabled(False)
            self.edit.setPlaceholderText("Filtering is not available (query module missing)")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply)
        self.edit.textEdited.connect(self._edited)
        self.edit.returnPressed.connect(self._commit)
        self._completer_model = QStringListModel(self)
        self.completer = QCompleter(self._completer_model, self)
        self.completer.setWidget(self.edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated.connect(self._insert_completion)
        self._applied: str | None = None
        self.error: str | None = None

    # -- applying -------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str, apply: bool = True) -> None:
        self.edit.setText(text)
        if apply:
            self._commit()

    def _edited(self, _text: str) -> None:
        self._debounce.start()
        self._complete()

    def _commit(self) -> None:
        self._debounce.stop()
        if self.apply() and self.text().strip():
            self._remember(self.text().strip())

    def apply(self) -> bool:
        text = self.text()
        if self._mod is None:
            return False
        if not text.strip():
            self._set_error(None, None)
            if self._applied:
                self._applied = ""
                self.queryChanged.emit(None, "")
            return True
        try:
            q = self._mod.parse(text)
        except Exception as exc:  # QueryError, or a bug in the parser: never crash
            col = getattr(exc, "column", None)
            self._set_error(str(exc) or exc.__class__.__name__, col if col else 1)
            return False
        self._set_error(None, None)
        if text != self._applied:
            self._applied = text
            self.queryChanged.emit(q, text)
        return True

    def _set_error(self, message: str | None, column: int | None) -> None:
        self.error = message
        self.edit.error_column = column
        self.message.setText(message or "")
        self.message.setVisible(bool(message))
        self.edit.setToolTip(message or "")
        self.edit.update()

    def add_term(self, term: str) -> None:
        """Append ``term`` (e.g. ``userId:u1`` or ``-event:X``) and apply."""
        cur = self.text().strip()
        self.set_text(f"{cur} {term}".strip())

    # -- history --------------------------------------------------------------------------
    def _remember(self, text: str) -> None:
        self.history = [text, *[h for h in self.history if h != text]][:15]

    def _fill_history(self) -> None:
        menu = self.hist_btn.menu()
        menu.clear()
        if not self.history:
            menu.addAction("No recent filters").setEnabled(False)
        for h in self.history:
            menu.addAction(h, lambda h=h: self.set_text(h))

    # -- autocomplete ---------------------------------------------------------------------
    def _token(self) -> tuple[str, str, str, int]:
        before = self.edit.text()[: self.edit.cursorPosition()]
        m = _TOKEN.search(before)
        if not m:
            return "", "", "", len(before)
        return m.group(1), m.group(2) or "", m.group(3), m.start()

    def _complete(self) -> None:
        neg, field, value, _start = self._token()
        if field:
            name = field[:-1]
            vals = self._values_for(name)
            cands = [f"{neg}{field}{quote_value(v)}" for v in vals]
            prefix = f"{neg}{field}{value}"
        else:
            if not value or value.startswith('"'):
                self.completer.popup().hide()
                return
            cands = [
                f"{neg}{f}" if f.endswith((":", ".")) else f"{neg}{f}:"
                for f in domain_bridge.query_fields()
            ]
            prefix = f"{neg}{value}"
        self._completer_model.setStringList(cands)
        self.completer.setCompletionPrefix(prefix)
        if self.completer.completionCount() and not (
            self.completer.completionCount() == 1 and self.completer.currentCompletion() == prefix
        ):
            r = self.edit.cursorRect()
            r.setWidth(320)
            self.completer.complete(r)
        else:
            self.completer.popup().hide()

    def _insert_completion(self, completion: str) -> None:
        _neg, _field, _value, start = self._token()
        text = self.edit.text()
        pos = self.edit.cursorPosition()
        new = text[:start] + completion + text[pos:]
        self.edit.setText(new)
        self.edit.setCursorPosition(start + len(completion))
        if not completion.endswith((":", ".")):
            self._debounce.start()
