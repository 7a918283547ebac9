"""Vendor dialects normalised to the Segment spec (the original is kept beside the result)."""

from __future__ import annotations

from typing import Any

# Astronomer Clickstream spells ids with a capital D and group with a capital G.
_ASTRONOMER_KEYS = {"userID": "userId", "anonymousID": "anonymousId", "groupID": "groupId",
                    "previousID": "previousId", "messageID": "messageId"}
CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")


def normalise(message: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return ``(normalised, original)``; ``original`` is None when nothing had to change."""
    changed = False
    out = message
    for wrong, right in _ASTRONOMER_KEYS.items():
        if wrong in out and right not in out:
            if not changed:
                out, changed = dict(message), True
            out[right] = out.pop(wrong)
    t = out.get("type")
    if isinstance(t, str) and t not in CALL_TYPES and t.lower() in CALL_TYPES:
        if not changed:
            out, changed = dict(message), True
        out["type"] = t.lower()
    return (out, message) if changed else (message, None)
