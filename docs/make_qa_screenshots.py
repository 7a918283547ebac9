"""Render the QA panels offscreen into docs/flows.png and docs/coverage.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_qa_screenshots.py [--out docs]

Starts the real window on port 0 and sends journeys through the real Python client libraries
(segment-analytics-python, rudder-sdk-python, customerio-cdp-analytics): two flows are open,
one person has gone through the checkout, another is half-way; then a tracking plan is loaded
and the coverage tab shows which planned events each client sent.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from shots_common import arguments, qt_loop, scratch, settle, window_args

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_tmp = scratch("ei-qa-shots-")

CHECKOUT = """\
name: Checkout
steps:
  - q: 'type:page name:Pricing'
  - q: 'type:track event:"Signed Up"'
  - q: type:identify
  - q: 'type:track event:"Order Completed" properties.revenue:>0'
"""
ONBOARDING = """\
name: Onboarding
steps:
  - {name: Opened the app, q: 'type:screen name:Welcome'}
  - {name: Picked a plan, q: 'type:track event:"Plan Selected"'}
  - {name: Invited a teammate, q: 'type:track event:"Invite Sent"'}
"""
PLAN = """\
events:
  Signed Up: {required: true, properties: {plan: {type: string, enum: [free, pro]}}}
  Order Completed:
    required: true
    properties: {order_id: {type: string, required: true}, revenue: number}
  Plan Selected: {properties: {plan: string}}
  Invite Sent: {properties: {}}
  Cart Viewed: {required: true, properties: {}}
  Coupon Applied: {properties: {coupon: string}}
identify:
  traits: {email: {type: string, required: true}}
"""


def client(lib: str, url: str, key: str):
    if lib == "segment":
        from segment.analytics import Client
    elif lib == "rudder":
        from rudderstack.analytics import Client
    else:
        from customerio.analytics import Client
    return Client(key, host=url, upload_interval=0.05, max_retries=1)


def send(lib: str, url: str, calls: list[tuple[str, dict]]) -> None:
    c = client(lib, url, f"wk_{lib}")
    for method, kw in calls:
        getattr(c, method)(**kw)
        c.flush()
    c.shutdown()


def ada(url: str) -> None:
    """Through the whole checkout on the web backend (segment-analytics-python)."""
    send(
        "segment",
        url,
        [
            ("page", {"anonymous_id": "anon-7f3a", "name": "Pricing"}),
            (
                "track",
                {"anonymous_id": "anon-7f3a", "event": "Signed Up", "properties": {"plan": "pro"}},
            ),
            (
                "identify",
                {
                    "user_id": "ada",
                    "anonymous_id": "anon-7f3a",
                    "traits": {"email": "ada@example.com"},
                },
            ),
            (
                "track",
                {
                    "user_id": "ada",
                    "event": "Order Completed",
                    "properties": {"order_id": "o-1", "revenue": 49.0},
                },
            ),
        ],
    )


def grace(url: str, part: int) -> None:
    """Half-way through the checkout (RudderStack), then onboarding on mobile-like screens."""
    calls = [
        ("page", {"anonymous_id": "anon-c21e", "name": "Pricing"}),
        (
            "track",
            {"anonymous_id": "anon-c21e", "event": "Signed Up", "properties": {"plan": "free"}},
        ),
    ]
    if part > 1:
        calls.append(
            (
                "identify",
                {
                    "user_id": "grace",
                    "anonymous_id": "anon-c21e",
                    "traits": {"email": "grace@example.com"},
                },
            )
        )
    send("rudder", url, calls)


def linus(url: str) -> None:
    send(
        "customerio",
        url,
        [
            ("screen", {"user_id": "linus", "name": "Welcome"}),
            (
                "track",
                {"user_id": "linus", "event": "Plan Selected", "properties": {"plan": "pro"}},
            ),
            ("track", {"user_id": "linus", "event": "Invite Sent", "properties": {}}),
            (
                "track",
                {"user_id": "linus", "event": "Theme Changed", "properties": {"theme": "dark"}},
            ),
            (
                "track",
                {"user_id": "linus", "event": "Order Completed", "properties": {"revenue": 12.5}},
            ),
        ],
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1600x900")
    ap.add_argument("--suffix", default="")
    args, out = arguments(ap)
    width, height = (int(x) for x in args.size.split("x"))
    for name in ("segment", "rudderstack", "customerio", "backoff"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    os.chdir(_tmp)  # the project directory: its .event-inspector.toml
    (_tmp / "checkout.yaml").write_text(CHECKOUT)
    (_tmp / "onboarding.yaml").write_text(ONBOARDING)
    (_tmp / "plan.yaml").write_text(PLAN)

    from inspector.gui.main import build_window, shutdown

    _app, loop = qt_loop()
    ns = window_args(_tmp / "data", "release-2.0")
    w = build_window(ns)
    w.resize(width, height)
    w.show()
    loop.run_until_complete(w.controller.start())
    url = w.controller.url
    qa = w.qa
    qa.open_flow(str(_tmp / "checkout.yaml"))
    qa.open_flow(str(_tmp / "onboarding.yaml"))

    async def run(fn, *a) -> None:
        await asyncio.get_running_loop().run_in_executor(None, fn, *a)
        await settle(w, 0.8)

    loop.run_until_complete(run(ada, url))
    loop.run_until_complete(run(grace, url, 2))
    loop.run_until_complete(run(linus, url))
    qa.flows.refresh()
    w.tabs.setCurrentIndex(qa.flows_tab)
    # the half-way person opened too, and the step that matched selected
    for i in range(qa.flows.tree.topLevelItemCount()):
        top = qa.flows.tree.topLevelItem(i)
        for j in range(top.childCount()):
            top.child(j).setExpanded(top.child(j).text(0).endswith("grace") or j == 0)
    loop.run_until_complete(settle(w, 0.3))
    w.grab().save(str(out / f"flows{args.suffix}.png"))
    qa.set_plan(str(_tmp / "plan.yaml"))
    loop.run_until_complete(run(linus, url))
    w.tabs.setCurrentIndex(qa.coverage_tab)
    qa.coverage.refresh()
    loop.run_until_complete(settle(w, 0.3))
    w.grab().save(str(out / f"coverage{args.suffix}.png"))
    loop.run_until_complete(shutdown(w))
    loop.close()  # stops qasync's executor threads (else Qt aborts at exit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
