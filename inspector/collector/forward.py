"""Forward (tee): every accepted tracking request goes on to an upstream URL, after it is stored.

The collector answers its client first and never waits for the upstream: a request is *held*
(its method, path, query, headers with credentials and body bytes exactly as they came, in
memory only, never logged or stored) when it is accepted, and *queued* once the store has it,
with its request id. Senders work through the queue in the background, retrying a refused or
failed send a bounded number of times; what happened (status, time, error) is written to the
request's ``upstream`` and counted for the status bar. The queue is bounded in requests and
bytes: what does not fit is not forwarded, and its ``upstream`` says so.

Rejected requests, and requests answered with an injected fault status, are never held (the
client sends those again); an injected delay only delays the client's answer.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from inspector.domain import jsoncodec
from inspector.domain.store import Store

log = logging.getLogger(__name__)
# headers about one connection, which the upstream connection sets for itself
HOP_BY_HOP = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "proxy-authorization",
        "expect",
    }
)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class ForwardUrlError(ValueError):
    pass


def check_url(url: str) -> str:
    """An http(s) URL without a query (paths are appended to it); the error says why not."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ForwardUrlError(f"--forward {url!r}: an http:// or https:// URL is needed")
    if parts.query or parts.fragment:
        raise ForwardUrlError(f"--forward {url!r}: no query or fragment (paths are appended)")
    return url.strip().rstrip("/")


@dataclass(slots=True)
class Held:
    method: str
    target: str  # path and query as sent
    headers: list[tuple[str, str]]
    body: bytes
    request_id: int = 0
    attempts: int = 0


@dataclass(slots=True)
class Stats:
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    last: str = ""


