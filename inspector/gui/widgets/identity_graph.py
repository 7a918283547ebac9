"""A person's identifiers and the edges between them, drawn from :mod:`inspector.gui.graph_layout`.

Zoom with Ctrl+wheel (or Ctrl +/−), pan by dragging, Fit (Ctrl+0) and 1:1 (Ctrl+1). Many
anonymous ids that only lead to one user are one group box: click it to show them (and the
"hide" box above them to fold them again). Edges are coloured by what they did: merged
(green), blocked (red, dashed; the reason on hover), redundant or no-op (grey, dotted).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from inspector.gui.graph_layout import layout_people
from inspector.gui.graph_shapes import NODE_W, GEdge, GNode, GraphLayout
from inspector.gui.theme import is_dark
from inspector.gui.widgets.zoom_view import ZoomableView

KIND_COLORS = {
    "userId": "#8e44ad",
    "user": "#8e44ad",
    "anonymousId": "#2f7de1",
    "anon": "#2f7de1",
    "group": "#2f7de1",
    "toggle": "#2f7de1",
}
VERDICT_COLORS = {
    "applied": "#3c8c5a",
    "blocked": "#d64541",
    "no-op": "#8a8a8a",
    "redundant": "#8a8a8a",
}
HIGHLIGHT = "#e67e22"
READABLE_ZOOM = 0.7  # a person is first shown fitted, but never smaller than this


def _short(value: str, n: int = 36) -> str:
    return value if len(value) <= n else value[: n - 1] + "…"


def _value_font() -> QFont:
    f = QFont()
    f.setPointSizeF(9.5)
    return f


def node_width(people: list[dict[str, Any]]) -> float:
    """Boxes as wide as the longest identifier needs (shortened past 36 characters)."""
    fm = QFontMetricsF(_value_font())
    values = [str(i.get("value", "")) for p in people for i in p.get("identifiers", [])]
    values += [
        str(e.get(k, "")) for p in people for e in p.get("edges", []) for k in ("from", "to")
    ]
    need = max((fm.horizontalAdvance(_short(v)) for v in values), default=0.0)
    tag = QFontMetricsF(_tag_font()).horizontalAdvance("anonymousId group  ▸ click to show them")
    return max(150.0, min(NODE_W, max(need, tag) + 20))


def _tag_font() -> QFont:
    f = QFont()
    f.setPointSizeF(7.5)
    f.setBold(True)
    return f


def _label_font() -> QFont:
    f = QFont()
    f.setPointSizeF(8.0)
    return f


class NodeItem(QGraphicsRectItem):
    def __init__(self, node: GNode, dark: bool, view: IdentityGraphView) -> None:
        super().__init__(0, 0, node.w, node.h)
        self.node = node
        self._view = view
        kind = node.kind
        color = QColor(KIND_COLORS.get(kind, "#7f8c8d"))
        fg = QColor("#e8e8e8") if dark else QColor("#1d1d1f")
        self.setBrush(QBrush(QColor("#2b2d31") if dark else QColor("white")))
        pen = QPen(color, 3 if node.canonical else 1.6)
        if node.ghost or kind == "toggle":
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        ident = node.ident
        if kind == "group":
            tag, value = "anonymousId group  ▸ click to show them", str(ident.get("value"))
            self.setToolTip(
                f"{len(node.members)} anonymous ids that only lead to {node.owner}\n"
                f"first seen {ident.get('firstSeen')}\nlast seen {ident.get('lastSeen')}\n"
                f"events {ident.get('events')}\nclick to show each of them"
            )
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        elif kind == "toggle":
            tag, value = "anonymousId group  ▾ click to fold", f"{len(node.members)} anonymous ids"
            self.setToolTip("Fold these anonymous ids back into one box")
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            tag = kind + ("  ★ canonical" if node.canonical else "")
            if node.ghost:
                tag += "  · another person"
            value = str(node.value)
            tip = f"{kind}: {node.value}"
            if node.ghost:
                tip += "\nbelongs to another person (the edge to it did not merge)"
            else:
                tip += (
                    f"\nfirst seen {ident.get('firstSeen')}\nlast seen {ident.get('lastSeen')}"
                    f"\nevents {ident.get('events', '?')}"
                )
            self.setToolTip(tip)
        t = QGraphicsSimpleTextItem(tag, self)
        t.setFont(_tag_font())
        t.setBrush(color)
        t.setPos(8, 4)
        vfm = QFontMetricsF(_value_font())
        shown = vfm.elidedText(_short(value), Qt.TextElideMode.ElideMiddle, node.w - 16)
        v = QGraphicsSimpleTextItem(shown, self)
        v.setFont(_value_font())
        v.setBrush(fg)
        v.setPos(8, 21)
        if node.ghost:
            self.setOpacity(0.75)
        self.setPos(node.x, node.y)
        self.setZValue(2)

    def mousePressEvent(self, event: Any) -> None:
        if self.node.kind in ("group", "toggle"):
            event.accept()  # no drag: this is a click
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: Any) -> None:
        if self.node.kind in ("group", "toggle"):
            self._view.toggle_group(self.node.owner)
            event.accept()
            return
        super().mouseReleaseEvent(event)


def painter_path(cmds: list[tuple[Any, ...]]) -> QPainterPath:
    path = QPainterPath()
    for c in cmds:
        if c[0] == "M":
            path.moveTo(c[1], c[2])
        elif c[0] == "L":
            path.lineTo(c[1], c[2])
        elif c[0] == "Q":
            path.quadTo(c[1], c[2], c[3], c[4])
        elif c[0] == "C":
            path.cubicTo(c[1], c[2], c[3], c[4], c[5], c[6])
    return path


class IdentityGraphView(ZoomableView):
    groupToggled = Signal(str, bool)  # user id, expanded

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityGraph")
        self.setScene(QGraphicsScene(self))
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[QGraphicsPathItem] = []
        self.labels: list[QGraphicsRectItem] = []
        self.graph_layout: GraphLayout = GraphLayout()
        self.data: dict[str, Any] = {}
        self.expanded: set[str] = set()
        self._key: Any = None
        self._args: tuple[Any, ...] = ([], "", False, None)
        self._auto_view = False  # the view is the default one (redo it when the size changes)

    # -- drawing --------------------------------------------------------------------------
    def set_people(
        self,
        people: list[dict[str, Any]],
        caption: str = "",
        dim: bool = False,
        highlight: dict[str, Any] | None = None,
    ) -> None:
        """Draw one or more persons (a replay step may hold several not yet merged).

        The same person drawn again keeps the zoom and scroll position; another person is
        shown fitted (at a readable zoom, panning for the rest)."""
        self._args = (people, caption, dim, highlight)
        key = tuple(sorted(str(p.get("canonical")) for p in people)) or None
        same = key is not None and key == self._key
        keep = (self.transform(), self.mapToScene(self.viewport().rect().center()))
        self._draw(people, caption, dim, highlight)
        if same:
            self.setTransform(keep[0])
            self.centerOn(keep[1])
        else:
            self._key = key
            self.default_view()

    def redraw(self) -> None:
        keep = (self.transform(), self.mapToScene(self.viewport().rect().center()))
        self._draw(*self._args)
        self.setTransform(keep[0])
        self.centerOn(keep[1])

    def default_view(self) -> None:
        """Fitted when that is readable, else at a readable zoom on the canonical id; kept up
        to date with the view's size until the user zooms or pans."""
        self._auto_view = True
        self._place_default()

    def _place_default(self) -> None:
        r = self.scene().sceneRect()
        fit = self.fit_zoom()
        if fit >= 1.0:
            self.resetTransform()
            self.centerOn(r.center())
        elif fit >= READABLE_ZOOM:
            self._fit()
        else:
            self.resetTransform()
            self.scale(READABLE_ZOOM, READABLE_ZOOM)
            canon = next((n for n in self.nodes.values() if n.node.canonical), None)
            target = canon.sceneBoundingRect().center() if canon else r.center()
            half = self.viewport().width() / 2 / READABLE_ZOOM
            if r.width() * READABLE_ZOOM <= self.viewport().width():
                target.setX(r.center().x())  # as wide as the view: all of it, side to side
            else:
                target.setX(r.left() + half)  # wider: from the left, as one reads
            self.centerOn(target)
        self.zoomChanged.emit(self.zoom)

    def user_moved(self) -> None:
        self._auto_view = False

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._auto_view:
            self._place_default()

    def toggle_group(self, user: str) -> None:
        opened = user not in self.expanded
        if opened:
            self.expanded.add(user)
        else:
            self.expanded.discard(user)
        self.redraw()
        self.groupToggled.emit(user, opened)

    def _draw(
        self,
        people: list[dict[str, Any]],
        caption: str,
        dim: bool,
        highlight: dict[str, Any] | None,
    ) -> None:
        scene = self.scene()
        scene.clear()
        self.nodes, self.edges, self.labels = {}, [], []
        self.data = {"people": people}
        dark = is_dark()
        fm = QFontMetricsF(_label_font())
        self.graph_layout = layout_people(
            people,
            lambda s: (fm.horizontalAdvance(s), fm.height()),
            self.expanded,
            node_w=node_width(people),
        )
        hl_nodes = set((highlight or {}).get("nodes", ()))
        hl_seq = (highlight or {}).get("seq")
        for n in self.graph_layout.nodes.values():
            item = NodeItem(n, dark, self)
            if dim:
                item.setOpacity(0.35)
            if n.key in hl_nodes:
                item.setPen(QPen(QColor(HIGHLIGHT), 3.2))
            scene.addItem(item)
            self.nodes[n.key] = item
        for e in self.graph_layout.edges:
            self._draw_edge(
                e, dark, hl_seq is not None and any(x.get("seq") == hl_seq for x in e.edges)
            )
        if caption:
            t = scene.addSimpleText(caption)
            t.setBrush(QColor("#888"))
            t.setPos(0, -30)
        if not people:
            t = scene.addSimpleText("Select a person to see its identity graph.")
            t.setBrush(QColor("#888"))
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-24, -24, 24, 24))

    def _draw_edge(self, e: GEdge, dark: bool, current: bool) -> None:
        scene = self.scene()
        verdict = e.verdict
        color = QColor(VERDICT_COLORS.get(verdict, "#888"))
        item = QGraphicsPathItem(painter_path(e.path))
        pen = QPen(color, 2.2 if verdict == "applied" else 1.8)
        if verdict == "blocked":
            pen.setStyle(Qt.PenStyle.DashLine)
        elif verdict != "applied":
            pen.setStyle(Qt.PenStyle.DotLine)
        if current:
            pen = QPen(QColor(HIGHLIGHT), 3.4)
        item.setPen(pen)
        first = e.edges[0]
        reason = first.get("reason")
        if len(e.edges) > 1:
            tip = f"{len(e.edges)} edges from the grouped anonymous ids to {e.b}"
        else:
            tip = f"{first.get('call')} · {verdict}" + (f": {reason}" if reason else "")
            tip += f"\nmessageId {first.get('messageId')}\nat {first.get('at', '')}"
        item.setToolTip(tip)
        item.setZValue(1)
        item.setData(0, verdict)
        item.setData(1, reason)
        scene.addItem(item)
        self.edges.append(item)
        x, y, w, h = e.label_rect
        bg = QGraphicsRectItem(QRectF(0, 0, w, h))
        bg.setBrush(QColor("#1e1f22") if dark else QColor(255, 255, 255, 240))
        bg.setPen(QPen(color.lighter(150) if dark else color.lighter(170), 0.8))
        bg.setPos(x, y)
        bg.setZValue(3)
        bg.setToolTip(tip)
        txt = QGraphicsSimpleTextItem(e.label, bg)
        txt.setFont(_label_font())
        txt.setBrush(color.lighter(135) if dark else color.darker(125))
        txt.setPos(5, 2)
        scene.addItem(bg)
        self.labels.append(bg)

    def render_png(self, path: str) -> bool:  # type: ignore[override]
        return super().render_png(path, QColor("#1e1f22") if is_dark() else QColor("white"))
