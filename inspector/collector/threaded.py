"""A collector on its own thread and asyncio loop: for tests, the pytest plugin and tools.

with ThreadedCollector(tmp_path) as c:
    requests.post(c.url + "/v1/track", json={...})
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from inspector.collector.server import CollectorServer
from inspector.collector.service import CollectorService
from inspector.collector.slow_clients import Timeouts
from inspector.domain.store import Store


class ThreadedCollector:
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
        self._session_name = session
        self.host, self.port, self.api_token = host, port, api_token
        self.allow_origins, self.allow_hosts = allow_origins, allow_hosts
        self.timeouts = timeouts
        self._service_kwargs = service_kwargs
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="collector", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.service: CollectorService
        self.server: CollectorServer
        self.url = ""

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:  # surfaced to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.server.stop())
        self.service.store.close()
        self.loop.close()

    async def _start(self) -> None:
        store = Store(self.data_dir)
        self.service = CollectorService(
            store, store.open_session(self._session_name), **self._service_kwargs
        )
        self.server = CollectorServer(
            self.service,
            self.host,
            self.port,
            api_token=self.api_token,
            allow_origins=self.allow_origins,
            allow_hosts=self.allow_hosts,
            timeouts=self.timeouts,
        )
        self.url = await self.server.start()
        self.port = self.server.port

    def start(self) -> ThreadedCollector:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def call(self, coro: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the collector's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(30)

    def __enter__(self) -> ThreadedCollector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
