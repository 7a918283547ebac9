"""The device view: one person on an iPhone (analytics-swift) and a Pixel (analytics-kotlin),
sent as those SDKs send them; the filter, the detail line and the People timeline."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QGraphicsSimpleTextItem

from tests.clients.mobile.fixtures import Fixture, load_all, send

IPHONE = "Apple iPhone15,2 · iOS 17.5.1 · 6B1E0D4C…"
PIXEL = "Google Pixel 7 · Android 14 · b3f5c6d7…"


def as_ada(name: str) -> Fixture:
    """The SDK's own request (path, headers, encoding), its events made Ada's."""
    fx = next(f for f in load_all() if f.name == name)
    body = json.loads(fx.body)
    for m in body["batch"]:
        m["userId"] = "ada"
    return replace(fx, body=json.dumps(body).encode())


def send_both(h: Any) -> None:
    for name in ("analytics-swift", "analytics-kotlin"):
        status, answer = h.in_thread(send, h.url, as_ada(name))
        assert (status, answer) == (200, {"success": True})
    h.wait_until(lambda: h.rows == 6, what="6 events")


def test_filter_and_detail_line_by_device(inspector: Any) -> None:
    h = inspector
    send_both(h)
    w = h.window
    w.filter_bar.set_text("device:pixel*")
    h.wait_until(lambda: h.rows == 3, what="the Pixel's 3 events")
    w.filter_bar.set_text("device:ios")
    h.wait_until(lambda: h.rows == 3, what="the iPhone's 3 events")
    w.filter_bar.set_text("")
    h.wait_until(lambda: h.rows == 6)
    w.table.select_row(0)
    header = w.detail.header.text()
    assert f"from {IPHONE}" in header.replace("&amp;", "&")
    assert "only this device" in header
    w.detail.header.linkActivated.emit("device")
    assert w.filter_bar.text() == "device:6B1E0D4C-2F0A-4E43-9A0E-2F2D5C9E7A11"
    h.wait_until(lambda: h.rows == 3, what="the iPhone's events after the link")


def test_people_timeline_says_which_device(inspector: Any) -> None:
    h = inspector
    send_both(h)
    w = h.window
    w.tabs.setCurrentIndex(2)
    people = w.people
    h.wait_until(lambda: people.model.row_of("ada") is not None, what="Ada")
    people.select_person("ada")
    h.wait_until(lambda: people.canonical == "ada")
    tl = people.timeline.data
    assert tl["devices"] == [IPHONE, PIXEL]  # in the order they first appear
    letters = {}
    for item in people.timeline.marks:
        keys = [c.text() for c in item.childItems() if isinstance(c, QGraphicsSimpleTextItem)]
        letters[item.mark["eventId"]] = (item.mark.get("device"), keys)
        assert "device: " + item.mark["device"] in item.toolTip()
    assert {d: k for d, k in letters.values()} == {IPHONE: ["A"], PIXEL: ["B"]}
    legend = people.legend.text()
    assert "Devices" in legend and "<b>A</b>&nbsp;Apple iPhone15,2" in legend
