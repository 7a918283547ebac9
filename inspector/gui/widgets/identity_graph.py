"""A person's identifiers and the edges between them, drawn with QGraphicsView.

Identifiers are laid out in columns by kind (user ids, anonymous ids, other ids); each edge is
labelled with the call that made it and its time. Edges that did not merge are dashed, with
the reason on hover.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from inspector.gui.theme import is_dark

KIND_ORDER = {"userId": 0, "user": 0, "anonymousId": 1, "anon": 1, "email": 2}
KIND_COLORS = {
    "userId": "#8e44ad",
    "user": "#8e44ad",
    "anonymousId": "#2f7de1",
    "anon": "#2f7de1",
    "email": "#16a085",
    "group": "#d35400",
}
VERDICT_COLORS = {
    "applied": "#3c8c5a",
    "blocked": "#d64541",
    "noop": "#9a9a9a",
    "redundant": "#9a9a9a",
}
NODE_W, NODE_H, COL_GAP, ROW_GAP = 290, 46, 200, 34


def _short(value: str, n: int = 38) -> str:
    return value if len(value) <= n else value[: n - 1] + "…"


def _hhmmss(iso: str | None) -> str:
    if not iso:
        return ""
    return iso[11:19] if len(iso) >= 19 else iso


class NodeItem(QGraphicsRectItem):
    def __init__(self, ident: dict[str, Any], canonical: bool, dark: bool) -> None:
        super().__init__(0, 0, NODE_W, NODE_H)
        kind = ident.get("kind", "?")
        color = QColor(KIND_COLORS.get(kind, "#7f8c8d"))
        self.setBrush(QBrush(QColor("#2b2d31") if dark else QColor("white")))
        self.setPen(QPen(color, 3 if canonical else 1.6))
        self.setToolTip(
            f"{kind}: {ident.get('value')}\nfirst seen {ident.get('firstSeen')}\n"
            f"last seen {ident.get('lastSeen')}\nevents {ident.get('events', '?')}"
        )
        tag = QGraphicsSimpleTextItem(kind + ("  ★ canonical" if canonical else ""), self)
        f = QFont()
        f.setPointSizeF(7.5)
        f.setBold(True)
        tag.setFont(f)
        tag.setBrush(color)
        tag.setPos(8, 4)
        val = QGraphicsSimpleTextItem(_short(str(ident.get("value", ""))), self)
        f2 = QFont()
        f2.setPointSizeF(9.5)
        val.setFont(f2)
        val.setBrush(QColor("#e8e8e8") if dark else QColor("#1d1d1f"))
        val.setPos(8, 21)
        self.value = ident.get("value")
        self.setZValue(2)


class IdentityGraphView(QGraphicsView):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityGraph")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[QGraphicsPathItem] = []
        self.data: dict[str, Any] = {}

    def set_people(self, people: list[dict[str, Any]], caption: str = "") -> None:
        """Draw one or more persons (a replay step may hold several not yet merged)."""
        scene = self.scene()
        scene.clear()
        self.nodes, self.edges = {}, []
        self.data = {"people": people}
        dark = is_dark()
        y0 = 0.0
        for person in people:
            y0 = self._draw_person(person, y0, dark) + 40
        if caption:
            t = scene.addSimpleText(caption)
            t.setBrush(QColor("#888"))
            t.setPos(0, -28)
        if not people:
            t = scene.addSimpleText("Select a person to see its identity graph.")
            t.setBrush(QColor("#888"))
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.fitInView_if_needed()

    def fitInView_if_needed(self) -> None:
        r = self.scene().sceneRect()
        v = self.viewport().rect()
        if r.width() > v.width() or r.height() > v.height():
            self.fitInView(r, Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.resetTransform()

    def _draw_person(self, person: dict[str, Any], y0: float, dark: bool) -> float:
        scene = self.scene()
        idents = person.get("identifiers", [])
        cols: dict[int, list[dict[str, Any]]] = {}
        for ident in idents:
            cols.setdefault(KIND_ORDER.get(ident.get("kind"), 3), []).append(ident)
        canonical = person.get("canonical")
        bottom = y0
        for ci, col in enumerate(sorted(cols)):
            for ri, ident in enumerate(cols[col]):
                node = NodeItem(ident, ident.get("value") == canonical, dark)
                node.setPos(ci * (NODE_W + COL_GAP), y0 + ri * (NODE_H + ROW_GAP))
                scene.addItem(node)
                self.nodes[str(ident.get("value"))] = node
                bottom = max(bottom, node.pos().y() + NODE_H)
        # the far end of an edge that did not merge belongs to another person: draw it ghosted
        ghost_col = len(cols)
        ghosts = 0
        for e in person.get("edges", []):
            for end, kind in (("from", "fromKind"), ("to", "toKind")):
                v = str(e.get(end))
                if v not in self.nodes:
                    g = NodeItem({"kind": e.get(kind, "?"), "value": v, "events": "?"}, False, dark)
                    pen = g.pen()
                    pen.setStyle(Qt.PenStyle.DashLine)
                    g.setPen(pen)
                    g.setOpacity(0.75)
                    g.setToolTip(f"{v} — belongs to another person")
                    g.setPos(ghost_col * (NODE_W + COL_GAP), y0 + ghosts * (NODE_H + ROW_GAP))
                    scene.addItem(g)
                    self.nodes[v] = g
                    ghosts += 1
                    bottom = max(bottom, g.pos().y() + NODE_H)
        pair_count: dict[tuple[str, str], int] = {}
        for e in person.get("edges", []):
            a, b = self.nodes.get(str(e.get("from"))), self.nodes.get(str(e.get("to")))
            if a is None or b is None or a is b:
                continue
            key = tuple(sorted((str(e.get("from")), str(e.get("to")))))
            k = pair_count.get(key, 0)  # type: ignore[arg-type]
            pair_count[key] = k + 1  # type: ignore[index]
            self._draw_edge(a, b, e, k, dark)
        return bottom

    def _draw_edge(self, a: NodeItem, b: NodeItem, e: dict[str, Any], k: int, dark: bool) -> None:
        scene = self.scene()
        verdict = e.get("verdict", "applied")
        color = QColor(VERDICT_COLORS.get(verdict, "#888"))
        pa = a.sceneBoundingRect()
        pb = b.sceneBoundingRect()
        p1, p2 = _anchor(pa, pb), _anchor(pb, pa)
        path = QPainterPath(p1)
        mid = (p1 + p2) / 2
        dx, dy = p2.x() - p1.x(), p2.y() - p1.y()
        length = math.hypot(dx, dy) or 1
        bend = 30.0 * k * (1 if k % 2 else -1) + (18 if abs(dx) < 1 else 0)
        ctrl = mid + QPointF(-dy / length * bend, dx / length * bend)
        path.quadTo(ctrl, p2)
        item = QGraphicsPathItem(path)
        pen = QPen(color, 2.2 if verdict == "applied" else 1.8)
        if verdict != "applied":
            pen.setStyle(Qt.PenStyle.DashLine)
        item.setPen(pen)
        reason = e.get("reason")
        tip = f"{e.get('call')} · {verdict}" + (f": {reason}" if reason else "")
        tip += f"\nmessageId {e.get('messageId')}\nat {e.get('at', '')}"
        item.setToolTip(tip)
        item.setZValue(1)
        item.setData(0, verdict)
        item.setData(1, reason)
        scene.addItem(item)
        self.edges.append(item)
        label = f"{e.get('call', '?')} · {_hhmmss(e.get('at'))}"
        if verdict != "applied":
            label += f"  ({verdict})"
        txt = QGraphicsSimpleTextItem(label)
        f = QFont()
        f.setPointSizeF(8)
        txt.setFont(f)
        txt.setBrush(color.darker(115) if not dark else color.lighter(130))
        at = path.pointAtPercent(0.5)
        br = txt.boundingRect()
        bg = QGraphicsRectItem(QRectF(0, 0, br.width() + 8, br.height() + 4))
        bg.setBrush(QColor("#1e1f22") if dark else QColor(255, 255, 255, 235))
        bg.setPen(QPen(Qt.PenStyle.NoPen))
        bg.setPos(at.x() - br.width() / 2 - 4, at.y() - br.height() / 2 - 2)
        bg.setZValue(3)
        bg.setToolTip(tip)
        txt.setParentItem(bg)
        txt.setPos(4, 2)
        scene.addItem(bg)

    def render_png(self, path: str) -> bool:
        scene = self.scene()
        rect = scene.sceneRect()
        img = QImage(int(rect.width() * 2), int(rect.height() * 2), QImage.Format.Format_ARGB32)
        img.fill(QColor("#1e1f22") if is_dark() else QColor("white"))
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(p, QRectF(img.rect()), rect)
        p.end()
        return img.save(path)


def _anchor(a: QRectF, b: QRectF) -> QPointF:
    """Where a line from the centre of ``a`` towards ``b`` leaves ``a``."""
    ca, cb = a.center(), b.center()
    dx, dy = cb.x() - ca.x(), cb.y() - ca.y()
    if abs(dx) * a.height() > abs(dy) * a.width():
        x = a.right() if dx > 0 else a.left()
        return QPointF(x, ca.y() + dy * (x - ca.x()) / dx if dx else ca.y())
    y = a.bottom() if dy > 0 else a.top()
    return QPointF(ca.x() + dx * (y - ca.y()) / dy if dy else ca.x(), y)


_ = QGraphicsItem
