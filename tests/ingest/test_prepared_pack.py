"""A prepared step crosses from the prepare worker to the store worker as one packed bytes
object (``prepared.pack``, marshal): what arrives is what was prepared, whatever the values
a message held, and a step packed in a worker process is stored by the store worker."""

from __future__ import annotations

import json
import math
import sqlite3
import time

from inspector.domain.capture import RawRequest
from inspector.domain.intake import build_events, parse_body
from inspector.domain.store import Store
from inspector.domain.store_rows import PRE_COLUMNS
from inspector.ingest.linting import default_linter
from inspector.ingest.prepared import Prepared, Step, pack, unpack
from inspector.ingest.stages import Stages

ODD = {
    "big": 2**80,  # parsed exactly by the stdlib, not orjson
    "neg": -(2**70),
    "float": 1.5e300,
    "text": 'caf\u00e9 \U0001f600 \x00 \\ "',
    "nested": {"a": [1, [2, [3, {"b": None}]]], "t": True, "f": False},
    "empty": {},
}


def _prepared(rows: bool) -> Step:
    stages = Stages(None, default_linter)
    body = json.dumps(
        {
            "batch": [
                {"type": "track", "event": "Odd", "userId": "u1", "properties": ODD},
                {"type": "identify", "userId": "u1", "traits": {"email": "a@b.c", "n": 2**65}},
                {  # ids and names that are not plain strings: the store step makes them columns
                    "type": "page",
                    "name": {"x": [1, 2**70]},
                    "userId": 2**66,
                    "anonymousId": 'a"\u00e9\x00',
                    "messageId": 7,
                    "groupId": ["g"],
                },
            ],
            "sentAt": "2026-11-22T10:31:20.000Z",
        },
        separators=(",", ":"),  # as clients send it: the body is stored as its recipe
        ensure_ascii=False,
    ).encode()
    raw = RawRequest(
        session_id=1,
        received_at=time.time(),
        method="POST",
        path="/v1/batch",
        body=body,
        size=len(body),
    )
    events = build_events(
        parse_body("batch", body),
        session_id=1,
        received_at=raw.received_at,
        headers={},
        query={},
        header_auth=(None, "none"),
    )
    return Step([stages.prepare_request(raw, events, rows)], ("inbox:x", 0, 1))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if type(a) is not type(b) and not (isinstance(a, list | tuple) and isinstance(b, list | tuple)):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)  # type: ignore[attr-defined,index]
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(_same, a, b))  # type: ignore[arg-type]
    return a == b


def test_a_step_arrives_as_it_was_prepared() -> None:
    for rows in (False, True):
        step = _prepared(rows)
        back = unpack(pack(step))
        assert back.progress == step.progress
        assert len(back.requests) == 1
        p, q = step.requests[0], back.requests[0]
        assert p.recipe is not None and p.raw_body  # (what a step carries at most)
        assert isinstance(q, Prepared)
        for field in ("request", "events", "heads", "findings", "dups", "recipe", "raw_body"):
            assert _same(getattr(p, field), getattr(q, field)), field
        text = PRE_COLUMNS.index("message")
        assert q.events[0][text] == p.events[0][text]  # the message's JSON, serialised once
        assert json.loads(q.events[0][text])["properties"]["big"] == 2**80
        if rows:
            assert q.heads and q.heads[1]["traits"]["email"] == "a@b.c"


def test_a_packed_step_is_stored_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path)
    session = store.open_session("pack")
    step = _prepared(True)
    p = step.requests[0]
    p.request = (session.id, *p.request[1:])
    p.events = [(session.id, *e[1:]) for e in p.events]
    step.progress = None
    stored = Stages(store, None).store_packed(pack(step), True)
    assert len(stored.events) == 3
    events = store.events(session.id)
    assert [e.message.get("event") for e in events] == ["Odd", None, None]
    assert events[2].generated_message_id and events[2].message_id != "7"
    cols = sqlite3.connect(store.path).execute(
        "SELECT name, user_id, anonymous_id, message_id, group_id FROM events ORDER BY id"
    )
    assert [tuple(r) for r in cols] == [
        (None, "u1", None, events[0].message_id, None),
        (None, "u1", None, events[1].message_id, None),
        (
            '{"x":[1,1180591620717411303424]}',
            "73786976294838206464",
            'a"\u00e9\x00',
            events[2].message_id,
            '["g"]',
        ),
    ]
    props = events[0].message["properties"]
    assert props["big"] == 2**80 and props["neg"] == -(2**70)
    assert props["nested"] == ODD["nested"]
    assert events[1].message["traits"]["n"] == 2**65
    # the request's body was stored as its recipe: read back, it is the body that came
    req = store.get_request(events[0].request_id)  # type: ignore[arg-type]
    assert req is not None and json.loads(req.body)["batch"][0]["properties"]["big"] == 2**80
