"""No request can stall another: /api reads run in query threads, in a time budget."""

from __future__ import annotations

import concurrent.futures
import json
import threading

import pytest
import requests

from inspector.domain.store_read import Reader
from inspector.testing.events import event


def _store_events(svc, n: int, name: str = "Order Completed") -> None:
    """Many events straight into the store (the query side is under test, not ingest)."""
    evs = [
        event(
            {"type": "track", "event": name, "userId": f"u{i % 7}", "messageId": f"m{i}"},
            session_id=svc.session.id,
            at=1.0 + i,
        )
        for i in range(n)
    ]
    svc.store.allocate(None, evs)
    svc.store.write([], evs)


def test_ingest_is_answered_while_a_query_runs(api, collector, monkeypatch):
    """A query held inside its read: a track request is still answered (the loop is free)."""
    svc = collector.service
    _store_events(svc, 10)
    inside, release = threading.Event(), threading.Event()
    count = Reader.count

    def held(self, *a, **kw):
        if threading.current_thread().name.startswith("query"):
            inside.set()
            assert release.wait(120)
        return count(self, *a, **kw)

    monkeypatch.setattr(Reader, "count", held)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        # the query does not match the event sent meanwhile, so its count is 10 whether that
        # event is stored before the held read resumes or after
        slow = pool.submit(api.get, "/api/events", params={"q": 'event:"Order Completed"'})
        assert inside.wait(30), "the query never reached its read"
        r = requests.post(
            api.url + "/v1/track",
            json={"type": "track", "event": "During", "userId": "x"},
            timeout=60,
        )
        assert r.status_code == 200  # answered while the query is held in its thread
        assert not slow.done()
        release.set()
        assert slow.result(120).json()["total"] == 10
    during = api.get("/api/events", params={"q": "event:During"}).json()
    assert during["total"] == 1  # and the event sent meanwhile was stored


def test_a_query_past_its_budget_is_400_query_too_slow(api, collector):
    svc = collector.service
    _store_events(svc, 3000)
    svc.queries.budget = 0.0001  # any scan of 3,000 messages takes longer
    for path in ("/api/events", "/api/export", "/api/wait"):
        r = api.get(path, params={"q": "/Completed$/", "count": 0, "timeout": 0})
        assert r.status_code == 400, (path, r.text)
        body = r.json()
        assert body["code"] == "query_too_slow" and "narrow it" in body["message"], body
    # a regex reads every message (a rare word may be answered from the free-text index at
    # once, when the writer has indexed the events by then)
    r = api.post("/api/assert", json.dumps({"expectations": [{"q": "/zzz-nowhere/"}]}))
    assert r.status_code == 400 and r.json()["code"] == "query_too_slow"
    svc.queries.budget = 30.0
    assert api.get("/api/events", params={"q": "type:track", "limit": 0}).json()["total"] == 3000


def test_a_catastrophic_regex_is_answered_at_once(api):
    """``/^(a+)+$/`` backtracks for hours on 40 a's and a "!" in a backtracking engine."""
    batch = [
        {"type": "track", "event": "a" * 40 + "!", "userId": "u", "messageId": "bad"},
        {"type": "track", "event": "a" * 40, "userId": "u", "messageId": "good"},
    ]
    assert api.post("/v1/batch", json.dumps({"batch": batch})).status_code == 200
    for q in ("event:/^(a+)+$/", "/^(a|aa)+$/", "properties.x:/(x+x+)+y/"):
        r = api.get("/api/events", params={"q": q})
        assert r.status_code == 200, r.text
    got = api.get("/api/events", params={"q": "event:/^(a+)+$/"}).json()
    assert [e["messageId"] for e in got["events"]] == ["good"]
    r = api.get("/api/wait", params={"q": "event:/^(a+)+$/", "count": 1, "timeout": 5})
    assert r.status_code == 200 and r.json()["events"][0]["messageId"] == "good"


@pytest.mark.parametrize(("limit", "offset"), [(100_000, 0), (2500, 7), (1001, 1000)])
def test_a_large_page_is_streamed_whole_and_in_order(api, collector, limit, offset):
    svc = collector.service
    _store_events(svc, 2600)
    r = api.get("/api/events", params={"q": "type:track", "limit": limit, "offset": offset})
    assert r.status_code == 200
    body = r.json()  # one JSON document, whatever the transfer
    assert body["total"] == 2600
    want = [f"m{i}" for i in range(offset, min(2600, offset + limit))]
    assert [e["messageId"] for e in body["events"]] == want
    export = api.get("/api/export", params={"q": "-userId:u3"})
    lines = [json.loads(x)["messageId"] for x in export.text.splitlines()]
    assert lines == [f"m{i}" for i in range(2600) if i % 7 != 3]


def test_a_user_query_after_a_load_has_the_graph_catch_up_off_the_loop(api, collector, monkeypatch):
    """The identity catch-up of a large session runs in a query thread, not on the loop."""
    svc = collector.service
    _store_events(svc, 50)
    live = svc.live_identity
    inside, release = threading.Event(), threading.Event()
    catch_up = type(live).catch_up

    def held(self, rows, *a, **kw):
        if threading.current_thread().name.startswith("query"):
            inside.set()
            assert release.wait(120)
        return catch_up(self, rows, *a, **kw)

    monkeypatch.setattr(type(live), "catch_up", held)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        slow = pool.submit(api.get, "/api/events", params={"q": "user:u3"})
        assert inside.wait(30)
        r = requests.post(api.url + "/v1/track", json={"type": "track", "event": "E"}, timeout=60)
        assert r.status_code == 200
        release.set()
        got = slow.result(120).json()
    assert got["total"] == len([i for i in range(50) if i % 7 == 3])


def test_serve_takes_a_query_budget(tmp_path):
    import argparse

    from inspector.cli import serve

    parser = argparse.ArgumentParser()
    serve.add_parser(parser.add_subparsers())
    args = parser.parse_args(["serve", "--data-dir", str(tmp_path), "--query-budget", "2.5"])
    svc = serve.build_service(args)
    try:
        assert svc.queries.budget == 2.5
    finally:
        svc.store.close()
