"""The pytest plugin as a user meets it: the real segment-analytics-python client, six calls."""

from __future__ import annotations

import pytest
import segment.analytics as sa

from inspector.testing.api_events import EventInspectorError

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def segment_client(event_inspector):
    errors: list[object] = []
    client = sa.Client(
        event_inspector.write_key,
        host=event_inspector.url,
        sync_mode=False,
        upload_interval=0.05,
        max_retries=1,
        on_error=lambda e, batch: errors.append(e),
    )
    yield client
    client.shutdown()
    assert errors == []


def send_six(client):
    client.identify("u1", {"email": "ada@example.com", "plan": "pro"}, anonymous_id="anon-1")
    client.track("u1", "Order Completed", {"order_id": "o-1", "revenue": 9.99, "currency": "EUR"})
    client.page("u1", "Docs", "Intro", {"url": "https://example.com/docs/intro"})
    client.screen("u1", "App", "Home")
    client.group("u1", "g1", {"name": "Acme"})
    client.alias("anon-1", "u1")
    client.flush()


def test_six_calls_arrive(event_inspector, segment_client):
    send_six(segment_client)
    events = event_inspector.wait_for("", count=6, timeout=10)
    assert [e.type for e in events] == ["identify", "track", "page", "screen", "group", "alias"]
    [order] = event_inspector.wait_for('type:track event:"Order Completed"')
    assert order.properties["revenue"] == 9.99 and order.user_id == "u1"
    assert order.context["library"]["name"] == "analytics-python"
    [page] = event_inspector.events("type:page")
    assert page.name == "Intro" and page.label == "Intro"
    assert event_inspector.events("type:identify")[0].traits["plan"] == "pro"
    event_inspector.expect(
        {
            "name": "one checkout",
            "q": 'event:"Order Completed"',
            "count": 1,
            "properties": {"revenue": 9.99, "currency": "EUR"},
        },
        {"q": "type:group", "properties": {"name": "Acme"}},
        {"q": "type:alias", "min": 1, "max": 1},
    )


def test_identities_merge_the_alias(event_inspector, segment_client):
    send_six(segment_client)
    event_inspector.wait_for("type:alias")
    ids = event_inspector.identities()
    person = ids.person_with("anon-1")
    assert person is not None and "u1" in str(person)
    assert ids.person_with("u1") == person
    assert isinstance(ids.warnings, list)


def test_reset_between_tests_and_counts(event_inspector, segment_client):
    assert event_inspector.count() == 0  # the fixture starts every test empty
    segment_client.track("u2", "Signed Up", {"method": "email"})
    segment_client.flush()
    [first] = event_inspector.wait_for('event:"Signed Up"')
    segment_client.track("u2", "Signed Up", {"method": "sso"})
    segment_client.flush()
    [again] = event_inspector.wait_for('event:"Signed Up"', after=first)
    assert again.properties["method"] == "sso" and again.id > first.id
    event_inspector.reset()
    assert event_inspector.events() == []


def test_wait_for_failure_lists_what_arrived(event_inspector, segment_client):
    segment_client.track("u1", "order_completed", {"revenue": 1})
    segment_client.page("u1", None, "Checkout")
    segment_client.flush()
    event_inspector.wait_for("", count=2)
    with pytest.raises(EventInspectorError) as info:
        event_inspector.wait_for('type:track event:"Order Completed"', timeout=0.3)
    text = str(info.value)
    assert text.startswith(
        "timed out after 0.3 s waiting for 1 event matching "
        "'type:track event:\"Order Completed\"': 0 matched"
    )
    assert "2 events arrived:" in text
    assert "order_completed" in text and "Checkout" in text
    assert "closest misses (best first):" in text
    assert "'order_completed': matched 1 of 2 terms" in text
    assert info.value.body["closestMisses"]["events"][0]["event"]["label"] == "order_completed"


def test_an_app_with_its_own_fixed_write_key_is_seen(event_inspector):
    """The plugin's own collector is emptied per test: every event in it is the test's, so an
    app that cannot take another write key (its own, fixed) needs nothing special."""
    client = sa.Client("the-apps-own-key", host=event_inspector.url, sync_mode=True)
    client.track("u1", "Order Completed", {"order_id": "o-1", "revenue": 1})  # sent at once
    [ev] = event_inspector.wait_for('event:"Order Completed"', timeout=10)
    assert ev["source"]["writeKey"] != event_inspector.write_key
    assert event_inspector.scoped_to(event_inspector.write_key).count() == 0
    assert event_inspector.scoped_to("the-apps-own-key").count() == 1
