"""``GET /api/requests`` and ``GET /api/requests/{id}``: every request, what it carried and
what we answered (over real HTTP on 127.0.0.1)."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from tests.collector.conftest import Api

BASIC = "Basic " + base64.b64encode(b"WK_SECRET_123456:").decode()


def batch(*mids: str, event: str = "Order Completed") -> bytes:
    return json.dumps(
        {
            "batch": [
                {"type": "track", "event": event, "userId": "u1", "messageId": m} for m in mids
            ],
            "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
            "writeKey": "WK_SECRET_123456",
        }
    ).encode()


def requests_of(api: Api, q: str = "", **params: object) -> dict:
    r = api.get("/api/requests", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_every_request_is_listed_newest_last(api):
    ok = api.post("/v1/batch", batch("a1", "a2"), headers={"Authorization": BASIC})
    assert ok.status_code == 200
    assert api.post("/v1/batch", b'{"batch": [1,').status_code == 400
    assert api.post("/api/faults", json={"status": 429, "count": 1}).status_code == 200
    assert api.post("/v1/batch", batch("b1")).status_code == 429
    assert api.get("/e", params={"_k": "KM", "_p": "bob", "_n": "Signed Up"}).status_code == 200

    body = requests_of(api)
    assert body["total"] == 4
    reqs = body["requests"]
    assert [r["id"] for r in reqs] == sorted(r["id"] for r in reqs)
    for r in reqs:
        assert set(r) >= {
            "id",
            "receivedAt",
            "method",
            "path",
            "status",
            "client",
            "size",
            "eventCount",
            "rejected",
            "fault",
            "durationMs",
            "upstream",
        }
        assert r["durationMs"] is not None and r["durationMs"] >= 0
        assert r["upstream"] is None
    accepted, broken, faulted, km = reqs
    assert (accepted["status"], accepted["eventCount"], accepted["rejected"]) == (200, 2, False)
    assert accepted["client"] == "segment-analytics-python"
    assert accepted["size"] == len(batch("a1", "a2"))
    assert (broken["status"], broken["rejected"], broken["eventCount"]) == (400, True, 0)
    assert broken["error"]["code"] == "invalid_json"
    assert faulted["status"] == 429 and faulted["fault"].startswith("429")
    assert faulted["rejected"] is False
    assert (km["method"], km["path"], km["status"], km["eventCount"]) == ("GET", "/e", 200, 1)

    page = requests_of(api, limit=2, offset=1)
    assert page["total"] == 4 and [r["id"] for r in page["requests"]] == [
        broken["id"],
        faulted["id"],
    ]


def test_duration_includes_an_injected_delay(api):
    api.post("/api/faults", json={"delayMs": 300, "count": 1})
    assert api.post("/v1/batch", batch("d1")).status_code == 200
    assert api.post("/v1/batch", batch("d2")).status_code == 200
    slow, fast = requests_of(api)["requests"]
    assert slow["durationMs"] >= 300 and slow["fault"] == "delay 300 ms"
    assert fast["durationMs"] < 300


@pytest.mark.parametrize(
    "q,expect",
    [
        ("status:>=400", ["broken", "faulted"]),
        ("status:4xx -rejected:true", ["faulted"]),
        ("rejected:true", ["broken"]),
        ("fault:true", ["faulted"]),
        ("fault:429*", ["faulted"]),
        ("method:get", ["km"]),
        ("path:/v1/*", ["ok", "broken", "faulted", "track"]),
        ("path:/v1/batch", ["ok", "broken", "faulted"]),
        ("path:/e or path:/v1/track", ["km", "track"]),
        ("client:segment*", ["ok", "faulted"]),
        ("client:python-requests", ["broken", "track"]),
        ("status:200 -path:/e", ["ok", "track"]),
        ("invalid_json", ["broken"]),
        ("method:/^p/i status:200", ["ok", "track"]),
    ],
)
def test_request_filter(api, q, expect):
    names = {}
    api.post("/v1/batch", batch("q1"), headers={"Authorization": BASIC})
    api.post("/v1/batch", b"{nope")
    api.post("/api/faults", json={"status": 429, "count": 1})
    api.post("/v1/batch", batch("q2"))
    api.get("/e", params={"_k": "KM", "_p": "bob", "_n": "x"})
    api.post("/v1/track", json.dumps({"event": "T", "userId": "u"}))
    for name, r in zip(
        ["ok", "broken", "faulted", "km", "track"], requests_of(api)["requests"], strict=True
    ):
        names[r["id"]] = name
    got = requests_of(api, q)["requests"]
    assert [names[r["id"]] for r in got] == expect


@pytest.mark.parametrize(
    "q,where",
    [
        ("lint:error", "column 1"),
        ("status:abc", "column 8"),
        ("status:>=x", "column 10"),
        ("method:>1", "column 8"),
        ("rejected:maybe", "column 10"),
        ("(method:get", "column 1: unclosed"),
    ],
)
def test_bad_request_filter_is_400_with_where(api, q, where):
    """As a bad event query: the column in the message and as a field (the HAR export's
    filter is the same)."""
    for r in (
        api.get("/api/requests", params={"q": q}),
        api.get("/api/export", params={"format": "har", "q": q}),
    ):
        assert r.status_code == 400
        assert r.json()["code"] == "invalid_query" and where in r.json()["message"]
        assert r.json()["column"] == int(where.split()[1].rstrip(":"))


def test_detail_headers_body_answer_and_events(api):
    api.post(
        "/v1/batch",
        batch("e1", "e2", "e3"),
        headers={"Authorization": BASIC, "X-Custom": "kept", "Cookie": "sid=SECRETCOOKIE"},
    )
    rid = requests_of(api)["requests"][0]["id"]
    d = api.get(f"/api/requests/{rid}").json()
    assert "WK_SECRET" not in json.dumps(d["headers"])
    assert "SECRETCOOKIE" not in json.dumps(d["headers"])
    assert d["headers"]["X-Custom"] == "kept"
    assert d["headers"]["Authorization"].startswith("Basic ••••")
    assert d["body"]["decoded"]["kind"] == "json"
    assert json.loads(d["body"]["decoded"]["text"])["batch"][1]["messageId"] == "e2"
    assert "\n  " in d["body"]["decoded"]["text"]  # pretty
    assert d["answer"]["status"] == 200 and json.loads(d["answer"]["body"]) == {"success": True}
    events = api.events()
    assert d["eventIds"] == [e["id"] for e in events]
    assert d["messageIds"] == ["e1", "e2", "e3"]
    assert d["retries"] == []
    assert api.get("/api/requests/99999").status_code == 404
    assert api.get("/api/requests/abc").status_code == 400


def test_a_broken_gzip_shows_the_part_that_decoded(api):
    text = json.dumps({"batch": [{"type": "track", "event": f"E{i}"} for i in range(400)]})
    cut = gzip.compress(text.encode())[:-200]  # the stream stops early
    r = api.post("/v1/batch", cut, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_gzip"
    rid = requests_of(api)["requests"][0]["id"]
    body = api.get(f"/api/requests/{rid}").json()["body"]
    assert body["received"]["kept"] is True and "hex" in body["received"]
    assert body["received"]["hex"].startswith("00000000  1f 8b")
    dec = body["decoded"]
    assert dec["complete"] is False and "truncated" in dec["error"]
    assert dec["text"].startswith('{"batch": [{"type": "track", "event": "E0"}')
    assert 0 < dec["decodedBytes"] < len(text)
    assert "\ufffd" not in dec["text"]  # no mojibake


def test_non_text_body_is_hex_and_json_errors_say_where(api):
    api.post("/v1/batch", bytes(range(256)))
    api.post("/v1/batch", b'{"batch": [\n  {"type": "track",}\n]}')
    binary, broken = requests_of(api)["requests"]
    b = api.get(f"/api/requests/{binary['id']}").json()["body"]["decoded"]
    assert b["kind"] == "binary" and b["hex"].splitlines()[0].startswith("00000000  00 01 02")
    j = api.get(f"/api/requests/{broken['id']}").json()["body"]["decoded"]
    assert j["kind"] == "text" and j["jsonError"]["line"] == 2
    assert j["jsonError"]["column"] == 20


def test_retries_of_the_same_message_ids_are_linked(api):
    api.post("/api/faults", json={"status": 503, "count": 1})
    first = api.post("/v1/batch", batch("r1", "r2"))
    second = api.post("/v1/batch", batch("r1", "r2"))
    third = api.post("/v1/batch", batch("other"))
    assert (first.status_code, second.status_code, third.status_code) == (503, 200, 200)
    failed, stored, unrelated = requests_of(api)["requests"]
    a = api.get(f"/api/requests/{failed['id']}").json()
    b = api.get(f"/api/requests/{stored['id']}").json()
    c = api.get(f"/api/requests/{unrelated['id']}").json()
    assert a["eventIds"] == [] and a["messageIds"] == ["r1", "r2"]
    assert [(r["id"], r["sharedMessageIds"]) for r in a["retries"]] == [(stored["id"], 2)]
    assert [(r["id"], r["sharedMessageIds"]) for r in b["retries"]] == [(failed["id"], 2)]
    assert c["retries"] == []
    assert a["answer"]["status"] == 503 and json.loads(a["answer"]["body"])["code"] == (
        "injected_fault"
    )


def test_kissmetrics_answer_is_the_pixel(api):
    api.get("/e", params={"_k": "KM", "_p": "bob", "_n": "Signed Up"})
    rid = requests_of(api)["requests"][0]["id"]
    d = api.get(f"/api/requests/{rid}").json()
    assert d["answer"]["headers"]["Content-Type"] == "image/gif"
    assert base64.b64decode(d["answer"]["body"]).startswith(b"GIF89a")
    assert len(d["eventIds"]) == 1 and d["client"] == "kissmetrics-http"
