"""Which ``Host`` a request may name: the defence against DNS rebinding, on every route.

A page on ``evil.example`` can make its own name resolve to 127.0.0.1 and then talk to the
collector "same-origin"; the only trace is the ``Host`` header, which still says
``evil.example``. So a request is served only when its ``Host`` is

- a loopback name or address (``localhost``, ``127.0.0.0/8``, ``::1``), and on a loopback
  connection the Android emulators' names for their host's loopback (``10.0.2.2``,
  Genymotion's ``10.0.3.2``);
- an address the collector listens on, or the one the client connected to; when it listens
  on every interface (``--host 0.0.0.0`` or ``::``), any address of this machine, so that a
  phone on the LAN can send to ``http://192.168.1.20:8787``;
- when it listens beyond loopback, this machine's own names (its host name and the ``.local``
  name phones find it by), which a web page cannot take over;
- the name it was told to listen on (``--host myhost.lan``) or a name (or address) the user
  allowed with ``--allow-host NAME``.

Anything else is answered ``421 host_not_allowed``. :meth:`HostPolicy.allows` is the one
question every server asks ("is this Host allowed here?"); a server listening on more
addresses (loopback plus the LAN) passes them all as ``listen``.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from inspector.collector.keys import HOSTS
from inspector.collector.routes_ingest import json_response
from inspector.domain.netaddrs import host_names

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOW_FLAG = "--allow-host"
LOOPBACK_NAMES = frozenset({"localhost"})
# what Android emulators call the host machine's 127.0.0.1 (their NAT delivers it there)
EMULATOR_LOOPBACK = frozenset(ipaddress.ip_address(a) for a in ("10.0.2.2", "10.0.3.2"))
_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
_LOCAL_TTL = 30.0  # seconds a "is this an address of this machine?" answer is kept


def parse_ip(text: str) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def split_host(value: str) -> tuple[str, int | None] | None:
    """``Host`` header → (lower-case name or address, port); ``None`` when malformed."""
    v = value.strip().lower()
    port: int | None = None
    if v.startswith("["):
        end = v.find("]")
        if end < 0:
            return None
        host, rest = v[1:end], v[end + 1 :]
        if parse_ip(host) is None:
            return None
        if rest:
            if not rest.startswith(":") or not rest[1:].isdigit():
                return None
            port = int(rest[1:])
    elif v.count(":") > 1:  # a bare IPv6 address (not valid in Host, but unambiguous)
        host = v
        if parse_ip(host) is None:
            return None
    else:
        host, sep, p = v.partition(":")
        if sep:
            if not p.isdigit() or len(p) > 5:
                return None
            port = int(p)
        host = host.rstrip(".")
        if not host or (parse_ip(host) is None and not _NAME.match(host)):
            return None
    if port is not None and not 0 < port < 65536:
        return None
    return host, port


def format_host(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port is not None else shown


_local_cache: dict[IPAddress, tuple[float, bool]] = {}


def is_local_address(ip: IPAddress) -> bool:
    """Whether ``ip`` is an address of this machine (it can be bound), cached briefly."""
    if ip.is_unspecified or ip.is_multicast:
        return False
    now = time.monotonic()
    hit = _local_cache.get(ip)
    if hit is not None and now - hit[0] < _LOCAL_TTL:
        return hit[1]
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.bind((str(ip), 0))
        local = True
    except OSError:
        local = False
    if len(_local_cache) > 256:
        _local_cache.clear()
    _local_cache[ip] = (now, local)
    return local


class HostPolicy:
    """The names and addresses a request's ``Host`` may carry on one server."""

    def __init__(self, listen: Iterable[str] = ("127.0.0.1",), allowed: Iterable[str] = ()):
        self.names: frozenset[str] = frozenset()
        self.ips: frozenset[IPAddress] = frozenset()
        self.any_local = False
        self.allowed_names: frozenset[str] = frozenset()
        self.allowed_ips: frozenset[IPAddress] = frozenset()
        self.set_listen(listen)
        self.set_allowed(allowed)

    @staticmethod
    def _split(values: Iterable[str]) -> tuple[frozenset[str], frozenset[IPAddress]]:
        names: set[str] = set()
        ips: set[IPAddress] = set()
        for value in values:
            v = value.strip().lower().strip("[]").rstrip(".")
            if not v:
                continue
            ip = parse_ip(v)
            if ip is not None:
                ips.add(ip)
            else:
                parsed = split_host(v)
                names.add(parsed[0] if parsed else v)
        return frozenset(names), frozenset(ips)

    def set_listen(self, listen: Iterable[str]) -> None:
        self.names, self.ips = self._split(listen)
        self.any_local = any(ip.is_unspecified for ip in self.ips)
        if not self.loopback_only:
            self.names |= self._split(host_names())[0]

    def set_allowed(self, allowed: Iterable[str]) -> None:
        self.allowed_names, self.allowed_ips = self._split(allowed)

    @property
    def loopback_only(self) -> bool:
        """Whether the server can only be reached from this machine."""
        return (
            not self.any_local
            and all(ip.is_loopback for ip in self.ips)
            and (self.names <= LOOPBACK_NAMES)
        )

    def allows(self, host: str | None, local_ip: str | None = None) -> bool:
        """Is a request with this ``Host`` header (``None``: none sent) allowed here?
        ``local_ip`` is the address the client connected to, when known."""
        if host is None:
            return True  # HTTP/1.0 tools; a browser always names the host
        parsed = split_host(host)
        if parsed is None:
            return False
        name = parsed[0]
        ip = parse_ip(name)
        if ip is None:
            return name in LOOPBACK_NAMES or name in self.names or name in self.allowed_names
        if ip.is_loopback or ip in self.ips or ip in self.allowed_ips:
            return True
        local = parse_ip(local_ip) if local_ip is not None else None
        if local is not None and local == ip:
            return True  # the very address the client reached the collector on
        if ip in EMULATOR_LOOPBACK and local is not None and local.is_loopback:
            return True
        return self.any_local and is_local_address(ip)

    def refusal(self, host: str) -> str:
        shown = host if len(host) <= 200 else host[:200] + "…"
        parsed = split_host(host)
        name = parsed[0] if parsed else "NAME"
        return (
            f"Host {shown!r} is not an address of this Event Inspector (a page using DNS "
            "rebinding looks like this): call it as localhost, 127.0.0.1 or an address it "
            f"listens on, or start it with {ALLOW_FLAG} {name} to accept that name"
        )


