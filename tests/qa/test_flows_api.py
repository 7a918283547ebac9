"""``POST /api/flows/check`` over real HTTP, with journeys sent by the real Python libraries."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from inspector.testing.collector import ThreadedCollector
from tests.qa.journeys import CHECKOUT, CLIENT_OF, PYTHON_LIBS, background, journey, send_python

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Any:
    c = ThreadedCollector(tmp_path_factory.mktemp("flows")).start()
    yield c
    c.stop()


def check(
    url: str, flow: Any, *, raw: bytes | None = None, ctype: str = "application/json", **params: Any
) -> tuple[int, dict[str, Any]]:
    qs = "&".join(f"{k}={urllib.parse.quote(str(v))}" for k, v in params.items())
    req = urllib.request.Request(
        f"{url}/api/flows/check" + (f"?{qs}" if qs else ""),
        data=raw if raw is not None else json.dumps(flow).encode(),
        method="POST",
        headers={"Content-Type": ctype},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def scoped(tag: str) -> dict[str, str]:
    return {"scope": f"writekey:WK-{tag}"}


@pytest.mark.parametrize("lib", PYTHON_LIBS)
def test_a_journey_that_passes(live, lib):
    tag = f"pass-{lib}"
    send_python(lib, live.url, f"WK-{tag}", journey(tag))
    status, body = check(live.url, CHECKOUT, **scoped(tag))
    assert status == 200, body
    assert body["passed"] is True
    assert body["person"] == f"user-{tag}"  # the device merged into the user by identify
    assert [s["status"] for s in body["steps"]] == ["matched"] * 4
    assert [s["q"] for s in body["steps"]] == [s["q"] for s in CHECKOUT["steps"]]
    ids = [s["event"] for s in body["steps"]]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert {s["summary"]["client"] for s in body["steps"]} == {CLIENT_OF[lib]}
    # the ids are the stored events
    with urllib.request.urlopen(f"{live.url}/api/events/{ids[0]}") as resp:
        assert json.loads(resp.read())["message"]["name"] == "Pricing"


@pytest.mark.parametrize("lib", PYTHON_LIBS)
def test_a_missing_step(live, lib):
    tag = f"missing-{lib}"
    send_python(lib, live.url, f"WK-{tag}", journey(tag, "missing"))
    status, body = check(live.url, CHECKOUT, **scoped(tag))
    assert status == 200 and body["passed"] is False
    assert [s["status"] for s in body["steps"]] == ["matched", "missing", "matched", "matched"]
    assert body["steps"][1]["event"] is None
    whys = [m["why"] for m in body["steps"][1]["closestMisses"]]
    assert whys and all("matches 1 of 2 terms" in w for w in whys)  # type:track, wrong event


@pytest.mark.parametrize("lib", PYTHON_LIBS)
def test_out_of_order(live, lib):
    tag = f"reversed-{lib}"
    send_python(lib, live.url, f"WK-{tag}", journey(tag, "reversed"))
    _status, body = check(live.url, CHECKOUT, **scoped(tag))
    assert body["passed"] is False
    steps = body["steps"]
    assert [s["status"] for s in steps] == ["matched", "out_of_order", "matched", "matched"]
    assert steps[1]["event"] < steps[0]["event"]
    assert "came before step 1's match" in steps[1]["closestMisses"][0]["why"]


@pytest.mark.parametrize("lib", PYTHON_LIBS)
def test_another_person(live, lib):
    tag = f"two-{lib}"
    send_python(lib, live.url, f"WK-{tag}", journey(tag, "two-people"))
    _status, body = check(live.url, CHECKOUT, **scoped(tag))
    assert body["passed"] is False and body["people"] == 2
    assert body["person"] == f"user-{tag}"
    assert [s["status"] for s in body["steps"]] == ["missing", "missing", "matched", "matched"]
    first = body["steps"][0]["closestMisses"][0]
    assert first["person"] == f"anon-{tag}" and "sent by anon-" in first["why"]


def test_timeout_waits_until_the_flow_passes(live):
    tag = "wait"
    started = time.monotonic()
    with background(lambda: check(live.url, CHECKOUT, timeout=20, **scoped(tag))) as out:
        time.sleep(0.5)
        send_python("segment", live.url, f"WK-{tag}", journey(tag))
    status, body = out["result"]
    assert status == 200 and body["passed"] is True, body
    assert 400 <= body["waitedMs"] <= (time.monotonic() - started) * 1000
    # and a flow that never passes answers when the time is up, not before
    status, body = check(live.url, CHECKOUT, timeout=0.5, scope="writekey:nobody")
    assert status == 200 and body["passed"] is False and body["person"] is None
    assert body["waitedMs"] >= 500


@pytest.mark.parametrize(
    ("flow", "step", "column", "field"),
    [
        ({"name": "x", "steps": [{"q": "type:page"}, {"q": "event:(Signed"}]}, 2, 7, "steps[1].q"),
        ({"name": "x", "steps": [{"q": 'type:track event:"Signed Up'}]}, 1, 18, "steps[0].q"),
        ({"name": "x", "steps": [{"q": ["type:page"]}]}, 1, None, "steps[0].q"),
    ],
)
def test_a_bad_flow_names_the_step_and_column(live, flow, step, column, field):
    status, body = check(live.url, flow)
    assert status == 400, body
    assert body["code"] == "invalid_flow" and body["step"] == step
    assert body.get("column") == column and body["field"] == field
    assert f"step {step}" in body["message"]


@pytest.mark.parametrize(
    ("raw", "ctype", "status", "code"),
    [
        (b'{"name": "x", "steps": [', "application/json", 400, "invalid_json"),
        (b"\xff\xfe", "application/json", 400, "invalid_json"),
        (b'["type:page"]', "application/json", 400, "invalid_flow"),
        (b'{"steps": []}', "application/json", 400, "invalid_flow"),
        (b'{"name": "x", "steps": ["type:page"]}', "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_unusable_bodies(live, raw, ctype, status, code):
    got, body = check(live.url, None, raw=raw, ctype=ctype)
    assert (got, body["code"]) == (status, code), body
    assert body["message"]


def test_bad_parameters(live):
    flow = {"name": "x", "steps": ["type:page"]}
    assert check(live.url, flow, timeout="soon")[0] == 400
    assert check(live.url, flow, timeout=10_000)[0] == 400
    status, body = check(live.url, flow, scope="writekey:(")
    assert status == 400 and body["message"].startswith("scope: column")
    status, body = check(live.url, flow, session="no-such-session")
    assert status == 404 and body["code"] == "unknown_session"


@pytest.mark.node
@pytest.mark.parametrize("driver", ["segment-node", "cio-node", "legacy-node", "rudder-node"])
@pytest.mark.parametrize("order", ["ok", "missing", "reversed", "two-people"])
def test_node_libraries(live, tmp_path, driver, order):
    from tests.clients.npm import ensure_node_modules
    from tests.qa.journeys import NODE_LIBS, send_node

    ensure_node_modules()
    tag = f"{order}-{driver}"
    send_node(driver, live.url, f"WK-{tag}", journey(tag, order), tmp_path)
    status, body = check(live.url, CHECKOUT, timeout=10 if order == "ok" else 0, **scoped(tag))
    assert status == 200
    want = {
        "ok": ["matched"] * 4,
        "missing": ["matched", "missing", "matched", "matched"],
        "reversed": ["matched", "out_of_order", "matched", "matched"],
        "two-people": ["missing", "missing", "matched", "matched"],
    }[order]
    assert [s["status"] for s in body["steps"]] == want, body
    assert body["passed"] is (order == "ok")
    assert body["person"] == f"user-{tag}"
    clients = {s["summary"]["client"] for s in body["steps"] if s.get("summary")}
    assert clients == {NODE_LIBS[driver]}
