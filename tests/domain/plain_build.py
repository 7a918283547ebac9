"""The events of a request built the plain way, one rule call per event: ``build_events`` as it
was before what is the same for every event of a request was worked out once per request.
tests/domain/test_build_same.py holds :func:`inspector.domain.intake.build_events` to it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from inspector.domain.auth import header_key, resolve_key
from inspector.domain.capture import CapturedEvent, Source
from inspector.domain.clients import detect_client
from inspector.domain.dialects import normalise
from inspector.domain.intake import Parsed, _library, _merge, _merged_keys
from inspector.domain.timeparse import corrected_timestamp, parse_iso


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
