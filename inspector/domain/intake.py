"""Turn one HTTP request body into Segment messages: decode, parse, split, merge, normalise."""

from __future__ import annotations

import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.auth import header_key
from inspector.domain.capture import CapturedEvent, Source
from inspector.domain.clients import RequestClients, detect_client
from inspector.domain.dialects import CALL_TYPE_SET, VARIANT_KEYS, normalise
from inspector.domain.errors import IntakeError
from inspector.domain.timeparse import event_time, parse_iso

ROUTE_TYPES = {
    "identify": "identify",
    "i": "identify",
    "track": "track",
    "t": "track",
    "page": "page",
    "p": "page",
    "screen": "screen",
    "s": "screen",
    "group": "group",
    "g": "group",
    "alias": "alias",
    "a": "alias",
}
BATCH_ROUTES = frozenset({"batch", "import", "b"})
DEFAULT_MAX_BODY = 16 * 1024 * 1024  # rudder clients send up to 4 MiB; keep a margin


@dataclass(slots=True)
class Parsed:
    messages: list[dict[str, Any]]
    envelope: dict[str, Any] | None  # the batch envelope without its items, None for singles
    route_type: str | None


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
        int: "a number",
        float: "a number",
    }.get(type(value), "a value")


def decode_body(body: bytes, content_encoding: str, limit: int = DEFAULT_MAX_BODY) -> bytes:
    """Undo ``Content-Encoding`` with a bound on the decompressed size."""
    enc = (content_encoding or "").strip().lower()
    if len(body) > limit:
        raise IntakeError(
            "payload_too_large", f"request body is {len(body)} bytes, over the {limit}-byte limit"
        )
    if enc in ("", "identity"):
        return body
    if enc not in ("gzip", "x-gzip", "deflate"):
        raise IntakeError(
            "unsupported_encoding",
            f"Content-Encoding {content_encoding!r} is not supported (gzip, deflate)",
        )
    wbits = 16 + zlib.MAX_WBITS if enc != "deflate" else zlib.MAX_WBITS
    d = zlib.decompressobj(wbits)
    try:
        out = d.decompress(body, limit + 1)
    except zlib.error as exc:
        raise IntakeError("invalid_gzip", f"body is not valid {enc} data: {exc}") from exc
    if len(out) > limit or d.unconsumed_tail:
        raise IntakeError("payload_too_large", f"decompressed body is over the {limit}-byte limit")
    if not d.eof:
        raise IntakeError("invalid_gzip", f"{enc} body is truncated (stream did not end)")
    return out


