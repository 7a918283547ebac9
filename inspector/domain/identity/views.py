"""Read-only views of an :class:`IdentityGraph`: snapshot, People rows, merged timeline.

Every view works from the per-person indexes (members, edges, event seqs) so that asking
about one person costs what that person holds, not what the session holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from inspector.domain.capture import epoch_iso
from inspector.domain.identity.unionfind import (
    APPLIED,
    KIND_NAMES,
    VERDICT_NAMES,
    Person,
)

if TYPE_CHECKING:
    from inspector.domain.identity.graph import IdentityGraph

EDGE_KIND_NAMES = ("identify", "implicit", "alias")


def edge_dict(g: IdentityGraph, e: int) -> dict[str, Any]:
    x, y = g._e_x[e], g._e_y[e]
    return {
        "from": g._value[x],
        "to": g._value[y],
        "call": g._type_list[g._e_call[e]],
        "messageId": g._e_mid[e],
        "verdict": VERDICT_NAMES[g._e_verdict[e]],
        "reason": g._e_reason[e],
        "kind": EDGE_KIND_NAMES[g._e_kind[e]],
        "fromKind": KIND_NAMES[g._kind[x]],
        "toKind": KIND_NAMES[g._kind[y]],
        "at": epoch_iso(g._e_at[e]),
        "seq": g._e_seq[e],
        "count": g._e_count[e],
        "id": e,
    }


def _foreign_seqs(g: IdentityGraph, p: Person) -> list[tuple[int, int]]:
    """(seq, node) of events that carried one of ``p``'s identifiers but belong to another
    person (a blocked or no-op edge kept them apart), in arrival order."""
    out: list[tuple[int, int]] = []
    foreign = g._foreign
    if not foreign:
        return out
    root = g._find(p.first)
    for n in p.members:
        f = foreign.get(n)
        if f:
            out.extend((s, n) for s in f if g._find(g._ev_node[s]) != root)
    out.sort()
    return out


def _node_stats(
    g: IdentityGraph, seqs: Iterable[int], foreign: list[tuple[int, int]]
) -> dict[int, list[float]]:
    """node -> [firstSeen, lastSeen, events] over every event that carried the identifier."""
    stats: dict[int, list[float]] = {}
    ev_node, ev_node2, ev_at = g._ev_node, g._ev_node2, g._ev_at
    pairs = [(s, n) for s in seqs for n in (ev_node[s], ev_node2[s]) if n >= 0]
    for s, n in (*pairs, *foreign):
        at = ev_at[s]
        st = stats.get(n)
        if st is None:
            stats[n] = [at, at, 1]
        else:
            if at < st[0]:
                st[0] = at
            if at > st[1]:
                st[1] = at
            st[2] += 1
    return stats


def _identifier(g: IdentityGraph, n: int, stats: dict[int, list[float]]) -> dict[str, Any]:
    created = g._nat[n]
    st = stats.get(n)
    first, last, count = (
        (min(st[0], created), max(st[1], created), int(st[2])) if st else (created, created, 0)
    )
    return {
        "kind": KIND_NAMES[g._kind[n]],
        "value": g._value[n],
        "firstSeen": epoch_iso(first),
        "lastSeen": epoch_iso(last),
        "events": count,
    }


def _span(g: IdentityGraph, p: Person) -> tuple[str | None, str | None]:
    if not p.seqs:
        return None, None
    at = g._ev_at
    times = [at[s] for s in p.seqs]
    return epoch_iso(min(times)), epoch_iso(max(times))


def _person(g: IdentityGraph, p: Person, warnings: int) -> dict[str, Any]:
    members = sorted(p.members)
    seqs = p.ordered_seqs()
    stats = _node_stats(g, seqs, _foreign_seqs(g, p))
    first, last = _span(g, p)
    return {
        "canonical": g._value[p.canon],
        "canonicalKind": KIND_NAMES[g._kind[p.canon]],
        "identifiers": [_identifier(g, n, stats) for n in members],
        "edges": [edge_dict(g, e) for e in p.edge_list()],
        "events": len(seqs),
        "firstSeen": first,
        "lastSeen": last,
        "users": p.users,
        "anons": p.anons,
        "merges": p.merges,
        "groups": list(p.groups) if p.groups else [],
        "warnings": warnings,
    }


def _people(g: IdentityGraph) -> list[Person]:
    people = [p for p in g._pp if p is not None]
    people.sort(key=lambda p: p.first)
    return people


def _warning_counts(g: IdentityGraph) -> dict[int, int]:
    """Root node -> number of warnings that name one of its identifiers."""
    counts: dict[int, int] = {}
    find = g._find
    for nodes in g._w.nodes:
        roots = {find(n) for n in nodes}
        for r in roots:
            counts[r] = counts.get(r, 0) + 1
    return counts


def snapshot(g: IdentityGraph, user: str | None = None) -> dict[str, Any]:
    w = g._w
    if user is None:
        counts = _warning_counts(g)
        people = [_person(g, p, counts.get(g._find(p.first), 0)) for p in _people(g)]
        return {"people": people, "warnings": [w.to_dict(i, g._value) for i in range(len(w))]}
    roots = g._roots_of(user)
    if not roots:
        return {"people": [], "warnings": []}
    out_people = []
    all_ws: set[int] = set()
    for r in roots:
        p = g._pp[r]
        assert p is not None
        ws = w.of_nodes(p.members)
        all_ws.update(ws)
        out_people.append(_person(g, p, len(ws)))
    return {"people": out_people, "warnings": [w.to_dict(i, g._value) for i in sorted(all_ws)]}


def people_rows(g: IdentityGraph) -> list[dict[str, Any]]:
    counts = _warning_counts(g)
    rows = []
    for p in _people(g):
        first, last = _span(g, p)
        rows.append(
            {
                "canonical": g._value[p.canon],
                "ids": p.size,
                "users": p.users,
                "anons": p.anons,
                "events": len(p.seqs) if p.seqs is not None else 0,
                "firstSeen": first,
                "lastSeen": last,
                "warnings": counts.get(g._find(p.first), 0),
            }
        )
    return rows


def timeline(g: IdentityGraph, value: str) -> dict[str, Any]:
    """Lanes (one per identifier, canonical first) with event marks, and the merge points."""
    roots = g._roots_of(value)
    if not roots:
        return {"canonical": None, "lanes": [], "merges": [], "edges": [], "events": 0}
    p = g._pp[roots[0]]
    assert p is not None
    members = sorted(p.members)
    members.remove(p.canon)
    members.insert(0, p.canon)
    lane_of = {n: i for i, n in enumerate(members)}
    seqs = p.ordered_seqs()
    foreign = _foreign_seqs(g, p)
    stats = _node_stats(g, seqs, foreign)
    lanes: list[dict[str, Any]] = []
    for n in members:
        lane = _identifier(g, n, stats)
        lane["canonical"] = n == p.canon
        lane["marks"] = []
        lanes.append(lane)
    ev_node, ev_node2 = g._ev_node, g._ev_node2

    def mark(s: int, secondary: bool) -> dict[str, Any]:
        li = g._ev_label[s]
        at = g._ev_at[s]
        return {
            "eventId": g._ev_id[s],
            "seq": s,
            "time": epoch_iso(at),
            "ts": at,
            "type": g._type_list[g._ev_type[s]],
            "label": g._label_list[li] if li >= 0 else None,
            "secondary": secondary,
        }

    for s in seqs:
        lanes[lane_of[ev_node[s]]]["marks"].append(mark(s, False))
        n2 = ev_node2[s]
        if n2 >= 0 and n2 in lane_of:
            # the event also carried this identifier: a secondary mark on that lane
            lanes[lane_of[n2]]["marks"].append(mark(s, True))
    if foreign:
        # events of another person that carried one of these ids (blocked / no-op edge)
        for s, n in foreign:
            m = mark(s, True)
            m["otherPerson"] = g.canonical_of_node(ev_node[s])
            lanes[lane_of[n]]["marks"].append(m)
        for lane in lanes:
            lane["marks"].sort(key=lambda m: m["seq"])
    merges: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for e in p.edge_list():
        d = edge_dict(g, e)
        x, y = g._e_x[e], g._e_y[e]
        d["time"] = d.pop("at")
        d["ts"] = g._e_at[e]
        d["lanes"] = [lane_of.get(x), lane_of.get(y)]
        if x not in lane_of or y not in lane_of:
            outside = x if x not in lane_of else y
            d["otherPerson"] = g.canonical_of_node(outside)
        (merges if g._e_verdict[e] == APPLIED else others).append(d)
    return {
        "canonical": g._value[p.canon],
        "lanes": lanes,
        "merges": merges,
        "edges": others,
        "events": len(seqs),
    }
