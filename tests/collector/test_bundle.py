"""``event-inspector bundle``: one zip with the events, requests (HAR), report, lint, identity."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

from inspector.testing.collector import ThreadedCollector
from tests.collector.conftest import Api
from tests.collector.har_schema import assert_valid_har
from tests.collector.test_har_export import SECRET, traffic


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspector", "bundle", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bundle_holds_the_whole_session(tmp_path):
    data = tmp_path / "data"
    with ThreadedCollector(data, session="bug-123") as c:
        api = Api(c)
        traffic(api)
        api.post("/v1/alias", json.dumps({"previousId": "anon-1", "userId": "u1"}))
        api.post("/v1/track", json.dumps({"event": "bad name!!", "anonymousId": "anon-1"}))
        events = api.events()
        lint_total = sum(len(e["lint"]) for e in events)
        n_requests = api.get("/api/requests").json()["total"]
    out = tmp_path / "evidence.zip"
    p = run("--data-dir", str(data), "--session", "bug-123", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert f"{len(events)} events, {n_requests} requests" in p.stderr
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert names == {
            "manifest.json",
            "session.ndjson",
            "requests.har",
            "report.html",
            "lint.json",
            "identity.json",
        }
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["session"]["name"] == "bug-123"
        assert (manifest["events"], manifest["requests"]) == (len(events), n_requests)
        lines = zf.read("session.ndjson").decode().splitlines()
        assert [json.loads(x) for x in lines] == [e["message"] for e in events]
        har = json.loads(zf.read("requests.har"))
        assert_valid_har(har)
        assert len(har["log"]["entries"]) == n_requests
        report = zf.read("report.html").decode()
        assert "bug-123" in report and "<svg" in report
        lint = json.loads(zf.read("lint.json"))
        assert len(lint["findings"]) == lint_total > 0
        assert sum(lint["byRule"].values()) == lint_total
        identity = json.loads(zf.read("identity.json"))
        ids = {i for p in identity["people"] for i in json.dumps(p).split('"')}
        assert {"u1", "anon-1"} <= ids
        for name in names:
            assert SECRET not in zf.read(name).decode(), name
    assert not list(tmp_path.glob("*.part"))


def test_bundle_errors(tmp_path):
    p = run("--data-dir", str(tmp_path / "empty"), "--out", str(tmp_path / "x.zip"))
    assert p.returncode == 2 and "no sessions" in p.stderr
    with ThreadedCollector(tmp_path / "d", session="s"):
        pass
    p = run("--data-dir", str(tmp_path / "d"), "--session", "nope", "--out", "x.zip")
    assert p.returncode == 2 and "no session 'nope'" in p.stderr
    p = run("--data-dir", str(tmp_path / "d"), "--out", str(tmp_path / "no" / "x.zip"))
    assert p.returncode == 2 and "no directory" in p.stderr
