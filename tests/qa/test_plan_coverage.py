"""``serve --plan``: plan violations are findings live, identify traits are read where each
library puts them; coverage over the API and the CLI on a plan with seen, unseen and
unplanned events, sent by real Python and Node libraries."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from inspector.testing.serve import cli, serve
from tests.qa.journeys import send_node, send_python

pytestmark = pytest.mark.timeout(120)

PLAN = """\
events:
  Order Completed:
    required: true
    properties:
      order_id: {type: string, required: true}
      revenue: number
  Signed Up:
    required: true
    properties:
      plan: {type: string, enum: [free, pro]}
  Product Viewed:
    properties:
      product_id: string
identify:
  traits:
    email: {type: string, required: true}
    plan: string
"""


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def calls(user: str, *, order_id: bool = True) -> list:
    props = {"revenue": 9.99, **({"order_id": f"o-{user}"} if order_id else {})}
    return [
        ("identify", {"user_id": user, "traits": {"email": f"{user}@example.com", "plan": "pro"}}),
        ("track", {"user_id": user, "event": "Order Completed", "properties": props}),
        ("track", {"user_id": user, "event": "Cart Abandoned", "properties": {}}),
    ]


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    from tests.clients.npm import ensure_node_modules

    ensure_node_modules()
    root = tmp_path_factory.mktemp("plan")
    plan = root / "plan.yaml"
    plan.write_text(PLAN)
    data = root / "data"
    with serve(data, "--plan", str(plan), session="plan") as url:
        send_python("segment", url, "WK-seg", calls("seg"))
        send_python("rudder", url, "WK-rudder", calls("rudder", order_id=False))
        send_node("segment-node", url, "WK-node", calls("node"), root)
        events = get(f"{url}/api/events?limit=100")[1]["events"]
        cov = get(f"{url}/api/coverage")
        yield {"root": root, "plan": plan, "data": data, "url": url, "events": events, "cov": cov}


def findings(events, client, type_):
    [ev] = [e for e in events if e["source"]["client"] == client and e["type"] == type_][:1]
    return {(f["rule"], f["path"]) for f in ev["lint"] if f["rule"] in ("E015", "E016", "W029")}


def test_violations_are_findings_as_events_arrive(planned):
    events = planned["events"]
    orders = [
        e for e in events if e["type"] == "track" and e["message"]["event"] == "Order Completed"
    ]
    by_client = {e["source"]["client"]: e for e in orders}
    assert ("E015", "properties.order_id") in {
        (f["rule"], f["path"]) for f in by_client["rudder-sdk-python"]["lint"]
    }
    assert not [f for f in by_client["segment-analytics-python"]["lint"] if f["rule"] == "E015"]
    unplanned = [e for e in events if e["message"].get("event") == "Cart Abandoned"]
    assert all("W028" in {f["rule"] for f in e["lint"]} for e in unplanned) and len(unplanned) == 3


def test_rudderstack_identify_traits_are_read_from_context_traits(planned):
    events = planned["events"]
    rudder = [
        e
        for e in events
        if e["source"]["client"] == "rudder-sdk-python" and e["type"] == "identify"
    ]
    assert "traits" not in rudder[0]["message"]  # rudder sends them only in context.traits
    assert findings(events, "rudder-sdk-python", "identify") == set()  # no false E015
    assert findings(events, "segment-analytics-python", "identify") == set()
    assert findings(events, "@segment/analytics-node", "identify") == set()


def test_coverage_api(planned):
    status, body = planned["cov"]
    assert status == 200, body
    planned_rows = {r["event"]: r for r in body["planned"]}
    assert planned_rows["Order Completed"]["seen"] == 3
    assert planned_rows["Order Completed"]["bySource"] == {
        "@segment/analytics-node": 1,
        "rudder-sdk-python": 1,
        "segment-analytics-python": 1,
    }
    assert planned_rows["Signed Up"] == {
        "event": "Signed Up",
        "seen": 0,
        "bySource": {},
        "type": "track",
        "required": True,
    }
    assert (
        planned_rows["Product Viewed"]["seen"] == 0
        and not planned_rows["Product Viewed"]["required"]
    )
    assert [(r["event"], r["seen"]) for r in body["unplanned"]] == [("Cart Abandoned", 3)]
    assert body["summary"]["requiredNeverSeen"] == ["Signed Up"]
    # scoped to one client's write key
    status, one = get(f"{planned['url']}/api/coverage?scope=writekey:WK-seg")
    assert {r["event"]: r["seen"] for r in one["planned"]}["Order Completed"] == 1


def test_coverage_cli_on_the_stored_session(planned):
    args = ("coverage", "--plan", str(planned["plan"]), "--data-dir", str(planned["data"]))
    r = cli(*args)
    assert r.returncode == 1, r.stdout + r.stderr  # Signed Up is required and never seen
    out = r.stdout
    assert "1 of 3 planned events seen, 1 required never seen, 1 unplanned" in out
    assert "Signed Up" in out and "REQUIRED, NEVER SEEN" in out
    assert "Cart Abandoned" in out.split("unplanned events seen:")[1]
    r = cli(*args, "--format", "json")
    assert json.loads(r.stdout)["planned"] == planned["cov"][1]["planned"]
    r = cli(*args, "--format", "junit", "--session", "plan")
    suite = ET.fromstring(r.stdout).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")


def test_coverage_cli_on_a_file(planned, tmp_path):
    out = tmp_path / "s.ndjson"
    assert cli("export", "--data-dir", str(planned["data"]), "--out", str(out)).returncode == 0
    relaxed = tmp_path / "relaxed.yaml"
    relaxed.write_text(
        PLAN.replace("required: true\n    properties:\n      plan", "properties:\n      plan")
    )
    r = cli("coverage", "--plan", str(relaxed), str(out), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr  # nothing required is missing any more
    body = json.loads(r.stdout)
    assert {r["event"]: r["seen"] for r in body["planned"]} == {
        "Order Completed": 3,
        "Signed Up": 0,
        "Product Viewed": 0,
    }


def test_unusable(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("events: [")
    r = cli("serve", "--port", "0", "--data-dir", str(tmp_path), "--plan", str(bad))
    assert r.returncode == 2 and "--plan:" in r.stderr and "Traceback" not in r.stderr
    r = cli("coverage", "--plan", str(bad), "--data-dir", str(tmp_path))
    assert r.returncode == 2 and "not valid" in r.stderr
    r = cli("coverage", "--plan", str(tmp_path / "nope.yaml"), "--data-dir", str(tmp_path))
    assert r.returncode == 2 and "cannot read" in r.stderr
    with serve(tmp_path / "data") as url:  # no plan at all
        status, body = get(f"{url}/api/coverage")
    assert status == 404 and body["code"] == "no_plan"
