"""Nothing blocks what comes behind it: odd events are stored (or kept as rejected requests,
with the reason) and the events after them are stored within seconds, in ``serve`` as users
run it (two worker processes)."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from inspector.ingest.stages import Stages
from inspector.testing.collector import ThreadedCollector
from tests.ingest.procs import Serve, wait_for

BEHIND = 20  # seconds within which the events behind an odd one must be stored


def track(mid: str, **kw: object) -> dict[str, object]:
    return {"type": "track", "event": "Behind", "userId": "u", "messageId": mid, **kw}


def deep(levels: int) -> str:
    """A track call whose properties nest ``levels`` deep (as text: no encoder goes there)."""
    head = json.dumps(track("deep"))[:-1]
    return head + ', "properties": ' + '{"a": ' * (levels - 1) + "1" + "}" * (levels - 1) + "}"


def stored(s: Serve, mid: str) -> bool:
    return any(e["messageId"] == mid for e in s.events(f"messageId:{mid}"))


def test_a_deeply_nested_event_is_stored_cut_and_nothing_behind_it_waits(tmp_path):
    with Serve(tmp_path) as s:
        batch = '{"batch": [' + deep(985) + ", " + json.dumps(track("next-in-batch")) + "]}"
        assert s.post("/v1/batch", batch).ok
        assert s.post("/v1/track", track("after")).ok
        took = wait_for(lambda: stored(s, "after"), BEHIND, "the event after")
        events = {e["messageId"]: e for e in s.events()}  # the API answers (no 500)
        assert set(events) == {"deep", "next-in-batch", "after"}
        cut = events["deep"]
        assert "I016" in {f["rule"] for f in cut["lint"]}
        assert "nested deeper than 100 levels" in json.dumps(cut["message"])
        # deeper than the parser goes: kept as a rejected request that says so
        too_deep = s.post("/v1/track", deep(1100))
        assert too_deep.status_code == 400 and "depth" in too_deep.json()["message"]
        assert s.get("/api/rejected").json()["requests"][0]["code"] == "invalid_json"
        code, err = s.stop()  # SIGTERM is heeded
        assert code == 0 and "Traceback" not in err, err
    print(f"\n[poison] 985 levels: the event behind stored after {took:.2f} s")
    with Serve(tmp_path) as again:  # and the next start is fine (no RecursionError)
        assert len(again.events()) == 3
        again.stop()


def test_a_15_mib_event_name_is_linted_cut_and_the_events_behind_are_stored(tmp_path):
    name = "N" * (15 * 1024 * 1024)
    with Serve(tmp_path) as s:
        t0 = time.monotonic()
        assert s.post("/v1/track", {**track("huge"), "event": name}, timeout=60).ok
        assert s.post("/v1/track", track("after")).ok
        wait_for(lambda: stored(s, "after"), BEHIND, "the event after a 15 MiB name")
        took = time.monotonic() - t0
        (huge,) = [e for e in s.events("type:track") if e["messageId"] == "huge"]
        assert len(huge["message"]["event"]) == len(name)  # stored whole
        i016 = [f for f in huge["lint"] if f["rule"] == "I016"]
        assert i016 and "linted as their first 1,024" in i016[0]["message"]
        assert "E010" in {f["rule"] for f in huge["lint"]}  # its real size still counts
        s.stop()
    print(f"\n[poison] 15 MiB name: stored with the event behind after {took:.2f} s")


def test_ten_thousand_new_event_names_in_one_batch_do_not_hold_up_the_next_event(tmp_path):
    batch = [track(f"n{i}", event=f"Dynamic Event {i} {i * 7919 % 10007:x}") for i in range(10000)]
    with Serve(tmp_path) as s:
        t0 = time.monotonic()
        assert s.post("/v1/batch", {"batch": batch}, timeout=60).ok
        assert s.post("/v1/track", track("after")).ok
        wait_for(lambda: stored(s, "after"), BEHIND * 3, "the event after 10k names")
        took = time.monotonic() - t0
        assert s.get("/api/stats").json()["events"] == 10001
        s.stop()
    print(f"\n[poison] 10k new names: all stored, and the event behind, after {took:.2f} s")


def test_a_request_a_stage_fails_on_twice_is_quarantined_and_the_rest_stored(tmp_path, monkeypatch):
    real = Stages.prepare_request

    def flaky(self, raw, events, rows, **kw):  # a bug of ours on one particular request
        if any(ev.message_id == "poison" for ev in events):
            raise RuntimeError("a bug on this input")
        return real(self, raw, events, rows, **kw)

    monkeypatch.setattr(Stages, "prepare_request", flaky)
    import requests

    with ThreadedCollector(tmp_path, session="q") as c:
        for mid in ("before", "poison", "after"):
            assert requests.post(c.url + "/v1/track", json=track(mid), timeout=10).ok
        events = requests.get(c.url + "/api/events", timeout=40).json()["events"]
        assert [e["messageId"] for e in events] == ["before", "after"]
        (kept,) = requests.get(c.url + "/api/rejected", timeout=10).json()["requests"]
        assert kept["code"] == "quarantined" and "a bug on this input" in json.dumps(kept)
        store = c.service.store
        (req,) = store.rejected(store.session("q").id)[1]
        assert b'"poison"' in req.body  # kept as it came
        assert c.service.writer.quarantined == 1


def test_a_write_that_failed_is_retried_without_false_duplicates(tmp_path, monkeypatch):
    from inspector.domain.store_write import Txn

    real, failures = Txn.insert, []

    def full_once(self, reqs, evs):
        reqs, evs = list(reqs), list(evs)
        if evs and not failures:
            failures.append(1)
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, reqs, evs)

    monkeypatch.setattr(Txn, "insert", full_once)
    import requests

    with ThreadedCollector(tmp_path, session="full") as c:
        batch = {"batch": [track(f"m{i}") for i in range(50)]}
        assert requests.post(c.url + "/v1/batch", json=batch, timeout=10).ok
        events = requests.get(c.url + "/api/events", timeout=40).json()["events"]
        assert failures == [1] and len(events) == 50
        assert not any(e["duplicate"] for e in events)


@pytest.mark.timeout(90)
def test_sigterm_stops_serve_even_when_the_store_cannot_take_anything(tmp_path):
    with Serve(tmp_path) as s:
        assert s.post("/v1/track", track("first")).ok
        assert len(s.events()) == 1
        lock = sqlite3.connect(tmp_path / "inspector.sqlite3", isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # another process holds the store
        try:
            assert s.post("/v1/track", track("queued")).ok  # durable in the inbox
            t0 = time.monotonic()
            code, err = s.stop(timeout=40)
            assert code == 0 and time.monotonic() - t0 < 30
            assert "stay in the inbox" in err
        finally:
            lock.execute("ROLLBACK")
            lock.close()
    with Serve(tmp_path) as again:  # the next start stores what was acknowledged
        assert [e["messageId"] for e in again.events()] == ["first", "queued"]
        again.stop()
