"""The request reads (``/api/requests``, a request's detail, the HAR export) run in query
threads within the query budget, never on the event loop, and big answers stream."""

from __future__ import annotations

import concurrent.futures
import json
import threading

import pytest
import requests

from inspector.domain.capture import RawRequest
from inspector.domain.store_read import Reader


def _store_requests(svc, n: int, *, rejected: bool = False) -> None:
    """Many requests straight into the store (the read side is under test, not ingest)."""
    reqs = [
        RawRequest(
            session_id=svc.session.id,
            received_at=1.0 + i,
            method="POST",
            path="/v1/track" if i % 5 else "/v1/identify",
            query=f"writeKey=WK_FULL_{i}",
            headers={"Content-Type": "application/json"},
            content_type="application/json",
            body=json.dumps({"event": f"E{i}", "userId": "u", "writeKey": "WK_FULL_KEY"}).encode(),
            status=400 if rejected else 200,
            rejected=rejected,
            error_code="invalid_json" if rejected else None,
            error=f"broken {i}" if rejected else None,
        )
        for i in range(n)
    ]
    svc.store.write(reqs, [])


READS = {
    "list": ("/api/requests", {"q": "path:/v1/track"}),
    "detail": ("/api/requests/1", {}),
    "har": ("/api/export", {"format": "har"}),
    "rejected": ("/api/rejected", {}),
}


@pytest.mark.parametrize(("path", "params"), list(READS.values()), ids=list(READS))
def test_ingest_is_answered_while_a_request_read_runs(api, collector, monkeypatch, path, params):
    """A request read held inside its query thread: a track request is still answered (the
    loop is free), and the read completes once let go."""
    _store_requests(collector.service, 20, rejected=path == "/api/rejected")
    inside, release = threading.Event(), threading.Event()
    rows = Reader.rows

    def held(self, sql, *a, **kw):
        if threading.current_thread().name.startswith("query") and "requests" in sql:
            inside.set()
            assert release.wait(120)
        return rows(self, sql, *a, **kw)

    monkeypatch.setattr(Reader, "rows", held)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        slow = pool.submit(api.get, path, params=params)
        assert inside.wait(30), "the read never reached a query thread"
        r = requests.post(
            api.url + "/v1/track",
            json={"type": "track", "event": "During", "userId": "x"},
            timeout=60,
        )
        assert r.status_code == 200  # answered while the read is held in its thread
        assert not slow.done()
        release.set()
        got = slow.result(120)
    assert got.status_code == 200, got.text
    assert "WK_FULL" not in got.text  # masked as ever


LONG_READS = {k: v for k, v in READS.items() if k != "detail"}


@pytest.mark.parametrize(("path", "params"), list(LONG_READS.values()), ids=list(LONG_READS))
def test_a_request_read_past_its_budget_is_400_query_too_slow(api, collector, path, params):
    svc = collector.service
    _store_requests(svc, 3000, rejected=path == "/api/rejected")
    svc.queries.budget = 0.0001  # any scan of 3,000 requests takes longer
    try:
        r = api.get(path, params={**params, "q": "/track$/"})
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "query_too_slow" and "narrow it" in r.json()["message"]
    finally:
        svc.queries.budget = 30.0
    assert api.get("/api/requests", params={"limit": 0}).json()["total"] == 3000


def test_a_request_detail_is_read_within_the_budget(api, collector, monkeypatch):
    """One request's detail is a few indexed reads (too quick to run past any budget), but
    it runs in a query thread under the runner's budget like every other read."""
    _store_requests(collector.service, 5)
    collector.service.queries.budget = 7.5
    seen: list[tuple[str, float | None]] = []
    budget = Reader.budget

    def recorded(self, seconds):
        seen.append((threading.current_thread().name, seconds))
        return budget(self, seconds)

    monkeypatch.setattr(Reader, "budget", recorded)
    r = api.get("/api/requests/3")
    assert r.status_code == 200 and r.json()["id"] == 3
    assert seen and all(n.startswith("query") and s == 7.5 for n, s in seen), seen


