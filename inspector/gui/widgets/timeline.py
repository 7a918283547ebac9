"""A person's merged timeline: one lane per identifier, events as marks in the order they
happened (their skew-corrected timestamps), merge points where identify/alias joined lanes.
A click on a mark shows its event (double click: in the Events table).

The lane labels stay at the left and the time axis at the top while the lanes scroll; the
axis has ticks at round times (UTC), placed where those times fall between the events. A new
person starts at the beginning; the same person refreshed keeps its place.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from inspector.domain.private_files import make_private
from inspector.gui.theme import TYPE_COLORS, is_dark

LANE_H, LABEL_W, STEP, MARK, AXIS_H = 40, 236, 30, 14, 34
MERGE_COLORS = {"applied": "#3c8c5a", "blocked": "#d64541"}
OTHER_MERGE = "#8a8a8a"  # redundant, no-op
TICKS = (
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
    3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
)  # fmt: skip
MIN_TICK_PX = 96


def device_letter(i: int) -> str:
    """A, B, … Z, then 27, 28, …: the key of a person's i-th device under its marks."""
    return chr(ord("A") + i) if i < 26 else str(i + 1)


def devices_html(devices: Sequence[str]) -> str:
    if not devices:
        return ""
    keys = " · ".join(
        f"<span style='white-space:nowrap'><b>{device_letter(i)}</b>&nbsp;{html.escape(d)}</span>"
        for i, d in enumerate(devices)
    )
    return f"Devices (the letter under a mark): {keys}"


def legend_html(devices: Sequence[str] = ()) -> str:
    dots = " ".join(f"<span style='color:{c}'>●</span>&nbsp;{t}" for t, c in TYPE_COLORS.items())
    key = devices_html(devices)
    return (key + "<br>" if key else "") + (
        f"Marks: {dots} (hollow: the event also carried this id, or it went to another "
        "person). Lines between lanes: <span style='color:#3c8c5a'><b>solid green</b></span> "
        "= an identify/alias that merged the ids · <span style='color:#d64541'><b>dashed "
        "red</b></span> = a merge that was blocked (reason on hover) · <span "
        "style='color:#8a8a8a'><b>dotted grey</b></span> = redundant or no-op (the ids were "
        "already one person); ◆ marks the two lanes it joined. Left to right: when each event "
        "happened (its timestamp, corrected for clock skew), in UTC; faded marks are not "
        "replayed yet."
    )


def nice_interval(span: float, width_px: float) -> float:
    """The round tick interval that puts ticks about ``MIN_TICK_PX`` apart."""
    want = span * MIN_TICK_PX / max(width_px, 1.0)
    return next((t for t in TICKS if t >= want), TICKS[-1])


def tick_label(t: float, interval: float) -> str:
    st = time.gmtime(t)
    if interval < 1:
        return time.strftime("%H:%M:%S", st) + f".{round(t * 1000) % 1000:03d}"
    if interval >= 86400:
        return time.strftime("%Y-%m-%d", st)
    return time.strftime("%H:%M:%S", st)


def axis_ticks(stops: list[tuple[float, float]], interval: float) -> list[tuple[float, float]]:
    """(time, x) for each round time within the events' span. ``stops`` are (x, time) of the
    events in order; x between two events is interpolated (times made non-decreasing: a
    skew-corrected timestamp may be earlier than the one before)."""
    if not stops:
        return []
    mono: list[tuple[float, float]] = []
    top = -math.inf
    for x, t in stops:
        top = max(top, t)
        mono.append((x, top))
    t0, t1 = mono[0][1], mono[-1][1]
    if t1 - t0 <= 0:
        return [(t0, mono[0][0])]
    out: list[tuple[float, float]] = []
    k = math.ceil(t0 / interval)
    j = 0
    while k * interval <= t1 + 1e-9 and len(out) < 500:
        tick = k * interval
        while j < len(mono) - 1 and mono[j + 1][1] < tick:
            j += 1
        (xa, ta), (xb, tb) = mono[j], mono[min(j + 1, len(mono) - 1)]
        x = xa if tb <= ta else xa + (xb - xa) * (tick - ta) / (tb - ta)
        out.append((tick, x))
        k += 1
    return out


