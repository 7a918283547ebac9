"""Painted cells: a coloured pill for the call type, a round badge for the lint level."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from inspector.gui.models.events_model import LINT_ROLE
from inspector.gui.theme import LINT_COLORS, LINT_LETTER, type_color

Index = QModelIndex | QPersistentModelIndex


def _background(painter: QPainter, option: QStyleOptionViewItem) -> None:
    style = option.widget.style() if option.widget else None
    if style is not None:
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )


class TypeBadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _background(painter, option)
        text = index.data() or ""
        if not text:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        f = QFont(option.font)
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1))
        f.setBold(True)
        painter.setFont(f)
        fm = painter.fontMetrics()
        w = fm.horizontalAdvance(text) + 14
        h = min(option.rect.height() - 6, fm.height() + 4)
        r = QRectF(option.rect.x() + 4, option.rect.center().y() - h / 2 + 0.5, w, h)
        c = type_color(text)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(c)
        painter.drawRoundedRect(r, h / 2, h / 2)
        painter.setPen(QColor("white"))
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class LintBadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _background(painter, option)
        level = index.data(LINT_ROLE) or 0
        if not level:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        f = QFont(option.font)
        f.setBold(True)
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1))
        painter.setFont(f)
        text = index.data() or ""
        fm = painter.fontMetrics()
        h = min(option.rect.height() - 6, fm.height() + 2)
        r = QRectF(option.rect.x() + 4, option.rect.center().y() - h / 2 + 0.5, h, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(LINT_COLORS[level]))
        painter.drawEllipse(r)
        painter.setPen(QColor("white"))
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, LINT_LETTER[level])
        pen = option.palette.color(option.palette.ColorRole.Text)
        if option.state & QStyle.StateFlag.State_Selected:
            pen = option.palette.color(option.palette.ColorRole.HighlightedText)
        painter.setPen(pen)
        f.setBold(False)
        painter.setFont(f)
        tr = option.rect.adjusted(int(h) + 10, 0, 0, 0)
        if fm.horizontalAdvance(text) <= tr.width():  # narrow: the badge alone (tooltip says)
            painter.drawText(tr, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        painter.restore()


class DupBadgeDelegate(QStyledItemDelegate):
    """A small grey "dup" pill on rows whose messageId arrived before."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _background(painter, option)
        text = index.data() or ""
        if not text:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        f = QFont(option.font)
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1.5))
        f.setBold(True)
        painter.setFont(f)
        fm = painter.fontMetrics()
        w = fm.horizontalAdvance(text) + 10
        h = min(option.rect.height() - 6, fm.height() + 2)
        r = QRectF(option.rect.x() + 3, option.rect.center().y() - h / 2 + 0.5, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#7f8c8d"))
        painter.drawRoundedRect(r, 3, 3)
        painter.setPen(QColor("white"))
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
