"""Forward (tee) against a fake upstream on loopback: what it receives is what the client sent,
it fails for a while (retries, then recovery), it hangs (nothing else slows)."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from aiohttp import web

from inspector.collector.forward import ForwardUrlError, check_url
from inspector.testing.collector import ThreadedCollector
from tests.collector.conftest import Api

KEY = "WK_FORWARD_1234"
BASIC = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()


class Upstream:
    """An aiohttp server on 127.0.0.1 (its own thread) that records every request; it can
    answer a status for the next N requests, or hang."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_next = 0
        self.fail_status = 503
        self.hang = False
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self._ready = threading.Event()
        self._release: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append(
            {
                "method": request.method,
                "path": request.path_qs,
                "headers": dict(request.headers),
                "body": body,
                "at": time.monotonic(),
            }
        )
        if self.hang:
            assert self._release is not None
            await self._release.wait()
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.json_response({"error": "down"}, status=self.fail_status)
        return web.json_response({"success": True})

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # the bytes as they arrive: no gzip decoding on the way in
        runner = web.AppRunner(app, access_log=None, auto_decompress=False)
        self.loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/upstream"
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())

    def release(self) -> None:
        self.hang = False
        assert self._release is not None
        self.loop.call_soon_threadsafe(self._release.set)

    def __enter__(self) -> Upstream:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream() as u:
        yield u


def collector_with(tmp_path, upstream: Upstream, **fw: Any) -> ThreadedCollector:
    options = {"attempts": 4, "backoff": (0.05, 0.1, 0.2), "timeout": 1.0, **fw}
    return ThreadedCollector(tmp_path / "data", forward=upstream.url, forward_options=options)


def wait_for(cond: Any, timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.02)


def upstream_of(api: Api) -> list[Any]:
    return [r["upstream"] for r in api.get("/api/requests").json()["requests"]]


def test_the_upstream_gets_the_bytes_the_client_sent(tmp_path, upstream):
    body = gzip.compress(
        json.dumps({"batch": [{"type": "track", "event": "E", "userId": "u"}]}).encode()
    )
    with collector_with(tmp_path, upstream) as c:
        api = Api(c)
        r = api.post(
            "/v1/batch?x=1",
            body,
            headers={
                "Authorization": BASIC,
                "Content-Encoding": "gzip",
                "Content-Type": "application/json",
                "X-Retry-Count": "0",
                "User-Agent": "analytics-python/2.4.0",
            },
        )
        assert r.status_code == 200
        api.post("/v1/batch", b"{broken")  # rejected: never forwarded
        api.post("/api/faults", json.dumps({"status": 429, "count": 1}))
        assert api.post("/v1/track", json.dumps({"event": "F"})).status_code == 429
        assert api.get("/e", params={"_k": KEY, "_p": "bob", "_n": "Signed Up"}).ok
        wait_for(lambda: len(upstream.received) == 2, what="two forwarded requests")
        wait_for(lambda: all(u is not None for u in upstream_of(api)[::3]), what="results")
        ups = upstream_of(api)
    first, km = upstream.received
    assert first["method"] == "POST" and first["path"] == "/upstream/v1/batch?x=1"
    assert first["body"] == body  # the bytes as sent, still gzip
    h = first["headers"]
    assert h["Authorization"] == BASIC and h["Content-Encoding"] == "gzip"
    assert h["User-Agent"] == "analytics-python/2.4.0" and h["X-Retry-Count"] == "0"
    assert h["Content-Type"] == "application/json"
    assert km["method"] == "GET" and km["path"].startswith("/upstream/e?_k=" + KEY)
    assert ups[0]["state"] == "sent" and ups[0]["status"] == 200 and ups[0]["attempts"] == 1
    assert ups[1] is None and ups[2] is None  # rejected, faulted
    assert ups[3]["state"] == "sent"


