"""Routing the identity graph's edges through the grid's channels and corridors, and placing
their labels where they overlap no box and no other label (Qt-free geometry; see
:mod:`inspector.gui.graph_layout` for the grid)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from inspector.gui.graph_shapes import (
    COL_GAP,
    CORNER,
    ROW_GAP,
    GEdge,
    GNode,
    GraphLayout,
    Measure,
    Rect,
)


# -- labels and curves -----------------------------------------------------------------------------
def hhmmss(iso: Any) -> str:
    s = str(iso or "")
    return s[11:19] if len(s) >= 19 else s


def edge_label(edges: list[dict[str, Any]]) -> str:
    if len(edges) > 1:
        calls: dict[str, int] = {}
        for e in edges:
            calls[str(e.get("call", "?"))] = calls.get(str(e.get("call", "?")), 0) + 1
        return ", ".join(f"{n} × {c}" for c, n in calls.items())
    e = edges[0]
    label = f"{e.get('call', '?')} · {hhmmss(e.get('at'))}"
    verdict = e.get("verdict", "applied")
    if verdict != "applied":
        label += f" ({verdict})"
    return label


def intersects(a: Rect, b: Rect, pad: float = 0.0) -> bool:
    return (
        a[0] < b[0] + b[2] + pad
        and b[0] < a[0] + a[2] + pad
        and a[1] < b[1] + b[3] + pad
        and b[1] < a[1] + a[3] + pad
    )


def bezier(p0: Any, p1: Any, p2: Any, p3: Any, t: float) -> tuple[float, float]:
    u = 1 - t
    x = u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0]
    y = u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1]
    return x, y


def sample_path(path: list[tuple[Any, ...]], per_segment: int = 24) -> list[tuple[float, float]]:
    """Points along a path (for placing labels, and for checking it in tests)."""
    pts: list[tuple[float, float]] = []
    cur = (0.0, 0.0)
    for cmd in path:
        op = cmd[0]
        if op == "M":
            cur = (cmd[1], cmd[2])
            pts.append(cur)
        elif op == "L":
            end = (cmd[1], cmd[2])
            for i in range(1, per_segment + 1):
                t = i / per_segment
                pts.append((cur[0] + (end[0] - cur[0]) * t, cur[1] + (end[1] - cur[1]) * t))
            cur = end
        elif op == "Q":
            c, end = (cmd[1], cmd[2]), (cmd[3], cmd[4])
            for i in range(1, per_segment + 1):
                t = i / per_segment
                u = 1 - t
                pts.append(
                    (
                        u * u * cur[0] + 2 * u * t * c[0] + t * t * end[0],
                        u * u * cur[1] + 2 * u * t * c[1] + t * t * end[1],
                    )
                )
            cur = end
        elif op == "C":
            c1, c2, end = (cmd[1], cmd[2]), (cmd[3], cmd[4]), (cmd[5], cmd[6])
            for i in range(1, per_segment + 1):
                pts.append(bezier(cur, c1, c2, end, i / per_segment))
            cur = end
    return pts


# -- layout ------------------------------------------------------------------------------


def route_edges(g: GraphLayout) -> None:
    nodes = g.nodes
    # which side of each box an edge uses
    for e in g.edges:
        a, b = nodes[e.a], nodes[e.b]
        if a.col == b.col:
            side = "L" if a.col == 0 else "R"
            e.ports = (side, side)
        elif a.col < b.col:
            e.ports = ("R", "L")
        else:
            e.ports = ("L", "R")
    # ports: spread the edges of each side over its height, ordered by where they go
    at: dict[tuple[str, str], list[tuple[float, GEdge, int]]] = {}
    for e in g.edges:
        for end, key, other in ((0, e.a, e.b), (1, e.b, e.a)):
            o = nodes[other]
            at.setdefault((key, e.ports[end]), []).append((o.y + o.h / 2, e, end))
    port_y: dict[tuple[int, int], float] = {}
    for (key, _side), items in at.items():
        n = nodes[key]
        items.sort(key=lambda it: (it[0], it[1].call))
        k = len(items)
        span = n.h - 12
        for i, (_, e, end) in enumerate(items):
            port_y[(id(e), end)] = n.y + 6 + span * (i + 1) / (k + 1)
    # channel lanes: edges through the same channel take distinct offsets
    lane_count: dict[tuple[int, str], int] = {}
    for e in g.edges:
        a, b = nodes[e.a], nodes[e.b]
        ya, yb = port_y[(id(e), 0)], port_y[(id(e), 1)]
        xa = a.x + a.w if e.ports[0] == "R" else a.x
        xb = b.x + b.w if e.ports[1] == "R" else b.x
        if a.col == b.col:
            k = lane_count.get((a.col, e.ports[0]), 0)
            lane_count[(a.col, e.ports[0])] = k + 1
            bulge = min(COL_GAP * 0.6, 36 + 10 * k + 4 * abs(a.row - b.row))
            sign = 1 if e.ports[0] == "R" else -1
            cx = xa + sign * bulge / 0.75  # the curve's x reaches 3/4 of the control offset
            e.path = [("M", xa, ya), ("C", cx, ya, cx, yb, xb, yb)]
        elif abs(a.col - b.col) == 1:
            d = (xb - xa) / 2
            e.path = [("M", xa, ya), ("C", xa + d, ya, xb - d, yb, xb, yb)]
        else:
            e.path = _corridor_route(a, b, xa, ya, xb, yb, lane_count)


def _corridor_route(
    a: GNode,
    b: GNode,
    xa: float,
    ya: float,
    xb: float,
    yb: float,
    lanes: dict[tuple[int, str], int],
) -> list[tuple[Any, ...]]:
    """Across a column: into the channel beside ``a``, along the corridor next to ``a``'s row,
    into the channel beside ``b``, and in."""
    right = b.x > a.x
    sign = 1 if right else -1
    k = lanes.get((a.col, "corridor"), 0)
    lanes[(a.col, "corridor")] = k + 1
    x1 = xa + sign * (COL_GAP * 0.25 + 6 * (k % 6))
    x2 = xb - sign * (COL_GAP * 0.25 + 6 * (k % 6))
    below = yb > ya
    yc = (a.y + a.h + ROW_GAP / 2) if below else (a.y - ROW_GAP / 2)
    yc += (1 if below else -1) * (k % 3) * 3
    pts = [(xa, ya), (x1, ya), (x1, yc), (x2, yc), (x2, yb), (xb, yb)]
    return _rounded(pts)


def _rounded(pts: list[tuple[float, float]], r: float = CORNER) -> list[tuple[Any, ...]]:
    path: list[tuple[Any, ...]] = [("M", *pts[0])]
    for i in range(1, len(pts) - 1):
        p, c, n = pts[i - 1], pts[i], pts[i + 1]
        d1 = math.hypot(c[0] - p[0], c[1] - p[1])
        d2 = math.hypot(n[0] - c[0], n[1] - c[1])
        rr = min(r, d1 / 2, d2 / 2)
        if rr <= 0.01:
            path.append(("L", *c))
            continue
        a = (c[0] + (p[0] - c[0]) * rr / d1, c[1] + (p[1] - c[1]) * rr / d1)
        b = (c[0] + (n[0] - c[0]) * rr / d2, c[1] + (n[1] - c[1]) * rr / d2)
        path.append(("L", *a))
        path.append(("Q", c[0], c[1], *b))
    path.append(("L", *pts[-1]))
    return path


# -- labels ------------------------------------------------------------------------------
FRACTIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74)


def _candidates(
    e: GEdge, pts: list[tuple[float, float]], w: float, h: float, crowded: tuple[bool, bool]
) -> Iterable[Rect]:
    """Spots for an edge's label, best first. Where many edges meet at one side (a fan into
    a user), the label goes beside the other, lonely end, just above its own line."""
    last = len(pts) - 1

    def at(f: float) -> tuple[float, float]:
        return pts[min(last, max(0, round(f * last)))]

    for end in (0, 1):
        if crowded[1 - end] and not crowded[end]:
            side = e.ports[end]
            for f in (0.02, 0.06, 0.1):
                x, y = at(f if end == 0 else 1 - f)
                lx = x + 6 if side == "R" else x - w - 6
                yield (lx, y - h - 1, w, h)
                yield (lx, y + 1, w, h)
    for f in FRACTIONS:
        x, y = at(f)
        yield (x - w / 2, y - h / 2, w, h)


def place_labels(g: GraphLayout, measure: Measure) -> None:
    boxes = [(x - 3, y - 3, w + 6, h + 6) for x, y, w, h in g.boxes()]
    degree: dict[tuple[str, str], int] = {}
    for e in g.edges:
        for key, side in ((e.a, e.ports[0]), (e.b, e.ports[1])):
            degree[(key, side)] = degree.get((key, side), 0) + 1
    placed: list[Rect] = []
    for e in sorted(g.edges, key=lambda e: (len(e.edges) == 1, e.a, e.b)):
        e.label = edge_label(e.edges)
        w, h = measure(e.label)
        w, h = w + 10, h + 4
        pts = sample_path(e.path, 40)
        crowded = (degree[(e.a, e.ports[0])] > 2, degree[(e.b, e.ports[1])] > 2)
        spot = next(
            (r for r in _candidates(e, pts, w, h, crowded) if _free(r, boxes, placed)), None
        )
        if spot is None:  # nowhere on its line: slide along the channel until free
            x, y = pts[len(pts) // 2]
            for k in range(1, 2000):
                for dy in (k * (h + 2), -k * (h + 2)):
                    r = (x - w / 2, y + dy - h / 2, w, h)
                    if _free(r, boxes, placed):
                        spot = r
                        break
                if spot is not None:
                    break
        e.label_rect = spot if spot is not None else (x - w / 2, g.height + h, w, h)
        placed.append(e.label_rect)


def _free(r: Rect, boxes: list[Rect], placed: list[Rect]) -> bool:
    return not any(intersects(r, b) for b in boxes) and not any(
        intersects(r, p, 2.0) for p in placed
    )