def parse_body(route: str, body: bytes) -> Parsed:
    """Parse JSON whatever the Content-Type, and split a batch into its messages."""
    if not body.strip():
        raise IntakeError("empty_body", "request body is empty; expected a JSON object")
    try:
        data = jsoncodec.loads(body)
    except jsoncodec.JSONDecodeError as exc:
        raise IntakeError(
            "invalid_json", f"invalid JSON at line {exc.line}, column {exc.column}: {exc}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise IntakeError("invalid_json", f"body is not UTF-8 at byte {exc.start}") from exc
    if not isinstance(data, dict):
        raise IntakeError("invalid_body", f"body is {_kind(data)}, expected a JSON object")
    route_type = ROUTE_TYPES.get(route)
    if route in BATCH_ROUTES or (route_type is None and "batch" in data):
        items = data.get("batch")
        if not isinstance(items, list):
            where = "is missing" if items is None else f"is {_kind(items)}"
            raise IntakeError("invalid_batch", f"'batch' {where}; expected an array of messages")
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise IntakeError(
                    "invalid_batch_item", f"batch[{i}] is {_kind(item)}, expected an object"
                )
        envelope = {k: v for k, v in data.items() if k != "batch"}
        return Parsed(items, envelope, None)
    return Parsed([data], None, route_type)


def _merged_keys(envelope: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """The envelope's objects that each of its items is merged with (once per batch)."""
    if not envelope:
        return []
    found = []
    for key in ("context", "integrations"):
        outer = envelope.get(key)
        if isinstance(outer, dict) and outer:
            found.append((key, outer))
    return found


def _merge(item: dict[str, Any], outers: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    out = item
    for key, outer in outers:
        inner = out.get(key)
        merged = {**outer, **inner} if isinstance(inner, dict) else dict(outer)
        if out is item:
            out = dict(item)
        out[key] = merged
    return out


def _library(message: Mapping[str, Any]) -> tuple[str | None, str | None]:
    ctx = message.get("context")
    lib = ctx.get("library") if isinstance(ctx, dict) else None
    if isinstance(lib, dict):
        n, v = lib.get("name"), lib.get("version")
        return (n if isinstance(n, str) else None, v if isinstance(v, str) else None)
    return None, None


_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))  # the bits a version 4 UUID sets
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


class NewIds:
    """Random (version 4) UUIDs as text, as ``str(uuid.uuid4())`` gives, for the messages of
    a request that came without a ``messageId``: the random bytes of up to ``count`` ids
    read at once (one system call, not one an id; ~4x less CPU an id)."""

    __slots__ = ("_at", "_pool")

    def __init__(self, count: int) -> None:
        self._pool = os.urandom(16 * max(count, 1))
        self._at = 0

    def next(self) -> str:
        at = self._at
        if at >= len(self._pool):
            self._pool, at = os.urandom(16), 0
        self._at = at + 16
        h = "%032x" % (int.from_bytes(self._pool[at : at + 16], "big") & _V4_CLEAR | _V4_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _body_key(
    envelope: dict[str, Any] | None, query: Mapping[str, str]
) -> tuple[tuple[str | None, str] | None, tuple[str | None, str]]:
    """Without header auth, what :func:`~inspector.domain.auth.resolve_key` finds before and
    after the message: the envelope's ``writeKey`` (the same for every event, None when it
    has none), and ``?writeKey=``."""
    wk = envelope.get("writeKey") if envelope is not None else None
    q = query.get("writeKey") or query.get("writekey")
    return ((wk, "body") if isinstance(wk, str) and wk else None), (
        (q, "query") if q else (None, "none")
    )


def build_events(
    parsed: Parsed,
    *,
    session_id: int,
    received_at: float,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    request_id: int = 0,
    header_auth: tuple[str | None, str] | None = None,
) -> list[CapturedEvent]:
    """The events of one parsed request. ``header_auth``: the write key and form the
    ``Authorization`` header carried, when ``headers`` are kept masked (the inbox).

    What is the same for every event of the request (received time, the envelope's
    ``sentAt``, User-Agent, write key, what the headers and envelope tell of the client) is
    worked out once; tests/domain/test_build_same.py holds this to the per-event rules
    (:func:`~inspector.domain.clients.detect_client`,
    :func:`~inspector.domain.timeparse.corrected_timestamp`, ...) it stands for."""
    received_dt = datetime.fromtimestamp(received_at, UTC)
    envelope = parsed.envelope
    env_sent_at = parse_iso(envelope.get("sentAt")) if envelope else None
    ua = headers.get("User-Agent") or headers.get("user-agent")
    hdr_key, hdr_form = header_auth if header_auth is not None else header_key(headers)
    fixed_key, query_key = (
        ((hdr_key, hdr_form), (None, "none")) if hdr_form != "none" else _body_key(envelope, query)
    )
    clients = RequestClients(headers, envelope, ua) if ua is None or isinstance(ua, str) else None
    route_type = parsed.route_type
    events: list[CapturedEvent] = []
    append = events.append
    n = len(parsed.messages)
    outers = _merged_keys(envelope)
    ids: NewIds | None = None
    message_id: str
    for i, item in enumerate(parsed.messages):
        msg = _merge(item, outers) if outers else item
        t = msg.get("type")
        if (not isinstance(t, str) or t in CALL_TYPE_SET) and VARIANT_KEYS.isdisjoint(msg.keys()):
            original = None  # (the usual message: normalise would change nothing)
        else:
            msg, original = normalise(msg)
            t = msg.get("type")
        if not isinstance(t, str) or not t:
            if route_type:
                msg = dict(msg)
                msg["type"] = t = route_type
            else:
                t = "unknown"
        mid = msg.get("messageId")
        generated = not isinstance(mid, str) or not mid
        if generated:
            if ids is None:
                ids = NewIds(n - i)
            message_id = ids.next()
        else:
            message_id = mid  # type: ignore[assignment]  # (a str that is not empty)
        if fixed_key is not None:
            write_key, auth = fixed_key
        else:
            wk = msg.get("writeKey")
            write_key, auth = (wk, "body") if isinstance(wk, str) and wk else query_key
        ctx = msg.get("context")  # (what _library reads, inline)
        library = ctx.get("library") if isinstance(ctx, dict) else None
        lib: str | None = None
        lib_version: str | None = None
        if isinstance(library, dict):
            name, version = library.get("name"), library.get("version")
            lib = name if isinstance(name, str) else None
            lib_version = version if isinstance(version, str) else None
        # (positional arguments: dataclass fields in order; keywords cost more, per event)
        source = Source(write_key, auth, lib, lib_version, ua)
        if clients is not None:
            source.client = clients.client(lib, lib_version, write_key, auth, msg, mid)
        else:
            source.client = detect_client(source, headers, envelope, msg)
        append(
            CapturedEvent(
                session_id,  # session_id
                received_at,  # received_at
                msg,  # message
                t,  # type
                event_time(received_dt, msg, env_sent_at),  # timestamp
                source,  # source
                message_id,  # message_id
                request_id,  # request_id
                i,  # batch_index
                n,  # batch_size
                original,  # original
                generated,  # generated_message_id
            )
        )
    return events
