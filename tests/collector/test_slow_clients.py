"""Slow clients cannot hold the collector: a trickled head or body is cut off at a deadline,
others are served meanwhile, and a tracking request whose body stopped is kept as rejected.
Raw sockets on 127.0.0.1, with deadlines shortened for the test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from inspector.collector.slow_clients import Timeouts
from inspector.testing.collector import ThreadedCollector

T = Timeouts(header=1.0, body_idle=0.6, body_total=2.5)


@pytest.fixture
def slow(tmp_path) -> Iterator[ThreadedCollector]:
    with ThreadedCollector(tmp_path / "data", session="slow", lint=False, timeouts=T) as c:
        yield c


def connect(c) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", c.port), timeout=10)
    s.settimeout(10)
    return s


def closed_after(s: socket.socket, start: float) -> float:
    """Seconds from ``start`` until the server closed the connection (reads what it says)."""
    while True:
        try:
            if not s.recv(65536):
                return time.monotonic() - start
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start


def trickle(s: socket.socket, data: bytes, every: float, stop: threading.Event) -> None:
    for b in data:
        if stop.is_set():
            return
        try:
            s.send(bytes([b]))
        except OSError:
            return
        time.sleep(every)


def test_a_trickled_head_is_cut_off_and_others_are_served(slow):
    head = b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 200
    stop = threading.Event()
    start = time.monotonic()  # before connecting: the server's deadline starts after this
    socks = [connect(slow) for _ in range(20)]
    threads = [threading.Thread(target=trickle, args=(s, head, 0.1, stop)) for s in socks]
    for t in threads:
        t.start()
    try:
        # while 20 heads trickle in, ordinary requests are answered at once
        for _ in range(5):
            t0 = time.monotonic()
            r = requests.get(slow.url + "/api/health", timeout=5)
            assert r.status_code == 200 and time.monotonic() - t0 < 1.0
        waited = [closed_after(s, start) for s in socks]
    finally:
        stop.set()
        for t in threads:
            t.join(5)
        for s in socks:
            s.close()
    assert all(T.header - 0.1 <= w < T.header + 2.0 for w in waited), waited


def test_a_silent_connection_is_closed(slow):
    start = time.monotonic()  # before connecting: the server's deadline starts after this
    s = connect(slow)
    try:
        assert T.header - 0.1 <= closed_after(s, start) < T.header + 2.0
    finally:
        s.close()


def test_a_body_that_stops_is_cut_off_and_kept_as_rejected(slow):
    s = connect(slow)
    body = b'{"userId":"u","event":"Stalled"}'
    try:
        s.sendall(
            b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 5000\r\n\r\n" + body
        )
        waited = closed_after(s, time.monotonic())
    finally:
        s.close()
    assert T.body_idle <= waited < T.body_idle + 2.0
    (rej,) = requests.get(slow.url + "/api/rejected", timeout=10).json()["requests"]
    assert rej["error"]["code"] == "body_timeout" and rej["status"] == 408
    assert "no byte of the body" in rej["error"]["message"]
    assert f"{len(body)} bytes arrived" in rej["error"]["message"]
    assert rej["body"] == body.decode()
    assert requests.get(slow.url + "/api/events", timeout=10).json()["total"] == 0


def test_a_dripping_body_is_cut_off_at_the_total_deadline(slow):
    s = connect(slow)
    stop = threading.Event()
    s.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{")
    t = threading.Thread(target=trickle, args=(s, b'"batch":[' + b" " * 1000, 0.2, stop))
    start = time.monotonic()
    t.start()
    try:
        waited = closed_after(s, start)
    finally:
        stop.set()
        t.join(5)
        s.close()
    assert T.body_total <= waited < T.body_total + 2.0
    (rej,) = requests.get(slow.url + "/api/rejected", timeout=10).json()["requests"]
    assert rej["error"]["code"] == "body_timeout" and "took over" in rej["error"]["message"]


def test_an_api_body_that_stops_is_cut_off(slow):
    s = connect(slow)
    try:
        s.sendall(
            b"POST /api/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 500\r\n\r\n{"status":'
        )
        assert T.body_idle <= closed_after(s, time.monotonic()) < T.body_idle + 2.0
    finally:
        s.close()
    assert requests.get(slow.url + "/api/faults", timeout=10).json()["faults"] == []
