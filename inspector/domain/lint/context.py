"""The per-message lint context handed to every check (one reused object per engine)."""

from __future__ import annotations

from typing import Any

CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")


class Ctx:
    """What a check may read besides the message. Set per batch/message by the engine."""

    __slots__ = (
        "cat",
        "cfg",
        "event",
        "future_iso",
        "future_ts",
        "names",
        "original",
        "past_iso",
        "plan",
        "received",
        "shape",
        "shapes",
        "state",
    )

    def __init__(self, cfg: Any, cat: Any, state: Any, plan: Any) -> None:
        self.cfg, self.cat, self.state, self.plan = cfg, cat, state, plan
        self.original: dict[str, Any] | None = None
        self.event: Any = None  # the CapturedEvent, None for lint_message
        self.received = 0.0
        self.future_ts = 0.0
        self.future_iso = ""
        self.past_iso = ""  # received - max skew, as YYYY-MM-DDTHH:MM:SS (UTC)
        self.names: dict[str, Any] = {}  # per-engine cache of event-name analysis
        # (fast path) this message's properties, their keys and value types, once computed
        # (and, from the fused track checks, their memo entry of that shape)
        self.shape: tuple[Any, ...] | None = None
        # (fast path) what a track call's shape decides, per (event, keys, value types)
        self.shapes: dict[tuple[Any, ...], Any] = {}
