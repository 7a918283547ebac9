"""One checkout journey, sent through real client libraries, in the orders the flow tests need.

Each call is ``(method, kwargs)`` in the keyword form the Segment-style Python clients share
(segment-analytics-python, customerio-cdp-analytics, rudder-sdk-python); ``node_calls`` turns
the same calls into the plain objects the Node libraries take.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Call = tuple[str, dict[str, Any]]

CHECKOUT = {
    "name": "Checkout",
    "steps": [
        {"q": "type:page name:Pricing"},
        {"q": 'type:track event:"Signed Up"'},
        {"q": "type:identify"},
        {"q": 'type:track event:"Order Completed" properties.revenue:>0'},
    ],
}
CHECKOUT_YAML = """\
name: Checkout
steps:
  - q: 'type:page name:Pricing'
  - q: 'type:track event:"Signed Up"'
  - q: type:identify
  - q: 'type:track event:"Order Completed" properties.revenue:>0'
"""


def journey(tag: str, order: str = "ok") -> list[Call]:
    """The checkout of one person (``anon-TAG`` then ``user-TAG``).

    ``ok``: the four steps in order; ``missing``: no "Signed Up"; ``reversed``: "Signed Up"
    before the pricing page; ``two-people``: the device that saw pricing and signed up is never
    identified (the user identifies from another device)."""
    anon, user = f"anon-{tag}", f"user-{tag}"
    pricing: Call = ("page", {"anonymous_id": anon, "name": "Pricing", "properties": {"tier": 2}})
    signed: Call = (
        "track",
        {"anonymous_id": anon, "event": "Signed Up", "properties": {"plan": "pro"}},
    )
    ident: Call = (
        "identify",
        {
            "user_id": user,
            "anonymous_id": anon if order != "two-people" else f"other-{tag}",
            "traits": {"email": f"{tag}@example.com", "plan": "pro"},
        },
    )
    order_done: Call = (
        "track",
        {
            "user_id": user,
            "event": "Order Completed",
            "properties": {"order_id": f"o-{tag}", "revenue": 9.99, "currency": "EUR"},
        },
    )
    if order == "ok" or order == "two-people":
        return [pricing, signed, ident, order_done]
    if order == "missing":
        return [pricing, ident, order_done]
    if order == "reversed":
        return [signed, pricing, ident, order_done]
    raise ValueError(order)


def python_client(lib: str, url: str, write_key: str, errors: list[Any]) -> Any:
    if lib == "segment":
        from segment.analytics import Client
    elif lib == "customerio":
        from customerio.analytics import Client
    elif lib == "rudder":
        from rudderstack.analytics import Client
    else:
        raise ValueError(lib)
    for name in ("segment", "customerio", "rudderstack", "backoff"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return Client(
        write_key,
        host=url,
        upload_interval=0.05,
        max_retries=1,
        on_error=lambda exc, batch: errors.append(exc),
    )


PYTHON_LIBS = ("segment", "customerio", "rudder")
CLIENT_OF = {
    "segment": "segment-analytics-python",
    "customerio": "customerio-cdp-analytics",
    "rudder": "rudder-sdk-python",
}


def send_python(lib: str, url: str, write_key: str, calls: list[Call]) -> None:
    """Send ``calls`` through the real library, flushed one by one (so arrival order is the
    call order) and shut down; fails on any delivery error."""
    errors: list[Any] = []
    client = python_client(lib, url, write_key, errors)
    try:
        for method, kw in calls:
            getattr(client, method)(**kw)
            client.flush()
    finally:
        client.shutdown()
    assert not errors, errors


def node_calls(calls: list[Call]) -> list[list[Any]]:
    """The same calls as Node's ``[method, {userId, anonymousId, ...}]``."""
    keys = {"user_id": "userId", "anonymous_id": "anonymousId"}
    return [[m, {keys.get(k, k): v for k, v in kw.items()}] for m, kw in calls]


@contextmanager
def background(fn: Callable[[], Any]) -> Iterator[dict[str, Any]]:
    """Run ``fn`` in a thread; the dict gets its ``result`` (or ``error``) when it is done."""
    import threading

    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = fn()
        except BaseException as exc:  # reported to the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield out
    finally:
        t.join(60)


NODE_LIBS = {
    "segment-node": "@segment/analytics-node",
    "cio-node": "@customerio/cdp-analytics-node",
    "legacy-node": "analytics-node",
    "rudder-node": "@rudderstack/rudder-sdk-node",
}


def send_node(driver: str, url: str, write_key: str, calls: list[Call], tmp: Any) -> None:
    """Send ``calls`` through a real Node library (``tests/clients/node/journey.mjs``)."""
    import json
    import shutil
    import subprocess

    from tests.clients.npm import NODE_DIR

    node = shutil.which("node")
    assert node is not None, "node is not installed"
    path = tmp / f"calls-{driver}.json"
    path.write_text(json.dumps(node_calls(calls)))
    proc = subprocess.run(
        [node, str(NODE_DIR / "journey.mjs"), driver, url, write_key, str(path)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