class MarkItem(QGraphicsEllipseItem):
    def __init__(self, mark: dict[str, Any], view: TimelineView) -> None:
        super().__init__(-MARK / 2, -MARK / 2, MARK, MARK)
        self.mark = mark
        self._view = view
        color = QColor(TYPE_COLORS.get(mark.get("type", ""), "#7f8c8d"))
        if mark.get("secondary") or mark.get("otherPerson"):
            self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
            self.setPen(QPen(color, 2.2))
        else:
            self.setBrush(QBrush(color))
            self.setPen(QPen(QColor("white"), 1.5))
        label = mark.get("label")
        other = mark.get("otherPerson")
        device = mark.get("device")
        self.setToolTip(
            f"{mark.get('type')}{' · ' + label if label else ''}\n{mark.get('time')}"
            + (f"\ndevice: {device}" if device else "")
            + (f"\nbelongs to {other}" if other else "")
            + f"\nevent #{mark.get('eventId')} — click: show it here; "
            "double click: select it in the Events table"
        )
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(3)
        self.setAcceptHoverEvents(True)

    def mousePressEvent(self, event: Any) -> None:
        self._view.eventSelected.emit(int(self.mark.get("eventId", 0)))
        event.accept()

    def mouseDoubleClickEvent(self, event: Any) -> None:
        self._view.eventClicked.emit(int(self.mark.get("eventId", 0)))
        event.accept()


