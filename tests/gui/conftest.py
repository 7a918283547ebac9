"""pytest-qt fixtures that run the real window with its collector on a qasync loop.

pytest-qt cannot drive a qasync loop (pytest-qt #448): ``qtbot.wait*`` would process Qt events
outside the running asyncio loop. Here every wait goes through ``loop.run_until_complete``
(which runs Qt's event loop *and* asyncio), and HTTP clients run in worker threads against
real sockets on 127.0.0.1.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import base64
import concurrent.futures
import gc
import json
import time
import urllib.request
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

# Benign messages of the offscreen platform plugin; anything else at WARNING fails a test.
OFFSCREEN_NOISE = [
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENT_INSPECTOR_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("EVENT_INSPECTOR_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("EVENT_INSPECTOR_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def loop(qapp: Any) -> Any:
    import qasync

    lp = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(lp)
    yield lp
    lp.close()
    asyncio.set_event_loop(None)


_pool = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="http-client")


def http(
    url: str,
    body: Any = None,
    *,
    method: str = "POST",
    key: str | None = "WK_TEST",
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, bytes]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("User-Agent", "analytics-python/2.4.0")
    if key:
        req.add_header("Authorization", "Basic " + base64.b64encode(f"{key}:".encode()).decode())
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Harness:
    """The window, its loop and helpers to post over HTTP and wait without blocking Qt."""

    def __init__(self, window: Any, loop: Any) -> None:
        self.window = window
        self.loop = loop

    @property
    def url(self) -> str:
        return self.window.controller.url

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def wait_until(
        self, cond: Callable[[], Any], timeout: float = 10.0, what: str = "condition"
    ) -> None:
        async def poll() -> None:
            deadline = time.monotonic() + timeout
            while not cond():
                if time.monotonic() > deadline:
                    raise AssertionError(f"timed out waiting for {what}")
                await asyncio.sleep(0.02)

        self.run(poll())

    def wait(self, seconds: float) -> None:
        self.run(asyncio.sleep(seconds))

    def in_thread(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        fut = _pool.submit(fn, *args, **kw)
        return self.run(asyncio.wrap_future(fut))

    def post(self, path: str, body: Any = None, **kw: Any) -> tuple[int, bytes]:
        return self.in_thread(http, self.url + path, body, **kw)

    def batch(self, messages: list[dict[str, Any]], **kw: Any) -> tuple[int, bytes]:
        body = {"batch": messages, "sentAt": "2026-01-01T00:00:00.000Z"}
        if kw.get("key", "WK_TEST"):
            body["writeKey"] = kw.get("key", "WK_TEST")  # as segment-analytics-python does
        return self.post("/v1/batch", body, **kw)

    def flush(self) -> None:
        self.window.feed.flush_now()

    def settle(self) -> None:
        """Wait for what the window reads in the background: a running filter's rows, a
        resumed session's older rows (each arrives by a signal on the running loop)."""
        feed = self.window.feed
        if self.loop.is_running():  # asked from inside a wait: that wait polls on
            return
        self.wait_until(lambda: not feed.filtering and not feed.loading, what="the filter")

    @property
    def rows(self) -> int:
        """Rows the table shows, once a running filter has answered."""
        self.settle()
        return self.window.feed.model.rowCount()


def make_args(**kw: Any) -> SimpleNamespace:
    base = {
        "host": "127.0.0.1",
        "port": 0,
        "data_dir": None,
        "session": None,
        "fault": None,
        "no_lint": False,
        "token": None,
        # the harness steps the qasync loop with run_until_complete; a writer process's
        # completions can land between steps, so the window tests keep a writer thread
        # (the process writer is covered through `serve` in tests/integration)
        "writer_process": False,
    }
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.fixture
def make_inspector(qapp: Any, loop: Any) -> Any:
    from inspector.gui.main import build_window, shutdown

    made: list[Harness] = []

    def make(start: bool = True, **kw: Any) -> Harness:
        w = build_window(make_args(**kw))
        # no idle free-text indexing: its executor completions would land between the
        # harness's run_until_complete steps (the qasync trap described in Harness.run)
        w.service.writer.index_chunk = 0
        w.show()
        h = Harness(w, loop)
        if start:
            h.run(w.controller.start())
        made.append(h)
        return h

    yield make
    for h in made:
        h.window.close()
        h.run(shutdown(h.window))
        h.window.deleteLater()
    loop.run_until_complete(asyncio.sleep(0))
    # Qt objects must die on this thread: a later test's collector thread must not be the
    # one whose garbage collection finds them (Qt warns, and the warning fails that test)
    gc.collect()


@pytest.fixture
def inspector(make_inspector: Any) -> Harness:
    return make_inspector()


def session_messages(n_track: int = 3) -> list[dict[str, Any]]:
    """A realistic session: all six call types, two people, one merge by alias."""
    ctx = {"library": {"name": "analytics-python", "version": "2.4.0"}}
    msgs: list[dict[str, Any]] = [
        {
            "type": "page",
            "anonymousId": "anon-1",
            "name": "Pricing",
            "properties": {"path": "/pricing", "url": "https://shop.example/pricing"},
            "context": ctx,
        },
        {
            "type": "identify",
            "anonymousId": "anon-1",
            "userId": "user-42",
            "traits": {"email": "ada@example.com", "plan": "pro", "name": "Ada"},
            "context": ctx,
        },
    ]
    for i in range(n_track):
        msgs.append(
            {
                "type": "track",
                "userId": "user-42",
                "event": "Order Completed",
                "properties": {"order_id": f"o-{i}", "revenue": 19.99 + i, "currency": "EUR"},
                "context": ctx,
            }
        )
    msgs += [
        {"type": "screen", "userId": "user-42", "name": "Checkout", "context": ctx},
        {
            "type": "group",
            "userId": "user-42",
            "groupId": "acme",
            "traits": {"name": "Acme Inc", "plan": "enterprise"},
            "context": ctx,
        },
        {
            "type": "track",
            "anonymousId": "anon-2",
            "event": "Product Viewed",
            "properties": {"product_id": "p-7"},
            "context": ctx,
        },
        {"type": "alias", "previousId": "anon-2", "userId": "user-42", "context": ctx},
    ]
    return msgs
