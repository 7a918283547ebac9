"""Replay one capture under several modes and report where they end up with different people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.identity.graph import IdentityGraph
from inspector.domain.identity.modes import MODES
from inspector.domain.identity.person import VERDICT_NAMES
from inspector.domain.identity.views import edge_dict

Key = tuple[str, str]  # (kind, value)


def compare_modes(
    events: Iterable[CapturedEvent], modes: Sequence[str] = MODES
) -> list[dict[str, Any]]:
    """Disagreements between ``modes`` over the same events, in order of first appearance.

    Each pair of identifiers joined by some proposed edge is checked in every mode; when the
    modes do not all agree on whether the two are one person, one entry is returned::

        {"identifiers": [x, y], "kinds": [kx, ky],
         "together": [modes], "apart": [modes], "absent": [modes without one of the ids],
         "people": {mode: [canonical of x, canonical of y] (None when absent)},
         "edges": [{"mode", "from", "to", "call", "messageId", "verdict", "reason", ...}],
         "messageIds": [...]}

    ``edges`` lists, per mode, the recorded edges between the two identifiers: the edge that
    merged them where they are together, and the blocked / no-op one where they are apart.
    A difference in any mode's partition always shows on such an edge, so the list is
    complete.
    """
    evs = list(events)
    graphs: dict[str, IdentityGraph] = {}
    for m in modes:
        g = IdentityGraph(m)
        for ev in evs:
            g.observe(ev)
        graphs[g.mode] = g
    # Every proposed pair, in order of the first edge (per mode, then mode order).
    pairs: dict[tuple[Key, Key], tuple[int, int]] = {}
    for mi, g in enumerate(graphs.values()):
        for e in range(g.edge_count):
            edge = g.state.edge(e)
            x, y = edge.x, edge.y
            if x == y:
                continue
            pk = (g.key_of(x), g.key_of(y))
            order = (edge.seq, mi)
            if pk not in pairs or order < pairs[pk]:
                pairs[pk] = order
    out: list[dict[str, Any]] = []
    for (kx, ky), _order in sorted(pairs.items(), key=lambda kv: kv[1]):
        together: list[str] = []
        apart: list[str] = []
        absent: list[str] = []
        people: dict[str, list[str | None]] = {}
        for name, g in graphs.items():
            nx, ny = g.find_key(kx), g.find_key(ky)
            people[name] = [
                g.canonical_of_node(nx) if nx is not None else None,
                g.canonical_of_node(ny) if ny is not None else None,
            ]
            if nx is None or ny is None:
                absent.append(name)
            elif g.same_person(nx, ny):
                together.append(name)
            else:
                apart.append(name)
        if not together or (not apart and not absent):
            continue
        edges: list[dict[str, Any]] = []
        mids: list[str] = []
        for name, g in graphs.items():
            nx, ny = g.find_key(kx), g.find_key(ky)
            if nx is None or ny is None:
                continue
            for e in _edges_between(g, nx, ny):
                d = edge_dict(g.state, e)
                d["mode"] = name
                edges.append(d)
                if d["messageId"] not in mids:
                    mids.append(d["messageId"])
        out.append(
            {
                "identifiers": [kx[1], ky[1]],
                "kinds": [kx[0], ky[0]],
                "together": together,
                "apart": apart,
                "absent": absent,
                "people": people,
                "edges": edges,
                "messageIds": mids,
            }
        )
    return out


def _edges_between(g: IdentityGraph, x: int, y: int) -> list[int]:
    s = g.state
    found = [e for e in s.person(x).edge_list() if set(s.edge_ends(e)) == {x, y}]
    if not found and not s.same_person(x, y):
        found = [e for e in s.person(y).edge_list() if set(s.edge_ends(e)) == {x, y}]
    return found


__all__ = ["VERDICT_NAMES", "compare_modes"]
