"""The device an event came from: read from each mobile SDK's own payload, shown in People."""

from __future__ import annotations

import json
from typing import Any

import pytest

from inspector.domain.capture import CapturedEvent
from inspector.domain.devices import Device, annotate_devices, device_label, device_of
from inspector.domain.identity import IdentityGraph
from inspector.domain.query import parse
from inspector.testing.events import event
from tests.clients.mobile.fixtures import load_all


def _event(message: dict[str, Any]) -> CapturedEvent:
    return event(message, at=0.0, message_id=str(message.get("messageId")))


def _messages(name: str) -> list[dict[str, Any]]:
    fx = next(f for f in load_all() if f.name == name)
    body = json.loads(fx.body)
    return list(body["batch"])


@pytest.mark.parametrize(
    ("fixture", "label"),
    [
        ("analytics-swift", "Apple iPhone15,2 · iOS 17.5.1 · 6B1E0D4C…"),
        ("analytics-kotlin", "Google Pixel 7 · Android 14 · b3f5c6d7…"),
        ("analytics-react-native", "Apple iPhone15,2 · iOS 17.5.1"),  # it sends id ""
        ("analytics-flutter", "Google Pixel 7 · Android 14 · b3f5c6d7…"),
        ("customerio-ios", "Apple iPhone15,2 · iOS 17.5.1 · 6B1E0D4C…"),
        ("customerio-android", "Google Pixel 7 · Android 14 · b3f5c6d7…"),
        ("rudder-sdk-ios", "Apple iPhone15,2 · iOS 17.5.1 · 6B1E0D4C…"),
        ("rudder-sdk-kotlin", "Google Pixel 7 · Android 14 · b3f5c6d7e8f90a1b"),
    ],
)
def test_each_mobile_sdk_names_its_device(fixture: str, label: str) -> None:
    for m in _messages(fixture):
        d = device_of(m)
        assert d is not None and d.label == label
        # device: finds the event by the value the window filters to
        assert parse(f'device:"{d.filter_value}"').matches(_event(m))
        assert not parse(f'-device:"{d.filter_value}"').matches(_event(m))


@pytest.mark.parametrize(
    "message",
    [
        {"type": "track", "event": "x"},
        {"context": None},
        {"context": {"library": {"name": "analytics.js"}, "userAgent": "Mozilla/5.0 (iPhone)"}},
        {"context": {"device": "iPhone", "os": ["iOS"]}},
        {"context": {"device": {"id": 12345, "model": 7}, "os": {"name": ""}}},
    ],
)
def test_no_device_without_one(message: dict[str, Any]) -> None:
    assert device_of(message) is None and device_label(message) is None


def test_labels() -> None:
    assert Device(manufacturer="Google", model="Pixel 7").label == "Google Pixel 7"
    assert Device(manufacturer="samsung", model="SAMSUNG-SM-G991B").hardware == "SAMSUNG-SM-G991B"
    assert Device(os_name="Android", os_version="14").label == "Android 14"
    assert Device(id="emulator-5554").label == "emulator-5554"  # short ids stay whole
    assert Device(id="3F2504E0-4F89-11D3-9A0C-0305E82C3301").short_id == "3F2504E0…"
    assert Device(id="abc", model="Pixel 7").filter_value == "abc"
    assert Device(model="Pixel 7", os_name="Android").filter_value == "Pixel 7"


def _msg(i: int, user: str, device: dict[str, Any] | None) -> dict[str, Any]:
    m: dict[str, Any] = {"type": "track", "event": f"E{i}", "userId": user, "anonymousId": "a-1"}
    if device is not None:
        m["context"] = {"device": device, "os": {"name": "iOS", "version": "17.2"}}
    return m


def test_timeline_marks_say_which_device() -> None:
    phone = {"id": "PHONE-0001", "manufacturer": "Apple", "model": "iPhone15,2"}
    tablet = {"id": "TABLET-0002", "manufacturer": "Apple", "model": "iPad14,1"}
    g = IdentityGraph()
    messages = {i + 1: _msg(i, "u-1", d) for i, d in enumerate([phone, None, tablet, phone])}
    for eid, m in messages.items():
        g.observe_message(m, event_id=eid, message_id=f"m{eid}", at=100.0 + eid)
    t = g.timeline("u-1")
    annotate_devices(t, {eid: device_label(m) for eid, m in messages.items()})
    marks = sorted(
        (m for lane in t["lanes"] for m in lane["marks"] if not m["secondary"]),
        key=lambda m: m["seq"],
    )
    assert [m.get("device") for m in marks] == [
        "Apple iPhone15,2 · iOS 17.2 · PHONE-0001",
        None,
        "Apple iPad14,1 · iOS 17.2 · TABLET-0002",
        "Apple iPhone15,2 · iOS 17.2 · PHONE-0001",
    ]
    assert t["devices"] == [
        "Apple iPhone15,2 · iOS 17.2 · PHONE-0001",
        "Apple iPad14,1 · iOS 17.2 · TABLET-0002",
    ]
    # the secondary mark (the anonymousId lane) is the same event: the same device
    secondary = [m for lane in t["lanes"] for m in lane["marks"] if m["secondary"]]
    assert secondary and all(m.get("device") == messages_device(messages, m) for m in secondary)
    # annotating again with less known forgets nothing it should not
    annotate_devices(t, {})
    assert t["devices"] == [] and all(
        "device" not in m for lane in t["lanes"] for m in lane["marks"]
    )


def messages_device(messages: dict[int, dict[str, Any]], mark: dict[str, Any]) -> str | None:
    return device_label(messages[mark["eventId"]])
