"""Request bodies are stored as a recipe over their events' messages (a compact batch) or
compressed when that saves space, and read back as they came."""

from __future__ import annotations

import json
import sqlite3

import orjson
import pytest

from inspector.domain.store import Store
from inspector.domain.store_body import MAGIC, MIN_SIZE, RECIPE, pack, recipe, unpack
from inspector.testing.collector import ThreadedCollector


def test_pack_round_trips_every_kind_of_body():
    batch = orjson.dumps({"batch": [{"type": "track", "event": f"E{i}"} for i in range(50)]})
    for body in (
        b"",
        b"{}",
        batch,
        bytes(range(256)) * 4,  # incompressible: kept as it is
        MAGIC,  # a body that looks packed is always packed, so reading it is unambiguous
        MAGIC + b"x" * 1000,
        RECIPE + b"x",
    ):
        stored = pack(body)
        assert unpack(stored) == body
        if body.startswith((MAGIC, RECIPE)):
            assert stored != body and stored.startswith(MAGIC)
    assert len(pack(batch)) < len(batch) / 5
    assert pack(b"x" * (MIN_SIZE - 1)) == b"x" * (MIN_SIZE - 1)
    assert unpack(None) == b""


def test_a_recipe_is_made_only_of_a_body_that_is_its_messages_as_they_are():
    ms = ['{"type":"track","event":"é"}', '{"type":"track","n":1}']
    assert recipe(('{"batch":[' + ",".join(ms) + '],"sentAt":"x"}').encode(), ms) == (
        '{"batch":[',
        '],"sentAt":"x"}',
    )
    assert recipe(("[" + ",".join(ms) + "]").encode(), ms) == ("[", "]")
    for body in (
        '{"batch":[' + ", ".join(ms) + "]}",  # not compact
        '{"batch":[' + ms[1] + "," + ms[0] + "]}",  # another order
        '{"batch":[' + ms[0] + "]}",  # one missing
        '{"batch":[{"type":"track","event":"\\u00e9"},' + ms[1] + "]}",  # escaped there
    ):
        assert recipe(body.encode(), ms) is None, body
    assert recipe(b"", ms) is None and recipe(b"[]", []) is None


@pytest.mark.parametrize("compact", [True, False])
def test_a_stored_batch_is_kept_small_and_read_whole(tmp_path, compact):
    import requests

    batch = {
        "batch": [{"type": "track", "event": "Signed Up", "userId": f"u{i}"} for i in range(40)],
        "sentAt": "2026-11-22T10:31:20.000Z",
    }
    body = orjson.dumps(batch) if compact else json.dumps(batch).encode()  # (as Python sends)
    with ThreadedCollector(tmp_path, session="b") as c:
        r = requests.post(
            c.url + "/v1/batch", data=body, headers={"Content-Type": "application/json"}, timeout=10
        )
        assert r.ok
        assert len(requests.get(c.url + "/api/events", timeout=40).json()["events"]) == 40
        store = c.service.store
        (rid,) = [r[0] for r in store.select("SELECT id FROM requests")]
        assert store.get_request(rid).body == body  # as it came
        assert store.requests(store.session("b").id)[0].body == body
    raw = sqlite3.connect(tmp_path / "inspector.sqlite3").execute("SELECT body FROM requests")
    (kept,) = raw.fetchone()
    if compact:  # its prefix, suffix and events: a few bytes
        assert kept.startswith(RECIPE) and len(kept) < 100
    else:
        assert kept.startswith(MAGIC) and len(kept) < len(body)
    assert Store(tmp_path, read_only=True).get_request(rid).body == body


def test_a_batch_imported_in_part_keeps_its_body_whole(tmp_path):
    """An import that skips events the session holds stores the rest: the request's body,
    no longer all made of stored events, is kept compressed (whole)."""
    import requests

    from inspector.domain.capture import RawRequest
    from inspector.domain.intake import build_events, parse_body
    from inspector.testing.serve import cli

    ms = [{"type": "track", "event": "E", "userId": "u", "messageId": f"m{i}"} for i in range(3)]
    body = orjson.dumps({"batch": ms})
    with ThreadedCollector(tmp_path, session="a") as c:
        post = {"headers": {"Content-Type": "application/json"}, "timeout": 10}
        assert requests.post(c.url + "/v1/batch", data=body, **post).ok
        assert len(requests.get(c.url + "/api/events", timeout=40).json()["events"]) == 3
    out = tmp_path / "a.ndjson"
    r = cli("export", "--data-dir", str(tmp_path), "--session", "a", "--format", "capture",
            "--out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    store = Store(tmp_path)  # session b holds m0 already
    b = store.open_session("b").id
    raw = RawRequest(session_id=b, received_at=1.0, method="POST", path="/v1/track")
    evs = build_events(parse_body("track", orjson.dumps(ms[0])), session_id=b,
                       received_at=1.0, headers={}, query={})  # fmt: skip
    store.allocate(raw, evs)
    store.write([raw], evs)
    store.close()
    r = cli("import", str(out), "--data-dir", str(tmp_path), "--session", "b")
    assert r.returncode == 0, r.stderr
    store = Store(tmp_path)
    got = store.events(b, limit=None)
    assert [e.message_id for e in got] == ["m0", "m1", "m2"]
    imported = store.get_request(got[-1].request_id)
    assert imported is not None and imported.body == body
    (kept,) = store.select("SELECT body FROM requests WHERE id=?", (imported.id,))[0]
    assert not kept.startswith(RECIPE)  # (as it came, or compressed)
    store.close()


def test_a_capture_of_batches_kept_as_recipes_round_trips_byte_for_byte(tmp_path):
    import requests

    from inspector.testing.serve import cli
    from tests.ingest.test_roundtrip import lines_without_ids

    with ThreadedCollector(tmp_path, session="live") as c:
        for k in range(3):
            batch = {
                "batch": [{"type": "track", "event": f"E{i}", "userId": "ü"} for i in range(k + 2)],
                "writeKey": "SECRET_KEY_123",
            }
            post = {"headers": {"Content-Type": "application/json"}, "timeout": 10}
            assert requests.post(c.url + "/v1/batch", data=orjson.dumps(batch), **post).ok
        assert len(requests.get(c.url + "/api/events", timeout=40).json()["events"]) == 9
    first, second = tmp_path / "first.ndjson", tmp_path / "second.ndjson"
    for session, out in (("live", first), ("copy", second)):
        if session == "copy":
            r = cli("import", str(first), "--data-dir", str(tmp_path), "--session", "copy")
            assert r.returncode == 0, r.stderr
        r = cli("export", "--data-dir", str(tmp_path), "--session", session, "--format",
                "capture", "--out", str(out))  # fmt: skip
        assert r.returncode == 0, r.stderr
    assert lines_without_ids(first) == lines_without_ids(second)
    bodies = [
        json.loads(line)["_inspector"]["request"].get("body")
        for line in first.read_text().splitlines()
    ]
    assert sum(1 for b in bodies if b) == 3 and "SECRET_KEY_123" not in first.read_text()
    store = Store(tmp_path, read_only=True)
    kept = [b for (b,) in store.select("SELECT body FROM requests")]
    assert sum(bytes(b).startswith(RECIPE) for b in kept) >= 3  # (the live session's)
    store.close()
