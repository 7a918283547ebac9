"""``/api/events`` says why a valid query found nothing (``hints``), as the window's filter
bar does: over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json


def seed(api):
    batch = [
        {"type": "track", "userId": "u1", "event": "Order Completed", "messageId": "m1",
         "properties": {"revenue": 30, "currency": "EUR"}},
        {"type": "identify", "userId": "u1", "messageId": "m2", "traits": {"email": "a@b.c"}},
        {"type": "page", "userId": "u1", "name": "Home", "messageId": "m3"},
    ]  # fmt: skip
    r = api.post("/v1/batch", json.dumps({"batch": batch}))
    assert r.status_code == 200


def _answer(api, q):
    r = api.get("/api/events", params={"q": q})
    assert r.status_code == 200, r.text
    return r.json()


def test_an_empty_answer_says_which_term_cannot_match(api):
    seed(api)
    body = _answer(api, "type:trak")
    assert body["total"] == 0 and body["events"] == []
    assert body["hints"] == [
        {"column": 6, "text": "no event has type “trak” — did you mean track?"}
    ]
    body = _answer(api, 'type:track event:"Order Complted"')
    assert [h["column"] for h in body["hints"]] == [18]
    assert "did you mean Order Completed?" in body["hints"][0]["text"]
    body = _answer(api, "properties.revenu:>10")
    assert "no event has a field properties.revenu" in body["hints"][0]["text"]
    assert "properties.revenue" in body["hints"][0]["text"]
    body = _answer(api, "properties.revenue:>abc")
    assert "holds numbers here" in body["hints"][0]["text"]


def test_answers_keep_their_fields_and_hints_only_when_empty(api):
    seed(api)
    body = _answer(api, "type:track")
    assert body["total"] == 1 and body["hints"] == []
    assert set(body) == {"total", "session", "events", "hints"}
    # a valid query that matches nothing for a reason hints cannot tell: no hint, no claim
    body = _answer(api, "type:track properties.revenue:>1000")
    assert body["total"] == 0 and body["hints"] == []
    assert _answer(api, "")["hints"] == []
