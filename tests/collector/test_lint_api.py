"""``GET /api/lint``: findings grouped by rule, over real HTTP with the real linter."""

from __future__ import annotations

import json


def _send(api) -> None:
    batch = [
        {"type": "track", "userId": "u1", "event": "", "messageId": "m1"},
        {"type": "track", "userId": "u1", "event": "", "messageId": "m2"},
        {"type": "track", "userId": "u2", "event": "Order Completed", "messageId": "m3",
         "properties": {"revenue": "9.99", "order_id": "o1"}},
        {"type": "track", "userId": "u2", "event": "Signed Up", "messageId": "m4"},
    ]  # fmt: skip
    assert api.post("/v1/batch", data=json.dumps({"batch": batch})).status_code == 200


def test_findings_grouped_by_rule_errors_first_with_examples(api):
    _send(api)
    body = api.get("/api/lint").json()
    rules = {r["rule"]: r for r in body["rules"]}
    assert body["rules"][0]["rule"] == "E005" and body["minSeverity"] == "warning"
    e005 = rules["E005"]
    ids = {e["message"]["messageId"]: e["id"] for e in api.events()}
    assert e005["count"] == 2 and e005["events"] == 2
    assert e005["examples"] == [ids["m2"], ids["m1"]]  # most recent first
    assert e005["severity"] == "error" and e005["url"].startswith("https://")
    assert "event name" in e005["title"] and e005["explanation"]
    assert rules["W023"]["path"] == "properties.revenue" and rules["W023"]["examples"] == [
        ids["m3"]
    ]
    assert all(r["severity"] in ("error", "warning") for r in body["rules"])
    assert body["events"] == len({i for r in body["rules"] for i in r["examples"]})
    assert body["findings"] == sum(r["count"] for r in body["rules"])


def test_a_query_and_a_severity_narrow_the_findings(api):
    _send(api)
    errors = api.get("/api/lint", params={"minSeverity": "error"}).json()
    assert [r["rule"] for r in errors["rules"]] == ["E005"]
    one = api.get("/api/lint", params={"q": "userId:u2", "examples": 1}).json()
    assert "E005" not in {r["rule"] for r in one["rules"]}
    assert all(len(r["examples"]) == 1 for r in one["rules"])
    info = api.get("/api/lint", params={"minSeverity": "info"}).json()
    assert info["findings"] >= one["findings"] + 2
    none = api.get("/api/lint", params={"q": 'event:"Signed Up"', "minSeverity": "error"})
    assert none.json()["rules"] == [] and none.json()["events"] == 0


def test_bad_parameters_are_400s_that_say_what(api):
    r = api.get("/api/lint", params={"q": "type:track (event:x"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_query"
    assert r.json()["message"].startswith("column ")
    r = api.get("/api/lint", params={"minSeverity": "fatal"})
    assert r.status_code == 400 and "minSeverity='fatal'" in r.json()["message"]
    assert api.get("/api/lint", params={"examples": "0"}).status_code == 400
    assert api.get("/api/lint", params={"session": "nope"}).status_code == 404
