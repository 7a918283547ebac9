"""Save selection as flow: events become steps that match them, in arrival order."""

from __future__ import annotations

from inspector.domain.flows import check_flow
from inspector.domain.flows.record import flow_from_events, step_query
from tests.domain.flows.helpers import events, identify, page, source, track


def test_recorded_flow_passes_on_what_it_was_recorded_from():
    evs = events(
        page({"anonymousId": "a"}, 'Pricing "Pro"'),
        track({"anonymousId": "a"}, "Signed Up"),
        identify("u", "a"),
        {"type": "screen", "name": "Home", "userId": "u"},
        {"type": "group", "groupId": "g", "userId": "u"},
    )
    flow = flow_from_events("golden", reversed(evs))  # the selection's order does not matter
    assert [s.q for s in flow.steps] == [
        'type:page name:"Pricing \\"Pro\\""',
        'type:track event:"Signed Up"',
        "type:identify",
        'type:screen name:"Home"',
        "type:group",
    ]
    assert check_flow(flow, source(evs)).passed
    assert not check_flow(flow, source(evs[1:])).passed


def test_unnamed_calls_ask_for_their_type():
    [ev] = events({"type": "page", "userId": "u"})
    assert step_query(ev) == "type:page"
