"""``event-inspector flow check`` on sessions a real ``serve`` stored and on NDJSON files, with
journeys sent by the real Python libraries."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET

import pytest

from inspector.testing.serve import cli, serve
from tests.qa.journeys import CHECKOUT_YAML, background, journey, send_python

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """One serve, one session per way a journey can go, each from another library."""
    data = tmp_path_factory.mktemp("flowcli")
    flow = data / "checkout.yaml"
    flow.write_text(CHECKOUT_YAML)
    cases = {
        "ok": "segment",
        "missing": "customerio",
        "reversed": "rudder",
        "two-people": "segment",
    }
    for order, lib in cases.items():
        with serve(data, session=order) as url:
            send_python(lib, url, f"WK-{order}", journey(order, order))
    return data, flow


def test_a_journey_that_passes(stored):
    data, flow = stored
    r = cli("flow", "check", str(flow), "--data-dir", str(data), "--session", "ok")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "flow 'Checkout' passed: 4 of 4 steps matched (person user-ok)"
    assert [ln.split()[0] for ln in lines[1:5]] == ["[x]"] * 4
    assert "#1 page 'Pricing' (anon-ok)" in lines[1]


def test_missing_step_exit_1_with_misses(stored):
    data, flow = stored
    r = cli("flow", "check", str(flow), "--data-dir", str(data), "--session", "missing")
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert "FAILED: 3 of 4 steps matched (person user-missing)" in out
    assert '[ ] 2. type:track event:"Signed Up"' in out and "MISSING" in out
    assert "'Order Completed': matches 1 of 2 terms; fails event:\"Signed Up\"" in out


def test_out_of_order_json(stored):
    data, flow = stored
    r = cli(
        "flow",
        "check",
        str(flow),
        "--data-dir",
        str(data),
        "--session",
        "reversed",
        "--format",
        "json",
    )
    assert r.returncode == 1
    body = json.loads(r.stdout)
    assert [s["status"] for s in body["steps"]] == ["matched", "out_of_order", "matched", "matched"]
    assert body["person"] == "user-reversed" and body["source"] == "session 'reversed'"
    assert body["steps"][1]["event"] < body["steps"][0]["event"]


def test_another_person_junit(stored):
    data, flow = stored
    r = cli(
        "flow",
        "check",
        str(flow),
        "--data-dir",
        str(data),
        "--session",
        "two-people",
        "--format",
        "junit",
    )
    assert r.returncode == 1
    suite = ET.fromstring(r.stdout).find("testsuite")
    assert suite.get("tests") == "4" and suite.get("failures") == "2"
    failures = [c.find("failure") for c in suite.findall("testcase")]
    assert [f is not None for f in failures] == [True, True, False, False]
    assert "sent by anon-two-people" in failures[0].text


def test_an_exported_file_gives_the_same_answer(stored, tmp_path):
    data, flow = stored
    out = tmp_path / "reversed.ndjson"
    assert (
        cli(
            "export", "--data-dir", str(data), "--session", "reversed", "--out", str(out)
        ).returncode
        == 0
    )
    r = cli("flow", "check", str(flow), str(out), "--format", "json")
    assert r.returncode == 1
    body = json.loads(r.stdout)
    assert [s["status"] for s in body["steps"]] == ["matched", "out_of_order", "matched", "matched"]
    assert [s["event"] for s in body["steps"]] == [2, 1, 3, 4]  # line numbers in a file


def test_wait_until_the_journey_arrives(tmp_path):
    flow = tmp_path / "checkout.yaml"
    flow.write_text(CHECKOUT_YAML)
    with serve(tmp_path, session="live") as url:
        started = time.monotonic()
        cmd = ("flow", "check", str(flow), "--data-dir", str(tmp_path), "--session", "live")
        with background(lambda: cli(*cmd, "--wait", "60")) as out:
            time.sleep(1.0)
            send_python("rudder", url, "WK-live", journey("live"))
        r = out["result"]
        assert r.returncode == 0, r.stdout + r.stderr
        assert time.monotonic() - started < 60
        # a flow that does not happen answers when the time is up
        never = tmp_path / "never.yaml"
        never.write_text("steps: ['event:Never']\n")
        t0 = time.monotonic()
        r = cli("flow", "check", str(never), "--data-dir", str(tmp_path), "--wait", "0.5")
        assert r.returncode == 1 and time.monotonic() - t0 >= 0.5


@pytest.mark.parametrize(
    ("flow_text", "args", "message"),
    [
        ("steps: ['type:page', 'event:(x']\n", [], "step 2, column 7: "),
        ("name: x\nsteps: [\n", [], "not valid YAML"),
        ("steps: []\n", [], "steps: List should have at least 1 item"),
        (CHECKOUT_YAML, ["missing.ndjson"], "missing.ndjson: no such file"),
        (CHECKOUT_YAML, ["bad.ndjson"], "bad.ndjson: line 2 is not JSON"),
        (CHECKOUT_YAML, ["--data-dir", "DATA", "--session", "nope"], "no session 'nope'"),
        (CHECKOUT_YAML, ["bad.ndjson", "--session", "x"], "not both"),
        (CHECKOUT_YAML, ["--wait", "-1"], "--wait must be"),
    ],
)
def test_unusable_input_exits_2(tmp_path, flow_text, args, message):
    flow = tmp_path / "f.yaml"
    flow.write_text(flow_text)
    (tmp_path / "bad.ndjson").write_text('{"type": "page"}\n{"type": \n')
    (tmp_path / "DATA").mkdir()
    args = [str(tmp_path / "DATA") if a == "DATA" else a for a in args]
    r = cli("flow", "check", str(flow), *args, cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr


def test_a_session_piped_in_on_stdin(stored):
    """The session exported and piped in: ``... | event-inspector flow check FLOW -``."""
    import subprocess
    import sys

    data, flow = stored
    export = cli("export", "--data-dir", str(data), "--session", "ok", "--out", "-")
    r = subprocess.run(
        [sys.executable, "-m", "inspector", "flow", "check", str(flow), "-"],
        input=export.stdout,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert (
        "(person user-ok)" in r.stdout and "(events from <stdin>; #N are line numbers)" in r.stdout
    )