@pytest.mark.parametrize(("limit", "offset"), [(100_000, 0), (2500, 7), (1001, 1000)])
def test_a_large_request_list_is_streamed_whole_and_in_order(api, collector, limit, offset):
    _store_requests(collector.service, 2600)
    r = api.get("/api/requests", params={"limit": limit, "offset": offset}, stream=True)
    assert r.status_code == 200
    assert r.headers.get("Transfer-Encoding") == "chunked"  # streamed, not built whole
    body = json.loads(r.content)  # one JSON document, whatever the transfer
    assert body["total"] == 2600 and body["session"]["name"] == "test"
    want = list(range(offset + 1, min(2600, offset + limit) + 1))
    assert [x["id"] for x in body["requests"]] == want
    assert all("WK_FULL" not in x["query"] for x in body["requests"])
    # a filtered list pages through the filter, not the session
    r = api.get("/api/requests", params={"q": "path:/v1/identify", "limit": 100_000})
    got = r.json()
    assert got["total"] == 520 and [x["id"] for x in got["requests"]] == list(range(1, 2601, 5))
    # a small page is one plain answer
    r = api.get("/api/requests", params={"limit": 10})
    assert "Transfer-Encoding" not in r.headers and len(r.json()["requests"]) == 10


def test_a_har_export_of_many_requests_streams_every_entry_in_order(api, collector):
    _store_requests(collector.service, 250)  # over two HAR chunks
    r = api.get("/api/export", params={"format": "har"})
    assert r.status_code == 200 and r.headers.get("Transfer-Encoding") == "chunked"
    doc = r.json()
    entries = doc["log"]["entries"]
    assert len(entries) == 250
    assert [json.loads(e["request"]["postData"]["text"])["event"] for e in entries] == [
        f"E{i}" for i in range(250)
    ]
    assert "WK_FULL" not in r.text
    r = api.get("/api/export", params={"format": "har", "q": "path:/v1/identify"})
    assert len(r.json()["log"]["entries"]) == 50


def test_rejected_requests_are_streamed_whole_with_their_reasons(api, collector):
    _store_requests(collector.service, 250, rejected=True)
    _store_requests(collector.service, 10)  # accepted ones are not listed
    r = api.get("/api/rejected", params={"limit": 1000, "offset": 5})
    assert r.status_code == 200 and r.headers.get("Transfer-Encoding") == "chunked"
    got = r.json()
    assert got["total"] == 250
    assert [x["error"] for x in got["requests"]] == [
        {"code": "invalid_json", "message": f"broken {i}"} for i in range(5, 250)
    ]
    assert all("WK_FULL" not in x["body"] + x["query"] for x in got["requests"])
    small = api.get("/api/rejected", params={"limit": 3}).json()
    assert [x["id"] for x in small["requests"]] == [1, 2, 3] and small["total"] == 250


@pytest.mark.parametrize(
    ("path", "params", "reader"),
    [
        ("/api/requests", {"limit": 100_000}, "next_page"),
        ("/api/export", {"format": "har"}, "har_chunk"),
        ("/api/rejected", {"limit": 100_000}, "rejected_next"),
    ],
)
def test_a_streamed_answer_past_its_budget_is_cut_off_never_short(
    api, collector, monkeypatch, path, params, reader
):
    """The answer has begun (200, chunked) when a later chunk runs past the budget: the
    connection is cut, so the client sees a broken answer rather than a short list."""
    from inspector.collector import request_reads
    from inspector.domain.store_read import QueryTooSlow

    _store_requests(collector.service, 2500, rejected=path == "/api/rejected")
    real = getattr(request_reads, reader)
    first = [reader == "har_chunk"]  # har_chunk reads the first chunk too: let that one be

    def slow_later(*a, **kw):
        if first.pop() if first else False:
            return real(*a, **kw)
        raise QueryTooSlow(10.0)

    monkeypatch.setattr(request_reads, reader, slow_later)
    r = api.get(path, params=params, stream=True)
    assert r.status_code == 200 and r.headers.get("Transfer-Encoding") == "chunked"
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        r.content  # noqa: B018 - the connection is cut before the answer's end
    assert api.get("/api/health").status_code == 200  # and it goes on serving
