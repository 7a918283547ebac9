"""Requests that cannot be read get a 400 saying what and where, and are kept."""

from __future__ import annotations

import gzip
import json

import pytest

from inspector.testing.collector import ThreadedCollector
from tests.collector.conftest import Api

CASES = [
    ("broken JSON", b'{"batch": [1, 2', {}, "invalid_json", "line 1, column"),
    ("bad gzip", b"not gzip at all", {"Content-Encoding": "gzip"}, "invalid_gzip", "gzip"),
    (
        "truncated gzip",
        gzip.compress(b'{"batch": []}')[:-6],
        {"Content-Encoding": "gzip"},
        "invalid_gzip",
        "truncated",
    ),
    ("array body", b"[1, 2]", {}, "invalid_body", "array"),
    ("string body", b'"hi"', {}, "invalid_body", "string"),
    ("batch not a list", b'{"batch": "x"}', {}, "invalid_batch", "'batch' is a string"),
    (
        "batch item not an object",
        b'{"batch": [{"type":"track"}, 3]}',
        {},
        "invalid_batch_item",
        "batch[1]",
    ),
    ("empty body", b"", {}, "empty_body", "empty"),
]


@pytest.mark.parametrize("label,data,headers,code,where", CASES, ids=[c[0] for c in CASES])
def test_unreadable_request_gets_400_and_is_kept(api, label, data, headers, code, where):
    r = api.post("/v1/batch", data, headers=headers)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/json")
    err = r.json()
    assert err["code"] == code and where in err["message"]
    rej = api.rejected()
    assert len(rej) == 1
    assert rej[0]["status"] == 400 and rej[0]["error"]["code"] == code
    assert rej[0]["path"] == "/v1/batch" and rej[0]["method"] == "POST"
    if not headers:  # the raw body is kept for the user to see
        assert rej[0]["body"] == data.decode()
    assert api.events() == []


def test_over_the_size_bound(tmp_path):
    with ThreadedCollector(tmp_path, max_body=1000) as c:
        api = Api(c)
        big = json.dumps({"batch": [{"type": "track", "event": "x" * 2000}]}).encode()
        r = api.post("/v1/batch", big)
        assert r.status_code == 400 and r.json()["code"] == "payload_too_large"
        # a gzip bomb: small on the wire, over the bound once decompressed
        bomb = gzip.compress(b'{"batch":[' + b" " * 50_000 + b"]}")
        assert len(bomb) < 1000
        r = api.post("/v1/batch", bomb, headers={"Content-Encoding": "gzip"})
        assert r.status_code == 400 and "decompressed" in r.json()["message"]
        assert len(api.rejected()) == 2


def test_rejected_does_not_stop_later_requests(api):
    api.post("/v1/batch", b"{")
    assert api.post("/v1/track", json.dumps({"event": "A", "userId": "u"})).status_code == 200
    assert len(api.events()) == 1 and len(api.rejected()) == 1
