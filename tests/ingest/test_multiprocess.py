"""Any number of processes on one data directory: two ``serve`` and an ``import`` into one
session at once, under a bounded load: every event stored exactly once, none falsely flagged
duplicate, every client answered at once (no retry), ids and sequence numbers unique."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from tests.ingest.procs import Serve

SENDERS = 2  # per collector
BATCHES = 40  # per sender
PER_BATCH = 10
REPEATS = 30  # messageIds sent to both collectors: one of each pair is a true duplicate


def track(mid: str) -> dict[str, object]:
    return {"type": "track", "event": "Shared Dir", "userId": "u", "messageId": mid}


@pytest.mark.timeout(240)
def test_two_collectors_and_an_import_on_one_directory_store_each_event_once(tmp_path):
    data = tmp_path / "data"
    lines = [json.dumps(track(f"imp-{i}")) for i in range(3000)]
    (tmp_path / "in.ndjson").write_text("\n".join(lines) + "\n")
    slowest: list[float] = []
    failures: list[str] = []

    def send(s: Serve, tag: str, k: int) -> None:
        for b in range(BATCHES):
            mids = [f"{tag}-{k}-{b}-{j}" for j in range(PER_BATCH)]
            t0 = time.monotonic()
            r = s.post("/v1/batch", {"batch": [track(m) for m in mids]}, timeout=15)
            slowest.append(time.monotonic() - t0)
            if r.status_code != 200:
                failures.append(f"{tag}: {r.status_code} {r.text[:200]}")

    with Serve(data, "shared") as a, Serve(data, "shared") as b:
        imp = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "inspector",
                "import",
                str(tmp_path / "in.ndjson"),
                "--data-dir",
                str(data),
                "--session",
                "shared",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        threads = [
            threading.Thread(target=send, args=(s, tag, k))
            for s, tag in ((a, "a"), (b, "b"))
            for k in range(SENDERS)
        ]
        for t in threads:
            t.start()
        for i in range(REPEATS):  # the same call reaching both collectors
            assert a.post("/v1/track", track(f"twice-{i}")).ok
            assert b.post("/v1/track", track(f"twice-{i}")).ok
        for t in threads:
            t.join(120)
        _, err = imp.communicate(timeout=120)
        assert imp.returncode == 0, err
        assert "imported 3000 events" in err, err
        b.get("/api/stats")  # a read waits for its own collector's backlog: B's first, then
        total_a = a.get("/api/stats").json()["events"]  # A sees all of B's and its own
        total_b = b.get("/api/stats").json()["events"]
        a.stop()
        b.stop()
    assert not failures, failures[:3]
    sent = SENDERS * 2 * BATCHES * PER_BATCH + 2 * REPEATS + 3000
    assert total_a == total_b == sent  # each sees the other's events too

    db = sqlite3.connect(data / "inspector.sqlite3")
    rows = db.execute("SELECT id, seq, message_id, dup FROM events ORDER BY id").fetchall()
    mids = Counter(m for _, _, m, _ in rows)
    assert len(rows) == sent
    assert all(n == 1 for m, n in mids.items() if not m.startswith("twice-")), "stored twice"
    assert all(mids[f"twice-{i}"] == 2 for i in range(REPEATS))
    flagged = [m for _, _, m, dup in rows if dup]
    assert sorted(flagged) == sorted(f"twice-{i}" for i in range(REPEATS)), "false duplicates"
    assert [r[1] for r in rows] == list(range(1, sent + 1)), "sequence numbers"
    print(
        f"\n[multi-process] {sent} events from 2 serve + 1 import: each once, "
        f"{len(flagged)} true duplicates flagged, slowest answer {max(slowest) * 1000:.0f} ms"
    )
