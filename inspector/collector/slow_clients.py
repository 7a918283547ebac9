"""Slow clients cannot hold the collector: deadlines for a request's head and its body.

- **Head**: the request line and headers must arrive within :attr:`Timeouts.header` seconds of
  the connection opening (or of the previous answer on a kept-alive connection). aiohttp
  closes a connection that waits for a request longer than its ``keepalive_timeout``, and it
  does not reset that timer while a head trickles in, so that knob is this deadline (idle
  kept-alive connections are closed after as long; clients open a new one).
- **Body**: :func:`body_deadline_middleware` watches a request's body while its handler runs:
  no byte for :attr:`Timeouts.body_idle` seconds, or not all of it after
  :attr:`Timeouts.body_total`, and the connection is closed. The handler's read then fails;
  a tracking route keeps what arrived as a rejected request (``408 body_timeout``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from inspector.collector.keys import TIMEOUTS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("inspector.collector")


def timed_out(request: web.BaseRequest) -> str | None:
    """Why this request's body was given up on (None: it was not), while its handler runs."""
    watch = _watches.get(id(request))
    return watch.why if watch is not None else None


@dataclass(frozen=True, slots=True)
class Timeouts:
    header: float = 15.0  # seconds for a request's line and headers
    body_idle: float = 15.0  # seconds without a byte of the body
    body_total: float = 120.0  # seconds for a whole body (16 MiB needs ~140 KB/s)


class BodyTimeout(Exception):
    """A body that stopped arriving; ``partial`` is what did."""

    def __init__(self, why: str, partial: bytes) -> None:
        super().__init__(why)
        self.why, self.partial = why, partial


_watches: dict[int, _Watch] = {}  # by id() of the request (requests are not hashable)


class _Watch:
    """Checks a request's body progress a few times per idle period."""

    def __init__(self, request: web.Request, t: Timeouts) -> None:
        self.request, self.t = request, t
        self.loop = asyncio.get_running_loop()
        self.started = self.last = self.loop.time()
        self.seen = 0
        self.why: str | None = None
        self.step = max(min(t.body_idle, t.body_total) / 4, 0.01)
        self.handle: asyncio.TimerHandle | None = self.loop.call_later(self.step, self.check)

    def check(self) -> None:
        self.handle = None
        content = self.request.content
        if content.is_eof():
            return
        now = self.loop.time()
        if content.total_bytes != self.seen:
            self.seen, self.last = content.total_bytes, now
        why = None
        if now - self.last > self.t.body_idle:
            why = f"no byte of the body for {self.t.body_idle:g} s"
        elif now - self.started > self.t.body_total:
            why = f"the body took over {self.t.body_total:g} s"
        if why is None:
            self.handle = self.loop.call_later(self.step, self.check)
            return
        self.why = f"{why} ({self.seen} bytes arrived)"
        log.info("%s %s: %s; connection closed", self.request.method, self.request.path, why)
        transport = self.request.transport
        if transport is not None:
            transport.close()

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


@web.middleware
async def body_deadline_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.body_exists:
        return await handler(request)
    watch = _watches[id(request)] = _Watch(request, request.app[TIMEOUTS])
    try:
        return await handler(request)
    except ConnectionError as exc:
        if watch.why is not None:
            raise BodyTimeout(watch.why, b"") from exc
        raise
    finally:
        watch.stop()
        _watches.pop(id(request), None)
