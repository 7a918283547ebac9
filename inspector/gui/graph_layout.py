"""Where a person's identifiers and edges go in the identity graph (Qt-free geometry).

Identifiers sit on one grid: anonymous ids in the left column, user ids in the middle, ids of
other people (the far end of a blocked or no-op edge) on the right; every column uses the same
rows, so the gaps between rows are free corridors across the whole graph and the gaps between
columns are free channels. Edges are routed only through channels and corridors, so they
never cross a box:

* between neighbouring columns: a cubic curve whose control points stay inside the channel;
* within one column: an arc out into the outer channel and back;
* across a column: out into a channel, along the corridor next to the row, into the target's
  channel and in.

Each edge leaves and enters at its own port on the box's side (ports are spread over the side
in the order of the other ends), so two edges between the same two ids (an identify and an
alias) are drawn apart. Labels are placed along their edge where they overlap no box and no
other label; a label that finds no such spot on its curve moves along the channel until it
does, so labels never collide. Many anonymous ids that only lead to one user collapse into
one group box (expandable).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

NODE_W, NODE_H = 300.0, 46.0
COL_GAP, ROW_GAP = 210.0, 30.0
GROUP_MIN = 7  # this many plain anonymous ids of one user (or more) collapse into a group
PERSON_GAP = 70.0
CORNER = 7.0

USER_KINDS = ("userId", "user")
ANON_KINDS = ("anonymousId", "anon")

Rect = tuple[float, float, float, float]  # x, y, w, h
Measure = Callable[[str], tuple[float, float]]  # label text -> (width, height)


@dataclass(slots=True)
class GNode:
    key: str
    kind: str  # userId | anonymousId | group | toggle | other
    value: str
    col: int = 0
    row: int = 0
    x: float = 0.0
    y: float = 0.0
    w: float = NODE_W
    h: float = NODE_H
    canonical: bool = False
    ghost: bool = False  # belongs to another person (the far end of a blocked edge)
    ident: dict[str, Any] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)  # a group's anonymous ids
    owner: str = ""  # a group's / toggle's user id

    @property
    def rect(self) -> Rect:
        return (self.x, self.y, self.w, self.h)


@dataclass(slots=True)
class GEdge:
    a: str  # node keys: from, to
    b: str
    edges: list[dict[str, Any]]  # the identity edges drawn by this line (a group bundles many)
    verdict: str = "applied"
    path: list[tuple[Any, ...]] = field(default_factory=list)  # ("M"|"L"|"C"|"Q", coords)
    label: str = ""
    label_rect: Rect = (0.0, 0.0, 0.0, 0.0)
    ports: tuple[str, str] = ("R", "L")

    @property
    def call(self) -> str:
        return str(self.edges[0].get("call", "?")) if self.edges else "?"


@dataclass(slots=True)
class GraphLayout:
    nodes: dict[str, GNode] = field(default_factory=dict)
    edges: list[GEdge] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0

    def boxes(self) -> list[Rect]:
        return [n.rect for n in self.nodes.values()]


# -- helpers -----------------------------------------------------------------------------
def hhmmss(iso: Any) -> str:
    s = str(iso or "")
    return s[11:19] if len(s) >= 19 else s


def _kind_col(kind: str) -> int:
    if kind in ANON_KINDS:
        return 0
    if kind in USER_KINDS:
        return 1
    return 2


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
def layout_people(
    people: list[dict[str, Any]],
    measure: Measure,
    expanded: Iterable[str] = (),
    group_min: int = GROUP_MIN,
    node_w: float = NODE_W,
) -> GraphLayout:
    """Lay out one or more persons (a replay step may hold several), stacked vertically;
    boxes are ``node_w`` wide (as wide as the longest identifier needs)."""
    out = GraphLayout()
    y0 = 0.0
    opened = set(expanded)
    for person in people:
        part = _layout_person(person, y0, opened, group_min, node_w)
        out.nodes.update(part.nodes)
        out.edges.extend(part.edges)
        out.width = max(out.width, part.width)
        y0 = part.height + PERSON_GAP
    out.height = max(0.0, y0 - PERSON_GAP)
    _route_all(out)
    _place_labels(out, measure)
    return out


def _layout_person(
    person: dict[str, Any], y0: float, expanded: set[str], group_min: int, node_w: float
) -> GraphLayout:
    idents = {str(i.get("value")): i for i in person.get("identifiers", [])}
    canonical = str(person.get("canonical"))
    edges = [e for e in person.get("edges", []) if e.get("from") is not None]
    nodes: dict[str, GNode] = {}
    for value, ident in idents.items():
        kind = str(ident.get("kind", "?"))
        nodes[value] = GNode(
            value, kind, value, col=_kind_col(kind), canonical=value == canonical, ident=ident
        )
    # the far end of an edge that did not merge belongs to another person: a ghost
    for e in edges:
        for end, kind in (("from", "fromKind"), ("to", "toKind")):
            v = str(e.get(end))
            if v not in nodes:
                nodes[v] = GNode(v, str(e.get(kind, "?")), v, col=3, ghost=True, ident={"value": v})
    neighbours: dict[str, list[dict[str, Any]]] = {k: [] for k in nodes}
    for e in edges:
        a, b = str(e["from"]), str(e["to"])
        neighbours[a].append(e)
        if b != a:
            neighbours[b].append(e)

    def other(e: dict[str, Any], v: str) -> str:
        return str(e["to"]) if str(e["from"]) == v else str(e["from"])

    users = [n for n in nodes.values() if n.col == 1 and not n.ghost]
    users.sort(key=lambda n: (not n.canonical, str(n.ident.get("firstSeen", "")), n.value))
    anons = [n for n in nodes.values() if n.col == 0 and not n.ghost]
    anons.sort(key=lambda n: (str(n.ident.get("firstSeen", "")), n.value))
    user_order = {n.key: i for i, n in enumerate(users)}

    def owner(n: GNode) -> str | None:
        for e in neighbours[n.key]:
            o = other(e, n.key)
            if o in user_order:
                return o
        return None

    def plain(n: GNode, u: str) -> bool:
        es = neighbours[n.key]
        return bool(es) and all(other(e, n.key) == u and e.get("verdict") == "applied" for e in es)

    grouped: dict[int, str] = {}  # id(edge) -> the group box that stands for its anonymous id
    blocks: dict[str | None, list[GNode]] = {}
    for n in anons:
        blocks.setdefault(owner(n), []).append(n)
    col0: list[GNode] = []
    block_rows: dict[str, tuple[int, int]] = {}
    for u in [*(n.key for n in users), None]:
        block = blocks.get(u, [])
        if not block:
            continue
        start = len(col0)
        leaves = [n for n in block if u is not None and plain(n, u)]
        rest = [n for n in block if n not in leaves]
        if u is not None and len(leaves) >= group_min:
            if u in expanded:
                toggle = GNode(f"toggle:{u}", "toggle", u, owner=u)
                toggle.members = [n.key for n in leaves]
                nodes[toggle.key] = toggle
                col0.append(toggle)
                col0.extend(leaves)
            else:
                group = GNode(f"group:{u}", "group", u, owner=u)
                group.members = [n.key for n in leaves]
                group.ident = _group_ident(leaves)
                for n in leaves:
                    del nodes[n.key]
                nodes[group.key] = group
                col0.append(group)
                members = set(group.members)
                for e in edges:
                    if str(e["from"]) in members or str(e["to"]) in members:
                        grouped.setdefault(id(e), group.key)
        else:
            col0.extend(leaves)
        col0.extend(rest)
        if u is not None:
            block_rows[u] = (start, len(col0) - 1)
    for r, n in enumerate(col0):
        n.row = r
    used: set[int] = set()
    nxt = 0
    for n in users:
        lo, hi = block_rows.get(n.key, (nxt, nxt))
        want = max(nxt, (lo + hi) // 2 if n.key in block_rows else nxt)
        while want in used:
            want += 1
        n.row = want
        used.add(want)
        nxt = want + 1
    taken: set[int] = set()
    for n in nodes.values():
        if n.ghost:
            near = [
                nodes[other(e, n.key)]
                for e in neighbours.get(n.key, [])
                if other(e, n.key) in nodes
            ]
            want = min((m.row for m in near), default=0)
            while want in taken:
                want += 1
            n.row = want
            taken.add(want)
    # columns that hold something, left to right
    present = sorted({n.col for n in nodes.values()})
    xcol = {c: i * (node_w + COL_GAP) for i, c in enumerate(present)}
    for n in nodes.values():
        n.col = present.index(n.col)
        n.w = node_w
        n.x = xcol[present[n.col]]
        n.y = y0 + n.row * (NODE_H + ROW_GAP)
    part = GraphLayout(nodes=nodes)
    # one line per identity edge; edges of grouped ids become one bundle per group
    bundles: dict[str, GEdge] = {}
    for e in edges:
        a, b = str(e["from"]), str(e["to"])
        g = grouped.get(id(e))
        if g is not None:
            a = g if a not in nodes else a
            b = g if b not in nodes else b
            be = bundles.get(g)
            if be is None:
                be = bundles[g] = GEdge(g, b if a == g else a, [], "applied")
                part.edges.append(be)
            be.edges.append(e)
            continue
        if a == b or a not in nodes or b not in nodes:
            continue
        part.edges.append(GEdge(a, b, [e], str(e.get("verdict", "applied"))))
    rows = max((n.row for n in nodes.values()), default=-1) + 1
    part.width = max((n.x + n.w for n in nodes.values()), default=0.0)
    part.height = y0 + rows * (NODE_H + ROW_GAP) - ROW_GAP
    return part


def _group_ident(leaves: list[GNode]) -> dict[str, Any]:
    firsts = [str(n.ident.get("firstSeen", "")) for n in leaves if n.ident.get("firstSeen")]
    lasts = [str(n.ident.get("lastSeen", "")) for n in leaves if n.ident.get("lastSeen")]
    events = sum(int(n.ident.get("events", 0) or 0) for n in leaves)
    return {
        "kind": "group",
        "value": f"{len(leaves)} anonymous ids",
        "firstSeen": min(firsts) if firsts else "",
        "lastSeen": max(lasts) if lasts else "",
        "events": events,
    }


# -- routing -----------------------------------------------------------------------------
def _route_all(g: GraphLayout) -> None:
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


def _place_labels(g: GraphLayout, measure: Measure) -> None:
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
