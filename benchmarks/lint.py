"""Lint throughput: ``lint_batch`` over 100-event batches of realistic ~700-byte events.

Run: ``.venv/bin/python benchmarks/lint.py [--events 20000] [--rounds 5]``. Prints µs/event,
events/s (CPU time of this process, robust on a busy machine) and the ratio to a
baseline measured in the same run: ``orjson.loads`` + ``orjson.dumps`` of the same events
(what the collector does to every event anyway).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from typing import Any

import orjson

from inspector.domain.intake import build_events, parse_body
from inspector.domain.lint import LintEngine

PRODUCTS = [
    {
        "product_id": f"p{i}",
        "sku": f"SKU-{i:04d}",
        "name": f"Product {i}",
        "price": round(9.99 + i, 2),
        "quantity": 1 + i % 3,
        "category": "Games",
    }
    for i in range(20)
]
LIBS = [("analytics.js", "next-1.84.3"), ("analytics-ios", "4.1.8"), ("analytics-python", "2.4.0")]


def _context(rng: random.Random) -> dict[str, Any]:
    lib = rng.choice(LIBS)
    return {
        "library": {"name": lib[0], "version": lib[1]},
        "page": {
            "path": "/shop/cart",
            "referrer": "https://www.example.com/",
            "search": "",
            "title": "Cart",
            "url": "https://shop.example.com/shop/cart",
        },
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
        "locale": "en-US",
        "timezone": "Europe/Berlin",
        "ip": "203.0.113.7",
    }


def make_message(i: int, rng: random.Random) -> dict[str, Any]:
    anon = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    base: dict[str, Any] = {
        "messageId": f"ajs-next-{1795343627767 + i}-{uuid.UUID(int=i, version=4)}",
        "anonymousId": anon,
        "userId": f"user-{i % 500:05d}",
        "timestamp": "2026-11-22T10:33:47.767Z",
        "sentAt": "2026-11-22T10:33:47.770Z",
        "integrations": {"Segment.io": True},
        "context": _context(rng),
        "_metadata": {"bundled": ["Segment.io"], "unbundled": [], "bundledIds": []},
    }
    kind = i % 10
    if kind < 5:
        ev = rng.choice(
            [
                "Product Viewed",
                "Product Added",
                "Order Completed",
                "Checkout Started",
                "Cart Viewed",
                "Promotion Clicked",
            ]
        )
        props: dict[str, Any]
        if ev in ("Product Viewed", "Product Added"):
            props = dict(rng.choice(PRODUCTS), cart_id="c-77")
        elif ev == "Promotion Clicked":
            props = {
                "promotion_id": "promo_1",
                "creative": "top_banner",
                "name": "75% sale",
                "position": "home_banner_top",
            }
        else:
            props = {
                "order_id": f"o{i}",
                "total": 27.5,
                "revenue": 25.0,
                "currency": "USD",
                "products": rng.sample(PRODUCTS, 2),
            }
        base.update(type="track", event=ev, properties=props)
    elif kind < 7:
        base.update(
            type="page",
            name="Cart",
            properties={
                "path": "/shop/cart",
                "referrer": "",
                "title": "Cart",
                "url": "https://shop.example.com/shop/cart",
                "search": "",
            },
        )
    elif kind == 7:
        base.update(
            type="identify",
            traits={
                "email": f"u{i}@example.com",
                "plan": "pro",
                "firstName": "Ada",
                "createdAt": "2024-01-02T03:04:05Z",
            },
        )
    elif kind == 8:
        base.update(
            type="group",
            groupId="acme-1",
            traits={"name": "Acme", "employees": 329, "plan": "enterprise"},
        )
    else:
        base.update(type="alias", previousId=anon)
    return base


def corpus(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [make_message(i, rng) for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    msgs = corpus(args.events)
    raws = [orjson.dumps(m) for m in msgs]
    print(f"corpus: {len(msgs)} events, mean {sum(map(len, raws)) / len(raws):.0f} bytes")
    batches = []
    for start in range(0, len(msgs), 100):
        body = orjson.dumps({"batch": msgs[start : start + 100], "sentAt": msgs[0]["sentAt"]})
        evs = build_events(
            parse_body("batch", body), session_id=1, received_at=1795343628.0, headers={}, query={}
        )
        batches.append(evs)
    lint_t, base_t = [], []
    for _ in range(args.rounds):
        t0 = time.process_time()
        for r in raws:
            orjson.dumps(orjson.loads(r))
        base_t.append(time.process_time() - t0)
        engine = LintEngine()  # a fresh session each round
        t0 = time.process_time()
        for evs in batches:
            engine.lint_batch(evs, None)
        lint_t.append(time.process_time() - t0)
    findings = sum(len(e.lint) for evs in batches for e in evs)
    n = len(msgs)
    lint_us = statistics.median(lint_t) / n * 1e6
    base_us = statistics.median(base_t) / n * 1e6
    print(f"findings on the clean corpus: {findings}")
    print(f"lint_batch:            {lint_us:6.2f} µs/event  {1e6 / lint_us:10,.0f} events/s")
    print(f"orjson loads+dumps:    {base_us:6.2f} µs/event  {1e6 / base_us:10,.0f} events/s")
    print(f"lint / baseline ratio: {lint_us / base_us:.2f}x (median of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
