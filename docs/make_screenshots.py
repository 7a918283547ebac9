"""Render the window offscreen with a realistic session into docs/*.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [--out docs]

Starts the real window with its collector on port 0 and sends traffic the way apps do: the
backend through the real **segment-analytics-python** client (batches from its worker
thread), including a customer who came back on 30 devices and browsers over a day (one
person, 31 ids); the browser as analytics.js sends (one call per request, text/plain), a
mobile relay batch, RudderStack's gzip, a malformed request and an injected 503 (those four
are the payloads those clients send, posted directly). An earlier session, "release-1.4",
recorded through the same client, is the baseline for Compare.

Saves, at 1600×900 (light): window.png, window-raw.png, filter.png, rejected.png,
people-graph.png, people-graph-expanded.png, timeline.png, people-warnings.png,
first-run.png, compare.png; at 1600×900 (dark): window-dark.png, people-graph-dark.png,
timeline-dark.png; at 1024×640 (light and dark): window-1024.png, window-1024-dark.png,
people-graph-1024.png, people-graph-1024-dark.png.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import gzip
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from shots_common import arguments, qt_loop, scratch, settle, window_args

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_tmp = scratch("ei-shots-")

PERSON = "user_8841"
DEVICES = 30
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def iso(t: dt.datetime | None = None) -> str:
    t = t or dt.datetime.now(dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def segment_client(url: str, key: str) -> Any:
    """The real segment-analytics-python client, pointed at the inspector."""
    from segment.analytics.client import Client

    return Client(key, host=url, upload_size=100, upload_interval=0.2, max_retries=2)


def baseline_traffic(url: str) -> None:
    """The previous release ("release-1.4"), sent by segment-analytics-python."""
    c = segment_client(url, "wk_backend")
    c.page(anonymous_id="a-1", name="Pricing", properties={"path": "/p"})
    c.identify(
        PERSON,
        {"email": "ada@example.com", "name": "Ada Lovelace", "plan": "pro"},
        anonymous_id="a-1",
    )
    for plan, billing in (("pro", "yearly"), ("team", "monthly")):
        c.track(
            anonymous_id="a-1", event="Plan Selected", properties={"plan": plan, "billing": billing}
        )
    for n, currency in ((1001, "EUR"), (1002, "USD")):  # order_id was a number
        c.track(
            PERSON,
            "Order Completed",
            {
                "order_id": n,
                "revenue": 249.0,
                "currency": currency,
                "coupon": "SPRING",
                "products": [{"product_id": "sku-pro-y", "price": 249.0, "quantity": 1}],
            },
        )
    c.track(PERSON, "Order Shipped", {"order_id": "ord_1001", "carrier": "DHL"})
    c.group(PERSON, "acme-gmbh", {"name": "ACME GmbH", "employees": 120, "plan": "enterprise"})
    c.track(PERSON, "Invoice Paid", {"revenue": 249.0, "invoice": "INV-61"})
    c.screen(anonymous_id="a-2", name="Onboarding", properties={"step": 1})
    c.track(anonymous_id="a-2", event="Signup Started")
    c.alias("a-2", PERSON)
    c.track(PERSON, "Signup Completed", {"method": "email"})
    c.track("user_2077", "Report Exported", {"format": "csv", "rows": 800})
    c.track("user_2077", "Trial Extended", {"days": 14})
    c.flush()
    c.join()


def browser_traffic(url: str) -> None:
    """analytics.js standard delivery: one call per request, text/plain (the library's own
    payloads, posted directly: no browser runs here)."""
    web_ctx = {
        "library": {"name": "analytics.js", "version": "npm:next-1.84.3"},
        "page": {"path": "/pricing", "url": "http://localhost:3000/pricing", "title": "Pricing"},
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/129.0",
        "locale": "en-US",
    }
    anon = "7f3c1e9a-52d4-4c1b-9d0e-3b8f2a6c1d40"
    for path, msg in [
        ("/v1/p", {"type": "page", "name": "Pricing", "properties": {"path": "/pricing"}}),
        (
            "/v1/t",
            {
                "type": "track",
                "event": "Plan Selected",
                "properties": {"plan": "pro", "billing": "yearly"},
            },
        ),
        (
            "/v1/i",
            {
                "type": "identify",
                "userId": PERSON,
                "traits": {"email": "ada@example.com", "name": "Ada Lovelace", "plan": "pro"},
            },
        ),
    ]:
        msg.update(
            {
                "anonymousId": anon,
                "context": web_ctx,
                "writeKey": "wk_web_prod",
                "messageId": f"ajs-next-{uuid.uuid4().hex}",
                "timestamp": iso(),
                "sentAt": iso(),
                "integrations": {"Segment.io": True},
            }
        )
        post(url + path, json.dumps(msg).encode(), {"Content-Type": "text/plain"})
        time.sleep(0.05)


def backend_traffic(url: str) -> None:
    """The backend and the returning customer, through segment-analytics-python."""
    c = segment_client(url, "wk_backend")
    order = {
        "order_id": "ord_1029",
        "revenue": 249.0,
        "currency": "EUR",
        "products": [{"product_id": "sku-pro-y", "price": 249.0, "quantity": 1}],
    }
    c.track(PERSON, "Order Completed", order)
    c.track(PERSON, "order_shipped", {"order_id": "ord_1029", "carrier": "DHL"})
    c.group(PERSON, "acme-gmbh", {"name": "ACME GmbH", "employees": 120, "plan": "enterprise"})
    c.track(PERSON, "Invoice Paid", {"revenue": "249", "invoice": "INV-77"})
    # 30 devices and browsers over the last day: a visit, then a login (identify)
    for k in range(DEVICES):
        when = NOW - dt.timedelta(hours=24) + dt.timedelta(minutes=47 * k)
        aid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"device-{k}"))
        c.page(anonymous_id=aid, name="Home", properties={"path": "/"}, timestamp=when)
        c.identify(
            PERSON, {"plan": "pro"}, anonymous_id=aid, timestamp=when + dt.timedelta(seconds=40)
        )
    # an old device re-aliased (already merged: redundant), and one another user logged in on
    third = str(uuid.uuid5(uuid.NAMESPACE_URL, "device-3"))
    fifth = str(uuid.uuid5(uuid.NAMESPACE_URL, "device-5"))
    c.alias(third, PERSON, timestamp=NOW - dt.timedelta(minutes=20))
    c.identify(
        "user_2077",
        {"email": "grace@example.com"},
        anonymous_id=fifth,
        timestamp=NOW - dt.timedelta(minutes=10),
    )
    c.flush()
    c.join()


def relay_and_rudder_traffic(url: str) -> None:
    """A mobile relay's batch (@segment/analytics-node) and RudderStack's gzip batch — the
    payloads those libraries send, posted directly."""
    node_ctx = {"library": {"name": "@segment/analytics-node", "version": "3.1.0"}}
    anon2 = "c21d8e4f-0a6b-4f3e-8c7d-9e1f2a3b4c5d"
    nb: list[dict[str, Any]] = [
        {"type": "screen", "anonymousId": anon2, "name": "Onboarding", "properties": {"step": 2}},
        {"type": "track", "anonymousId": anon2, "event": "Signup Started"},
        {"type": "alias", "previousId": anon2, "userId": PERSON},
        {
            "type": "track",
            "userId": PERSON,
            "event": "Signup Completed",
            "properties": {"method": "email"},
        },
    ]
    for i, m in enumerate(nb):
        m.update(
            {
                "context": node_ctx,
                "timestamp": iso(),
                "integrations": {},
                "messageId": f"node-next-{uuid.uuid4().hex}-{i}",
            }
        )
    post(
        url + "/v1/batch",
        json.dumps({"batch": nb, "writeKey": "wk_mobile", "sentAt": iso()}).encode(),
        {
            "Content-Type": "application/json",
            "User-Agent": "analytics-node-next/latest",
            "Authorization": basic("wk_mobile"),
        },
    )
    ctx = {"library": {"name": "analytics-python", "version": "2.1.9"}}
    rb = [
        {
            "type": "identify",
            "userId": "user_2077",
            "context": {**ctx, "traits": {"email": "grace@example.com"}},
            "channel": "server",
            "integrations": {"All": True},
            "timestamp": iso(),
            "messageId": str(uuid.uuid4()),
        },
        {
            "type": "track",
            "userId": "user_2077",
            "event": "Report Exported",
            "properties": {"format": "csv", "rows": 1200},
            "channel": "server",
            "context": ctx,
            "integrations": {"All": True},
            "timestamp": iso(),
            "messageId": str(uuid.uuid4()),
        },
    ]
    post(
        url + "/v1/batch",
        gzip.compress(json.dumps({"batch": rb, "sentAt": iso()}).encode()),
        {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "User-Agent": "analytics-python/2.1.9",
            "Authorization": basic("wk_rudder"),
        },
    )
    post(  # a malformed request: rejected with 400 and kept
        url + "/v1/track",
        b'{"userId": "user_8841", "event": "Broken", ',
        {"Content-Type": "application/json", "Authorization": basic("wk_backend")},
    )


async def _until(cond: Any, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        await asyncio.sleep(0.02)


class Shots:
    def __init__(self, out: Path, loop: Any, window: Any) -> None:
        self.out, self.loop, self.w = out, loop, window
        self.saved: list[Path] = []

    def settle(self, seconds: float = 0.25) -> None:
        self.loop.run_until_complete(settle(self.w, seconds))

    def save(self, widget: Any, name: str) -> None:
        self.settle()
        path = self.out / name
        widget.grab().save(str(path))
        self.saved.append(path)

    def size(self, width: int, height: int, theme: str) -> None:
        w = self.w
        w.theme_changed(theme)
        w.resize(width, height)
        w.tabs.setCurrentIndex(0)
        self.settle(0.3)

    def events(self, name: str, raw: bool = False) -> None:
        w = self.w
        w.tabs.setCurrentIndex(0)
        w.filter_bar.set_text("")
        m = w.feed.model
        row = next(r for r in range(m.rowCount()) if m.index(r, 2).data() == "Order Completed")
        w.table.select_row(row)
        w.detail.setCurrentIndex(1 if raw else 0)
        self.save(w, name)
        w.detail.setCurrentIndex(0)

    def people(self, name: str, view: int = 0, expanded: bool = False) -> None:
        w = self.w
        w.tabs.setCurrentIndex(2)
        w.people.refresh()
        w.people.select_person(PERSON)
        w.people.views.setCurrentIndex(view)
        g = w.people.graph
        if expanded != (PERSON in g.expanded):
            g.toggle_group(PERSON)
        if view == 0:
            g.default_view()
        if view == 1:  # a mark clicked: People's own selection in the detail pane
            mark = next(m for m in w.people.timeline.marks if m.mark.get("type") == "identify")
            w.people.timeline.eventSelected.emit(int(mark.mark["eventId"]))
        self.save(w, name)
        if expanded:
            g.toggle_group(PERSON)


def main() -> int:
    _, out = arguments()

    from inspector.domain.faults import FaultRule
    from inspector.gui.main import build_window, shutdown

    _app, loop = qt_loop()
    ns = window_args(_tmp / "data", "release-1.4")
    old = build_window(ns)
    loop.run_until_complete(old.controller.start())
    loop.run_until_complete(loop.run_in_executor(None, baseline_traffic, old.controller.url))
    loop.run_until_complete(_until(lambda: len(old.feed.model.rows) >= 17))
    loop.run_until_complete(shutdown(old))
    old.deleteLater()

    ns.session = "checkout"
    w = build_window(ns)
    w.resize(1600, 900)
    w.show()
    loop.run_until_complete(w.controller.start())
    shots = Shots(out, loop, w)
    shots.save(w, "first-run.png")

    async def drive() -> None:
        run = asyncio.get_running_loop().run_in_executor
        url = w.controller.url
        await run(None, browser_traffic, url)
        await run(None, backend_traffic, url)
        await run(None, relay_and_rudder_traffic, url)
        w.service.faults.add(FaultRule(status=503, count=1, write_key="wk_backend"))
        body = {
            "batch": [{"type": "track", "userId": PERSON, "event": "Retry Me"}],
            "writeKey": "wk_backend",
        }
        await run(
            None,
            lambda: post(
                url + "/v1/batch",
                json.dumps(body).encode(),
                {"Content-Type": "application/json", "Authorization": basic("wk_backend")},
            ),
        )
        await _until(lambda: w.feed.model.rowCount() >= 80)
        await settle(w)

    loop.run_until_complete(drive())
    w.shows.tick()

    # 1600×900, light
    shots.size(1600, 900, "light")
    shots.events("window.png")
    shots.events("window-raw.png", raw=True)
    w.filter_bar.set_text('event:"Order Completed"')
    w.filter_bar.edit.setText('event:"Order Completed" properties.revenue:>')
    w.filter_bar.apply()
    shots.save(w, "filter.png")
    w.filter_bar.set_text("")
    w.tabs.setCurrentIndex(1)
    w.rejected.view.selectRow(0)
    shots.save(w, "rejected.png")
    shots.people("people-graph.png")
    shots.people("people-graph-expanded.png", expanded=True)
    shots.people("timeline.png", view=1)
    shots.people("people-warnings.png", view=2)
    # compare: release-1.4 (baseline) against the live checkout session
    dlg = w.dialogs.open_compare()
    dlg.resize(1400, 760)
    loop.run_until_complete(_until(lambda: not dlg.busy and dlg.comparison is not None))
    m = dlg.model
    row = next(r for r in range(m.rowCount()) if m.index(r, 1).data() == "Invoice Paid")
    dlg.kinds.selectRow(row)
    shots.save(dlg, "compare.png")
    dlg.close()
    # 1600×900, dark
    shots.size(1600, 900, "dark")
    shots.events("window-dark.png")
    shots.people("people-graph-dark.png")
    shots.people("timeline-dark.png", view=1)
    # 1024×640, light and dark
    for theme, suffix in (("light", ""), ("dark", "-dark")):
        shots.size(1024, 640, theme)
        shots.events(f"window-1024{suffix}.png")
        shots.people(f"people-graph-1024{suffix}.png")
    w.theme_changed("light")
    w.close()
    loop.run_until_complete(shutdown(w))
    loop.close()
    print("\n".join(str(p) for p in shots.saved))
    return 0


if __name__ == "__main__":
    sys.exit(main())
