"""Failure messages of the pytest plugin: readable tables, not raw dumps."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from inspector.testing.api_events import Event, EventInspectorError, format_events, format_misses
from tests.qa.conftest import batch, needs_query


def api_event(i, type_="track", **message):
    return {
        "id": i,
        "type": type_,
        "receivedAt": f"2026-01-02T10:11:{i:02d}.123Z",
        "message": {"type": type_, **message},
        "lint": [],
        "lintLevel": "none",
    }


def test_table_columns_and_alignment():
    evs = [
        api_event(1, event="Order Completed", userId="u1"),
        api_event(2, "page", name="Home", anonymousId="a-1"),
        api_event(3, "identify", userId="u1", traits={"x": 1}),
    ]
    evs[0]["lint"] = [
        {"rule": "E005", "severity": "error", "message": "m"},
        {"rule": "W001", "severity": "warning", "message": "m"},
    ]
    evs[0]["lintLevel"] = "error"
    lines = format_events(evs).splitlines()
    assert lines[0] == "3 events arrived:"
    assert lines[1].split() == ["#", "time", "type", "event/name", "userId", "anonymousId", "lint"]
    assert set(lines[2].replace(" ", "")) == {"-"}
    assert lines[3].split() == [
        "1",
        "10:11:01.123",
        "track",
        "Order",
        "Completed",
        "u1",
        "error:",
        "E005,",
        "W001",
    ]
    assert lines[4].split() == ["2", "10:11:02.123", "page", "Home", "a-1", "-"]
    col = lines[1].index("userId")
    assert lines[3][col : col + 2] == "u1" and lines[5][col : col + 2] == "u1"  # aligned
    assert "{" not in "\n".join(lines)  # no raw JSON


def test_table_truncates_and_limits():
    evs = [api_event(i, event="E" * 80, userId=f"user-{i}") for i in range(30)]
    text = format_events(evs, limit=5)
    assert text.splitlines()[0] == "30 events arrived (last 5 shown):"
    assert len(text.splitlines()) == 1 + 2 + 5
    assert "E" * 31 + "…" in text and "E" * 33 not in text
    assert "user-29" in text and "user-24" not in text
    assert format_events([]) == "0 events arrived: none"


def test_misses_format():
    body = {
        "closestMisses": {
            "events": [
                {"why": "matched 1 of 2 terms", "event": {"id": 4, "type": "track", "label": "x"}},
                {
                    "why": "matched 1 of 2 terms",
                    "event": {"id": 5, "type": "identify", "label": None},
                },
            ]
        }
    }
    assert format_misses(body).splitlines() == [
        "closest misses (best first):",
        "  #4 track 'x': matched 1 of 2 terms",
        "  #5 identify (no name): matched 1 of 2 terms",
    ]
    assert "none" in format_misses({})


def test_event_shortcuts():
    ev = Event(
        api_event(
            1,
            "screen",
            name="Home",
            userId="u",
            properties={"a": 1},
            context={"app": {"name": "x"}},
        )
    )
    assert (ev.id, ev.type, ev.name, ev.label, ev.user_id, ev.anonymous_id) == (
        1,
        "screen",
        "Home",
        "Home",
        "u",
        None,
    )
    assert ev.properties == {"a": 1} and ev.traits == {} and ev.context["app"]["name"] == "x"
    assert ev["message"]["name"] == "Home"  # still the API's dict


@needs_query
def test_assert_no_lint_errors_lists_findings(client):
    batch(
        client.url,
        [
            {"type": "track", "userId": "u1", "event": "bad click"},
            {"type": "track", "userId": "u2", "event": "fine"},
        ],
    )
    client.assert_no_lint_errors("event:fine")
    with pytest.raises(EventInspectorError) as info:
        client.assert_no_lint_errors()
    text = str(info.value)
    assert text.splitlines()[0] == "1 of 2 events have lint errors"
    assert "events with errors:" in text and "bad click" in text and "error: T001" in text
    assert "findings:\n  #1 T001 at event: name says bad" in text


@needs_query
def test_expect_failure_is_a_report(client):
    batch(client.url, [{"type": "track", "userId": "u1", "event": "Clicked"}])
    with pytest.raises(EventInspectorError) as info:
        client.expect(
            {"name": "two clicks", "q": "event:Clicked", "count": 2},
            {"q": "event:Clicked", "properties": {"x": 1}, "min": 0},
        )
    lines = str(info.value).splitlines()
    assert lines[0] == "2 of 2 expectations failed:"
    assert lines[1] == "  FAIL two clicks: expected exactly 2 events, got 1"
    assert lines[2].startswith("  FAIL event:Clicked: 1 of 1 event differ from x=1")
    assert "1 event arrived:" in lines


def test_plugin_is_installed_and_imports_neither_qt_nor_aiohttp():
    code = (
        "import sys, inspector.testing.plugin;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync', "
        "'aiohttp')]; print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    from importlib.metadata import entry_points

    assert any(
        e.value == "inspector.testing.plugin"
        for e in entry_points(group="pytest11", name="event_inspector")
    )


@needs_query
def test_failing_user_test_shows_the_table(tmp_path):
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent("""
        import json, urllib.request

        def send(url, body):
            req = urllib.request.Request(url + "/v1/batch", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=10).read()

        def test_checkout(event_inspector):
            send(event_inspector.url, {"writeKey": event_inspector.write_key, "batch": [
                {"type": "track", "userId": "u1", "event": "Checkout Started"},
                {"type": "page", "anonymousId": "a-9", "name": "Cart"}]})
            event_inspector.wait_for("", count=2)
            event_inspector.wait_for('event:"Order Completed"', timeout=0.3)
    """)
    )
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            str(tmp_path / "test_user.py"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert "EventInspectorError: timed out after 0.3 s" in out
    assert "2 events arrived:" in out
    assert any(
        line.split()[1:4] == ["#", "time", "type"]
        for line in out.splitlines()
        if line.startswith("E ")
    )
    assert "Checkout Started" in out and "a-9" in out
