"""The one collector harness: the real collector on its own thread and asyncio loop.

    with ThreadedCollector(tmp_path, session="test") as c:
        urllib.request.urlopen(c.url + "/v1/track", ...)

The pytest plugin's own collector, our collector and client tests and tools all start it this
way: a :class:`~inspector.collector.server.CollectorServer` over a
:class:`~inspector.collector.service.CollectorService` and a store in ``data_dir``, listening
on 127.0.0.1 and a free port unless told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspector.collector.server import CollectorServer
from inspector.collector.service import CollectorService
from inspector.collector.slow_clients import Timeouts
from inspector.domain.store import Store


class ThreadedCollector:
    """A collector in a daemon thread with its own loop; ``url`` once :meth:`start` returns."""

    def __init__(
        self,
        data_dir: str | Path,
        *,
        session: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        api_token: str | None = None,
        allow_origins: tuple[str, ...] = (),
        allow_hosts: tuple[str, ...] = (),
        timeouts: Timeouts | None = None,
        **service_kwargs: Any,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.session_name = session
        self.host, self.port, self.api_token = host, port, api_token
        self.allow_origins, self.allow_hosts = allow_origins, allow_hosts
        self.timeouts = timeouts
        self.service_kwargs = service_kwargs
        self.url = ""
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._service: CollectorService | None = None
        self._server: CollectorServer | None = None

    @property
    def service(self) -> CollectorService:
        assert self._service is not None, "the collector has not started"
        return self._service

    @property
    def server(self) -> CollectorServer:
        assert self._server is not None, "the collector has not started"
        return self._server

    @property
    def store(self) -> Store:
        return self.service.store

    # -- life ------------------------------------------------------------------------------
    def start(self, timeout: float = 30) -> ThreadedCollector:
        """Start and wait until it listens; raises RuntimeError (from the cause) if it cannot."""
        self._thread = threading.Thread(target=self._main, name="event-inspector", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the Event Inspector collector did not start in time")
        if self._error is not None:
            raise RuntimeError(
                f"the Event Inspector collector failed to start: {self._error}"
            ) from self._error
        return self

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to start() when it happens before ready
            self._error = exc
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        store = Store(self.data_dir)
        try:
            svc = CollectorService(
                store, store.open_session(self.session_name), **self.service_kwargs
            )
            server = CollectorServer(
                svc,
                self.host,
                self.port,
                api_token=self.api_token,
                allow_origins=self.allow_origins,
                allow_hosts=self.allow_hosts,
                timeouts=self.timeouts,
            )
            self._stop = asyncio.Event()
            self.url = await server.start()
            try:
                self.port = server.port
                self._service, self._server = svc, server
                self._ready.set()
                await self._stop.wait()
            finally:
                await server.stop()
        finally:
            store.close()

    def call(self, fn: Callable[[], Any] | Any, timeout: float = 30) -> Any:
        """Run ``fn()`` (or await a coroutine) on the collector's loop, where its state lives."""
        assert self.loop is not None, "the collector has not started"

        async def run() -> Any:
            return await fn if inspect.isawaitable(fn) else fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def stop(self, timeout: float = 30) -> None:
        loop = self.loop
        if loop is not None and self._stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed already
                loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> ThreadedCollector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
