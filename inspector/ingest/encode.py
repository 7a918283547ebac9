"""Events on their way to the store: the message serialised once, bounded, and what the
collector needs back.

Each message is serialised here once (the stored ``message`` column) and never parsed again
on its way: the store writer inserts the text (the row: :func:`event_body`, from
:mod:`inspector.domain.store_rows`), and the collector gets back a *head* (the few fields
that name and place an event: type, ids, label) for its table and identity graph. A message
nested deeper than orjson serialises (255 levels) is clipped (``store_rows.clip``: the rest
replaced by a note; the stored request keeps the body whole), so no reader of the store ever
has to recurse that deep.
"""

from __future__ import annotations

from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.store_rows import TooDeep, clip, dumps
from inspector.domain.store_write import BODY_AT

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
