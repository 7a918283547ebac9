"""Fault injection against the real segment-analytics-python client.

A 429 (with Retry-After) or a 503 must be retried by the client until every event is stored
exactly once; a 400 makes it drop the batch; a response slower than the client's timeout makes
it resend, and the resent messageIds are flagged ``duplicate`` (kept, not dropped). The same
rules given as ``event-inspector serve --fault`` flags behave the same.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.harness import (
    Collector,
    all_events,
    api_call,
    by_tag,
    check_scenario,
    scenario,
    wait_for,
)
from tests.clients.python.test_python_clients import drive, errors_into


@pytest.fixture(autouse=True)
def _quiet() -> None:
    for name in ("segment", "backoff", "urllib3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def segment_client(url: str, key: str, errors: list[Any], **kw: Any) -> Any:
    from segment.analytics import Client

    return Client(key, host=url, upload_interval=0.05, on_error=errors_into(errors), **kw)


def add_fault(c: Collector, **rule: Any) -> dict[str, Any]:
    return c.api("/api/faults", "POST", rule)  # type: ignore[no-any-return]


@pytest.mark.parametrize("status", [429, 503, 500])
def test_retryable_fault_every_event_arrives_once(collector: Collector, status: int) -> None:
    key = f"WK_FAULT_{status}"
    rule: dict[str, Any] = {"status": status, "count": 3, "writeKey": key}
    if status == 429:
        rule["retryAfter"] = 1
    if status == 500:  # every second request, for as long as the rule stands
        rule = {"status": 500, "share": 0.5, "writeKey": key}
    add_fault(collector, **rule)
    add_fault(collector, status=500, writeKey="SOME_OTHER_KEY")  # must not touch this client
    tag = f"fault{status}"
    sc = scenario(tag)
    errors: list[Any] = []
    started = time.monotonic()
    drive(segment_client(collector.url, key, errors), sc)
    assert not errors, errors
    events = collector.wait_for(306, by_tag(tag))
    check_scenario(events, sc, client="segment-analytics-python", write_key=key)
    faults = collector.api("/api/faults")
    if status == 500:  # 306 events in >= 4 batches: every second attempt failed
        assert faults["injected"] == faults["faults"][0]["fired"] >= 2
    else:
        assert faults["injected"] == 3
        assert [f["writeKey"] for f in faults["faults"]] == ["SOME_OTHER_KEY"]  # count used up
        assert collector.api("/api/stats")["faultsInjected"] == 3
    if status == 429:  # Retry-After: 1 was honoured (uncounted retry after the wait)
        assert time.monotonic() - started >= 1.0
    # retries carry X-Retry-Count, and the stored request shows it
    retried = [
        e
        for e in events
        if collector.api(f"/api/events/{e['id']}")["raw"]["headers"].get("X-Retry-Count")
    ]
    if status == 503:
        assert retried, "the client's retry was not visible in the raw request"


def test_400_fault_makes_the_client_drop(collector: Collector) -> None:
    key = "WK_FAULT_400"
    add_fault(collector, status=400, writeKey=key)
    errors: list[Any] = []
    client = segment_client(collector.url, key, errors, max_retries=3)
    client.track("user-drop", "Dropped Event", {"n": 1})
    client.flush()
    client.shutdown()
    assert len(errors) == 1 and errors[0][1] == 1, errors  # dropped after a single attempt
    assert "injected_fault" in str(errors[0][0]) or "400" in str(errors[0][0])
    assert all_events(collector.url) == []
    assert collector.api("/api/faults")["injected"] == 1
    # the fault cleared, the same client code delivers
    collector.api("/api/faults", "DELETE")
    errors.clear()
    client = segment_client(collector.url, key, errors)
    client.track("user-drop", "Delivered Event", {"n": 2})
    client.flush()
    client.shutdown()
    evs = collector.wait_for(1, settle=0.1)
    assert [e["message"]["event"] for e in evs] == ["Delivered Event"] and not errors


def test_slow_answer_resend_is_flagged_duplicate(collector: Collector) -> None:
    """A response slower than the client's timeout: it resends; repeats are kept, flagged."""
    key = "WK_FAULT_SLOW"
    add_fault(collector, delayMs=2500, count=1, writeKey=key)
    errors: list[Any] = []
    client = segment_client(collector.url, key, errors, timeout=1, upload_size=10)
    for i in range(25):
        client.track("user-slow", "Slow Event", {"i": i})
    client.flush()
    client.shutdown()
    assert not errors, errors
    evs = collector.wait_for(25, settle=3.0)  # the delayed answer lands after the resend
    originals = [e for e in evs if not e["duplicate"]]
    dupes = [e for e in evs if e["duplicate"]]
    assert sorted(e["message"]["properties"]["i"] for e in originals) == list(range(25))
    assert dupes, "the resent batch was not flagged duplicate"
    mids = Counter(e["messageId"] for e in evs)
    assert {e["messageId"] for e in dupes} == {m for m, c in mids.items() if c > 1}
    assert all(mids[e["messageId"]] == 2 for e in dupes)
    assert collector.api("/api/stats")["duplicates"] == len(dupes)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``event-inspector serve --port 0`` with --fault flags, as a developer would run it."""
    cmd = [
        sys.executable,
        "-m",
        "inspector",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(tmp_path / "data"),
        "--no-lint",
        "--fault",
        "503:count=2",
        "--fault",
        "429:key=WK_SERVE,retry-after=1,count=1",
        "--max-seconds",
        "120",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), (
            line,
            proc.stderr.read() if proc.poll() is not None and proc.stderr else "",
        )
        url = line.split()[2]
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_serve_fault_flags(served: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = served
    faults = api_call(url, "/api/faults")["faults"]
    assert [(f["status"], f["writeKey"], f["count"]) for f in faults] == [
        (503, None, 2),
        (429, "WK_SERVE", 1),
    ]
    sc = scenario("serve", burst=200)
    errors: list[Any] = []
    drive(segment_client(url, "WK_SERVE", errors), sc)
    assert not errors, errors
    events = wait_for(url, 206, by_tag("serve"))
    check_scenario(events, sc, client="segment-analytics-python", write_key="WK_SERVE")
    assert api_call(url, "/api/stats")["faultsInjected"] == 3
    assert api_call(url, "/api/faults")["faults"] == []
