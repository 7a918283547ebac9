"""Ingest through the inbox, seen over real HTTP: read-your-writes, segments, backpressure."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from inspector.domain.store import Store
from inspector.ingest.inbox import Inbox, inbox_dir
from inspector.testing.collector import ThreadedCollector
from tests.ingest.inbox_rows import json_post


def track(i: int) -> dict[str, object]:
    return {"type": "track", "event": "Signed Up", "userId": f"u{i}", "messageId": f"m{i}"}


def test_every_api_read_sees_what_was_acknowledged_before_it(api):
    for i in range(30):
        assert api.post("/v1/batch", data=json.dumps({"batch": [track(i)]})).status_code == 200
        # no waiting, no polling: the query waits for the store writer
        assert api.get("/api/stats").json()["events"] == i + 1
    assert [e["message"]["messageId"] for e in api.events()] == [f"m{i}" for i in range(30)]


def test_processed_inbox_files_are_deleted_whole_and_order_holds_across_them(
    tmp_path, api, collector
):
    collector.service.writer.inbox.rotate_rows = 3
    for i in range(10):
        assert api.post("/v1/track", json=track(i)).status_code == 200
    assert [e["message"]["messageId"] for e in api.events()] == [f"m{i}" for i in range(10)]
    files = list(inbox_dir(tmp_path / "data").glob("*.sqlite3"))
    assert len(files) == 1, files  # only the file being appended to is left
    assert api.get("/api/stats").headers.get("X-Inspector-Backlog") is None


def test_in_the_windows_mode_the_answer_waits_for_the_store(tmp_path):
    with ThreadedCollector(tmp_path, session="bp") as c:
        c.service.writer.wait_stored = 5.0
        import requests

        for i in range(5):
            assert requests.post(c.url + "/v1/track", json=track(i), timeout=10).ok
            # read straight from the store, not through /api (which would wait anyway)
            store = Store(tmp_path, read_only=True)
            assert store.count_events(store.session("bp").id) == i + 1
            store.close()


def test_a_session_left_in_an_inbox_is_recovered_by_export(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("crashed").id
    store.close()
    inbox = Inbox.create(tmp_path)  # what a killed collector leaves behind
    for i in range(3):
        body = json.dumps({"batch": [track(i)]}).encode()
        inbox.append(json_post(sid, "batch", body))
    inbox.close()
    out = tmp_path / "out.ndjson"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector",
            "export",
            "--data-dir",
            str(tmp_path),
            "--session",
            "crashed",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert [json.loads(line)["messageId"] for line in out.read_text().splitlines()] == [
        "m0",
        "m1",
        "m2",
    ]
    assert not list(inbox_dir(tmp_path).glob("*.sqlite3"))


def test_when_the_inbox_cannot_be_written_the_client_gets_503_to_retry(api, collector):
    assert api.post("/v1/track", json=track(1)).status_code == 200
    collector.service.writer.inbox.current.inbox._db.close()  # as a full or vanished disk
    r = api.post("/v1/track", json=track(2))
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    assert r.json()["code"] == "store_unavailable" and "send it again" in r.json()["message"]
    # nothing half-stored, and the collector keeps answering queries
    assert [e["message"]["messageId"] for e in api.events()] == ["m1"]


def test_a_full_queue_answers_503_at_once_and_the_retry_is_stored(tmp_path):
    import sqlite3

    import requests

    with ThreadedCollector(tmp_path, session="full") as c:
        c.service.writer.max_backlog_bytes = 1  # one request waiting fills it
        # another process holds the store's write lock: nothing can be stored meanwhile
        other = sqlite3.connect(tmp_path / "inspector.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            assert requests.post(c.url + "/v1/track", json=track(1), timeout=10).ok
            t0 = time.monotonic()
            r = requests.post(c.url + "/v1/track", json=track(2), timeout=10)
            assert r.status_code == 503 and r.headers["Retry-After"] == "2"
            assert time.monotonic() - t0 < 2, "a full queue must answer at once"
            assert r.json()["code"] == "store_unavailable"
        finally:
            other.execute("COMMIT")
            other.close()
        assert requests.get(c.url + "/api/stats", timeout=30).json()["events"] == 1
        assert requests.post(c.url + "/v1/track", json=track(2), timeout=10).ok  # the retry
        events = requests.get(c.url + "/api/events", timeout=30).json()["events"]
        assert [e["message"]["messageId"] for e in events] == ["m1", "m2"]


def test_an_idle_inbox_file_with_a_burst_in_it_is_deleted_whole(tmp_path, api, collector):
    """A few big requests (fewer than IDLE_ROTATE_ROWS, more than IDLE_ROTATE_BYTES): once
    processed, their inbox file goes (bodies and log), not only after 256 requests."""
    from inspector.ingest.schedule import IDLE_ROTATE_BYTES, IDLE_ROTATE_ROWS

    first = collector.service.writer.inbox.current.path
    pad = "x" * 2000
    n = 3  # ~600 KB of bodies in 3 requests: a burst of a few batches leaves no file behind
    assert n < IDLE_ROTATE_ROWS and n * 100 * len(pad) > IDLE_ROTATE_BYTES
    for k in range(n):
        batch = [{**track(k * 100 + i), "properties": {"pad": pad}} for i in range(100)]
        assert api.post("/v1/batch", data=json.dumps({"batch": batch})).status_code == 200
    assert api.get("/api/stats").json()["events"] == n * 100
    deadline = time.monotonic() + 10
    while (tmp_path / "data" / "inbox" / first.split("/")[-1]).exists():
        assert time.monotonic() < deadline, "the processed inbox file is still there"
        time.sleep(0.05)
    files = list(inbox_dir(tmp_path / "data").glob("*.sqlite3"))
    assert len(files) == 1 and str(files[0]) != first
