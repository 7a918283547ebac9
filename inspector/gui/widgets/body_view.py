"""Showing a request body: the event marked inside its batch, a caret at a JSON error.

:class:`BodyView` is a read-only monospace text view with two marks: a highlighted range (one
event of a batch, scrolled into view) and a JSON error (the character highlighted, and a line
under it with a caret and the parser's message).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent
from inspector.gui.theme import is_dark

ERROR_RED = "#d64541"


def batch_item_span(pretty: str, index: int) -> tuple[int, int] | None:
    """Where item ``index`` of ``"batch"`` is in a body pretty printed with two-space indents
    (what :func:`jsoncodec.pretty` writes): ``(start, end)`` character offsets, or None."""
    lines = pretty.split("\n")
    offsets = []
    at = 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    try:
        first = lines.index('  "batch": [')
    except ValueError:
        return None
    starts: list[int] = []
    end_line = None
    for n in range(first + 1, len(lines)):
        line = lines[n]
        if line in ("  ]", "  ],"):
            end_line = n
            break
        if line.startswith("    {"):  # an item (batch items are objects)
            starts.append(n)
    if end_line is None or index >= len(starts):
        return None
    last = starts[index + 1] - 1 if index + 1 < len(starts) else end_line - 1
    return offsets[starts[index]], offsets[last] + len(lines[last])


def json_error(body: str) -> tuple[int, int, str] | None:
    """``(line, column, message)`` of the JSON error in ``body`` (one that looks like JSON)."""
    if body.lstrip()[:1] not in ("{", "["):
        return None
    try:
        jsoncodec.loads(body)
    except jsoncodec.JSONDecodeError as exc:
        if exc.line and exc.column:
            return exc.line, exc.column, str(exc)
    except (ValueError, RecursionError):
        return None
    return None


class BodyView(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.mark: tuple[int, int] | None = None  # the highlighted range, if any
        self.error_at: int | None = None  # character position of a JSON error, if any

    def show_text(
        self,
        text: str,
        *,
        body_at: int = 0,
        mark: tuple[int, int] | None = None,
        error: tuple[int, int, str] | None = None,
    ) -> None:
        """Show ``text``; ``mark`` and ``error`` (line, column, message) are relative to the
        body, which starts at character ``body_at``."""
        self.mark = self.error_at = None
        caret_line = None
        if error is not None:
            line, col, message = error
            lines = text[body_at:].split("\n")
            if 1 <= line <= len(lines):
                before = sum(len(x) + 1 for x in lines[: line - 1])
                col = max(1, min(col, len(lines[line - 1]) + 1))
                self.error_at = body_at + before + col - 1
                caret = " " * (col - 1) + "^ " + message
                lines.insert(line, caret)
                caret_line = body_at + before + len(lines[line - 1]) + 1
                text = text[:body_at] + "\n".join(lines)
                if mark is not None and mark[0] >= self.error_at:  # after the inserted line
                    mark = (mark[0] + len(caret) + 1, mark[1] + len(caret) + 1)
        self.setPlainText(text)
        sels = []
        if mark is not None:
            self.mark = (body_at + mark[0], body_at + mark[1])
            sels.append(self._selection(*self.mark, background=self._mark_color()))
        if self.error_at is not None and caret_line is not None:
            end = text.find("\n", caret_line)
            sels.append(self._selection(caret_line, len(text) if end < 0 else end, fg=ERROR_RED))
            sels.append(
                self._selection(self.error_at, self.error_at + 1, background=QColor(ERROR_RED))
            )
        self.setExtraSelections(sels)
        target = self.error_at if self.error_at is not None else (self.mark or (None,))[0]
        cur = self.textCursor()
        cur.setPosition(0)
        self.setTextCursor(cur)
        if target is not None:
            # the end first, then the start: the whole range is shown when it fits
            if self.mark is not None and self.error_at is None:
                cur.setPosition(self.mark[1])
                self.setTextCursor(cur)
                self.ensureCursorVisible()
            cur.setPosition(target)
            self.setTextCursor(cur)
            self.centerCursor() if self.mark is None else self.ensureCursorVisible()

    def _mark_color(self) -> QColor:
        return QColor("#3a3320") if is_dark() else QColor("#fff4c2")

    def _selection(
        self, start: int, end: int, *, background: QColor | None = None, fg: str | None = None
    ) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cur = QTextCursor(self.document())
        cur.setPosition(start)
        cur.setPosition(min(end, len(self.toPlainText())), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cur
        fmt = QTextCharFormat()
        if background is not None:
            fmt.setBackground(background)
        if fg is not None:
            fmt.setForeground(QColor(fg))
        sel.format = fmt
        return sel


def show_raw(view: BodyView, text: str, body: str, ev: CapturedEvent | None) -> None:
    """The Raw view of an event (``text`` ends with ``body``, the request body as shown):
    the event's item is marked when it came in a batch; a JSON error gets its caret."""
    at = len(text) - len(body)
    mark = None
    if ev is not None and ev.batch_size > 1:
        mark = batch_item_span(body, ev.batch_index)
    view.show_text(text, body_at=at, mark=mark, error=json_error(body))
