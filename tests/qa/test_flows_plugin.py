"""``event_inspector.check_flow``: passes quietly, or fails the test with a readable checklist."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from inspector.testing.api_events import EventInspectorError
from tests.qa.journeys import CHECKOUT, CHECKOUT_YAML, PYTHON_LIBS, journey, send_python

pytestmark = pytest.mark.timeout(90)


@pytest.mark.parametrize("lib", PYTHON_LIBS)
def test_passes_from_a_file_and_a_dict(event_inspector, tmp_path, lib):
    flow = tmp_path / "checkout.yaml"
    flow.write_text(CHECKOUT_YAML)
    send_python(lib, event_inspector.url, event_inspector.write_key, journey(lib))
    body = event_inspector.check_flow(flow, timeout=10)
    assert body["passed"] and body["person"] == f"user-{lib}"
    assert event_inspector.check_flow(CHECKOUT)["steps"] == body["steps"]


@pytest.mark.parametrize(
    ("order", "marks", "text"),
    [
        ("missing", ["[x]", "[ ]", "[x]", "[x]"], "matches 1 of 2 terms"),
        ("reversed", ["[x]", "[!]", "[x]", "[x]"], "came before step 1's match"),
        ("two-people", ["[ ]", "[ ]", "[x]", "[x]"], "sent by anon-"),
    ],
)
def test_fails_with_the_checklist(event_inspector, order, marks, text):
    send_python("segment", event_inspector.url, event_inspector.write_key, journey(order, order))
    with pytest.raises(EventInspectorError) as info:
        event_inspector.check_flow(CHECKOUT, timeout=0.5)
    msg = str(info.value)
    lines = msg.splitlines()
    assert lines[0].startswith("flow 'Checkout' FAILED")
    assert [ln[2:5] for ln in lines[1:] if ln.startswith("  [")] == marks
    assert text in msg
    assert "(waited 0.5 s)" in msg and "events arrived:" in msg  # what did arrive, as a table
    assert info.value.body["passed"] is False


def test_waits_for_a_journey_still_being_sent(event_inspector):
    import threading

    t = threading.Timer(
        0.5,
        send_python,
        ("customerio", event_inspector.url, event_inspector.write_key, journey("late")),
    )
    t.start()
    try:
        assert event_inspector.check_flow(CHECKOUT, timeout=20)["passed"]
    finally:
        t.join()


def test_a_bad_flow_is_a_clear_error(event_inspector):
    from inspector.domain.flows import FlowError

    with pytest.raises(FlowError, match="step 1, column 7"):
        event_inspector.check_flow({"name": "x", "steps": [{"q": "event:(x"}]})


def test_a_failing_user_test_reads_well(tmp_path):
    """What a user sees when their test fails: pytest's own output, end to end."""
    (tmp_path / "checkout.yaml").write_text(CHECKOUT_YAML)
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent("""
        import json, urllib.request

        def send(url, key, batch):
            body = json.dumps({"writeKey": key, "batch": batch}).encode()
            req = urllib.request.Request(url + "/v1/batch", data=body,
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=10).read()

        def test_checkout(event_inspector):
            send(event_inspector.url, event_inspector.write_key, [
                {"type": "page", "anonymousId": "a-1", "name": "Pricing"},
                {"type": "identify", "userId": "u-1", "anonymousId": "a-1"},
                {"type": "track", "userId": "u-1", "event": "Order Completed",
                 "properties": {"revenue": 0}}])
            event_inspector.check_flow("checkout.yaml", timeout=0.2)
    """)
    )
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert "EventInspectorError: flow 'Checkout' FAILED: 2 of 4 steps matched (person u-1)" in out
    assert '[ ] 2. type:track event:"Signed Up"' in out
    assert "[ ] 4." in out and "fails properties.revenue:>0" in out
    assert "3 events arrived:" in out
