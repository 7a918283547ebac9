"""Compact answers for an agent's context: counts and the first N items, never a whole session.

Every function here takes the query API's JSON shapes (what ``/api/*`` answers, and what the
read-only store backend builds the same way) and keeps what an agent needs to judge the
tracking code it wrote: the event's type and name, its ids, the client that sent it, its lint
findings in one line each, and the message (large values shortened, saying so).
"""

from __future__ import annotations

from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.labels import event_label

MESSAGE_CHARS = 3000  # a message longer than this as JSON is shortened
STRING_CHARS = 200  # strings longer than this are cut inside a shortened message
LIST_ITEMS = 10  # arrays longer than this keep their first items inside a shortened message
RULES_SHOWN = 25
PEOPLE_SHOWN = 5
IDS_SHOWN = 30
EDGES_SHOWN = 30
WARNINGS_SHOWN = 20
MISSES_SHOWN = 5
NAMES_SHOWN = 15
SESSIONS_SHOWN = 20
WAIT_SHOWN = 20  # matching events a wait lists
PLANNED_SHOWN = 50
UNPLANNED_SHOWN = 20


def _cut(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= STRING_CHARS else value[:STRING_CHARS] + "…"
    if isinstance(value, list):
        head = [_cut(v, depth + 1) for v in value[:LIST_ITEMS]]
        if len(value) > LIST_ITEMS:
            head.append(f"…{len(value) - LIST_ITEMS} more items")
        return head
    if isinstance(value, dict):
        if depth >= 3:
            return f"{{…{len(value)} keys}}"
        return {k: _cut(v, depth + 1) for k, v in value.items()}
    return value


def trim_message(message: Any) -> tuple[Any, bool]:
    """The message as is when it is small; else long strings, long arrays and deep objects
    shortened. Returns (message, whether it was shortened)."""
    if len(jsoncodec.dumps_str(message)) <= MESSAGE_CHARS:
        return message, False
    return _cut(message, 0), True


def lint_lines(findings: list[dict[str, Any]]) -> list[str]:
    out = []
    for f in findings:
        at = f" (at {f['path']})" if f.get("path") else ""
        out.append(f"{f.get('rule')} {f.get('severity')}: {f.get('message')}{at}")
    return out


def event_brief(ev: dict[str, Any], *, message: bool = True) -> dict[str, Any]:
    """One API event as an agent reads it."""
    raw = ev.get("message")
    m: dict[str, Any] = raw if isinstance(raw, dict) else {}
    typ = str(ev.get("type") or "")
    out: dict[str, Any] = {"id": ev.get("id"), "receivedAt": ev.get("receivedAt"), "type": typ}
    label = event_label(typ, m)
    if label is not None:
        out["name"] = label
    for key in ("userId", "anonymousId", "groupId", "previousId"):
        if m.get(key) not in (None, "") and not (key == "groupId" and typ == "group"):
            out[key] = m[key]
    src = ev.get("source") or {}
    client = src.get("client") or src.get("library")
    if client:
        out["client"] = client
    if src.get("writeKey"):
        out["writeKey"] = src["writeKey"]
    if ev.get("duplicate"):
        out["duplicate"] = True
    findings = ev.get("lint") or []
    out["lint"] = (
        {"level": ev.get("lintLevel"), "findings": lint_lines(findings)} if findings else "none"
    )
    if message:
        out["message"], trimmed = trim_message(m)
        if trimmed:
            out["messageShortened"] = True
    return out


BODY_CHARS = 2000  # the request body of get_event, as received


def full_event(ev: dict[str, Any]) -> dict[str, Any]:
    """One event in full (``GET /api/events/{id}``) but for its request's body, which may be a
    whole batch: cut to its first characters, saying how long it was."""
    raw = ev.get("raw")
    if not isinstance(raw, dict):
        return ev
    body = raw.get("body")
    if isinstance(body, str) and len(body) > BODY_CHARS:
        cut = {**raw, "body": body[:BODY_CHARS] + "…", "bodyChars": len(body)}
        return {**ev, "raw": cut}
    return ev


def miss_brief(summary: dict[str, Any]) -> dict[str, Any]:
    """An event summary of the closest misses (``qa_misses.event_summary``) as a brief."""
    out: dict[str, Any] = {"id": summary.get("id"), "type": summary.get("type")}
    for key in ("label", "userId", "anonymousId", "lintLevel"):
        if summary.get(key) not in (None, ""):
            out["name" if key == "label" else key] = summary[key]
    props = summary.get("properties")
    if props:
        out["properties"], _ = trim_message(props)
    return out


def events_answer(q: str, body: dict[str, Any], limit: int) -> dict[str, Any]:
    events = body.get("events") or []
    total = int(body.get("total", len(events)))
    out: dict[str, Any] = {"q": q, "session": _session(body), "total": total}
    out["shown"] = len(events)
    if total > len(events):
        out["note"] = (
            f"{total} events match; the {len(events)} newest are shown, oldest first. "
            "Narrow the query or raise limit (at most 100)."
        )
    out["events"] = [event_brief(e) for e in events[-limit:]] if limit else []
    return out


def wait_answer(body: dict[str, Any], shown: int = WAIT_SHOWN) -> dict[str, Any]:
    matched = bool(body.get("matched"))
    events = body.get("events") or []
    out: dict[str, Any] = {
        "matched": matched,
        "q": body.get("q", ""),
        "count": body.get("count"),
        "total": body.get("total", len(events)),
        "waitedMs": body.get("waitedMs"),
    }
    if not matched and body.get("message"):
        out["message"] = body["message"]
    out["events"] = [event_brief(e, message=matched) for e in events[:shown]]
    if not matched:
        misses = (body.get("closestMisses") or {}).get("events") or []
        out["closestMisses"] = [
            {"why": m.get("why"), "event": miss_brief(m.get("event") or {})}
            for m in misses[:MISSES_SHOWN]
        ]
        arrived = body.get("arrived") or {}
        names = arrived.get("byName") or []
        out["arrived"] = {"total": arrived.get("total", 0), "byName": names[:NAMES_SHOWN]}
        if len(names) > NAMES_SHOWN:
            out["arrived"]["more"] = len(names) - NAMES_SHOWN
    return out


def lint_answer(q: str, body: dict[str, Any]) -> dict[str, Any]:
    rules = body.get("rules") or []
    out: dict[str, Any] = {
        "q": q,
        "session": _session(body),
        "minSeverity": body.get("minSeverity"),
        "eventsWithFindings": body.get("events", 0),
        "findings": body.get("findings", 0),
        "rules": rules[:RULES_SHOWN],
    }
    if len(rules) > RULES_SHOWN:
        out["more"] = f"{len(rules) - RULES_SHOWN} more rules; narrow q or raise min_severity"
    if not rules:
        out["note"] = f"no finding at {body.get('minSeverity')} or above for this query"
    return out


def _person(p: dict[str, Any]) -> dict[str, Any]:
    ids = p.get("identifiers") or []
    edges = p.get("edges") or []
    out: dict[str, Any] = {
        "canonical": p.get("canonical"),
        "events": p.get("events"),
        "firstSeen": p.get("firstSeen"),
        "lastSeen": p.get("lastSeen"),
        "ids": [
            {"kind": i.get("kind"), "value": i.get("value"), "events": i.get("events")}
            for i in ids[:IDS_SHOWN]
        ],
        "merges": [
            {
                k: e.get(k)
                for k in ("from", "to", "call", "verdict", "reason", "messageId", "at")
                if e.get(k) is not None
            }
            for e in edges[:EDGES_SHOWN]
        ],
    }
    if len(ids) > IDS_SHOWN:
        out["moreIds"] = len(ids) - IDS_SHOWN
    if len(edges) > EDGES_SHOWN:
        out["moreMerges"] = len(edges) - EDGES_SHOWN
    if p.get("groups"):
        out["groups"] = p["groups"][:IDS_SHOWN]
    return out


def identity_answer(user: str, body: dict[str, Any]) -> dict[str, Any]:
    people = body.get("people") or []
    warnings = body.get("warnings") or []
    out: dict[str, Any] = {"user": user, "mode": body.get("mode"), "found": bool(people)}
    if not people:
        out["note"] = (
            f"no identifier {user!r} in this session (userId, anonymousId or previousId); "
            "list the ids seen with query_events"
        )
        return out
    out["people"] = [_person(p) for p in people[:PEOPLE_SHOWN]]
    out["warnings"] = warnings[:WARNINGS_SHOWN]
    if len(warnings) > WARNINGS_SHOWN:
        out["moreWarnings"] = len(warnings) - WARNINGS_SHOWN
    return out


def flow_answer(body: dict[str, Any]) -> dict[str, Any]:
    from inspector.domain.flows import checklist_text

    steps = []
    for n, s in enumerate(body.get("steps") or [], 1):
        step: dict[str, Any] = {"step": n, "q": s.get("q"), "status": s.get("status")}
        if s.get("name"):
            step["name"] = s["name"]
        step["event"] = s.get("event")
        if s.get("summary"):
            step["summary"] = s["summary"]
        if s.get("status") != "matched":
            step["closestMisses"] = (s.get("closestMisses") or [])[:MISSES_SHOWN]
        steps.append(step)
    return {
        "name": body.get("name"),
        "passed": bool(body.get("passed")),
        "person": body.get("person"),
        "people": body.get("people"),
        "steps": steps,
        "checklist": checklist_text(body),
    }


def coverage_answer(body: dict[str, Any]) -> dict[str, Any]:
    """``planned``: each planned event with how often it was seen, by client; ``seen``: how
    many planned events were seen; ``unseen``: those never seen (required first);
    ``unplanned``: events seen that the plan does not list; ``summary`` in one sentence."""
    planned = body.get("planned") or []
    unplanned = body.get("unplanned") or []
    unseen = [r for r in planned if not r.get("seen")]
    unseen.sort(key=lambda r: not r.get("required"))
    required = [r.get("event") for r in unseen if r.get("required")]
    summary = f"{len(planned) - len(unseen)} of {len(planned)} planned events seen"
    if required:
        summary += f"; required but never seen: {', '.join(map(str, required))}"
    summary += f"; {len(unplanned)} unplanned event{'s' * (len(unplanned) != 1)} seen"
    out: dict[str, Any] = {
        "plan": body.get("plan"),
        "session": _session(body),
        "summary": summary,
        "planned": [
            {k: r.get(k) for k in ("event", "type", "seen", "bySource", "required")}
            for r in planned[:PLANNED_SHOWN]
        ],
        "seen": len(planned) - len(unseen),
        "unseen": [
            {"event": r.get("event"), "type": r.get("type"), "required": bool(r.get("required"))}
            for r in unseen
        ],
        "unplanned": [
            {k: r.get(k) for k in ("event", "type", "seen", "bySource")}
            for r in unplanned[:UNPLANNED_SHOWN]
        ],
    }
    if len(planned) > PLANNED_SHOWN:
        out["morePlanned"] = len(planned) - PLANNED_SHOWN
    if len(unplanned) > UNPLANNED_SHOWN:
        out["moreUnplanned"] = len(unplanned) - UNPLANNED_SHOWN
    return out


def sessions_answer(body: dict[str, Any]) -> dict[str, Any]:
    sessions = list(body.get("sessions") or [])
    sessions.sort(key=lambda s: s.get("id", 0), reverse=True)
    out: dict[str, Any] = {"current": body.get("current"), "total": len(sessions)}
    out["sessions"] = sessions[:SESSIONS_SHOWN]
    if len(sessions) > SESSIONS_SHOWN:
        out["note"] = f"the {SESSIONS_SHOWN} newest of {len(sessions)} sessions"
    return out


def _session(body: dict[str, Any]) -> Any:
    s = body.get("session")
    return s.get("name") if isinstance(s, dict) else s
