"""Event factories: captured events as the collector would have made them, for tests.

    ev = event({"type": "track", "event": "Order Completed"}, id=1)
    evs = events({"type": "identify", "userId": "u1"}, {"type": "track", "event": "E"})
    ev = track("Order Completed", revenue=9.99, userId="u1")

Everything not given has a plain default: session 1, write key ``WK``, the library's name as
the client, ``received_at`` and ``timestamp`` at a fixed instant (``T0``) plus the event's
id in seconds, the messageId ``m<id>`` unless the message has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from inspector.domain.capture import CapturedEvent, Finding, Severity, Source

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z: a fixed instant, so tests never depend on now


def event(
    message: dict[str, Any],
    *,
    id: int = 0,
    session_id: int = 1,
    at: float | None = None,
    timestamp: float | None = None,
    type: str | None = None,
    library: str | None = "analytics-python",
    client: str | None = None,
    write_key: str | None = "WK",
    lint: Sequence[Finding] = (),
    dup: bool = False,
    message_id: str | None = None,
    batch_index: int = 0,
) -> CapturedEvent:
    """One captured event of ``message``; its type is the message's unless given."""
    received = T0 + id if at is None else at
    mid = message.get("messageId")
    return CapturedEvent(
        session_id=session_id,
        received_at=received,
        message=message,
        type=type if type is not None else str(message.get("type", "unknown")),
        timestamp=received if timestamp is None else timestamp,
        source=Source(write_key=write_key, library=library, client=client or library),
        message_id=message_id or (str(mid) if mid is not None else f"m{id}"),
        dup=dup,
        lint=list(lint),
        batch_index=batch_index,
        id=id,
        seq=id,
    )


def events(*messages: dict[str, Any], first_id: int = 1, **kw: Any) -> list[CapturedEvent]:
    """Events of ``messages`` in order, with ids (and seconds after ``T0``) from ``first_id``."""
    return [event(m, id=i, **kw) for i, m in enumerate(messages, first_id)]


def of(messages: Iterable[dict[str, Any]], **kw: Any) -> list[CapturedEvent]:
    """:func:`events` of an iterable."""
    return events(*messages, **kw)


def track(name: str, *, id: int = 0, **fields: Any) -> CapturedEvent:
    """A track call named ``name``; ``fields`` are its top-level keys (``userId=…``) but for
    ``properties`` given as a dict."""
    return event({"type": "track", "event": name, **fields}, id=id)


def identify(user_id: str | None = None, *, id: int = 0, **fields: Any) -> CapturedEvent:
    message: dict[str, Any] = {"type": "identify", **fields}
    if user_id is not None:
        message["userId"] = user_id
    return event(message, id=id)


def finding(
    rule: str, severity: Severity = "warning", message: str = "", path: str | None = None
) -> Finding:
    """A lint finding (``severity``: error, warning or info)."""
    return Finding(rule, severity, message or rule, path)
