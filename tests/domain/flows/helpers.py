"""Events for flow tests, built the way the collector builds them (ids in arrival order)."""

from __future__ import annotations

import time
from typing import Any

from inspector.domain.capture import CapturedEvent, Source
from inspector.domain.flows import ListSource, People
from inspector.domain.identity import replay


def ev(i: int, message: dict[str, Any], client: str = "segment-analytics-python") -> CapturedEvent:
    return CapturedEvent(
        session_id=1,
        received_at=time.time(),
        message=message,
        type=str(message.get("type", "unknown")),
        timestamp=time.time(),
        source=Source(write_key="WK", library=client, client=client),
        message_id=f"m{i}",
        id=i,
        seq=i,
    )


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