def test_a_failing_upstream_is_retried_then_recovers(tmp_path, upstream):
    upstream.fail_next = 2
    with collector_with(tmp_path, upstream) as c:
        api = Api(c)
        t0 = time.monotonic()
        assert api.post("/v1/track", json.dumps({"event": "A", "userId": "u"})).ok
        assert time.monotonic() - t0 < 1.0  # the answer did not wait for the upstream
        wait_for(lambda: upstream_of(api)[0] is not None, what="the result")
        up = upstream_of(api)[0]
        assert up["state"] == "sent" and up["attempts"] == 3 and up["status"] == 200
        assert len(upstream.received) == 3
        upstream.fail_next = 10  # down for longer than the retries last
        api.post("/v1/track", json.dumps({"event": "B", "userId": "u"}))
        wait_for(lambda: upstream_of(api)[1] is not None, what="the failure")
        up = upstream_of(api)[1]
        assert up["state"] == "failed" and up["attempts"] == 4 and up["error"] == "HTTP 503"
        upstream.fail_next = 0
        api.post("/v1/track", json.dumps({"event": "C", "userId": "u"}))
        wait_for(lambda: upstream_of(api)[2] is not None, what="recovery")
        assert upstream_of(api)[2]["state"] == "sent"
        assert c.service.forwarder is not None
        text = c.service.forwarder.status_text()
        assert "2 sent" in text and "1 failed" in text


def test_a_hanging_upstream_slows_nothing_else(tmp_path, upstream):
    upstream.hang = True
    # an answer that waited for the upstream would take at least its timeout (3 s); the margin
    # keeps the check true on a busy machine without making it one that cannot fail
    with collector_with(tmp_path, upstream, timeout=3.0, attempts=1) as c:
        api = Api(c)
        times = []
        for i in range(16):
            t0 = time.monotonic()
            assert api.post("/v1/track", json.dumps({"event": f"E{i}", "userId": "u"})).ok
            times.append(time.monotonic() - t0)
        assert max(times) < 3.0, times  # no answer waited for the hanging upstream
        t0 = time.monotonic()
        assert api.get("/api/events").json()["total"] == 16
        assert time.monotonic() - t0 < 3.0
        # 16 requests, 4 senders, 1 attempt of 3 s each: about 12 s (bounded, on a busy box)
        wait_for(lambda: all(u is not None for u in upstream_of(api)), 60, "all given up")
        ups = upstream_of(api)
        assert {u["state"] for u in ups} == {"failed"}
        assert "no answer within 3 s" in ups[0]["error"]


def test_the_queue_is_bounded(tmp_path, upstream):
    upstream.hang = True
    with collector_with(tmp_path, upstream, max_queue=5, senders=1, timeout=2.0) as c:
        api = Api(c)
        for i in range(12):
            assert api.post("/v1/track", json.dumps({"event": f"E{i}", "userId": "u"})).ok
        wait_for(lambda: sum(1 for u in upstream_of(api) if u) >= 6, what="drops recorded")
        dropped = [u for u in upstream_of(api) if u and u["state"] == "dropped"]
        assert len(dropped) >= 6 and dropped[0]["error"] == "forward queue full"
        upstream.release()


def test_serve_forward_flag(tmp_path, upstream):
    assert check_url("http://h:1/x/") == "http://h:1/x"
    with pytest.raises(ForwardUrlError):
        check_url("ftp://h")
    p = subprocess.run(
        [sys.executable, "-m", "inspector", "serve", "--port", "0", "--forward", "nope"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert p.returncode == 2 and "--forward" in p.stderr
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "inspector",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--forward",
            upstream.url,
            "--max-seconds",
            "30",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "listening on" in line and "forwarding to" in line
        url = line.split()[2]
        r = requests.post(url + "/v1/track", json={"event": "S", "userId": "u"}, timeout=10)
        assert r.ok
        wait_for(lambda: len(upstream.received) == 1, what="forwarded by serve")
        assert json.loads(upstream.received[0]["body"])["event"] == "S"
    finally:
        proc.terminate()
        proc.wait(30)
