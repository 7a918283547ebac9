"""The collector inside the window: start, stop and restart it on the qasync loop."""

from __future__ import annotations

import errno
import logging
import socket
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.collector.api_token import generate_token
from inspector.collector.server import CollectorServer, is_loopback
from inspector.collector.service import CollectorService

log = logging.getLogger(__name__)


def suggest_port(host: str, busy: int) -> int:
    """A free port near ``busy`` (or any free one)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    for p in range(busy + 1, busy + 30) if busy else ():
        with socket.socket(fam) as s:
            try:
                s.bind((host, p))
                return p
            except OSError:
                continue
    with socket.socket(fam) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class CollectorController(QObject):
    """Owns the :class:`CollectorServer`; reports its state to the window."""

    started = Signal(str)  # url
    stopped = Signal(str)  # reason ("" when asked to)
    portBusy = Signal(str, int, int)  # host, busy port, a free port to offer

    def __init__(
        self,
        service: CollectorService,
        host: str,
        port: int,
        token: str | None = None,
        parent: QObject | None = None,
        announce: bool = False,
        allow_origins: tuple[str, ...] = (),
        allow_hosts: tuple[str, ...] = (),
        lan: bool = False,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.host = host
        self.port = port
        self.token = token
        self.generated_token = False  # made here because the collector listens beyond loopback
        self.lan = lan  # also on the LAN addresses, with HTTPS and the token (--lan)
        self.tls_port: int | None = None  # the HTTPS port once chosen (kept across restarts)
        self.cli_origins, self.cli_hosts = allow_origins, allow_hosts
        self.allow_origins = allow_origins
        self.allow_hosts = allow_hosts
        self.server: CollectorServer | None = None
        self.error: str | None = None
        self.announce = announce  # print "listening on URL" (CLI contract)

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.running

    @property
    def url(self) -> str:
        if self.server is not None:
            return self.server.url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def loopback(self) -> bool:
        """Whether only this machine can reach the collector (not with --lan)."""
        return is_loopback(self.host) and not self.lan

    @property
    def endpoints(self) -> Any:
        """Every URL a device can use (:class:`~inspector.domain.phone_setup.Endpoints`)."""
        from inspector.domain.phone_setup import Endpoints

        if self.server is not None:
            return self.server.endpoints
        return Endpoints(http=[self.url])

    def _tls(self) -> tuple[Any, int | None]:
        """With --lan: the local CA's certificate and the HTTPS port (the next one)."""
        if not self.lan:
            return None, None
        from inspector.collector.tls import machine_certificates

        tls_port = self.tls_port
        if tls_port is None:
            tls_port = 0 if self.port == 0 else self.port + 1
        return machine_certificates(self.service.store.data_dir), tls_port

    async def start(self) -> str | None:
        self._choose_token()
        tls, tls_port = self._tls()
        server = CollectorServer(
            self.service,
            self.host,
            self.port,
            api_token=self.token,
            allow_origins=self.allow_origins,
            allow_hosts=self.allow_hosts,
            tls=tls,
            tls_port=tls_port,
            lan=self.lan,
        )
        try:
            url = await server.start()
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                self.error = f"Port {self.port} on {self.host} is already in use."
                self.stopped.emit(self.error)
                self.portBusy.emit(self.host, self.port, suggest_port(self.host, self.port))
            else:
                self.error = f"Cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
                self.stopped.emit(self.error)
            log.warning("%s", self.error)
            return None
        self.server, self.port, self.error = server, server.port, None
        if server.tls_port is not None:
            self.tls_port = server.tls_port
        if self.announce:
            print(
                f"listening on {url}  (session {self.service.session.name!r}, "
                f"data {self.service.store.path})",
                flush=True,
            )
            if server.tls_url:
                from inspector.collector.startup import tls_line

                print(tls_line(server), flush=True)
            self._announce_beyond_loopback(server)
        self.started.emit(url)
        return url

    def _announce_beyond_loopback(self, server: CollectorServer) -> None:
        """As ``serve`` prints them: the LAN's URLs, the token, the phone page's QR code."""
        if self.loopback:
            return
        from inspector.collector.startup import (
            lan_line,
            print_lan_warning,
            print_phone_setup,
            token_line,
        )

        if not is_loopback(self.host):
            print(
                f"warning: listening on {self.host}, reachable from other machines",
                file=sys.stderr,
                flush=True,
            )
        if self.lan:
            print_lan_warning(server, sys.stderr)
            print(lan_line(server), flush=True)
        if self.generated_token and self.token:
            print(token_line(self.token), flush=True)
        print_phone_setup(server, sys.stdout)

    def _choose_token(self) -> None:
        """Beyond loopback ``/api`` always needs a token: the one given, else one made here
        (kept across restarts); back on loopback a made one is dropped, as ``serve`` does."""
        if self.loopback:
            if self.generated_token:
                self.token, self.generated_token = None, False
        elif not self.token:
            self.token, self.generated_token = generate_token(), True

    def set_allowed(self, origins: tuple[str, ...], hosts: tuple[str, ...]) -> None:
        """Origins and host names allowed (Settings) besides those given on the command line;
        applied to the running collector at once."""
        self.allow_origins = tuple(dict.fromkeys((*self.cli_origins, *origins)))
        self.allow_hosts = tuple(dict.fromkeys((*self.cli_hosts, *hosts)))
        if self.server is not None:
            self.server.origins.set_allowed(self.allow_origins)
            self.server.hosts.set_allowed(self.allow_hosts)

    async def stop(self, reason: str = "") -> None:
        if self.server is not None:
            server, self.server = self.server, None
            await server.stop()
            self.stopped.emit(reason)

    async def restart(
        self, host: str | None = None, port: int | None = None, lan: bool | None = None
    ) -> str | None:
        await self.stop("restarting")
        if lan is not None:
            self.lan = lan
        if host is not None:
            self.host = host
        if port is not None and port != self.port:
            self.port = port
            self.tls_port = None  # the next one again
        return await self.start()
