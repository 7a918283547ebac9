"""The query API CI scripts assert on."""

from __future__ import annotations

import json


def seed(api, n=5):
    batch = [
        {"type": "track", "event": f"E{i}", "userId": f"u{i}", "messageId": f"m{i}"}
        for i in range(n)
    ]
    assert api.post("/v1/batch", json.dumps({"batch": batch})).status_code == 200


def test_events_paging_and_shape(api):
    seed(api)
    r = api.get("/api/events", params={"limit": 2, "offset": 1}).json()
    assert r["total"] == 5
    assert [e["message"]["event"] for e in r["events"]] == ["E1", "E2"]
    ev = r["events"][0]
    for key in (
        "id",
        "receivedAt",
        "message",
        "source",
        "raw",
        "lint",
        "timestamp",
        "type",
        "messageId",
        "duplicate",
        "seq",
    ):
        assert key in ev


def test_bad_paging_parameters_are_400(api):
    r = api.get("/api/events", params={"limit": "ten"})
    assert r.status_code == 400 and "limit" in r.json()["message"]


def test_get_one_event_with_its_raw_request(api):
    seed(api, 2)
    first = api.events()[0]
    full = api.get(f"/api/events/{first['id']}").json()
    assert full["message"] == first["message"]
    assert json.loads(full["raw"]["body"])["batch"][0]["messageId"] == "m0"
    assert api.get("/api/events/999999").status_code == 404
    assert api.get("/api/events/abc").status_code == 400


def test_delete_clears_the_current_session(api):
    seed(api)
    api.post("/v1/batch", b"{")
    assert api.s.delete(api.url + "/api/events", timeout=5).status_code == 200
    assert api.events() == [] and api.rejected() == []
    seed(api, 1)  # the duplicate detector was reset with the session
    assert api.events()[0]["duplicate"] is False


def test_stats(api):
    seed(api, 3)
    api.post("/v1/identify", json.dumps({"userId": "u1", "messageId": "m0"}))
    api.post("/v1/batch", b"nope")
    s = api.get("/api/stats").json()
    assert s["events"] == 4 and s["byType"] == {"track": 3, "identify": 1}
    assert s["rejected"] == 1 and s["duplicates"] == 1 and s["sessions"] == 1


def test_export_is_ndjson_one_message_a_line(api):
    seed(api, 3)
    r = api.get("/api/export")
    assert r.headers["Content-Type"].startswith("application/x-ndjson")
    lines = r.text.strip().split("\n")
    assert [json.loads(x)["event"] for x in lines] == ["E0", "E1", "E2"]


def test_sessions_listing(api):
    seed(api, 1)
    body = api.get("/api/sessions").json()
    assert body["current"]["name"] == "test"
    assert body["sessions"][0]["events"] == 1


def test_unknown_session_is_404(api):
    r = api.get("/api/events", params={"session": "nope"})
    assert r.status_code == 404 and r.json()["code"] == "unknown_session"
