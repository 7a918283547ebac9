"""HAR 1.2 export: ``GET /api/export?format=har`` and ``event-inspector export --format har``."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import sys

from inspector.testing.collector import ThreadedCollector
from tests.collector.conftest import Api
from tests.collector.har_schema import assert_valid_har

SECRET = "WK_SECRET_123456"
BASIC = "Basic " + base64.b64encode(f"{SECRET}:".encode()).decode()


def traffic(api: Api) -> None:
    body = {
        "batch": [{"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "h1"}],
        "writeKey": SECRET,
    }
    assert api.post("/v1/batch", json.dumps(body), headers={"Authorization": BASIC}).ok
    gz = gzip.compress(json.dumps({"userId": "u2", "traits": {"a": 1}}).encode())
    assert api.post(
        "/v1/identify",
        gz,
        headers={"Content-Encoding": "gzip", "Authorization": f"Bearer {SECRET}"},
    ).ok
    assert (
        api.post(
            "/v1/batch", gzip.compress(b'{"batch": []}')[:-5], headers={"Content-Encoding": "gzip"}
        ).status_code
        == 400
    )
    api.post("/api/faults", json.dumps({"status": 429, "count": 1, "retryAfter": 3}))
    assert api.post("/v1/track", json.dumps({"event": "E", "userId": "u"})).status_code == 429
    assert api.get("/e", params={"_k": SECRET, "_p": "bob", "_n": "Signed Up"}).ok


def test_api_export_is_valid_har_one_entry_per_request_in_order(api):
    traffic(api)
    r = api.get("/api/export", params={"format": "har"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert SECRET not in r.text  # headers, query string and body fields are masked
    doc = r.json()
    assert_valid_har(doc)
    entries = doc["log"]["entries"]
    listed = api.get("/api/requests").json()["requests"]
    assert [e["_inspector"]["requestId"] for e in entries] == [x["id"] for x in listed]
    assert [e["startedDateTime"] for e in entries] == [x["receivedAt"] for x in listed]
    batch, identify, broken, faulted, km = entries

    req = batch["request"]
    assert req["method"] == "POST" and req["url"] == api.url + "/v1/batch"
    headers = {h["name"]: h["value"] for h in req["headers"]}
    assert headers["Authorization"].startswith("Basic ••••")
    sent = json.loads(req["postData"]["text"])
    assert sent["batch"][0]["messageId"] == "h1" and sent["writeKey"] == "W••••••6"
    assert batch["response"]["status"] == 200 and batch["response"]["statusText"] == "OK"
    assert json.loads(batch["response"]["content"]["text"]) == {"success": True}
    assert batch["time"] == batch["timings"]["wait"] == listed[0]["durationMs"]

    # a gzip body that was read is exported decoded (as DevTools shows bodies)
    assert json.loads(identify["request"]["postData"]["text"])["userId"] == "u2"
    assert identify["_inspector"]["contentEncoding"] == "gzip"
    # a rejected one as it arrived, in base64
    assert broken["request"]["postData"]["_encoding"] == "base64"
    assert base64.b64decode(broken["request"]["postData"]["text"]).startswith(b"\x1f\x8b")
    assert broken["response"]["status"] == 400 and broken["_inspector"]["rejected"] is True
    assert faulted["response"]["status"] == 429
    assert {"name": "Retry-After", "value": "3"} in faulted["response"]["headers"]
    assert km["request"]["method"] == "GET" and "postData" not in km["request"]
    q = {p["name"]: p["value"] for p in km["request"]["queryString"]}
    assert q["_n"] == "Signed Up" and q["_k"] == "W••••••6"  # as /api shows write keys
    assert km["response"]["content"]["mimeType"] == "image/gif"
    assert km["response"]["content"]["encoding"] == "base64"


def test_api_har_filter_and_bad_parameters(api):
    traffic(api)
    doc = api.get("/api/export", params={"format": "har", "q": "status:>=400"}).json()
    assert [e["response"]["status"] for e in doc["log"]["entries"]] == [400, 429]
    assert api.get("/api/export", params={"format": "xml"}).status_code == 400
    bad = api.get("/api/export", params={"format": "har", "q": "lint:error"})
    assert bad.status_code == 400 and "column 1" in bad.json()["message"]


def test_cli_export_har(tmp_path):
    data = tmp_path / "data"
    with ThreadedCollector(data, session="cli") as c:
        api = Api(c)
        traffic(api)
        expected = [x["id"] for x in api.get("/api/requests").json()["requests"]]
    out = tmp_path / "s.har"
    cmd = [sys.executable, "-m", "inspector", "export", "--format", "har"]
    p = subprocess.run(
        [*cmd, "--data-dir", str(data), "--session", "cli", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert "exported 5 requests" in p.stderr
    doc = json.loads(out.read_text())
    assert_valid_har(doc)
    assert [e["_inspector"]["requestId"] for e in doc["log"]["entries"]] == expected
    assert SECRET not in out.read_text()
    p = subprocess.run(
        [*cmd, "--data-dir", str(data), "--q", "method:get", "--out", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0 and len(json.loads(p.stdout)["log"]["entries"]) == 1
    p = subprocess.run(
        [*cmd, "--data-dir", str(data), "--q", "status:", "--out", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2 and "column" in p.stderr and p.stdout == ""


def test_the_har_check_catches_what_is_not_har(api):
    traffic(api)
    doc = api.get("/api/export", params={"format": "har"}).json()
    import copy

    import pytest

    for breaks in (
        lambda d: d["log"].pop("creator"),
        lambda d: d["log"]["entries"][0]["request"].pop("headers"),
        lambda d: d["log"]["entries"][0]["response"].__setitem__("status", "200"),
        lambda d: d["log"]["entries"][0].__setitem__("startedDateTime", "yesterday"),
        lambda d: d["log"]["entries"][0]["timings"].__setitem__("wait", 5),
    ):
        broken = copy.deepcopy(doc)
        breaks(broken)
        with pytest.raises(AssertionError):
            assert_valid_har(broken)
