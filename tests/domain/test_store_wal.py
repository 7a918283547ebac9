"""Once writing has stopped, the write-ahead logs of the store and of the index file are cut to
nothing (their frames copied into the files first); a reader of an older snapshot makes a cut
give up at once, losing nothing; ``serve`` does it by itself a few seconds after a burst."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from inspector.domain.capture import RawRequest
from inspector.domain.intake import build_events, parse_body
from inspector.domain.query import indexer
from inspector.domain.store import DB_NAME, Store
from inspector.domain.store_wal import WAIT_MS
from tests.ingest.procs import Serve, wait_for


def _write(store: Store, sid: int, n: int, at: float) -> None:
    body = b",".join(
        b'{"type":"track","event":"E%d","userId":"u%d","messageId":"m-%d-%d"}' % (i, i, i, at)
        for i in range(n)
    )
    parsed = parse_body("batch", b'{"batch":[' + body + b"]}")
    raw = RawRequest(session_id=sid, received_at=at, method="POST", path="/v1/batch")
    evs = build_events(parsed, session_id=sid, received_at=at, headers={}, query={})
    store.allocate(raw, evs)
    store.write([raw], evs)


def _wal(path: Path) -> int:
    wal = Path(str(path) + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_a_cut_empties_both_logs_and_keeps_every_event(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    for k in range(5):
        _write(store, sid, 200, float(k))
    store.index_all()
    db, ix = tmp_path / DB_NAME, indexer.index_file(tmp_path / DB_NAME)
    assert _wal(db) > 0 and _wal(ix) > 0
    assert store.tidy() is True
    assert _wal(db) == 0 and _wal(ix) == 0
    assert store.count_events(sid) == 1000
    # another process reads all of it from the files alone
    other = Store(tmp_path, read_only=True)
    assert other.count_events(sid) == 1000
    assert other.count_events(sid, "message_id = ?", ("m-7-3",)) == 1
    other.close()
    _write(store, sid, 10, 9.0)  # writing goes on as before
    assert store.count_events(sid) == 1010
    store.close()


def test_a_reader_of_an_older_snapshot_makes_a_cut_give_up_soon_and_lose_nothing(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    _write(store, sid, 50, 1.0)
    reader = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 50
    _write(store, sid, 50, 2.0)  # the reader's snapshot is now older than the log's end
    t0 = time.monotonic()
    assert store.tidy() is False
    assert time.monotonic() - t0 < WAIT_MS / 1000 * 4 + 1
    assert _wal(tmp_path / DB_NAME) > 0
    assert reader.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 50
    reader.execute("COMMIT")
    reader.close()
    _write(store, sid, 1, 3.0)  # the writer was not held up
    assert store.tidy() is True
    assert store.count_events(sid) == 101
    store.close()


def test_serve_cuts_the_logs_once_idle(tmp_path):
    data = tmp_path / "data"
    with Serve(data, "s") as s:
        batch = {
            "batch": [
                {"type": "track", "event": f"E{i}", "userId": f"u{i}", "messageId": f"m{i}"}
                for i in range(300)
            ]
        }
        for k in range(4):
            for m in batch["batch"]:
                m["messageId"] = f"m{k}-{m['event']}-x"
            assert s.post("/v1/batch", batch).ok
        assert len(s.events()) == 1200  # stored (reads wait for the writer)
        db = data / DB_NAME
        ix = indexer.index_file(db)
        wait_for(lambda: _wal(db) == 0 and _wal(ix) == 0, 30, "both logs cut")
        assert len(s.events("m2-E17-x")) == 1  # free text: the index file, after the cut
        assert len(s.events("event:E17")) == 4
