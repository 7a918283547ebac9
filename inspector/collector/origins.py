"""Which browser origins may read and change captured data through ``/api``.

A page's ``Origin`` is trusted when it is on this machine's loopback (``http(s)://localhost``,
``127.0.0.0/8``, ``[::1]``, any port), or when the user allowed it (``--allow-origin``,
Settings). Everything else, ``null`` included, is a page the user merely opened.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

ALLOW_FLAG = "--allow-origin"


def normalize_origin(origin: str) -> str:
    """``scheme://host[:port]`` lower-cased with the scheme's default port dropped, the form
    browsers send; anything that is not such an origin is returned stripped (``null``)."""
    text = origin.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return text.lower() if text.lower() == "null" else text
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    default = 80 if parts.scheme == "http" else 443
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme}://{host}{suffix}"


def origin_problem(text: str) -> str | None:
    """Why ``text`` can never match a page's ``Origin`` (None: it can), for a user's
    ``--allow-origin`` or Settings entry: ``app.test:3000`` lacks the scheme browsers send."""
    t = text.strip()
    try:
        parts = urlsplit(t)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return f"{t!r} has a port that is not a number from 0 to 65535"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{t!r} is not an origin: write it as pages send it, e.g. https://{t or 'app.test'}"
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        return f"{t!r} is not an origin: only scheme://host[:port], e.g. {normalize_origin(t)}"
    return None


def is_loopback_origin(origin: str) -> bool:
    try:
        parts = urlsplit(origin.strip())
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if "@" in parts.netloc or parts.path not in ("", "/") or parts.query or parts.fragment:
        return False  # not an origin as browsers send it
    host = parts.hostname.lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OriginPolicy:
    """Answers "may a page on this origin use ``/api``?" (mutable: Settings can change it)."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.allowed: frozenset[str] = frozenset()
        self.set_allowed(allowed)

    def set_allowed(self, allowed: Iterable[str]) -> None:
        self.allowed = frozenset(normalize_origin(o) for o in allowed if o and o.strip())

    def allows(self, origin: str) -> bool:
        return is_loopback_origin(origin) or normalize_origin(origin) in self.allowed

    def refusal(self, origin: str) -> str:
        shown = origin if len(origin) <= 200 else origin[:200] + "…"
        return (
            f"pages on {shown!r} may not use the Event Inspector API; to allow one, start the "
            f"collector with {ALLOW_FLAG} {normalize_origin(origin)!s} (or add it under "
            "Settings → Allowed origins)"
        )
