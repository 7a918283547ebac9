"""What a collector prints when it starts beyond loopback (``serve`` and the window alike):
every URL a device can use, the phone page as a QR code, what ``--lan`` listens on."""

from __future__ import annotations

from typing import Any

from inspector.domain.phone_setup import is_loopback_url


def lan_line(server: Any) -> str:
    """The startup line of ``--lan``: every LAN URL, or why there is none."""
    ep = server.endpoints
    lan = [u for u in ep.http + ep.https if not is_loopback_url(u)]
    if not lan:
        return "no LAN address to listen on (not connected?): reachable from this machine only"
    return "listening on the LAN too: " + "  ".join(lan) + "  (/api needs the token)"


def tls_line(server: Any) -> str:
    """The HTTPS port's line (serve --tls, --lan), with where the CA is."""
    return (
        f"listening on {server.tls_url}  (HTTPS; trust the CA {server.tls.ca_cert}, "
        f"also at {server.url}/ca.pem)"
    )


def token_line(token: str) -> str:
    return (
        f"api token: {token}  (send it as the X-Inspector-Token header or ?token= on /api; "
        "choose your own with --token)"
    )


def print_lan_warning(server: Any, out: Any) -> None:
    print(
        "warning: --lan: reachable from other machines on this network "
        f"({', '.join(server.listening)})",
        file=out,
    )
    for host, why in server.skipped:
        print(f"warning: --lan: not listening on {host}: {why}", file=out)


def print_phone_setup(server: Any, out: Any) -> None:
    """Every URL a device can use and, when a phone can reach it, the phone page as a QR code."""
    ep = server.endpoints
    if len(ep.http) > 1:  # the LAN's first: those are what a phone types
        urls = sorted(ep.https + ep.http, key=is_loopback_url)
        print("a device can use: " + "  ".join(urls), file=out)
    if is_loopback_url(ep.phone_page):
        return
    import segno

    print(f"phone setup: {ep.phone_page}  (scan the code below)", file=out)
    segno.make(ep.phone_page, error="m").terminal(out=out, compact=True)
    out.flush()
