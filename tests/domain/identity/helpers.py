"""Builders shared by the identity tests."""

from __future__ import annotations

from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.identity import IdentityGraph
from inspector.testing.events import event

T0 = 1_700_000_000.0

# Three UUIDv4-shaped anonymous ids (Mixpanel Original only merges those).
UA1 = "0b6f0c49-1a6e-4b5e-9a7e-0f4a3c1d2e01"
UA2 = "5c2d8e1f-3b4a-4c6d-8e7f-1a2b3c4d5e02"
UA3 = "9e8d7c6b-5a4f-4e3d-a2c1-b0a9f8e7d603"


def msg(type_: str, **ids: Any) -> dict[str, Any]:
    m: dict[str, Any] = {"type": type_}
    for k, v in ids.items():
        key = {"anon": "anonymousId", "user": "userId", "prev": "previousId"}.get(k, k)
        m[key] = v
    return m


def events(messages: list[dict[str, Any]]) -> list[CapturedEvent]:
    """CapturedEvents with ids 1.., messageIds m1.. and one second between them."""
    return [event(m, id=i, at=T0 + i, message_id=f"m{i}") for i, m in enumerate(messages, 1)]


def feed(messages: list[dict[str, Any]], mode: str = "default") -> IdentityGraph:
    g = IdentityGraph(mode)
    for i, m in enumerate(messages, 1):
        g.observe_message(m, event_id=i, message_id=f"m{i}", at=T0 + i)
    return g


def groups(g: IdentityGraph) -> list[set[str]]:
    """The partition: one set of identifier values per person, in snapshot order."""
    return [{i["value"] for i in p["identifiers"]} for p in g.snapshot()["people"]]


def rules(g: IdentityGraph) -> list[str]:
    return [w["rule"] for w in g.snapshot()["warnings"]]


def warning(g: IdentityGraph, rule: str) -> dict[str, Any]:
    found = [w for w in g.snapshot()["warnings"] if w["rule"] == rule]
    assert len(found) == 1, (rule, g.snapshot()["warnings"])
    return found[0]


def edges(g: IdentityGraph) -> list[tuple[str, str, str, str]]:
    """(from, to, call, verdict) of every recorded edge, in creation order."""
    return [(e["from"], e["to"], e["call"], e["verdict"]) for e in g.edges()]


# Reference §5.2 item 8, with ids long enough for Amplitude (>= 5 chars).
WORKED = [
    msg("page", anon="anon-A1"),  # 1
    msg("identify", anon="anon-A1", user="user-U1"),  # 2
    msg("track", anon="anon-A2", event="Viewed"),  # 3
    msg("alias", prev="anon-A2", user="user-U1"),  # 4
    msg("identify", anon="anon-A1", user="user-U2"),  # 5 (no reset)
    msg("alias", prev="user-U2", user="user-U1"),  # 6
]
