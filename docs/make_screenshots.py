"""Render the window offscreen with a realistic session into docs/*.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [--out docs]

Starts the real window with its collector on port 0, sends traffic the way the SDKs do
(segment-analytics-python batches, @segment/analytics-node, analytics.js single calls,
RudderStack, a malformed request and an injected 503), then saves:
window.png (events with a selected event), window-raw.png, rejected.png, people-graph.png,
timeline.png, first-run.png, and compare.png (this session against an earlier "release-1.4"
session that sent a few things differently).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gzip
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_tmp = tempfile.mkdtemp(prefix="ei-shots-")
os.environ["EVENT_INSPECTOR_CONFIG_DIR"] = f"{_tmp}/config"
os.environ["EVENT_INSPECTOR_LOG_DIR"] = f"{_tmp}/log"


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def iso(offset: float = 0) -> str:
    t = time.time() + offset
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}Z"


def baseline_traffic(url: str) -> None:
    """The previous release: what the golden session "release-1.4" recorded."""
    ctx = {"library": {"name": "analytics-python", "version": "2.4.0"}}
    msgs = [
        {"type": "page", "anonymousId": "a-1", "name": "Pricing", "properties": {"path": "/p"}},
        {
            "type": "identify",
            "userId": "user_8841",
            "anonymousId": "a-1",
            "traits": {"email": "ada@example.com", "name": "Ada Lovelace", "plan": "pro"},
        },
    ]
    for plan, billing in (("pro", "yearly"), ("team", "monthly")):
        msgs.append(
            {
                "type": "track",
                "anonymousId": "a-1",
                "event": "Plan Selected",
                "properties": {"plan": plan, "billing": billing},
            }
        )
    for n, currency in ((1001, "EUR"), (1002, "USD")):  # order_id was a number
        msgs.append(
            {
                "type": "track",
                "userId": "user_8841",
                "event": "Order Completed",
                "properties": {
                    "order_id": n,
                    "revenue": 249.0,
                    "currency": currency,
                    "coupon": "SPRING",
                    "products": [{"product_id": "sku-pro-y", "price": 249.0, "quantity": 1}],
                },
            }
        )
    msgs += [
        {
            "type": "track",
            "userId": "user_8841",
            "event": "Order Shipped",
            "properties": {"order_id": "ord_1001", "carrier": "DHL"},
        },
        {
            "type": "group",
            "userId": "user_8841",
            "groupId": "acme-gmbh",
            "traits": {"name": "ACME GmbH", "employees": 120, "plan": "enterprise"},
        },
        {
            "type": "track",
            "userId": "user_8841",
            "event": "Invoice Paid",
            "properties": {"revenue": 249.0, "invoice": "INV-61"},
        },
        {"type": "screen", "anonymousId": "a-2", "name": "Onboarding", "properties": {"step": 1}},
        {"type": "track", "anonymousId": "a-2", "event": "Signup Started"},
        {"type": "alias", "previousId": "a-2", "userId": "user_8841"},
        {
            "type": "track",
            "userId": "user_8841",
            "event": "Signup Completed",
            "properties": {"method": "email"},
        },
        {
            "type": "track",
            "userId": "user_2077",
            "event": "Report Exported",
            "properties": {"format": "csv", "rows": 800},
        },
        {
            "type": "track",
            "userId": "user_2077",
            "event": "Trial Extended",
            "properties": {"days": 14},
        },
    ]
    for m in msgs:
        m.update({"context": ctx, "timestamp": iso()})
    post(
        url + "/v1/batch",
        json.dumps({"batch": msgs, "writeKey": "wk_backend"}).encode(),
        {"Content-Type": "application/json", "Authorization": basic("wk_backend")},
    )


def traffic(url: str) -> None:
    py_ctx = {"library": {"name": "analytics-python", "version": "2.4.0"}}
    node_ctx = {"library": {"name": "@segment/analytics-node", "version": "3.1.0"}}
    web_ctx = {
        "library": {"name": "analytics.js", "version": "npm:next-1.84.3"},
        "page": {
            "path": "/pricing",
            "url": "http://localhost:3000/pricing",
            "title": "Pricing",
            "referrer": "",
        },
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/129.0",
        "locale": "en-US",
    }
    anon = "7f3c1e9a-52d4-4c1b-9d0e-3b8f2a6c1d40"
    anon2 = "c21d8e4f-0a6b-4f3e-8c7d-9e1f2a3b4c5d"
    # 1. the browser: analytics.js standard delivery, one call per request, text/plain
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
                "userId": "user_8841",
                "traits": {"email": "ada@example.com", "name": "Ada Lovelace", "plan": "pro"},
            },
        ),
    ]:
        msg.update(
            {
                "anonymousId": anon,
                "context": web_ctx,
                "writeKey": "wk_web_prod",
                "messageId": f"ajs-next-{int(time.time() * 1000)}-{path[-1]}",
                "timestamp": iso(),
                "sentAt": iso(),
            }
        )
        if msg["type"] != "identify" and msg["type"] != "page":
            msg["userId"] = None
        post(
            url + path,
            json.dumps(msg).encode(),
            {"Content-Type": "text/plain", "Authorization": basic("wk_web_prod")},
        )
        time.sleep(0.05)
    # 2. the backend: segment-analytics-python batch
    batch = [
        {
            "type": "track",
            "userId": "user_8841",
            "event": "Order Completed",
            "properties": {
                "order_id": "ord_1029",
                "revenue": 249.0,
                "currency": "EUR",
                "products": [{"product_id": "sku-pro-y", "price": 249.0, "quantity": 1}],
            },
        },
        {
            "type": "track",
            "userId": "user_8841",
            "event": "order_shipped",
            "properties": {"order_id": "ord_1029", "carrier": "DHL"},
        },
        {
            "type": "group",
            "userId": "user_8841",
            "groupId": "acme-gmbh",
            "traits": {"name": "ACME GmbH", "employees": 120, "plan": "enterprise"},
        },
        {
            "type": "track",
            "userId": "user_8841",
            "event": "Invoice Paid",
            "properties": {"revenue": "249", "invoice": "INV-77"},
        },
    ]
    import uuid

    for m in batch:
        m.update(
            {
                "context": py_ctx,
                "timestamp": iso(),
                "anonymousId": None,
                "integrations": {},
                "messageId": str(uuid.uuid4()),
            }
        )
    post(
        url + "/v1/batch",
        json.dumps({"batch": batch, "sentAt": iso(), "writeKey": "wk_backend"}).encode(),
        {
            "Content-Type": "application/json",
            "User-Agent": "analytics-python/2.4.0",
            "Authorization": basic("wk_backend"),
        },
    )
    time.sleep(0.05)
    # 3. the mobile app via a node relay: screen + alias of an older anonymous id
    nb = [
        {"type": "screen", "anonymousId": anon2, "name": "Onboarding", "properties": {"step": 2}},
        {"type": "track", "anonymousId": anon2, "event": "Signup Started"},
        {"type": "alias", "previousId": anon2, "userId": "user_8841"},
        {
            "type": "track",
            "userId": "user_8841",
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
                "messageId": f"node-next-{int(time.time() * 1000)}-{i}",
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
    time.sleep(0.05)
    # 4. RudderStack python, gzip by default
    rb = [
        {
            "type": "identify",
            "userId": "user_2077",
            "anonymousId": None,
            "context": {
                "traits": {"email": "grace@example.com"},
                "library": {"name": "analytics-python", "version": "2.1.9"},
            },
            "channel": "server",
            "integrations": {"All": True},
            "timestamp": iso(),
        },
        {
            "type": "track",
            "userId": "user_2077",
            "event": "Report Exported",
            "properties": {"format": "csv", "rows": 1200},
            "channel": "server",
            "context": {"library": {"name": "analytics-python", "version": "2.1.9"}},
            "integrations": {"All": True},
            "timestamp": iso(),
        },
    ]
    for m in rb:
        m["messageId"] = str(uuid.uuid4())
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
    # 5. a malformed request (rejected with 400)
    post(
        url + "/v1/track",
        b'{"userId": "user_8841", "event": "Broken", ',
        {"Content-Type": "application/json", "Authorization": basic("wk_backend")},
    )


async def _in_thread(loop, fn, *args) -> None:
    await loop.run_in_executor(None, fn, *args)


async def _until(cond, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        await asyncio.sleep(0.02)


async def settle(window, seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        window.feed.flush_now()
        await asyncio.sleep(0.05)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--theme", default="light", choices=["light", "dark"])
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import qasync

    from inspector.domain.faults import FaultRule
    from inspector.gui.main import apply_theme, build_window, make_qapp, shutdown

    app = make_qapp()
    apply_theme(args.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # the golden session of the previous release, recorded earlier (compare.png)
    ns = SimpleNamespace(
        host="127.0.0.1",
        port=0,
        data_dir=f"{_tmp}/data",
        session="release-1.4",
        fault=None,
        no_lint=False,
        token=None,
    )
    old = build_window(ns)
    loop.run_until_complete(old.controller.start())
    loop.run_until_complete(_in_thread(loop, baseline_traffic, old.controller.url))
    loop.run_until_complete(shutdown(old))
    old.deleteLater()
    ns.session = "checkout"
    w = build_window(ns)
    w.resize(1600, 900)
    w.show()
    loop.run_until_complete(w.controller.start())
    loop.run_until_complete(settle(w, 0.3))
    w.grab().save(str(out / "first-run.png"))

    async def drive() -> None:
        await asyncio.get_running_loop().run_in_executor(None, traffic, w.controller.url)
        w.service.faults.add(FaultRule(status=503, count=1, write_key="wk_backend"))
        await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: post(
                w.controller.url + "/v1/batch",
                json.dumps(
                    {
                        "batch": [{"type": "track", "userId": "user_8841", "event": "Retry Me"}],
                        "writeKey": "wk_backend",
                    }
                ).encode(),
                {"Content-Type": "application/json", "Authorization": basic("wk_backend")},
            ),
        )
        await settle(w)

    loop.run_until_complete(drive())
    w._tick()
    # select "Order Completed"
    m = w.feed.model
    row = next(r for r in range(m.rowCount()) if m.index(r, 2).data() == "Order Completed")
    w.table.select_row(row)
    w.detail.setCurrentIndex(0)
    loop.run_until_complete(settle(w, 0.2))
    w.grab().save(str(out / "window.png"))
    # raw tab
    w.detail.setCurrentIndex(1)
    loop.run_until_complete(settle(w, 0.1))
    w.grab().save(str(out / "window-raw.png"))
    w.detail.setCurrentIndex(0)
    # rejected & faults tab
    w.tabs.setCurrentIndex(1)
    w.requests_view.selectRow(0)
    loop.run_until_complete(settle(w, 0.1))
    w.grab().save(str(out / "rejected.png"))
    # people
    w.tabs.setCurrentIndex(2)
    w.people.refresh()
    w.people.select_person("user_8841")
    w.splitter.setSizes([0, 1120, 480])
    w.people.views.setCurrentIndex(0)
    loop.run_until_complete(settle(w, 0.2))
    w.grab().save(str(out / "people-graph.png"))
    w.people.views.setCurrentIndex(1)
    loop.run_until_complete(settle(w, 0.2))
    w.grab().save(str(out / "timeline.png"))
    # compare: release-1.4 (baseline) against the live checkout session
    dlg = w.open_compare()
    dlg.resize(1400, 760)
    loop.run_until_complete(_until(lambda: not dlg.busy and dlg.result is not None))
    m = dlg.model
    row = next(r for r in range(m.rowCount()) if m.index(r, 1).data() == "Order Completed")
    dlg.kinds.selectRow(row)
    loop.run_until_complete(settle(w, 0.2))
    dlg.grab().save(str(out / "compare.png"))
    dlg.close()
    w.close()
    loop.run_until_complete(shutdown(w))
    loop.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
