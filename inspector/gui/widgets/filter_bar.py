"""The filter bar: query language input with error underline, autocomplete and history."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.query import COMMON_PATHS, FIELDS, Query, QueryError, compile_query

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
        return max(0, int(expected - cur_x))


class FilterBar(QWidget):
    """The query input. It never pretends: while the text does not parse, the table keeps the
    last valid filter's rows and :attr:`stale` says so (``staleChanged``); a valid filter that
    cannot match what the session holds gets a hint (``hints_for``); only filters that were
    executed (Enter, or picked from a list or the window) become recent (``committed``); what
    applies while typing does not."""

    queryChanged = Signal(object, str)  # parsed query (None: no filter), text
    staleChanged = Signal(bool)  # the rows shown belong to an earlier (valid) query
    committed = Signal(str)  # an executed, valid filter (remember it)

    def __init__(
        self, values_for: Callable[[str], list[str]] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._values_for = values_for or (lambda f: [])
        self.paths_for: Callable[[], list[str]] = lambda: []
        self.hints_for: Callable[[Query], list[Any]] = lambda q: []
        self.history: list[str] = []
        self.edit = QueryEdit(self)
        self.edit.setObjectName("filterEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(
            'Filter — e.g.  type:track event:"Order Completed"  -userId:test*  rule:E001'
        )
        self.edit.installEventFilter(self)
        self.hist_btn = QToolButton(self)
        self.hist_btn.setText("Recent ▾")
        # Fusion draws its menu arrow over the text's last letters: the ▾ replaces it
        self.hist_btn.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.hist_btn.setToolTip("Recent filters (the ones you ran)")
        self.hist_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.hist_btn.setMenu(QMenu(self.hist_btn))
        self.hist_btn.menu().aboutToShow.connect(self._fill_history)
        self.message = QLabel(self)
        self.message.setObjectName("filterMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
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
        self.completer.setMaxVisibleItems(12)
        self.completer.activated.connect(self._insert_completion)
        self._applied = ""  # the text of the query the table shows ("" = every event)
        self.error: str | None = None
        self.hints: list[str] = []
        self.stale = False

    # -- applying -------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    @property
    def applied_text(self) -> str:
        return self._applied

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
        """Apply the text if it parses (True); else keep the last valid query, marked stale."""
        text = self.text()
        if not text.strip():
            self._show(None, None, [])
            self._set_stale(False)
            if self._applied:
                self._applied = ""
                self.queryChanged.emit(None, "")
            return True
        try:
            q = compile_query(text).query  # the one door; the feed compiles it for its person
        except QueryError as exc:
            self._show(str(exc), exc.column or 1, [])
            self._set_stale(text.strip() != self._applied.strip())
            return False
        except Exception as exc:  # a bug in the parser: said, never a crash
            self._show(f"cannot read this filter: {exc!r}", 1, [])
            self._set_stale(text.strip() != self._applied.strip())
            return False
        if text != self._applied:
            self._applied = text
            self.queryChanged.emit(q, text)
        self._set_stale(False)
        try:
            found = [getattr(h, "text", str(h)) for h in self.hints_for(q)]
        except Exception:  # hints are help, never a reason to fail
            found = []
        self._show(None, None, found)
        return True

    def _set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self.staleChanged.emit(stale)

    def _show(self, error: str | None, column: int | None, hints: list[str]) -> None:
        self.error = error
        self.hints = hints
        self.edit.error_column = column
        if error:
            shown = self._applied.strip()
            where = (
                f"the table still shows the rows of the last valid filter: {shown}"
                if shown
                else "the table still shows every event (no valid filter yet)"
            )
            text = f"{error} — {where}. Esc restores it."
            color = "#d64541"
        else:
            text = "\n".join(f"⚠ {h}" for h in hints)
            color = "#b36b00"
        self.message.setStyleSheet(f"color: {color}; padding-left: 4px;")
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.edit.setToolTip(text)
        self.edit.update()

    def restore(self) -> None:
        """Back to the query the table shows (Esc while the text does not parse)."""
        self._debounce.stop()
        self.edit.setText(self._applied)
        self.apply()

    def eventFilter(self, obj: Any, event: Any) -> bool:
        if (
            obj is self.edit
            and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and event.key() == Qt.Key.Key_Escape
            and not self._popup().isVisible()
            and self.text() != self._applied
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # Esc is ours here, not the window's shortcut
                return True
            self.restore()
            return True
        return super().eventFilter(obj, event)

    def add_term(self, term: str) -> None:
        """Append ``term`` (e.g. ``userId:u1`` or ``-event:X``) and apply."""
        cur = self.text().strip()
        self.set_text(f"{cur} {term}".strip())

    # -- history --------------------------------------------------------------------------
    def _remember(self, text: str) -> None:
        if self.history[:1] != [text]:
            self.history = [text, *[h for h in self.history if h != text]][:15]
        self.committed.emit(text)

    def _fill_history(self) -> None:
        menu = self.hist_btn.menu()
        menu.clear()
        if not self.history:
            menu.addAction("No recent filters").setEnabled(False)
        for h in self.history:
            menu.addAction(h, partial(self.set_text, h))

    # -- autocomplete ---------------------------------------------------------------------
    def _token(self) -> tuple[str, str, str, int]:
        before = self.edit.text()[: self.edit.cursorPosition()]
        m = _TOKEN.search(before)
        if not m:
            return "", "", "", len(before)
        return m.group(1), m.group(2) or "", m.group(3), m.start()

    def candidates(self) -> tuple[list[str], str]:
        """What the completer offers for the token at the cursor, and the typed prefix."""
        neg, field, value, _start = self._token()
        if field:
            vals = self._values_for(field[:-1])
            return [f"{neg}{field}{quote_value(v)}" for v in vals], f"{neg}{field}{value}"
        if not value or value.startswith('"'):
            return [], ""
        names = [*FIELDS, *COMMON_PATHS]
        try:
            seen = self.paths_for()
        except Exception:
            seen = []
        have = set(names)
        names += [p for p in seen if p not in have]
        cands = [f"{neg}{f}" if f.endswith((":", ".")) else f"{neg}{f}:" for f in names]
        return cands, f"{neg}{value}"

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # a QCompleter makes its popup with it
        return popup

    def _complete(self) -> None:
        cands, prefix = self.candidates()
        if not cands:
            self._popup().hide()
            return
        self._completer_model.setStringList(cands)
        self.completer.setCompletionPrefix(prefix)
        if self.completer.completionCount() and not (
            self.completer.completionCount() == 1 and self.completer.currentCompletion() == prefix
        ):
            r = self.edit.cursorRect()
            r.setWidth(360)
            self.completer.complete(r)
        else:
            self._popup().hide()

    def _insert_completion(self, completion: str) -> None:
        _neg, _field, _value, start = self._token()
        text = self.edit.text()
        pos = self.edit.cursorPosition()
        new = text[:start] + completion + text[pos:]
        self.edit.setText(new)
        self.edit.setCursorPosition(start + len(completion))
        if not completion.endswith((":", ".")):
            self._commit()  # a value picked from the list: run it
        else:
            self._complete()  # a field was picked: offer its values right away
