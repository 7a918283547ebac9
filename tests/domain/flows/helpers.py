"""Events for flow tests, built the way the collector builds them (ids in arrival order)."""

from __future__ import annotations

from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.flows import ListSource, People
from inspector.domain.identity import replay
from inspector.testing.events import event


def ev(i: int, message: dict[str, Any], client: str = "segment-analytics-python") -> CapturedEvent:
    return event(message, id=i, library=client, message_id=f"m{i}")


def events(*messages: dict[str, Any]) -> list[CapturedEvent]:
    return [ev(i, m) for i, m in enumerate(messages, 1)]


def source(evs: list[CapturedEvent]) -> ListSource:
    """Identity-aware, as every door builds it: people from the graph of all the events."""
    graph = replay(evs)
    return ListSource(evs, People(graph.person_of), graph)


def page(who: dict[str, str], name: str) -> dict[str, Any]:
    return {"type": "page", "name": name, **who}


def track(who: dict[str, str], event: str, **props: Any) -> dict[str, Any]:
    return {"type": "track", "event": event, "properties": props, **who}


def identify(user: str, anon: str | None = None, **traits: Any) -> dict[str, Any]:
    m: dict[str, Any] = {"type": "identify", "userId": user, "traits": traits}
    if anon:
        m["anonymousId"] = anon
    return m
