"""Vendor dialects normalised to the Segment spec (the original is kept beside the result).

Astronomer Clickstream (an analytics.js-compatible collector written in Go) spells the ids
``userID``, ``anonymousID``, ``groupID``, ``previousID``, ``messageID`` and accepts capitalised
types (``"type": "Group"``). The normalised message carries the camelCase keys and a lower-case
type; ``original`` is the message exactly as it arrived, which the linter reads to warn about
the spelling (W001/W002) and about two spellings that disagree (E014).
"""

from __future__ import annotations

from typing import Any

ASTRONOMER_KEYS = {
    "userID": "userId",
    "anonymousID": "anonymousId",
    "groupID": "groupId",
    "previousID": "previousId",
    "messageID": "messageId",
}
CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")
CALL_TYPE_SET = frozenset(CALL_TYPES)
VARIANT_KEYS = ASTRONOMER_KEYS.keys()


def normalise(message: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return ``(normalised, original)``; ``original`` is None when nothing had to change.

    A variant key fills its canonical key when that is absent or null (Python clients send
    ``"userId": null`` beside whatever else the app added); when both carry values they are
    both kept untouched, and the canonical one wins downstream.
    """
    t = message.get("type")
    # (keys() on both sides: the five variants are looked up in the message, in C)
    if (not isinstance(t, str) or t in CALL_TYPE_SET) and VARIANT_KEYS.isdisjoint(message.keys()):
        return message, None  # (the usual message: nothing to change)
    changed = False
    out = message
    for wrong, right in ASTRONOMER_KEYS.items():
        if wrong not in message:
            continue
        if message.get(right) is not None:
            continue
        if not changed:
            out, changed = dict(message), True
        out[right] = out.pop(wrong)
    t = out.get("type")
    if isinstance(t, str) and t not in CALL_TYPES and t.strip().lower() in CALL_TYPES:
        if not changed:
            out, changed = dict(message), True
        out["type"] = t.strip().lower()
    return (out, message) if changed else (message, None)
