"""Export and import: a capture file restores a session whole (capture -> import -> capture
gives the same bytes, ids and session name aside); plain NDJSON keeps what each message says
of itself; bad lines are reported by number; an import is all or nothing."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from inspector.domain.secrets import mask_fields
from inspector.domain.store import Store
from inspector.testing.serve import cli
from tests.ingest.procs import Serve, wait_for


def lines_without_ids(path: Path) -> list[str]:
    """The capture lines with what may differ (ids, the session's name) taken out."""
    out = []
    for line in path.read_text().splitlines():
        d = json.loads(line)
        env = d["_inspector"]
        for key in ("session", "id", "seq"):
            env.pop(key, None)
        env["request"].pop("id")
        out.append(json.dumps(d, ensure_ascii=False))
    return out


def live_session(data: Path) -> None:
    """A session with what a capture must keep: duplicates, generated messageIds, dialect
    originals, gzip, lint findings, a rejected request, an injected fault, KISSmetrics, a
    number over 64 bits, non-ASCII, a message with a key of ours."""
    with Serve(data, "live", "--fault", "503:count=1,key=FAULTY") as s:
        batch = {
            "batch": [
                {"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "m1"},
                {"type": "identify", "userId": "u1", "traits": {"name": "Zoë", "n": 2**70}},
                {"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "m1"},
                {"type": "Group", "groupID": "g1", "userID": "u1", "messageId": "m3"},
                {"type": "track", "userId": "u2", "messageId": "m4", "_inspector": {"x": 1}},
            ],
            "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
        }
        body = gzip.compress(json.dumps(batch).encode())
        headers = {"Content-Encoding": "gzip", "Authorization": "Basic V0s6"}
        assert s.post("/v1/batch", body, headers=headers).ok
        assert s.post("/v1/track", b"{not json").status_code == 400
        faulted = s.post("/v1/track", {"event": "F", "userId": "u", "writeKey": "FAULTY"})
        assert faulted.status_code == 503
        assert s.http.get(s.url + "/e?_k=KEY&_p=bob&_n=Viewed+Page&color=red", timeout=10).ok
        assert s.post("/v1/batch", {"batch": []}).ok
        assert s.post("/v1/page", {"name": "Home", "anonymousId": "a1", "messageId": "m5"}).ok
        assert len(s.events()) == 7
        s.stop()


def test_capture_import_capture_gives_the_same_bytes(tmp_path):
    data = tmp_path / "data"
    live_session(data)
    first, second = tmp_path / "first.ndjson", tmp_path / "second.ndjson"
    r = cli("export", "--data-dir", str(data), "--session", "live", "--format", "capture",
            "--out", str(first))  # fmt: skip
    assert r.returncode == 0, r.stderr
    kinds = [json.loads(line)["_inspector"]["kind"] for line in first.read_text().splitlines()]
    assert kinds.count("event") == 7 and kinds.count("request") == 3  # rejected, fault, empty
    r = cli("import", str(first), "--data-dir", str(data), "--session", "copy")
    assert r.returncode == 0, r.stderr
    assert "imported 7 events, 3 requests without events" in r.stderr
    r = cli("export", "--data-dir", str(data), "--session", "copy", "--format", "capture",
            "--out", str(second))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert lines_without_ids(first) == lines_without_ids(second)
    # and what the capture says is what the live session held (times to the microsecond),
    # but for credentials: a capture file masks them (KISSmetrics' _k in its original params)
    text = first.read_text()
    assert '"_k":"KEY"' not in text and '"_k":"K••••••Y"' in text and "_k=K••••••Y" in text
    store = Store(data)
    live, copy = (list(store.iter_events(store.session(n).id)) for n in ("live", "copy"))
    fields = lambda ev: (  # noqa: E731
        ev.message, round(ev.received_at, 6), round(ev.timestamp, 6), ev.message_id, ev.dup,
        mask_fields(ev.original) if ev.original else None,
        [f.to_dict() for f in ev.lint], ev.batch_index, ev.batch_size, ev.source.client,
    )  # fmt: skip
    assert [fields(e) for e in live] == [fields(e) for e in copy]
    assert [e.message_id for e in copy if e.dup] == ["m1"]
    assert copy[4].message["_inspector"] == {"x": 1}  # a key of ours in a message survives
    assert store.rejected(store.session("copy").id)[0] == 1


def test_a_plain_import_keeps_what_each_message_says_and_skips_what_is_there(tmp_path):
    data = tmp_path / "data"
    msgs = [
        {
            "type": "track",
            "event": "Order Completed",
            "userId": "u1",
            "messageId": f"p{i}",
            "receivedAt": f"2024-05-01T10:{i // 60:02d}:{i % 60:02d}.000Z",
            "context": {"library": {"name": "@customerio/cdp-analytics-node", "version": "0.5"}},
            "properties": {"pad": "x" * 6000},  # over 500 KB in all: no E011 (no request)
        }
        for i in range(100)
    ]
    f = tmp_path / "plain.ndjson"
    f.write_text("".join(json.dumps(m) + "\n" for m in msgs))
    r = cli("import", str(f), "--data-dir", str(data), "--session", "s")
    assert r.returncode == 0 and "imported 100 events" in r.stderr, r.stderr
    store = Store(data)
    evs = list(store.iter_events(store.session("s").id))
    assert not any(fd.rule == "E011" for ev in evs for fd in ev.lint)
    assert evs[3].received_at == 1714557603.0  # its own receivedAt
    assert {ev.source.client for ev in evs} == {"@customerio/cdp-analytics-node"}
    store.close()
    # again into the same session: everything is there already
    r = cli("import", str(f), "--data-dir", str(data), "--session", "s")
    assert "imported 0 events" in r.stderr and "skipped 100 already in the session" in r.stderr
    r = cli("import", str(f), "--data-dir", str(data), "--session", "s", "--allow-duplicates")
    assert "imported 100 events" in r.stderr
    store = Store(data)
    sid = store.session("s").id
    assert store.count_events(sid) == 200 and store.count_events(sid, "dup=1") == 100


def test_bad_lines_are_reported_by_number_and_stop_imports_nothing(tmp_path):
    data = tmp_path / "data"
    good = json.dumps({"type": "track", "event": "E", "userId": "u"})
    bad = {
        3: "{broken",
        5: "[1, 2]",
        7: '{"type": "track", "properties": ' + '{"a": ' * 1100 + "1" + "}" * 1100 + "}",
        9: '{"type": "track", "n": ' + "9" * 5000 + "}",
    }
    f = tmp_path / "mixed.ndjson"
    f.write_text("\n".join(bad.get(n, good) for n in range(1, 12)) + "\n")
    r = cli("import", str(f), "--data-dir", str(data), "--session", "s")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{f}:3: not JSON" in r.stderr and "nothing was imported" in r.stderr
    store = Store(data)
    assert store.count_events(store.session("s").id) == 0  # all or nothing
    store.close()
    r = cli("import", str(f), "--data-dir", str(data), "--session", "s", "--on-error", "skip")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    for n in (3, 5, 7, 9):
        assert f"{f}:{n}: skipped:" in r.stderr
    assert "not a JSON object" in r.stderr and "5000 digits" in r.stderr
    assert "imported 7 events" in r.stderr and "4 bad lines" in r.stderr
    assert "stored twice" not in r.stderr


def test_an_import_killed_mid_file_is_undone_by_the_next_command(tmp_path):
    data = tmp_path / "data"
    f = tmp_path / "big.ndjson"
    line = {"type": "track", "event": "E", "userId": "u", "properties": {"pad": "y" * 300}}
    with f.open("w") as fh:
        for i in range(60000):
            fh.write(json.dumps({**line, "messageId": f"k{i}"}) + "\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "inspector", "import", str(f), "--data-dir", str(data),
         "--session", "s", "--no-lint"],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    store_file = data / "inspector.sqlite3"

    def some_stored() -> bool:
        if not store_file.exists():
            return False
        try:
            s = Store(data)
            found = s.session("s") if s.find_session("s") else None
            n = s.count_events(found.id) if found else 0
            s.close()
            return n > 0
        except Exception:
            return False

    wait_for(some_stored, 60, "the import storing its first steps")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    r = cli("sessions", "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    assert "undid 1 import" in r.stderr
    store = Store(data)
    assert store.count_events(store.session("s").id) == 0
    # and the same file imported again goes in once
    store.close()
    t0 = time.monotonic()
    r = cli("import", str(f), "--data-dir", str(data), "--session", "s", "--no-lint")
    assert "imported 60000 events" in r.stderr, r.stderr
    print(f"\n[import] 60k events streamed in {time.monotonic() - t0:.1f} s")
