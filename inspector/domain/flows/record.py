"""A flow recorded from events (the window's "Save selection as flow"): each event becomes a
step that asks for its call type and name, in the order the events arrived."""

from __future__ import annotations

from collections.abc import Iterable

from inspector.domain.capture import CapturedEvent
from inspector.domain.flows.model import Flow, flow_from_data


def quote(text: str) -> str:
    """A query phrase: ``"…"`` with ``\\`` and ``"`` escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def step_query(ev: CapturedEvent) -> str:
    """``type:track event:"Order Completed"``, ``type:page name:"Pricing"``, ``type:identify``."""
    if ev.type == "track" and ev.event:
        return f"type:track event:{quote(ev.event)}"
    if ev.type in ("page", "screen") and ev.name:
        return f"type:{ev.type} name:{quote(ev.name)}"
    if ev.type in ("identify", "track", "page", "screen", "group", "alias"):
        return f"type:{ev.type}"
    return f"type:{quote(ev.type)}"


def flow_from_events(name: str, events: Iterable[CapturedEvent]) -> Flow:
    """The events (sorted by arrival) as a flow named ``name``; FlowError when there is none."""
    ordered = sorted(events, key=lambda e: (e.seq, e.id))
    return flow_from_data({"name": name, "steps": [{"q": step_query(e)} for e in ordered]})
