"""This machine's names and addresses: what a phone or emulator can use to reach the collector."""

from __future__ import annotations

import ipaddress
import socket

import psutil

LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")


def lan_addresses() -> list[str]:
    """Addresses of this machine's up interfaces that another device could reach.

    IPv4 first (what a person types), loopback, link-local and IPv6 scope ids left out.
    """
    stats = psutil.net_if_stats()
    v4: list[str] = []
    v6: list[str] = []
    for name, addrs in psutil.net_if_addrs().items():
        st = stats.get(name)
        if st is not None and not st.isup:
            continue
        for a in addrs:
            if a.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            try:
                ip = ipaddress.ip_address(a.address.split("%", 1)[0])
            except ValueError:
                continue
            if ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified:
                continue
            (v4 if ip.version == 4 else v6).append(str(ip))
    return sorted(set(v4), key=_ip_key) + sorted(set(v6), key=_ip_key)


def _ip_key(addr: str) -> tuple[int, int]:
    ip = ipaddress.ip_address(addr)
    return (ip.version, int(ip))


def host_names() -> list[str]:
    """``localhost``, the host name and its ``.local`` (mDNS) form."""
    names = ["localhost"]
    host = socket.gethostname().strip().rstrip(".")
    if host and host != "localhost":
        names.append(host)
        if "." not in host:
            names.append(f"{host}.local")
    return names


def url_host(addr: str) -> str:
    """An address as it goes in a URL (IPv6 in brackets)."""
    return f"[{addr}]" if ":" in addr else addr
