"""The inbox: durable before acknowledged, processed exactly once, recovered after a crash."""

from __future__ import annotations

import json
import os
import stat
import time

from inspector.domain.store import Store
from inspector.ingest import default_linter, recover
from inspector.ingest.inbox import Inbox, Segments, orphans, progress_key
from inspector.ingest.records import record
from inspector.ingest.stages import Stages


def batch_record(session_id: int, mids: list[str], **kw: object) -> tuple[object, ...]:
    body = json.dumps(
        {
            "batch": [
                {
                    "type": "track",
                    "event": "Order Completed",
                    "userId": "u1",
                    "messageId": m,
                    "properties": {"revenue": 1},
                }
                for m in mids
            ]
        }
    ).encode()
    return record(
        session_id=session_id,
        received_at=time.time(),
        route="batch",
        method="POST",
        path="/v1/batch",
        query="",
        headers={
            "Authorization": "Basic V0s6",
            "Cookie": "session=secret-cookie-value",
            "User-Agent": "analytics-python/2.4.0",
        },
        content_type="application/json",
        content_encoding="",
        size=len(body),
        body=body,
        **kw,
    )  # type: ignore[arg-type]


def stored_mids(store: Store, session_id: int) -> list[str]:
    return [ev.message_id for ev in store.iter_events(session_id)]