def local_address(request: web.Request) -> str | None:
    """The address the client connected to (this end of the socket)."""
    transport = request.transport
    sock: Any = transport.get_extra_info("sockname") if transport is not None else None
    if isinstance(sock, tuple) and sock:
        return str(sock[0])
    return None


def own_address(request: web.Request) -> str:
    """``host:port`` under which this client reaches the collector: its (checked) ``Host``,
    never a foreign name; without a ``Host``, the socket's own address."""
    host = request.headers.get("Host")
    parsed = split_host(host) if host is not None else None
    if parsed is not None and request.app[HOSTS].allows(host, local_address(request)):
        return format_host(*parsed)
    transport = request.transport
    sock: Any = transport.get_extra_info("sockname") if transport is not None else None
    if isinstance(sock, tuple) and len(sock) >= 2:
        return format_host(str(sock[0]), int(sock[1]))
    return "127.0.0.1"


def named_hosts(request: web.Request) -> list[str]:
    """Every host the request names: its ``Host`` header(s) and, for an absolute URI
    (``GET http://name/path``), the URI's authority, which wins over ``Host`` (RFC 9112)."""
    hosts = list(request.headers.getall("Host", []))
    raw = request.raw_path
    if not raw.startswith("/") and raw != "*":
        hosts.append(urlsplit(raw).netloc)
    return hosts


@web.middleware
async def host_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    hosts = named_hosts(request)
    policy = request.app[HOSTS]
    local = local_address(request)
    if (
        not all(policy.allows(h, local) for h in hosts)
        or len(request.headers.getall("Host", [])) > 1
    ):
        shown = ", ".join(hosts)
        return json_response(421, {"code": "host_not_allowed", "message": policy.refusal(shown)})
    return await handler(request)
