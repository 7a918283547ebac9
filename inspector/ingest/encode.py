"""Events as rows: the message serialised once, bounded, and what the collector needs back.

Each message is serialised here once (the stored ``message`` column) and never parsed again
on its way: the store writer inserts the text, and the collector gets back a *head* (the few
fields that name and place an event: type, ids, label) for its table and identity graph. A
message nested deeper than orjson serialises (255 levels) is kept to :data:`KEEP_DEPTH`
levels, the rest replaced by a note (the stored request keeps the body whole), so no reader
of the store ever has to recurse that deep.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from inspector.domain.capture import CapturedEvent
from inspector.domain.store_write import BODY_AT

KEEP_DEPTH = 100
_CLIPPED = "…(nested deeper than {} levels: not kept here; the request's body has it whole)"
# the top-level keys a head keeps (what the table, the identity graph and labels read)
HEAD_KEYS = (
    "type",
    "event",
    "name",
    "category",
    "userId",
    "anonymousId",
    "previousId",
    "groupId",
)
_SCALARS = (str, int, float, bool, type(None))
MID_AT = BODY_AT["message_id"]
GENERATED_AT = BODY_AT["generated_mid"]


class TooDeep(ValueError):
    pass


def dumps(obj: Any) -> str:
    """JSON text, exact for big integers; :class:`TooDeep` past what orjson nests."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError as exc:
        if "ecursion" in str(exc):
            raise TooDeep(str(exc)) from exc
    try:  # an integer over 64 bits: the stdlib is exact
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    except RecursionError as exc:
        raise TooDeep(str(exc)) from exc


def clip(obj: Any, limit: int = KEEP_DEPTH) -> Any:
    """A copy of ``obj`` with containers below ``limit`` levels replaced by a note."""
    note = _CLIPPED.format(limit)

    def copy(o: Any, depth: int) -> Any:
        if o.__class__ is dict:
            if depth >= limit:
                return note
            return {k: copy(v, depth + 1) for k, v in o.items()}
        if o.__class__ is list:
            if depth >= limit:
                return note
            return [copy(v, depth + 1) for v in o]
        return o

    return copy(obj, 1)


def encode(ev: CapturedEvent) -> tuple[str, str | None, bool]:
    """``(message JSON, original JSON, clipped)``; a too-deep message (or original) is
    clipped in place on the event first."""
    clipped = False
    try:
        text = dumps(ev.message)
    except TooDeep:
        ev.message = clip(ev.message)
        text, clipped = dumps(ev.message), True
    original = None
    if ev.original is not None:
        try:
            original = dumps(ev.original)
        except TooDeep:
            ev.original = clip(ev.original)
            original, clipped = dumps(ev.original), True
    return text, original, clipped


def _flat(v: Any) -> Any:
    return v if isinstance(v, _SCALARS) else str(v)


def _flat_traits(traits: Any) -> Any:
    if not isinstance(traits, dict):
        return None
    return {k: (v if v.__class__ is str else None) for k, v in traits.items()}


def head(m: dict[str, Any]) -> dict[str, Any]:
    """The fields of a message that name and place it, small and flat (safe to pickle)."""
    out = {k: _flat(m[k]) for k in HEAD_KEYS if k in m}
    ctx = m.get("context")
    if isinstance(ctx, dict):
        c: dict[str, Any] = {}
        if "groupId" in ctx:
            c["groupId"] = _flat(ctx["groupId"])
        if m.get("type") == "identify" and "traits" in ctx:
            c["traits"] = _flat_traits(ctx["traits"])
        out["context"] = c
    if m.get("type") == "identify" and "traits" in m:
        out["traits"] = _flat_traits(m["traits"])
    return out


def event_body(
    ev: CapturedEvent, text: str, original: str | None, lint: str | None
) -> tuple[Any, ...]:
    """The event's row but what a write transaction assigns (``EVENT_BODY`` order)."""
    m = ev.message
    s = ev.source
    g = m.get
    return (
        ev.session_id,
        ev.received_at,
        ev.timestamp,
        ev.type,
        _text(g("event")),
        _text(g("name")),
        _text(g("userId")),
        _text(g("anonymousId")),
        _text(g("previousId")),
        _text(g("groupId")),
        ev.message_id,
        int(ev.generated_message_id),
        s.write_key,
        s.auth,
        s.library,
        s.library_version,
        s.client,
        s.user_agent,
        ev.batch_index,
        ev.batch_size,
        ev.lint_level,
        lint,
        text,
        original,
    )


def _text(v: Any) -> str | None:
    if v is None or v.__class__ is str:
        return v
    try:
        return dumps(v)
    except TooDeep:
        return dumps(clip(v, 10))
