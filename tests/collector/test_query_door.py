"""The collector's query door: identity only when asked, bad queries as 400 with the column."""

from __future__ import annotations

import asyncio
import json

import pytest


def seed(api):
    batch = [
        {"type": "identify", "anonymousId": "a1", "userId": "u1", "messageId": "m0"},
        {"type": "track", "anonymousId": "a1", "event": "Viewed", "messageId": "m1"},
        {"type": "track", "userId": "u1", "event": "Bought", "messageId": "m2"},
        {"type": "track", "userId": "u2", "event": "Bought", "messageId": "m3"},
    ]
    r = api.post("/v1/batch", json.dumps({"batch": batch}))
    assert r.status_code == 200


def test_a_query_without_user_never_builds_the_identity_graph(api, collector):
    seed(api)
    live = collector.service.live_identity
    for q in ("type:track", "", "-user:u1*", "event:Bought", "userId:u1"):
        assert api.get("/api/events", params={"q": q}).status_code == 200
        assert api.get("/api/export", params={"q": q}).status_code == 200
        r = api.post("/api/assert", json.dumps({"expectations": [{"q": q, "min": 0}]}))
        assert r.status_code == 200
        assert live.behind and live.graph.event_count == 0, q
    got = api.events("user:u1")
    assert {e["messageId"] for e in got} == {"m0", "m1", "m2"}
    assert not live.behind and live.graph.event_count == 4


def test_user_on_another_session_uses_that_sessions_identity(api, collector):
    seed(api)
    svc = collector.service
    first = svc.session.name
    asyncio.run_coroutine_threadsafe(svc.switch_session("second"), collector.loop).result(10)
    assert api.events("user:a1") == []  # the current session holds nothing
    r = api.get("/api/events", params={"q": "user:a1", "session": first})
    assert r.status_code == 200
    assert {e["messageId"] for e in r.json()["events"]} == {"m0", "m1", "m2"}
    r = api.get("/api/export", params={"q": "user:u1", "session": first})
    assert [json.loads(line)["messageId"] for line in r.text.splitlines()] == ["m0", "m1", "m2"]


@pytest.mark.parametrize(
    ("q", "column"),
    [
        ("(type:track", 1),
        ("type:track or", 12),
        ("event:/(/", 8),
    ],
)
def test_a_bad_query_is_400_with_its_column_at_every_door(api, q, column):
    for path in ("/api/events", "/api/export", "/api/wait"):
        r = api.get(path, params={"q": q, "timeout": 0})
        assert r.status_code == 400, (path, r.text)
        body = r.json()
        assert body["code"] == "invalid_query" and body["column"] == column, (path, body)
        assert f"column {column}" in body["message"]
    r = api.post("/api/assert", json.dumps({"expectations": [{"q": q}]}))
    assert r.status_code == 400 and r.json()["column"] == column


@pytest.mark.parametrize("op", [">", ">=", "<", "<=", "", "-"])
def test_comparing_against_a_huge_number_is_an_answer_not_a_500(api, op):
    seed(api)
    q = f"properties.n:{op}{'9' * 5000}"
    r = api.get("/api/events", params={"q": q})
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 0  # no event has properties.n
