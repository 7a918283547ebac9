"""Copy as curl runs as is: each generated command is run with the real ``curl`` against a live
collector, and the request it makes is the one that was copied."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import subprocess

import pytest

from inspector.domain.replay import authorization, curl_command, outgoing
from inspector.domain.requests_read import list_requests
from tests.collector.conftest import Api

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
KEY = "WK_REPLAY_9876"


def send_all(api: Api) -> None:
    batch = {
        "batch": [
            {
                "type": "track",
                "event": 'It\'s "quoted" $HOME `x`',
                "userId": "u1",
                "messageId": "c1",
                "properties": {"zoë": "ünïcode", "n": 1},
            },
        ],
        "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
    }
    basic = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    api.post(
        "/v1/batch",
        gzip.compress(json.dumps(batch).encode()),
        headers={"Authorization": basic, "Content-Encoding": "gzip", "X-Custom": "v"},
    )
    api.post(
        "/v1/identify",
        json.dumps({"userId": "u2", "messageId": "c2"}),
        headers={"Authorization": f"Bearer {KEY}"},
    )
    api.post(
        "/v1/batch",
        gzip.compress(b'{"batch": [{"type": "track"}]}')[:-7],
        headers={"Content-Encoding": "gzip"},
    )
    api.get("/e", params={"_k": KEY, "_p": "bob", "_n": "Signed Up"})
    api.post("/v1/track?writeKey=" + KEY, json.dumps({"event": "Q", "userId": "u3"}))


def test_every_copied_curl_command_repeats_its_request(api, collector):
    send_all(api)
    api.get("/api/requests")
    store = collector.service.store
    sid = collector.service.session.id
    originals = list_requests(store, sid)
    assert len(originals) == 5
    before = {e["messageId"]: e for e in api.events()}
    for light in originals:
        raw = store.get_request(light.id)
        cmd = curl_command(outgoing(raw), collector.url)
        p = subprocess.run(["sh", "-c", cmd], capture_output=True, timeout=30)
        assert p.returncode == 0, (cmd, p.stderr)
    api.get("/api/requests")  # an /api read waits until what was answered is stored
    again = list_requests(store, sid)[5:]
    assert len(again) == 5
    for old, new in zip(originals, again, strict=True):
        assert (new.method, new.path, new.query) == (old.method, old.path, old.query)
        assert (new.status, new.error_code, new.event_count) == (
            old.status,
            old.error_code,
            old.event_count,
        )
        assert (new.auth, new.write_key) == (old.auth, old.write_key)
    assert again[2].rejected and again[2].content_encoding == "gzip"
    assert store.get_request(again[2].id).body == store.get_request(originals[2].id).body
    after = api.events()[len(before) :]
    for ev in after:
        if ev["messageId"] in before:  # the same message, the same credentials
            old = before[ev["messageId"]]
            assert (
                ev["message"]["properties" if "properties" in ev["message"] else "userId"]
                == (old["message"]["properties" if "properties" in old["message"] else "userId"])
            )
            assert ev["source"]["writeKey"] == old["source"]["writeKey"]
            assert ev["source"]["auth"] == old["source"]["auth"]
            assert ev["duplicate"] is True


def test_authorization_is_rebuilt_from_what_is_kept():
    assert authorization("basic", "k") == "Basic " + base64.b64encode(b"k:").decode()
    assert authorization("basic-nocolon", "k") == "Basic " + base64.b64encode(b"k").decode()
    assert authorization("bearer", "k") == "Bearer k"
    assert authorization(None, "k") is None and authorization("basic", None) is None