def test_rows_are_processed_in_order_once_and_progress_is_kept_in_the_store(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    inbox = Inbox.create(tmp_path)
    for i in range(5):
        inbox.append(batch_record(sid, [f"m{i}a", f"m{i}b"]))
    stages = Stages(store, default_linter)
    res = stages.process_inbox(str(inbox.path), 3, 100, True)
    assert res.done == 3 and [n for _, n in res.requests] == [2, 2, 2] and len(res.events) == 6
    assert store.meta_value(progress_key(inbox.path)) == "3"
    # new stages (the writer process was replaced) start where the store says
    again = Stages(store, default_linter)
    res = again.process_inbox(str(inbox.path), 5, 100, False)
    assert res.done == 5 and len(res.requests) == 2 and res.events == []
    assert again.process_inbox(str(inbox.path), 5, 100, True).requests == []
    assert stored_mids(store, sid) == [f"m{i}{k}" for i in range(5) for k in "ab"]
    # the events carry their findings and the request its body
    ev = next(iter(store.iter_events(sid)))
    assert ev.source.write_key == "WK" and ev.source.auth == "basic"
    assert store.get_request(ev.request_id).body.startswith(b'{"batch"')


def test_a_step_the_store_has_already_is_not_stored_twice(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    inbox = Inbox.create(tmp_path)
    inbox.append(batch_record(sid, ["a"]))
    stages = Stages(store, None)
    step = stages.prepare_inbox(str(inbox.path), 0, 1, False)
    assert stages.store_step(step, False).done == 1
    again = stages.store_step(step, False)  # a retried step, after it was stored
    assert again.done == 1 and again.requests == []
    assert stored_mids(store, sid) == ["a"]


def test_the_inbox_keeps_no_credentials_and_its_files_are_private(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    inbox = Inbox.create(tmp_path)
    inbox.append(batch_record(sid, ["a"]))
    raw = b"".join(
        (tmp_path / "inbox" / f).read_bytes()
        for f in os.listdir(tmp_path / "inbox")
        if f.endswith(("sqlite3", "-wal"))
    )
    assert b"secret-cookie-value" not in raw and b"V0s6" not in raw
    for f in os.listdir(tmp_path / "inbox"):
        if ".sqlite3" in f:
            assert stat.S_IMODE(os.stat(tmp_path / "inbox" / f).st_mode) == 0o600, f
    for f in os.listdir(tmp_path):
        if f.startswith("inspector.sqlite3"):
            assert stat.S_IMODE(os.stat(tmp_path / f).st_mode) == 0o600, f
    # what processing needs of them is kept on the side: the write key still resolves
    Stages(store, None).process_inbox(str(inbox.path), 1, 10, False)
    (ev,) = store.iter_events(sid)
    assert ev.source.write_key == "WK" and ev.source.auth == "basic"
    assert store.get_request(ev.request_id).headers["Cookie"].startswith("••••")


def test_repeated_message_ids_are_flagged_across_steps_and_restarts(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    inbox = Inbox.create(tmp_path)
    inbox.append(batch_record(sid, ["a", "b"]))
    inbox.append(batch_record(sid, ["b"]))
    Stages(store, None).process_inbox(str(inbox.path), 1, 10, False)
    Stages(store, None).process_inbox(str(inbox.path), 2, 10, False)  # state from the store
    assert [ev.dup for ev in store.iter_events(sid)] == [False, False, True]


def test_rejected_and_fault_rows_keep_the_request_and_store_no_events(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    inbox = Inbox.create(tmp_path)
    inbox.append(
        batch_record(
            sid, ["x"], status=400, error_code="invalid_json", error="broken", rejected=True
        )
    )
    inbox.append(batch_record(sid, ["y"], status=503, fault="503 x1", event_count=1))
    res = Stages(store, None).process_inbox(str(inbox.path), 2, 10, True)
    assert [n for _, n in res.requests] == [0, 0] and res.events == []
    total, rejected = store.rejected(sid)
    assert total == 1 and rejected[0].error_code == "invalid_json"
    assert rejected[0].headers["Authorization"].startswith("Basic ••••")  # masked when kept
    assert [r.fault for r in store.requests(sid)] == [None, "503 x1"]
    assert store.count_events(sid) == 0


def test_a_live_collectors_inbox_is_not_an_orphan_a_dead_ones_is_recovered(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    live = Inbox.create(tmp_path)
    live.append(batch_record(sid, ["live"]))
    dead = Inbox.create(tmp_path)
    for i in range(3):
        dead.append(batch_record(sid, [f"d{i}"]))
    Stages(store, None).process_inbox(str(dead.path), 1, 10, False)  # it got this far
    dead.close()  # the collector died: its lock is gone, its file stays
    found = orphans(tmp_path)
    assert [o.path for o in found] == [dead.path]
    for o in found:
        o.close()  # (orphans() hands them over locked)
    assert recover(store, default_linter) == 2
    assert stored_mids(store, sid) == ["d0", "d1", "d2"]
    assert not dead.path.exists() and live.path.exists()
    assert store.meta_value(progress_key(dead.path)) is None
    assert recover(store, default_linter) == 0


def test_segments_number_requests_across_files_and_hand_back_finished_ones(tmp_path):
    segs = Segments(tmp_path, rotate_rows=2)
    tickets = [segs.append(batch_record(1, [f"m{i}"])) for i in range(5)]
    assert tickets == [1, 2, 3, 4, 5] and len(segs.segs) == 3
    first, last = segs.work(5)  # type: ignore[misc]
    assert first is segs.segs[0] and last == 2
    assert segs.work(1) == (segs.segs[0], 1)  # only up to a ticket
    segs.advance(segs.segs[0], 2)
    assert segs.processed == 2 and segs.finished() == [first]
    seg, last = segs.work(5)  # type: ignore[misc]
    assert seg.base == 2 and last == 2
    segs.advance(seg, 2)
    cur, last = segs.work(5)  # type: ignore[misc]
    assert cur is segs.current and last == 1
    segs.advance(cur, 1)
    assert segs.processed == 5 and segs.work(5) is None
    assert len(segs.finished()) == 1 and segs.segs == [cur]  # the current file stays


def test_a_prepare_stage_ahead_of_the_store_finds_what_one_worker_finds(tmp_path):
    mids = [["a", "b"], ["b", "c"], ["d"]]  # "b" again on a different event: W008
    results = []
    for mode in ("one", "split"):
        d = tmp_path / mode
        store = Store(d)
        sid = store.open_session("s").id
        inbox = Inbox.create(d)
        for i, group in enumerate(mids):
            rec = list(batch_record(sid, group))
            if i == 1:  # an unplanned shape: a track call without its event name
                rec[10] = rec[10].replace(b'"event": "Order Completed", ', b"")
            inbox.append(tuple(rec))
        path = str(inbox.path)
        if mode == "one":
            Stages(store, default_linter).process_inbox(path, 3, 10, False)
        else:
            prep, storing = Stages(None, default_linter), Stages(store, None)
            storing.store_step(prep.prepare_inbox(path, 0, 2, False), False)
            storing.store_step(prep.prepare_inbox(path, 2, 3, False), False)
        results.append(
            [
                (ev.message_id, ev.dup, [f.to_dict() for f in ev.lint])
                for ev in store.iter_events(sid)
            ]
        )
    assert results[0] == results[1]
    rules = {f["rule"] for _, _, found in results[0] for f in found}
    assert {"E005", "W008"} <= rules


def test_two_writers_on_one_session_flag_each_others_repeats_and_say_what_they_cannot_share(
    tmp_path, caplog
):
    store_a, store_b = Store(tmp_path), Store(tmp_path)  # two processes' connections
    sid = store_a.open_session("s").id
    inbox_a, inbox_b = Inbox.create(tmp_path), Inbox.create(tmp_path)
    a, b = Stages(store_a, None), Stages(store_b, None)
    for k, (mid_a, mid_b) in enumerate([("a0", "b0"), ("a1", "a0"), ("b0", "b1")], 1):
        inbox_a.append(batch_record(sid, [mid_a]))
        inbox_b.append(batch_record(sid, [mid_b]))
        a.process_inbox(str(inbox_a.path), k, 10, False)
        b.process_inbox(str(inbox_b.path), k, 10, False)
    got = [(ev.message_id, ev.dup) for ev in store_a.iter_events(sid)]
    assert got == [
        ("a0", False),
        ("b0", False),
        ("a1", False),
        ("a0", True),  # b stored what a had: a duplicate, across processes
        ("b0", True),
        ("b1", False),
    ]
    said = [r.getMessage() for r in caplog.records if "by another process" in r.getMessage()]
    assert len(said) == 2 and "cross-event lint rules" in said[0]  # once by each
    assert [ev.seq for ev in store_a.iter_events(sid)] == [1, 2, 3, 4, 5, 6]
