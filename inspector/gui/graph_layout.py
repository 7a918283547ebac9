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

from collections.abc import Iterable
from typing import Any

from inspector.gui.graph_routes import place_labels, route_edges
from inspector.gui.graph_shapes import (
    ANON_KINDS,
    COL_GAP,
    GROUP_MIN,
    NODE_H,
    NODE_W,
    PERSON_GAP,
    ROW_GAP,
    USER_KINDS,
    GEdge,
    GNode,
    GraphLayout,
    Measure,
)


def _kind_col(kind: str) -> int:
    if kind in ANON_KINDS:
        return 0
    if kind in USER_KINDS:
        return 1
    return 2


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
    route_edges(out)
    place_labels(out, measure)
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
