"""Stored rows back in the collector as events, without parsing a message again.

The store writer hands back each stored event's row with its *head* (the fields that name and
place it) and its findings. :class:`AnnouncedEvent` is a :class:`CapturedEvent` whose message
is decoded from the stored JSON only if someone reads all of it (a ``/api/wait`` predicate
that looks into properties, the detail pane); the table and the identity graph read the head.
"""

from __future__ import annotations

from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent, Finding
from inspector.domain.store_rows import request_from_row, source_of
from inspector.domain.store_write import BODY_COLUMNS
from inspector.ingest.prepared import Row, Stored

_MESSAGE = CapturedEvent.__dict__["message"]  # the dataclass slot
_ORIGINAL = CapturedEvent.__dict__["original"]
_AT = {c: i + 4 for i, c in enumerate(BODY_COLUMNS)}  # in (id, seq, rid, dup, *body, ...)


class AnnouncedEvent(CapturedEvent):
    """An event as stored, its message decoded on first use."""

    __slots__ = ("_head", "_json", "_original_json")
    _head: dict[str, Any] | None
    _json: str
    _original_json: str | None

    @property
    def message(self) -> dict[str, Any]:
        m = _MESSAGE.__get__(self)
        if m is None:
            m = jsoncodec.loads(self._json)
            _MESSAGE.__set__(self, m)
        return m  # type: ignore[no-any-return]

    @message.setter
    def message(self, value: dict[str, Any] | None) -> None:
        _MESSAGE.__set__(self, value)

    @property
    def original(self) -> dict[str, Any] | None:
        o = _ORIGINAL.__get__(self)
        if o is None and self._original_json:
            o = jsoncodec.loads(self._original_json)
            _ORIGINAL.__set__(self, o)
        return o  # type: ignore[no-any-return]

    @original.setter
    def original(self, value: dict[str, Any] | None) -> None:
        _ORIGINAL.__set__(self, value)

    @property
    def head(self) -> dict[str, Any]:
        return self._head if self._head is not None else self.message

    def message_json(self) -> str:
        return self._json


def _event(row: Row) -> AnnouncedEvent:
    a = _AT
    ev = AnnouncedEvent(
        session_id=row[a["session_id"]],
        received_at=row[a["received_at"]],
        message=None,  # type: ignore[arg-type]
        type=row[a["type"]],
        timestamp=row[a["ts"]],
        source=source_of(row[a["source_id"]]),  # (its key: see store_rows)
        message_id=row[a["message_id"]],
        request_id=row[2],
        batch_index=row[a["batch_index"]],
        batch_size=row[a["batch_size"]],
        generated_message_id=bool(row[a["generated_mid"]]),
        dup=bool(row[3]),
        lint=[Finding(*f) for f in row[-1]],
        id=row[0],
        seq=row[1],
    )
    ev._json = row[a["message"]]
    ev._original_json = row[a["original"]]
    ev._head = row[-2]
    return ev


def announced(stored: Stored) -> list[tuple[Any, list[CapturedEvent]]]:
    """``(request, its events)`` for each request of a store step, in order."""
    out = []
    at = 0
    for req_row, n in stored.requests:
        events: list[CapturedEvent] = [_event(r) for r in stored.events[at : at + n]]
        at += n
        out.append((request_from_row(req_row), events))
    return out
