"""After a wait on a read-only store times out: the closest misses and what did arrive, in the
shapes ``GET /api/wait`` answers with (scored by the flows' scorer: the query's top-level
AND-terms one by one, then the similarity of the event's name to the name asked for)."""

from __future__ import annotations

from typing import Any, cast

from inspector.domain.capture import LEVEL_NAME, CapturedEvent
from inspector.domain.flows.misses import Scorer
from inspector.domain.flows.sources import FlowSource
from inspector.domain.query import CompiledQuery, IdentitySource, Query, compile_query
from inspector.domain.store import Store

MISS_SCAN = 5000  # most recent events looked at
MISS_SHOWN = 5
EXPLANATION = (
    "Events that did not match, best first: most of the query's top-level AND-terms matched, "
    "then the closest name to the one asked for, then the type asked for, then the newest."
)


def summary(ev: CapturedEvent) -> dict[str, Any]:
    from inspector.domain.capture import epoch_iso

    m = ev.message
    return {
        "id": ev.id,
        "receivedAt": epoch_iso(ev.received_at),
        "type": ev.type,
        "label": ev.label,
        "userId": ev.user_id,
        "anonymousId": ev.anonymous_id,
        "lintLevel": LEVEL_NAME[ev.lint_level],
        "properties": m.get("properties")
        if ev.type in ("track", "page", "screen")
        else m.get("traits"),
    }


class TermCompiler:
    """What the scorer asks of a flow source: each term through the one query door."""

    def __init__(self, identity: IdentitySource) -> None:
        self.identity = identity

    def compile(self, query: Query) -> CompiledQuery:
        return compile_query(query.text, self.identity)


def closest_misses(
    store: Store, session_id: int, query: Query, identity: IdentitySource, exclude: set[int]
) -> dict[str, Any]:
    scorer = Scorer(query, cast(FlowSource, TermCompiler(identity)))
    scored = []
    for ev in store.events(session_id, limit=MISS_SCAN, descending=True):
        if ev.id in exclude:
            continue
        s = scorer.score(ev)
        if s is not None:
            scored.append(((*s[0], ev.id), s[1], ev))
    scored.sort(key=lambda t: t[0], reverse=True)
    return {
        "explanation": EXPLANATION,
        "terms": [text for text, _ in scorer.terms],
        "events": [{"why": why, "event": summary(ev)} for _, why, ev in scored[:MISS_SHOWN]],
    }


def arrived(store: Store, session_id: int) -> dict[str, Any]:
    """What the session holds, by type and name, most frequent first."""
    rows = store.select(
        "SELECT type, COALESCE(CASE WHEN type='track' THEN event ELSE name END, ''), COUNT(*) "
        "FROM events WHERE session_id=? GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50",
        [session_id],
    )
    return {
        "total": store.count_events(session_id),
        "byName": [{"type": t, "name": n or None, "count": c} for t, n, c in rows],
    }