class Forwarder:
    def __init__(
        self,
        url: str,
        store: Store,
        *,
        max_queue: int = 10_000,
        max_bytes: int = 64 * 1024 * 1024,
        attempts: int = 5,
        timeout: float = 10.0,
        backoff: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0),
        senders: int = 4,
        on_result: Callable[[int, dict[str, Any]], None] | None = None,
    ) -> None:
        self.url = check_url(url)
        self.on_result = on_result  # (request id, upstream) as each result is known
        self.store = store
        self.max_queue, self.max_bytes = max_queue, max_bytes
        self.attempts, self.timeout, self.backoff = attempts, timeout, backoff
        self.senders = senders
        self.stats = Stats()
        self._held: dict[float, Held | None] = {}  # by received_at; None: did not fit
        self._queue: collections.deque[Held] = collections.deque()
        self._bytes = 0  # body bytes held or queued
        self._wake: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._results: list[tuple[str, int]] = []  # (upstream JSON, request id) to write
        self._writing: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop start() ran on

    # -- the collector's side -------------------------------------------------------------
    def hold(
        self,
        received_at: float,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        """Keep an accepted request until it is stored (then :meth:`stored` queues it)."""
        if len(self._held) + len(self._queue) >= self.max_queue or (
            self._bytes + len(body) > self.max_bytes
        ):
            self._held[received_at] = None
            return
        kept = [(k, v) for k, v in headers.items() if k.lower() not in HOP_BY_HOP]
        target = path + (f"?{query}" if query else "")
        self._held[received_at] = Held(method, target, kept, bytes(body))
        self._bytes += len(body)

    def discard(self, received_at: float) -> None:
        """The request could not be kept after all (the client is told to send it again)."""
        held = self._held.pop(received_at, None)
        if held is not None:
            self._bytes -= len(held.body)

    def stored(self, received_at: float, request_id: int, rejected: bool = False) -> None:
        """The store has the request: queue it (or record that it did not fit)."""
        if received_at not in self._held:
            return  # not accepted here (recovered from an earlier run, rejected, faulted)
        if rejected:  # processing found it unreadable after all: not a tracking request
            self.discard(received_at)
            return
        held = self._held.pop(received_at)
        if held is None:
            self.stats.dropped += 1
            self._result(request_id, state="dropped", error="forward queue full")
            return
        held.request_id = request_id
        self._queue.append(held)
        if self._wake is not None:
            self._wake.set()

    @property
    def queued(self) -> int:
        return len(self._queue) + len(self._held)

    def short_status(self) -> str:
        """The status bar's few words: ``forward: 7 sent, 1 failed · last 200 in 26 ms``."""
        return "forward: " + self.status_text().split(": ", 1)[1]

    def status_text(self) -> str:
        s = self.stats
        text = f"forward → {self.url}: {s.sent:,} sent"
        if s.failed:
            text += f", {s.failed:,} failed"
        if s.dropped:
            text += f", {s.dropped:,} not sent (queue full)"
        if self.queued:
            text += f", {self.queued:,} queued"
        return text + (f" · last {s.last}" if s.last else "")

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.timeout), auto_decompress=False
        )
        self._tasks = [
            asyncio.get_running_loop().create_task(self._sender(), name=f"forward-{i}")
            for i in range(self.senders)
        ]

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks = []
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self._flush_results()

    # -- sending --------------------------------------------------------------------------
    async def _sender(self) -> None:
        assert self._wake is not None
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            held = self._queue.popleft()
            try:
                await self._send(held)
            except Exception as exc:  # a bug of ours must not stop forwarding for good
                log.exception("forwarding a request failed")
                self.stats.failed += 1
                self._result(held.request_id, state="failed", error=f"{type(exc).__name__}")
            finally:
                self._bytes -= len(held.body)

    async def _send(self, held: Held) -> None:
        error: str | None = None
        status: int | None = None
        t0 = time.monotonic()
        while held.attempts < self.attempts:
            if held.attempts:
                await asyncio.sleep(self.backoff[min(held.attempts, len(self.backoff)) - 1])
            held.attempts += 1
            t0 = time.monotonic()
            status, error = await self._attempt(held)
            if error is None and status is not None and status not in RETRY_STATUSES:
                break
        ms = round((time.monotonic() - t0) * 1000, 1)
        if error is None and status is not None and status < 400:
            self.stats.sent += 1
            self.stats.last = f"{status} in {ms:,.0f} ms"
            n = held.attempts
            self._result(held.request_id, state="sent", status=status, ms=ms, attempts=n)
        else:
            self.stats.failed += 1
            why = error or f"HTTP {status}"
            self.stats.last = f"failed: {why}"
            self._result(
                held.request_id,
                state="failed",
                status=status,
                ms=ms,
                attempts=held.attempts,
                error=why,
            )

    async def _attempt(self, held: Held) -> tuple[int | None, str | None]:
        assert self._session is not None
        try:
            async with self._session.request(
                held.method,
                self.url + held.target,
                headers=held.headers,
                data=held.body if held.body else None,
                skip_auto_headers=("User-Agent", "Content-Type", "Accept", "Accept-Encoding"),
                allow_redirects=False,
            ) as resp:
                await resp.read()
                return resp.status, None
        except TimeoutError:
            return None, f"no answer within {self.timeout:g} s"
        except (aiohttp.ClientError, OSError, ValueError, RuntimeError) as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__

    # -- results --------------------------------------------------------------------------
    def _result(self, request_id: int, **upstream: Any) -> None:
        upstream["url"] = self.url
        self._results.append((jsoncodec.dumps_str(upstream), request_id))
        if self.on_result is not None:
            try:
                self.on_result(request_id, upstream)
            except Exception:
                log.exception("a forward result listener failed")
        if self._loop is not None and (self._writing is None or self._writing.done()):
            # on the loop forwarding runs on, also when a result is known from a callback that
            # Qt runs outside asyncio's running-loop context (the window under qasync)
            self._writing = self._loop.create_task(self._write_soon())

    async def _write_soon(self) -> None:
        await asyncio.sleep(0.1)  # results of a burst go in one transaction
        await self._flush_results()

    async def _flush_results(self) -> None:
        rows, self._results = self._results, []
        if rows:
            loop = asyncio.get_running_loop()
            try:  # off the event loop: the store writer may hold the database a moment
                await loop.run_in_executor(None, self.store.set_upstream, rows)
            except Exception:
                log.exception("could not record what the forward URL answered")
