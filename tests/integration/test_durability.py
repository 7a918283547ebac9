"""Anything that got a 200 survives the process being killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import requests

from inspector.domain.store import Store
from inspector.testing.serve import Served


def start_serve(data_dir, session="kill"):
    served = Served(data_dir, session=session)
    return served.proc, served.url


def test_acknowledged_events_survive_sigkill(tmp_path):
    proc, url = start_serve(tmp_path)
    acked: list[str] = []
    stop = threading.Event()

    def sender(worker: int) -> None:
        s = requests.Session()
        i = 0
        while not stop.is_set() and i < 400:
            mids = [f"w{worker}-{i}-{k}" for k in range(10)]
            batch = [
                {"type": "track", "event": "Durable", "userId": "u", "messageId": m} for m in mids
            ]
            try:
                r = s.post(url + "/v1/batch", data=json.dumps({"batch": batch}), timeout=5)
            except requests.RequestException:
                return
            if r.status_code == 200:
                acked.extend(mids)
            i += 1

    threads = [threading.Thread(target=sender, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while len(acked) < 2000 and time.time() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # mid-load, no chance to flush anything
    proc.wait(10)
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acked) >= 500

    # acknowledged means in the inbox at least; the next collector stores what was not yet
    assert list((tmp_path / "inbox").glob("*.sqlite3")), "the killed collector's inbox is kept"
    proc2, url2 = start_serve(tmp_path)
    try:
        store = Store(tmp_path)
        session = store.session("kill")
        stored = store.message_ids(session.id)
        missing = set(acked) - stored
        assert not missing, f"{len(missing)} acknowledged events lost, e.g. {sorted(missing)[:3]}"
        assert len(list((tmp_path / "inbox").glob("*.sqlite3"))) == 1, "recovered, then deleted"
        # and the store is usable: the session resumes and takes more events
        r = requests.post(url2 + "/v1/track", json={"event": "After", "userId": "u"}, timeout=5)
        assert r.status_code == 200
        total = requests.get(url2 + "/api/stats", timeout=5).json()["events"]
        assert total == len(store.message_ids(session.id)) >= len(acked) + 1
    finally:
        proc2.terminate()
        proc2.wait(10)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def test_writer_process_lints_and_exits_when_the_collector_is_killed(tmp_path):
    proc, url = start_serve(tmp_path)
    try:
        r = requests.post(url + "/v1/track", json={"userId": "u", "properties": {}}, timeout=10)
        assert r.status_code == 200
        # findings were computed by the writer process and stored with the event
        ev = requests.get(url + "/api/events", timeout=10).json()["events"][0]
        assert "E005" in {f["rule"] for f in ev["lint"]}
        assert ev["lintLevel"] == "error"
        writers = _children(proc.pid)
        assert writers, "serve runs its store writer in a child process"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    deadline = time.time() + 10
    while any(_alive(w) for w in writers) and time.time() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in writers), "the writer outlived a killed collector"


def test_a_killed_writer_process_is_replaced_and_nothing_acknowledged_is_lost(tmp_path):
    proc, url = start_serve(tmp_path, session="respawn")
    try:
        s = requests.Session()
        assert s.post(
            url + "/v1/track",
            json={"event": "Before", "userId": "u", "messageId": "m-before"},
            timeout=10,
        ).ok
        writers = [w for w in _children(proc.pid) if _alive(w)]
        assert writers
        for w in writers:  # the writer (and the pool's helpers) die under the collector
            os.kill(w, signal.SIGKILL)
        time.sleep(0.3)
        r = s.post(url + "/v1/track", json={"userId": "u", "messageId": "m-after"}, timeout=30)
        assert r.status_code == 200, r.text
        events = s.get(url + "/api/events", timeout=10).json()["events"]
        assert [e["messageId"] for e in events] == ["m-before", "m-after"]
        assert "E005" in {f["rule"] for f in events[1]["lint"]}  # linted by the new writer
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_worker_whose_collector_is_gone_before_it_starts_exits():
    # the worker is told its collector's pid; here that is not its parent (as when the
    # collector was killed while the worker process was still starting)
    code = (
        "import time; from inspector.ingest.workers import start_parent_watch; "
        "start_parent_watch(1); time.sleep(30)"
    )
    p = subprocess.Popen([sys.executable, "-c", code])
    assert p.wait(timeout=10) == 0
