"""Start and stop the collector on the running loop (asyncio headless, qasync in the window)."""

from __future__ import annotations

import ipaddress
import socket

from aiohttp import web

from inspector.collector.app import make_app
from inspector.collector.service import CollectorService

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CollectorServer:
    """AppRunner/TCPSite owner; never the blocking ``run_app``."""

    def __init__(
        self,
        service: CollectorService,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        api_token: str | None = None,
    ) -> None:
        self.service = service
        self.host = host
        self.port = port
        self.api_token = api_token
        self.app = make_app(service, api_token=api_token)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> str:
        """Listen; raises OSError (errno EADDRINUSE) when the port is taken."""
        # auto_decompress=False: the collector decodes gzip itself, with a bound and a clear 400
        self._runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, auto_decompress=False
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=False)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        sockets = getattr(site._server, "sockets", None)
        if sockets:  # --port 0: report the port picked
            self.port = sockets[0].getsockname()[1]
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def running(self) -> bool:
        return self._runner is not None


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True