class TimelineView(QGraphicsView):
    eventClicked = Signal(int)  # reveal in the Events table
    eventSelected = Signal(int)  # show in the detail pane

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.marks: list[MarkItem] = []
        self.merge_items: list[Any] = []
        self.ticks: list[tuple[float, float]] = []
        self.data: dict[str, Any] = {}
        self.lane_labels: QGraphicsRectItem | None = None
        self.axis: QGraphicsRectItem | None = None
        self._corner: QGraphicsRectItem | None = None
        self._canonical: Any = None
        self.horizontalScrollBar().valueChanged.connect(self._stick)
        self.verticalScrollBar().valueChanged.connect(self._stick)

    # -- drawing --------------------------------------------------------------------------
    def set_timeline(
        self, tl: dict[str, Any], upto_seq: int | None = None, current_seq: int | None = None
    ) -> None:
        same = tl.get("canonical") is not None and tl.get("canonical") == self._canonical
        keep = (self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        self._draw(tl, upto_seq, current_seq)
        if same:
            self.horizontalScrollBar().setValue(keep[0])
            self.verticalScrollBar().setValue(keep[1])
        else:  # another person starts at the beginning
            self._canonical = tl.get("canonical")
            self.horizontalScrollBar().setValue(0)
            self.verticalScrollBar().setValue(0)
        self._stick()

    def _draw(self, tl: dict[str, Any], upto_seq: int | None, current_seq: int | None) -> None:
        scene = self.scene()
        scene.clear()
        self.marks, self.merge_items, self.ticks = [], [], []
        self.lane_labels = self.axis = self._corner = None
        self.data = tl
        dark = is_dark()
        fg = QColor("#e0e0e0") if dark else QColor("#1d1d1f")
        bg = QColor("#1e1f22") if dark else QColor("white")
        lanes = tl.get("lanes", [])
        if not lanes:
            t = scene.addSimpleText("Select a person to see the merged timeline.")
            t.setBrush(QColor("#888"))
            scene.setSceneRect(scene.itemsBoundingRect())
            return
        seq_ts: dict[int, float] = {}
        for lane in lanes:
            for m in lane.get("marks", []):
                seq_ts.setdefault(m["seq"], float(m.get("ts") or 0))
        for e in tl.get("merges", []) + tl.get("edges", []):
            seq_ts.setdefault(e["seq"], float(e.get("ts") or 0))
        # left to right in the order things happened (their timestamps); an event that
        # arrived late (a backfill, an offline queue) sits where it happened
        seqs = sorted(seq_ts, key=lambda s: (seq_ts[s], s))
        avail = self.viewport().width() - LABEL_W - 60
        step = max(STEP, min(90, avail / max(1, len(seqs))))
        xpos = {s: LABEL_W + 24 + i * step for i, s in enumerate(seqs)}
        width = LABEL_W + 48 + len(seqs) * step
        height = AXIS_H + len(lanes) * LANE_H + 8
        small = QFont()
        small.setPointSizeF(8)
        device_key = {d: device_letter(i) for i, d in enumerate(tl.get("devices", []))}

        def lane_y(li: int) -> float:
            return AXIS_H + li * LANE_H + LANE_H / 2

        for li, lane in enumerate(lanes):
            y = lane_y(li)
            band = scene.addRect(
                QRectF(0, y - LANE_H / 2, width, LANE_H),
                QPen(Qt.PenStyle.NoPen),
                QBrush(QColor(127, 127, 127, 26) if li % 2 == 0 else QColor(0, 0, 0, 0)),
            )
            band.setZValue(0)
            scene.addLine(LABEL_W, y, width, y, QPen(QColor(127, 127, 127, 110), 1))
            for m in lane.get("marks", []):
                item = MarkItem(m, self)
                item.setPos(xpos[m["seq"]], y)
                letter = device_key.get(m.get("device", ""))
                if letter:  # which device it came from, under the mark
                    key = QGraphicsSimpleTextItem(letter, item)
                    key.setFont(small)
                    key.setBrush(fg)
                    key.setPos(-key.boundingRect().width() / 2, MARK / 2 - 1)
                if upto_seq is not None and m["seq"] > upto_seq:
                    item.setOpacity(0.18)
                if current_seq is not None and m["seq"] == current_seq:
                    ring = scene.addEllipse(
                        QRectF(-MARK, -MARK, 2 * MARK, 2 * MARK), QPen(QColor("#e67e22"), 2.5)
                    )
                    ring.setPos(xpos[m["seq"]], y)
                    ring.setZValue(2)
                scene.addItem(item)
                self.marks.append(item)
        for e in tl.get("merges", []) + tl.get("edges", []):
            self._merge(e, xpos, lane_y, upto_seq)
        # the time axis: round times at their place between the events
        stops = [(xpos[s], seq_ts[s]) for s in seqs]
        span = max(t for _, t in stops) - min(t for _, t in stops) if stops else 0
        interval = nice_interval(span, max(1.0, width - LABEL_W - 48)) if span > 0 else 1.0
        self.ticks = axis_ticks(stops, interval)
        axis = self.axis = QGraphicsRectItem(QRectF(0, 0, width, AXIS_H))
        axis.setBrush(bg)
        axis.setPen(QPen(QColor(127, 127, 127, 120), 1))
        axis.setZValue(6)
        scene.addItem(axis)
        last_x = -1e9
        grid = QPen(QColor(127, 127, 127, 60), 1, Qt.PenStyle.DotLine)
        for at, x in self.ticks:
            tick = scene.addLine(x, AXIS_H - 8, x, AXIS_H, QPen(QColor("#888"), 1))
            tick.setParentItem(axis)
            line = scene.addLine(x, AXIS_H, x, height - 8, grid)
            line.setZValue(0.5)
            if x - last_x >= MIN_TICK_PX * 0.8:
                lab = scene.addSimpleText(tick_label(at, interval))
                lab.setFont(small)
                lab.setBrush(QColor("#888"))
                lab.setParentItem(axis)
                lab.setPos(x - lab.boundingRect().width() / 2, 6)
                last_x = x
        if current_seq is not None and current_seq in xpos:  # the replay's step
            x = xpos[current_seq]
            scene.addLine(
                x, AXIS_H, x, height - 8, QPen(QColor("#e67e22"), 1.5, Qt.PenStyle.DashLine)
            )
        # lane labels on an opaque strip that stays at the left
        strip = self.lane_labels = QGraphicsRectItem(QRectF(0, AXIS_H, LABEL_W, height - AXIS_H))
        strip.setBrush(bg)
        strip.setPen(QPen(QColor(127, 127, 127, 120), 1))
        strip.setZValue(5)
        scene.addItem(strip)
        fm = self.fontMetrics()
        for li, lane in enumerate(lanes):
            y = lane_y(li)
            kind = lane.get("kind", "")
            text = fm.elidedText(
                f"{kind}: {lane.get('value', '')}", Qt.TextElideMode.ElideMiddle, LABEL_W - 30
            )
            t = scene.addSimpleText(text + ("  ★" if lane.get("canonical") else ""))
            t.setBrush(fg)
            t.setParentItem(strip)
            t.setPos(8, y - t.boundingRect().height() / 2)
            t.setToolTip(f"{kind}: {lane.get('value')}")
        corner = self._corner = QGraphicsRectItem(QRectF(0, 0, LABEL_W, AXIS_H))
        corner.setBrush(bg)
        corner.setPen(QPen(QColor(127, 127, 127, 120), 1))
        corner.setZValue(7)
        scene.addItem(corner)
        ct = scene.addSimpleText("identifier  ·  time (UTC) →")
        ct.setFont(small)
        ct.setBrush(QColor("#888"))
        ct.setParentItem(corner)
        ct.setPos(8, 9)
        scene.setSceneRect(QRectF(0, 0, width + 12, height + 4))

    def _merge(
        self, e: dict[str, Any], xpos: dict[int, float], lane_y: Any, upto: int | None
    ) -> None:
        lanes = [i for i in e.get("lanes", []) if i is not None]
        if len(lanes) < 2 or e.get("seq") not in xpos:
            return
        x = xpos[e["seq"]] + 9
        y1, y2 = lane_y(min(lanes)), lane_y(max(lanes))
        verdict = e.get("verdict")
        color = QColor(MERGE_COLORS.get(str(verdict), OTHER_MERGE))
        pen = QPen(color, 2.4 if verdict == "applied" else 1.8)
        if verdict == "blocked":
            pen.setStyle(Qt.PenStyle.DashLine)
        elif verdict != "applied":
            pen.setStyle(Qt.PenStyle.DotLine)
        line = self.scene().addLine(x, y1, x, y2, pen)
        tip = (
            f"{e.get('call')} {verdict}"
            + (f": {e.get('reason')}" if e.get("reason") else "")
            + f"\n{e.get('time', '')}"
        )
        line.setToolTip(tip)
        line.setZValue(2)
        line.setData(0, verdict)
        if upto is not None and e["seq"] > upto:
            line.setOpacity(0.18)
        for y in (y1, y2):
            d = self.scene().addRect(QRectF(x - 4, y - 4, 8, 8), QPen(color), QBrush(color))
            d.setTransformOriginPoint(x, y)
            d.setRotation(45)
            d.setZValue(2)
            d.setToolTip(tip)
        self.merge_items.append(line)

    # -- sticky labels and axis -----------------------------------------------------------
    def _stick(self, *_args: Any) -> None:
        top_left = self.mapToScene(0, 0)
        x, y = max(0.0, top_left.x()), max(0.0, top_left.y())
        if self.lane_labels is not None:
            self.lane_labels.setPos(x, 0)
        if self.axis is not None:
            self.axis.setPos(0, y)
        if self._corner is not None:
            self._corner.setPos(x, y)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._stick()

    # -- export ---------------------------------------------------------------------------
    def render_png(self, path: str) -> bool:
        for item in (self.lane_labels, self.axis, self._corner):
            if item is not None:
                item.setPos(QPointF(0, 0))
        rect = self.scene().sceneRect()
        scale = min(2.0, 12000 / max(rect.width(), rect.height(), 1.0))
        dark = is_dark()
        doc = QTextDocument()
        doc.setDefaultStyleSheet(f"body {{ color: {'#cfcfcf' if dark else '#444'}; }}")
        doc.setHtml(f"<body>{legend_html(self.data.get('devices', []))}</body>")
        doc.setTextWidth(rect.width() - 16)
        legend_h = max(70.0, doc.size().height() + 12)
        img = QImage(
            int(rect.width() * scale),
            int((rect.height() + legend_h) * scale),
            QImage.Format.Format_ARGB32,
        )
        img.fill(QColor("#1e1f22") if dark else QColor("white"))
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scene().render(p, QRectF(0, 0, rect.width() * scale, rect.height() * scale), rect)
        p.translate(8 * scale, rect.height() * scale + 6 * scale)
        p.scale(scale, scale)
        doc.drawContents(p)
        p.end()
        self._stick()
        saved = img.save(path)
        make_private(path)
        return saved
