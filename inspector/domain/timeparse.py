"""Lenient ISO-8601 parsing and the Segment clock-skew correction."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_LENIENT = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?$"
)


_fromisoformat = datetime.fromisoformat


def parse_iso(value: Any) -> datetime | None:
    """Parse an ISO-8601 string (``Z`` or offsets, 0-9 fraction digits, unpadded parts).

    Returns an aware datetime (naive input is taken as UTC) or None when it is not a date.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        m = _LENIENT.match(value.strip())
        if not m:
            return None
        y, mo, d, h, mi, s, frac, tz = m.groups()
        try:
            micro = int((frac or "0")[:6].ljust(6, "0"))
            dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
        except ValueError:
            return None
        if tz:
            tzs = tz.upper().replace(":", "")
            if tzs != "Z":
                try:
                    dt = datetime.fromisoformat(dt.isoformat() + tzs[:3] + ":" + tzs[3:])
                except ValueError:
                    return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def iso(dt: datetime) -> str:
    """Render as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC, the form Segment shows."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def corrected_timestamp(
    received_at: datetime, message: dict[str, Any], envelope_sent_at: Any
) -> datetime:
    """``receivedAt - (sentAt - originalTimestamp)``; falls back to what is known.

    ``sentAt`` is the event's own when it has one (analytics.js, rudder node), else the
    envelope's (given as a string, or already parsed when a batch is split).
    """
    original = parse_iso(message.get("originalTimestamp")) or parse_iso(message.get("timestamp"))
    if original is None:
        return received_at
    sent = parse_iso(message.get("sentAt")) if "sentAt" in message else None
    if sent is None:
        sent = (
            envelope_sent_at
            if isinstance(envelope_sent_at, datetime)
            else parse_iso(envelope_sent_at)
        )
    if sent is None:
        return original
    return received_at - (sent - original)


def _iso(value: Any) -> datetime | None:
    """:func:`parse_iso`, with its usual case (``fromisoformat`` reads the string) inline."""
    if value.__class__ is str and value:
        try:
            dt = _fromisoformat(value)
        except ValueError:
            return parse_iso(value)
        return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
    return parse_iso(value)


def event_time(received_at: datetime, message: dict[str, Any], sent_at: datetime | None) -> float:
    """``corrected_timestamp(received_at, message, sent_at).timestamp()`` to the bit, for the
    events of one request: ``sent_at`` is the envelope's ``sentAt``, parsed once for them all."""
    value = message.get("originalTimestamp")
    original = _iso(value) if value is not None else None
    if original is None:
        value = message.get("timestamp")
        if value is None or (original := _iso(value)) is None:
            return received_at.timestamp()
    sent = (_iso(message.get("sentAt")) or sent_at) if "sentAt" in message else sent_at
    if sent is None:
        return original.timestamp()
    return (received_at - (sent - original)).timestamp()
