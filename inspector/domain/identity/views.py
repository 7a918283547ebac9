"""Read-only views of an identity graph's state: snapshot, People rows, merged timeline.

They read through :class:`~.state.IdentityState`'s methods (people, edges, events) and work
from the per-person indexes (members, edges, event seqs), so that asking about one person
costs what that person holds, not what the session holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inspector.domain.capture import epoch_iso
from inspector.domain.identity.person import APPLIED, VERDICT_NAMES, Person
from inspector.domain.identity.state import IdentityState

EDGE_KIND_NAMES = ("identify", "implicit", "alias")


def edge_dict(g: IdentityState, e: int) -> dict[str, Any]:
    d = g.edge(e)
    return {
        "from": g.value_of(d.x),
        "to": g.value_of(d.y),
        "call": d.call,
        "messageId": d.message_id,
        "verdict": VERDICT_NAMES[d.verdict],
        "reason": d.reason,
        "kind": EDGE_KIND_NAMES[d.kind],
        "fromKind": g.kind_of(d.x),
        "toKind": g.kind_of(d.y),
        "at": epoch_iso(d.at),
        "seq": d.seq,
        "count": d.times,
        "id": e,
    }


def _foreign_seqs(g: IdentityState, p: Person) -> list[tuple[int, int]]:
    """(seq, node) of events that carried one of ``p``'s identifiers but belong to another
    person (a blocked or no-op edge kept them apart), in arrival order."""
    out: list[tuple[int, int]] = []
    for n in p.members:
        f = g.foreign_seqs(n)
        if f:
            out.extend((s, n) for s in f if not g.same_person(g.event_nodes(s)[0], p.first))
    out.sort()
    return out


def _node_stats(
    g: IdentityState, seqs: Iterable[int], foreign: list[tuple[int, int]]
) -> dict[int, list[float]]:
    """node -> [firstSeen, lastSeen, events] over every event that carried the identifier."""
    stats: dict[int, list[float]] = {}
    both = [*g.carried(seqs), *foreign]
    for (_s, n), at in zip(both, g.event_times(s for s, _ in both), strict=True):
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


def _identifier(g: IdentityState, n: int, stats: dict[int, list[float]]) -> dict[str, Any]:
    created = g.created_at(n)
    st = stats.get(n)
    first, last, count = (
        (min(st[0], created), max(st[1], created), int(st[2])) if st else (created, created, 0)
    )
    return {
        "kind": g.kind_of(n),
        "value": g.value_of(n),
        "firstSeen": epoch_iso(first),
        "lastSeen": epoch_iso(last),
        "events": count,
    }


def _span(g: IdentityState, p: Person) -> tuple[str | None, str | None]:
    if not p.seqs:
        return None, None
    times = g.event_times(p.seqs)
    return epoch_iso(min(times)), epoch_iso(max(times))


def _person(g: IdentityState, p: Person, warnings: int) -> dict[str, Any]:
    members = sorted(p.members)
    seqs = p.ordered_seqs()
    stats = _node_stats(g, seqs, _foreign_seqs(g, p))
    first, last = _span(g, p)
    return {
        "canonical": g.value_of(p.canon),
        "canonicalKind": g.kind_of(p.canon),
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


def _warning_counts(g: IdentityState) -> dict[int, int]:
    """Root node -> number of warnings that name one of its identifiers."""
    counts: dict[int, int] = {}
    for roots in g.warning_roots():
        for r in roots:
            counts[r] = counts.get(r, 0) + 1
    return counts


def snapshot(g: IdentityState, user: str | None = None) -> dict[str, Any]:
    if user is None:
        counts = _warning_counts(g)
        people = [_person(g, p, counts.get(g.find(p.first), 0)) for p in g.people()]
        return {"people": people, "warnings": g.warning_dicts()}
    out_people = []
    all_ws: set[int] = set()
    for p in g.people_of(user):
        ws = g.warnings.of_nodes(p.members)
        all_ws.update(ws)
        out_people.append(_person(g, p, len(ws)))
    return {"people": out_people, "warnings": g.warning_dicts(sorted(all_ws))}


def people_rows(g: IdentityState) -> list[dict[str, Any]]:
    counts = _warning_counts(g)
    rows = []
    for p in g.people():
        first, last = _span(g, p)
        rows.append(
            {
                "canonical": g.value_of(p.canon),
                "ids": p.size,
                "users": p.users,
                "anons": p.anons,
                "events": len(p.seqs) if p.seqs is not None else 0,
                "firstSeen": first,
                "lastSeen": last,
                "warnings": counts.get(g.find(p.first), 0),
            }
        )
    return rows


def timeline(g: IdentityState, value: str) -> dict[str, Any]:
    """Lanes (one per identifier, canonical first) with event marks, and the merge points."""
    people = g.people_of(value)
    if not people:
        return {"canonical": None, "lanes": [], "merges": [], "edges": [], "events": 0}
    p = people[0]
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

    def mark(s: int, secondary: bool) -> dict[str, Any]:
        ev = g.event(s)
        return {
            "eventId": ev.id,
            "seq": s,
            "time": epoch_iso(ev.at),
            "ts": ev.at,
            "type": ev.type,
            "label": ev.label,
            "secondary": secondary,
        }

    for s in seqs:
        n1, n2 = g.event_nodes(s)
        lanes[lane_of[n1]]["marks"].append(mark(s, False))
        if n2 >= 0 and n2 in lane_of:
            # the event also carried this identifier: a secondary mark on that lane
            lanes[lane_of[n2]]["marks"].append(mark(s, True))
    if foreign:
        # events of another person that carried one of these ids (blocked / no-op edge)
        for s, n in foreign:
            m = mark(s, True)
            m["otherPerson"] = g.canonical_of_node(g.event_nodes(s)[0])
            lanes[lane_of[n]]["marks"].append(m)
        for lane in lanes:
            lane["marks"].sort(key=lambda m: m["seq"])
    merges: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for e in p.edge_list():
        d = edge_dict(g, e)
        edge = g.edge(e)
        x, y = edge.x, edge.y
        d["time"] = d.pop("at")
        d["ts"] = edge.at
        d["lanes"] = [lane_of.get(x), lane_of.get(y)]
        if x not in lane_of or y not in lane_of:
            outside = x if x not in lane_of else y
            d["otherPerson"] = g.canonical_of_node(outside)
        (merges if edge.verdict == APPLIED else others).append(d)
    return {
        "canonical": g.value_of(p.canon),
        "lanes": lanes,
        "merges": merges,
        "edges": others,
        "events": len(seqs),
    }
