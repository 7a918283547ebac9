"""A small corpus with the awkward cases (case, Unicode, numbers as strings, arrays, lint),
written to a real Store so both compilation targets can be compared."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inspector.domain.capture import CapturedEvent, Finding
from inspector.domain.store import Store
from inspector.testing.events import event


def _ev(
    i: int,
    message: dict[str, Any],
    *,
    lint: list[Finding] | None = None,
    dup: bool = False,
    lib: str | None = "analytics.js",
    client: str | None = None,
    write_key: str | None = "WK1",
) -> CapturedEvent:
    return event(
        message,
        session_id=0,
        at=time.time(),
        library=lib,
        client=client,
        write_key=write_key,
        message_id=str(message.get("messageId", f"gen-{i}")),
        dup=dup,
        lint=lint or [],
    )


def corpus() -> list[CapturedEvent]:
    err = Finding("revenue-string", "error", "revenue is a string", "properties.revenue")
    warn = Finding("missing-currency", "warning", "no currency", None)
    info = Finding("unknown-event", "info", "not in plan", None)
    ms: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {
                "type": "track",
                "event": "Order Completed",
                "userId": "u1",
                "anonymousId": "a1",
                "messageId": "m1",
                "properties": {
                    "revenue": 30,
                    "price": 30.0,
                    "currency": "EUR",
                    "products": [{"sku": "SKU-1", "price": 9.5}],
                },
            },
            {"lint": [warn]},
        ),
        (
            {
                "type": "track",
                "event": "order completed",
                "userId": "U1",
                "messageId": "m2",
                "properties": {"revenue": "30", "price": 31.5, "flag": True, "none": None},
            },
            {"lint": [err, warn], "dup": True},
        ),
        (
            {
                "type": "Track",
                "event": "ORDER COMPLETED",
                "anonymousId": "a2",
                "properties": {"revenue": 299.99, "price": -5, "name": "Zoë", "flag": False},
            },
            {"lint": [info]},
        ),
        (
            {
                "type": "identify",
                "userId": "u2",
                "anonymousId": "a1",
                "traits": {"email": "ZOË@example.com", "name": "Straße", "age": 41},
            },
            {"lib": "analytics-python", "client": "rudder-sdk-python"},
        ),
        (
            {
                "type": "page",
                "name": "Home",
                "anonymousId": "a3",
                "properties": {"path": "/a/b", "title": 'Say "hi"', "tags": ["x", "y"]},
            },
            {"lint": [err]},
        ),
        ({"type": "alias", "userId": "u2", "previousId": "a3"}, {"write_key": "WK2"}),
        (
            {"type": "group", "groupId": "g-1", "userId": 7, "traits": {"plan": "Pro*"}},
            {"lib": None, "client": None},
        ),
        (
            {
                "type": "track",
                "event": "Zoë Signed Up",
                "userId": "u3",
                "properties": {
                    "revenue": 1e3,
                    "price": "30",
                    "note": "line\nbreak",
                    "kelvin": "\u212a",
                    "big": 12345678901234,
                },
            },
            {"dup": True},
        ),
        (
            {
                "type": "screen",
                "name": "ſettings",
                "userId": "u3",
                "context": {"app": {"version": "1.2.3"}, "library": {"name": "analytics-ios"}},
            },
            {"lib": "analytics-ios"},
        ),
        (
            {
                "type": "track",
                "event": "Product Viewed",
                "userId": "user_100%",
                "properties": {"revenue": 0, "price": 0.5, "x": {"y": 1}},
            },
            {},
        ),
    ]
    return [_ev(i, m, **kw) for i, (m, kw) in enumerate(ms)]


class Corpus:
    def __init__(self, store: Store, session_id: int, events: list[CapturedEvent]) -> None:
        self.store, self.session_id, self.events = store, session_id, events


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    path: Path = tmp_path_factory.mktemp("querystore")
    store = Store(path)
    other = store.open_session("other")
    sid = store.open_session("corpus").id
    evs = corpus()
    for e in evs:
        e.session_id = sid
    # another session's events interleave with the corpus (must never match)
    decoys = corpus()
    for e in decoys:
        e.session_id = other.id
    store.allocate(None, evs[:3])  # blocks of the free-text index: one short write first
    store.write([], evs[:3])
    store.allocate(None, decoys)
    store.write([], decoys)
    store.allocate(None, evs[3:])  # then a full block of 7
    store.write([], evs[3:])
    # index only part of it: some events are found through the trigram index, the rest are
    # candidates because they are not indexed yet (both paths must give the same answers)
    index_pending = getattr(store, "index_pending", None)
    if index_pending is not None:
        index_pending(8)
    back = store.events(sid, limit=None)
    yield Corpus(store, sid, back)
    store.close()
