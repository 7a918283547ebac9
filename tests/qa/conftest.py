"""Shared helpers for the QA tests: a collector in a thread with a predictable linter."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from inspector.domain.capture import CapturedEvent, Finding, RawRequest
from inspector.testing.client import EventInspector
from inspector.testing.collector import ThreadedCollector


class FakeLinter:
    """Errors on event names containing 'bad', warnings on 'warn': tests need not know rules."""

    def lint_batch(self, events: list[CapturedEvent], request: RawRequest | None) -> None:
        for ev in events:
            name = (ev.event or ev.name or "").lower()
            if "bad" in name:
                ev.lint.append(Finding("T001", "error", "name says bad", "event"))
            if "warn" in name:
                ev.lint.append(Finding("T002", "warning", "name says warn", "event"))


def post(url: str, body: Any, headers: dict[str, str] | None = None) -> int:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status


def track(url: str, event: str, user: str = "u1", **props: Any) -> None:
    post(url + "/v1/track", {"userId": user, "event": event, "properties": props, "writeKey": "wk"})


def batch(url: str, messages: list[dict[str, Any]]) -> None:
    post(url + "/v1/batch", {"batch": messages, "writeKey": "wk"})


@pytest.fixture
def collector(tmp_path) -> Iterator[ThreadedCollector]:
    c = ThreadedCollector(tmp_path, session="pytest", linter_factory=FakeLinter).start()
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def client(collector: ThreadedCollector) -> EventInspector:
    return EventInspector(collector.url, collector=collector)


def _has_query_language() -> bool:
    try:
        from inspector.domain.query import parse  # noqa: F401
    except ImportError:
        return False
    return True


needs_query = pytest.mark.skipif(
    not _has_query_language(), reason="inspector.domain.query has not landed yet"
)
