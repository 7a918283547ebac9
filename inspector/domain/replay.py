"""A stored request made ready to send again: as a ``curl`` command or for a resend.

The store keeps headers with credentials masked; the ``Authorization`` header is rebuilt from
the write key kept with the request (the same key its events show). The body is the one kept:
a request the collector could read was kept decoded, so it is sent without its
``Content-Encoding``.
"""

from __future__ import annotations

import base64
import shlex
from dataclasses import dataclass, field

from inspector.domain.auth import SECRET_HEADERS
from inspector.domain.capture import RawRequest

# headers that describe one connection or a body we do not send as it came
_SKIP = frozenset(
    {
        "host",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "accept-encoding",
        "expect",
        "upgrade",
        "te",
    }
)


@dataclass(slots=True)
class Outgoing:
    """An HTTP request to send: method, path with query, headers and body bytes."""

    method: str
    target: str  # path and query, e.g. /v1/batch?x=1
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    notes: list[str] = field(default_factory=list)  # what could not be kept as it was

    def url(self, base: str) -> str:
        return base.rstrip("/") + self.target


def authorization(auth: str | None, write_key: str | None) -> str | None:
    """The ``Authorization`` header a client sent, from its form and write key."""
    if not write_key or not auth:
        return None
    if auth == "basic":
        return "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()
    if auth == "basic-nocolon":
        return "Basic " + base64.b64encode(write_key.encode()).decode()
    if auth == "bearer":
        return f"Bearer {write_key}"
    return None


def outgoing(raw: RawRequest) -> Outgoing:
    """What to send to repeat ``raw`` (against this collector or the forward URL)."""
    out = Outgoing(raw.method, raw.path + (f"?{raw.query}" if raw.query else ""))
    for k, v in raw.headers.items():
        low = k.lower()
        if low in _SKIP:
            continue
        if low in SECRET_HEADERS:
            if low == "authorization":
                rebuilt = authorization(raw.auth, raw.write_key)
                if rebuilt is not None:
                    out.headers[k] = rebuilt
                    continue
            out.notes.append(f"{k} was not kept (a credential): not sent")
            continue
        out.headers[k] = v
    if raw.content_encoding and not raw.rejected:
        out.notes.append(f"the body is sent decoded (it came with {raw.content_encoding})")
    elif raw.content_encoding:  # a rejected body is kept as it came: send it so
        out.headers["Content-Encoding"] = raw.content_encoding
    out.body = raw.body
    return out


def _quote_bytes_printf(data: bytes) -> str:
    """A POSIX ``printf`` format that prints ``data`` exactly (octal escapes)."""
    parts = []
    for b in data:
        c = chr(b)
        if 32 <= b < 127 and c not in "\\'%":
            parts.append(c)
        else:
            parts.append(f"\\{b:03o}")
    return "'" + "".join(parts) + "'"


def curl_command(req: Outgoing, base_url: str) -> str:
    """A ``curl`` command line (POSIX shell) that sends ``req`` to ``base_url`` as is."""
    args = ["curl", "-sS", "-X", req.method, req.url(base_url)]
    for k, v in req.headers.items():
        args += ["-H", f"{k}: {v}"]
    head = " ".join(shlex.quote(a) for a in args)
    if not req.body and req.method in ("GET", "HEAD"):
        return head
    try:
        text = req.body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return f"{head} --data-binary {shlex.quote(text)}"
    return f"printf {_quote_bytes_printf(req.body)} | {head} --data-binary @-"
