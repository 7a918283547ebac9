"""``event-inspector import FILE.har``: our own HAR read back, and a HAR recorded by Chromium
(playwright-core's recordHar) while a page ran the real analytics.js."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.domain.har_import import classify
from inspector.testing.collector import ThreadedCollector
from tests.clients.npm import NODE_DIR, ensure_node_modules
from tests.collector.conftest import Api

KEY = "WK_HAR_5678"
BASIC = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
CHROMIUM = Path("/usr/bin/chromium")


def run_import(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspector", "import", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def stored(data: Path, session: str) -> tuple[list[dict], list[dict]]:
    with ThreadedCollector(data, session=session) as c:
        api = Api(c)
        events = api.events()
        reqs = api.get("/api/requests").json()["requests"]
    return events, reqs


def test_our_har_is_read_back_by_import(tmp_path):
    with ThreadedCollector(tmp_path / "a", session="orig") as c:
        api = Api(c)
        batch = {
            "batch": [
                {"type": "track", "event": f"E{i}", "userId": "u1", "messageId": f"h{i}"}
                for i in range(3)
            ]
        }
        api.post("/v1/batch", json.dumps(batch), headers={"Authorization": BASIC})
        api.post(
            "/v1/identify",
            gzip.compress(json.dumps({"userId": "u2", "messageId": "h9"}).encode()),
            headers={"Content-Encoding": "gzip", "Authorization": BASIC},
        )
        api.get("/e", params={"_k": "KMKEY", "_p": "bob", "_n": "Signed Up"})
        api.post("/v1/batch", b"{broken")
        api.post("/api/faults", json.dumps({"status": 429, "count": 1}))
        api.post("/v1/track", json.dumps({"event": "Later", "userId": "u3"}))
        original = api.events()
        har = api.get("/api/export", params={"format": "har"}).content
    path = tmp_path / "orig.har"
    path.write_bytes(har)
    p = run_import(str(path), "--data-dir", str(tmp_path / "b"))
    assert p.returncode == 0, p.stderr
    assert "imported 3 tracking requests" in p.stderr
    assert "answered 400" in p.stderr and "answered 429" in p.stderr  # the client sends again
    events, reqs = stored(tmp_path / "b", "import orig.har")
    assert [e["message"] for e in events] == [e["message"] for e in original]
    assert [e["receivedAt"] for e in events] == [e["receivedAt"] for e in original]
    assert [e["source"]["client"] for e in events] == [e["source"]["client"] for e in original]
    assert [r["path"] for r in reqs] == ["/v1/batch", "/v1/identify", "/e"]
    # importing the same file again: the same requests, their events flagged duplicate
    p = run_import(str(path), "--data-dir", str(tmp_path / "b"))
    events, _ = stored(tmp_path / "b", "import orig.har")
    # (the KISSmetrics event has no messageId of its own: one is made for each)
    with_ids = sum(not e["generatedMessageId"] for e in original)
    assert len(events) == 2 * len(original) and sum(e["duplicate"] for e in events) == with_ids


def test_import_errors(tmp_path):
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [}')
    p = run_import(str(bad), "--data-dir", str(tmp_path / "d"))
    assert p.returncode == 2 and "line 1, column" in p.stderr
    bad.write_text('{"log": {}}')
    p = run_import(str(bad), "--data-dir", str(tmp_path / "d"))
    assert p.returncode == 2 and "no log.entries" in p.stderr
    empty = tmp_path / "empty.har"
    empty.write_text(json.dumps({"log": {"entries": [{"request": {"url": "http://x/a"}}]}}))
    p = run_import(str(empty), "--data-dir", str(tmp_path / "d"))
    assert p.returncode == 0 and "imported 0 tracking requests" in p.stderr
    assert "skipped 1 entries" in p.stderr


def test_what_counts_as_a_tracking_call():
    def entry(method, url, text=None, status=200):
        req = {"method": method, "url": url, "headers": []}
        if text is not None:
            req["postData"] = {"mimeType": "text/plain", "text": text}
        return {
            "startedDateTime": "2026-01-01T00:00:00.000Z",
            "request": req,
            "response": {"status": status},
        }

    assert classify(0, entry("POST", "https://api.segment.io/v1/t", "{}")).route == "t"
    assert classify(0, entry("POST", "https://hosted.rudderlabs.com/v1/batch", "{}")).route == (
        "batch"
    )
    assert classify(0, entry("POST", "https://cdp.customer.io/v1/identify", "{}")).kind == (
        "segment"
    )
    assert classify(0, entry("POST", "https://proxy.example/seg/v1/p", "{}")).route == "p"
    assert classify(0, entry("GET", "https://trk.kissmetrics.io/e?_k=K&_p=x&_n=E")).kind == (
        "kissmetrics"
    )
    assert classify(0, entry("GET", "https://cdn.segment.com/v1/projects/k/settings")) == (
        "not a tracking call"
    )
    assert classify(0, entry("GET", "https://example.com/e?q=1")) == "not a tracking call"
    assert classify(0, entry("POST", "https://api.segment.io/v1/t", "{}", 503)) == "answered 503"
    assert classify(0, entry("POST", "https://api.segment.io/v1/t")) == (
        "a tracking route without a body (the HAR did not keep it)"
    )


@pytest.mark.browser
@pytest.mark.node
def test_a_har_recorded_by_chromium_is_imported(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    ensure_node_modules()
    har = tmp_path / "chromium.har"
    with ThreadedCollector(tmp_path / "live", session="live") as c:
        p = subprocess.run(
            [
                shutil.which("node") or "node",
                str(NODE_DIR / "record_har.mjs"),
                c.url,
                KEY,
                str(har),
            ],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert p.returncode == 0, p.stdout + p.stderr
        live = Api(c).events()
    doc = json.loads(har.read_text())
    assert doc["log"]["creator"]["name"] == "Playwright"
    assert {e["message"].get("event") for e in live} >= {"Product Viewed", "Signed Up"}
    p = run_import(str(har), "--data-dir", str(tmp_path / "imp"))
    assert p.returncode == 0, p.stderr
    assert "skipped" in p.stderr and "not a tracking call" in p.stderr
    events, reqs = stored(tmp_path / "imp", "import chromium.har")

    def key(e: dict) -> tuple:  # a messageId made by the collector (KISSmetrics) is new each time
        return (e["type"], "" if e["generatedMessageId"] else e["messageId"], str(e["message"]))

    assert sorted(map(key, events)) == sorted(map(key, live))
    assert {r["path"] for r in reqs} >= {"/v1/t", "/v1/i", "/v1/p", "/e"}
