"""Coverage of a plan: seen by client, never seen, unplanned; a file and a stored session agree."""

from __future__ import annotations

import time

from inspector.domain.lint.coverage import counts_of_events, counts_of_session, coverage
from inspector.domain.lint.plan import plan_from_data
from inspector.domain.store import Store
from inspector.testing.events import event

PLAN = plan_from_data(
    {
        "events": {
            "Order Completed": {"required": True, "properties": {}},
            "Signed Up": {"required": True, "properties": {}},
            "Product Viewed": {"properties": {}},
        },
        "page": {"properties": {}},
    }
)


def ev(message, client):
    return event(message, library="lib", client=client, message_id=str(time.monotonic_ns()))


EVENTS = [
    ev({"type": "track", "event": "Order Completed", "userId": "u"}, "@segment/analytics-next"),
    ev({"type": "track", "event": "Order Completed", "userId": "u"}, "segment-analytics-python"),
    ev({"type": "track", "event": "Order Completed", "userId": "u"}, "segment-analytics-python"),
    ev({"type": "track", "event": "Product Viewed", "userId": "u"}, "analytics-swift"),
    ev({"type": "track", "event": "Cart Abandoned", "userId": "u"}, "analytics-swift"),
    ev({"type": "track", "event": "Cart Abandoned", "userId": "u"}, "analytics-kotlin"),
    ev({"type": "track", "event": "Debug", "userId": "u"}, "analytics-kotlin"),
    ev({"type": "identify", "userId": "u"}, "analytics-kotlin"),
    ev({"type": "page", "name": "Home", "userId": "u"}, "@segment/analytics-next"),
]


def test_seen_by_source_never_seen_and_unplanned():
    cov = coverage(PLAN, counts_of_events(EVENTS))
    body = cov.to_api()
    assert body["planned"] == [
        {
            "event": "Order Completed",
            "seen": 3,
            "bySource": {"segment-analytics-python": 2, "@segment/analytics-next": 1},
            "type": "track",
            "required": True,
        },
        {"event": "Signed Up", "seen": 0, "bySource": {}, "type": "track", "required": True},
        {
            "event": "Product Viewed",
            "seen": 1,
            "bySource": {"analytics-swift": 1},
            "type": "track",
            "required": False,
        },
    ]
    assert [(r["event"], r["seen"]) for r in body["unplanned"]] == [
        ("Cart Abandoned", 2),
        ("Debug", 1),
    ]
    assert body["unplanned"][0]["bySource"] == {"analytics-kotlin": 1, "analytics-swift": 1}
    assert [r.event for r in cov.missing_required] == ["Signed Up"]
    assert body["summary"]["neverSeen"] == ["Signed Up"]


def test_keyed_pages_are_planned_and_other_pages_are_not_unplanned():
    plan = plan_from_data({"events": {}, "page": {"properties": {}}})
    assert coverage(plan, counts_of_events(EVENTS)).to_api()["unplanned"] == []
    keyed = plan_from_data([{"type": "PAGE", "key": "Home", "jsonSchema": {}}])
    body = coverage(keyed, counts_of_events(EVENTS)).to_api()
    assert body["planned"] == [
        {
            "event": "Home",
            "seen": 1,
            "bySource": {"@segment/analytics-next": 1},
            "type": "page",
            "required": False,
        }
    ]


def test_a_stored_session_counts_the_same(tmp_path):
    store = Store(tmp_path)
    session = store.open_session("s")
    evs = [ev(dict(e.message), e.source.client) for e in EVENTS]
    for e in evs:
        e.session_id = session.id
    store.allocate(None, evs)
    store.write([], evs)
    try:
        stored = coverage(PLAN, counts_of_session(store, session.id)).to_api()
        assert stored == coverage(PLAN, counts_of_events(EVENTS)).to_api()
        scoped = coverage(
            PLAN, counts_of_session(store, session.id, "client = ?", ["analytics-swift"])
        )
        assert [r.seen for r in scoped.planned] == [0, 0, 1]
    finally:
        store.close()
