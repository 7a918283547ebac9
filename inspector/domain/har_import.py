"""Reading a HAR file captured elsewhere (Chrome or Firefox DevTools, Charles, Proxyman,
mitmproxy, Playwright) for the tracking calls in it.

An entry is a tracking call when its path ends in a Segment-style route (``…/v1/batch``,
``…/v1/t``, ``…/v1/identify``, … on any host: Segment, RudderStack, Customer.io, a proxy) sent
with a body, or is a KISSmetrics call (``/e``, ``/s``, ``/a`` with an ``_k`` key). Each one
becomes a :class:`HarCall` that the collector ingests through the same path as live traffic;
every other entry is counted and skipped, and so is a tracking call that its server answered
with an error (3xx-5xx: the client sends it again, and that retry is in the HAR too).
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from inspector.domain import jsoncodec
from inspector.domain.intake import BATCH_ROUTES, ROUTE_TYPES
from inspector.domain.kissmetrics import KM_ROUTES
from inspector.domain.timeparse import parse_iso

SEGMENT_PATH = re.compile(
    r"/v1/("
    + "|".join(sorted(set(ROUTE_TYPES) | set(BATCH_ROUTES), key=len, reverse=True))
    + r")/?$",
    re.IGNORECASE,
)
# headers that describe the connection or a body encoding the HAR text no longer has
_DROP = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection"})


class HarError(ValueError):
    """A file that is not a HAR at all (what and where)."""


@dataclass(slots=True)
class HarCall:
    index: int  # the entry's position in log.entries
    kind: str  # "segment" | "kissmetrics"
    method: str
    path: str
    route: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    received_at: float


@dataclass(slots=True)
class HarRead:
    calls: list[HarCall] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> entries
    entries: int = 0


def _headers(items: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for h in items if isinstance(items, list) else []:
        if not isinstance(h, dict):
            continue
        name, value = h.get("name"), h.get("value")
        if not isinstance(name, str) or not isinstance(value, str) or name.startswith(":"):
            continue
        if name.lower() not in _DROP:
            out[name] = value
    return out


def _body(request: dict[str, Any]) -> bytes:
    post = request.get("postData")
    if not isinstance(post, dict):
        return b""
    text = post.get("text")
    if not isinstance(text, str):
        return b""
    if post.get("encoding") == "base64" or post.get("_encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return text.encode()
    return text.encode()


def classify(index: int, entry: Any) -> HarCall | str:
    """The tracking call in ``entry``, or why it is not one."""
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        return "not an entry with a request"
    req = entry["request"]
    url, method = req.get("url"), str(req.get("method") or "").upper()
    if not isinstance(url, str):
        return "no URL"
    parts = urlsplit(url)
    path = parts.path or "/"
    started = parse_iso(entry.get("startedDateTime"))
    when = started.timestamp() if started is not None else time.time()
    headers = _headers(req.get("headers"))
    resp = entry.get("response")
    status = resp.get("status") if isinstance(resp, dict) else None
    m = SEGMENT_PATH.search(path)
    last = "/" + path.rstrip("/").rsplit("/", 1)[-1].lower()
    tracking = (m is not None and method in ("POST", "PUT")) or (
        last.strip("/") in KM_ROUTES and method in ("GET", "POST")
    )
    if tracking and isinstance(status, int) and status >= 300:
        # not taken by the server it was sent to: the client sends it again (or gave up)
        return f"answered {status}"
    if m and method in ("POST", "PUT"):
        body = _body(req)
        if not body:
            return "a tracking route without a body (the HAR did not keep it)"
        return HarCall(
            index, "segment", method, path, m.group(1).lower(), parts.query, headers, body, when
        )
    if last.strip("/") in KM_ROUTES and method in ("GET", "POST"):
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = _body(req)
        if "_k" in params or b"_k=" in body:
            return HarCall(
                index,
                "kissmetrics",
                method,
                last,
                last.strip("/"),
                parts.query,
                headers,
                body,
                when,
            )
    if m:
        return f"{method} on a tracking route"
    return "not a tracking call"


def read_har(path: Path) -> HarRead:
    """The tracking calls of a HAR file, in its order; raises :class:`HarError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HarError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        doc = jsoncodec.loads(raw)
    except jsoncodec.JSONDecodeError as exc:
        raise HarError(f"{path}: not JSON (line {exc.line}, column {exc.column}): {exc}") from exc
    log = doc.get("log") if isinstance(doc, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: not a HAR file (no log.entries array)")
    out = HarRead(entries=len(entries))
    for i, entry in enumerate(entries):
        found = classify(i, entry)
        if isinstance(found, str):
            out.skipped[found] += 1
        else:
            out.calls.append(found)
    out.calls.sort(key=lambda c: (c.received_at, c.index))
    return out
