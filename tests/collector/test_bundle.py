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
        # the session in the capture format: each message as /api shows it (keys masked)
        # with its _inspector envelope, and a line of its own for each request that stored
        # no event (the broken gzip, the faulted track)
        lines = [json.loads(x) for x in zf.read("session.ndjson").decode().splitlines()]
        kinds = [x["_inspector"]["kind"] for x in lines]
        assert kinds.count("event") == len(events) and kinds.count("request") == 2
        got = [x for x in lines if x["_inspector"]["kind"] == "event"]
        assert [{k: v for k, v in x.items() if k != "_inspector"} for x in got] == [
            e["message"] for e in events
        ]
        assert [x["_inspector"]["id"] for x in got] == [e["id"] for e in events]
        assert all(x["_inspector"]["request"]["id"] for x in got)
        (bad_gzip, faulted) = [x["_inspector"]["request"] for x in lines if x not in got]
        assert (bad_gzip["status"], bad_gzip["rejected"], bad_gzip["code"]) == (
            400,
            True,
            "invalid_gzip",
        )
        assert (faulted["status"], faulted["fault"] is not None) == (429, True)
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
    assert out.stat().st_mode & 0o777 == 0o600  # captured data: for its owner only
    # the bundle's session imports back whole (`import` of a capture file)
    (tmp_path / "unzipped").mkdir()
    with zipfile.ZipFile(out) as zf:
        zf.extract("session.ndjson", tmp_path / "unzipped")
    back = tmp_path / "back"
    unzipped = tmp_path / "unzipped" / "session.ndjson"
    p = subprocess.run(
        [sys.executable, "-m", "inspector", "import", "--data-dir", str(back), str(unzipped)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    with ThreadedCollector(back) as c:
        api = Api(c)
        sessions = api.get("/api/sessions").json()["sessions"]
        imported = next(s for s in sessions if s["name"] != c.service.session.name)
        again = api.get("/api/events", params={"session": imported["name"], "limit": 1000})
        assert [e["message"] for e in again.json()["events"]] == [e["message"] for e in events]
        reqs = api.get("/api/requests", params={"session": imported["name"]}).json()
        assert reqs["total"] == n_requests


def test_bundle_errors(tmp_path):
    p = run("--data-dir", str(tmp_path / "empty"), "--out", str(tmp_path / "x.zip"))
    assert p.returncode == 2 and "no sessions" in p.stderr
    with ThreadedCollector(tmp_path / "d", session="s"):
        pass
    p = run("--data-dir", str(tmp_path / "d"), "--session", "nope", "--out", "x.zip")
    assert p.returncode == 2 and "no session 'nope'" in p.stderr
    p = run("--data-dir", str(tmp_path / "d"), "--out", str(tmp_path / "no" / "x.zip"))
    assert p.returncode == 2 and "no directory" in p.stderr
