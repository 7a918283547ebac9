"""Tracking-plan coverage: for each planned event, how often a session (or a file) sent it and
from which client (our proxy for the platform: web, iOS/Android through their libraries,
server); planned events never seen; events seen that the plan does not list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.lint.plan import TrackingPlan
from inspector.domain.store import Store

Count = tuple[str, str | None, str, int]  # type, event/page name, source client, how many
UNKNOWN_CLIENT = "unknown"


@dataclass(slots=True)
class Row:
    event: str
    type: str = "track"
    required: bool = False
    planned: bool = True
    by_source: dict[str, int] = field(default_factory=dict)

    @property
    def seen(self) -> int:
        return sum(self.by_source.values())

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event": self.event,
            "seen": self.seen,
            "bySource": dict(sorted(self.by_source.items(), key=lambda kv: (-kv[1], kv[0]))),
            "type": self.type,
        }
        if self.planned:
            out["required"] = self.required
        return out


@dataclass(slots=True)
class Coverage:
    planned: list[Row]
    unplanned: list[Row]
    plan: str | None = None

    @property
    def never_seen(self) -> list[Row]:
        return [r for r in self.planned if not r.seen]

    @property
    def missing_required(self) -> list[Row]:
        return [r for r in self.planned if r.required and not r.seen]

    @property
    def sources(self) -> list[str]:
        seen: Counter[str] = Counter()
        for r in (*self.planned, *self.unplanned):
            seen.update(r.by_source)
        return [s for s, _ in seen.most_common()]

    def to_api(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "planned": [r.to_api() for r in self.planned],
            "unplanned": [r.to_api() for r in self.unplanned],
            "summary": {
                "planned": len(self.planned),
                "seen": len(self.planned) - len(self.never_seen),
                "neverSeen": [r.event for r in self.never_seen],
                "requiredNeverSeen": [r.event for r in self.missing_required],
                "unplanned": len(self.unplanned),
                "sources": self.sources,
            },
        }


def coverage(plan: TrackingPlan, counts: Iterable[Count]) -> Coverage:
    """Planned events in plan order (track events, then keyed pages and screens), unplanned
    track events most seen first. Unplanned means: the plan lists track events, not this one."""
    planned: dict[tuple[str, str], Row] = {}
    for name, versions in plan.events.items():
        planned[("track", name)] = Row(name, "track", any(r.required for r in versions.values()))
    for (t, name), versions in plan.keyed.items():
        planned[(t.lower(), name)] = Row(
            name, t.lower(), any(r.required for r in versions.values())
        )
    unplanned: dict[str, Row] = {}
    for typ, label, client, n in counts:
        if label is None:
            continue
        row = planned.get((typ, label))
        if row is None and typ == "track" and plan.events:
            row = unplanned.get(label)
            if row is None:
                row = unplanned[label] = Row(label, "track", planned=False)
        if row is not None:
            row.by_source[client] = row.by_source.get(client, 0) + n
    rows = sorted(unplanned.values(), key=lambda r: (-r.seen, r.event))
    return Coverage(list(planned.values()), rows, plan.source)


def counts_of_events(events: Iterable[CapturedEvent]) -> list[Count]:
    c: Counter[tuple[str, str | None, str]] = Counter()
    for ev in events:
        if ev.type not in ("track", "page", "screen"):
            continue
        label = ev.event if ev.type == "track" else ev.name
        c[(ev.type, label, ev.source.client or ev.source.library or UNKNOWN_CLIENT)] += 1
    return [(t, name, client, n) for (t, name, client), n in c.items()]


def counts_of_session(
    store: Store, session_id: int, where: str = "", params: Iterable[Any] = ()
) -> list[Count]:
    cond = f" AND ({where})" if where else ""
    rows = store.select(
        "SELECT type, CASE WHEN type='track' THEN event ELSE name END, "
        f"COALESCE(client, lib, '{UNKNOWN_CLIENT}'), COUNT(*) FROM events{store.join} "
        f"WHERE session_id=? AND type IN ('track', 'page', 'screen'){cond} GROUP BY 1, 2, 3",
        [session_id, *params],
    )
    return [(r[0], r[1], r[2], int(r[3])) for r in rows]
