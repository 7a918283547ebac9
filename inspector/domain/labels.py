"""What an event is called: the one place that decides, for every consumer.

``event_label`` is the event's name as a person says it (a track's event, a page's or
screen's name or category, a group's groupId, an alias's previousId; None for identify). The
table, the People view, the detail title, the HTML report, closest misses, the MCP answers,
the pytest plugin's ``Event.label`` and the lint reports all ask it. ``row_label`` is what the
table's name column shows: the same, and for identify who it is (``identify_label``).
``kind_label`` names the kind of event (track and page/screen names only), as comparisons and
tracking plans group them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# the message key that names an event, per call type
LABEL_KEY = {
    "track": "event",
    "page": "name",
    "screen": "name",
    "group": "groupId",
    "alias": "previousId",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def event_label(type_: str | None, message: Mapping[str, Any]) -> str | None:
    """The event's name: track ``event``, page/screen ``name`` (else ``category``), group
    ``groupId``, alias ``previousId``; None for identify and unknown types."""
    key = LABEL_KEY.get(type_ or "")
    if key is None:
        return None
    label = _text(message.get(key))
    if not label and key == "name":
        return _text(message.get("category"))
    return label


def kind_label(type_: str | None, message: Mapping[str, Any]) -> str | None:
    """The name of the event's *kind*: a track's event, a page's or screen's name (or
    category); None for the other calls, whose kind is their type (a group's groupId names one
    group, not a kind). Comparisons (``diff``) and tracking plans group events by it."""
    return event_label(type_, message) if type_ in ("track", "page", "screen") else None


def identify_label(message: Any) -> str:
    """What an identify row shows in the name column (muted): who it is, or which traits.

    ``Ada Lovelace · ada@example.com (+1 trait)``, ``traits: plan, company``, ``no traits``;
    traits sent under ``context.traits`` (RudderStack) count too.
    """
    traits = message.get("traits") if isinstance(message, Mapping) else None
    if not isinstance(traits, Mapping) or not traits:
        ctx = message.get("context") if isinstance(message, Mapping) else None
        traits = ctx.get("traits") if isinstance(ctx, Mapping) else None
    if not isinstance(traits, Mapping) or not traits:
        return "no traits"
    used = [k for k in ("name", "email") if isinstance(traits.get(k), str) and traits[k]]
    parts = [traits[k] for k in used]
    if "name" not in used:
        full = " ".join(
            v for v in (traits.get("firstName"), traits.get("lastName")) if isinstance(v, str) and v
        )
        if full:
            parts.insert(0, full)
            used += [k for k in ("firstName", "lastName") if k in traits]
    if parts:
        rest = len(traits) - len(used)
        more = f" (+{rest} trait{'s' * (rest != 1)})" if rest > 0 else ""
        return " · ".join(p[:80] for p in parts) + more
    keys = [str(k) for k in list(traits)[:5]]
    return "traits: " + ", ".join(keys) + (", …" if len(traits) > 5 else "")


def row_label(type_: str | None, message: Mapping[str, Any]) -> str | None:
    """The table's name column: :func:`event_label`, and for identify :func:`identify_label`."""
    if type_ == "identify":
        return identify_label(message)
    return event_label(type_, message)
