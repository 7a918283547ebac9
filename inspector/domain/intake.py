"""Turn one HTTP request body into Segment messages: decode, parse, split, merge, normalise."""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.auth import header_key, resolve_key
from inspector.domain.capture import CapturedEvent, Source
from inspector.domain.clients import detect_client
from inspector.domain.dialects import normalise
from inspector.domain.errors import IntakeError
from inspector.domain.timeparse import corrected_timestamp, parse_iso

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
    ``Authorization`` header carried, when ``headers`` are kept masked (the inbox)."""
    received_dt = datetime.fromtimestamp(received_at, UTC)
    envelope = parsed.envelope
    env_sent_at = parse_iso(envelope.get("sentAt")) if envelope else None
    ua = headers.get("User-Agent") or headers.get("user-agent")
    hdr_key, hdr_form = header_auth if header_auth is not None else header_key(headers)
    events: list[CapturedEvent] = []
    n = len(parsed.messages)
    outers = _merged_keys(envelope)
    for i, item in enumerate(parsed.messages):
        msg = _merge(item, outers) if outers else item
        msg, original = normalise(msg)
        t = msg.get("type")
        if not isinstance(t, str) or not t:
            if parsed.route_type:
                msg = dict(msg)
                msg["type"] = t = parsed.route_type
            else:
                t = "unknown"
        mid = msg.get("messageId")
        generated = not isinstance(mid, str) or not mid
        message_id: str = str(uuid.uuid4()) if generated else mid  # type: ignore[assignment]
        if hdr_form != "none":
            write_key, auth = hdr_key, hdr_form
        else:
            write_key, auth = resolve_key({}, query, envelope, msg)
        lib, lib_version = _library(msg)
        # (positional arguments: dataclass fields in order; keywords cost more, per event)
        source = Source(write_key, auth, lib, lib_version, ua)
        source.client = detect_client(source, headers, envelope, msg)
        ts = corrected_timestamp(received_dt, msg, env_sent_at).timestamp()
        events.append(
            CapturedEvent(
                session_id,  # session_id
                received_at,  # received_at
                msg,  # message
                t,  # type
                ts,  # timestamp
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
