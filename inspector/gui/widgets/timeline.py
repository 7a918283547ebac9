"""A person's merged timeline: one lane per identifier, events as marks in arrival order,
merge points where identify/alias joined lanes. Clicking a mark selects the event."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsScene,
    QGraphicsView,
)

from inspector.gui.theme import TYPE_COLORS, is_dark

LANE_H, LABEL_W, STEP, MARK = 44, 230, 34, 14


class MarkItem(QGraphicsEllipseItem):
    def __init__(self, mark: dict[str, Any], view: TimelineView) -> None:
        super().__init__(-MARK / 2, -MARK / 2, MARK, MARK)
        self.mark = mark
        self._view = view
        self.setBrush(QBrush(QColor(TYPE_COLORS.get(mark.get("type", ""), "#7f8c8d"))))
        self.setPen(QPen(QColor("white"), 1.5))
        label = mark.get("label")
        self.setToolTip(
            f"{mark.get('type')}{' · ' + label if label else ''}\n{mark.get('time')}"
            f"\nevent #{mark.get('eventId')} — click to select it in the table"
        )
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(3)
        self.setAcceptHoverEvents(True)

    def mousePressEvent(self, event: Any) -> None:
        self._view.eventClicked.emit(int(self.mark.get("eventId", 0)))
        event.accept()


class TimelineView(QGraphicsView):
    eventClicked = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.marks: list[MarkItem] = []
        self.merge_items: list[Any] = []
        self.data: dict[str, Any] = {}

    def set_timeline(self, tl: dict[str, Any], upto_seq: int | None = None) -> None:
        scene = self.scene()
        scene.clear()
        self.marks, self.merge_items = [], []
        self.data = tl
        dark = is_dark()
        fg = QColor("#e0e0e0") if dark else QColor("#1d1d1f")
        lanes = tl.get("lanes", [])
        if not lanes:
            t = scene.addSimpleText("Select a person to see the merged timeline.")
            t.setBrush(QColor("#888"))
            scene.setSceneRect(scene.itemsBoundingRect())
            return
        seqs = sorted(
            {m["seq"] for lane in lanes for m in lane.get("marks", [])}
            | {e["seq"] for e in tl.get("merges", []) + tl.get("edges", [])}
        )
        avail = self.viewport().width() - LABEL_W - 60
        step = max(STEP, min(90, avail / max(1, len(seqs))))
        xpos = {s: LABEL_W + 20 + i * step for i, s in enumerate(seqs)}
        width = LABEL_W + 40 + len(seqs) * step
        small = QFont()
        small.setPointSizeF(8)
        for li, lane in enumerate(lanes):
            y = li * LANE_H + LANE_H / 2 + 18
            band = scene.addRect(
                QRectF(0, y - LANE_H / 2, width, LANE_H),
                QPen(Qt.PenStyle.NoPen),
                QBrush(
                    QColor(255, 255, 255, 10 if dark else 0)
                    if li % 2
                    else QColor(127, 127, 127, 22)
                ),
            )
            band.setZValue(0)
            kind = lane.get("kind", "")
            text = f"{kind}: {lane.get('value', '')}"
            text = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, LABEL_W - 34)
            t = scene.addSimpleText(text + ("  ★" if lane.get("canonical") else ""))
            t.setBrush(fg)
            t.setPos(8, y - t.boundingRect().height() / 2)
            t.setToolTip(f"{kind}: {lane.get('value')}")
            scene.addLine(LABEL_W, y, width, y, QPen(QColor(127, 127, 127, 110), 1))
            for m in lane.get("marks", []):
                item = MarkItem(m, self)
                item.setPos(xpos[m["seq"]], y)
                if upto_seq is not None and m["seq"] > upto_seq:
                    item.setOpacity(0.18)
                scene.addItem(item)
                self.marks.append(item)
        for e in tl.get("merges", []) + tl.get("edges", []):
            self._merge(e, xpos, upto_seq, small)
        # time axis: first and last time, under the lanes
        all_marks = sorted(
            (m for lane in lanes for m in lane.get("marks", [])), key=lambda m: m["seq"]
        )
        if all_marks:
            y = len(lanes) * LANE_H + 30
            for m in (all_marks[0], all_marks[-1]):
                t = scene.addSimpleText(str(m.get("time", ""))[11:23])
                t.setFont(small)
                t.setBrush(QColor("#888"))
                t.setPos(xpos[m["seq"]] - 30, y)
        if upto_seq is not None:
            xs = [x for s, x in xpos.items() if s <= upto_seq]
            if xs:
                x = max(xs) + step / 2
                scene.addLine(
                    x,
                    0,
                    x,
                    len(lanes) * LANE_H + 22,
                    QPen(QColor("#e67e22"), 1.5, Qt.PenStyle.DashLine),
                )
        lx = 8.0
        ly = len(lanes) * LANE_H + 70
        for typ, col in TYPE_COLORS.items():
            dot = scene.addEllipse(
                QRectF(lx, ly + 3, 10, 10), QPen(Qt.PenStyle.NoPen), QBrush(QColor(col))
            )
            dot.setZValue(1)
            lt = scene.addSimpleText(typ)
            lt.setFont(small)
            lt.setBrush(QColor("#888"))
            lt.setPos(lx + 14, ly)
            lx += 28 + lt.boundingRect().width()
        t = scene.addSimpleText(
            "Marks are events in arrival order (colour = call type); "
            "vertical links are identify/alias merges, dashed = not merged."
        )
        t.setFont(small)
        t.setBrush(QColor("#888"))
        t.setPos(8, len(lanes) * LANE_H + 48)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-6, -6, 12, 12))

    def _merge(
        self, e: dict[str, Any], xpos: dict[int, float], upto: int | None, font: QFont
    ) -> None:
        lanes = [i for i in e.get("lanes", []) if i is not None]
        if len(lanes) < 2 or e.get("seq") not in xpos:
            return
        x = xpos[e["seq"]]
        y1, y2 = (min(lanes) * LANE_H + LANE_H / 2 + 18, max(lanes) * LANE_H + LANE_H / 2 + 18)
        applied = e.get("verdict") == "applied"
        color = QColor("#3c8c5a" if applied else "#d64541")
        pen = QPen(color, 2.4 if applied else 1.6)
        if not applied:
            pen.setStyle(Qt.PenStyle.DashLine)
        line = self.scene().addLine(x + 9, y1, x + 9, y2, pen)
        tip = (
            f"{e.get('call')} {e.get('verdict')}"
            + (f": {e.get('reason')}" if e.get("reason") else "")
            + f"\n{e.get('time', '')}"
        )
        line.setToolTip(tip)
        line.setZValue(2)
        if upto is not None and e["seq"] > upto:
            line.setOpacity(0.18)
        for y in (y1, y2):
            d = self.scene().addRect(QRectF(x + 5, y - 4, 8, 8), QPen(color), QBrush(color))
            d.setTransformOriginPoint(x + 9, y)
            d.setRotation(45)
            d.setZValue(2)
            d.setToolTip(tip)
        self.merge_items.append(line)

    def render_png(self, path: str) -> bool:
        rect = self.scene().sceneRect()
        img = QImage(int(rect.width() * 2), int(rect.height() * 2), QImage.Format.Format_ARGB32)
        img.fill(QColor("#1e1f22") if is_dark() else QColor("white"))
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scene().render(p, QRectF(img.rect()), rect)
        p.end()
        return img.save(path)
