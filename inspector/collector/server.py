"""Start and stop the collector on the running loop (asyncio headless, qasync in the window)."""

from __future__ import annotations

import errno
import ipaddress
from collections.abc import Iterable

from aiohttp import web

from inspector.collector.app import make_app
from inspector.collector.failsafe import ServerLog
from inspector.collector.hosts import HostPolicy
from inspector.collector.keys import ENDPOINTS, TLS_FILES
from inspector.collector.origins import OriginPolicy
from inspector.collector.service import CollectorService
from inspector.collector.slow_clients import Timeouts
from inspector.domain.certs import TlsFiles
from inspector.domain.netaddrs import lan_addresses, url_host
from inspector.domain.phone_setup import Endpoints

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787
MAX_LINE = 1024 * 1024 + 8192  # request line: a KISSmetrics GET up to its 1 MiB form limit
MAX_FIELD = 64 * 1024  # one header (long cookies); aiohttp's default is 8 KiB


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
        tls: TlsFiles | None = None,
        tls_port: int | None = None,
        allow_origins: Iterable[str] = (),
        allow_hosts: Iterable[str] = (),
        lan: bool = False,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.service = service
        self.host = host
        self.lan = lan  # also listen on this machine's LAN addresses (serve --lan)
        self.listening: list[str] = []  # every address it listens on, once started
        self.skipped: list[tuple[str, str]] = []  # LAN addresses it could not bind, and why
        self.port = port
        self.api_token = api_token
        self.tls = tls
        self.tls_port = tls_port
        self.origins = OriginPolicy(allow_origins)
        self.hosts = HostPolicy([host], allow_hosts)
        self.timeouts = timeouts or Timeouts()
        self.app = make_app(
            service,
            api_token=api_token,
            origins=self.origins,
            hosts=self.hosts,
            timeouts=self.timeouts,
        )
        self.app[TLS_FILES] = tls
        self.endpoints = self.app[ENDPOINTS] = Endpoints()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def tls_url(self) -> str | None:
        """The HTTPS URL (second port), when serving with the local CA's certificate."""
        if self.tls is None or self.tls_port is None:
            return None
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.tls_port}"

    async def start(self) -> str:
        """Listen; raises OSError (errno EADDRINUSE) when the port is taken."""
        # auto_decompress=False: the collector decodes gzip itself, with a bound and a clear 400
        self._runner = web.AppRunner(
            self.app,
            access_log=None,
            handle_signals=False,
            auto_decompress=False,
            # a KISSmetrics GET carries its event in the URL: as long as a form body may be
            max_line_size=MAX_LINE,
            max_field_size=MAX_FIELD,
            logger=ServerLog(),  # clients' malformed HTTP in one masked line, no traceback
            # a request's head must arrive within this (aiohttp never resets it while a
            # head trickles in); also how long an idle kept-alive connection stays open
            keepalive_timeout=self.timeouts.header,
        )
        await self._runner.setup()
        try:
            await self._listen(listen_hosts(self.host, self.lan))
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        # the Host check accepts every address listened on (and, beyond loopback, this
        # machine's names): collector/hosts.py
        self.hosts.set_listen(self.listening)
        # every address a device can use: the ones listened on (with 0.0.0.0, all of them)
        hosts = self.listening if self.lan and not is_unspecified(self.host) else []
        hosts = hosts or reachable_hosts(self.host)
        self.endpoints.http[:] = [f"http://{url_host(h)}:{self.port}" for h in hosts]
        self.endpoints.https[:] = (
            [f"https://{url_host(h)}:{self.tls_port}" for h in hosts] if self.tls_url else []
        )
        return self.url

    async def _listen(self, hosts: list[str]) -> None:
        """HTTP (and HTTPS) on each address, all on the same ports: the first address takes
        the asked port (0: any free one), the others the port it got. A LAN address that
        cannot be bound (gone, not yet usable) is skipped and said; a taken port is an error."""
        assert self._runner is not None
        ssl_context = None
        if self.tls is not None and self.tls_port is not None:
            from inspector.collector.tls import server_context

            ssl_context = server_context(self.tls)
        self.listening, self.skipped = [], []
        for i, host in enumerate(hosts):
            started: list[web.TCPSite] = []
            try:
                site = web.TCPSite(self._runner, host, self.port, reuse_address=False)
                await site.start()
                started.append(site)
                self.port = _bound_port(site, self.port)
                if ssl_context is not None:
                    tls = web.TCPSite(
                        self._runner,
                        host,
                        self.tls_port,
                        ssl_context=ssl_context,
                        reuse_address=False,
                    )
                    await tls.start()
                    self.tls_port = _bound_port(tls, int(self.tls_port or 0))
            except OSError as exc:
                if i == 0 or exc.errno != errno.EADDRNOTAVAIL:
                    raise
                for done in started:
                    await done.stop()
                self.skipped.append((host, exc.strerror or str(exc)))
                continue
            self.listening.append(host)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def running(self) -> bool:
        return self._runner is not None


def listen_hosts(host: str, lan: bool) -> list[str]:
    """The addresses to listen on: ``host``, and with ``lan`` this machine's LAN addresses
    too (unless ``host`` already means every address)."""
    if not lan or is_unspecified(host):
        return [host]
    return [host, *(a for a in lan_addresses() if a != host)]


def is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def reachable_hosts(host: str) -> list[str]:
    """The addresses a client can use: every address of this machine for 0.0.0.0 / ::."""
    try:
        unspecified = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        unspecified = False
    if not unspecified:
        return [host]
    return ["127.0.0.1", *lan_addresses()]


def _bound_port(site: web.TCPSite, asked: int) -> int:
    """The port a site listens on (``--port 0`` picks one)."""
    sockets = getattr(site._server, "sockets", None)
    return int(sockets[0].getsockname()[1]) if sockets else asked
