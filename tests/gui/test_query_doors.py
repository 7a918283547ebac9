"""One query, one answer: the same query strings through every door on one session.

The window (its filter), ``/api/events``, ``/api/wait`` (and its closest misses),
``/api/assert``, ``/api/export``, CLI ``export --q`` (a subprocess on the same data directory)
and the pytest plugin's client all compile through ``compile_query`` and must return the same
events, ``user:`` included (identity merged by identify and alias).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from inspector.testing.client import EventInspector
from tests.gui.conftest import http, session_messages

CLI = "import sys, inspector.cli; sys.exit(inspector.cli.main())"
QUERIES = [
    "",
    "type:track",
    "user:anon-1",  # anon-1 -> user-42 by identify, anon-2 -> user-42 by alias
    "user:user-42 -type:alias",
    "user:anon-2",
    "user:nobody",
    'event:"Order Completed" properties.revenue:>20',
    "-type:track",
    "ada@example.com",
    "has:traits.email or name:Checkout",
    "userId:user-42",
    "lib:analytics-python type:screen",
    "user:anon-9",  # a person of their own
]


def _messages() -> list[dict[str, Any]]:
    msgs = session_messages(n_track=3)
    msgs.append({"type": "track", "anonymousId": "anon-9", "event": "Signed Up"})
    for i, m in enumerate(msgs):
        m["messageId"] = f"mid-{i:03d}"
    return msgs


def _mids_api(url: str, path: str, params: dict[str, Any]) -> tuple[int, Any]:
    import urllib.parse

    status, body = http(url + path + "?" + urllib.parse.urlencode(params), method="GET", key=None)
    return status, body


def test_every_door_gives_the_same_rows(inspector, tmp_path):
    h = inspector
    msgs = _messages()
    status, _ = h.batch(msgs)
    assert status == 200
    h.wait_until(lambda: len(h.window.feed.model.rows) == len(msgs), what="rows")
    h.flush()
    data_dir = h.window.service.store.data_dir
    session = h.window.service.session.name
    plugin = EventInspector(h.url)
    ids_to_mid: dict[int, str] = {}

    def api(path: str, **params: Any) -> Any:
        status, body = h.in_thread(_mids_api, h.url, path, params)
        return status, body

    st, everything = api("/api/events", limit=1000)
    assert st == 200
    for e in json.loads(everything)["events"]:
        ids_to_mid[e["id"]] = e["messageId"]
    assert len(ids_to_mid) == len(msgs)

    answers: dict[str, set[str]] = {}
    for q in QUERIES:
        doors: dict[str, set[str]] = {}
        # the window's filter bar
        h.window.filter_bar.set_text(q)
        h.settle()
        model = h.window.feed.model
        doors["window"] = {
            ids_to_mid[model.rows.ids[model.source_row(r)]] for r in range(model.rowCount())
        }
        # /api/events
        st, body = api("/api/events", q=q, limit=1000)
        assert st == 200, body
        listed = json.loads(body)
        doors["/api/events"] = {e["messageId"] for e in listed["events"]}
        assert listed["total"] == len(doors["/api/events"])
        # /api/wait, matched at once (count 0 returns what is stored)
        st, body = api("/api/wait", q=q, count=0, timeout=0)
        assert st == 200, body
        doors["/api/wait"] = {e["messageId"] for e in json.loads(body)["events"]}
        # /api/wait that times out: its total and closest misses agree too
        want = len(doors["/api/events"]) + 1
        st, body = api("/api/wait", q=q, count=want, timeout=0.05)
        assert st == 408, body
        timed_out = json.loads(body)
        assert timed_out["total"] == want - 1
        doors["/api/wait (timeout)"] = {e["messageId"] for e in timed_out["events"]}
        missed = {ids_to_mid[m["event"]["id"]] for m in timed_out["closestMisses"]["events"]}
        assert not missed & doors["/api/events"], (q, missed)
        # /api/assert
        st, body = h.post("/api/assert", {"expectations": [{"q": q, "min": 0}]}, key=None)
        assert st == 200, body
        result = json.loads(body)["results"][0]
        doors["/api/assert"] = {ids_to_mid[i] for i in result["events"]}
        # /api/export (NDJSON)
        st, body = api("/api/export", q=q)
        assert st == 200
        doors["/api/export"] = {json.loads(line)["messageId"] for line in body.splitlines()}
        # the pytest plugin's client
        doors["plugin"] = {e["messageId"] for e in h.in_thread(plugin.events, q)}
        # CLI export --q, a process of its own on the same data directory
        out = tmp_path / "export.ndjson"
        args = ["export", "--data-dir", str(data_dir), "--session", session, f"--q={q}"]
        cli = h.in_thread(
            subprocess.run,
            [sys.executable, "-c", CLI, *args, "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert cli.returncode == 0, cli.stderr
        doors["CLI export"] = {
            json.loads(line)["messageId"] for line in out.read_text().splitlines()
        }
        first = doors["/api/events"]
        for door, got in doors.items():
            assert got == first, f"{q!r}: {door} gave {sorted(got)}, /api/events {sorted(first)}"
        answers[q] = first

    # the identity-aware answers are what the session says
    person = {m["messageId"] for m in msgs if m.get("anonymousId") != "anon-9"}
    assert answers["user:anon-1"] == person
    assert answers["user:anon-2"] == person
    assert answers["user:anon-9"] == {msgs[-1]["messageId"]}
    assert answers["user:nobody"] == set()
    assert answers[""] == {m["messageId"] for m in msgs}
