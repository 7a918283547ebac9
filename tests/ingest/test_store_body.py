"""Request bodies are stored compressed when that saves space, and read back as they came."""

from __future__ import annotations

import sqlite3

import orjson

from inspector.domain.store import Store
from inspector.domain.store_body import MAGIC, MIN_SIZE, pack, unpack
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
    ):
        stored = pack(body)
        assert unpack(stored) == body
        if body.startswith(MAGIC):
            assert stored != body and stored.startswith(MAGIC)
    assert len(pack(batch)) < len(batch) / 5
    assert pack(b"x" * (MIN_SIZE - 1)) == b"x" * (MIN_SIZE - 1)
    assert unpack(None) == b""


def test_a_stored_batch_is_kept_compressed_and_read_whole(tmp_path):
    import requests

    batch = {
        "batch": [{"type": "track", "event": "Signed Up", "userId": f"u{i}"} for i in range(40)]
    }
    body = orjson.dumps(batch)
    with ThreadedCollector(tmp_path, session="b") as c:
        r = requests.post(
            c.url + "/v1/batch", data=body, headers={"Content-Type": "application/json"}, timeout=10
        )
        assert r.ok
        assert len(requests.get(c.url + "/api/events", timeout=40).json()["events"]) == 40
        store = c.service.store
        (rid,) = [r[0] for r in store.select("SELECT id FROM requests")]
        assert store.get_request(rid).body == body  # as it came
    raw = sqlite3.connect(tmp_path / "inspector.sqlite3").execute("SELECT body FROM requests")
    (kept,) = raw.fetchone()
    assert kept.startswith(MAGIC) and len(kept) < len(body)
    assert Store(tmp_path, read_only=True).get_request(rid).body == body
