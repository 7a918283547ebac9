"""Checking flows on real events: identity-aware people, each way of failing, closest misses,
and the stored-session source agreeing with the in-memory one."""

from __future__ import annotations

import pytest

from inspector.domain.flows import (
    People,
    StoreSource,
    check_flow,
    checklist_text,
    flow_from_data,
    junit_xml,
)
from inspector.domain.identity import replay
from inspector.domain.store import Store
from tests.domain.flows.helpers import events, identify, page, source, track

CHECKOUT = flow_from_data(
    {
        "name": "Checkout",
        "steps": [
            {"q": "type:page name:Pricing"},
            {"q": 'type:track event:"Signed Up"'},
            {"q": "type:identify"},
            {"q": 'type:track event:"Order Completed" properties.revenue:>0'},
        ],
    }
)
A1 = {"anonymousId": "anon-1"}
U1 = {"userId": "u1"}


def statuses(result):
    return [s.status for s in result.steps]


def test_a_device_and_a_user_merged_by_identify_are_one_person():
    evs = events(
        page(A1, "Pricing"),
        track(A1, "Signed Up"),
        identify("u1", "anon-1", email="ada@example.com"),
        track(U1, "Order Completed", revenue=9.99),
    )
    result = check_flow(CHECKOUT, source(evs))
    assert result.passed and result.person == "u1"
    assert statuses(result) == ["matched"] * 4
    assert [s.event for s in result.steps] == [1, 2, 3, 4]
    assert result.steps[0].summary["label"] == "Pricing"
    assert result.to_api()["steps"][0] == {
        "q": "type:page name:Pricing",
        "status": "matched",
        "event": 1,
        "summary": result.steps[0].summary,
    }


def test_without_the_merge_the_device_is_another_person():
    evs = events(
        page(A1, "Pricing"),
        track(A1, "Signed Up"),
        identify("u1", "anon-2"),  # a different device: no merge with anon-1
        track(U1, "Order Completed", revenue=9.99),
    )
    result = check_flow(CHECKOUT, source(evs))
    assert not result.passed and result.people == 2
    # anon-1 has two steps, u1 two: the tie goes to the most recent (u1)
    assert result.person == "u1"
    assert statuses(result) == ["missing", "missing", "matched", "matched"]
    pricing = result.steps[0].misses
    assert pricing[0]["event"] == 1 and pricing[0]["person"] == "anon-1"
    assert "another person" not in pricing[0]["why"] and "sent by anon-1" in pricing[0]["why"]


def test_missing_step_with_a_near_miss():
    evs = events(
        page(A1, "Pricing"),
        track(A1, "Signed Up"),
        identify("u1", "anon-1"),
        track(U1, "Order Completed", revenue=0),  # revenue not > 0
        track(U1, "Order Complete", revenue=5),  # the name is off by one letter
    )
    result = check_flow(CHECKOUT, source(evs))
    assert not result.passed and statuses(result)[3] == "missing"
    misses = result.steps[3].misses
    assert [m["event"] for m in misses[:2]] == [4, 5]
    assert "fails properties.revenue:>0" in misses[0]["why"]
    assert "matches 2 of 3 terms" in misses[0]["why"]
    assert "close" in misses[1]["why"]
    text = checklist_text(result.to_api())
    assert "[ ] 4." in text and "MISSING" in text and "#4 track 'Order Completed'" in text


def test_out_of_order_names_the_early_event():
    evs = events(
        track(U1, "Signed Up"),
        page(U1, "Pricing"),
        identify("u1"),
        track(U1, "Order Completed", revenue=3),
    )
    result = check_flow(CHECKOUT, source(evs))
    assert statuses(result) == ["matched", "out_of_order", "matched", "matched"]
    assert result.steps[1].event == 1
    assert "came before step 1's match #2" in result.steps[1].misses[0]["why"]
    assert "[!] 2." in checklist_text(result.to_api())


def test_nobody_at_all():
    result = check_flow(CHECKOUT, source(events(track(U1, "Something Else"))))
    assert not result.passed and result.person is None
    assert statuses(result) == ["missing"] * 4
    api = result.to_api()
    assert api["person"] is None and all(s["event"] is None for s in api["steps"])


def test_user_terms_follow_merges():
    flow = flow_from_data(
        {"name": "x", "steps": ["user:anon-1 type:page", "user:anon-1 type:track"]}
    )
    evs = events(page(A1, "Home"), identify("u1", "anon-1"), track(U1, "Bought"))
    assert check_flow(flow, source(evs)).passed


def test_junit_has_a_case_per_step():
    result = check_flow(CHECKOUT, source(events(page(U1, "Pricing")))).to_api()
    xml = junit_xml(result, "f.ndjson")
    assert xml.count("<testcase") == 4 and 'failures="3"' in xml


@pytest.fixture
def stored(tmp_path):
    store = Store(tmp_path)
    session = store.open_session("s")
    evs = events(
        page(A1, "Pricing"),
        track({"userId": "u2"}, "Signed Up"),
        track(A1, "Signed Up"),
        identify("u1", "anon-1"),
        track(U1, "Order Completed", revenue=9.99),
    )
    for e in evs:
        e.session_id = session.id
        e.id = 0
    store.allocate(None, evs)
    store.write([], evs)
    yield store, session, evs
    store.close()


def test_a_stored_session_gives_the_same_answer(stored):
    store, session, evs = stored
    graph = replay(evs)
    src = StoreSource(store, session.id, People(graph.person_of), graph)
    got = check_flow(CHECKOUT, src)
    want = check_flow(CHECKOUT, source(evs))
    assert got.passed and want.passed
    assert (
        [s.event for s in got.steps]
        == [s.event for s in want.steps]
        == [evs[0].id, evs[2].id, evs[3].id, evs[4].id]
    )
    # a scope (what the pytest plugin does with its write key) ANDed to every step
    scoped = StoreSource(store, session.id, where="write_key = ?", params=["other"])
    assert statuses(check_flow(CHECKOUT, scoped)) == ["missing"] * 4
